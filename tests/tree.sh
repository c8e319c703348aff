#!/bin/sh
# tests/tree.sh - the tree is what its pages say, and holds no dead code.
#
#   1. one base name per file in harness/ (internal.h aside): a reader
#      who sees a file's name knows its room without its directory;
#   2. no source in harness/ named like a test (*_test.c, test_*.c,
#      check_*.c);
#   3. every .c of harness/cli/ and harness/plan/ is named ("plan/x.c")
#      by a file of tests/: a test holds it;
#   4. README.md's layout (its row of harness/) names every directory of
#      harness/ as `NAME/`, and none that is not there;
#   5. tests/README.md names every entry of tests/ (tests/NAME) and every
#      integration file (tNNNN-name);
#   6. every global the objects of harness/ define is used by another
#      object (the program's, the unit tests'): a function only its own
#      file calls is static, where -Wunused-function (-Wall) finds it
#      when nothing calls it any more (the linker's --wrap wrappers of
#      util/alloc.c aside: the link, not a symbol, calls them).
#
# Usage: sh tests/tree.sh [TOP [BUILD_DIR]]  (defaults: this tree, TOP/build)
# Prints every violation and exits 1 when there was one (2: nothing to
# check: no sources, or no objects, so it runs after a build).
set -u
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
build=${2:-$top/build}
cd "$top" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ga-tree.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
bad=0
fail() { echo "tree: $*"; bad=1; }

ls harness/*/*.c > "$tmp/srcs" 2>/dev/null
[ -s "$tmp/srcs" ] || { echo "tree: no harness/*/*.c: nothing to check"; exit 2; }

# ---- 1 and 2: names ----------------------------------------------------------
for f in harness/*/*.[ch]; do echo "${f##*/}"; done | grep -v '^internal\.h$' |
	sort | uniq -d > "$tmp/dup"
while read -r b; do
	fail "$b stands in $(ls harness/*/"$b" | tr '\n' ' ')(one base name per file)"
done < "$tmp/dup"
for f in harness/*/*_test.c harness/*/test_*.c harness/*/check_*.c; do
	[ -e "$f" ] && fail "$f is named like a test, and is none"
done

# ---- 3: a test for every .c of cli/ and plan/ --------------------------------
for f in harness/cli/*.c harness/plan/*.c; do
	[ -e "$f" ] || continue
	r=${f#harness/}
	grep -rqF --exclude=tree.sh "$r" tests/ ||
		fail "no file of tests/ names $r (name it in the test that holds it)"
done

# ---- 4: README's layout -----------------------------------------------------
grep '^| `harness/` |' README.md | awk -F"|" '{ print $3 }' | grep -o '`[a-z0-9_]*/`' | tr -d '`/' |
	sort -u > "$tmp/readme"
[ -s "$tmp/readme" ] || fail "README.md has no row of harness/ naming its directories"
for d in harness/*/; do d=${d%/}; echo "${d##*/}"; done | sort > "$tmp/dirs"
comm -13 "$tmp/readme" "$tmp/dirs" | while read -r d; do
	echo "tree: README.md's layout does not name harness/$d/"
done >> "$tmp/out"
comm -23 "$tmp/readme" "$tmp/dirs" | while read -r d; do
	echo "tree: README.md's layout names $d/, and there is no harness/$d/"
done >> "$tmp/out"

# ---- 5: tests/README.md ---------------------------------------------------------
for e in tests/*; do
	n=${e##*/}
	[ "$n" = README.md ] && continue
	grep -qF "tests/$n" tests/README.md ||
		echo "tree: tests/README.md does not name tests/$n" >> "$tmp/out"
done
for t in tests/integration/t[0-9]*.sh; do
	n=${t##*/}; n=${n%.sh}
	grep -qF "$n" tests/README.md ||
		echo "tree: tests/README.md does not name $n" >> "$tmp/out"
done

# ---- 6: globals nothing else uses -------------------------------------------------
objs= missing=0
# (parameter expansions, not basename and cut: a process each, most of
# this check's time on a machine where a fork is dear)
while read -r c; do
	s=${c#harness/}; s=${s%%/*}
	o=${c##*/}; o=$build/$s/${o%.c}.o
	if [ -f "$o" ]; then objs="$objs $o"; else missing=$((missing + 1)); fi
done < "$tmp/srcs"
if [ "$missing" -gt 0 ]; then
	[ -s "$tmp/out" ] && cat "$tmp/out"
	echo "tree: no object for $missing of the sources in $build (make first): nothing to check"
	exit 2
fi
# shellcheck disable=SC2086
{ nm -A $objs; nm -A "$build"/unit/*.o "$build/errnames_gen.o"; } 2>/dev/null |
	awk -v n="$(echo $objs | wc -w)" '
	{ file = $1; sub(/:.*/, "", file); sym = $NF; kind = $(NF - 1) }
	FNR == 1 { }
	kind == "U" { used[sym] = 1 }
	kind ~ /^[TDRB]$/ && file !~ /\/unit\// && file !~ /errnames_gen/ {
		def[sym] = file }
	END { for (s in def) if (!(s in used) && s != "main" &&
			s !~ /^__wrap_/)
		print s, def[s] }' | sort > "$tmp/unused"
while read -r s o; do
	echo "tree: $s ($o) is a global that no other object uses: static, or gone"
done < "$tmp/unused" >> "$tmp/out"

if [ -s "$tmp/out" ]; then
	cat "$tmp/out"
	bad=1
fi
[ $bad -eq 0 ] && echo "tree: ok ($(wc -l < "$tmp/srcs") sources, $(wc -l < "$tmp/dirs") floors, $(ls tests/integration/t[0-9]*.sh | wc -l) integration files)"
exit $bad
