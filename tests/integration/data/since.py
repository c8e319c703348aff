#!/usr/bin/python3
"""since.py - the docs say from which release each option, driver
protocol version and feature exists, and each release's own code agrees
(issue 56; t0043).

    since.py TOP [--running FILE] [--protocol FILE]

TOP is a git checkout of goneaway; the files default to its
docs/running.md and docs/driver-protocol.md.  Prints one line per
problem and exits 1 when there is any.

The releases are CHANGELOG.md's headings with the commit each names
(releases.py), and the newest heading at its own release commit (HEAD,
which cannot name itself).  A release of the docs that is none of them
is the next one, newer than them all: one number for every row.

- docs/running.md's "Every option" (its `since` column): each option of
  a release X is in X's table of options (the getopt tables of
  harness/cli/COMMAND.c up to 0.4.0, then its table of options,
  harness/cli/parseopt.h; and the outputs' rows of harness/report/*.c)
  and in no earlier release's; an option of the next release is in
  none.
- docs/driver-protocol.md's table of versions (its `goneaway` column):
  protocol N of release X is one X's GA_PROTOCOL_VERSION reaches and the
  release before X's does not; N of the next release is above every
  release's.  harness/client/protocol_features.c's table of releases
  (ga_protocol_release) names the same.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import releases as rel                                  # noqa: E402

COMMANDS = ("run", "report", "check", "replay")


def vkey(v):
    return tuple(int(x) for x in v.split("."))


def release_commits(top):
    """[(version, commit)], oldest first."""
    text = open(os.path.join(top, "CHANGELOG.md")).read()
    out = []
    for v, c, _ in rel.releases(text):
        if c is None and rel.version_at(top, "HEAD") == v:
            c = rel.git(top, "rev-parse", "HEAD").strip()
        if c:
            out.append((v, c))
    return sorted(out, key=lambda r: vkey(r[0]))


def options_at(top, commit):
    out = set()
    for cmd in COMMANDS:
        text = rel.git(top, "show", "%s:harness/cli/%s.c" % (commit, cmd)) or ""
        # getopt_long's table (up to 0.4.0), or the command's table of
        # options (harness/cli/parseopt.h), whose CLI_HELP_ROWS is --help
        m = re.search(r"^static const struct option [a-z_]*\[\] = \{\n(.*?)^\};",
                      text, re.M | re.S)
        if m:
            out.update((cmd, o) for o in
                       re.findall(r'\{ *"([a-z][a-z0-9-]*)"', m.group(1)))
        m = re.search(r"^static const struct cli_option [a-z_]*\[\] = \{\n(.*?)^\};",
                      text, re.M | re.S)
        if m:
            out.update((cmd, o) for o in
                       re.findall(r'\.name = "([a-z][a-z0-9-]*)"', m.group(1)))
            if "CLI_HELP_ROWS(" in m.group(1):
                out.add((cmd, "help"))
    files = rel.git(top, "ls-tree", "--name-only", commit,
                    "harness/report/") or ""
    for f in files.split():
        if not f.endswith(".c"):
            continue
        name = None
        for line in (rel.git(top, "show", "%s:%s" % (commit, f)) or "").split("\n"):
            m = re.search(r'\.name = "([^"]*)"', line)
            if m:
                name = m.group(1)
            if ".file = " in line and name:
                if "GA_OUTPUT_RUN" in line:
                    out.add(("run", name))
                if "GA_OUTPUT_REPORT" in line:
                    out.add(("report", name))
    return out


def protocol_at(top, commit):
    text = rel.git(top, "grep", "-h", "define GA_PROTOCOL_VERSION", commit,
                   "--", "harness") or ""
    m = re.search(r"GA_PROTOCOL_VERSION (\d+)", text)
    return int(m.group(1)) if m else 0


def check_next(rows_next, newest, what, bad):
    nexts = sorted(set(v for v, _ in rows_next))
    if len(nexts) > 1:
        bad.append("%s: more than one release after %s: %s"
                   % (what, newest, ", ".join(nexts)))
    for v, where in rows_next:
        if vkey(v) <= vkey(newest):
            bad.append("%s: %s is no release (CHANGELOG.md)" % (where, v))


def check_options(top, path, rels, bad):
    text = open(path).read()
    block = text[text.index("<!-- options: begin -->"):
                 text.index("<!-- options: end -->")]
    tables = {v: options_at(top, c) for v, c in rels}
    names = [v for v, _ in rels]
    rows, nexts = 0, []
    for n, line in enumerate(block.split("\n")):
        m = re.match(r"\| (\w+) \| `--([a-z][a-z0-9-]*)[^|]*\| ([0-9.]+) \|",
                     line)
        if not m:
            continue
        rows += 1
        cmd, opt, since = m.groups()
        where = "%s: %s --%s (since %s)" % (path, cmd, opt, since)
        has = [v for v in names if (cmd, opt) in tables[v]]
        if since not in tables:
            nexts.append((since, where))
            if has:
                bad.append("%s: %s has it already" % (where, has[0]))
            continue
        if not has or has[0] != since:
            bad.append("%s: the first release whose table has it is %s"
                       % (where, has[0] if has else "none"))
    if rows < 10:
        bad.append("%s: no \"since\" column in \"Every option\"" % path)
    check_next(nexts, names[-1], path, bad)


def check_protocol(top, path, rels, bad):
    table = {v: protocol_at(top, c) for v, c in rels}
    names = [v for v, _ in rels]
    docs = {}
    nexts = []
    for line in open(path):
        m = re.match(r"\| (\d+) \| ([0-9.]+) \|", line)
        if not m:
            continue
        n, since = int(m.group(1)), m.group(2)
        where = "%s: protocol %d (goneaway %s)" % (path, n, since)
        if docs.setdefault(n, since) != since:
            bad.append("%s: another row says %s" % (where, docs[n]))
        if since not in table:
            nexts.append((since, where))
            if n <= table[names[-1]]:
                bad.append("%s: %s knows it already" % (where, names[-1]))
            continue
        i = names.index(since)
        if table[since] < n:
            bad.append("%s: %s knows protocols up to %d"
                       % (where, since, table[since]))
        if i > 0 and table[names[i - 1]] >= n:
            bad.append("%s: %s knows it already" % (where, names[i - 1]))
    if not docs:
        bad.append("%s: no table of versions with a goneaway column" % path)
    check_next(nexts, names[-1], path, bad)
    src = open(os.path.join(top, "harness/client/protocol_features.c")).read()
    m = re.search(r"releases\[\] = \{([^}]*)\}", src)
    code = re.findall(r'"([0-9.]+)"', m.group(1)) if m else []
    want = [docs[n] for n in sorted(docs)]
    if code != want:
        bad.append("harness/client/protocol_features.c: releases[] is %s, "
                   "%s says %s" % (code, path, want))


def main(argv):
    got = rel.options("since.py", __doc__, argv, {
        "--running": ("docs", "running.md"),
        "--protocol": ("docs", "driver-protocol.md")})
    if got is None:
        return 2
    top, opts = got
    rels = release_commits(top)
    bad = []
    if not rels:
        bad.append("CHANGELOG.md: no release names its commit")
    else:
        check_options(top, opts["--running"], rels, bad)
        check_protocol(top, opts["--protocol"], rels, bad)
    if bad:
        print("\n".join(bad))
        return 1
    print("since: every option and protocol version of the docs is its "
          "release's (%s)" % ", ".join(v for v, _ in rels))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
