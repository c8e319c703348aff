#!/bin/sh
# tests/bench/serve.sh GONEAWAY - part s of make bench (tests/bench/bench.sh):
# what goneaway serve's proxy costs a MySQL client, as ratios to the same
# work direct: issue 39's three figures through mysql2 (serve-bench.js),
# 2,000 sequential SELECT 1 on one connection, one 64 MiB result, 200
# connect + SELECT 1 + close; BENCH_PAIRS rounds (5) after a warm-up one,
# interleaved, medians.
#
# Both go to the same server: a MariaDB of the host's started here on a
# loopback port of its own (in this part's temp dir, no grant tables,
# removed at the end), which goneaway serve reaches as a loopback
# upstream - the path a Toxiproxy takes - so that the proxy's cost is
# all that differs.  With BENCH_TOXIPROXY=PATH (a toxiproxy-server you
# built, e.g. ../shared/toxiproxy/build.sh) the real Toxiproxy 2.x runs
# beside it and the targets are checked against it; without, against the
# figures issue 39 quotes for Toxiproxy 2.12.0 on this kind of machine.
# HAProxy 2.6 in TCP mode (Debian's haproxy, `option splice-auto`), when
# installed, runs beside them from a config in the temp dir: the cost of
# the best plain proxy, which serve's bulk rate is held to in every round
# (issue 60).  mysql2 is the Node driver's (sh drivers/install-deps.sh
# node).
#
# Prints its lines for bench.sh's report; exits 2 when it could not
# measure (the reason printed).  Leaves nothing: every process it started
# is stopped by its PID, its temp dir removed.
set -u

ga=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${BENCH_PAIRS:-5}
mods=$top/drivers/node/node_modules

skip() { echo "  not measured: $*"; exit 2; }

command -v node > /dev/null 2>&1 || skip "no node (sh drivers/install-deps.sh node)"
[ -d "$mods/mysql2" ] || skip "no mysql2 in $mods (sh drivers/install-deps.sh node)"
install_db=$(command -v mariadb-install-db) || skip "no mariadb-install-db"
mariadbd=/usr/sbin/mariadbd
[ -x "$mariadbd" ] || skip "no $mariadbd"
if [ -n "${BENCH_TOXIPROXY:-}" ] && [ ! -x "$BENCH_TOXIPROXY" ]; then
	skip "BENCH_TOXIPROXY=$BENCH_TOXIPROXY is not a program"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/goneaway-bench-serve.XXXXXX") || skip "mktemp"
pids=""
cleanup() {
	trap - EXIT INT TERM HUP
	for p in $pids; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in $pids; do
		n=0
		while kill -0 "$p" 2>/dev/null && [ $n -lt 100 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# a loopback port nobody listens on
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
api() {	# URL METHOD PATH [BODY]: the status
	python3 "$top/tests/integration/data/serve-api.py" "$@" | sed -n 1p
}

# the server: the host's MariaDB, for this part alone
port=$(free_port)
"$install_db" --no-defaults --datadir="$tmp/data" --user=root \
	--auth-root-authentication-method=normal > "$tmp/install.log" 2>&1 ||
	skip "mariadb-install-db failed: $(tail -n 1 "$tmp/install.log")"
"$mariadbd" --no-defaults --datadir="$tmp/data" --socket="$tmp/s.sock" \
	--port="$port" --bind-address=127.0.0.1 --user=root --skip-grant-tables \
	--skip-log-bin --max-connections=500 --innodb-buffer-pool-size=64M \
	--pid-file="$tmp/server.pid" > "$tmp/server.log" 2>&1 &
pids="$!"
n=0
until "$(command -v mariadb || command -v mysql)" --skip-ssl -h 127.0.0.1 \
	-P "$port" -uroot -e "CREATE DATABASE IF NOT EXISTS bench" \
	> /dev/null 2>&1; do
	n=$((n + 1))
	[ $n -lt 300 ] || skip "the server did not start: $(tail -n 2 "$tmp/server.log")"
	sleep 0.1
done

# goneaway serve, and its proxy to that server
"$ga" serve --api 127.0.0.1:0 --env "$tmp/env" > "$tmp/serve.out" 2>&1 &
pids="$pids $!"
n=0
until [ -f "$tmp/env" ]; do
	n=$((n + 1))
	[ $n -lt 1200 ] || skip "goneaway serve did not start: $(tail -n 2 "$tmp/serve.out")"
	sleep 0.1
done
url=$(sed -n 's/^TOXIPROXY_URL=//p' "$tmp/env")
sport=$(free_port)
[ "$(api "$url" POST /proxies "{\"name\":\"bench\",\"listen\":\"127.0.0.1:$sport\",\"upstream\":\"127.0.0.1:$port\"}")" = 201 ] ||
	skip "goneaway serve made no proxy"
targets="direct=127.0.0.1:$port serve=127.0.0.1:$sport"

haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
if [ -x "$haproxy" ]; then
	hport=$(free_port)
	cat > "$tmp/haproxy.cfg" <<-EOF
	global
	    maxconn 1000
	defaults
	    mode tcp
	    option splice-auto
	    timeout connect 5s
	    timeout client 60s
	    timeout server 60s
	listen bench
	    bind 127.0.0.1:$hport
	    server db 127.0.0.1:$port
	EOF
	# -db: in the foreground, one process, so $! is the one to end
	"$haproxy" -db -f "$tmp/haproxy.cfg" > "$tmp/haproxy.log" 2>&1 &
	pids="$pids $!"
	n=0
	until "$(command -v mariadb || command -v mysql)" --skip-ssl -h 127.0.0.1 \
		-P "$hport" -uroot -e "SELECT 1" > /dev/null 2>&1; do
		n=$((n + 1))
		[ $n -lt 100 ] || skip "HAProxy did not answer: $(tail -n 2 "$tmp/haproxy.log")"
		sleep 0.1
	done
	targets="$targets haproxy=127.0.0.1:$hport"
	echo "  HAProxy: $("$haproxy" -v 2>&1 | head -n 1 | sed 's/ - .*//'), TCP mode, option splice-auto"
else
	echo "  HAProxy: not installed (apt-get install haproxy): not measured"
fi

if [ -n "${BENCH_TOXIPROXY:-}" ]; then
	tport=$(free_port)
	"$BENCH_TOXIPROXY" -host 127.0.0.1 -port "$tport" > "$tmp/toxiproxy.log" 2>&1 &
	pids="$pids $!"
	xport=$(free_port)
	n=0
	until [ "$(api "http://127.0.0.1:$tport" POST /proxies "{\"name\":\"bench\",\"listen\":\"127.0.0.1:$xport\",\"upstream\":\"127.0.0.1:$port\"}" 2>/dev/null)" = 201 ]; do
		n=$((n + 1))
		[ $n -lt 100 ] || skip "Toxiproxy made no proxy: $(tail -n 2 "$tmp/toxiproxy.log")"
		sleep 0.1
	done
	targets="$targets toxiproxy=127.0.0.1:$xport"
	echo "  Toxiproxy: $("$BENCH_TOXIPROXY" -version 2>&1 | head -n 1)"
fi

# a warm-up round (node's JIT, the server's caches), then the rounds
NODE_PATH=$mods MYSQL_USER=root MYSQL_PASSWORD= MYSQL_DATABASE=bench \
	node "$top/tests/bench/serve-bench.js" $((rounds + 1)) $targets \
	> "$tmp/runs" 2> "$tmp/runs.err" ||
	skip "serve-bench.js failed: $(tail -n 3 "$tmp/runs.err")"
n=$(echo "$targets" | wc -w)
tail -n $((rounds * 3 * n)) "$tmp/runs" > "$tmp/timed"

med() {	# TARGET WORK: the median of its runs, ms
	awk -v t="$1" -v w="$2" '$1 == t && $2 == w { print $3 }' "$tmp/timed" |
		sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
			else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

for t in direct serve haproxy toxiproxy; do
	case " $targets " in *" $t="*) ;; *) continue ;; esac
	rt=$(med "$t" rt) big=$(med "$t" big) conn=$(med "$t" conn)
	eval "rt_$t=$rt big_$t=$big conn_$t=$conn"
done
# shellcheck disable=SC2154 # set by the eval above
{
	printf '  %-10s %28s %24s %26s\n' "" "2,000 SELECT 1 (ms, ratio)" \
		"64 MiB result (ms, rate)" "200 connect+close (ms, ratio)"
	for t in direct serve haproxy toxiproxy; do
		case " $targets " in *" $t="*) ;; *) continue ;; esac
		eval "rt=\$rt_$t big=\$big_$t conn=\$conn_$t"
		printf '  %-10s %18s %5sx %6s us/q %14s %6sx %18s %6sx\n' "$t" \
			"$rt" "$(div "$rt" "$rt_direct")" \
			"$(awk -v a="$rt" -v b="$rt_direct" 'BEGIN { printf "%+.0f", (a - b) * 1000 / 2000 }')" \
			"$big" "$(div "$big_direct" "$big")" \
			"$conn" "$(div "$conn" "$conn_direct")"
	done
}
# the bulk rate of each round, as a ratio to the same round's direct
rates() {	# TARGET: its rates, lowest first
	awk -v t="$1" '$2 == "big" { n[$1]++; ms[$1 "," n[$1]] = $3 }
		END { for (i = 1; i <= n[t]; i++) printf "%.2f\n", ms["direct," i] / ms[t "," i] }' \
		"$tmp/timed" | sort -n
}
for t in serve haproxy toxiproxy; do
	case " $targets " in *" $t="*) ;; *) continue ;; esac
	echo "  64 MiB rate by round, x direct: $t $(rates "$t" | tr '\n' ' ')"
done
extra_serve=$(awk -v a="$rt_serve" -v b="$rt_direct" 'BEGIN { printf "%.1f", (a - b) / 2 }')
rate_serve=$(div "$big_direct" "$big_serve")
connr_serve=$(div "$conn_serve" "$conn_direct")
if [ -n "${BENCH_TOXIPROXY:-}" ]; then
	# shellcheck disable=SC2154
	extra_tp=$(awk -v a="$rt_toxiproxy" -v b="$rt_direct" 'BEGIN { printf "%.1f", (a - b) / 2 }')
	rate_tp=$(div "$big_direct" "$big_toxiproxy")
	connr_tp=$(div "$conn_toxiproxy" "$conn_direct")
	what="Toxiproxy's, measured here"
else
	# issue 39's figures for Toxiproxy 2.12.0: +150 us a query, 0.67x
	# the direct rate (its best run 1.0x), 1.3x the connect cost
	extra_tp=150 rate_tp=0.67 connr_tp=1.3
	what="Toxiproxy's as issue 39 quotes them (BENCH_TOXIPROXY=PATH measures it)"
fi
met() { if awk "BEGIN { exit !($1) }"; then echo met; else echo "NOT met"; fi; }
echo "  targets against $what:"
echo "    a round trip's extra: $extra_serve us <= half of ${extra_tp} us: $(met "$extra_serve <= $extra_tp / 2")"
echo "    the 64 MiB result's rate: ${rate_serve}x direct >= ${rate_tp}x: $(met "$rate_serve >= $rate_tp")"
echo "    a connect's cost: ${connr_serve}x direct <= ${connr_tp}x: $(met "$connr_serve <= $connr_tp")"
case " $targets " in *" haproxy="*)
	floor_h=$(rates haproxy | head -n 1) floor_s=$(rates serve | head -n 1)
	echo "    the 64 MiB result's rate in every round at least HAProxy's lowest: serve's lowest ${floor_s}x >= ${floor_h}x: $(met "$floor_s >= $floor_h")" ;;
esac
exit 0
