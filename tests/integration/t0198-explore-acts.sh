#!/bin/sh
# t0198-explore-acts: goneaway explore's kill and crash kinds (issue 59):
# the point fault's acts (faults/pointact.c: an NFQUEUE holds the
# point's packet while the server KILLs the connection's session, or
# the server is killed), over data/explore-small.gw (connect, a small
# SELECT, COMMIT) with the built-in client, every point:
#   - every run is made (none SKIP or ERROR), its fault's line in the
#     run's report says what was done (KILL N of the connection, the
#     server killed), and nothing is flagged: exit 0;
#   - each "at" run's own capture shows the server ended the connection
#     right next to its point's segment (landed "here", none elsewhere),
#     but at COM_QUIT, which the client sends once the fault is lifted
#     (the scenario's end): its point is not reached, its cell "ok?";
#   - the step that fails is the one whose packet the point is: the
#     connect at the login, the SELECT at its COM_QUERY, the COMMIT at
#     its own;
#   - the scenario language: kill and crash take a SIZE point and no CUT
#     word (the unit suite has the words; here goneaway run says it);
#   - nothing is left.  (FIN, which runs since issue 59's fin: t0209.)
. "$(dirname "$0")/lib.sh"

D="$TOP/tests/integration/data"
leftover_snapshot > "$SCRATCH/before"

test_expect_success 'explore runs kill and crash at every point of the built-in client: nothing flagged' '
	"$GONEAWAY" explore -o acts --kind kill --kind crash \
		"$D/explore-small.gw" > acts.out 2>&1;
	rc=$?; cat acts.out && test $rc -eq 0 &&
	grep "^violations: 0" acts.out &&
	grep "^#  *point  *reset  *drop  *FIN  *kill  *crash$" acts.out &&
	grep "\"kind\":\"kill\"" acts/explore.jsonl > kill.runs &&
	grep "\"kind\":\"crash\"" acts/explore.jsonl > crash.runs &&
	test "$(wc -l < kill.runs)" -ge 12 &&
	test "$(wc -l < crash.runs)" -eq "$(wc -l < kill.runs)" &&
	! grep "\"violation\":true" acts/explore.jsonl &&
	! grep "\"outcome\":\"not-run\"" kill.runs crash.runs
'

test_expect_success 'each run made its act: the session KILLed, the server killed' '
	grep -c "NFQUEUE, [0-9]* packets: KILL [0-9]* (the connection from 198.18.0.1:[0-9]*) [a-z]* its packet" \
		acts/runs/results.jsonl > killed &&
	grep -c "NFQUEUE, [0-9]* packets: the server (PID [0-9]*) killed (the connection from" \
		acts/runs/results.jsonl > crashed &&
	test "$(cat killed)" -ge 12 && test "$(cat crashed)" -ge 12 &&
	! grep "the act failed" acts/runs/results.jsonl
'

test_expect_success 'every "at" kill and crash landed on its point: the server ended the connection there' '
	grep "\"where\":\"at\"" kill.runs crash.runs > at.runs &&
	test "$(grep -c "\"landed\":\"here\"" at.runs)" -ge 12 &&
	! grep -v "\"landed\":\"here\"" at.runs | grep -v "\"packets\":\"COM_QUIT\"" &&
	grep "\"packets\":\"COM_QUIT\",\"kind\":\"kill\",.*\"outcome\":\"ok\".*\"landed\":\"unseen\"" at.runs &&
	grep "kill at data [0-9]*b to-server; NFQUEUE, [0-9]* packets: the point was not reached" acts/runs/results.jsonl &&
	grep "where the cuts landed.*: [1-9][0-9]* on their segment, 0 elsewhere" acts.out
'

test_expect_success 'the step that fails is the one the point is in' '
	for k in kill crash; do
		grep "\"where\":\"at\",[^}]*\"packets\":\"login\",\"kind\":\"$k\",.*\"outcome\":\"code\",\"violation\":false,\"line\":7," acts/explore.jsonl &&
		grep "\"where\":\"at\",[^}]*\"packets\":\"COM_QUERY SELECT[^\"]*\",\"kind\":\"$k\",.*\"outcome\":\"code\",\"violation\":false,\"line\":8," acts/explore.jsonl &&
		grep "\"where\":\"at\",[^}]*\"packets\":\"COM_QUERY COMMIT\",\"kind\":\"$k\",.*\"outcome\":\"code\",\"violation\":false,\"line\":9," acts/explore.jsonl ||
		exit 1
	done
'

test_expect_success 'kill and crash take a SIZE point and no CUT word' '
	cat > bad.gw <<-\EOF &&
	title    kill with a CUT word
	cause    none
	keywords explore

	connection app

	fault k point kill both at 100 to-server
	connect app
	EOF
	exit_is 2 "$GONEAWAY" run -o bad bad.gw > bad.out 2>&1 &&
	cat bad.out &&
	grep "'"'"'kill'"'"' cuts nothing: it takes no to-server, from-server or both" bad.out
'

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
