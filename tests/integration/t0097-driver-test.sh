#!/bin/sh
# t0097-driver-test: the driver protocol has one source, the table of
# client/protocol.c ("goneaway driver-test --describe"): the docs carry
# its tables word for word, every driver's source names every step and
# option, the conformance scenarios use them all, and "goneaway
# driver-test" passes with every driver of drivers/drivers.list whose
# runtime and connector are installed here (drivers/install-deps.sh;
# the C drivers need "make roots"); the others SKIP with the reason.
# A driver written against protocol 1 is sent no member of a feature it
# did not declare (issue 24); a pool's driver that reports no events
# fails the conformance scenarios of pools (issue 38).
#
# The sources it holds: harness/cli/driver_check.c,
#  harness/cli/driver_tap.c, harness/client/conformance.c.
. "$(dirname "$0")/lib.sh"

DOC="$TOP/docs/driver-protocol.md"
DRIVERS="$TOP/drivers"
leftover_snapshot > "$SCRATCH/before"
# What the test's drivers write for it (their requests, a PID, a count)
# goes to a directory of the test's own they may write: every other
# mount a driver sees is read-only (client/confine.c).
DRV_OUT="$SCRATCH/drv"
mkdir -m 1777 "$DRV_OUT"
export GONEAWAY_DRIVER_WRITABLE="$DRV_OUT"

"$GONEAWAY" driver-test --describe > "$SCRATCH/describe.json"
# one request per line: the wire steps (not null) and the scenario keywords
sed -n 's/^  {"keyword": "\([^"]*\)", "step": "\([^"]*\)".*/\2/p' \
	"$SCRATCH/describe.json" | sort -u > "$SCRATCH/steps"
sed -n 's/^  {"keyword": "\([^"]*\)", "step": ".*/\1/p' \
	"$SCRATCH/describe.json" | sort -u > "$SCRATCH/keywords"
sed -n '/^ "options": \[/,/^ \]/s/^  {"name": "\([^"]*\)".*/\1/p' \
	"$SCRATCH/describe.json" > "$SCRATCH/options"
# the steps of a pool's connection (feature "pool") and the pool's
# settings: named by the drivers that declare pools
sed -n 's/^  {"keyword": "[^"]*", "step": "\([^"]*\)".*"feature": "pool".*/\1/p' \
	"$SCRATCH/describe.json" | sort -u > "$SCRATCH/poolsteps"
sed -n '/^ "pool": \[/,/^ \]/s/^  {"name": "\([^"]*\)".*/\1/p' \
	"$SCRATCH/describe.json" > "$SCRATCH/poolsettings"

test_expect_success 'driver-test --describe is JSON with fifteen steps (three of pools), eleven options and five pool settings' '
	/usr/bin/python3 -c "import json,sys; json.load(open(sys.argv[1]))" \
		describe.json &&
	test "$(wc -l < steps)" -eq 15 && test "$(wc -l < options)" -eq 11 &&
	test "$(wc -l < poolsteps)" -eq 3 && test "$(wc -l < poolsettings)" -eq 5
'

test_expect_success 'driver-test --client NAME is a usage error that shows the form' '
	"$GONEAWAY" driver-test --client pymysql 2> client.err; rc=$? &&
	cat client.err && test "$rc" -eq 2 &&
	grep -q "the driver is NAME or -- COMMAND, not --client" client.err &&
	"$GONEAWAY" driver-test --client=pymysql 2> client.err; rc=$? &&
	test "$rc" -eq 2
'

test_expect_success 'docs/driver-protocol.md carries the generated tables word for word' '
	"$GONEAWAY" driver-test --describe=markdown > want.md &&
	sed -n "/^<!-- begin: goneaway driver-test --describe=markdown -->\$/,/^<!-- end: goneaway driver-test --describe=markdown -->\$/p" \
		"$DOC" | sed "1d;\$d" > got.md &&
	test -s got.md && diff -u want.md got.md
'

test_expect_success 'docs/driver-protocol.md carries the table of a reply word for word, and the fuzz dictionary its keys (docs/gen-replies.sh, from GA_REPLY_MAP)' '
	sh "$TOP/docs/gen-replies.sh" "$GONEAWAY" replies &&
	"$GONEAWAY" driver-test --describe=replies-markdown > replies.md &&
	test "$(grep -c "^| \`" replies.md)" -eq 13 &&
	diff -u "$DOC" replies/driver-protocol.md &&
	"$GONEAWAY" driver-test --describe=replies-dict > keys.dict &&
	test "$(grep -c "^\"\\\\\"[a-z_]*\\\\\":\"\$" keys.dict)" -eq 14 &&
	diff -u "$TOP/tests/fuzz/protocol.dict" replies/protocol.dict
'

# "What goneaway accepts": a row per member, its "taken when" made of its
# check's bounds, its "otherwise" of the reader's words, after the
# greeting's two fixed rows; a bound changed without the table fails here
test_expect_success 'docs/driver-protocol.md carries what goneaway accepts of a reply word for word (docs/gen-replies.sh, from GA_REPLY_MAP and its checks)' '
	"$GONEAWAY" driver-test --describe=accepts-markdown > accepts.md &&
	test "$(grep -c "^| \`" accepts.md)" -eq 13 &&
	test "$(grep -c "^| greeting \`" accepts.md)" -eq 2 &&
	sed -n "/^<!-- begin: goneaway driver-test --describe=accepts-markdown -->\$/,/^<!-- end: goneaway driver-test --describe=accepts-markdown -->\$/p" \
		"$DOC" | sed "1d;\$d" > got-accepts.md &&
	diff -u accepts.md got-accepts.md
'

# A driver's sources: the files in the directory its command names, and
# the shared Python loop for the Python drivers.
driver_sources() {
	dir=
	for w in $2; do
		case $w in /*) continue ;; esac
		# a file of drivers/, or a program built there (go, cpp: its
		# directory holds its source whether it was built or not)
		if test -f "$DRIVERS/$w" ||
		   { case $w in */*) true ;; *) false ;; esac &&
		     test -d "$DRIVERS/$(dirname "$w")"; }; then
			dir=$DRIVERS/$(dirname "$w")
			break
		fi
	done
	test -n "$dir" || return 1
	find "$dir" -maxdepth 1 -type f \( -name '*.py' -o -name '*.php' \
		-o -name '*.mjs' -o -name '*.go' -o -name '*.pl' \
		-o -name '*.java' -o -name '*.c' -o -name '*.sh' \
		-o -name '*.rb' -o -name '*.cpp' \)
	case $2 in *.py*) ls "$DRIVERS"/pylib/*.py ;; esac
	# the sqlalchemy driver's pool connects through the pymysql
	# driver's connect_kwargs
	case $2 in *sqlalchemy/*) ls "$DRIVERS"/pymysql/driver.py ;; esac
}

# mentions WORD FILES...: WORD as a word of its own (- and _ count as
# letters)
mentions() {
	w=$1
	shift
	cat "$@" | grep -Eq "(^|[^A-Za-z0-9_-])$w(\$|[^A-Za-z0-9_-])"
}

grep -v '^#' "$DRIVERS/drivers.list" | grep -v '^[[:space:]]*$' > "$SCRATCH/list"

test_expect_success 'every driver'"'"'s source names every step and connect option (a pool'"'"'s driver, the pool'"'"'s steps and settings too)' '
	missing=
	while read name cmd; do
		files=$(driver_sources "$name" "$cmd") ||
			{ echo "$name: no source found for: $cmd"; missing=1; continue; }
		for w in $(grep -vxF -f poolsteps steps) $(cat options); do
			mentions "$w" $files ||
				{ echo "$name: never names $w"; missing=1; }
		done
		# a driver that declares pools answers their steps and
		# settings (its own source, not pylib, sends pool_events)
		mentions pool_events $(echo $files | tr " " "\n" | grep -v /pylib/) ||
			continue
		for w in $(cat poolsteps poolsettings); do
			mentions "$w" $files ||
				{ echo "$name: declares pools, never names $w"; missing=1; }
		done
	done < list
	test -z "$missing"
'

test_expect_success 'the conformance scenarios use every client step and option' '
	missing=
	for w in $(grep -vx drain keywords); do
		grep -Eq "^$w " "$DRIVERS"/conformance/*.gw ||
			{ echo "no conformance scenario has a $w step"; missing=1; }
	done
	for w in $(cat options); do
		# driver_options is written driver-option KEY=VALUE
		k=$w
		test "$w" = driver_options && k=driver-option
		grep -Eq "^connection .* $k(=| |\$)" "$DRIVERS"/conformance/*.gw ||
			{ echo "no conformance scenario sets $w"; missing=1; }
	done
	for w in $(cat poolsettings); do
		k=${w%_ms}
		grep -Eq "^pool .* $k=" "$DRIVERS"/conformance/*.gw ||
			{ echo "no conformance scenario sets the pool setting $w"; missing=1; }
	done
	test -z "$missing"
'

# Oracle's 9.7 client cannot log in to MariaDB (drivers/README.md)
server_for() {
	case $1 in libmysqlclient-9.7) echo mysql-9.7 ;; *) echo local ;; esac
}

# the installed drivers side by side, four at a time
mkdir -p "$SCRATCH/dt"
running=0
start=$(date +%s)
while read name cmd; do
	driver_installed "$name" > "$SCRATCH/dt/$name.why" || continue
	(
		s=$(date +%s)
		"$GONEAWAY" driver-test --server "$(server_for "$name")" "$name" \
			> "$SCRATCH/dt/$name.out" 2>&1
		echo $? > "$SCRATCH/dt/$name.rc"
		echo $(( $(date +%s) - s )) > "$SCRATCH/dt/$name.s"
	) &
	running=$((running + 1))
	if [ "$running" -ge 4 ]; then
		wait
		running=0
	fi
done < "$SCRATCH/list"
wait
say "# driver-test of the installed drivers: $(( $(date +%s) - start )) s"

while read name cmd; do
	if test -f "$SCRATCH/dt/$name.rc"; then
		test_expect_success "driver-test $name passes ($(cat "$SCRATCH/dt/$name.s") s)" "
			cat dt/$name.out && test \$(cat dt/$name.rc) -eq 0 &&
			! grep -q '^not ok' dt/$name.out &&
			grep -q '^ok - every reply has elapsed_ms' dt/$name.out &&
			grep -q '^ok - each reply carries its request.s id' dt/$name.out
		"
	else
		test_skip "driver-test $name passes" "$(cat "$SCRATCH/dt/$name.why")"
	fi
done < "$SCRATCH/list"

# The shipped PyMySQL driver breaking one rule each (bad-driver.py dt-*):
# driver-test says which, with what it expected and what came, and passes
# every other check.  -k: the one conformance scenario that shows it.
BAD="$TOP/tests/integration/data/drivers/bad-driver.py"
bad_modes='dt-noexit:01-query dt-nosqlstate:02-errors dt-unknownerror:01-query
dt-unflushed:01-query dt-wrongid:01-query dt-wrongid-connect:01-query
dt-thread0:01-query'
running=0
for mk in $bad_modes; do
	(
		s=$(date +%s)
		"$GONEAWAY" driver-test -k "${mk#*:}" -- /usr/bin/python3 "$BAD" \
			"${mk%%:*}" > "$SCRATCH/dt/${mk%%:*}.out" 2>&1
		echo $? > "$SCRATCH/dt/${mk%%:*}.rc"
		echo $(( $(date +%s) - s )) > "$SCRATCH/dt/${mk%%:*}.s"
	) &
	running=$((running + 1))
	if [ "$running" -ge 4 ]; then
		wait
		running=0
	fi
done
wait

# bad MODE NOT_OK...: driver-test of MODE failed (status 1) with exactly
# these "not ok" lines (grep -E patterns, in this order)
bad() {
	mode=$1
	shift
	cat "dt/$mode.out" && test "$(cat "dt/$mode.rc")" -eq 1 &&
	grep "^not ok" "dt/$mode.out" > "dt/$mode.notok" &&
	test "$(wc -l < "dt/$mode.notok")" -eq $# &&
	for want; do
		head -1 "dt/$mode.notok" | grep -Eq "^not ok - $want" ||
			{ echo "wanted: not ok - $want"; return 1; }
		sed -i 1d "dt/$mode.notok"
	done
}

test_expect_success 'a driver that does not exit at the end of its input' '
	bad dt-noexit \
	  "exit at the end of its input: still running [0-9]+ ms after its input closed" \
	  "every driver process exits when its input closes \([0-9]+ closed, none exited\): .*still running [0-9]+ ms after its input closed: goneaway SIGKILLed it"
'

test_expect_success 'a driver that sends no sqlstate with server errors' '
	bad dt-nosqlstate \
	  "server errors carry their sqlstate \([0-9]+ of [0-9]+ errors\): .*server error 1146 without a 5-character sqlstate \(got '"''"'\)"
'

test_expect_success 'a driver that answers a step it does not know with an error' '
	bad dt-unknownerror \
	  "a step it does not know is answered \"unsupported\" with a reason: \"result\" is \"error\", expected \"unsupported\" \(message: no such step\)"
'

# driver-test's bounds are the harness's: stretched by a busy machine
# (load average over cores or CPU pressure, at most 8 times;
# util/machine.h); the message says the bound, and the test ends soon
# after it.
test_expect_success 'a driver that never flushes: "no reply bytes at all: is stdout flushed?", in seconds' '
	bad dt-unflushed \
	  "a query before any connect is an error, NotConnected .*: no reply bytes at all within [0-9]+ ms \(load average [^)]*\): is stdout flushed\?" &&
	grep -q "^# the conformance scenarios were not run" dt/dt-unflushed.out &&
	bound=$(sed -n "s/.*no reply bytes at all within \([0-9]*\) ms.*/\1/p" dt/dt-unflushed.out | head -n 1) &&
	test "$(cat dt/dt-unflushed.s)" -lt $(( bound / 1000 + 15 ))
'

test_expect_success 'a driver that answers with other ids: which came, which was expected' '
	bad dt-wrongid \
	  "each reply carries its request'"'"'s id: the reply'"'"'s id is 41, expected 1\$" &&
	grep -q "^ok - a query before any connect is an error" dt/dt-wrongid.out &&
	grep -q "^# the conformance scenarios were not run" dt/dt-wrongid.out &&
	bad dt-wrongid-connect \
	  "the conformance scenarios PASS or SKIP: a scenario is an ERROR" \
	  "every reply is a JSON object answering the request'"'"'s id: .*the reply'"'"'s id is 42, expected 2\$"
'

test_expect_success 'a driver that reports thread id 0 after connecting' '
	bad dt-thread0 \
	  "a connect \(or a pool'"'"'s borrow\) that succeeds reports the server'"'"'s thread id: .*reported thread id 0 after a successful connect \(thread_after must be the server'"'"'s connection id\)\$"
'

# Issue 38: the conformance scenarios of pools check the events.  The
# shipped SQLAlchemy pool driver with its events taken out of every
# reply (no-events-pool.py: no "pool_events", or always []) FAILs them,
# naming the event the pool reported and the one expected.
NOEV="$TOP/tests/integration/data/drivers/no-events-pool.py"
if /usr/bin/python3 -c "import pymysql, sqlalchemy" 2> /dev/null; then
	test_expect_success 'a pool driver that reports no pool events fails driver-test' '
		for m in absent empty; do
			"$GONEAWAY" driver-test -k pool -- /usr/bin/python3 "$NOEV" $m \
				> noev-$m.out 2>&1; rc=$?; cat noev-$m.out
			test $rc -eq 1 || return 1
			grep "^not ok" noev-$m.out > noev-$m.notok &&
			test "$(wc -l < noev-$m.notok)" -eq 1 &&
			grep -q "^not ok - the conformance scenarios PASS or SKIP: a scenario FAILed" noev-$m.notok &&
			grep -q "^\[[0-9]/[0-9]\] 20-pool  *FAIL" noev-$m.out || return 1
		done &&
		grep -q "20-pool.gw:[0-9]*: borrow a: .*the client reported no pool events, when expecting pool opened" noev-absent.out &&
		grep -q "20-pool.gw:[0-9]*: borrow a: .*the pool reported none, when expecting pool opened" noev-empty.out
	'
else
	test_skip 'a pool driver that reports no pool events fails driver-test' \
		'no python3-sqlalchemy (make deps installs it)'
fi

# Issue 24: a driver written against protocol 1 ignores the members
# protocol 2 added and would answer as if they were not there.  The
# greeting's version and "features" say what it knows; goneaway sends it
# nothing else: the steps that need a feature it did not declare SKIP,
# naming the feature, and driver-test says which version it meets.
P1="$TOP/tests/integration/data/drivers/protocol1-driver.py"
FEAT="$TOP/tests/integration/data/protocol-features.gw"
if /usr/bin/python3 -c "import pymysql" 2> /dev/null; then
	test_expect_success 'a protocol 1 driver is sent no member it did not declare: those steps SKIP, naming the feature' '
		GA_PROTOCOL1_LOG=$DRV_OUT/p1.log "$GONEAWAY" run --color never \
			--strict -o p1 --client "cmd:/usr/bin/python3 $P1" "$FEAT" \
			> p1.out 2>&1; rc=$?; cat p1.out drv/p1.log; test $rc -eq 4 &&
		grep -q "line 7: fetch app: skipped: .*the driver.s greeting (protocol 1) does not declare the feature .fetch-pace." p1.out &&
		grep -q "line 9: connect opt: skipped: .*does not declare the feature .driver-options." p1.out &&
		grep -q "\"step\": \"stream\"" drv/p1.log &&
		! grep -q "every_ms\|batch\|driver_options\|\"params\"" drv/p1.log &&
		# the same scenario with the protocol 2 driver: every step ran
		"$GONEAWAY" run --color never --strict -o p2 --client pymysql \
			"$FEAT" > p2.out 2>&1 || { cat p2.out; false; }
	'

	test_expect_success 'driver-test says which protocol a driver meets' '
		"$GONEAWAY" driver-test -k 01-query -- /usr/bin/python3 "$P1" \
			> dtp1.out 2>&1; cat dtp1.out &&
		grep -q "^# protocol: the driver meets protocol 1 (features: none); goneaway sends it none of params, fetch-pace, driver-options, keepalive, pool, local-infile, cases, spawn: the steps that need them SKIP" dtp1.out &&
		"$GONEAWAY" driver-test -k 01-query pymysql > dtp2.out 2>&1;
		cat dtp2.out &&
		grep -q "^# protocol: the driver meets protocol 5 (features: params, fetch-pace, driver-options, keepalive, local-infile, cases, spawn); goneaway sends it none of pool: the steps that need them SKIP" dtp2.out
	'

	# Issue 41: a driver written from docs/driver-protocol.md alone, by
	# a reader who saw nothing else of the project, against protocol 1
	# (t0146 compares its verdicts over the suite).
	test_expect_success 'a protocol 1 driver written from docs/driver-protocol.md alone passes driver-test' '
		"$GONEAWAY" driver-test -- /usr/bin/python3 \
			"$TOP/tests/integration/data/drivers/fromdoc-driver.py" \
			> dtdoc.out 2>&1; rc=$?; cat dtdoc.out; test $rc -eq 0 &&
		! grep -q "^not ok" dtdoc.out &&
		grep -q "^ok - the conformance scenarios PASS or SKIP" dtdoc.out &&
		grep -q "^# protocol: the driver meets protocol 1 (features: none)" dtdoc.out
	'

	# Issue 56: a driver written from a newer release's document greets
	# with a protocol this goneaway does not know: the message says
	# which release its newest came with, so the user knows a later
	# goneaway is needed (0.4.0 said only "not a version from 1 to 3").
	test_expect_success 'a driver of a newer protocol is told this goneaway is too old for it' '
		printf "%s\n" "import json, sys" \
			"print(json.dumps({\"hello\": \"goneaway-driver\", \"protocol\": 6, \"driver\": \"six\", \"library\": \"six 1.0\"}), flush=True)" \
			"sys.stdin.read()" > six.py &&
		"$GONEAWAY" run --color never --no-results \
			--client "cmd:/usr/bin/python3 $SCRATCH/six.py" \
			"$TOP/scenarios/kill-idle.gw" > six.out 2>&1; rc=$?; cat six.out;
		test $rc -eq 2 &&
		grep -q "\"protocol\" 6 is newer than this goneaway knows: it knows protocols 1 to 5 (5 came with goneaway 0.5.0); protocol 6 needs the later release that brought it" six.out &&
		"$GONEAWAY" driver-test -- /usr/bin/python3 "$SCRATCH/six.py" > six.dt 2>&1;
		rc=$?; cat six.dt; test $rc -ne 0 &&
		grep -q "protocol 6 needs the later release" six.dt
	'

	# Issue 56: the document's example replies are replies driver-test
	# takes (begin-case's and end-case's had no elapsed_ms): the shipped
	# PyMySQL driver answering with each example where it fits
	# (data/drivers/doc-replies.py), every example served at least once.
	# GONEAWAY_KEEP=checked: end-case goes only to a process kept for the
	# next case; by default one that cannot fork serves one case and its
	# input is closed (docs/driver-protocol.md, "Cases").
	test_expect_success 'driver-test passes a driver that answers with docs/driver-protocol.md'"'"'s example replies' '
		GONEAWAY_KEEP=checked DOC_REPLIES_LOG=$DRV_OUT/doc-replies.log "$GONEAWAY" driver-test 			-- /usr/bin/python3 "$TOP/tests/integration/data/drivers/doc-replies.py" 			"$TOP/docs/driver-protocol.md" > dtex.out 2>&1; rc=$?; cat dtex.out &&
		sort drv/doc-replies.log | uniq -c && test $rc -eq 0 &&
		! grep -q "^not ok" dtex.out &&
		sed -n "s/^example \([0-9]*\) .*/\1/p" drv/doc-replies.log | sort -u > examples &&
		test "$(wc -l < examples)" -ge 4 &&
		while read -r n; do
			grep -qx "served $n" drv/doc-replies.log ||
				{ echo "the example of docs/driver-protocol.md:$n was never served"; return 1; }
		done < examples
	'

	# prepare is the server's (COM_STMT_PREPARE), or unsupported: a
	# driver that interpolates its values into a text query runs every
	# statement and succeeds, and only the server's counters tell
	test_expect_success 'a driver whose prepare interpolates into a text query fails driver-test' '
		"$GONEAWAY" driver-test -k 06-prepared -- /usr/bin/python3 \
			"$TOP/tests/integration/data/drivers/interp-driver.py" \
			> dtinterp.out 2>&1; rc=$?; cat dtinterp.out; test $rc -ne 0 &&
		grep -q "line [0-9]*: execute app: cursor.execute (values interpolated): succeeded" dtinterp.out &&
		grep -q "06-prepared.gw:[0-9]*: status: returned the value .0., when expecting a value >= 1" dtinterp.out &&
		grep -q "^not ok - the conformance scenarios PASS or SKIP" dtinterp.out
	'
else
	test_skip 'a protocol 1 driver is sent no member it did not declare: those steps SKIP, naming the feature' \
		'no PyMySQL for /usr/bin/python3 (make deps installs it)'
	test_skip 'driver-test says which protocol a driver meets' \
		'no PyMySQL for /usr/bin/python3 (make deps installs it)'
	test_skip 'a protocol 1 driver written from docs/driver-protocol.md alone passes driver-test' \
		'no PyMySQL for /usr/bin/python3 (make deps installs it)'
	test_skip 'a driver whose prepare interpolates into a text query fails driver-test' \
		'no PyMySQL for /usr/bin/python3 (make deps installs it)'
fi

test_expect_success 'driver-test left no namespace, veth, table, process or temp dir' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after &&
	! ls -d "${TMPDIR:-/tmp}"/goneaway-driver-test-* 2>/dev/null
'

test_done
