#!/bin/sh
# t0060-verdicts: verdicts that once lied, evidence that was lost, and the
# strict mode a CI job uses to demand that nothing went untested.  Each
# test here failed against the harness before its fix.
#
# The sources it holds: harness/plan/sink_strict.c.
. "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/integration/data"
leftover_snapshot > "$SCRATCH/before"

run() {
	"$GONEAWAY" run --color never -o "$SCRATCH/res" "$@"
}

test_expect_success 'a reap long after the query answered is its answer, not a hang' '
	run -v "$DATA/reap-late-hang.gw" > out; rc=$?; cat out; test $rc -eq 1 &&
	grep -q "reap-late-hang *FAIL" out &&
	grep -q "reap app: succeeded with .0. after 1[0-9][0-9][0-9] ms, when expecting a hang" out
'

test_expect_success 'a call that failed before the deadline is reaped as its error' '
	run -v --step-timeout 2s "$DATA/reap-late-lost.gw" > out; rc=$?;
	cat out; test $rc -eq 0 &&
	grep -q "reap app: mysql_real_query: returned 2013 (CR_SERVER_LOST)" out
'

test_expect_success 'a call bound longer than --step-timeout waits for its own bound' '
	run -v --step-timeout 1s "$DATA/within-past-step-timeout.gw" > out; rc=$?;
	cat out; test $rc -eq 0 &&
	grep -q "within-past-step-timeout *PASS" out &&
	grep -q "query app: mysql_real_query: succeeded with .0. after [2-9][0-9][0-9][0-9] ms" out
'

test_expect_success 'the admin connection outlives the scenario'"'"'s wait_timeout and leaves no trace' '
	run "$DATA/admin-immune.gw" > out; rc=$?; cat out; test $rc -eq 0 &&
	grep -q "admin-immune *PASS" out &&
	! grep "goneaway_admin" "$SCRATCH/res/admin-immune/mariadbd.err"
'

test_expect_success 'client connections are an application account; privileged is asked for' '
	run "$DATA/app-account.gw" > out; rc=$?; cat out; test $rc -eq 0 &&
	grep -q "app-account *PASS" out
'

# Issue 56: the admin account grants on the application database again
# (and nothing outside it); the accounts are the template's, whose key
# is the bootstrap SQL's text: a changed SQL builds a new template, a
# stale one is never used (a copy of the fixtures without the grant
# option, in a cache of this test's own, gives the 1044 of issue 56).
test_expect_success 'an account a scenario makes is granted on the application database, nothing outside it' '
	run "$DATA/admin-grants.gw" > out; rc=$?; cat out; test $rc -eq 0 &&
	grep -q "admin-grants *PASS" out &&
	cp -R "$TOP/fixtures" fx &&
	set -- --cache "$SCRATCH/cache" --fixtures "$SCRATCH/fx" "$DATA/admin-grants.gw" &&
	{ run "$@" > out; rc=$?; cat out; test $rc -eq 0; } &&
	sed -i "/^GRANT ALL PRIVILEGES ON goneaway\.\* TO .goneaway_admin./,/;/s/ *WITH GRANT OPTION//" \
		fx/server/bootstrap.sql &&
	! grep -q "goneaway_admin.*WITH GRANT" fx/server/bootstrap.sql &&
	! grep -q "^  WITH GRANT OPTION" fx/server/bootstrap.sql &&
	{ run "$@" > out; rc=$?; cat out; test $rc -eq 3; } &&
	grep -q "admin-grants.gw:14: admin: returned 1044 (ER_DBACCESS_DENIED_ERROR)" out &&
	test "$(ls -d cache/template-* cache/*/template-* 2>/dev/null | wc -l)" -eq 1
'

test_expect_success 'a server option the server adjusts is reported, with its line' '
	run "$DATA/option-adjusted.gw" > out; rc=$?; cat out; test $rc -eq 0 &&
	grep -q "line 4: server-option max_connections: the server said: .*adjusted to 10" out &&
	grep -q "adjusted to 10" "$SCRATCH/res/option-adjusted/steps.log"
'

test_expect_success 'a server option the server refuses is ERROR at its line' '
	run "$DATA/option-rejected.gw" > out; rc=$?; cat out; test $rc -eq 3 &&
	grep -q "option-rejected.gw:5: server-option no_such_option: the server refused it: .*unknown variable" out
'

test_expect_success 'a server that never came up is no server started; its error log is kept' '
	{ run "$DATA/option-rejected.gw" > out; rc=$?; cat out; test $rc -eq 3; } &&
	! grep -q "^servers started:" out &&
	grep -q "\"type\":\"case\".*\"servers_started\":0," "$SCRATCH/res/results.jsonl" &&
	grep -q "\"type\":\"end\".*\"servers_started\":0," "$SCRATCH/res/results.jsonl" &&
	grep -q "unknown variable" "$SCRATCH/res/option-rejected/mariadbd.err" &&
	{ run --server-timeout 1ms "$TOP/tests/bench/trivial/trivial-01.gw" \
		> out; rc=$?; cat out; test $rc -eq 3; } &&
	grep -q "the server was not ready within" out &&
	! grep -q "^servers started:" out &&
	{ run "$DATA/option-rejected.gw" "$TOP/tests/bench/trivial/trivial-01.gw" \
		> out; rc=$?; cat out; test $rc -eq 3; } &&
	grep -q "^servers started: 1 for 2 cases" out
'

test_expect_success 'requires names the server a scenario needs: SKIP otherwise' '
	run "$DATA/requires-mysql.gw" > out; rc=$?; cat out; test $rc -eq 0 &&
	grep -q "requires-mysql *SKIP" out &&
	grep -q "skipped: requires mysqld: the server is .*MariaDB" out
'

test_expect_success 'requires [SELECTOR] names a server version: SKIP outside it, run inside' '
	run "$DATA/requires-version.gw" "$DATA/requires-version-ok.gw" > out;
	rc=$?; cat out; test $rc -eq 0 &&
	grep -q "requires-version *SKIP" out &&
	grep -q "skipped: requires \[mariadb >= 99\]: the server is .*MariaDB.*, the client builtin" out &&
	grep -q "requires-version-ok *PASS" out
'

test_expect_success '--strict: a SKIP fails the run (exit 4) unless its kind is allowed' '
	run --strict "$DATA/requires-mysql.gw" > out 2> err; rc=$?;
	cat out err; test $rc -eq 4 &&
	grep -q -- "--strict: .*requires-mysql.gw was skipped (flavour: " err &&
	run --strict --allow-skip flavour "$DATA/requires-mysql.gw" > out 2> err &&
	! grep -q strict err
'

test_expect_success '--strict: no server at all is not a green run' '
	run --strict --mariadbd /nonexistent/mariadbd "$TOP/scenarios/kill-idle.gw" \
		> out 2> err; rc=$?; cat out err; test $rc -eq 4 &&
	grep -q "skipped (server: no mariadbd at /nonexistent/mariadbd" err
'

test_expect_success 'results that cannot be kept stop the run before it starts (exit 2)' '
	"$GONEAWAY" run -o /proc/nope "$TOP/scenarios/kill-idle.gw" > out 2> err;
	rc=$?; cat out err; test $rc -eq 2 &&
	grep -q "goneaway: -o /proc/nope: cannot keep results there" err &&
	! grep -q "kill-idle" out
'

test_expect_success '--allow-skip names a known kind' '
	"$GONEAWAY" run --allow-skip nope "$DATA/requires-mysql.gw" 2> err;
	test $? -eq 2 && grep -q "not one of: root, server, flavour, netem" err
'

test_expect_success 'two scenarios with one name keep their own evidence and names' '
	mkdir -p a b && cp "$TOP/scenarios/kill-idle.gw" a/x.gw &&
	cp "$TOP/scenarios/kill-idle.gw" b/x.gw &&
	"$GONEAWAY" run --color never -o dup --junit dup.xml a b > out; rc=$?;
	cat out; test $rc -eq 0 &&
	grep -q "^\[1/2\] a/x  *PASS" out && grep -q "^\[2/2\] b/x  *PASS" out &&
	test -f dup/a/x/steps.log && test -f dup/b/x/steps.log &&
	grep -q "scenario: a/x.gw" dup/a/x/steps.log &&
	grep -q "scenario: b/x.gw" dup/b/x/steps.log &&
	grep -q "<testcase [^>]*name=\"a/x\"" dup.xml &&
	grep -q "<testcase [^>]*name=\"b/x\"" dup.xml
'

test_expect_success 'a server that is gone under an admin step is an ERROR that says so' '
	run -j 1 "$DATA/server-gone.gw" > out; rc=$?; cat out; test $rc -eq 3 &&
	grep -q "admin: the server is gone (it exited with status 0); its error log ends: .*Shutdown complete" out
'

# A crash that is the server's bug, not the scenario's (MariaDB 10.11 once
# crashed under the TLS check's query): the report names the signal and
# the crash line of the error log, not "can't connect through socket".
test_expect_success 'a server that crashes under an admin query: the signal and its crash line' '
	"$GONEAWAY" run -j 1 --color never --no-results "$DATA/admin-crash.gw" > out 2>&1 & gp=$!
	sp="" tries=100
	while [ -z "$sp" ] && [ $tries -gt 0 ]; do
		sleep 0.1; tries=$((tries - 1))
		sp=$(servers_below $gp)
	done
	# the signal once the admin query runs: app connected (TCP, in the
	# server namespace) and the admin connection on the server unix
	# socket (its server end is in the namespace of the connecting side,
	# this one); a second after the server appeared was still during
	# connect app on a busy machine (its FAIL, not the crash)
	tries=300 sock=""
	while test -n "$sp" && [ $tries -gt 0 ]; do
		[ -n "$sock" ] || sock=$(nsenter -t $sp -n ss -Hxln | awk "{ print \$5; exit }")
		nsenter -t $sp -n ss -Htn state established "( sport = :3306 )" | grep -q . &&
			[ -n "$sock" ] && ss -Hxn | grep -qF "$sock" && break
		sleep 0.1; tries=$((tries - 1))
	done
	sleep 0.5
	test -n "$sp" && kill -SEGV $sp; wait $gp; rc=$?; cat out; test $rc -eq 3 &&
	grep -q "admin: the server is gone (it was killed by signal 11 (Segmentation fault)); its error log (mariadbd.err in the evidence): .* got signal 11" out
'

test_expect_success 'the verdict tests left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
