#!/bin/sh
# t0140-serve-npm: goneaway serve proved with clients nobody here wrote:
# toxiproxy-node-client and mysql2 from the npm registry, installed into
# a temporary directory the way drivers/node installs connectors (npm as
# nobody, no lifecycle script, every package of the lock exact with an
# sha512 integrity: drivers/node/npm-unprivileged.sh), run a
# Toxiproxy-style test (data/serve-toxiproxy.js) against goneaway serve:
# a proxy made, latency measured, limit_data cutting a big result,
# reset_peer failing the next query, /reset restoring, enabled=false
# refusing, and a goneaway toxic (mysql_kill) failing the next query
# with the server's own 1317.  SKIPs with the reason when node or the
# npm registry is not there.
. "$(dirname "$0")/lib.sh"

# the versions the test was written against
TOXIPROXY_CLIENT=toxiproxy-node-client@4.1.0
MYSQL2=mysql2@3.24.6

leftover_snapshot > "$SCRATCH/before"

if [ "$(id -u)" -ne 0 ]; then
	test_skip 'a Toxiproxy client.s test against goneaway serve' 'not root'
	test_done
fi
if ! command -v npm > /dev/null 2>&1 || ! command -v node > /dev/null 2>&1; then
	test_skip 'a Toxiproxy client.s test against goneaway serve' \
		'no node or npm (drivers/install-deps.sh node)'
	test_done
fi
. "$TOP/drivers/node/npm-unprivileged.sh"

# in /tmp: nobody must reach it (npm runs as nobody)
WORK=$(mktemp -d /tmp/goneaway-npm.XXXXXX)
chmod 755 "$WORK"
echo '{"private": true}' > "$WORK/package.json"
if ! npm_unprivileged "$WORK" view "$TOXIPROXY_CLIENT" version \
	> "$SCRATCH/reach.out" 2>&1; then
	rm -rf "$WORK"
	test_skip 'a Toxiproxy client.s test against goneaway serve' \
		"the npm registry does not answer: $(tail -n 1 "$SCRATCH/reach.out")"
	test_done
fi

test_expect_success "npm installs $TOXIPROXY_CLIENT and $MYSQL2 as nobody, no scripts, a checked lock" '
	npm_unprivileged "$WORK" install --save-exact "$TOXIPROXY_CLIENT" \
		"$MYSQL2" > npm.out 2>&1; rc=$?; cat npm.out; test $rc -eq 0 &&
	npm_lock_check "$WORK/package-lock.json" &&
	test -f "$WORK/node_modules/toxiproxy-node-client/package.json" &&
	test -f "$WORK/node_modules/mysql2/package.json" &&
	test -z "$(find "$WORK/node_modules" -user root | head -n 1)"
'

test_expect_success 'the Toxiproxy-style test passes against goneaway serve' '
	"$GONEAWAY" serve --api 127.0.0.1:0 --env env --log log.jsonl \
		> serve.out 2> serve.err &
	pid=$! &&
	wait_until 1200 test -f env &&
	cat env &&
	(set -a && . ./env && set +a &&
	 cd "$WORK" && NODE_PATH="$WORK/node_modules" \
		node "$TOP/tests/integration/data/serve-toxiproxy.js") > js.out 2>&1;
	rc=$?; cat js.out;
	kill -TERM $pid; wait $pid; src=$?; cat serve.err;
	test $rc -eq 0 && test $src -eq 0 &&
	grep -q "^ok mysql_kill: ER_QUERY_INTERRUPTED 1317 70100" js.out &&
	grep -q "^ok done" js.out
'

rm -rf "$WORK"

test_expect_success 'it left no trace' '
	! test -e "$WORK" &&
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
