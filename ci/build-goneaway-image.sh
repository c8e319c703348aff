#!/bin/sh
# build-goneaway-image.sh - goneaway as a container image, made here
# ("make image"): a Debian 12 root filesystem with goneaway and the
# libraries it links, whose default command is a Toxiproxy-compatible
# serve on 0.0.0.0:8474 (docs/toxiproxy.md, "In a container").
#
# Usage (as root):  sh ci/build-goneaway-image.sh [IMAGE]
#
#   IMAGE   the name to import as (default goneaway/goneaway:latest)
#
# The base is a root ci/build-server-root.sh makes (flavour
# goneaway-debian12: "debootstrap --variant=minbase bookworm" from the
# mirror of the machine's apt sources, and Debian 12's libmariadb3,
# libnl, libnftables1 (and with it libjansson4), libssl3 and
# libarchive13), built once and cached in
# $GA_CACHE/images/goneaway-debian12 (GA_CACHE defaults to
# /var/cache/goneaway); it, and every directory above it, must be root's
# and writable by no one else (ci/trusted-dir.sh), since what it holds
# becomes the image.  goneaway itself is installed with "make install
# DESTDIR=... PREFIX=/usr/local" from this checkout into a directory of
# its own, and the two go to the engine as one stream:
#
#   tar -c -C BASE . -C STAGE ./usr/local/bin/goneaway ./usr/local/share/goneaway |
#     docker import --change ... - IMAGE
#
# The image runs "goneaway serve --no-server -host 0.0.0.0 -port 8474"
# (ENTRYPOINT goneaway serve --no-server, CMD -host 0.0.0.0 -port 8474,
# as Toxiproxy's image has ENTRYPOINT /toxiproxy and CMD -host=0.0.0.0)
# as nobody (USER 65534:65534), EXPOSE 8474.  The engine is the docker
# CLI's (DOCKER_HOST, or /var/run/docker.sock; ci/private-dockerd.sh
# starts a private one).  Once imported, the image's goneaway is run
# (--version, --network none) to prove its libraries are all there; an
# image that does not run is removed again.
#
# Idempotent: an image whose goneaway.image-marker label (the sha256 of
# the base's .goneaway-root and of every installed file) matches is kept
# ("up to date"); an older one of that name is replaced.  Exit 0, or 1
# with the reason.
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
GA_CACHE=${GA_CACHE:-/var/cache/goneaway}
BASE=$GA_CACHE/images/goneaway-debian12
IMAGE=${1:-goneaway/goneaway:latest}
say() { echo "build-goneaway-image: $*" >&2; }

[ $# -le 1 ] || { echo "usage: build-goneaway-image.sh [IMAGE]" >&2; exit 2; }
if [ "$(id -u)" -ne 0 ]; then
	say "must run as root (debootstrap, the cache in $GA_CACHE)"
	exit 1
fi
# shellcheck source=ci/docker-engine.sh
. "$(dirname "$0")/docker-engine.sh"
why_not=$(docker_engine_why_not)
if [ -n "$why_not" ]; then
	say "$why_not"
	exit 1
fi

# The base: built the first time (a few minutes, the mirror's), then kept.
mkdir -p "$GA_CACHE/images"
if [ ! -f "$BASE/.goneaway-root" ]; then
	t0=$(date +%s)
	say "building the base $BASE (once; debootstrap)"
	sh "$TOP/ci/build-server-root.sh" goneaway-debian12 "$BASE" ||
		{ say "the base could not be built"; exit 1; }
	say "base built in $(($(date +%s) - t0)) s"
fi
sh "$TOP/ci/trusted-dir.sh" "$BASE" "$BASE/.goneaway-root" || exit 1

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/goneaway-image.XXXXXX") || exit 1
trap 'rm -rf "$STAGE"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# (a make of its own: not a sub-make of a "make check" that runs a test)
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$TOP" --no-print-directory install DESTDIR="$STAGE" \
	PREFIX=/usr/local > "$STAGE.log" 2>&1; then
	say "make install failed:"
	tail -n 5 "$STAGE.log" >&2
	rm -f "$STAGE.log"
	exit 1
fi
rm -f "$STAGE.log"
INSTALLED="./usr/local/bin/goneaway ./usr/local/share/goneaway"

version=$("$STAGE/usr/local/bin/goneaway" --version 2>/dev/null | head -n 1)
# shellcheck disable=SC2086 # $INSTALLED is a list of paths
marker=$({ cat "$BASE/.goneaway-root"
	   cd "$STAGE" && find $INSTALLED -type f -exec sha256sum {} + | sort -k 2
	 } | sha256sum | cut -c1-64)
have=$(docker image inspect --format \
	'{{index .Config.Labels "goneaway.image-marker"}}' "$IMAGE" 2>/dev/null)
if [ "$have" = "$marker" ]; then
	say "$IMAGE is up to date ($version)"
	exit 0
fi
old=$(docker image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null)

t0=$(date +%s)
say "$IMAGE: importing $BASE ($(du -sh --one-file-system "$BASE" | cut -f1)) and $version"
# shellcheck disable=SC2086 # $INSTALLED is a list of paths
if ! id=$(tar --numeric-owner -c -C "$BASE" . -C "$STAGE" $INSTALLED |
	docker import \
	--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
	--change 'USER 65534:65534' \
	--change 'WORKDIR /tmp' \
	--change 'EXPOSE 8474' \
	--change 'ENTRYPOINT ["/usr/local/bin/goneaway", "serve", "--no-server"]' \
	--change 'CMD ["-host", "0.0.0.0", "-port", "8474"]' \
	--change "LABEL goneaway.image-marker=$marker" \
	- "$IMAGE"); then
	say "$IMAGE: docker import failed"
	exit 1
fi
# Its goneaway runs there: every library it links is in the base.
if ! out=$(docker run --rm --network none --entrypoint /usr/local/bin/goneaway \
	"$IMAGE" --version 2>&1); then
	say "$IMAGE: its goneaway does not run: $out"
	docker image rm "$IMAGE" >/dev/null 2>&1
	exit 1
fi
if [ -n "$old" ] && [ "$old" != "$id" ]; then
	docker image rm "$old" >/dev/null 2>&1 || true
fi
say "$IMAGE: $id ($(($(date +%s) - t0)) s): $out"
