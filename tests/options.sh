#!/bin/sh
# tests/options.sh - each command's options, three times told alike
# (git's t0450 holds -h to the manual): the command's table of options
# (the getopt table of harness/cli/COMMAND.c, and the outputs' rows of
# harness/report/*.c for --NAME FILE), "goneaway --help", and the rows
# of docs/running.md's "Every option".
#
#   1. every option of a command's table has its row in the docs, and
#      every row of the docs is an option of its command's table;
#   2. every option of a table is in --help, and every --word of --help
#      is an option of some table (or --version).
#
# Usage: sh tests/options.sh TOP HELP_FILE  (HELP_FILE: what goneaway
# --help printed).  Prints every difference and exits 1 when there was
# one (2: nothing to check).
set -u
top=$1
help=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ga-options.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
COMMANDS="run report check replay"

: > "$tmp/table"
for cmd in $COMMANDS; do
	sed -n '/^static const struct option [a-z_]*\[\] = {/,/^};/p' \
		"$top/harness/cli/$cmd.c" | grep -o '{ *"[a-z][a-z0-9-]*"' |
		grep -o '[a-z][a-z0-9-]*' | sed "s/^/$cmd /" >> "$tmp/table"
done
# the outputs written to a file: --NAME FILE of the commands their row
# says (report/outputs.h: GA_OUTPUT_RUN, GA_OUTPUT_REPORT)
awk '/\.name = "/ { n = $0; sub(/.*\.name = "/, "", n); sub(/".*/, "", n) }
     /\.file = / { if ($0 ~ /GA_OUTPUT_RUN/) print "run", n
		   if ($0 ~ /GA_OUTPUT_REPORT/) print "report", n }' \
	"$top"/harness/report/*.c >> "$tmp/table"
sort -u -o "$tmp/table" "$tmp/table"
[ -s "$tmp/table" ] || { echo "options: no table of options in harness/cli/: nothing to check"; exit 2; }

sed -n '/<!-- options: begin -->/,/<!-- options: end -->/p' \
	"$top/docs/running.md" | awk -F'|' 'NF >= 4 {
		cmd = $2; gsub(/ /, "", cmd)
		if (match($3, /--[a-z][a-z0-9-]*/))
			print cmd, substr($3, RSTART + 2, RLENGTH - 2) }' |
	sort -u > "$tmp/docs"
[ -s "$tmp/docs" ] || { echo "options: no \"Every option\" table in docs/running.md: nothing to check"; exit 2; }
grep -o -- '--[a-z][a-z0-9-]*' "$help" | sed 's/^--//' | sort -u > "$tmp/help"
[ -s "$tmp/help" ] || { echo "options: $help holds no option: nothing to check"; exit 2; }

{
	comm -23 "$tmp/table" "$tmp/docs" | while read -r c o; do
		echo "options: $c --$o (harness/cli/$c.c) has no row in docs/running.md's \"Every option\""
	done
	comm -13 "$tmp/table" "$tmp/docs" | while read -r c o; do
		echo "options: docs/running.md's \"Every option\" has $c --$o, which $c's table of options does not"
	done
	awk '{ print $2 }' "$tmp/table" | sort -u > "$tmp/all"
	comm -23 "$tmp/all" "$tmp/help" | while read -r o; do
		echo "options: --$o is in a table of options and not in goneaway --help"
	done
	echo version >> "$tmp/all"
	sort -u -o "$tmp/all" "$tmp/all"
	comm -13 "$tmp/all" "$tmp/help" | while read -r o; do
		echo "options: goneaway --help says --$o, which no table of options has"
	done
} > "$tmp/out"
if [ -s "$tmp/out" ]; then
	cat "$tmp/out"
	exit 1
fi
echo "options: ok ($(wc -l < "$tmp/table") options of $(echo $COMMANDS | wc -w) commands, each in its table, --help and docs/running.md)"
exit 0
