#!/bin/sh
# t0151-options-doc: each command's options are told alike three times
# (tests/options.sh, as git's t0450 holds -h to the manual): its table
# of options (the getopt table of harness/cli/COMMAND.c and the
# outputs' rows), goneaway --help, and docs/running.md's "Every option".
# A copy with an option missing from each, or one too many, is caught.
#
# The sources it holds: harness/cli/usage.c, harness/cli/options_outputs.c.
. "$(dirname "$0")/lib.sh"

"$GONEAWAY" --help > "$SCRATCH/help.txt" 2>&1

copy_tree() {
	rm -rf tree && mkdir -p tree/harness tree/docs &&
	cp -r "$TOP/harness/cli" "$TOP/harness/report" tree/harness/ &&
	cp "$TOP/docs/running.md" tree/docs/ && cp "$SCRATCH/help.txt" tree/help.txt
}

# check MESSAGE: the check fails (exit 1) and says MESSAGE
check() {
	sh "$TOP/tests/options.sh" tree tree/help.txt > out; rc=$?; cat out
	test "$rc" -eq 1 && grep -q -- "$1" out
}

test_expect_success 'every option: its table, --help and docs/running.md' '
	sh "$TOP/tests/options.sh" "$TOP" "$SCRATCH/help.txt" > out; rc=$?; cat out &&
	test $rc -eq 0 &&
	grep -q "^options: ok ([0-9]* options of 4 commands" out
'

test_expect_success 'a copy passes (what the cases below break)' '
	copy_tree && sh "$TOP/tests/options.sh" tree tree/help.txt
'

test_expect_success 'an option of a table without its row in the docs fails' '
	copy_tree &&
	sed -i "/^| run | \`--timings\` |/d" tree/docs/running.md &&
	check "run --timings (harness/cli/run.c) has no row"
'

test_expect_success 'a row of the docs that no table has fails' '
	copy_tree &&
	sed -i "/^| run | \`--timings\` |/a| run | \`--gone\` | x |" tree/docs/running.md &&
	check "docs/running.md.s \"Every option\" has run --gone"
'

test_expect_success 'a new option in a table, not in --help nor the docs, fails' '
	copy_tree &&
	sed -i "0,/{ *\"timings\",/s//{ \"newopt\", no_argument, NULL, 1 },\n&/" tree/harness/cli/report.c &&
	check "report --newopt (harness/cli/report.c) has no row" &&
	check "--newopt is in a table of options and not in goneaway --help"
'

test_expect_success 'an output row gives its --NAME FILE to its commands' '
	copy_tree &&
	sed -i "s/\.file = GA_OUTPUT_RUN,/.file = GA_OUTPUT_RUN | GA_OUTPUT_REPORT,/" tree/harness/report/jsonl.c &&
	check "report --jsonl (harness/cli/report.c) has no row"
'

test_expect_success '--help that says an option no table has fails' '
	copy_tree &&
	echo "      --frobnicate        nothing" >> tree/help.txt &&
	check "goneaway --help says --frobnicate, which no table of options has"
'

test_expect_success 'nothing to check fails' '
	copy_tree && : > tree/help.txt &&
	sh "$TOP/tests/options.sh" tree tree/help.txt > out; rc=$?; cat out &&
	test $rc -eq 2 && grep -q "nothing to check" out
'

test_done
