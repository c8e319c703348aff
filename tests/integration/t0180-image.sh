#!/bin/sh
# t0180-image: goneaway as a container image (make image,
# ci/build-goneaway-image.sh; issue 60) where Toxiproxy users run
# Toxiproxy's: started with its ports published, its API and a proxy
# port are reached from outside the container, and Testcontainers'
# Toxiproxy module (@testcontainers/toxiproxy, pinned by
# data/testcontainers/package-lock.json) runs it as it runs Toxiproxy's.
#
# The engine is a private one (ci/private-dockerd.sh, its data-root a
# directory of this run's, removed at the end) started in a network
# namespace of the test's own (an unshare holder): its network, the
# bridge a container network needs, the published ports (on that
# namespace's 127.0.0.1: the network's host_binding_ipv4) and the
# upstream MySQL server (Debian's mariadbd, on the network's gateway)
# are all in it, so nothing of the host's network changes and no traffic
# leaves it.  The clients (curl, the mariadb client, node) run there too:
# "the host" below is that namespace.
#
# Checked: the image's configuration (ENTRYPOINT goneaway serve
# --no-server, CMD -host 0.0.0.0 -port 8474, USER nobody, EXPOSE 8474);
# "docker run -p 8474:8474 -p 8666:8666": GET /version from the host,
# serve runs as nobody with no capability, a proxy on 0.0.0.0:8666 to the
# MySQL server relays 200000 bytes and the server sees the connection
# come from the container, a latency toxic of 1000 ms makes a connection
# and a query take at least 3 s; the Testcontainers module with
# TESTCONTAINERS_RYUK_DISABLED=true: a proxy, a latency toxic and
# goneaway's mysql_cut (data/image-testcontainers.js); at the end the
# engine stops by its PID, and no container, engine file, namespace or
# process is left, the host's network as it was.
#
# SKIPs with the reason: not root; no docker.io (installed when apt-get
# can, as for t0085); an engine that does not start; an image that
# cannot be built (its base is debootstrapped from the machine's mirror
# the first time: a few minutes); no mariadbd; and for the Testcontainers
# part, no node or npm, or the module not installable from npm.
#
# run-all: wrapped
# (its engine and containers live in the file's PID, mount and network
# namespaces: it runs side by side with the others)
. "$(dirname "$0")/lib.sh"

GA_CACHE=/var/cache/goneaway
ENGINE=t0180
IMAGE=goneaway/goneaway:t0180
NET=ga-t0180
TC_VERSION=$(sed -n 's/.*"@testcontainers\/toxiproxy": "\([0-9.]*\)".*/\1/p' \
	"$TOP/tests/integration/data/testcontainers/package.json")
TC_DIR=$GA_CACHE/testcontainers-toxiproxy-$TC_VERSION

. "$TOP/tests/integration/private-engine.sh"
DB_DIR="" DB_PID=""
# the server (in the holder's namespace) before the holder goes
cleanup() {
	if [ -n "$DB_PID" ]; then
		kill -TERM "$DB_PID" 2> /dev/null &&
			wait_until 300 eval "! kill -0 $DB_PID 2> /dev/null"
		kill -KILL "$DB_PID" 2> /dev/null
		DB_PID=""
	fi
	engine_down
	[ -z "$DB_DIR" ] || rm -rf "$DB_DIR"
	DB_DIR=""
}
trap cleanup EXIT
trap 'cleanup; rm -rf "$SCRATCH"; exit 130' INT
trap 'cleanup; rm -rf "$SCRATCH"; exit 143' TERM

why_not=""
[ "$(id -u)" -eq 0 ] || why_not="needs root (a Docker engine, namespaces)"
for tool in unshare nsenter curl mariadb mariadb-install-db mariadbd; do
	[ -n "$why_not" ] || command -v $tool > /dev/null ||
		why_not="no $tool here"
done
[ -n "$why_not" ] || why_not=$(docker_why_not)

[ -n "$why_not" ] || engine_up
if [ -z "$why_not" ]; then
	t0=$(date +%s)
	if sh "$TOP/ci/build-goneaway-image.sh" $IMAGE > "$SCRATCH/image" 2>&1; then
		cat "$SCRATCH/image"
		say "# make image: $(($(date +%s) - t0)) s"
	else
		why_not="the image could not be built: $(tail -n 2 "$SCRATCH/image" | tr '\n' ' ')"
	fi
fi
# The network of the containers: its published ports on the namespace's
# 127.0.0.1 only, as a Toxiproxy user's on the host's.
if [ -z "$why_not" ] &&
   ! docker network create -o com.docker.network.bridge.host_binding_ipv4=127.0.0.1 \
	"$NET" > "$SCRATCH/net" 2>&1; then
	why_not="no network $NET: $(cat "$SCRATCH/net")"
fi
GATEWAY=""
[ -n "$why_not" ] || GATEWAY=$(docker network inspect -f \
	'{{range .IPAM.Config}}{{.Gateway}}{{end}}' "$NET")
# The upstream: a mariadbd of the test's own on the network's gateway,
# as user mysql, with an account for the clients, goneaway@'%'.
if [ -z "$why_not" ]; then
	DB_DIR=$(mktemp -d /tmp/ga-t0180-db.XXXXXX) && chown mysql: "$DB_DIR" &&
	chmod 700 "$DB_DIR" &&
	mariadb-install-db --no-defaults --user=mysql --datadir="$DB_DIR/data" \
		--skip-test-db --auth-root-authentication-method=normal \
		> "$SCRATCH/install-db" 2>&1 ||
		why_not="mariadb-install-db failed: $(tail -n 2 "$SCRATCH/install-db" | tr '\n' ' ')"
fi
if [ -z "$why_not" ]; then
	# (nsenter execs it: $! is the server's PID)
	nsenter -t "$HOLDER" --net mariadbd --no-defaults --user=mysql \
		--datadir="$DB_DIR/data" --socket="$DB_DIR/sock" \
		--pid-file="$DB_DIR/pid" --log-error="$DB_DIR/err" \
		--bind-address="$GATEWAY" --port=3306 --skip-name-resolve \
		--innodb-buffer-pool-size=16M &
	DB_PID=$!
	wait_until 300 mariadb --no-defaults --socket="$DB_DIR/sock" -u root -e \
		"CREATE USER goneaway@'%' IDENTIFIED BY 'goneaway';
		 GRANT ALL ON *.* TO goneaway@'%'" 2> /dev/null ||
		why_not="the upstream mariadbd did not start: $(tail -n 2 "$DB_DIR/err" | tr '\n' ' ')"
fi
[ -z "$why_not" ] || cleanup

api() {         # METHOD PATH [BODY]: the status line, then the body
	inns curl -s -o api.body -w '%{http_code}\n' -X "$1" \
		-H 'Content-Type: application/json' --data "${3:-}" \
		"http://127.0.0.1:8474$2" > api.status
	cat api.status api.body; echo
}
through() {     # PORT SQL: the mariadb client through 127.0.0.1:PORT
	inns mariadb --no-defaults -h 127.0.0.1 -P "$1" -u goneaway \
		--password=goneaway -N -B \
		--connect-timeout=20 -e "$2"
}
ms_now() { echo $(($(date +%s%N) / 1000000)); }

engine_test 'the image: goneaway serve --no-server on 0.0.0.0:8474 as nobody, port 8474' '
	docker image inspect -f "{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.Config.User}} {{json .Config.ExposedPorts}}" \
		$IMAGE > config && cat config &&
	test "$(cat config)" = "[\"/usr/local/bin/goneaway\",\"serve\",\"--no-server\"] [\"-host\",\"0.0.0.0\",\"-port\",\"8474\"] 65534:65534 {\"8474/tcp\":{}}"
'

engine_test 'docker run -p 8474:8474 -p 8666:8666: the API answers from outside, serve is nobody without a capability' '
	docker run -d --name ga-t0180-serve --network $NET -p 8474:8474 -p 8666:8666 \
		$IMAGE > id && cat id &&
	wait_until 300 eval "inns curl -sf http://127.0.0.1:8474/version > version" ||
		{ docker logs ga-t0180-serve; return 1; }
	cat version; echo
	pid=$(docker inspect -f "{{.State.Pid}}" ga-t0180-serve)
	grep -E "^(Uid|Gid|CapEff):" /proc/$pid/status | tee status
	tr "\0" " " < /proc/$pid/cmdline; echo
	test -s version &&
	grep -q "^Uid:	65534	65534	65534	65534$" status &&
	grep -q "^CapEff:	0000000000000000$" status
'

engine_test 'a proxy to MySQL on 0.0.0.0:8666 relays, from outside, through the container' '
	api POST /proxies "{\"name\":\"mysql\",\"listen\":\"0.0.0.0:8666\",\"upstream\":\"$GATEWAY:3306\"}" &&
	test "$(cat api.status)" = 201 &&
	through 8666 "SELECT REPEAT(\"x\", 200000)" > big &&
	test "$(wc -c < big)" -eq 200001 && test "$(tr -d x < big)" = "" &&
	ip=$(docker inspect -f "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}" ga-t0180-serve) &&
	through 8666 "SELECT HOST FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()" > host &&
	echo "the server saw: $(cat host), the container is $ip" &&
	test "$(cut -d: -f1 host)" = "$ip"
'

engine_test 'a latency toxic of 1000 ms: a connection and a query take at least 3 s' '
	t0=$(ms_now); through 8666 "SELECT 1" > plain; t1=$(ms_now)
	api POST /proxies/mysql/toxics "{\"name\":\"slow\",\"type\":\"latency\",\"stream\":\"downstream\",\"attributes\":{\"latency\":1000}}" &&
	test "$(cat api.status)" = 200 &&
	t2=$(ms_now) && through 8666 "SELECT 1" > slow && t3=$(ms_now) &&
	echo "without the toxic $((t1 - t0)) ms, with it $((t3 - t2)) ms" &&
	test "$(cat plain slow)" = "1
1" && test $((t3 - t2)) -ge 3000 &&
	api DELETE /proxies/mysql/toxics/slow && test "$(cat api.status)" = 204 &&
	docker rm -f ga-t0180-serve > /dev/null
'

# The Testcontainers module: installed once from npm (as nobody, no
# lifecycle script, only what the lock file pins) into the root-owned
# cache TC_DIR, read-only.
. "$TOP/drivers/node/npm-unprivileged.sh"
tc_why_not() {
	command -v node > /dev/null || { echo "no node here"; return; }
	command -v npm > /dev/null || { echo "no npm here"; return; }
	npm_cached_why_not "$TOP/tests/integration/data/testcontainers" "$TC_DIR" \
		"@testcontainers/toxiproxy $TC_VERSION"
	sh "$TOP/ci/trusted-dir.sh" "$TC_DIR" 2>&1
}
tc_why=$why_not
[ -n "$tc_why" ] || tc_why=$(tc_why_not)

tc_test() {
	if [ -n "$tc_why" ]; then
		test_skip "$1" "$tc_why"
	else
		test_expect_success "$1" "$2"
	fi
}
tc_test "@testcontainers/toxiproxy $TC_VERSION runs the image: a proxy, a latency toxic, mysql_cut" '
	inns env HOME="$SCRATCH" TESTCONTAINERS_RYUK_DISABLED=true \
		TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 DOCKER_HOST=$DOCKER_HOST \
		node "$TOP/tests/integration/data/image-testcontainers.js" \
		"$TC_DIR" $IMAGE $NET "$GATEWAY:3306" > tc.out 2>&1; rc=$?
	cat tc.out
	test $rc -eq 0 && test "$(grep -c "^ok - " tc.out)" -eq 4 &&
	test -z "$(docker ps -aq)"
'

engine_test 'the engine stops by its PID, its data-root goes' '
	engine_stopped
'
[ -n "$why_not" ] || { started=0; cleanup; }

engine_test 'nothing left: engine files, namespaces, processes, mounts; the host'"'"'s network as before' '
	engine_left /tmp/ga-t0180-db.*
'

test_done
