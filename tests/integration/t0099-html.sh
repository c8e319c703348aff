#!/bin/sh
# t0099-html: "goneaway report --html FILE" writes the results table as
# one HTML page, and a real browser reads it as meant.  Two scenarios that
# PASS and a copy of one with an expect line changed (so it FAILs, under a
# name with a space and an ampersand) run against the local server; the
# page of their results is loaded in headless Chromium, whose DOM must
# hold the table with a row per scenario, each cell's verdict class, and
# links that lead to each row's own steps.log, relative to the page or, for
# a page elsewhere, as file: URLs; its screenshot must show the cells in
# their colours.  Without chromium (make deps-check installs it) those
# tests SKIP.  No chromium process may outlive the file: each one is found
# by its private profile directory and ended by its PID.  A driver whose
# replies hold <script>, ]]>, "# TODO", pipes and newlines (bad-driver.py
# hostile) leaves TAP, JUnit, HTML, Markdown and the console well-formed.
. "$(dirname "$0")/lib.sh"

S="$TOP/scenarios"
MUTANT="mutant a&b"
leftover_snapshot > "$SCRATCH/before"

# Chromium's profile, HOME and crash database: the token that finds its
# processes (the crash handler leaves the session, not its arguments).
CHROME_DIR="$SCRATCH/chromium"

# The PIDs of every process with CHROME_DIR in its arguments; the
# brackets keep grep from finding its own.
CHROME_RE="$(printf '%s' "$SCRATCH" | sed 's/[].[*^$\\]/\\&/g')/[c]hromium"
chromium_pids() {
	grep -l -a -e "$CHROME_RE" /proc/[0-9]*/cmdline 2>/dev/null |
		sed -n 's|^/proc/\([0-9]*\)/cmdline$|\1|p'
}

no_chromium() {
	test -z "$(chromium_pids)"
}

# Ends what a browser run left, by PID, once it has had 10 s to go.
chromium_sweep() {
	wait_until 100 no_chromium && return 0
	for pid in $(chromium_pids); do
		kill -9 "$pid" 2>/dev/null
	done
	wait_until 50 no_chromium
}

# browser ARGS... URL: headless, private, bounded; its noise in browser.err
browser() {
	mkdir -p "$CHROME_DIR/home" &&
	HOME="$CHROME_DIR/home" XDG_CONFIG_HOME="$CHROME_DIR/home/.config" \
	XDG_CACHE_HOME="$CHROME_DIR/home/.cache" \
	timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu \
		--user-data-dir="$CHROME_DIR/profile" --no-first-run \
		--disable-crash-reporter --disable-breakpad "$@" \
		2>> "$SCRATCH/browser.err"
	rc=$?
	chromium_sweep
	return $rc
}

# cells DOM HTMLDIR: a line per table cell of the DOM Chromium dumped,
# "label|class|data-verdict|text|href|the file it leads to|exists",
# the href resolved against the page's directory HTMLDIR.
cells() {
	python3 - "$1" "$2" <<-\EOF
	import html.parser, os, sys, urllib.parse
	class Table(html.parser.HTMLParser):
	    def __init__(self):
	        super().__init__()
	        self.tables, self.rows, self.body = 0, [], False
	        self.row = self.cell = None
	        self.in_label = False
	    def handle_starttag(self, tag, attrs):
	        a = dict(attrs)
	        if tag == "table" and a.get("id") == "matrix":
	            self.tables += 1
	        elif tag == "tbody":
	            self.body = True
	        elif tag == "tr" and self.body:
	            self.row = {"label": "", "cells": []}
	            self.rows.append(self.row)
	        elif tag == "th" and self.row is not None:
	            self.in_label = True
	        elif tag == "td" and self.row is not None:
	            self.cell = {"class": a.get("class", ""), "text": "",
	                         "verdict": a.get("data-verdict", ""),
	                         "href": None}
	            self.row["cells"].append(self.cell)
	        elif tag == "a" and self.cell is not None:
	            self.cell["href"] = a.get("href")
	    def handle_endtag(self, tag):
	        if tag == "tbody":
	            self.body = False
	        elif tag == "th":
	            self.in_label = False
	        elif tag == "td":
	            self.cell = None
	        elif tag == "tr":
	            self.row = None
	    def handle_data(self, d):
	        if self.in_label and self.row is not None:
	            self.row["label"] += d
	        elif self.cell is not None:
	            self.cell["text"] += d
	t = Table()
	t.feed(open(sys.argv[1], encoding="utf-8").read())
	assert t.tables == 1, "tables with id=matrix: %d" % t.tables
	for r in t.rows:
	    for c in r["cells"]:
	        h, path = c["href"], "-"
	        if h and h.startswith("file://"):
	            path = urllib.parse.unquote(urllib.parse.urlparse(h).path)
	        elif h and ":" not in h.split("/")[0] and not h.startswith("/"):
	            path = os.path.normpath(os.path.join(sys.argv[2],
	                                    urllib.parse.unquote(h)))
	        print("|".join([r["label"], c["class"], c["verdict"],
	                        c["text"], h or "-", path,
	                        "yes" if os.path.isfile(path) else "no"]))
	EOF
}

# every cell's link leads to an existing steps.log in its own row's
# evidence directory, res/LABEL
links_lead_home() {
	n=0
	while IFS='|' read -r label class verdict text href path exists; do
		echo "$label: $href -> $path ($exists)"
		test "$exists" = yes &&
		test "$(realpath "$path")" = \
			"$(realpath "$SCRATCH/res/$label/steps.log")" || return 1
		n=$((n + 1))
	done < "$1"
	test "$n" -eq 3
}

test_expect_success 'two scenarios PASS and a changed copy FAILs, evidence kept' '
	mkdir sc && cp "$S/kill-idle.gw" "$S/txn-rolled-back.gw" sc/ &&
	sed "0,/^    expect CR_SERVER_LOST within 3s\$/s//    expect CR_SERVER_GONE_ERROR within 3s/" \
		"$S/kill-idle.gw" > "sc/$MUTANT.gw" &&
	! cmp -s "$S/kill-idle.gw" "sc/$MUTANT.gw" &&
	"$GONEAWAY" run --color never -o res sc/ > run.out 2>&1; rc=$?;
	cat run.out; test $rc -eq 1 &&
	grep -q "^2 PASS, 1 FAIL, 0 SKIP, 0 ERROR" run.out &&
	test -f res/kill-idle/steps.log && test -f "res/$MUTANT/steps.log" &&
	test -f res/txn-rolled-back/steps.log
'

test_expect_success 'report --html writes one page, with the exit status of the run' '
	"$GONEAWAY" report --color never --html out.html res > report.out 2>&1;
	rc=$?; cat report.out; test $rc -eq 1 &&
	head -1 out.html | grep -q "^<!DOCTYPE html>\$" &&
	grep -q "<th scope=\"row\">mutant a&amp;b</th>" out.html &&
	! grep -q "<script\|<link\|http" out.html &&
	"$GONEAWAY" --help | grep -q -- "--html FILE"
'

test_expect_success 'report --html into a directory that does not exist says why' '
	"$GONEAWAY" report --color never --html nodir/x.html res > bad.out 2>&1;
	cat bad.out; grep -q "goneaway: --html nodir/x.html: No such file" bad.out
'

# A driver's words are data (issue 26): bad-driver.py's hostile mode
# FAILs with an error class, message, api and value holding newlines,
# quotes, <script>, ]]>, "# TODO", Markdown pipes and control characters.
HOSTILE="$TOP/tests/integration/data/drivers/bad-driver.py"

test_expect_success 'a hostile driver: TAP, JUnit, HTML and Markdown keep its words as data' '
	"$GONEAWAY" run --color never -o hres --format tap --junit h.xml \
		--html h.html --markdown h.md --client builtin \
		--client "cmd:$HOSTILE hostile" \
		"$TOP/tests/integration/data/hostile-reports.gw" > h.tap 2> h.err;
	rc=$?; cat h.tap h.md h.err; test $rc -eq 1 &&
	grep -q "^goneaway: exit 1: 1 case FAILed: hostile-reports" h.err &&
	test "$(grep -c "^ok \|^not ok " h.tap)" -eq 2 &&
	! grep -v "^TAP version 13\$\|^1\.\.2\$\|^ok \|^not ok \|^  \|^# " h.tap &&
	! grep "^ok \|^not ok " h.tap | sed "s/\\\\#//g" | grep -q "#" &&
	grep -q "admin SET GLOBAL" h.tap &&
	xmllint --noout h.xml &&
	test "$(xmllint --xpath "count(//testcase)" h.xml)" -eq 2 &&
	test "$(xmllint --xpath "count(//script)" h.xml)" -eq 0 &&
	grep -q "&lt;script&gt;" h.xml &&
	! grep -q "<script" h.html && grep -q "&lt;script&gt;" h.html &&
	test "$(grep -c "^|" h.md)" -eq 3 &&
	! grep "^|" h.md | sed "s/\\\\|//g" | grep -v "^|[^|]*|[^|]*|[^|]*|\$" &&
	! grep -q "<" h.md
'

test_expect_success '... and so do the console, steps.log and report.txt' '
	"$GONEAWAY" run --color never -o hres2 --client builtin \
		--client "cmd:$HOSTILE hostile" \
		"$TOP/tests/integration/data/hostile-reports.gw" > h.out 2>&1;
	rc=$?; cat h.out; test $rc -eq 1 &&
	esc=$(printf "\033") &&
	! grep -q "$esc" h.out && ! grep -q "^| x |" h.out &&
	! grep -rq "$esc" hres2/local-bad-hostile/hostile-reports/steps.log \
		hres2/local-bad-hostile/hostile-reports/report.txt &&
	! grep -q "^admin" h.out hres2/local-bad-hostile/hostile-reports/steps.log \
		hres2/local-bad-hostile/hostile-reports/report.txt &&
	grep -q "line one\\\\nadmin SET GLOBAL" h.out
'

if ! command -v chromium > /dev/null 2>&1; then
	for t in 'Chromium reads the table: a row per scenario, a class per verdict' \
		'each link leads to the steps.log of its own row' \
		'a page elsewhere links by file: URLs that lead to the same files' \
		'a screenshot shows the cells in their colours'; do
		test_skip "$t" 'chromium not installed (make deps-check)'
	done
else
test_expect_success 'Chromium reads the table: a row per scenario, a class per verdict' '
	browser --dump-dom "file://$SCRATCH/out.html" > dom.html &&
	cells dom.html "$SCRATCH" > cells.txt; cat cells.txt &&
	test "$(wc -l < cells.txt)" -eq 3 &&
	grep -q "^kill-idle|pass|pass|PASS 2013,2006|" cells.txt &&
	grep -q "^txn-rolled-back|pass|pass|PASS 2013|" cells.txt &&
	grep -q "^mutant a&b|fail|fail|FAIL 2013|" cells.txt
'

test_expect_success 'each link leads to the steps.log of its own row' '
	grep -q "^mutant a&b|fail|fail|FAIL 2013|res/mutant%20a%26b/steps.log|" cells.txt &&
	links_lead_home cells.txt
'

# issue 24: relative through "..", never file:// (a CI artifact moves)
test_expect_success 'a page elsewhere links by relative URLs that lead to the same files' '
	mkdir elsewhere &&
	"$GONEAWAY" report --color never --html elsewhere/out.html res > /dev/null 2>&1;
	test $? -eq 1 &&
	browser --dump-dom "file://$SCRATCH/elsewhere/out.html" > dom2.html &&
	cells dom2.html "$SCRATCH/elsewhere" > cells2.txt; cat cells2.txt &&
	test "$(grep -c "|\.\./res/[^|]*/steps.log|" cells2.txt)" -eq 3 &&
	! grep -q "file://" elsewhere/out.html &&
	links_lead_home cells2.txt
'

test_expect_success 'a screenshot shows the cells in their colours' '
	browser --hide-scrollbars --window-size=1000,600 \
		--screenshot="$SCRATCH/shot.png" "file://$SCRATCH/out.html" &&
	test -s shot.png &&
	python3 - shot.png <<-\EOF
	import struct, sys, zlib
	data = open(sys.argv[1], "rb").read()
	assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
	pos, idat, hdr = 8, b"", None
	while pos < len(data):
	    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
	    body = data[pos + 8:pos + 8 + n]
	    if kind == b"IHDR":
	        hdr = struct.unpack(">IIBBBBB", body)
	    elif kind == b"IDAT":
	        idat += body
	    pos += 12 + n
	w, h, depth, ctype, _, _, interlace = hdr
	assert depth == 8 and ctype in (2, 6) and not interlace, hdr
	bpp = 3 if ctype == 2 else 4
	raw, stride = zlib.decompress(idat), w * bpp
	prev, count = bytearray(stride), {"pass": 0, "fail": 0}
	want = {"pass": (0xb8, 0xe6, 0xb8), "fail": (0xf2, 0xa8, 0xa8)}
	for y in range(h):
	    f = raw[y * (stride + 1)]
	    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
	    for i in range(stride):
	        a = line[i - bpp] if i >= bpp else 0
	        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
	        if f == 1: line[i] = (line[i] + a) & 255
	        elif f == 2: line[i] = (line[i] + b) & 255
	        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
	        elif f == 4:
	            p = a + b - c
	            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
	            pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
	            line[i] = (line[i] + pr) & 255
	    for x in range(0, stride, bpp):
	        px = line[x:x + 3]
	        for k, rgb in want.items():
	            if all(abs(px[j] - rgb[j]) <= 6 for j in range(3)):
	                count[k] += 1
	    prev = line
	print(w, h, count)
	# the legend alone has about 1000 pixels of each; the cells, three
	# rows across the column, ten times that
	assert count["pass"] > 10000 and count["fail"] > 5000, count
	EOF
'
fi

test_expect_success 'no chromium process is left' '
	chromium_sweep; chromium_pids > left; cat left; test ! -s left
'

test_expect_success 'the html tests left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
