#!/usr/bin/python3
"""verdicts.py - a release's verdicts against main's, with the list of
deliberate breaks (tests/compat/README.md; t0174-compat).

    verdicts.py --release V --breaks FILE --changelog FILE
                --want R.jsonl... --got M.jsonl... [--rerun FILE]
    verdicts.py --lint --breaks FILE --changelog FILE

Every case of the release's results.jsonl files (--want: its runs of
its files) must have a case of main's (--got: main's runs of the same
files) of the same scenario label and client with the same verdict in
at least one run of each side: several runs of one side are tries of
the same cases (a case a busy machine turned once is not a break).
Otherwise a stanza of the breaks file that names the release, the
client, the case and the two verdicts lets it through ("break" line);
else it is a difference ("differs" line, its scenario's path written
to --rerun for another try).  A stanza of the release and client whose
case is not broken is stale: a difference too.  Exit 1 on any.

The breaks file: stanzas of "KEY VALUE" lines, blank lines between,
lines that begin with "#" comments:

    break 0.2.0 0.3.0        the releases whose files it breaks
    client pymysql           the client of the cases (builtin, pymysql)
    cases slow-reader 07-stream   the scenario labels
    was PASS                 the release's verdict
    now SKIP                 main's
    changelog 0.3.0 Driver protocol 2   a line of the "### Breaking" part
                             of CHANGELOG.md's section VERSION that
                             holds this text (the next release's, not
                             cut yet: its Unreleased section)
    migration TEXT           what a user of the release does now

--lint checks each stanza: every key once, known verdicts, a
changelog line that is there, a migration.
"""
import json
import os
import re
import sys

KEYS = ("break", "client", "cases", "was", "now", "changelog", "migration")
VERDICTS = ("PASS", "FAIL", "SKIP", "ERROR")


def read_breaks(path):
    """[(line, {key: value})]; a malformed line is an error."""
    out, cur = [], None
    for n, raw in enumerate(open(path, encoding="utf-8"), 1):
        line = raw.rstrip("\n")
        if line.lstrip().startswith("#"):
            continue
        if not line.strip():
            cur = None
            continue
        key, _, value = line.strip().partition(" ")
        if key not in KEYS:
            raise SystemExit("%s:%d: '%s' is not one of %s"
                             % (path, n, key, ", ".join(KEYS)))
        if key == "break":
            cur = {"_line": n}
            out.append(cur)
        elif cur is None:
            raise SystemExit("%s:%d: '%s' outside a stanza (it begins with "
                             "'break RELEASE...')" % (path, n, key))
        if key in cur:
            raise SystemExit("%s:%d: a second '%s'" % (path, n, key))
        cur[key] = value.strip()
    return out


def breaking_lines(changelog):
    """{section: [lines of its '### Breaking' part]}"""
    out, section, part = {}, None, None
    for line in open(changelog, encoding="utf-8"):
        line = line.rstrip("\n")
        m = re.fullmatch(r"## (Unreleased|\d+\.\d+\.\d+)", line)
        if m:
            section, part = m.group(1), None
            continue
        if line.startswith("### "):
            part = line[4:].strip()
            continue
        if section and part == "Breaking":
            out.setdefault(section, []).append(line)
    return out


def vkey(v):
    return tuple(int(x) for x in v.split("."))


def lint(breaks, changelog, path):
    bad = []
    parts = breaking_lines(changelog)
    for b in breaks:
        where = "%s:%d" % (path, b["_line"])
        for k in KEYS:
            if not b.get(k):
                bad.append("%s: no '%s'" % (where, k))
        for k in ("was", "now"):
            if b.get(k) and b[k] not in VERDICTS:
                bad.append("%s: %s %s is no verdict" % (where, k, b[k]))
        rels = (b.get("break") or "").split()
        if any(not re.fullmatch(r"\d+\.\d+\.\d+", r) for r in rels):
            bad.append("%s: break %s: not release numbers" % (where, b["break"]))
        sec, _, text = (b.get("changelog") or "").partition(" ")
        text = text.strip()
        if sec not in parts and re.fullmatch(r"\d+\.\d+\.\d+", sec) and all(
                vkey(sec) > vkey(v) for v in parts if v != "Unreleased"):
            sec = "Unreleased"          # the next release, not cut yet
        if sec and not any(text and text in l for l in parts.get(sec, [])):
            bad.append("%s: CHANGELOG.md's section %s has no '### Breaking' "
                       "line with '%s'" % (where, sec, text))
    return bad


def cases(paths):
    """{(label, client): (set of verdicts, scenario path)}"""
    out = {}
    for p in paths:
        if not os.path.exists(p):
            # a try that wrote nothing (its run's .out says why): no case
            print("verdicts: %s: no such file: its cases count as absent" % p)
            continue
        for line in open(p, encoding="utf-8"):
            try:
                j = json.loads(line)
            except ValueError:
                continue
            if j.get("type") != "case":
                continue
            sc, cl = j.get("scenario") or {}, j.get("client") or {}
            key = (sc.get("label"), cl.get("name"))
            v, _ = out.setdefault(key, (set(), sc.get("path")))
            v.add(j.get("verdict"))
    return out


def compare(release, breaks, want, got, rerun):
    mine = [b for b in breaks if release in b["break"].split()]
    used = set()
    bad, seen, broke = [], 0, 0
    for key in sorted(want, key=lambda k: (k[1] or "", k[0] or "")):
        label, client = key
        wv, path = want[key]
        gv = got.get(key, (set(), None))[0]
        if wv & gv:
            seen += 1
            continue
        for i, b in enumerate(mine):
            if (b["client"] == client and label in b["cases"].split() and
                    b["was"] in wv and b["now"] in gv):
                used.add((i, label))
                broke += 1
                print("break: %s %s: %s %s, main %s (%s; migration: %s)"
                      % (label, client, release, b["was"], b["now"],
                         b["changelog"], b["migration"]))
                break
        else:
            bad.append("differs: %s %s: %s %s, main %s" % (
                label, client, release, "/".join(sorted(wv)),
                "/".join(sorted(gv)) or "no case"))
            if rerun and path:
                rerun.write(path + "\n")
    clients = set(k[1] for k in want)
    for i, b in enumerate(mine):
        if b["client"] not in clients:
            continue
        for label in b["cases"].split():
            if (i, label) not in used:
                bad.append("stale: the break of line %d names %s %s, which "
                           "%s and main give the same (or it is not there)"
                           % (b["_line"], label, b["client"], release))
    for line in bad:
        print(line)
    print("%s: %d cases the same, %d broken on purpose, %d differences"
          % (release, seen, broke, len(bad)))
    return 1 if bad else 0


def main(argv):
    opts = {"--want": [], "--got": []}
    single = {}
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "--lint":
            single[a] = True
            i += 1
            continue
        if i + 1 >= len(argv):
            print("verdicts.py: %s needs a value" % a, file=sys.stderr)
            return 2
        if a in opts:
            opts[a].append(argv[i + 1])
        elif a in ("--release", "--breaks", "--changelog", "--rerun"):
            single[a] = argv[i + 1]
        else:
            print("verdicts.py: unknown option %s" % a, file=sys.stderr)
            return 2
        i += 2
    breaks = read_breaks(single["--breaks"])
    if single.get("--lint"):
        bad = lint(breaks, single["--changelog"], single["--breaks"])
        print("\n".join(bad) if bad else
              "breaks: %d, each with its CHANGELOG line and migration"
              % len(breaks))
        return 1 if bad else 0
    rerun = open(single["--rerun"], "w") if "--rerun" in single else None
    rc = compare(single["--release"], breaks, cases(opts["--want"]),
                 cases(opts["--got"]), rerun)
    if rerun:
        rerun.close()
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
