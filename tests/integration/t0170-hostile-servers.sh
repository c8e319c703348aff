#!/bin/sh
# t0170-hostile-servers: every program goneaway starts as root for a
# server is confined, not only the server (issue 55): the probe
# ("mysqld --version"), each step of the template's build
# (mariadb-install-db, "mariadbd --bootstrap", "mysqld
# --initialize-insecure"), and on the docker backend the image's own
# "sleep" that its do-nothing containers run.
#
# The programs are one attack of the test's own making
# (data/hostile-server.c, built static): a root filesystem holding it as
# its mariadbd and mariadb-install-db (and one holding it as a MySQL
# root's mysqld), run with --server rootfs:DIR; the local backend with it
# as --mariadbd and --install-db, and doctor's look at that mariadbd; and
# the same root imported as a Docker image, run with --server
# docker:IMAGE in a private engine of the file's own
# (ci/private-dockerd.sh).  Each program tries mknod of the host's disk,
# a mount of it, an open of device nodes the root brought (0666: one of
# the host's disk, one of /dev/zero's kind), chroot escapes, an open of
# a 0600 root file on the host (the secret, with a random marker),
# writes outside its work directory (a host directory anyone may write
# among them), a network beyond lo (not the server), and a process that
# outlives it (the server too); it
# says what it achieved.  The root's marker is a FIFO or a link to the
# secret, which goneaway reads without following or blocking.  After
# every run:
# nothing achieved by any stage, each stage ran (the build's steps left
# their reports in the template, the server its in its error log), the
# secret's marker is nowhere, the host directory anyone may write is
# empty, the root is as it was, no process of the attack is left, and
# no namespace, mount or run directory either.
#
# Before this file (issue 55) the probe and the build ran as root with
# every capability: the probe made a node of the host's disk, mounted it
# and read the secret, and escaped the chroot; the local build wrote the
# host directory and kept a process running; the image's sleep wrote
# into the cache; the server opened the root's device node; and a FIFO
# marker blocked goneaway for good.  Until the server ran under an init
# of goneaway's in a PID namespace of its own, the process it left in a
# session of its own outlived it (local and rootfs).
#
# Without root, a C compiler and a static C library, every test SKIPs
# with the reason; the docker tests SKIP without docker.io (installed
# here when apt-get can: GA_TEST_INSTALL_DOCKER=0 forbids it) or when
# the engine cannot start.
#
# run-all: wrapped
# Its engine changes nothing of the host's network (ci/private-dockerd.sh):
# run-all runs it in PID and mount namespaces of its own.
. "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/integration/data"
SCENARIO="$TOP/scenarios/kill-idle.gw"
ENGINE=t0170
IMAGE=goneaway-test/hostile:1
leftover_snapshot > "$SCRATCH/before"

why_not=""
if [ "$(id -u)" -ne 0 ]; then
	why_not="needs root (namespaces, chroot, mknod)"
elif ! command -v cc >/dev/null 2>&1; then
	why_not="no C compiler (cc)"
fi

# The host's side (data/hostile-host.sh): the secret, open/, the disk.
. "$DATA/hostile-host.sh"
cleanup_host() {
	hostile_cleanup
	no_litter > /dev/null
}
trap 'cleanup_host; stop_engine' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
started=0
stop_engine() {
	if [ "$started" = 1 ]; then
		GA_CACHE="$SCRATCH/engine" sh "$TOP/ci/private-dockerd.sh" stop $ENGINE \
			> /dev/null 2>&1
		started=0
	fi
}

if [ -z "$why_not" ]; then
	hostile_host t0170
	# the disk attacks each stage makes: a root's programs have its node
	if [ "$major" -ge 0 ]; then
		ROOT_TRIED="own-node own-char mknod" LOCAL_TRIED=mknod
	else
		ROOT_TRIED="own-char" LOCAL_TRIED=""
	fi
	hostile_build "$SCRATCH/hostile"
fi

# make_root DIR mariadb|mysql: a root whose every program is the attack,
# with device nodes of its own (0666): the host's disk, and /dev/zero's
# kind (a kernel may refuse a block device to a user without
# CAP_SYS_RAWIO whatever its mode: this one opens where nodes do); its
# marker, .goneaway-root, is a FIFO (goneaway's open of it would block)
# or a link to the secret (read from the host, it would lead there).
make_root() {
	mkdir -p "$1/dev" "$1/goneaway" "$1/tmp" "$1/etc" "$1/bin" \
		"$1/usr/sbin" "$1/usr/bin" "$1/usr/share/hostile" &&
	if [ "$2" = mysql ]; then
		cp "$SCRATCH/hostile" "$1/usr/sbin/mysqld"
	else
		cp "$SCRATCH/hostile" "$1/usr/sbin/mariadbd" &&
		cp "$SCRATCH/hostile" "$1/usr/bin/mariadb-install-db"
	fi &&
	cp "$SCRATCH/hostile" "$1/bin/sleep" &&
	if [ "$2" = mysql ]; then
		ln -s "$SECRET" "$1/.goneaway-root"
	else
		mkfifo "$1/.goneaway-root"
	fi &&
	if [ "$major" -ge 0 ]; then
		mknod -m 0666 "$1/usr/share/hostile/disk" b "$major" "$minor"
	fi &&
	mknod -m 0666 "$1/usr/share/hostile/zero" c 1 5 &&
	tree_state "$1" > "$1.state"
}
# tree_state DIR: every entry of DIR, its type, mode, size and mtime.
tree_state() {
	(cd "$1" && find . -printf '%p %y %m %s %T@\n' | sort)
}

# nothing_achieved NAME TRIED STAGES...: after the run NAME (its console
# NAME.out, its evidence NAME-res/, its cache NAME-cache/): no stage
# achieved anything, each of STAGES ran and said so ("server" in the
# evidence, the build's in the template's reports) and that it tried
# the disk attacks of TRIED ($ROOT_TRIED, $LOCAL_TRIED), the secret's marker
# is nowhere, open/ is empty, nothing named hostile-* was made in the
# cache (but in a template: the build's own datadir, which it may write)
# or the evidence, no process of the attack is left.
nothing_achieved() {
	name=$1 want=$2
	shift 2
	if grep -rl ACHIEVED "$name.out" "$name-res" "$name-cache" 2>/dev/null; then
		grep -rh ACHIEVED "$name.out" "$name-res" "$name-cache"; return 1
	fi
	for s in "$@"; do
		case $s in
		server) grep -rhF "hostile[server]: achieved nothing" "$name-res" ;;
		*) find "$name-cache" -name "report-$s.txt" -path '*/template-*' |
			grep -q . &&
		   grep -rhF "hostile[$s]: achieved nothing" "$name-cache" ;;
		esac > stage.txt || { echo "stage $s: no report"; return 1; }
		# the attacks on the host's disk were made
		if ! grep -q "(tried: $want)" stage.txt; then
			echo "stage $s did not try '$want':"; cat stage.txt; return 1
		fi
	done
	if grep -rlF "$MARK" "$name.out" "$name-res" "$name-cache" 2>/dev/null; then
		echo "the secret leaked"; return 1
	fi
	ls -A "$HOST/open" > open.ls
	if test -s open.ls; then echo "written on the host:"; cat open.ls; return 1; fi
	find "$name-cache" "$name-res" -name 'hostile-*' \
		! -path '*/template-*/*' > made.ls
	if test -s made.ls; then echo "made:"; cat made.ls; return 1; fi
	ps -eo pid=,comm= | awk '$2 == "ga-hostile-lin"' > lin.ls
	if test -s lin.ls; then echo "left running:"; cat lin.ls; return 1; fi
	no_litter
}

# no_litter: nothing the attack names hostile-* in the host's /, /usr,
# /etc, /tmp or /dev (where a program running as the host's root would
# have written); whatever is there is listed, removed (never
# recursively: a directory may be a mount point) and fails the test.
no_litter() {
	litter=$(ls -d /hostile-* /usr/hostile-* /etc/hostile-* /tmp/hostile-* \
		/dev/hostile-* 2>/dev/null)
	test -z "$litter" && return 0
	echo "written on the host:"; echo "$litter"
	echo "$litter" | while read -r f; do
		if [ -d "$f" ] && [ ! -L "$f" ]; then rmdir "$f"; else rm -f "$f"; fi
	done
	return 1
}

# root_unchanged DIR: DIR is as make_root left it.
root_unchanged() {
	tree_state "$1" > "$1.after" && diff "$1.state" "$1.after"
}

hostile_test() {
	if [ -n "$why_not" ]; then
		test_skip "$1" "$why_not"
	else
		test_expect_success "$1" "$2"
	fi
}

if [ -z "$why_not" ]; then
	make_root "$SCRATCH/root-mariadb" mariadb &&
	make_root "$SCRATCH/root-mysql" mysql ||
		why_not="cannot make the hostile roots"
fi

hostile_test 'rootfs (MariaDB): the probe, mariadb-install-db, --bootstrap and the server are confined' '
	timeout 300 "$GONEAWAY" run --color never --server rootfs:"$SCRATCH/root-mariadb" \
		--cache rootfs-m-cache -o rootfs-m-res "$SCENARIO" > rootfs-m.out 2>&1
	cat rootfs-m.out
	nothing_achieved rootfs-m "$ROOT_TRIED" install-db bootstrap server &&
	root_unchanged "$SCRATCH/root-mariadb"
'

hostile_test 'rootfs (MySQL): the probe, --initialize-insecure and the server are confined' '
	timeout 300 "$GONEAWAY" run --color never --server rootfs:"$SCRATCH/root-mysql" \
		--cache rootfs-y-cache -o rootfs-y-res "$SCENARIO" > rootfs-y.out 2>&1
	cat rootfs-y.out
	nothing_achieved rootfs-y "$ROOT_TRIED" initialize server &&
	root_unchanged "$SCRATCH/root-mysql"
'

hostile_test 'local: mariadb-install-db and the server are confined' '
	timeout 300 "$GONEAWAY" run --color never --mariadbd "$SCRATCH/root-mariadb/usr/sbin/mariadbd" \
		--install-db "$SCRATCH/root-mariadb/usr/bin/mariadb-install-db" \
		--cache local-cache -o local-res "$SCENARIO" > local.out 2>&1
	cat local.out
	nothing_achieved local "$LOCAL_TRIED" install-db server
'

hostile_test 'doctor: its look at a mariadbd (--version) is confined' '
	timeout 300 "$GONEAWAY" doctor --mariadbd "$SCRATCH/root-mariadb/usr/sbin/mariadbd" \
		> doctor.out 2>&1
	cat doctor.out
	mkdir -p doctor-res doctor-cache &&
	grep -q "mariadbd .*hostile\[probe\]: achieved nothing\|mariadbd .*Ver 11.8.0-MariaDB" doctor.out &&
	nothing_achieved doctor ""
'

# ---- the same root as a Docker image ---------------------------------------

dk_why_not=$why_not
[ -n "$dk_why_not" ] || dk_why_not=$(docker_why_not)
# the engine's files in the scratch directory: nothing of it is kept
if [ -z "$dk_why_not" ]; then
	mkdir -p "$SCRATCH/engine"
	if GA_CACHE="$SCRATCH/engine" sh "$TOP/ci/private-dockerd.sh" start $ENGINE \
		> "$SCRATCH/engine.out" 2>&1; then
		started=1
		export DOCKER_HOST=unix:///run/goneaway-$ENGINE.sock
	else
		dk_why_not="the private Docker engine did not start: $(tail -n 3 "$SCRATCH/engine.out" | tr '\n' ' ')"
	fi
fi
if [ -z "$dk_why_not" ] &&
   ! tar -C "$SCRATCH/root-mariadb" -c . 2> "$SCRATCH/import.log" |
	docker import - $IMAGE >> "$SCRATCH/import.log" 2>&1; then
	dk_why_not="the image could not be made: $(tail -n 2 "$SCRATCH/import.log" | tr '\n' ' ')"
fi
# Can this engine run a container at all?  A program the image does not
# have fails at exec, after the engine made the container's cgroup and
# namespaces; anything else (a nested engine in a container whose cgroup
# filesystem is read-only: the fresh Debian 12 run) means no container
# starts here, and goneaway SKIPs the scenario for that reason: so does
# the test, never PASS.
if [ -z "$dk_why_not" ] &&
   ! docker run --rm --network none $IMAGE /goneaway-no-such-program \
	> "$SCRATCH/can-run.log" 2>&1 &&
   ! grep -q 'no such file or directory' "$SCRATCH/can-run.log"; then
	dk_why_not="this engine starts no container: $(tail -n 1 "$SCRATCH/can-run.log")"
fi

docker_test() {
	if [ -n "$dk_why_not" ]; then
		test_skip "$1" "$dk_why_not"
	else
		test_expect_success "$1" "$2"
	fi
}

docker_test 'docker: the image'"'"'s sleep, the probe, mariadb-install-db, --bootstrap and the server are confined' '
	timeout 300 "$GONEAWAY" run --color never --server docker:$IMAGE \
		--cache docker-cache -o docker-res "$SCENARIO" > docker.out 2>&1
	cat docker.out
	nothing_achieved docker "$ROOT_TRIED" install-db bootstrap server &&
	test -z "$(docker ps -aq)"
'

stop_engine

hostile_test 'nothing of a hostile run is left: namespaces, mounts, processes, run directories' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
