#!/bin/sh
# t0005-layering: the floors of docs/ARCHITECTURE.md hold (tests/layering.sh):
# every use of one subsystem by another is an arrow of the table there
# (by an include or by a call), every arrow of the table is a use, no
# subsystem uses one above or beside it; no other subsystem's
# internal.h, no headers that include each other, no files of a
# subsystem that call each other.  And the check itself catches each of
# those, and fails when there is nothing to check.
. "$(dirname "$0")/lib.sh"

# The build's objects, once, for the rules read from symbols.
mkdir -p "$SCRATCH/built"
for d in "$TOP"/harness/*/; do
	s=$(basename "$d") && mkdir -p "$SCRATCH/built/$s" &&
	cp "$TOP/build/$s/"*.o "$SCRATCH/built/$s/"
done
cp "$TOP/build/errnames_gen.o" "$SCRATCH/built/"

# tree/: the sources, the table and the check; objs/: their objects
# (links to the build's)
copy_tree() {
	rm -rf tree objs &&
	mkdir -p tree/tests/unit tree/drivers tree/docs &&
	cp -r "$TOP/harness" tree/ && cp -r "$TOP/drivers/c" tree/drivers/ &&
	cp "$TOP/tests/layering.sh" tree/tests/ &&
	cp "$TOP/docs/ARCHITECTURE.md" tree/docs/ &&
	cp -al "$SCRATCH/built" objs
}

# add_c SUBSYSTEM NAME TEXT: a source file and its object
add_c() {
	printf '%s\n' "$3" > "tree/harness/$1/$2.c" &&
	cc -c -o "objs/$1/$2.o" "tree/harness/$1/$2.c"
}

# check MESSAGE: the check fails (exit 1) and says MESSAGE
check() {
	sh tree/tests/layering.sh "$SCRATCH/objs" > out; rc=$?; cat out
	test "$rc" -eq 1 && grep -q -- "$1" out
}

test_expect_success 'the tree keeps its floors' '
	sh "$TOP/tests/layering.sh" "$TOP/build" > out; rc=$?; cat out &&
	test $rc -eq 0 && grep -q "^layering: ok (.* subsystems on .* floors, .* arrows)" out
'

test_expect_success 'a copy of the tree, objects and all, passes (what the cases below break)' '
	copy_tree && sh tree/tests/layering.sh "$SCRATCH/objs"
'

test_expect_success 'an include of a higher floor fails' '
	copy_tree &&
	sed -i "0,/^#include \"lang\/internal.h\"/s//&\n#include \"run\/runner.h\"/" tree/harness/lang/lexer.c &&
	check "lang/lexer.c includes run/runner.h: run/ is above lang/"
'

test_expect_success '"# include", spaced, is an include too' '
	copy_tree &&
	sed -i "0,/^#include \"lang\/internal.h\"/s//&\n#  include \"run\/runner.h\"/" tree/harness/lang/lexer.c &&
	check "lang/lexer.c includes run/runner.h: run/ is above lang/"
'

test_expect_success 'an include of a sibling, beside it on its floor, fails' '
	copy_tree &&
	sed -i "0,/^#include \"client\/client.h\"/s//&\n#include \"server\/server.h\"/" tree/harness/client/client.c &&
	check "client/client.c includes server/server.h: server/ is beside client/ on floor 3"
'

test_expect_success 'an include of a lower floor the table does not give fails' '
	copy_tree &&
	echo "#include \"lab/lab.h\"" >> tree/harness/report/tap.c &&
	check "report/tap.c includes lab/lab.h: report/ does not use lab/"
'

test_expect_success 'report/ reads result/, and an include of run/ fails (issue 35)' '
	copy_tree &&
	echo "#include \"run/runner.h\"" >> tree/harness/report/human.c &&
	check "report/human.c includes run/runner.h: run/ is above report/"
'

test_expect_success 'another subsystem'"'"'s internal.h fails' '
	copy_tree &&
	echo "#include \"client/internal.h\"" >> tree/drivers/c/driver.c &&
	check "driver.c includes client/internal.h, internal to client/"
'

test_expect_success 'two headers that include each other fail' '
	copy_tree &&
	sed -i "0,/^#include \"util\/error.h\"/s//&\n#include \"util\/clock.h\"/" tree/harness/util/units.h &&
	echo "#include \"util/units.h\"" >> tree/harness/util/clock.h &&
	check "headers include each other:.*util/"
'

test_expect_success 'a call of a higher floor without an include fails (read from the objects)' '
	copy_tree &&
	add_c lang zz_call "struct ga_runner;
void ga_runner_close(struct ga_runner *r);
void ga_zz_call(struct ga_runner *r);
void ga_zz_call(struct ga_runner *r) { ga_runner_close(r); }" &&
	check "lang/zz_call calls ga_runner_close of run/runner: run/ is above lang/"
'

test_expect_success 'two files of a subsystem that call each other fail' '
	copy_tree &&
	add_c util zz_a "void ga_zz_a(void); void ga_zz_b(void);
void ga_zz_a(void) { ga_zz_b(); }" &&
	add_c util zz_b "void ga_zz_a(void); void ga_zz_b(void);
void ga_zz_b(void) { ga_zz_a(); }" &&
	check "util/: files call each other: util/zz_a util/zz_b"
'

test_expect_success 'an arrow of the table that the code does not have fails' '
	copy_tree &&
	sed -i "s/^| 2 | \`mysqlapi\` | \`lang\` \`util\` |$/| 2 | \`mysqlapi\` | \`lab\` \`lang\` \`util\` |/" tree/docs/ARCHITECTURE.md &&
	grep -q "mysqlapi\` | \`lab\`" tree/docs/ARCHITECTURE.md &&
	check "the table says mysqlapi uses lab, and no file of harness/mysqlapi/ does"
'

test_expect_success 'a floor the table gives wrong fails: one above what it uses, and none beside' '
	copy_tree &&
	sed -i "s/^| 3 | \`report\` |/| 5 | \`report\` |/" tree/docs/ARCHITECTURE.md &&
	check "report is on floor 5, and what it uses puts it on floor 3" &&
	grep -q "plan uses report beside it on floor 5" out
'

test_expect_success 'a subsystem without its row fails' '
	copy_tree && mkdir tree/harness/zz objs/zz &&
	add_c zz zz "int ga_zz;" &&
	check "harness/zz/ has no row in the table"
'

test_expect_success 'nothing to check fails: no objects, no table' '
	copy_tree &&
	sh tree/tests/layering.sh "$SCRATCH/none" > out; rc=$?; cat out &&
	test $rc -eq 2 && grep -q "no object for .* sources .*: nothing to check" out &&
	rm objs/util/units.o &&
	sh tree/tests/layering.sh "$SCRATCH/objs" > out; rc=$?; cat out &&
	test $rc -eq 2 && grep -q "no object for 1 of the .* sources" out &&
	copy_tree &&
	sed -i "/<!-- layering: the floors -->/d" tree/docs/ARCHITECTURE.md &&
	sh tree/tests/layering.sh "$SCRATCH/objs" > out; rc=$?; cat out &&
	test $rc -eq 2 && grep -q "no table of floors" out
'

test_done
