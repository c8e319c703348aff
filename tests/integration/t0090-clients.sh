#!/bin/sh
# t0090-clients: the scenarios with client drivers other than the
# built-in one (drivers/drivers.list; t0010 runs the built-in client).
# Every scenario runs with PyMySQL and with PHP's mysqli (mysqlnd), the
# two drivers whose packages "make deps" installs, and with Oracle's
# libmysqlclient 9.7 against MySQL 9.7 (the C driver and the root "make
# roots" builds; it cannot log in to MariaDB): each must PASS, or SKIP
# because the driver cannot do a step or option (or, on a kernel without
# sch_netem, for netem).  A FAIL or an ERROR fails the test.
#
# The sources it holds: harness/cli/drivers.c, harness/plan/clients.c,
#  harness/plan/driverlist.c.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"
nfiles=$(ls "$TOP"/scenarios/*.gw | wc -l)

# start_client DRIVER [SERVER]: every scenario with DRIVER (against
# SERVER, default local), in the background: the three runs go side by
# side (they mostly wait, for the timeouts their scenarios provoke);
# --strict makes a SKIP for any other reason than the driver's or netem's
# exit 4; TAP in SCRATCH/DRIVER.tap, the exit status in SCRATCH/DRIVER.rc
# once it ended
start_client() {
	{ "$GONEAWAY" run --strict --allow-skip netem --allow-skip driver \
		$MEMORY_SKIP_RULES \
		--format tap -o "$RESULTS/$1" --client "$1" \
		--server "${2:-local}" "$TOP/scenarios" > "$SCRATCH/$1.tap" 2>&1
	  echo $? > "$SCRATCH/$1.rc.tmp" && mv "$SCRATCH/$1.rc.tmp" "$SCRATCH/$1.rc"; } &
}

# check_client DRIVER: waits (at most 20 min) for its run to end; it
# PASSed or SKIPped every file
check_client() {
	wait_until 12000 test -f "$SCRATCH/$1.rc"
	cat "$SCRATCH/$1.tap"
	test "$(cat "$SCRATCH/$1.rc")" -eq 0 &&
	test "$(grep -c "^ok [0-9]* - " "$SCRATCH/$1.tap")" -eq "$nfiles" &&
	! grep -q "^not ok" "$SCRATCH/$1.tap"
}

# The root and driver "make roots" builds (GA_ROOTS as there).
roots=${GA_ROOTS:-/var/cache/goneaway/roots}
have_97=0
test -x "$roots/mysql-9.7/usr/sbin/mysqld" &&
	test -x "$(dirname "$roots")/drivers/c-mysql-9.7/gw-c-driver" && have_97=1

start_client pymysql
start_client php-mysqli
[ $have_97 = 0 ] || start_client libmysqlclient-9.7 mysql-9.7

for d in pymysql php-mysqli; do
	test_expect_success "every scenario with $d PASSes, or SKIPs with the driver's reason" "
		check_client $d
	"
done

if [ $have_97 = 1 ]; then
	test_expect_success "every scenario with libmysqlclient-9.7 against mysql-9.7 PASSes, or SKIPs with the driver's reason" "
		check_client libmysqlclient-9.7 &&
		grep -q 'ok [0-9]* - kill-idle\$' \"\$SCRATCH/libmysqlclient-9.7.tap\"
	"
else
	test_skip "every scenario with libmysqlclient-9.7 against mysql-9.7 PASSes, or SKIPs with the driver's reason" \
		"no mysql-9.7 root or libmysqlclient-9.7 driver here (make roots)"
fi

test_expect_success 'the drivers'"'"' evidence has their standard error' '
	test -f "$RESULTS/pymysql/kill-idle/driver-app.log" &&
	test -f "$RESULTS/php-mysqli/kill-idle/driver-app.log" &&
	grep -q "^line [0-9]*: query app: cursor.execute: returned 2013" \
		"$RESULTS/pymysql/kill-idle/steps.log" &&
	grep -q "^line [0-9]*: query app: mysqli::query: returned 2006" \
		"$RESULTS/php-mysqli/kill-idle/steps.log"
'

# A step whose expect lines all name other clients has no expectation
# for this one: like a step without expect lines, it must succeed (an
# errorlog step where only Connector/J, which never sends the statement,
# finds nothing).  It fails as an ERROR, never a FAIL or a PASS.
mkdir -p "$SCRATCH/others"
cat > "$SCRATCH/others/others-ok.gw" <<'EOS'
title    Expect lines for other clients only
cause    test
connection app
connect app
query app SELECT 1
    expect [client=nobody] CR_SERVER_LOST
EOS
sed 's/^query app SELECT 1$/query app SELECT * FROM no_such_table/' \
	"$SCRATCH/others/others-ok.gw" > "$SCRATCH/others/others-fails.gw"

test_expect_success 'a step with expect lines only for other clients must succeed' '
	"$GONEAWAY" run --no-results --color never others/others-ok.gw \
		> others-ok.out 2>&1;
	rc=$?; cat others-ok.out; test "$rc" -eq 0 &&
	grep -q "^\[1/1\] others-ok *PASS" others-ok.out &&
	"$GONEAWAY" run --no-results --color never others/others-fails.gw \
		> others-fails.out 2>&1;
	rc=$?; cat others-fails.out; test "$rc" -eq 3 &&
	grep -q "^\[1/1\] others-fails *ERROR" others-fails.out &&
	grep -q "1146" others-fails.out
'

# docs/tables/clients-mysql-9.7.md is one run with twelve clients
# (builtin and eleven drivers): a run takes up to 16 --client.
test_expect_success 'one run takes 16 --client, not 17' '
	set -- --no-results --color never
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		set -- "$@" --client builtin
	done
	"$GONEAWAY" run "$@" others/others-ok.gw > sixteen.out 2>&1;
	rc=$?; tail -n 20 sixteen.out; test "$rc" -eq 0 &&
	test "$(grep -c "^\[[0-9]*/16\] others-ok *PASS" sixteen.out)" -eq 16 &&
	"$GONEAWAY" run "$@" --client builtin others/others-ok.gw \
		> seventeen.out 2>&1;
	rc=$?; cat seventeen.out; test "$rc" -eq 2 &&
	grep -q "at most 16 --client" seventeen.out
'

# Drivers fixed for the matrix, each with the scenario that showed the
# bug (or the code path a driver has that its sibling has not).  PDO's
# is installed by "make deps"; the others SKIP here when their packages
# (drivers/install-deps.sh) are missing.
test_expect_success 'php-pdo knows its thread id: KILL scenarios run (were ERROR)' '
	"$GONEAWAY" run --strict --no-results --color never --client php-pdo \
		"$TOP/scenarios/kill-idle.gw" "$TOP/scenarios/txn-rolled-back.gw"
'

# driver_case NAME SCENARIO WHAT: SCENARIO PASSes with driver NAME, when
# it is installed here (lib.sh: driver_installed)
driver_case() {
	if why=$(driver_installed "$1"); then
		test_expect_success "$1: $3" "
			\"\$GONEAWAY\" run --strict --no-results --color never \
				--client $1 '$TOP/scenarios/$2.gw'
		"
	else
		test_skip "$1: $3" "the $1 driver is not installed: $why"
	fi
}
driver_case perl packet-too-large-client \
	"max_allowed_packet is set before connecting (the 2 MiB row was read)"
driver_case mysql2 net-write-timeout "a lost stream is answered (fetch hung)"
driver_case java firewall-reject-connect \
	"a refused connect has errno 0 (was -1: 4294967295)"
driver_case connector-cpp forked-connection-close \
	"the child's close ends the session (close() alone left it open)"
driver_case perl-dbd-mysql stream-ends-early \
	"DBD::mysql streams with mysql_use_result (DBD::MariaDB 1.22 cannot)"

# A driver that says something on its standard error: goneaway keeps it
# as driver-CONNECTION.log with the scenario's evidence.
cat > "$SCRATCH/noisy-driver.sh" <<EOS
echo "noisy driver: started as pid \$\$" >&2
exec /usr/bin/python3 "$TOP/drivers/pymysql/driver.py"
EOS

test_expect_success 'the driver'"'"'s standard error is kept with the evidence' '
	"$GONEAWAY" run --color never -o "$RESULTS" \
		--client "cmd:sh $SCRATCH/noisy-driver.sh" \
		"$TOP/scenarios/kill-running.gw" > noisy.out 2>&1;
	rc=$?; cat noisy.out; test "$rc" -eq 0 &&
	grep -q "^noisy driver: started as pid [0-9]" \
		"$RESULTS/kill-running/driver-app.log"
'

# A driver that answers a query with a negative errno (Node's -104,
# Connector/J's -1): not a MySQL error number (docs/driver-protocol.md),
# so the scenario is an ERROR naming the driver, never a FAIL or PASS
# that shows 4294967295.
cat > "$SCRATCH/bad-errno-driver.py" <<'EOS'
import json, sys
print(json.dumps({"hello": "goneaway-driver", "protocol": 1,
                  "driver": "bad-errno", "library": "test", "unsupported": {}}),
      flush=True)
for line in sys.stdin:
    req = json.loads(line)
    rep = {"id": req["id"], "result": "ok", "api": req["step"],
           "thread_after": 7}
    if req["step"] == "query":
        rep.update(result="error", errno=-104, message="read ECONNRESET")
    print(json.dumps(rep), flush=True)
EOS
cat > "$SCRATCH/lost.gw" <<'EOS'
title    A query that fails
cause    test
connection app
connect app
query app SELECT 1
    expect CR_SERVER_LOST
EOS

test_expect_success 'a driver that answers a negative errno is an ERROR naming it' '
	"$GONEAWAY" run --color never --no-results \
		--client "cmd:/usr/bin/python3 $SCRATCH/bad-errno-driver.py" \
		"$SCRATCH/lost.gw" > bad-errno.out 2>&1;
	rc=$?; cat bad-errno.out; test "$rc" -eq 3 &&
	grep -q "ERROR" bad-errno.out &&
	grep -q "errno -104" bad-errno.out &&
	! grep -q 4294967192 bad-errno.out
'

test_expect_success 'the run left no namespace, veth, table, process or temp dir' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
