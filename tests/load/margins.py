#!/usr/bin/env python3
"""tests/load/margins.py SCENARIOS_DIR RESULTS.jsonl... - every time
bound of the scenarios ('after A', 'within W' on an expect line) against
the times its step took in the runs given (results.jsonl of goneaway run,
quiet or under load): the step's slowest and quickest time, and what was
left of each bound (W - slowest, quickest - A), tightest first.  A figure,
not a verdict: the scenarios' "# margin:" comments say what each bound
races and why its margin holds."""
import json, os, re, sys

def ms(text):
    m = re.fullmatch(r"([0-9.]+)(ms|s)", text)
    return float(m.group(1)) * (1 if m.group(2) == "ms" else 1000)

def bounds(path):
    """{line: (after_ms or None, within_ms or None, text)} of its expect lines"""
    out = {}
    for n, line in enumerate(open(path), 1):
        s = line.strip()
        if not s.startswith("expect"):
            continue
        a = re.search(r"\bafter ([0-9.]+m?s)\b", s)
        w = re.search(r"\bwithin ([0-9.]+m?s)\b", s)
        if a or w:
            out[n] = (ms(a.group(1)) if a else None,
                      ms(w.group(1)) if w else None, s)
    return out

def main():
    sdir, runs = sys.argv[1], sys.argv[2:]
    times = {}      # (scenario, expect line) -> [elapsed ms]
    for path in runs:
        for line in open(path):
            o = json.loads(line)
            if o["type"] == "step" and o.get("ran") and o.get("expect_line"):
                times.setdefault((o["scenario"], o["expect_line"]), []).append(
                    o.get("elapsed_ms") or 0.0)
    rows = []
    for (sc, el), ts in times.items():
        f = os.path.join(sdir, sc + ".gw")
        if not os.path.exists(f):
            continue
        b = bounds(f).get(el)
        if not b:
            continue
        a, w, text = b
        hi, lo = max(ts), min(ts)
        left_w = w - hi if w is not None else None
        left_a = lo - a if a is not None else None
        tight = min(x for x in (left_w, left_a, 1e9) if x is not None)
        rows.append((tight, sc, el, lo, hi, a, w, left_a, left_w, text))
    rows.sort()
    fmt = lambda x: "-" if x is None else "%.0f" % x
    print("%-34s %5s %8s %8s %7s %7s %9s %9s" % ("scenario", "line", "fastest",
          "slowest", "after", "within", "left(a)", "left(w)"))
    for tight, sc, el, lo, hi, a, w, la, lw, text in rows:
        print("%-34s %5d %8.0f %8.0f %7s %7s %9s %9s" % (sc, el, lo, hi,
              fmt(a), fmt(w), fmt(la), fmt(lw)))

main()
