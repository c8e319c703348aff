#!/bin/sh
# ci/durations.sh [GONEAWAY] - measures every shipped scenario once and
# writes scenarios/durations.tsv, which "goneaway run --shard K/N" uses to
# balance shards (a scenario missing there counts 1 s).  Run as root from
# the top of the tree: sh ci/durations.sh (or make durations).
#
# Each scenario's time is its case's wall_ms in results.jsonl, set-up to
# teardown, a SKIP's too.  The built-in client has no pool: the
# scenarios of pools' connections (-k pool-client) SKIP with it at once,
# so they are measured again with a pool's driver, DURATIONS_POOL_CLIENT
# (default sqlalchemy; "" leaves them at the built-in client's times).
set -eu
goneaway=${1:-./goneaway}
pool_client=${DURATIONS_POOL_CLIENT-sqlalchemy}
out=scenarios/durations.tsv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$goneaway" run --color never -o "$tmp/builtin" scenarios/ > "$tmp/builtin.out" || true
test -f "$tmp/builtin/results.jsonl" || {
	cat "$tmp/builtin.out" >&2
	echo "durations: the run wrote no results.jsonl" >&2
	exit 1
}
: > "$tmp/pool.jsonl"
if [ -n "$pool_client" ]; then
	"$goneaway" run --color never -o "$tmp/pool" --client "$pool_client" \
		-k pool-client scenarios/ > "$tmp/pool.out" || true
	test -f "$tmp/pool/results.jsonl" || {
		cat "$tmp/pool.out" >&2
		echo "durations: the run with $pool_client wrote no results.jsonl" >&2
		exit 1
	}
	cp "$tmp/pool/results.jsonl" "$tmp/pool.jsonl"
fi
{
	echo "# durations.tsv - each shipped scenario's wall time in seconds, measured"
	echo "# by 'goneaway run scenarios/' (local MariaDB 10.11, built-in client, 2"
	echo "# cores; the scenarios of pools, -k pool-client, with --client"
	echo "# ${pool_client:-builtin}). --shard K/N balances shards by these; a"
	echo "# scenario missing here counts 1 s.  Refresh: make durations"
	# a case line of results.jsonl: its scenario's label, then its
	# wall_ms (the first of each on the line); the pool run's replace
	# the built-in client's, in the built-in run's order
	awk '
		function field(re,   s) {
			if (!match($0, re))
				return ""
			s = substr($0, RSTART, RLENGTH)
			sub(/^"[a-z_]*":"?/, "", s)
			sub(/"$/, "", s)
			return s
		}
		/^\{"type":"case"/ {
			label = field("\"label\":\"[^\"]*\"")
			ms = field("\"wall_ms\":[0-9.]+")
			if (label == "" || ms == "")
				next
			if (FILENAME == pool) { over[label] = ms; next }
			if (!(label in ms_of))
				order[n++] = label
			ms_of[label] = ms
		}
		END {
			for (i = 0; i < n; i++) {
				l = order[i]
				ms = (l in over) ? over[l] : ms_of[l]
				printf "%s\t%.2f\n", l, ms / 1000
			}
		}' pool="$tmp/pool.jsonl" "$tmp/pool.jsonl" "$tmp/builtin/results.jsonl"
} > "$out.new"
mv "$out.new" "$out"
echo "durations: $(grep -vc '^#' "$out") scenarios in $out"
