#!/bin/sh
# t0110-record: goneaway run --record (issue 15).  A draft ("expect any"
# placeholders, or no expect line at all) is recorded in one run and the
# recorded file then PASSes, with the built-in client and with a driver,
# on the local server and on a root (mysql-9.7), against two servers at
# once, and for a repeated scenario (its spread as alternatives).  For a
# client other than the built-in one only [client=X] lines are written,
# where X differs.  The output is a patch and files under -o: no
# scenario is ever rewritten.  Outside --record a placeholder is ERROR.
# A driver's words are data (issue 26): an error class no expect line
# can hold is recorded as "error", a reply with a newline in its class,
# sqlstate or api is an ERROR, a greeting's name with one is refused.
# A pool's race over a repeat's runs (issue 38): every set of events it
# saw; every scenario of pools recorded with a pool's driver PASSes.
#
# The sources it holds: harness/plan/sink_record.c,
#  harness/plan/record_scenario.c.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"
DATA="$TOP/tests/integration/data/record"
roots=${GA_ROOTS:-/var/cache/goneaway/roots}

# run_rec DIR ARGS...: a --record run into DIR; its output in DIR.out
run_rec() {
	d=$1
	shift
	"$GONEAWAY" run --color never --record -o "$d" "$@" > "$d.out" 2>&1
	rc=$?
	cat "$d.out"
	return $rc
}

# passes DIR ARGS...: a --strict run that must PASS every case
passes() {
	d=$1
	shift
	"$GONEAWAY" run --color never --strict --format tap -o "$d" "$@" \
		> "$d.tap" 2>&1
	rc=$?
	cat "$d.tap"
	test "$rc" -eq 0 && ! grep -q "^not ok" "$d.tap" &&
	grep -q "^ok " "$d.tap"
}

test_expect_success 'outside --record, a placeholder that applied is ERROR, not PASS' '
	"$GONEAWAY" run --color never -o plain "$DATA/draft-kill.gw" \
		> plain.out 2>&1; rc=$?; cat plain.out;
	test "$rc" -eq 3 &&
	grep -q "ERROR" plain.out &&
	grep -q "expect any. at line 15 is a draft.s placeholder" plain.out
'

test_expect_success 'check accepts a draft, warning about its placeholders; any stands alone and takes only after' '
	"$GONEAWAY" check "$DATA"/draft-*.gw > drafts.out 2>&1; rc=$?;
	cat drafts.out; test "$rc" -eq 0 &&
	grep -q "draft-kill.gw:15: warning: .expect any. is a draft.s placeholder" drafts.out &&
	grep -q "^3 scenario files OK (3 warnings)" drafts.out &&
	printf "title t\ncause c\nconnection a\nconnect a\n    expect any | 2013\n    expect [mysql] any within 1s\n" > bad-any.gw &&
	! "$GONEAWAY" check bad-any.gw 2> bad-any.err; cat bad-any.err;
	grep -q "bad-any.gw:5:12: error: .any. is a draft.s placeholder and stands alone" bad-any.err &&
	grep -q "bad-any.gw:6:24: error: .any. takes no clause but .after D." bad-any.err
'

test_expect_success 'a draft recorded in one run (built-in client, local server)' '
	cp "$DATA/draft-kill.gw" draft-kill.gw &&
	sum_before=$(cksum < draft-kill.gw) &&
	run_rec rec1 draft-kill.gw &&
	test "$(cksum < draft-kill.gw)" = "$sum_before" &&
	test -s rec1/record.patch && test -s rec1/recorded/draft-kill.gw &&
	grep -q "^recorded: .* rec1/record.patch" rec1.out &&
	! grep -q "^ *expect any" rec1/recorded/draft-kill.gw &&
	grep -q "^--- draft-kill.gw" rec1/record.patch &&
	grep -q "^-    expect any      # the first query after the KILL" rec1/record.patch &&
	grep -q "^+    expect CR_SERVER_LOST within [0-9.]*s  # the first query after the KILL$" rec1/record.patch
'

test_expect_success '... the recorded file PASSes, and the patch makes the same file' '
	passes pass1 rec1/recorded/draft-kill.gw &&
	patch -p0 < rec1/record.patch &&
	cmp draft-kill.gw rec1/recorded/draft-kill.gw &&
	passes pass1b draft-kill.gw
'

test_expect_success 'a draft recorded with a driver (pymysql): its class on a [client=] line' '
	run_rec rec2 --client pymysql "$DATA/draft-kill.gw" &&
	grep -q "^+    expect \[client=pymysql\] InterfaceError within" rec2/record.patch &&
	passes pass2 --client pymysql rec2/recorded/draft-kill.gw
'

test_expect_success 'a draft without expect lines, against two servers at once' '
	if test -x "$roots/mysql-9.7/usr/sbin/mysqld"; then
		servers="--server local --server mysql-9.7"
	else
		servers="--server local"
	fi &&
	run_rec rec3 $servers "$DATA/draft-wait.gw" &&
	cat rec3/recorded/draft-wait.gw &&
	passes pass3 $servers rec3/recorded/draft-wait.gw &&
	if test -x "$roots/mysql-9.7/usr/sbin/mysqld"; then
		grep -q "^    expect \[mysql\] 4031 within" rec3/recorded/draft-wait.gw
	fi
'

if test -x "$roots/mysql-9.7/usr/sbin/mysqld"; then
	test_expect_success 'a draft recorded on a root (mysql-9.7) PASSes there, also with a driver' '
		run_rec rec4 --server mysql-9.7 "$DATA/draft-kill.gw" &&
		passes pass4 --server mysql-9.7 rec4/recorded/draft-kill.gw &&
		run_rec rec4p --server mysql-9.7 --client pymysql "$DATA/draft-kill.gw" &&
		passes pass4p --server mysql-9.7 --client pymysql rec4p/recorded/draft-kill.gw
	'
else
	test_skip 'a draft recorded on a root (mysql-9.7)' "no root in $roots/mysql-9.7 (make roots)"
fi

test_expect_success 'a repeated draft: every run is made and its outcomes recorded' '
	run_rec rec5 "$DATA/draft-repeat.gw" &&
	grep -q "^+    expect .* within [0-9.]*s" rec5/record.patch &&
	grep -q "spread over 3 runs" rec5/draft-repeat/steps.log &&
	passes pass5 rec5/recorded/draft-repeat.gw
'

# Issue 38: a value check that held in every success is kept by a
# re-record of a race, with -j's workers as without (their results came
# back as if every success had varied, and "= 1" was dropped)
test_expect_success 'a re-record of a race keeps a value check that held, at -j 1 and -j 2' '
	for j in 1 2; do
		run_rec recv$j -j $j "$DATA/value-race.gw"
		grep -q "^+    expect ok | CR_SERVER_GONE_ERROR = 1 within [0-9.]*s$" recv$j/record.patch ||
			{ cat recv$j/record.patch; return 1; }
		passes passv$j -j $j recv$j/recorded/value-race.gw || return 1
	done
'

# Issue 38: what --record and --record --expectations write for a pool
# reads back and PASSes against the same server and client: a race
# over a repeat's runs as every set of events it saw, and every shipped
# scenario of pools (-k pool-client) recorded with a pool's driver.
POOL_RACE="$DATA/pool-race.gw"
# draft_of FILE: FILE with each step's expect lines one placeholder
draft_of() {
	awk '/^[ \t]+expect / { if (!seen) print "    expect any"; seen = 1; next }
	     { seen = 0; print }' "$1"
}
if why=$(driver_installed $POOL_DRIVER); then
	test_expect_success 'a pool.s race recorded over every run: every set of events, and the file PASSes' '
		run_rec rec8 --client $POOL_DRIVER "$POOL_RACE" &&
		cat rec8/record.patch &&
		grep -q "^+    expect ok pool revalidated | discarded+opened$" rec8/record.patch &&
		grep -q "spread over 2 runs: ok pool revalidated 1, ok pool discarded+opened 1" rec8.out &&
		passes pass8 --client $POOL_DRIVER rec8/recorded/pool-race.gw &&
		# --repeat 3: three runs of the same file, the same sets
		run_rec rec9 --repeat 3 --client $POOL_DRIVER "$POOL_RACE" &&
		grep -q "spread over 3 runs" rec9.out &&
		grep -q "^+    expect ok pool revalidated | discarded+opened$" rec9/record.patch &&
		# ... and into an expectation file, which reads back
		"$GONEAWAY" run --color never --record --repeat 3 \
			--expectations race.expect -o rec10 --client $POOL_DRIVER \
			"$POOL_RACE" > rec10.out 2>&1 || { cat rec10.out; false; }
		cat race.expect &&
		grep -q "^pool-race:[0-9]*  *\*  *borrow app  *ok pool revalidated | discarded+opened$" race.expect &&
		"$GONEAWAY" check --expectations race.expect "$POOL_RACE" &&
		passes pass10 --repeat 3 --expectations race.expect "$POOL_RACE"
	'

	test_expect_success '--repeat N runs a scenario N times without an edit; a bad N is a usage error' '
		"$GONEAWAY" run --color never -o rep --repeat 2 "$TOP/scenarios/kill-idle.gw" \
			> rep.out 2>&1 || { cat rep.out; false; }
		grep -q "spread over 2 runs" rep/kill-idle/steps.log &&
		test -d rep/kill-idle/run-2 &&
		for n in 0 1001 x 2x; do
			"$GONEAWAY" run --repeat $n "$TOP/scenarios/kill-idle.gw" 2> rep.err
			test $? -eq 2 && grep -q "^goneaway: --repeat: .$n. is not a number of runs from 1 to 1000$" rep.err ||
				{ cat rep.err; return 1; }
		done
	'

	# every expect line of the pools' scenarios a placeholder: a draft
	# each, recorded with the pool's driver
	test_expect_success 'every scenario of pools recorded with a pool.s driver, as drafts and into a file: each PASSes' '
		mkdir -p drafts &&
		for n in $POOL_SCENARIOS; do
			draft_of "$TOP/scenarios/$n.gw" > drafts/$n.gw || return 1
		done &&
		"$GONEAWAY" check drafts > /dev/null 2>&1 &&
		run_rec rec11 --client $POOL_DRIVER drafts &&
		test "$(ls rec11/recorded/*.gw | wc -l)" -eq "$(echo $POOL_SCENARIOS | wc -w)" &&
		! grep -l "expect any" rec11/recorded/*.gw > anys || {
			# a placeholder left is on a step the driver cannot do
			for f in $(cat anys); do
				grep -q "^connection .*pool=\(tested\|brief\)" "$f" || return 1
			done; }
		rules=$(for n in $POOL_SCENARIOS; do grep -q "^pool .*\(validation\|idle_timeout\)=" "$TOP/scenarios/$n.gw" &&
			printf -- "--allow-skip driver:%s@%s " $n $POOL_DRIVER || :; done) &&
		test -n "$rules" &&
		passes pass11 --client $POOL_DRIVER $rules rec11/recorded &&
		"$GONEAWAY" run --color never --record --expectations pools.expect \
			-o rec12 --client $POOL_DRIVER -k pool-client "$TOP/scenarios" \
			> rec12.out 2>&1 || { cat rec12.out; false; }
		test "$(grep -c " pool " pools.expect)" -ge 20 &&
		"$GONEAWAY" check --expectations pools.expect \
			$(for n in $POOL_SCENARIOS; do echo "$TOP/scenarios/$n.gw"; done) &&
		passes pass12 --expectations pools.expect $rules -k pool-client "$TOP/scenarios"
	'
else
	test_skip 'a pool.s race recorded over every run: every set of events, and the file PASSes' "$why"
	test_skip '--repeat N runs a scenario N times without an edit; a bad N is a usage error' "$why"
	test_skip 'every scenario of pools recorded with a pool.s driver, as drafts and into a file: each PASSes' "$why"
fi

# kill-idle without two clients' lines: a record run with them adds
# exactly those (and nothing for the built-in client, whose lines hold)
test_expect_success 'record --client X writes only the [client=X] lines where X differs' '
	grep -v "client=pymysql\]\|client=php-mysqli\]" "$TOP/scenarios/kill-idle.gw" \
		> kill-idle.gw &&
	run_rec rec6 --client builtin --client pymysql --client php-mysqli \
		kill-idle.gw &&
	cat rec6/record.patch &&
	test "$(grep -c "^+    " rec6/record.patch)" -eq 2 &&
	test "$(grep -c "^-    " rec6/record.patch)" -eq 0 &&
	grep -q "^+    expect \[client=pymysql\] InterfaceError within 3s$" rec6/record.patch &&
	grep -q "^+    expect \[client=php-mysqli\] CR_SERVER_GONE_ERROR within 3s$" rec6/record.patch &&
	passes pass6 --client builtin --client pymysql --client php-mysqli \
		rec6/recorded/kill-idle.gw
'

test_expect_success 'a scenario whose lines all hold: nothing to change, no patch' '
	run_rec rec7 "$TOP/scenarios/kill-idle.gw" &&
	grep -q "^recorded: every line of the 1 scenario holds: nothing to change" rec7.out &&
	test ! -e rec7/record.patch && test ! -e rec7/recorded
'

test_expect_success '--record needs somewhere to write: --no-results is a usage error' '
	"$GONEAWAY" run --record --no-results "$DATA/draft-kill.gw" 2> nores.err;
	test $? -eq 2 && grep -q "give -o DIR" nores.err
'

# A driver's words are data (issue 26): bad-driver.py's hostile modes
# answer with an error class, message, sqlstate, api and value that would
# be instructions if written back as they came.
HOSTILE="$TOP/tests/integration/data/drivers/bad-driver.py"

test_expect_success 'a hostile driver recorded: its class becomes "error", only expect lines are added' '
	run_rec hrec --client "cmd:$HOSTILE hostile" "$TOP/tests/integration/data/draft-hostile.gw" &&
	grep -q "line 14: bad-hostile.s error class .* is no class an expect line can hold (docs/expectations.md): recorded as .error." hrec.out &&
	grep "^+" hrec/record.patch | grep -v "^+++ " > added &&
	cat added && test "$(wc -l < added)" -eq 2 &&
	! grep -v "^+    expect " added &&
	grep -qx "+    expect ok" added &&
	grep -qx "+    expect error within [0-9.]*s" added &&
	! grep -q "admin\|script\|TODO\|SET GLOBAL" hrec/record.patch \
		hrec/recorded/draft-hostile.gw
'

test_expect_success '... check reads the recorded file back as the same steps, and it PASSes with that driver' '
	"$GONEAWAY" check hrec/recorded/draft-hostile.gw > hcheck.out 2>&1;
	rc=$?; cat hcheck.out; test "$rc" -eq 0 &&
	grep -v "^ *expect " "$TOP/tests/integration/data/draft-hostile.gw" > steps-before &&
	grep -v "^ *expect " hrec/recorded/draft-hostile.gw > steps-after &&
	diff -u steps-before steps-after &&
	passes hpass --client "cmd:$HOSTILE hostile" \
		hrec/recorded/draft-hostile.gw
'

for mode in hostile-nl hostile-sqlstate hostile-api; do
	test_expect_success "a reply with a newline in its words ($mode) is an ERROR, nothing of it recorded" "
		run_rec rec-$mode --client 'cmd:$HOSTILE $mode' \
			\"\$TOP/tests/integration/data/draft-hostile.gw\"; rc=\$?;
		test \$rc -eq 3 &&
		grep -q 'answered with a reply goneaway does not take' \
			rec-$mode/draft-hostile/steps.log &&
		grep -q 'the steps after the error are not recorded' rec-$mode.out &&
		! grep -rq 'SET GLOBAL' rec-$mode/record.patch rec-$mode/recorded
	"
done

test_expect_success 'a driver whose greeting names it with a newline is refused before anything runs' '
	run_rec rec-name --client "cmd:$HOSTILE hostile-name" \
		"$TOP/tests/integration/data/draft-hostile.gw"; rc=$?;
	test $rc -eq 2 && grep -q "greeting.s \"driver\" is no name" rec-name.out &&
	test ! -e rec-name/record.patch
'

test_expect_success 'the runs left no namespace, veth, table, process or temp dir' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
