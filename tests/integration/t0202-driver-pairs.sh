#!/bin/sh
# t0202-driver-pairs: a driver cannot carry a case into the next
# (issue 57).  For each class of state a case can leave in its driver's
# process, a generated pair: A leaves it (a query "SELECT
# 'adversary:CLASS'"), B is a plain case (connect, 1 s, a query).  B run
# alone with --fresh-drivers gives B's verdict (PASS); A then B in one
# run with -j 1 (one worker, one driver) must give B that verdict too.  The
# driver is data/drivers/adversary-driver.py: the shipped PyMySQL driver
# (protocol 5, cases, spawn) that leaves the class A names and that
# fails any connect or query of a process not as it was at its greeting
# (umask, environment, module globals, threads, children, rlimits,
# signal dispositions, locale, TZ, sys.path, descriptors).  The pairs
# run spawned (a zygote's copies, as the shipped Python drivers are)
# and as a cmd: driver started on its own (GONEAWAY_SPAWN=off: a
# process that does not fork), and with the JVM's adversary
# (data/drivers/AdversaryDriver.java over the shipped Connector/J
# driver, run by data/drivers/adversary-java.sh) where Connector/J is
# installed.  Every pair is a test of its own: none is skipped.
# Nothing is left.
#
# What make check holds goneaway to: every pair, in every setup, gives B
# its fresh verdict: the spawned pairs (a fresh copy forked from a
# zygote that never ran a case, for every case: 19 of 19 here; 6 of 19
# on 0.5.0's kept copies), and those of a driver that cannot fork (a
# cmd: driver under GONEAWAY_SPAWN=off, the JVM), whose every case gets
# a process started for it, off its path, while the case before ran.
# On 239d489 those processes were kept, checked from outside only, and
# B changed after umask, env, receiver, globals, threads, rlimits,
# signals (and locale, tz, syspath without the JVM driver's own reset)
# and after a late socket or line that lands inside B rather than in
# the gap: PAIRS_FAILED_ON_MAIN pairs FAILed there.
# GA_PAIRS_KEEP_CHECKED=1 runs the pairs with GONEAWAY_KEEP=checked,
# that old way, which still fails them (docs/driver-protocol.md, "Cases").
. "$(dirname "$0")/lib.sh"

ADV="cmd:/usr/bin/python3 $TOP/tests/integration/data/drivers/adversary-driver.py"
. "$TOP/tests/integration/data/drivers/adversary-pairs.sh"
leftover_snapshot > "$SCRATCH/before"

# The generator: pairs/CLASS/a.gw leaves CLASS, pairs/CLASS/b.gw is B.
gen_b() {
	printf '%s\n' 'title    B: a plain case' 'cause    (test fixture) none' \
		'connection app' 'connect app' '    expect ok' 'sleep 1s' \
		'query app SELECT 1' '    expect ok = 1' > "$1/b.gw"
}
mkdir -p "$SCRATCH/alone"
gen_b "$SCRATCH/alone"
for c in $CLASSES; do
	d="$SCRATCH/pairs/$c"
	mkdir -p "$d" && gen_b "$d"
	printf '%s\n' "title    A: leaves $c in its driver" \
		'cause    (test fixture) none' 'connection app' 'connect app' \
		'    expect ok' "query app SELECT 'adversary:$c'" \
		"    expect ok = adversary:$c" > "$d/a.gw"
done


spawn_env() {
	m=$1; shift
	if [ "$m" = off ]; then env GONEAWAY_SPAWN=off "$@"; else "$@"; fi
}

# The JVM's adversary (data/drivers/AdversaryDriver.java), compiled with
# the shipped driver's Driver.java where Connector/J is installed: a
# process started for each case (a JVM cannot fork).
modes=
if why=$(driver_installed pymysql); then
	modes="spawn off"
else
	test_skip 'the adversarial pairs (Python)' "$why"
fi
[ -n "${GA_PAIRS_KEEP_CHECKED:-}" ] && export GONEAWAY_KEEP=checked
if jwhy=$(driver_installed java); then
	test_expect_success 'java: the adversary compiles with the shipped Driver.java' '
		mkdir jadv && javac -nowarn -cp /usr/share/java/mariadb-java-client.jar:/usr/share/java/jna.jar \
			-d jadv "$TOP/drivers/java/Driver.java" \
			"$TOP/tests/integration/data/drivers/AdversaryDriver.java"
	'
	[ -f "$SCRATCH/jadv/AdversaryDriver.class" ] && modes="$modes java"
else
	test_skip 'the adversarial pairs (Java)' "$jwhy"
fi
JADV="cmd:/bin/sh $TOP/tests/integration/data/drivers/adversary-java.sh $SCRATCH/jadv"

for mode in $modes; do
	client=$ADV
	[ $mode = java ] && client=$JADV
	test_expect_success "$mode: B alone, fresh: PASS" "
		cd alone && spawn_env $mode \"\$GONEAWAY\" run -v --color never \
			-o res-$mode --fresh-drivers --client \"\$client\" b.gw \
			> out-$mode 2>&1; cat out-$mode;
		test \"\$(verdict res-$mode b)\" = PASS
	"
	# the pairs side by side, 6 at a time, each a run of its own:
	# A then B in one worker (-j 1)
	printf '%s\n' $CLASSES | xargs -P 6 -I{} sh -c '
		cd "$1/pairs/$2" || exit 1
		[ "$3" = off ] && export GONEAWAY_SPAWN=off
		"$4" run -j 1 -v --color never -o "res-$3" --client "$5" \
			a.gw b.gw > "out-$3" 2>&1
		exit 0' sh "$SCRATCH" {} $mode "$GONEAWAY" "$client"
	fresh=$(verdict "$SCRATCH/alone/res-$mode" b)
	for c in $CLASSES; do
		test_expect_success "$mode: B after A leaving $c, one worker: B's fresh verdict (${fresh:-none})" "
			cd pairs/$c && cat out-$mode res-$mode/b/driver-app.log 2>/dev/null;
			a=\$(verdict res-$mode a) b=\$(verdict res-$mode b);
			say \"A: \$a; B: \$b; B fresh: $fresh\";
			say \"B's reason: \$(verdict res-$mode b reason)\";
			sed -n '/^\[2\/2\] b/,\$s/^ *\(drivers: .*\)/B \1/p' out-$mode;
			test \"\$a\" = PASS && test -n '$fresh' && test \"\$b\" = '$fresh'
		"
	done
done

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
