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

here=$(cd "$(dirname "$0")" && pwd)
goneaway=${1:?usage: sh docs/gen-replies.sh GONEAWAY [OUT]}
out=${2:-$here}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ga-gen-replies.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

begin="<!-- begin: goneaway driver-test --describe=replies-markdown -->"
end="<!-- end: goneaway driver-test --describe=replies-markdown -->"
"$goneaway" driver-test --describe=replies-markdown > "$tmp/rows"
grep -qxF "$begin" "$here/driver-protocol.md" &&
	grep -qxF "$end" "$here/driver-protocol.md" ||
	{ echo "gen-replies: docs/driver-protocol.md has no $begin ... $end" >&2; exit 1; }
awk -v begin="$begin" -v end="$end" -v rows="$tmp/rows" '
	$0 == begin { print; while ((getline l < rows) > 0) print l
		      skip = 1; next }
	$0 == end { skip = 0 }
	!skip { print }' "$here/driver-protocol.md" > "$tmp/driver-protocol.md"
mkdir -p "$out" && cp "$tmp/driver-protocol.md" "$out/driver-protocol.md"
