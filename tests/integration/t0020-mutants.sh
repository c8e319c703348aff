#!/bin/sh
# t0020-mutants: the harness can fail.  For every expect line that names
# an error code in every scenario, a copy with that one code changed must
# FAIL (exit 1), and the failure must point at that very expect line.
# CR_SERVER_LOST and CR_SERVER_GONE_ERROR are swapped for each other (the
# two codes a careless harness would confuse); any other code becomes
# ER_NO_SUCH_TABLE (or ER_BAD_FIELD_ERROR where it already is that).
# An expect line without a code is mutated too: "ok = V" becomes
# "ok != V", and "hang after D" becomes "CR_SERVER_LOST within D" (the
# call still hangs, so the line fails once the watchdog ends it).  Against
# the local server with the built-in client, lines with a selector
# ([mysql ...], [mariadb < 10.6], [client=pymysql])
# are left alone.  Against another server (GA_TEST_SERVER, with
# GA_TEST_ORIG the evidence of a run of the unchanged scenarios against
# it: t0025), the mutated lines are the ones that run says applied there.
#
# Time bounds get mutants of their own, on expect lines with "after A" and
# without "hang" (their step is known to take at least A, because the
# real scenario PASSes).  Each kind of step (connect, query, reap, drain,
# ...) measures its own elapsed time, so each kind gets one mutant per
# bound, on its first such line in file order; one per line would add a
# scenario run per line for the same code path.
#
#   - "after A within W" becomes "after W within W" (no "within": "after
#     50s"): the answer comes as soon as before, "sooner than expected".
#     A raised "after" never makes the runner wait longer (only a hang's
#     "after" does), so the mutant cannot turn into a hang.
#   - "after A" is dropped and "within W" becomes "within A/2": the
#     answer, at least A, is "later than expected".  Not "within 1ms": the
#     watchdog stops a call at "within" plus 2 s, and a step taking 7 s
#     would then be a hang, not a late answer; A/2 + 2 s is above the
#     times these steps take (about A + 100 ms), so A is at most 3 s.
#
# A bound on a line without "after" is not mutated: nothing says its step
# takes measurably long (a KILLed connection answers in well under 1 ms),
# so a tightened "within" could PASS and prove nothing.  Each bound mutant
# must FAIL at its line for its bound ("sooner"/"later than expected").
#
# A repeated scenario ("repeat N") accepts a set of outcomes, so changing
# one of them proves little; its teeth are its "seen" lines, and the
# mutant turns each seen comparison around (>= becomes <).  Every
# scenario, repeated or not, must get at least one mutant.  A scenario
# that needs netem SKIPs on a kernel without it, so its mutants cannot
# FAIL there: they are left out when doctor reports no netem.  A
# scenario the built-in client cannot run (BUILTIN_SKIPS, lib.sh:
# use-after-close) has its mutants of the lines without a selector run
# with SKIP_DRIVER instead, on every server.
#
# The scenarios of a pool's connections (POOL_SCENARIOS, lib.sh) run
# their mutants with POOL_DRIVER, a pool's driver: the lines without a
# selector that applied in a run of them with it (not those of a
# connection it skips, a setting its pool lacks; on another server than
# the local one, not those of a step with a server's line).  An expect line
# with "pool EVENTS" gets a mutant of its own: "pool none" becomes "pool
# opened", any other set "pool none".
#
# GA_T0020_SCENARIOS (names, blank-separated) makes the mutants of those
# scenarios alone (t0121-load runs them on a busy machine).
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"
mkdir -p "$SCRATCH/mutants"

# mutate FILE LINE > OUT
mutate() {
	sed -E "$2{
		s/CR_SERVER_LOST/@LOST@/g
		s/CR_SERVER_GONE_ERROR/CR_SERVER_LOST/g
		s/@LOST@/CR_SERVER_GONE_ERROR/g
		t
		s/ER_NO_SUCH_TABLE/ER_BAD_FIELD_ERROR/
		t
		s/(CR|ER)_[A-Z0-9_]+|\b[0-9]{4,5}\b/ER_NO_SUCH_TABLE/
	}" "$1"
}

# mutate_pool FILE LINE > OUT: "pool none" -> "pool opened", any other
# set of a pool's events -> "pool none"
mutate_pool() {
	sed -E "$2{
		s/ pool none/ pool opened/
		t
		s/ pool [a-z+]+/ pool none/
	}" "$1"
}

# mutate_value FILE LINE > OUT: "ok = V" -> "ok != V", a hang -> a code
mutate_value() {
	sed -E "$2{
		s/hang after ([0-9.]+m?s)/CR_SERVER_LOST within \1/
		t
		s/ = / != /
	}" "$1"
}

# to_ms D: the duration D (500ms, 2s, 1.5s) in whole milliseconds
to_ms() {
	awk -v d="$1" 'BEGIN {
		if (sub(/ms$/, "", d)) print int(d); else if (sub(/s$/, "", d)) print int(d * 1000)
	}'
}

# step_of FILE LINE: the kind of step an expect line belongs to (the
# first word of the closest line above that is not an expect or seen line)
step_of() {
	awk -v n="$2" 'NR == n { print k; exit }
		NF && $1 !~ /^(expect|seen|#)/ { k = $1 }' "$1"
}

# mutate_after FILE LINE > OUT: "after A" -> "after W" (the line's within)
mutate_after() {
	w=$(sed -n "$2p" "$1" | sed -n -E 's/.* within ([0-9.]+m?s).*/\1/p')
	sed -E "$2s/ after [0-9.]+m?s/ after ${w:-50s}/" "$1"
}

# mutate_within FILE LINE A_MS > OUT: "within A/2" in the place of the
# line's "within" (or of its "after"), and no "after"
mutate_within() {
	sed -E "$2{
		/ within [0-9.]+m?s/{
			s/ after [0-9.]+m?s//
			s/ within [0-9.]+m?s/ within $(($3 / 2))ms/
		}
		s/ after [0-9.]+m?s/ within $(($3 / 2))ms/
	}" "$1"
}

# The mutants are made first and listed, then run together (below), then
# each is judged on its own case.
LIST="$SCRATCH/mutants.list"
: > "$LIST"

# run_mutant NAME FILE LINE WHAT [REASON]: the mutant must FAIL at line
# LINE's expect line, and its reason contain REASON
run_mutant() {
	printf 'E\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-}" >> "$LIST"
}

# flip_seen FILE LINE > OUT
flip_seen() {
	sed -E "$2{
		s/>=/@LT@/; t done
		s/<=/@GT@/; t done
		s/!=/=/; t done
		s/>/<=/; t done
		s/</>=/; t done
		s/=/!=/
		:done
		s/@LT@/</
		s/@GT@/>/
	}" "$1"
}

netem=yes
"$GONEAWAY" doctor 2>/dev/null | grep -q '^  ok  *netem' || netem=no

SERVER=${GA_TEST_SERVER:-local}
# builtin_skips NAME: NAME is one of BUILTIN_SKIPS
builtin_skips() {
	case " $BUILTIN_SKIPS " in *" $1 "*) return 0 ;; esac
	return 1
}
# pool_scenario NAME: NAME is one of POOL_SCENARIOS
pool_scenario() {
	case " $POOL_SCENARIOS " in *" $1 "*) return 0 ;; esac
	return 1
}
# POOL_DRIVER (sqlalchemy) installed: Debian's python3-sqlalchemy
pool_driver_ok=yes
/usr/bin/python3 -c "import pymysql, sqlalchemy" 2> /dev/null || pool_driver_ok=no
# The scenarios of pools as POOL_DRIVER runs them on SERVER, unmutated:
# which of their lines apply (a step of a connection whose pool has a
# setting the driver's pool lacks is skipped, and its lines with it;
# a step's line with a server's selector applies there instead).
POOL_ORIG="$SCRATCH/pool-orig"
if test "$pool_driver_ok" = yes; then
	"$GONEAWAY" run --color never --server "$SERVER" \
		--client "$POOL_DRIVER" -o "$POOL_ORIG" \
		$(for n in $POOL_SCENARIOS; do echo "$TOP/scenarios/$n.gw"; done) \
		> "$SCRATCH/pool-orig.out" 2>&1 || :
fi
# The expect lines of scenario $1 (file $2) that apply to SERVER.
applied_lines() {
	if pool_scenario "$1"; then
		sed -n 's/.*(expect line \([0-9]*\), no selector): matched$/\1/p' \
			"$POOL_ORIG/$1/steps.log" | sort -n -u
	elif test "$SERVER" = local || builtin_skips "$1"; then
		grep -n -E '^[[:space:]]*expect' "$2" | grep -v '\[' | cut -d: -f1
	else
		sed -n 's/.*(expect line \([0-9]*\), [^()]*): matched$/\1/p' \
			"${GA_TEST_ORIG:?}/$1/steps.log" | sort -n -u
	fi
}

bounds=""	# kind:after, kind:within - the bounds mutated so far
for f in "$TOP"/scenarios/*.gw; do
	name=$(basename "$f" .gw)
	if test -n "${GA_T0020_SCENARIOS:-}"; then
		case " $GA_T0020_SCENARIOS " in *" $name "*) ;; *) continue ;; esac
	fi
	if test "$netem" = no && grep -q '^fault .* netem ' "$f"; then
		continue
	fi
	made=0
	# a memory limit this machine cannot make: the scenario SKIPs
	# (t0010), and no line of it applies
	case " $MEMORY_SKIPS " in *" $name "*)
		test_skip "$name has at least one mutant" \
			"no memory limit can be made here (goneaway doctor: memory limits)"
		continue ;;
	esac
	if pool_scenario "$name" && test "$pool_driver_ok" = no; then
		test_skip "$name has at least one mutant" \
			"no $POOL_DRIVER driver here (make deps installs it)"
		continue
	fi
	if grep -q '^repeat ' "$f"; then
		for n in $(grep -n -E '^[[:space:]]*seen' "$f" | cut -d: -f1); do
			m="$SCRATCH/mutants/$name-S$n"
			mkdir -p "$m"
			flip_seen "$f" "$n" > "$m/$name.gw"
			printf 'S\t%s\t%s\t%s\ta turned seen line\t\n' \
				"$name" "$m/$name.gw" "$n" >> "$LIST"
			made=$((made + 1))
		done
		test_expect_success "$name has at least one mutant" "test $made -ge 1"
		continue
	fi
	lines=$(applied_lines "$name" "$f")
	for n in $lines; do
		text=$(sed -n "${n}p" "$f")
		m="$SCRATCH/mutants/$name-L$n"
		mkdir -p "$m"
		if echo "$text" | grep -q -E '(CR|ER)_[A-Z0-9_]+|\b[0-9]{4,5}\b'; then
			mutate "$f" "$n" > "$m/$name.gw"
			run_mutant "$name" "$m/$name.gw" "$n" "a changed code"
			made=$((made + 1))
		elif echo "$text" | grep -q -E ' = |hang after'; then
			mutate_value "$f" "$n" > "$m/$name.gw"
			run_mutant "$name" "$m/$name.gw" "$n" "a turned value or hang"
			made=$((made + 1))
		fi
		if echo "$text" | grep -q -E ' pool [a-z+]+'; then
			m="$SCRATCH/mutants/$name-P$n"
			mkdir -p "$m"
			mutate_pool "$f" "$n" > "$m/$name.gw"
			run_mutant "$name" "$m/$name.gw" "$n" \
				"a changed set of pool events"
			made=$((made + 1))
		fi
		# the time bounds, once per kind of step
		a=$(echo "$text" | sed -n -E 's/.* after ([0-9.]+m?s).*/\1/p')
		test -n "$a" && ! echo "$text" | grep -q -w hang || continue
		a=$(to_ms "$a")
		kind=$(step_of "$f" "$n")
		case " $bounds " in *" $kind:after "*) ;; *)
			bounds="$bounds $kind:after"
			m="$SCRATCH/mutants/$name-A$n"
			mkdir -p "$m"
			mutate_after "$f" "$n" > "$m/$name.gw"
			run_mutant "$name" "$m/$name.gw" "$n" \
				"a raised after ($kind)" "sooner than expected"
			made=$((made + 1))
		esac
		case " $bounds " in *" $kind:within "*) ;; *)
			if test "$a" -le 3000; then
				bounds="$bounds $kind:within"
				m="$SCRATCH/mutants/$name-W$n"
				mkdir -p "$m"
				mutate_within "$f" "$n" "$a" > "$m/$name.gw"
				run_mutant "$name" "$m/$name.gw" "$n" \
					"a within below the after ($kind)" \
					"later than expected"
				made=$((made + 1))
			fi
		esac
	done
	test_expect_success "$name has at least one mutant" "test $made -ge 1"
done

# Run them: all in one goneaway run over the mutant files, which runs
# its cases side by side (-j; GA_TEST_JOBS at a time when set, else its
# own default).  A goneaway without -j runs them one after another: then
# GA_TEST_JOBS runs (2 by default) take a share each.  Each run keeps its
# cases in JSON Lines (docs/results-jsonl.md), where a mutant's case is
# found by its file's path, and judged by its verdict and reason.
if "$GONEAWAY" run -j 1 --list "$TOP/scenarios/kill-idle.gw" > /dev/null 2>&1; then
	nruns=1 jobs=${GA_TEST_JOBS:+-j $GA_TEST_JOBS}
else
	nruns=${GA_TEST_JOBS:-2} jobs=""
fi
i=0
while IFS='	' read -r type name file n what text; do
	if pool_scenario "$name"; then
		echo "$file" >> "$SCRATCH/runpool.files"
		echo pool > "$(dirname "$file")/run"
		continue
	fi
	if builtin_skips "$name"; then
		echo "$file" >> "$SCRATCH/rundrv.files"
		echo drv > "$(dirname "$file")/run"
		continue
	fi
	k=$((i % nruns))
	echo "$file" >> "$SCRATCH/run$k.files"
	echo "$k" > "$(dirname "$file")/run"
	i=$((i + 1))
done < "$LIST"
if test -s "$SCRATCH/rundrv.files"; then
	(
		"$GONEAWAY" run $jobs --no-results --color never --server "$SERVER" \
			--client "$SKIP_DRIVER" --jsonl "$SCRATCH/rundrv.jsonl" \
			$(cat "$SCRATCH/rundrv.files") > "$SCRATCH/rundrv.out" 2>&1
		echo $? > "$SCRATCH/rundrv.rc"
	) &
fi
if test -s "$SCRATCH/runpool.files"; then
	(
		"$GONEAWAY" run $jobs --no-results --color never --server "$SERVER" \
			--client "$POOL_DRIVER" --jsonl "$SCRATCH/runpool.jsonl" \
			$(cat "$SCRATCH/runpool.files") > "$SCRATCH/runpool.out" 2>&1
		echo $? > "$SCRATCH/runpool.rc"
	) &
fi
k=0
while test "$k" -lt "$nruns" && test -s "$SCRATCH/run$k.files"; do
	(
		"$GONEAWAY" run $jobs --no-results --color never --server "$SERVER" \
			--jsonl "$SCRATCH/run$k.jsonl" $(cat "$SCRATCH/run$k.files") \
			> "$SCRATCH/run$k.out" 2>&1
		echo $? > "$SCRATCH/run$k.rc"
	) &
	k=$((k + 1))
done
wait

# Every run ended (its "end" line), FAILing (exit 1): a usage error or a
# crash would leave the mutants it had without a case.
k=0
while test "$k" -lt "$nruns" && test -s "$SCRATCH/run$k.files"; do
	test_expect_success "mutant run $((k + 1)) of $nruns ended, exit 1" "
		tail -n 20 '$SCRATCH/run$k.out' &&
		test \"\$(cat '$SCRATCH/run$k.rc')\" -eq 1 &&
		tail -n 1 '$SCRATCH/run$k.jsonl' | grep -q '^{\"type\":\"end\"'
	"
	k=$((k + 1))
done
if test -s "$SCRATCH/runpool.files"; then
	test_expect_success "the mutant run with $POOL_DRIVER ended, exit 1" "
		tail -n 20 '$SCRATCH/runpool.out' &&
		test \"\$(cat '$SCRATCH/runpool.rc')\" -eq 1 &&
		tail -n 1 '$SCRATCH/runpool.jsonl' | grep -q '^{\"type\":\"end\"'
	"
fi
if test -s "$SCRATCH/rundrv.files"; then
	test_expect_success "the mutant run with $SKIP_DRIVER ended, exit 1" "
		tail -n 20 '$SCRATCH/rundrv.out' &&
		test \"\$(cat '$SCRATCH/rundrv.rc')\" -eq 1 &&
		tail -n 1 '$SCRATCH/rundrv.jsonl' | grep -q '^{\"type\":\"end\"'
	"
fi

# case_of FILE: the case line of mutant FILE, and its steps' lines
case_of() {
	j="$SCRATCH/run$(cat "$(dirname "$1")/run").jsonl"
	grep -F "{\"type\":\"case\"," "$j" | grep -F "\"path\":\"$1\"" > "$1.case" ||
		{ echo "no case for $1 in $j"; return 1; }
	c=$(sed -n 's/^{"type":"case","case":\([0-9]*\),.*/\1/p' "$1.case")
	grep -F "{\"type\":\"step\",\"case\":$c," "$j" |
		sed -n 's/.*"log":"\(\([^"\\]\|\\.\)*\)".*/    \1/p'
	cat "$1.case"
}
# reason_of CASEFILE: the case's reason, as JSON escapes it
reason_of() {
	sed -n 's/.*"reason":"\(\([^"\\]\|\\.\)*\)".*/\1/p' "$1"
}

while IFS='	' read -r type name file n what text; do
	if test "$type" = S; then
		where="(seen line $n)"
		title="$name line $n: $what FAILs"
	else
		where="${text:+$text.*}(expect line $n, "
		title="$name line $n: $what FAILs at that line"
	fi
	test_expect_success "$title" "
		! cmp -s '$TOP/scenarios/$name.gw' '$file' &&
		case_of '$file' &&
		grep -q '\"name\":\"$name\",' '$file.case' &&
		grep -q '\"verdict\":\"FAIL\"' '$file.case' &&
		reason_of '$file.case' | grep -q '$where'
	"
done < "$LIST"

test_expect_success 'the mutant runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
