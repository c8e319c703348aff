#!/bin/sh
# t0199-spawn-status: a driver process that dies is said to have died
# the same way whether its zygote spawned it (feature "spawn", the
# default for the Python drivers) or it was started on its own
# (GONEAWAY_SPAWN=off): killed by its signal, named, or exited with its
# code (docs/driver-protocol.md, "Spawn": the copy is the init's child,
# and the init tells goneaway how it ended).  goneaway explore's crash
# needs the signal (issue 59; t0193 runs explore with spawn on).  The
# driver is data/drivers/dying-driver.py: PyMySQL's, ending itself at a
# query.  A zygote that forks its copies as its own children, as the
# shipped drivers did in 0.5.0, still serves; how its copy ended is then
# said as "exited".  Nothing is left.
. "$(dirname "$0")/lib.sh"

DYING="/usr/bin/python3 $TOP/tests/integration/data/drivers/dying-driver.py"
leftover_snapshot > "$SCRATCH/before"

# die NAME WHAT: a scenario NAME.gw whose query asks the driver to end
# itself with WHAT ("signal 11", "exit 3")
die() {
	printf '%s\n' "title    The driver ends itself ($2)" \
		'cause    (test fixture) the driver kills itself at a query' \
		'connection app' 'connect app' "query app SELECT '$2'" \
		> "$SCRATCH/$1.gw"
}
die segv "signal 11"
die term "signal 15"
die exit3 "exit 3"

# how DIR NAME: how the driver of DIR's case NAME ended, as its reason
# says ("was killed by signal 11 (Segmentation fault)")
how() {
	sed -n 's/^{"type":"case".*"reason":"[^"]*closed its output, it \([^;"]*\);.*/\1/p' \
		"$1/results.jsonl"
}

if driver_installed pymysql; then
	for c in segv:"was killed by signal 11 (Segmentation fault)" \
		 term:"was killed by signal 15 (Terminated)" \
		 exit3:"exited with status 3"; do
		n=${c%%:*} want=${c#*:}
		test_expect_success "a driver that ends itself ($n): said the same spawned and on its own" "
			exit_is 3 \"\$GONEAWAY\" run -v --color never -o res-$n \
				--client \"cmd:\$DYING\" $n.gw > spawn-$n.out 2>&1;
			rc=\$?; cat spawn-$n.out; test \$rc -eq 0 &&
			grep -q 'drivers: app: forked fresh from its zygote' spawn-$n.out &&
			exit_is 3 env GONEAWAY_SPAWN=off \"\$GONEAWAY\" run -v --color never \
				-o res-$n-off --client \"cmd:\$DYING\" $n.gw > off-$n.out 2>&1;
			rc=\$?; cat off-$n.out; test \$rc -eq 0 &&
			! grep -q 'forked fresh' off-$n.out &&
			spawned=\$(how res-$n) && own=\$(how res-$n-off) &&
			say \"spawned: it \$spawned; on its own: it \$own\" &&
			test \"\$spawned\" = '$want' && test \"\$own\" = '$want'
		"
	done

	test_expect_success 'a zygote that forks its copies as its own children still serves; their end is said as exited' '
		exit_is 3 "$GONEAWAY" run -v --color never -o res-direct \
			--client "cmd:$DYING direct" segv.gw > direct.out 2>&1;
		rc=$?; cat direct.out; test $rc -eq 0 &&
		grep -q "drivers: app: forked fresh from its zygote" direct.out &&
		test "$(how res-direct)" = "exited"
	'
else
	test_skip 'a driver that ends itself: said the same spawned and on its own' "pymysql is not installed"
fi

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
