#!/bin/sh
# t0190-explore: goneaway explore (issue 59) end to end, in make check.
# cli/explore.c (the command: the clean runs, the runs with a fault, the
# violations run again), cli/explore_conv.c (the conversation read from
# capture.pcap, named by serve/mysqlwire.c), cli/explore_plan.c (points,
# sampling, the scenario files), cli/explore_judge.c (the oracle) and
# cli/explore_map.c (the map, the JSON lines).
#   - a driver written to be wrong (data/drivers/mutant-cut-complete.py:
#     the shipped PyMySQL driver, but a fetch cut after its first rows
#     says it succeeded) is found: exit 1, a wrong result at a point that
#     names rows, a scenario that reproduces it, which goneaway run FAILs
#     for the mutant and PASSes for the built-in client;
#   - the built-in client over connect + a small query + COMMIT, every
#     point, reset and drop: nothing flagged, exit 0 (kill and crash
#     there: t0198);
#   - a client whose ACKs differ from its clean runs' (data/drivers/
#     ack-otherwise.py: quick ACKs in the clean runs, delayed ones after)
#     is cut at the statement of each point: a point counts data by TCP
#     sequence, not conntrack's bytes with the bare ACKs in them (on
#     e3fc654 the cuts at and after COMMIT were never made, "at" the
#     SELECT cut the COMMIT);
#   - FIN runs (the point fault's fin, faults/pointfin.c): every FIN
#     run made, none a SKIP, none flagged (t0209 has its mutant);
#   - usage is exit 2.
. "$(dirname "$0")/lib.sh"

D="$TOP/tests/integration/data"
MUTANT="cmd:$D/drivers/mutant-cut-complete.py"
leftover_snapshot > "$SCRATCH/before"

test_expect_success 'explore: no scenario, or an unknown option, is exit 2' '
	exit_is 2 "$GONEAWAY" explore &&
	exit_is 2 "$GONEAWAY" explore --kind fin2 "$D/explore-small.gw"
'

if driver_installed pymysql; then
	test_expect_success 'explore finds the mutant that reports a cut result as complete' '
		exit_is 1 "$GONEAWAY" explore -o mut --kind reset \
			--client "$MUTANT" "$D/explore-stream.gw" > mut.out 2>&1 &&
		cat mut.out &&
		grep "^clean run twice: the same" mut.out &&
		grep "^violations: [1-9]" mut.out &&
		grep "wrong-result: c1 .* from-server .*row" mut.out &&
		grep "fetch succeeded with .[0-9]*. where the clean run returned .99." mut.out &&
		grep "\"outcome\":\"wrong-result\",\"violation\":true" mut/explore.jsonl &&
		! grep "\"kind\":\"drop\"" mut/explore.jsonl
	'

	test_expect_success 'its scenario FAILs the mutant and PASSes the built-in client' '
		grep "reproduced by .*violations/p[0-9]*-reset.gw (goneaway run: FAIL)" mut.out &&
		repro=$(ls mut/violations/*.gw | head -n 1) &&
		cat "$repro" &&
		grep "^fault explore point reset both" "$repro" &&
		grep "expect ok | error = \"99\"" "$repro" &&
		exit_is 1 "$GONEAWAY" run --color never -o r-mut \
			--client "$MUTANT" "$repro" &&
		"$GONEAWAY" run --color never -o r-builtin "$repro"
	'

	test_expect_success 'a client that ACKs otherwise than its clean runs: each cut at its statement' '
		mkdir -p ack && chmod 1777 ack && : > ack/count &&
		chmod 666 ack/count &&
		GONEAWAY_DRIVER_WRITABLE="$PWD/ack" GA_ACK_COUNTER="$PWD/ack/count" \
		"$GONEAWAY" explore -o ackx --kind reset --kind drop \
			--client "cmd:$D/drivers/ack-otherwise.py" \
			"$D/explore-small.gw" > ackx.out 2>&1;
		rc=$?; cat ackx.out && test $rc -eq 0 &&
		test "$(wc -l < ack/count)" -gt 2 &&
		grep "\"fault\":\"fault explore point [a-z]* both [a-z]* data " ackx/explore.jsonl &&
		test "$(grep -c "\"type\":\"run\".*\"packets\":\"COM_QUERY SELECT" ackx/explore.jsonl)" -eq 4 &&
		test "$(grep -c "\"type\":\"run\".*\"packets\":\"COM_QUERY SELECT.*\"line\":8," ackx/explore.jsonl)" -eq 4 &&
		test "$(grep -c "\"type\":\"run\".*\"packets\":\"COM_QUERY COMMIT\"" ackx/explore.jsonl)" -eq 4 &&
		test "$(grep -c "\"type\":\"run\".*\"packets\":\"COM_QUERY COMMIT\".*\"line\":9," ackx/explore.jsonl)" -eq 4
	'
else
	test_skip 'explore finds the mutant' "pymysql is not installed"
fi

test_expect_success 'the built-in client: no point of it is flagged' '
	"$GONEAWAY" explore -o small --kind reset --kind drop --kind FIN \
		"$D/explore-small.gw" > small.out 2>&1;
	rc=$?; cat small.out && test $rc -eq 0 &&
	grep "^violations: 0" small.out &&
	grep -c "\"type\":\"run\"" small/explore.jsonl > runs &&
	test "$(cat runs)" -ge 24 &&
	! grep "\"violation\":true" small/explore.jsonl &&
	grep "COM_QUERY COMMIT" small.out &&
	grep "\"kind\":\"FIN\",\"fault\":\"fault explore point fin both .*\"made\":true" small/explore.jsonl &&
	! grep "\"kind\":\"FIN\".*\"made\":false" small/explore.jsonl &&
	! grep "\"kind\":\"FIN\".*\"outcome\":\"not-run\"" small/explore.jsonl &&
	grep "at    from-server greeting  *CR_SERVER_LOST" small.out
'

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
