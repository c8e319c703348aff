# private-engine.sh - sourced by the tests that run containers
# (t0180-image, t0206-serve-container-job), after lib.sh: a private
# Docker engine (ci/private-dockerd.sh) started in a network namespace
# of the test's own, an unshare holder, so that its networks, bridges,
# published ports and containers are all there and the host's network
# never changes.  The test sets ENGINE (the engine's name) and NET (its
# network, removed at the end) first.
#
# engine_up:     the holder (HOLDER; inns runs a command in its network
#                namespace), then the engine (its data-root ENGINE_DIR, a
#                directory of this run's, owned by a lock its shell holds
#                on ENGINE_DIR/owner; DOCKER_HOST exported); sets why_not
#                when either does not start.  Snapshots the host's
#                network and the leftovers first (engine_left), then
#                removes what a dead run of this engine left
#                (engine_reap).
# engine_reap:   a run killed before its cleanup could run (SIGKILL: run-
#                all ends a wrapped file with its whole PID namespace)
#                leaves its data-root in /var/tmp and its engine's files
#                in /run (socket, pidfile, exec-root, state, and what the
#                state says the engine made: /run/docker, /run/containerd,
#                its cgroup).  A data-root whose owner lock nobody holds
#                is a dead run's: it goes, and with it the engine's files
#                in /run (private-dockerd.sh stop) when no run of this
#                engine is alive (none holds its lock).  A directory
#                without an owner file is never touched.
# engine_down:   containers, NET, the engine by its PID, the holder, the
#                data-root: whatever of them exists (the cleanup's, on
#                every exit).
# engine_test:  test_expect_success, or test_skip with why_not when set.
# engine_stopped, engine_left: the bodies of the last two cases (the
#                engine stops by its PID and its data-root goes; nothing
#                is left, the host's network as before).

SOCK=/run/goneaway-$ENGINE.sock
HOLDER="" ENGINE_DIR="" started=0
inns() { nsenter -t "$HOLDER" --net "$@"; }

engine_reap() {
	live=0 dead=""
	for d in /var/tmp/goneaway-"$ENGINE".*; do
		[ -f "$d/owner" ] || continue
		if flock -n "$d/owner" true; then dead="$dead $d"; else live=1; fi
	done
	for d in $dead; do
		[ "$live" = 1 ] ||
			GA_CACHE=$d sh "$TOP/ci/private-dockerd.sh" stop "$ENGINE"
		rm -rf --one-file-system "$d" &&
		echo "# private-engine: removed what a dead run of $ENGINE left: $d$([ "$live" = 1 ] || echo " and its engine's files in /run")"
	done
}

# The lock is taken on a file of another name, then renamed owner: a
# reaper never sees an owner file that is not locked yet.  Fd 9 stays
# open in this shell (and what it starts, but dockerd: private-
# dockerd.sh closes 3-9 for it) until engine_down, or until the run
# dies, however it dies.
engine_own() {
	exec 9> "$ENGINE_DIR/owner.new" && flock -n 9 &&
	mv "$ENGINE_DIR/owner.new" "$ENGINE_DIR/owner"
}

engine_up() {
	host_net_state > "$SCRATCH/host-before"
	leftover_snapshot > "$SCRATCH/before"
	engine_reap
	# the namespace's holder: lo up, nothing else
	unshare --net --fork --kill-child sh -c \
		'ip link set lo up && touch "$0/ready" && exec sleep 3600' "$SCRATCH" &
	HOLDER=$!
	if ! wait_until 100 test -f "$SCRATCH/ready"; then
		why_not="no network namespace of the test's own (unshare --net)"
		return
	fi
	if ! ENGINE_DIR=$(mktemp -d "/var/tmp/goneaway-$ENGINE.XXXXXX") || ! engine_own; then
		why_not="no data-root of this run's in /var/tmp, owned by a lock"
		return
	fi
	if GA_CACHE=$ENGINE_DIR inns sh "$TOP/ci/private-dockerd.sh" start "$ENGINE" \
		> "$SCRATCH/engine" 2>&1; then
		started=1
		export DOCKER_HOST=unix://$SOCK
	else
		why_not="the private Docker engine did not start: $(tail -n 3 "$SCRATCH/engine" | tr '\n' ' ')"
	fi
}

engine_down() {
	if [ "$started" = 1 ]; then
		# containers first (the stop would too), then the network
		ids=$(docker ps -aq 2> /dev/null)
		# shellcheck disable=SC2086 # a list of ids
		[ -z "$ids" ] || docker rm -f -v $ids > /dev/null 2>&1
		docker network rm "$NET" > /dev/null 2>&1
		GA_CACHE=$ENGINE_DIR sh "$TOP/ci/private-dockerd.sh" stop "$ENGINE"
		started=0
	fi
	# unshare ignores SIGTERM while it waits: its child dies with it
	[ -n "$HOLDER" ] && kill -KILL "$HOLDER" 2> /dev/null &&
		wait "$HOLDER" 2> /dev/null
	HOLDER=""
	[ -z "$ENGINE_DIR" ] || rm -rf --one-file-system "$ENGINE_DIR"
	ENGINE_DIR=""
	exec 9>&-
}

engine_stopped() {
	docker network rm "$NET" > /dev/null &&
	pid=$(cat "/run/goneaway-$ENGINE.pid") &&
	GA_CACHE=$ENGINE_DIR sh "$TOP/ci/private-dockerd.sh" stop "$ENGINE" && started=0 &&
	! kill -0 "$pid" 2> /dev/null && test ! -e "$SOCK" &&
	rm -rf --one-file-system "$ENGINE_DIR" && test ! -e "$ENGINE_DIR"
}

# engine_left [PATH...]: also none of PATHs (globs) is left
engine_left() {
	ls -d "/run/goneaway-$ENGINE"* "/var/tmp/goneaway-$ENGINE".* "$@" > left 2> /dev/null
	cat left
	host_net_state > host-after && diff -u "$SCRATCH/host-before" host-after &&
	leftover_snapshot > after && new_leftovers "$SCRATCH/before" after &&
	test ! -s left
}

engine_test() {
	if [ -n "$why_not" ]; then
		test_skip "$1" "$why_not"
	else
		test_expect_success "$1" "$2"
	fi
}
