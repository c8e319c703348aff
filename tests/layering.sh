#!/bin/sh
# tests/layering.sh - the floors of docs/ARCHITECTURE.md, checked.
#
# The table of floors in docs/ARCHITECTURE.md ("The floors", between the
# "layering: the floors" marks) says, for each subsystem of harness/, its
# floor and the subsystems it uses.  This checks that:
#
#   1. the table is a drawing of floors: every subsystem of harness/ has
#      its row, each uses only subsystems of lower floors (none above it,
#      none beside it on its own floor), and each sits one floor above
#      the highest it uses;
#   2. the code uses what the table says and nothing else, read from the
#      "#include" lines (also "# include") and from the objects' symbols
#      (nm: a call or a datum of another subsystem, with or without an
#      include), and every arrow of the table is one the code has;
#   3. a subsystem's internal.h is included by its own files (and its
#      unit tests) only; drivers/c/ (built apart, inside a server root)
#      includes util/, lang/ and mysqlapi/ only; the unit tests include
#      headers that exist;
#   4. no header includes itself again through other headers (two that
#      include each other, or a longer ring);
#   5. inside a subsystem, no file calls into a file that calls back into
#      it (directly or around a ring), from the objects' symbols.
#
# There must be something to check: a table, includes, and an object for
# every harness/*/*.c (so it runs after a build); without them it fails.
#
# Usage: sh tests/layering.sh [BUILD_DIR]   (BUILD_DIR defaults to build)
# Prints every violation and exits 1 when there was one (2: nothing to
# check).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
cd "$top" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ga-layering.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

# what the C driver (built apart, inside a server root) may use
DRIVER_FLOORS="util lang mysqlapi"

bad=0
fail() { echo "layering: $*"; bad=1; }
# nothing WHY: what was found so far, then WHY; exit 2
nothing() {
	[ -s "$tmp/out" ] && cat "$tmp/out"
	echo "layering: $*: nothing to check"
	exit 2
}

# ---- the table: "SUBSYSTEM FLOOR USES..." per row ----------------------------
sed -n '/<!-- layering: the floors -->/,/<!-- layering: end -->/p' \
	docs/ARCHITECTURE.md |
	awk -F'|' 'NF >= 4 && $2 ~ /^ *[0-9]+ *$/ {
		name = $3; gsub(/[ `]/, "", name)
		uses = $4; gsub(/`/, " ", uses); gsub(/  +/, " ", uses)
		sub(/^ /, "", uses); sub(/ $/, "", uses)
		if (name ~ /^[a-z0-9_]+$/ && uses ~ /^[a-z0-9_ ]*$/)
			print name, $2 + 0, uses }' > "$tmp/table"
: > "$tmp/out"
[ -s "$tmp/table" ] || nothing "no table of floors in docs/ARCHITECTURE.md"
floors=$(awk '{ print $1 }' "$tmp/table" | tr '\n' ' ')

# F_NAME: the floor of NAME
while read -r s f uses; do
	eval "F_$s=$f"
done < "$tmp/table"
floor_of() {
	case $1 in *[!a-z0-9_]*|'') echo -1; return ;; esac
	eval "echo \${F_$1:--1}"
}
# "FROM TO" for every arrow of the table
awk '{ for (i = 3; i <= NF; i++) print $1, $i }' "$tmp/table" |
	sort -u > "$tmp/arrows"

# ---- 1: the table is a drawing of floors -----------------------------------
for dir in harness/*/; do
	s=${dir%/}; s=${s##*/}
	[ "$(floor_of "$s")" -ge 0 ] ||
		fail "harness/$s/ has no row in the table of docs/ARCHITECTURE.md"
done
while read -r s f uses; do
	[ -d "harness/$s" ] ||
		fail "the table names $s, and there is no harness/$s/"
	top_used=-1
	for t in $uses; do
		ft=$(floor_of "$t")
		if [ "$ft" -lt 0 ]; then
			fail "the table: $s uses $t, which has no row"
		elif [ "$ft" -gt "$f" ]; then
			fail "the table: $s (floor $f) uses $t (floor $ft), above it"
		elif [ "$ft" -eq "$f" ]; then
			fail "the table: $s uses $t beside it on floor $f (siblings do not use each other)"
		fi
		[ "$ft" -gt "$top_used" ] && top_used=$ft
	done
	[ "$f" -eq $((top_used + 1)) ] ||
		fail "the table: $s is on floor $f, and what it uses puts it on floor $((top_used + 1))"
done < "$tmp/table"

# ---- 2 and 3: includes ------------------------------------------------------
# "FILE HEADER" for every quoted include of a subsystem header
includes() {
	grep -H '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[a-z0-9_]*/[a-z0-9_]*\.h"' "$@" 2>/dev/null |
		sed 's/:[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/ \1/'
}
# judge: reads "FROM TO WHAT" lines, FROM a subsystem that uses TO by WHAT
# ("harness/run/x.c includes lang/y.h"); prints each use the table does
# not give, why, and writes "FROM TO" of every use into $tmp/used.
judge() {
	awk -v used="$tmp/used" '
	FILENAME == ARGV[1] { floor[$1] = $2; uses[$1] = ""
		for (i = 3; i <= NF; i++) {
			may[$1 " " $i] = 1
			uses[$1] = uses[$1] (i > 3 ? " " : "") $i
		}
		next }
	{ s = $1; t = $2; what = $0; sub(/^[^ ]* [^ ]* /, "", what)
	  if (s == t || !(s in floor) || !(t in floor)) next
	  print s, t >> used
	  if ((s " " t) in may) next
	  if (floor[t] > floor[s]) why = t "/ is above " s "/"
	  else if (floor[t] == floor[s]) why = t "/ is beside " s \
		"/ on floor " floor[s] " (siblings do not use each other)"
	  else why = s "/ does not use " t "/ (docs/ARCHITECTURE.md: " s \
		" uses " uses[s] ")"
	  print "layering: " what ": " why }' "$tmp/table" -
}
includes harness/*/*.[ch] > "$tmp/includes"
[ -s "$tmp/includes" ] || nothing "no #include of a subsystem's header in harness/"
awk '{ split($1, a, "/"); split($2, b, "/")
       print a[2], b[1], $1 " includes " $2 }' "$tmp/includes" |
	judge >> "$tmp/out"
awk '{ split($1, a, "/"); split($2, b, "/")
       if (b[2] == "internal.h" && a[2] != b[1])
		print "layering: " $1 " includes " $2 ", internal to " b[1] "/" }' \
	"$tmp/includes" >> "$tmp/out"
includes drivers/c/*.c drivers/c/*.h | while read -r file hdr; do
	t=${hdr%%/*}
	case " $DRIVER_FLOORS " in *" $t "*) ;; *)
		echo "layering: $file includes $hdr: drivers/c may use $DRIVER_FLOORS only" ;;
	esac
	[ "${hdr#*/}" = internal.h ] &&
		echo "layering: $file includes $hdr, internal to $t/"
done >> "$tmp/out"
includes tests/unit/*.c | while read -r file hdr; do
	[ -f "harness/$hdr" ] || [ "${hdr%%/*}" = build ] ||
		echo "layering: $file includes $hdr, which does not exist"
done >> "$tmp/out"

# ---- 4: rings of headers ----------------------------------------------------
# tsort reports a ring ("input contains a loop") and its members.
ring=$(includes harness/*/*.h | while read -r file hdr; do
	echo "${file#harness/} $hdr"
done | tsort 2>&1 >/dev/null)
[ -z "$ring" ] || echo "layering: headers include each other: $(echo "$ring" | grep -v 'input contains a loop' | tr -s ' \n' ' ')" >> "$tmp/out"

# ---- 2 and 5: the objects' symbols ----------------------------------------
objs= nmissing=0 nsrc=0
# (parameter expansions, not basename and cut: two processes a source
# were most of this check's 5 s)
for c in harness/*/*.c; do
	s=${c#harness/}; s=${s%%/*}
	o=${c##*/}; o=$s/${o%.c}.o
	nsrc=$((nsrc + 1))
	if [ -f "$build/$o" ]; then
		objs="$objs $o"
	else
		nmissing=$((nmissing + 1))
		[ "$nmissing" -eq 1 ] && first=$build/$o
	fi
done
[ "$nmissing" -eq 0 ] ||
	nothing "no object for $nmissing of the $nsrc sources in $build (the first: $first; make first)"
[ -f "$build/errnames_gen.o" ] && objs="$objs errnames_gen.o"
# "SUBSYSTEM/FILE KIND SYMBOL" for every symbol of every object (their
# paths relative to $build, which may hold a blank: /root/ga clone)
# shellcheck disable=SC2086
(cd "$build" && nm -A $objs 2>/dev/null) | awk '
	{ file = $1; sub(/:.*/, "", file)
	  sub(/\.o$/, "", file)
	  if (file == "errnames_gen") file = "lang/errnames_gen"
	  sym = $NF; kind = $(NF - 1)
	  if (kind ~ /^[TDRBCVW]$/) print file, "def", sym
	  else if (kind == "U") print file, "use", sym }' > "$tmp/syms"
[ -s "$tmp/syms" ] || nothing "no symbols in the objects of $build"
# "USER DEFINER SYMBOL" for every use of a symbol another file defines
awk '$2 == "def" { def[$3] = $1 }
     $2 == "use" { use[++n] = $1; sym[n] = $3 }
     END { for (i = 1; i <= n; i++)
		if ((sym[i] in def) && def[sym[i]] != use[i])
			print use[i], def[sym[i]], sym[i] }' "$tmp/syms" |
	sort -u > "$tmp/calls"
awk '{ split($1, a, "/"); split($2, b, "/")
       print a[1], b[1], $1 " calls " $3 " of " $2 }' "$tmp/calls" |
	judge | sort -u >> "$tmp/out"
for s in $floors; do
	awk -v s="$s" '{ split($1, a, "/"); split($2, b, "/")
		if (a[1] == s && b[1] == s) print $1, $2 }' "$tmp/calls" |
		sort -u > "$tmp/ring"
	ring=$(tsort "$tmp/ring" 2>&1 >/dev/null)
	[ -z "$ring" ] || echo "layering: $s/: files call each other: $(echo "$ring" | grep -v 'input contains a loop' | sed 's/^tsort: //' | tr -s ' \n' ' ')" >> "$tmp/out"
done

# ---- 2: every arrow of the table is one the code has -----------------------
sort -u "$tmp/used" > "$tmp/used.sorted"
comm -23 "$tmp/arrows" "$tmp/used.sorted" | while read -r s t; do
	echo "layering: the table says $s uses $t, and no file of harness/$s/ does (take the arrow out of docs/ARCHITECTURE.md)"
done >> "$tmp/out"

if [ -s "$tmp/out" ]; then
	cat "$tmp/out"
	bad=1
fi
[ $bad -eq 0 ] && echo "layering: ok ($(wc -l < "$tmp/table") subsystems on $(awk '{ print $2 }' "$tmp/table" | sort -u | wc -l) floors, $(wc -l < "$tmp/arrows") arrows)"
exit $bad
