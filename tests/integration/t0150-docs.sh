#!/bin/sh
# t0150-docs: the documentation holds together (issue 27).
#
#   - every relative link and anchor of README.md, docs/*.md (and the
#     generated docs/tables/*.md), drivers/README.md and tests/README.md
#     resolves (data/doc-links.py); a copy with a broken link and a
#     broken anchor is caught, naming both;
#   - the README's newcomer path is in its first 100 lines: the first
#     scenario, the command that runs it, and the FAIL to read; and its
#     two blocks run as written (PASS, then FAIL with exit status 1 and a
#     report.txt that says why);
#   - docs/catalogue.md names every scenario of scenarios/ (a link to it
#     and a codes block), and names no scenario that is not there; a
#     scenario missing from a copy of the catalogue, and a name that is
#     no scenario, are caught;
#   - docs/catalogue.md's remedies: every cause of its index has a row
#     of "The remedies", every row names a cause of the index, and each
#     row is proven by scenarios that exist or says why none can
#     ("none: ..."); a copy without a cause's row, with a scenario that
#     is not there and with an empty cell is caught;
#   - the measured tables are generated, not edited: docs/gen-tables.sh
#     over the committed results (docs/results/NAME/results.jsonl) makes
#     docs/tables/*.md and the catalogue's codes exactly as committed,
#     each table's first line says when and how it was measured, the
#     README's excerpt is rows of one, and the committed results hold no
#     host path;
#   - docs/bug-reports.md's containment list names, by file of harness/,
#     every place goneaway starts a program, and only those (issue 55);
#     a copy of harness/ with a fork() in a new file is caught.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
DATA="$TOP/tests/integration/data"
leftover_snapshot > "$SCRATCH/before"

# The files whose links must resolve, relative to the top.
doc_files() {
	(cd "$1" && ls README.md docs/*.md docs/tables/*.md drivers/README.md \
		tests/README.md tests/compat/README.md)
}

test_expect_success 'every relative link and anchor of the docs resolves' '
	"$PY" "$DATA/doc-links.py" "$TOP" $(doc_files "$TOP") > links.out; rc=$?;
	cat links.out; test $rc -eq 0 &&
	grep -q "^[0-9][0-9]* links checked, 0 broken$" links.out &&
	test "$(sed -n "s/ links checked.*//p" links.out)" -ge 200
'

test_expect_success 'a broken link and a broken anchor in a copy are caught' '
	mkdir -p copy/docs/tables copy/docs/results copy/drivers copy/tests/compat \
		copy/scenarios &&
	cp "$TOP/README.md" "$TOP/CHANGELOG.md" copy/ &&
	cp "$TOP"/docs/*.md copy/docs/ &&
	cp "$TOP"/docs/tables/*.md copy/docs/tables/ &&
	cp "$TOP/drivers/README.md" copy/drivers/ &&
	cp "$TOP/tests/README.md" copy/tests/ &&
	cp "$TOP/tests/compat/README.md" copy/tests/compat/ &&
	cp "$TOP"/scenarios/*.gw copy/scenarios/ &&
	"$PY" "$DATA/doc-links.py" copy $(doc_files copy) > whole.out &&
	cat whole.out &&
	printf "%s\n" "See [the nowhere page](docs/nowhere.md)." \
		"And [no such part](docs/running.md#no-such-part)." \
		"\`[in code](docs/nowhere-either.md)\` is no link." >> copy/README.md &&
	sed -i "s|(#drivers)|(#drivers-gone)|" copy/docs/connectors.md &&
	! "$PY" "$DATA/doc-links.py" copy $(doc_files copy) > broken.out &&
	cat broken.out &&
	grep -q "^README.md:[0-9]*: link docs/nowhere.md: no such file$" broken.out &&
	grep -q "^README.md:[0-9]*: link docs/running.md#no-such-part: no heading #no-such-part in docs/running.md$" broken.out &&
	grep -q "^docs/connectors.md:[0-9]*: link #drivers-gone: no heading #drivers-gone in docs/connectors.md$" broken.out &&
	! grep -q nowhere-either broken.out
'

# The line of README.md where PATTERN (a grep -E pattern) first matches.
readme_line() {
	grep -n -E -m 1 -e "$1" "$TOP/README.md" | cut -d: -f1
}

test_expect_success 'the newcomer path is in the README'"'"'s first 100 lines' '
	for p in "^make run " "^<!-- t0150: first-scenario -->$" "^title " \
		"^\./goneaway run first\.gw$" "^\[1/1\] first +PASS " \
		"^<!-- t0150: first-fail -->$" "^\[1/1\] first +FAIL " \
		"report\.txt" "docs/tutorial\.md"; do
		n=$(readme_line "$p") &&
		echo "line $n: $p" && test -n "$n" && test "$n" -le 100 ||
			{ echo "not in the first 100 lines: $p"; return 1; }
	done &&
	test "$(wc -l < "$TOP/README.md")" -le 200
'

# block NAME > FILE: the code block after "<!-- t0150: NAME -->"
block() {
	awk -v want="<!-- t0150: $1 -->" '
		$0 == want { on = 1; next }
		on && /^```sh$/ { inside = 1; next }
		inside && /^```$/ { exit }
		inside { print }' "$TOP/README.md"
}

test_expect_success 'the README'"'"'s first scenario runs as written: PASS' '
	mkdir newcomer && ln -s "$GONEAWAY" newcomer/goneaway &&
	block first-scenario > first.sh && test -s first.sh && cat first.sh &&
	(cd newcomer && sh ../first.sh > ../first.out 2>&1); rc=$?;
	cat first.out; test $rc -eq 0 &&
	grep -q "^\[1/1\] first  *PASS " first.out &&
	grep -q "line 6: query app: mysql_real_query: returned 2013 (CR_SERVER_LOST)" first.out
'

test_expect_success '... and its FAIL as written: exit 1, the line, both codes, report.txt' '
	block first-fail > fail.sh && test -s fail.sh && cat fail.sh &&
	(cd newcomer && sh ../fail.sh > ../fail.out 2>&1; echo $? > ../fail.rc);
	cat fail.out &&
	grep -q "^\[1/1\] first  *FAIL " fail.out &&
	grep -q "first.gw:6: query app: returned 2013 (CR_SERVER_LOST) .*when expecting 2006 (CR_SERVER_GONE_ERROR) (expect line 7" fail.out &&
	grep -q "^goneaway: exit 1: 1 case FAILed: first$" fail.out &&
	grep -q "^goneaway case: first FAIL$" fail.out
'

# catalogue_check CATALOGUE SCENARIO_DIR: every scenario of the directory
# is linked (../scenarios/NAME.gw) and in a codes block; every one named
# is there.  Prints what is wrong.
catalogue_check() {
	ls "$2" | sed -n "s/\.gw$//p" | sort > have &&
	grep -o "(\.\./scenarios/[^)]*\.gw)" "$1" |
		sed "s|^(\.\./scenarios/||; s|\.gw)$||" | sort -u > linked &&
	sed -n "s/^<!-- codes: \(.*\) -->$/\1/p" "$1" | tr " " "\n" |
		grep . | sort > coded &&
	test "$(wc -l < coded)" -eq "$(sort -u coded | wc -l)" ||
		{ echo "a scenario in two codes blocks:"; sort coded | uniq -d; }
	comm -23 have linked | sed "s/^/not linked from the catalogue: /"
	comm -13 have linked | sed "s/^/linked, but no such scenario: /"
	comm -23 have coded | sed "s/^/in no codes block: /"
	comm -13 have coded | sed "s/^/in a codes block, but no such scenario: /"
}

test_expect_success 'the catalogue names every scenario, and only scenarios there are' '
	catalogue_check "$TOP/docs/catalogue.md" "$TOP/scenarios" > drift &&
	cat drift && test ! -s drift &&
	test "$(wc -l < have)" -ge 70
'

test_expect_success 'a scenario the catalogue lacks, and a name that is none, are caught' '
	cp copy/docs/catalogue.md cat.md &&
	touch copy/scenarios/brand-new.gw &&
	sed -i "s|^<!-- codes: kill-idle kill-idle-tls -->$|<!-- codes: kill-idle kill-idle-tls kill-idel -->|" cat.md &&
	catalogue_check cat.md copy/scenarios > drift2 && cat drift2 &&
	grep -qx "not linked from the catalogue: brand-new" drift2 &&
	grep -qx "in no codes block: brand-new" drift2 &&
	grep -qx "in a codes block, but no such scenario: kill-idel" drift2
'

# remedy_check CATALOGUE SCENARIO_DIR: the causes of the index ("## The
# causes") each have a row in "## The remedies", whose cause is one of
# them and whose last cell names scenarios of the directory or says
# "none: WHY".  Prints what is wrong.
remedy_check() {
	awk '
		/^## / { part = $0; next }
		part == "## The causes" && /^\| \[[^]]*\]\(#/ {
			c = $0; sub(/^\| \[/, "", c); sub(/\].*/, "", c)
			cause[c] = 1; order[++n] = c; next
		}
		part == "## The remedies" && /^\| \[[^]]*\]\(#/ {
			c = $0; sub(/^\| \[/, "", c); sub(/\].*/, "", c)
			k = split($0, cell, "|")
			proof = cell[k - 1]
			gsub(/^ +| +$/, "", proof)
			remedied[c] = 1
			if (!(c in cause))
				print "a remedy for no cause of the index: " c
			if (proof == "")
				print "a remedy of " c " proven by nothing"
			else if (proof !~ /\(\.\.\/scenarios\/[^)]*\.gw\)/ &&
				 proof !~ /^none( yet)?: [^ ]/)
				print "a remedy of " c " names no scenario and says not why: " proof
			while (match(proof, /\(\.\.\/scenarios\/[^)]*\.gw\)/)) {
				print "scenario " substr(proof, RSTART + 14, RLENGTH - 18) > "remedy-scenarios"
				proof = substr(proof, RSTART + RLENGTH)
			}
		}
		END {
			for (i = 1; i <= n; i++)
				if (!(order[i] in remedied))
					print "a cause without a remedy row: " order[i]
		}' "$1" &&
	touch remedy-scenarios &&
	sort -u remedy-scenarios | while read -r _ sc; do
		test -f "$2/$sc.gw" ||
			echo "a remedy names a scenario that is not there: $sc"
	done
	rm -f remedy-scenarios
}

test_expect_success 'every cause has a remedy row, proven by scenarios that exist or saying why not' '
	remedy_check "$TOP/docs/catalogue.md" "$TOP/scenarios" > rdrift &&
	cat rdrift && test ! -s rdrift &&
	test "$(grep -c "^| \[[^]]*\](#" "$TOP/docs/catalogue.md")" -ge 60
'

test_expect_success 'a cause without a remedy, a missing scenario and an empty proof are caught' '
	cp "$TOP/docs/catalogue.md" rcat.md &&
	sed -i "/^| \[silent-drop\](#[^)]*) | \"Send keepalives/d; /^| \[silent-drop\](#[^)]*) | \"Set appropriate/d" rcat.md &&
	sed -i "s|(\.\./scenarios/wait-timeout-raised\.gw)|(../scenarios/wait-timeout-rised.gw)|" rcat.md &&
	sed -i "s/^\(| \[pool-recycle\](#[^)]*) | [^|]* | \).*\$/\1|/" rcat.md &&
	remedy_check rcat.md "$TOP/scenarios" > rdrift2 && cat rdrift2 &&
	grep -qx "a cause without a remedy row: silent-drop" rdrift2 &&
	grep -qx "a remedy names a scenario that is not there: wait-timeout-rised" rdrift2 &&
	grep -qx "a remedy of pool-recycle proven by nothing" rdrift2
'

test_expect_success 'the measured tables and the catalogue'"'"'s codes are what make docs-tables makes' '
	ls "$TOP"/docs/results/*/results.jsonl > results.list &&
	cat results.list && test "$(wc -l < results.list)" -ge 3 &&
	sh "$TOP/docs/gen-tables.sh" "$GONEAWAY" gen &&
	while read -r r; do
		n=$(basename "$(dirname "$r")") &&
		diff -u "$TOP/docs/tables/$n.md" "gen/tables/$n.md" || return 1
	done < results.list &&
	test "$(ls "$TOP"/docs/tables/*.md | wc -l)" -eq "$(wc -l < results.list)" &&
	diff -u "$TOP/docs/catalogue.md" gen/catalogue.md
'

test_expect_success 'each table says when, on what and with which command it was measured' '
	for t in "$TOP"/docs/tables/*.md; do
		head -n 1 "$t" | grep -E "^Measured 20[0-9-]+T[0-9:]+Z by goneaway [0-9.]+(\+[0-9a-z.]+)? on Linux .*: goneaway run .*-o docs/results/$(basename "$t" .md) " ||
			{ echo "$t: $(head -n 1 "$t")"; return 1; }
		grep -Eq "^[0-9]+ PASS, [0-9]+ FAIL, [0-9]+ SKIP, [0-9]+ ERROR in " "$t" ||
			{ echo "$t: no counts"; return 1; }
	done
'

test_expect_success 'the README'"'"'s matrix is rows of a generated table' '
	src=$(sed -n "s/^<!-- excerpt: \(.*\) -->$/\1/p" "$TOP/README.md") &&
	test -n "$src" && test -f "$TOP/$src" &&
	awk -v want="<!-- excerpt: $src -->" "
		\$0 == want { on = 1; next }
		on && /^\|/ { print; next }
		on { exit }" "$TOP/README.md" > excerpt &&
	test "$(wc -l < excerpt)" -ge 4 &&
	while IFS= read -r row; do
		grep -qxF -- "$row" "$TOP/$src" || { echo "not in $src: $row"; return 1; }
	done < excerpt
'

test_expect_success 'the committed results hold no host path' '
	! grep -l -E "\"/(home|root|tmp|work|srv|var/tmp)/" "$TOP"/docs/results/*/results.jsonl &&
	for r in "$TOP"/docs/results/*/results.jsonl; do
		head -n 1 "$r" | grep -q "\"results_dir\":\"docs/results/" ||
			{ echo "$r: its -o is not docs/results/NAME"; return 1; }
	done
'

# Issue 38: --durations was in --help only.  Every long option --help
# shows is named in the docs (as --OPTION, or as its short form -X when
# --help gives one).
test_expect_success 'every option goneaway --help shows is named in the docs' '
	"$GONEAWAY" --help > help.txt &&
	cat "$TOP"/README.md "$TOP"/docs/*.md > alldocs &&
	sed -n "s/^  *\(-[a-zA-Z]\), \(--[a-z][a-z-]*\).*/\1 \2/p; s/^  *\(--[a-z][a-z-]*\).*/- \1/p" \
		help.txt | sort -u > opts &&
	test "$(wc -l < opts)" -ge 30 &&
	missing= &&
	while read -r short long; do
		grep -q -- "$long\([^a-z-]\|\$\)" alldocs && continue
		test "$short" != - && grep -q -- "$short \|\`$short\`" alldocs && continue
		missing="$missing $long"
	done < opts &&
	echo "undocumented:$missing" && test -z "$missing"
'

# Issue 55: docs/bug-reports.md's containment list is every program
# goneaway starts.  Its paragraph "Where each is started" names, by
# file of harness/, every place that starts one (a call of ga_spawn,
# ga_spawn_run, fork, vfork, posix_spawn, an exec or system/popen, not
# in a comment); a file that starts one and is not named, or a name
# that starts none, fails.
# spawners TOP: the files of TOP/harness that start a program
spawners() {
	(cd "$1/harness" && grep -rnE --include="*.c" \
		"(^|[^_[:alnum:].>])(ga_spawn|ga_spawn_run|fork|vfork|posix_spawnp?|execvp?e?|execlp?e?|system|popen)[[:space:]]*\(" . |
	grep -vE "^[^:]*:[0-9]+:[[:space:]]*(\*|/\*|//)" |
	cut -d: -f1 | sed "s|^\./||" | sort -u)
}
# spawners_named DOC: the files its paragraph "Where each is started" names
spawners_named() {
	sed -n "/^  Where each is started/,/^\$/p" "$1" |
		grep -o "\`[a-z_]*/[a-z_]*\.c\`" | tr -d "\`" | sort -u
}
test_expect_success 'docs/bug-reports.md names every file of harness/ that starts a program' '
	spawners "$TOP" > found && spawners_named "$TOP/docs/bug-reports.md" > named &&
	test "$(wc -l < found)" -ge 10 && diff -u named found
'

test_expect_success 'a file that starts a program and is not named there is caught' '
	mkdir -p sp/harness/x && cp -R "$TOP/harness/." sp/harness/ &&
	printf "int f(void)\n{\n\treturn fork();\n}\n" > sp/harness/x/new.c &&
	spawners sp > found2 && grep -qx "x/new.c" found2 &&
	! diff -u named found2 > d.out && grep -q "^+x/new.c" d.out
'

test_expect_success 'the docs tests left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
