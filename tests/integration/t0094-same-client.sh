#!/bin/sh
# t0094-same-client: two clients that greet with the same name (the
# natural way to compare two versions of one connector) get a column,
# a combination label and an evidence directory each (NAME#1, NAME#2);
# evidence that would still land in one directory is told, and fails
# --strict.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"
SC="$TOP/scenarios/kill-idle.gw"

test_expect_success 'two copies of one driver give two columns' '
	"$GONEAWAY" run --color never -o res --junit junit.xml \
		--client pymysql \
		--client "cmd:/usr/bin/python3 $TOP/drivers/pymysql/driver.py" \
		"$SC" > out 2>&1; rc=$?; cat out;
	test "$rc" -eq 0 &&
	grep -q "^scenario  *local/pymysql#1  *local/pymysql#2 *\$" out &&
	grep -q "^kill-idle  *PASS .*  PASS " out &&
	grep -q "^goneaway: warning: --client cmd:.*: the driver calls itself .pymysql., the name of a shipped client" out
'

test_expect_success 'each has its own evidence' '
	for n in 1 2; do
		test -s "res/local-pymysql#$n/kill-idle/steps.log" &&
		test -f "res/local-pymysql#$n/kill-idle/driver-app.log" &&
		grep -q "^line [0-9]*: connect app: pymysql.connect: succeeded" \
			"res/local-pymysql#$n/kill-idle/steps.log" || return 1
	done &&
	! test -e res/local-pymysql
'

test_expect_success 'JSON Lines and JUnit name both' '
	grep -q "\"combo\":\"local/pymysql#1\"" res/results.jsonl &&
	grep -q "\"combo\":\"local/pymysql#2\"" res/results.jsonl &&
	grep -q "local/pymysql#1" junit.xml &&
	grep -q "local/pymysql#2" junit.xml
'

test_expect_success 'evidence that would still share a directory is told, and fails --strict' '
	"$GONEAWAY" run --color never -o res-same --server local \
		--server local "$SC" > same.out 2> same.err; rc=$?;
	cat same.out same.err; test "$rc" -eq 0 &&
	grep -q "local/builtin and local/builtin keep their evidence in the same directory" same.err &&
	"$GONEAWAY" run --color never --strict -o res-strict --server local \
		--server local "$SC" > strict.out 2> strict.err; rc=$?;
	cat strict.out strict.err; test "$rc" -eq 4 &&
	grep -q "^goneaway: --strict: local/builtin and local/builtin" strict.err
'

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
