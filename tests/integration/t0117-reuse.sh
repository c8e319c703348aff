#!/bin/sh
# t0117-reuse: a worker keeps its server for the next case only when the
# case left it clean, and that is checked (run/reuse.c): a mutant that
# changes a global, leaves a user or a schema behind without saying so
# makes the next case get a fresh server, and -v says why; the probe
# after it sees a server as fresh as a new one.  What a case can leave
# that the check undoes - tables in the application's database, sessions
# its clients abandoned - is undone, and the probe after it still sees a
# fresh server.  A KILL or a fault in the lab is no reason for a fresh
# server: the next case reads counters and the error log from its own
# mark, and the lab is checked as it was.  --fresh-servers and a
# scenario's "server fresh" start one for every case.  A run with a kept
# server leaves nothing behind under SIGINT, SIGTERM and SIGKILL, also
# with -j.
. "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/integration/data"
leftover_snapshot > "$SCRATCH/before"

# What a fresh server has: the probe FAILs on a server a mutant changed.
cat > "$SCRATCH/probe.gw" <<'EOF'
title    The globals, tables and users of a fresh server
cause    (test fixture) none: it reads what a case may have left
connection app
connect app
admin SELECT @@global.wait_timeout
    expect ok = 28800
admin SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'goneaway'
    expect ok = 0
admin SELECT COUNT(*) FROM mysql.user WHERE User = 'leftover'
    expect ok = 0
admin SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE User = 'goneaway'
    expect ok = 1
admin SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'elsewhere'
    expect ok = 0
EOF
cp "$SCRATCH/probe.gw" "$SCRATCH/probe2.gw"

# mutant NAME SQL: an admin step; mutant NAME SQL privileged: a query of
# a privileged connection (what the admin account may not do: CREATE
# DATABASE elsewhere)
mutant() {
	if [ "${3:-}" = privileged ]; then
		step="query root $2"
	else
		step="admin $2"
	fi
	cat > "$SCRATCH/$1.gw" <<-EOF
	title    A mutant that changes the server and does not say so
	cause    (test fixture) $2
	connection app
	connection root privileged
	connect app
	connect root
	$step
	    expect ok
	EOF
}
mutant global 'SET GLOBAL wait_timeout = 7'
mutant table 'CREATE TABLE goneaway.leftover (id INT)'
mutant user "CREATE USER 'leftover'@'%' IDENTIFIED BY 'x'"
mutant schema 'CREATE DATABASE elsewhere' privileged

test_expect_success 'a clean case leaves its server to the next one' '
	"$GONEAWAY" run -j 1 -v --no-results probe.gw probe2.gw > out 2>&1;
	cat out &&
	grep -q "^\[2/2\] probe2 *PASS" out &&
	grep -q "server after: kept for the next case" out &&
	grep -q "server: reused server: started for probe, its case 2" out &&
	grep -q "^servers started: 1 for 2 cases" out
'

for m in global user schema; do
	case $m in
	global) why='global wait_timeout changed (28800 -> 7)' ;;
	schema) why='schema elsewhere appeared' ;;
	user) why="grant '\''leftover'\''@'\''%'\'' appeared" ;;
	esac
	test_expect_success "a leftover $m is caught: the next case gets a fresh server, -v says why" "
		\"\$GONEAWAY\" run -j 1 -v --no-results probe.gw $m.gw probe2.gw > out 2>&1;
		cat out &&
		grep -q '^\\[2/3\\] $m *PASS' out &&
		grep -q '^\\[3/3\\] probe2 *PASS' out &&
		# what it left, among what else was different then (a session
		# of its client's, on a busy machine, not gone yet)
		grep 'server after: not kept: ' out | grep -qF '$why' &&
		grep 'server: fresh server: the last case'\\''s was not kept: ' out |
			grep -qF '$why' &&
		grep -q '^servers started: 2 for 3 cases' out
	"
done

test_expect_success 'a case with the short check, then one with the full check on its server: the full snapshot taken then still catches the change' '
	cat > plain.gw <<-\EOF &&
	title    The application account alone
	cause    (test fixture) none
	connection app
	connect app
	query app SELECT 1
	    expect ok = 1
	EOF
	"$GONEAWAY" run -j 1 -v --no-results plain.gw global.gw probe2.gw > out 2>&1;
	cat out &&
	grep -q "server after: kept for the next case: the same as at its start (the short check: its statements all run as the application account" out &&
	sed -n "/^\[2\/3\] global/,/^\[3\/3\]/p" out > second &&
	grep -q "server: reused server: started for plain, its case 2" second &&
	grep -qF "server after: not kept: global wait_timeout changed (28800 -> 7)" second &&
	grep -q "^\[3/3\] probe2 *PASS" out
'

test_expect_success 'a table left in the application database is dropped: the next case sees none, on the same server' '
	"$GONEAWAY" run -j 1 -v --no-results probe.gw table.gw probe2.gw > out 2>&1;
	cat out &&
	grep -q "^\[3/3\] probe2 *PASS" out &&
	grep -q "server after: kept for the next case: the same as at its start,.* once what it left in goneaway was dropped" out &&
	grep -q "^servers started: 1 for 3 cases" out
'

test_expect_success 'a session its client abandoned is KILLed: the next case sees none, on the same server' '
	cat > abandoned.gw <<-\EOF &&
	title    A client that gives up on a query the server goes on running
	cause    (test fixture) the client read timeout
	connection app read_timeout=1s
	connect app
	query app SELECT SLEEP(30)
	    expect CR_SERVER_LOST within 3s
	EOF
	"$GONEAWAY" run -j 1 -v --no-results probe.gw abandoned.gw probe2.gw > out 2>&1;
	cat out &&
	grep -q "^\[2/3\] abandoned *PASS" out &&
	grep -q "^\[3/3\] probe2 *PASS" out &&
	grep -q "server after: kept for the next case: the same as at its start, once the sessions it left were KILLed" out &&
	grep -q "^servers started: 1 for 3 cases" out
'

test_expect_success 'a fault in the lab, reverted: the lab is checked as it was and kept, the next case connects' '
	cat > walled.gw <<-\EOF &&
	title    A firewall that drops everything, reverted at the end
	cause    (test fixture) a fault in the lab
	connection app read_timeout=1s
	connect app
	fault wall firewall drop both
	query app SELECT 1
	    expect CR_SERVER_LOST within 3s
	EOF
	"$GONEAWAY" run -j 1 -v --no-results probe.gw walled.gw probe2.gw > out 2>&1;
	cat out &&
	grep -q "^\[2/3\] walled *PASS" out &&
	grep -q "^\[3/3\] probe2 *PASS" out &&
	sed -n "/^\[3\/3\] probe2/,\$p" out > third &&
	grep -q "server: reused server: started for probe, its case 3" third &&
	grep -q "^servers started: 1 for 3 cases" out
'

test_expect_success 'a fault on the server process (pause) gets the full check, and a clean server is kept' '
	cat > paused.gw <<-\EOF &&
	title    The server stopped and continued
	cause    (test fixture) a pause
	connection app read_timeout=1s
	connect app
	fault stop pause
	query app SELECT 1
	    expect CR_SERVER_LOST within 3s
	lift stop
	EOF
	"$GONEAWAY" run -j 1 -v --no-results probe.gw paused.gw probe2.gw > out 2>&1;
	cat out &&
	grep -q "^\[2/3\] paused *PASS" out &&
	grep -q "server after: kept for the next case: the same as at its start.*(the full check: a fault on the server process (line 5)" out &&
	grep -q "^servers started: 1 for 3 cases" out
'

test_expect_success 'a server step gets the full check: what the restarted server reads again is found' '
	cat > restarted.gw <<-\EOF &&
	title    A global set, the server restarted
	cause    (test fixture) a restart sets a global back
	connection root privileged
	connect root
	query root SET GLOBAL max_connect_errors = 7
	    expect ok
	server restart
	EOF
	cat > crashed.gw <<-\EOF &&
	title    A row in a mysql table, the server crashed and started
	cause    (test fixture) a crash keeps what was written
	connection root privileged
	connect root
	query root INSERT INTO mysql.time_zone_name VALUES ("Leftover/Zone", 1)
	    expect ok
	server crash
	server start
	EOF
	"$GONEAWAY" run -j 1 -v --no-results restarted.gw probe.gw crashed.gw probe2.gw > out 2>&1;
	cat out &&
	sed -n "/^\[1\/4\] restarted/,/^\[2\/4\]/p" out > first &&
	grep -q "server after: kept for the next case: the same as at its start.*(the full check: a server step (line 7)" first &&
	sed -n "/^\[3\/4\] crashed/,/^\[4\/4\]/p" out > third &&
	grep -q "server after: not kept: .*table mysql.time_zone_name rows changed" third &&
	grep -q "^servers started: 2 for 4 cases" out
'

# MySQL's caching_sha2_password cache is no part of a snapshot: an
# account that logged in once logs in again without the full
# authentication a cold server asks for.  Connector/J over the unix
# socket gets 1045 from a fresh MySQL 9.7 and would connect to a warm
# one (skip-networking.gw): a kept server's caches are emptied.
ROOTS=${GA_ROOTS:-/var/cache/goneaway/roots}
if test -f "$ROOTS/mysql-9.7/.goneaway-root" && test -f /usr/share/java/mariadb-java-client.jar &&
   command -v java > /dev/null; then
	test_expect_success 'a kept MySQL server starts the next case with a cold authentication cache' '
		cp "$TOP/scenarios/skip-networking.gw" again.gw &&
		"$GONEAWAY" run -j 2 -v --no-results --server mysql-9.7 \
			--client pymysql --client java \
			"$TOP/scenarios/skip-networking.gw" again.gw > out 2>&1;
		rc=$?; cat out; test $rc -eq 0 &&
		test "$(grep -c "server: reused server" out)" -ge 2 &&
		grep -q "^\[4/4\] again *PASS" out
	'
else
	test_skip 'a kept MySQL server starts the next case with a cold authentication cache' \
		'no mysql-9.7 root or no Connector/J (drivers/install-deps.sh java) here'
fi

test_expect_success 'steps.log says where the server came from and whether it was kept' '
	"$GONEAWAY" run -j 1 -o res probe.gw global.gw > out 2>&1;
	cat out res/global/steps.log &&
	grep -q "^server set-up: reused server: started for probe" res/global/steps.log &&
	grep -qF "server after: not kept: global wait_timeout changed (28800 -> 7)" res/global/steps.log &&
	grep -q "^server after: kept for the next case" res/probe/steps.log
'

test_expect_success 'a verdict reached on a kept server says so without -v, and so does report.txt, with the way to a fresh one' '
	sed "s/expect ok = 28800/expect ok = 7/" probe.gw > wrong.gw &&
	rm -rf res &&
	"$GONEAWAY" run -j 1 -o res probe.gw wrong.gw > out 2>&1;
	test $? -eq 1 && cat out res/wrong/report.txt &&
	grep -q "^\[2/2\] wrong *FAIL" out &&
	grep -qF "      server: reused server: started for probe, its case 2, checked clean after the one before (goneaway run --fresh-servers runs it on a fresh one)" out &&
	grep -q "^set-up:   reused server: started for probe.*(goneaway run --fresh-servers runs it on a fresh one)$" res/wrong/report.txt &&
	grep -q "^set-up:   fresh server: " res/probe/report.txt &&
	grep -q "\"server_setup\":\"reused server: started for probe" res/wrong/results.jsonl &&
	"$GONEAWAY" run -j 1 --fresh-servers --no-results wrong.gw > out2 2>&1;
	test $? -eq 1 && ! grep -q "server:" out2
'

test_expect_success '--fresh-servers: a server for every case' '
	"$GONEAWAY" run -j 1 -v --fresh-servers --no-results probe.gw probe2.gw > out 2>&1;
	cat out &&
	grep -q "^servers started: 2 for 2 cases" out &&
	grep -q "server: fresh server: --fresh-servers" out &&
	! grep -q "reused server" out
'

test_expect_success '"server fresh": the scenario gets a server of its own' '
	sed "/^connection/i server fresh" probe.gw > own.gw &&
	"$GONEAWAY" run -j 1 -v --no-results probe.gw own.gw probe2.gw > out 2>&1;
	cat out &&
	grep -q "server: fresh server: the scenario says .server fresh. (line 3)" out &&
	grep -q "^servers started: 3 for 3 cases" out
'

# The killed session counts itself in Aborted_clients as it ends, after
# the KILL returned: read at once, a fresh machine once saw 0.  MariaDB
# writes no line for a KILLed session, so the errorlog step answers "not
# there" when every session of the case has left the server (run/marks.c),
# and the count is in by then.
test_expect_success 'a status counter counts from the case: a KILL before it on the same server is not seen' '
	cat > counted.gw <<-\EOF &&
	title    A counter read from the case mark
	cause    (test fixture) none
	connection app
	connect app
	status Aborted_clients
	    expect ok = 0
	admin SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = "ABORTED_CLIENTS"
	    expect ok >= 1
	EOF
	cat > aborted.gw <<-\EOF &&
	title    A session killed, so Aborted_clients moves by one
	cause    (test fixture) a KILL
	connection app
	connect app
	kill app
	errorlog Aborted connection
	    expect error
	status Aborted_clients
	    expect ok = 1
	EOF
	"$GONEAWAY" run -j 1 -v --no-results probe.gw aborted.gw counted.gw aborted.gw > out 2>&1;
	cat out &&
	grep -q "^\[2/4\] aborted *PASS" out &&
	grep -q "^\[3/4\] counted *PASS" out &&
	grep -q "^\[4/4\] aborted-2 *PASS" out &&
	grep -q "^servers started: 1 for 4 cases" out
'

test_expect_success 'an error log line of the case before is not the next case'"'"'s' '
	cat > logged.gw <<-\EOF &&
	title    The server logs the session it timed out
	cause    (test fixture) wait_timeout
	connection app
	connect app
	query app SET SESSION wait_timeout = 1
	sleep 2s
	errorlog Got timeout reading communication packets
	EOF
	cat > unlogged.gw <<-\EOF &&
	title    No session timed out in this case
	cause    (test fixture) none
	connection app
	connect app
	errorlog Got timeout reading communication packets
	    expect error
	EOF
	rm -rf res &&
	"$GONEAWAY" run -j 1 -v -o res probe.gw logged.gw unlogged.gw > out 2>&1;
	cat out &&
	grep -q "^\[2/3\] logged *PASS" out &&
	grep -q "^\[3/3\] unlogged *PASS" out &&
	grep -q "^servers started: 1 for 3 cases" out &&
	grep -q "Got timeout reading communication packets" res/logged/mariadbd.err &&
	grep -q "ready for connections" res/unlogged/mariadbd.err &&
	grep -q "^\[goneaway\] \.\.\. [0-9]* bytes the server wrote for the cases it ran before this one are left out" res/unlogged/mariadbd.err &&
	! grep -q "Got timeout reading communication packets" res/unlogged/mariadbd.err
'

test_expect_success 'thread ids on a kept server: %thread%, same-thread and reconnected hold' '
	cat > threads.gw <<-\EOF &&
	title    Sessions told apart by thread id on a kept server
	cause    (test fixture) a KILL, and a client that reconnects
	connection app read_timeout=5s reconnect
	connection other
	connect app
	connect other
	query app SELECT CONNECTION_ID() = %thread[app]%
	    expect ok = 1 same-thread
	query other SELECT %thread[app]% <> %thread[other]%
	    expect ok = 1 same-thread
	admin KILL %thread[app]%
	    expect ok
	query app SELECT 1
	    expect ok = 1 reconnected within 2s
	EOF
	"$GONEAWAY" run -j 1 -v --no-results probe.gw threads.gw > out 2>&1;
	cat out &&
	grep -q "^\[2/2\] threads *PASS" out &&
	grep -q "server: reused server: started for probe" out
'

# Cases that take 2 s each: longer than two server starts, so the second
# worker starts a server of its own rather than wait for the first's.
test_expect_success '-j 2: each worker keeps a server of its own' '
	for f in probe probe2; do
		{ cat $f.gw && echo "sleep 2s"; } > slow-$f.gw || return 1
	done &&
	"$GONEAWAY" run -j 2 -v --no-results slow-probe.gw slow-probe2.gw \
		slow-probe.gw slow-probe2.gw > out 2>&1;
	cat out &&
	test "$(grep -c "server: reused server" out)" -eq 2 &&
	grep -q "^servers started: 2 for 4 cases" out &&
	grep -q "4 PASS" out
'

# Short cases wait for the worker whose server they can use when it ends
# within two server starts (plan/jobs_schedule.c; check_schedule.c
# proves the rule case by case): here one server for the four on an idle
# machine.  What is certain on any machine is checked: every case PASSes
# on the servers it shared and is counted once, started or reused; a
# start slowed past two of its measure by a busy machine lets the second
# worker start its own.
test_expect_success '-j 2: short cases share kept servers' '
	"$GONEAWAY" run -j 2 -v --no-results probe.gw probe2.gw probe.gw probe2.gw > out 2>&1;
	cat out &&
	started=$(sed -n "s/^servers started: \([0-9]*\) for 4 cases\$/\1/p" out) &&
	test -n "$started" &&
	test "$(grep -c "server: reused server" out)" -eq $((4 - started)) &&
	test "$started" -le 2 &&
	grep -q "4 PASS" out
'

# The long sleep runs on the server the probe was run on: the probe's
# evidence is kept once its case ended.
reused_up() {
	test -f res/probe/steps.log && test -n "$(servers_below "$1")"
}
both_reused_up() {
	test -f res/probe/steps.log && test -f res/probe2/steps.log &&
	test "$(servers_below "$1" | wc -l)" -eq 2
}

for sig in INT TERM; do
	case $sig in INT) want=130 ;; TERM) want=143 ;; esac
	test_expect_success "SIG$sig on a kept server: exit $want, nothing left" "
		rm -rf res &&
		\"\$GONEAWAY\" run -j 1 -v -o res probe.gw '$DATA/long-sleep.gw' > out 2>&1 &
		pid=\$! &&
		wait_until 600 reused_up \$pid &&
		sleep 0.5 &&
		kill -$sig \$pid;
		wait \$pid; rc=\$?; cat out; test \$rc -eq $want &&
		grep -q 'interrupted by signal' out &&
		grep -q 'server: reused server: started for probe' out &&
		grep -q 'server after: not kept: interrupted by a signal' out &&
		leftover_snapshot > after &&
		new_leftovers \"\$SCRATCH/before\" after
	"
	test_expect_success "-j 2: SIG$sig with two kept servers: exit $want, nothing left" "
		rm -rf res &&
		printf 'probe 9\\nprobe2 9\\nlong-sleep 1\\nlong-sleep-repeat 1\\n' > durations &&
		\"\$GONEAWAY\" run -j 2 -v -o res --durations durations probe.gw probe2.gw '$DATA/long-sleep.gw' '$DATA/long-sleep-repeat.gw' > out 2>&1 &
		pid=\$! &&
		wait_until 600 both_reused_up \$pid &&
		sleep 0.5 &&
		kill -$sig \$pid;
		wait \$pid; rc=\$?; cat out; test \$rc -eq $want &&
		grep -q 'interrupted by signal' out &&
		test \"\$(grep -c 'server: reused server' out)\" -eq 2 &&
		leftover_snapshot > after &&
		new_leftovers \"\$SCRATCH/before\" after
	"
done

test_expect_success 'SIGKILL on a kept server: it dies with the harness, the sweep removes the rest' '
	rm -rf res &&
	"$GONEAWAY" run -j 1 -o res probe.gw "$DATA/long-sleep.gw" > out 2>&1 &
	pid=$! &&
	wait_until 600 reused_up $pid &&
	servers_below $pid > servers &&
	test -s servers &&
	kill -KILL $pid;
	wait $pid; test $? -eq 137 &&
	for p in $(cat servers); do
		wait_until 300 eval "! kill -0 $p 2>/dev/null" || return 1
	done &&
	"$GONEAWAY" sweep &&
	wait_until 100 eval "leftover_snapshot > after; new_leftovers \"\$SCRATCH/before\" after >/dev/null" &&
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_expect_success '-j 2: SIGKILL with two kept servers: the workers end them, nothing left' '
	rm -rf res &&
	printf "probe 9\nprobe2 9\nlong-sleep 1\nlong-sleep-repeat 1\n" > durations &&
	"$GONEAWAY" run -j 2 -o res --durations durations probe.gw probe2.gw "$DATA/long-sleep.gw" "$DATA/long-sleep-repeat.gw" > out 2>&1 &
	pid=$! &&
	wait_until 600 both_reused_up $pid &&
	servers_below $pid > servers &&
	kill -KILL $pid;
	wait $pid; test $? -eq 137 &&
	for p in $(cat servers); do
		wait_until 300 eval "! kill -0 $p 2>/dev/null" || return 1
	done &&
	"$GONEAWAY" sweep &&
	wait_until 100 eval "leftover_snapshot > after; new_leftovers \"\$SCRATCH/before\" after >/dev/null" &&
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
