#!/bin/sh
# t0002-sanitize: the unit tests under AddressSanitizer and
# UndefinedBehaviorSanitizer, and a short run of every fuzz target
# (Makefile: sanitize-run, over what "make fuzz-build" built in
# build-san).  A file of run-all's, so that "make check" runs them side
# by side with the integration files; "make sanitize" runs them alone.
. "$(dirname "$0")/lib.sh"

SAN="$TOP/build-san"

test_expect_success 'the sanitizer build is there' '
	test -x "$SAN/check-unit" || { echo "no $SAN/check-unit: make fuzz-build"; false; }
'

test_expect_success 'the unit tests and every fuzz target, sanitized: no finding' '
	make -C "$TOP" --no-print-directory sanitize-run > san.out 2>&1; rc=$?;
	grep -E "Checks:|fuzz|ERROR|runtime error" san.out | tail -n 30;
	# a failed check names its file, line, test and message
	grep -E "^[^ ]+:[0-9]+:[FE]:" san.out | head -n 20;
	test $rc -eq 0 &&
	grep -q "^100%: Checks: [0-9]*, Failures: 0, Errors: 0$" san.out
'

test_done
