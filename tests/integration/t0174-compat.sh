#!/bin/sh
# t0174-compat: what a release shipped keeps working (issue 56;
# tests/compat/README.md).  For each release CHANGELOG.md names with
# its commit (0.2.0, 0.3.0, 0.4.0, and each one after), its own files
# from git, run by this goneaway:
#   - its scenarios (and tests/compat/scenarios/, a user's of its docs)
#     with the built-in client: the verdicts its own goneaway gave;
#   - its scenarios and conformance scenarios with its own PyMySQL
#     driver and the expectation file its goneaway recorded: the same;
#   - the results.jsonl its goneaway wrote, read by "goneaway report":
#     the same cases, verdicts and exit status as its own report;
# or an entry of tests/compat/breaks, each naming its CHANGELOG.md line
# of a "Breaking" part and the migration (whose scenario PASSes here).
# And the templates' pinned release's driver-test passes a driver
# written from the docs (data/drivers/fromdoc-driver.py).
#
# A release's side (its tree, its build, its runs) is made once by
# tests/compat/release.sh and kept in GA_COMPAT_CACHE (default
# /var/cache/goneaway/compat), under a key of the release's commit and
# what its verdicts depend on here (the compiler and client library, the
# server, PyMySQL, the kernel, the scripts); a cache that is not root's
# (or yours) alone, up to /, is not used (docs/running.md, "The cache").
# A case whose verdicts differ is tried again, twice, on both sides: a
# difference that a busy machine made once is not a break.
. "$(dirname "$0")/lib.sh"

C="$TOP/tests/compat"
PY=/usr/bin/python3
CACHE=${GA_COMPAT_CACHE:-/var/cache/goneaway/compat}
leftover_snapshot > "$SCRATCH/before"

# trusted DIR: DIR and every directory above it belong to root or to us
# and no one else can write them (one above DIR may, when sticky, as
# /tmp is).
trusted() {
	d=$1 first=1
	while :; do
		set -- $(stat -L -c '%u %a' "$d" 2>/dev/null)
		[ $# -eq 2 ] || return 1
		[ "$1" = 0 ] || [ "$1" = "$(id -u)" ] || return 1
		m=$((0$2))
		if [ $((m & 022)) -ne 0 ]; then
			[ $first = 0 ] && [ $((m & 01000)) -ne 0 ] || return 1
		fi
		[ "$d" = / ] && return 0
		d=$(dirname "$d") first=0
	done
}

# key COMMIT: what a release's side depends on here, hashed
key() {
	{
		echo "$1"
		cat "$C/release.sh" "$C"/scenarios/*.gw
		cc --version 2>&1 | head -n 1
		pkg-config --modversion mysqlclient 2>&1
		/usr/sbin/mariadbd --version 2>&1
		"$PY" -c 'import pymysql; print(pymysql.__version__)' 2>&1
		uname -r
	} | sha256sum | cut -c1-16
}

if ! git -C "$TOP" rev-parse --verify -q HEAD > /dev/null 2>&1; then
	test_skip 'each release'"'"'s files keep working' "$TOP is not a git checkout: no release's files"
	test_done
fi
if ! "$PY" -c 'import pymysql' 2> /dev/null; then
	test_skip 'each release'"'"'s files keep working' 'no PyMySQL for /usr/bin/python3 (make deps installs it)'
	test_done
fi
mkdir -p "$CACHE" 2> /dev/null && chmod go-w "$CACHE" 2> /dev/null
if ! trusted "$CACHE"; then
	say "# $CACHE is not root's alone: the releases are made in the scratch directory, not kept"
	CACHE=$SCRATCH/compat-cache
	mkdir -p "$CACHE"
fi
exec 8> "$CACHE/lock"
flock 8
trap 'rm -rf "$CACHE"/*.new' EXIT
trap 'rm -rf "$CACHE"/*.new; exit 130' INT
trap 'rm -rf "$CACHE"/*.new; exit 143' TERM

# The releases, oldest first: "VERSION COMMIT" (CHANGELOG.md names each
# commit under its heading; the newest at its own release commit names
# none: it is HEAD, whose files are main's).
awk '/^## [0-9]+\.[0-9]+\.[0-9]+$/ { v = $2; next }
     v != "" && match($0, /^Commit `[0-9a-f]+`/) {
	print v, substr($0, RSTART + 8, RLENGTH - 9); v = "" }' \
	"$TOP/CHANGELOG.md" | sort -t. -k1,1n -k2,2n -k3,3n > "$SCRATCH/releases"

test_expect_success 'the releases CHANGELOG.md names: 0.2.0, 0.3.0, 0.4.0 and each one after' '
	cat releases && head -n 3 releases | cut -d" " -f1 | tr "\n" " " > first &&
	test "$(cat first)" = "0.2.0 0.3.0 0.4.0 "
'

test_expect_success 'tests/compat/breaks: each break names its CHANGELOG.md Breaking line and a migration' '
	"$PY" "$C/verdicts.py" --lint --breaks "$C/breaks" --changelog "$TOP/CHANGELOG.md" &&
	sed "s/^changelog 0.3.0 .*/changelog 0.3.0 no such line/" "$C/breaks" > b1 &&
	! "$PY" "$C/verdicts.py" --lint --breaks b1 --changelog "$TOP/CHANGELOG.md" > o &&
	grep -q "has no .### Breaking. line with .no such line." o &&
	grep -v "^migration" "$C/breaks" > b2 &&
	! "$PY" "$C/verdicts.py" --lint --breaks b2 --changelog "$TOP/CHANGELOG.md" > o &&
	grep -q "no .migration." o
'

# same OUT RELEASE WANT -- OPTIONS... -- FILES...: this goneaway runs
# OPTIONS and FILES into OUT/main; verdicts.py compares its cases with
# the release's run WANT (a results.jsonl).  The scenarios of a case
# that differs are run again, twice at most, by this goneaway and by
# the release's ($RELEASE_GW, its own cache $XDG_RELEASE), each try
# added to its side.  Words are split at newlines only (paths may hold
# blanks, a cmd: client does).
NL='
'
same() {
	out=$1 rel=$2
	sides="--want$NL$3"
	shift 4
	o=""
	while [ "$1" != -- ]; do o="$o$1$NL"; shift; done
	shift
	mkdir -p "$out"
	IFS=$NL
	sides="$sides$NL--got$NL$out/main/results.jsonl"
	"$GONEAWAY" run --color never -o "$out/main" $o "$@" > "$out/main.out" 2>&1
	for try in 1 2 3; do
		if "$PY" "$C/verdicts.py" --release "$rel" --breaks "$C/breaks" \
			--changelog "$TOP/CHANGELOG.md" $sides --rerun "$out/rerun" \
			> "$out/verdicts"; then
			unset IFS
			cat "$out/verdicts"
			return 0
		fi
		[ $try -lt 3 ] && [ -s "$out/rerun" ] || break
		again=$(sort -u "$out/rerun")
		echo "# try $((try + 1)) of:" $again
		t=$out/try$try
		# the paths are the release's results.jsonl's: relative to the
		# tree it ran in, so both sides run from there
		(cd "$(dirname "$RELEASE_GW")" &&
			"$GONEAWAY" run --color never -o "$t-main" $o $again) \
			> "$t-main.out" 2>&1
		(cd "$(dirname "$RELEASE_GW")" && XDG_CACHE_HOME=$XDG_RELEASE \
			"$RELEASE_GW" run --color never -o "$t-rel" $o $again) \
			> "$t-rel.out" 2>&1
		sides="$sides$NL--got$NL$t-main/results.jsonl$NL--want$NL$t-rel/results.jsonl"
	done
	unset IFS
	cat "$out/verdicts"
	return 1
}

while read -r v commit; do
	side=$SCRATCH/$v
	mkdir -p "$side"
	d=$CACHE/$v-$(key "$commit")
	if [ ! -f "$d/report.rc" ]; then
		rm -rf "$d.new" "$CACHE/$v"-* &&
		start=$(date +%s) &&
		sh "$C/release.sh" "$TOP" "$v" "$commit" "$d.new" > "$side/made" 2>&1 &&
		mv "$d.new" "$d" &&
		say "# $v made in $(( $(date +%s) - start )) s: $d"
	fi
	if [ ! -f "$d/report.rc" ]; then
		test_expect_success "$v: its own side is made (tests/compat/release.sh)" "
			cat '$side/made'; false
		"
		continue
	fi
	RELEASE_GW=$d/tree/goneaway
	XDG_RELEASE=$d/xdg

	test_expect_success "$v: its scenarios and a user's, built-in client: its verdicts" "
		same '$side/builtin' $v '$d/builtin/results.jsonl' -- -- \
			'$d/tree/scenarios' '$C/scenarios'
	"

	test_expect_success "$v: its scenarios and conformance scenarios with its PyMySQL driver and recorded expectations: its verdicts" "
		same '$side/pymysql' $v '$d/pymysql/results.jsonl' -- \
			--expectations '$d/pymysql.expect' \
			--client 'cmd:/usr/bin/python3 $d/tree/drivers/pymysql/driver.py' -- \
			'$d/tree/scenarios' '$d/tree/drivers/conformance'
	"

	test_expect_success "$v: goneaway report reads the results.jsonl it wrote as its own report did" "
		'$GONEAWAY' report --color never --format tap '$d/builtin' > '$side/report.tap' 2> '$side/report.err';
		echo \$? > '$side/report.rc' &&
		tap() { sed -n 's/^\\(\\(not \\)\\{0,1\\}ok\\) [0-9]* - \\([^ ]*\\).*\\(# SKIP\\).*/\\1 \\3 SKIP/p; t; s/^\\(\\(not \\)\\{0,1\\}ok\\) [0-9]* - \\([^ ]*\\).*/\\1 \\3/p' \"\$1\"; } &&
		tap '$d/report.tap' > '$side/want.tap' && tap '$side/report.tap' > '$side/got.tap' &&
		test -s '$side/want.tap' && diff -u '$side/want.tap' '$side/got.tap' &&
		test \"\$(cat '$side/report.rc')\" = \"\$(cat '$d/report.rc')\"
	"
done < "$SCRATCH/releases"

test_expect_success 'the breaks'"'"' migrations PASS here (tests/compat/migrated/)' '
	"$GONEAWAY" run --color never -o migrated "$C/migrated" > out 2>&1; rc=$?;
	cat out; test $rc -eq 0 && ! grep -q " SKIP " out
'

# The release the templates pin: a driver written from the docs (at
# protocol 1, which every release knows) passes its own driver-test.
pinned=$(sed -n 's/^ *GONEAWAY_REF: \([0-9a-f]\{40\}\).*/\1/p' "$TOP/ci/github-actions.yml" | head -n 1)
pv=$(awk -v c="$pinned" '$2 == c { print $1 }' "$SCRATCH/releases")
pd=$CACHE/$pv-$(key "$pinned")
test_expect_success "the pinned release ($pv)'s driver-test passes the driver written from the docs" '
	test -n "$pv" && test -x "$pd/tree/goneaway" &&
	(cd "$pd/tree" && XDG_CACHE_HOME="$pd/xdg" ./goneaway driver-test -- \
		/usr/bin/python3 "$TOP/tests/integration/data/drivers/fromdoc-driver.py") \
		> dt.out 2>&1; rc=$?; cat dt.out; test $rc -eq 0 && ! grep -q "^not ok" dt.out
'

test_expect_success 'the compat runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
