#!/bin/sh
# t0201-fresh-copies: what a case leaves inside a driver process cannot
# change the next case's verdict (issue 57, docs/driver-protocol.md,
# "Cases" and "Spawn").  A driver that declares "spawn" gets a copy
# forked fresh from its zygote for every case, never kept: a case that
# set umask 077 and a variable in its process's environment
# (data/drivers/carry-driver.py) leaves nothing to the case after it,
# which gets its verdict alone under --fresh-drivers.  A driver that
# cannot fork gets a process started for each case; under
# GONEAWAY_KEEP=checked one is kept and checked from outside for the
# whole gap: a
# line it writes 300 ms after its end-case answer is the case's before,
# seen when the process is taken for the next case, which gets a new
# one and says why ("replaced: ...").  The report says where each
# process came from, in report.txt and results.jsonl (client_setup).
# Nothing is left, spare copies included.
. "$(dirname "$0")/lib.sh"

CARRY="/usr/bin/python3 $TOP/tests/integration/data/drivers/carry-driver.py"
leftover_snapshot > "$SCRATCH/before"

printf '%s\n' 'title    A case that leaves umask 077 and GA_CARRY in its driver' \
	'cause    (test fixture) none' 'connection app' 'connect app' \
	"query app SELECT 'leave'" > "$SCRATCH/leave.gw"
printf '%s\n' 'title    A case that looks for what a case before left in its driver' \
	'cause    (test fixture) none' 'connection app' 'connect app' \
	"query app SELECT 'probe'" '    expect ok = "clean"' > "$SCRATCH/probe.gw"
printf '%s\n' 'title    A case with a new session' \
	'cause    (test fixture) none' 'connection app' 'connect app' \
	'query app SELECT 1' > "$SCRATCH/new.gw"
cp "$SCRATCH/new.gw" "$SCRATCH/new2.gw"
# no connection: the driver process of the case before stays idle
# through it, so that what it writes 300 ms after its end-case comes
# before the next case takes it
printf '%s\n' 'title    A pause between two cases' \
	'cause    (test fixture) none' 'sleep 1s' > "$SCRATCH/pause.gw"

# verdict FILE NAME: the verdict of case NAME in results.jsonl FILE
verdict() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    j = json.loads(l)
    if j.get("type") == "case" and j["scenario"]["label"] == sys.argv[2]:
        print(j["verdict"])
' "$1" "$2"
}

# setup FILE NAME: its client_setup in results.jsonl FILE
setup() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    j = json.loads(l)
    if j.get("type") == "case" and j["scenario"]["label"] == sys.argv[2]:
        print(j.get("client_setup", ""))
' "$1" "$2"
}

if driver_installed pymysql; then
	test_expect_success 'probe alone, a process of its own: PASS' '
		"$GONEAWAY" run -j 1 --no-results --color never --fresh-drivers \
			--jsonl alone.jsonl --client "cmd:$CARRY" probe.gw > alone.out 2>&1;
		cat alone.out; test "$(verdict alone.jsonl probe)" = PASS
	'

	test_expect_success 'probe after leave (spawn): a fresh copy each, the verdict of probe alone' '
		"$GONEAWAY" run -j 1 -v -o res-pair --color never \
			--client "cmd:$CARRY" leave.gw probe.gw > pair.out 2>&1;
		cat pair.out; v=$(verdict res-pair/results.jsonl probe) &&
		say "probe after leave: $v" &&
		test "$v" = "$(verdict alone.jsonl probe)" &&
		test "$(grep -c "drivers: app: forked fresh from its zygote" pair.out)" -eq 2 &&
		setup res-pair/results.jsonl probe | grep -q "^app: forked fresh from its zygote; client namespace: kept" &&
		grep -q "^drivers: *app: forked fresh from its zygote" res-pair/probe/report.txt &&
		! grep -q "app: [^;]*kept for the next case" pair.out res-pair/results.jsonl
	'

	test_expect_success 'a kept driver that writes a line after its end-case: the next case gets a new process, and says why' '
		GONEAWAY_KEEP=checked "$GONEAWAY" run -j 1 -v -o res-late --color never \
			--client "cmd:$CARRY late" new.gw pause.gw new2.gw > late.out 2>&1;
		rc=$?; cat late.out res-late/new2/driver-app.log; test $rc -eq 0 &&
		grep -q "drivers: app: started for this case; client namespace: new" late.out &&
		grep -q "drivers: app: replaced: it wrote a line after its end-case answer, before this case" late.out &&
		setup res-late/results.jsonl new2 | grep -q "^app: replaced: it wrote a line after its end-case answer" &&
		grep -q "^goneaway: not kept: it wrote a line after its end-case answer, before this case" res-late/new2/driver-app.log
	'

	test_expect_success 'a kept driver that left nothing serves the next case, checked' '
		GONEAWAY_KEEP=checked GONEAWAY_SPAWN=off "$GONEAWAY" run -j 1 -v -o res-kept --color never \
			--client "cmd:$CARRY" new.gw new2.gw > kept.out 2>&1;
		rc=$?; cat kept.out; test $rc -eq 0 &&
		grep -q "drivers: app: started for this case" kept.out &&
		grep -q "drivers: app: kept from case 1 (checked)" kept.out &&
		setup res-kept/results.jsonl new2 | grep -q "^app: kept from case 1 (checked)"
	'

	test_expect_success 'SIGTERM while spare copies wait: nothing left' '
		"$GONEAWAY" run -j 2 --no-results --color never --client pymysql \
			"$TOP/scenarios" > term.out 2>&1 &
		pid=$!; sleep 4; kill -TERM $pid; wait $pid; rc=$?; tail -n 3 term.out;
		test $rc -ne 0
	'
else
	test_skip 'a fresh copy per case, a kept driver checked for the gap' "pymysql is not installed"
fi

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
