#!/bin/sh
# t0152-tree: the tree is what its pages say, and holds no dead code
# (tests/tree.sh): one base name per file in harness/, none named like
# a test; a file of tests/ naming every .c of cli/ and plan/; README's
# layout naming every floor of harness/ and no other; tests/README.md
# naming every entry of tests/ and every integration file; no global of
# the objects that no other object uses.  And the check catches each of
# those in a copy, and fails when there is nothing to check.
. "$(dirname "$0")/lib.sh"

# The build's objects, once (the library's, the unit tests').
mkdir -p "$SCRATCH/built"
for d in "$TOP"/harness/*/ "$TOP/tests/unit/"; do
	s=$(basename "$d") && mkdir -p "$SCRATCH/built/$s" &&
	cp "$TOP/build/$s/"*.o "$SCRATCH/built/$s/"
done
cp "$TOP/build/errnames_gen.o" "$SCRATCH/built/"

# tree/: the sources, the pages and the tests' names; objs/: the
# objects (links to the copies above)
copy_tree() {
	rm -rf tree objs &&
	mkdir tree &&
	cp -r "$TOP/harness" "$TOP/README.md" "$TOP/tests" tree/ &&
	cp -al "$SCRATCH/built" objs
}

# add_c SUBSYSTEM NAME TEXT: a source file and its object
add_c() {
	printf "%s\n" "$3" > "tree/harness/$1/$2.c" &&
	cc -c -o "objs/$1/$2.o" "tree/harness/$1/$2.c"
}

# check MESSAGE: the check fails (exit 1) and says MESSAGE
check() {
	sh tree/tests/tree.sh "$SCRATCH/tree" "$SCRATCH/objs" > out; rc=$?
	cat out
	test "$rc" -eq 1 && grep -q -- "$1" out
}

test_expect_success 'the tree is what its pages say' '
	sh "$TOP/tests/tree.sh" "$TOP" "$TOP/build" > out; rc=$?; cat out &&
	test $rc -eq 0 && grep -q "^tree: ok (.* sources, .* floors, .* integration files)" out
'

test_expect_success 'a copy of the tree passes (what the cases below break)' '
	copy_tree && sh tree/tests/tree.sh "$SCRATCH/tree" "$SCRATCH/objs"
'

test_expect_success 'a base name on two floors fails' '
	copy_tree &&
	cp tree/harness/report/tap.c tree/harness/run/tap.c &&
	cp objs/report/tap.o objs/run/tap.o &&
	check "tap.c stands in harness/report/tap.c harness/run/tap.c"
'

test_expect_success 'a source named like a test fails' '
	copy_tree &&
	add_c cli thing_test "static int x;" &&
	echo "cli/thing_test.c" >> tree/tests/integration/t0040-cli.sh &&
	check "harness/cli/thing_test.c is named like a test"
'

test_expect_success 'a .c of plan/ that no test names fails' '
	copy_tree &&
	u=unt && # the name is this file'"'"'s only when written whole
	add_c plan "${u}ested" "static int x;" &&
	check "no file of tests/ names plan/${u}ested.c"
'

test_expect_success 'README'"'"'s layout without a floor, or with one gone, fails' '
	copy_tree &&
	sed -i "/^| \`harness\/\` |/s/\`result\/\` the case result/the case result/" tree/README.md &&
	check "does not name harness/result/" &&
	copy_tree &&
	sed -i "/^| \`harness\/\` |/s/\`util\/\` small/\`util\/\` and \`gone\/\` small/" tree/README.md &&
	check "names gone/, and there is no harness/gone/"
'

test_expect_success 'tests/README.md without an integration file or an entry of tests/ fails' '
	copy_tree &&
	echo "true" > tree/tests/integration/t9999-unnamed.sh &&
	check "tests/README.md does not name t9999-unnamed" &&
	copy_tree && mkdir tree/tests/newthing &&
	check "tests/README.md does not name tests/newthing"
'

test_expect_success 'a global that no other object uses fails' '
	copy_tree &&
	add_c util dead "int ga_nobody_calls(int x); int ga_nobody_calls(int x) { return x + 1; }" &&
	echo "util/dead.c" >> tree/tests/README.md &&
	check "ga_nobody_calls .* is a global that no other object uses"
'

test_expect_success 'nothing to check fails: no objects, no sources' '
	copy_tree &&
	sh tree/tests/tree.sh "$SCRATCH/tree" "$SCRATCH/none" > out; rc=$?; cat out &&
	test $rc -eq 2 && grep -q "no object for .* of the sources" out &&
	rm -r tree/harness/* &&
	sh tree/tests/tree.sh "$SCRATCH/tree" "$SCRATCH/objs" > out; rc=$?; cat out &&
	test $rc -eq 2 && grep -q "nothing to check" out
'

test_done
