#!/bin/sh
# t0141-capture-totals: the captures of a run are bounded in total, not
# only each file.  A repeated scenario's runs together stop at
# --capture-case-total, the whole run's (-j's workers included) at
# --capture-total; the run that reaches one says so in its steps.log
# ("capture stopped at N KiB: the case's total of ...") and its verdict
# is untouched; the files together stay within the total.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"

# Three runs of 200 KB from the server each: each capture holds about
# 210 KiB.
cat > "$SCRATCH/bulk.gw" <<'EOF_GW'
title    Bulk traffic three times over, to fill the captures
cause    (test fixture) none: only the captures are looked at
repeat   3
connection app
connect app
query app SELECT REPEAT('x', 100000)
    expect ok
query app SELECT REPEAT('y', 100000)
    expect ok
EOF_GW

# total_bytes DIR: the bytes of its capture.pcap files, less their
# 24-byte file headers
total_bytes() {
	find "$1" -name capture.pcap -printf "%s\n" |
		awk '{ t += $1 - 24 } END { print t + 0 }'
}

test_expect_success 'a bad total is a usage error' '
	"$GONEAWAY" run --capture-case-total 12 "$SCRATCH/bulk.gw" > out 2> err;
	test $? -eq 2 &&
	grep -q "goneaway: --capture-case-total: .12. is not a size of at least 1KiB" err &&
	"$GONEAWAY" run --capture-total lots "$SCRATCH/bulk.gw" > out 2> err;
	test $? -eq 2 &&
	grep -q "goneaway: --capture-total: .lots. is not a size" err
'

test_expect_success 'without a bound reached, every run keeps its whole capture' '
	"$GONEAWAY" run --color never -o res-free "$SCRATCH/bulk.gw" > out 2>&1;
	rc=$?; cat out; test $rc -eq 0 &&
	for k in 1 2 3; do
		test -s res-free/bulk/run-$k/capture.pcap || return 1
	done &&
	! grep -r "capture stopped" res-free &&
	test "$(total_bytes res-free)" -gt 400000
'

test_expect_success 'a repeated case stops capturing at --capture-case-total, and says so' '
	"$GONEAWAY" run --color never -j 1 -o res-case --capture-case-total 256KiB \
		"$SCRATCH/bulk.gw" > out 2>&1; rc=$?; cat out; test $rc -eq 0 &&
	grep "capture stopped at [0-9.]* KiB: the case.s total of 256 KiB (--capture-case-total) was reached, [1-9][0-9]* packets* not written" \
		res-case/bulk/run-*/steps.log &&
	! grep -q "capture stopped" res-case/bulk/run-1/steps.log &&
	test "$(total_bytes res-case)" -le 262144
'

test_expect_success 'the run stops capturing at --capture-total, -j workers together' '
	"$GONEAWAY" run --color never -j 3 -o res-run --capture-total 300KiB \
		"$SCRATCH/bulk.gw" > out 2>&1; rc=$?; cat out; test $rc -eq 0 &&
	grep "capture stopped at [0-9.]* KiB: the run.s total of 300 KiB (--capture-total) was reached" \
		res-run/bulk/run-*/steps.log &&
	test "$(total_bytes res-run)" -le 307200
'

test_expect_success 'none lifts a total' '
	"$GONEAWAY" run --color never -o res-none --capture-case-total none \
		--capture-total none "$SCRATCH/bulk.gw" > out 2>&1;
	rc=$?; cat out; test $rc -eq 0 &&
	! grep -r "capture stopped" res-none
'

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
