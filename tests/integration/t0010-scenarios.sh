#!/bin/sh
# t0010-scenarios: every scenario in scenarios/ runs against the real
# mariadbd and PASSes - not SKIPs - and the run leaves no trace.  The
# exceptions: a scenario that needs netem on a machine with neither the
# kernel's sch_netem nor goneaway's own engine (NFQUEUE) must SKIP, with
# that reason, never PASS; and the scenarios the built-in client cannot
# run (BUILTIN_SKIPS, lib.sh) SKIP with theirs.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"
nfiles=$(ls "$TOP"/scenarios/*.gw | wc -l)
if "$GONEAWAY" doctor 2>/dev/null | grep -q '^  ok  *netem'; then
	nnetem=0
else
	nnetem=$(grep -l '^fault .* netem ' "$TOP"/scenarios/*.gw | wc -l)
fi

test_expect_success 'there are scenarios to run' '
	test "$nfiles" -ge 5
'

nbuiltin=$(echo $BUILTIN_SKIPS | wc -w)
nmemory=$(echo $MEMORY_SKIPS | wc -w)

test_expect_success 'every scenario PASSes against the real server (--strict: a SKIP fails)' '
	"$GONEAWAY" run --strict --allow-skip netem $BUILTIN_SKIP_RULES $MEMORY_SKIP_RULES \
		--format tap -o "$RESULTS" \
		--junit "$SCRATCH/junit.xml" "$TOP/scenarios" > tap.out;
	rc=$?; cat tap.out; echo "exit $rc, $(grep -c "^ok [0-9]* - " tap.out) of $nfiles ok";
	test "$rc" -eq 0 &&
	test "$(grep -c "^ok [0-9]* - " tap.out)" -eq "$nfiles" &&
	# the SKIPs: the built-in client'"'"'s, and netem'"'"'s and the memory
	# limit'"'"'s where this machine lacks them: the run'"'"'s own word for
	# those (a doctor run beside other files may miss a probe'"'"'s bound),
	# never where doctor found them
	ran_netem=$(grep "# SKIP" tap.out | grep -c "no sch_netem" || :) &&
	ran_memory=$(grep "# SKIP" tap.out | grep -c "the server.s memory limit (.server memory., line [0-9]*) cannot be made here" || :) &&
	{ test "$nnetem" -gt 0 || test "$ran_netem" -eq 0; } &&
	{ test "$nmemory" -gt 0 || test "$ran_memory" -eq 0; } &&
	echo $((nbuiltin + ran_netem + ran_memory)) > "$SCRATCH/nskips" &&
	echo "SKIPs: $(grep -c "# SKIP" tap.out) (built-in client $nbuiltin, netem $ran_netem of $nnetem doctor expected, memory $ran_memory of $nmemory)" &&
	test "$(grep -c "# SKIP" tap.out)" -eq "$(cat "$SCRATCH/nskips")" &&
	! grep "# SKIP" tap.out | grep -v "no sch_netem" |
		grep -v "the C API leaves any call on it undefined" |
		grep -v "the built-in client has no pool" |
		grep -v "the server.s memory limit (.server memory., line [0-9]*) cannot be made here" &&
	! grep -q "^not ok" tap.out
'

# Issue 38: the README said the built-in client SKIPs use-after-close
# only; it SKIPs the scenarios of pools too.  The number it says is the
# number this run SKIPped for the built-in client's reasons.
test_expect_success 'README.md says how many scenarios the built-in client SKIPs' '
	said=$(tr "\n" " " < "$TOP/README.md" |
		sed -n "s/.*every scenario PASSes but \([0-9][0-9]*\), which it SKIPs: .use-after-close. .*the \([0-9][0-9]*\) of a pool.s connections (.-k pool-client.*/\1 \2/p") &&
	echo "README.md: $said" && test -n "$said" &&
	grep "# SKIP" tap.out > skips &&
	c=$(grep -c "the C API leaves any call on it undefined" skips) &&
	p=$(grep -c "the built-in client has no pool" skips) &&
	echo "this run: $((c + p)) ($c use-after-close, $p of pools)" &&
	test "$said" = "$((c + p)) $p"
'

test_expect_success 'the JUnit report counts every scenario, none failed' '
	nskips=$(cat "$SCRATCH/nskips") &&
	grep -q "<testsuite name=\"goneaway\" tests=\"$nfiles\" failures=\"0\" errors=\"0\" skipped=\"$nskips\"" junit.xml &&
	test "$(grep -c "<testcase " junit.xml)" -eq "$nfiles"
'

# evidence_has FILE PATTERN: FILE was kept, is not all NUL bytes (what a
# copy that copied nothing leaves) and has a line matching PATTERN.  Says
# which file failed which check.
evidence_has() {
	if ! test -s "$1"; then
		say "evidence: $1: missing or empty"
		return 1
	fi
	if test "$(tr -d '\000' < "$1" | head -c 1 | wc -c)" -eq 0; then
		say "evidence: $1: all NUL bytes ($(wc -c < "$1") of them)"
		return 1
	fi
	if ! grep -q "$2" "$1"; then
		say "evidence: $1: no line matches '$2'; it begins:"
		head -n 5 "$1" | cat -v
		return 1
	fi
}

# evidence_same ORIGINAL KEPT: the kept copy has the original's bytes.
evidence_same() {
	if ! cmp "$1" "$2"; then
		say "evidence: $2 is not a copy of $1"
		return 1
	fi
}

# evidence_of SCENARIO.gw RESULTS_DIR: all four files of one scenario;
# a repeated one keeps the server's in each run's run-K.
evidence_of() {
	n=$(basename "$1" .gw)
	r=$n
	[ -d "$2/$n/run-1" ] && r=$n/run-1
	evidence_has "$2/$n/steps.log" "^verdict: \(PASS\|SKIP\)" &&
	# a memory limit that could not be made: SKIP before its server
	# started, which then wrote no log (the run's own word, as above: a
	# doctor run beside other files may say none can be made where the
	# run made it)
	if case " $MEMORY_SKIPS " in *" $n "*) true ;; *) false ;; esac &&
	   grep -q "^verdict: SKIP" "$2/$n/steps.log"; then
		if test -e "$2/$r/mariadbd.err"; then
			say "evidence: $n SKIPped, yet its server wrote $2/$r/mariadbd.err"
			return 1
		fi
	else
		evidence_has "$2/$r/mariadbd.err" "ready for connections" || return 1
	fi &&
	evidence_has "$2/$r/my.cnf" "^bind-address=198.18.0.2" &&
	evidence_has "$2/$n/scenario.gw" "^title" &&
	evidence_same "$1" "$2/$n/scenario.gw" &&
	evidence_same "$1" "$2/$r/scenario.gw"
}

test_expect_success 'each scenario kept its evidence: steps, error log, config' '
	for f in "$TOP"/scenarios/*.gw; do
		evidence_of "$f" "$RESULTS" || return 1
	done
'

# The run directory is under $TMPDIR; results kept on another filesystem
# (a checkout bind-mounted into a container) must hold the same bytes.  A
# tmpfs in a mount namespace of its own stands for that filesystem: both
# die with the unshare.
if command -v unshare > /dev/null &&
   unshare --mount --propagation private true 2> /dev/null; then
	test_expect_success 'evidence kept on another filesystem holds the real bytes' '
		mkdir other &&
		unshare --mount --propagation private sh -c "
			mount -t tmpfs -o size=64m,mode=0700 ga-t0010 other &&
			\"\$0\" run --color never -o other/results \"\$1\" &&
			test \"\$(stat -c %d other)\" != \"\$(stat -c %d .)\" &&
			cp -r other/results xfs-results" \
			"$GONEAWAY" "$TOP/scenarios/kill-idle.gw" &&
		evidence_of "$TOP/scenarios/kill-idle.gw" xfs-results
	'
else
	test_skip 'evidence kept on another filesystem holds the real bytes' \
		'no unshare --mount here'
fi

test_expect_success 'the kept error log holds the server'"'"'s own evidence of the timeout' '
	grep -q "Aborted connection .*Got timeout reading communication packets" \
		"$RESULTS/wait-timeout/mariadbd.err"
'

test_expect_success 'the run left no namespace, veth, table, process or temp dir' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
