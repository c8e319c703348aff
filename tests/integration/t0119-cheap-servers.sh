#!/bin/sh
# t0119-cheap-servers: a server costs little (issue 28, "Cheap
# instances"): its template datadir is small (MariaDB 10.11's was 82 MB,
# 69 of them ibdata1) and it fsyncs nothing a lab throws away, on the
# local server and on every root there is (fixtures/server/*.cnf).  And
# the work the machine can carry ("Work the machine can carry"): the
# default -j follows GONEAWAY_JOBS (run-all.sh gives each file its share)
# or the cores and a start's cost, and a bound of the harness that is hit
# says the machine was too slow, and how slow.
. "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/integration/data"
ROOTS=/var/cache/goneaway/roots

test_expect_success 'local: the template datadir is under 40 MB' '
	"$GONEAWAY" run --color never --cache "$SCRATCH/cache" -o res-size \
		"$TOP/tests/bench/trivial/trivial-01.gw" > out; rc=$?; cat out &&
	test $rc -eq 0 &&
	kb=$(du -sk "$SCRATCH"/cache/template-* | awk "{ s += \$1 } END { print s }") &&
	say "template: $kb KB" && test "$kb" -gt 1000 && test "$kb" -lt 40960
'

for server in local mysql-9.7 mariadb-11.8; do
	if [ "$server" != local ] && [ ! -f "$ROOTS/$server/.goneaway-root" ]; then
		test_skip "$server: nothing fsynced" "no root at $ROOTS/$server"
		continue
	fi
	test_expect_success "$server: nothing fsynced that a lab throws away" "
		\"\$GONEAWAY\" run --color never --server $server -o res-$server \
			\"\$DATA/cheap-server.gw\" > out; rc=\$?; cat out &&
		test \$rc -eq 0 && grep -q ' PASS ' out
	"
done

T="$TOP/tests/bench/trivial"

test_expect_success 'GONEAWAY_JOBS is the default -j' '
	{ GONEAWAY_JOBS=3 "$GONEAWAY" run -v --color never --no-results \
		"$T" > out 2> err || { cat out err; false; }; } &&
	cat err && grep -q "^goneaway run: -j 3 (GONEAWAY_JOBS=3)$" err &&
	{ GONEAWAY_JOBS=3 "$GONEAWAY" run -v --color never --no-results \
		"$T/trivial-01.gw" "$T/trivial-02.gw" > out 2> err ||
		{ cat out err; false; }; } &&
	cat err &&
	grep -q "^goneaway run: -j 2 (GONEAWAY_JOBS=3, at most the 2 runs)$" err &&
	{ GONEAWAY_JOBS=2 "$GONEAWAY" run -v -j 1 --color never --no-results \
		"$T/trivial-01.gw" > out 2> err || { cat out err; false; }; } &&
	! grep -q "^goneaway run: -j" err
'

test_expect_success 'GONEAWAY_JOBS that is no number of jobs is refused' '
	{ GONEAWAY_JOBS=lots "$GONEAWAY" run --no-results "$T" > out 2> err;
	  test $? -eq 2; } && cat err &&
	grep -q "GONEAWAY_JOBS=.lots. is not a number of jobs from 1 to 64" err
'

test_expect_success 'without it, -j follows the cores and the start cost' '
	env -u GONEAWAY_JOBS "$GONEAWAY" run -v --color never --no-results \
		"$T" > out 2> err; rc=$?; cat err && test $rc -eq 0 &&
	grep -q "^goneaway run: -j [0-9]* ([0-9]* cores* x 4 per core for MariaDB.s starts" err
'

test_expect_success 'a server not ready in its bound: the machine was too slow, and how slow' '
	"$GONEAWAY" run --color never --no-results --server-timeout 1ms \
		"$T/trivial-01.gw" > out 2>&1; rc=$?; cat out && test $rc -ne 0 &&
	grep -q " ERROR " out &&
	grep -Eq "the server was not ready within [0-9]+ ms \(the first start of this process; load average [0-9.]+ on [0-9]+ cores?\): the machine is too slow" out
'

test_done
