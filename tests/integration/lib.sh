# lib.sh - a tiny test library for goneaway's integration tests, in the
# spirit of git's t/test-lib.sh.  Source it from a t*.sh file, then:
#
#   test_expect_success 'what it checks' '
#           commands that must all succeed
#   '
#   test_done
#
# Each test runs in a subshell with "set -e" semantics via &&-chains; its
# output goes to the test's log and is shown only when it fails (or with
# -v / GA_TEST_VERBOSE=1).  Every file gets its own scratch directory,
# removed at the end unless a test failed and -d (GA_TEST_DEBUG=1) is set.
# The last line is "N passed, N failed".

set -u

TEST_NAME=$(basename "$0" .sh)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/ga-test-$TEST_NAME.XXXXXX")
# A checkout whose path holds a blank ("/root/ga clone", issue 56): the
# tests write "cmd:/usr/bin/python3 $TOP/drivers/pymysql/driver.py", and
# a cmd: client is split at blanks (docs/running.md, "Clients"), so they
# reach the checkout by a link without one; goneaway itself resolves it.
case $TOP in
*[[:space:]]*) ln -s "$TOP" "$SCRATCH/top" && TOP=$SCRATCH/top ;;
esac
GONEAWAY="$TOP/goneaway"
LOG="$SCRATCH/log"
test_count=0
test_failed=0
test_passed=0
test_skipped=0

case " $* " in *" -v "*) GA_TEST_VERBOSE=1 ;; esac
case " $* " in *" -d "*) GA_TEST_DEBUG=1 ;; esac
: "${GA_TEST_VERBOSE:=0}" "${GA_TEST_DEBUG:=0}"

# Evidence of the scenarios the tests run stays in the scratch directory.
RESULTS="$SCRATCH/results"

# The shipped scenarios the built-in client cannot run: it SKIPs them
# with the reason (use-after-close: a call on a handle mysql_close()
# freed is undefined in the C API).  The tests that run every scenario
# with the built-in client let exactly these SKIP (BUILTIN_SKIP_RULES,
# for "goneaway run"), and t0020 makes their mutants FAIL with
# SKIP_DRIVER, a driver "make deps" installs, instead.
#
# The scenarios of a pool's connections (a "pool" line: docs/
# scenario-format.md, "A pool's connections") are among them: the
# built-in client has no pool.  t0020 makes their mutants FAIL with
# POOL_DRIVER, a pool's driver "make deps" installs.
POOL_SCENARIOS=$(cd "$TOP/scenarios" && grep -l '^pool ' *.gw | sed 's/\.gw$//' | tr '\n' ' ')
POOL_DRIVER=sqlalchemy
BUILTIN_SKIPS="use-after-close $POOL_SCENARIOS"
BUILTIN_SKIP_RULES=$(for n in $BUILTIN_SKIPS; do
	printf -- '--allow-skip driver:%s@builtin ' "$n"; done)
SKIP_DRIVER=mysqlclient

# The scenarios whose server has a memory limit of its own ("server
# memory SIZE"): where goneaway doctor says no memory limit can be made
# (a read-only cgroup filesystem in a container, cgroup v2 without the
# controller delegated), they SKIP for that reason ("fault"), never
# PASS.  MEMORY_SKIPS names them there and is empty elsewhere;
# MEMORY_SKIP_RULES lets --strict take exactly those SKIPs.
MEMORY_SCENARIOS=$(cd "$TOP/scenarios" && grep -l '^server memory ' *.gw | sed 's/\.gw$//' | tr '\n' ' ')
if "$GONEAWAY" doctor 2>/dev/null | grep -q '^  ok  *memory limits'; then
	MEMORY_SKIPS=
else
	MEMORY_SKIPS=$MEMORY_SCENARIOS
fi
MEMORY_SKIP_RULES=$(for n in $MEMORY_SKIPS; do
	printf -- '--allow-skip fault:%s ' "$n"; done)

say() { printf '%s\n' "$*"; }

# A signal (SIGTERM, SIGINT) to the file's shell runs its trap at once,
# even while a test runs: the body runs in the background and the shell
# waits for it with "wait", which a trapped signal interrupts (a shell
# waiting for a foreground subshell runs no trap until it ends: a SIGTERM
# sent straight to the shell left whatever the file held, issue 60).
# While a body runs, the shell's INT and TERM traps are test_signal's: it
# stops the body and every process below it, puts the file's own traps
# back and sends the signal again, so that the file's own trap runs, or
# (the file set none) the default below, test_default_signal: every
# process below the shell stops (what the file started and holds), the
# scratch directory goes and the shell exits (running an EXIT trap, if
# the file set one).
trap 'test_default_signal 130' INT
trap 'test_default_signal 143' TERM
TEST_BODY=""

# pids_below PID [NAME...]: every process below PID, at any depth (of
# those NAMEs only, when given)
pids_below() {
	_top=$1
	shift
	ps -eo pid=,ppid=,comm= | awk -v p="$_top" -v names=" $* " '
		{ parent[$1] = $2; comm[$1] = $3 }
		END { for (x in parent) if (names == "  " || index(names, " " comm[x] " ")) {
			y = x
			for (d = 0; d < 32 && y != "" && y > 1; d++) {
				y = parent[y]
				if (y == p) { print x; break }
			}
		} }'
}

# test_stop_pids PID...: each gets SIGTERM, and SIGKILL if any is left
# after 5 s (an unshare waiting for its child ignores SIGTERM); the
# shell's own children are waited for.
test_stop_pids() {
	# shellcheck disable=SC2048,SC2086 # a list of pids
	[ $# -eq 0 ] || kill -TERM $* 2> /dev/null
	_tries=50
	for _p; do
		while kill -0 "$_p" 2> /dev/null && [ "$_tries" -gt 0 ]; do
			sleep 0.1
			_tries=$((_tries - 1))
		done
		kill -KILL "$_p" 2> /dev/null
		wait "$_p" 2> /dev/null
	done
	return 0
}

# test_stop_tree PID: PID and everything below it
test_stop_tree() {
	# shellcheck disable=SC2046 # a list of pids
	test_stop_pids "$1" $(pids_below "$1")
}

# test_default_signal STATUS: INT's and TERM's trap unless the file sets
# its own
test_default_signal() {
	# shellcheck disable=SC2046 # a list of pids
	test_stop_pids $(pids_below $$)
	rm -rf "$SCRATCH"
	exit "$1"
}

# test_signal SIG: the INT and TERM traps while a body runs
test_signal() {
	[ -z "$TEST_BODY" ] || test_stop_tree "$TEST_BODY"
	TEST_BODY=""
	trap - INT TERM
	. "$SCRATCH/.traps"
	kill -s "$1" $$
}

test_expect_success() {
	test_count=$((test_count + 1))
	: > "$LOG"
	trap > "$SCRATCH/.traps"
	trap 'test_signal INT' INT
	trap 'test_signal TERM' TERM
	# (stdin as the shell's: an asynchronous list's would be /dev/null)
	{ (cd "$SCRATCH" && eval "$2") >> "$LOG" 2>&1 0<&8 8<&- & } 8<&0
	TEST_BODY=$!
	# dash's wait can return early (a status > 128, no signal trapped
	# there) where the shell has children it did not start, an engine's
	# daemons reparented to it: wait again until the body has ended
	while :; do
		wait "$TEST_BODY"
		_rc=$?
		kill -0 "$TEST_BODY" 2> /dev/null || break
		echo "# (wait returned $_rc while the test ran)" >> "$LOG"
	done
	if [ "$_rc" -gt 128 ]; then
		# ended between the two: its status is still to be collected,
		# or it was (127: a status > 128 of its own)
		wait "$TEST_BODY"
		_r2=$?
		[ "$_r2" -eq 127 ] || _rc=$_r2
	fi
	TEST_BODY=""
	trap - INT TERM
	. "$SCRATCH/.traps"
	if [ "$_rc" -eq 0 ]; then
		test_passed=$((test_passed + 1))
		say "ok $test_count - $TEST_NAME: $1"
		[ "$GA_TEST_VERBOSE" = 1 ] && sed 's/^/    /' "$LOG"
	else
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $TEST_NAME: $1"
		sed 's/^/    # /' "$LOG"
	fi
	return 0
}

# test_skip 'description' 'reason'
test_skip() {
	test_count=$((test_count + 1))
	test_skipped=$((test_skipped + 1))
	say "ok $test_count - $TEST_NAME: $1 # SKIP $2"
}

test_done() {
	if [ "$test_failed" -gt 0 ] && [ "$GA_TEST_DEBUG" = 1 ]; then
		say "# scratch kept in $SCRATCH"
	else
		rm -rf "$SCRATCH"
	fi
	say "$TEST_NAME: $test_passed passed, $test_failed failed, $test_skipped skipped"
	[ "$test_failed" -eq 0 ]
	exit $?
}

# --- helpers ---------------------------------------------------------------

# docker_why_not: prints nothing when Debian's docker.io is installed,
# after installing it when it is missing and apt-get can
# (GA_TEST_INSTALL_DOCKER=0 forbids it; with a policy-rc.d in place: the
# package must not start the system's engine, which would change the
# host's network); else why it is not there, in a line.
docker_why_not() {
	command -v dockerd >/dev/null 2>&1 && return 0
	if [ "${GA_TEST_INSTALL_DOCKER:-1}" = 1 ] && command -v apt-get >/dev/null; then
		added=0
		if [ ! -e /usr/sbin/policy-rc.d ]; then
			printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
			chmod 755 /usr/sbin/policy-rc.d
			added=1
		fi
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends docker.io; } \
			> "$SCRATCH/apt.log" 2>&1
		[ $added = 1 ] && rm -f /usr/sbin/policy-rc.d
	fi
	command -v dockerd >/dev/null 2>&1 ||
		echo "docker.io is not installed and could not be installed ($(tail -n 1 "$SCRATCH/apt.log" 2>/dev/null || echo 'GA_TEST_INSTALL_DOCKER=0'))"
}

# The inodes of every network namespace some process or fd refers to
# (one find, not a readlink per descriptor: 5 s of forks became 34 ms).
netns_inodes() {
	find /proc/[0-9]*/ns/net /proc/[0-9]*/fd -maxdepth 1 -lname 'net:*' \
		-printf '%l\n' 2>/dev/null | sort -u
}

# What goneaway could leave behind: namespaces, veths named ga*, nft
# tables named goneaway*, mariadbd and proxy processes, run directories,
# the memory cgroups of ended runs, and mounts
# in the host's namespace whose mount point says "goneaway" (a chrooted
# server's root, ROOT/goneaway, ROOT/dev: they must stay in the server's
# own mount namespace).  run-all.sh runs files side by side each in PID
# and mount namespaces and a /tmp of its own, so the processes, namespaces,
# mounts and run directories seen here are this file's alone; the host's
# links, nft tables and qdiscs stay global (goneaway makes none there).
leftover_snapshot() {
	say "netns:"
	netns_inodes
	say "veth:"
	ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | grep '^ga' || true
	say "nft (host):"
	nft list tables 2>/dev/null || true
	say "qdisc (host):"
	tc qdisc show 2>/dev/null || true
	say "mariadbd:"
	ps -eo pid=,comm= | awk '$2 ~ /^(mariadbd|mysqld)$/ {print $1}'
	say "proxy:"
	ps -eo pid=,comm= | awk '$2 == "haproxy" {print $1}'
	say "driver processes:"
	ps -eo pid=,args= | awk '$0 ~ /drivers\/|-driver\.py|driver-test --tap/ && $0 !~ /awk/ {print $1}'
	say "rundirs:"
	ls -d "${TMPDIR:-/tmp}"/goneaway-run-* 2>/dev/null || true
	say "mounts:"
	awk '$2 ~ /goneaway/ {print $2}' /proc/self/mounts | sort
	say "memory cgroups:"
	left_memcgs
}

# The memory cgroups of runs that are gone (lab/memcg.h): a run's cgroup,
# goneaway-run-*, whose lock no live run holds.  A run makes its cgroup
# and then locks it (lab/memcg.c), so one found unlocked is looked at
# again a second later: a leftover stays, unlocked.  Cgroups are the
# machine's, not a file's: a file run-all runs side by side with others
# (GA_TEST_WRAPPED=1) lists only those named after a run directory in
# its own /tmp (a cgroup is named after its run's directory), since
# another file's SIGKILLed run (t0160's, on purpose) leaves one
# unlocked until its sweep; run-all looks at them all at its end, when
# no file runs (run-all.sh: left_cgroups).
left_memcgs() {
	find /sys/fs/cgroup -maxdepth 8 -type d -name 'goneaway-run-*' \
		-prune 2>/dev/null | while read -r d; do
		test "${GA_TEST_WRAPPED:-0}" != 1 ||
			test -d "${TMPDIR:-/tmp}/${d##*/}" || continue
		flock -n "$d" true 2>/dev/null || continue
		sleep 1
		test -d "$d" && flock -n "$d" true 2>/dev/null && say "$d"
	done
	true
}

# new_leftovers BEFORE AFTER: the lines of snapshot AFTER that BEFORE
# lacks, printed; fails if there are any.  What went away meanwhile (a
# concurrent run's namespaces, on a shared machine) is not a leftover.
new_leftovers() {
	sort "$1" > "$1.sorted" && sort "$2" > "$2.sorted" &&
	comm -13 "$1.sorted" "$2.sorted" > "$2.new" &&
	cat "$2.new" && test ! -s "$2.new"
}

# exit_is N COMMAND...: COMMAND ends with exit status N
exit_is() {
	want=$1; shift
	"$@"; got=$?
	test "$got" -eq "$want" || { say "exit status $got, not $want"; return 1; }
}

# Is a client driver installed here?  The one answer is the driver's own:
# "goneaway drivers NAME" starts it as --client NAME would, and its
# greeting (docs/driver-protocol.md) says its runtime and connector are
# there; its stderr says why not.  The names are drivers/drivers.list's.
#
# driver_installed NAME: succeeds when NAME greets; else prints why and
# fails.
driver_installed() {
	if "$GONEAWAY" drivers "$1" > "$SCRATCH/.driver-$1" 2>&1; then
		rm -f "$SCRATCH/.driver-$1"
		return 0
	fi
	sed 's/^  missing  *[^ ]*  *//' "$SCRATCH/.driver-$1" | cut -c1-300
	rm -f "$SCRATCH/.driver-$1"
	return 1
}

# pool_drivers: the NAMEs of drivers/drivers.list's pools (the section
# that begins "# pools:"), one per line: a plain connection (no pool=)
# is their connector's plain driver's, so they run none.
pool_drivers() {
	awk '/^# pools:/ { p = 1 } p && /^[^#[:space:]]/ { print $1 }' \
		"$TOP/drivers/drivers.list"
}

# drivers_installed: the NAMEs of drivers/drivers.list that greet here,
# in its order, one per line.
drivers_installed() {
	"$GONEAWAY" drivers 2>/dev/null | sed -n 's/^  ok  *\([^ ]*\) .*/\1/p'
}

# gw_line FILE N TEXT: the number of the Nth line of FILE that begins
# with TEXT (a scenario's step, named by what it is rather than by a
# line number that a comment added above it moves)
gw_line() {
	awk -v n="$2" -v t="$3" 'index($0, t) == 1 && ++k == n { print NR; exit }' "$1"
}

# servers_below PID: the server processes (mariadbd, mysqld) anywhere
# below goneaway PID: its own, its -j workers', each under goneaway's
# init in a PID namespace of its own (issue 55), a worker's under the
# worker's init.
servers_below() { pids_below "$1" mariadbd mysqld; }

# Polls (bounded) until "$@" succeeds; fails after $1 tenths of a second.
wait_until() {
	tries=$1
	shift
	while [ "$tries" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# ns_holder ETC [ADDRESS...]: a process (its pid in HOLDER) holding a
# network and a mount namespace of the test's own, where inns runs a
# command: ETC's hosts, nsswitch.conf and resolv.conf (those it has)
# bound over /etc's there, so that a name resolves only as the test says
# (never through the machine's resolver), lo up with each ADDRESS added
# (192.0.2.1/32).  Returns once it is ready (ETC/ready), or fails after
# 10 s.  ns_holder_stop ends it (the cleanup's, on every exit).
ns_holder() {
	unshare --mount --net --fork --kill-child sh -c '
		e=$1; shift
		for f in hosts nsswitch.conf resolv.conf; do
			[ ! -f "$e/$f" ] || mount --bind "$e/$f" "/etc/$f" || exit 1
		done
		ip link set lo up || exit 1
		for a; do ip addr add "$a" dev lo || exit 1; done
		touch "$e/ready" && exec sleep 900' ns_holder "$@" &
	HOLDER=$!
	wait_until 100 test -f "$1/ready"
}
inns() { nsenter -t "$HOLDER" --net --mount "$@"; }
# unshare ignores SIGTERM while it waits: its child dies with it
ns_holder_stop() {
	[ -n "${HOLDER:-}" ] && kill -KILL "$HOLDER" 2> /dev/null &&
		wait "$HOLDER" 2> /dev/null
	HOLDER=
}

# stop_pids PID...: each is sent SIGTERM and waited for (up to 60 s).
stop_pids() {
	for _p; do
		kill -TERM "$_p" 2> /dev/null &&
			wait_until 600 sh -c "! kill -0 $_p 2> /dev/null"
	done
	return 0
}

# host_net_state: the host's network, without counters - links,
# addresses, routes, nftables, iptables and the forwarding sysctls: what
# a Docker engine could change (and must not).
host_net_state() {
	echo "## links"; ip -o link show | sed 's/ qlen [0-9]*//'
	echo "## addresses"; ip -o addr show | sed 's/ valid_lft.*//'
	echo "## routes"; ip route show; ip -6 route show
	echo "## nft"; nft list ruleset 2>&1 | sed 's/counter packets [0-9]* bytes [0-9]*/counter/'
	for t in iptables-save ip6tables-save; do
		echo "## $t"
		command -v $t >/dev/null && $t 2>&1 | sed '/^#/d; s/\[[0-9]*:[0-9]*\]//'
	done
	echo "## sysctl"
	for s in net.ipv4.ip_forward net.ipv4.conf.all.forwarding \
		 net.ipv6.conf.all.forwarding; do
		echo "$s = $(sysctl -n $s 2>/dev/null)"
	done
}

# --- a busy machine of the test's own ---------------------------------------
#
# hog_start CPUS: a load of the test's own, as a busy machine has it:
# CPUS processes that spin (nice 0, as the other work of a CI machine
# is) and one that rewrites a 64 MiB file on disk with fsync, over and
# over (I/O: the run directories are in memory, the drivers, binaries and
# the hog's file are not).  Each is bounded (GA_HOG_MAX_S seconds, 900 by
# default, by timeout(1)) and hog_stop ends them by their PIDs, waits for
# them and removes the file: nothing is left.  HOG_DIR holds the PIDs.
hog_start() {
	HOG_DIR=$(mktemp -d /var/tmp/ga-hog.XXXXXX) || return 1
	: > "$HOG_DIR/pids"
	hog_i=0
	while [ "$hog_i" -lt "$1" ]; do
		timeout "${GA_HOG_MAX_S:-900}" sh -c 'while :; do :; done' &
		echo $! >> "$HOG_DIR/pids"
		hog_i=$((hog_i + 1))
	done
	timeout "${GA_HOG_MAX_S:-900}" python3 -c '
import os, sys
block = b"\0" * (1 << 20)
while True:
    with open(sys.argv[1], "wb") as f:
        for _ in range(64):
            f.write(block)
        f.flush()
        os.fsync(f.fileno())
' "$HOG_DIR/io" &
	echo $! >> "$HOG_DIR/pids"
}

# hog_stop: ends hog_start's processes by their PIDs and removes its
# directory; fails if one of them outlives 10 s.
hog_stop() {
	[ -n "${HOG_DIR:-}" ] && [ -d "$HOG_DIR" ] || return 0
	for p in $(cat "$HOG_DIR/pids"); do
		kill -TERM "$p" 2>/dev/null
	done
	for p in $(cat "$HOG_DIR/pids"); do
		wait "$p" 2>/dev/null
	done
	hog_n=0
	for p in $(cat "$HOG_DIR/pids"); do
		while kill -0 "$p" 2>/dev/null && [ $hog_n -lt 100 ]; do
			sleep 0.1
			hog_n=$((hog_n + 1))
		done
		kill -0 "$p" 2>/dev/null && { say "hog: $p did not end"; return 1; }
	done
	rm -rf "$HOG_DIR"
	HOG_DIR=
}
