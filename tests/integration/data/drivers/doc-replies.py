#!/usr/bin/python3
"""The shipped PyMySQL driver, answering with docs/driver-protocol.md's
example replies wherever one fits (issue 56: the document's begin-case
and end-case replies had no elapsed_ms, which driver-test requires, and
a driver written from them failed it).  t0097 runs driver-test on it.

    doc-replies.py DOC      (DOC: docs/driver-protocol.md)

The examples are the document's reply lines, in the diagrams
("goneaway <--{...}--- driver", the request they answer on the line
before: begin-case, end-case, spawn) and its JSON blocks that have a
"result" (the reply to any step).  A line with "..." is a sketch, not an
example.  A diagram's example stands for the driver's own reply to its
request's step; a block's for the driver's reply of the same result and
errno to any step.  Either is sent as it is written but for "id" (the
request's) and the thread ids (the connection's own, which the
harness compares across steps).  Every example served is logged to the
file $DOC_REPLIES_LOG as "served LINE"; the test wants each one served.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.join(HERE, "..", "..", "..", "..")
sys.path.insert(0, os.path.join(TOP, "drivers", "pymysql"))
sys.path.insert(0, os.path.join(TOP, "drivers", "pylib"))

import driver as pymysql_driver                         # noqa: E402
import gadriver                                         # noqa: E402

REQ = re.compile(r"──(\{.*?\})─*▶")
REP = re.compile(r"◀─*(\{.*?\})─")


def examples(path):
    """[(line, step or None, reply)] of the document at path."""
    out, step, block, start = [], None, None, 0
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if block is not None:
            if line.startswith("```"):
                text = "".join(block)
                if '"result"' in text and "..." not in text:
                    out.append((start, None, json.loads(text)))
                block = None
            else:
                block.append(line)
            continue
        if line.startswith("```json"):
            block, start = [], n + 1
            continue
        m = REQ.search(line)
        if m:
            step = json.loads(m.group(1)).get("step")
            continue
        m = REP.search(line)
        if m and "..." not in m.group(1):
            out.append((n, step, json.loads(m.group(1))))
    return out


EXAMPLES = examples(sys.argv[1])
LOG = os.environ.get("DOC_REPLIES_LOG")


def as_example(step, rep):
    """rep, or the example that stands for it."""
    for n, s, ex in EXAMPLES:
        if s is not None and s != step:
            continue
        if ex.get("result") != rep.get("result"):
            continue
        if s is None and ex.get("errno") != rep.get("errno"):
            continue
        out = dict(ex)
        for k in ("thread_before", "thread_after"):
            if k in out:
                out[k] = rep.get(k, 0)
        if LOG:
            with open(LOG, "a") as f:
                f.write("served %d\n" % n)
        return out
    return rep


def wrap(step, f):
    def g(*a):
        r = f(*a)
        if isinstance(r, tuple):
            return (as_example(step, r[0]),) + r[1:]
        return as_example(step, r)
    return g


class DocReplies(pymysql_driver.PyMySQL):
    def handle(self, req):
        return as_example(req.get("step"), super().handle(req))


gadriver.begin_case = wrap("begin-case", gadriver.begin_case)
gadriver.end_case = wrap("end-case", gadriver.end_case)
gadriver.spawn = wrap("spawn", gadriver.spawn)

if __name__ == "__main__":
    if LOG:
        with open(LOG, "a") as f:
            for n, s, ex in EXAMPLES:
                f.write("example %d %s\n" % (n, s or "*"))
    gadriver.serve(DocReplies())
