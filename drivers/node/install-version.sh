#!/bin/sh
# drivers/node/install-version.sh - installs another version of a Node.js
# connector for goneaway's Node driver, to bisect a regression between
# releases:
#
#     sh drivers/node/install-version.sh mysql2 3.9.0
#     ./goneaway run --client mysql2@3.9.0 --client mysql2 scenarios/...
#
# PKG is mysql2, mariadb or mysql (mysqljs); VERSION is an npm version, X.Y.Z and an
# optional tag (3.9.0, 3.0.0-rc.1).  It goes into
# drivers/node/versions/PKG@VERSION/node_modules, apart from the version
# drivers/node/package-lock.json pins; the driver loads it when goneaway
# gives it "--connector-version VERSION" (--client PKG@VERSION), and its
# greeting then reports that version, so [client=mysql2 < 3.10] lines
# apply.  Idempotent: an installed version is left as it is.
#
# What comes from the registry is untrusted (npm-unprivileged.sh): npm
# runs as nobody (when this runs as root) in a temporary directory of
# its own, with no lifecycle script; it writes a lock file first
# (--package-lock-only), which must pin PKG at exactly VERSION with the
# integrity the registry publishes for it (npm view PKG@VERSION
# dist.integrity) and every other package with an exact version and an
# sha512 integrity; then npm ci installs exactly that lock, checking each
# tarball against it.  The result is copied into place owned by root,
# read-only.  NODE_VERSIONS_DIR installs elsewhere (the tests).
set -eu
usage() { echo "usage: sh drivers/node/install-version.sh mysql2|mariadb|mysql X.Y.Z" >&2; exit 2; }
[ $# -eq 2 ] || usage
pkg=$1
ver=$2
case $pkg in mysql2|mariadb|mysql) ;; *) usage ;; esac
printf '%s\n' "$ver" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$' || usage
here=$(cd "$(dirname "$0")" && pwd)
. "$here/npm-unprivileged.sh"
dir=${NODE_VERSIONS_DIR:-$here/versions}/$pkg@$ver
if [ -f "$dir/node_modules/$pkg/package.json" ]; then
	echo "install-version.sh: $pkg $ver is installed in $dir"
	exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "install-version.sh: no npm (sh drivers/install-deps.sh node)" >&2; exit 1; }
# in /tmp: nobody must reach it (a TMPDIR may be root's alone)
work=$(mktemp -d /tmp/goneaway-npm.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'rm -rf "$work"; exit 130' INT
trap 'rm -rf "$work"; exit 143' TERM
chmod 755 "$work"
fail() {
	echo "install-version.sh: $*" >&2
	exit 1
}
printf '{"private": true, "dependencies": {"%s": "%s"}}\n' "$pkg" "$ver" \
	> "$work/package.json"
echo "install-version.sh: npm install $pkg@$ver in $dir (as $( [ "$(id -u)" -eq 0 ] && echo nobody || id -un), no scripts, integrity checked)"
want=$(npm_unprivileged "$work" view "$pkg@$ver" dist.integrity) ||
	fail "npm could not find $pkg@$ver in the registry"
case $want in sha512-*) ;; *) fail "the registry gives $pkg@$ver no sha512 integrity ('$want')" ;; esac
npm_unprivileged "$work" install --package-lock-only --save-exact ||
	fail "npm could not resolve $pkg@$ver"
npm_lock_check "$work/package-lock.json" "$pkg" "$ver" "$want" ||
	fail "the lock file npm wrote for $pkg@$ver is refused"
npm_unprivileged "$work" ci || fail "npm could not install $pkg@$ver"
got=$(node -e 'console.log(require(process.argv[1]).version)' \
	"$work/node_modules/$pkg/package.json")
[ "$got" = "$ver" ] || fail "npm installed $pkg $got, not $ver"
mkdir -p "$(dirname "$dir")"
npm_settle "$work" "$dir"
case $pkg in mysql2) client=mysql2 ;; mysql) client=mysqljs ;; *) client=mariadb-node ;; esac
echo "install-version.sh: $pkg $ver installed; run it with --client $client@$ver"
