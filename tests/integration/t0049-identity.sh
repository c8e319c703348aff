#!/bin/sh
# t0049-identity: every report names what a case ran against, even with
# one server and one client: the server's flavour and version and the
# --server it came from, the client driver and its library (steps.log,
# JUnit, TAP).  A step with no expect line that fails (a connect refused
# with 1045) shows its code in the matrix cell, never "FAIL ok".
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"
DENIED="$TOP/tests/integration/data/connect-denied.gw"
KILL="$TOP/scenarios/kill-idle.gw"

test_expect_success 'steps.log names server flavour, client and library' '
	"$GONEAWAY" run --color never -o res --junit junit.xml "$KILL" \
		> out 2>&1; rc=$?; cat out; test "$rc" -eq 0 &&
	grep -q "^server: mariadb 10\.11\.[0-9]*-MariaDB.* (local)\$" \
		res/kill-idle/steps.log &&
	grep -q "^client: builtin (MariaDB Connector/C [0-9.]*)\$" \
		res/kill-idle/steps.log
'

test_expect_success 'JUnit names them too' '
	grep -q "<system-out>server: mariadb 10\.11\..* (local)\$" junit.xml &&
	grep -q "^client: builtin (MariaDB Connector/C " junit.xml
'

test_expect_success 'a driver is named with its library' '
	"$GONEAWAY" run --color never -o res-py --client pymysql "$KILL" \
		> py.out 2>&1; rc=$?; cat py.out; test "$rc" -eq 0 &&
	grep -q "^client: pymysql (PyMySQL [0-9.]*, Python " \
		res-py/kill-idle/steps.log
'

test_expect_success 'TAP carries server, client and library' '
	"$GONEAWAY" run --color never --no-results -f tap "$KILL" > tap \
		2>&1; cat tap;
	grep -q "^  server: \"mariadb 10\.11\..* (local)\"\$" tap &&
	grep -q "^  client: \"builtin\"\$" tap &&
	grep -q "^  library: \"MariaDB Connector/C [0-9.]*\"\$" tap
'

test_expect_success 'a failing step without expect line shows its code in the cell' '
	"$GONEAWAY" run --color never -o res-denied --client builtin \
		--client pymysql "$DENIED" > denied.out 2>&1; rc=$?;
	cat denied.out; test "$rc" -eq 1 &&
	grep -q "^connect-denied  *FAIL 1045  *FAIL 1045 *\$" denied.out &&
	! grep -q "FAIL ok" denied.out
'

test_expect_success 'goneaway report shows the same cell' '
	"$GONEAWAY" report --color never res-denied > report.out 2>&1;
	cat report.out;
	grep -q "^connect-denied  *FAIL 1045  *FAIL 1045 *\$" report.out
'

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
