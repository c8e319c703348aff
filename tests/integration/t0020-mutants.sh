#!/bin/sh
# t0020-mutants: the harness can fail.  For every expect line that names
# an error code in every scenario, a copy with that one code changed must
# FAIL (exit 1), and the failure must point at that very expect line.
# CR_SERVER_LOST and CR_SERVER_GONE_ERROR are swapped for each other (the
# two codes a careless harness would confuse); any other code becomes
# ER_NO_SUCH_TABLE.  Lines for other server flavours ([mysql ...]) do not
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
		s/(CR|ER)_[A-Z0-9_]+|[0-9]{4}/ER_NO_SUCH_TABLE/
	}" "$1"
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
	lines=$(grep -n -E '^[[:space:]]*expect' "$f" | grep -v '\[mysql' |
		grep -E '(CR|ER)_[A-Z0-9_]+|[^0-9.][0-9]{4}([^0-9]|$)' | cut -d: -f1)
	for n in $lines; do
		m="$SCRATCH/mutants/$name-L$n"
		mkdir -p "$m"
		mutate "$f" "$n" > "$m/$name.gw"
		test_expect_success "$name line $n: a changed code FAILs at that line" "
			! cmp -s '$f' '$m/$name.gw' &&
			\"\$GONEAWAY\" run --no-results --color never '$m/$name.gw' > out;
			rc=\$?; cat out; test \$rc -eq 1 &&
			grep -q '^\[1/1\] $name *FAIL' out &&
			grep -q '(expect line $n)' out
		"
	done
done

test_expect_success 'the mutant runs left no trace' '
	leftover_snapshot > after &&
	diff "$SCRATCH/before" after
'

test_done
