#!/bin/sh
# t0090-clients: the scenarios with client drivers other than the
# built-in one (drivers/drivers.list).
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"

# A driver that says something on its standard error: goneaway keeps it
# as driver-CONNECTION.log with the scenario's evidence.
cat > "$SCRATCH/noisy-driver.sh" <<EOS
echo "noisy driver: started as pid \$\$" >&2
exec /usr/bin/python3 "$TOP/drivers/pymysql/driver.py"
EOS

test_expect_success 'the driver'"'"'s standard error is kept with the evidence' '
	"$GONEAWAY" run --color never -o "$RESULTS" \
		--client "cmd:sh $SCRATCH/noisy-driver.sh" \
		"$TOP/scenarios/kill-running.gw" > noisy.out 2>&1;
	rc=$?; cat noisy.out; test "$rc" -eq 0 &&
	grep -q "^noisy driver: started as pid [0-9]" \
		"$RESULTS/kill-running/driver-app.log"
'

# A driver that answers a query with a negative errno (Node's -104,
# Connector/J's -1): not a MySQL error number (docs/driver-protocol.md),
# so the scenario is an ERROR naming the driver, never a FAIL or PASS
# that shows 4294967295.
cat > "$SCRATCH/bad-errno-driver.py" <<'EOS'
import json, sys
print(json.dumps({"hello": "goneaway-driver", "protocol": 1,
                  "driver": "bad-errno", "library": "test", "unsupported": {}}),
      flush=True)
for line in sys.stdin:
    req = json.loads(line)
    rep = {"id": req["id"], "result": "ok", "api": req["step"],
           "thread_after": 7}
    if req["step"] == "query":
        rep.update(result="error", errno=-104, message="read ECONNRESET")
    print(json.dumps(rep), flush=True)
EOS
cat > "$SCRATCH/lost.gw" <<'EOS'
title    A query that fails
cause    test
connection app
connect app
query app SELECT 1
    expect CR_SERVER_LOST
EOS

test_expect_success 'a driver that answers a negative errno is an ERROR naming it' '
	"$GONEAWAY" run --color never --no-results \
		--client "cmd:/usr/bin/python3 $SCRATCH/bad-errno-driver.py" \
		"$SCRATCH/lost.gw" > bad-errno.out 2>&1;
	rc=$?; cat bad-errno.out; test "$rc" -eq 3 &&
	grep -q "ERROR" bad-errno.out &&
	grep -q "errno -104" bad-errno.out &&
	! grep -q 4294967192 bad-errno.out
'

test_expect_success 'the run left no namespace, veth, table, process or temp dir' '
	leftover_snapshot > after &&
	diff "$SCRATCH/before" after
'

test_done
