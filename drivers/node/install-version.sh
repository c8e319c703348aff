#!/bin/sh
# drivers/node/install-version.sh - installs another version of a Node.js
# connector for goneaway's Node driver, to bisect a regression between
# releases:
#
#     sh drivers/node/install-version.sh mysql2 3.9.0
#     ./goneaway run --client mysql2@3.9.0 --client mysql2 scenarios/...
#
# PKG is mysql2 or mariadb; VERSION is an npm version, X.Y.Z and an
# optional tag (3.9.0, 3.0.0-rc.1).  It goes into
# drivers/node/versions/PKG@VERSION/node_modules (npm install, through
# the npm cache: offline once fetched), apart from the version
# drivers/node/package-lock.json pins; the driver loads it when goneaway
# gives it "--connector-version VERSION" (--client PKG@VERSION), and its
# greeting then reports that version, so [client=mysql2 < 3.10] lines
# apply.  Idempotent: an installed version is left as it is.
set -eu
usage() { echo "usage: sh drivers/node/install-version.sh mysql2|mariadb X.Y.Z" >&2; exit 2; }
[ $# -eq 2 ] || usage
pkg=$1
ver=$2
case $pkg in mysql2|mariadb) ;; *) usage ;; esac
printf '%s\n' "$ver" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$' || usage
here=$(cd "$(dirname "$0")" && pwd)
dir=$here/versions/$pkg@$ver
if [ -f "$dir/node_modules/$pkg/package.json" ]; then
	echo "install-version.sh: $pkg $ver is installed in $dir"
	exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "install-version.sh: no npm (sh drivers/install-deps.sh node)" >&2; exit 1; }
mkdir -p "$dir"
[ -f "$dir/package.json" ] || printf '{"private": true}\n' > "$dir/package.json"
echo "install-version.sh: npm install $pkg@$ver in $dir"
if ! (cd "$dir" && npm install --save-exact --prefer-offline --no-audit \
	--no-fund --loglevel=error "$pkg@$ver"); then
	rm -rf "$dir"
	echo "install-version.sh: npm could not install $pkg@$ver" >&2
	exit 1
fi
got=$(node -e 'console.log(require(process.argv[1]).version)' \
	"$dir/node_modules/$pkg/package.json")
if [ "$got" != "$ver" ]; then
	rm -rf "$dir"
	echo "install-version.sh: npm installed $pkg $got, not $ver" >&2
	exit 1
fi
case $pkg in mysql2) client=mysql2 ;; *) client=mariadb-node ;; esac
echo "install-version.sh: $pkg $ver installed; run it with --client $client@$ver"
