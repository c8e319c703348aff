#!/bin/sh
# t0092-driver-replies: what goneaway takes from a driver's greeting and
# replies besides the code (docs/driver-protocol.md): the code's name a
# driver gives (error_name), shown where the client headers have none;
# the rows a failed fetch read (rows), from a driver and from the
# built-in client against a real streaming loss; the late answer to a
# hung call, written down instead of dropped; a late answer with
# another id; the greeting's version; and the server thread a KILL goes
# to after a connect or close that reports none.
#
# The replies come from bad-driver.py's "echo" mode, which answers each
# request with the JSON object its SQL spells: the codes and names it
# sends are this test's, not a connector's (4199 is a number the client
# headers do not name).
. "$(dirname "$0")/lib.sh"

DRIVER="$TOP/tests/integration/data/drivers/bad-driver.py"
leftover_snapshot > "$SCRATCH/before"
pgrep -f "bad-driver.py" | sort > "$SCRATCH/drivers-before"

# scenario NAME: a scenario file from standard input, with its header
scenario() {
	{ printf 'title    %s\ncause    (test fixture) t0092\n' "$1"
	  printf 'connection app read_timeout=5s\nconnect app\n'
	  cat; } > "$SCRATCH/$1.gw"
}

# echo_run NAME [ARGS...]: runs NAME.gw with the echo driver, -v, its
# evidence in res-NAME; output in out-NAME, exit status in rc-NAME.
echo_run() {
	n=$1
	shift
	"$GONEAWAY" run -v --color never -o "res-$n" \
		--client "cmd:$DRIVER echo" "$@" "$n.gw" > "out-$n" 2>&1
	echo $? > "rc-$n"
	cat "out-$n"
}

scenario names <<'EOF'
query app {"result":"error","errno":4199,"error_name":"ER_FROM_THE_DRIVER","message":"m1"}
    expect 4199
query app {"result":"error","errno":4031,"error_name":"ER_CLIENT_INTERACTION_TIMEOUT","message":"m2"}
    expect 4031
query app {"result":"error","errno":4198,"error_name":"ER-NOT A NAME","message":"m3"}
    expect 4198
query app {"result":"error","errno":2013,"error_name":"CR_SERVER_LOST","message":"m4"}
    expect CR_SERVER_LOST
EOF

test_expect_success 'a code the headers do not name shows with the driver'"'"'s error_name' '
	echo_run names && test "$(cat rc-names)" -eq 0 &&
	grep -q "returned 4199 (ER_FROM_THE_DRIVER) \"m1\"" out-names &&
	grep -q "returned 4199 (ER_FROM_THE_DRIVER) \"m1\"" res-names/names/steps.log
'

test_expect_success 'where the headers name the code for the flavour, their name stays' '
	grep -q "returned 4031 (ER_REFERENCED_TRG_DOES_NOT_EXIST) \"m2\"" out-names &&
	! grep -q "INTERACTION" out-names &&
	grep -q "returned 2013 (CR_SERVER_LOST) \"m4\"" out-names
'

test_expect_success 'an error_name that is no name is left out, with a note in the driver'"'"'s log' '
	grep -q "returned 4198 \"m3\"" out-names && ! grep -q "NOT A NAME" out-names &&
	grep -q "^goneaway: reply to request 4: error_name is not a name" \
		res-names/names/driver-app.log
'

test_expect_success 'results.jsonl keeps the driver'"'"'s error_name, and report reads it back' '
	grep -q "\"errno\":4199,\"errname\":null,.*\"error_name\":\"ER_FROM_THE_DRIVER\"" \
		res-names/results.jsonl &&
	grep -q "\"errno\":4031,\"errname\":\"ER_REFERENCED_TRG_DOES_NOT_EXIST\",.*\"error_name\":\"ER_CLIENT_INTERACTION_TIMEOUT\"" \
		res-names/results.jsonl &&
	grep -q "\"errno\":4198,.*\"error_name\":null" res-names/results.jsonl &&
	"$GONEAWAY" report --color never res-names > report-names 2>&1 &&
	cat report-names &&
	grep -q "returned 4199 (ER_FROM_THE_DRIVER) \"m1\"" report-names
'

scenario rows <<'EOF'
stream app {"result":"ok","value":"x","_next":{"result":"error","errno":2013,"error_name":"CR_SERVER_LOST","message":"Lost","rows":1234}}
fetch app
    expect CR_SERVER_LOST
stream app {"result":"ok","value":"x","_next":{"result":"error","errno":2013,"message":"Lost","rows":1}}
fetch app
    expect CR_SERVER_LOST
stream app {"result":"ok","value":"x","_next":{"result":"ok","value":"5","rows":7}}
fetch app
    expect ok = 5
query app {"result":"error","errno":2013,"message":"q","rows":9}
    expect CR_SERVER_LOST
stream app {"result":"ok","value":"x","_next":{"result":"error","errno":2013,"message":"neg","rows":-1}}
fetch app
    expect CR_SERVER_LOST
EOF

test_expect_success 'a failed fetch says how many rows it read' '
	echo_run rows && test "$(cat rc-rows)" -eq 0 &&
	grep -q "fetch app: fetch: returned 2013 (CR_SERVER_LOST) \"Lost\" after [0-9]* ms, 1234 rows read" out-rows &&
	grep -q "\"Lost\" after [0-9]* ms, 1 row read" out-rows &&
	grep -q ", 1234 rows read" res-rows/rows/steps.log &&
	grep -q "\"rows\":1234" res-rows/results.jsonl &&
	"$GONEAWAY" report --color never res-rows > report-rows 2>&1 &&
	grep -q ", 1234 rows read" report-rows
'

test_expect_success 'rows is ignored on a success and on a query; a malformed one is left out and noted' '
	grep -q "fetch app: fetch: succeeded with .5. after [0-9]* ms$" out-rows &&
	grep -q "returned 2013 (CR_SERVER_LOST) \"q\" after [0-9]* ms$" out-rows &&
	grep -q "\"neg\" after [0-9]* ms$" out-rows &&
	grep -q "^goneaway: reply to request 10: rows is not a whole number" \
		res-rows/rows/driver-app.log
'

# a real stream broken off: net_write_timeout closes the connection while
# the client does not read (scenarios/net-write-timeout.gw)
real_rows() {
	"$GONEAWAY" run -v --color never -o "res-real-$1" --client "$1" \
		"$TOP/scenarios/net-write-timeout.gw" > "out-real-$1" 2>&1;
	rc=$?; cat "out-real-$1"; test $rc -eq 0 &&
	grep -q "line [0-9]*: fetch app: .*: returned 2013 (CR_SERVER_LOST) .* after [0-9]* ms, [0-9][0-9]* rows\? read" \
		"res-real-$1/net-write-timeout/steps.log"
}

test_expect_success 'the built-in client counts the rows a streaming loss let through' '
	real_rows builtin
'

if /usr/bin/python3 -c "import pymysql" 2>/dev/null; then
	test_expect_success 'the pymysql driver sends the rows a streaming loss let through' '
		real_rows pymysql
	'
else
	test_skip 'the pymysql driver sends the rows a streaming loss let through' \
		'python3-pymysql is not installed'
fi

scenario late <<'EOF'
query app {"result":"error","errno":2013,"error_name":"CR_SERVER_LOST","error_class":"OperationalError","message":"cut","_sleep":2.5}
    expect hang after 1s
query app {"result":"ok","value":"after"}
    expect ok = after
EOF

test_expect_success 'the late answer to a hung call is written down, and the connection goes on' '
	echo_run late --step-timeout 1s && test "$(cat rc-late)" -eq 0 &&
	grep -q "query app: driver call: hung: no answer after 1[0-9][0-9][0-9] ms (its late reply, 2[0-9][0-9][0-9] ms after the request, once its sockets were cut: error 2013 (CR_SERVER_LOST, OperationalError) \"cut\")" \
		res-late/late/steps.log &&
	grep -q "its late reply, 2[0-9]* ms after the request" out-late &&
	grep -q "^goneaway: late reply to request 2 (query), 2[0-9][0-9][0-9] ms after it was sent, once its sockets were cut after the hang: error 2013 (CR_SERVER_LOST, OperationalError) \"cut\" \[query\]" \
		res-late/late/driver-app.log &&
	grep -q "query app: query: succeeded with .after." out-late
'

scenario latewrong <<'EOF'
query app {"result":"ok","value":"1","_sleep":2.5,"_id_add":1}
    expect hang after 1s
query app {"result":"ok","value":"2"}
EOF

# the hang stands; the driver is killed, and the next step says why
test_expect_success 'a late answer with another id names both ids, and the connection is given up' '
	echo_run latewrong && test "$(cat rc-latewrong)" -eq 3 &&
	grep -q "hung: no answer after 1[0-9]* ms$" out-latewrong &&
	grep -q "unusable: .*after its sockets were cut: the reply.s id is 3, expected 2" out-latewrong &&
	! grep -q "did not answer within" out-latewrong &&
	grep -q "^goneaway: request 2 (query) hung, and after its sockets were cut: the reply.s id is 3, expected 2: .*answered another request: killed$" \
		res-latewrong/latewrong/driver-app.log
'

scenario latenone <<'EOF'
query app {"result":"ok","value":"1","_sleep":8}
    expect hang after 1s
query app {"result":"ok","value":"2"}
EOF

test_expect_success 'no answer at all once the sockets were cut is written down too' '
	echo_run latenone && test "$(cat rc-latenone)" -eq 3 &&
	grep -q "did not answer within 3000 ms of its sockets being cut" out-latenone &&
	grep -q "^goneaway: request 2 (query) hung, and no reply came within 3000 ms of its sockets being cut: killed$" \
		res-latenone/latenone/driver-app.log
'

scenario reconnect0 <<'EOF'
query app {"result":"ok","_next":{"result":"ok","thread_after":0}}
connect app
kill app
EOF

test_expect_success 'a connect that reports thread 0 leaves no thread to KILL, not the previous one' '
	echo_run reconnect0 && test "$(cat rc-reconnect0)" -eq 3 &&
	grep -q "has no server thread to KILL: .*reported thread id 0 after connecting" out-reconnect0 &&
	! grep -q "KILL 7\|line 7: kill" out-reconnect0
'

scenario close0 <<'EOF'
query app {"result":"ok","_next":{"result":"ok","api":"conn.close"}}
close app
kill app
EOF

test_expect_success 'after a close (whatever its api) there is no thread to KILL' '
	echo_run close0 && test "$(cat rc-close0)" -eq 3 &&
	grep -q "has no server thread to KILL" out-close0
'

scenario hello <<'EOF'
query app {"result":"ok","value":"1"}
    expect ok = 1
EOF

test_expect_success 'a greeting with a version X.Y.Z, or a library without one, is taken' '
	BAD_DRIVER_HELLO="{\"version\": \"1.2.3rc1\"}" echo_run hello &&
	test "$(cat rc-hello)" -eq 0
'

for v in '"v1.2"' '"1.2.3.4"' '"1.100"' '1.2' '""'; do
	test_expect_success "a greeting whose version is $v is refused" "
		BAD_DRIVER_HELLO='{\"version\": $v}' \
			\"\$GONEAWAY\" run --color never --no-results \
			--client \"cmd:\$DRIVER echo\" hello.gw > out 2>&1;
		rc=\$?; cat out; test \$rc -eq 2 &&
		grep -q \"its greeting's version is not X, X.Y or X.Y.Z\" out
	"
done

test_expect_success 'no driver process is left' '
	pgrep -f "bad-driver.py" | sort > drivers-after;
	comm -13 "$SCRATCH/drivers-before" drivers-after > drivers-new;
	cat drivers-new; ! test -s drivers-new
'

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
