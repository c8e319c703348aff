#!/bin/sh
# t0181-serve-noserver: goneaway serve --no-server, a proxy-only serve
# (issue 60; cli/serve.c, cli/serveflags.c, serve/eventloop.c): no
# server, no lab, no namespace, no root, no capability.
# As nobody (who cannot make a namespace: unshare is refused), its API
# answers, a proxy made by -config relays to an upstream by name, a
# latency toxic delays, a MariaDB of the test's (nobody's, by name)
# answers through a proxy and mysql_cut cuts its query (2013, as the
# mariadb client says), a proxy listens on 0.0.0.0, and what needs
# goneaway's server is refused with why (mysql_kill and a fault toxic
# 400, /goneaway/server and its events 404, upstream goneaway:3306 400);
# its ready line is TOXIPROXY_URL alone.  Started by root with the image's
# command line (-host 0.0.0.0 -port 8474), it becomes nobody with no
# capability, and its API, on every address, answers a Host that is not
# its own, as Toxiproxy's; in a rootless container (a user namespace
# nobody makes, whose root is nobody here) the same command line runs.  toxiproxy-server's flags: -host, -port,
# -config (bad: exit 2 with the file and why), -version, -proxy-metrics
# (exit 2).
#
# Everything happens in a mount and network namespace of the test's own
# (unshare, which only the test's root makes): its hosts file names
# "mysql" 127.0.0.7, 192.0.2.1 is on its loopback, port 8474 is its own.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
ECHO="$PY $TOP/tests/integration/data/serve-echo.py"
what='goneaway serve --no-server runs as nobody, without namespaces'
leftover_snapshot > "$SCRATCH/before"

if [ "$(id -u)" -ne 0 ]; then
	test_skip "$what" 'not root: the test makes a network namespace of its own to listen on 0.0.0.0 and 8474 in'
	test_done
fi
for tool in unshare nsenter setpriv; do
	if ! command -v $tool > /dev/null; then
		test_skip "$what" "no $tool here"
		test_done
	fi
done

E=$SCRATCH/etc
N=$SCRATCH/nobody               # nobody's: its env files, logs, config
mkdir "$E" "$N"
chown 65534:65534 "$N"
chmod 755 "$SCRATCH"
printf '127.0.0.1 localhost\n::1 localhost\n127.0.0.7 mysql\n' > "$E/hosts"
printf 'passwd: files\ngroup: files\nhosts: files\n' > "$E/nsswitch.conf"
chmod 644 "$E"/*

HOLDER= PIDS=
cleanup() {
	stop_pids $PIDS
	PIDS="$(ps -eo pid=,args= | awk -v s="$SCRATCH/" \
		'index($0, "serve-echo.py listen") && index($0, s) { print $1 }')"
	for p in $PIDS; do kill "$p" 2> /dev/null; done
	ns_holder_stop
	PIDS=
}
trap 'cleanup; rm -rf "$SCRATCH"; exit 1' INT TERM
trap cleanup EXIT

ns_holder "$E" 192.0.2.1/32
as_nobody() { inns setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
api() { inns $PY "$TOP/tests/integration/data/serve-api.py" "$URL" "$@"; }
status() { sed -n 1p "$1"; }
# exits CODE COMMAND...: COMMAND exits CODE
exits() { _want=$1; shift; _rc=0; "$@" || _rc=$?; test "$_rc" = "$_want"; }
port_of() { sed -n "2s/.*\"listen\":\"[0-9.]*:\([0-9]*\)\".*/\1/p" "$1"; }
# serve_pid FILE: the pid of the goneaway serve whose arguments name FILE
serve_pid() {
	ps -eo pid=,args= | awk -v e="$1" 'index($0, "goneaway serve") &&
		index($0, e) && !index($0, "nsenter") && !index($0, "setpriv") { print $1; exit }'
}

inns $ECHO listen "$SCRATCH/echo.port" 127.0.0.7 &
wait_until 100 test -f "$SCRATCH/echo.port"
P=$(cat "$SCRATCH/echo.port" 2> /dev/null)
printf '[{"name": "cfg", "listen": "127.0.0.1:0", "upstream": "mysql:%s"}]\n' "$P" > "$N/proxies.json"
chmod 644 "$N/proxies.json"

test_expect_success 'nobody cannot make a network namespace here (but in a user namespace of its own)' '
	test -n "$P" && inns getent hosts mysql | grep -q 127.0.0.7 &&
	! as_nobody unshare --net true 2> unshare.err && cat unshare.err
'

( cd "$N" && as_nobody "$GONEAWAY" serve --no-server -host 127.0.0.1 -port 0 \
	-config "$N/proxies.json" --env "$N/env" --log "$N/log.jsonl" > "$N/out" 2> "$N/err"
  echo $? > "$SCRATCH/a.rc" ) &
wait_until 600 test -f "$N/env" || cat "$N/err"
A=$(serve_pid "$N/env")
PIDS=$A
URL=$(sed -n 's/^TOXIPROXY_URL=//p' "$N/env" 2> /dev/null)

test_expect_success 'as nobody: no capability, no namespace but those it was started in, TOXIPROXY_URL alone' '
	test -n "$A" && test -n "$URL" &&
	ps -o user= -p "$A" | grep -qx nobody &&
	grep -q "^CapEff:[[:space:]]*0*$" /proc/$A/status &&
	grep -q "^CapPrm:[[:space:]]*0*$" /proc/$A/status &&
	for ns in net mnt user uts ipc pid cgroup; do
		test "$(readlink /proc/$A/ns/$ns)" = "$(readlink /proc/$HOLDER/ns/$ns)" ||
			echo "$ns: not the holder.s"
	done > ns.out && cat ns.out && ! test -s ns.out &&
	test "$(cat "$N/out")" = "TOXIPROXY_URL=$URL" &&
	test "$(sed s/=.*// "$N/env" | paste -sd " ")" = "TOXIPROXY_URL GONEAWAY_API_TOKEN"
'

test_expect_success '-config made its proxy; it relays to an upstream by name' '
	api GET /version > out && test "$(status out)" = 200 &&
	api GET /proxies/cfg > out && cat out && test "$(status out)" = 200 &&
	grep -q "\"upstream\":\"mysql:$P\"" out && PORT=$(port_of out) &&
	inns $ECHO rtt 127.0.0.1 "$PORT" 2 && inns $ECHO rtt 127.0.0.1 "$PORT" 1 4096
'

test_expect_success 'a latency toxic delays' '
	api GET /proxies/cfg > out && PORT=$(port_of out) &&
	api POST /proxies/cfg/toxics "{\"type\":\"latency\",\"attributes\":{\"latency\":300}}" > out &&
	test "$(status out)" = 200 &&
	inns $ECHO rtt 127.0.0.1 "$PORT" 1 > rtt.out && cat rtt.out &&
	awk "/^median/ { exit !(\$2 >= 290) }" rtt.out &&
	api DELETE /proxies/cfg/toxics/latency_downstream > out && test "$(status out)" = 204
'

# a MariaDB of the test's, as nobody, on 127.0.0.7:3306 ("mysql")
DB=
if command -v mariadbd > /dev/null && command -v mariadb-install-db > /dev/null; then
	mariadb-install-db --no-defaults --user=nobody --datadir="$N/db" \
		--auth-root-authentication-method=socket --skip-test-db > "$N/db.log" 2>&1
	inns mariadbd --no-defaults --user=nobody --datadir="$N/db" --socket="$N/db.sock" \
		--port=3306 --bind-address=127.0.0.7 --skip-log-bin --pid-file="$N/db.pid" \
		> "$N/db.err" 2>&1 &
	wait_until 300 inns mariadb --socket="$N/db.sock" -uroot -e "CREATE USER t@'%' IDENTIFIED BY 't'" 2> /dev/null
	DB=$(cat "$N/db.pid" 2> /dev/null)
	PIDS="$A $DB"
fi
if [ -n "$DB" ]; then
	test_expect_success 'a MariaDB by name: a query relays, mysql_cut cuts it (2013)' '
		api POST /proxies "{\"name\":\"db\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"mysql:3306\"}" > out &&
		test "$(status out)" = 201 && DBPORT=$(port_of out) &&
		inns mariadb -h127.0.0.1 -P"$DBPORT" -ut -pt -N -e "SELECT 40 + 2" > q.out && grep -qx 42 q.out &&
		api POST /proxies/db/toxics "{\"type\":\"mysql_cut\",\"attributes\":{\"at\":\"command\",\"command\":\"COM_QUERY\"}}" > out &&
		cat out && test "$(status out)" = 200 &&
		! inns mariadb -h127.0.0.1 -P"$DBPORT" -ut -pt -N -e "SELECT 1" 2> q.err &&
		cat q.err && grep -q "^ERROR 2013 " q.err
	'
else
	test_skip 'a MariaDB by name: a query relays, mysql_cut cuts it (2013)' 'no mariadbd or mariadb-install-db here'
fi

test_expect_success 'what needs goneaway.s server is refused with why' '
	api POST /proxies/cfg/toxics "{\"type\":\"mysql_kill\"}" > out && cat out &&
	test "$(status out)" = 400 && grep -q "mysql_kill acts on goneaway.s server, and this goneaway serve has none (--no-server)" out &&
	api POST /proxies/cfg/toxics "{\"type\":\"fault_firewall\",\"attributes\":{\"args\":\"reject both\"}}" > out &&
	test "$(status out)" = 400 && grep -q "has none (--no-server)" out &&
	api GET /goneaway/server > out && cat out && test "$(status out)" = 404 &&
	grep -q "no server of its own (--no-server)" out &&
	api POST /goneaway/server/restart > out && test "$(status out)" = 404 &&
	grep -q "restart: this goneaway serve has no server of its own" out &&
	api POST /proxies "{\"name\":\"g\",\"upstream\":\"goneaway:3306\"}" > out && cat out &&
	test "$(status out)" = 400 && grep -q "is goneaway.s server, and this goneaway serve has none" out &&
	grep "\"status\":400" "$N/log.jsonl" | tail -n 1 | grep -q "\"error\":\"upstream: " &&
	api GET /goneaway > out && grep -q "\"upstream\":null" out && ! grep -q /goneaway/server out &&
	api POST /reset > out && test "$(status out)" = 204
'

test_expect_success 'a proxy listens on 0.0.0.0; /populate takes a bare array, not an object' '
	api POST /proxies "{\"name\":\"any\",\"listen\":\"0.0.0.0:0\",\"upstream\":\"127.0.0.7:$P\"}" > out &&
	cat out && test "$(status out)" = 201 && grep -q "\"listen\":\"0.0.0.0:" out &&
	inns $ECHO rtt 192.0.2.1 "$(port_of out)" 1 &&
	api POST /populate "[{\"name\":\"pop\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"mysql:$P\"}]" > out &&
	test "$(status out)" = 201 &&
	api POST /populate "{\"proxies\":[{\"name\":\"pop2\",\"upstream\":\"mysql:$P\"}]}" > out &&
	cat out && test "$(status out)" = 400 && grep -q "cannot unmarshal object" out
'

# the image's command line, as a container's root runs it
( cd "$SCRATCH" && inns "$GONEAWAY" serve --no-server -host 0.0.0.0 -port 8474 \
	> "$SCRATCH/b.out" 2> "$SCRATCH/b.err"; echo $? > "$SCRATCH/b.rc" ) &
wait_until 600 test -s "$SCRATCH/b.out" || cat "$SCRATCH/b.err"
B=$(serve_pid "-port 8474")
PIDS="$A $B $DB"

test_expect_success 'root with -host 0.0.0.0 -port 8474: nobody, answering every address and Host' '
	test -n "$B" && test "$(cat b.out)" = "TOXIPROXY_URL=http://0.0.0.0:8474" &&
	ps -o user= -p "$B" | grep -qx nobody &&
	grep -q "^CapEff:[[:space:]]*0*$" /proc/$B/status &&
	grep -q "^NoNewPrivs:[[:space:]]*1$" /proc/$B/status &&
	inns $PY "$TOP/tests/integration/data/serve-api.py" --header "Host: toxiproxy:32768" \
		http://192.0.2.1:8474 POST /proxies \
		"{\"name\":\"c\",\"listen\":\"0.0.0.0:8666\",\"upstream\":\"mysql:$P\"}" > out &&
	cat out && test "$(status out)" = 201 &&
	inns $ECHO rtt 192.0.2.1 8666 2
'

# a rootless container: a user and network namespace that nobody makes,
# whose root is nobody on the machine and maps no other uid; what it runs
# is copied into nobody's directory (the checkout may be below a
# directory nobody cannot search: a clone in /root)
cp "$GONEAWAY" "$N/goneaway" &&
cp "$TOP/tests/integration/data/serve-echo.py" "$TOP/tests/integration/data/serve-api.py" "$N/" &&
chmod 755 "$N/goneaway" && chmod 644 "$N/serve-echo.py" "$N/serve-api.py"
NECHO="$PY $N/serve-echo.py"
cat > "$N/container.sh" <<-EOF
	ip link set lo up || exit 9
	$NECHO listen "$N/c.port" 127.0.0.1 &
	E=\$!
	"$N/goneaway" serve --no-server -host 0.0.0.0 -port 8474 > "$N/c.out" 2> "$N/c.err" &
	S=\$!
	i=0; while [ ! -s "$N/c.out" ] || [ ! -s "$N/c.port" ]; do
		i=\$((i + 1)); [ \$i -gt 100 ] && exit 8; sleep 0.1; done
	grep -E "^(Uid|CapEff):" /proc/\$S/status
	$PY "$N/serve-api.py" --header "Host: toxiproxy:32768" \\
		http://127.0.0.1:8474 POST /proxies \\
		"{\\"name\\":\\"c\\",\\"listen\\":\\"0.0.0.0:8666\\",\\"upstream\\":\\"localhost:\$(cat "$N/c.port")\\"}" &&
	$NECHO rtt 127.0.0.1 8666 2
	rc=\$?
	kill \$S; wait \$S; echo "serve: \$?"
	kill \$E
	exit \$rc
EOF
chmod 644 "$N/container.sh"

test_expect_success 'in a rootless container (root there, nobody here): the image.s command line answers' '
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare --user --map-root-user --net sh "$N/container.sh" > c.log 2>&1
	rc=$?; cat c.log "$N/c.err"; test $rc = 0 &&
	test "$(cat "$N/c.out")" = "TOXIPROXY_URL=http://0.0.0.0:8474" &&
	grep -q "^201$" c.log && grep -q "^median" c.log && grep -q "^serve: 0$" c.log
'

test_expect_success 'toxiproxy-server.s flags: -version; a bad -config, -proxy-metrics, --api with -port: exit 2 with why' '
	"$GONEAWAY" serve -version > out && grep -q "^goneaway serve .*(Toxiproxy.s API 2.12.0)$" out &&
	printf "[{\"name\": \"x\"}]\n" > bad.json &&
	exits 2 as_nobody "$GONEAWAY" serve --no-server -port 0 -config "$PWD/bad.json" 2> err &&
	grep -q "^goneaway serve: -config $PWD/bad.json: missing required field: upstream at proxy 1$" err &&
	printf "[{\"name\": \"x\", \"upstream\": \"mysql:1\"" > cut.json &&
	exits 2 as_nobody "$GONEAWAY" serve --no-server -port 0 -config "$PWD/cut.json" 2> err &&
	cat err && grep -q "^goneaway serve: -config $PWD/cut.json: " err &&
	exits 2 "$GONEAWAY" serve --no-server -config "$PWD/none.json" 2> err &&
	grep -q "none.json: No such file or directory" err &&
	exits 2 "$GONEAWAY" serve --no-server -proxy-metrics 2> err &&
	grep -q "no Prometheus metrics" err &&
	exits 2 "$GONEAWAY" serve --no-server --api 127.0.0.1:0 -port 1 2> err &&
	grep -q "not both" err &&
	exits 2 "$GONEAWAY" serve --no-server --server local 2> err &&
	grep -q "no-server has none" err &&
	exits 2 "$GONEAWAY" serve -host 0.0.0.0 2> err &&
	grep -q "not a loopback address" err
'

test_expect_success 'SIGTERM: both stop (0), nothing is left' '
	kill -TERM "$A" "$B" && wait_until 600 test -f a.rc && wait_until 600 test -f b.rc &&
	test "$(cat a.rc)" = 0 && test "$(cat b.rc)" = 0 && ! test -e "$N/env" &&
	PIDS=$DB && cleanup && tries=50 &&
	while leftover_snapshot > after &&
	      ! new_leftovers "$SCRATCH/before" after > /dev/null 2>&1 &&
	      [ $tries -gt 0 ]; do
		sleep 0.1; tries=$((tries - 1))
	done &&
	new_leftovers "$SCRATCH/before" after
'

test_done
