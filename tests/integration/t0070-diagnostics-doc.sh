#!/bin/sh
# t0070-diagnostics-doc: the diagnostics tables of docs/scenario-format.md
# and docs/expectations.md (a connector's expectation file, read by
# lang/expectations.c) and the messages the parser, the expectation
# file's reader and the fault kinds can emit are the same set, in both
# directions.
#
# The messages are the format strings handed to the functions that make
# diagnostics (EMIT below, and snprintf into msg or diag->msg) in
# harness/lang/*.c (but select.c: the -k expression's reader, whose
# messages are about a command line, not a file; t0041 checks them),
# harness/faults/*.c and the units reader whose messages
# the fault kinds pass on (harness/util/units.c), read by a small C-aware awk
# scanner that skips comments and joins adjacent literals.  Each becomes a
# pattern (every conversion, %s or %d, matches any text); a format without
# a letter of its own ("%s", "%s: %s") only passes another message on and
# is left out.  The documented messages are the backquoted texts in the
# first column of every table under "## Diagnostics", where X, N and the
# like stand for what the conversion prints.
#
#   - every documented message must be matched by an emitted format
#     (else the doc names a message that no longer exists, or words it
#     differently);
#   - every emitted format must match a documented message (else a
#     message is undocumented).
#
# If the functions are renamed, the scanner finds none of their calls and
# says so, rather than passing on an empty list.  What a conversion prints
# is not checked: a list made at run time, such as the "(known: ...)" of
# connection options or what a number with a unit looks like ("'V' is
# not a rate: a number and bit, ..."), must be kept right by hand.
. "$(dirname "$0")/lib.sh"

# The scanner and the comparison are tests/diagnostics.sh's (t0006 runs
# it on a copy of the tree with a recipe of each kind done).
D="$TOP/tests/diagnostics.sh"
formats() { sh "$D" "$TOP" formats; }
documented() { sh "$D" "$TOP" documented; }
compare() { sh "$D" - compare "$1" "$2"; }

test_expect_success 'the scanner finds the messages the parser emits' '
	formats > formats && cat formats &&
	! grep "^MISSING" formats &&
	test "$(wc -l < formats)" -ge 150 &&
	grep -q "	unknown connection .%s.%s$" formats &&
	grep -q "	tbf needs .rate RATE.$" formats
'

test_expect_success 'the doc tables list messages' '
	documented > documented && cat documented &&
	test "$(wc -l < documented)" -ge 60
'

test_expect_success 'compare sees a message missing on either side' '
	printf "x.c\t%%s\nx.c\tunknown thing %%s\nx.c\tsecond %%d twice\n" > f &&
	printf "x.c\t%%s needs %%s\nx.c\t%%s needs one: a or b\n" >> f &&
	printf "%s\n" "unknown thing X" "a stale message" "X needs Y" \
		"X needs one: a" > d &&
	compare f d > drift && cat drift &&
	grep -qx "documented, never emitted: a stale message" drift &&
	grep -qx "emitted, not documented: second %d twice  (x.c)" drift &&
	grep -qx "emitted, not documented: %s needs one: a or b  (x.c)" drift &&
	test "$(wc -l < drift)" -eq 3
'

test_expect_success 'every documented message is emitted, every emitted one documented' '
	formats > formats && documented > documented &&
	compare formats documented > drift; cat drift; test ! -s drift &&
	sh "$D" "$TOP" > out; rc=$?; cat out; test $rc -eq 0
'

test_done
