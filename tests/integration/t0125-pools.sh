#!/bin/sh
# t0125-pools: a pool is a client too.  The scenarios of a pool's
# connections (POOL_SCENARIOS, lib.sh: a "pool" line) run with every
# pool's driver installed here (sqlalchemy, go-pool, mysqljs-pool,
# hikaricp, doctrine;
# drivers/README.md, "Pools") against the local server: each PASSes, or
# SKIPs with the driver's reason (a setting its pool does not have), and
# its steps show the pool's events.  The built-in client SKIPs each with
# its reason (it has no pool), and a driver without the protocol's
# feature "pool" (pymysql) is sent none of their steps: they
# SKIP naming the feature.  results.jsonl keeps the events, and "goneaway
# report" reads them back.  The scenarios of a pool's connections are one
# set, "-k pool-client" (issue 38): without the plain connections'
# scenarios of pool-*.gw, so --strict with a pool's driver fails only
# for a setting its pool does not have.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"
files=
for n in $POOL_SCENARIOS; do
	files="$files $TOP/scenarios/$n.gw"
done
npool=$(echo $POOL_SCENARIOS | wc -w)

test_expect_success 'there are scenarios of pools' '
	test "$npool" -ge 5
'

test_expect_success '-k pool-client selects exactly the scenarios with a pool' '
	"$GONEAWAY" run --list -k pool-client "$TOP/scenarios" > set.list &&
	cat set.list && cut -d" " -f1 set.list | sort > got &&
	for n in $POOL_SCENARIOS; do echo $n; done | sort > want &&
	diff -u want got
'

# installed NAME: prints why NAME cannot run here and fails
installed() {
	case $1 in
	sqlalchemy) /usr/bin/python3 -c "import pymysql, sqlalchemy" 2>/dev/null ||
		{ echo "no python3-sqlalchemy (make deps installs it)"; return 1; } ;;
	go-pool) test -x "$TOP/drivers/go/goneaway-driver-go" ||
		{ echo "drivers/go is not built (make deps)"; return 1; } ;;
	doctrine) php -r 'exit(extension_loaded("pdo_mysql") && stream_resolve_include_path("Doctrine/DBAL/autoload.php") ? 0 : 1);' 2>/dev/null ||
		{ echo "no php-doctrine-dbal (sh drivers/install-deps.sh doctrine)"; return 1; } ;;
	hikaricp) command -v java > /dev/null &&
		test -f /usr/share/java/HikariCP.jar && test -f /usr/share/java/slf4j-jdk14.jar &&
		test -f /usr/share/java/mariadb-java-client.jar ||
		{ echo "no JDK, libmariadb-java or libhikaricp-java (sh drivers/install-deps.sh hikaricp)"; return 1; } ;;
	mysqljs-pool) command -v node > /dev/null &&
		test -d "$TOP/drivers/node/node_modules/mysql" ||
		{ echo "no node or no mysql in drivers/node (make deps)"; return 1; } ;;
	esac
}

for d in sqlalchemy go-pool mysqljs-pool hikaricp doctrine; do
	if ! why=$(installed $d); then
		test_skip "the pools' scenarios with $d PASS, or SKIP with the driver's reason" "$why"
		continue
	fi
	test_expect_success "the pools' scenarios with $d PASS, or SKIP with the driver's reason" "
		\"\$GONEAWAY\" run --strict --allow-skip driver --color never -v \
			-o \"\$RESULTS/$d\" --client $d $files > $d.out 2>&1
		rc=\$?; cat $d.out; test \$rc -eq 0 &&
		test \"\$(grep -c '^\[[0-9]*/[0-9]*\] .* \(PASS\|SKIP\) ' $d.out)\" -eq $npool &&
		grep -q '^\[[0-9]*/[0-9]*\] .* PASS ' $d.out &&
		grep -q 'borrow app: .*; pool [a-z+]*' $d.out &&
		grep -q '\"pool_events\":\"[a-z+]*\"' \"\$RESULTS/$d/results.jsonl\"
	"
done

test_expect_success 'a SKIP of a pool'"'"'s driver is a setting its pool does not have' '
	for d in sqlalchemy go-pool mysqljs-pool hikaricp doctrine; do
		test -f $d.out || continue
		! grep "skipped: " $d.out | grep -v "skipped: connection .* is skipped since" |
			grep -v "unsupported\|has no\|cannot\|checks no\|checks with\|pings every\|runs no\|no query\|below 30 s\|below 10 s\|holds one\|checks no" ||
			return 1
	done
'

# --strict with a pool's driver: the set passes but for the settings
# its pool does not have (a partly skipped case, never a whole SKIP);
# pool-*.gw, with the plain connections' scenarios, does not.
if why=$(installed $POOL_DRIVER); then
	test_expect_success "--strict -k pool-client with $POOL_DRIVER fails only for the settings its pool lacks" '
		"$GONEAWAY" run --strict --color never -o strict1 -k pool-client \
			--client $POOL_DRIVER "$TOP/scenarios" > strict1.out 2>&1
		rc=$?; cat strict1.out; test $rc -eq 4 &&
		grep "^goneaway: --strict: " strict1.out > strict1.why &&
		! grep -v "partly skipped" strict1.why &&
		rules=$(sed -n "s/.*--allow-skip \(driver:[^ ]*@$POOL_DRIVER\) would let it through.*/--allow-skip \1/p" strict1.why | sort -u) &&
		test -n "$rules" &&
		"$GONEAWAY" run --strict --color never -o strict2 -k pool-client \
			--client $POOL_DRIVER $rules "$TOP/scenarios" > strict2.out 2>&1 ||
			{ cat strict2.out; false; } &&
		"$GONEAWAY" run --strict --color never -o strict3 $rules \
			--client $POOL_DRIVER "$TOP"/scenarios/pool-*.gw > strict3.out 2>&1
		rc=$?; test $rc -eq 4 &&
		grep "^goneaway: --strict: " strict3.out | grep -v "partly skipped" |
			grep -q "pool-change-user.gw was skipped"
	'
else
	test_skip "--strict -k pool-client with $POOL_DRIVER fails only for the settings its pool lacks" "$why"
fi

test_expect_success 'goneaway report reads the pool events back' '
	test -f "$RESULTS/sqlalchemy/results.jsonl" || test ! -f sqlalchemy.out &&
	{ test ! -f sqlalchemy.out ||
	  "$GONEAWAY" report -v "$RESULTS/sqlalchemy/results.jsonl" > report.out 2>&1 &&
	  cat report.out && grep -q "pool discarded+opened" report.out; }
'

test_expect_success 'the built-in client SKIPs every pool scenario: it has no pool' '
	"$GONEAWAY" run --color never -v -o builtin $files > builtin.out 2>&1
	cat builtin.out &&
	test "$(grep -c "^\[[0-9]*/[0-9]*\] .* SKIP" builtin.out)" -eq "$npool" &&
	grep -q "skipped: .*the built-in client has no pool: libmysqlclient keeps no connections to lend" builtin.out
'

if /usr/bin/python3 -c "import pymysql" 2> /dev/null; then
	test_expect_success 'a driver without the feature pool is sent none of their steps: they SKIP, naming it' '
		"$GONEAWAY" run --color never -v -o p2 --client pymysql \
			"$TOP/scenarios/pool-retry.gw" > p2.out 2>&1
		cat p2.out &&
		grep -q "^\[1/1\] pool-retry  *SKIP" p2.out &&
		grep -q "skipped: .*the driver.s greeting (protocol [0-9]*) does not declare the feature .pool., a pool.s connections" p2.out
	'
else
	test_skip 'a driver without the feature pool is sent none of their steps: they SKIP, naming it' \
		'no PyMySQL for /usr/bin/python3 (make deps installs it)'
fi

test_expect_success 'the pools left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
