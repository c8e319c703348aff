#!/bin/sh
# t0001-unit: the Check unit tests (build/check-unit), as root, every
# test case that needs root required (GA_UNIT_REQUIRE_ROOT=1: one that
# cannot run fails here instead of skipping).  A file of run-all's, so
# that "make check" runs them side by side with the integration files;
# "make unit" runs them alone.  Their timing checks judge lateness only
# on a machine that is not busy (tests/unit/check_netem.c).
. "$(dirname "$0")/lib.sh"

UNIT="$TOP/build/check-unit"

test_expect_success 'check-unit is built' '
	test -x "$UNIT" || { echo "no $UNIT: make build/check-unit"; false; }
'

test_expect_success 'every unit test passes (as root, none skipped)' '
	GA_UNIT_REQUIRE_ROOT=1 "$UNIT" > unit.out 2>&1; rc=$?;
	tail -n 40 unit.out;
	test $rc -eq 0 &&
	grep -q "^100%: Checks: [0-9]*, Failures: 0, Errors: 0$" unit.out
'

test_done
