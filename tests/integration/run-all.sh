#!/bin/sh
# run-all.sh - runs every tests/integration/t*.sh and sums their results.
# Usage: sh tests/integration/run-all.sh [-v] [-d] [t0010-... ...]
#
# Files run GA_TEST_PARALLEL at a time (default: 2 per core), the
# longest first.  They mostly wait - for the timeouts their scenarios
# provoke - and the harness's bounds follow how busy the machine is
# (util/machine.h), so more files than cores is right: on 2 cores, while
# other developers' runs loaded the machine, 2 at a time took 17 min 37 s
# (9.3 CPU minutes), 4 at a time 9 min 54 s (8.8 CPU minutes).
# (GA_TEST_JOBS is t0020's: its mutants at a time.)  Each file checks that it
# "left no trace" by comparing snapshots of what goneaway could leave
# (lib.sh: leftover_snapshot), so a file running next to others gets a
# world of its own where those snapshots look: it runs under
# "unshare --pid --fork --mount-proc" (its /proc and ps show its own
# processes only, so its network namespaces and servers are its own, and
# its mounts are in a mount namespace of its own) with a /tmp of its own
# there, an empty directory bound onto /tmp, and TMPDIR=/tmp (its run
# directories are its own; a driver chrooted by drivers/c/run-in-root,
# which binds TMPDIR into its root, finds the server's socket there).
# That /tmp is a tmpfs mounted there (in the file's mount namespace only),
# so the servers' datadirs are in memory, not written to disk; with -d
# (a scratch kept) the directory on disk.
#
# Each file's goneaway gets its share of the machine as its default -j
# (GONEAWAY_JOBS: 8 per core over the files side by side; see below).
# What stays global - the host's links, nft tables and qdiscs - goneaway
# never touches.  Ending such a file ends everything in it: SIGKILL to
# its unshare (--kill-child) kills its PID namespace; its /tmp is removed.
#
# A file that starts a Docker engine (it names dockerd) or says
# "# run-all: alone" changes the host itself and sees every process: it
# runs by itself, unwrapped, before the others - unless it says "#
# run-all: wrapped": its engine then lives in the file's own PID and
# mount namespaces too, and it runs side by side with the others.  With one file named, or
# GA_TEST_PARALLEL=1, or where unshare cannot make those namespaces (not
# root), the files run one after another as they are, their output as it
# comes.  GA_TEST_ISOLATE=1 wraps even a single file named, so that it can
# run next to other goneaway runs on the same machine (its leftover
# snapshots see its own world only).
#
# Each file's output is printed whole when it ends, with its time; the
# run's wall time, and the last line "integration: P passed, F failed,
# S skipped".  Ctrl-C, SIGTERM or SIGHUP ends the files under way (by
# PID) and removes their temporary directories.  A wrapped file's /tmp
# of its own (ga-tmp-NAME.XXXXXX in the TMPDIR run-all was given) is
# removed when the file ends - passed, failed or stopped - unless
# GA_TEST_DEBUG=1 (or -d) is set: then a failed or stopped file's is
# kept, on disk, and run-all says where.
cd "$(dirname "$0")" || exit 2
passed=0 failed=0 skipped=0 bad_files=""
args="" files="" debug=0
for a in "$@"; do
	case "$a" in -*) args="$args $a" ;; *) files="$files $a" ;; esac
	case "$a" in -d) debug=1 ;; esac
done
[ "${GA_TEST_DEBUG:-0}" = 1 ] && debug=1
[ -n "$files" ] || files=$(ls t[0-9]*.sh)
jobs=${GA_TEST_PARALLEL:-$(( $(nproc 2>/dev/null || echo 1) * 2 ))}
case "$jobs" in '' | *[!0-9]* | 0) echo "run-all: GA_TEST_PARALLEL=$jobs is not a number of files >= 1" >&2; exit 2 ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ga-run-all.XXXXXX") || exit 2
begin=$(date +%s)

# count NAME OUTFILE RC: adds a finished file's counts to the totals
count() {
	line=$(grep ': [0-9]* passed, [0-9]* failed, [0-9]* skipped$' "$2" | tail -n 1)
	p=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1/p')
	f=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\2/p')
	s=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\3/p')
	if [ -z "$p" ]; then
		# the file died before test_done: count it as one failure
		bad_files="$bad_files $1"
		p=0 f=1 s=0
	elif [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
		bad_files="$bad_files $1"
		f=1
	fi
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${s:-0}))
}

# left_cgroups: the memory cgroups of goneaway runs (goneaway-run-*)
# that no live run holds (its lock, lab/memcg.c), one per line.  A file
# side by side with others counts only its own runs' (lib.sh:
# left_memcgs); the machine's are looked at here, before the files and
# after them, when none runs.
left_cgroups() {
	find /sys/fs/cgroup -maxdepth 8 -type d -name 'goneaway-run-*' \
		-prune 2>/dev/null | while read -r d; do
		flock -n "$d" true 2>/dev/null && echo "$d"
	done | sort
}

finish() {
	if [ -n "${cgroups_before+set}" ]; then
		left_cgroups > "$tmp/cgroups.after"
		echo "$cgroups_before" | comm -13 - "$tmp/cgroups.after" > "$tmp/cgroups.new"
		if [ -s "$tmp/cgroups.new" ]; then
			echo "run-all: memory cgroups left by the files side by side (no run holds them):"
			cat "$tmp/cgroups.new"
			failed=$((failed + 1))
		fi
	fi
	[ -z "$bad_files" ] || echo "files that did not finish:$bad_files"
	echo "run-all: $(( $(date +%s) - begin )) s wall"
	echo "integration: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}

# --- one after another, as they are --------------------------------------

n=0
for t in $files; do n=$((n + 1)); done
if { [ "$n" -gt 1 ] || [ "${GA_TEST_ISOLATE:-0}" = 1 ]; } && [ "$jobs" -gt 1 ] &&
   ! unshare --pid --fork --mount-proc --kill-child true 2>/dev/null; then
	echo "run-all: one file at a time: unshare cannot give each file PID and mount namespaces of its own here ($(unshare --pid --fork --mount-proc --kill-child true 2>&1 | tail -n 1))" >&2
	jobs=1
fi
isolate=${GA_TEST_ISOLATE:-0}

# The jobs budget: 8 per core (goneaway alone takes 20, server/jobs.h;
# the test files are smaller runs), shared by the files that run side
# by side, each goneaway's default -j (GONEAWAY_JOBS) its share, but at
# least 4 per core.  It is a bound, not what runs: a run adds workers
# only while its cases would wait longer than a server start
# (plan/jobs_schedule.h), so a file of long waits (t0025's mutants) gets them
# and a file of short cases does not.  A GONEAWAY_JOBS already set is
# left alone.  (The server starts in flight are bounded across all of
# them by goneaway's own semaphore in the cache; each server is about
# 110 MB of memory.)
if [ -z "${GONEAWAY_JOBS:-}" ]; then
	cores=$(nproc 2>/dev/null || echo 1)
	share=$(( cores * 8 / (jobs > n ? (n > 0 ? n : 1) : jobs) ))
	[ "$share" -ge $((cores * 4)) ] || share=$((cores * 4))
	[ "$share" -ge 1 ] || share=1
	[ "$share" -le 64 ] || share=64
	GONEAWAY_JOBS=$share
	export GONEAWAY_JOBS
fi
if { [ "$n" -le 1 ] && [ "$isolate" != 1 ]; } || [ "$jobs" -le 1 ]; then
	trap 'rm -rf "$tmp"' EXIT
	# a signal ends the shell through its EXIT trap
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	for t in $files; do
		start=$(date +%s)
		# each test's line as it comes (progress), the file's status kept
		{ sh "./${t%.sh}.sh" $args; echo $? > "$tmp/rc"; } | tee "$tmp/out"
		echo "$t: $(( $(date +%s) - start )) s"
		count "$t" "$tmp/out" "$(cat "$tmp/rc")"
	done
	finish
	exit $?
fi

# --- side by side ----------------------------------------------------------

# A file started in the background would ignore SIGINT and SIGQUIT (a
# shell's asynchronous list does); it gets them as run one after another.
defsig=""
env --default-signal=INT,QUIT true 2>/dev/null && defsig="--default-signal=INT,QUIT"

# The longest first, as measured four at a time on 2 cores (t0025 390 s,
# t0118 350 s, t0090 215 s, t0085 195 s, t0111 146 s, t0020 106 s, t0095
# 97 s, t0097 60 s, t0117 54 s, t0010 45 s, the others under 40 s; t0121
# 230 s and t0120 67 s alone; t0146 514 s at load 10; t0174 150 s idle, 283 s at
# load 10, once its releases are made: 3 to 9 min more); a file not listed is short.
LONG="t0025-servers t0121-load t0146-kept-drivers t0002-sanitize t0118-reuse-suite t0090-clients t0174-compat t0085-docker t0111-expectations
t0120-reuse-pairs t0020-mutants t0095-bad-drivers t0097-driver-test t0117-reuse t0010-scenarios
t0048-repeat t0075-rootfs t0060-verdicts t0080-unit-skips t0114-replay-trust"
alone="" first="" rest=""
for t in $files; do
	t=${t%.sh}
	[ -f "$t.sh" ] || { rest="$rest $t"; continue; }
	if grep -q -e dockerd -e '^# run-all: alone' "$t.sh" &&
	   ! grep -q '^# run-all: wrapped' "$t.sh"; then
		alone="$alone $t"
	fi
done
for l in $LONG; do
	for t in $files; do
		t=${t%.sh}
		[ "$t" = "$l" ] && first="$first $t"
	done
done
for t in $files; do
	t=${t%.sh}
	case " $alone $first $rest " in *" $t "*) ;; *) rest="$rest $t" ;; esac
done
queue=""
for t in $first $rest; do
	case " $alone " in *" $t "*) ;; *) queue="$queue $t" ;; esac
done

# In a wrapped file's mount namespace: its directory D bound onto /tmp,
# TMPDIR=/tmp.  A checkout under /tmp (its path as the tests see it, and
# its real one) is bound back in D at its place first.
top_l=$(cd ../.. && pwd) top_p=$(cd ../.. && pwd -P)
owntmp='
	d=$1
	# a tmpfs, in this namespace only (gone with it): the servers'"'"'
	# datadirs live in memory; with -d the disk directory, kept
	[ "${GA_RUN_ALL_DISK_TMP:-0}" = 1 ] ||
		mount -t tmpfs -o mode=1777 ga-tmp "$d" || exit 2
	for top in "$2" "$3"; do
		case $top/ in
		/tmp/*)
			[ -d "$d/${top#/tmp/}" ] && continue
			mkdir -p "$d/${top#/tmp/}" &&
			mount --bind "$3" "$d/${top#/tmp/}" || exit 2 ;;
		esac
	done
	shift 3
	mount --rbind "$d" /tmp && TMPDIR=/tmp && export TMPDIR && exec "$@"
'

# start NAME WRAP: runs file NAME in the background, its output in
# $tmp/NAME.out, its unshare's (or its shell's) PID in $tmp/NAME.pid and
# its exit status in $tmp/NAME.rc once it ended.  With WRAP=1, in PID
# and mount namespaces of its own with a /tmp of its own.
start() {
	running="$running $1"
	date +%s > "$tmp/$1.start"
	if [ "$2" = 1 ]; then
		d=$(mktemp -d "${TMPDIR:-/tmp}/ga-tmp-$1.XXXXXX") || d=""
		# noted at once: whatever ends run-all from here removes it
		[ -z "$d" ] || echo "$d" > "$tmp/$1.tmpdir"
		# as /tmp is: tests run things as nobody in it
		[ -z "$d" ] || chmod 1777 "$d" ||
			{ rm -rf "$d"; rm -f "$tmp/$1.tmpdir"; d=""; }
		if [ -z "$d" ]; then
			echo "run-all: $1: no TMPDIR of its own" > "$tmp/$1.out"
			echo 2 > "$tmp/$1.rc"
			return
		fi
		(
			GA_TEST_WRAPPED=1 GA_RUN_ALL_DISK_TMP=$debug env $defsig unshare --pid --fork --mount-proc --kill-child \
				sh -c "$owntmp" sh "$d" "$top_l" "$top_p" \
				sh "./$1.sh" $args > "$tmp/$1.out" 2>&1 &
			echo $! > "$tmp/$1.pid"
			wait $!
			rc=$?
			times > "$tmp/$1.times"
			echo $rc > "$tmp/$1.rc"
		) 2>/dev/null &
	else
		(
			env $defsig sh "./$1.sh" $args > "$tmp/$1.out" 2>&1 &
			echo $! > "$tmp/$1.pid"
			wait $!
			rc=$?
			times > "$tmp/$1.times"
			echo $rc > "$tmp/$1.rc"
		) 2>/dev/null &
	fi
}

# cpu_of TIMES: ", CPU U+S s", the CPU of a file and all it started
# (the second line of its subshell's "times", its reaped children's:
# a wrapped file's PID namespace reaps its orphans into it), or nothing
cpu_of() {
	[ -f "$1" ] || return 0
	sed -n '2{s/^\([0-9]*\)m\([0-9.]*\)s \([0-9]*\)m\([0-9.]*\)s$/\1 \2 \3 \4/p}' "$1" |
		awk '{ printf ", CPU %.0f+%.0f s", $1 * 60 + $2, $3 * 60 + $4 }'
}

# tmpdir_done NAME RC: file NAME ended with exit status RC (or "stopped":
# it was ended before it could say): its /tmp of its own is removed, or,
# with -d (GA_TEST_DEBUG=1) and a file that failed or was stopped, kept
# on disk (GA_RUN_ALL_DISK_TMP) and said where
tmpdir_done() {
	[ -f "$tmp/$1.tmpdir" ] || return 0
	d=$(cat "$tmp/$1.tmpdir")
	if [ "$debug" = 1 ] && [ "$2" != 0 ] && [ -n "$d" ]; then
		echo "# $1 ran with a /tmp of its own, kept: $d (/tmp/X above is $d/X)"
	else
		rm -rf "$d"
	fi
	rm -f "$tmp/$1.tmpdir"
}

# reap: prints and counts each running file that ended
reap() {
	still=""
	for t in $running; do
		[ -f "$tmp/$t.done" ] && continue
		if [ -f "$tmp/$t.rc" ]; then
			: > "$tmp/$t.done"
			cat "$tmp/$t.out"
			echo "$t.sh: $(( $(date +%s) - $(cat "$tmp/$t.start") )) s$(cpu_of "$tmp/$t.times")"
			rc=$(cat "$tmp/$t.rc")
			count "$t.sh" "$tmp/$t.out" "${rc:-1}"
			tmpdir_done "$t" "${rc:-1}"
		else
			still="$still $t"
		fi
	done
	running=$still
}

# Ctrl-C, SIGTERM, SIGHUP: the files under way end (a wrapped one with
# its whole PID namespace; one that runs alone gets SIGTERM, and its own
# traps clean up, as after a Ctrl-C of it alone), their outputs so far
# shown, and each one's /tmp of its own removed (tmpdir_done: kept with
# -d), also of a file whose subshell the signal ended before it could
# write its status (a SIGTERM to the whole process group).
stop() {
	trap '' INT TERM HUP
	echo "run-all: SIG$1: ending$running" >&2
	for t in $running; do
		[ -f "$tmp/$t.done" ] && continue
		tries=50
		while [ ! -f "$tmp/$t.pid" ] && [ ! -f "$tmp/$t.rc" ] && [ $tries -gt 0 ]; do
			sleep 0.1
			tries=$((tries - 1))
		done
		[ -f "$tmp/$t.rc" ] || [ ! -f "$tmp/$t.pid" ] && continue
		if [ -f "$tmp/$t.tmpdir" ]; then
			kill -KILL "$(cat "$tmp/$t.pid")" 2>/dev/null
		else
			# a Ctrl-C reached it too: give its own trap a moment
			[ "$1" = INT ] && tries=50 &&
			while [ ! -f "$tmp/$t.rc" ] && [ $tries -gt 0 ]; do
				sleep 0.1
				tries=$((tries - 1))
			done
			[ -f "$tmp/$t.rc" ] || kill -TERM "$(cat "$tmp/$t.pid")" 2>/dev/null
		fi
	done
	wait
	reap
	for t in $running; do
		[ -f "$tmp/$t.out" ] && cat "$tmp/$t.out"
		echo "$t.sh: stopped"
		count "$t.sh" /dev/null 1
		tmpdir_done "$t" stopped
	done
	running=""
	unset cgroups_before    # the files SIGKILLed: "goneaway sweep" takes theirs
	rm -rf "$tmp"
	finish
	case $1 in INT) exit 130 ;; HUP) exit 129 ;; *) exit 143 ;; esac
}
running=""
trap 'stop INT' INT
trap 'stop TERM' TERM
trap 'stop HUP' HUP
# whatever else ends this shell: no file's /tmp of its own is left
trap 'for d in "$tmp"/*.tmpdir; do [ -f "$d" ] && rm -rf "$(cat "$d")"; done; rm -rf "$tmp"' EXIT

for t in $alone; do
	start "$t" 0
	while [ -n "$running" ]; do
		sleep 0.5
		reap
	done
done
cgroups_before=$(left_cgroups)
while [ -n "$queue" ] || [ -n "$running" ]; do
	nrun=0
	for t in $running; do nrun=$((nrun + 1)); done
	if [ -n "$queue" ] && [ "$nrun" -lt "$jobs" ]; then
		set -- $queue
		t=$1
		shift
		queue=$*
		start "$t" 1
		continue
	fi
	sleep 0.5
	reap
done
wait
finish
