#!/bin/sh
# t0119-cheap-servers: a server costs little (issue 28, "Cheap
# instances"): its template datadir is small (MariaDB 10.11's was 82 MB,
# 69 of them ibdata1) and it fsyncs nothing a lab throws away, on the
# local server and on every root there is (fixtures/server/*.cnf); its
# datadir is in memory, a tmpfs in goneaway's own mount namespace that
# the host never sees and that goes with the run, even SIGKILLed
# (lab/memfs.h; its bound: t0161-memory-bound.sh), and on disk with
# GONEAWAY_RUN_ON_DISK=1.  And
# the work the machine can carry ("Work the machine can carry"): the
# default -j follows GONEAWAY_JOBS (run-all.sh gives each file its share)
# or the cores and a start's cost, and a bound of the harness that is hit
# says the machine was too slow, and how slow.
. "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/integration/data"
ROOTS=/var/cache/goneaway/roots

test_expect_success 'local: the template datadir is under 40 MB' '
	"$GONEAWAY" run --color never --cache "$SCRATCH/cache" -o res-size \
		"$TOP/tests/bench/trivial/trivial-01.gw" > out; rc=$?; cat out &&
	test $rc -eq 0 &&
	kb=$(du -sk "$SCRATCH"/cache/template-* | awk "{ s += \$1 } END { print s }") &&
	say "template: $kb KB" && test "$kb" -gt 1000 && test "$kb" -lt 40960
'

for server in local mysql-9.7 mariadb-11.8; do
	if [ "$server" != local ] && [ ! -f "$ROOTS/$server/.goneaway-root" ]; then
		test_skip "$server: a template built from nothing" "no root at $ROOTS/$server"
		continue
	fi
	# a cache of its own: the root's template is built here from
	# nothing (the cached one of the machine may be older than the
	# builder), and is small too: MariaDB's under 40 MB, MySQL's under
	# 96 MB (80 MB: its two undo tablespaces are 16 MB each at least,
	# mysql.ibd 25 MB)
	case $server in mysql-*) most=98304 ;; *) most=40960 ;; esac
	test_expect_success "$server: a template built from nothing, small; nothing fsynced that a lab throws away" "
		\"\$GONEAWAY\" run --color never --server $server -o res-$server \
			--cache \"\$SCRATCH/cache-$server\" \
			\"\$DATA/cheap-server.gw\" > out; rc=\$?; cat out &&
		test \$rc -eq 0 && grep -q ' PASS ' out &&
		kb=\$(find \"\$SCRATCH/cache-$server\" -maxdepth 2 -type d -name 'template-*' -prune -exec du -sk {} + | awk '{ s += \$1 } END { print s }') &&
		say \"template: \$kb KB\" && test \"\$kb\" -gt 1000 && test \"\$kb\" -lt $most
	"
done

T="$TOP/tests/bench/trivial"

# A mariadbd below goneaway (pid $1), printed.
server_below() {
	ps -eo pid=,ppid=,comm= | awk -v p="$1" '
		{ parent[$1] = $2; comm[$1] = $3 }
		END { for (x in comm) if (comm[x] == "mariadbd" &&
		      (parent[x] == p || parent[parent[x]] == p)) print x }' |
	grep .
}

test_expect_success 'the datadir is in memory: a tmpfs the host never sees, gone with a SIGKILLed run' '
	"$GONEAWAY" run -j 1 -v --color never --no-results "$DATA/long-sleep.gw" > out 2>&1 &
	pid=$! &&
	wait_until 600 server_below $pid > srv &&
	s=$(head -n 1 srv) &&
	awk "\$1 == \"goneaway-run\" && \$2 ~ /\/goneaway-run-[^\/]*\$/ && \$3 == \"tmpfs\"" \
		/proc/$s/mounts > theirs &&
	test "$(wc -l < theirs)" -eq 1 &&
	! grep -q " goneaway-run " /proc/self/mounts &&
	dir=$(awk "{ print \$2 }" theirs) &&
	test -f "$dir/lock" &&
	test "$(ls "$dir")" = lock &&
	kill -KILL $pid && wait $pid;
	wait_until 300 eval "! kill -0 $s 2>/dev/null" &&
	"$GONEAWAY" sweep > /dev/null &&
	test ! -e "$dir"
'

test_expect_success '-v says where the datadir is; GONEAWAY_RUN_ON_DISK=1 keeps it on disk' '
	"$GONEAWAY" run -j 1 -v --color never --no-results "$T/trivial-01.gw" > out 2>&1 &&
	grep -q "server: fresh server: .*; in memory, at most 1024 MiB$" out &&
	GONEAWAY_RUN_ON_DISK=1 "$GONEAWAY" run -j 1 -v --color never \
		--no-results "$T/trivial-01.gw" > out 2>&1 &&
	grep -q "server: fresh server: .*; on disk: GONEAWAY_RUN_ON_DISK=1$" out
'

test_expect_success 'GONEAWAY_JOBS is the default -j' '
	{ GONEAWAY_JOBS=3 "$GONEAWAY" run -v --color never --no-results \
		"$T" > out 2> err || { cat out err; false; }; } &&
	cat err && grep -q "^goneaway run: -j 3 (GONEAWAY_JOBS=3)$" err &&
	{ GONEAWAY_JOBS=3 "$GONEAWAY" run -v --color never --no-results \
		"$T/trivial-01.gw" "$T/trivial-02.gw" > out 2> err ||
		{ cat out err; false; }; } &&
	cat err &&
	grep -q "^goneaway run: -j 2 (GONEAWAY_JOBS=3, at most the 2 runs)$" err &&
	{ GONEAWAY_JOBS=2 "$GONEAWAY" run -v -j 1 --color never --no-results \
		"$T/trivial-01.gw" > out 2> err || { cat out err; false; }; } &&
	! grep -q "^goneaway run: -j" err
'

test_expect_success 'GONEAWAY_JOBS that is no number of jobs is refused' '
	{ GONEAWAY_JOBS=lots "$GONEAWAY" run --no-results "$T" > out 2> err;
	  test $? -eq 2; } && cat err &&
	grep -q "GONEAWAY_JOBS=.lots. is not a number of jobs from 1 to 64" err
'

test_expect_success 'without it, -j follows the cores' '
	env -u GONEAWAY_JOBS "$GONEAWAY" run -v --color never --no-results \
		"$T" > out 2> err; rc=$?; cat err && test $rc -eq 0 &&
	grep -q "^goneaway run: -j [0-9]* ([0-9]* cores* x [0-9]* per core[,)]" err &&
	grep -q "^goneaway run: [0-9]* of at most [0-9]* workers, a server start measured at [0-9]* ms" err
'

test_expect_success 'a server not ready in its bound: the machine was too slow, and how slow' '
	"$GONEAWAY" run --color never --no-results --server-timeout 1ms \
		"$T/trivial-01.gw" > out 2>&1; rc=$?; cat out && test $rc -ne 0 &&
	grep -q " ERROR " out &&
	grep -Eq "the server was not ready within [0-9]+ ms \(the first start of this process; load average [0-9.]+ on [0-9]+ cores?(, CPU pressure [0-9]+%)?\): the machine is too slow" out
'

test_done
