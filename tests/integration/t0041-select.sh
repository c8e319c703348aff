#!/bin/sh
# t0041-select: -k EXPR, --list and --shard K/N choose scenarios without
# running them: the shards of a selection are disjoint, together exactly
# the selection, the same on every call, and balanced by durations.tsv;
# a selection that leaves nothing (-k with a typo, an empty shard) is
# exit 2, never a green run of nothing (issue 24).
#
# The sources it holds: harness/plan/scenarios_select.c.
. "$(dirname "$0")/lib.sh"

S="$TOP/scenarios"

test_expect_success '--list prints every scenario and runs nothing' '
	"$GONEAWAY" run --list "$S" > all &&
	test $(wc -l < all) -eq $(ls "$S"/*.gw | wc -l) &&
	grep -q "^kill-running  *.*scenarios/kill-running.gw  \[kill,running,query\]$" all
'

test_expect_success '-k selects by keyword and name, with and/or/not' '
	"$GONEAWAY" run --list -k "kill and not tls" "$S" | awk "{print \$1}" > k1 &&
	grep -qx kill-running k1 && ! grep -q tls k1 &&
	"$GONEAWAY" run --list -k "packet-too-large" "$S" | awk "{print \$1}" > k2 &&
	test $(wc -l < k2) -ge 3 && ! grep -v packet-too-large k2 &&
	"$GONEAWAY" run --list -k "not (kill or tls)" "$S" | awk "{print \$1}" > k3 &&
	test $(( $(wc -l < k3) + $("$GONEAWAY" run --list -k "kill or tls" "$S" | wc -l) )) \
		-eq $(wc -l < all)
'

test_expect_success 'a bad -k is a usage error naming the column' '
	"$GONEAWAY" run --list -k "kill &" "$S" > out 2> err; rc=$?;
	test $rc -eq 2 && grep -q "^goneaway: -k: unexpected character at column 6$" err
'

test_expect_success 'a bad --shard is a usage error' '
	"$GONEAWAY" run --list --shard 4/3 "$S" 2> err; test $? -eq 2 &&
	grep -q "K must be 1 to N" err &&
	"$GONEAWAY" run --list --shard x "$S" 2> err; test $? -eq 2
'

test_expect_success 'three shards: disjoint, together everything, deterministic' '
	for k in 1 2 3; do
		"$GONEAWAY" run --list --shard $k/3 "$S" | awk "{print \$1}" > s$k &&
		"$GONEAWAY" run --list --shard $k/3 "$S" | awk "{print \$1}" > again$k &&
		cmp s$k again$k || return 1
	done &&
	cat s1 s2 s3 | sort > joined && awk "{print \$1}" all | sort > whole &&
	cmp joined whole && test -z "$(sort joined | uniq -d)"
'

# Issue 38: durations.tsv lacked 26 scenarios, the pools' among them
# (make durations measured them with the built-in client, which SKIPs
# them): every shipped scenario has a time there, and only they.
test_expect_success 'scenarios/durations.tsv times every shipped scenario, and only those' '
	ls "$S"/*.gw | sed "s|.*/||; s|\.gw\$||" | sort > shipped &&
	grep -v "^#" "$S/durations.tsv" | cut -f1 | sort > timed &&
	diff -u shipped timed &&
	! grep -v "^#" "$S/durations.tsv" | grep -v "	[0-9][0-9]*\.[0-9][0-9]\$"
'

test_expect_success 'the shards are balanced by the measured durations' '
	for k in 1 2 3; do
		awk "NR==FNR && !/^#/ {d[\$1]=\$2; next} {s+=d[\$1]} END {print s}" \
			"$S/durations.tsv" s$k > load$k || return 1
	done &&
	cat load1 load2 load3 &&
	awk "{ if (\$1 > max) max = \$1; sum += \$1 } END { exit !(max <= sum / 3 * 1.25) }" \
		load1 load2 load3
'

# Issue 38: only the durations.tsv beside the first scenario was read, so
# a run of the shipped scenarios and a connector's own (two directories)
# balanced the second directory's as never measured (1 s each).  Each
# scenario's time comes from its own directory's file; --durations FILE
# first.
test_expect_success 'each scenario.s time comes from the durations.tsv beside it' '
	mkdir -p a b &&
	cp "$S/kill-idle.gw" a/x1.gw &&
	for n in y1 y2 y3; do cp "$S/kill-idle.gw" b/$n.gw || return 1; done &&
	printf "x1\t2\n" > a/durations.tsv &&
	printf "y1\t10\ny2\t0.1\ny3\t0.1\n" > b/durations.tsv &&
	for k in 1 2; do
		"$GONEAWAY" run --list --shard $k/2 a b | awk "{print \$1}" > d$k || return 1
	done &&
	cat d1 && echo -- && cat d2 &&
	# y1, ten seconds, alone in its shard (read as 1 s, it was not)
	{ { grep -qx y1 d1 && test "$(wc -l < d1)" -eq 1; } ||
	  { grep -qx y1 d2 && test "$(wc -l < d2)" -eq 1; }; } &&
	# --durations FILE first, the directories for what it lacks
	printf "y2\t30\n" > given &&
	for k in 1 2; do
		"$GONEAWAY" run --list --shard $k/2 --durations given a b |
			awk "{print \$1}" > g$k || return 1
	done &&
	cat g1 && echo -- && cat g2 &&
	{ { grep -qx y2 g1 && test "$(wc -l < g1)" -eq 1; } ||
	  { grep -qx y2 g2 && test "$(wc -l < g2)" -eq 1; }; }
'

test_expect_success 'shards split what -k chose' '
	"$GONEAWAY" run --list -k kill "$S" | awk "{print \$1}" | sort > chosen &&
	for k in 1 2; do
		"$GONEAWAY" run --list -k kill --shard $k/2 "$S" | awk "{print \$1}" || return 1
	done | sort > split && cmp chosen split
'

# Issue 24: a selector with a typo made a green CI job that ran nothing.
test_expect_success 'a -k that selects nothing is exit 2, and nothing runs' '
	"$GONEAWAY" run --strict -o none -k nosuchword "$S" > out 2> err; rc=$?;
	cat out err; test $rc -eq 2 &&
	grep -q "^goneaway: -k .nosuchword. selects none of the [0-9]* scenarios: nothing to run$" err &&
	! grep -q PASS out && test ! -e none &&
	"$GONEAWAY" run -o none -k nosuchword "$S" > out 2> err; test $? -eq 2 &&
	"$GONEAWAY" run --list -k nosuchword "$S" > out 2> err; test $? -eq 2 &&
	test ! -s out
'

test_expect_success 'an empty shard (--shard 4/4 of 3 scenarios) is exit 2' '
	set -- "$S/kill-idle.gw" "$S/kill-running.gw" "$S/packet-too-large-client.gw" &&
	for k in 1 2 3; do
		"$GONEAWAY" run --list --shard $k/4 "$@" > s$k || return 1
	done &&
	"$GONEAWAY" run --list --shard 4/4 "$@" > out 2> err; rc=$?;
	cat err; test $rc -eq 2 && test ! -s out &&
	grep -q "^goneaway: --shard 4/4 is empty: the 3 scenarios make no scenario for shard 4" err &&
	"$GONEAWAY" run --strict -o none --shard 4/4 "$@" > out 2> err; test $? -eq 2 &&
	test ! -e none
'

test_done
