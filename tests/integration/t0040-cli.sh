#!/bin/sh
# t0040-cli: the command line - diagnostics, exit codes, SKIP and ERROR
# verdicts, the watchdog, --help.
#
# The sources it holds: harness/cli/check.c, harness/cli/run.c,
#  harness/cli/usage.c, harness/cli/options_outputs.c, harness/plan/plan.c,
#  harness/plan/scenarios.c.
. "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/integration/data"
leftover_snapshot > "$SCRATCH/before"

test_expect_success '--help names every command and exit code' '
	"$GONEAWAY" --help > help &&
	for w in "run \[options\]" "report \[options\]" "check PATH" "errname" "sweep" \
		 "^  0 " "^  1 " "^  2 " "^  3 " "128+N"; do
		grep -q "$w" help || { echo "missing: $w"; return 1; }
	done
'

test_expect_success 'an unknown command is a usage error (exit 2)' '
	"$GONEAWAY" frobnicate 2> err; test $? -eq 2 &&
	grep -q "not a command" err
'

test_expect_success 'check: every problem as file:line:col, exit 2' '
	"$GONEAWAY" check "$DATA/bad.gw" 2> err; test $? -eq 2 && cat err &&
	grep -q "bad.gw:3:[0-9]*: error: .*whole seconds" err &&
	grep -q "bad.gw:5:[0-9]*: error: unknown connection .ap.*did you mean .app." err &&
	grep -q "bad.gw:6:[0-9]*: error: .*CR_SERVER_LOSST.*did you mean .CR_SERVER_LOST." err &&
	grep -q "bad.gw:7:[0-9]*: error: unknown" err
'

test_expect_success 'run: a malformed file runs nothing (exit 2)' '
	"$GONEAWAY" run --no-results "$TOP/scenarios/kill-idle.gw" "$DATA/bad.gw" > out 2> err;
	test $? -eq 2 && cat out err &&
	! grep -q "kill-idle" out &&
	grep -q "nothing was run" err
'

test_expect_success 'check: bad fault lines name file, line and column' '
	"$GONEAWAY" check "$DATA/bad-fault.gw" 2> err; test $? -eq 2 && cat err &&
	grep -q "bad-fault.gw:4:[0-9]*: error: unknown fault kind .firewal.*did you mean .firewall." err &&
	grep -q "bad-fault.gw:5:3[0-9]: error: tbf: " err &&
	grep -q "bad-fault.gw:6:[0-9]*: error: no fault named .nothing." err
'

test_expect_success 'doctor: one line per capability, exit 0 as root' '
	"$GONEAWAY" doctor > out; rc=$?; cat out; test $rc -eq 0 &&
	for w in root namespaces nftables tbf netem mariadbd "client library"; do
		grep -q "^  [a-zA-Z/]* *$w " out || { echo "missing: $w"; return 1; }
	done
'

test_expect_success 'a failing scenario still reverts its faults (steps.log)' '
	"$GONEAWAY" run -o res --color never "$DATA/fault-fails.gw" > out;
	rc=$?; cat out; test $rc -eq 1 &&
	grep -q "fault-fails *FAIL" out &&
	grep -q "^teardown reverted: frozen (pause), wall (firewall reject to-server with reset)" res/fault-fails/steps.log
'

if "$GONEAWAY" doctor | grep -q "^  ok  *netem"; then
	test_expect_success 'netem: the kernel'"'"'s or goneaway'"'"'s own engine, the fault applies' '
		"$GONEAWAY" run --no-results --color never "$DATA/needs-netem.gw" > out;
		cat out; grep -q "needs-netem *PASS" out
	'
else
	test_expect_success 'netem: with neither engine the scenario SKIPs with the reason' '
		"$GONEAWAY" run --no-results --color never "$DATA/needs-netem.gw" > out;
		rc=$?; cat out; test $rc -eq 0 &&
		grep -q "needs-netem *SKIP" out &&
		grep -q "skipped: .*no sch_netem" out
	'
fi

test_expect_success 'check: the shipped scenarios are well-formed' '
	"$GONEAWAY" check "$TOP/scenarios" > out && grep -q "OK" out
'

test_expect_success 'the examples in the tutorial and the format doc parse' '
	awk "/^# kill-running: KILL while/{p=1} p&&/^\`\`\`/{exit} p" \
		"$TOP/docs/tutorial.md" > tutorial.gw &&
	test -s tutorial.gw &&
	"$GONEAWAY" check tutorial.gw &&
	awk "/^title    A firewall starts dropping/{p=1} p&&/^\`\`\`/{exit} p" \
		"$TOP/docs/tutorial.md" > wall.gw &&
	grep -q "^    expect any$" wall.gw &&
	"$GONEAWAY" check wall.gw &&
	awk "/^\`\`\`/{n++; next} n==1" "$TOP/docs/scenario-format.md" > doc.gw &&
	grep -q "^title" doc.gw &&
	"$GONEAWAY" check doc.gw
'

test_expect_success 'errname translates both ways from the headers' '
	"$GONEAWAY" errname 2013 CR_SERVER_GONE_ERROR > out &&
	grep -qx "2013 CR_SERVER_LOST" out &&
	grep -qx "2006 CR_SERVER_GONE_ERROR" out &&
	! "$GONEAWAY" errname CR_NO_SUCH_THING 2> /dev/null
'

test_expect_success 'a failing setup step is ERROR (exit 3), not FAIL' '
	"$GONEAWAY" run --no-results --color never "$DATA/setup-fails.gw" > out;
	rc=$?; cat out; test $rc -eq 3 &&
	grep -q "setup-fails *ERROR" out &&
	grep -q "setup-fails.gw:6: admin: returned 1146" out &&
	grep -qx "scenarios: 0 passed, 0 failed, 1 error, 0 skipped" out
'

test_expect_success 'a fault that cannot be injected is ERROR, never PASS' '
	"$GONEAWAY" run --no-results --color never "$DATA/kill-unconnected.gw" > out;
	rc=$?; cat out; test $rc -eq 3 &&
	grep -q "kill-unconnected *ERROR" out &&
	grep -q "no server thread to KILL" out
'

test_expect_success 'the watchdog reports a hang instead of waiting' '
	"$GONEAWAY" run -o res-hang --color never -v "$DATA/hang.gw" > out;
	rc=$?; cat out; test $rc -eq 0 &&
	grep -q "hung: no answer after 1[0-9][0-9][0-9] ms" out &&
	ms=$(sed -n "s/^{\"type\":\"case\".*\"steps_ms\":\([0-9]*\).*/\1/p" res-hang/results.jsonl) &&
	say "its steps took $ms ms (not its server start: a busy machine queues that)" &&
	test "$ms" -lt 15000
'

test_expect_success 'no mariadbd: every scenario SKIPs with the reason' '
	"$GONEAWAY" run --no-results --mariadbd /nonexistent/mariadbd \
		"$TOP/scenarios" > out; rc=$?; cat out; test $rc -eq 0 &&
	test "$(grep -c "SKIP" out)" -ge 5 &&
	grep -q "skipped: no mariadbd at /nonexistent/mariadbd" out &&
	! grep -q "PASS  " out
'

if command -v setpriv > /dev/null; then
	# The checkout may be where "nobody" cannot read (/root): run a copy
	# of the binary and the scenario from a world-readable directory.
	test_expect_success 'not root: every scenario SKIPs with the reason' '
		pub=$(mktemp -d "${TMPDIR:-/tmp}/ga-nobody.XXXXXX") &&
		chmod 755 "$pub" &&
		cp "$GONEAWAY" "$TOP/scenarios/kill-idle.gw" "$pub/" &&
		cp -r "$TOP/fixtures" "$pub/" &&
		(cd "$pub" && setpriv --reuid=65534 --regid=65534 --clear-groups \
			./goneaway run --no-results --format tap kill-idle.gw) > out;
		rc=$?; rm -rf "$pub"; cat out;
		test $rc -eq 0 && grep -q "^ok 1 - kill-idle # SKIP needs root" out
	'
else
	test_skip 'not root: every scenario SKIPs' 'no setpriv'
fi

# xml_well_formed FILE: python3's parser, or xmllint; neither is a failure.
xml_well_formed() {
	if command -v python3 > /dev/null; then
		python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$1"
	elif command -v xmllint > /dev/null; then
		xmllint --noout "$1"
	else
		say "neither python3 nor xmllint (libxml2-utils) is installed"
		return 1
	fi
}

test_expect_success 'a value that is not UTF-8: well-formed JUnit, no raw bytes in any report' '
	"$GONEAWAY" run --no-results --color never --junit bin.xml \
		"$DATA/binary-value.gw" > out; rc=$?; cat -v out; test $rc -eq 1 &&
	grep -q "binary-value *FAIL" out &&
	xml_well_formed bin.xml &&
	grep -q "returned the value &apos;\\\\xFF\\\\xFEA&apos;" bin.xml &&
	"$GONEAWAY" run --no-results --format tap "$DATA/binary-value.gw" > tap;
	cat -v tap &&
	grep -q "value .\\\\xFF\\\\xFEA." out &&
	grep -q "^  message: .*value .\\\\\\\\xFF\\\\\\\\xFEA." tap &&
	! LC_ALL=C grep -n "[^[:print:][:space:]]" out tap bin.xml
'

# stale_run_dir DIR: a run directory as a SIGKILLed run leaves it.
stale_run_dir() {
	mkdir -m 700 "$1" && : > "$1/lock"
}

test_expect_success 'sweep: removes the killed runs'"'"' directories and counts them' '
	mkdir -m 700 tmp-sweep &&
	stale_run_dir tmp-sweep/goneaway-run-aaaaaa &&
	stale_run_dir tmp-sweep/goneaway-run-bbbbbb &&
	TMPDIR="$PWD/tmp-sweep" "$GONEAWAY" sweep > out; rc=$?; cat out &&
	test $rc -eq 0 &&
	grep -qx "removed 2 directories of ended runs from $PWD/tmp-sweep" out &&
	stale_run_dir tmp-sweep/goneaway-run-cccccc &&
	TMPDIR="$PWD/tmp-sweep" "$GONEAWAY" sweep > out && cat out &&
	grep -qx "removed 1 directory of ended runs from $PWD/tmp-sweep" out &&
	TMPDIR="$PWD/tmp-sweep" "$GONEAWAY" sweep > out && cat out &&
	grep -qx "removed 0 directories of ended runs from $PWD/tmp-sweep" out &&
	test -z "$(ls tmp-sweep)"
'

test_expect_success 'the CLI tests left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
