#!/bin/sh
# t0194-driver-reap-time: a driver's reaped call is timed by goneaway,
# from when it wrote the request to when the reply arrived, even when the
# reply came while other steps ran (issue 57).  A driver that reads its
# request late (under load: 130 ms was seen at load 40) measures its
# call short by that much; kill-running's "after 900ms" failed with
# PyMySQL at 885 ms.  The latequery driver (data/drivers/bad-driver.py)
# is the shipped PyMySQL driver 300 ms late to start each query.
#
# The sources it holds: harness/client/process_calls.c,
# harness/util/linewatch.c.
. "$(dirname "$0")/lib.sh"

D="$TOP/tests/integration/data"
LATE="cmd:$D/drivers/bad-driver.py latequery"
leftover_snapshot > "$SCRATCH/before"

# reap_ms DIR: the elapsed ms of the reap step of the one case in DIR
# (its first run's, of a repeated one: the verdict holds all runs)
reap_ms() {
	grep '^{"type":"step"' "$1/results.jsonl" | grep '"kind":"reap"' |
		sed -n 's/.*"elapsed_ms":\([0-9]*\).*/\1/p'
}

if why=$(driver_installed pymysql); then
	test_expect_success 'a driver 300 ms late to start: kill-running PASSes (5 runs)' '
		"$GONEAWAY" run --color never -o late --repeat 5 --client "$LATE" \
			"$TOP/scenarios/kill-running.gw" > late.out 2>&1; rc=$?;
		cat late.out; say "first reap: $(reap_ms late) ms";
		test "$rc" -eq 0 && grep -q "kill-running *PASS" late.out &&
		ms=$(reap_ms late) && test "$ms" -ge 1000
	'

	test_expect_success '... reaped 4 s after its reply: timed when the reply came, from the request' '
		"$GONEAWAY" run --color never -o killed --client "$LATE" \
			"$D/reap-late-killed.gw" > killed.out 2>&1; rc=$?;
		cat killed.out; ms=$(reap_ms killed); say "reap: $ms ms";
		test "$rc" -eq 0 && test "$ms" -ge 1000 && test "$ms" -lt 3500
	'

	test_expect_success '... a query 300 ms late and 200 ms long, reaped 3 s later: 500 ms and a little' '
		"$GONEAWAY" run --color never -o early --client "$LATE" \
			"$D/reap-late-driver.gw" > early.out 2>&1; rc=$?;
		cat early.out; ms=$(reap_ms early); say "reap: $ms ms";
		test "$rc" -eq 0 && test "$ms" -ge 500 && test "$ms" -lt 2000
	'

	test_expect_success '... a reply whose first byte came at once is timed at its end' '
		"$GONEAWAY" run --color never -o split \
			--client "cmd:$D/drivers/bad-driver.py splitreply" \
			"$D/reap-late-killed.gw" > split.out 2>&1; rc=$?;
		cat split.out; ms=$(reap_ms split); say "reap: $ms ms";
		test "$rc" -eq 0 && test "$ms" -ge 1000 && test "$ms" -lt 3500
	'
else
	for t in 'a driver 300 ms late to start: kill-running PASSes (5 runs)' \
		'... reaped 4 s after its reply: timed when the reply came, from the request' \
		'... a query 300 ms late and 200 ms long, reaped 3 s later: 500 ms and a little' \
		'... a reply whose first byte came at once is timed at its end'; do
		test_skip "$t" "$why"
	done
fi

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
