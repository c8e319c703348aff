#!/bin/sh
# t0050-concurrent: two runs at once never collide - each has its own run
# directory, lab names and mariadbd, and neither run's start-up sweep
# removes the other's directory.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"

for round in 1 2 3; do
	test_expect_success "round $round: two runs started together both PASS" '
		"$GONEAWAY" run --no-results --color never \
			"$TOP/scenarios/kill-idle.gw" "$TOP/scenarios/server-restart.gw" \
			> one 2>&1 & p1=$!
		"$GONEAWAY" run --no-results --color never \
			"$TOP/scenarios/kill-idle.gw" "$TOP/scenarios/server-restart.gw" \
			> two 2>&1 & p2=$!
		wait $p1; r1=$?; wait $p2; r2=$?; cat one two;
		test $r1 -eq 0 && test $r2 -eq 0 &&
		grep -qx "scenarios: 2 passed, 0 failed, 0 errors, 0 skipped" one &&
		grep -qx "scenarios: 2 passed, 0 failed, 0 errors, 0 skipped" two
	'
done

test_expect_success 'a young run directory without a lock is not swept' '
	young=$(mktemp -d "${TMPDIR:-/tmp}/goneaway-run-XXXXXX") &&
	"$GONEAWAY" sweep &&
	test -d "$young" &&
	touch -d "20 minutes ago" "$young" &&
	"$GONEAWAY" sweep &&
	! test -d "$young"
'

test_expect_success 'the concurrent runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
