#!/bin/sh
# t0208-spare-copies: the copy a driver's zygote forks ahead for the next
# case (its spare, feature "spawn", issue 57) costs the case that asks for
# it nothing: the spawn request is sent and the case goes on; its answer
# and the copy's greeting are read when the next case takes it.  A
# zygote slow to fork it (data/drivers/spare-driver.py slow) delays that
# next case, not this one; one that never answers is given up within its
# bound and the case gets a copy of a new zygote; a spare that dies
# before its greeting is replaced (by a copy of its zygote, or of a new
# one when its zygote was given up); a spare never used, also one whose
# zygote has not answered yet when the run is ended by SIGTERM, is ended
# with its zygote: nothing is left.
. "$(dirname "$0")/lib.sh"

SPARE="/usr/bin/python3 $TOP/tests/integration/data/drivers/spare-driver.py"
leftover_snapshot > "$SCRATCH/before"

for n in one two; do
	printf '%s\n' "title    A case with a new session ($n)" \
		'cause    (test fixture) none' 'connection app' 'connect app' \
		'query app SELECT 1' > "$SCRATCH/$n.gw"
done

# verdicts FILE: each case's label and verdict in results.jsonl FILE
verdicts() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    j = json.loads(l)
    if j.get("type") == "case":
        print(j["scenario"]["label"], j["verdict"])
' "$1"
}

if driver_installed pymysql; then
	test_expect_success 'a slow zygote delays the case that takes its spare, not the one that asked for it' '
		"$GONEAWAY" run -j 1 -v -o res-slow --color never \
			--client "cmd:$SPARE slow" one.gw two.gw > slow.out 2>&1;
		rc=$?; cat slow.out res-slow/one/driver-app.log res-slow/two/driver-app.log;
		test $rc -eq 0 &&
		test "$(verdicts res-slow/results.jsonl | tr "\n" " ")" = "one PASS two PASS " &&
		asked=$(sed -n "s/^spare-driver: copy 2 asked at //p" res-slow/two/driver-app.log) &&
		query=$(sed -n "s/^spare-driver: query at //p" res-slow/one/driver-app.log | head -n 1) &&
		say "copy 2 asked at $asked, case one queried at $query" &&
		test -n "$asked" && test -n "$query" &&
		python3 -c "import sys; sys.exit(not float(sys.argv[2]) < float(sys.argv[1]) + 3)" "$asked" "$query" &&
		test "$(grep -c "drivers: app: forked fresh from its zygote" slow.out)" -eq 2
	'

	test_expect_success 'a zygote that never answers for the spare: given up within its bound, the case gets a copy of a new one' '
		start=$(date +%s);
		"$GONEAWAY" run -j 1 -v -o res-hang --color never \
			--client "cmd:$SPARE hang" one.gw two.gw > hang.out 2>&1;
		rc=$?; took=$(( $(date +%s) - start )); cat hang.out;
		say "took $took s"; test $rc -eq 0 && test $took -lt 300 &&
		test "$(verdicts res-hang/results.jsonl | tr "\n" " ")" = "one PASS two PASS " &&
		test "$(grep -c "drivers: app: forked fresh from its zygote" hang.out)" -eq 2 &&
		grep -q "^spare-driver: copy 1 asked at" res-hang/two/driver-app.log
	'

	test_expect_success 'a spare that dies before its greeting is replaced' '
		"$GONEAWAY" run -j 1 -v -o res-die --color never \
			--client "cmd:$SPARE die" one.gw two.gw > die.out 2>&1;
		rc=$?; cat die.out res-die/two/driver-app.log; test $rc -eq 0 &&
		test "$(verdicts res-die/results.jsonl | tr "\n" " ")" = "one PASS two PASS " &&
		test "$(grep -c "drivers: app: forked fresh from its zygote" die.out)" -eq 2 &&
		grep -Eq "^spare-driver: copy [13] asked at" res-die/two/driver-app.log
	'

	test_expect_success 'SIGTERM while the zygote has not answered for the spare: ended at once, nothing left' '
		"$GONEAWAY" run -j 1 --no-results --color never \
			--client "cmd:$SPARE hang" one.gw two.gw > term.out 2>&1 &
		pid=$!;
		i=0; while [ $i -lt 60 ] && ! ps -eo args= | grep -v grep | grep -q "spare-driver.py hang"; do sleep 1; i=$((i + 1)); done;
		sleep 3; start=$(date +%s); kill -TERM $pid; wait $pid; rc=$?;
		took=$(( $(date +%s) - start )); tail -n 3 term.out;
		say "ended $took s after SIGTERM, exit $rc"; test $rc -ne 0 && test $took -lt 30
	'
else
	test_skip 'spare copies off the case'"'"'s path' "pymysql is not installed"
fi

test_expect_success 'the runs left no trace, spare copies never used included' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
