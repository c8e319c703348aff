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

DOCS="$TOP/docs/scenario-format.md $TOP/docs/expectations.md"
EMIT="ga_perr ga_perr_at ga_diags_add ga_fault_diag_set units_diag fail"

# formats > OUT: "FILE<TAB>FORMAT" per format string; "MISSING<TAB>NAME"
# for an emitter with no call at all.
formats() {
	awk -v EMIT="$EMIT" -v TOP="$TOP" '
	function flush_group() {
		if (ingroup)
			print file "\t" cur
		ingroup = 0
		cur = ""
	}
	function read_lit(i,   c, out) {
		out = ""
		for (i++; i <= n; i++) {
			c = substr(src, i, 1)
			if (c == "\\") {
				c = substr(src, ++i, 1)
				out = out (c == "n" ? " " : c == "t" ? " " : c)
			} else if (c == "\"")
				break
			else
				out = out c
		}
		lit = out
		return i + 1
	}
	function skip_comment(i,   j) {
		if (substr(src, i, 2) == "/*") {
			j = index(substr(src, i + 2), "*/")
			return j ? i + j + 3 : n + 1
		}
		j = index(substr(src, i), "\n")
		return j ? i + j : n + 1
	}
	function skip_char(i,   c) {
		for (i++; i <= n; i++) {
			c = substr(src, i, 1)
			if (c == "\\")
				i++
			else if (c == "\047")
				return i + 1
		}
		return i
	}
	# The call whose "(" is at i: the format is the first argument
	# holding a literal at the level of the call; adjacent literals are
	# one, and each branch of a ?: is a format of its own.
	function call(i, name,   depth, arg, fmtarg, c, first, lastlit) {
		depth = 0; arg = 1; fmtarg = 0; first = ""; lastlit = 0
		ingroup = 0; cur = ""
		while (i <= n) {
			c = substr(src, i, 1)
			if (substr(src, i, 2) == "/*" || substr(src, i, 2) == "//") {
				i = skip_comment(i)
				continue
			}
			if (c == "\"") {
				i = read_lit(i)
				if (depth == 1 && fmtarg == 0 && (name != "snprintf" ||
				    first == "msg" || first == "diag->msg"))
					fmtarg = arg
				if (depth == 1 && arg == fmtarg) {
					if (ingroup && lastlit)
						cur = cur lit
					else {
						flush_group()
						cur = lit
						ingroup = 1
					}
					lastlit = 1
				}
				continue
			}
			if (c == "\047") {
				i = skip_char(i)
				lastlit = 0
				continue
			}
			i++
			if (c ~ /[ \t\n]/)
				continue
			lastlit = 0
			if (c == "(")
				depth++
			else if (c == ")") {
				if (--depth == 0)
					break
			} else if (c == "," && depth == 1)
				arg++
			else if (c == ";" || c == "{" || c == "}")
				break
			else if (depth == 1 && arg == 1)
				first = first c
		}
		flush_group()
		return i
	}
	function scan(   i, c, w) {
		n = length(src)
		i = 1
		while (i <= n) {
			c = substr(src, i, 1)
			if (substr(src, i, 2) == "/*" || substr(src, i, 2) == "//")
				i = skip_comment(i)
			else if (c == "\"")
				i = read_lit(i)
			else if (c == "\047")
				i = skip_char(i)
			else if (c ~ /[A-Za-z_]/) {
				w = ""
				while (i <= n && substr(src, i, 1) ~ /[A-Za-z0-9_]/)
					w = w substr(src, i++, 1)
				if (w in emit) {
					while (substr(src, i, 1) ~ /[ \t\n]/)
						i++
					if (substr(src, i, 1) == "(") {
						found[w]++
						i = call(i, w)
					}
				}
			} else
				i++
		}
	}
	BEGIN {
		nnames = split(EMIT " snprintf", names, " ")
		for (k = 1; k <= nnames; k++)
			emit[names[k]] = 1
	}
	FNR == 1 && NR != 1 {
		scan()
		src = ""
	}
	{
		file = FILENAME
		if (index(file, TOP "/") == 1)
			file = substr(file, length(TOP) + 2)
		src = src $0 "\n"
	}
	END {
		scan()
		for (k = 1; k <= nnames; k++)
			if (!(names[k] in found))
				print "MISSING\t" names[k]
	}' $(ls "$TOP"/harness/lang/*.c | grep -v '/select\.c$') \
		"$TOP"/harness/faults/*.c "$TOP"/harness/util/units.c
}

# documented > OUT: one documented message per line
documented() {
	awk '
	/^## / { on = ($0 == "## Diagnostics") }
	on && /^\| `/ {
		line = $0
		gsub(/\\\|/, "\001", line)      # \| inside a cell
		split(line, cell, "|")
		m = cell[2]
		while (match(m, /`[^`]*`/)) {
			t = substr(m, RSTART + 1, RLENGTH - 2)
			gsub("\001", "|", t)
			print t
			m = substr(m, RSTART + RLENGTH)
		}
	}' $DOCS
}

# compare FORMATS DOCUMENTED: prints the drift, one line each, and
# nothing when the two agree.  A documented message counts for the most
# specific format that matches it (the one with the most text of its
# own), so a loose format such as "'%s' needs %s" cannot stand in for a
# message whose own, more precise format has changed.
compare() {
	awk -F '\t' '
	# FORMAT as an anchored pattern: conversions match any text.
	function pattern(f,   out, c, i, n) {
		out = "^"
		n = length(f)
		for (i = 1; i <= n; i++) {
			c = substr(f, i, 1)
			if (c == "%") {
				if (substr(f, i + 1, 1) == "%") {
					out = out "%"
					i++
					continue
				}
				i++
				while (i <= n && substr(f, i, 1) ~ /[-+ #0-9.*hlLjzt]/)
					i++
				out = out ".*"
			} else if (c ~ /[][\\.^$*+?(){}|]/)
				out = out "\\" c
			else
				out = out c
		}
		return out "$"
	}
	NR == FNR {
		if ($1 == "MISSING") {
			print "no call of " $2 " found: is EMIT out of date?"
			next
		}
		text = $2
		gsub(/%[-+ #0-9.*hlLjzt]*[a-zA-Z%]/, "", text)
		if (text !~ /[A-Za-z]/)
			next            # passes another message on
		r = pattern($2)         # "%s" and "%.*s" read the same
		if (r in fmt)
			next
		fmt[r] = $2 "  (" $1 ")"
		own[r] = length(text)
		next
	}
	{ doc[++ndoc] = $0 }
	END {
		for (i = 1; i <= ndoc; i++) {
			best = ""
			for (r in fmt)
				if (doc[i] ~ r && (best == "" || own[r] > own[best]))
					best = r
			if (best == "")
				print "documented, never emitted: " doc[i]
			else
				used[best] = 1
		}
		for (r in fmt)
			if (!(r in used))
				print "emitted, not documented: " fmt[r]
	}' "$1" "$2" | sort
}

test_expect_success 'the scanner finds the messages the parser emits' '
	formats > formats && cat formats &&
	! grep "^MISSING" formats &&
	test "$(wc -l < formats)" -ge 150 &&
	grep -q "	unknown connection .%s.%s$" formats &&
	grep -q "	rate must be more than 0$" formats
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
	compare formats documented > drift; cat drift; test ! -s drift
'

test_done
