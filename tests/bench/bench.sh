#!/bin/sh
# tests/bench/bench.sh [GONEAWAY] - make bench: what goneaway costs, as
# ratios of runs measured side by side, alternating, in one run on this
# machine.  Not a pass/fail timing test: it reports figures.
#
#   a  the shipped suite (scenarios/, local server) at -j 1 and at the
#      default -j, BENCH_RUNS times each (5), alternating: each one's median
#      wall time, their ratio, and whether the default -j runs gave the -j 1
#      runs' verdicts.  When goneaway run takes no -j (--jobs), it says
#      "-j not available" and runs the suite once.
#   b  ten trivial scenarios (tests/bench/trivial/: connect, SELECT 1)
#      against MariaDB's mysql-test-run repeating a trivial test ten times
#      (mtr --repeat=10 main.1st), and one against one (mtr main.1st),
#      BENCH_PAIRS pairs each (5), alternating.  mtr bootstraps a server at
#      every start; that is what goneaway is compared with.  mtr is the
#      Debian package mariadb-test, installed here when missing (MTR=PATH
#      names another mtr).
#   c  every scenario against every server: local and each root in
#      /var/cache/goneaway/roots (mysql-9.7, mariadb-11.8, mariadb-10.5:
#      the last is built here when missing, ci/build-server-root.sh), or
#      the --server options in BENCH_SERVERS; at -j 1 (with --timings:
#      each server's set-up per scenario) and at the default -j.  Long, so
#      only with BENCH=all, BENCH_MATRIX=1 or BENCH_SERVERS="--server ...".
#
#   d  ten trivial scenarios against MySQL 9.7 (the root mysql-9.7) at the
#      default -j, BENCH_PAIRS times after an untimed run: median wall and
#      CPU; not measured without the root.
#   r  reuse against --fresh-servers, side by side, alternating,
#      BENCH_PAIRS pairs: ten trivial scenarios at -j 1, and the shipped
#      suite at the default -j: wall, CPU and servers started of each, and
#      whether the verdicts are the same.
#   v  this tree against another, BENCH_BEFORE (a built checkout: its
#      goneaway and its scenarios/, say main's): the shipped suite at the
#      default -j, with kept servers and with --fresh-servers, BENCH_PAIRS
#      pairs each, alternating, the other tree first: median wall and CPU
#      of each, their ratios (issue 37's target: within 10 %), servers
#      started, and whether the verdicts are the same.  Only with
#      BENCH_BEFORE, which adds it to the parts.
#   s  goneaway serve's proxy against the same work direct, HAProxy's in
#      TCP mode (issue 60) and, with BENCH_TOXIPROXY=PATH, a real
#      Toxiproxy's (issue 39): 2,000 SELECT 1, one 64 MiB result, 200
#      connects, through mysql2, medians of BENCH_PAIRS rounds:
#      tests/bench/serve.sh.
#   e  every client driver installed here (drivers/drivers.list names
#      whose driver greets) against MySQL 9.7, with the built-in client,
#      in one run at the default -j: wall and CPU; long, with BENCH=all.
#      BENCH_FRESH_DRIVERS=1 runs it with --fresh-drivers too (a driver
#      process per connection, as before issue 41), after the kept run.
#   f  a driver's suite against the built-in client's (issues 41, 57): the
#      shipped suite (local server, default -j) with the built-in client
#      and each of BENCH_CLIENTS (default: pymysql and java, those
#      installed), BENCH_RUNS rounds, alternating, in two sittings: quiet,
#      then under a CPU hog of the bench's own (BENCH_HOG busy loops, 14,
#      at the bench's niceness, ended by their PIDs after the sitting and
#      by themselves after 150 s and 3 minutes a run at most; the load
#      average let rise first).  Each run's wall, two CPU figures, the
#      load average while it ran and its workers.  "CPU all" is the
#      run's cpuacct cgroup (v1, one of the bench's own a run, removed
#      after, on failure and on a signal too): everything the run
#      started, servers and drivers' processes included, whoever reaped
#      them; the targets are judged on it.  "CPU reaped" is the shell's
#      "times": goneaway and what it reaped, which leaves out a server
#      not waited for (most of the built-in client's servers' CPU) and
#      counts a driver's processes, so its ratio makes a driver look
#      dearer than it is.  Each
#      sitting's medians, each driver's as ratios to the built-in
#      client's, against the targets (issue 57: wall PyMySQL <= 1.5 x,
#      Connector/J <= 2 x; issue 41: CPU PyMySQL <= 1.5 x, a JVM <= 2.5 x).
#      BENCH_SITTINGS="quiet hog" chooses the sittings; long, with
#      BENCH=all or BENCH=f.
#   x  goneaway explore over tests/integration/data/explore-measure.gw (a
#      connect, BEGIN, a 100-row result, COMMIT: issue 59's measure),
#      every point and every kind, with the built-in client and then
#      PyMySQL (when installed), BENCH_RUNS times each (only with BENCH=x
#      or all): each one's median wall, its CPU all (the run's cgroup),
#      the runs and violations its map names, against issue 59's targets
#      (60 s built-in, 3 minutes PyMySQL, nothing flagged).
#
# Every timed run's CPU (user + system of goneaway, its workers and
# servers, or of mtr and its servers: the shell's "times") is reported
# next to its wall time; the targets are issue 28's.
#
# BENCH chooses the parts: "a b d r s" (default), "all", or any of a, b,
# c, d, e, f, r, s, v.
# The figures are printed and written to BENCH_OUT (bench-results.txt).
# Needs root.  Leaves nothing behind, also when interrupted: its temp dir,
# mtr's vardirs and servers, and the port lock mtr takes in
# /tmp/mysql-unique-ids are removed (processes only by their PID).
set -u

die() { printf 'bench: %s\n' "$*" >&2; exit 2; }

ga=${1:-./goneaway}
case $ga in */*) ga="$(cd "$(dirname "$ga")" && pwd)/$(basename "$ga")" ;; esac
out=${BENCH_OUT:-bench-results.txt}
case $out in /*) ;; *) out="$PWD/$out" ;; esac
runs=${BENCH_RUNS:-5}
pairs=${BENCH_PAIRS:-5}
roots=/var/cache/goneaway/roots
top=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$top" || exit 2

[ "$(id -u)" -eq 0 ] || die "needs root: goneaway runs its servers in network namespaces of its own, and part b installs and runs mysql-test-run (sudo make bench)"
"$ga" --version > /dev/null 2>&1 || die "no goneaway at $ga: build it first (make)"
case $runs in ''|*[!0-9]*|0) die "BENCH_RUNS must be a number of runs, 1 or more" ;; esac
case $pairs in ''|*[!0-9]*|0) die "BENCH_PAIRS must be a number of pairs, 1 or more" ;; esac

parts=$(printf '%s' "${BENCH:-a b d r s}" | tr ',' ' ')
[ "$parts" = all ] && parts="a b c d e f r s x"
[ "${BENCH_MATRIX:-0}" = 1 ] && parts="$parts c"
[ -n "${BENCH_SERVERS:-}" ] && parts="$parts c"
[ -n "${BENCH_BEFORE:-}" ] && case " $parts " in *" v "*) ;; *) parts="$parts v" ;; esac
for p in $parts; do
	case $p in a|b|c|d|e|f|r|s|v|x) ;; *) die "BENCH: no part '$p' (a, b, c, d, e, f, r, s, v, x or all)" ;; esac
done
want() { case " $parts " in *" $1 "*) return 0 ;; esac; return 1; }

bench_pid=$$ load_pid='' hog_pids=''
tmp=$(mktemp -d "${TMPDIR:-/tmp}/goneaway-bench.XXXXXX") || die "mktemp failed"
report="$tmp/report"
: > "$report"
errors=0

# mtr takes a port range by locking /tmp/mysql-unique-ids/N (its
# lib/mtr_unique.pm) and leaves the file: what was there before stays.
uniq_dir=/tmp/mysql-unique-ids
uniq_had_dir=0
[ -d "$uniq_dir" ] && uniq_had_dir=1
ls "$uniq_dir" > "$tmp/uniq-before" 2>/dev/null || : > "$tmp/uniq-before"

# The processes of an mtr run of this bench: every one names its vardir.
mtr_pids() {
	ps -eo pid=,args= > "$tmp/ps" 2>/dev/null || return 0
	grep -F -- "$tmp/mtr" "$tmp/ps" | awk '{ print $1 }'
}
stop_mtr_strays() {
	pids=$(mtr_pids)
	[ -n "$pids" ] || return 0
	say "  (stopping mtr processes left running: $(echo "$pids" | tr "\n" " "))"
	# shellcheck disable=SC2086 # a list of PIDs
	kill -TERM $pids 2>/dev/null
	n=0
	while [ -n "$(mtr_pids)" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
	pids=$(mtr_pids)
	# shellcheck disable=SC2086
	[ -z "$pids" ] || kill -KILL $pids 2>/dev/null
}

# The load average, sampled every second into $tmp/load ("UPTIME LOAD1")
# by a loop that ends with the bench; load_during T0 T1: their mean
# between two uptimes.
uptime_now() { read -r up _ < /proc/uptime; echo "$up"; }
load_start() {
	: > "$tmp/load"
	( while kill -0 "$bench_pid" 2>/dev/null; do
		read -r up _ < /proc/uptime; read -r l _ < /proc/loadavg
		echo "$up $l"; sleep 1
	  done >> "$tmp/load" ) &
	load_pid=$!
}
load_during() {
	awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b { s += $2; n++ }
		END { if (n) printf "%.1f", s / n; else print "-" }' "$tmp/load"
}

# The hog: hog_start N SECONDS, N busy loops, each a shell spinning until
# it is ended by its PID (hog_stop, and cleanup), the bench is gone, or
# SECONDS passed (a bound of its own: nothing outlives a stopped bench).
hog_start() {
	k=0
	read -r up _ < /proc/uptime
	hog_end=$(( ${up%.*} + $2 ))
	while [ "$k" -lt "$1" ]; do
		( while kill -0 "$bench_pid" 2>/dev/null; do
			read -r up _ < /proc/uptime
			[ "${up%.*}" -lt "$hog_end" ] || break
		  done ) &
		hog_pids="$hog_pids $!"
		k=$((k + 1))
	done
}
hog_stop() {
	[ -n "$hog_pids" ] || return 0
	# shellcheck disable=SC2086 # a list of PIDs
	kill -TERM $hog_pids 2>/dev/null
	# shellcheck disable=SC2086
	wait $hog_pids 2>/dev/null
	hog_pids=
}
# Part f's honest CPU: every run in a cpuacct cgroup (v1) of the bench's
# own, /sys/fs/cgroup/cpuacct/goneaway-bench.PID.N, whose cpuacct.usage
# is the CPU of everything the run started, its servers and its drivers'
# processes included, reaped by goneaway or not (the shell's "times"
# counts only what goneaway reaped, and a server's CPU only when it was
# waited for).  cg_new makes one (cg: its path, empty without cpuacct),
# cg_exec CG CMD... runs CMD in it, cg_usage CG its CPU seconds,
# cg_rm CG removes it: a process still in it (none once goneaway ended;
# on a signal, the run's) is moved, by its PID, to the parent first.
cg_root=/sys/fs/cgroup/cpuacct
cg_n=0
cg_new() {
	cg=
	[ -f "$cg_root/cpuacct.usage" ] || return 0
	cg_n=$((cg_n + 1))
	mkdir "$cg_root/goneaway-bench.$bench_pid.$cg_n" 2>/dev/null || return 0
	cg="$cg_root/goneaway-bench.$bench_pid.$cg_n"
}
cg_exec() {
	# shellcheck disable=SC2016 # $$ and $1 are the inner shell's
	sh -c 'echo $$ > "$1/cgroup.procs" || exit 125; shift; exec "$@"' cg_exec "$@"
}
cg_usage() {
	awk '{ printf "%.2f", $1 / 1e9 }' "$1/cpuacct.usage" 2>/dev/null || echo -
}
cg_rm() {
	[ -d "$1" ] || return 0
	n=0
	while ! rmdir "$1" 2>/dev/null && [ "$n" -lt 50 ]; do
		while read -r p; do echo "$p" > "$cg_root/cgroup.procs"; done < "$1/cgroup.procs" 2>/dev/null
		sleep 0.1
		n=$((n + 1))
	done
}
cg_rm_all() {
	for d in "$cg_root"/goneaway-bench."$bench_pid".*; do
		[ -d "$d" ] && cg_rm "$d"
	done
	return 0
}

cleanup() {
	trap - EXIT INT TERM HUP
	hog_stop
	cg_rm_all
	[ -z "$load_pid" ] || kill -TERM "$load_pid" 2>/dev/null
	stop_mtr_strays
	if [ -d "$uniq_dir" ]; then
		for f in "$uniq_dir"/*; do
			[ -f "$f" ] || continue
			grep -qxF "$(basename "$f")" "$tmp/uniq-before" && continue
			# not while another mtr holds it
			flock -n "$f" true 2>/dev/null && rm -f "$f"
		done
		[ "$uniq_had_dir" = 1 ] || rmdir "$uniq_dir" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

say() { printf '%s\n' "$*"; printf '%s\n' "$*" >> "$report"; }

# Other goneaway runs and servers on the machine skew the figures: counted
# before every timed run (this bench's own have ended by then).
checks=0 busy=0
note_others() {
	checks=$((checks + 1))
	ps -eo comm=,args= > "$tmp/ps" 2>/dev/null || return 0
	awk -v t="$tmp/" 'index($0, t) == 0 && ($1 == "goneaway" || $1 == "mariadbd" || $1 == "mysqld") {
		$1 = ""; print substr($0, 2, 70) }' "$tmp/ps" > "$tmp/others"
	if [ -s "$tmp/others" ]; then
		busy=$((busy + 1))
		cat "$tmp/others" >> "$tmp/others.seen"
	fi
}

# The CPU seconds (user + system) of the shell's children that ended so
# far, from FILE, what the shell's "times" wrote (its second line):
# goneaway and what it reaped (its workers and servers), mtr and its
# servers.  ("times" runs in this shell, never in a $(...) subshell,
# which has no children of its own.)
cpu_of() {
	awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/)
		printf "%.3f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$1"
}

# timed LOG CMD...: CMD's output to LOG; sets wall and cpu (seconds) and rc
timed() {
	log=$1
	shift
	note_others
	times > "$tmp/times0"
	t0=$(date +%s.%N)
	"$@" > "$log" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	times > "$tmp/times1"
	c0=$(cpu_of "$tmp/times0")
	c1=$(cpu_of "$tmp/times1")
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	cpu=$(awk -v a="$c0" -v b="$c1" 'BEGIN { if (a == "" || b == "") print "-"; else printf "%.2f", b - a }')
	[ "$rc" -lt 128 ] || exit "$rc"
}

ga_run() {	# JSONL ARGS...
	j=$1
	shift
	"$ga" run --no-results --color never --jsonl "$j" "$@"
}

# "P F S E" from a results file's end line; nothing when the run did not end
counts() {
	awk '/"type":"end"/ {
		split("pass fail skip error", key, " ")
		s = ""
		for (i = 1; i <= 4; i++)
			if (match($0, "\"" key[i] "\":[0-9]+")) {
				v = substr($0, RSTART, RLENGTH); sub(/.*:/, "", v); s = s v " "
			}
		print s
	}' "$1" 2>/dev/null
}
counts_text() {	# "P F S E" -> "40 PASS, 0 FAIL, 1 SKIP, 0 ERROR"
	# shellcheck disable=SC2086 # four numbers
	set -- $1
	echo "$1 PASS, $2 FAIL, $3 SKIP, $4 ERROR"
}

# servers the run started, from its results file's cases
started() {
	awk '/"type":"case"/ && match($0, /"servers_started":[0-9]+/) {
		v = substr($0, RSTART, RLENGTH); sub(/.*:/, "", v); n += v }
		END { print n + 0 }' "$1"
}

# one "label combo verdict" line per case, sorted
verdicts() {
	awk '/"type":"case"/ {
		l = c = v = ""
		if (match($0, /"label":"[^"]*"/)) l = substr($0, RSTART + 9, RLENGTH - 10)
		if (match($0, /"combo":"[^"]*"/)) c = substr($0, RSTART + 9, RLENGTH - 10)
		if (match($0, /"verdict":"[A-Z]*"/)) v = substr($0, RSTART + 11, RLENGTH - 12)
		print l, (c == "" ? "-" : c), v
	}' "$1" | sort
}

# The cases of JSONL that FAILed or were ERROR, a line each (the first
# ten): scenario, combination, verdict, the reason's first 160 bytes.
not_passed() {
	awk '/"type":"case"/ && /"verdict":"(FAIL|ERROR)"/ {
		l = c = v = why = ""
		if (match($0, /"label":"[^"]*"/)) l = substr($0, RSTART + 9, RLENGTH - 10)
		if (match($0, /"combo":"[^"]*"/)) c = substr($0, RSTART + 9, RLENGTH - 10)
		if (match($0, /"verdict":"[A-Z]*"/)) v = substr($0, RSTART + 11, RLENGTH - 12)
		if (match($0, /"reason":"([^"\\]|\\.)*"/)) why = substr($0, RSTART + 10, RLENGTH - 11)
		print "    " v " " l " [" c "]: " substr(why, 1, 160)
	}' "$1" | head -n 10
}

median() {	# of the numbers in FILE, one a line
	sort -n "$1" | awk '{ a[NR] = $1 }
		END { if (NR == 0) print "-"; else if (NR % 2) printf "%.3f\n", a[(NR + 1) / 2];
		      else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a != "-") printf "%.2f", a / b; else printf "-" }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "-" && a + 0 <= b + 0) }'; }
met() { if le "$1" "$2"; then echo "met"; else echo "NOT met"; fi; }

# the end of LOG, for a run that went wrong
show_log() { tail -n 15 "$1" | sed 's/^/    | /'; }

# -j: named by the help, or at least accepted (--list runs nothing)
have_j=0
"$ga" run --help 2>&1 | grep -q -- --jobs && have_j=1
"$ga" run -j 1 --list tests/bench/trivial/trivial-01.gw > /dev/null 2>&1 && have_j=1
nscen=$(ls scenarios/*.gw | wc -l)

say "goneaway bench, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -n), $(nproc) cores"
say "  $("$ga" --version 2>&1 | head -n 1); local server: $(/usr/sbin/mariadbd --version 2>/dev/null | sed 's/^.*Ver //')"
say "  load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$have_j" = 1 ]; then
	say "  -j: available; \"default\" is goneaway run without -j (chosen for the machine)"
else
	say "  -j not available (goneaway run takes no -j/--jobs): default/-j 1 not measured"
fi
say "  parts: $parts"

# ---------------------------------------------------------------- part a
part_a() {
	say ""
	say "== a: the shipped suite ($nscen scenarios, local server, built-in client)"
	if [ "$have_j" = 0 ]; then
		say "  -j not available: the suite once, as it runs (no ratio, no verdict comparison)"
		timed "$tmp/a.log" ga_run "$tmp/a.jsonl" scenarios/
		c=$(counts "$tmp/a.jsonl")
		if [ "$rc" -eq 2 ] || [ -z "$c" ]; then
			say "  the run did not finish (exit $rc):"; show_log "$tmp/a.log"; errors=1; return
		fi
		say "  wall $wall s: $(counts_text "$c")"
		return
	fi
	say "  $runs runs each, alternating -j 1 and the default -j"
	: > "$tmp/a-j1.walls"
	: > "$tmp/a-def.walls"
	: > "$tmp/a-j1.cpus"
	: > "$tmp/a-def.cpus"
	i=1
	while [ "$i" -le "$runs" ]; do
		for mode in j1 def; do
			if [ "$mode" = j1 ]; then set -- -j 1; name="-j 1"; else set --; name="default"; fi
			timed "$tmp/a-$mode-$i.log" ga_run "$tmp/a-$mode-$i.jsonl" "$@" scenarios/
			c=$(counts "$tmp/a-$mode-$i.jsonl")
			if [ "$rc" -eq 2 ] || [ -z "$c" ]; then
				say "  run $i $name did not finish (exit $rc):"; show_log "$tmp/a-$mode-$i.log"
				errors=1; return
			fi
			echo "$wall" >> "$tmp/a-$mode.walls"
			echo "$cpu" >> "$tmp/a-$mode.cpus"
			verdicts "$tmp/a-$mode-$i.jsonl" > "$tmp/a-$mode-$i.v"
			say "  run $i $(printf '%-8s' "$name") $(printf '%8s' "$wall") s wall $(printf '%7s' "$cpu") s CPU   $(counts_text "$c")"
		done
		i=$((i + 1))
	done
	m1=$(median "$tmp/a-j1.walls")
	md=$(median "$tmp/a-def.walls")
	r=$(ratio "$md" "$m1")
	same_j1=0 same_def=0
	i=1
	while [ "$i" -le "$runs" ]; do
		cmp -s "$tmp/a-j1-1.v" "$tmp/a-j1-$i.v" && same_j1=$((same_j1 + 1))
		cmp -s "$tmp/a-j1-1.v" "$tmp/a-def-$i.v" && same_def=$((same_def + 1))
		i=$((i + 1))
	done
	say ""
	say "                      -j 1     default    default/-j 1"
	say "  median wall    $(printf '%8s s %8s s %10s' "$m1" "$md" "$r")"
	c1=$(median "$tmp/a-j1.cpus")
	cd_=$(median "$tmp/a-def.cpus")
	say "  median CPU     $(printf '%8s s %8s s %10s' "$c1" "$cd_" "$(ratio "$cd_" "$c1")")"
	say "  verdicts: the default -j runs gave the -j 1 verdicts in $same_def of $runs runs"
	[ "$same_j1" -eq "$runs" ] || say "  (the -j 1 runs differ among themselves: $same_j1 of $runs gave run 1's)"
	i=1
	while [ "$i" -le "$runs" ]; do
		if ! cmp -s "$tmp/a-j1-1.v" "$tmp/a-def-$i.v"; then
			say "  first difference, -j 1 run 1 (<) and default run $i (>):"
			diff "$tmp/a-j1-1.v" "$tmp/a-def-$i.v" | grep '^[<>]' | head -n 10 | sed 's/^/    /' | tee -a "$report"
			break
		fi
		i=$((i + 1))
	done
	say "  target (issue 28): default -j <= 15 s wall on 2 cores: $(met "$md" 15) ($md s); <= 20 s CPU: $(met "$cd_" 20) ($cd_ s); same verdicts $runs of $runs: $([ "$same_def" -eq "$runs" ] && echo met || echo "NOT met")"
	say "  target (issue 41): default -j <= 8 s wall on 2 cores: $(met "$md" 8) ($md s)"
}

# ---------------------------------------------------------------- part b
mtr=${MTR:-}
find_mtr() {
	if [ -z "$mtr" ]; then
		if ! dpkg-query -W -f='${Status}' mariadb-test 2>/dev/null | grep -q 'ok installed'; then
			say "  installing mysql-test-run (apt-get install mariadb-test)"
			export DEBIAN_FRONTEND=noninteractive
			apt-get install -y --no-install-recommends mariadb-test > "$tmp/apt.log" 2>&1 ||
				{ apt-get update >> "$tmp/apt.log" 2>&1 &&
				  apt-get install -y --no-install-recommends mariadb-test >> "$tmp/apt.log" 2>&1; } ||
				{ say "  apt-get install mariadb-test failed:"; show_log "$tmp/apt.log"; return 1; }
		fi
		mtr=$(dpkg -L mariadb-test 2>/dev/null | grep '/mysql-test/mtr$' | head -n 1)
		[ -n "$mtr" ] || mtr=/usr/share/mysql/mysql-test/mtr
	fi
	[ -x "$mtr" ] || { say "  no mysql-test-run at $mtr"; return 1; }
	mtr_dir=$(dirname "$mtr")
	mtr_name=$(basename "$mtr")
}

# mtr must be started from its own directory; each run gets a vardir of
# its own, removed afterwards with anything it left running
mtr_n=0
mtr_exec() { (cd "$mtr_dir" && exec "./$mtr_name" --vardir="$mtr_var" "$@"); }
mtr_timed() {	# LOG ARGS...
	mtr_n=$((mtr_n + 1))
	mtr_var="$tmp/mtr$mtr_n/var"
	l=$1
	shift
	timed "$l" mtr_exec "$@"
	stop_mtr_strays
	rm -rf "$tmp/mtr$mtr_n"
}

# bench_pair KIND N GA_PATH MTR_ARGS...: BENCH_PAIRS pairs, alternating
bench_pair() {
	kind=$1 n=$2 path=$3
	shift 3
	: > "$tmp/b-$kind.ga" ; : > "$tmp/b-$kind.mtr" ; : > "$tmp/b-$kind.ratio"
	: > "$tmp/b-$kind.cratio"
	if [ "$have_j" = 1 ]; then jn=" (default -j)"; else jn=""; fi
	say ""
	say "  $kind: goneaway run $path$jn  vs  mtr $*"
	say "  pair   goneaway     mtr   goneaway/mtr   CPU: goneaway     mtr   goneaway/mtr"
	i=1
	while [ "$i" -le "$pairs" ]; do
		timed "$tmp/b-$kind-ga.log" ga_run "$tmp/b-$kind.jsonl" "$path"
		c=$(counts "$tmp/b-$kind.jsonl")
		if [ -z "$c" ] || [ "${c%% *}" -ne "$n" ]; then
			say "  goneaway did not PASS all $n (exit $rc):"; show_log "$tmp/b-$kind-ga.log"
			errors=1; return
		fi
		gw=$wall gc=$cpu
		mtr_timed "$tmp/b-$kind-mtr.log" "$@"
		if [ "$rc" -ne 0 ] || ! grep -q "All $n tests were successful" "$tmp/b-$kind-mtr.log"; then
			say "  mtr failed (exit $rc):"; show_log "$tmp/b-$kind-mtr.log"
			errors=1; return
		fi
		mw=$wall mc=$cpu
		echo "$gw" >> "$tmp/b-$kind.ga"
		echo "$mw" >> "$tmp/b-$kind.mtr"
		ratio "$gw" "$mw" >> "$tmp/b-$kind.ratio"; echo >> "$tmp/b-$kind.ratio"
		ratio "$gc" "$mc" >> "$tmp/b-$kind.cratio"; echo >> "$tmp/b-$kind.cratio"
		say "  $(printf '%-4s %8s s %8s s %8s      %8s s %8s s %8s' "$i" "$gw" "$mw" "$(ratio "$gw" "$mw")" "$gc" "$mc" "$(ratio "$gc" "$mc")")"
		i=$((i + 1))
	done
	mg=$(median "$tmp/b-$kind.ga")
	mm=$(median "$tmp/b-$kind.mtr")
	mr=$(median "$tmp/b-$kind.ratio" | awk '{ printf "%.2f", $1 }')
	mcr=$(median "$tmp/b-$kind.cratio" | awk '{ printf "%.2f", $1 }')
	say "  $(printf '%-4s %8s s %8s s %8s' median "$mg" "$mm" "$mr")  (median of the pairs' ratios); CPU $mcr"
	spent=$(sed -n 's/^Spent \([0-9.]*\) of \([0-9]*\) seconds.*/\1 s of its \2 s in the test/p' "$tmp/b-$kind-mtr.log")
	[ -z "$spent" ] || say "  mtr's last run spent $spent itself (the rest: bootstrap, server start, checks, stop)"
	case $kind in ten) b_ratio_ten=$mr b_cpu_ten=$mcr ;; one) b_ratio_one=$mr ;; esac
}

part_b() {
	say ""
	say "== b: trivial scenarios vs mysql-test-run (MariaDB's, main.1st)"
	find_mtr || { say "  not measured: no mysql-test-run"; errors=1; return; }
	say "  mtr: $mtr (run from $mtr_dir, --vardir in a temp dir; $BENCH_PAIRS_TEXT)"
	# neither start is counted: goneaway's template datadir is made once
	# and cached, mtr bootstraps one every time; both then start warm
	timed "$tmp/b-warm-ga.log" ga_run "$tmp/b-warm.jsonl" tests/bench/trivial/
	mtr_timed "$tmp/b-warm-mtr.log" main.1st
	if [ "$rc" -ne 0 ]; then
		say "  mtr main.1st failed (exit $rc):"; show_log "$tmp/b-warm-mtr.log"; errors=1; return
	fi
	b_ratio_ten=- b_ratio_one=- b_cpu_ten=-
	bench_pair ten 10 tests/bench/trivial/ --repeat=10 main.1st
	bench_pair one 1 tests/bench/trivial/trivial-01.gw main.1st
	say ""
	say "  target (issue 28): ten <= 0.3 x mtr's wall: $(met "$b_ratio_ten" 0.3) ($b_ratio_ten), <= 0.6 x its CPU: $(met "$b_cpu_ten" 0.6) ($b_cpu_ten); one <= 0.1 x mtr: $(met "$b_ratio_one" 0.1) ($b_ratio_one)"
}
BENCH_PAIRS_TEXT="$pairs pairs, goneaway first, after one untimed run of each"

# ---------------------------------------------------------------- part d
part_d() {
	say ""
	say "== d: ten trivial scenarios against MySQL 9.7 (the root mysql-9.7), default -j"
	if [ ! -f "$roots/mysql-9.7/.goneaway-root" ]; then
		say "  not measured: no root at $roots/mysql-9.7 (make roots)"
		return
	fi
	: > "$tmp/d.walls"
	: > "$tmp/d.cpus"
	timed "$tmp/d-warm.log" ga_run "$tmp/d-warm.jsonl" --server mysql-9.7 tests/bench/trivial/
	i=1
	while [ "$i" -le "$pairs" ]; do
		timed "$tmp/d-$i.log" ga_run "$tmp/d-$i.jsonl" --server mysql-9.7 tests/bench/trivial/
		c=$(counts "$tmp/d-$i.jsonl")
		if [ -z "$c" ] || [ "${c%% *}" -ne 10 ]; then
			say "  goneaway did not PASS all 10 (exit $rc):"; show_log "$tmp/d-$i.log"
			errors=1; return
		fi
		echo "$wall" >> "$tmp/d.walls"
		echo "$cpu" >> "$tmp/d.cpus"
		say "  run $i $(printf '%8s' "$wall") s wall $(printf '%7s' "$cpu") s CPU"
		i=$((i + 1))
	done
	dw=$(median "$tmp/d.walls")
	say "  median $(printf '%8s' "$dw") s wall $(printf '%7s' "$(median "$tmp/d.cpus")") s CPU  (after one untimed run)"
	say "  target (issue 28): <= 3 s: $(met "$dw" 3) ($dw s)"
}

# ---------------------------------------------------------------- part c
matrix_servers() {
	if [ -n "${BENCH_SERVERS:-}" ]; then
		echo "$BENCH_SERVERS"
		return
	fi
	s="--server local"
	for r in mysql-9.7 mariadb-11.8 mariadb-10.5; do
		[ -d "$roots/$r" ] && s="$s --server $r"
	done
	echo "$s"
}

part_c() {
	if [ -z "${BENCH_SERVERS:-}" ] && [ ! -d "$roots/mariadb-10.5" ]; then
		say ""
		say "  building the mariadb-10.5 root (Debian bullseye, once)"
		sh ci/build-server-root.sh mariadb-10.5 "$roots/mariadb-10.5" > "$tmp/root-10.5.log" 2>&1 ||
			{ say "  could not build it:"; show_log "$tmp/root-10.5.log"; }
	fi
	servers=$(matrix_servers)
	names=$(echo "$servers" | sed 's/--server //g')
	ns=$(echo "$names" | wc -w)
	say ""
	say "== c: every scenario ($nscen) against $ns servers ($names), built-in client"
	if [ "$have_j" = 1 ]; then modes="j1 def"; else modes="once"; fi
	for mode in $modes; do
		case $mode in
		j1) name="-j 1"; set -- --timings -j 1 ;;
		def) name="default"; set -- ;;
		once) name="no -j"; set -- --timings ;;
		esac
		# shellcheck disable=SC2086 # the --server options
		timed "$tmp/c-$mode.log" ga_run "$tmp/c-$mode.jsonl" "$@" $servers scenarios/
		c=$(counts "$tmp/c-$mode.jsonl")
		if [ "$rc" -eq 2 ] || [ -z "$c" ]; then
			say "  $name did not finish (exit $rc):"; show_log "$tmp/c-$mode.log"; errors=1; return
		fi
		verdicts "$tmp/c-$mode.jsonl" > "$tmp/c-$mode.v"
		case $mode in j1) c_wall_j1=$wall ;; def) c_wall_def=$wall ;; esac
		say "  $(printf '%-8s' "$name") wall $(printf '%8s' "$wall") s   $(counts_text "$c")"
	done
	if [ "$have_j" = 1 ]; then
		say "  default/-j 1: $(ratio "$c_wall_def" "$c_wall_j1"); verdicts $(cmp -s "$tmp/c-j1.v" "$tmp/c-def.v" && echo "the same" || echo "DIFFER")"
		cmp -s "$tmp/c-j1.v" "$tmp/c-def.v" ||
			diff "$tmp/c-j1.v" "$tmp/c-def.v" | grep '^[<>]' | head -n 10 | sed 's/^/    /' | tee -a "$report"
		tl="$tmp/c-j1.log"
	else
		say "  -j not available: no default/-j 1 ratio"
		tl="$tmp/c-once.log"
	fi
	awk '/^set-up per scenario/ { on = 1 } on && /^$/ { exit } on' "$tl" | sed 's/^/  /' | tee -a "$report"
	[ "$have_j" = 1 ] && [ "$ns" -ge 4 ] &&
		say "  target (issue 28): every scenario x the four servers <= 120 s: $(met "$c_wall_def" 120) ($c_wall_def s)"
	[ "$ns" -ge 4 ] || say "  (fewer than four servers: the target of four is not judged)"
}

# ---------------------------------------------------------------- part r
# r_pair NAME ARGS...: BENCH_PAIRS pairs of reuse and --fresh-servers
r_pair() {
	name=$1
	shift
	: > "$tmp/r-$name.reuse" ; : > "$tmp/r-$name.fresh"
	: > "$tmp/r-$name.creuse" ; : > "$tmp/r-$name.cfresh"
	same=0
	say ""
	say "  $name: goneaway run $*"
	say "  pair   reuse: wall     CPU  started   fresh: wall     CPU  started"
	i=1
	while [ "$i" -le "$pairs" ]; do
		timed "$tmp/r-$name-reuse.log" ga_run "$tmp/r-$name-reuse.jsonl" "$@"
		rw=$wall rc_=$cpu rs=$(started "$tmp/r-$name-reuse.jsonl")
		timed "$tmp/r-$name-fresh.log" ga_run "$tmp/r-$name-fresh.jsonl" --fresh-servers "$@"
		fw=$wall fc=$cpu fs=$(started "$tmp/r-$name-fresh.jsonl")
		if [ -z "$(counts "$tmp/r-$name-reuse.jsonl")" ] || [ -z "$(counts "$tmp/r-$name-fresh.jsonl")" ]; then
			say "  a run did not finish:"; show_log "$tmp/r-$name-reuse.log"; show_log "$tmp/r-$name-fresh.log"
			errors=1; return
		fi
		verdicts "$tmp/r-$name-reuse.jsonl" > "$tmp/r-$name-reuse.v"
		verdicts "$tmp/r-$name-fresh.jsonl" > "$tmp/r-$name-fresh.v"
		cmp -s "$tmp/r-$name-reuse.v" "$tmp/r-$name-fresh.v" && same=$((same + 1))
		echo "$rw" >> "$tmp/r-$name.reuse"; echo "$fw" >> "$tmp/r-$name.fresh"
		echo "$rc_" >> "$tmp/r-$name.creuse"; echo "$fc" >> "$tmp/r-$name.cfresh"
		say "  $(printf '%-4s %10s s %6s s %6s %10s s %6s s %6s' "$i" "$rw" "$rc_" "$rs" "$fw" "$fc" "$fs")"
		i=$((i + 1))
	done
	mr=$(median "$tmp/r-$name.reuse") mf=$(median "$tmp/r-$name.fresh")
	cr=$(median "$tmp/r-$name.creuse") cf=$(median "$tmp/r-$name.cfresh")
	say "  median wall reuse/fresh $(ratio "$mr" "$mf") ($mr s / $mf s), CPU $(ratio "$cr" "$cf") ($cr s / $cf s); the same verdicts in $same of $pairs pairs"
}

part_r() {
	say ""
	say "== r: servers kept for the next case (reuse, the default) against --fresh-servers"
	r_pair ten-j1 -j 1 tests/bench/trivial/
	r_pair suite scenarios/
}

# ---------------------------------------------------------------- part v
# v_pair NAME ARGS...: BENCH_PAIRS pairs of BENCH_BEFORE's run and this
# tree's, each on its own tree's scenarios/, alternating, the other first
v_pair() {
	name=$1
	shift
	: > "$tmp/v-$name.bw" ; : > "$tmp/v-$name.aw"
	: > "$tmp/v-$name.bc" ; : > "$tmp/v-$name.ac"
	same=0
	say ""
	say "  $name: goneaway run $* scenarios/"
	say "  pair   before: wall     CPU  started    after: wall     CPU  started"
	i=1
	while [ "$i" -le "$pairs" ]; do
		timed "$tmp/v-$name-b.log" "$before/goneaway" run --no-results --color never \
			--jsonl "$tmp/v-$name-b.jsonl" "$@" "$before/scenarios/"
		bw=$wall bc=$cpu bs=$(started "$tmp/v-$name-b.jsonl")
		timed "$tmp/v-$name-a.log" ga_run "$tmp/v-$name-a.jsonl" "$@" scenarios/
		aw=$wall ac=$cpu as=$(started "$tmp/v-$name-a.jsonl")
		if [ -z "$(counts "$tmp/v-$name-b.jsonl")" ] || [ -z "$(counts "$tmp/v-$name-a.jsonl")" ]; then
			say "  a run did not finish:"; show_log "$tmp/v-$name-b.log"; show_log "$tmp/v-$name-a.log"
			errors=1; return
		fi
		verdicts "$tmp/v-$name-b.jsonl" > "$tmp/v-$name-b.v"
		verdicts "$tmp/v-$name-a.jsonl" > "$tmp/v-$name-a.v"
		echo "$bw" >> "$tmp/v-$name.bw"; echo "$aw" >> "$tmp/v-$name.aw"
		echo "$bc" >> "$tmp/v-$name.bc"; echo "$ac" >> "$tmp/v-$name.ac"
		say "  $(printf '%-4s %10s s %6s s %6s %10s s %6s s %6s' "$i" "$bw" "$bc" "$bs" "$aw" "$ac" "$as")"
		if cmp -s "$tmp/v-$name-b.v" "$tmp/v-$name-a.v"; then
			same=$((same + 1))
		else    # which, and why: the pair's runs are gone after
			diff "$tmp/v-$name-b.v" "$tmp/v-$name-a.v" | grep '^[<>]' | head -n 10 | sed 's/^/    /' | tee -a "$report"
			not_passed "$tmp/v-$name-b.jsonl" | sed 's/^/  before/' | tee -a "$report"
			not_passed "$tmp/v-$name-a.jsonl" | sed 's/^/  after/' | tee -a "$report"
		fi
		i=$((i + 1))
	done
	mb=$(median "$tmp/v-$name.bw") ma=$(median "$tmp/v-$name.aw")
	cb=$(median "$tmp/v-$name.bc") ca=$(median "$tmp/v-$name.ac")
	say "  median wall after/before $(ratio "$ma" "$mb") ($ma s / $mb s), CPU $(ratio "$ca" "$cb") ($ca s / $cb s); the same verdicts in $same of $pairs pairs"
	le "$(ratio "$ma" "$mb")" 1.10 && le "$(ratio "$ca" "$cb")" 1.10 &&
		say "  target (issue 37): within 10 % of before, wall and CPU: met" ||
		say "  target (issue 37): within 10 % of before, wall and CPU: NOT met"
}

part_v() {
	say ""
	before=${BENCH_BEFORE:-}
	case $before in ''|/*) ;; *) before="$PWD/$before" ;; esac
	say "== v: this tree against BENCH_BEFORE ($before)"
	if [ ! -x "$before/goneaway" ] || [ ! -d "$before/scenarios" ]; then
		say "  not measured: BENCH_BEFORE must name a built checkout (its goneaway and scenarios/)"
		errors=1
		return
	fi
	say "  before: $("$before/goneaway" --version 2>&1 | head -n 1), $(ls "$before"/scenarios/*.gw | wc -l) scenarios; after: $nscen"
	v_pair suite-kept
	v_pair suite-fresh --fresh-servers
}

# ---------------------------------------------------------------- part e
part_e() {
	say ""
	say "== e: every client installed here against MySQL 9.7, default -j"
	if [ ! -f "$roots/mysql-9.7/.goneaway-root" ]; then
		say "  not measured: no root at $roots/mysql-9.7 (make roots)"
		return
	fi
	names="builtin"
	# drivers.list's plain drivers (its pools run only pool scenarios:
	# their tables are docs/tables/pools-*.md)
	for d in $(awk '/^# pools:/ { exit } !/^#/ && NF { print $1 }' drivers/drivers.list); do
		case $d in libmariadb-*) continue ;; esac   # a MariaDB library: the same C code as builtin
		# installed: it runs a trivial scenario against that server
		if timeout 120 "$ga" run --no-results --server mysql-9.7 --client "$d" \
			tests/bench/trivial/trivial-01.gw > /dev/null 2>&1; then
			names="$names $d"
		fi
	done
	say "  clients: $names"
	# a run takes 16 clients at most: runs of 16, one after another,
	# their walls and CPU added
	set -- $names
	ewall=0 ecpu=0 estarted=0 epass=0 efail=0 eskip=0 eerror=0 k=0
	while [ $# -gt 0 ]; do
		clients= n=0
		while [ $# -gt 0 ] && [ $n -lt 16 ]; do
			clients="$clients --client $1"; n=$((n + 1)); shift
		done
		k=$((k + 1))
		# shellcheck disable=SC2086 # the --client options
		timed "$tmp/e$k.log" ga_run "$tmp/e$k.jsonl" --server mysql-9.7 ${E_FRESH:-} $clients scenarios/
		c=$(counts "$tmp/e$k.jsonl")
		if [ -z "$c" ]; then
			say "  the run did not finish (exit $rc):"; show_log "$tmp/e$k.log"; errors=1; return
		fi
		# shellcheck disable=SC2086 # four numbers
		set -- $c "$@"
		epass=$((epass + $1)) efail=$((efail + $2)) eskip=$((eskip + $3)) eerror=$((eerror + $4))
		shift 4
		ewall=$(awk -v a="$ewall" -v b="$wall" 'BEGIN { printf "%.3f", a + b }')
		ecpu=$(awk -v a="$ecpu" -v b="$cpu" 'BEGIN { if (b == "-") print "-"; else printf "%.2f", a + b }')
		estarted=$((estarted + $(started "$tmp/e$k.jsonl")))
		not_passed "$tmp/e$k.jsonl" > "$tmp/e$k.bad"
		[ -s "$tmp/e$k.bad" ] && tee -a "$report" < "$tmp/e$k.bad"
	done
	wall=$ewall
	say "  wall $wall s, CPU $ecpu s, servers started $estarted, in $k run(s): $epass PASS, $efail FAIL, $eskip SKIP, $eerror ERROR"
	say "  target (issue 28): every client x MySQL 9.7 <= 240 s: $(met "$wall" 240) ($wall s)"
}

# ---------------------------------------------------------------- part f
# installed: greets (goneaway drivers NAME)
installed() { "$ga" drivers "$1" > /dev/null 2>&1; }

# until the 1-minute load average is 0.85 of what it will be, at most 150 s
hog_warm() {
	n=0
	while [ "$n" -lt 150 ]; do
		read -r l _ < /proc/loadavg
		awk -v l="$l" -v h="$1" 'BEGIN { exit !(l >= 0.85 * h) }' && break
		sleep 1
		n=$((n + 1))
	done
}

# f_run SITTING ROUND CLIENT: one timed run of the suite; its figures
# appended to $tmp/f-SITTING-CLIENT.{walls,cpus,loads,workers}
f_run() {
	fs=$1 fr=$2 fc=$3
	f="$tmp/f-$fs-$fc"
	if [ "$fc" = builtin ]; then set --; else set -- --client "${fc%:kept}"; fi
	u0=$(uptime_now)
	cg_new
	# the run in its cgroup (cg_exec), or as it is without cpuacct
	set -- "$ga" run --no-results --color never --jsonl "$f-$fr.jsonl" -v "$@" scenarios/
	[ -z "$cg" ] || set -- cg_exec "$cg" "$@"
	# NAME:kept: the driver's processes kept between cases, checked, not
	# a copy forked fresh per case (GONEAWAY_SPAWN=off): what spawn costs
	case $fc in
	*:kept) GONEAWAY_KEEP=checked GONEAWAY_SPAWN=off timed "$f-$fr.log" "$@" ;;
	*) timed "$f-$fr.log" "$@" ;;
	esac
	u1=$(uptime_now)
	all=-
	if [ -n "$cg" ]; then all=$(cg_usage "$cg"); cg_rm "$cg"; fi
	c=$(counts "$f-$fr.jsonl")
	if [ -z "$c" ]; then
		say "  $fc did not finish (exit $rc):"; show_log "$f-$fr.log"; errors=1; return 1
	fi
	l=$(load_during "$u0" "$u1")
	w=$(sed -n 's/^goneaway run: \([0-9]*\) of at most \([0-9]*\) workers.*/\1 of \2/p' "$f-$fr.log" | tail -n 1)
	echo "$wall" >> "$f.walls"; echo "$cpu" >> "$f.cpus"; echo "$l" >> "$f.loads"
	echo "$all" >> "$f.alls"
	echo "${w%% *}" >> "$f.workers"
	verdicts "$f-$fr.jsonl" > "$f-$fr.v"
	say "  $(printf '%-6s %-3s %-14s %8s s %7s s %7s s  load %5s  %9s workers %4s servers  %s' "$fs" "$fr" "$fc" "$wall" "$all" "$cpu" "$l" "${w:--}" "$(started "$f-$fr.jsonl")" "$(counts_text "$c")")"
	# which cases, and why: the run's files are gone after
	not_passed "$f-$fr.jsonl" | tee -a "$report"
}

# f_sitting NAME: BENCH_RUNS rounds of every client, then the medians
f_sitting() {
	fs=$1
	for fc in builtin $fnames; do
		: > "$tmp/f-$fs-$fc.walls"; : > "$tmp/f-$fs-$fc.cpus"
		: > "$tmp/f-$fs-$fc.loads"; : > "$tmp/f-$fs-$fc.workers"
		: > "$tmp/f-$fs-$fc.alls"
	done
	i=1
	while [ "$i" -le "$runs" ]; do
		for fc in builtin $fnames; do
			f_run "$fs" "$i" "$fc" || return 1
		done
		i=$((i + 1))
	done
	cat "$tmp"/f-"$fs"-*.loads | sort -n > "$tmp/f-$fs.loads"
	say ""
	say "  $fs: $runs round(s), load average $(head -n 1 "$tmp/f-$fs.loads") to $(tail -n 1 "$tmp/f-$fs.loads") during the runs (median $(median "$tmp/f-$fs.loads" | cut -c1-4))"
	say "  (CPU all: the run's cgroup, everything it started; CPU reaped: what goneaway reaped, the shell's \"times\")"
	say "  client          wall (median)  ratio  CPU all (median) ratio  CPU reaped  ratio  workers  verdicts the same"
	bw=$(median "$tmp/f-$fs-builtin.walls") bc=$(median "$tmp/f-$fs-builtin.cpus")
	ba=$(grep -v '^-' "$tmp/f-$fs-builtin.alls" | median /dev/stdin)
	for fc in builtin $fnames; do
		f="$tmp/f-$fs-$fc"
		mw=$(median "$f.walls") mc=$(median "$f.cpus")
		ma=$(grep -v '^-' "$f.alls" | median /dev/stdin)
		same=0 k=1
		while [ "$k" -le "$runs" ]; do
			cmp -s "$f-1.v" "$f-$k.v" && same=$((same + 1))
			k=$((k + 1))
		done
		say "  $(printf '%-14s %10s s %7s %10s s %7s %9s s %6s %7s    %s of %s' "$fc" "$mw" "$(ratio "$mw" "$bw")" "$ma" "$(ratio "$ma" "$ba")" "$mc" "$(ratio "$mc" "$bc")" "$(median "$f.workers" | cut -d. -f1)" "$same" "$runs")"
		rw=$(ratio "$mw" "$bw") ra=$(ratio "$ma" "$ba") rc_=$(ratio "$mc" "$bc")
		case $fc in
		pymysql) say "    targets ($fs): wall <= 1.5 x the built-in's (issue 57): $(met "$rw" 1.5) ($rw); CPU all <= 1.5 x (issue 41): $(met "$ra" 1.5) ($ra; reaped $rc_)" ;;
		java) say "    targets ($fs): wall <= 2 x the built-in's (issue 57): $(met "$rw" 2) ($rw); CPU all <= 2.5 x (issue 41): $(met "$ra" 2.5) ($ra; reaped $rc_)" ;;
		esac
	done
}

part_f() {
	say ""
	say "== f: the shipped suite with each driver against the built-in client, quiet and under a CPU hog (issues 41, 57)"
	fnames=
	for d in ${BENCH_CLIENTS:-pymysql java}; do
		if installed "${d%:kept}"; then fnames="$fnames $d"; else say "  $d: not installed (goneaway drivers $d)"; fi
	done
	hog=${BENCH_HOG:-14}
	case $hog in ''|*[!0-9]*|0) say "  BENCH_HOG must be a number of busy loops, 1 or more"; errors=1; return ;; esac
	say "  clients: builtin$fnames; $runs rounds each, alternating; nice $(nice); $(date -u '+%Y-%m-%d %H:%M UTC')"
	say "  sitting round client          wall   CPU all CPU reaped  load     workers         servers  verdicts"
	load_start
	for fs in ${BENCH_SITTINGS:-quiet hog}; do
		case $fs in
		quiet) f_sitting quiet || break ;;
		hog)
			say "  (hog: $hog busy loops of the bench's own; load average $(cut -d' ' -f1 /proc/loadavg) before, warming)"
			# bounded: its warming (150 s) and 3 minutes a run, at most
			hog_start "$hog" $((150 + runs * (1 + $(echo "$fnames" | wc -w)) * 180))
			hog_warm "$hog"
			say "  (load average $(cut -d' ' -f1 /proc/loadavg) at the first run)"
			f_sitting hog
			for p in $hog_pids; do
				kill -0 "$p" 2>/dev/null && continue
				say "  (the hog reached its bound before the sitting's end: the last runs were not under it)"
				break
			done
			hog_stop ;;
		*) say "  BENCH_SITTINGS: no sitting '$fs' (quiet, hog)"; errors=1 ;;
		esac
	done
	kill -TERM "$load_pid" 2>/dev/null; wait "$load_pid" 2>/dev/null
	load_pid=	# reaped: its PID may be another process's now
}

# ---------------------------------------------------------------- part x
# x_run CLIENT ROUND: one explore of the measure, in a cgroup of its own
x_run() {
	xd="$tmp/x-$1-$2"
	u0=$(uptime_now)
	cg_new
	set -- "$ga" explore --quiet --client "$1" -o "$xd" tests/integration/data/explore-measure.gw
	[ -z "$cg" ] || set -- cg_exec "$cg" "$@"
	timed "$xd.log" "$@"
	xrc=$rc
	u1=$(uptime_now)
	all=-
	if [ -n "$cg" ]; then all=$(cg_usage "$cg"); cg_rm "$cg"; fi
	runs_n=$(sed -n 's/^points: .*; \([0-9]*\) runs$/\1/p' "$xd/explore.txt" 2>/dev/null)
	viol=$(sed -n 's/^violations: \([0-9]*\)$/\1/p' "$xd/explore.txt" 2>/dev/null)
}

part_x() {
	say ""
	say "== x: goneaway explore over a connect, a 100-row result and a COMMIT, every point and kind (issue 59)"
	xc=builtin
	if installed pymysql; then xc="$xc pymysql"; else say "  pymysql: not installed (goneaway drivers pymysql)"; fi
	say "  clients: $xc; $runs rounds each, alternating; $(date -u '+%Y-%m-%d %H:%M UTC')"
	say "  round client          wall   CPU all  load   runs  violations"
	load_start
	r=1
	while [ "$r" -le "$runs" ]; do
		for c in $xc; do
			x_run "$c" "$r"
			if [ -z "$runs_n" ] || [ "$xrc" -gt 1 ]; then
				say "  $c: explore did not finish (exit $xrc):"; show_log "$xd.log"; errors=1; return
			fi
			echo "$wall" >> "$tmp/x-$c.walls"; echo "$all" >> "$tmp/x-$c.alls"
			echo "$viol" >> "$tmp/x-$c.viols"
			say "  $(printf '%-5s %-14s %8s s %7s s  %5s  %5s  %s' "$r" "$c" "$wall" "$all" "$(load_during "$u0" "$u1")" "$runs_n" "$viol")"
		done
		r=$((r + 1))
	done
	kill -TERM "$load_pid" 2>/dev/null; wait "$load_pid" 2>/dev/null
	load_pid=
	for c in $xc; do
		case $c in builtin) bound=60 ;; *) bound=180 ;; esac
		w=$(median "$tmp/x-$c.walls")
		flagged=$(awk '$1 != 0 { n++ } END { print n + 0 }' "$tmp/x-$c.viols")
		say "  $c: median $w s wall, $(median "$tmp/x-$c.alls") s CPU all; target (issue 59): <= $bound s: $(met "$w" "$bound"); runs flagged: $flagged of $runs"
	done
}

# ---------------------------------------------------------------- part s
part_s() {
	say ""
	say "== s: goneaway serve's proxy against the same work direct, HAProxy's (issues 39, 60)"
	note_others
	sh "$top/tests/bench/serve.sh" "$ga" > "$tmp/s.out" 2>&1
	rc=$?
	while IFS= read -r line; do say "$line"; done < "$tmp/s.out"
	[ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || errors=$((errors + 1))
}

want a && part_a
want b && part_b
want d && part_d
want r && part_r
if want c; then
	part_c
else
	say ""
	say "== c: not run.  Every scenario against every server (local and the roots in"
	say "   $roots), -j 1 vs default: make bench BENCH=all (several minutes)"
fi
want e && part_e
if want e && [ "${BENCH_FRESH_DRIVERS:-0}" = 1 ]; then
	say "  (again with --fresh-drivers: a process per connection, as before issue 41)"
	E_FRESH=--fresh-drivers part_e
fi
want f && part_f
want v && part_v
want s && part_s
want x && part_x

say ""
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$busy" -gt 0 ]; then
	say "CAUTION: other goneaway runs or servers were running at the start of $busy of"
	say "  the $checks timed runs: this machine was shared, and those figures are skewed."
	say "  seen (processes, added up over those checks; command):"
	sort "$tmp/others.seen" | uniq -c | sort -rn | head -n 6 | sed 's/^ */    /' | tee -a "$report"
else
	say "no other goneaway run or server was running at the start of any of the $checks timed runs"
fi
cp "$report" "$out" && echo "bench: written to $out"
[ "$errors" -eq 0 ] || { echo "bench: some figures could not be measured (above)" >&2; exit 1; }
exit 0
