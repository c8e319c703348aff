#!/bin/sh
# t0004-msan: the readers of outside input under MemorySanitizer: the
# fuzz targets of MSAN_TARGETS (libarchive's and jansson's calls
# shimmed: tests/fuzz/msan_shim.c), built with clang -fsanitize=memory and
# libFuzzer (Makefile: msan-run, over what "make msan-build" built in
# build-msan), over their committed seeds and LF_SHORT_SECONDS of new
# inputs: no read of memory never written.  Why not the unit tests (Check
# is no MSan build): the Makefile, at MSAN_B.
. "$(dirname "$0")/lib.sh"

MSAN="$TOP/build-msan/lf"
# the targets, as the Makefile names them
TARGETS=$(sed -n "s/^MSAN_TARGETS = //p" "$TOP/Makefile")

test_expect_success 'the MemorySanitizer build is there' '
	test -n "$TARGETS" &&
	for t in $TARGETS; do
		test -x "$MSAN/fuzz_$t" || { echo "no $MSAN/fuzz_$t: make msan-build"; false; } || return 1
	done
'

test_expect_success 'the readers under MemorySanitizer: no finding' '
	make -C "$TOP" --no-print-directory msan-run > msan.out 2>&1; rc=$?;
	grep -E "^Done|WARNING: MemorySanitizer|SUMMARY" msan.out | tail -n 30;
	test $rc -eq 0 && ! grep -q "WARNING: MemorySanitizer" msan.out &&
	test "$(grep -c "^Done [0-9]* runs" msan.out)" -eq "$(echo $TARGETS | wc -w)"
'

test_done
