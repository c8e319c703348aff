#!/bin/sh
# drivers/c/build.sh - builds goneaway's C client code as a driver process
# (drivers/c/driver.c) inside a server root made by ci/build-server-root.sh,
# with that root's compiler and client library: Oracle's libmysqlclient in
# mysql-9.7 (Debian sid), MariaDB Connector/C 3.4 in mariadb-11.8
# (trixie).  Nothing is installed on the host and nothing is left mounted:
# the sources are bound into the root inside a private mount namespace.
#
# Usage: sh drivers/c/build.sh FLAVOUR [ROOTS_DIR]
#   writes ROOTS_DIR/../drivers/c-FLAVOUR/gw-c-driver (ROOTS_DIR defaults
#   to $GA_ROOTS or /var/cache/goneaway/roots); does nothing when that
#   binary is newer than every source it is made of.
set -eu
flavour=${1:?usage: build.sh FLAVOUR [ROOTS_DIR]}
roots=${2:-${GA_ROOTS:-/var/cache/goneaway/roots}}
top=$(cd "$(dirname "$0")/../.." && pwd)
root=$roots/$flavour
out=$(dirname "$roots")/drivers/c-$flavour
[ -f "$root/.goneaway-root" ] || { echo "build.sh: no root at $root (ci/build-server-root.sh $flavour $root)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "build.sh: must run as root (chroot)" >&2; exit 1; }

# What the driver is made of, by floor (docs/ARCHITECTURE.md): the MySQL
# C API library (harness/mysqlapi/) and the utilities (harness/util/),
# whole, and the headers of the scenario language they name.  Nothing
# else of the harness: tests/layering.sh checks driver.c includes no more.
# Save util/tarball.c and util/sha256.c: they pack a case's folder with
# libarchive and digest it with libcrypto, which a driver never does and
# a root need not have for linking (its client library may bring
# libcrypto.so.3, but no libcrypto.so to link by -lcrypto); and
# util/alloc.c: the wrappers of the unit tests' torture, which only a
# link with --wrap resolves.
srcs="drivers/c/driver.c $(cd "$top" && ls harness/mysqlapi/*.c harness/util/*.c | grep -v -e '^harness/util/tarball\.c$' -e '^harness/util/sha256\.c$' -e '^harness/util/alloc\.c$' | tr '\n' ' ')"
hdrs=$(cd "$top" && echo harness/mysqlapi/*.h harness/util/*.h harness/lang/*.h)
# util/json.c is built on jansson.  A root has its library, not its
# headers: libjansson4 comes with the compiler (binutils needs it), while
# libjansson-dev is in no root's package list, and adding it would make
# every root cached before it "another root" that ci/build-server-root.sh
# refuses.  So the host's headers (Makefile's DEB_PACKAGES has
# libjansson-dev) are copied beside the sources, and the root's own
# libjansson.so.4 is linked by its name: jansson's ABI is that soname's
# since 2.0, the headers of any 2.x declare it.
jansson_inc=$(pkg-config --variable=includedir jansson 2>/dev/null || echo /usr/include)
for h in jansson.h jansson_config.h; do
	[ -f "$jansson_inc/$h" ] || { echo "build.sh: no $jansson_inc/$h on this machine (apt-get install libjansson-dev)" >&2; exit 1; }
done

if [ -x "$out/gw-c-driver" ]; then
	stale=no
	for f in $srcs $hdrs; do
		[ "$top/$f" -nt "$out/gw-c-driver" ] && stale=yes
	done
	[ "$root/.goneaway-root" -nt "$out/gw-c-driver" ] && stale=yes
	[ "$jansson_inc/jansson.h" -nt "$out/gw-c-driver" ] && stale=yes
	[ $stale = no ] && { echo "build.sh: $out/gw-c-driver is up to date"; exit 0; }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ga-cdriver.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
for f in $srcs $hdrs; do
	mkdir -p "$work/$(dirname "$f")"
	cp "$top/$f" "$work/$f"
done
mkdir -p "$work/jansson"
cp "$jansson_inc/jansson.h" "$jansson_inc/jansson_config.h" "$work/jansson/"
# The root's /goneaway is the mount point servers use; here it holds the
# sources, in a mount namespace of this build alone.
unshare --mount --propagation private sh -eu -c '
	mount --bind "$1" "$2/goneaway"
	chroot "$2" sh -eu -c "
		cd /goneaway
		if pkg-config --exists mysqlclient; then pc=mysqlclient; else pc=libmariadb; fi
		[ -n \"\$(ls /usr/lib/*/libjansson.so.4 2>/dev/null)\" ] ||
			{ echo \"build.sh: the root has no libjansson.so.4 (package libjansson4)\" >&2; exit 1; }
		gcc -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Wno-format-truncation \
			-Iharness -Ijansson \$(pkg-config --cflags \$pc) -o gw-c-driver $3 \$(pkg-config --libs \$pc) -l:libjansson.so.4 -lm -pthread
	"
' sh "$work" "$root" "$(echo $srcs)"
mkdir -p "$out"
mv "$work/gw-c-driver" "$out/gw-c-driver.tmp"
mv "$out/gw-c-driver.tmp" "$out/gw-c-driver"
echo "build.sh: built $out/gw-c-driver"
