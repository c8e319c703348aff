#!/bin/sh
# t0091-driver-requests: what a scenario gives a client beyond the
# language's own words (issue 18), and that no client takes it in vain:
#   - driver-option [SELECTOR] KEY=VALUE reaches the driver in connect's
#     options.driver_options, only the ones its selector gives it;
#   - execute NAME [blob=SIZE] VALUE... sends the values, typed;
#   - fetch NAME [rows=N] every D sends the slow reader's batch and wait;
#   - the built-in client does all three against the real server;
#   - every installed driver applies the options it knows (an init
#     command, multi statements) and refuses one it does not, by its
#     connector's own word: the connection is skipped, never run as if;
#   - --client NAME@VERSION runs another version of a Node connector,
#     and refuses a driver that cannot choose its version.
# What goneaway sends is read from bad-driver.py's echo mode, which logs
# every request line (BAD_DRIVER_LOG).
. "$(dirname "$0")/lib.sh"

DRIVER="$TOP/tests/integration/data/drivers/bad-driver.py"
DATA="$TOP/tests/integration/data/requests"
leftover_snapshot > "$SCRATCH/before"
# What the test's drivers write for it (their requests, a PID, a count)
# goes to a directory of the test's own they may write: every other
# mount a driver sees is read-only (client/confine.c).
DRV_OUT="$SCRATCH/drv"
mkdir -m 1777 "$DRV_OUT"
export GONEAWAY_DRIVER_WRITABLE="$DRV_OUT"

# request N FILE: line N of the requests log FILE (a JSON object)
# pretty-printed by member, one per line, for grep
request() {
	/usr/bin/python3 -c '
import json, sys
r = json.loads(open(sys.argv[2]).read().splitlines()[int(sys.argv[1]) - 1])
for k, v in sorted(r.items()):
    print("%s=%s" % (k, json.dumps(v, sort_keys=True)))' "$1" "$2"
}

test_expect_success 'the requests carry the driver options, the values and the slow fetch' '
	BAD_DRIVER_LOG=$DRV_OUT/req.log BAD_DRIVER_HELLO="{\"version\": \"1.2.0\"}" \
		"$GONEAWAY" run --color never -o res-req \
		--client "cmd:$DRIVER echo" "$DATA/requests.gw" > out-req 2>&1 &&
	cat out-req && grep -q "1 PASS" out-req &&
	request 1 drv/req.log > r1 && cat r1 &&
	grep -q "^options={.*\"driver_options\": {\"interpolateParams\": \"true\", \"x.y\": \"a b # c\"}" r1 &&
	request 3 drv/req.log > r3 && cat r3 &&
	grep -q "^blob=3\$" r3 &&
	grep -q "^params=\[-7, \"t \\\\\" x\", null, 9007199254740991\]\$" r3 &&
	request 4 drv/req.log > r4 && grep -q "^params=\[\]\$" r4 && grep -q "^blob=0\$" r4 &&
	request 6 drv/req.log > r6 && grep -q "^batch=2\$" r6 && grep -q "^every_ms=10\$" r6 &&
	request 8 drv/req.log > r8 && grep -q "^batch=1\$" r8 && grep -q "^every_ms=5\$" r8 &&
	request 10 drv/req.log > r10 && grep -q "^batch=0\$" r10 && grep -q "^every_ms=0\$" r10 &&
	request 11 drv/req.log > r11 && grep -q "\"driver_options\": {}" r11
'

test_expect_success 'goneaway check warns about a driver option for a client no driver has' '
	printf "title t\ncause c\nconnection app driver-option [client=nosuchdriver] a=1\nconnect app\n" > w.gw &&
	"$GONEAWAY" check w.gw > out-w 2>&1 && cat out-w &&
	grep -q "^w.gw:3:38: warning: client .nosuchdriver. is no driver in drivers/drivers.list" out-w &&
	"$GONEAWAY" check --client nosuchdriver w.gw > out-w2 2>&1 &&
	! grep -q warning out-w2
'

test_expect_success 'a client of another version gets the options its selector names' '
	BAD_DRIVER_LOG=$DRV_OUT/req-old.log BAD_DRIVER_HELLO="{\"version\": \"1.1.9\"}" \
		"$GONEAWAY" run --color never --no-results \
		--client "cmd:$DRIVER echo" "$DATA/requests.gw" > out-old 2>&1 &&
	request 1 drv/req-old.log > o1 && cat o1 &&
	grep -q "\"driver_options\": {\"interpolateParams\": \"true\", \"old\": \"1\"}" o1
'

test_expect_success 'the built-in client: an init command, typed values, a count that does not match, a slow fetch' '
	"$GONEAWAY" run -v --color never -o res-builtin "$DATA/builtin.gw" > out-builtin 2>&1;
	rc=$?; cat out-builtin; test $rc -eq 0 &&
	grep -q "fetch app: mysql_fetch_row: succeeded with .49. after" out-builtin
'

test_expect_success 'a driver option the built-in client does not take skips its connection' '
	"$GONEAWAY" run --color never -o res-unknown "$DATA/unknown-option.gw" > out-unknown 2>&1;
	rc=$?; cat out-unknown; test $rc -eq 0 &&
	grep -q "partly skipped: 2 of 4 steps .*connection .odd. (line 10): the builtin driver cannot do .connect.: no driver option .goneaway_no_such_option. (known: MYSQL_OPT_COMPRESS" out-unknown
'

# every driver installed here (lib.sh) but the C drivers, which run
# inside a server root (drivers/c: t0097 and t0025 run them), and the
# pools, which run no plain connection (t0125 runs them)
pool_drivers > "$SCRATCH/pools"
clients=
for d in $(drivers_installed); do
	grep -q "^$d  *c/run-in-root " "$TOP/drivers/drivers.list" ||
		grep -qxF "$d" "$SCRATCH/pools" ||
		clients="$clients --client $d"
done

if test -n "$clients"; then
	test_expect_success "every installed driver applies its options and refuses an unknown one:$clients" '
		"$GONEAWAY" run --color never -o res-drivers $clients \
			"$DATA/options-apply.gw" "$DATA/unknown-option.gw" > out-drivers 2>&1;
		rc=$?; cat out-drivers; test $rc -eq 0 &&
		test "$(grep -c "^\[[0-9]*/[0-9]*\] options-apply  *PASS" out-drivers)" -eq "$(echo $clients | wc -w | awk "{print \$1 / 2}")" &&
		test "$(grep -c "^\[[0-9]*/[0-9]*\] unknown-option  *SKIP" out-drivers)" -eq "$(echo $clients | wc -w | awk "{print \$1 / 2}")" &&
		test "$(grep -c "skipped: partly skipped: 2 of 4 steps were skipped with this client, the other 2 ran and matched; skipped: lines 10 and 11: connection .odd. (line 10): .*goneaway_no_such_option" out-drivers)" -eq "$(echo $clients | wc -w | awk "{print \$1 / 2}")"
	'
else
	test_skip 'every installed driver applies its options and refuses an unknown one' \
		'no driver installed here (drivers/install-deps.sh)'
fi

test_expect_success '--client NAME@VERSION: a malformed one, and a driver that cannot choose its version' '
	"$GONEAWAY" run --no-results --client "mysql2@x" "$DATA/builtin.gw" > out-v1 2>&1;
	test $? -eq 2 && grep -q "write NAME@VERSION, e.g. mysql2@3.9.0" out-v1 &&
	if driver_installed pymysql > /dev/null; then
		"$GONEAWAY" run --no-results --client "pymysql@9.9.9" "$DATA/builtin.gw" > out-v2 2>&1;
		test $? -eq 2 && cat out-v2 &&
		grep -q "greets with PyMySQL .* (version [0-9.]*), not 9.9.9: it cannot run another version of its connector" out-v2
	fi
'

if driver_installed mysql2 > /dev/null; then
	test_expect_success '--client mysql2@VERSION not installed says how to install it' '
		"$GONEAWAY" run --no-results --client "mysql2@0.0.1" "$DATA/builtin.gw" > out-v3 2>&1;
		test $? -eq 2 && cat out-v3 &&
		grep -q "mysql2 0.0.1 is not installed in .*drivers/node/versions/mysql2@0.0.1: sh drivers/node/install-version.sh mysql2 0.0.1" out-v3
	'
	# another version from npm (the cache makes it offline once fetched)
	if sh "$TOP/drivers/node/install-version.sh" mysql2 3.9.0 > "$SCRATCH/install.out" 2>&1; then
		test_expect_success '--client mysql2@3.9.0 next to mysql2: two versions, two columns, selectors by version' '
			cat > v.gw <<-\EOF &&
			title t0091: by version
			cause a selector on the connector version
			connection app
			connect app
			query app SELECT 1
			    expect [client=mysql2 < 3.10] ok = 1
			    expect ok != 1
			EOF
			"$GONEAWAY" run --color never -o res-v --client mysql2@3.9.0 \
				v.gw > out-v4 2>&1; test $? -eq 0 && cat out-v4 &&
			grep -q "^client: mysql2 (mysql2 3.9.0, Node.js" res-v/v/steps.log &&
			"$GONEAWAY" run --color never -o res-v2 --client mysql2@3.9.0 \
				--client mysql2 --markdown m.md v.gw > out-v5 2>&1;
			test $? -eq 1 && cat out-v5 m.md &&
			grep -q "| v  *| PASS ok  *| FAIL ok=.1. *|" m.md &&
			grep -q "local/mysql2@3.9.0" m.md &&
			test -d res-v2/local-mysql2@3.9.0/v
		'
	else
		test_skip '--client mysql2@3.9.0 next to mysql2: two versions, two columns, selectors by version' \
			"npm could not install mysql2 3.9.0 here: $(tail -n 1 "$SCRATCH/install.out")"
	fi
else
	test_skip '--client mysql2@VERSION' 'no node or mysql2 (drivers/install-deps.sh node)'
fi

test_expect_success 'nothing is left' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
