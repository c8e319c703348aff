#!/bin/sh
# docs/gen-replies.sh - docs/driver-protocol.md's table of a reply's
# members, made from the reply's one table (GA_REPLY_MAP,
# harness/client/reply.h), never edited by hand ("make docs-tables").
#
#     sh docs/gen-replies.sh GONEAWAY [OUT]
#
# Writes OUT/driver-protocol.md (OUT is docs/ by default): the doc with
# the lines between
#
#     <!-- begin: goneaway driver-test --describe=replies-markdown -->
#     <!-- end: goneaway driver-test --describe=replies-markdown -->
#
# made by "GONEAWAY driver-test --describe=replies-markdown".
# tests/integration/t0097-driver-test.sh writes to a scratch directory
# and compares, so a row edited by hand, or a member declared without
# its docs, fails there.
set -eu

doc=$(cd "$(dirname "$0")" && pwd)/driver-protocol.md
mkdir -p "${2:-$(dirname "$doc")}"
out=$(cd "${2:-$(dirname "$doc")}" && pwd)/driver-protocol.md
trap 'rm -f "$out.rows" "$out.tmp"' EXIT
mark="goneaway driver-test --describe=replies-markdown -->"
grep -qxF "<!-- begin: $mark" "$doc" && grep -qxF "<!-- end: $mark" "$doc" ||
	{ echo "gen-replies: $doc has no <!-- begin: $mark ... end" >&2; exit 1; }
"${1:?usage: sh docs/gen-replies.sh GONEAWAY [OUT]}" driver-test \
	--describe=replies-markdown > "$out.rows"
awk -v begin="<!-- begin: $mark" -v end="<!-- end: $mark" -v rows="$out.rows" '
	$0 == begin { print; while ((getline l < rows) > 0) print l
		      skip = 1; next }
	$0 == end { skip = 0 }
	!skip { print }' "$doc" > "$out.tmp"
mv "$out.tmp" "$out"
