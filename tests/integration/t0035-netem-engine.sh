#!/bin/sh
# t0035-netem-engine: netem faults made by the kernel's sch_netem or by
# goneaway's user-space engine (NFQUEUE), the report naming which;
# GONEAWAY_NETEM_ENGINE choosing one; SIGINT and SIGTERM while the engine
# holds packets leave nothing.
#
# The sources it holds: harness/cli/doctor.c.
. "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/integration/data"
leftover_snapshot > "$SCRATCH/before"

kernel=no
"$GONEAWAY" doctor > "$SCRATCH/doctor" 2>&1
grep -q "^  ok  *netem .*(sch_netem)" "$SCRATCH/doctor" && kernel=yes

test_expect_success 'doctor names the netem engine it found' '
	cat "$SCRATCH/doctor" &&
	grep -q "^  ok  *netem  *delay, jitter, loss, duplicate, corrupt, reorder (\(sch_netem\|user-space engine: NFQUEUE; the kernel has no sch_netem\))\$" "$SCRATCH/doctor"
'

test_expect_success 'netem-delay PASSes; steps.log names the engine and what it did' '
	"$GONEAWAY" run --strict -o res "$TOP/scenarios/netem-delay.gw" > out 2>&1 ||
	{ cat out; false; } &&
	cat res/netem-delay/steps.log &&
	if test $kernel = yes; then
		grep -q "^line [0-9]*: fault: netem: succeeded after [0-9]* ms (kernel sch_netem)\$" res/netem-delay/steps.log
	else
		grep -q "^line [0-9]*: fault: netem: succeeded after [0-9]* ms (user-space engine (NFQUEUE): 0 packets)\$" res/netem-delay/steps.log &&
		grep -q "^line [0-9]*: lift: lift: succeeded after [0-9]* ms (user-space engine (NFQUEUE): [1-9][0-9]* packets: .*held" res/netem-delay/steps.log
	fi &&
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_expect_success 'GONEAWAY_NETEM_ENGINE=user: the user-space engine on any kernel' '
	GONEAWAY_NETEM_ENGINE=user "$GONEAWAY" run --strict -o res "$TOP/scenarios/netem-loss.gw" > out 2>&1 ||
	{ cat out; false; } &&
	grep -q "^line [0-9]*: fault: netem: succeeded after [0-9]* ms (user-space engine (NFQUEUE)" res/netem-loss/steps.log &&
	grep -q "^line [0-9]*: lift: lift: succeeded after [0-9]* ms (user-space engine (NFQUEUE): [1-9][0-9]* packets: [1-9][0-9]* lost)\$" res/netem-loss/steps.log
'

if test $kernel = yes; then
	test_expect_success 'GONEAWAY_NETEM_ENGINE=kernel: the kernel'"'"'s netem' '
		GONEAWAY_NETEM_ENGINE=kernel "$GONEAWAY" run --strict -o res "$TOP/scenarios/netem-loss.gw" > out 2>&1 ||
		{ cat out; false; } &&
		grep -q "(kernel sch_netem)" res/netem-loss/steps.log
	'
else
	test_expect_success 'GONEAWAY_NETEM_ENGINE=kernel without sch_netem: SKIP of kind netem, never PASS' '
		GONEAWAY_NETEM_ENGINE=kernel "$GONEAWAY" run --strict --no-results "$TOP/scenarios/netem-loss.gw" > out 2>&1;
		rc=$?; cat out; test $rc -eq 4 &&
		grep -q "netem-loss  *SKIP" out &&
		grep -q "the kernel has no sch_netem" out &&
		GONEAWAY_NETEM_ENGINE=kernel "$GONEAWAY" run --strict --allow-skip netem --no-results "$TOP/scenarios/netem-loss.gw" > out 2>&1 &&
		GONEAWAY_NETEM_ENGINE=kernel "$GONEAWAY" doctor > d 2>&1;
		grep -q "^  missing  *netem  *the kernel has no sch_netem" d
	'
fi

test_expect_success 'GONEAWAY_NETEM_ENGINE=other: ERROR naming the choices' '
	GONEAWAY_NETEM_ENGINE=other "$GONEAWAY" run --no-results "$TOP/scenarios/netem-loss.gw" > out 2>&1;
	rc=$?; cat out; test $rc -eq 3 &&
	grep -q "GONEAWAY_NETEM_ENGINE is .other.: auto, kernel or user" out
'

# The engine's thread, named ga-netem, once the fault is in place (it
# is real-time where goneaway may: root, and not in a container whose
# cgroup has no real-time budget).
engine_up() {
	grep -qx ga-netem /proc/"$1"/task/*/comm 2>/dev/null
}

for sig in INT TERM; do
	case $sig in INT) want=130 ;; TERM) want=143 ;; esac
	if test $kernel = yes; then
		test_skip "SIG$sig while the user-space engine holds packets" \
			"this kernel has sch_netem: the kernel's netem holds them"
		continue
	fi
	test_expect_success "SIG$sig while the user-space engine holds packets: exit $want, nothing left" "
		\"\$GONEAWAY\" run --no-results '$DATA/netem-hold.gw' > out 2>&1 &
		pid=\$! &&
		wait_until 300 engine_up \$pid &&
		sleep 0.5 &&
		kill -$sig \$pid;
		wait \$pid; rc=\$?; cat out; test \$rc -eq $want &&
		grep -q 'interrupted by signal' out &&
		leftover_snapshot > after &&
		new_leftovers \"\$SCRATCH/before\" after
	"
done

test_done
