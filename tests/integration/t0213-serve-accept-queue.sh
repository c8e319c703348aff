#!/bin/sh
# t0213-serve-accept-queue: a proxy deleted while connections wait in
# its listener's queue ends each with a FIN, not a reset (issue 60, "the
# resets explained"): closing a listener makes the kernel reset every
# connection it has not accepted, which a client making its connection
# sees as ECONNRESET.  Knex's stress script in a container job
# (t0206) got 4 and 18 such resets through serve in two runs at load 50
# and more, where serve's loop was late; Toxiproxy, whose accept loop
# dials the upstream before it accepts the next client, gives about a
# hundred a run (docs/toxiproxy.md, "Resets under stress").
#
# data/serve-accept-queue.py makes the queue: with a proxy-only serve
# (--no-server: any user, loopback only) stopped (SIGSTOP), the proxy's
# DELETE sent on an API connection serve already accepted, then 5
# connections to the proxy, which the kernel completes and queues;
# SIGCONT, and the DELETE is the first event serve handles.  Checked:
# the DELETE answers 204 and each of the 5 connections reads a FIN.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
leftover_snapshot > "$SCRATCH/before"

# (as root it becomes nobody, who cannot write in SCRATCH: the API's
# address from its output, which this shell opens)
( sh -c 'echo $$ > "$0/serve.pid" && exec "$@"' "$SCRATCH" \
	"$GONEAWAY" serve --no-server --api 127.0.0.1:0 \
	> "$SCRATCH/serve.out" 2> "$SCRATCH/serve.err"
  echo $? > "$SCRATCH/serve.rc" ) &
wait_until 300 grep -q "^TOXIPROXY_URL=" "$SCRATCH/serve.out"
SERVE_PID=$(cat "$SCRATCH/serve.pid" 2> /dev/null)
API_PORT=$(sed -n 's/^TOXIPROXY_URL=http:\/\/127\.0\.0\.1://p' "$SCRATCH/serve.out")
[ -n "$API_PORT" ] || cat "$SCRATCH/serve.err"
# on every exit: serve, by its PID, unless it was seen to end
stop_serve() {
	[ -z "$SERVE_PID" ] || { kill -CONT "$SERVE_PID"; kill -TERM "$SERVE_PID"; } 2> /dev/null
	SERVE_PID=""
}
trap stop_serve EXIT

test_expect_success 'a proxy deleted with 5 connections in its queue: each ends with a FIN' '
	test -n "$SERVE_PID" && test -n "$API_PORT" &&
	$PY "$TOP/tests/integration/data/serve-accept-queue.py" "$API_PORT" "$SERVE_PID" 5 > out
	rc=$?; cat out; test $rc -eq 0 &&
	grep -qx "DELETE: HTTP/1.1 204 No Content" out &&
	grep -qx "fin 5 reset 0 open 0" out
'

test_expect_success 'serve stops on SIGTERM, exit 0; nothing left' '
	kill -TERM "$SERVE_PID" && wait_until 100 test -f serve.rc &&
	test "$(cat serve.rc)" = 0 &&
	leftover_snapshot > after && new_leftovers "$SCRATCH/before" after
'
[ ! -f "$SCRATCH/serve.rc" ] || SERVE_PID=""

test_done
