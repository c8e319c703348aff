#!/bin/sh
# tests/layering.sh - the floors of docs/ARCHITECTURE.md, checked.
#
#   1. A file of harness/S/ includes headers of S and of floors below S
#      only; drivers/c/ includes only util/, lang/ and mysqlapi/.
#   2. A subsystem's internal.h is included by its own files (and its
#      unit tests) only.
#   3. No header includes itself again through other headers (two headers
#      that include each other, or a longer ring).
#   4. Inside a subsystem, no file calls into a file that calls back into
#      it (directly or around a ring): read from the objects' symbols
#      (nm) when BUILD_DIR holds them, so it runs after a build.
#
# Usage: sh tests/layering.sh [BUILD_DIR]   (BUILD_DIR defaults to build)
# Prints every violation and exits 1 when there was one.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
cd "$top" || exit 2

# bottom first; a file may include its own floor and the ones below it
FLOORS="util lang lab mysqlapi faults proxy server client run report plan cli"
# what the C driver (built apart, inside a server root) may use
DRIVER_FLOORS="util lang mysqlapi"

floor_of() {
	n=0
	for f in $FLOORS; do
		[ "$f" = "$1" ] && { echo $n; return; }
		n=$((n + 1))
	done
	echo -1
}

bad=0
fail() { echo "layering: $*"; bad=1; }

# "FILE HEADER" for every quoted include of a subsystem header
includes() {
	grep -H '^#include "[a-z0-9_]*/[a-z0-9_]*\.h"' "$@" 2>/dev/null |
		sed 's/:#include "\([^"]*\)".*/ \1/'
}

# ---- 1 and 2: floors, internal headers ------------------------------------
for dir in harness/*/; do
	s=$(basename "$dir")
	[ "$(floor_of "$s")" -ge 0 ] || fail "harness/$s/ is on no floor (add it to FLOORS and docs/ARCHITECTURE.md)"
done
includes harness/*/*.[ch] | while read -r file hdr; do
	s=$(echo "$file" | cut -d/ -f2)
	t=${hdr%%/*}
	fs=$(floor_of "$s"); ft=$(floor_of "$t")
	[ "$ft" -ge 0 ] || continue     # a generated or foreign header
	if [ "$ft" -gt "$fs" ]; then
		echo "layering: $file includes $hdr: $t/ is above $s/"
	fi
	if [ "${hdr#*/}" = internal.h ] && [ "$t" != "$s" ]; then
		echo "layering: $file includes $hdr, internal to $t/"
	fi
done > "${TMPDIR:-/tmp}/ga-layering.$$"
includes drivers/c/*.c drivers/c/*.h | while read -r file hdr; do
	t=${hdr%%/*}
	case " $DRIVER_FLOORS " in *" $t "*) ;; *)
		echo "layering: $file includes $hdr: drivers/c may use $DRIVER_FLOORS only" ;;
	esac
	[ "${hdr#*/}" = internal.h ] &&
		echo "layering: $file includes $hdr, internal to $t/"
done >> "${TMPDIR:-/tmp}/ga-layering.$$"
includes tests/unit/*.c | while read -r file hdr; do
	[ -f "harness/$hdr" ] || [ "${hdr%%/*}" = build ] ||
		echo "layering: $file includes $hdr, which does not exist"
done >> "${TMPDIR:-/tmp}/ga-layering.$$"
if [ -s "${TMPDIR:-/tmp}/ga-layering.$$" ]; then
	cat "${TMPDIR:-/tmp}/ga-layering.$$"
	bad=1
fi
rm -f "${TMPDIR:-/tmp}/ga-layering.$$"

# ---- 3: rings of headers --------------------------------------------------
# tsort reports a ring ("input contains a loop") and its members.
ring=$(includes harness/*/*.h | while read -r file hdr; do
	echo "${file#harness/} $hdr"
done | tsort 2>&1 >/dev/null)
[ -z "$ring" ] || fail "headers include each other: $(echo "$ring" | grep -v 'input contains a loop' | tr -s ' \n' ' ')"

# ---- 4: rings of calls inside a subsystem ---------------------------------
if ls "$build"/util/*.o >/dev/null 2>&1; then
	for dir in harness/*/; do
		s=$(basename "$dir")
		objs=
		for c in "$dir"*.c; do
			o=$build/$s/$(basename "$c" .c).o
			[ -f "$o" ] && objs="$objs $o"
		done
		[ -n "$objs" ] || continue
		# "DEFINER SYMBOL" and "USER SYMBOL", joined into "USER DEFINER"
		# shellcheck disable=SC2086
		nm -A $objs 2>/dev/null | awk -v s="$s" '
			{ file = $1; sub(/:.*/, "", file); n = split(file, p, "/");
			  f = p[n]; sub(/\.o$/, "", f) }
			$2 ~ /^[TDRB]$/ { def[$3] = f }
			$2 == "U" { use[++nu] = f; sym[nu] = $3 }
			END { for (i = 1; i <= nu; i++)
				if ((sym[i] in def) && def[sym[i]] != use[i])
					print s "/" use[i], s "/" def[sym[i]] }' |
			sort -u > "${TMPDIR:-/tmp}/ga-calls.$$"
		ring=$(tsort "${TMPDIR:-/tmp}/ga-calls.$$" 2>&1 >/dev/null)
		[ -z "$ring" ] || fail "$s/: files call each other: $(echo "$ring" | grep -v 'input contains a loop' | sed 's/^tsort: //' | tr -s ' \n' ' ')"
		rm -f "${TMPDIR:-/tmp}/ga-calls.$$"
	done
else
	echo "layering: no objects in $build: rings of calls not checked (make first)"
fi

[ $bad -eq 0 ] && echo "layering: ok ($FLOORS)"
exit $bad
