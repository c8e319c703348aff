#!/bin/sh
# t0048-repeat: a repeated scenario makes all N runs, also after one that
# FAILs; the first failing run gives the verdict ("run 3 of 4"), the
# spread counts every run and each run keeps its evidence in run-K;
# --stop-early makes none after the first failing run; Ctrl-C stops the
# runs at once.  The same with -j 1 and -j 3.  A sleep that varies over
# the runs: a sweep waits what run k of N must wait, a jitter waits the
# same when the file is run again.
#
# The scenario (data/repeat/sweep-wait-timeout.gw) sweeps a sleep from 0
# to 6 s over four runs against wait_timeout = 3: runs 1 and 2 (0 and 2
# s) PASS, runs 3 and 4 (4 and 6 s) find the connection closed by the
# server, 2006 CR_SERVER_GONE_ERROR as in scenarios/wait-timeout.gw, and
# FAIL.
. "$(dirname "$0")/lib.sh"

D="$TOP/tests/integration/data/repeat"
SWEEP="$D/sweep-wait-timeout.gw"
leftover_snapshot > "$SCRATCH/before"

# the reason of the one case of a console report
reason() {
	grep "sweep-wait-timeout.gw:14: " "$1" | sed "s/after [0-9]* ms/after N ms/"
}

# check_all DIR OUT: all four runs were made, run 3 decides
check_all() {
	E="$1/sweep-wait-timeout"
	grep -q "^\[1/1\] sweep-wait-timeout  *FAIL" "$2" &&
	grep -q "(run 3 of 4; 2 of 4 runs FAILed: 3, 4)\$" "$2" &&
	grep -qx "runs: 4 of 4 (the steps below are run 3's, the first that did not PASS)" "$E/steps.log" &&
	grep -qx "line 14: spread over 4 runs: ok 2, 2006 (CR_SERVER_GONE_ERROR) 2" "$E/steps.log" &&
	grep -q "^line 13: sleep: sleep: succeeded with .4000ms, run 3 of 4. after 4000 ms" "$E/steps.log" &&
	for k in 1 2 3 4; do
		test -f "$E/run-$k/steps.log" && test -f "$E/run-$k/mariadbd.err" &&
		test -f "$E/run-$k/my.cnf" || return 1
	done &&
	grep -qx "verdict: PASS" "$E/run-1/steps.log" &&
	grep -qx "verdict: PASS" "$E/run-2/steps.log" &&
	grep -qx "verdict: FAIL" "$E/run-3/steps.log" &&
	grep -qx "verdict: FAIL" "$E/run-4/steps.log" &&
	grep -q "^line 14: query app: mysql_real_query: returned 2006 (CR_SERVER_GONE_ERROR)" "$E/run-4/steps.log" &&
	grep -q "^line 13: sleep: sleep: succeeded with .0ms, run 1 of 4. after 0 ms" "$E/run-1/steps.log" &&
	grep -q "^line 13: sleep: sleep: succeeded with .2000ms, run 2 of 4. after 2000 ms" "$E/run-2/steps.log" &&
	grep -q "^line 13: sleep: sleep: succeeded with .6000ms, run 4 of 4. after 6000 ms" "$E/run-4/steps.log" &&
	grep -q "\"runs\":4,\"repeat\":4" "$1/results.jsonl"
}

# check_stopped DIR OUT: no run after run 3 counted
check_stopped() {
	E="$1/sweep-wait-timeout"
	grep -q "^\[1/1\] sweep-wait-timeout  *FAIL" "$2" &&
	grep -q "(run 3 of 4)\$" "$2" &&
	grep -qx "runs: 3 of 4 (the steps below are run 3's, the first that did not PASS)" "$E/steps.log" &&
	grep -qx "line 14: spread over 3 runs: ok 2, 2006 (CR_SERVER_GONE_ERROR) 1" "$E/steps.log" &&
	grep -qx "verdict: FAIL" "$E/run-3/steps.log" &&
	grep -q "\"runs\":3,\"repeat\":4" "$1/results.jsonl"
}

for j in 1 3; do
	test_expect_success "-j $j: all four runs are made, run 3 decides, each keeps its evidence" "
		\"\$GONEAWAY\" run -j $j --color never -o all$j \"\$SWEEP\" > out$j; rc=\$?;
		cat out$j; test \$rc -eq 1 &&
		check_all all$j out$j
	"
	test_expect_success "-j $j --stop-early: no run after run 3 is counted" "
		\"\$GONEAWAY\" run -j $j --stop-early --color never -o stop$j \"\$SWEEP\" > sout$j; rc=\$?;
		cat sout$j; test \$rc -eq 1 &&
		check_stopped stop$j sout$j
	"
done

test_expect_success '-j 1 and -j 3 give the same reasons' '
	reason out1 > why1 && reason out3 > why3 && test -s why1 && cmp why1 why3 &&
	reason sout1 > swhy1 && reason sout3 > swhy3 && test -s swhy1 && cmp swhy1 swhy3 &&
	! cmp why1 swhy1
'

test_expect_success '-j 1 --stop-early makes no run after run 3' '
	! test -e stop1/sweep-wait-timeout/run-4
'

test_expect_success 'a jitter waits 50 to 150 ms, and the same in a rerun' '
	"$GONEAWAY" run -j 3 --color never -o j1 "$D/jitter.gw" > jout1 &&
	"$GONEAWAY" run -j 1 --color never -o j2 "$D/jitter.gw" > jout2 &&
	for k in 1 2 3; do
		grep "^line 10: sleep: " j1/jitter/run-$k/steps.log > w1-$k &&
		grep "^line 10: sleep: " j2/jitter/run-$k/steps.log > w2-$k &&
		cat w1-$k && cmp w1-$k w2-$k &&
		ms=$(sed -n "s/.* with .\([0-9]*\)ms, seed [0-9a-f]\{16\}. after \([0-9]*\) ms$/\1 \2/p" w1-$k) &&
		set -- $ms && test "$1" -eq "$2" && test "$1" -ge 50 && test "$1" -le 150 ||
		return 1
	done &&
	grep -q "^      line 10: sleep: sleep: succeeded with .[0-9]*ms, seed " jout1
'

test_expect_success 'a sweep in a scenario that runs once is an error with its column' '
	"$GONEAWAY" check "$D/sweep-no-repeat.gw" > out 2> err; rc=$?;
	cat err; test $rc -eq 2 &&
	grep -qx "$D/sweep-no-repeat.gw:7:7: error: a sweep varies the sleep over the runs of a repeated scenario: add e.g. .repeat 10. (at least 2) to the header" err
'

test_expect_success '-j 1: Ctrl-C stops the runs at once' '
	"$GONEAWAY" run -j 1 --color never -o sig "$TOP/tests/integration/data/long-sleep-repeat.gw" > out 2>&1 &
	pid=$! &&
	wait_until 300 test -d sig/long-sleep-repeat/run-1 -o -f sig/long-sleep-repeat/scenario.gw &&
	sleep 3 &&
	kill -INT $pid;
	wait $pid; rc=$?; cat out; test $rc -eq 130 &&
	grep -q "^\[1/1\] long-sleep-repeat  *ERROR" out &&
	grep -q "interrupted by signal 2 (Interrupt): the run stopped early" out &&
	grep -q "(run 1 of 3)\$" out &&
	! test -e sig/long-sleep-repeat/run-2
'

test_expect_success 'the repeat tests left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
