#!/bin/sh
# t0203-explore-commit: goneaway explore's server side (issue 59,
# cli/explore_side.c, run/digest.c): for a
# write or COMMIT that failed, whether the server did it all the same,
# read from the server's tables (run/digest.c: CHECKSUM TABLE of every
# base table outside the server's schemas) and compared with the clean
# run's, over data/explore-update.gw (an INSERT in autocommit, BEGIN, an
# UPDATE that keeps the row count, COMMIT) with the built-in client,
# every point reset:
#   - a reset at the COMMIT's OK (the COMMIT reached the server, its
#     answer was cut) is *failed but committed* ("*" in its cell), and
#     so is one at the autocommit INSERT's OK: a note, not a violation
#     (exit 0);
#   - a reset at the COMMIT's own packet is never "committed", and one
#     at the UPDATE's (the COMMIT never sent) is "not-committed";
#   - the UPDATE is seen: the clean run's tables before its COMMIT and
#     at its end differ in their digest, the row count the same (explore's
#     third clean run, digests/, reads them before each step: not the
#     two whose conversation it reads, the reads moving their ACKs);
#   - every output says it: the text map, JSON Lines, Markdown, HTML;
#   - a digest opens one admin connection, however many tables it reads
#     (data/digest-connections.gw: three tables, the server's count of
#     connections read before and after one digest).
. "$(dirname "$0")/lib.sh"

D="$TOP/tests/integration/data"
leftover_snapshot > "$SCRATCH/before"

# the run line of point N and kind reset
run_of() {
	grep "^{\"type\":\"run\",\"point\":$1,.*\"kind\":\"reset\"" \
		side/explore.jsonl
}

test_expect_success 'explore marks the failed writes the server did all the same, flagging nothing' '
	"$GONEAWAY" explore -o side --kind reset --markdown side.md \
		--html side.html "$D/explore-update.gw" > side.out 2>&1;
	rc=$?; cat side.out && test $rc -eq 0 &&
	grep "^violations: 0" side.out &&
	grep "^failed writes and COMMITs, the server.s side: [1-9][0-9]* failed but committed (\*), [0-9]* partly (~), [1-9][0-9]* not committed, 0 not read$" side.out &&
	! grep "\"violation\":true" side/explore.jsonl
'

test_expect_success 'a reset at the COMMIT'"'"'s OK: failed but committed' '
	commit=$(grep "^{\"type\":\"point\",.*\"direction\":\"to-server\",\"where\":\"at\",.*\"packets\":\"COM_QUERY COMMIT\"" \
		side/explore.jsonl | sed "s/^{\"type\":\"point\",\"point\":\([0-9]*\),.*/\1/") &&
	test -n "$commit" &&
	run_of $((commit + 2)) > ok.run && cat ok.run &&
	grep "\"direction\":\"from-server\",\"where\":\"at\",.*\"packets\":\"OK\"" ok.run &&
	grep "\"outcome\":\"code\",\"violation\":false,\"line\":15,.*\"cell\":\"CR_SERVER_LOST\".*\"server_side\":\"committed\",\"server_side_line\":15}" ok.run &&
	grep "^[0-9]*  *c1 at    from-server OK  .* CR_SERVER_LOST [0-9.]*s\*" side.out &&
	grep "^  p0*$((commit + 2))-reset c1 at    from-server OK: line 15 failed, but the server holds its work (failed but committed: a retry makes it twice)$" side.out
'

test_expect_success 'a reset at the autocommit INSERT'"'"'s OK: failed but committed' '
	insert=$(grep "^{\"type\":\"point\",.*\"direction\":\"to-server\",\"where\":\"at\",.*\"packets\":\"COM_QUERY INSERT INTO t VALUES (1)\"" \
		side/explore.jsonl | sed "s/^{\"type\":\"point\",\"point\":\([0-9]*\),.*/\1/") &&
	test -n "$insert" &&
	run_of $((insert + 2)) > ins.run && cat ins.run &&
	grep "\"line\":12,.*\"server_side\":\"committed\",\"server_side_line\":12}" ins.run
'

test_expect_success 'a reset at the COMMIT itself, or before it: not committed' '
	commit=$(grep "^{\"type\":\"point\",.*\"direction\":\"to-server\",\"where\":\"at\",.*\"packets\":\"COM_QUERY COMMIT\"" \
		side/explore.jsonl | sed "s/^{\"type\":\"point\",\"point\":\([0-9]*\),.*/\1/") &&
	update=$(grep "^{\"type\":\"point\",.*\"direction\":\"to-server\",\"where\":\"at\",.*\"packets\":\"COM_QUERY UPDATE t SET v = 2\"" \
		side/explore.jsonl | sed "s/^{\"type\":\"point\",\"point\":\([0-9]*\),.*/\1/") &&
	run_of $commit > at.run && cat at.run &&
	! grep "\"server_side\":\"committed\"" at.run &&
	run_of $update > upd.run && cat upd.run &&
	grep "\"server_side\":\"not-committed\",\"server_side_line\":15}" upd.run
'

test_expect_success 'the UPDATE is seen: the same row count, another digest' '
	grep "^{\"type\":\"step\",\"case\":1,\"index\":5,\"scenario\":\"digests\",\"line\":15,\"kind\":\"query\",\"text\":\"COMMIT\"" \
		side/digests/results.jsonl > commit.step &&
	before=$(sed "s/.*\"server_digest_before\":\"\([^\"]*\)\".*/\1/" commit.step) &&
	grep "^{\"type\":\"case\",\"case\":1," side/digests/results.jsonl > clean.case &&
	after=$(sed "s/.*\"server_digest\":\"\([^\"]*\)\".*/\1/" clean.case) &&
	echo "before COMMIT $before, at the end $after" &&
	case $before in 1:????????????????) ;; *) false ;; esac &&
	case $after in 1:????????????????) ;; *) false ;; esac &&
	test "$before" != "$after" &&
	grep "\"index\":6,.*\"text\":\"SELECT COUNT(\*) FROM t\".*\"value\":\"1\"" side/digests/results.jsonl
'

test_expect_success 'Markdown and HTML say it too' '
	grep "^## Failed writes and COMMITs$" side.md &&
	grep "^- p0*[0-9]*-reset c1 at    from-server OK: line 15 failed, but the server holds its work" side.md &&
	grep "| CR_SERVER_LOST [0-9.]*s\\\\\* |" side.md &&
	grep "^<h2>Failed writes and COMMITs</h2>$" side.html &&
	grep "^<li>p0*[0-9]*-reset c1 at    from-server OK: line 15 failed, but the server holds its work" side.html &&
	grep ">CR_SERVER_LOST [0-9.]*s\*</td>" side.html
'

# the value of step N of conn/results.jsonl
value_of() {
	grep "^{\"type\":\"step\",\"case\":1,\"index\":$1," \
		conn/results.jsonl |
		sed -n "s/.*\"value\":\"\([0-9]*\)\".*/\1/p"
}

test_expect_success 'a digest of three tables is read on one admin connection' '
	GONEAWAY_EXPLORE_DIGESTS=1 "$GONEAWAY" run --record -o conn \
		"$D/digest-connections.gw" > conn.out 2>&1;
	rc=$?; cat conn.out && test $rc -eq 0 &&
	grep "\"index\":5,.*\"server_digest_before\":\"3:[0-9a-f]\{16\}\"" \
		conn/results.jsonl &&
	first=$(value_of 4) && second=$(value_of 5) &&
	echo "connections: $first, then $second after the digest" &&
	test -n "$first" && test -n "$second" &&
	test $((second - first)) -eq 1
'

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
