#!/bin/sh
# t0085-docker: the docker backend (--server docker:IMAGE) against a
# private Docker engine of its own, started as ci/private-dockerd.sh starts
# one (its own socket, data-root, exec-root and pidfile, --iptables=false
# --ip6tables=false --bridge=none --ip-forward=false --ip-masq=false) and
# stopped by its PID at the end.  The MySQL 9.7 and MariaDB 11.8 roots are
# imported as images (ci/build-server-images.sh; kept in the engine's
# data-root, /var/cache/goneaway/docker-t0085, for the next run).
#
# Checked: a handful of scenarios PASS on both images (KILL, a clean
# restart, a crash, a pause, a firewall drop, a tbf link) with their
# evidence, and every shipped scenario PASSes there (--strict); the server is
# the harness's own child inside the container's namespaces, confined (a
# read-only copy of the container's mounts, a user of its own); only the run
# holds the write end of its reaper's pipe; SIGTERM, and SIGINT to the
# run's process group, remove the run's containers before the run exits
# (the docker calls under way finish), and after a SIGKILL the reaper removes
# them within seconds (the time is printed); "goneaway sweep" removes the
# containers of runs that are gone and no other; an engine that does not
# answer and an image that is not there are SKIPs with their reason;
# doctor lists the engine and the images; and at the end the host's
# iptables, nft ruleset, links, addresses, routes, forwarding sysctls and
# mounts are exactly as before, with no container, namespace, goneaway
# mount or engine file left.
#
# Without root, the roots, or docker.io (installed here when apt-get can:
# GA_TEST_INSTALL_DOCKER=0 forbids it), or when the engine cannot start
# (inside a container, say), every test SKIPs with the reason.
#
# run-all: wrapped
# The engine changes nothing of the host's network (no bridge, no
# iptables), so this file need not run alone: run-all runs it in PID and
# mount namespaces of its own, where its engine, its containers and their
# mounts are the file's, and its leftover checks see its own world only.
. "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/integration/data"
ROOTS=/var/cache/goneaway/roots
GA_CACHE=/var/cache/goneaway
ENGINE=t0085
SOCK=/run/goneaway-$ENGINE.sock
LOCK=$GA_CACHE/docker-$ENGINE.lock
MYSQL=goneaway/mysql:9.7
MARIADB=goneaway/mariadb:11.8
HANDFUL="kill-idle server-restart server-crash server-pause firewall-drop-established slow-link"

# The host's own state (lib.sh's host_net_state), its mounts and this
# engine's files: what a Docker engine could change (and must not).
host_state() {
	host_net_state
	echo "## mounts"
	awk '{print $2, $3}' /proc/self/mounts | sort
	echo "## engine files"
	ls -d /run/goneaway-$ENGINE* /run/docker /run/containerd /etc/docker/key.json \
		/sys/fs/cgroup/*/goneaway-$ENGINE 2>/dev/null
}

why_not=""
if [ "$(id -u)" -ne 0 ]; then
	why_not="needs root (namespaces, a Docker engine)"
fi
for r in mysql-9.7 mariadb-11.8; do
	[ -n "$why_not" ] || [ -f "$ROOTS/$r/.goneaway-root" ] ||
		why_not="no root at $ROOTS/$r (make roots builds it)"
done

# Debian's docker.io, installed when missing if apt-get can (lib.sh)
[ -n "$why_not" ] || why_not=$(docker_why_not)

started=0
stop_engine() {
	if [ "$started" = 1 ]; then
		sh "$TOP/ci/private-dockerd.sh" stop $ENGINE
		started=0
	fi
}
trap 'stop_engine' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "$why_not" ]; then
	host_state > "$SCRATCH/host-before"
	leftover_snapshot > "$SCRATCH/before"
	# one run of this file at a time: one engine, one data-root
	if mkdir -p "$GA_CACHE" 2>/dev/null && touch "$LOCK" 2>/dev/null; then
		exec 8> "$LOCK"
		flock -w 900 8 || why_not="another t0085 run holds $LOCK"
	else
		why_not="cannot write $LOCK"
	fi
fi
if [ -z "$why_not" ]; then
	if sh "$TOP/ci/private-dockerd.sh" start $ENGINE > "$SCRATCH/engine" 2>&1; then
		started=1
		export DOCKER_HOST=unix://$SOCK
	else
		why_not="the private Docker engine did not start: $(tail -n 3 "$SCRATCH/engine" | tr '\n' ' ')"
	fi
fi
# An engine nested in a container may fall back to the vfs storage
# driver, which copies the whole image (600 MB) for every container.
if [ -z "$why_not" ] &&
   [ "$(docker info --format '{{.Driver}}' 2>/dev/null)" = vfs ]; then
	why_not="the private engine's storage driver is vfs (no overlay here): every container would copy its whole image"
fi
if [ -z "$why_not" ] &&
   ! sh "$TOP/ci/build-server-images.sh" mysql-9.7 mariadb-11.8 > "$SCRATCH/images" 2>&1; then
	why_not="the images could not be made: $(tail -n 2 "$SCRATCH/images" | tr '\n' ' ')"
fi
if [ -n "$why_not" ]; then
	stop_engine
else
	cat "$SCRATCH/images"
fi

# Every test below: SKIPped, by its name, with the reason when the engine
# is not there.
docker_test() {
	if [ -n "$why_not" ]; then
		test_skip "$1" "$why_not"
	else
		test_expect_success "$1" "$2"
	fi
}

# The containers of this engine (all: it is private), one a line.
containers() {
	docker ps -aq
}
no_containers() {
	test -z "$(containers)"
}
# The server (mysqld or mariadbd) goneaway (pid $1) runs: its child.
# the server of goneaway $1: its child, or with -j a worker's child
server_of() {
	ps -eo pid=,ppid=,comm= | awk -v p="$1" '
		{ parent[$1] = $2; comm[$1] = $3 }
		END { for (x in comm) if (comm[x] ~ /^(mysqld|mariadbd)$/ &&
		      (parent[x] == p || parent[parent[x]] == p)) print x }'
}
# Up: its container runs and a server is in it.  Before the container a
# child named mariadbd may be goneaway's look at the image's server (its
# version), not the server: on a busy machine the run can wait for a
# start slot long after it.
server_up() {
	test -n "$(docker ps -q --filter label=goneaway.scenario=long-sleep)" &&
	test -n "$(server_of "$1")"
}
run_label() {   # the goneaway.run label of the engine's one container
	docker ps -a --format '{{.Label "goneaway.run"}}' | sort -u
}

scenario_files() {
	for n in $HANDFUL; do echo "$TOP/scenarios/$n.gw"; done
}

for image in $MYSQL $MARIADB; do
	case $image in
	*mysql*) ident='^server: mysql 9\.7\.' ;;
	*) ident='^server: mariadb 11\.8\..*-MariaDB' ;;
	esac
	slug=$(echo "$image" | tr '/:' '__')
	docker_test "$image: a handful of scenarios PASS in containers" "
		\"\$GONEAWAY\" run --color never --timings --server docker:$image \
			-o res-$slug \$(scenario_files) > out 2>&1; rc=\$?; cat out;
		test \$rc -eq 0 && test \"\$(grep -c ' PASS ' out)\" -eq 6 &&
		for n in $HANDFUL; do
			grep -q '$ident' res-$slug/\$n/steps.log &&
			grep -q 'ready for connections' res-$slug/\$n/mariadbd.err &&
			grep -q '^datadir=@PRIVATE@/data' res-$slug/\$n/my.cnf ||
			{ echo \"\$n: evidence\"; return 1; }
		done &&
		no_containers
	"
done

# Every shipped scenario in containers of both images, as t0025 runs
# them on the roots: each PASSes, or SKIPs only for netem, for what the
# built-in client cannot do (BUILTIN_SKIPS, lib.sh), or, name-resolution,
# because a container's server resolves names through its image's /etc,
# not the lab's resolver (--strict).
nfiles=$(ls "$TOP"/scenarios/*.gw | wc -l)
for image in $MYSQL $MARIADB; do
	slug=$(echo "$image" | tr '/:' '__')
	docker_test "$image: every scenario PASSes in containers (--strict)" "
		\"\$GONEAWAY\" run --strict --allow-skip netem --color never \
			\$BUILTIN_SKIP_RULES \$MEMORY_SKIP_RULES \
			--allow-skip flavour:name-resolution \
			--server docker:$image -o all-$slug \"\$TOP/scenarios\" \
			> all.out 2>&1; rc=\$?; cat all.out; test \$rc -eq 0 &&
		test \"\$(grep -c '^\[[0-9]*/[0-9]*\] .* \(PASS\|SKIP\) ' all.out)\" -eq $nfiles &&
		no_containers
	"
done

docker_test 'the server is the harness'"'"'s child in the container'"'"'s namespaces (its mounts its own, read-only, as a user of its own); only the run holds its reaper'"'"'s pipe' '
	"$GONEAWAY" run --no-results --server docker:$MARIADB \
		"$DATA/long-sleep.gw" > out 2>&1 &
	pid=$!
	wait_until 600 server_up $pid; up=$?
	server=$(server_of $pid)
	id=$(docker ps -q --filter label=goneaway.scenario=long-sleep)
	init=$(docker inspect --format "{{.State.Pid}}" "$id")
	for ns in net pid uts ipc; do
		a=$(readlink /proc/$server/ns/$ns) b=$(readlink /proc/$init/ns/$ns)
		echo "$ns: server $a, container $b"
		[ "$a" = "$b" ] || echo "differ: $ns" >> bad
	done
	# its mount namespace is its own, made from that of the container (confined:
	# lab/spawn.h): the files of the container as its root, read-only
	a=$(readlink /proc/$server/ns/mnt) b=$(readlink /proc/$init/ns/mnt)
	echo "mnt: server $a, container $b"
	[ "$a" != "$b" ] || echo "the same: mnt" >> bad
	a=$(stat -L -c %d:%i /proc/$server/root/) b=$(stat -L -c %d:%i /proc/$init/root/)
	echo "root: server $a, container $b"
	[ "$a" = "$b" ] || echo "differ: root" >> bad
	awk "\$2 == \"/\" {print \$4}" /proc/$server/mounts | grep -q "^ro" ||
		echo "not read-only: /" >> bad
	grep -E "^(Uid|CapEff):" /proc/$server/status
	awk "/^Uid:/ {exit !(\$2 >= 1879048192)}" /proc/$server/status ||
		echo "not its own user" >> bad
	grep NSpid /proc/$server/status
	reaper=$(ps -eo pid=,ppid=,args= | awk -v p=$pid "\$2 == p && /goneaway-reaper/ {print \$1}")
	pipe=$(readlink /proc/$reaper/fd/0)
	holders=$(for f in /proc/[0-9]*/fd/*; do
		[ "$(readlink "$f" 2>/dev/null)" = "$pipe" ] && echo "${f%/fd/*}"
	done | sort -u | tr "\n" " ")
	echo "reaper $reaper reads $pipe, held by: $holders"
	kill -TERM $pid; wait $pid; rc=$?
	cat out
	cat bad 2>/dev/null; test $up -eq 0 && test $rc -eq 143 && test ! -e bad &&
	test "$(awk "/^NSpid/ {print NF}" /proc/$server/status 2>/dev/null || echo gone)" = gone &&
	test "$holders" = "$(printf "%s\n" /proc/$pid /proc/$reaper | sort | tr "\n" " ")" &&
	no_containers
'

docker_test 'SIGTERM mid-scenario: the containers are gone when the run exits' '
	"$GONEAWAY" run --no-results --server docker:$MYSQL \
		"$DATA/long-sleep.gw" > out 2>&1 &
	pid=$!
	wait_until 600 server_up $pid; up=$?
	before=$(containers | wc -l)
	kill -TERM $pid; wait $pid; rc=$?
	left=$(containers)
	cat out; echo "containers before: $before, left: $left"
	test $up -eq 0 && test $rc -eq 143 && test "$before" -ge 1 &&
	test -z "$left"
'

docker_test 'SIGINT to the run'"'"'s process group (a Ctrl-C): the docker calls finish, the containers are gone when the run exits' '
	setsid "$GONEAWAY" run --no-results --server docker:$MARIADB \
		"$TOP/scenarios/kill-idle.gw" "$DATA/long-sleep.gw" > out 2>&1 &
	pid=$!
	wait_until 600 eval "test -n \"\$(docker ps -q --filter label=goneaway.scenario=long-sleep)\"" &&
	wait_until 600 server_up $pid; up=$?
	kill -INT -$pid; wait $pid; rc=$?
	left=$(containers)
	cat out; echo "left: $left"
	test $up -eq 0 && test $rc -eq 130 && test -z "$left"
'

docker_test 'SIGKILL mid-scenario: the reaper removes the containers within seconds' '
	"$GONEAWAY" run --no-results --server docker:$MARIADB \
		"$DATA/long-sleep.gw" > out 2>&1 &
	pid=$!
	wait_until 600 server_up $pid; up=$?
	server=$(server_of $pid)
	run=$(run_label)
	t0=$(date +%s%N)
	kill -KILL $pid; wait $pid; rc=$?
	wait_until 100 no_containers; gone=$?
	t1=$(date +%s%N)
	echo "run $run: containers gone $(( (t1 - t0) / 1000000 )) ms after the SIGKILL"
	test $up -eq 0 && test $rc -eq 137 && test $gone -eq 0 &&
	wait_until 50 eval "! kill -0 $server 2>/dev/null" &&
	"$GONEAWAY" sweep
'

docker_test 'sweep removes the containers of runs that are gone, and no other' '
	mkdir -m 700 live && : > live/lock || return 1
	flock live/lock sleep 60 &
	holder=$!
	wait_until 50 eval "! flock -n live/lock true"
	host=$(hostname)
	docker run -d --network none --label goneaway.run=/nonexistent/goneaway-run-gone \
		--label goneaway.host=$host --entrypoint sleep $MARIADB infinity > gone-id &&
	docker run -d --network none --label goneaway.run=$PWD/live \
		--label goneaway.host=$host --entrypoint sleep $MARIADB infinity > live-id &&
	docker run -d --network none --label goneaway.run=/nonexistent/goneaway-run-gone \
		--label goneaway.host=another-machine --entrypoint sleep $MARIADB infinity > other-id &&
	"$GONEAWAY" sweep > out; rc=$?; cat out
	left=$(docker ps -aq --no-trunc | sort | tr "\n" " ")
	want=$(sort live-id other-id | tr "\n" " ")
	echo "left: $left"
	docker rm -f -v $(cat live-id other-id) > /dev/null
	kill $holder; wait $holder 2>/dev/null
	test $rc -eq 0 &&
	grep -qx "removed 1 container of ended runs from the Docker engine at unix://$SOCK" out &&
	test "$left" = "$want"
'

docker_test 'an engine that does not answer, an image that is not there: SKIP with the reason' '
	DOCKER_HOST=unix://$PWD/no-engine.sock "$GONEAWAY" run --no-results \
		--color never --server docker:$MYSQL "$TOP/scenarios/kill-idle.gw" > out1; rc1=$?
	"$GONEAWAY" run --no-results --color never \
		--server docker:goneaway/no-such-image:1 "$TOP/scenarios/kill-idle.gw" > out2; rc2=$?
	cat out1 out2
	test $rc1 -eq 0 && test $rc2 -eq 0 &&
	grep -q "kill-idle  *SKIP" out1 &&
	grep -q "skipped: the Docker engine at unix://$PWD/no-engine.sock (DOCKER_HOST) does not answer: no socket at " out1 &&
	grep -q "kill-idle  *SKIP" out2 &&
	grep -q "skipped: the Docker engine at unix://$SOCK has no image goneaway/no-such-image:1 (docker pull" out2
'

docker_test 'doctor lists the engine and its server images' '
	"$GONEAWAY" doctor > out; cat out
	grep -q "^  ok  *docker  *engine .* at unix://$SOCK (DOCKER_HOST)" out &&
	grep -q "^  ok  *image $MYSQL .*--server docker:$MYSQL" out &&
	grep -q "^  ok  *image $MARIADB .*--server docker:$MARIADB" out
'

docker_test 'no container is left in the engine' '
	containers > left; cat left; test ! -s left
'

docker_test 'the engine stops by its PID' '
	pid=$(cat /run/goneaway-$ENGINE.pid) &&
	sh "$TOP/ci/private-dockerd.sh" stop $ENGINE && started=0 &&
	! kill -0 $pid 2>/dev/null &&
	test ! -e $SOCK
'
# (the EXIT trap would stop it too, for an interrupted run)
[ -n "$why_not" ] || started=0

docker_test 'the host is exactly as before: firewall, links, routes, sysctls, mounts, engine files' '
	host_state > host-after
	diff -u "$SCRATCH/host-before" host-after
'

docker_test 'no namespace, veth, table, server process, run directory, docker call file or goneaway mount left' '
	leftover_snapshot > after &&
	ls "${TMPDIR:-/tmp}"/goneaway-docker-* >> after 2>/dev/null
	new_leftovers "$SCRATCH/before" after
'

test_done
