#!/bin/sh
# t0010-scenarios: every scenario in scenarios/ runs against the real
# mariadbd and PASSes - not SKIPs - and the run leaves no trace.  The one
# exception is a scenario that needs netem on a kernel without sch_netem:
# it must SKIP, with that reason, never PASS.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"
nfiles=$(ls "$TOP"/scenarios/*.gw | wc -l)
if "$GONEAWAY" doctor 2>/dev/null | grep -q '^  ok  *netem'; then
	nnetem=0
else
	nnetem=$(grep -l '^fault .* netem ' "$TOP"/scenarios/*.gw | wc -l)
fi

test_expect_success 'there are scenarios to run' '
	test "$nfiles" -ge 5
'

test_expect_success 'every scenario PASSes against the real server' '
	"$GONEAWAY" run --format tap -o "$RESULTS" \
		--junit "$SCRATCH/junit.xml" "$TOP/scenarios" > tap.out;
	rc=$?; cat tap.out; test "$rc" -eq 0 &&
	test "$(grep -c "^ok [0-9]* - " tap.out)" -eq "$nfiles" &&
	test "$(grep -c "# SKIP" tap.out)" -eq "$nnetem" &&
	! grep "# SKIP" tap.out | grep -v "no sch_netem" &&
	! grep -q "^not ok" tap.out
'

test_expect_success 'the JUnit report counts every scenario, none failed' '
	grep -q "<testsuite name=\"goneaway\" tests=\"$nfiles\" failures=\"0\" errors=\"0\" skipped=\"$nnetem\"" junit.xml &&
	test "$(grep -c "<testcase " junit.xml)" -eq "$nfiles"
'

test_expect_success 'each scenario kept its evidence: steps, error log, config' '
	for f in "$TOP"/scenarios/*.gw; do
		n=$(basename "$f" .gw) &&
		grep -q "^verdict: \(PASS\|SKIP\)" "$RESULTS/$n/steps.log" &&
		grep -q "ready for connections" "$RESULTS/$n/mariadbd.err" &&
		grep -q "^bind-address=198.18.0.2" "$RESULTS/$n/my.cnf" &&
		cmp -s "$f" "$RESULTS/$n/scenario.gw" || return 1
	done
'

test_expect_success 'the kept error log holds the server'"'"'s own evidence of the timeout' '
	grep -q "Aborted connection .*Got timeout reading communication packets" \
		"$RESULTS/wait-timeout/mariadbd.err"
'

test_expect_success 'the run left no namespace, veth, table, process or temp dir' '
	leftover_snapshot > after &&
	diff "$SCRATCH/before" after
'

test_done
