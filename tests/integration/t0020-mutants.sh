#!/bin/sh
# t0020-mutants: the harness can fail.  For every expect line that names
# an error code in every scenario, a copy with that one code changed must
# FAIL (exit 1), and the failure must point at that very expect line.
# CR_SERVER_LOST and CR_SERVER_GONE_ERROR are swapped for each other (the
# two codes a careless harness would confuse); any other code becomes
# ER_NO_SUCH_TABLE (or ER_BAD_FIELD_ERROR where it already is that).
# An expect line without a code is mutated too: "ok = V" becomes
# "ok != V", and "hang after D" becomes "CR_SERVER_LOST within D" (the
# call still hangs, so the line fails once the watchdog ends it).  Lines
# for other server flavours ([mysql ...]) do not apply to mariadbd, nor
# lines for other clients ([client=pymysql ...]) to the built-in client,
# and are left alone.
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
# FAIL there: they are left out when doctor reports no netem.
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

# run_mutant NAME FILE LINE WHAT [REASON]: the mutant must FAIL at line
# LINE, and its reason contain REASON
run_mutant() {
	test_expect_success "$1 line $3: $4 FAILs at that line" "
		! cmp -s '$TOP/scenarios/$1.gw' '$2' &&
		\"\$GONEAWAY\" run --no-results --color never '$2' > out;
		rc=\$?; cat out; test \$rc -eq 1 &&
		grep -q '^\[1/1\] $1 *FAIL' out &&
		grep -q '${5:-}.*(expect line $3)' out
	"
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

bounds=""	# kind:after, kind:within - the bounds mutated so far
for f in "$TOP"/scenarios/*.gw; do
	name=$(basename "$f" .gw)
	if test "$netem" = no && grep -q '^fault .* netem ' "$f"; then
		continue
	fi
	made=0
	if grep -q '^repeat ' "$f"; then
		for n in $(grep -n -E '^[[:space:]]*seen' "$f" | cut -d: -f1); do
			m="$SCRATCH/mutants/$name-S$n"
			mkdir -p "$m"
			flip_seen "$f" "$n" > "$m/$name.gw"
			test_expect_success "$name line $n: a turned seen line FAILs" "
				! cmp -s '$f' '$m/$name.gw' &&
				\"\$GONEAWAY\" run --no-results --color never '$m/$name.gw' > out;
				rc=\$?; cat out; test \$rc -eq 1 &&
				grep -q '^\[1/1\] $name *FAIL' out &&
				grep -q '(seen line $n)' out
			"
			made=$((made + 1))
		done
		test_expect_success "$name has at least one mutant" "test $made -ge 1"
		continue
	fi
	lines=$(grep -n -E '^[[:space:]]*expect' "$f" | grep -v -e '\[mysql' -e '\[client=' |
		cut -d: -f1)
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

test_expect_success 'the mutant runs left no trace' '
	leftover_snapshot > after &&
	diff "$SCRATCH/before" after
'

test_done
