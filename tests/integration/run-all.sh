#!/bin/sh
# run-all.sh - runs every tests/integration/t*.sh and sums their results.
# Usage: sh tests/integration/run-all.sh [-v] [-d] [t0010-... ...]
cd "$(dirname "$0")" || exit 2
passed=0 failed=0 skipped=0 bad_files=""
args="" files=""
for a in "$@"; do
	case "$a" in -*) args="$args $a" ;; *) files="$files $a" ;; esac
done
[ -n "$files" ] || files=$(ls t[0-9]*.sh)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ga-run-all.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
for t in $files; do
	start=$(date +%s)
	# each test's line as it comes (progress), the file's status kept
	{ sh "./${t%.sh}.sh" $args; echo $? > "$tmp/rc"; } | tee "$tmp/out"
	rc=$(cat "$tmp/rc")
	echo "$t: $(( $(date +%s) - start )) s"
	line=$(grep ': [0-9]* passed, [0-9]* failed, [0-9]* skipped$' "$tmp/out" | tail -n 1)
	p=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1/p')
	f=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\2/p')
	s=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\3/p')
	if [ -z "$p" ]; then
		# the file died before test_done: count it as one failure
		bad_files="$bad_files $t"
		p=0 f=1 s=0
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		bad_files="$bad_files $t"
		f=1
	fi
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${s:-0}))
done
[ -z "$bad_files" ] || echo "files that did not finish:$bad_files"
echo "integration: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
