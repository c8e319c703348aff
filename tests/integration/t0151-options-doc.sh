#!/bin/sh
# t0151-options-doc: each command's options are declared once, in its
# table (harness/cli/parseopt.h), and told alike everywhere else
# (tests/options.sh, as git's t0450 holds -h to the manual): the docs'
# tables of options are made from the tables (docs/gen-options.sh,
# "goneaway --describe=options-markdown") and equal the committed ones,
# and goneaway --help, goneaway serve --help and goneaway explore --help
# say every option of their tables and none other.  A copy of the docs with a row edited by
# hand, and a copy of the tree whose tables declare an option more or
# another release, are caught; so is a --help saying an option no table
# has (a goneaway that adds it).
#
# The sources it holds: harness/cli/parseopt.c, harness/cli/opthelp.c,
# harness/cli/optdocs.c, harness/cli/usage.c, harness/cli/options_outputs.c,
# harness/cli/explore_args.c.
. "$(dirname "$0")/lib.sh"

# copy_docs: tree/ with the docs the check reads, for GONEAWAY
copy_docs() {
	rm -rf tree && mkdir -p tree/docs &&
	cp "$TOP/docs/gen-options.sh" "$TOP/docs/gen-splice.sh" "$TOP/docs/running.md" \
		"$TOP/docs/toxiproxy.md" "$TOP/docs/explore.md" tree/docs/
}

# check GONEAWAY MESSAGE: the check of tree/ fails (exit 1) and says
# MESSAGE
check() {
	sh "$TOP/tests/options.sh" tree "$1" > out; rc=$?; cat out
	test "$rc" -eq 1 && grep -q -- "$2" out
}

# a goneaway whose --describe=options and --help say one line more
# ($ADD_TO: options, help, serve-help or explore-help) or nothing at all
# (empty)
cat > "$SCRATCH/wrapped" <<EOF
#!/bin/sh
case "\$ADD_TO \$*" in
"options --describe=options") "$GONEAWAY" "\$@"; echo "report --newopt" ;;
"help --help") "$GONEAWAY" "\$@"; echo "      --frobnicate        nothing" ;;
"serve-help serve --help") "$GONEAWAY" "\$@" | grep -v -- "--owner" ;;
"explore-help explore --help") "$GONEAWAY" "\$@" | grep -v -- "--margin" ;;
"empty --describe=options") ;;
*) exec "$GONEAWAY" "\$@" ;;
esac
EOF
chmod +x "$SCRATCH/wrapped"
W="$SCRATCH/wrapped"

test_expect_success 'every option: its table, --help, and the docs made from the tables' '
	sh "$TOP/tests/options.sh" "$TOP" "$GONEAWAY" > out; rc=$?; cat out &&
	test $rc -eq 0 &&
	grep -q "^options: ok ([0-9]* options of 7 commands" out
'

# doctor takes --mariadbd and --install-db, and checks every server
# root and image: its --help is its table, and names no option it has
# not (goneaway --help once said "the server roots (--server NAME)").
test_expect_success 'doctor --help: its table'"'"'s options and no other' '
	"$GONEAWAY" doctor --help > dh; rc=$?; cat dh &&
	test $rc -eq 0 && grep -q "^usage: goneaway doctor \[options\]" dh &&
	grep -q "^      --mariadbd PATH " dh && grep -q "^      --install-db PATH " dh &&
	! grep -q -- "--server" dh &&
	"$GONEAWAY" doctor --server local 2> de; rc=$?; cat de &&
	test $rc -eq 2 && grep -q "^usage: goneaway doctor" de &&
	"$GONEAWAY" --help | sed -n "/^  doctor /,/^  [a-z]/p" > gh && cat gh &&
	! grep -q -- "--server NAME)" gh && grep -q "goneaway doctor --help" gh
'

test_expect_success 'the docs are the generated tables, word for word' '
	"$GONEAWAY" --describe=options-markdown > every.md &&
	sed -n "/^<!-- options: begin -->\$/,/^<!-- options: end -->\$/p" \
		"$TOP/docs/running.md" | sed "1d;\$d" > docs.md &&
	test "$(wc -l < every.md)" -ge 60 && cmp every.md docs.md &&
	"$GONEAWAY" --describe=serve-options-markdown > serve.md &&
	sed -n "/^<!-- serve options: begin -->\$/,/^<!-- serve options: end -->\$/p" \
		"$TOP/docs/toxiproxy.md" | sed "1d;\$d" > docs.md &&
	grep -q "^| \`--mariadbd\`, \`--install-db\`, \`--fixtures\`, \`--cache\`, \`--server-timeout\` | as for \`goneaway run\` |\$" serve.md &&
	cmp serve.md docs.md &&
	"$GONEAWAY" --describe=explore-options-markdown > explore.md &&
	sed -n "/^<!-- explore options: begin -->\$/,/^<!-- explore options: end -->\$/p" \
		"$TOP/docs/explore.md" | sed "1d;\$d" > docs.md &&
	grep -q "^| \`--jobs N\`, \`-j\` | runs side by side, 1 to 64 (default 2) |\$" explore.md &&
	test "$(grep -c "^| \`--" explore.md)" -eq 13 &&
	cmp explore.md docs.md
'

test_expect_success 'a copy of the docs passes (what the cases below break)' '
	copy_docs && sh "$TOP/tests/options.sh" tree "$GONEAWAY"
'

test_expect_success 'a row of the docs deleted, or one more, fails' '
	copy_docs &&
	sed -i "/^| run | \`--timings\` |/d" tree/docs/running.md &&
	check "$GONEAWAY" "docs/running.md.s table of options is not what the tables" &&
	grep -q "^+| run | \`--timings\` | 0.2.0 |" out &&
	copy_docs &&
	sed -i "/^| run | \`--timings\` |/a| run | \`--gone\` | 0.2.0 | x |" tree/docs/running.md &&
	check "$GONEAWAY" "^-| run | \`--gone\` | 0.2.0 | x |"
'

test_expect_success 'a release or words changed by hand fail, in either doc' '
	copy_docs &&
	sed -i "s/^| replay | \`--trust\` | 0.3.0 |/| replay | \`--trust\` | 0.2.0 |/" tree/docs/running.md &&
	check "$GONEAWAY" "^+| replay | \`--trust\` | 0.3.0 |" &&
	copy_docs &&
	sed -i "s/^| \`--allow-low-ports\` | proxies may/| \`--allow-low-ports\` | proxies can/" tree/docs/toxiproxy.md &&
	check "$GONEAWAY" "docs/toxiproxy.md.s table of options is not what the tables" &&
	copy_docs &&
	sed -i "/^| \`--sample N\` |/d" tree/docs/explore.md &&
	check "$GONEAWAY" "docs/explore.md.s table of options is not what the tables" &&
	grep -q "^+| \`--sample N\` | of a row" out
'

test_expect_success 'a doc without its table fails' '
	copy_docs && sed -i "/<!-- serve options: begin -->/d" tree/docs/toxiproxy.md &&
	check "$GONEAWAY" "docs/toxiproxy.md has no <!-- serve options: begin -->"
'

test_expect_success 'an option of a table not in --help, or in --help and no table, fails' '
	copy_docs &&
	ADD_TO=options check "$W" "--newopt is in a table of options and not in goneaway --help" &&
	ADD_TO=help check "$W" "goneaway --help says --frobnicate, which no table of options has" &&
	ADD_TO=serve-help check "$W" "serve --owner is in a table of options and not in goneaway serve --help" &&
	ADD_TO=explore-help check "$W" "explore --margin is in a table of options and not in goneaway explore --help"
'

test_expect_success 'nothing to check fails' '
	copy_docs && ADD_TO=empty sh "$TOP/tests/options.sh" tree "$W" > out; rc=$?; cat out &&
	test $rc -eq 2 && grep -q "nothing to check" out
'

# ---- a copy of the tree whose tables say otherwise -------------------------------
T="$SCRATCH/src"
mkdir -p "$T/build" &&
cp -a "$TOP/Makefile" "$TOP/harness" "$T/" &&
(cd "$TOP/build" && tar cf - --exclude=./check-unit --exclude=./unit .) |
	(cd "$T/build" && tar xf -)

test_expect_success 'a table with an option more and another release: the copy builds' '
	sed -i "/^\tCLI_HELP_ROWS(\"0.2.0\", \"every option\"),\$/i\\
	{ .name = \"newopt\", .kind = CLI_OPT_TRUE, .at = REPORT(p.timings),\\
	  .since = \"0.5.0\", .doc = \"a new one\" }," "$T/harness/cli/report.c" &&
	grep -q "\"newopt\"" "$T/harness/cli/report.c" &&
	sed -i "/\.name = \"timings\"/,/\.since/s/\.since = \"0.2.0\"/.since = \"0.9.0\"/" \
		"$T/harness/cli/run.c" &&
	grep -q "\"0.9.0\"" "$T/harness/cli/run.c" &&
	make -s -C "$T" WERROR=1 goneaway > build.out 2>&1; rc=$?; tail -n 20 build.out;
	test $rc -eq 0
'

test_expect_success '... and its docs, --help and getopt follow the tables' '
	copy_docs &&
	check "$T/goneaway" "^-| run | \`--timings\` | 0.2.0 |" &&
	grep -q "^+| run | \`--timings\` | 0.9.0 |" out &&
	grep -q "^+| report | \`--newopt\` | 0.5.0 | a new one |" out &&
	grep -q "options: --newopt is in a table of options and not in goneaway --help" out &&
	"$T/goneaway" report --newopt 2> err; cat err &&
	grep -q "^usage: goneaway report" err &&
	! "$GONEAWAY" report --newopt 2> err && grep -q "unrecognized option" err
'

test_done
