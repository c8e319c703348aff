#!/bin/sh
# t0006-recipes: the recipes of docs/ARCHITECTURE.md ("Where to add") say
# the true count.  Each kind with one list - a fault kind, a proxy, a
# server backend, an output, a client driver, a toxic, a connect option,
# an outcome member - has a recipe that names
# the files a new one touches ("<!-- recipe KIND: FILES -->", and "N
# files" in its words).  In a copy of the tree, this adds one of each
# kind with those files and no other (their text: data/recipes/), builds
# it, and checks that the new one is known wherever its kind is listed:
# the parser and its messages, --help, --server, --proxy, --format and
# --NAME FILE, goneaway report, doctor, the unit tests, drivers and
# install-deps.sh, goneaway serve's API and relay (a toxic), the
# driver protocol's table and its feature (a connect option), the reply
# reader, its golden replies and the table of replies (an outcome
# member); that the
# copy keeps the floors and the tree's rules (tests/layering.sh,
# tests/tree.sh); and that its whole unit suite and every check of the
# docs against the code pass on it (tests/diagnostics.sh: the messages,
# t0070; tests/options.sh: the options, t0151; the driver protocol's
# tables, t0097), so a recipe followed as written leaves make check's
# unit tests and doc checks green.  A list kept outside its table, or a
# doc a check compares that the recipe does not name, fails here.
. "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/integration/data"
R="$DATA/recipes"
DOC="$TOP/docs/ARCHITECTURE.md"
T="$SCRATCH/tree"

# recipe KIND: the files its comment names, one per line
recipe() {
	sed -n "s/^ *<!-- recipe $1: \(.*\) -->\$/\1/p" "$DOC" | tr ' ' '\n' |
		grep -v '^$'
}

# the files written to add KIND, as paths like the recipe's (NAME and DIR
# the new one's), one per line, in $SCRATCH/touched.KIND
touch_file() {
	echo "$2" >> "$SCRATCH/touched.$1"
}

# title KIND: the words a recipe starts with
title() {
	case $1 in
	fault) echo "A fault kind" ;; proxy) echo "A proxy" ;;
	backend) echo "A server backend" ;; output) echo "An output format" ;;
	driver) echo "A client driver" ;; toxic) echo "A toxic" ;;
	connect) echo "A connect option" ;; outcome) echo "An outcome member" ;;
	esac
}

KINDS="fault proxy backend output driver toxic connect outcome"

test_expect_success 'every kind has its recipe, and its words say its count' '
	for k in $KINDS; do
		n=$(recipe $k | wc -l) &&
		test "$n" -ge 1 || { echo "no recipe for $k"; return 1; }
		grep -q "^- \*\*$(title $k)\*\*: $n files\. " "$DOC" ||
			{ echo "$(title $k): its recipe does not say $n files"; return 1; }
	done
'

# ---- the copy, and each recipe done in it -----------------------------------

mkdir -p "$T/docs" "$T/build" &&
cp -a "$TOP/docs/results" "$T/docs/" &&
cp -a "$TOP/Makefile" "$TOP/README.md" "$TOP/harness" "$TOP/fixtures" "$TOP/scenarios" \
	"$TOP/tests" "$T/" &&
cp -a "$TOP"/docs/*.md "$TOP"/docs/gen-*.sh "$T/docs/" &&
cp -a "$TOP/drivers" "$T/" &&
(cd "$TOP/build" && tar cf - --exclude=./check-unit --exclude=./libgoneaway.a .) |
	(cd "$T/build" && tar xf -)

# a fault kind: nothing
cp "$R/nothing.c" "$T/harness/faults/nothing.c"
touch_file fault harness/faults/NAME.c
sed -i 's/^\(#define GA_FAULT_KINDS(X) .*\)$/\1 X(nothing)/' "$T/harness/faults/fault.h"
touch_file fault harness/faults/fault.h
cp "$R/check_fault_nothing.c" "$T/tests/unit/check_fault_nothing.c"
touch_file fault tests/unit/check_fault_NAME.c
sed -i 's/\(S(tables)\)/\1 S(fault_nothing)/' "$T/tests/unit/suites.h"
touch_file fault tests/unit/suites.h
sed -i -e 's/^\(| `point` | .*\)$/\1\n| `nothing` | (none) | Nothing at all (t0006-recipes). |/' \
	-e "s/^\(| \`'pause' takes no arguments, found 'X'\` | pause |\)\$/\1\n| \`'nothing' takes no arguments, found 'X'\` | nothing |/" \
	"$T/docs/scenario-format.md"
touch_file fault docs/scenario-format.md

# a proxy: nullproxy
cp "$R/nullproxy.c" "$T/harness/proxy/nullproxy.c"
touch_file proxy harness/proxy/NAME.c
sed -i 's/^\(#define GA_PROXY_KINDS(X) .*\)$/\1 X(nullproxy)/' "$T/harness/proxy/internal.h"
touch_file proxy harness/proxy/internal.h

# a server backend: nothing
cp "$R/server_nothing.c" "$T/harness/server/server_nothing.c"
touch_file backend harness/server/server_NAME.c
sed -i 's/^\(#define GA_SERVER_BACKENDS(X) .*\)$/\1 X(nothing)/' "$T/harness/server/internal.h"
touch_file backend harness/server/internal.h

# an output: count
cp "$R/count.c" "$T/harness/report/count.c"
touch_file output harness/report/NAME.c
sed -i 's/^\(#define GA_OUTPUTS(X) .*\)$/\1 X(count)/' "$T/harness/report/outputs.h"
touch_file output harness/report/outputs.h
# and its rows of docs/running.md, written once the copy is built (below)
touch_file output docs/running.md

# a client driver: echo
mkdir -p "$T/drivers/echo" && cp "$R/echo-driver.sh" "$T/drivers/echo/driver.sh"
touch_file driver drivers/DIR/driver.sh
echo "echo                sh echo/driver.sh" >> "$T/drivers/drivers.list"
touch_file driver drivers/drivers.list
sed -i 's/^\(\tjava) command -v java\)/\techo) ;;\n\1/' "$T/drivers/install-deps.sh"
touch_file driver drivers/install-deps.sh

# a toxic: nothing
cp "$R/toxic_nothing.c" "$T/harness/serve/toxic_nothing.c"
touch_file toxic harness/serve/toxic_NAME.c
sed -i 's/\(X(mysql_cut)\)$/\1 X(nothing)/' "$T/harness/serve/toxics.h"
touch_file toxic harness/serve/toxics.h

# a connect option: nothing, sent only to a driver that declares the
# feature "nothing" (the recipe's edits of existing files, as a patch)
patch -s -p1 --fuzz=0 -d "$T" < "$R/connect-nothing.patch" > "$SCRATCH/patch.out" 2>&1 ||
	echo "data/recipes/connect-nothing.patch does not apply: make it again on this tree" >> "$SCRATCH/patch.out"
sed -n 's|^+++ b/||p' "$R/connect-nothing.patch" | while read -r f; do
	touch_file connect "$f"
done
# and docs/driver-protocol.md's tables, written once the copy is built
# (below)
touch_file connect docs/driver-protocol.md

# an outcome member: nothing, a whole number from 0 to 1 in a driver's
# reply, taken into struct ga_outcome, with its replies in the reply
# suite (the recipe's edits, as a patch)
patch -s -p1 --fuzz=0 -d "$T" < "$R/outcome-nothing.patch" >> "$SCRATCH/patch.out" 2>&1 ||
	echo "data/recipes/outcome-nothing.patch does not apply: make it again on this tree" >> "$SCRATCH/patch.out"
sed -n 's|^+++ b/||p' "$R/outcome-nothing.patch" | while read -r f; do
	touch_file outcome "$f"
done
# and what the reply suite makes of its replies, and docs/driver-protocol.md's
# table of replies, written once the copy is built (below)
touch_file outcome tests/golden/replies/replies.txt
touch_file outcome docs/driver-protocol.md

test_expect_success 'the connect option'"'"'s and the outcome member'"'"'s patches apply, every hunk where it was made' '
	cat "$SCRATCH/patch.out" && ! test -s "$SCRATCH/patch.out"
'

test_expect_success 'the copy with the eight new ones builds' '
	make -s -C "$T" WERROR=1 goneaway build/check-unit > build.out 2>&1;
	rc=$?; tail -n 20 build.out; test $rc -eq 0
'

test_expect_success 'the copy keeps the floors and the tree'"'"'s rules' '
	sh "$T/tests/layering.sh" "$T/build" && sh "$T/tests/tree.sh" "$T" "$T/build"
'

G="$T/goneaway"

test_expect_success 'the fault kind: the parser, its messages, doctor, its unit test, its rows of the docs' '
	grep -q "^| \`nothing\` | (none) | " "$T/docs/scenario-format.md" &&
	grep -q "^| \`.nothing. takes no arguments, found .X.\` | nothing |\$" "$T/docs/scenario-format.md" &&
	printf "title t\ncause c\nconnection app\nconnect app\nfault f nothing\nlift f\n" > f.gw &&
	"$G" check f.gw &&
	printf "title t\ncause c\nconnection app\nfault f\n" > bad.gw &&
	! "$G" check bad.gw 2> err && cat err &&
	grep -q "needs a kind (.*, point or nothing)" err &&
	"$G" doctor > doctor.out; cat doctor.out &&
	grep -q "^  ok  *nothing  *a fault that does nothing" doctor.out &&
	CK_RUN_SUITE=fault_nothing "$T/build/check-unit" > unit.out 2>&1;
	cat unit.out && grep -q "100%: Checks: 1, Failures: 0" unit.out
'

test_expect_success 'the proxy: proxy lines, --proxy, --help, doctor' '
	printf "title t\ncause c\nproxy nullproxy\nconnection app\nconnect app\n" > p.gw &&
	"$G" check p.gw &&
	printf "title t\ncause c\nproxy nginx\nconnection app\nconnect app\n" > np.gw &&
	! "$G" check np.gw 2> err && grep -q "known: none, haproxy, nullproxy" err &&
	"$G" run --proxy nullproxy --list f.gw &&
	"$G" --help | tr -s " \n" "  " > help1 &&
	grep -q "none (default), haproxy (HAProxy in TCP mode, in a namespace of its own) or nullproxy (a proxy that is never there);" help1 &&
	"$G" doctor | grep -q "^  missing  *nullproxy "
'

test_expect_success 'the server backend: --server, --help, doctor, and a run that SKIPs' '
	"$G" --help | grep -q "^                            nothing     a backend with no server$" &&
	"$G" doctor | grep -q "^  missing  *nothing  *no server, ever" &&
	"$G" run --server nothing --no-results --color never f.gw > run.out 2>&1;
	rc=$?; cat run.out; test $rc -eq 0 &&
	grep -q "^\[1/1\] f  *SKIP" run.out &&
	grep -q "skipped: the nothing backend has no server" run.out
'

test_expect_success 'the output: --help, run --count FILE and report --count FILE' '
	"$G" --help > help && grep -q "^      --count FILE        also write how many cases ended to FILE$" help &&
	tr -s " \n" "  " < help | grep -q -- "--html FILE, --count FILE, with run" &&
	"$G" report --count n.txt --color never "$TOP/docs/results/servers" > /dev/null;
	test -s n.txt && cat n.txt && grep -q "^[0-9][0-9]* cases$" n.txt &&
	"$G" run --server nothing --no-results --count m.txt f.gw > /dev/null &&
	grep -qx "1 cases" m.txt
'

test_expect_success 'the output: docs/running.md wants its rows, then has them (make docs-tables)' '
	sh "$T/tests/options.sh" "$T" "$G" > o.out; rc=$?; cat o.out;
	test $rc -eq 1 && grep -q "^+| run | \`--count FILE\` | " o.out &&
	grep -q "^+| report | \`--count FILE\` | " o.out &&
	test "$(grep -c "^[-+]|" o.out)" -eq 2 &&
	(cd "$T" && sh docs/gen-options.sh ./goneaway) &&
	sh "$T/tests/options.sh" "$T" "$G"
'

test_expect_success 'the driver: goneaway drivers, --client, install-deps.sh' '
	"$G" drivers echo > d.out; cat d.out &&
	grep -q "^  ok  *echo  *echo 1.0, sh (greets as echo)" d.out &&
	sh "$T/drivers/install-deps.sh" --list | grep -qw echo &&
	test "$(sh "$T/drivers/install-deps.sh" --of echo)" = echo &&
	sh "$T/drivers/install-deps.sh" echo
'

# checks SUITE CHECK_UNIT: how many checks the suite ran ("" unless
# every one passed), reading the files of CHECK_UNIT's own tree; what it
# said, on stderr
checks() {
	GA_UNIT_TOP=$(dirname "$(dirname "$2")") CK_RUN_SUITE=$1 "$2" > unit.out 2>&1
	cat unit.out >&2
	sed -n "s/^100%: Checks: \([0-9]*\), Failures: 0, Errors: 0\$/\1/p" unit.out
}

test_expect_success 'the toxic: the serve suites make, list, show and run it with the others' '
	for s in serve_api serve_chain; do
		n=$(checks $s "$TOP/build/check-unit") &&
		m=$(checks $s "$T/build/check-unit") &&
		test -n "$n" && test -n "$m" && test "$m" -eq $((n + 1)) ||
			{ echo "$s: the copy ran ${m:-not all} checks, the tree ${n:-not all}"; return 1; }
	done &&
	for s in serve_http serve_wire; do
		test -n "$(checks $s "$T/build/check-unit")" || return 1
	done
'

# the block of the copy's docs/driver-protocol.md between its marks
# (goneaway driver-test --describe=${1:-markdown})
protocol_tables() {
	sed -n "/^<!-- begin: goneaway driver-test --describe=${1:-markdown} -->\$/,/^<!-- end: goneaway driver-test --describe=${1:-markdown} -->\$/p" \
		"$T/docs/driver-protocol.md" | sed "1d;\$d"
}

test_expect_success 'the connect option: the parser and its hint, the protocol'"'"'s table' '
	printf "title t\ncause c\nconnection app nothing\nconnect app\n" > n.gw &&
	"$G" check n.gw &&
	printf "title t\ncause c\nconnection app nothink\nconnect app\n" > nn.gw &&
	! "$G" check nn.gw 2> err && cat err &&
	grep -q "(known: .*, local_infile, nothing, driver-option)" err &&
	"$G" driver-test --describe > d.json &&
	grep -q "^  {\"name\": \"nothing\", \"type\": \"boolean\"" d.json
'

# the copy's golden replies, and what its reply suite says of them
GOLDEN="$T/tests/golden/replies/replies.txt"
reply_suite() {
	GA_UNIT_TOP="$T" CK_RUN_SUITE=reply "$T/build/check-unit" > r.out 2>&1
	rc=$?; cat r.out; return $rc
}

test_expect_success 'the outcome member: the reply suite wants its replies, then has them (GA_GOLDEN_WRITE=1), and the reader took it' '
	! reply_suite && grep -q "replies.txt differs from what the code makes" r.out &&
	cp "$GOLDEN" before.txt &&
	GA_GOLDEN_WRITE=1 reply_suite &&
	! diff -u before.txt "$GOLDEN" > g.out && cat g.out &&
	test "$(grep -c "^-[^-]" g.out)" -eq 0 &&
	grep -q "^+nothing 1\$" g.out &&
	grep -q "^+error: .*answered with a nothing that is not 0 or 1" g.out &&
	reply_suite && grep -q "^100%: Checks: 2, Failures: 0, Errors: 0\$" r.out
'

test_expect_success 'the copy'"'"'s whole unit suite passes with the eight new ones; the connect option is one check more of the protocol' '
	n=$(checks protocol "$TOP/build/check-unit") &&
	m=$(checks protocol "$T/build/check-unit") &&
	test -n "$n" && test -n "$m" && test "$m" -eq $((n + 1)) &&
	GA_UNIT_TOP="$T" "$T/build/check-unit" > unit.out 2>&1; rc=$?; tail -n 3 unit.out;
	test $rc -eq 0 && grep -q "^100%: Checks: [0-9]*, Failures: 0, Errors: 0\$" unit.out
'

test_expect_success 'the connect option: docs/driver-protocol.md wants its row, then has it' '
	"$G" driver-test --describe=markdown > want.md &&
	protocol_tables > got.md &&
	! diff -u got.md want.md > d.out && cat d.out &&
	test "$(grep -c "^[-+]|" d.out)" -eq 1 &&
	grep -q "^+| \`nothing\` | boolean | " d.out &&
	awk -v rows=want.md "
		/^<!-- begin: goneaway driver-test --describe=markdown -->\$/ {
			print; while ((getline l < rows) > 0) print l; skip = 1; next }
		/^<!-- end: goneaway driver-test --describe=markdown -->\$/ { skip = 0 }
		!skip { print }" "$T/docs/driver-protocol.md" > p.md &&
	mv p.md "$T/docs/driver-protocol.md" &&
	protocol_tables > got.md && diff -u got.md want.md
'

test_expect_success 'the outcome member: docs/driver-protocol.md wants its row of the replies, then has it (make docs-tables)' '
	"$G" driver-test --describe=replies-markdown > want.md &&
	protocol_tables replies-markdown > got.md &&
	! diff -u got.md want.md > d.out && cat d.out &&
	test "$(grep -c "^[-+]|" d.out)" -eq 1 &&
	grep -q "^+| \`nothing\` | nothing at all, 0 or 1 (t0006-recipes) |\$" d.out &&
	(cd "$T" && sh docs/gen-replies.sh ./goneaway) &&
	protocol_tables replies-markdown > got.md && diff -u got.md want.md
'

# ---- every doc check, on the copy ------------------------------------------------

test_expect_success 'every doc check holds on the copy: its diagnostics, its options, the protocol'"'"'s tables' '
	bad=0 &&
	{ sh "$T/tests/diagnostics.sh" "$T" || bad=1; } &&
	{ sh "$T/tests/options.sh" "$T" "$G" || bad=1; } &&
	"$G" driver-test --describe=markdown > want.md &&
	protocol_tables > got.md &&
	{ diff -u got.md want.md || bad=1; } &&
	"$G" driver-test --describe=replies-markdown > want.md &&
	protocol_tables replies-markdown > got.md &&
	{ diff -u got.md want.md || bad=1; } &&
	test $bad -eq 0
'

test_expect_success 'each recipe was done with the files it names, no more and no fewer' '
	for k in $KINDS; do
		recipe $k | sort > want.$k &&
		sort "$SCRATCH/touched.$k" > got.$k &&
		diff want.$k got.$k || { echo "recipe $k"; return 1; }
	done
'

test_done
