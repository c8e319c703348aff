#!/bin/sh
# t0179-toxiproxy-api-test: Toxiproxy 2.12.0's own api_test.go (its 34
# tests of the HTTP API, through its Go client) against a running
# goneaway serve (issue 60, point 7).  It is built from Toxiproxy's
# source (the workspace's ../shared/toxiproxy tarball, or
# GA_TOXIPROXY_TARBALL) with Debian's Go and Go libraries, in GOPATH mode:
# nothing is downloaded.  The test harness is patched in the scratch
# copy, and only it:
#   - WithServer started Toxiproxy's server in the test's process on
#     localhost:8475 and cleared its collection after each test; it now
#     hands the tests TOXIPROXY_URL (goneaway serve's) and deletes every
#     proxy through the client after each test;
#   - the client and the tests' own requests use TOXIPROXY_URL instead
#     of localhost:8475;
#   - TestVersionEndpointReturnsVersion wants the version the library
#     was built as ("git" unless -ldflags says): it is built as 2.12.0,
#     the version of the API goneaway serve speaks, and compares with it.
# Then the same tests against a proxy-only serve (--no-server) that
# nobody runs (setpriv): 34 of 34 there too.
# It SKIPs (with why) without root, the tarball, golang-go or the Debian
# Go libraries build.sh installs.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"
what='Toxiproxy.s api_test.go passes against goneaway serve'
tarball=${GA_TOXIPROXY_TARBALL:-}
for d in "$TOP/../shared" "$TOP/../../shared"; do
	[ -z "$tarball" ] && [ -f "$d/toxiproxy/toxiproxy-2.12.0.tar.gz" ] &&
		tarball=$d/toxiproxy/toxiproxy-2.12.0.tar.gz
done
why=
[ "$(id -u)" -ne 0 ] && why='not root: goneaway serve.s server runs in namespaces of its own'
[ -z "$why" ] && [ -z "$tarball" ] && why='no toxiproxy-2.12.0.tar.gz (the workspace.s ../shared/toxiproxy, or GA_TOXIPROXY_TARBALL)'
[ -z "$why" ] && ! command -v go > /dev/null && why='no go (Debian.s golang-go)'
for lib in github.com/gorilla/mux github.com/prometheus/client_golang \
	github.com/rs/zerolog gopkg.in/tomb.v1; do
	[ -z "$why" ] && [ ! -d "/usr/share/gocode/src/$lib" ] &&
		why="no $lib in /usr/share/gocode (Debian.s golang-*-dev packages, as ../shared/toxiproxy/build.sh installs them)"
done
if [ -n "$why" ]; then
	test_skip "$what" "$why"
	test_done
fi

SERVE_PID=
cleanup() {
	[ -n "$SERVE_PID" ] && kill -TERM "$SERVE_PID" 2> /dev/null &&
		wait_until 600 sh -c "! kill -0 $SERVE_PID 2> /dev/null"
	SERVE_PID=
}
trap 'cleanup; rm -rf "$SCRATCH"; exit 1' INT TERM
trap cleanup EXIT

V=$SCRATCH/gp/src/github.com/Shopify/toxiproxy
test_expect_success 'api_test.go builds from Toxiproxy.s source, its harness pointed at TOXIPROXY_URL' '
	mkdir -p "$V" && tar -xzf "$tarball" -C "$V" && mv "$V/toxiproxy-2.12.0" "$V/v2" &&
	cd "$V/v2" &&
	sed -i "s/CallerMarshalFunc = func(pc uintptr, file string, line int) string {/CallerMarshalFunc = func(file string, line int) string {/" cmd/server/server.go &&
	/usr/bin/python3 "$TOP/tests/integration/data/toxiproxy-api-test.py" api_test.go &&
	grep -c "^func Test" api_test.go > "$SCRATCH/ntests" &&
	GOPATH="$SCRATCH/gp:/usr/share/gocode" GO111MODULE=off GOFLAGS= GOCACHE="$SCRATCH/gocache" \
		go test -c -ldflags "-X github.com/Shopify/toxiproxy/v2.Version=2.12.0" \
		-o "$SCRATCH/api.test" . &&
	test "$(cat "$SCRATCH/ntests")" = 34
'

( cd "$SCRATCH" && "$GONEAWAY" serve --api 127.0.0.1:0 --owner root \
	--env "$SCRATCH/env" > serve.out 2> serve.err; echo $? > serve.rc ) &
wait_until 1200 test -f "$SCRATCH/env" || cat "$SCRATCH/serve.err"
SERVE_PID=$(ps -eo pid=,args= | awk -v e="$SCRATCH/env" \
	'index($0, "serve --api") && index($0, e) { print $1; exit }')
TOXIPROXY_URL=$(sed -n 's/^TOXIPROXY_URL=//p' "$SCRATCH/env" 2> /dev/null)

# api_test OUT: every test of api_test.go against TOXIPROXY_URL's serve,
# its output to OUT: 34 of 34 pass
api_test() {
	test -n "$TOXIPROXY_URL" &&
	names=$(sed -n "s/^func \(Test[A-Za-z0-9_]*\)(.*/\1/p" "$V/v2/api_test.go" | paste -sd "|") &&
	( cd "$V/v2" && TOXIPROXY_URL=$TOXIPROXY_URL timeout -k 5 300 \
		"$SCRATCH/api.test" -test.v -test.run "^($names)\$" ) > "$1" 2>&1
	passed=$(grep -c "^--- PASS" "$1"); echo "api_test.go: $passed of 34"
	grep -A8 "^--- FAIL" "$1"
	test "$passed" = 34
}

test_expect_success 'api_test.go: 34 of 34 against goneaway serve' '
	api_test api.out
'

test_expect_success 'SIGTERM: serve stops (0), nothing is left' '
	kill -TERM "$SERVE_PID" && wait_until 600 test -f serve.rc &&
	test "$(cat serve.rc)" = 0 && SERVE_PID= &&
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

# the same against a proxy-only serve (--no-server) that nobody runs
NB=$SCRATCH/nobody
mkdir "$NB" && chown 65534:65534 "$NB" && chmod 755 "$SCRATCH"
( cd "$NB" && setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$GONEAWAY" serve --no-server --api 127.0.0.1:0 --env "$NB/env" \
	> "$NB/out" 2> "$NB/err"; echo $? > "$SCRATCH/nobody.rc" ) &
wait_until 600 test -f "$NB/env" || cat "$NB/err"
SERVE_PID=$(ps -eo pid=,args= | awk -v e="$NB/env" \
	'index($0, "serve --no-server") && index($0, e) && !index($0, "setpriv") { print $1; exit }')
TOXIPROXY_URL=$(sed -n 's/^TOXIPROXY_URL=//p' "$NB/env" 2> /dev/null)

test_expect_success 'api_test.go: 34 of 34 against goneaway serve --no-server, run by nobody' '
	ps -o user= -p "$SERVE_PID" | grep -qx nobody && api_test api-nobody.out
'

test_expect_success 'SIGTERM: the proxy-only serve stops (0), nothing is left' '
	kill -TERM "$SERVE_PID" && wait_until 600 test -f nobody.rc &&
	test "$(cat nobody.rc)" = 0 && SERVE_PID= &&
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
