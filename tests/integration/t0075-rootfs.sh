#!/bin/sh
# t0075-rootfs: the rootfs backend runs MySQL 9.7 and MariaDB 11.8 from
# the roots ci/build-server-root.sh makes, chrooted: a handful of
# scenarios PASS (kill, restart, crash, status counters, the accounts),
# the identity is the root's server, a refused server-option is pointed
# at, the root is never written to, and no mount, process, namespace or
# temp dir outlives a run - not even a SIGKILLed one.
#
# It builds nothing unless GA_TEST_BUILD_ROOTS=1 (then it runs
# ci/build-server-root.sh for a missing root: about a minute and 600 MB
# each, from the machine's Debian mirror); without a root, its tests SKIP.
. "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/integration/data"
ROOTS=/var/cache/goneaway/roots
leftover_snapshot > "$SCRATCH/before"

# The server (mysqld or mariadbd) that goneaway (pid $1) started for a
# scenario: the child that sees a scenario directory at /goneaway (not
# the short "--version" run that checks the root first).
server_of() {
	for s in $(servers_below "$1"); do
		grep -qs " /goneaway " /proc/$s/mounts && say $s
	done
}
server_up() {
	test -n "$(server_of "$1")"
}

have_root() {
	test -f "$ROOTS/$1/.goneaway-root" && return 0
	test "${GA_TEST_BUILD_ROOTS:-0}" = 1 || return 1
	sh "$TOP/ci/build-server-root.sh" "$1" "$ROOTS/$1" >&2
}

# The scenarios every root must PASS: KILL, a clean restart, a crash, the
# status step, the application account and one a scenario makes.
SCENARIOS="$TOP/scenarios/kill-idle.gw $TOP/scenarios/server-restart.gw"
SCENARIOS="$SCENARIOS $TOP/scenarios/server-crash.gw $DATA/status-counter.gw"
SCENARIOS="$SCENARIOS $DATA/app-account.gw $DATA/admin-grants.gw"

for root in mysql-9.7 mariadb-11.8; do
	if ! have_root $root; then
		test_skip "$root: a handful of scenarios PASS" \
			"no root at $ROOTS/$root (GA_TEST_BUILD_ROOTS=1 builds it)"
		continue
	fi
	case $root in
	mysql-*) flavour=mysql ident='^server: mysql 9\.7\.' requires=PASS ;;
	*) flavour=mariadb ident='^server: mariadb 11\.8\..*-MariaDB' requires=SKIP ;;
	esac
	touch "$SCRATCH/stamp-$root"

	test_expect_success "$root: a handful of scenarios PASS, chrooted" "
		\"\$GONEAWAY\" run --color never --server $root -o res-$root \
			\$SCENARIOS > out; rc=\$?; cat out; test \$rc -eq 0 &&
		test \"\$(grep -c ' PASS ' out)\" -eq 6 &&
		for n in kill-idle server-restart server-crash status-counter \
			 app-account admin-grants; do
			grep -q '$ident' res-$root/\$n/steps.log &&
			grep -q 'ready for connections' res-$root/\$n/mariadbd.err &&
			grep -q '^datadir=@PRIVATE@/data' res-$root/\$n/my.cnf &&
			grep -q 'mounted at /goneaway in the server.s root' \
				res-$root/\$n/my.cnf ||
			{ echo \"\$n: evidence\"; return 1; }
		done
	"

	test_expect_success "$root: 'requires mysqld' is decided by the root's server" "
		\"\$GONEAWAY\" run --color never --no-results --server $root \
			\"\$DATA/requires-mysql.gw\" > out; rc=\$?; cat out;
		test \$rc -eq 0 && grep -q 'requires-mysql  *$requires' out
	"

	test_expect_success "$root: a refused server-option is pointed at ($flavour's log)" "
		\"\$GONEAWAY\" run --color never --no-results --server $root \
			\"\$DATA/option-rejected.gw\" > out; rc=\$?; cat out;
		test \$rc -eq 3 &&
		grep -q 'option-rejected.gw:5: .*server-option no_such_option: the server refused it: .*unknown variable' out
	"

	test_expect_success "$root: an adjusted server-option is reported ($flavour's log)" "
		\"\$GONEAWAY\" run --color never --no-results --server $root \
			\"\$DATA/option-adjusted-timeout.gw\" > out; rc=\$?; cat out;
		test \$rc -eq 0 &&
		grep -q \"line 7: server-option connect_timeout: the server said: option 'connect_timeout': unsigned value 1 adjusted to 2\" out
	"

	test_expect_success "$root: rootfs:DIR is the same root" "
		\"\$GONEAWAY\" run --color never --no-results \
			--server rootfs:$ROOTS/$root \"\$TOP/scenarios/kill-idle.gw\" \
			> out; rc=\$?; cat out; test \$rc -eq 0 &&
		grep -q 'kill-idle  *PASS' out
	"

	test_expect_success "$root: the root was not written to" "
		find $ROOTS/$root -xdev -newer \"\$SCRATCH/stamp-$root\" > changed;
		cat changed; test ! -s changed
	"
done

if have_root mysql-9.7; then
	test_expect_success 'SIGKILL: the chrooted server, its mounts and namespaces die with the harness' '
		"$GONEAWAY" run --no-results --server mysql-9.7 \
			"$DATA/long-sleep.gw" > out 2>&1 &
		pid=$!
		wait_until 300 server_up $pid; up=$?
		server=$(server_of $pid)
		grep " /goneaway " /proc/$server/mounts > inside
		grep "/goneaway " /proc/self/mounts > outside
		kill -KILL $pid
		wait $pid; rc=$?
		cat out inside outside
		test $up -eq 0 && test $rc -eq 137 &&
		test -s inside && test ! -s outside &&
		wait_until 50 eval "! kill -0 $server 2>/dev/null" &&
		"$GONEAWAY" sweep &&
		leftover_snapshot > after &&
		new_leftovers "$SCRATCH/before" after
	'
else
	test_skip 'SIGKILL: the chrooted server, its mounts and namespaces die with the harness' \
		"no root at $ROOTS/mysql-9.7"
fi

# The C driver runs chrooted in its root (drivers/c/run-in-root) and must
# find the scenario's unix socket under any TMPDIR, not only /tmp.
if have_root mysql-9.7 && test -x /var/cache/goneaway/drivers/c-mysql-9.7/gw-c-driver; then
	test_expect_success 'the C driver in its root reaches the socket under another TMPDIR' '
		vt=$(mktemp -d /var/tmp/ga-t0075.XXXXXX) && chmod 1777 "$vt" &&
		touch "$SCRATCH/stamp-tmpdir" &&
		TMPDIR=$vt "$GONEAWAY" run --color never --no-results \
			--server mysql-9.7 --client libmysqlclient-9.7 \
			"$TOP/scenarios/skip-networking.gw" > out 2>&1; rc=$?;
		cat out; rm -rf "$vt";
		find $ROOTS/mysql-9.7 -xdev -newer "$SCRATCH/stamp-tmpdir" > changed;
		cat changed; test ! -s changed &&
		test $rc -eq 0 && grep -q "skip-networking *PASS" out
	'
else
	test_skip 'the C driver in its root reaches the socket under another TMPDIR' \
		"no mysql-9.7 root or libmysqlclient-9.7 driver (make roots)"
fi

test_expect_success 'the runs left no mount, namespace, veth, table, process or temp dir' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
