#!/bin/sh
# t0113-walkthroughs: the two walkthroughs, "Reproduce a bug report"
# (docs/bug-reports.md) and "Test your connector in its own CI"
# (docs/connectors.md), run as they are written: each code block marked
# "<!-- t0113: NAME -->" in those files is
# cut out and run in a scratch directory with goneaway on PATH, GA the
# checkout, and the connector's repository laid out as the text says.
# Then what the text promises is checked.
. "$(dirname "$0")/lib.sh"

# kill-idle.gw's steps, by what they are
KC=$(gw_line "$TOP/scenarios/kill-idle.gw" 1 "connect app")
KQ1=$(gw_line "$TOP/scenarios/kill-idle.gw" 1 "query app SELECT 1")
KK=$(gw_line "$TOP/scenarios/kill-idle.gw" 1 "kill app")
KQ2=$(gw_line "$TOP/scenarios/kill-idle.gw" 2 "query app SELECT 1")
KQ3=$(gw_line "$TOP/scenarios/kill-idle.gw" 3 "query app SELECT 1")
KQ2X=$((KQ2 + 1))

leftover_snapshot > "$SCRATCH/before"
DOCS="$TOP/docs/bug-reports.md $TOP/docs/connectors.md"

# block NAME > FILE: the code block after the marker
block() {
	awk -v want="<!-- t0113: $1 -->" '
		$0 == want { on = 1; next }
		on && /^```sh$/ { inside = 1; next }
		inside && /^```$/ { exit }
		inside { print }' $DOCS
}

# run_block NAME DIR: runs NAME in DIR; its output in DIR/NAME.out
run_block() {
	block "$1" > "$SCRATCH/$1.sh" && test -s "$SCRATCH/$1.sh" &&
	cat "$SCRATCH/$1.sh" &&
	(cd "$2" && PATH="$TOP:$PATH" GA="$TOP" GONEAWAY_SKIP_BUILD=1 \
		sh "$SCRATCH/$1.sh" > "$1.out" 2>&1; echo $? > "$1.rc") &&
	cat "$2/$1.out"
}

test_expect_success 'the docs have the four blocks' '
	for b in bug-reporter bug-maintainer connector-record connector-ci; do
		block $b > $b.sh && test -s $b.sh || return 1
	done
'

test_expect_success 'bug report, the reporter: record, the FAIL, its folder, the bundle' '
	mkdir reporter &&
	run_block bug-reporter reporter &&
	test -s reporter/res/record.patch &&
	grep -q "^    expect \[client=pymysql\]\|^    expect CR_SERVER_GONE_ERROR" reporter/idle-kill.gw &&
	grep -q "^    expect CR_SERVER_GONE_ERROR within" reporter/idle-kill.gw &&
	grep -q "^goneaway case: idle-kill FAIL$" reporter/res/idle-kill/report.txt &&
	grep -q "^reason:   line 8: query app: returned InterfaceError" reporter/res/idle-kill/report.txt &&
	grep -q "Flags \[F" reporter/bug-reporter.out &&
	test -s reporter/idle-kill.tar.gz
'

test_expect_success 'bug report, the maintainer: the attachment alone reproduces the FAIL' '
	mkdir maintainer && cp reporter/idle-kill.tar.gz maintainer/ &&
	run_block bug-maintainer maintainer &&
	test "$(cat maintainer/bug-maintainer.rc)" -eq 0 &&
	grep -q "^replay: the same outcome: FAIL at line 8, every step as in the report$" \
		maintainer/bug-maintainer.out &&
	test -s maintainer/goneaway-replay/idle-kill/capture.pcap
'

# The connector's repository: its driver (PyMySQL's, under a name of its
# own: none of the scenarios' [client=] lines is about it) and a scenario
# of its own.
test_expect_success 'a connector repository: its driver and its own scenario' '
	mkdir -p connector/test/goneaway connector/test/pylib &&
	git init -q connector &&
	sed "s/^    name = \"pymysql\"$/    name = \"my-connector\"/" \
		"$TOP/drivers/pymysql/driver.py" > connector/test/goneaway/driver.py &&
	cp "$TOP"/drivers/pylib/*.py connector/test/pylib/ &&
	cat > connector/test/goneaway/ping-after-kill.gw <<-\EOF &&
	title    ping after a KILL
	cause    You (or the db administrator) has killed the running thread with a KILL statement
	connection app read_timeout=5s
	connect app
	kill app
	ping app
	    expect any
	EOF
	(cd connector && /usr/bin/python3 test/goneaway/driver.py < /dev/null |
		head -1 | grep -q "\"driver\": *\"my-connector\"")
'

test_expect_success 'connector: record its expectations' '
	run_block connector-record connector &&
	test "$(cat connector/connector-record.rc)" -eq 0 &&
	grep -q "^recorded: goneaway.expect, [0-9]* lines (0 before) for my-connector" \
		connector/connector-record.out &&
	f=connector/goneaway.expect &&
	grep -qx "client my-connector" $f &&
	grep -qx "driver cmd:/usr/bin/python3 test/goneaway/driver.py" $f &&
	grep -q "^ping-after-kill:6  *\*  *ping app  *" $f &&
	grep -q "^kill-idle:$KQ3  *\*  *query app  *InterfaceError within" $f
'

test_expect_success 'connector: its CI passes against the file, directly and through ci/run-goneaway.sh' '
	run_block connector-ci connector &&
	test "$(cat connector/connector-ci.rc)" -eq 0 &&
	grep -q "0 FAIL, 0 SKIP, 0 ERROR" connector/connector-ci.out &&
	test -s connector/goneaway-junit.xml
'

test_expect_success 'connector: a changed code is exactly one FAIL in its CI, naming both' '
	sed -i "s/^\(kill-idle:$KQ3  *\*  *query app  *\)InterfaceError/\1CR_SERVER_GONE_ERROR/" \
		connector/goneaway.expect &&
	run_block connector-ci connector &&
	test "$(cat connector/connector-ci.rc)" -eq 1 &&
	grep -q "kill-idle.gw:$KQ3: query app: was 2006 (CR_SERVER_GONE_ERROR) .* in the expectations, now returned InterfaceError" \
		connector/connector-ci.out
'

test_expect_success 'the runs left no namespace, veth, table, process or temp dir' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
