#!/bin/sh
# t0003-libfuzzer: the fuzz targets under clang's libFuzzer, coverage-
# guided, with ASan and UBSan (Makefile: fuzz-lf-run, over what "make
# fuzz-lf-build" built in build-lf), LF_SHORT_SECONDS each from the
# committed seeds: no finding.  clang's UBSan sees what gcc's does not
# (a zero offset applied to a null pointer, which it found in the
# parser's sort of its diagnostics).
. "$(dirname "$0")/lib.sh"

LF="$TOP/build-lf/lf"
# the targets, as the Makefile names them
TARGETS=$(sed -n "s/^FUZZ_TARGETS = //p" "$TOP/Makefile")

test_expect_success 'the libFuzzer build is there' '
	test -n "$TARGETS" &&
	for t in $TARGETS; do
		test -x "$LF/fuzz_$t" || { echo "no $LF/fuzz_$t: make fuzz-lf-build"; false; } || return 1
	done
'

test_expect_success 'every fuzz target under libFuzzer: no finding' '
	make -C "$TOP" --no-print-directory fuzz-lf-run > lf.out 2>&1; rc=$?;
	grep -E "^Done|ERROR|runtime error|SUMMARY" lf.out | tail -n 30;
	test $rc -eq 0 &&
	test "$(grep -c "^Done [0-9]* runs" lf.out)" -eq "$(echo $TARGETS | wc -w)"
'

test_done
