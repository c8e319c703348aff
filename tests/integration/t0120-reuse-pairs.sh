#!/bin/sh
# t0120-reuse-pairs: a verdict does not depend on the case before it.
# tests/reuse/pairs.sh makes a pair of scenarios of every kind of server
# state in tests/reuse/states.txt (globals, persisted ones, users and
# roles, routines, events, triggers, views, the mysql and sys tables,
# time zones in the tables and in the server's memory, foreign servers,
# help tables, InnoDB's statistics, plugins and components,
# performance_schema's setup, a user lock, a global read lock, a prepared
# XA transaction, sessions left running, a thread of the server's own):
# A leaves the state behind, B reads it.  Each B runs after its A on the
# server A leaves (-j 1: kept when run/reuse.c's check finds it clean, else
# fresh) and alone on a fresh one (--fresh-servers), on MariaDB 10.11 (the
# local server) and on MySQL 9.7 (the root mysql-9.7): B's verdict must be
# the same both ways, every A must PASS, and the kinds that only the
# application account's own database and sessions hold must be undone on
# a kept server, not merely given a fresh one (else a check that never
# keeps would pass).  GA_T0120_GONEAWAY runs another build's goneaway (the
# three pairs of issue 37, GA_T0120_KINDS=issue, FAIL on 0.4.0's).
. "$(dirname "$0")/lib.sh"

GONEAWAY=${GA_T0120_GONEAWAY:-$GONEAWAY}
ROOTS=${GA_ROOTS:-/var/cache/goneaway/roots}
leftover_snapshot > "$SCRATCH/before"

# The kinds whose B must run on the server its A left: what the
# application account alone leaves, undone (a routine in its database, a
# lock of a session KILLed), a session of a privileged one KILLed, and
# the rows of a log table, emptied at every reading (server/snapshot.c:
# without it, a server that logs to a table was never kept).
KEPT_KINDS="app-routine user-lock read-lock trx-left log-table restart-global pause"
# The kinds whose A leaves a session running that holds a lock: the check
# KILLs it, not waits it out (a global read lock held the log tables'
# emptying until the session ended on its own, 4 s, and under load the
# check gave up: the server was not kept).
KILLED_KINDS="user-lock read-lock trx-left"

# run_pairs FLAVOUR SERVER: the pairs after each other on kept servers
# (GA_T0120_RUNS runs of -j 1 side by side, 2 by default, each a share of
# the pairs in order), and every B alone on a fresh server
run_pairs() {
	dir="$SCRATCH/$1"
	sh "$TOP/tests/reuse/pairs.sh" "$1" "$dir" ${GA_T0120_KINDS:-} > "$dir.list" ||
		return 1
	n=$(wc -l < "$dir.list")
	test "$n" -ge 1 || return 1
	runs=${GA_T0120_RUNS:-2}
	k=0
	while test $k -lt "$runs"; do
		files=$(awk -v k=$k -v r="$runs" -v d="$dir" \
			'(NR - 1) % r == k { print d "/a-" $1 ".gw", d "/b-" $1 ".gw" }' "$dir.list")
		if test -n "$files"; then
			"$GONEAWAY" run -j 1 -v --color never --no-results --server "$2" \
				--jsonl "$dir.kept$k.jsonl" $files > "$dir.kept$k.out" 2>&1 &
		fi
		k=$((k + 1))
	done
	"$GONEAWAY" run --fresh-servers --color never --no-results --server "$2" \
		--jsonl "$dir.fresh.jsonl" $(sed "s|^|$dir/b-|; s|\$|.gw|" "$dir.list") \
		> "$dir.fresh.out" 2>&1
	wait
	cat "$dir".kept*.out
	for j in "$dir".kept*.jsonl "$dir.fresh.jsonl"; do
		grep -q '"type":"end"' "$j" || { echo "$j: the run did not end"; return 1; }
	done
}

# compare FLAVOUR: B's verdicts kept and fresh, A's, and the kept kinds
compare() {
	python3 - "$SCRATCH/$1" "$KEPT_KINDS" "$KILLED_KINDS" <<-\EOF
	import glob, json, sys

	base, kept_kinds = sys.argv[1], sys.argv[2].split()
	killed_kinds = sys.argv[3].split()
	names = [l.strip() for l in open(base + ".list") if l.strip()]

	def cases(files):
	    out = {}
	    for path in files:
	        for line in open(path):
	            o = json.loads(line)
	            if o["type"] == "case":
	                out[o["scenario"]["name"]] = o
	    return out

	kept = cases(sorted(glob.glob(base + ".kept*.jsonl")))
	fresh = cases([base + ".fresh.jsonl"])
	bad = 0
	for n in names:
	    a, b, f = kept.get("a-" + n), kept.get("b-" + n), fresh.get("b-" + n)
	    if not a or not b or not f:
	        print("MISSING %s: a %s, b %s, b fresh %s" % (n, bool(a), bool(b), bool(f)))
	        bad += 1
	        continue
	    on = "kept" if b.get("server_setup", "").startswith("reused") else "fresh"
	    print("%-18s A %s; B %s after A (%s server), %s alone on a fresh one"
	          % (n, a["verdict"], b["verdict"], on, f["verdict"]))
	    if on == "fresh":
	        print("    %s" % b.get("server_setup", "")[:300])
	    if a["verdict"] != "PASS":
	        print("    A did not PASS: %s" % a.get("reason", ""))
	        bad += 1
	    if b["verdict"] != f["verdict"]:
	        print("    DIFFERS: %s after A, %s fresh: %s"
	              % (b["verdict"], f["verdict"], b.get("reason", "")))
	        bad += 1
	    if n in kept_kinds and on != "kept":
	        print("    the check did not undo what A left: a fresh server")
	        bad += 1
	    if n in killed_kinds and "were KILLed" not in a.get("server_after", ""):
	        print("    the check did not KILL what A left: %s"
	              % a.get("server_after", "")[:300])
	        bad += 1
	print("%d pairs, %d wrong" % (len(names), bad))
	sys.exit(1 if bad else 0)
	EOF
}

test_expect_success 'MariaDB 10.11 (local): every B has the same verdict after its A as alone on a fresh server' '
	run_pairs mariadb local && compare mariadb
'

if test -f "$ROOTS/mysql-9.7/.goneaway-root"; then
	test_expect_success 'MySQL 9.7: every B has the same verdict after its A as alone on a fresh server' '
		run_pairs mysql mysql-9.7 && compare mysql
	'
else
	test_skip 'MySQL 9.7: every B has the same verdict after its A as alone on a fresh server' \
		"no root at $ROOTS/mysql-9.7 (make roots builds it)"
fi

test_expect_success 'a malformed states file is refused with its line' '
	printf "== x\n-- c\nquery app SELECT 1\n" > bad.txt &&
	! GA_REUSE_STATES=bad.txt sh "$TOP/tests/reuse/pairs.sh" mariadb made 2> err &&
	grep -q "bad.txt:2: expected \"-- a\" or \"-- b\", found \"c\"" err &&
	printf "== x\nquery app SELECT 1\n" > bad.txt &&
	! GA_REUSE_STATES=bad.txt sh "$TOP/tests/reuse/pairs.sh" mariadb made 2> err &&
	grep -q "bad.txt:2: a line outside" err
'

test_expect_success 'the pairs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
