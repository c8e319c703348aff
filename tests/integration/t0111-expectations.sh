#!/bin/sh
# t0111-expectations: a connector's own expectation file (issue 15,
# docs/expectations.md).  A record run writes the file for every shipped
# scenario; a later run against it PASSes; one expectation changed in it
# is exactly one FAIL that names both codes ("was X in the expectations,
# now Y").  The same with a driver, and per server on a root
# (mysql-9.7).  goneaway check reads the file strictly: every problem
# as FILE:LINE:COL.
#
# The sources it holds: harness/plan/expectfile.c,
#  harness/plan/record_file.c.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"
roots=${GA_ROOTS:-/var/cache/goneaway/roots}
nfiles=$(ls "$TOP"/scenarios/*.gw | wc -l)
S="$TOP/scenarios"
# kill-idle.gw's steps, by what they are
KC=$(gw_line "$TOP/scenarios/kill-idle.gw" 1 "connect app")
KQ1=$(gw_line "$TOP/scenarios/kill-idle.gw" 1 "query app SELECT 1")
KK=$(gw_line "$TOP/scenarios/kill-idle.gw" 1 "kill app")
KQ2=$(gw_line "$TOP/scenarios/kill-idle.gw" 2 "query app SELECT 1")
KQ3=$(gw_line "$TOP/scenarios/kill-idle.gw" 3 "query app SELECT 1")
KQ2X=$((KQ2 + 1))
# packet-too-large-long-data's CREATE TABLE, the last step PyMySQL can do
PL=$(gw_line "$TOP/scenarios/packet-too-large-long-data.gw" 1 "query app CREATE TABLE")

# cmp_run NAME ARGS...: a --strict run in TAP, output in NAME.tap;
# returns its exit status
cmp_run() {
	n=$1
	shift
	"$GONEAWAY" run --color never --strict --allow-skip netem --format tap \
		-o "$n" "$@" > "$n.tap" 2>&1
	rc=$?
	cat "$n.tap"
	return $rc
}

test_expect_success 'record the built-in client expectations for every shipped scenario' '
	"$GONEAWAY" run --color never --record --expectations builtin.expect \
		-o rec "$S" > rec.out 2>&1; rc=$?; cat rec.out;
	test "$rc" -eq 0 &&
	grep -q "^recorded: builtin.expect, [0-9]* lines (0 before) for builtin, from $nfiles scenarios" rec.out &&
	head -8 builtin.expect | grep -qx "goneaway-expectations 1" &&
	grep -qx "client builtin" builtin.expect &&
	grep -qx "driver builtin" builtin.expect &&
	grep -q "^kill-idle:$KQ2  *\*  *query app  *CR_SERVER_LOST within 3s$" builtin.expect
'

test_expect_success '... the file is sorted, one line per step and server, and check reads it' '
	grep ":[0-9]" builtin.expect > lines &&
	sort -t: -k1,1 -k2,2n -s lines | cmp - lines &&
	test "$(awk "{print \$1, \$2}" lines | sort | uniq -d | wc -l)" -eq 0 &&
	"$GONEAWAY" check --expectations builtin.expect "$S" > check.out 2>&1;
	rc=$?; cat check.out; test "$rc" -eq 0 &&
	grep -q "^builtin.expect: [0-9]* lines OK (client builtin)" check.out
'

# Issue 38: a re-record rewrote the file whole and dropped its comments.
# A comment of the file's head, one before a line, one at a line's end
# and one at the end: recorded again (one line changed by the run), each
# is where it was.
test_expect_success 'a re-record keeps the file.s comments, each with its line' '
	{ echo "# our own head"; grep -v "^#" builtin.expect |
	  sed "s/^\(kill-idle:$KQ2 .*\)CR_SERVER_LOST within 3s\$/# a KILL: the next query fails\n\1CR_SERVER_GONE_ERROR within 3s  # was 2013 here/"
	  echo "# the end"; } > notes.expect &&
	grep -q "^# a KILL" notes.expect &&
	"$GONEAWAY" run --color never --record --expectations notes.expect \
		-o recn "$S/kill-idle.gw" > recn.out 2>&1 || { cat recn.out; false; }
	cat notes.expect &&
	head -1 notes.expect | grep -qx "# our own head" &&
	! grep -q "Written by goneaway" notes.expect &&
	grep -A1 "^# a KILL: the next query fails\$" notes.expect |
		grep -q "^kill-idle:$KQ2  *\*  *query app  *CR_SERVER_LOST within 3s  # was 2013 here\$" &&
	tail -1 notes.expect | grep -qx "# the end" &&
	test "$(grep -v "^#" notes.expect | grep -c .)" -eq "$(grep -v "^#" builtin.expect | grep -c .)"
'

# One run: every scenario but the one whose line was changed PASSes
# against the file, and that one FAILs at its step, naming both codes.
test_expect_success 'one expectation changed: exactly that one FAILs, naming both codes' '
	sed "s/^\(kill-idle:$KQ2  *\*  *query app  *\)CR_SERVER_LOST/\1CR_SERVER_GONE_ERROR/" \
		builtin.expect > changed.expect &&
	test "$(diff builtin.expect changed.expect | grep -c "^>")" -eq 1 &&
	cmp_run changed --expectations changed.expect "$S"; rc=$?;
	test "$rc" -eq 1 &&
	test "$(grep -c "^ok [0-9]* - " changed.tap)" -eq $((nfiles - 1)) &&
	test "$(grep -c "^not ok" changed.tap)" -eq 1 &&
	grep -q "^not ok [0-9]* - kill-idle$" changed.tap &&
	grep -q "kill-idle.gw:$KQ2: query app: was 2006 (CR_SERVER_GONE_ERROR) within 3000 ms in the expectations, now returned 2013 (CR_SERVER_LOST) .*(changed.expect:[0-9]*, \[client=builtin\])" changed.tap &&
	# a step a SKIP never reached, or the built-in client cannot do,
	# gets no line from a record run, and no warning either (issue 24)
	! grep "has no line for" changed.tap
'

test_expect_success 'with a driver (pymysql): recorded, PASSes, one change is one FAIL' '
	"$GONEAWAY" run --color never --record --expectations py.expect \
		--client pymysql -o recpy "$S/kill-idle.gw" "$S/wait-timeout.gw" \
		"$S/kill-running.gw" > recpy.out 2>&1; rc=$?; cat recpy.out;
	test "$rc" -eq 0 &&
	grep -qx "driver pymysql" py.expect &&
	grep -q "^kill-idle:$KQ3  *\*  *query app  *InterfaceError within 3s$" py.expect &&
	cmp_run pysame --expectations py.expect "$S/kill-idle.gw" \
		"$S/wait-timeout.gw" "$S/kill-running.gw" &&
	grep -q "^  client: \"pymysql\"" pysame.tap &&
	sed "s/^\(kill-idle:$KQ3  *\*  *query app  *\)InterfaceError/\1CR_SERVER_GONE_ERROR/" \
		py.expect > py2.expect &&
	cmp_run pychanged --expectations py2.expect "$S/kill-idle.gw" \
		"$S/wait-timeout.gw" "$S/kill-running.gw"; rc=$?;
	test "$rc" -eq 1 && test "$(grep -c "^not ok" pychanged.tap)" -eq 1 &&
	grep -q "kill-idle.gw:$KQ3: query app: was 2006 (CR_SERVER_GONE_ERROR) within 3000 ms in the expectations, now returned InterfaceError" pychanged.tap
'

if test -x "$roots/mysql-9.7/usr/sbin/mysqld"; then
	test_expect_success 'per server: a line of mysql-9.7 own where it differs; PASSes on both' '
		"$GONEAWAY" run --color never --record --expectations two.expect \
			--server local --server mysql-9.7 -o rec2 \
			"$S/wait-timeout.gw" "$S/kill-idle.gw" > rec2.out 2>&1;
		rc=$?; cat rec2.out two.expect; test "$rc" -eq 0 &&
		grep -q "^wait-timeout:[0-9]*  *\*  *query app  *CR_SERVER_GONE_ERROR within 3s$" two.expect &&
		grep -q "^wait-timeout:[0-9]*  *mysql-9.7  *query app  *4031 within 3s$" two.expect &&
		! grep -q "^kill-idle:.*mysql-9.7" two.expect &&
		cmp_run two --expectations two.expect --server local \
			--server mysql-9.7 "$S/wait-timeout.gw" "$S/kill-idle.gw"
	'
	test_expect_success '... a record run on one server keeps the other server.s lines' '
		cp two.expect two-again.expect &&
		"$GONEAWAY" run --color never --record --expectations two-again.expect \
			-o rec3 "$S/wait-timeout.gw" > rec3.out 2>&1 &&
		grep -q "^wait-timeout:[0-9]*  *mysql-9.7  *query app  *4031 within 3s$" two-again.expect &&
		cmp two.expect two-again.expect
	'
else
	test_skip 'per server: a line of mysql-9.7 own where it differs' "no root in $roots/mysql-9.7 (make roots)"
fi

test_expect_success 'the file names its client: another client is a usage error' '
	"$GONEAWAY" run --expectations py.expect --client builtin \
		"$S/kill-idle.gw" > other.out 2>&1; rc=$?; cat other.out;
	test "$rc" -eq 2 &&
	grep -q "the file is client pymysql.s (line [0-9]*), and no --client greets as it" other.out
'

test_expect_success 'a step without a line is named in a warning; its own lines apply' '
	grep -v "^kill-idle:$KQ2 " builtin.expect > gap.expect &&
	cmp_run gap --expectations gap.expect "$S/kill-idle.gw" &&
	grep -q "warning: gap.expect has no line for 1 step the client carried out (kill-idle:$KQ2): the scenarios. own expect lines applied there; goneaway run --record --expectations gap.expect adds them$" gap.tap &&
	# check runs nothing: it names the steps of the scenarios given
	"$GONEAWAY" check --expectations gap.expect "$S/kill-idle.gw" > gapc.out 2>&1 &&
	cat gapc.out &&
	grep -q "warning: gap.expect has no line for 1 step of the scenarios given (kill-idle:$KQ2): .*adds the lines of the steps the client carries out (a step its driver cannot do gets none: it is a SKIP)$" gapc.out &&
	! grep -q "scenarios run" gapc.out
'

# Issue 38: the file's client is a name its scenarios may select; check
# warned that it was no driver of drivers/drivers.list.  Another unknown
# name is still warned about.
test_expect_success 'check --expectations: the file.s client is a known name' '
	printf "%s\n" "title own" "cause own" "connection app" "connect app" \
		"query app SELECT 1" "    expect [client=knexpool] ok = 1" \
		"    expect [client=knexpoll] ok = 1" "    expect ok = 1" > own.gw &&
	printf "%s\n" "goneaway-expectations 1" "client knexpool" \
		"driver cmd:node test/driver.mjs" "own:5 * query app ok = 1" > own.expect &&
	"$GONEAWAY" check --expectations own.expect own.gw > own.out 2>&1 &&
	cat own.out &&
	! grep -q "client .knexpool. is no driver" own.out &&
	grep -q "own.gw:7:[0-9]*: warning: client .knexpoll. is no driver" own.out &&
	"$GONEAWAY" check own.gw > own2.out 2>&1 &&
	grep -q "own.gw:6:[0-9]*: warning: client .knexpool. is no driver" own2.out
'

# Issue 24: PyMySQL cannot do packet-too-large-long-data's prepared
# statement; a record run gives those steps no line, so a run against
# the recorded file must not warn about them, nor advise a --record
# that never adds them.
test_expect_success 'steps the driver cannot do: no line recorded, and no warning' '
	"$GONEAWAY" run --color never --record --expectations pyskip.expect \
		--allow-skip driver --client pymysql -o recpys "$S/kill-idle.gw" \
		"$S/packet-too-large-long-data.gw" > recpys.out 2>&1; rc=$?;
	cat recpys.out; test "$rc" -eq 0 &&
	grep -q "^packet-too-large-long-data:$PL " pyskip.expect &&
	! awk -F "[: ]" -v pl=$PL "\$1 == \"packet-too-large-long-data\" && \$2 > pl" \
		pyskip.expect | grep -q . &&
	cmp_run pyskip --allow-skip driver --expectations pyskip.expect \
		"$S/kill-idle.gw" "$S/packet-too-large-long-data.gw" &&
	grep -q "^ok [0-9]* - packet-too-large-long-data # SKIP" pyskip.tap &&
	! grep -q "has no line" pyskip.tap
'

test_expect_success 'a bad file: every problem as FILE:LINE:COL, nothing runs' '
	cat > bad.expect <<-EOF &&
	goneaway-expectations 1
	client builtin
	kill-idle:$KC * connect app ok
	kill-idle:$KQ2 * reap app CR_SERVER_LOST
	kill-idle:$KQ2X * query app CR_SERVER_LOST
	kill-idle * query app ok
	kill-idle:$KQ1 * qeury app ok
	kill-idle:$KQ1 * query app [mysql] ok
	kill-idle:$KQ1 * query app any
	kill-idle:$KQ1 * kill app ok
	kill-idle:$KC * connect app ok
	client other
	EOF
	"$GONEAWAY" check --expectations bad.expect "$S/kill-idle.gw" \
		> bad.out 2>&1; rc=$?; cat bad.out;
	test "$rc" -eq 2 &&
	grep -q "^bad.expect:6:1: error: unknown line .kill-idle.: a header" bad.out &&
	grep -q "^bad.expect:7:16: error: unknown step .qeury.; did you mean .query.?" bad.out &&
	grep -q "^bad.expect:8:26: error: a selector has no place here" bad.out &&
	grep -q "^bad.expect:9:1: error: .any. is a draft.s placeholder" bad.out &&
	grep -q "^bad.expect:10:16: error: .kill. has no outcome to expect: it is an action" bad.out &&
	grep -q "^bad.expect:11:1: error: a second line for this step and server (the first is at line 3)" bad.out &&
	grep -q "^bad.expect:12:1: error: .client. after the first step.s line" bad.out &&
	head -3 bad.expect > stale.expect &&
	printf "kill-idle:$KQ2 * reap app CR_SERVER_LOST\nkill-idle:$KQ2X * query app 2013\n" >> stale.expect &&
	"$GONEAWAY" run --expectations stale.expect "$S/kill-idle.gw" \
		> stale.out 2>&1; rc=$?; cat stale.out; test "$rc" -eq 2 &&
	grep -q "^stale.expect:4:16: error: line $KQ2 of .*kill-idle.gw is .query app., not .reap app.: the scenario changed" stale.out &&
	grep -q "^stale.expect:5:1: error: kill-idle has no step at line $KQ2X" stale.out &&
	printf "goneaway-expectations 2\n" > v2.expect &&
	! "$GONEAWAY" check --expectations v2.expect "$S/kill-idle.gw" 2> v2.err &&
	grep -q "^v2.expect:1:23: error: format 2, and this goneaway reads format 1 only" v2.err
'

# A driver's words are data (issue 26): what --record writes into the
# file from bad-driver.py's hostile replies reads back as what was
# recorded, and nothing the driver said becomes a line of it.
HOSTILE="$TOP/tests/integration/data/drivers/bad-driver.py"
DRAFT="$TOP/tests/integration/data/draft-hostile.gw"

test_expect_success 'a hostile driver recorded into an expectation file: its class is "error", the file reads back' '
	"$GONEAWAY" run --color never --record --expectations hostile.expect \
		--client "cmd:$HOSTILE hostile" -o hrec "$DRAFT" > hrec.out 2>&1;
	rc=$?; cat hrec.out hostile.expect; test "$rc" -eq 0 &&
	grep -qx "client bad-hostile" hostile.expect &&
	grep -q "^draft-hostile:14  *\*  *query app  *error within [0-9.]*s$" hostile.expect &&
	! grep -q "admin\|script\|TODO\|SET GLOBAL" hostile.expect &&
	test "$(grep -c "^draft-hostile:" hostile.expect)" -eq 3 &&
	"$GONEAWAY" check --expectations hostile.expect "$DRAFT" > hcheck.out 2>&1
'

test_expect_success '... a run held to it PASSes, and recording again writes the very same file' '
	cmp_run hpass --expectations hostile.expect \
		--client "cmd:$HOSTILE hostile" "$DRAFT" &&
	cp hostile.expect hostile.before &&
	"$GONEAWAY" run --color never --record --expectations hostile.expect \
		--client "cmd:$HOSTILE hostile" -o hrec2 "$DRAFT" > hrec2.out 2>&1 &&
	grep -q "^recorded: hostile.expect, 3 lines (3 before)" hrec2.out &&
	cmp hostile.before hostile.expect
'

test_expect_success 'the runs left no namespace, veth, table, process or temp dir' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
