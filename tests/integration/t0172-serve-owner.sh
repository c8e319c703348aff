#!/bin/sh
# t0172-serve-owner: goneaway serve's API answers its owner only (issue
# 55, row 3; harness/serve/apigate.c, sockdiag.c, envfile.c): an
# ordinary user (nobody) who reaches the API is refused (403) unless it
# gives the token of the env file, or is the --owner; a Host that is not
# the API's own address (a DNS-rebinding page) is refused; a proxy
# listens below port 1024 only with --allow-low-ports, never beside
# another program's socket on the same port (another address, another
# family), and never has the API itself as its upstream.  The owner is
# the user who ran sudo (SUDO_UID) unless --owner says.  And the files
# serve is given (row 9): --log refuses a FIFO at once instead of
# blocking in open(); --env refuses a directory another user controls,
# writes a file only its owner reads, and at the stop removes only the
# file it wrote.  SIGTERM leaves nothing.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
API="$PY $TOP/tests/integration/data/serve-api.py"
ECHO="$PY $TOP/tests/integration/data/serve-echo.py"
leftover_snapshot > "$SCRATCH/before"

if [ "$(id -u)" -ne 0 ]; then
	test_skip 'goneaway serve answers its owner only' 'not root: its server runs in namespaces of its own'
	test_done
fi
if ! command -v setpriv > /dev/null; then
	test_skip 'goneaway serve answers its owner only' 'no setpriv (util-linux) to act as nobody'
	test_done
fi

# what nobody runs, copied where nobody can read it (the checkout may be
# below a directory nobody cannot search: a clone in /root)
mkdir "$SCRATCH/nb" && chmod 755 "$SCRATCH" "$SCRATCH/nb" &&
cp "$TOP/tests/integration/data/serve-api.py" "$SCRATCH/nb/" &&
chmod 644 "$SCRATCH/nb/serve-api.py"
NAPI="$PY $SCRATCH/nb/serve-api.py"
# as_nobody CMD...: CMD as the ordinary user nobody, from /
as_nobody() {
	(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups "$@")
}
status() { sed -n 1p "$1"; }
api() { $API "$TOXIPROXY_URL" "$@"; }
# with HEADER METHOD PATH [BODY]: a request that sends HEADER too
with() { h=$1; shift; $API --header "$h" "$TOXIPROXY_URL" "$@"; }
# start_serve ENV LOG [OPTIONS...]: a goneaway serve in the background,
# as sudo would start it for nobody (SUDO_UID), whose exit status goes
# to ENV.rc; SERVE_PID is its pid once ENV exists
start_serve() {
	env=$1 log=$2
	shift 2
	( cd "$SCRATCH" && SUDO_UID=65534 "$GONEAWAY" serve --api 127.0.0.1:0 \
		--env "$env" --log "$log" "$@" > "$env.out" 2> "$env.err"
	  echo $? > "$env.rc" ) &
	wait_until 1200 test -f "$env" || { cat "$env.err"; return 1; }
	SERVE_PID=$(ps -eo pid=,args= | awk -v e="$env" \
		'index($0, "serve --api") && index($0, e) { print $1; exit }')
	TOXIPROXY_URL=$(sed -n 's/^TOXIPROXY_URL=//p' "$env")
	API_PORT=${TOXIPROXY_URL##*:}
	TOKEN=$(sed -n 's/^GONEAWAY_API_TOKEN=//p' "$env")
	test -n "$SERVE_PID"
}
# stop_serve ENV: SIGTERM, and its exit status (0)
stop_serve() {
	kill -TERM "$SERVE_PID" &&
	wait_until 600 test -f "$1.rc" && cat "$1.err" &&
	test "$(cat "$1.rc")" = 0
}

test_expect_success 'every option of serve is in its --help and docs/toxiproxy.md' '
	opts=$("$GONEAWAY" --describe=options | sed -n "s/^serve --//p" |
		grep -vx help) &&
	test -n "$opts" && "$GONEAWAY" serve --help > help &&
	for o in $opts; do
		grep -q -- "--$o" help && grep -q -- "\`--$o" "$TOP/docs/toxiproxy.md" ||
			{ echo "--$o: not in serve --help or docs/toxiproxy.md"; return 1; }
	done
'

test_expect_success 'a FIFO as --log is refused at once (exit 2), not waited on' '
	mkfifo fifo &&
	timeout -k 2 20 "$GONEAWAY" serve --api 127.0.0.1:0 --log fifo > out 2> err
	rc=$?; cat err; "$GONEAWAY" sweep;
	test $rc -eq 2 && grep -q "goneaway serve: --log fifo: not a regular file" err
'

test_expect_success '--env in a directory another user owns, or anyone may write, is refused (exit 2)' '
	mkdir theirs open &&
	chown nobody theirs && chmod 777 open &&
	for d in theirs open; do
		timeout -k 2 20 "$GONEAWAY" serve --api 127.0.0.1:0 --owner root \
			--env "$d/env" > out 2> err
		rc=$?; cat err; "$GONEAWAY" sweep;
		test $rc -eq 2 && grep -q "goneaway serve: --env $d/env: " err &&
		! test -e "$d/env" || return 1
	done
'

mkdir "$SCRATCH/run"
start_serve "$SCRATCH/run/env" "$SCRATCH/log.jsonl" --owner root

test_expect_success 'the env file: its owner.s alone, with the token, which is not printed' '
	cat run/env && test -n "$TOKEN" &&
	echo "$TOKEN" | grep -Eqx "[0-9a-f]{32}" &&
	test "$(stat -c %a:%U run/env)" = 600:root &&
	! grep -q TOKEN run/env.out &&
	grep -v "^GONEAWAY_API_TOKEN=" run/env | cmp - run/env.out
'

test_expect_success 'a Host that is not the API.s address is refused (403), its own are taken' '
	with "Host: rebind.evil.example:$API_PORT" POST /proxies \
		"{\"name\":\"r\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:9\"}" > out &&
	cat out && test "$(status out)" = 403 && grep -q "Host" out &&
	with "Host: rebind.evil.example" GET /version > out && test "$(status out)" = 403 &&
	with "Host: 127.0.0.1:1" GET /version > out && test "$(status out)" = 403 &&
	with "Host: LOCALHOST:$API_PORT" GET /version > out && test "$(status out)" = 200 &&
	with "Host: 127.0.0.1:$API_PORT" GET /proxies > out && test "$(status out)" = 200 &&
	test "$(sed -n 2p out)" = "{}"
'

test_expect_success 'nobody is refused (403) and makes nothing; with the token it is answered' '
	as_nobody $NAPI "$TOXIPROXY_URL" GET /version > out; cat out &&
	test "$(status out)" = 403 && grep -q "owner" out &&
	as_nobody $NAPI "$TOXIPROXY_URL" POST /proxies \
		"{\"name\":\"n\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:9\"}" > out &&
	test "$(status out)" = 403 &&
	api GET /proxies > out && test "$(sed -n 2p out)" = "{}" &&
	as_nobody $NAPI --header "Authorization: Bearer $TOKEN" "$TOXIPROXY_URL" GET /version > out &&
	cat out && test "$(status out)" = 200 &&
	basic=$(printf "x:%s" "$TOKEN" | base64 -w0) &&
	as_nobody $NAPI --header "Authorization: Basic $basic" "$TOXIPROXY_URL" GET /proxies > out &&
	test "$(status out)" = 200 &&
	as_nobody $NAPI --header "Authorization: Bearer 0$TOKEN" "$TOXIPROXY_URL" GET /version > out &&
	test "$(status out)" = 403 &&
	grep "\"status\":403" log.jsonl | head -n 2
'

test_expect_success 'a proxy below port 1024 needs --allow-low-ports (400)' '
	api POST /proxies "{\"name\":\"low\",\"listen\":\"127.0.0.1:80\",\"upstream\":\"127.0.0.1:9\"}" > out &&
	cat out && test "$(status out)" = 400 && grep -q -- "--allow-low-ports" out &&
	api GET /proxies > out && test "$(sed -n 2p out)" = "{}"
'

# beside FAMILY_ADDR OTHER_LISTEN: a service of root's listens on
# FAMILY_ADDR (a port the kernel picks); a proxy on OTHER_LISTEN's
# address with that port is refused (500, Go's bind error's place)
beside() {
	rm -f svc.port
	$ECHO listen svc.port "$1" & svc=$!
	wait_until 100 test -f svc.port &&
	api POST /proxies "{\"name\":\"b\",\"listen\":\"$2:$(cat svc.port)\",\"upstream\":\"127.0.0.1:9\"}" > out
	rc=$?
	kill $svc; wait $svc
	cat out
	test $rc -eq 0 && test "$(status out)" = 500 &&
	grep -q "another program listens on port $(cat svc.port)" out
}

test_expect_success 'a proxy never listens beside another program on its port' '
	beside 127.0.0.1 "[::1]" && beside 127.0.0.1 127.0.0.2 &&
	if $PY -c "import socket; socket.socket(socket.AF_INET6).bind((\"::1\", 0))" 2> /dev/null; then
		beside ::1 127.0.0.1
	else
		echo "no IPv6 loopback here: a service on [::1] is left out"
	fi &&
	api GET /proxies > out && test "$(sed -n 2p out)" = "{}" &&
	api POST /proxies "{\"name\":\"free\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:9\"}" > out &&
	test "$(status out)" = 201 && api DELETE /proxies/free > out &&
	test "$(status out)" = 204
'

test_expect_success 'the API is no proxy.s upstream (400)' '
	api POST /proxies "{\"name\":\"self\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:$API_PORT\"}" > out &&
	cat out && test "$(status out)" = 400 &&
	api POST /proxies "{\"name\":\"self\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"localhost:$API_PORT\"}" > out &&
	test "$(status out)" = 400
'

test_expect_success 'at the stop, an env file that is no longer the one written stays' '
	echo "mine" > run/other && mv run/other run/env &&
	stop_serve run/env &&
	test "$(cat run/env)" = mine && rm run/env
'

mkdir -m 1777 "$SCRATCH/sticky"
start_serve "$SCRATCH/sticky/env" "$SCRATCH/log2.jsonl" --allow-low-ports

test_expect_success 'the user who ran sudo is the owner; --allow-low-ports: a proxy on a low port' '
	test "$(stat -c %a:%U sticky/env)" = 600:nobody &&
	as_nobody $NAPI "$TOXIPROXY_URL" GET /version > out && cat out &&
	test "$(status out)" = 200 &&
	low=$($PY -c "
import socket, subprocess
for p in range(1023, 900, -1):
    if subprocess.run([\"ss\", \"-Hltn\", \"sport = :%d\" % p], capture_output=True).stdout:
        continue
    s = socket.socket()
    try:
        s.bind((\"127.0.0.1\", p)); print(p); break
    except OSError:
        pass
") && test -n "$low" && echo "port $low" &&
	as_nobody $NAPI "$TOXIPROXY_URL" POST /proxies "{\"name\":\"low\",\"listen\":\"127.0.0.1:$low\",\"upstream\":\"127.0.0.1:9\"}" > out &&
	cat out && test "$(status out)" = 201
'

test_expect_success 'a loopback upstream is dialed as the owner, not as root' '
	rm -f svc.port && { $ECHO listen svc.port & } && svc=$! &&
	wait_until 100 test -f svc.port &&
	api POST /proxies "{\"name\":\"e\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:$(cat svc.port)\"}" > out &&
	port=$(sed -n "2s/.*\"listen\":\"127.0.0.1:\([0-9]*\)\".*/\1/p" out) &&
	$PY - "$port" "$(cat svc.port)" > ss.out <<-\EOF
	import socket, subprocess, sys
	c = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
	c.sendall(b"x"); assert c.recv(1) == b"x"
	print(subprocess.run(["ss", "-Htne", "state", "established",
	                      "( dport = :%s )" % sys.argv[2]],
	                     capture_output=True, text=True).stdout)
	EOF
	rc=$?; kill $svc; wait $svc; cat ss.out &&
	test $rc -eq 0 && grep -q "uid:65534" ss.out &&
	stop_serve sticky/env && ! test -e sticky/env
'

test_expect_success 'it left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
