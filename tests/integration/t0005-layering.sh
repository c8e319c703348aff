#!/bin/sh
# t0005-layering: the floors of docs/ARCHITECTURE.md hold (tests/layering.sh):
# no include of a higher floor or of another subsystem's internal.h, no
# headers that include each other, no files of a subsystem that call each
# other; and the check itself catches each of those.
. "$(dirname "$0")/lib.sh"

copy_tree() {
	mkdir -p tree/tests tree/drivers &&
	cp -r "$TOP/harness" tree/ && cp -r "$TOP/drivers/c" tree/drivers/ &&
	mkdir -p tree/tests/unit && cp "$TOP/tests/layering.sh" tree/tests/
}

test_expect_success 'the tree keeps its floors' '
	sh "$TOP/tests/layering.sh" "$TOP/build"
'

test_expect_success 'an include of a higher floor fails' '
	copy_tree &&
	sed -i "0,/^#include \"lang\/internal.h\"/s//&\n#include \"run\/runner.h\"/" tree/harness/lang/lexer.c &&
	! sh tree/tests/layering.sh none > out; cat out &&
	grep -q "lang/lexer.c includes run/runner.h: run/ is above lang/" out
'

test_expect_success 'another subsystem'"'"'s internal.h fails' '
	rm -rf tree && copy_tree &&
	echo "#include \"client/internal.h\"" >> tree/drivers/c/driver.c &&
	! sh tree/tests/layering.sh none > out; cat out &&
	grep -q "driver.c includes client/internal.h, internal to client/" out
'

test_expect_success 'two headers that include each other fail' '
	rm -rf tree && copy_tree &&
	sed -i "0,/^#include \"util\/error.h\"/s//&\n#include \"util\/clock.h\"/" tree/harness/util/units.h &&
	echo "#include \"util/units.h\"" >> tree/harness/util/clock.h &&
	! sh tree/tests/layering.sh none > out; cat out &&
	grep -q "headers include each other:.*util/" out
'

test_done
