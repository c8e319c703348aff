#!/bin/sh
# tests/compat/release.sh - a release's own files and its own verdicts,
# for t0174-compat (tests/compat/README.md).
#
# Usage: sh tests/compat/release.sh TOP VERSION COMMIT DIR
#
# Makes DIR (which must not exist; the caller renames it into its cache
# once this succeeded) holding:
#   tree/        the release's files (git archive COMMIT of TOP) and its
#                goneaway, built there (make goneaway, as at the release)
#   builtin/     results.jsonl of the release's goneaway over its
#                scenarios/ and tests/compat/scenarios/ (main's: a user's
#                scenarios of that release), with the built-in client
#   pymysql/     results.jsonl of the same over its scenarios/ and
#                drivers/conformance/ with its own PyMySQL driver
#                (drivers/pymysql/driver.py of the release), run with
#                --record --expectations pymysql.expect
#   pymysql.expect  the expectation file that run recorded
#   report.tap, report.rc  the release's "goneaway report --format tap"
#                of builtin/ (only results.jsonl is kept of a run)
#   xdg/         the release's goneaway's own cache (XDG_CACHE_HOME): its
#                templates never replace main's
#   log          what each step printed
# Exit 0 when all of it is there (a run's own FAILs are its verdicts:
# kept), else 1 saying which step failed.
set -u
top=$1 version=$2 commit=$3 dir=$4
[ ! -e "$dir" ] || { echo "release.sh: $dir exists" >&2; exit 2; }
mkdir -p "$dir/tree" "$dir/xdg" || exit 1
chmod 755 "$dir" "$dir/tree"
log=$dir/log
step() {
	echo "== $*" >> "$log"
	"$@" >> "$log" 2>&1
}
fail() {
	echo "release.sh: $version ($commit): $*; the end of $log:" >&2
	tail -n 30 "$log" >&2
	exit 1
}

git -C "$top" archive "$commit" | tar -x -C "$dir/tree" ||
	fail "git archive"
# as the release was built, its warnings not errors (a newer compiler's
# are not the release's); -O1: an unoptimised build needs -lm at 0.4.0
step make -C "$dir/tree" -j2 CFLAGS="-O1 -g0" WERROR=0 goneaway ||
	fail "its build"
gw=$dir/tree/goneaway
export XDG_CACHE_HOME="$dir/xdg"
unset GONEAWAY_JOBS GONEAWAY_SPAWN

# own VERDICTS_DIR ARGS...: the release's run, only results.jsonl kept;
# its exit status is a verdict (0, 1, 3, 4), not a failure of this step
own() {
	out=$1
	shift
	(cd "$dir/tree" && "$gw" run --color never -o "$out" "$@") >> "$log" 2>&1
	rc=$?
	echo "exit $rc" >> "$log"
	[ -s "$out/results.jsonl" ] && [ "$rc" -le 4 ] || return 1
	find "$out" -mindepth 1 -maxdepth 1 ! -name results.jsonl -exec rm -rf {} +
}
own "$dir/builtin" scenarios "$top/tests/compat/scenarios" ||
	fail "its run with the built-in client"
own "$dir/pymysql" --record --expectations "$dir/pymysql.expect" \
	--client "cmd:/usr/bin/python3 $dir/tree/drivers/pymysql/driver.py" \
	scenarios drivers/conformance ||
	fail "its run with its PyMySQL driver"
[ -s "$dir/pymysql.expect" ] || fail "no expectation file recorded"
(cd "$dir/tree" && "$gw" report --color never --format tap "$dir/builtin") \
	> "$dir/report.tap" 2>> "$log"
echo $? > "$dir/report.rc"
exit 0
