#!/usr/bin/python3
# carry-driver.py [late] - for t0201-fresh-copies (issue 57): the shipped
# PyMySQL driver (protocol 5, features "cases" and "spawn"), whose
# process carries what a case left in it into the next case, where
# goneaway's checks from outside cannot see it:
#   SELECT 'leave'   sets the process's umask to 077 and GA_CARRY=1 in
#                    its environment, then runs as written
#   SELECT 'probe'   runs as SELECT 'umask 077' or SELECT 'env GA_CARRY'
#                    when it finds either, else as SELECT 'clean'
# A case that probes after one that left gets 'clean' only from a
# process that never ran the case before: a copy its zygote forked
# fresh for it.
# With the argument "late", it declares no "spawn" (its processes are
# kept between cases and checked from outside) and, 300 ms after its
# end-case answer, a thread of it writes a line nobody asked for: the
# previous case's, which goneaway must see when it takes the process
# for the next case, and start a new one.
import os
import sys
import threading
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "..", "drivers",
                                "pymysql"))
import driver                                           # noqa: E402
import gadriver                                         # noqa: E402

LATE = len(sys.argv) > 1 and sys.argv[1] == "late"


class Carry(driver.PyMySQL):
    name = "carry"

    def do_query(self, req):
        sql = req.get("sql", "")
        if sql == "SELECT 'leave'":
            os.umask(0o077)
            os.environ["GA_CARRY"] = "1"
        elif sql == "SELECT 'probe'":
            mask = os.umask(0o022)
            os.umask(mask)
            req = dict(req, sql="SELECT 'umask 077'" if mask == 0o077 else
                       "SELECT 'env GA_CARRY'" if "GA_CARRY" in os.environ
                       else "SELECT 'clean'")
        return super().do_query(req)


def stray(out):
    time.sleep(0.3)
    out.write('{"id": 0, "result": "ok"}\n')
    out.flush()


def serve(sess, inp=None):
    out = sys.stdout
    hello = sess.greeting()
    if not LATE:
        hello["features"] = list(hello["features"]) + [gadriver.SPAWN]
    out.write(gadriver.json.dumps(hello) + "\n")
    out.flush()
    for line in inp or sys.stdin.buffer:
        req = gadriver.json.loads(line)
        step = req.get("step")
        if step == "begin-case":
            rep = gadriver.begin_case(req)
        elif step == "end-case":
            rep, sess = gadriver.end_case(sess)
        elif step == "spawn":
            rep = gadriver.spawn(sess, req)
        else:
            rep = sess.handle(req)
        rep["id"] = req.get("id")
        out.write(gadriver.json.dumps(rep) + "\n")
        out.flush()
        if step == "end-case" and LATE:
            threading.Thread(target=stray, args=(out,), daemon=True).start()


# a copy the zygote spawns serves with this loop too (gadriver.spawn
# calls the module's serve)
gadriver.serve = serve
serve(Carry())
