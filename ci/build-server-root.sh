#!/bin/sh
# build-server-root.sh - build a Debian root filesystem holding another
# MySQL or MariaDB server than the host's, for goneaway to run chrooted.
#
# Usage: sudo sh build-server-root.sh FLAVOUR DIR
#
#   FLAVOUR      suite     packages (installed with --no-install-recommends)
#   mysql-9.7    sid       mysql-server-core, and libmysqlclient-dev gcc
#                          libc6-dev pkg-config to build a driver against
#                          Oracle's libmysqlclient inside the root
#   mariadb-11.8 trixie    mariadb-server, and libmariadb-dev gcc libc6-dev
#                          pkg-config (Connector/C 3.4)
#   mariadb-10.5 bullseye  mariadb-server
#   mariadb-10.11
#                bookworm  mariadb-server: Debian 12's, the MySQL service
#                          of t0206-serve-container-job's CI job
#   node-debian12
#                bookworm  no server: nodejs (Debian 12's, 18), the image
#                          of t0206-serve-container-job's CI job
#   goneaway-debian12
#                bookworm  no server: the libraries goneaway itself links
#                          (Debian 12's, as goneaway is built here), the
#                          base of its container image (make image,
#                          ci/build-goneaway-image.sh)
#
# The servers need their own libc, so they are never installed on the host:
# debootstrap (--variant=minbase) makes the root from the mirror of the
# machine's own apt sources (MIRROR=URL overrides it), then apt-get installs
# the packages inside with chroot.  DIR/.goneaway-root records what was
# built: flavour, suite, mirror, the server's programs, the package versions
# and the date, as KEY=VALUE lines.
#
# Idempotent: if DIR/.goneaway-root exists and names the same flavour, suite
# and packages, nothing is done.  The root is built in DIR.tmp and renamed
# to DIR only once complete, so a killed build never leaves a DIR that looks
# finished; the next run removes the stale DIR.tmp.  The whole build runs in
# mount and PID namespaces of its own (unshare -m -p, private propagation),
# so every mount it needs (debootstrap's /proc and /sys, apt's /proc and
# /dev) is dropped by the kernel when the build ends, however it ends (even
# SIGKILL): nothing stays mounted on the host, no process is left behind.
#
# The root is self-contained (tar -C DIR -c . | docker import - NAME): no
# symlink in it needs a file that exists only on the host.  It keeps
# /usr/sbin/policy-rc.d (which answers 101, "denied"), so a later apt-get
# install in a chroot never starts a daemon in the host's network namespace.
set -eu

usage() {
	echo "usage: build-server-root.sh mysql-9.7|mariadb-11.8|mariadb-10.5|mariadb-10.11|node-debian12|goneaway-debian12 DIR" >&2
	exit 2
}

say() {
	echo "build-server-root: $*" >&2
}

[ $# -eq 2 ] || usage
flavour=$1
case $2 in
/*) dir=$2 ;;
*) dir=$(pwd)/$2 ;;
esac
dir=${dir%/}

# The flavour decides the suite, the packages, the package whose version
# must match the flavour's name, and the server's programs.
case $flavour in
mysql-9.7)
	suite=sid
	packages="mysql-server-core libmysqlclient-dev gcc libc6-dev pkg-config"
	server_pkg=mysql-server-core
	want_version=9.7
	server=/usr/sbin/mysqld
	install_db=
	;;
mariadb-11.8)
	suite=trixie
	packages="mariadb-server libmariadb-dev gcc libc6-dev pkg-config"
	server_pkg=mariadb-server
	want_version=11.8
	server=/usr/sbin/mariadbd
	install_db=/usr/bin/mariadb-install-db
	;;
mariadb-10.5)
	suite=bullseye
	packages="mariadb-server"
	server_pkg=mariadb-server
	want_version=10.5
	server=/usr/sbin/mariadbd
	install_db=/usr/bin/mariadb-install-db
	;;
mariadb-10.11)
	suite=bookworm
	packages="mariadb-server"
	server_pkg=mariadb-server
	want_version=10.11
	server=/usr/sbin/mariadbd
	install_db=/usr/bin/mariadb-install-db
	;;
node-debian12)
	suite=bookworm
	packages="nodejs"
	server_pkg=
	want_version=
	server=
	install_db=
	;;
goneaway-debian12)
	suite=bookworm
	packages="libmariadb3 libnl-3-200 libnl-route-3-200 libnl-nf-3-200 libnftables1 libssl3 libarchive13"
	server_pkg=
	want_version=
	server=
	install_db=
	;;
*)
	usage
	;;
esac

identity="flavour=$flavour
suite=$suite
packages=$packages"

# Done already?  Only the identity lines count: the package versions and
# the date differ from one build to the next.  Run again under the lock.
check_built() {
	if [ -f "$dir/.goneaway-root" ]; then
		have=$(grep -E '^(flavour|suite|packages)=' "$dir/.goneaway-root" || true)
		if [ "$have" = "$identity" ]; then
			say "$dir is already a $flavour root"
			exit 0
		fi
		say "$dir holds another root:"
		echo "$have" >&2
		say "remove it first (rm -rf $dir)"
		exit 1
	fi
	if [ -e "$dir" ] || [ -L "$dir" ]; then
		say "$dir exists and is not a goneaway root (no .goneaway-root);" \
		    "remove it first"
		exit 1
	fi
}
check_built

if [ "$(id -u)" -ne 0 ]; then
	say "must run as root (debootstrap, chroot, mount)"
	exit 1
fi
for tool in debootstrap unshare chroot flock; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		say "$tool not found (apt-get install debootstrap)"
		exit 1
	fi
done

# Run the rest of this script in a mount namespace of its own, and a PID
# namespace: this script is its init, so when it dies every process of the
# build (debootstrap, apt, dpkg, a maintainer script) dies too, and with the
# last of them the namespace and its mounts.  --kill-child does the same if
# the unshare process is the one killed.  The host's mount namespace is
# passed along, so the second run knows it is no longer in it.
host_ns=$(readlink /proc/self/ns/mnt)
if [ "${GONEAWAY_BUILD_HOST_NS:-}" = "" ]; then
	GONEAWAY_BUILD_HOST_NS=$host_ns exec unshare --mount --propagation private \
		--pid --fork --kill-child --mount-proc /bin/sh "$0" "$flavour" "$dir"
fi
if [ "$GONEAWAY_BUILD_HOST_NS" = "$host_ns" ]; then
	say "not in a private mount namespace (unshare -m failed?)"
	exit 1
fi

# The first Debian mirror of the machine's own apt sources, deb822
# (*.sources, "URIs:") or one-line (*.list, "deb [opts] URI SUITE ...");
# a security archive is not a mirror of the suites.
find_mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		sed -n 's/^URIs:[[:space:]]*//p' "$f" | tr -s '[:blank:]' '\n'
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -n 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]\{1,\}\).*/\2/p' "$f"
	done
}
if [ -z "${MIRROR:-}" ]; then
	MIRROR=$(find_mirror | grep -E '^(https?|file):' | grep -v security |
		 head -n 1 || true)
	MIRROR=${MIRROR:-http://deb.debian.org/debian}
fi
MIRROR=${MIRROR%/}

parent=$(dirname "$dir")
tmp=$dir.tmp
mkdir -p "$parent"

# One build per parent directory at a time: a second one waits here and
# then, most likely, finds the root built.
exec 9<"$parent"
flock 9
check_built

# A stale DIR.tmp is what a killed build left.  Its mounts were in that
# build's namespace and are gone; refuse to delete through one all the same.
if [ -e "$tmp" ]; then
	if awk -v t="$tmp" '$2 == t || index($2, t "/") == 1 { found = 1 }
			    END { exit !found }' /proc/self/mounts; then
		say "something is mounted under $tmp; unmount it first"
		exit 1
	fi
	say "removing $tmp, left by an interrupted build"
	rm -rf --one-file-system "$tmp"
fi

# From here on, a failure leaves DIR.tmp (debootstrap's log is in
# DIR.tmp/debootstrap/) for a look; the next run removes it.
on_exit() {
	st=$?
	[ "$st" -eq 0 ] || say "failed (status $st); $tmp is left for inspection"
}
trap on_exit EXIT

say "debootstrap --variant=minbase $suite $tmp $MIRROR"
debootstrap --variant=minbase "$suite" "$tmp" "$MIRROR"

# apt and the maintainer scripts need /proc and /dev.  --rbind brings
# /dev/pts and /dev/shm along; the namespace is private, so none of this is
# seen outside.
mount -t proc proc "$tmp/proc"
mount --rbind /dev "$tmp/dev"

# No daemon may start: mariadb-server's postinst would start the server in
# the host's network namespace.
printf '#!/bin/sh\n# written by goneaway build-server-root.sh: no daemon starts\nexit 101\n' \
	> "$tmp/usr/sbin/policy-rc.d"
chmod 755 "$tmp/usr/sbin/policy-rc.d"

# Documentation and translations of the packages installed below are not
# needed (the server's own error messages live in /usr/share/mysql or
# /usr/share/mariadb and stay); licences stay.
cat > "$tmp/etc/dpkg/dpkg.cfg.d/goneaway-nodoc" <<'CFG'
# written by goneaway build-server-root.sh: a smaller root
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-exclude=/usr/share/lintian/*
CFG

in_root() {
	chroot "$tmp" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"
}

# The machine's mirror may be a snapshot: sid's Release file is valid for a
# week only, after which apt refuses it ("Release file ... is expired").
# The signatures are still checked.
in_root apt-get -q -o Acquire::Check-Valid-Until=false update
# shellcheck disable=SC2086 # $packages is a list of words
in_root apt-get -q -y --no-install-recommends install $packages
in_root apt-get clean
rm -rf "$tmp"/var/lib/apt/lists/* "$tmp"/var/cache/apt/*.bin

# What debootstrap installed before the exclusions above: the same cut.
find "$tmp/usr/share/doc" -depth -mindepth 1 \
	\( -type d -empty -o ! -type d ! -name copyright \) -delete
for d in man info locale lintian; do
	if [ -d "$tmp/usr/share/$d" ]; then
		find "$tmp/usr/share/$d" -mindepth 1 -delete
	fi
done

# mariadb-server's postinst made a datadir in /var/lib/mysql (100 MB or so
# of InnoDB files).  goneaway makes its own, outside the root: keep only
# the empty directory (with its owner, mysql).
if [ -d "$tmp/var/lib/mysql" ]; then
	find "$tmp/var/lib/mysql" -mindepth 1 -delete
fi

# The suite must still hold the flavour's version (sid moves on).
# shellcheck disable=SC2016,SC2086 # dpkg-query expands ${...} itself
versions=$(in_root dpkg-query -W -f '${Package}=${Version}\n' \
	$packages $server_pkg libc6 | sort -u)
if [ -n "$server_pkg" ]; then
	have_version=$(echo "$versions" | sed -n "s/^$server_pkg=//p" | sed 's/^[0-9]*://')
	case $have_version in
	"$want_version".*) ;;
	*)
		say "$suite has $server_pkg $have_version, not $want_version"
		exit 1
		;;
	esac
fi
for prog in $server $install_db; do
	if [ ! -x "$tmp$prog" ]; then
		say "$prog is missing from the root"
		exit 1
	fi
done
server_version=
[ -z "$server" ] || server_version=$(in_root "$server" --version)

umount -R "$tmp/dev"
umount "$tmp/proc"

# minbase has no /etc/hosts (netbase is not in it): without one "localhost"
# does not resolve and mariadb-install-db stops ("Neither host ... nor
# 'localhost' could be looked up with '/usr/bin/resolveip'").  A container
# gets its own; a chroot uses this one.
if [ ! -e "$tmp/etc/hosts" ]; then
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
		> "$tmp/etc/hosts"
fi
# The host's name means nothing in the root (debootstrap copied it).
rm -f "$tmp/etc/hostname"
# goneaway bind-mounts a scenario's private directory here (datadir,
# socket, error log, pid file): the root itself is never written to.
mkdir -p "$tmp/goneaway"

# Self-contained: list the symlinks that point nowhere when seen from
# inside the root.  A link into /proc is fine (a container mounts one), and
# so are the alternatives of the manual pages cut above.
dangling=$(chroot "$tmp" /usr/bin/find / -xdev -type l ! -exec test -e {} \; \
	-print 2>/dev/null | while read -r link; do
		target=$(readlink "$tmp$link")
		case $target in
		/proc/* | */proc/* | /usr/share/man/*) ;;
		*) echo "$link -> $target" ;;
		esac
	done)
if [ -n "$dangling" ]; then
	say "symlinks that point nowhere inside the root:"
	echo "$dangling" >&2
	exit 1
fi

{
	echo "# a goneaway server root, written by ci/build-server-root.sh"
	echo "$identity"
	echo "mirror=$MIRROR"
	echo "server=$server"
	echo "install_db=$install_db"
	echo "server_version=$server_version"
	echo "$versions" | sed 's/^/version./'
	echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$tmp/.goneaway-root"
mv "$tmp" "$dir"
say "built $dir ($(du -sh --one-file-system "$dir" | cut -f1))"
