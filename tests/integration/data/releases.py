#!/usr/bin/python3
"""releases.py - what t0043 checks of goneaway's releases and of the CI
templates that pin one (docs/connectors.md, "goneaway is pinned").

    releases.py TOP [--changelog FILE] [--templates DIR] [--connectors FILE]

TOP is a git checkout of goneaway; the other files default to its own.
Prints one line per problem and exits 1 when there is any, else prints
the newest named release and exits 0.

- CHANGELOG.md: every "## X.Y.Z" heading names its commit ("Commit
  `ID`" in its section), a commit of this repository, an ancestor of
  HEAD, whose GONEAWAY_VERSION (harness/cli/internal.h) is X.Y.Z; where
  that commit has a CHANGELOG.md, it is the commit that set the version
  (its first parent's differs) and its CHANGELOG.md has the heading.
  Only the newest heading may name none, and only at its release commit
  itself (HEAD sets the version): a commit cannot hold its own id.
- The templates (ci/*.yml) and docs/connectors.md pin the newest named
  release's commit (GONEAWAY_REF), each template's pin naming that
  version in its comment; every file of goneaway a template mentions
  (goneaway/PATH, docs/*.md, ci/*, scenarios/*, with globs), every
  scenario an --allow-skip rule there names (KIND:SCENARIO) and every
  -k WORD is there at the pinned commit.
"""
import fnmatch
import os
import re
import subprocess
import sys

KINDS = ("root", "server", "flavour", "netem", "fault", "driver")


def git(top, *args, ok=(0,)):
    p = subprocess.run(["git", "-C", top] + list(args), capture_output=True,
                       text=True)
    if p.returncode not in ok:
        return None
    return p.stdout


def version_at(top, commit):
    text = git(top, "show", "%s:harness/cli/internal.h" % commit)
    if text is None:
        return None
    m = re.search(r'^#define GONEAWAY_VERSION "([^"]*)"', text, re.M)
    return m.group(1) if m else None


def releases(text):
    """[(version, commit or None, line)] in the file's order."""
    out = []
    for n, line in enumerate(text.split("\n"), 1):
        m = re.fullmatch(r"## (\d+\.\d+\.\d+)", line)
        if m:
            out.append([m.group(1), None, n])
            continue
        m = re.match(r"Commit `([0-9a-f]{40})`", line)
        if m and out and out[-1][1] is None:
            out[-1][1] = m.group(1)
    return out


def check_releases(top, changelog, rels, bad):
    for i, (v, c, n) in enumerate(rels):
        where = "%s:%d: %s" % (changelog, n, v)
        if c is None:
            if i > 0:
                bad.append("%s names no commit (Commit `ID` under its "
                           "heading)" % where)
            elif not (version_at(top, "HEAD") == v and
                      version_at(top, "HEAD^") != v):
                bad.append("%s names no commit, and HEAD is not its "
                           "release (the commit that set the version): "
                           "the commit after the release names it" % where)
            continue
        if git(top, "cat-file", "-e", c + "^{commit}") is None:
            bad.append("%s: no commit %s in this repository" % (where, c))
            continue
        if git(top, "merge-base", "--is-ancestor", c, "HEAD") is None:
            bad.append("%s: commit %s is not an ancestor of HEAD (a "
                       "rewritten branch's?)" % (where, c))
        got = version_at(top, c)
        if got != v:
            bad.append("%s: commit %s is version %s" % (where, c[:12], got))
            continue
        log = git(top, "show", "%s:CHANGELOG.md" % c)
        if log is None:
            continue            # older than CHANGELOG.md (0.2.0)
        if not re.search(r"^## %s$" % re.escape(v), log, re.M):
            bad.append("%s: commit %s has no '## %s' in its CHANGELOG.md"
                       % (where, c[:12], v))
        if version_at(top, c + "^") == v:
            bad.append("%s: commit %s is not the one that set the version "
                       "(its parent is %s already)" % (where, c[:12], v))


def tree(top, commit):
    text = git(top, "ls-tree", "-r", "--name-only", commit) or ""
    return text.split("\n")


def keywords(top, commit, files):
    words = set()
    for f in files:
        if not (f.startswith("scenarios/") and f.endswith(".gw")):
            continue
        words.add(os.path.basename(f)[:-3])
        text = git(top, "show", "%s:%s" % (commit, f)) or ""
        for line in text.split("\n"):
            if line.startswith("keywords "):
                words.update(line.split()[1:])
    return words


def mentions(text):
    """The paths (globs) of goneaway a template names, and the -k words."""
    paths = set()
    for m in re.finditer(r"goneaway/((?:scenarios|docs|ci|drivers)/[\w.*/-]*[\w*])",
                         text):
        paths.add(m.group(1))
    for m in re.finditer(r"(?<![\w./-])((?:docs|ci|drivers)/[\w.*-]+\.\w+|"
                         r"scenarios/[\w.*-]+\.(?:gw|tsv))", text):
        paths.add(m.group(1))
    for m in re.finditer(r"\b(?:%s):([a-z0-9][\w-]*)" % "|".join(KINDS), text):
        paths.add("scenarios/%s.gw" % m.group(1))
    ks = set(m.group(1) for m in re.finditer(r"(?:^|\s)-k\s+([\w-]+)", text))
    return paths, ks


def check_templates(top, tdir, connectors, rel, bad):
    v, c = rel[0], rel[1]
    files = tree(top, c)
    words = None
    names = sorted(f for f in os.listdir(tdir) if f.endswith(".yml"))
    if not names:
        bad.append("%s: no template" % tdir)
    for name in names:
        path = os.path.join(tdir, name)
        text = open(path).read()
        pins = re.findall(r"^\s*GONEAWAY_REF:\s*(\S+)(.*)$", text, re.M)
        if not pins:
            bad.append("%s: no GONEAWAY_REF" % path)
        for ref, rest in pins:
            if ref != c:
                bad.append("%s: GONEAWAY_REF is %s, not %s, the commit of "
                           "the newest release (%s)" % (path, ref, c, v))
            m = re.search(r"#\s*(\d+\.\d+\.\d+)\b", rest)
            if not m or m.group(1) != v:
                bad.append("%s: the comment of GONEAWAY_REF names %s, not "
                           "%s" % (path, m.group(1) if m else "no version", v))
        paths, ks = mentions(text)
        for p in sorted(paths):
            if not any(fnmatch.fnmatchcase(f, p) or f.startswith(p + "/")
                       for f in files):
                bad.append("%s mentions %s, which %s (%s) does not have"
                           % (path, p, v, c[:12]))
        for k in sorted(ks):
            if words is None:
                words = keywords(top, c, files)
            if k not in words and not any(k in w for w in words):
                bad.append("%s: -k %s selects no scenario of %s (%s)"
                           % (path, k, v, c[:12]))
    doc = open(connectors).read()
    pins = re.findall(r"^GONEAWAY_REF: (\S+)$", doc, re.M)
    if not pins:
        bad.append("%s: shows no GONEAWAY_REF: line" % connectors)
    for ref in pins:
        if ref != c:
            bad.append("%s: GONEAWAY_REF: %s, not %s (%s)"
                       % (connectors, ref, c, v))


def options(prog, doc, argv, defaults):
    """(TOP, {option: value}) of "PROG TOP [--OPTION VALUE]...": each
    option one of defaults, whose values are paths under TOP; None, having
    said why, when argv is not that."""
    if len(argv) < 2:
        print(doc.split("\n\n")[1].strip(), file=sys.stderr)
        return None
    top = argv[1]
    opts = {k: os.path.join(top, *v) for k, v in defaults.items()}
    rest = argv[2:]
    while rest:
        if rest[0] not in opts or len(rest) < 2:
            print("%s: unknown option %s" % (prog, rest[0]), file=sys.stderr)
            return None
        opts[rest[0]] = rest[1]
        rest = rest[2:]
    return top, opts


def main(argv):
    got = options("releases.py", __doc__, argv, {
        "--changelog": ("CHANGELOG.md",), "--templates": ("ci",),
        "--connectors": ("docs", "connectors.md")})
    if got is None:
        return 2
    top, opts = got
    bad = []
    rels = releases(open(opts["--changelog"]).read())
    if not rels:
        bad.append("%s: no release heading" % opts["--changelog"])
    check_releases(top, opts["--changelog"], rels, bad)
    named = [r for r in rels if r[1]]
    if named:
        check_templates(top, opts["--templates"], opts["--connectors"],
                        named[0], bad)
    else:
        bad.append("%s: no release names its commit" % opts["--changelog"])
    if bad:
        print("\n".join(bad))
        return 1
    print("newest release %s, commit %s" % (named[0][0], named[0][1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
