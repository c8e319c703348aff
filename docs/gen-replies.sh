#!/bin/sh
# docs/gen-replies.sh - docs/driver-protocol.md's tables of a reply's
# members and the fuzz dictionary's reply keys, made from the reply's
# one table (GA_REPLY_MAP, harness/client/reply.h), never edited by hand
# ("make docs-tables").
#
#     sh docs/gen-replies.sh GONEAWAY [OUT]
#
# Writes OUT/driver-protocol.md and OUT/protocol.dict (by default
# docs/driver-protocol.md and tests/fuzz/protocol.dict): the files with
# the lines between each pair of marks
#
#     <!-- begin: goneaway driver-test --describe=WHAT -->   (the doc)
#     <!-- end: goneaway driver-test --describe=WHAT -->
#     # begin: goneaway driver-test --describe=WHAT          (the dict)
#     # end: goneaway driver-test --describe=WHAT
#
# made by "GONEAWAY driver-test --describe=WHAT": in the doc
# replies-markdown (what each member means, "Replies") and
# accepts-markdown (what goneaway takes of each and does otherwise,
# "What goneaway accepts"), in the dictionary replies-dict.
# tests/integration/t0097-driver-test.sh writes to a scratch directory
# and compares, so a row edited by hand, a member declared without its
# docs or its key, or a check whose bound changed without its table,
# fails there.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
goneaway=${1:?usage: sh docs/gen-replies.sh GONEAWAY [OUT]}
if test -n "${2:-}"; then
	mkdir -p "$2"
	out=$(cd "$2" && pwd)
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gen-replies.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# write FILE OUTFILE OPEN CLOSE WHAT...: FILE with each WHAT's block
# (between OPEN"begin: "MARK and OPEN"end: "MARK, MARK the command and
# CLOSE) made again, into OUTFILE
write() {
	src=$1 dst=$2 open=$3 close=$4
	shift 4
	cp "$src" "$tmp/in"
	for what in "$@"; do
		mark="goneaway driver-test --describe=$what$close"
		grep -qxF "${open}begin: $mark" "$tmp/in" &&
			grep -qxF "${open}end: $mark" "$tmp/in" ||
			{ echo "gen-replies: $src has no ${open}begin: $mark ... end" >&2
			  exit 1; }
		"$goneaway" driver-test --describe="$what" > "$tmp/rows"
		sh "$top/docs/gen-splice.sh" "${open}begin: $mark" \
			"${open}end: $mark" "$tmp/rows" < "$tmp/in" > "$tmp/out"
		mv "$tmp/out" "$tmp/in"
	done
	mv "$tmp/in" "$dst"
}

write "$top/docs/driver-protocol.md" \
	"${out:-$top/docs}/driver-protocol.md" "<!-- " " -->" \
	replies-markdown accepts-markdown
write "$top/tests/fuzz/protocol.dict" \
	"${out:-$top/tests/fuzz}/protocol.dict" "# " "" replies-dict
