#!/bin/sh
# t0191-serve-upstream-admin: mysql_kill on a proxy whose upstream is
# the user's own server (issue 60, point 6; serve/upadmin.c): goneaway
# serve --upstream-admin FILE.  A MariaDB of the test's (nobody's, on
# 127.0.0.7:3306 in a network namespace of the test's own) is "the
# user's own server", with an admin account the test makes there
# (PROCESS, CONNECTION ADMIN); serve --no-server runs as nobody, whose
# the file is (mode 0600).  With the account: KILL QUERY of a long
# query through the proxy (the client gets 1317), KILL of a connection
# at its next command (2013) and no other session, and the log names
# the session killed.  The account names its server (host, port: only a
# connection that reached 127.0.0.7:3306 gets it): a proxy in front of
# that proxy, and a proxy an API user points at a fake server of the
# test's (127.0.0.9:3306, recording every byte it gets) get nothing of
# it - no connection, no login; nothing is killed, the log says why, the
# query answers; a PATCH re-evaluates.  Without it: mysql_kill refused
# (400, why); a wrong password: a clear error in the log, the query runs
# on (nothing killed), the password in no log line; a serve with its
# own server (root's) does the same on the user's server; a file that
# others may read or that names no server: exit 2 with why.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
what='mysql_kill on the user.s own server with --upstream-admin'
leftover_snapshot > "$SCRATCH/before"

if [ "$(id -u)" -ne 0 ]; then
	test_skip "$what" 'not root: the test makes a network namespace of its own'
	test_done
fi
for tool in unshare nsenter setpriv mariadbd mariadb-install-db mariadb; do
	if ! command -v $tool > /dev/null; then
		test_skip "$what" "no $tool here"
		test_done
	fi
done

N=$SCRATCH/nobody               # nobody's: the account files, logs
mkdir "$N"
chown 65534:65534 "$N"
chmod 755 "$SCRATCH"

HOLDER= PIDS=
cleanup() {
	stop_pids $PIDS
	ns_holder_stop
	PIDS=
}
trap 'cleanup; rm -rf "$SCRATCH"; exit 1' INT TERM
trap cleanup EXIT

mkdir "$SCRATCH/etc"            # no file of its own: /etc as it is
ns_holder "$SCRATCH/etc"
as_nobody() { inns setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
status() { sed -n 1p "$1"; }
port_of() { sed -n "2s/.*\"listen\":\"[0-9.]*:\([0-9]*\)\".*/\1/p" "$1"; }
exits() { _want=$1; shift; _rc=0; "$@" || _rc=$?; test "$_rc" = "$_want"; }
serve_pid() {
	ps -eo pid=,args= | awk -v e="$1" 'index($0, "goneaway serve") &&
		index($0, e) && !index($0, "nsenter") && !index($0, "setpriv") { print $1; exit }'
}

# the user's own server: a MariaDB of the test's, nobody's
mariadb-install-db --no-defaults --user=nobody --datadir="$N/db" \
	--auth-root-authentication-method=socket --skip-test-db > "$N/db.log" 2>&1
inns mariadbd --no-defaults --user=nobody --datadir="$N/db" --socket="$N/db.sock" \
	--port=3306 --bind-address=127.0.0.7 --skip-log-bin --pid-file="$N/db.pid" \
	> "$N/db.err" 2>&1 &
wait_until 300 inns mariadb --socket="$N/db.sock" -uroot -e "
	CREATE USER app@'%' IDENTIFIED BY 'app';
	CREATE USER dba@'%' IDENTIFIED BY 'Sekr3t-dba';
	GRANT PROCESS, CONNECTION ADMIN ON *.* TO dba@'%'" 2> /dev/null
DB=$(cat "$N/db.pid" 2> /dev/null)
PIDS=$DB

# the account files: nobody's, 0600; a wrong password; one others read
printf '[client]\n# the test.s admin account\nuser = dba\npassword = Sekr3t-dba\nhost = 127.0.0.7\nport = 3306\n' > "$N/admin.cnf"
printf '[client]\nuser = dba\npassword = Wr0ng-pw\nhost = 127.0.0.7\nport = 3306\n' > "$N/wrong.cnf"
printf '[client]\nuser = dba\npassword = Sekr3t-dba\n' > "$N/nohost.cnf"
cp "$N/admin.cnf" "$N/open.cnf"
chown 65534:65534 "$N"/*.cnf
chmod 600 "$N/admin.cnf" "$N/wrong.cnf" "$N/nohost.cnf"
chmod 644 "$N/open.cnf"

# start NAME ARGS...: a serve as nobody, its URL in $N/NAME.url
start() {
	_n=$1; shift
	( cd "$N" && as_nobody "$GONEAWAY" serve --no-server --api 127.0.0.1:0 \
		--env "$N/$_n.env" --log "$N/$_n.log" "$@" > "$N/$_n.out" 2> "$N/$_n.err"
	  echo $? > "$N/$_n.rc" ) &
	wait_until 600 test -f "$N/$_n.env" || cat "$N/$_n.err"
	sed -n 's/^TOXIPROXY_URL=//p' "$N/$_n.env" > "$N/$_n.url" 2> /dev/null
	PIDS="$(serve_pid "$N/$_n.env") $PIDS"
}
api() { _u=$(cat "$N/$1.url"); shift; inns $PY "$TOP/tests/integration/data/serve-api.py" "$_u" "$@"; }
# proxy NAME: a proxy "db" to the server; its port into $N/NAME.port
proxy() {
	api "$1" POST /proxies '{"name":"db","listen":"127.0.0.1:0","upstream":"127.0.0.7:3306"}' > "$N/p.out" &&
	test "$(status "$N/p.out")" = 201 && port_of "$N/p.out" > "$N/$1.port"
}
# settled: nothing is left but what was there before (into ./after)
settled() {
	leftover_snapshot > after && new_leftovers "$SCRATCH/before" after > /dev/null 2>&1
}
client() { inns mariadb -h127.0.0.1 -P"$(cat "$N/$1.port")" -uapp -papp -N -e "$2"; }

test_expect_success 'the user.s own server runs, with an admin account' '
	test -n "$DB" &&
	inns mariadb -h127.0.0.7 -udba -pSekr3t-dba -N -e "SELECT 1" > out && grep -qx 1 out
'

start plain
test_expect_success 'without --upstream-admin: mysql_kill is refused with why (400)' '
	proxy plain &&
	api plain POST /proxies/db/toxics "{\"type\":\"mysql_kill\"}" > out && cat out &&
	test "$(status out)" = 400 &&
	grep -q "mysql_kill acts on goneaway.s server, and this goneaway serve has none" out &&
	grep -q "give goneaway serve an admin account for your own server: --upstream-admin FILE" out
'

start good --upstream-admin "$N/admin.cnf"
test_expect_success 'with it: KILL QUERY of a long query through the proxy (1317), the log names the session' '
	proxy good &&
	api good POST /proxies/db/toxics "{\"type\":\"mysql_kill\",\"attributes\":{\"query\":true,\"count\":1}}" > out &&
	cat out && test "$(status out)" = 200 &&
	rm -f q.out q.err && ! client good "SELECT SLEEP(30)" > q.out 2> q.err ; cat q.out q.err;
	grep -q "^ERROR 1317 " q.err &&
	grep "\"kill\"" "$N/good.log" > kill.log && cat kill.log &&
	grep -q "\"result\":\"killed the query of session [0-9]* ([a-z0-9.:]*:[0-9]*) on 127.0.0.7:3306\"" kill.log
'

test_expect_success 'with it: KILL of the connection at its next command (2013); only that session' '
	api good DELETE /proxies/db/toxics/mysql_kill_downstream > out && test "$(status out)" = 204 &&
	{ inns mariadb -h127.0.0.7 -uapp -papp -N -e "SELECT SLEEP(3)" > bystander.out 2>&1 & BY=$!; } &&
	api good POST /proxies/db/toxics "{\"type\":\"mysql_kill\",\"attributes\":{\"count\":1}}" > out &&
	test "$(status out)" = 200 &&
	rm -f q.out q.err && ! client good "SELECT 40 + 2" > q.out 2> q.err ; cat q.out q.err;
	grep "\"kill\"" "$N/good.log" | tail -n 1 > kill.log && cat kill.log &&
	grep -q "\"result\":\"killed session [0-9]* ([a-z0-9.:]*:[0-9]*) on 127.0.0.7:3306\"" kill.log &&
	grep -q "^ERROR 2013 " q.err &&
	wait $BY && grep -qx 0 bystander.out
'

test_expect_success 'with it: a proxy in front of another proxy is not the account.s server: nothing killed, why logged' '
	api good DELETE /proxies/db/toxics/mysql_kill_downstream > out && test "$(status out)" = 204 &&
	api good POST /proxies "{\"name\":\"outer\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:$(cat "$N/good.port")\"}" > out &&
	test "$(status out)" = 201 && port_of out > "$N/outer.port" &&
	api good POST /proxies/outer/toxics "{\"type\":\"mysql_kill\",\"attributes\":{\"count\":1}}" > out &&
	test "$(status out)" = 200 &&
	rm -f q.out q.err && client outer "SELECT 40 + 2" > q.out 2> q.err && cat q.out q.err && grep -qx 42 q.out &&
	grep "\"kill\"" "$N/good.log" | tail -n 1 > kill.log && cat kill.log &&
	grep -q "\"result\":\"upstream 127.0.0.1:[0-9]* is not the server --upstream-admin names (127.0.0.7:3306): its account is not used, nothing killed\"" kill.log
'

# an API user's own fake server (127.0.0.9:3306): a listener that greets
# as MySQL does, answers OK to all, and writes what each connection sent
cat > "$SCRATCH/fake.py" <<'END'
import socket, struct, sys, threading
def pkt(seq, body): return struct.pack('<I', len(body))[:3] + bytes([seq]) + body
GREET = (b'\x0a5.7.0-fake\x00' + struct.pack('<I', 77) + b'abcdefgh\x00' +
	struct.pack('<H', 0x8201) + b'\x21' + struct.pack('<HH', 2, 0x0008) +
	b'\x15' + b'\x00' * 10 + b'ijklmnopqrst\x00' + b'mysql_native_password\x00')
OK = b'\x00\x00\x00\x02\x00\x00\x00'
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 3306)); s.listen(8); n = 0
def serve(c, i):
	c.sendall(pkt(0, GREET))
	while True:
		h = c.recv(4)
		if len(h) < 4: break
		body = b''
		while len(body) < int.from_bytes(h[:3], 'little'):
			more = c.recv(int.from_bytes(h[:3], 'little') - len(body))
			if not more: return
			body += more
		with open(sys.argv[2], 'a') as f: f.write('conn %d: %r\n' % (i, body))
		if body[:1] == b'\x01': break
		c.sendall(pkt(h[3] + 1, OK))
	c.close()
while True:
	c, _ = s.accept(); n += 1
	threading.Thread(target=serve, args=(c, n), daemon=True).start()
END
nsenter -t "$HOLDER" --net --mount $PY "$SCRATCH/fake.py" 127.0.0.9 "$SCRATCH/fake.rec" 2> "$SCRATCH/fake.err" &
FAKE=$!                         # python itself: nsenter execs it
PIDS="$FAKE $PIDS"
wait_until 100 inns $PY -c 'import socket; socket.create_connection(("127.0.0.9", 3306)).close()'
test_expect_success 'an API user.s own server (a proxy to 127.0.0.9) gets nothing of the account: not its login, no connection' '
	: > "$SCRATCH/fake.rec" &&
	api good POST /proxies "{\"name\":\"mine\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.9:3306\"}" > out &&
	test "$(status out)" = 201 && port_of out > "$N/mine.port" &&
	api good POST /proxies/mine/toxics "{\"type\":\"mysql_kill\",\"attributes\":{\"count\":1}}" > out &&
	cat out && test "$(status out)" = 200 &&
	client mine "SELECT 1" > q.out 2> q.err; cat q.out q.err;
	wait_until 100 sh -c "grep \"\\\"kill\\\"\" \"$N/good.log\" | tail -n 1 | grep -q 127.0.0.9" &&
	grep "\"kill\"" "$N/good.log" | tail -n 1 > kill.log && cat kill.log "$SCRATCH/fake.rec" &&
	grep -q "upstream 127.0.0.9:3306 is not the server --upstream-admin names (127.0.0.7:3306): its account is not used, nothing killed" kill.log &&
	grep -q "^conn [0-9]*: .*app" "$SCRATCH/fake.rec" &&
	test "$(cut -d: -f1 "$SCRATCH/fake.rec" | sort -u | wc -l)" = 1 &&
	! grep -q dba "$SCRATCH/fake.rec"
'

test_expect_success 'a PATCH re-evaluates: mine moved to the named server is KILLed there; db moved to the fake one gets nothing' '
	api good PATCH /proxies/mine "{\"upstream\":\"127.0.0.7:3306\"}" > out && cat out &&
	test "$(status out)" = 200 &&
	rm -f q.out q.err && ! client mine "SELECT 40 + 2" > q.out 2> q.err ; cat q.out q.err;
	grep -q "^ERROR 2013 " q.err &&
	grep "\"kill\"" "$N/good.log" | tail -n 1 > kill.log && cat kill.log &&
	grep -q "\"result\":\"killed session [0-9]* ([a-z0-9.:]*:[0-9]*) on 127.0.0.7:3306\"" kill.log &&
	: > "$SCRATCH/fake.rec" &&
	api good PATCH /proxies/db "{\"upstream\":\"127.0.0.9:3306\"}" > out && test "$(status out)" = 200 &&
	api good POST /proxies/db/toxics "{\"type\":\"mysql_kill\",\"attributes\":{\"count\":1}}" > out &&
	test "$(status out)" = 200 &&
	client good "SELECT 1" > q.out 2> q.err; cat q.out q.err;
	wait_until 100 sh -c "grep \"\\\"kill\\\"\" \"$N/good.log\" | tail -n 1 | grep -q 127.0.0.9" &&
	grep "\"kill\"" "$N/good.log" | tail -n 1 > kill.log && cat kill.log "$SCRATCH/fake.rec" &&
	grep -q "upstream 127.0.0.9:3306 is not the server --upstream-admin names" kill.log &&
	test "$(cut -d: -f1 "$SCRATCH/fake.rec" | sort -u | wc -l)" = 1 &&
	! grep -q dba "$SCRATCH/fake.rec"
'

start wrong --upstream-admin "$N/wrong.cnf"
test_expect_success 'a wrong password: a clear error in the log, nothing killed, no password written' '
	proxy wrong &&
	api wrong POST /proxies/db/toxics "{\"type\":\"mysql_kill\",\"attributes\":{\"count\":1}}" > out &&
	test "$(status out)" = 200 &&
	rm -f q.out q.err && client wrong "SELECT 40 + 2" > q.out 2> q.err && cat q.out q.err && grep -qx 42 q.out &&
	grep "\"kill\"" "$N/wrong.log" > kill.log && cat kill.log &&
	grep -q "upstream-admin: connecting to 127.0.0.7:3306 as dba: 1045 .*: nothing killed" kill.log &&
	! grep -q -e Wr0ng -e Sekr3t "$N"/*.log "$N"/*.err "$N"/*.out &&
	api wrong GET /goneaway > out && ! grep -q -e Wr0ng -e dba out
'

# a serve with its own server (root's, the file root's): its KILLs on the
# user's server go through the same thread as its server's events
printf 'user = dba\npassword = Sekr3t-dba\nhost = 127.0.0.7\nport = 3306\n' > "$SCRATCH/root.cnf"
chmod 600 "$SCRATCH/root.cnf"
( cd "$SCRATCH" && inns "$GONEAWAY" serve --upstream-admin "$SCRATCH/root.cnf" \
	--api 127.0.0.1:0 --env "$SCRATCH/srv.env" --log "$N/srv.log" > "$SCRATCH/srv.out" 2> "$N/srv.err"
  echo $? > "$SCRATCH/srv.rc" ) &
wait_until 900 sh -c "test -f '$SCRATCH/srv.env' || test -f '$SCRATCH/srv.rc'"
sed -n 's/^TOXIPROXY_URL=//p' "$SCRATCH/srv.env" > "$N/srv.url" 2> /dev/null
PIDS="$(serve_pid "$SCRATCH/srv.env") $PIDS"
if [ -s "$N/srv.url" ]; then
	test_expect_success 'a serve with its own server: KILL QUERY on the user.s server too (1317); its server is still its own' '
		proxy srv &&
		api srv POST /proxies/db/toxics "{\"type\":\"mysql_kill\",\"attributes\":{\"query\":true,\"count\":1}}" > out &&
		test "$(status out)" = 200 &&
		rm -f q.err && ! client srv "SELECT SLEEP(30)" 2> q.err ; cat q.err;
		grep -q "^ERROR 1317 " q.err &&
		grep "\"kill\"" "$N/srv.log" > kill.log && cat kill.log &&
		grep -q "\"result\":\"killed the query of session [0-9]* ([a-z0-9.:]*:[0-9]*) on 127.0.0.7:3306\"" kill.log &&
		api srv GET /goneaway/server > out && grep -q "\"upstream\":\"goneaway:3306\"" out
	'
else
	cat "$N/srv.err"
	test_skip 'a serve with its own server: KILL QUERY on the user.s server too' "goneaway's server did not start here: $(tail -n 1 "$N/srv.err")"
fi

test_expect_success 'a file others may read, one that names no server, or no file: exit 2 with why' '
	exits 2 as_nobody "$GONEAWAY" serve --no-server --api 127.0.0.1:0 --upstream-admin "$N/open.cnf" 2> err &&
	cat err && grep -q "^goneaway serve: --upstream-admin $N/open.cnf: it holds a password: .*mode 0644$" err &&
	exits 2 as_nobody "$GONEAWAY" serve --no-server --api 127.0.0.1:0 --upstream-admin "$N/nohost.cnf" 2> err &&
	cat err && grep -q "^goneaway serve: --upstream-admin $N/nohost.cnf:3: expected .host = ADDRESS. and .port = N. lines" err &&
	exits 2 as_nobody "$GONEAWAY" serve --no-server --api 127.0.0.1:0 --upstream-admin "$N/none.cnf" 2> err &&
	cat err && grep -q "none.cnf: No such file or directory" err
'

test_expect_success 'SIGTERM: every serve stops (0), nothing is left' '
	for s in plain good wrong; do kill -TERM "$(serve_pid "$N/$s.env")"; done &&
	S=$(serve_pid "$SCRATCH/srv.env") && { [ -z "$S" ] || kill -TERM "$S"; } &&
	for s in plain good wrong; do wait_until 600 test -f "$N/$s.rc" && test "$(cat "$N/$s.rc")" = 0 || echo "$s"; done > rc.out &&
	{ [ -z "$S" ] || { wait_until 600 test -f srv.rc && test "$(cat srv.rc)" = 0; } || echo srv; } >> rc.out &&
	! test -s rc.out &&
	PIDS="$DB $FAKE" && cleanup && { wait_until 50 settled || :; } &&
	new_leftovers "$SCRATCH/before" after
'

test_done
