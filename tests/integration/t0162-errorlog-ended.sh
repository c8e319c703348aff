#!/bin/sh
# t0162-errorlog-ended: "errorlog" stops waiting for a line that is not
# there once every session the case opened has ended (run/marks.c): a
# session writes its last lines before it leaves the processlist, so
# none is left to write it.  A line a session still alive writes late
# is still found; a session still open gets the whole bound, as before;
# after a restart inside the case the sessions are counted anew (its
# ids start again from 1, below the mark taken before it: the mark is
# taken again); on a kept server the sessions of the cases before do
# not count.  And a line found ends the step only once the session that
# wrote it has left the server (its socket closed by then), or after
# the bound, saying so.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"
ENDED="every session since the case began has ended: none is left to write it"

# passes NAME: runs NAME.gw alone (-v, results in res); its output in
# out; succeeds when the run exits 0 with NAME a PASS
passes() {
	"$GONEAWAY" run -v --color never -o res "$1.gw" > out 2>&1
	rc=$?
	cat out
	test $rc -eq 0 && grep -q "^\[1/1\] $1  *PASS" out
}

test_expect_success 'a line not written, every session ended: answered at once, saying why' '
	cat > ended.gw <<-\EOF &&
	title    Every session ended, no such line
	cause    (test fixture) a clean close writes nothing
	connection app
	connect app
	close app
	errorlog no session ever writes this
	    expect error
	EOF
	passes ended &&
	grep -q "line 6: errorlog: errorlog: returned 0 \"the server.s error log has no line containing .no session ever writes this. ($ENDED)\" after [0-9]* ms$" out
'

test_expect_success 'a line a session still alive writes a second later is found' '
	cat > late.gw <<-\EOF &&
	title    A session still alive writes its line late
	cause    (test fixture) the server times the session out a second later
	repeat   10
	connection app
	connect app
	query app SET SESSION wait_timeout = 1
	errorlog Got timeout reading communication packets
	    expect ok
	EOF
	passes late &&
	grep -q "line 7: errorlog: errorlog: succeeded after [0-9]* ms$" out &&
	grep -q "line 7: spread over 10 runs: ok 10$" out
'

test_expect_success 'a session still open: the whole bound, as before' '
	cat > open.gw <<-\EOF &&
	title    A session still open
	cause    (test fixture) it could still write
	connection app
	connect app
	errorlog no session ever writes this
	    expect error
	EOF
	passes open &&
	! grep -q "$ENDED" out &&
	ms=$(sed -n "s/^ *line 5: errorlog: .* after \([0-9]*\) ms$/\1/p" out) &&
	test "$ms" -ge 2000
'

test_expect_success 'after a restart in the case, and on a kept server, its own sessions count' '
	cat > restart.gw <<-\EOF &&
	title    Sessions counted anew after a restart
	cause    (test fixture) no line, every session ended
	connection app
	connection late
	connect app
	server restart
	connect app
	close app
	errorlog no session ever writes this
	    expect error
	connect late
	query late SET SESSION wait_timeout = 1
	errorlog Got timeout reading communication packets
	    expect ok
	EOF
	cat > idle.gw <<-\EOF &&
	title    A case that leaves its server idle
	cause    (test fixture) none
	connection app
	connect app
	query app SELECT 1
	    expect ok = 1
	EOF
	"$GONEAWAY" run -j 1 -v --color never -o res idle.gw restart.gw ended.gw \
		> out 2>&1; rc=$?;
	cat out && test $rc -eq 0 &&
	grep -q "^servers started: 1 for 3 cases" out &&
	grep -q "line 9: errorlog: errorlog: returned 0 .*($ENDED)" out &&
	grep -q "line 13: errorlog: errorlog: succeeded after [0-9]* ms$" out &&
	grep -q "line 6: errorlog: errorlog: returned 0 .*($ENDED)" out
'

# A session's line is written before it closes its socket (marks.c): a
# line found is followed by a wait until its session has left.  The
# fixture's line: MariaDB's "Sort aborted", which a session writes when
# its statement's time runs out in a sort, and stays.
SORT="SET STATEMENT max_statement_time = 0.02 FOR SELECT seq FROM seq_1_to_5000000 ORDER BY seq % 7919 LIMIT 1"

test_expect_success 'a line found: the step ends when its session has left, so the next query meets the close' '
	cat > left.gw <<-EOF &&
	title    A session writes its line, then leaves
	cause    (test fixture) its wait_timeout ends it a second after
	repeat   3
	connection app
	connect app
	query app SET SESSION wait_timeout = 1
	query app $SORT
	    expect ER_STATEMENT_TIMEOUT
	errorlog Sort aborted
	    expect ok
	query app SELECT 1
	    expect CR_SERVER_GONE_ERROR within 1s
	EOF
	passes left &&
	grep -q "line 11: spread over 3 runs: 2006 (CR_SERVER_GONE_ERROR) 3$" out &&
	ms=$(sed -n "s/^ *line 9: errorlog: errorlog: succeeded after \([0-9]*\) ms$/\1/p" out) &&
	test "$ms" -ge 800
'

test_expect_success 'a line whose session stays: found, after the bound, saying so' '
	cat > stays.gw <<-EOF &&
	title    A session writes its line and stays
	cause    (test fixture) it stays on the server
	connection app
	connect app
	query app $SORT
	    expect ER_STATEMENT_TIMEOUT
	errorlog Sort aborted
	    expect ok
	query app SELECT 1
	    expect ok = 1
	EOF
	passes stays &&
	grep -q "line 7: errorlog: errorlog: succeeded after [0-9]* ms (the line.s session [0-9]* was still on the server [0-9]* ms after it)$" out
'

# %thread[NAME]% in errorlog's text: the line of that session, not the
# first line of its shape.  Both sessions time out, "early" after 1 s and
# "late" after 2 s; the step begins at 1.5 s, with the line of "early"
# written, and ends at the line that names "late", half a second on,
# once "late" has left the server, so the query after it meets the close
# (before, the text was taken as written and no line had it).
test_expect_success 'errorlog names a session with %thread[NAME]%: that session.s line, and it has left' '
	cat > named.gw <<-\EOF &&
	title    Two sessions time out, the later one named
	cause    (test fixture) wait_timeout
	connection early
	connection late
	connect early
	connect late
	query early SET SESSION wait_timeout = 1
	query late SET SESSION wait_timeout = 2
	sleep 1500ms
	errorlog Aborted connection %thread[late]% to db
	query late SELECT 1
	    expect CR_SERVER_GONE_ERROR
	    expect [mysql] 4031
	EOF
	passes named &&
	ms=$(sed -n "s/^ *line 10: errorlog: errorlog: succeeded after \([0-9]*\) ms.*/\1/p" out) &&
	say "the named session.s line after $ms ms" && test "$ms" -ge 300
'

test_expect_success 'errorlog naming a session that writes no line fails, the thread id in its words' '
	cat > namedmiss.gw <<-\EOF &&
	title    The named session does not time out
	cause    (test fixture) wait_timeout
	connection early
	connection stays
	connect early
	connect stays
	query early SET SESSION wait_timeout = 1
	errorlog Aborted connection %thread[stays]% to db
	    expect error
	query stays SELECT 1
	    expect ok = 1
	EOF
	passes namedmiss &&
	grep -q "line 8: errorlog: errorlog: returned 0 \"the server.s error log has no line containing .Aborted connection [0-9][0-9]* to db.\( (waited [0-9]* ms: the machine is busy)\)\?\" after" out
'

test_expect_success 'the runs left nothing behind' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
