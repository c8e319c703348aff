#!/bin/sh
# t0173-serve-busy: goneaway serve's loop never waits on its server
# (issue 55, rows 5, 8 and 10; harness/serve/backstage.c, eventloop.c,
# relaymysql.c, mysqlwire.c).  A KILL of mysql_kill that waits on a
# paused server (fault_pause) leaves the API answering at once and every
# other proxy's round trip within 100 ms, and SIGTERM then ends serve
# within seconds; a restart whose stop times out (the server paused)
# kills the server and starts it again, so that its state is true (a
# pid, a query through a proxy answered); a server event that needs a
# running server answers 503 while there is none; a proxy to a service
# that is not MySQL passes a single byte each way as it comes, and its
# close is a FIN even when the client's last bytes wait unread.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
API="$PY $TOP/tests/integration/data/serve-api.py"
ECHO="$PY $TOP/tests/integration/data/serve-echo.py"
leftover_snapshot > "$SCRATCH/before"

if [ "$(id -u)" -ne 0 ]; then
	test_skip 'goneaway serve beside its server' 'not root: its server runs in namespaces of its own'
	test_done
fi
MYSQL=$(command -v mariadb || command -v mysql) || {
	test_skip 'goneaway serve beside its server' 'no mariadb command-line client (make deps)'
	test_done
}

status() { sed -n 1p "$1"; }
api() { $API "$TOXIPROXY_URL" "$@"; }
# api_timed FILE ...: api, and FILE says how many ms the request took
api_timed() { f=$1; shift; $API --time "$f" "$TOXIPROXY_URL" "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# json_of FILE NAME: member NAME of the JSON body of an api answer
json_of() { sed -n 2p "$1" | $PY -c "import json,sys; print(json.load(sys.stdin)[\"$2\"])"; }
sql() {
	"$MYSQL" --skip-ssl --connect-timeout=20 -h 127.0.0.1 -P "$1" \
		-u"$MYSQL_USER" -p"$MYSQL_PASSWORD" -N "$MYSQL_DATABASE" -e "$2" 2>&1
}
# a client that logs in, then waits for its statements on the FIFO
# SCRATCH/cmd (held open on fd 3) while it keeps its connection
client_start() {
	rm -f cmd && mkfifo cmd &&
	{ "$MYSQL" --skip-ssl --unbuffered --connect-timeout=20 -h 127.0.0.1 -P "$DB_PORT" \
		-u"$MYSQL_USER" -p"$MYSQL_PASSWORD" -N "$MYSQL_DATABASE" \
		< cmd > client.out 2>&1 & } && CLIENT_PID=$! &&
	exec 3> cmd && echo "SELECT 40 + 2;" >&3 &&
	wait_until 200 grep -q "^42$" client.out
}

$ECHO listen "$SCRATCH/echo.port" & ECHO_PID=$!
wait_until 100 test -f "$SCRATCH/echo.port"
ECHO_PORT=$(cat "$SCRATCH/echo.port")

( cd "$SCRATCH" && "$GONEAWAY" serve --api 127.0.0.1:0 --env "$SCRATCH/env" \
	--log "$SCRATCH/log.jsonl" --server-timeout 3s > serve.out 2> serve.err;
  echo $? > "$SCRATCH/serve.rc" ) &
wait_until 1200 test -f "$SCRATCH/env"
SERVE_PID=$(ps -eo pid=,args= | awk -v e="$SCRATCH/env" \
	'index($0, "serve --api") && index($0, e) { print $1; exit }')
[ -f "$SCRATCH/env" ] && . "$SCRATCH/env"

test_expect_success 'proxies to goneaway.s server and to a service that is not MySQL' '
	test -n "$SERVE_PID" &&
	api POST /proxies "{\"name\":\"db\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"$GONEAWAY_UPSTREAM\"}" > p &&
	test "$(status p)" = 201 && json_of p listen | sed "s/.*://" > db.port &&
	api POST /proxies "{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:$ECHO_PORT\"}" > p &&
	test "$(status p)" = 201 && json_of p listen | sed "s/.*://" > echo.port2 &&
	sql "$(cat db.port)" "SELECT 1" > out && test "$(cat out)" = 1
'
DB_PORT=$(cat "$SCRATCH/db.port" 2>/dev/null)
PX_PORT=$(cat "$SCRATCH/echo.port2" 2>/dev/null)

test_expect_success 'a byte that is not MySQL passes as it comes, each way' '
	$ECHO rtt 127.0.0.1 "$PX_PORT" 5 > out; rc=$?; cat out; test $rc -eq 0
'

# Toxiproxy reads each socket all the time, so a close finds nothing
# unread and sends a FIN; a close with bytes unread would be a reset
# (the kernel's rule), which a client sees as ECONNRESET (issue 60)
test_expect_success 'the upstream hangs up while the client.s last bytes wait unread: a FIN' '
	$ECHO lastword 127.0.0.1 "$PX_PORT" "$SERVE_PID" "$ECHO_PID" > out; rc=$?
	cat out; test $rc -eq 0 && test "$(cat out)" = fin
'

test_expect_success 'a KILL waiting on a paused server: the API answers, other proxies within 100 ms' '
	client_start &&
	api POST /proxies/db/toxics "{\"type\":\"fault_pause\",\"name\":\"freeze\",\"attributes\":{\"args\":\"\"}}" > t &&
	cat t && test "$(status t)" = 200 &&
	api POST /proxies/db/toxics "{\"type\":\"mysql_kill\",\"name\":\"k\"}" > t &&
	test "$(status t)" = 200 &&
	echo "SELECT 1;" >&3 &&
	sleep 1 && ! grep -q "\"event\":\"kill\"" log.jsonl &&
	api_timed ms GET /goneaway/server > s &&
	cat s && echo "GET /goneaway/server: $(cat ms) ms" &&
	test "$(status s)" = 200 && test "$(cat ms)" -lt 1000 &&
	{ $ECHO rtt 127.0.0.1 "$PX_PORT" 11 8 > out; rc=$?; cat out; test $rc -eq 0; } &&
	med=$(sed -n "s/^median \([0-9]*\).* max \([0-9]*\).*/\1/p" out) &&
	max=$(sed -n "s/^median .* max \([0-9]*\).*/\1/p" out) &&
	test "$med" -lt 100 && test "$max" -lt 2000 &&
	! grep -q "\"event\":\"kill\"" log.jsonl &&
	api DELETE /proxies/db/toxics/freeze > t && test "$(status t)" = 204 &&
	wait_until 600 grep -q "\"event\":\"kill\"" log.jsonl &&
	api DELETE /proxies/db/toxics/k > t &&
	{ exec 3>&-; wait $CLIENT_PID; cat client.out; } &&
	grep -q "ERROR 2013" client.out
'

test_expect_success 'a restart whose stop times out: killed, started again, its state true' '
	api GET /goneaway/server > s && old=$(json_of s pid) &&
	api POST /proxies/db/toxics "{\"type\":\"fault_pause\",\"name\":\"freeze\",\"attributes\":{\"args\":\"\"}}" > t &&
	test "$(status t)" = 200 &&
	{ api POST /goneaway/server/restart > r & } && rpid=$! &&
	sleep 1 && api_timed ms GET /goneaway/server > s &&
	cat s && test "$(cat ms)" -lt 1000 &&
	test "$(json_of s state)" = restarting && test "$(json_of s pid)" = 0 &&
	wait $rpid && cat r && test "$(status r)" = 200 &&
	test "$(json_of r state)" = running &&
	new=$(json_of r pid) && test "$new" -gt 0 && test "$new" != "$old" &&
	kill -0 "$new" &&
	grep "\"what\":\"restart\"" log.jsonl | tail -n 1 > ev && cat ev &&
	grep -q "did not shut down" ev &&
	# what happened, not the machine: it was paused, and killed
	grep -q "it was paused.*it was killed" ev && ! grep -q "too slow" ev &&
	sql "$DB_PORT" "SELECT 1" > out && cat out && test "$(cat out)" = 1 &&
	api POST /goneaway/server/start > r && test "$(json_of r pid)" = "$new" &&
	api DELETE /proxies/db/toxics/freeze > t && test "$(status t)" = 204
'

test_expect_success 'with no server: 503 for what needs one, the state says so' '
	api POST /goneaway/server/stop > r && cat r && test "$(status r)" = 200 &&
	test "$(json_of r state)" = stopped && test "$(json_of r pid)" = 0 &&
	api POST /goneaway/server/read_only "{\"read_only\":true}" > r && cat r &&
	test "$(status r)" = 503 &&
	api POST /goneaway/server/start > r && test "$(json_of r state)" = running &&
	sql "$DB_PORT" "SELECT 1" > out && test "$(cat out)" = 1
'

test_expect_success 'SIGTERM while a KILL waits on a paused server: a prompt stop' '
	api POST /goneaway/server/start > r && test "$(json_of r state)" = running &&
	client_start &&
	api POST /proxies/db/toxics "{\"type\":\"fault_pause\",\"name\":\"freeze\",\"attributes\":{\"args\":\"\"}}" > t &&
	api POST /proxies/db/toxics "{\"type\":\"mysql_kill\",\"name\":\"k\"}" > t &&
	echo "SELECT 1;" >&3 && sleep 1 &&
	t0=$(now_ms) && kill -TERM "$SERVE_PID" &&
	wait_until 600 test -f serve.rc && t1=$(now_ms) && cat serve.err &&
	echo "stopped in $((t1 - t0)) ms" &&
	test "$(cat serve.rc)" = 0 && test $((t1 - t0)) -lt 10000 &&
	{ exec 3>&-; wait $CLIENT_PID; true; }
'

kill "$ECHO_PID" 2>/dev/null
wait "$ECHO_PID" 2>/dev/null

test_expect_success 'it left no trace' '
	! test -e env &&
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
