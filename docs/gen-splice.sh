#!/bin/sh
# docs/gen-splice.sh - the one splice of the docs' generators
# (docs/gen-options.sh, docs/gen-replies.sh):
#
#     sh docs/gen-splice.sh BEGIN END ROWS < IN > OUT
#
# copies IN with the lines between the line BEGIN and the line END (both
# kept, each matched whole) made the lines of the file ROWS.
set -eu

awk -v begin="${1:?usage: sh docs/gen-splice.sh BEGIN END ROWS}" \
    -v end="${2:?}" -v rows="${3:?}" '
	$0 == begin { print; while ((getline l < rows) > 0) print l
		      skip = 1; next }
	$0 == end { skip = 0 }
	!skip { print }'
