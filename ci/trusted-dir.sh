#!/bin/sh
# trusted-dir.sh - the rule goneaway holds its caches to (harness/util/
# trustdir.h), for the scripts that run as root what a cache holds: PATH,
# and every directory above it up to "/",
#
#   - belongs to root;
#   - can be written by no other user: not by every user (above the last
#     level a sticky directory, as /tmp is, is fine) and not by a group
#     but root's;
#   - is not a symbolic link.
#
# Usage: sh ci/trusted-dir.sh PATH...   (absolute paths)
#
# Exit 0 when every PATH passes; 1 with "refusing PATH: LEVEL ..." on
# stderr for the first level that does not (2: usage).  Since only root
# can change a level that passes, the path stays what was checked.
set -u

refuse() {
	echo "trusted-dir: refusing $path: $*" >&2
	exit 1
}

[ $# -ge 1 ] || { echo "usage: trusted-dir.sh PATH..." >&2; exit 2; }
for path in "$@"; do
	case $path in
	/*) ;;
	*) echo "trusted-dir: $path: not an absolute path" >&2; exit 2 ;;
	esac
	level=""
	rest=${path#/}
	while :; do
		# stat without -L: a symbolic link is seen as one
		if ! info=$(stat -c '%u %g %a %F' -- "${level:-/}" 2>/dev/null); then
			refuse "${level:-/} cannot be looked at (missing?)"
		fi
		# shellcheck disable=SC2086 # its words: uid, gid, mode, type
		set -- $info
		uid=$1 gid=$2 mode=$3
		shift 3
		type=$*
		[ "$type" != "symbolic link" ] ||
			refuse "${level:-/} is a symbolic link (followed by none here)"
		[ "$uid" = 0 ] || refuse "${level:-/} belongs to uid $uid, not to root"
		mode=$((0$mode))
		last=0
		[ -n "$rest" ] || last=1
		if [ $((mode & 2)) -ne 0 ] &&
		   { [ $last = 1 ] || [ $((mode & 01000)) -eq 0 ]; }; then
			refuse "${level:-/} is writable by other users (chmod o-w ${level:-/})"
		fi
		if [ $((mode & 020)) -ne 0 ] && [ "$gid" != 0 ]; then
			refuse "${level:-/} is writable by group $gid (chmod g-w ${level:-/})"
		fi
		[ $last = 0 ] || break
		case $rest in
		*/*) next=${rest%%/*} rest=${rest#*/} ;;
		*) next=$rest rest="" ;;
		esac
		[ -n "$next" ] || { [ -n "$rest" ] && continue; break; }
		level=$level/$next
	done
done
exit 0
