#!/bin/sh
# tests/diagnostics.sh - the diagnostics tables of docs/scenario-format.md
# and docs/expectations.md and the messages the parser, the expectation
# file's reader and the fault kinds can emit are the same set, in both
# directions (t0070 holds this tree to it; t0006 a copy with a recipe of
# each kind done).
#
# The messages are the format strings handed to the functions that make
# diagnostics (EMIT below, and snprintf into msg or diag->msg) in
# harness/lang/*.c (but select.c: the -k expression's reader, whose
# messages are about a command line, not a file; t0041 checks them),
# harness/faults/*.c and the units reader whose messages the fault kinds
# pass on (harness/util/units.c), read by a small C-aware awk scanner
# that skips comments and joins adjacent literals.  The documented
# messages are the backquoted texts in the first column of every table
# under "## Diagnostics" (t0070-diagnostics-doc.sh says more).
#
# Usage:
#   sh tests/diagnostics.sh TOP             the drift, one line each;
#                                           exit 1 when there is any, 2
#                                           when there is nothing to read
#   sh tests/diagnostics.sh TOP formats     "FILE<TAB>FORMAT" per format
#   sh tests/diagnostics.sh TOP documented  a documented message a line
#   sh tests/diagnostics.sh - compare FORMATS DOCUMENTED
#                                           the drift of those two files
set -u
TOP=${1:?usage: sh tests/diagnostics.sh TOP [formats|documented|compare F D]}
DOCS="$TOP/docs/scenario-format.md $TOP/docs/expectations.md"
EMIT="ga_perr ga_perr_at ga_lex_need ga_diags_add ga_fault_diag_set units_diag fail"

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

case ${2:-drift} in
formats) formats ;;
documented) documented ;;
compare) compare "$3" "$4" ;;
drift)
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/ga-diagnostics.XXXXXX") || exit 2
	trap 'rm -rf "$tmp"' EXIT
	formats > "$tmp/formats" && documented > "$tmp/documented" || exit 2
	if grep "^MISSING" "$tmp/formats" || [ "$(wc -l < "$tmp/formats")" -lt 150 ] ||
	   [ "$(wc -l < "$tmp/documented")" -lt 60 ]; then
		echo "diagnostics: too few messages read in $TOP: nothing to check"
		exit 2
	fi
	compare "$tmp/formats" "$tmp/documented" > "$tmp/drift"
	if [ -s "$tmp/drift" ]; then
		cat "$tmp/drift"
		exit 1
	fi
	echo "diagnostics: ok ($(wc -l < "$tmp/documented") documented messages, each emitted, every emitted one documented)" ;;
*) echo "usage: sh tests/diagnostics.sh TOP [formats|documented|compare F D]" >&2
   exit 2 ;;
esac
