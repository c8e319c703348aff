#!/bin/sh
# t0175-bounded-writes: what goneaway reads of a server's files, and what
# a case's processes write, is bounded by construction (issue 55, rows 6
# and 9).
#
# A server's directory holds what its own user writes (its datadir, its
# error log, its socket's directory): a file its user planted there is
# opened beneath the directory, no link followed, never blocking, a
# regular file alone, read within a bound.  The server's user (the test,
# as that user) plants a symlink to a 0600 root file and a FIFO as
# mysqld-auto.cnf in a kept server's datadir, and a symlink to a socket
# of its own in place of the server's: nothing of the root file reaches
# the evidence, nothing blocks, SIGTERM and SIGINT are prompt, no
# connection of goneaway's reaches the planted socket.
#
# A driver that writes 200 MiB to its standard error: its file stops at
# its bound where it is written (RLIMIT_FSIZE: the driver's write fails),
# -o's copy holds at most the stated size, marked where it was cut, and
# report.txt says what was cut.
. "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/integration/data"
DRIVER="$DATA/drivers/bad-driver.py"
leftover_snapshot > "$SCRATCH/before"
# What the test's drivers write for it (their requests, a PID, a count)
# goes to a directory of the test's own they may write: every other
# mount a driver sees is read-only (client/confine.c).
DRV_OUT="$SCRATCH/drv"
mkdir -m 1777 "$DRV_OUT"
export GONEAWAY_DRIVER_WRITABLE="$DRV_OUT"

# The root file a server's user must never see a byte of: its words and
# its size are looked for in everything the run wrote.
printf '{"Version": 1, "mysql_server": {"leaked_secret_word": {"Value": "s3cr3t-%s"}}}\n' \
	"$(date +%s%N)" > "$SCRATCH/secret"
chmod 600 "$SCRATCH/secret"
SECRET_SIZE=$(stat -c %s "$SCRATCH/secret")

# The first case idles while the test plants; the second reads the
# server's datadir and socket as a fresh server's.
cat > "$SCRATCH/planted.gw" <<'EOF'
title    A case that idles while its server's user plants a file
cause    (test fixture) none: the test acts as the server's user
connection app
connect app
sleep 8s
EOF
cat > "$SCRATCH/after.gw" <<'EOF'
title    The case after it
cause    (test fixture) none
connection app
connect app
query app SELECT 1
    expect ok = 1
EOF
cat > "$SCRATCH/long.gw" <<'EOF'
title    A long case, to be signalled
cause    (test fixture) none: the run is interrupted on purpose
connection app
connect app
sleep 60s
EOF


# plant GOPID WHAT: once the server below goneaway GOPID is ready (its
# socket is there) and its first case has had its snapshot taken (1.5 s
# later: taken at once), as the server's own user (its uid and gid, no
# group, no capability), in its datadir (its working directory):
#   link   mysqld-auto.cnf, a symlink to the root file
#   fifo   mysqld-auto.cnf, a FIFO
#   socket its socket (run/s.sock) replaced by a symlink to the test's
# Succeeds once planted (planted-WHAT says so).
plant() {
	srv=$(servers_below "$1" | head -n 1)
	test -n "$srv" || return 1
	d=/proc/$srv/cwd
	test -S "$d/../run/s.sock" && test -f "$d/ibdata1" || return 1
	sleep 1.5
	id=$(stat -c %u "$d/ibdata1")
	as_server="setpriv --reuid=$id --regid=$id --clear-groups --inh-caps=-all"
	case $2 in
	link) $as_server ln -s "$SCRATCH/secret" "$d/mysqld-auto.cnf" &&
		at=$d/mysqld-auto.cnf ;;
	fifo) $as_server mkfifo "$d/mysqld-auto.cnf" && at=$d/mysqld-auto.cnf ;;
	socket) $as_server sh -c 'rm -f "$1" && ln -s "$2" "$1"' - \
		"$d/../run/s.sock" "$SCRATCH/planted.sock" &&
		at=$d/../run/s.sock ;;
	esac && stat -c '%u %F' "$at" > "$SCRATCH/planted-$2" &&
	cat "$SCRATCH/planted-$2"
}

# gone_within TENTHS PID: PID has ended within TENTHS tenths of a second;
# else it is SIGKILLed (the test fails, nothing stays behind).
gone_within() {
	if wait_until "$1" eval "! kill -0 $2 2>/dev/null"; then
		return 0
	fi
	say "still running after $(( $1 / 10 )) s: SIGKILLed"
	kill -KILL "$2"
	return 1
}

test_expect_success 'a symlink planted as mysqld-auto.cnf: not followed, no byte, size or name of its target in the evidence, the server not kept' '
	rm -rf res &&
	"$GONEAWAY" run -j 1 -v -o res planted.gw after.gw > out 2>&1 &
	pid=$! &&
	wait_until 600 plant $pid link;
	gone_within 1200 $pid;
	wait $pid; rc=$?; cat out; test $rc -eq 0 &&
	grep -q "symbolic link" planted-link &&
	grep -q "^\[2/2\] after *PASS" out &&
	grep "server after: not kept: " out | grep -q "mysqld-auto.cnf.*symlink" &&
	grep -q "server: fresh server: the last case.s was not kept" out &&
	! grep -rqF leaked_secret_word out res &&
	! grep -rqF "$SECRET_SIZE bytes" out res
'

for sig in TERM INT; do
	case $sig in INT) want=130 ;; TERM) want=143 ;; esac
	test_expect_success "a FIFO planted as mysqld-auto.cnf: nothing blocks, SIG$sig after it is prompt" "
		rm -rf res planted-fifo &&
		\"\$GONEAWAY\" run -j 1 -v -o res planted.gw long.gw > out 2>&1 &
		pid=\$! &&
		# the kept-server check of the first case reads the datadir:
		# it ends, and the second case starts on a fresh server
		{ wait_until 600 plant \$pid fifo &&
		  grep -q fifo planted-fifo &&
		  wait_until 600 grep -q 'server after: not kept: .*mysqld-auto.cnf' out &&
		  wait_until 600 eval 'test -n \"\$(servers_below \$pid)\"'; } ;
		start=\$(date +%s) && kill -$sig \$pid;
		gone_within 150 \$pid;
		wait \$pid; rc=\$?; cat out; test \$rc -eq $want &&
		test \$(( \$(date +%s) - start )) -lt 15 &&
		grep 'server after: not kept: ' out | grep -q 'not a regular file' &&
		leftover_snapshot > after &&
		new_leftovers \"\$SCRATCH/before\" after
	"
done

test_expect_success 'a symlink planted in place of the server'"'"'s socket: no connection of goneaway'"'"'s follows it' '
	rm -rf res connected &&
	cat > via-socket.gw <<-\EOF &&
	title    Connections over the socket after the server'"'"'s user replaced it
	cause    (test fixture) none: the test acts as the server'"'"'s user
	connection app
	connection local transport=socket
	connect app
	sleep 8s
	connect local
	query local SELECT 1
	    expect ok = 1
	admin SELECT 1
	    expect ok = 1
	EOF
	: ;
	python3 -c "
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1]); s.listen(8)
while True:
    c, _ = s.accept()
    open(sys.argv[2], \"a\").write(\"connected\\n\")
    c.close()
" "$SCRATCH/planted.sock" "$SCRATCH/connected" &
	lp=$!
	wait_until 100 test -S planted.sock;
	"$GONEAWAY" run -j 1 -v -o res via-socket.gw > out 2>&1 &
	pid=$! &&
	wait_until 600 plant $pid socket;
	gone_within 1200 $pid;
	wait $pid; rc=$?; kill $lp; wait $lp; cat out;
	grep -q "symbolic link" planted-socket &&
	test ! -e connected && test $rc -eq 0 &&
	grep -q "^\[1/1\] via-socket *PASS" out
'

test_expect_success 'a driver that writes 200 MiB to its stderr: its file is bounded where written, -o keeps at most 8 MiB and says what it cut' '
	rm -rf res &&
	BAD_DRIVER_COUNT="$DRV_OUT/count" "$GONEAWAY" run --color never -o res \
		--client "cmd:$DRIVER noisy" "$DATA/bad-driver-query.gw" > out 2>&1;
	rc=$?; cat out; test $rc -eq 0 &&
	took=$(cat drv/count) && say "the driver'"'"'s writes took $took bytes" &&
	test "$took" -gt 0 && test "$took" -le $((64 << 20)) &&
	log=res/bad-driver-query/driver-app.log &&
	size=$(stat -c %s $log) && say "its copy in -o: $size bytes" &&
	test "$size" -le $(( (8 << 20) + 1024 )) &&
	head -n 1 $log | grep -q "bad-driver: starting in mode noisy" &&
	grep -aq "^\[goneaway\] \.\.\. [0-9]* bytes cut here" $log &&
	tail -n 1 $log | grep -q "^goneaway: its standard error reached the 64 MiB" &&
	grep -q "^cut: *driver-app.log" res/bad-driver-query/report.txt &&
	grep -q "\"evidence_cut\":\"driver-app.log" res/bad-driver-query/results.jsonl
'

test_expect_success 'nothing left' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
