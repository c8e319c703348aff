#!/bin/sh
# t0124-stream-rows: a stream that fails at its query read no row, and
# says so (issue 24): the built-in client (mysql_real_query or
# mysql_use_result failing), PyMySQL and mysqlclient report rows = 0, so
# "expect CR_SERVER_LOST rows = 0" can PASS.  The connection is killed
# while idle; the stream's query then meets the closed socket (2013 with
# all three, seen here).
. "$(dirname "$0")/lib.sh"

D="$TOP/tests/integration/data"
PY=/usr/bin/python3
leftover_snapshot > "$SCRATCH/before"

# stream_rows CLIENT: the scenario PASSes with CLIENT, and its stream
# step's line says "0 rows read"
stream_rows() {
	"$GONEAWAY" run --color never -o "r-$1" --client "$1" \
		"$D/stream-fails-at-query.gw" > "$1.out" 2>&1; rc=$?
	cat "$1.out"
	test $rc -eq 0 &&
	grep -q "line 9: stream app: .*returned 2013 (CR_SERVER_LOST).*, 0 rows read" "$1.out"
}

test_expect_success 'builtin: a stream that fails at its query has rows = 0' '
	stream_rows builtin
'

for drv in pymysql:pymysql mysqlclient:MySQLdb; do
	if "$PY" -c "import ${drv#*:}" 2> /dev/null; then
		test_expect_success "${drv%%:*}: a stream that fails at its query has rows = 0" "
			stream_rows ${drv%%:*}
		"
	else
		test_skip "${drv%%:*}: a stream that fails at its query has rows = 0" \
			"no ${drv#*:} for $PY (make deps installs it)"
	fi
done

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
