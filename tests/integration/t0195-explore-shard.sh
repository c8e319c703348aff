#!/bin/sh
# t0195-explore-shard: goneaway explore past one machine (issue 59):
# --shard K/N splits the points that run over CI jobs (cli/explore_shard.c:
# round robin in the clean conversation's order, every shard making the
# clean runs), goneaway report merges the shards' explore.jsonl into one
# map (cli/report.c), and the map as Markdown and HTML
# (cli/explore_map_markdown.c, cli/explore_map_html.c, their cells from
# cli/explore_cells.c), over the built-in
# client and data/explore-small.gw, reset (and one shard kill and crash):
#   - a bad --shard is exit 2, the option named, before anything runs;
#   - shards 1/2 and 2/2 run disjoint points that make every point that
#     runs, each map saying which rows are the other shard's;
#   - report over both: the unsharded map's points and cells (each run's
#     outcome and code; the times aside), its --markdown and --html;
#     one shard alone is said missing (exit 4 under --strict);
#   - refused, exit 2, each with its reason: a shard given twice, a shard
#     and an unsharded exploration, shards of another scenario or of
#     another clean run, explore's results with a run's, --junit; a
#     shard cut short or garbled, its file and line named;
#   - a shard of kill and crash (its clean run the same as a reset
#     shard's) is refused beside a reset shard, their kinds named, and
#     alone its text, Markdown and HTML maps have its kill and crash
#     cells;
#   - nothing left.
. "$(dirname "$0")/lib.sh"

D="$TOP/tests/integration/data"
leftover_snapshot > "$SCRATCH/before"

# runs FILE: "NAME OUTCOME CODE" of each run line, sorted
runs() {
	sed -n 's/.*"type":"run".*"name":"\([^"]*\)".*"outcome":"\([^"]*\)".*"code":"\([^"]*\)".*/\1 \2 \3/p' "$1" | sort
}
# table FILE: the map's table, each cell's outcome and code (its time
# and where its cut landed aside)
table() {
	sed -n "/^#  *point/,\$p" "$1" |
		sed -e "s/ [0-9][0-9.]*s[!?]\{0,1\}//g" -e "s/\(ok\|SKIP\|ERROR\)[!?]/\1/g" -e "s/  */ /g"
}

test_expect_success 'a bad --shard is exit 2, the option named' '
	for bad in 3/2 0/2 1 a/b 1/0 2/1001; do
		exit_is 2 "$GONEAWAY" explore -o bad --shard $bad \
			"$D/explore-small.gw" 2> bad.err || exit 1
		cat bad.err &&
		grep "^goneaway explore: --shard.*\(expected K/N\|K must be 1 to N\)" bad.err || exit 1
		test ! -e bad || exit 1
	done
'

test_expect_success 'explore, every point (reset): the map, its Markdown and HTML' '
	"$GONEAWAY" explore -o all --kind reset --markdown all.md \
		--html all.html "$D/explore-small.gw" > all.out 2>&1;
	rc=$?; cat all.out && test $rc -eq 0 &&
	grep "^violations: 0" all.out &&
	cat all.md &&
	grep "^| # | point | reset | drop | FIN | kill | crash |$" all.md &&
	grep "^| 1 | c1 at  *from-server greeting | CR_SERVER_LOST [0-9.]*s[!?]\{0,1\} | - | - | - | - |$" all.md &&
	grep "^- clean run twice: the same" all.md &&
	test "$(grep -c "^| [0-9]" all.md)" -eq "$(grep -c "\"type\":\"point\"" all/explore.jsonl)" &&
	grep "^<!DOCTYPE html>" all.html &&
	grep "<th>reset</th><th>drop</th><th>FIN</th><th>kill</th><th>crash</th>" all.html &&
	grep "<td class=\"code\" title=\"[^\"]*\">CR_SERVER_LOST [0-9.]*s[!?]\{0,1\}</td>" all.html &&
	grep "COM_QUERY COMMIT" all.html &&
	test "$(grep -c "^<tr>" all.html)" -eq "$(grep -c "^| [0-9]" all.md)" &&
	tail -n 1 all.html | grep "^</html>$"
'

test_expect_success 'shards 1/2 and 2/2: disjoint, each point that runs in one' '
	for k in 1 2; do
		"$GONEAWAY" explore -q -o s$k --kind reset --shard $k/2 \
			"$D/explore-small.gw" > s$k.out 2>&1;
		rc=$?; cat s$k.out s$k/explore.txt && test $rc -eq 0 || exit 1
		grep "^points: .*; shard $k/2: [0-9]* of the [0-9]* points that run" s$k/explore.txt || exit 1
		grep "(shard $((3 - k))/2)$" s$k/explore.txt || exit 1
		! grep "(shard $k/2)$" s$k/explore.txt || exit 1
		grep "\"shard\":\"$k/2\"" s$k/explore.jsonl || exit 1
		runs s$k/explore.jsonl > runs.$k || exit 1
	done &&
	runs all/explore.jsonl > runs.all &&
	test -s runs.1 && test -s runs.2 &&
	sort runs.1 runs.2 | cut -d" " -f1 | uniq -d > both && test ! -s both &&
	sort runs.1 runs.2 | cut -d" " -f1 > names.shards &&
	cut -d" " -f1 runs.all > names.all &&
	diff names.all names.shards
'

# The merged map is held to the shards' own cells, each row from the
# shard that ran it, and to the unsharded map's points: not to the
# unsharded run's cells, which are other runs (a reset just after the
# greeting is CR_SERVER_LOST in one run and CR_CONNECTION_ERROR in
# another, as the client happens to be reading or not: the fresh Debian
# 12 run failed on that cell, 2026-11-28).
test_expect_success 'report merges them: the cells as the shards ran them, the points of the unsharded map' '
	"$GONEAWAY" report --markdown m.md --html m.html \
		s2 s1/explore.jsonl > merged.out 2> merged.err;
	rc=$?; cat merged.out merged.err && test $rc -eq 0 &&
	test ! -s merged.err &&
	grep "^points: .*; shards: 2 of 2 merged" merged.out &&
	grep "^violations: 0" merged.out &&
	! grep "(shard [0-9]*/2" merged.out &&
	table s1/explore.txt | grep -v "(shard 2/2) *\$" > table.1 &&
	table s2/explore.txt | grep -v "(shard 1/2) *\$" > table.2 &&
	{ head -n 1 table.1; { tail -n +2 table.1; tail -n +2 table.2; } |
		sort -n; } > table.shards &&
	table merged.out > table.merged &&
	cat table.merged && diff table.shards table.merged &&
	grep "^| [0-9]" m.md | cut -d"|" -f2,3 > md.merged &&
	grep "^| [0-9]" all.md | cut -d"|" -f2,3 > md.all &&
	diff md.all md.merged &&
	grep "^| # | point | reset | drop | FIN | kill | crash |$" m.md &&
	grep "^- points: .*; shards: 2 of 2 merged" m.md &&
	grep "<th>reset</th>" m.html &&
	test "$(grep -c "^<tr>" m.html)" -eq "$(grep -c "^<tr>" all.html)"
'

test_expect_success 'one shard alone: the other said missing, exit 4 under --strict' '
	exit_is 0 "$GONEAWAY" report s1 > one.out 2> one.err &&
	cat one.err &&
	grep "shard 2/2 of the exploration of .*explore-small.gw is missing" one.err &&
	grep "(shard 2/2: MISSING)" one.out &&
	grep "2/2 MISSING" one.out &&
	exit_is 4 "$GONEAWAY" report --strict s1 > /dev/null 2>&1
'

test_expect_success 'report refuses what is not one exploration, exit 2' '
	exit_is 2 "$GONEAWAY" report s1 s1/explore.jsonl 2> e1 && cat e1 &&
	grep "shard 1/2 is given twice" e1 &&
	exit_is 2 "$GONEAWAY" report s1 all 2> e2 && cat e2 &&
	grep "not shards of one split: .*no --shard" e2 &&
	sed "1s/\"scenario_hash\":\"[0-9a-f]*\"/\"scenario_hash\":\"0000000000000000\"/" \
		s2/explore.jsonl > other-scenario.jsonl &&
	exit_is 2 "$GONEAWAY" report s1 other-scenario.jsonl 2> e3 && cat e3 &&
	grep "not shards of one exploration: their scenario_hash differs" e3 &&
	sed "1s/\"clean\":\"[0-9a-f]*\"/\"clean\":\"0000000000000000\"/" \
		s2/explore.jsonl > other-clean.jsonl &&
	exit_is 2 "$GONEAWAY" report s1 other-clean.jsonl 2> e4 && cat e4 &&
	grep "the clean runs of shard 1/2 .* and shard 2/2 .* differ" e4 &&
	exit_is 2 "$GONEAWAY" report s1 all/clean 2> e5 && cat e5 &&
	grep "some of the results given are goneaway explore.s, some goneaway run.s" e5 &&
	exit_is 2 "$GONEAWAY" report --junit j.xml s1 s2 2> e6 && cat e6 &&
	grep -- "--junit: goneaway explore.s results are a map" e6 &&
	test ! -e j.xml
'

# clean FILE: the clean run's hash of an explore.jsonl
clean() {
	sed -n '1s/.*"clean":"\([0-9a-f]*\)".*/\1/p' "$1"
}

test_expect_success 'a shard of kill and crash: refused beside a reset shard, its own map has their cells' '
	"$GONEAWAY" explore -q -o k2 --kind kill --kind crash --shard 2/2 \
		"$D/explore-small.gw" > k2.out 2>&1;
	rc=$?; cat k2.out k2/explore.txt && test $rc -eq 0 &&
	grep "^{\"type\":\"explore\",.*\"kinds\":\"kill,crash\"" k2/explore.jsonl &&
	test -n "$(clean s1/explore.jsonl)" &&
	test "$(clean k2/explore.jsonl)" = "$(clean s1/explore.jsonl)" &&
	exit_is 2 "$GONEAWAY" report s1 k2 2> e7 && cat e7 &&
	grep "not shards of one exploration: their kinds differs (.reset., .kill,crash.;" e7 &&
	exit_is 0 "$GONEAWAY" report --markdown k.md --html k.html k2 \
		> k.out 2> k.err && cat k.out k.err &&
	grep "^#  *point  *reset  *drop  *FIN  *kill  *crash$" k.out &&
	grep "^[0-9]*  *c1 .*  *-  *-  *-  *CR_SERVER_LOST [0-9.]*s[!?]\{0,1\}  *CR_SERVER_LOST [0-9.]*s[!?]\{0,1\} *$" k.out &&
	grep "(shard 1/2: MISSING)" k.out &&
	grep "^| # | point | reset | drop | FIN | kill | crash |$" k.md &&
	grep "^| [0-9]* | c1 [^|]* | - | - | - | CR_SERVER_LOST [0-9.]*s[!?]\{0,1\} | CR_SERVER_LOST [0-9.]*s[!?]\{0,1\} |$" k.md &&
	grep "<th>reset</th><th>drop</th><th>FIN</th><th>kill</th><th>crash</th>" k.html &&
	test "$(grep -c "<td class=\"code\" title=\"[^\"]*\">CR_SERVER_LOST [0-9.]*s[!?]\{0,1\}</td>" k.html)" -ge 2
'

test_expect_success 'report: a shard cut short or garbled is exit 2, its file and line named' '
	head -c 300 s2/explore.jsonl > cut.jsonl &&
	exit_is 2 timeout 10 "$GONEAWAY" report s1 cut.jsonl 2> e8 && cat e8 &&
	grep "^goneaway report: cut.jsonl:1: " e8 &&
	sed "s/\"kind\":\"reset\"/\"kind\":\"boom\"/" s2/explore.jsonl > kind.jsonl &&
	exit_is 2 timeout 10 "$GONEAWAY" report s1 kind.jsonl 2> e9 && cat e9 &&
	grep "^goneaway report: kind.jsonl:[0-9]*: not a run line of its exploration" e9 &&
	{ head -n 1 s2/explore.jsonl; echo nonsense; } > garbage.jsonl &&
	exit_is 2 timeout 10 "$GONEAWAY" report s1 garbage.jsonl 2> e10 && cat e10 &&
	grep "^goneaway report: garbage.jsonl:2: " e10
'

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
