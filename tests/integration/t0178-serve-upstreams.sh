#!/bin/sh
# t0178-serve-upstreams: goneaway serve takes every upstream Toxiproxy
# takes (issue 60, point 1: harness/serve/address.c, dialer.c, relay.c):
# a host name in any case, resolved at each connection (a name that does
# not resolve is that connection's end, logged with why, not a 400), any
# address; the relay's socket to it is the owner's to the kernel, so a
# "meta skuid OWNER reject" rule refuses the relay's dial as it refuses
# the owner's own (issue 55's promise: root never dials for another
# user).  A service that is not MySQL takes the byte toxics; the toxics
# that act on goneaway's server are refused with why (point 2), and the
# log's api line says why a request was refused (point 9).
#
# Everything happens in a mount and network namespace of the test's own
# (unshare): its hosts file, nsswitch.conf and resolv.conf are bound
# over /etc's in it (never the machine's resolver), its addresses are its
# loopback, 192.0.2.1 (TEST-NET-1) on it, its nftables rule is in it.
# goneaway serve runs there as sudo would start it for nobody.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
ECHO="$PY $TOP/tests/integration/data/serve-echo.py"
leftover_snapshot > "$SCRATCH/before"

if [ "$(id -u)" -ne 0 ]; then
	test_skip 'goneaway serve dials every upstream as its owner' 'not root: its server runs in namespaces of its own'
	test_done
fi
for tool in unshare nsenter nft setpriv; do
	if ! command -v $tool > /dev/null; then
		test_skip 'goneaway serve dials every upstream as its owner' "no $tool here"
		test_done
	fi
done

E=$SCRATCH/etc
mkdir "$E"
cat > "$E/hosts" <<-EOF
	127.0.0.1 localhost
	::1 localhost
	127.0.0.7 mysql db
	192.0.2.1 far
	127.0.0.1 apiname
EOF
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' > "$E/nsswitch.conf"
printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n' > "$E/resolv.conf"
chmod 644 "$E"/*

HOLDER= SERVE_PID= PIDS=
cleanup() {
	[ -n "$SERVE_PID" ] && kill -TERM "$SERVE_PID" 2> /dev/null &&
		wait_until 600 sh -c "! kill -0 $SERVE_PID 2> /dev/null"
	# the echo services (inns runs in a subshell: $! is not theirs)
	PIDS="$PIDS $(ps -eo pid=,args= | awk -v s="$SCRATCH/" \
		'index($0, "serve-echo.py listen") && index($0, s) { print $1 }')"
	for p in $PIDS; do kill "$p" 2> /dev/null; done
	ns_holder_stop
	SERVE_PID= PIDS=
}
trap 'cleanup; rm -rf "$SCRATCH"; exit 1' INT TERM
trap cleanup EXIT

# the namespaces' holder: /etc's files bound, lo up with 192.0.2.1 too
ns_holder "$E" 192.0.2.1/32
as_nobody() { inns setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
api() { inns $PY "$TOP/tests/integration/data/serve-api.py" "$TOXIPROXY_URL" "$@"; }
status() { sed -n 1p "$1"; }
# proxy NAME UPSTREAM: makes it (201); PORT is where it listens
proxy() {
	api POST /proxies "{\"name\":\"$1\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"$2\"}" > out &&
	cat out && test "$(status out)" = 201 &&
	PORT=$(sed -n "2s/.*\"listen\":\"127.0.0.1:\([0-9]*\)\".*/\1/p" out)
}
# through PORT: a byte and 4 KiB come back through the proxy at PORT
through() { inns $ECHO rtt 127.0.0.1 "$1" 2 && inns $ECHO rtt 127.0.0.1 "$1" 1 4096; }
# ended WORDS: the log's last connection line ended with WORDS in it
ended() {
	wait_until 50 sh -c "grep '\"event\":\"connection\"' '$SCRATCH/log.jsonl' | tail -n 1 | grep -q \"$1\"" ||
		{ grep '"connection"' "$SCRATCH/log.jsonl" | tail -n 2; return 1; }
}
# refused PORT: the proxy at PORT closes the connection it accepted
refused() { ! inns $ECHO rtt 127.0.0.1 "$1" 1 > /dev/null 2>&1; }

# the echo services, in the namespaces: one port P on 192.0.2.1,
# 127.0.0.7 (mysql, db) and 127.0.0.1
inns $ECHO listen "$SCRATCH/far.port" 192.0.2.1 &
wait_until 100 test -f "$SCRATCH/far.port"
P=$(cat "$SCRATCH/far.port" 2> /dev/null)
inns $ECHO listen "$SCRATCH/near.port" 127.0.0.7 "$P" &
inns $ECHO listen "$SCRATCH/lo.port" 127.0.0.1 "$P" &

test_expect_success 'the test.s namespaces: its hosts file, 192.0.2.1, echo services' '
	inns getent hosts far | grep -q 192.0.2.1 &&
	inns getent hosts DB | grep -q 127.0.0.7 &&
	wait_until 100 test -f near.port && wait_until 100 test -f lo.port &&
	test -n "$P"
'

( cd "$SCRATCH" && inns env SUDO_UID=65534 "$GONEAWAY" serve --api 127.0.0.1:0 \
	--env "$SCRATCH/env" --log "$SCRATCH/log.jsonl" > serve.out 2> serve.err
  echo $? > serve.rc ) &
wait_until 1200 test -f "$SCRATCH/env" || cat "$SCRATCH/serve.err"
SERVE_PID=$(ps -eo pid=,args= | awk -v e="$SCRATCH/env" \
	'index($0, "serve --api") && index($0, e) && !index($0, "nsenter") { print $1; exit }')
TOXIPROXY_URL=$(sed -n 's/^TOXIPROXY_URL=//p' "$SCRATCH/env" 2> /dev/null)
API_PORT=${TOXIPROXY_URL##*:}

test_expect_success 'names in any case and any address are taken, and relay' '
	test -n "$SERVE_PID" && test -n "$TOXIPROXY_URL" &&
	proxy byname "mysql:$P" && through "$PORT" &&
	proxy upper "DB:$P" && through "$PORT" &&
	proxy lo "LOCALHOST:$P" && through "$PORT" &&
	proxy far "far:$P" && through "$PORT" &&
	proxy addr "192.0.2.1:$P" && through "$PORT" &&
	grep "\"upstream\":\"DB:$P\"" log.jsonl | tail -n 1 | grep -q "the client closed"
'

test_expect_success 'a name is resolved at each connection, as Toxiproxy dials it' '
	proxy moving "db:$P" && through "$PORT" &&
	sed "s/^127.0.0.7 mysql db$/127.0.0.9 mysql db/" "$E/hosts" > hosts.new &&
	cat hosts.new > "$E/hosts" &&
	refused "$PORT" && ended "could not be reached: dial tcp 127.0.0.9:$P: connect: connection refused" &&
	sed "s/^127.0.0.9 mysql db$/127.0.0.7 mysql db/" "$E/hosts" > hosts.new &&
	cat hosts.new > "$E/hosts" && through "$PORT"
'

test_expect_success 'a name that does not resolve: the proxy is made, its connection ends with why' '
	proxy nowhere "nosuch.invalid:$P" &&
	refused "$PORT" && ended "could not be reached: dial tcp: lookup nosuch.invalid: " &&
	api GET /proxies/nowhere > out && test "$(status out)" = 200
'

test_expect_success 'no proxy leads to the API: localhost (400), a name resolving there (its connection)' '
	api POST /proxies "{\"name\":\"self\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"localhost:$API_PORT\"}" > out &&
	cat out && test "$(status out)" = 400 &&
	proxy selfname "apiname:$API_PORT" &&
	refused "$PORT" && ended "goneaway serve.s own API: no proxy leads there"
'

test_expect_success 'the relay dials as the owner: a meta skuid rule of the owner.s refuses it' '
	inns nft -f - <<-EOF &&
	table inet t0178 {
		chain out {
			type filter hook output priority 0;
			meta skuid 65534 tcp dport $P reject with tcp reset
		}
	}
	EOF
	inns $ECHO rtt 192.0.2.1 "$P" 1 &&
	! as_nobody $ECHO rtt 192.0.2.1 "$P" 1 &&
	api GET /proxies/far > out && PORT=$(sed -n "2s/.*\"listen\":\"127.0.0.1:\([0-9]*\)\".*/\1/p" out) &&
	refused "$PORT" && ended "dial tcp 192.0.2.1:$P: connect: connection refused" &&
	api GET /proxies/addr > out && PORT=$(sed -n "2s/.*\"listen\":\"127.0.0.1:\([0-9]*\)\".*/\1/p" out) &&
	refused "$PORT" && ended "could not be reached: connection refused" &&
	inns nft delete table inet t0178 &&
	through "$PORT"
'

test_expect_success 'a service that is not MySQL: byte toxics act, the server.s toxics are refused with why' '
	api POST /proxies/byname/toxics "{\"type\":\"mysql_kill\"}" > out &&
	cat out && test "$(status out)" = 400 &&
	grep -q "mysql_kill acts on goneaway.s server: proxy .byname. has upstream mysql:$P" out &&
	grep "\"status\":400" log.jsonl | tail -n 1 | grep -q "\"error\":\"mysql_kill acts on goneaway" &&
	api POST /proxies/byname/toxics "{\"type\":\"fault_firewall\",\"attributes\":{\"args\":\"reject both\"}}" > out &&
	test "$(status out)" = 400 && grep -q "acts on goneaway.s server" out &&
	api POST /proxies/byname/toxics "{\"type\":\"noop\"}" > out && test "$(status out)" = 200 &&
	api POST /proxies/byname/toxics "{\"type\":\"latency\",\"attributes\":{\"latency\":300}}" > out &&
	test "$(status out)" = 200 &&
	api GET /proxies/byname > out && PORT=$(sed -n "2s/.*\"listen\":\"127.0.0.1:\([0-9]*\)\".*/\1/p" out) &&
	inns $ECHO rtt 127.0.0.1 "$PORT" 1 > rtt.out && cat rtt.out &&
	awk "/^median/ { exit !(\$2 >= 290) }" rtt.out
'

test_expect_success 'SIGTERM: serve stops (0), nothing is left' '
	kill -TERM "$SERVE_PID" && wait_until 600 test -f serve.rc &&
	test "$(cat serve.rc)" = 0 && SERVE_PID= && cleanup &&
	tries=50 &&
	while leftover_snapshot > after &&
	      ! new_leftovers "$SCRATCH/before" after > /dev/null 2>&1 &&
	      [ $tries -gt 0 ]; do
		sleep 0.1; tries=$((tries - 1))    # the holder.s child is going
	done &&
	new_leftovers "$SCRATCH/before" after
'

test_done
