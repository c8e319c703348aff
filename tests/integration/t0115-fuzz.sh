#!/bin/sh
# t0115-fuzz: the fuzzing engine of the gcc builds (tests/fuzz/driver.c)
# finds what it is there to find.  A target with a planted bug (a heap
# overflow once the input holds the dictionary's token "G0NE" after a
# '{') is built with ASan and UBSan as "make fuzz" builds the real ones:
# the engine must report it, keep the input under its crash directory
# and end with status 1; "-r" on that file must crash the same way; the
# same seed must give the same inputs (the same finding); and a clean
# target runs its RUNS and says "nothing found".  Then every real
# target's seeds are run once (-r): the committed corpus is read without
# a finding.
. "$(dirname "$0")/lib.sh"

CC=${CC:-cc}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1

test_expect_success 'a target with a planted overflow and a clean one build' '
	cat > planted.c <<-\EOF &&
	#include <stdint.h>
	#include <stdlib.h>
	#include <string.h>
	int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
	static volatile char sink;
	int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
	{
		const uint8_t *b = memchr(d, (int)'"'"'{'"'"', n);
		char *p;

		if (!b || (size_t)(d + n - b) < 6 || memcmp(b + 1, "G0NE", 4))
			return 0;
		p = malloc(4);
		/* the rest of the input: one byte or more too many */
		memcpy(p, b + 1, (size_t)(d + n - b) - 1);
		sink = p[0];
		free(p);
		return 0;
	}
	EOF
	sed "s/(size_t)(d + n - b) - 1);/4);/" planted.c > clean.c &&
	! cmp -s planted.c clean.c &&
	$CC $SAN -o planted planted.c "$TOP/tests/fuzz/driver.c" &&
	$CC $SAN -o clean clean.c "$TOP/tests/fuzz/driver.c" &&
	mkdir corpus && printf "{\"a\": 1}\n" > corpus/seed &&
	printf "\"G0NE\"\n" > g.dict
'

test_expect_success 'the engine finds it, keeps the input and exits 1' '
	./planted -n 200000 -t 60 -s 3 -x g.dict -C crashes corpus > p.out 2>&1;
	rc=$?; tail -5 p.out; test $rc -eq 1 &&
	grep -q "heap-buffer-overflow" p.out &&
	grep -q "the input is kept in crashes/crash-planted-" p.out &&
	test "$(ls crashes | wc -l)" -eq 1 && grep -q "{G0NE" crashes/crash-planted-*
'

test_expect_success 'the kept input reproduces it; the same seed finds the same input' '
	test -f crashes/crash-planted-* &&
	{ ./planted -r crashes/crash-planted-* > r.out 2>&1; test $? -ne 0; } &&
	grep -q "heap-buffer-overflow" r.out &&
	{ ./planted -n 200000 -t 60 -s 3 -x g.dict -C again corpus > a.out 2>&1;
	  test $? -eq 1; } && test "$(ls again)" = "$(ls crashes)"
'

test_expect_success 'a clean target runs its runs and finds nothing' '
	./clean -n 20000 -t 60 -s 3 -x g.dict -C none corpus > c.out 2>&1 &&
	grep -q "^clean: 20000 runs in .* nothing found$" c.out && test ! -e none
'

test_expect_success 'every committed seed of every real target reads without a finding' '
	test -x "$TOP/build-san/fuzz/fuzz_results" || {
		echo "build-san/fuzz: make fuzz-build first"; exit 1; }
	for t in scenario expectations protocol results bundle; do
		mkdir -p "tmp-$t" &&
		TMPDIR="$SCRATCH/tmp-$t" "$TOP/build-san/fuzz/fuzz_$t" -C "crash-$t" \
			-r "$TOP/tests/fuzz/corpus/$t" > "$t.out" 2>&1 ||
			{ cat "$t.out"; exit 1; }
		cat "$t.out"; test -z "$(ls "tmp-$t")" || exit 1
	done
'

test_done
