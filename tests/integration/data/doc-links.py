#!/usr/bin/python3
"""doc-links.py ROOT FILE.md... - every relative link of the Markdown
files resolves: its file or directory exists under ROOT, and its
#anchor is a heading of the .md file it names (GitHub's slugs: the
heading's text without its markup, lower case, every character but
letters, digits, spaces, '-' and '_' left out, spaces made '-', a
repeated slug numbered -1, -2 ...).  Links in code blocks and code spans
are not links.  Prints "FILE:LINE: ..." for each broken one and exits 1;
prints how many links were checked and exits 0 when none is broken.
Used by t0150-docs."""
import os
import re
import sys

LINK = re.compile(r'!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+"[^"]*")?\)')
FENCE = re.compile(r'^\s*(```|~~~)')
HEADING = re.compile(r'^(#{1,6})\s+(.*?)\s*#*\s*$')


def prose_lines(path):
    """(number, text) of each line outside code blocks, code spans
    blanked."""
    infence = False
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            if FENCE.match(line):
                infence = not infence
                continue
            if infence:
                continue
            yield n, re.sub(r'(`+)(.+?)\1', lambda m: ' ' * len(m.group(0)), line)


def slug(text):
    text = re.sub(r'`([^`]*)`', r'\1', text)          # code spans: their text
    text = LINK.sub(lambda m: m.group(1), text)        # links: their text
    text = re.sub(r'<[^>]+>', '', text)                # inline HTML
    text = text.replace('*', '')                       # emphasis
    text = re.sub(r'(?<!\w)__?(\S.*?)__?(?!\w)', r'\1', text)
    text = text.strip().lower()
    text = ''.join(c for c in text if c.isalnum() or c in ' -_')
    return text.replace(' ', '-')


_anchors = {}


def anchors(path):
    if path not in _anchors:
        seen = {}
        found = set()
        infence = False
        with open(path, encoding='utf-8') as f:
            for line in f:
                if FENCE.match(line):
                    infence = not infence
                    continue
                if infence:
                    continue
                m = HEADING.match(line)
                if m:
                    s = slug(m.group(2))
                    if s in seen:
                        seen[s] += 1
                        s = '%s-%d' % (s, seen[s])
                    else:
                        seen[s] = 0
                    found.add(s)
                for a in re.findall(r'<a\s+(?:name|id)="([^"]+)"', line):
                    found.add(a)
        _anchors[path] = found
    return _anchors[path]


def main():
    root = os.path.realpath(sys.argv[1])
    bad = checked = 0
    for rel in sys.argv[2:]:
        path = os.path.join(root, rel)
        for n, line in prose_lines(path):
            for m in LINK.finditer(line):
                target = m.group(2)
                if not target or re.match(r'^[a-z][a-z0-9+.-]*:', target):
                    continue        # a URL, mailto:, ...
                checked += 1
                file, _, anchor = target.partition('#')
                dest = os.path.normpath(os.path.join(os.path.dirname(path), file)) if file else path
                if not os.path.realpath(dest).startswith(root + os.sep):
                    print('%s:%d: link %s: leaves the checkout' % (rel, n, target))
                    bad += 1
                elif not os.path.exists(dest):
                    print('%s:%d: link %s: no such file' % (rel, n, target))
                    bad += 1
                elif anchor and dest.endswith('.md') and anchor not in anchors(dest):
                    print('%s:%d: link %s: no heading #%s in %s' %
                          (rel, n, target, anchor, os.path.relpath(dest, root)))
                    bad += 1
    print('%d links checked, %d broken' % (checked, bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
