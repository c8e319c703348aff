#!/bin/sh
# t0046-selectors: what "goneaway check" says about selectors and driver
# classes, without running anything (no server, nothing to leave behind):
# client versions ([client=ruby-mysql >= 0.5]: a connector project's own
# driver, since ruby-mysql2 is shipped) and namespaced error classes
# (Mysql2::Error, Foo\Bar\Exception, sql::SQLException) parse; a
# client=NAME that names no known client is a warning at its line and
# column (exit status unchanged) unless --client declares it; a malformed
# class is an error at its column.
. "$(dirname "$0")/lib.sh"
leftover_snapshot > "$SCRATCH/before"

LIST="$TOP/drivers/drivers.list"

cd "$SCRATCH" || exit 1
cat > ns.gw <<\EOF
title namespaced classes and client versions
cause Lost connection to MySQL server during query
requires [client=ruby-mysql >= 0.5]
connection app
connect app
query app SELECT 1
    expect [client=ruby-mysql >= 0.5] Mysql2::Error::ConnectionError | Mysql2::Error
    expect [client=ruby-mysql < 0.5, mysql >= 8.0] Mysql2::Error
    expect [client=php-pdo] Foo\Bar\Exception, PDOException
    expect [client=cpp-connector] sql::SQLException
    expect [client=libmysqlclient] CR_SERVER_LOST
    expect [client=libmariadb-3.4] 2013
    expect [client=builtin] 2013
    expect [client=libmariadb-3] 2013
    expect ok
EOF
cat > bad.gw <<\EOF
title malformed classes
cause Lost connection to MySQL server during query
connection app
query app SELECT 1
    expect [client=ruby-mysql2] Mysql2::
    expect [client=php-pdo] Foo\\Bar
    expect Mysql2::Error
EOF

test_expect_success 'versions and namespaced classes parse; unknown clients are warnings (exit 0)' '
	"$GONEAWAY" check ns.gw > out 2> err; rc=$?; cat out err;
	test $rc -eq 0 &&
	grep -qx "1 scenario file OK (5 warnings)" out &&
	test $(wc -l < err) -eq 5 &&
	test $(grep -c ": warning: client " err) -eq 5 &&
	grep -q "^ns.gw:3:18: warning: client .ruby-mysql. is no driver in drivers/drivers.list (known: .*); pass --client ruby-mysql to check if it is your own driver.s name$" err &&
	grep -q "^ns.gw:7:20: warning: client .ruby-mysql. " err &&
	grep -q "^ns.gw:8:20: warning: client .ruby-mysql. " err &&
	grep -q "^ns.gw:10:20: warning: client .cpp-connector. .*pass --client cpp-connector " err &&
	grep -q "^ns.gw:14:20: warning: client .libmariadb-3. " err &&
	! grep -E "client .(php-pdo|libmysqlclient|libmariadb-3\.4|builtin). is" err
'

test_expect_success 'the known clients: builtin, every drivers.list name, each without -VERSION' '
	"$GONEAWAY" check ns.gw 2> err;
	sed -n "1s/.*(known: \([^)]*\)).*/\1/p" err | tr -d " " | tr , "\n" |
		sort > known &&
	{ echo builtin; awk "!/^#/ && NF { print \$1 }" "$LIST" |
		sed "p; s/-[0-9][0-9.]*\$//"; } | sort -u > want &&
	cat known && grep -qx libmysqlclient known && grep -qx libmariadb known &&
	grep -qx libmysqlclient-9.7 known && grep -qx pymysql known &&
	cmp known want
'

test_expect_success '--client NAME declares a connector project'"'"'s own driver' '
	"$GONEAWAY" check --client ruby-mysql --client cpp-connector \
		--client libmariadb-3 ns.gw > out 2> err; rc=$?; cat out err;
	test $rc -eq 0 && test ! -s err &&
	grep -qx "1 scenario file OK" out &&
	"$GONEAWAY" check ns.gw --client ruby-mysql > out 2> err; rc=$?;
	cat out err; test $rc -eq 0 &&
	grep -qx "1 scenario file OK (2 warnings)" out &&
	! grep -q "client .ruby-mysql. is" err &&
	grep -q "(known: .*, ruby-mysql)" err
'

test_expect_success 'a malformed class is an error at its column; exit 2' '
	"$GONEAWAY" check bad.gw ns.gw > out 2> err; rc=$?; cat out err;
	test $rc -eq 2 && test ! -s out &&
	grep -qF "bad.gw:5:33: error: invalid error class '"'"'Mysql2::'"'"': '"'"'::'"'"' and '"'"'\\'"'"' go between two names, as in Mysql2::Error or Foo\\Bar\\Exception" err &&
	grep -qF "bad.gw:6:29: error: invalid error class '"'"'Foo\\\\Bar'"'"'" err &&
	grep -qF "bad.gw:7:12: error: unknown error name '"'"'Mysql2::Error'"'"'; a driver'"'"'s own error class needs a selector naming the driver, e.g. [client=NAME]" err &&
	grep -q "3 problems in scenario files" err &&
	test $(grep -c "^ns.gw:[0-9]*:[0-9]*: warning: " err) -eq 5
'

test_expect_success 'the shipped scenarios and conformance files draw no warning' '
	"$GONEAWAY" check "$TOP/scenarios" "$TOP/drivers/conformance" > out 2> err;
	rc=$?; cat out err; test $rc -eq 0 && test ! -s err
'

test_expect_success 'check without a path is a usage error; --help names --client' '
	"$GONEAWAY" check --client x > out 2> err; test $? -eq 2 &&
	grep -qF "usage: goneaway check [--client NAME]... PATH..." err &&
	"$GONEAWAY" check --help > help && grep -q "check --client NAME" help
'

test_expect_success 'a run picks expect lines by client version' '
	"$GONEAWAY" run --color never --no-results --client builtin \
		--client pymysql "$TOP/tests/integration/data/selectors/client-version.gw" \
		> ver.out 2>&1; rc=$?; cat ver.out; test $rc -eq 0 &&
	grep -q "^client-version  *PASS ok  *PASS ok *\$" ver.out
'

test_expect_success 'a mismatch names the line that applied; the cell its value' '
	"$GONEAWAY" run --color never --no-results --client builtin \
		--client pymysql "$TOP/tests/integration/data/selectors/client-version-miss.gw" \
		> miss.out 2>&1; rc=$?; cat miss.out; test $rc -eq 1 &&
	test $(grep -c "when expecting a value = 2 (expect line 12, no selector)\$" miss.out) -eq 2 &&
	grep -q "^client-version-miss  *FAIL ok=.1.  *FAIL ok=.1. *\$" miss.out
'

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
