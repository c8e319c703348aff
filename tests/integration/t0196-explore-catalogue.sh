#!/bin/sh
# t0196-explore-catalogue: goneaway explore judges *new* per client
# (issue 59: "every error is one the catalogue knows for that client";
# cli/explore_catalogue.c): a code the catalogue's tables of codes do not
# name for the client explored is new, even when the catalogue names it
# elsewhere (for another client, or in its words); a client with no row
# in those tables is judged against every code the catalogue names.
# Over the built-in client and data/explore-small.gw, reset only, with
# catalogues of the test's own (--catalogue FILE):
#   - its rows name 2006 for builtin, its words 2002 and 2013: the 2013
#     a reset at the greeting makes is new, "for builtin", exit 1;
#   - its rows name 2013 for pymysql only: builtin has no row, 2013 is
#     named in them, nothing flagged, exit 0, the map saying why;
#   - nothing left.
. "$(dirname "$0")/lib.sh"

D="$TOP/tests/integration/data"
leftover_snapshot > "$SCRATCH/before"

# catalogue FILE ROW: a catalogue whose words name the codes a cut makes
# the built-in client answer (2002 CR_CONNECTION_ERROR when the login is
# cut, 2013 CR_SERVER_LOST) and whose one table of codes has the row ROW
catalogue() {
	cat > "$1" <<CAT
# A catalogue of the test's own

The seeds name: 2002, 2006, 2013.

<!-- codes: kill-idle -->
| server/client | kill-idle |
|---|---|
$2
<!-- end codes -->
CAT
}

test_expect_success 'a code the tables do not name for builtin is new' '
	catalogue cat-2006.md "| local/builtin | PASS 2006,2006 |" &&
	exit_is 1 "$GONEAWAY" explore -o new --kind reset \
		--catalogue cat-2006.md "$D/explore-small.gw" > new.out 2>&1 &&
	cat new.out &&
	grep "^oracle: .*a code the catalogue.s tables do not name for builtin is new" new.out &&
	grep "^  p001-reset  *new: c1 at  *from-server greeting" new.out &&
	grep "failed with CR_SERVER_LOST, which the catalogue does not name for builtin" new.out &&
	grep "\"catalogue_client\":true" new/explore.jsonl &&
	grep "\"outcome\":\"new\",\"violation\":true" new/explore.jsonl
'

test_expect_success 'a client with no row: every code of the catalogue counts' '
	catalogue cat-pymysql.md "| local/pymysql | PASS 2013,InterfaceError |" &&
	"$GONEAWAY" explore -o any --kind reset --catalogue cat-pymysql.md \
		"$D/explore-small.gw" > any.out 2>&1;
	rc=$?; cat any.out && test $rc -eq 0 &&
	grep "^oracle: .*its tables have no row for builtin: every client.s codes count" any.out &&
	grep "^violations: 0" any.out &&
	grep "at    from-server greeting  *CR_SERVER_LOST" any.out &&
	grep "\"catalogue_client\":false" any/explore.jsonl
'

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
