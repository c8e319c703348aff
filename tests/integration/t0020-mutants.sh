#!/bin/sh
# t0020-mutants: the harness can fail.  For every expect line that names
# an error code in every scenario, a copy with that one code changed must
# FAIL (exit 1), and the failure must point at that very expect line.
# CR_SERVER_LOST and CR_SERVER_GONE_ERROR are swapped for each other (the
# two codes a careless harness would confuse); any other code becomes
# ER_NO_SUCH_TABLE (or ER_BAD_FIELD_ERROR where it already is that).
# An expect line without a code is mutated too: "ok = V" becomes
# "ok != V", and "hang after D" becomes "CR_SERVER_LOST within D" (the
# call still hangs, so the line fails once the watchdog ends it).  Every
# scenario must get at least one mutant.  Lines for other server flavours ([mysql ...]) do not
# apply to mariadbd and are left alone.
#
# A repeated scenario ("repeat N") accepts a set of outcomes, so changing
# one of them proves little; its teeth are its "seen" lines, and the
# mutant turns each seen comparison around (>= becomes <).  A scenario
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

# run_mutant NAME FILE LINE WHAT: the mutant must FAIL at line LINE
run_mutant() {
	test_expect_success "$1 line $3: $4 FAILs at that line" "
		! cmp -s '$TOP/scenarios/$1.gw' '$2' &&
		\"\$GONEAWAY\" run --no-results --color never '$2' > out;
		rc=\$?; cat out; test \$rc -eq 1 &&
		grep -q '^\[1/1\] $1 *FAIL' out &&
		grep -q '(expect line $3)' out
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

for f in "$TOP"/scenarios/*.gw; do
	name=$(basename "$f" .gw)
	if test "$netem" = no && grep -q '^fault .* netem ' "$f"; then
		continue
	fi
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
		done
		continue
	fi
	made=0
	lines=$(grep -n -E '^[[:space:]]*expect' "$f" | grep -v '\[mysql' |
		cut -d: -f1)
	for n in $lines; do
		text=$(sed -n "${n}p" "$f")
		m="$SCRATCH/mutants/$name-L$n"
		mkdir -p "$m"
		if echo "$text" | grep -q -E '(CR|ER)_[A-Z0-9_]+|\b[0-9]{4,5}\b'; then
			mutate "$f" "$n" > "$m/$name.gw"
			run_mutant "$name" "$m/$name.gw" "$n" "a changed code"
		elif echo "$text" | grep -q -E ' = |hang after'; then
			mutate_value "$f" "$n" > "$m/$name.gw"
			run_mutant "$name" "$m/$name.gw" "$n" "a turned value or hang"
		else
			continue
		fi
		made=$((made + 1))
	done
	test_expect_success "$name has at least one mutant" "test $made -ge 1"
done

test_expect_success 'the mutant runs left no trace' '
	leftover_snapshot > after &&
	diff "$SCRATCH/before" after
'

test_done
