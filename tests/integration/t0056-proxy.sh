#!/bin/sh
# t0056-proxy: a proxy in the middle.  --proxy is a matrix axis like
# --server and --client: the table's columns, the evidence directories,
# TAP, JUnit, Markdown and the JSON Lines cases name it, and "goneaway
# report" merges by it.  A scenario without a proxy line runs behind
# what --proxy names; one with "proxy none REASON" SKIPs behind a proxy
# with its reason (kind proxy); one with "proxy haproxy" runs behind
# HAProxy in every column, and its "proxy" steps act on it.  The proxy
# is goneaway's child and dies with it: SIGINT, SIGTERM and SIGKILL
# leave no haproxy process (lib.sh's leftover snapshot lists them), no
# namespace and no temp dir; -j gives what -j 1 gives.
#
# The sources it holds: harness/plan/combo.c.
. "$(dirname "$0")/lib.sh"

S="$TOP/scenarios"
leftover_snapshot > "$SCRATCH/before"

if ! test -x /usr/sbin/haproxy; then
	test_skip 'every proxy test' 'no /usr/sbin/haproxy (make deps installs haproxy)'
	test_done
fi

run() {
	"$GONEAWAY" run --color never "$@"
}

# A scenario behind a proxy of its own, idling long enough to be signalled
cat > "$SCRATCH/proxied-sleep.gw" <<'EOF'
title    A long idle behind HAProxy, for signal tests
cause    (test fixture) none: the run is interrupted on purpose
proxy haproxy
connection app read_timeout=5s
connect app
sleep 60s
query app SELECT 1
EOF

test_expect_success 'an unknown --proxy is a usage error naming the known ones' '
	run --proxy haprxy "$S/kill-idle.gw" > out 2> err; test $? -eq 2 &&
	grep -q "goneaway: --proxy: .haprxy. is not a proxy goneaway can run (known: none, haproxy)" err
'

test_expect_success 'check knows the proxy lines; a bad one names its line and column' '
	"$GONEAWAY" check "$S/proxy-restart.gw" "$S/wait-timeout.gw" &&
	printf "title t\ncause c\nproxy haprxy\nconnection a\nconnect a\n" > bad.gw &&
	"$GONEAWAY" check bad.gw > out 2>&1; test $? -eq 2 &&
	grep -q "bad.gw:3:7: error: unknown proxy .haprxy.; did you mean .haproxy.?" out
'

test_expect_success 'two proxies, one table: a column each, none SKIPs only for its reason' '
	run --strict --allow-skip proxy -o res --proxy none --proxy haproxy \
		--markdown matrix.md --junit junit.xml --format tap \
		"$S/kill-idle.gw" "$S/wait-timeout.gw" "$S/proxy-idle-timeout.gw" \
		> tap.out; rc=$?; cat tap.out; test $rc -eq 0 &&
	grep -q "^ok [0-9]* - kill-idle \[local/builtin/none\]$" tap.out &&
	grep -q "^ok [0-9]* - kill-idle \[local/builtin/haproxy\]$" tap.out &&
	grep -q "^ok [0-9]* - wait-timeout \[local/builtin/none\]$" tap.out &&
	grep -q "^ok [0-9]* - wait-timeout \[local/builtin/haproxy\] # SKIP the scenario tests a direct connection, not one through haproxy (proxy none): the server.s timeout" tap.out &&
	grep -q "^ok [0-9]* - proxy-idle-timeout \[local/builtin/none\]$" tap.out &&
	grep -q "^ok [0-9]* - proxy-idle-timeout \[local/builtin/haproxy\]$" tap.out &&
	test "$(grep -c "^  proxy: \"HAProxy 2" tap.out)" -eq 3 &&
	grep -q "| scenario *| local/builtin/none *| local/builtin/haproxy *|" matrix.md &&
	grep -q "^| wait-timeout *| PASS 2006,error *| SKIP *|" matrix.md &&
	grep -q "testsuite name=\"local/builtin/haproxy\"" junit.xml &&
	grep -q "testsuite name=\"local/builtin/none\"" junit.xml
'

test_expect_success 'JSON Lines name the proxy asked for and the one that ran' '
	grep "\"type\":\"case\"" res/results.jsonl > cases &&
	test "$(wc -l < cases)" -eq 6 &&
	test "$(grep -c "\"proxy\":\"none\"" cases)" -eq 3 &&
	test "$(grep -c "\"proxy\":\"haproxy\"" cases)" -eq 3 &&
	grep "\"label\":\"kill-idle\"" cases | grep "\"proxy\":\"haproxy\"" | grep -q "\"proxy_ran\":\"HAProxy 2[^\"]* (haproxy)\"" &&
	grep "\"label\":\"kill-idle\"" cases | grep "\"proxy\":\"none\"" | grep -q "\"proxy_ran\":\"\"" &&
	grep "\"label\":\"proxy-idle-timeout\"" cases | grep "\"proxy\":\"none\"" | grep -q "\"proxy_ran\":\"HAProxy 2" &&
	grep "\"label\":\"wait-timeout\"" cases | grep "\"proxy\":\"haproxy\"" | grep -q "\"skip\":\"proxy\""
'

test_expect_success 'the evidence behind a proxy has its configuration and log' '
	test -f res/local-builtin-haproxy/kill-idle/haproxy.cfg &&
	grep -q "^	bind 198.18.0.6:3306$" res/local-builtin-haproxy/kill-idle/haproxy.cfg &&
	grep -q "^	server db 198.18.0.2:3306$" res/local-builtin-haproxy/kill-idle/haproxy.cfg &&
	grep -q "198.18.0.5:[0-9]* .* clients server/db " res/local-builtin-haproxy/kill-idle/haproxy.log &&
	grep -q "^proxy: HAProxy 2" res/local-builtin-haproxy/kill-idle/steps.log &&
	! test -e res/local-builtin-none/kill-idle/haproxy.cfg &&
	grep -q "^	timeout client 2000ms$" res/local-builtin-none/proxy-idle-timeout/haproxy.cfg
'

# the columns of a Markdown table, one a line, sorted (report orders
# them by name, a run by its options)
columns() {
	grep "^| scenario" "$1" | tr "|" "\n" | sed "s/^ *//; s/ *$//" |
		grep . | sort
}

test_expect_success 'goneaway report merges by proxy: the same columns and cells' '
	"$GONEAWAY" report --color never --markdown again.md res > rep.out; rc=$?;
	cat rep.out; test $rc -eq 0 &&
	columns again.md > c1 && columns matrix.md > c2 && cmp c1 c2 &&
	grep -q "^| wait-timeout *| SKIP *| PASS 2006,error *|" again.md
'

test_expect_success 'a SKIP for a proxy fails --strict without --allow-skip proxy, naming the rule' '
	run --strict --no-results --proxy haproxy "$S/skip-networking.gw" > out 2>&1;
	rc=$?; cat out; test $rc -eq 4 &&
	grep -q "allow-skip proxy" out
'

test_expect_success 'the proxy steps act on the scenario'"'"'s own proxy; -j gives what -j 1 gives' '
	run -j 1 --no-results --jsonl j1.jsonl "$S/proxy-restart.gw" "$S/proxy-backend-kill.gw" > j1.out &&
	run -j 3 --no-results --jsonl j3.jsonl "$S/proxy-restart.gw" "$S/proxy-backend-kill.gw" > j3.out &&
	for k in "proxy restart" "proxy crash" "proxy start"; do
		grep "\"type\":\"step\"" j1.jsonl | grep "\"kind\":\"$k\"" |
			grep -q "\"result\":\"ok\"" || return 1
	done &&
	for f in j1.jsonl j3.jsonl; do
		grep "\"type\":\"case\"" $f | sed "s/.*\"label\":\"\([^\"]*\)\".*\"verdict\":\"\([A-Z]*\)\".*/\1 \2/" > $f.v || return 1
	done &&
	cmp j1.jsonl.v j3.jsonl.v && test "$(grep -c " PASS$" j1.jsonl.v)" -eq 2
'

# The haproxy below goneaway (pid $1), if any: its child, or its
# grandchild (the first process of a PID namespace of its own in between).
# The case's HAProxy below goneaway (pid $1): the one that serves
# ("haproxy -db -f CFG"), not the "haproxy -v" goneaway asks its version
# of, which is gone at once.
proxy_of() {
	ps -eo pid=,ppid=,comm=,args= | awk -v p="$1" '
		{ parent[$1] = $2; comm[$1] = $3; serves[$1] = index($0, " -db -f ") > 0 }
		END { for (q in comm) if (comm[q] == "haproxy" && serves[q] &&
			(parent[q] == p || parent[parent[q]] == p)) print q }'
}
proxy_up() {
	test -n "$(proxy_of "$1")"
}

test_expect_success 'HAProxy runs as nobody, chrooted into an empty directory it cannot write' '
	"$GONEAWAY" run --no-results "$SCRATCH/proxied-sleep.gw" > out 2>&1 &
	pid=$! &&
	wait_until 300 proxy_up $pid &&
	px=$(proxy_of $pid) &&
	wait_until 100 grep -q "^Uid:[[:space:]]*65534[[:space:]]65534[[:space:]]65534[[:space:]]65534$" /proc/$px/status &&
	grep -q "^Gid:[[:space:]]*65534[[:space:]]65534[[:space:]]65534[[:space:]]65534$" /proc/$px/status &&
	awk "/^Groups:/ { for (i = 2; i <= NF; i++) if (\$i != 65534) exit 1 }" /proc/$px/status &&
	root=$(readlink /proc/$px/root) &&
	test "$root" != / &&
	# the run directory is in goneaway'"'"'s own mount namespace (a
	# tmpfs, lab/memfs.h): seen through goneaway'"'"'s /proc root
	ns=/proc/$pid/root &&
	test "$(stat -c "%U %a" "$ns$root")" = "root 555" &&
	test -z "$(ls -A "$ns$root")" &&
	grep -q "^	user nobody$" "$ns$(dirname "$root")/haproxy.cfg" &&
	grep -q "^	chroot $root$" "$ns$(dirname "$root")/haproxy.cfg" &&
	kill -TERM $pid; wait $pid; test $? -eq 143 &&
	! kill -0 $px 2>/dev/null
'

for sig in INT TERM; do
	case $sig in INT) want=130 ;; TERM) want=143 ;; esac
	test_expect_success "SIG$sig behind a proxy: exit $want, no haproxy, nothing left" "
		\"\$GONEAWAY\" run --no-results '$SCRATCH/proxied-sleep.gw' > out 2>&1 &
		pid=\$! &&
		wait_until 300 proxy_up \$pid &&
		px=\$(proxy_of \$pid) &&
		kill -$sig \$pid;
		wait \$pid; rc=\$?; cat out; test \$rc -eq $want &&
		! kill -0 \$px 2>/dev/null &&
		leftover_snapshot > after &&
		new_leftovers \"\$SCRATCH/before\" after
	"
done

test_expect_success 'SIGKILL: the proxy dies with the harness; sweep leaves nothing' '
	"$GONEAWAY" run --no-results "$SCRATCH/proxied-sleep.gw" > out 2>&1 &
	pid=$! &&
	wait_until 300 proxy_up $pid &&
	px=$(proxy_of $pid) &&
	kill -KILL $pid;
	wait $pid; test $? -eq 137 &&
	wait_until 50 eval "! kill -0 $px 2>/dev/null" &&
	"$GONEAWAY" sweep &&
	wait_until 100 eval "leftover_snapshot > after; new_leftovers \"\$SCRATCH/before\" after > /dev/null"
'

test_expect_success 'the proxy runs left no namespace, veth, haproxy, server or temp dir' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
