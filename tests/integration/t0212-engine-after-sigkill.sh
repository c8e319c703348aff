#!/bin/sh
# t0212-engine-after-sigkill: what a private Docker engine's run leaves
# when it is killed before its cleanup can run goes at the next run's
# start (issue 60).  run-all, on SIGTERM or Ctrl-C, ends a wrapped file
# by SIGKILL to its unshare: the whole PID namespace dies, no trap runs,
# and private-engine.sh's engine (t0180, t0206) left its data-root in
# /var/tmp and its socket, pidfile, exec-root and state in /run.
# private-engine.sh now owns a data-root by a lock its shell holds on
# DIR/owner; engine_up (engine_reap) removes a data-root whose lock is
# free, and the engine's files in /run (private-dockerd.sh stop) when no
# run of that engine holds a lock.  A directory of the same name without
# an owner file, or with its lock held, is not touched.
#
# A fixture file (written here, in a tree of links to this checkout)
# sources private-engine.sh with an engine of its own (t0212) and is run
# by run-all with GA_TEST_ISOLATE=1, as t0206 is.  Checked: once its
# engine answers, run-all's SIGTERM leaves that engine's files (the
# failure this fixes, seen here); the next run of the fixture says it
# removed them, passes, and leaves none, while a decoy directory whose
# lock a live process holds and one without an owner file stay; at the
# end nothing of the engine is left.
#
# SKIPs: not root; no docker.io (installed when apt-get can); no flock.
#
# run-all: wrapped
# (its fixture's dockerd lives in the fixture's own PID, mount and
# network namespaces)
. "$(dirname "$0")/lib.sh"

ENGINE=t0212
TREE=$SCRATCH/tree
mkdir -p "$TREE/tests/integration" "$TREE/mark" &&
for f in lib.sh run-all.sh private-engine.sh; do
	ln -s "$TOP/tests/integration/$f" "$TREE/tests/integration/$f" || exit 1
done &&
ln -s "$TOP/ci" "$TREE/ci" && ln -s "$TOP/scenarios" "$TREE/scenarios" &&
ln -s "$GONEAWAY" "$TREE/goneaway" || exit 1

# The fixture: an engine up, a network made; with GA_T0212_WAIT=1 it
# then waits to be killed, otherwise it stops the engine and checks that
# nothing is left, as t0206 does.  It says where its data-root is in
# mark/dir.
cat > "$TREE/tests/integration/t9998-fixture.sh" <<'EOF'
#!/bin/sh
# run-all: wrapped
. "$(dirname "$0")/lib.sh"
ENGINE=t0212 NET=ga-t0212 MARK=$TOP/mark
. "$TOP/tests/integration/private-engine.sh"
cleanup() { engine_down; }
trap cleanup EXIT
trap 'cleanup; rm -rf "$SCRATCH"; exit 130' INT
trap 'cleanup; rm -rf "$SCRATCH"; exit 143' TERM
why_not=$(docker_why_not)
# what engine_up's reap does, here first, so that what it left is seen
# before this run's engine makes its own files
if [ -z "$why_not" ]; then
	engine_reap
	ls -d "/run/goneaway-$ENGINE"* "/var/tmp/goneaway-$ENGINE".* > "$MARK/after-reap" 2> /dev/null
	engine_up
fi
echo "$ENGINE_DIR" > "$MARK/dir" && echo "$ENGINE_DIR" >> "$MARK/dirs"
engine_test 'the engine answers, a network of its own' '
	docker network create $NET > /dev/null &&
	touch "$MARK/up" && { [ "${GA_T0212_WAIT:-0}" = 0 ] || sleep 600; }
'
engine_test 'the engine stops by its PID, its data-root goes' 'engine_stopped'
[ -n "$why_not" ] || { started=0; cleanup; }
engine_test 'nothing left' 'engine_left'
test_done
EOF

why_not=""
[ "$(id -u)" -eq 0 ] || why_not="needs root (a Docker engine, namespaces)"
[ -n "$why_not" ] || command -v flock > /dev/null || why_not="no flock here"
[ -n "$why_not" ] || why_not=$(docker_why_not)
t_case() {
	if [ -n "$why_not" ]; then test_skip "$1" "$why_not"
	else test_expect_success "$1" "$2"; fi
}

# the engine's files, wherever a run of it leaves them (the
# fixture's dirs are in mark/dirs)
engine_files() {
	ls -d "/run/goneaway-$ENGINE"* "/var/tmp/goneaway-$ENGINE".* \
		/sys/fs/cgroup/goneaway-$ENGINE /sys/fs/cgroup/*/goneaway-$ENGINE 2> /dev/null
	return 0
}

# A test's body runs in a subshell: the PIDs and decoys it makes are in
# files of SCRATCH (runall, locker, decoys), for the next body and reap.
# Before test_done (which removes SCRATCH) and on a signal: run-all and
# the lock's holder by PID, the decoys, and what a run that was not
# cleaned up left (so a failure leaves nothing).
reap() {
	for f in runall locker; do
		[ ! -s "$SCRATCH/$f" ] || kill -KILL "$(cat "$SCRATCH/$f")" 2> /dev/null
	done
	[ ! -f "$SCRATCH/decoys" ] || xargs rm -rf < "$SCRATCH/decoys"
	[ -f "$TREE/mark/dirs" ] || return 0
	while read -r d; do
		[ -d "$d" ] || continue
		GA_CACHE=$d sh "$TOP/ci/private-dockerd.sh" stop $ENGINE 2> /dev/null
		rm -rf --one-file-system "$d"
	done < "$TREE/mark/dirs"
}
trap reap EXIT
trap 'reap; rm -rf "$SCRATCH"; exit 130' INT
trap 'reap; rm -rf "$SCRATCH"; exit 143' TERM

# fixture_run OUT [WAIT]: run-all runs the fixture, wrapped; with WAIT
# it is sent SIGTERM once the fixture's engine answers
fixture_run() {
	rm -f "$TREE/mark/up" &&
	{ GA_TEST_ISOLATE=1 GA_T0212_WAIT=${2:-0} \
		sh "$TREE/tests/integration/run-all.sh" t9998-fixture > "$1" 2>&1 & } &&
	runall=$! && echo "$runall" > "$SCRATCH/runall" &&
	if [ -n "${2:-}" ]; then
		wait_until 1800 test -f "$TREE/mark/up" || { cat "$1"; return 1; }
		kill -TERM "$runall"
	fi
	wait_until 3000 sh -c "! kill -0 $runall 2> /dev/null" || { cat "$1"; return 1; }
	wait "$runall"; rc=$?; : > "$SCRATCH/runall"
	cat "$1"; echo "run-all: status $rc"
}

t_case "run-all's SIGTERM while the fixture's engine runs: its engine's files are left" '
	fixture_run killed.out 1 &&
	engine_files > left && cat left &&
	grep -qx "$(cat "$TREE/mark/dir")" left && grep -q "^/run/goneaway-$ENGINE" left
'

t_case "the next run removes them first (its owner lock free), passes, and leaves none" '
	dead=$(cat "$TREE/mark/dir") &&
	fixture_run next.out &&
	grep -q "^ok .*nothing left" next.out && ! grep -q "^not ok" next.out &&
	grep -q "removed what a dead run of $ENGINE left: $dead and its engine" next.out &&
	echo "after the reap: $(cat "$TREE/mark/after-reap")" && test ! -s "$TREE/mark/after-reap" &&
	engine_files > left && cat left && test ! -s left
'

# engine_reap alone (no engine): a dead run's directory (its lock free)
# beside a live one's (its lock held by a process) and one without an
# owner file; a file in /run of the engine's name stands for its files
t_case "beside a live run (its lock held), a dead run's directory goes, the engine's files in /run stay; a directory without an owner file stays" '
	held=$(mktemp -d /var/tmp/goneaway-$ENGINE.XXXXXX) &&
	nolock=$(mktemp -d /var/tmp/goneaway-$ENGINE.XXXXXX) &&
	free=$(mktemp -d /var/tmp/goneaway-$ENGINE.XXXXXX) &&
	printf "%s\n" "$held" "$nolock" "$free" /run/goneaway-$ENGINE.sock > "$SCRATCH/decoys" &&
	: > "$free/owner" && : > /run/goneaway-$ENGINE.sock &&
	{ sh -c "exec 9> \"\$0/owner\" && flock 9 && exec sleep 900" "$held" & } &&
	echo $! > "$SCRATCH/locker" &&
	wait_until 100 sh -c "! flock -n \"$held/owner\" true" &&
	(. "$TOP/tests/integration/private-engine.sh" && engine_reap) > reap.out &&
	cat reap.out && grep -qx "# private-engine: removed what a dead run of $ENGINE left: $free" reap.out &&
	engine_files > left && cat left && test "$(grep -c . left)" = 3 &&
	grep -qx "$held" left && grep -qx "$nolock" left && grep -qx /run/goneaway-$ENGINE.sock left
'

t_case 'nothing of the engine is left' '
	kill -KILL "$(cat "$SCRATCH/locker")" && : > "$SCRATCH/locker" &&
	xargs rm -rf < "$SCRATCH/decoys" && rm "$SCRATCH/decoys" &&
	engine_files > left && cat left && test ! -s left
'

reap
test_done
