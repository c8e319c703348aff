#!/bin/sh
# t0087-partly-skipped: a step the client cannot do skips the steps on
# its connection (and those naming it: kill, reap, a %thread[NAME]% in
# SQL or errorlog's text), never the whole
# scenario, and never makes it PASS (docs/scenario-format.md, "Partly
# skipped").  With the rest PASSing the case is a SKIP of kind driver
# whose reason counts what ran and names what was skipped, and --strict
# fails on it unless --allow-skip lets it through; a step that FAILs
# after a skip is a FAIL that names the skipped steps; with nothing left
# to run the case is a plain SKIP; once every connection is given up,
# the steps left (a sleep, a server check) are skipped too.  The report,
# steps.log, results.jsonl and the table show the skipped steps.  Then a
# real connector: mysqlnd has no reconnect, and server-restart's other
# connection still runs.
#
# The client is bad-driver.py's "echo" mode, which greets here with ping
# unsupported: the skipping is goneaway's, whatever a connector does.
. "$(dirname "$0")/lib.sh"

DRIVER="$TOP/tests/integration/data/drivers/bad-driver.py"
DATA="$TOP/tests/integration/data/skips"
leftover_snapshot > "$SCRATCH/before"
export BAD_DRIVER_HELLO='{"unsupported": {"ping": "no ping here"}}'

# skip_run NAME [ARGS...]: DATA/NAME.gw with the echo driver; output in
# out-NAME, exit status in rc-NAME, evidence and results in res-NAME
skip_run() {
	n=$1
	shift
	"$GONEAWAY" run --color never -o "res-$n" --client "cmd:$DRIVER echo" \
		"$@" "$DATA/$n.gw" > "out-$n" 2>&1
	echo $? > "rc-$n"
	cat "out-$n"
}

test_expect_success 'the other connection runs on: SKIP, not PASS, with what ran and what did not' '
	skip_run partly-skipped && test "$(cat rc-partly-skipped)" -eq 0 &&
	grep -q "^\[1/1\] partly-skipped  *SKIP" out-partly-skipped &&
	grep -q "skipped: partly skipped: 3 of 7 steps were skipped with this client, the other 4 ran and matched; skipped: lines 10, 11 and 13: connection .b. (line 10): the bad-echo driver cannot do .ping.: no ping here" out-partly-skipped &&
	grep -q "line 10: ping b: skipped: the bad-echo driver cannot do .ping.: no ping here" out-partly-skipped &&
	grep -q "line 13: kill b: skipped: connection .b. is skipped since line 10" out-partly-skipped &&
	grep -q "line 14: query a: query: succeeded" out-partly-skipped &&
	grep -q "line 16: status: status: succeeded with" out-partly-skipped
'

test_expect_success 'steps.log and results.jsonl show the skipped steps and the ones that ran' '
	log=res-partly-skipped/partly-skipped/steps.log &&
	grep -q "^verdict: SKIP" $log &&
	grep -q "^line 11: query b: skipped: connection .b. is skipped since line 10: the bad-echo driver cannot do .ping.: no ping here\$" $log &&
	grep -q "^line 14: query a: query: succeeded .*: matched\$" $log &&
	j=res-partly-skipped/results.jsonl &&
	grep "\"type\":\"step\"" $j | grep "\"line\":11," |
		grep -q "\"ran\":false,\"skipped\":\"connection .b. is skipped since line 10" &&
	grep "\"type\":\"step\"" $j | grep "\"line\":14," |
		grep -q "\"ran\":true,\"skipped\":null" &&
	grep "\"type\":\"case\"" $j | grep -q "\"verdict\":\"SKIP\",.*\"skip\":\"driver\""
'

test_expect_success 'goneaway report reads it back: the same lines, the table says SKIP part' '
	"$GONEAWAY" report --color never --markdown m.md res-partly-skipped > rep.out 2>&1 &&
	grep -q "line 11: query b: skipped: connection .b. is skipped since line 10" rep.out &&
	grep -q "| partly-skipped | SKIP part ok |" m.md
'

test_expect_success '--strict fails on it (exit 4), naming the rule; --allow-skip driver lets it through' '
	skip_run partly-skipped --strict; test "$(cat rc-partly-skipped)" -eq 4 &&
	grep -q "allow-skip driver:partly-skipped@bad-echo would let it through" out-partly-skipped &&
	skip_run partly-skipped --strict --allow-skip driver &&
	test "$(cat rc-partly-skipped)" -eq 0
'

test_expect_success 'a step naming a connection given up (%thread[b]%, in SQL, errorlog, on another connection) is skipped with it' '
	skip_run named-skipped && test "$(cat rc-named-skipped)" -eq 0 &&
	grep -q "^\[1/1\] named-skipped  *SKIP" out-named-skipped &&
	grep -q "line 14: admin: skipped: connection .b. is skipped since line 13" out-named-skipped &&
	grep -q "line 16: errorlog: skipped: connection .b. is skipped since line 13" out-named-skipped &&
	grep -q "line 17: query a: skipped: connection .b. is skipped since line 13" out-named-skipped &&
	grep -q "line 19: query a: .*succeeded" out-named-skipped
'

test_expect_success 'a step that fails after a skip is a FAIL naming what was skipped before it' '
	skip_run partly-skipped-fail; test "$(cat rc-partly-skipped-fail)" -eq 1 &&
	grep -q "partly-skipped-fail.gw:10: query a: returned 2013 (CR_SERVER_LOST) \"lost\" .*when expecting success (expect line 11, no selector) (skipped before it, as this client cannot do them: line 9: connection .b. (line 9): the bad-echo driver cannot do .ping.: no ping here; it may depend on them)" out-partly-skipped-fail
'

test_expect_success 'a server check that does not hold after a skip is not judged; one that holds counts' '
	skip_run server-check && test "$(cat rc-server-check)" -eq 0 &&
	grep -q "skipped: partly skipped: 2 of 5 steps were skipped with this client, the other 3 ran and matched; skipped: lines 11 and 12:" out-server-check &&
	grep -q "line 12: errorlog: skipped: not judged: it returned 0 \"the server.s error log has no line containing .goneaway-t0087-no-such-line.[^\"]*\" after [0-9]* ms, and it checks the server, which the skipped steps of connection .b. (from line 11) may have been what changes" out-server-check &&
	grep -q "line 13: status: status: succeeded" out-server-check
'

test_expect_success 'nothing left to run: a plain SKIP, the table without "part"' '
	skip_run all-skipped --markdown m2.md && test "$(cat rc-all-skipped)" -eq 0 &&
	grep -q "skipped: no step could run with this client: connection .b. (line 6): the bad-echo driver cannot do .ping.: no ping here" out-all-skipped &&
	! grep -q "line 7:" out-all-skipped &&
	grep -q "^line 7: query b: skipped: connection .b. is skipped since line 6" res-all-skipped/all-skipped/steps.log
'

test_expect_success 'every connection given up: the steps left are skipped, the sleep not slept' '
	skip_run none-left && test "$(cat rc-none-left)" -eq 0 &&
	ms=$(sed -n "s/^{\"type\":\"case\".*\"steps_ms\":\([0-9]*\).*/\1/p" res-none-left/results.jsonl) &&
	say "its steps took $ms ms (the sleep is 20 s)" && test "$ms" -lt 15000 &&
	grep -q "skipped: partly skipped: 4 of 6 steps were skipped with this client, the other 2 ran and matched; skipped: lines 9, 11, 12 and 13:" out-none-left &&
	grep -q "line 12: sleep: skipped: every connection is skipped (the last, .b., since line 11): nothing is left for it to wait for or check" out-none-left &&
	grep -q "line 13: errorlog: skipped: every connection is skipped" out-none-left
'

if php -r 'exit(extension_loaded("mysqli") ? 0 : 1);' 2>/dev/null; then
	test_expect_success 'mysqlnd cannot reconnect: server-restart still checks its other connection' '
		"$GONEAWAY" run --color never -o res-php --client php-mysqli \
			"$TOP/scenarios/server-restart.gw" > out-php 2>&1; rc=$?
		cat out-php && test $rc -eq 0 &&
		grep -q "SKIP" out-php &&
		grep -q "partly skipped: .* were skipped with this client, the other .* ran and matched; skipped: .*mysqlnd has no automatic reconnect" out-php &&
		grep -q "line [0-9]*: query app: mysqli::query: returned" out-php
	'
else
	test_skip 'mysqlnd cannot reconnect: server-restart still checks its other connection' \
		'no php-cli with php-mysql (mysqli) here'
fi

test_expect_success 'nothing is left' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
