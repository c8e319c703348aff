#!/bin/sh
# t0080-unit-skips: the unit tests that need root are skipped visibly
# without it, never counted as passed.
#
# build/check-unit runs as "nobody" (setpriv, from a world-readable copy,
# as t0040 does for goneaway, with the files of the tree it reads).  Every test case that needs root must be
# announced with a "SKIP suite/tcase: needs root (...)" line before the
# run, named again in the closing "SKIPPED:" count, and none of its tests
# may show up as passed in Check's verbose output.  With
# GA_UNIT_REQUIRE_ROOT=1 (what "make check" sets) the same run fails.  As
# root the same test cases run: no SKIP line, their tests pass.
. "$(dirname "$0")/lib.sh"

UNIT="$TOP/build/check-unit"

# The test cases that need root, as suite/tcase.
ROOT_TCASES="lab/traffic lab/proxy lab/isolation lab/clientns lab/lifetime
fault_firewall/kernel fault_point/kernel fault_qdisc/kernel
fault_stack/kernel proxy/haproxy client/sockets fsutil/across
rundir/other-owner spawn/root spawn/join spawn/pidns spawn/confine spawn/bind
capture/link netem/lab memcg/cgroups memfs/tmpfs trustdir/owners
trustdir/uids"

# as_nobody OUT [VAR=VALUE ...]: runs a copy of check-unit as nobody with
# Check's verbose output, exit status in OUT.rc.  Nobody may not reach the
# checkout (a clone in root's 0700 home, issue 56): the files of the tree
# the unit tests read (the shipped scenarios, the conformance scenarios,
# the fuzz directory (its corpora and dictionaries), the docs (their
# results and the tables the golden test compares) and the golden files)
# are copied beside it, readable by all, and named by GA_UNIT_TOP.
as_nobody() {
	out=$1
	shift
	pub=$(mktemp -d "${TMPDIR:-/tmp}/ga-nobody.XXXXXX") &&
	mkdir -p "$pub/top/drivers" "$pub/top/tests" &&
	cp "$UNIT" "$pub/" &&
	cp -R "$TOP/scenarios" "$pub/top/" &&
	cp -R "$TOP/drivers/conformance" "$pub/top/drivers/" &&
	cp -R "$TOP/tests/fuzz" "$pub/top/tests/" &&
	cp -R "$TOP/docs" "$pub/top/" &&
	cp -R "$TOP/tests/golden" "$pub/top/tests/" &&
	chmod -R a+rX,go-w "$pub" &&
	(cd "$pub" && env CK_VERBOSITY=verbose GA_UNIT_TOP="$pub/top" "$@" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		./check-unit) > "$out" 2>&1
	echo $? > "$out.rc"
	rm -rf "$pub"
}

test_expect_success 'check-unit is built' '
	test -x "$UNIT" || { echo "no $UNIT: make build/check-unit"; false; }
'

if test "$(id -u)" -ne 0 || ! command -v setpriv > /dev/null; then
	test_skip 'not root: each root-only test case SKIPs' 'needs root and setpriv'
	test_done
fi

as_nobody "$SCRATCH/nobody.out"

test_expect_success 'not root: each root-only test case says SKIP, exit 0' '
	cat nobody.out && test "$(cat nobody.out.rc)" -eq 0 &&
	for t in $ROOT_TCASES; do
		grep -q "^SKIP $t: needs root (" nobody.out ||
			{ echo "no SKIP line for $t"; return 1; }
	done &&
	n=$(echo $ROOT_TCASES | wc -w) &&
	test "$(grep -c "^SKIP " nobody.out)" -eq "$n" &&
	grep -q "^SKIPPED: $n test cases need root" nobody.out
'

test_expect_success 'not root: no test of a skipped test case is reported' '
	for t in $ROOT_TCASES; do
		tc=${t#*/} &&
		! grep ":[PFE]:$tc:" nobody.out ||
			{ echo "tcase $tc ran without root"; return 1; }
	done &&
	grep -q ":P:errors:test_enter_bad_fd:" nobody.out &&
	grep -q ":P:errors:test_create_fails_cleanly:" nobody.out
'

as_nobody "$SCRATCH/required.out" GA_UNIT_REQUIRE_ROOT=1

test_expect_success 'not root with GA_UNIT_REQUIRE_ROOT=1: the run fails' '
	cat required.out && test "$(cat required.out.rc)" -ne 0 &&
	for t in $ROOT_TCASES; do
		grep -q "^FAIL $t: needs root (" required.out ||
			{ echo "no FAIL line for $t"; return 1; }
	done &&
	! grep -q "^SKIP " required.out
'

test_expect_success 'root: the same test cases run and pass, nothing skipped' '
	CK_VERBOSITY=verbose CK_RUN_SUITE=lab GA_UNIT_REQUIRE_ROOT=1 \
		"$UNIT" > root.out 2>&1; rc=$?; cat root.out; test $rc -eq 0 &&
	# (the memory cgroups may be missing even for root: a read-only
	# cgroup filesystem in a container; that SKIP says so)
	! grep "^SKIP" root.out | grep -v "^SKIP memcg/cgroups: cannot make cgroups" &&
	grep -q ":P:traffic:test_traffic:" root.out &&
	grep -q ":P:proxy:test_" root.out &&
	grep -q ":P:isolation:test_host_untouched:" root.out &&
	grep -q ":P:lifetime:test_destroy_frees_namespaces:" root.out
'

test_done
