#!/usr/bin/env bash
# fresh-debian12.sh - the project's acceptance rule, runnable by anyone:
# ".ci/run passes in a fresh Debian 12 container, from a clone where a
# root newcomer would make it" (README: as root, from a clone; issue 56:
# root's home is 0700, and the tests that run things as another user
# must give that user a copy of what it needs).
#
# Usage (as root):  ci/fresh-debian12.sh [--clone-to DIR] [--via-symlink]
#                       [--rebuild-image] [CHECKOUT]
#
#   CHECKOUT         the repository to test (default: the one this script is
#                    in): its HEAD, committed (a bundle of it is mounted
#                    read-only at /src.bundle); changes not committed are
#                    not tested, and it says so.  Nothing is written to it.
#   --clone-to DIR   where the container clones it (default /root/goneaway,
#                    in root's 0700 home); a path with a space, say
#                    "/root/go neaway", tests that too.
#   --via-symlink    run everything through a symlink to the clone (DIR.link):
#                    a symlinked checkout.
#   --rebuild-image  build the Debian 12 root again even if it is cached.
#
# What it does:
#  1. installs debootstrap and docker.io on the host if missing (with a
#     policy-rc.d in place, so the package's own docker service does not start);
#  2. builds once, and caches in /var/cache/goneaway/images/, a
#     "debootstrap --variant=minbase bookworm" root with only git and make
#     added, from the mirror in this machine's apt sources, and imports it
#     into its private engine (again only when missing);
#  3. starts a private dockerd that never touches the host's network
#     (--iptables=false --ip6tables=false --bridge=none --ip-forward=false,
#     its own data-root, exec-root, pidfile and socket
#     unix:///run/goneaway-docker.sock) unless one already answers there;
#  4. runs a container from that image (network "host", so apt inside reaches
#     the mirror; the cap flags a non-privileged container needs for
#     namespaces, veths, nftables and qdiscs) with a git bundle of the
#     checkout's HEAD at /src.bundle, and runs in it: "git clone" into the
#     --clone-to directory (a fresh clone builds from scratch), "make deps"
#     (the apt part of "make check", timed on its own), a copy_file_range
#     probe (see below), then .ci/run of the clone (through its symlink with
#     --via-symlink);
#  5. whatever happens (EXIT, INT, TERM): removes the container, stops the
#     dockerd it started (by PID), removes its exec-root, socket and pidfile,
#     and checks that the host's iptables, ip6tables, nft ruleset, links,
#     addresses, routes and forwarding sysctls are as they were.
#
# The copy_file_range probe copies a file from a bind mount of the host's
# (the bundle) to the container's /tmp the way harness/util/fsutil.c did
# before it had a fallback (ftruncate, then SEEK_DATA/SEEK_HOLE and
# copy_file_range, no read/write fallback) and reports whether that copy is
# intact: evidence files copied that way came out as NUL bytes here,
# because the kernel answers EXDEV between the bind mount (the host's
# filesystem) and the container's overlayfs.  The probe only reports; the
# tests decide.
#
# Exit status: that of .ci/run in the container; 125 when the script
# could not get that far (bundle, image, engine, container, clone, "make
# deps"), or when .ci/run passed but the host's network state changed.
#
# Failing integration files keep their scratch directories (GA_TEST_DEBUG=1);
# they are copied out to /var/cache/goneaway/fresh-debian12-last/ before the
# container is removed (replaced by every run).
#
# Environment: GA_CACHE (default /var/cache/goneaway), GA_DEBIAN_MIRROR and
# GA_DEBIAN_SECURITY_MIRROR (default: read from this machine's apt sources).
# Runs are serialised by a lock in GA_CACHE.  To remove everything it keeps
# (no run going): rm -rf /var/cache/goneaway/{images,docker-data,dockerd*,fresh-debian12*}
set -uo pipefail

GA_CACHE=${GA_CACHE:-/var/cache/goneaway}
IMG_DIR=$GA_CACHE/images
DATA_ROOT=$GA_CACHE/docker-data
SOCK=/run/goneaway-docker.sock
EXEC_ROOT=/run/goneaway-docker
PIDFILE=/run/goneaway-docker.pid
CGROUP_PARENT=goneaway-docker
ARTIFACTS=$GA_CACHE/fresh-debian12-last
RECIPE_VERSION=1        # bump when the image recipe below changes

rebuild_image=0 checkout="" clone_to=/root/goneaway via_symlink=0
while [ $# -gt 0 ]; do
	a=$1
	shift
	case "$a" in
	--rebuild-image) rebuild_image=1 ;;
	--clone-to)
		[ $# -gt 0 ] || { echo "fresh-debian12: --clone-to needs a directory" >&2; exit 2; }
		clone_to=$1
		shift ;;
	--via-symlink) via_symlink=1 ;;
	--keep-build)
		echo "fresh-debian12: --keep-build: the build is the container's clone's now, nothing is built in the checkout" >&2
		exit 2 ;;
	-h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "fresh-debian12: unknown option $a" >&2; exit 2 ;;
	*) [ -z "$checkout" ] || { echo "fresh-debian12: one checkout only" >&2; exit 2; }
	   checkout=$a ;;
	esac
done
case $clone_to in
/*) ;;
*) echo "fresh-debian12: --clone-to $clone_to: not an absolute path" >&2; exit 2 ;;
esac
clone_to=${clone_to%/}
run_dir=$clone_to
[ "$via_symlink" = 0 ] || run_dir=$clone_to.link
[ -n "$checkout" ] || checkout=$(cd "$(dirname "$0")/.." && pwd)
checkout=$(cd "$checkout" 2>/dev/null && pwd) || { echo "fresh-debian12: no such directory" >&2; exit 2; }
git -C "$checkout" rev-parse --verify -q HEAD >/dev/null 2>&1 ||
	{ echo "fresh-debian12: $checkout is not a git checkout with a commit" >&2; exit 2; }
[ -x "$checkout/.ci/run" ] || { echo "fresh-debian12: $checkout has no executable .ci/run" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "fresh-debian12: run as root (sudo $0 ...)" >&2; exit 2; }

say() { printf 'fresh-debian12: %s\n' "$*"; }
now() { date +%s.%N; }
T_PHASES=""
phase_done() {  # NAME START
	local d; d=$(awk -v a="$2" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
	T_PHASES="$T_PHASES$(printf '  %-34s %7s s' "$1" "$d")"$'\n'
	say "$1: ${d} s"
}

# ---- state the cleanup needs ----------------------------------------------
STATUS=125 CONTAINER="" DOCKERD_PID="" CHILD="" BUILD_ROOT="" POLICY_RC_ADDED=0
HOST_BEFORE="" RUN_DOCKER_EXISTED=1 RUN_CONTAINERD_EXISTED=1 KEY_JSON_EXISTED=1 CLEANED=0 BUNDLE=""

# Runs "$@" in the background and waits, so that INT/TERM are handled at
# once (bash defers traps while a foreground command runs).
run_wait() {
	"$@" & CHILD=$!
	wait "$CHILD"; local rc=$?
	CHILD=""
	return $rc
}

host_state() {  # the host's network state, without counters and timestamps
	{
		echo "## links"; ip -o link show | sed 's/ qlen [0-9]*//'
		echo "## addresses"; ip -o addr show | sed 's/ valid_lft.*//'
		echo "## routes"; ip route show; ip -6 route show
		echo "## nft"; command -v nft >/dev/null && nft list ruleset 2>&1 | sed 's/counter packets [0-9]* bytes [0-9]*/counter/'
		for t in iptables-save ip6tables-save; do
			echo "## $t"
			command -v $t >/dev/null && $t 2>&1 | sed '/^#/d; s/\[[0-9]*:[0-9]*\]//'
		done
		echo "## sysctl"
		for s in net.ipv4.ip_forward net.ipv4.conf.all.forwarding net.ipv6.conf.all.forwarding \
			 net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables; do
			sysctl -n "$s" 2>/dev/null | sed "s/^/$s = /"
		done
	}
}

cleanup() {
	local rc=$? i
	trap '' INT TERM
	[ "$CLEANED" = 1 ] && return
	CLEANED=1
	[ -n "$CHILD" ] && kill -TERM "$CHILD" 2>/dev/null
	if [ -n "$CONTAINER" ]; then
		if [ "$STATUS" -ne 0 ] && [ "$STATUS" -ne 125 ]; then
			rm -rf "$ARTIFACTS"; mkdir -p "$ARTIFACTS"
			for d in $(docker -H "unix://$SOCK" exec "$CONTAINER" sh -c 'ls -d /tmp/ga-test-* 2>/dev/null'); do
				docker -H "unix://$SOCK" cp "$CONTAINER:$d" "$ARTIFACTS/" >/dev/null 2>&1
			done
			[ -n "$(ls -A "$ARTIFACTS")" ] && say "kept the failing tests' scratch directories in $ARTIFACTS" ||
				rmdir "$ARTIFACTS"
		fi
		docker -H "unix://$SOCK" rm -f "$CONTAINER" >/dev/null 2>&1 ||
			say "WARNING: could not remove container $CONTAINER"
	fi
	if [ -n "$BUILD_ROOT" ] && [ -d "$BUILD_ROOT" ]; then
		# debootstrap mounts proc/sys in the target; never follow them.
		grep -o " $BUILD_ROOT[^ ]* " /proc/self/mounts | sort -r | while read -r m; do umount -l "$m"; done
		rm -rf --one-file-system "$BUILD_ROOT" "$BUILD_ROOT.tar.tmp" "$BUILD_ROOT.log"
	fi
	if [ "$POLICY_RC_ADDED" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
	[ -z "$BUNDLE" ] || rm -f "$BUNDLE"
	if [ -n "$DOCKERD_PID" ]; then
		stop_dockerd
	fi
	if [ -n "$HOST_BEFORE" ]; then
		if host_state | diff -u "$HOST_BEFORE" - > "$HOST_BEFORE.diff"; then
			say "host check: links, addresses, routes, nft, iptables, sysctls as before"
		else
			say "WARNING: the host's network state changed during the run:"
			cat "$HOST_BEFORE.diff"
			[ "$STATUS" -eq 0 ] && STATUS=125
		fi
		rm -f "$HOST_BEFORE" "$HOST_BEFORE.diff"
	fi
	if [ -n "$T_PHASES" ]; then
		echo "fresh-debian12: timings"
		printf '%s' "$T_PHASES"
	fi
	[ "$STATUS" -eq 125 ] && [ "$rc" -ge 128 ] && STATUS=$rc
	say "exit status $STATUS"
	exit "$STATUS"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

stop_dockerd() {
	local kids i t0
	t0=$(now)
	kids=$(cat /proc/"$DOCKERD_PID"/task/*/children 2>/dev/null)
	kill -TERM "$DOCKERD_PID" 2>/dev/null
	for i in $(seq 1 200); do
		kill -0 "$DOCKERD_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$DOCKERD_PID" 2>/dev/null; then
		say "WARNING: dockerd $DOCKERD_PID did not stop in 20 s: SIGKILL"
		kill -KILL "$DOCKERD_PID" $kids 2>/dev/null
		sleep 0.5
	fi
	wait "$DOCKERD_PID" 2>/dev/null
	for k in $kids; do  # its containerd normally exits with it
		kill -0 "$k" 2>/dev/null && kill -KILL "$k" 2>/dev/null
	done
	# dockerd leaves the bind mount of the host's netns that containers
	# with --network host used (EXEC_ROOT/netns/default) even after a
	# clean stop; a killed dockerd leaves more (overlay, data-root)
	awk -v a="$DATA_ROOT" -v b="$EXEC_ROOT" '$2 == a || index($2, a "/") == 1 || index($2, b "/") == 1 { print $2 }' \
		/proc/self/mounts | sort -r | while read -r m; do
		[ "$m" = "$EXEC_ROOT/netns/default" ] || say "WARNING: unmounting leftover $m"
		umount -l "$m"
	done
	rm -rf "$EXEC_ROOT" "$SOCK" "$PIDFILE" "$GA_CACHE/dockerd.started"
	# what dockerd creates outside its own directories
	# (its containers' empty groups first: rmdir takes only an empty group)
	for c in /sys/fs/cgroup/*/"$CGROUP_PARENT" /sys/fs/cgroup/unified/"$CGROUP_PARENT"; do
		[ -d "$c" ] || continue
		find "$c" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
		rmdir "$c" 2>/dev/null
	done
	if [ "$RUN_DOCKER_EXISTED" = 0 ]; then
		rmdir /run/docker/plugins /run/docker 2>/dev/null
	fi
	# containerd 1.6 puts its shims' sockets in /run/containerd/s whatever
	# its state directory is
	if [ "$RUN_CONTAINERD_EXISTED" = 0 ]; then
		rmdir /run/containerd/s /run/containerd 2>/dev/null
	fi
	if [ "$KEY_JSON_EXISTED" = 0 ] && [ -e /etc/docker/key.json ]; then
		say "note: dockerd created /etc/docker/key.json; removed"
		rm -f /etc/docker/key.json
	fi
	DOCKERD_PID=""
	phase_done "stop dockerd" "$t0"
}

# ---- 1. host packages -------------------------------------------------------
missing=""
command -v debootstrap >/dev/null || missing="$missing debootstrap"
command -v dockerd >/dev/null || missing="$missing docker.io"
if [ -n "$missing" ]; then
	t0=$(now)
	say "installing on the host:$missing"
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		# the package would start the system's docker service, which
		# adds docker0 and iptables rules to the host
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		POLICY_RC_ADDED=1
	fi
	run_wait apt-get update -qq || exit 125
	DEBIAN_FRONTEND=noninteractive run_wait apt-get install -y -qq --no-install-recommends $missing || exit 125
	if [ "$POLICY_RC_ADDED" = 1 ]; then rm -f /usr/sbin/policy-rc.d; POLICY_RC_ADDED=0; fi
	phase_done "host packages" "$t0"
fi
DOCKER_BIN=$(command -v docker) || { say "no docker client"; exit 125; }
docker() { "$DOCKER_BIN" "$@"; }

HOST_BEFORE=$(mktemp "${TMPDIR:-/tmp}/goneaway-fresh-host.XXXXXX")
host_state > "$HOST_BEFORE"

mkdir -p "$IMG_DIR"
exec 9> "$GA_CACHE/fresh-debian12.lock"
if ! flock -n 9; then
	say "another fresh-debian12.sh run holds $GA_CACHE/fresh-debian12.lock: waiting"
	flock 9
fi
rm -rf "$ARTIFACTS"

# ---- 2. the image -------------------------------------------------------------
# The mirror comes from this machine's apt sources (deb822 or one-line).
apt_uri() {  # SUITE: the first deb URI serving that suite
	local suite=$1 f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v s="$suite" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			if ($(i + 1) == s) { print $i; exit } }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v s="$suite" 'BEGIN { RS = ""; FS = "\n" }
			{ types = uris = suites = ""; en = "yes"
			  for (i = 1; i <= NF; i++) {
				if ($i ~ /^Types:/) types = $i
				else if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
				else if ($i ~ /^Suites:/) suites = $i " "
				else if ($i ~ /^Enabled:[ \t]*no/) en = "no"
			  }
			  if (en == "yes" && types ~ /[ \t]deb([ \t]|$)/ && suites ~ ("[ \t]" s " ")) {
				split(uris, u, /[ \t]+/); print u[1]; exit } }' "$f"
	done
}
MIRROR=${GA_DEBIAN_MIRROR:-$(apt_uri bookworm | head -n 1)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY=${GA_DEBIAN_SECURITY_MIRROR:-$(apt_uri bookworm-security | head -n 1)}
SECURITY=${SECURITY:-http://deb.debian.org/debian-security}
# The host's network-related apt settings (proxy, snapshot validity).
APT_EXTRA=$(apt-config dump 2>/dev/null | grep -E '^Acquire::(https?|ftp)::Proxy|^Acquire::Check-Valid-Until|^Acquire::Check-Date' || true)
KEY=$(printf '%s\n' "$RECIPE_VERSION" bookworm minbase git,make "$MIRROR" "$SECURITY" "$APT_EXTRA" |
	sha256sum | cut -c1-12)
TARBALL=$IMG_DIR/debian12-minbase-git-make-$KEY.tar
IMAGE=goneaway/debian12-ci:$KEY
say "image $IMAGE (mirror $MIRROR, security $SECURITY)"

rebuilt=0
if [ "$rebuild_image" = 1 ] || [ ! -s "$TARBALL" ]; then
	t0=$(now)
	rebuilt=1
	BUILD_ROOT=$(mktemp -d "$IMG_DIR/.build.XXXXXX")
	proxy=$(printf '%s\n' "$APT_EXTRA" | sed -n 's/^Acquire::http::Proxy "\(.*\)";$/\1/p' | head -n 1)
	say "debootstrap --variant=minbase --include=git,make bookworm from $MIRROR"
	http_proxy=${http_proxy:-$proxy} run_wait debootstrap --variant=minbase --include=git,make \
		--components=main bookworm "$BUILD_ROOT/root" "$MIRROR" > "$BUILD_ROOT.log" 2>&1 || {
		tail -n 20 "$BUILD_ROOT.log"; rm -f "$BUILD_ROOT.log"; exit 125; }
	rm -f "$BUILD_ROOT.log"
	r=$BUILD_ROOT/root
	rm -f "$r/etc/apt/sources.list"
	cat > "$r/etc/apt/sources.list.d/debian.sources" <<-EOF
	Types: deb
	URIs: $MIRROR
	Suites: bookworm bookworm-updates
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

	Types: deb
	URIs: $SECURITY
	Suites: bookworm-security
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	[ -z "$APT_EXTRA" ] || printf '%s\n' "$APT_EXTRA" > "$r/etc/apt/apt.conf.d/99from-host"
	# as in Debian's official images: packages never start services (the
	# container shares the host's network: a started mariadbd would listen
	# on the host's port 3306)
	printf '#!/bin/sh\nexit 101\n' > "$r/usr/sbin/policy-rc.d"
	chmod 755 "$r/usr/sbin/policy-rc.d"
	chroot "$r" apt-get clean
	rm -rf "$r"/var/lib/apt/lists/* "$r"/var/log/*.log "$r"/var/cache/ldconfig/aux-cache
	: > "$r/etc/resolv.conf"; : > "$r/etc/hostname"
	tar --numeric-owner -C "$r" -cf "$BUILD_ROOT.tar.tmp" . || exit 125
	mv "$BUILD_ROOT.tar.tmp" "$TARBALL"
	rm -rf --one-file-system "$BUILD_ROOT"; BUILD_ROOT=""
	for old in "$IMG_DIR"/debian12-minbase-git-make-*.tar; do
		[ "$old" = "$TARBALL" ] || rm -f "$old"
	done
	phase_done "image: debootstrap + tar ($(du -m "$TARBALL" | cut -f1) MB)" "$t0"
fi

# ---- 3. the private engine ------------------------------------------------------
engine_up() { docker -H "unix://$SOCK" version >/dev/null 2>&1; }
if engine_up; then
	prev=$(cat "$GA_CACHE/dockerd.started" 2>/dev/null)
	if [ -n "$prev" ] && [ "$prev" = "$(cat "$PIDFILE" 2>/dev/null)" ] &&
	   tr '\0' ' ' < /proc/"$prev"/cmdline 2>/dev/null | grep -q "unix://$SOCK"; then
		say "adopting dockerd $prev left by an interrupted run"
		DOCKERD_PID=$prev
	else
		say "using the engine that already answers on $SOCK (not stopping it)"
	fi
else
	t0=$(now)
	[ -e /run/docker ] || RUN_DOCKER_EXISTED=0
	[ -e /run/containerd ] || RUN_CONTAINERD_EXISTED=0
	[ -e /etc/docker/key.json ] || KEY_JSON_EXISTED=0
	mkdir -p "$DATA_ROOT"
	# its own config file, so that /etc/docker/daemon.json plays no part;
	# dockerd 20.10 writes /etc/docker/key.json unless told another path
	if grep -a -q -- deprecated-key-path "$(command -v dockerd)"; then
		printf '{ "deprecated-key-path": "%s" }\n' "$GA_CACHE/dockerd-key.json"
	else
		echo '{}'
	fi > "$GA_CACHE/dockerd.json"
	extra=()
	dockerd --help 2>&1 | grep -q -- '--ip6tables' && extra+=(--ip6tables=false)
	rm -f "$SOCK" "$PIDFILE"
	# its own session: a Ctrl-C in the terminal must reach this script
	# (which removes the container first), not the engine
	setsid dockerd --config-file "$GA_CACHE/dockerd.json" \
		--data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" --pidfile "$PIDFILE" \
		-H "unix://$SOCK" --iptables=false --bridge=none --ip-forward=false \
		--ip-masq=false --cgroup-parent "$CGROUP_PARENT" "${extra[@]}" \
		> "$GA_CACHE/dockerd.log" 2>&1 < /dev/null 9>&- &
	DOCKERD_PID=$!
	echo "$DOCKERD_PID" > "$GA_CACHE/dockerd.started"
	for i in $(seq 1 300); do
		engine_up && break
		kill -0 "$DOCKERD_PID" 2>/dev/null || break
		sleep 0.1
	done
	if ! engine_up; then
		say "dockerd did not start; its log:"; tail -n 20 "$GA_CACHE/dockerd.log"; exit 125
	fi
	[ "$(cat "$PIDFILE" 2>/dev/null)" = "$DOCKERD_PID" ] ||
		say "WARNING: $PIDFILE says $(cat "$PIDFILE" 2>/dev/null), started $DOCKERD_PID"
	phase_done "start dockerd (pid $DOCKERD_PID)" "$t0"
fi
D=(docker -H "unix://$SOCK")

if [ "$rebuilt" = 1 ] || ! "${D[@]}" image inspect "$IMAGE" >/dev/null 2>&1; then
	t0=$(now)
	"${D[@]}" rmi -f "$IMAGE" >/dev/null 2>&1
	run_wait "${D[@]}" import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'CMD ["bash"]' "$TARBALL" "$IMAGE" >/dev/null || exit 125
	for old in $("${D[@]}" images -q --filter reference='goneaway/debian12-ci' | sort -u); do
		[ "$old" = "$("${D[@]}" images -q "$IMAGE")" ] || "${D[@]}" rmi -f "$old" >/dev/null 2>&1
	done
	phase_done "image: docker import" "$t0"
fi

# ---- 4. the container -----------------------------------------------------------
# What a newcomer clones: the checkout's HEAD, as a bundle (a worktree's
# .git names a directory the container does not have).
t0=$(now)
BUNDLE=$(mktemp "$GA_CACHE/fresh-debian12-src.XXXXXX") || exit 125
git -C "$checkout" bundle create "$BUNDLE" HEAD 2>/dev/null || { say "git bundle of $checkout failed"; exit 125; }
chmod 644 "$BUNDLE"
say "testing $(git -C "$checkout" rev-parse HEAD) ($(git -C "$checkout" log -1 --format=%s | cut -c1-60))"
git -C "$checkout" diff --quiet HEAD -- 2>/dev/null ||
	say "note: $checkout has changes not committed: they are not tested"
phase_done "bundle of HEAD" "$t0"
t0=$(now)
name=goneaway-fresh-$$
# the lock serializes runs: a container of ours that exists is a killed run's
stale=$("${D[@]}" ps -aq --filter label=goneaway.fresh-debian12=1)
[ -z "$stale" ] || { say "removing containers of an interrupted run: $stale"; "${D[@]}" rm -f $stale >/dev/null; }
# The host's own local CA certificates (those under
# /usr/local/share/ca-certificates: a TLS-inspecting egress proxy's, for
# one) are trusted in the container as on the host, for npm (Node's
# NODE_EXTRA_CA_CERTS).  A fresh machine of the same site has them; the
# minbase image does not, and "npm ci" failed there with
# SELF_SIGNED_CERT_IN_CHAIN.  Nothing else of the host goes in.
ca_opts=()
host_ca=$GA_CACHE/fresh-debian12-host-ca.crt
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
	cat /usr/local/share/ca-certificates/*.crt > "$host_ca.tmp" && mv "$host_ca.tmp" "$host_ca" &&
		ca_opts=(-v "$host_ca:/etc/goneaway-host-ca.crt:ro" -e NODE_EXTRA_CA_CERTS=/etc/goneaway-host-ca.crt)
fi
CONTAINER=$("${D[@]}" run -d --init --name "$name" --label goneaway.fresh-debian12=1 \
	--network host "${ca_opts[@]}" \
	--cap-add ALL --cap-drop SYS_RESOURCE \
	--security-opt seccomp=unconfined --security-opt apparmor=unconfined \
	-v "$BUNDLE:/src.bundle:ro" -w / "$IMAGE" sleep infinity) || { CONTAINER=""; exit 125; }
phase_done "start container" "$t0"
# in_box [docker exec options] -- COMMAND...: runs COMMAND in the container
# and returns its exit status.  The docker exec client gets a session of its
# own: a Ctrl-C is this script's to handle (it removes the container).  And
# the client's own status is not trusted alone: a signalled "docker exec"
# client exits 0 while its command goes on in the container, so the command
# leaves its status in a file that is read back.
BOX_N=0
in_box() {
	local opts=() rc st
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	BOX_N=$((BOX_N + 1))
	run_wait setsid -w "${D[@]}" exec "${opts[@]}" "$CONTAINER" \
		sh -c '"$@"; rc=$?; echo $rc > /tmp/.fresh-rc.'"$BOX_N"'; exit $rc' sh "$@"
	rc=$?
	st=$("${D[@]}" exec "$CONTAINER" cat /tmp/.fresh-rc.$BOX_N 2>/dev/null)
	if [ -z "$st" ]; then
		say "docker exec ended (status $rc) before its command in the container did"
		return 125
	fi
	return "$st"
}

t0=$(now)
say "git clone into $clone_to$( [ "$via_symlink" = 0 ] || echo ", run through the symlink $run_dir")"
in_box -- sh -c 'mkdir -p "$(dirname "$1")" &&
	git -c advice.detachedHead=false clone -q /src.bundle "$1" &&
	git -C "$1" checkout -q -b fresh-debian12 &&
	{ [ "$1" = "$2" ] || ln -s "$1" "$2"; } && ls -ld "$(dirname "$1")" "$2"' sh "$clone_to" "$run_dir" || exit 125
phase_done "git clone" "$t0"

t0=$(now)
say "make deps (apt-get inside the container)"
in_box -e DEBIAN_FRONTEND=noninteractive -- make -C "$run_dir" deps || exit 125
phase_done "apt inside (make deps)" "$t0"

t0=$(now)
PROBE_SRC=$(cat <<'EOF'
/* the copy of harness/fsutil.c's copy_fd_sparse: ftruncate, SEEK_DATA/HOLE, copy_file_range */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	struct stat st; off_t data = 0, hole; long calls = 0, copied = 0, nul = 0;
	char a[65536], b[65536]; ssize_t n, m;
	int in = open(argv[1], O_RDONLY), out = open(argv[2], O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (in < 0 || out < 0 || fstat(in, &st) || ftruncate(out, st.st_size)) { perror("probe"); return 2; }
	for (;;) {
		if ((data = lseek(in, data, SEEK_DATA)) < 0) break;
		hole = lseek(in, data, SEEK_HOLE);
		off_t oi = data, oo = data;
		while (oi < hole) {
			n = copy_file_range(in, &oi, out, &oo, (size_t)(hole - oi), 0); calls++;
			if (n < 0) { printf("copy_file_range probe: %s -> %s: copy_file_range failed after ftruncate: %s (errno %d); the copy stays %lld NUL bytes\n",
					    argv[1], argv[2], strerror(errno), errno, (long long)st.st_size); return 1; }
			if (n == 0) break;
			copied += n;
		}
		data = hole;
	}
	lseek(in, 0, SEEK_SET); lseek(out, 0, SEEK_SET);
	int same = 1;
	while ((n = read(in, a, sizeof a)) > 0) {
		m = read(out, b, (size_t)n);
		if (m != n || memcmp(a, b, (size_t)n)) same = 0;
		for (ssize_t i = 0; i < m; i++) nul += b[i] == 0;
	}
	printf("copy_file_range probe: %s (%lld bytes) -> %s: %ld calls returned %ld bytes; copy %s, %ld NUL bytes\n",
	       argv[1], (long long)st.st_size, argv[2], calls, copied,
	       same ? "IDENTICAL" : "DIFFERS", nul);
	return same ? 0 : 1;
}
EOF
)
in_box -- sh -c 'printf "%s\n" "$1" > /tmp/cfr-probe.c && cc -O2 -o /tmp/cfr-probe /tmp/cfr-probe.c &&
	/tmp/cfr-probe /src.bundle /tmp/cfr-probe.out; rc=$?; rm -f /tmp/cfr-probe*; exit $rc' sh "$PROBE_SRC"
probe=$?
[ "$probe" -eq 0 ] || say "note: copy_file_range from a bind mount of the host's to the container's /tmp fails here; a copy without a read/write fallback loses the data (t0010's evidence test shows whether the harness has one)"
phase_done "copy_file_range probe" "$t0"

t0=$(now)
say "$run_dir/.ci/run"
in_box -e GA_TEST_DEBUG=1 -- "$run_dir/.ci/run"
STATUS=$?
phase_done ".ci/run (make check: build + tests)" "$t0"
say ".ci/run exited $STATUS"
exit "$STATUS"
