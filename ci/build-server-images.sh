#!/bin/sh
# build-server-images.sh - local Docker images of the server roots, for
# "goneaway run --server docker:goneaway/mysql:9.7" on machines that reach
# no registry.
#
# Usage: sh ci/build-server-images.sh [ROOT_NAME...]
#
#   ROOT_NAME    image                    root (ci/build-server-root.sh)
#   mysql-9.7    goneaway/mysql:9.7       $GA_ROOTS/mysql-9.7
#   mariadb-11.8 goneaway/mariadb:11.8    $GA_ROOTS/mariadb-11.8
#   mariadb-10.5 goneaway/mariadb:10.5    $GA_ROOTS/mariadb-10.5
#
# Without names: every one of the three whose root exists.  GA_ROOTS
# defaults to /var/cache/goneaway/roots; the engine is the docker CLI's
# (DOCKER_HOST, or /var/run/docker.sock; ci/private-dockerd.sh starts a
# private one).
#
# Each image is the root as it is (tar -C ROOT -c . | docker import), with
# PATH set and two labels: goneaway.root-flavour and goneaway.root-marker,
# the sha256 of the root's .goneaway-root (which holds its package versions
# and build date).  Idempotent: an image whose goneaway.root-marker matches
# the root's marker is kept ("up to date"); an older one is replaced.  A
# missing root is an error naming the command that builds it.
#
# goneaway needs nothing of an image but its server and its initialisation
# tools (it never runs an image's entrypoint), so an official image such as
# mysql:8.4 or mariadb:11.4 works the same way once pulled.
set -u

GA_ROOTS=${GA_ROOTS:-/var/cache/goneaway/roots}
say() { echo "build-server-images: $*" >&2; }

image_of() {
	case $1 in
	mysql-9.7) echo goneaway/mysql:9.7 ;;
	mariadb-11.8) echo goneaway/mariadb:11.8 ;;
	mariadb-10.5) echo goneaway/mariadb:10.5 ;;
	*) return 1 ;;
	esac
}

# shellcheck source=ci/docker-engine.sh
. "$(dirname "$0")/docker-engine.sh"
why_not=$(docker_engine_why_not)
if [ -n "$why_not" ]; then
	say "$why_not"
	exit 1
fi

if [ $# -eq 0 ]; then
	for n in mysql-9.7 mariadb-11.8 mariadb-10.5; do
		[ -f "$GA_ROOTS/$n/.goneaway-root" ] && set -- "$@" "$n"
	done
	if [ $# -eq 0 ]; then
		say "no root in $GA_ROOTS (sudo sh ci/build-server-root.sh mysql-9.7 $GA_ROOTS/mysql-9.7)"
		exit 1
	fi
fi

status=0
for n in "$@"; do
	if ! image=$(image_of "$n"); then
		say "$n: not one of mysql-9.7, mariadb-11.8, mariadb-10.5"
		status=2
		continue
	fi
	root=$GA_ROOTS/$n
	if [ ! -f "$root/.goneaway-root" ]; then
		say "$n: no root at $root (sudo sh ci/build-server-root.sh $n $root)"
		status=1
		continue
	fi
	marker=$(sha256sum < "$root/.goneaway-root" | cut -c1-64)
	have=$(docker image inspect --format \
		'{{index .Config.Labels "goneaway.root-marker"}}' "$image" 2>/dev/null)
	if [ "$have" = "$marker" ]; then
		say "$image is up to date with $root"
		continue
	fi
	old=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null)
	t0=$(date +%s)
	say "$image: importing $root ($(du -sh --one-file-system "$root" | cut -f1))"
	if ! id=$(tar --numeric-owner -C "$root" -c . | docker import \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change "LABEL goneaway.root-flavour=$n goneaway.root-marker=$marker" \
		- "$image"); then
		say "$image: docker import failed"
		status=1
		continue
	fi
	# the image this one replaces, if no container uses it
	if [ -n "$old" ] && [ "$old" != "$id" ]; then
		docker image rm "$old" >/dev/null 2>&1 || true
	fi
	say "$image: $id ($(($(date +%s) - t0)) s)"
done
exit $status
