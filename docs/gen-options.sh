#!/bin/sh
# docs/gen-options.sh - the docs' tables of options, made from the
# commands' tables of options (harness/cli/COMMAND.c, cli/parseopt.h),
# never edited by hand ("make docs-tables").
#
#     sh docs/gen-options.sh GONEAWAY [OUT]
#
# Writes OUT/running.md, OUT/toxiproxy.md and OUT/explore.md (OUT is
# docs/ by default): docs/running.md with its "Every option" rows,
# between
#
#     <!-- options: begin -->
#     <!-- options: end -->
#
# made by "GONEAWAY --describe=options-markdown"; docs/toxiproxy.md
# with serve's, between "<!-- serve options: begin -->" and "<!-- serve
# options: end -->", made by "GONEAWAY --describe=serve-options-markdown";
# and docs/explore.md with explore's, between "<!-- explore options:
# begin -->" and "<!-- explore options: end -->", made by "GONEAWAY
# --describe=explore-options-markdown".
# tests/options.sh writes to a scratch directory and compares, so a row
# edited by hand, or an option declared without its docs, fails there
# (t0151).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
goneaway=${1:?usage: sh docs/gen-options.sh GONEAWAY [OUT]}
out=${2:-$here}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ga-gen-options.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# fill DOC MARK WHAT: DOC with the lines between "<!-- MARK: begin -->"
# and "<!-- MARK: end -->" made by GONEAWAY --describe=WHAT, to OUT/DOC
fill() {
	"$goneaway" --describe="$3" > "$tmp/rows"
	grep -qx "<!-- $2: begin -->" "$here/$1" &&
		grep -qx "<!-- $2: end -->" "$here/$1" ||
		{ echo "gen-options: docs/$1 has no <!-- $2: begin --> ... end -->" >&2; exit 1; }
	sh "$here/gen-splice.sh" "<!-- $2: begin -->" "<!-- $2: end -->" \
		"$tmp/rows" < "$here/$1" > "$tmp/$1"
	mkdir -p "$out" && cp "$tmp/$1" "$out/$1"
}

fill running.md options options-markdown
fill toxiproxy.md "serve options" serve-options-markdown
fill explore.md "explore options" explore-options-markdown
