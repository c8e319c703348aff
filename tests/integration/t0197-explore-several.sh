#!/bin/sh
# t0197-explore-several: goneaway explore over several scenarios in one
# run (issue 59; cli/explore.c, explore_several): each explored in turn
# into -o DIR/NAME (its file's name without .gw), its map on the console;
# exit 1 when one is flagged, else 0.  Over the built-in client, reset:
#   - data/explore-small.gw and data/explore-commit.gw: two folders, each
#     with its map and JSON Lines, both maps on the console, exit 0;
#   - refused before anything runs, exit 2: --shard (or --jsonl,
#     --markdown, --html) with several, two scenarios of one name, a file
#     that does not parse;
#   - nothing left.
. "$(dirname "$0")/lib.sh"

D="$TOP/tests/integration/data"
leftover_snapshot > "$SCRATCH/before"

test_expect_success 'several scenarios: --shard and the files of one map take one, exit 2' '
	exit_is 2 "$GONEAWAY" explore -o no --shard 1/2 "$D/explore-small.gw" \
		"$D/explore-commit.gw" 2> e1 && cat e1 &&
	grep "^goneaway explore: --shard takes one scenario" e1 &&
	exit_is 2 "$GONEAWAY" explore -o no --markdown m.md "$D/explore-small.gw" \
		"$D/explore-commit.gw" 2> e2 && cat e2 &&
	grep "^goneaway explore: --markdown takes one scenario" e2 &&
	mkdir -p other && cp "$D/explore-small.gw" other/ &&
	exit_is 2 "$GONEAWAY" explore -o no "$D/explore-small.gw" \
		other/explore-small.gw 2> e3 && cat e3 &&
	grep "would share the folder no/explore-small" e3 &&
	exit_is 2 "$GONEAWAY" explore -o no "$D/explore-small.gw" nothere.gw 2> e4 &&
	cat e4 && grep "^nothere.gw:" e4 &&
	test ! -e no
'

test_expect_success 'two scenarios explored in turn, each into its folder' '
	"$GONEAWAY" explore -o two --kind reset "$D/explore-small.gw" \
		"$D/explore-commit.gw" > two.out 2>&1;
	rc=$?; cat two.out && test $rc -eq 0 &&
	test "$(grep -c "^goneaway explore .*explore-small.gw (client builtin" two.out)" -eq 1 &&
	test "$(grep -c "^goneaway explore .*explore-commit.gw (client builtin" two.out)" -eq 1 &&
	test "$(grep -c "^violations: 0" two.out)" -eq 2 &&
	test -f two/.goneaway &&
	for s in explore-small explore-commit; do
		grep "^goneaway explore .*$s.gw" two/$s/explore.txt &&
		grep "\"type\":\"explore\",\"scenario\":\"[^\"]*$s.gw\"" two/$s/explore.jsonl &&
		grep -q "\"type\":\"run\"" two/$s/explore.jsonl || exit 1
	done &&
	grep "COM_QUERY COMMIT" two/explore-commit/explore.txt
'

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
