#!/bin/sh
# t0093-tls-verified: a connection declared tls=required is checked from
# the server side after each connect (the server's log of the login says
# "using SSL/TLS" or "using TCP/IP").  A driver that accepts tls=required
# and connects in the clear makes every TLS scenario an ERROR naming the
# connection, never a PASS; the shipped PyMySQL driver, which honours it,
# still PASSes them all.  The session is found from the server's side:
# the client's TCP port as the kernel lists the driver's sockets, matched
# to the server's processlist, never the thread id the driver reports
# (a liar that reports its other, encrypted session's id is an ERROR).
. "$(dirname "$0")/lib.sh"

DRIVER="$TOP/tests/integration/data/drivers/bad-driver.py"
ntls=$(ls "$TOP"/scenarios/*-tls.gw | wc -l)
leftover_snapshot > "$SCRATCH/before"

test_expect_success 'there are TLS scenarios to check' '
	test "$ntls" -ge 1
'

test_expect_success 'a driver that ignores tls=required is an ERROR in every TLS scenario' '
	"$GONEAWAY" run --color never --format tap -o res-notls \
		--client "cmd:$DRIVER notls" "$TOP"/scenarios/*-tls.gw \
		> notls.tap 2>&1; rc=$?; cat notls.tap;
	test "$rc" -eq 3 &&
	test "$(grep -c "^not ok [0-9]* - " notls.tap)" -eq "$ntls" &&
	! grep -q "^ok " notls.tap &&
	for f in "$TOP"/scenarios/*-tls.gw; do
		s=$(basename "$f" .gw)
		grep "connect app: the server sees thread [0-9]* of the client.s port [0-9]* without TLS" \
			"res-notls/$s/steps.log" | grep -q "using TCP/IP" &&
		grep -q "the client .bad-notls. ignored tls=required" \
			"res-notls/$s/steps.log" || return 1
	done
'

test_expect_success 'a driver that reports another session.s thread id is an ERROR in every TLS scenario' '
	"$GONEAWAY" run --color never --format tap -o res-other \
		--client "cmd:$DRIVER otherthread" "$TOP"/scenarios/*-tls.gw \
		> other.tap 2>&1; rc=$?; cat other.tap;
	test "$rc" -eq 3 &&
	test "$(grep -c "^not ok [0-9]* - " other.tap)" -eq "$ntls" &&
	! grep -q "^ok " other.tap &&
	for f in "$TOP"/scenarios/*-tls.gw; do
		s=$(basename "$f" .gw)
		grep "connect app: the server sees thread [0-9]* of the client.s port [0-9]* without TLS" \
			"res-other/$s/steps.log" | grep -q "using TCP/IP" || return 1
	done
'

test_expect_success 'a driver that reports a session it closed is an ERROR, its own encrypted' '
	"$GONEAWAY" run --color never -o res-stale \
		--client "cmd:$DRIVER stalethread" "$TOP/scenarios/kill-idle-tls.gw" \
		> stale.out 2>&1; rc=$?; cat stale.out; test "$rc" -eq 3 &&
	grep -q "\] kill-idle-tls  *ERROR" stale.out &&
	grep -q "connect app: the client .bad-stalethread. reported thread [0-9]*, which is on none of its sockets (the server has THREAD:PORT [0-9]*:[0-9]* on its port [0-9]*): tls=required cannot be checked" \
		res-stale/kill-idle-tls/steps.log
'

test_expect_success 'a driver that drops the database it is given is an ERROR' '
	"$GONEAWAY" run --color never -o res-nodb \
		--client "cmd:$DRIVER nodb" --client pymysql \
		"$TOP/tests/integration/data/database-named.gw" \
		> nodb.out 2>&1; rc=$?; cat nodb.out; test "$rc" -eq 3 &&
	grep -q "^database-named  *ERROR  *PASS ok *\$" nodb.out &&
	grep -q "connect app: the server sees thread [0-9]* in database .., not .goneaway.: the client .bad-nodb. ignored the connection.s database" nodb.out
'

test_expect_success 'the same driver connects and runs a plain scenario (no ERROR)' '
	"$GONEAWAY" run --color never -o res-plain \
		--client "cmd:$DRIVER notls" "$TOP/scenarios/kill-idle.gw" \
		> plain.out 2>&1; cat plain.out;
	grep -q "^line [0-9]*: connect app: pymysql.connect: succeeded" \
		res-plain/kill-idle/steps.log &&
	! grep -q "kill-idle *ERROR" plain.out
'

test_expect_success 'a driver that honours tls=required still PASSes every TLS scenario' '
	"$GONEAWAY" run --color never --format tap -o res-pymysql \
		--client pymysql "$TOP"/scenarios/*-tls.gw > pymysql.tap 2>&1
	rc=$?; cat pymysql.tap;
	test "$rc" -eq 0 &&
	test "$(grep -c "^ok [0-9]* - " pymysql.tap)" -eq "$ntls"
'

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
