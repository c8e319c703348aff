#!/bin/sh
# t0192-sizes: small files, short functions (tests/sizes.sh, issue 58): no
# file of harness/ over 1,000 lines and no function over 100, but what
# its allow-list names, each with its reason; an entry within its bounds
# again fails, so the list only shrinks.  And the check catches each of
# those in a copy, and fails when there is nothing to check.
. "$(dirname "$0")/lib.sh"

copy_tree() {
	rm -rf tree && mkdir -p tree/tests &&
	cp -r "$TOP/harness" tree/ && cp "$TOP/tests/sizes.sh" tree/tests/
}

# a function of N lines (its definition to its closing brace) in FILE,
# with a label at column 0 inside it
long_function() {
	{
		echo "int ga_zz_long(void);"
		echo "int ga_zz_long(void)"
		echo "{"
		echo "	int x = 0;"
		i=4; while [ "$i" -lt "$(($2 - 2))" ]; do
			echo "	x++;"; i=$((i + 1))
		done
		echo "out:"
		echo "	return x;"
		echo "}"
	} >> "$1"
}

# check MESSAGE: the check fails (exit 1) and says MESSAGE
check() {
	sh tree/tests/sizes.sh "$SCRATCH/tree" > out; rc=$?; cat out
	test "$rc" -eq 1 && grep -q -- "$1" out
}

test_expect_success 'no file over 1,000 lines, no function over 100, but the allow-list' '
	sh "$TOP/tests/sizes.sh" "$TOP" > out; rc=$?; cat out &&
	test $rc -eq 0 && grep -q "^sizes: ok (no file over 1000 lines, no function over 100, .* allowed)" out
'

test_expect_success 'a function of 101 lines fails, one of 100 passes (a label inside it is no function)' '
	copy_tree && long_function tree/harness/util/units.c 100 &&
	sh tree/tests/sizes.sh "$SCRATCH/tree" &&
	copy_tree && long_function tree/harness/util/units.c 101 &&
	check "harness/util/units.c:[0-9]*: ga_zz_long is 101 lines (at most 100"
'

test_expect_success 'a file of 1,001 lines fails' '
	copy_tree &&
	n=$(wc -l < tree/harness/util/units.c) &&
	i=$n; while [ "$i" -lt 1001 ]; do echo; i=$((i + 1)); done >> tree/harness/util/units.c &&
	check "harness/util/units.c is 1001 lines (at most 1000"
'

test_expect_success 'an entry of the allow-list within its bounds again fails' '
	copy_tree &&
	sed "s|^allow=.\$|&\nharness/util/units.c|" "$TOP/tests/sizes.sh" \
		> tree/tests/sizes.sh &&
	grep -qx "harness/util/units.c" tree/tests/sizes.sh &&
	check "names harness/util/units.c, which is within its bounds now"
'

test_expect_success 'nothing to check fails' '
	mkdir -p empty/tests && cp "$TOP/tests/sizes.sh" empty/tests/ &&
	sh empty/tests/sizes.sh "$SCRATCH/empty" > out; rc=$?; cat out &&
	test $rc -eq 2 && grep -q "nothing to check" out
'

test_done
