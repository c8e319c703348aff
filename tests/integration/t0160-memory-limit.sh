#!/bin/sh
# t0160-memory-limit: a scenario's "server memory SIZE" (lab/memcg.h).
# The server runs in a memory cgroup of its own, below goneaway's own
# cgroup and never the machine's: the OOM killer ends it past its limit
# (server-oom-killed.gw), a session limit below it keeps it alive
# (server-oom-session-limit.gw).  The cgroups leave no trace: removed at
# the case's end, after SIGINT and SIGTERM, and, after a SIGKILL, by
# "goneaway sweep" (a run's cgroup holds a lock while the run lives);
# a server with a limit is never kept for the next case.  doctor says
# whether the machine can do it; where it cannot, the file skips, and a
# memory scenario SKIPs with the reason.
. "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/integration/data"
SC="$TOP/scenarios"
leftover_snapshot > "$SCRATCH/before"

if ! "$GONEAWAY" doctor > "$SCRATCH/doctor" 2>&1; then :; fi
if ! grep -q '^  ok  *memory limits' "$SCRATCH/doctor"; then
	test_skip 'memory limits' "$(grep 'memory limits' "$SCRATCH/doctor")"
	test_done
fi

# This process's memory cgroup's directory, and its limit: goneaway's
# own is never changed.
own=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup)
mnt=$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") {
	if ($(i + 1) == "cgroup" && $(i + 3) ~ /(^|,)memory(,|$)/) {
		print $5; exit } break } }' /proc/self/mountinfo)
own_limit() {
	cat "$mnt$own/memory.limit_in_bytes" 2>/dev/null ||
		cat "$mnt$own/memory.max" 2>/dev/null
}
own_limit > "$SCRATCH/own-limit-before"

# The pid of the server goneaway (pid $1) started, and the cgroup it is in.
server_of() {
	servers_below "$1"
}
server_up() {
	test -n "$(server_of "$1")"
}
cgroup_of() {
	awk -F: '$2 ~ /(^|,)memory(,|$)/ || $2 == "" {print $3; exit}' \
		"/proc/$1/cgroup"
}

test_expect_success 'doctor names the memory controller and goneaway'"'"'s cgroup' '
	grep "memory limits" "$SCRATCH/doctor" &&
	grep -q "cgroup v[12] memory controller, a cgroup per server below" \
		"$SCRATCH/doctor"
'

test_expect_success 'the OOM killer ends the server past its limit; nothing left' '
	"$GONEAWAY" run -v -o res "$SC/server-oom-killed.gw" \
		"$SC/server-oom-session-limit.gw" > out 2>&1; rc=$?; cat out &&
	test $rc -eq 0 &&
	grep -q "line .*server oom-kills: .*succeeded with .1." out &&
	grep -q "line .*server oom-kills: .*succeeded with .0." out &&
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_expect_success 'a server with a memory limit is never kept, never reused' '
	"$GONEAWAY" run -v -j 1 -o res2 "$SC/server-oom-session-limit.gw" \
		"$SC/server-oom-session-limit.gw" > out 2>&1; rc=$?; cat out &&
	test $rc -eq 0 &&
	test "$(grep -c "fresh server: the scenario gives its server a memory limit of its own" out)" -eq 2 &&
	test "$(grep -c "not kept: the scenario gives its server a memory limit of its own" out)" -eq 2 &&
	! grep -q "reused server" out
'

test_expect_success 'the server runs in a cgroup of its own below goneaway'"'"'s, with its limit' '
	"$GONEAWAY" run --no-results "$DATA/long-sleep-memory.gw" > out 2>&1 &
	pid=$! &&
	wait_until 300 server_up $pid &&
	server=$(server_of $pid) &&
	cg=$(cgroup_of $server) && echo "server $server in $cg" &&
	harness=$(cgroup_of $pid) && echo "goneaway in $harness" &&
	case $cg in "$harness"/goneaway-run-*/s*) ;; *) false ;; esac &&
	test "$(cat "$mnt$cg/memory.limit_in_bytes" 2>/dev/null ||
		cat "$mnt$cg/memory.max")" -eq $((128 * 1024 * 1024)) &&
	kill -TERM $pid;
	wait $pid; test $? -eq 143 &&
	own_limit > own-limit-after &&
	cmp "$SCRATCH/own-limit-before" own-limit-after &&
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_expect_success 'SIGINT mid-scenario: exit 130, no cgroup left' '
	"$GONEAWAY" run --no-results "$DATA/long-sleep-memory.gw" > out 2>&1 &
	pid=$! &&
	wait_until 300 server_up $pid &&
	kill -INT $pid;
	wait $pid; rc=$?; cat out; test $rc -eq 130 &&
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_expect_success 'SIGKILL: the run'"'"'s cgroups stay, unlocked; the sweep removes them' '
	"$GONEAWAY" run --no-results "$DATA/long-sleep-memory.gw" > out 2>&1 &
	pid=$! &&
	wait_until 300 server_up $pid &&
	server=$(server_of $pid) &&
	cg=$(cgroup_of $server) &&
	kill -KILL $pid;
	wait $pid; test $? -eq 137 &&
	{ wait_until 300 eval "! kill -0 $server 2>/dev/null" ||
	  { echo "the server $server outlived its run by 30 s"; false; }; } &&
	# another file side by side may run "goneaway sweep" meanwhile (the
	# cgroups are the machine'"'"'s, not a namespace'"'"'s): gone already is
	# that sweep'"'"'s work, and fine; left, it must be unlocked and ours
	# must take it.  A moment after the SIGKILL the lock may still be
	# held: by a child that had not yet exec-ed or died of its parent'"'"'s
	# death, or by that other sweep taking the cgroup away.
	wait_until 300 eval "! test -d \"\$mnt\$cg\" ||
		{ left_memcgs > left; test -s left; }" &&
	if test -d "$mnt$cg"; then had=yes; cat left; else had=no
		echo "$mnt$cg: swept by another run meanwhile"; fi &&
	# ours runs either way: the run directory is its work too
	"$GONEAWAY" sweep > sweep.out && cat sweep.out &&
	{ test $had = no ||
	  grep -q "removed the memory cgroups of [1-9][0-9]* ended run" sweep.out ||
	  ! test -d "$mnt$cg"; } &&
	! test -d "$mnt$cg" &&
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_expect_success '-j 2: every worker'"'"'s cgroups go' '
	"$GONEAWAY" run -j 2 -o res3 "$SC/server-oom-killed.gw" \
		"$SC/server-oom-session-limit.gw" "$SC/server-oom-killed.gw" \
		> out 2>&1; rc=$?; cat out && test $rc -eq 0 &&
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_expect_success 'a scenario without the limit leaves no cgroup either' '
	"$GONEAWAY" run --no-results "$SC/kill-idle.gw" > out 2>&1 &&
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
