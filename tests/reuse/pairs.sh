#!/bin/sh
# tests/reuse/pairs.sh FLAVOUR OUTDIR [KIND...] - the A/B pairs of
# tests/reuse/states.txt for one server flavour (mariadb or mysql), as
# scenario files: OUTDIR/a-NAME.gw (leaves the state) and OUTDIR/b-NAME.gw
# (reads it; PASSes on a fresh server).  Prints the pairs' names, one a
# line, in the file's order; with KIND words, only those kinds ("issue":
# the kinds marked issue).  Exit 2 on a malformed states file (its line
# and what was expected).
set -u

die() { printf 'pairs.sh: %s\n' "$*" >&2; exit 2; }

[ $# -ge 2 ] || die "usage: pairs.sh mariadb|mysql OUTDIR [KIND...]"
flavour=$1 out=$2
shift 2
case $flavour in mariadb|mysql) ;; *) die "no flavour '$flavour' (mariadb or mysql)" ;; esac
states=${GA_REUSE_STATES:-$(dirname "$0")/states.txt}
[ -r "$states" ] || die "cannot read $states"
mkdir -p "$out" || die "cannot make $out"

awk -v flavour="$flavour" -v out="$out" -v only=" $* " -v file="$states" '
function bad(msg) { printf "%s:%d: %s\n", file, NR, msg > "/dev/stderr"; err = 1; exit 2 }
function wanted(n, issue) {
	return only == "  " || index(only, " " n " ") || (issue && index(only, " issue "))
}
function flush(   w) {
	if (name == "" || !wanted(name, issue) || a == "" || b == "")
		return
	for (w = 1; w <= 2; w++) {
		f = out "/" (w == 1 ? "a-" : "b-") name ".gw"
		printf "# made by tests/reuse/pairs.sh from %s (%s)\n", file, flavour > f
		printf "title    reuse pair %s: %s\n", name,
			w == 1 ? "A leaves the state" : "B reads it" > f
		printf "cause    (test fixture) %s\n", name > f
		printf "%s", (w == 1 ? a : b) > f
		close(f)
	}
	print name
}
/^#/ && section == "" { next }
/^== / {
	flush()
	if (NF < 2 || NF > 3 || (NF == 3 && $3 != "issue"))
		bad("expected \"== NAME [issue]\"")
	if ($2 !~ /^[a-z0-9-]+$/) bad("a kind is named with a-z, 0-9 and -, not \"" $2 "\"")
	if (seen[$2]++) bad("kind \"" $2 "\" twice")
	name = $2; issue = (NF == 3); a = b = ""; section = ""
	next
}
/^-- / {
	if (name == "") bad("a section before the first \"== NAME\"")
	if ($2 != "a" && $2 != "b") bad("expected \"-- a\" or \"-- b\", found \"" $2 "\"")
	if (NF > 3 || (NF == 3 && $3 != "mariadb" && $3 != "mysql"))
		bad("expected \"-- " $2 " [mariadb|mysql]\"")
	section = (NF == 3 && $3 != flavour) ? "skip" : $2
	next
}
/^$/ { section = ""; next }
{
	if (section == "") bad("a line outside a \"-- a\" or \"-- b\" section")
	if (section == "a") a = a $0 "\n"
	else if (section == "b") b = b $0 "\n"
}
END { if (!err) flush() }
' "$states"
