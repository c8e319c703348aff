#!/bin/sh
# t0025-servers: every shipped scenario against the other servers
# (MySQL 9.7 here; t0026-servers-mariadb, which runs this file's tests
# with its own list, MariaDB 11.8 from the roots "make roots" builds, and
# MariaDB 10.5 when its root is there), chrooted: each PASSes, or SKIPs
# only for netem on a kernel without it, because the built-in client
# cannot run it (BUILTIN_SKIPS, lib.sh) or for a memory limit this
# machine cannot make (MEMORY_SKIPS, lib.sh) (--strict); and the mutants of
# the expect lines that applied there FAIL at their lines (t0020 against
# that server).  A server whose root is missing SKIPs here, visibly.
. "$(dirname "$0")/lib.sh"

ROOTS=${GA_ROOTS:-/var/cache/goneaway/roots}
leftover_snapshot > "$SCRATCH/before"
nfiles=$(ls "$TOP"/scenarios/*.gw | wc -l)

for root in ${GA_T0025_ROOTS:-mysql-9.7}; do
	if ! test -f "$ROOTS/$root/.goneaway-root"; then
		test_skip "$root: every scenario PASSes" \
			"no root at $ROOTS/$root (make roots builds it)"
		continue
	fi
	test_expect_success "$root: every scenario PASSes (--strict)" "
		\"\$GONEAWAY\" run --strict --allow-skip netem \$BUILTIN_SKIP_RULES \$MEMORY_SKIP_RULES \
			--color never --server $root -o orig-$root \
			\"\$TOP/scenarios\" > out;
		rc=\$?; cat out; test \$rc -eq 0 &&
		test \"\$(grep -c '^\[[0-9]*/[0-9]*\] .* \(PASS\|SKIP\) ' out)\" -eq $nfiles
	"
	test_expect_success "$root: the mutants of the lines that applied FAIL" "
		GA_TEST_SERVER=$root GA_TEST_ORIG=\"\$SCRATCH/orig-$root\" \
			sh \"\$TOP/tests/integration/t0020-mutants.sh\" > mutants.out;
		cat mutants.out;
		grep -q '^t0020-mutants: [1-9][0-9]* passed, 0 failed' mutants.out
	"
done

test_expect_success 'the other servers left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
