#!/bin/sh
# t0114-cheap-servers: a server costs little (issue 28, "Cheap
# instances"): its template datadir is small (MariaDB 10.11's was 82 MB,
# 69 of them ibdata1) and it fsyncs nothing a lab throws away, on the
# local server and on every root there is (fixtures/server/*.cnf).
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

test_done
