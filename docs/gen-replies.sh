#!/bin/sh
# docs/gen-replies.sh - docs/driver-protocol.md's tables of a reply's
# members, made from the reply's one table (GA_REPLY_MAP,
# harness/client/reply.h), never edited by hand ("make docs-tables").
#
#     sh docs/gen-replies.sh GONEAWAY [OUT]
#
# Writes OUT/driver-protocol.md (OUT is docs/ by default): the doc with
# the lines between each pair of
#
#     <!-- begin: goneaway driver-test --describe=WHAT -->
#     <!-- end: goneaway driver-test --describe=WHAT -->
#
# made by "GONEAWAY driver-test --describe=WHAT", for WHAT
# replies-markdown (what each member means, "Replies") and
# accepts-markdown (what goneaway takes of each and does otherwise,
# "What goneaway accepts").
# tests/integration/t0097-driver-test.sh writes to a scratch directory
# and compares, so a row edited by hand, a member declared without its
# docs, or a check whose bound changed without its table, fails there.
set -eu

doc=$(cd "$(dirname "$0")" && pwd)/driver-protocol.md
mkdir -p "${2:-$(dirname "$doc")}"
out=$(cd "${2:-$(dirname "$doc")}" && pwd)/driver-protocol.md
goneaway=${1:?usage: sh docs/gen-replies.sh GONEAWAY [OUT]}
trap 'rm -f "$out.rows" "$out.tmp" "$out.in"' EXIT
cp "$doc" "$out.in"
for what in replies-markdown accepts-markdown; do
	mark="goneaway driver-test --describe=$what -->"
	grep -qxF "<!-- begin: $mark" "$out.in" &&
		grep -qxF "<!-- end: $mark" "$out.in" ||
		{ echo "gen-replies: $doc has no <!-- begin: $mark ... end" >&2
		  exit 1; }
	"$goneaway" driver-test --describe="$what" > "$out.rows"
	awk -v begin="<!-- begin: $mark" -v end="<!-- end: $mark" \
	    -v rows="$out.rows" '
		$0 == begin { print; while ((getline l < rows) > 0) print l
			      skip = 1; next }
		$0 == end { skip = 0 }
		!skip { print }' "$out.in" > "$out.tmp"
	mv "$out.tmp" "$out.in"
done
mv "$out.in" "$out"
