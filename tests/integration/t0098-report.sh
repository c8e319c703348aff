#!/bin/sh
# t0098-report: results for programs and a run split across machines.
# Every run leaves results.jsonl next to its evidence (one JSON object a
# line, docs/results-jsonl.md); "goneaway report" merges the results of
# three shards into what one unsharded run over the same scenarios says:
# the same verdict and step lines, JUnit test cases and summary, and the
# same exit status.  Results that are not whole or not goneaway's (a cut
# line, another schema, a 100 MB line, a directory without results) are a
# usage error naming the file and line, at once.
#
# The sources it holds: harness/cli/report.c, harness/cli/lastline.c,
#  harness/plan/report_merge.c, harness/plan/why.c,
#  harness/plan/sink_totals.c, harness/plan/sink_outputs.c,
#  harness/plan/sink_table.c.
. "$(dirname "$0")/lib.sh"

S="$TOP/scenarios"
# six scenarios that take well under a second each, in name order
SHARD1="$S/kill-idle.gw $S/packet-too-large-long-data.gw"
SHARD2="$S/packet-too-large-prepared.gw $S/server-restart.gw"
SHARD3="$S/skip-networking.gw $S/txn-rolled-back.gw"
leftover_snapshot > "$SCRATCH/before"

run() {
	"$GONEAWAY" run --color never "$@"
}

report() {
	"$GONEAWAY" report --color never "$@"
}

# What must be equal: the verdict and step lines without the times they
# took, and the closing summary without the wall time.
# Thread ids and the servers started depend on which cases shared a
# kept server (docs/running.md, "Servers: kept or fresh"), which is the
# schedule's, not the results'.
shown() {
	sed -e 's/[0-9][0-9.]* s (deliberate waits [0-9.]* s)/T/' \
	    -e 's/after [0-9]* ms/after N ms/g' \
	    -e 's/\[thread [0-9]*\( -> [0-9]*\)*/[thread N/g' \
	    -e 's/^servers started: [0-9]* for/servers started: N for/' \
	    -e 's/ERROR in [0-9.]* s/ERROR in T/' "$1"
}

# The JUnit test cases: suite, class, name, file and verdict, one a line.
junit_cases() {
	xmllint --xpath '/testsuites/@*[name()!="time"] | //testsuite/@name |
		//testcase/@*[name()!="time"] |
		//testcase/*[name()!="system-out"]' "$1" | sed 's/^ *//'
}

test_expect_success 'one unsharded run over six scenarios keeps results.jsonl' '
	# shellcheck disable=SC2086
	run -o full --junit full.xml $SHARD1 $SHARD2 $SHARD3 > full.out 2>&1;
	echo $? > full.rc; cat full.out; test "$(cat full.rc)" -eq 0 &&
	test -f full/results.jsonl && test "$(wc -l < full/results.jsonl)" -gt 8 &&
	head -1 full/results.jsonl | grep -q "^{\"type\":\"run\",\"schema\":1," &&
	tail -1 full/results.jsonl | grep -q "^{\"type\":\"end\",\"pass\":6,"
'

test_expect_success 'every line is one JSON object with every field of steps.log' '
	python3 - full/results.jsonl <<-\EOF
	import json, sys
	lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
	assert lines[0]["type"] == "run" and lines[0]["schema"] == 1
	assert lines[0]["argv"][0] == "run"
	cases = [l for l in lines if l["type"] == "case"]
	steps = [l for l in lines if l["type"] == "step"]
	assert len(cases) == 6, len(cases)
	for c in cases:
	    assert c["verdict"] == "PASS" and c["server"]["name"] == "local"
	    assert c["client"]["name"] == "builtin" and c["client"]["library"]
	    assert c["server"]["flavour"] == "mariadb" and c["server"]["version"]
	    assert c["evidence"] == c["scenario"]["label"], c["evidence"]
	    assert c["wall_ms"] > 0 and c["steps"] > 0
	lost = [s for s in steps if s["scenario"] == "kill-idle" and s["errno"] == 2013]
	assert lost and lost[0]["errname"] == "CR_SERVER_LOST", lost
	s = lost[0]
	for k in ("line", "connection", "kind", "api", "result", "sqlstate",
	          "message", "error_class", "value", "elapsed_ms",
	          "thread_before", "thread_after", "expected", "matched", "log"):
	    assert k in s, k
	assert s["matched"] is True and s["sqlstate"] == "HY000"
	# the step line of steps.log is the step line of the JSON
	log = open("full/kill-idle/steps.log", encoding="utf-8").read()
	assert s["log"] in log, (s["log"], log)
	EOF
'

test_expect_success 'three shards on their own' '
	# shellcheck disable=SC2086
	run -o shard1 $SHARD1 > s1.out 2>&1 &&
	# shellcheck disable=SC2086
	run -o shard2 $SHARD2 > s2.out 2>&1 &&
	# shellcheck disable=SC2086
	run -o shard3 $SHARD3 > s3.out 2>&1
'

test_expect_success 'report merges the shards into what the unsharded run says' '
	report --junit merged.xml shard3 shard1/ shard2/results.jsonl > merged.out 2>&1;
	rc=$?; cat merged.out; test $rc -eq "$(cat full.rc)" &&
	shown full.out > full.shown && shown merged.out > merged.shown &&
	diff -u full.shown merged.shown &&
	grep -q "^scenarios: 6 passed, 0 failed, 0 errors, 0 skipped$" merged.out &&
	xmllint --noout merged.xml &&
	junit_cases full.xml > full.cases && junit_cases merged.xml > merged.cases &&
	diff -u full.cases merged.cases && grep -q "name=\"kill-idle\"" merged.cases
'

test_expect_success 'shards cut by --shard K/3 merge into the same' '
	for k in 1 2 3; do
		# shellcheck disable=SC2086
		run -o "k$k" --shard "$k/3" $SHARD1 $SHARD2 $SHARD3 > "k$k.out" 2>&1 ||
			exit 1;
	done &&
	report k1 k2 k3 > k.out 2>&1 && shown k.out > k.shown &&
	diff -u full.shown k.shown
'

# Issue 24: each shard's command line is in its results.jsonl, so a merge
# of two of three shards knows that one is missing.
test_expect_success 'a merge with a shard missing: --strict exit 4 naming it, else a warning' '
	report --strict k1 k3 > miss.out 2> miss.err; rc=$?;
	cat miss.out miss.err; test $rc -eq 4 &&
	tail -1 miss.err | grep -q "^goneaway report: exit 4: no FAIL or ERROR, but --strict fails 1 thing" &&
	tail -2 miss.err | head -1 | grep -q "^goneaway report: --strict: 1 shard of a --shard K/N split missing (above)$" &&
	grep -q "^goneaway report: shard 2/3 is missing: k1/results.jsonl holds shard 1/3 of a split in 3, and no results of shard 2 were given$" miss.err &&
	report k1 k3 > miss.out 2> miss.err; test $? -eq 0 &&
	grep -q "shard 2/3 is missing: .*(--strict fails it)$" miss.err &&
	report --strict k2 k3 k1 > all.out 2> all.err &&
	! grep -q missing all.err &&
	report --strict k1 > one.out 2> one.err; test $? -eq 4 &&
	test "$(grep -c "is missing" one.err)" -eq 2
'

test_expect_success 'the order of the inputs does not matter' '
	report shard2 shard3 shard1 > a.out 2>&1 &&
	report shard1 shard2 shard3 > b.out 2>&1 &&
	diff -u a.out b.out
'

test_expect_success 'TAP and Markdown come from the merged results too' '
	report --format tap --markdown merged.md --tap merged.tap shard1 shard2 shard3 > tap.out &&
	grep -q "^1\.\.6$" tap.out && test "$(grep -c "^ok " tap.out)" -eq 6 &&
	cmp tap.out merged.tap && grep -q "^| kill-idle " merged.md
'

test_expect_success 'a FAIL in one shard is the exit status of the merge' '
	mkdir -p s && cat > s/fails.gw <<-\EOF &&
	title    Fails on purpose
	cause    (test fixture) a value that is not the one expected
	connection app
	connect app
	query app SELECT 1
	    expect ok = 2
	EOF
	run -o shardf s/fails.gw > f.out 2>&1; test $? -eq 1 &&
	report shard1 shardf > mf.out 2>&1; rc=$?; cat mf.out; test $rc -eq 1 &&
	grep -q "fails *FAIL" mf.out &&
	grep -q "^scenarios: 2 passed, 1 failed, 0 errors, 0 skipped$" mf.out &&
	# the last line says why the exit status is 1 (issue 24)
	test "$(tail -1 f.out)" = "goneaway: exit 1: 1 case FAILed: fails" &&
	test "$(tail -1 mf.out)" = "goneaway report: exit 1: 1 case FAILed: fails"
'

test_expect_success 'the same case twice: dropped when identical, refused when not' '
	report shard1 shard1/results.jsonl > same.out 2>&1 &&
	grep -q "^scenarios: 2 passed" same.out &&
	report shard1 full > twice.out 2>&1; rc=$?; cat twice.out; test $rc -eq 2 &&
	grep -q "kill-idle on local with builtin is in .*shard1/results.jsonl:[0-9]* and in .*full/results.jsonl:[0-9]*, and they differ" twice.out
'

test_expect_success '--jsonl FILE writes the results elsewhere too; --no-results none' '
	run --no-results --jsonl extra.jsonl "$S/kill-idle.gw" > x.out 2>&1 &&
	test ! -e goneaway-results && grep -q "\"type\":\"end\",\"pass\":1," extra.jsonl &&
	report extra.jsonl > x.rep 2>&1 && grep -q "kill-idle *PASS" x.rep
'

test_expect_success 'results.jsonl below -o replaces a symlink, never its target' '
	mkdir -p linked && echo precious > precious &&
	ln -s "$SCRATCH/precious" linked/results.jsonl &&
	run -o linked "$S/kill-idle.gw" > l.out 2>&1 &&
	test "$(cat precious)" = precious && test ! -L linked/results.jsonl &&
	grep -q "\"type\":\"end\"" linked/results.jsonl
'

# bad NAME: results.jsonl in directory NAME, made from full's by the
# command on stdin (or left out)
bad_results() {
	mkdir -p "bad/$1" && cat > "bad/$1/results.jsonl"
}

# a step line of 100 MB
huge_line() {
	python3 -c 'import sys; sys.stdout.write("{\"type\":\"step\",\"message\":\"" + "x" * 100000000 + "\"}\n")'
}

test_expect_success 'results that are not whole or not goneaway'"'"'s: exit 2 with file and line' '
	head -c 3000 full/results.jsonl | bad_results cut &&
	sed "1s/\"schema\":1/\"schema\":7/" full/results.jsonl | bad_results schema &&
	{ head -1 full/results.jsonl && huge_line; } | bad_results huge &&
	head -n -1 full/results.jsonl | bad_results unfinished &&
	sed "3s/\"errno\":[0-9]*/\"errno\":-1/" full/results.jsonl | bad_results negative &&
	printf "\\000\\001garbage\\n" | bad_results binary &&
	mkdir -p bad/empty &&
	for d in cut schema huge unfinished negative binary empty; do
		start=$(date +%s);
		timeout 20 "$GONEAWAY" report "bad/$d" > "$d.out" 2>&1; rc=$?;
		took=$(( $(date +%s) - start ));
		echo "$d: rc $rc in ${took}s: $(cat "$d.out")";
		test $rc -eq 2 && test $took -le 5 || exit 1;
	done &&
	grep -q "^goneaway report: bad/cut/results.jsonl:[0-9]*: the last line is cut short" cut.out &&
	grep -q "^goneaway report: bad/schema/results.jsonl:1: schema 7, and this goneaway reads schema 1" schema.out &&
	grep -q "^goneaway report: bad/huge/results.jsonl:2: the line is longer than" huge.out &&
	grep -q "^goneaway report: bad/unfinished/results.jsonl:[0-9]*: the file ends without the run.s \"end\" line" unfinished.out &&
	grep -q "^goneaway report: bad/negative/results.jsonl:3: \"errno\" is not a whole number" negative.out &&
	grep -q "^goneaway report: bad/binary/results.jsonl:1: not JSON" binary.out &&
	grep -q "^goneaway report: bad/empty: no results.jsonl in it" empty.out
'

# amplify N EXPECTS: full's first case (kill-idle) with N step lines,
# its first step's copies, each claiming EXPECTS expect lines; the
# run's counts made to agree
amplify() {
	python3 - full/results.jsonl "$1" "$2" <<-\EOF
	import json, sys
	lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
	n, expects = int(sys.argv[2]), int(sys.argv[3])
	run, end = lines[0], lines[-1]
	step = next(l for l in lines if l["type"] == "step" and l["case"] == 1)
	case = next(l for l in lines if l["type"] == "case" and l["case"] == 1)
	assert case["scenario"]["label"] == "kill-idle", case["scenario"]
	put = lambda o: sys.stdout.write(json.dumps(o, separators=(",", ":")) + "\n")
	run["cases"] = 1
	put(run)
	for i in range(n):
	    step["index"], step["expects"] = i, expects
	    put(step)
	case["steps"] = n
	put(case)
	end.update({"pass": 1, "fail": 0, "skip": 0, "error": 0})
	put(end)
	EOF
}

# Issue 26: step lines claiming "expects": 1000 made the reader allocate
# about 900 KB each (20,000 of them, 14 MB: 16.5 GB and 97 s).  Now
# what a line claims costs nothing: the 14 MB file is read in well
# under 1 GB of address space (about 70 MB at its peak, 2 s).
test_expect_success 'a results.jsonl whose steps claim 1000 expect lines each: bounded memory' '
	mkdir -p amp && amplify 20000 1000 > amp/results.jsonl &&
	test "$(wc -c < amp/results.jsonl)" -gt 10000000 &&
	start=$(date +%s) &&
	( ulimit -v 1000000 && exec timeout 60 "$GONEAWAY" report --color never amp ) > amp.out 2>&1;
	rc=$?; took=$(( $(date +%s) - start )); tail -3 amp.out; echo "rc $rc in ${took}s";
	test $rc -eq 0 && test $took -le 30 &&
	grep -q "^scenarios: 1 passed, 0 failed, 0 errors, 0 skipped$" amp.out
'

test_expect_success 'a good shard next to a bad one is still exit 2: nothing passes on garbage' '
	report shard1 bad/schema > mixed.out 2>&1; rc=$?; cat mixed.out;
	test $rc -eq 2 && ! grep -q "PASS" mixed.out
'

test_expect_success 'report without inputs or with an unknown option is a usage error' '
	"$GONEAWAY" report > u1.out 2>&1; test $? -eq 2 &&
	grep -q "usage: goneaway report" u1.out &&
	"$GONEAWAY" report --bogus shard1 > u2.out 2>&1; test $? -eq 2 &&
	"$GONEAWAY" --help | grep -q "^  report \[options\] DIR|FILE.jsonl"
'

test_expect_success 'the report tests left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
