#!/bin/sh
# t0095-bad-drivers: a client driver that crashes, writes garbage, never
# greets or answers another request is an ERROR of the scenario, with its
# standard error kept as evidence; one whose call never returns is a hang
# (FAIL, like any connector that hangs) that the watchdog ends. Never a
# PASS, never a hung run, and the driver process is gone afterwards.
. "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/integration/data"
DRIVER="$DATA/drivers/bad-driver.py"
leftover_snapshot > "$SCRATCH/before"

for mode in crash garbage wrongid; do
	test_expect_success "a driver that does '$mode' is an ERROR with its stderr" "
		start=\$(date +%s) &&
		\"\$GONEAWAY\" run --color never -o res-$mode \
			--client 'cmd:$DRIVER $mode' --step-timeout 2s \
			\"\$DATA/bad-driver-query.gw\" > out; rc=\$?; cat out;
		test \$rc -eq 3 && grep -q 'bad-driver-query *ERROR' out &&
		test \$(( \$(date +%s) - start )) -lt 20 &&
		grep -q 'bad-driver: starting in mode $mode' \
			res-$mode/bad-driver-query/driver-app.log
	"
done

test_expect_success 'a driver whose call never returns is a hang, ended by the watchdog' '
	start=$(date +%s) &&
	"$GONEAWAY" run --color never -o res-stuck --client "cmd:$DRIVER stuck" \
		--step-timeout 2s "$DATA/bad-driver-query.gw" > out; rc=$?; cat out;
	test $rc -eq 1 && grep -q "bad-driver-query *FAIL" out &&
	grep -q "driver call: hung: no answer after" res-stuck/bad-driver-query/steps.log &&
	test $(( $(date +%s) - start )) -lt 20 &&
	grep -q "bad-driver: starting in mode stuck" \
		res-stuck/bad-driver-query/driver-app.log
'

test_expect_success 'the errors say what the driver did' '
	grep -q "exited with status 3" res-crash/bad-driver-query/steps.log &&
	grep -q "not a JSON object" res-garbage/bad-driver-query/steps.log &&
	grep -q "answered another request" res-wrongid/bad-driver-query/steps.log &&
	grep -q "hung: no answer after 2[0-9][0-9][0-9] ms" res-stuck/bad-driver-query/steps.log
'

test_expect_success 'a driver that never greets fails the run at once (exit 2)' '
	start=$(date +%s) &&
	"$GONEAWAY" run --no-results --client "cmd:$DRIVER mute" \
		"$DATA/bad-driver-query.gw" > out 2> err; rc=$?; cat out err;
	test $rc -eq 2 && grep -q "its greeting" err &&
	test $(( $(date +%s) - start )) -lt 20
'

test_expect_success 'no driver process is left' '
	! pgrep -f "bad-driver.py" > /dev/null
'

test_expect_success 'the bad drivers left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
