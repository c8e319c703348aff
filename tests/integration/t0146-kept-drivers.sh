#!/bin/sh
# t0146-kept-drivers: a driver process serves case after case (issue 41,
# docs/driver-protocol.md "Cases"), or, for a driver that declares
# "spawn", a copy forked fresh from its zygote serves each case and is
# never kept (issue 57); a verdict never depends on what ran before it:
# a kept driver gives the verdicts a fresh one gives
# (--fresh-drivers), every installed driver over the conformance
# scenarios and PyMySQL over the shipped suite, at -j 1 or 2 so that a
# process serves many cases; a driver that leaks something from a case
# (a connection, a child, a bad end-case) is caught and replaced; a
# driver cannot change the client namespace it is kept in; a driver of
# protocol 1 still gets a process per connection, and one written from
# docs/driver-protocol.md alone gives the shipped one's verdicts over
# the suite; nothing is left.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"
LEAKY="/usr/bin/python3 $TOP/tests/integration/data/drivers/leaky-driver.py"
P1="/usr/bin/python3 $TOP/tests/integration/data/drivers/protocol1-driver.py"
CONF="$TOP/drivers/conformance"

# Cases that each check their session is new (no user variable of the
# case before), then leave one.
printf '%s\n' 'title    A new session, a variable left in it' \
	'cause    (test fixture) none' 'connection app' 'connect app' \
	'query app SELECT @leak IS NULL' '    expect ok = 1' \
	'query app SET @leak = 1' > "$SCRATCH/new.gw"
cp "$SCRATCH/new.gw" "$SCRATCH/new2.gw" && cp "$SCRATCH/new.gw" "$SCRATCH/new3.gw"

# verdicts A.jsonl B.jsonl [NAME-A NAME-B]: the scenarios whose verdicts
# differ, printed; fails when any does (or when A has no case).  A run
# that wrote no results file stopped before its first case: what it said
# (A.out, beside A.jsonl) is shown, not only that the file is missing.
verdicts() {
	for f in "$1" "$2"; do
		test -f "$f" && continue
		echo "no $f: the run stopped before its first case; it said:"
		cat "${f%.jsonl}.out" 2>/dev/null
		return 1
	done
	python3 -c '
import json, sys
def load(f):
    v = {}
    for l in open(f):
        j = json.loads(l)
        if j.get("type") == "case":
            v[j["scenario"]["label"]] = j["verdict"]
    return v
a, b = load(sys.argv[1]), load(sys.argv[2])
na, nb = sys.argv[3], sys.argv[4]
bad = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
for k in bad:
    print("differs: %s %s %s, %s %s" % (k, na, a.get(k), nb, b.get(k)))
print("%d cases, %d differ" % (len(a), len(bad)))
sys.exit(1 if bad or not a else 0)
' "$1" "$2" "${3:-kept}" "${4:-fresh}"
}

test_expect_success 'a copy forked fresh from its zygote serves each case, each a new session' '
	"$GONEAWAY" run -j 1 -v --no-results --color never --client pymysql \
		new.gw new2.gw new3.gw > out 2>&1; rc=$?; cat out;
	test $rc -eq 0 &&
	grep -q "drivers: app: forked fresh from its zygote; client namespace: new" out &&
	test "$(grep -c "drivers: app: forked fresh from its zygote; client namespace: kept, its lab 1" out)" -eq 2
'

test_expect_success 'without spawn, every case gets a process started for it, never one that ran a case' '
	GONEAWAY_SPAWN=off "$GONEAWAY" run -j 1 -v -o res-ahead --color never \
		--client pymysql new.gw new2.gw new3.gw > out 2>&1; rc=$?; cat out;
	test $rc -eq 0 &&
	grep -q "drivers: app: started for this case; client namespace: new" out &&
	test "$(grep -c "drivers: app: started for this case; client namespace: kept, its lab 1" out)" -eq 2 &&
	! grep -q "kept from case" out &&
	# three processes, each its greeting and one case
	test "$(cat res-ahead/*/driver-app.log | grep -c "^goneaway: not used\|^goneaway: not kept")" -eq 0
'

test_expect_success 'GONEAWAY_KEEP=checked: a kept process serves the next cases, each a new session' '
	GONEAWAY_KEEP=checked GONEAWAY_SPAWN=off "$GONEAWAY" run -j 1 -v --no-results --color never \
		--client pymysql new.gw new2.gw new3.gw > out 2>&1; rc=$?; cat out;
	test $rc -eq 0 &&
	grep -q "drivers: app: started for this case; client namespace: new" out &&
	grep -q "drivers: app: kept from case 1 (checked); client namespace: kept, its lab 1" out &&
	grep -q "drivers: app: kept from case 2 (checked); client namespace: kept, its lab 1" out
'

test_expect_success '--fresh-drivers: a process per connection, as before' '
	"$GONEAWAY" run -j 1 -v --no-results --color never --fresh-drivers \
		--client pymysql new.gw new2.gw > out 2>&1; rc=$?; cat out;
	test $rc -eq 0 && test "$(grep -c "drivers: app: a process of its own$" out)" -eq 2
'

# A kept process (GONEAWAY_KEEP=checked and GONEAWAY_SPAWN=off: a copy
# its zygote forked, or a process started for its case, is never kept,
# whatever it leaks)
for mode in conn child endfail chatty noisy; do
	case $mode in
	conn) why="it holds 1 socket it did not hold after its greeting" ;;
	child) why="1 process it forked is left in its PID namespace" ;;
	endfail) why="end-case: it answered end-case with error: leaky: no" ;;
	chatty) why="\(it wrote a line after its end-case answer\|begin-case: .*wrote a reply nobody asked for\)" ;;
	noisy) why="its standard error holds 4[0-9] MiB, half the 64 MiB a driver.s may" ;;
	esac
	test_expect_success "a driver that leaks ($mode) is replaced: the next case gets a new process" "
		GONEAWAY_KEEP=checked GONEAWAY_SPAWN=off \"\$GONEAWAY\" run -j 1 -v -o res-$mode --color never \
			--client \"cmd:\$LEAKY $mode\" new.gw new2.gw > out-$mode 2>&1; rc=\$?;
		cat out-$mode res-$mode/new/driver-app.log; test \$rc -eq 0 &&
		grep -q 'drivers: app: started for this case' out-$mode &&
		grep -q 'drivers: app: replaced: $why' out-$mode &&
		# the check after end-case, or the next begin-case when the line
		# came after it (the note then in the next case's log)
		cat res-$mode/new/driver-app.log res-$mode/new2/driver-app.log |
			grep -q '^goneaway: not kept\( for the next case\)\?: $why'
	"
done

# Spawn (docs/driver-protocol.md, "Spawn"): a zygote that does not do
# what it is asked is given up, and the processes are started on their
# own for the rest of the worker; the cases run as with a fresh driver.
for mode in spawn-none spawn-two spawn-dies spawn-astray; do
	case $mode in
	spawn-none) why="its zygote answered spawn and forked none" ;;
	spawn-two) why="its zygote answered spawn and forked several processes" ;;
	# it ended before it opened its output: read as that output's end
	# once it ended ("after N ms"), not at the greeting's bound
	spawn-dies) why="driver [^ ]*: its greeting (after [0-9]* ms): .*closed its output, it exited" ;;
	# its greeting on the zygote's output: read there as a line of the
	# zygote's when it came before the zygote's answer, else waited for
	spawn-astray) why="\\(.*its greeting (.*): no reply bytes at all\\|its zygote: its answer to spawn has another id\\)" ;;
	esac
	test_expect_success "a zygote that breaks spawn ($mode) is given up: the processes are started on their own" "
		\"\$GONEAWAY\" run -j 1 -v -o res-$mode --color never \
			--client \"cmd:\$LEAKY $mode\" new.gw new2.gw > out-$mode 2>&1; rc=\$?;
		cat out-$mode res-$mode/new/driver-app.log; test \$rc -eq 0 &&
		grep -q 'goneaway: not spawned: $why.*; started on its own' res-$mode/new/driver-app.log &&
		test \$(grep -c 'drivers: app: started for this case' out-$mode) -eq 2
	"
done

# A process that a spawned copy started and that left it (a double fork,
# setsid) is in no process group goneaway ends with the copy: it is
# found in the zygote's PID namespace, which goes with every process in
# it (its spare copy too), and the next case gets a new zygote.
test_expect_success 'a process that leaves a spawned copy is found, and its zygote ended with it' '
	"$GONEAWAY" run -j 1 -v -o res-escape --color never \
		--client "cmd:$LEAKY escape" new.gw new2.gw > out 2>&1; rc=$?;
	cat out res-escape/new/driver-app.log; test $rc -eq 0 &&
	for c in new new2; do
		grep -q "^goneaway: its zygote was given up: process [0-9]* is left in its zygote.s PID namespace" res-escape/$c/driver-app.log || exit 1
	done &&
	test "$(grep -c "drivers: app: forked fresh from its zygote; client namespace: new" out)" -eq 1 &&
	test "$(grep -c "drivers: app: forked fresh from its zygote" out)" -eq 2
'

# The bound is end-case's 5 s, stretched on a busy machine (8 times at
# most, util/machine.h): each of the two cases waits it out and says so
# in its own log, which is what shows the run went on.  No wall time is
# asserted: when this test said 2 bounds + 120 s, a fresh run at load 10
# to 23 took 243.8 s (its first case 180 s, why not known);
# timeout(1) only turns a hang into a failure.
test_expect_success 'a driver that never answers end-case is ended on a bound, the run goes on' '
	GONEAWAY_KEEP=checked GONEAWAY_SPAWN=off timeout -s TERM 900 "$GONEAWAY" run -j 1 -v -o res-mute --color never \
		--client "cmd:$LEAKY endmute" new.gw new2.gw > out 2>&1; rc=$?;
	cat out res-mute/new/driver-app.log res-mute/new2/driver-app.log;
	test $rc -eq 0 &&
	for c in new new2; do
		ms=$(sed -n "s/^goneaway: not kept for the next case: end-case: its answer to end-case: no answer within \([0-9]*\) ms.*/\1/p" res-mute/$c/driver-app.log) &&
		say "$c: ended after no answer within $ms ms" &&
		test "$ms" -ge 5000 && test "$ms" -le 40000 || exit 1
	done
'

test_expect_success 'a kept driver cannot change its client namespace (sysctl, route, link), and stays kept' '
	GONEAWAY_KEEP=checked GONEAWAY_SPAWN=off "$GONEAWAY" run -j 1 -v -o res-sysctl --color never \
		--client "cmd:$LEAKY sysctl" new.gw new2.gw > out 2>&1; rc=$?;
	cat out res-sysctl/new/driver-app.log; test $rc -eq 0 &&
	grep -q "^leaky: sysctl refused: .*Read-only file system" res-sysctl/new/driver-app.log &&
	grep -q "^leaky: route add refused" res-sysctl/new/driver-app.log &&
	grep -q "^leaky: link add refused" res-sysctl/new/driver-app.log &&
	grep -q "drivers: app: kept from case 1 (checked)" out
'

test_expect_success 'a driver of protocol 1: a process per connection, the verdicts of --fresh-drivers' '
	"$GONEAWAY" run -j 1 -v --no-results --color never --jsonl p1.jsonl \
		--client "cmd:$P1" "$CONF" > p1.out 2>&1;
	"$GONEAWAY" run -j 1 --no-results --color never --jsonl p1f.jsonl \
		--fresh-drivers --client "cmd:$P1" "$CONF" > p1f.out 2>&1;
	! grep -q "forked fresh\|started for this case\|kept from case" p1.out &&
	grep -q "drivers: .*a process of its own" p1.out &&
	verdicts p1.jsonl p1f.jsonl
'

# Every installed driver, kept and fresh, over the conformance scenarios
# (every request and option): the same verdicts.  The kept run and the
# fresh one go side by side (each -j 1, so that a kept process serves
# every case of its run): one after the other, they left this file alone
# on the machine for its last half hour of a 50-minute make check.
for d in $(drivers_installed); do
	test_expect_success "$d: kept and fresh drivers give the same verdicts (conformance scenarios, -j 1)" "
		\"\$GONEAWAY\" run -j 1 --no-results --color never --jsonl kept-$d.jsonl \
			--client $d \"\$CONF\" > kept-$d.out 2>&1 &
		\"\$GONEAWAY\" run -j 1 --no-results --color never --jsonl fresh-$d.jsonl \
			--fresh-drivers --client $d \"\$CONF\" > fresh-$d.out 2>&1;
		wait;
		verdicts kept-$d.jsonl fresh-$d.jsonl
	"
done

test_expect_success 'pymysql: kept and fresh drivers give the same verdicts over the shipped suite' '
	"$GONEAWAY" run -j 2 --no-results --color never --jsonl suite-kept.jsonl \
		--client pymysql "$TOP/scenarios" > suite-kept.out 2>&1 &
	"$GONEAWAY" run -j 2 --no-results --color never --jsonl suite-fresh.jsonl \
		--fresh-drivers --client pymysql "$TOP/scenarios" > suite-fresh.out 2>&1;
	wait;
	tail -n 3 suite-kept.out suite-fresh.out;
	verdicts suite-kept.jsonl suite-fresh.jsonl
'

# Issue 41: a driver of protocol 1 written from docs/driver-protocol.md
# alone (t0097 runs driver-test on it) gives the verdicts of the shipped
# PyMySQL driver greeting as protocol 1, over the shipped suite: the
# document is enough to write one, and such a driver still gets a
# process per connection.
DOC="/usr/bin/python3 $TOP/tests/integration/data/drivers/fromdoc-driver.py"
test_expect_success 'a protocol 1 driver written from the document alone: the verdicts of the shipped one over the suite' '
	"$GONEAWAY" run -j 2 -v --no-results --color never --jsonl doc.jsonl \
		--client "cmd:$DOC" "$TOP/scenarios" > doc.out 2>&1 &
	"$GONEAWAY" run -j 2 --no-results --color never --jsonl p1s.jsonl \
		--client "cmd:$P1" "$TOP/scenarios" > p1s.out 2>&1;
	wait;
	tail -n 3 doc.out p1s.out;
	! grep -q "forked fresh\|started for this case\|kept from case" doc.out &&
	verdicts doc.jsonl p1s.jsonl from-the-document shipped
'

test_expect_success 'SIGTERM with kept drivers: nothing left' '
	"$GONEAWAY" run -j 2 --no-results --color never --client pymysql \
		"$TOP/scenarios" > term.out 2>&1 &
	pid=$!; sleep 4; kill -TERM $pid; wait $pid; rc=$?; tail -n 3 term.out;
	test $rc -ne 0
'

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
