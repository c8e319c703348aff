#!/bin/sh
# ci/durations.sh [GONEAWAY] - measures every shipped scenario once and
# writes scenarios/durations.tsv, which "goneaway run --shard K/N" uses to
# balance shards (a scenario missing there counts 1 s).  Run as root from
# the top of the tree: sh ci/durations.sh (or make durations).
set -eu
goneaway=${1:-./goneaway}
out=scenarios/durations.tsv
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$goneaway" run --color never --no-results scenarios/ > "$tmp" || true
{
	echo "# durations.tsv - each shipped scenario's wall time in seconds, measured"
	echo "# by 'goneaway run scenarios/' (local MariaDB 10.11, built-in client, 2"
	echo "# cores). --shard K/N balances shards by these; a scenario missing here"
	echo "# counts 1 s.  Refresh: make durations"
	# "[3/41] name   PASS   2.20 s (deliberate waits ...)"; a SKIP has no time
	awk '/^\[[0-9]+\/[0-9]+\] / { printf "%s\t%s\n", $2, ($3 == "SKIP") ? "0.1" : $4 }' "$tmp"
} > "$out.new"
mv "$out.new" "$out"
echo "durations: $(grep -vc '^#' "$out") scenarios in $out"
