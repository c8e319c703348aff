#!/bin/sh
# gen-version.sh TOP - prints the C header of the version this build
# says (`goneaway --version`, results.jsonl's "goneaway"): the Makefile
# writes it to build/version_gen.h at every make, and only cli/version.c
# includes it.  docs/running.md, "Which goneaway this is", says the
# scheme:
#
#   0.5.0                  the release 0.5.0 itself
#   0.5.0+12.g0123456789ab 12 commits after the release 0.5.0, at that
#                          commit (12 hex digits of its id)
#   0.5.0+g0123456789ab    after 0.5.0, how far unknown (a shallow clone
#                          without the release's commit)
#   0.5.0+unknown          after 0.5.0, built without git (a tarball):
#                          which commit is not known
#   ... .dirty             with changes not committed (git diff HEAD)
#
# The number is GONEAWAY_VERSION (harness/cli/internal.h).  A build is
# the release when CHANGELOG.md's newest heading is that number and
# names no commit: the rule t0043 holds CHANGELOG.md to (only the
# release commit leaves its heading unnamed; the next commit names it),
# so a tarball or a shallow clone of the release knows it is one too.
# Otherwise it counts from the commit that heading names.  git is asked
# only about TOP's own repository, never a repository TOP sits inside;
# when git cannot answer (none, no .git, a checkout another user owns),
# the build says what it knows without it.
top=${1:-.}
v=$(sed -n 's/^#define GONEAWAY_VERSION "\([^"]*\)"$/\1/p' \
	"$top/harness/cli/internal.h" 2>/dev/null)
[ -n "$v" ] || v=unknown
# CHANGELOG.md's newest release: its number and the commit it names
newest=$(awk '/^## [0-9]+\.[0-9]+\.[0-9]+$/ { if (h != "") exit; h = $2; next }
	h != "" && c == "" && match($0, /^Commit `[0-9a-f]+`/) {
		c = substr($0, RSTART + 8, RLENGTH - 9) }
	END { print h, c }' "$top/CHANGELOG.md" 2>/dev/null)
heading=${newest%% *}
named=${newest#* }

gitok=0
real=$(cd "$top" 2>/dev/null && pwd -P)
if command -v git > /dev/null 2>&1 &&
   gtop=$(git -C "$top" rev-parse --show-toplevel 2>/dev/null) &&
   [ "$(cd "$gtop" 2>/dev/null && pwd -P)" = "$real" ] &&
   head=$(git -C "$top" rev-parse --verify -q HEAD 2>/dev/null); then
	gitok=1
fi
dirty=
if [ $gitok = 1 ] && ! git -C "$top" diff --quiet HEAD -- 2>/dev/null; then
	dirty=.dirty
fi

if [ "$heading" = "$v" ] && [ -z "$named" ] && [ -z "$dirty" ]; then
	suffix=
elif [ $gitok = 0 ]; then
	suffix=+unknown
else
	sha=$(printf '%.12s' "$head")
	if [ "$heading" = "$v" ] && [ -z "$named" ]; then
		suffix=+0.g$sha
	elif [ "$heading" = "$v" ] &&
	     git -C "$top" merge-base --is-ancestor "$named" HEAD 2>/dev/null; then
		suffix=+$(git -C "$top" rev-list --count "$named..HEAD").g$sha
	else
		suffix=+g$sha
	fi
	suffix=$suffix$dirty
fi
printf '/* made by harness/cli/gen-version.sh: what this build says it is */\n'
printf '#define GA_VERSION_SUFFIX "%s"\n' "$suffix"
