#!/bin/sh
# tests/options.sh - each command's options are declared once, in its
# table (harness/cli/COMMAND.c, explore's harness/cli/explore_args.c,
# cli/parseopt.h; the outputs' --NAME FILE in report/outputs.h), and
# what the docs and --help say of them is made from it or held to it
# (git's t0450 holds -h to the manual):
#
#   1. docs/running.md's "Every option", docs/toxiproxy.md's table of
#      serve's options and docs/explore.md's of explore's are what
#      docs/gen-options.sh makes of the tables ("goneaway
#      --describe=options-markdown", "...=serve-options-markdown",
#      "...=explore-options-markdown"), line for line;
#   2. every --word of goneaway --help is an option of the table of run,
#      report, check or replay (or --version), and every option of those
#      tables is in it (run's lines are made from its table, the others
#      are said in words); the same for goneaway serve --help and serve's
#      table, goneaway doctor --help and doctor's, and goneaway explore
#      --help and explore's (--help aside).
#
# Usage: sh tests/options.sh TOP GONEAWAY  (GONEAWAY: a goneaway built
# from TOP).  Prints every difference and exits 1 when there was one (2:
# nothing to check).
set -u
top=$1
goneaway=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ga-options.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

"$goneaway" --describe=options > "$tmp/table" 2> "$tmp/err"
[ -s "$tmp/table" ] || { cat "$tmp/err"; echo "options: $goneaway --describe=options names no option: nothing to check"; exit 2; }
"$goneaway" --help > "$tmp/help" 2>&1
"$goneaway" serve --help > "$tmp/serve-help" 2>&1
"$goneaway" doctor --help > "$tmp/doctor-help" 2>&1
"$goneaway" explore --help > "$tmp/explore-help" 2>&1
grep -q -- '--' "$tmp/help" || { echo "options: $goneaway --help holds no option: nothing to check"; exit 2; }

# ---- 1: the docs' tables are the generated ones -------------------------------
if ! sh "$top/docs/gen-options.sh" "$goneaway" "$tmp/docs" 2> "$tmp/gen"; then
	cat "$tmp/gen"
	echo "options: docs/gen-options.sh failed"
	exit 1
fi
for doc in running.md toxiproxy.md explore.md; do
	diff -u "$top/docs/$doc" "$tmp/docs/$doc" > "$tmp/diff.$doc" ||
		{ cat "$tmp/diff.$doc"
		  echo "options: docs/$doc's table of options is not what the tables of harness/cli/ declare (the diff above; make docs-tables writes it)"; } >> "$tmp/out"
done

# ---- 2: --help and the tables ----------------------------------------------------
# said FILE COMMANDS...: the options of COMMANDS, and the --words of FILE
said() {
	f=$1; shift
	for c in "$@"; do
		sed -n "s/^$c --//p" "$tmp/table"
	done | sort -u > "$tmp/opts"
	grep -o -- '--[a-z][a-z0-9-]*' "$f" | sed 's/^--//' | sort -u > "$tmp/words"
}
# held HELP WHO COMMAND...: HELP, goneaway WHO--help, says every option
# of the COMMANDs' tables (--help and --version aside: WHO's own) and
# none other
held() {
	f=$1 who=$2; shift 2
	said "$f" "$@"
	comm -23 "$tmp/opts" "$tmp/words" | grep -vx 'help\|version' | while read -r o; do
		echo "options: $who--$o is in a table of options and not in goneaway $who--help"
	done >> "$tmp/out"
	comm -13 "$tmp/opts" "$tmp/words" | grep -vx 'help\|version' | while read -r o; do
		echo "options: goneaway $who--help says --$o, which no table of options${who:+ of ${who% }} has"
	done >> "$tmp/out"
}
held "$tmp/help" "" run report check replay
held "$tmp/serve-help" "serve " serve
held "$tmp/doctor-help" "doctor " doctor
held "$tmp/explore-help" "explore " explore

if [ -s "$tmp/out" ]; then
	cat "$tmp/out"
	exit 1
fi
echo "options: ok ($(grep -c -- ' --' "$tmp/table") options of $(cut -d' ' -f1 "$tmp/table" | sort -u | wc -l) commands, each in --help, the docs' tables made from them)"
exit 0
