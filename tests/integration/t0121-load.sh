#!/bin/sh
# t0121-load: a busy machine gives the verdicts a quiet one gives.  Every
# scenario whose verdict rests on timing (a time bound, a seen count, a
# sleep, a timeout of the client's or the server's, a fault in the
# network or on the server) states in a "# margin:" comment the margin
# between its fault and the bound it races; then, under a load of this
# file's own (hog_start, lib.sh: two processes that spin per core and one
# that rewrites a file on disk with fsync, bounded in time, ended by
# their PIDs at the end), the shipped scenarios PASS (t0010's verdicts)
# and their mutants FAIL at their lines (t0020's), with the built-in
# client against the local server; netem-reorder and its mutants do the
# same against MySQL 9.7 and MariaDB 11.8 (issue 37: its seen lines failed
# there at load 10), and skip-networking with MariaDB Connector/J (its
# refused connect took 640 ms against a bound of 500 ms).  The figures of
# the loaded run, each bound against the time its step took, are printed
# (tests/load/margins.py).  GA_T0121_HOG sets the spinners (2 per core
# by default).
. "$(dirname "$0")/lib.sh"

ROOTS=${GA_ROOTS:-/var/cache/goneaway/roots}
leftover_snapshot > "$SCRATCH/before"

# A scenario rests on timing when it has a time bound, a seen line, a
# sleep, a timeout or keepalive, or a fault: the words of the language
# that say so (docs/scenario-format.md).
TIMING='^[[:space:]]*(expect|seen)|^sleep |_timeout|timeout=|keepalive=|^fault |^server (restart|stop|start|crash)|^proxy (restart|stop|crash)'

test_expect_success 'every scenario whose verdict rests on timing states its margin' '
	n=0 &&
	for f in "$TOP"/scenarios/*.gw; do
		grep -v "^#" "$f" | grep -qE "$TIMING" || continue
		n=$((n + 1))
		grep -q "^# margin: " "$f" || { echo "no margin: $f"; return 1; }
	done &&
	echo "$n scenarios state their margins" && test "$n" -ge 50
'

test_expect_success 'a scenario without its margin is found' '
	mkdir -p nomargin &&
	sed "/^# margin: /,/^title/{/^title/!d}" "$TOP/scenarios/kill-idle.gw" > nomargin/kill-idle.gw &&
	! grep -q "^# margin: " nomargin/kill-idle.gw &&
	grep -v "^#" nomargin/kill-idle.gw | grep -qE "$TIMING"
'

trap 'hog_stop' EXIT INT TERM
hog_start "${GA_T0121_HOG:-$((2 * $(nproc)))}"

test_expect_success 'under load: every shipped scenario PASSes (--strict)' '
	"$GONEAWAY" run --strict --allow-skip netem $BUILTIN_SKIP_RULES $MEMORY_SKIP_RULES \
		--color never --no-results --jsonl "$SCRATCH/load.jsonl" \
		"$TOP/scenarios" > suite.out;
	rc=$?; tail -n 6 suite.out; cat /proc/loadavg;
	grep -E "^\[.*(FAIL|ERROR)" -A 3 suite.out;
	test $rc -eq 0
'

test_expect_success 'under load: the mutants of every expect and seen line FAIL at their lines' '
	sh "$TOP/tests/integration/t0020-mutants.sh" > mutants.out;
	grep -v "^ok" mutants.out | tail -n 40; cat /proc/loadavg;
	grep -q "^t0020-mutants: [1-9][0-9]* passed, 0 failed" mutants.out
'

for root in mysql-9.7 mariadb-11.8; do
	if ! test -f "$ROOTS/$root/.goneaway-root"; then
		test_skip "under load, $root: netem-reorder PASSes and its mutants FAIL" \
			"no root at $ROOTS/$root (make roots builds it)"
		continue
	fi
	test_expect_success "under load, $root: netem-reorder PASSes and its mutants FAIL" "
		\"\$GONEAWAY\" run --strict --allow-skip netem --color never --server $root \
			-o orig-$root \"\$TOP/scenarios/netem-reorder.gw\" > reorder-$root.out;
		rc=\$?; cat reorder-$root.out; test \$rc -eq 0 &&
		GA_TEST_SERVER=$root GA_TEST_ORIG=\"\$SCRATCH/orig-$root\" \
			GA_T0020_SCENARIOS=netem-reorder \
			sh \"\$TOP/tests/integration/t0020-mutants.sh\" > reorder-mutants-$root.out;
		cat reorder-mutants-$root.out;
		grep -q '^t0020-mutants: [1-9][0-9]* passed, 0 failed' reorder-mutants-$root.out
	"
done

if driver_installed java > /dev/null; then
	test_expect_success 'under load: skip-networking PASSes with MariaDB Connector/J' '
		"$GONEAWAY" run --color never --no-results --client java \
			"$TOP/scenarios/skip-networking.gw" > java.out;
		rc=$?; cat java.out; test $rc -eq 0
	'
else
	test_skip 'under load: skip-networking PASSes with MariaDB Connector/J' \
		"$(driver_installed java 2>&1)"
fi

test_expect_success 'the loaded run'"'"'s bounds against the times their steps took' '
	python3 "$TOP/tests/load/margins.py" "$TOP/scenarios" "$SCRATCH/load.jsonl" | head -n 25
'

test_expect_success 'the load ended by its PIDs, and nothing is left' '
	pids=$(cat "$HOG_DIR/pids") && dir=$HOG_DIR &&
	hog_stop && HOG_DIR= &&
	for p in $pids; do ! kill -0 $p 2>/dev/null || return 1; done &&
	! test -e "$dir" &&
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
