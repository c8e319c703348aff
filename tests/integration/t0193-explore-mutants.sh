#!/bin/sh
# t0193-explore-mutants: goneaway explore (issue 59) finds the mutants
# t0190 does not hold, each with its point named (t0190 holds the one
# that reports a cut result as complete):
#   - data/drivers/mutant-hang-silent.py, the shipped PyMySQL driver whose
#     fetch drops its read timeout mid-result: with drop (the server
#     silent, the socket left open), a hang past the read timeout of 2 s,
#     with its time, at a point that names rows, and only there (a drop
#     before the result is CR_SERVER_LOST within it);
#   - data/drivers/mutant-crash-short.py, the same driver killed by
#     SIGSEGV when a packet comes short: with reset, a crash with its
#     signal, at a point that names rows;
#   - data/drivers/mutant-commit-retry.py, the same driver retrying a
#     failed COMMIT on a new connection (BEGIN, the transaction's
#     statements, COMMIT) and saying it succeeded: over data/explore-
#     commit.gw (INSERT, COMMIT, then SELECT COUNT(*)), a wrong result at
#     the point after the COMMIT went to the server (the row there twice:
#     '2' where the clean run read '1'); the shipped driver and the
#     built-in client there: CR_SERVER_LOST, nothing flagged;
#   - the shipped PyMySQL driver on the stream, reset and drop: nothing
#     flagged (what the mutants add is what explore sees);
#   - nothing left.
. "$(dirname "$0")/lib.sh"

D="$TOP/tests/integration/data"
leftover_snapshot > "$SCRATCH/before"

if driver_installed pymysql; then
	test_expect_success 'explore finds the mutant that ignores its read timeout mid-result' '
		exit_is 1 "$GONEAWAY" explore -o hang --kind drop \
			--client "cmd:$D/drivers/mutant-hang-silent.py" \
			"$D/explore-stream.gw" > hang.out 2>&1 &&
		cat hang.out &&
		grep "^violations: [1-9]" hang.out &&
		grep "^  p[0-9]*-drop  *hang: c1 .* from-server .*row" hang.out &&
		grep "fetch answered nothing after [0-9.]* s, past its read timeout of 2 s" hang.out &&
		grep "reproduced by .*violations/p[0-9]*-drop.gw (goneaway run: FAIL)" hang.out &&
		grep "at    from-server greeting  *- *CR_SERVER_LOST" hang.out &&
		! grep "hang: .*greeting\|hang: .*login\|hang: .*auth" hang.out &&
		grep "\"outcome\":\"hang\",\"violation\":true" hang/explore.jsonl &&
		! grep "\"kind\":\"reset\"" hang/explore.jsonl
	'

	test_expect_success 'explore finds the mutant that crashes on a short packet' '
		exit_is 1 "$GONEAWAY" explore -o crash --kind reset \
			--client "cmd:$D/drivers/mutant-crash-short.py" \
			"$D/explore-stream.gw" > crash.out 2>&1 &&
		cat crash.out &&
		grep "^violations: [1-9]" crash.out &&
		grep "^  p[0-9]*-reset  *crash: c1 .* from-server .*row" crash.out &&
		grep "killed by signal 11 (Segmentation fault)" crash.out &&
		grep "\"outcome\":\"crash\",\"violation\":true" crash/explore.jsonl &&
		repro=$(ls crash/violations/*.gw | head -n 1) &&
		cat "$repro" &&
		tail -n 2 "$repro" | grep "^fetch app" &&
		exit_is 0 "$GONEAWAY" run --color never -o r-crash-pymysql \
			--client pymysql "$repro"
	'

	test_expect_success 'explore finds the mutant that retries a failed COMMIT on a new connection' '
		exit_is 1 "$GONEAWAY" explore -o commit --kind reset \
			--client "cmd:$D/drivers/mutant-commit-retry.py" \
			"$D/explore-commit.gw" > commit.out 2>&1 &&
		cat commit.out &&
		grep "^violations: [1-9]" commit.out &&
		grep "^  p[0-9]*-reset  *wrong-result: c1 after to-server   COM_QUERY COMMIT" commit.out &&
		grep "query succeeded with .2. where the clean run returned .1." commit.out &&
		grep "reproduced by .*violations/p[0-9]*-reset.gw (goneaway run: FAIL)" commit.out
	'

	test_expect_success 'the shipped PyMySQL driver and the built-in client on the COMMIT: nothing flagged' '
		"$GONEAWAY" explore -o commit-honest --kind reset --client pymysql \
			"$D/explore-commit.gw" > commit-honest.out 2>&1;
		rc=$?; cat commit-honest.out && test $rc -eq 0 &&
		grep "^violations: 0" commit-honest.out &&
		grep "after to-server   COM_QUERY COMMIT  *CR_SERVER_LOST" commit-honest.out &&
		"$GONEAWAY" explore -o commit-builtin --kind reset \
			"$D/explore-commit.gw" > commit-builtin.out 2>&1;
		rc=$?; cat commit-builtin.out && test $rc -eq 0 &&
		grep "^violations: 0" commit-builtin.out
	'

	test_expect_success 'the shipped PyMySQL driver on the same points: nothing flagged' '
		"$GONEAWAY" explore -o honest --client pymysql \
			"$D/explore-stream.gw" > honest.out 2>&1;
		rc=$?; cat honest.out && test $rc -eq 0 &&
		grep "^violations: 0" honest.out &&
		! grep "\"violation\":true" honest/explore.jsonl &&
		grep "\"kind\":\"drop\"" honest/explore.jsonl &&
		grep "\"kind\":\"reset\"" honest/explore.jsonl
	'
else
	test_skip 'explore finds the mutants' "pymysql is not installed"
fi

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
