#!/bin/sh
# t0042-jobs: -j N runs scenarios and the repetitions of a repeated one
# side by side and reports exactly what -j 1 reports, in the same order:
# the verdicts, the reasons (a repeated scenario that fails says "run 1
# of 4" whichever of its runs ended first), the TAP, JUnit and JSON
# Lines cases and the exit status.  Each run of a repeated scenario keeps
# its evidence in run-K.  (The signals with -j: t0030.)
#
# The sources it holds: harness/plan/jobs_run.c, harness/plan/jobs_wire.c,
#  harness/plan/jobs_workers.c, harness/plan/case.c.
. "$(dirname "$0")/lib.sh"

D="$TOP/tests/integration/data/jobs"
S="$TOP/scenarios"
FILES="$D $S/kill-idle.gw $S/txn-rolled-back.gw $S/too-many-connections.gw"
leftover_snapshot > "$SCRATCH/before"

# the verdict lines of a TAP report, and the failure's reason
tap_cases() {
	grep -E '^(not )?ok [0-9]+ ' "$1"
}

test_expect_success '-j 1 and -j 4 over the same files' '
	"$GONEAWAY" run -j 1 --format tap -o r1 --junit j1.xml $FILES > t1; echo $? > rc1 &&
	"$GONEAWAY" run -j 4 --format tap -o r4 --junit j4.xml $FILES > t4; echo $? > rc4 &&
	test "$(cat rc1)" -eq 1 && test "$(cat rc4)" -eq 1
'

test_expect_success 'the same verdicts in the same order' '
	tap_cases t1 > c1 && tap_cases t4 > c4 &&
	test $(wc -l < c1) -eq 5 &&
	cmp c1 c4 &&
	grep -q "^not ok 1 - kill-idle-4x-wrong" c4 &&
	grep -q "^ok 2 - kill-idle-4x" c4
'

test_expect_success 'a repeated scenario fails as in order: run 1 of 4' '
	grep "run 1 of 4" t1 | sed "s/after [0-9]* ms/after N ms/" > why1 &&
	grep "run 1 of 4" t4 | sed "s/after [0-9]* ms/after N ms/" > why4 &&
	test -s why4 && cmp why1 why4
'

test_expect_success 'JUnit and JSON Lines: the same cases, verdicts and spread' '
	grep -o "<testcase [^>]*name=\"[^\"]*\"" j1.xml > n1 &&
	grep -o "<testcase [^>]*name=\"[^\"]*\"" j4.xml > n4 &&
	test -s n1 && cmp n1 n4 &&
	for r in r1 r4; do
		grep "\"type\":\"case\"" $r/results.jsonl |
		sed -n "s/.*\"label\":\"\([^\"]*\)\".*\"verdict\":\"\([A-Z]*\)\".*/\1 \2/p" > $r.v || return 1
	done &&
	test $(wc -l < r1.v) -eq 5 && cmp r1.v r4.v
'

test_expect_success 'each run of a repeated scenario keeps its evidence in run-K' '
	for k in 1 2 3 4; do
		test -f r4/kill-idle-4x/run-$k/steps.log &&
		test -f r4/kill-idle-4x/run-$k/mariadbd.err || return 1
	done &&
	grep -q "^runs: 4 of 4" r4/kill-idle-4x/steps.log &&
	grep -q "spread over 4 runs: 2013 (CR_SERVER_LOST) 4" r4/kill-idle-4x/steps.log &&
	test -f r4/kill-idle-4x/scenario.gw &&
	test -f r4/kill-idle/steps.log && ! test -d r4/kill-idle/run-1
'

test_expect_success 'the human report keeps the order and ends with the sum' '
	"$GONEAWAY" run -j 3 --no-results --color never $FILES > h; test $? -eq 1 &&
	grep "^\[[0-9]/5\]" h | awk "{print \$2}" > order &&
	printf "%s\n" kill-idle-4x-wrong kill-idle-4x kill-idle txn-rolled-back too-many-connections > want &&
	cmp order want &&
	grep -q "^4 PASS, 1 FAIL, 0 SKIP, 0 ERROR" h
'

test_expect_success 'a bad -j is a usage error' '
	for j in 0 -1 65 x 2x ""; do
		"$GONEAWAY" run -j "$j" --list $FILES > out 2> err; rc=$?
		test $rc -eq 2 && grep -q "^goneaway: -j: .* is not a number of jobs from 1 to 64$" err || return 1
	done
'

# A worker that no job is left for ends at once, its kept server torn
# down while the last cases run, not after them: here the sleeper's 8 s
# (the other worker's case ends within a second; an exited worker is a
# zombie until the end reaps it, and before, none exited before the
# end).
test_expect_success 'a worker with no job left ends while the last case runs' '
	"$GONEAWAY" run -j 2 --no-results "$TOP/tests/integration/data/jobs-retire/sleeps.gw" \
		"$S/kill-idle.gw" > retire.out 2>&1 &
	pid=$! &&
	wait_until 60 sh -c "ps -o stat= --ppid $pid | grep -q ^Z" &&
	kill -0 $pid &&
	test "$(ps -o stat= --ppid $pid | grep -vc ^Z)" -eq 1 &&
	wait $pid &&
	grep -q "^2 PASS, 0 FAIL" retire.out
'

test_expect_success 'the -j tests left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
