#!/bin/sh
# private-dockerd.sh - a Docker engine of goneaway's own that leaves the
# host's network alone, started and stopped by its PID.
#
# Usage (as root):  sh ci/private-dockerd.sh start|stop|status NAME
#
# NAME ([a-z0-9-]) picks the engine's files:
#   socket     /run/goneaway-NAME.sock   (DOCKER_HOST=unix:///run/goneaway-NAME.sock)
#   exec-root  /run/goneaway-NAME/        pidfile /run/goneaway-NAME.pid
#   state      /run/goneaway-NAME.state  (what existed before the start)
#   data-root  $GA_CACHE/docker-NAME/     kept between runs: its images
#   config, key, log  $GA_CACHE/docker-NAME.{json,key.json,log}
# (GA_CACHE defaults to /var/cache/goneaway.)
#
# start  starts dockerd in a session of its own (a Ctrl-C in the terminal
#        is the caller's to handle) with --iptables=false --ip6tables=false
#        --bridge=none --ip-forward=false --ip-masq=false, its own
#        data-root, exec-root, pidfile, socket, config file and cgroup
#        parent, then waits until it answers.  Prints the DOCKER_HOST line
#        and exits 0; exits 1 with the end of its log when it does not
#        start (it is then stopped again), 0 at once when it already runs.
# stop   removes the engine's containers, SIGTERMs dockerd by the PID in
#        its pidfile (after checking that PID is a dockerd on this socket),
#        waits (SIGKILL after 20 s) and removes what dockerd leaves outside
#        its data-root (docs: /work/findings/docker.md section 1.3): its
#        exec-root and mounts, /run/docker and /run/containerd/s when it
#        made them, /etc/docker/key.json when it made it, its empty cgroup
#        directories.
# status exits 0 when the engine answers, 1 otherwise.
#
# Such an engine creates no link, address, route, nft or iptables rule and
# changes no sysctl.  Whoever starts one stops it.
set -u

GA_CACHE=${GA_CACHE:-/var/cache/goneaway}

usage() {
	echo "usage: private-dockerd.sh start|stop|status NAME" >&2
	exit 2
}
say() { echo "private-dockerd: $*" >&2; }

[ $# -eq 2 ] || usage
cmd=$1 name=$2
case $name in
'' | *[!a-z0-9-]*) usage ;;
esac
SOCK=/run/goneaway-$name.sock
EXEC_ROOT=/run/goneaway-$name
PIDFILE=/run/goneaway-$name.pid
STATE=/run/goneaway-$name.state
DATA_ROOT=$GA_CACHE/docker-$name
CONFIG=$GA_CACHE/docker-$name.json
KEY=$GA_CACHE/docker-$name.key.json
LOG=$GA_CACHE/docker-$name.log
CGROUP_PARENT=goneaway-$name

DOCKER=$(command -v docker) || DOCKER=""
answers() {
	[ -n "$DOCKER" ] && "$DOCKER" -H "unix://$SOCK" version >/dev/null 2>&1
}

# The PID of our dockerd: the pidfile's, if that process is a dockerd
# serving this socket.
engine_pid() {
	p=$(cat "$PIDFILE" 2>/dev/null) || return 1
	case $p in '' | *[!0-9]*) return 1 ;; esac
	tr '\0' ' ' 2>/dev/null < "/proc/$p/cmdline" |
		grep -q "dockerd.*unix://$SOCK" || return 1
	echo "$p"
}

start() {
	if answers; then
		echo "DOCKER_HOST=unix://$SOCK"
		return 0
	fi
	if ! command -v dockerd >/dev/null 2>&1 || [ -z "$DOCKER" ]; then
		say "no dockerd or docker client (apt-get install docker.io)"
		return 1
	fi
	if [ "$(id -u)" -ne 0 ]; then
		say "must run as root"
		return 1
	fi
	# a dead engine's files
	if p=$(engine_pid); then
		say "dockerd $p on $SOCK does not answer: stopping it first"
		stop
	fi
	{
		[ -e /run/docker ] && echo run_docker=1 || echo run_docker=0
		[ -e /run/containerd ] && echo run_containerd=1 || echo run_containerd=0
		[ -e /etc/docker/key.json ] && echo key_json=1 || echo key_json=0
	} > "$STATE"
	mkdir -p "$DATA_ROOT"
	# its own config file, so /etc/docker/daemon.json plays no part;
	# dockerd 20.10 writes /etc/docker/key.json unless told another path
	if grep -a -q -- deprecated-key-path "$(command -v dockerd)"; then
		printf '{ "deprecated-key-path": "%s" }\n' "$KEY"
	else
		echo '{}'
	fi > "$CONFIG"
	v6=""
	dockerd --help 2>&1 | grep -q -- '--ip6tables' && v6=--ip6tables=false
	rm -f "$SOCK" "$PIDFILE"
	# its own session (a terminal's Ctrl-C is not its business) and no
	# descriptor of the caller's (a lock a test holds, say)
	# shellcheck disable=SC2086 # $v6 is empty or one word
	setsid dockerd --config-file "$CONFIG" \
		--data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" \
		--pidfile "$PIDFILE" -H "unix://$SOCK" \
		--iptables=false $v6 --bridge=none --ip-forward=false \
		--ip-masq=false --cgroup-parent "$CGROUP_PARENT" \
		> "$LOG" 2>&1 < /dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	started=$!
	i=0
	while [ $i -lt 300 ]; do
		answers && break
		kill -0 "$started" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	if ! answers; then
		say "dockerd did not start; the end of $LOG:"
		tail -n 15 "$LOG" >&2
		kill -TERM "$started" 2>/dev/null
		stop
		return 1
	fi
	echo "DOCKER_HOST=unix://$SOCK"
}

stop() {
	p=$(engine_pid) || p=""
	if [ -n "$p" ] && answers; then
		ids=$("$DOCKER" -H "unix://$SOCK" ps -aq)
		# shellcheck disable=SC2086 # a list of ids
		[ -z "$ids" ] || "$DOCKER" -H "unix://$SOCK" rm -f -v $ids >/dev/null
	fi
	if [ -n "$p" ]; then
		kids=$(cat /proc/"$p"/task/*/children 2>/dev/null)
		kill -TERM "$p" 2>/dev/null
		i=0
		while [ $i -lt 200 ] && kill -0 "$p" 2>/dev/null; do
			sleep 0.1
			i=$((i + 1))
		done
		if kill -0 "$p" 2>/dev/null; then
			say "dockerd $p did not stop within 20 s: SIGKILL"
			kill -KILL "$p" 2>/dev/null
			sleep 0.5
		fi
		for k in $kids; do      # its containerd normally exits with it
			kill -0 "$k" 2>/dev/null && kill -KILL "$k" 2>/dev/null
		done
	fi
	# dockerd leaves the bind mount of the host's netns in its exec-root
	# (after a --network host container); a killed one leaves more
	awk -v a="$DATA_ROOT" -v b="$EXEC_ROOT" \
		'$2 == a || index($2, a "/") == 1 || $2 == b || index($2, b "/") == 1 { print $2 }' \
		/proc/self/mounts | sort -r | while read -r m; do
		umount -l "$m"
	done
	rm -rf "$EXEC_ROOT" "$SOCK" "$PIDFILE"
	for c in /sys/fs/cgroup/*/"$CGROUP_PARENT" /sys/fs/cgroup/"$CGROUP_PARENT"; do
		[ -d "$c" ] && rmdir "$c" 2>/dev/null
	done
	if [ -f "$STATE" ]; then
		# shellcheck disable=SC1090 # written by start
		. "$STATE"
		if [ "${run_docker:-1}" = 0 ]; then
			rmdir /run/docker/plugins /run/docker 2>/dev/null
		fi
		# containerd 1.6 puts its shims' sockets in /run/containerd/s
		# whatever its state directory is
		if [ "${run_containerd:-1}" = 0 ]; then
			rmdir /run/containerd/s /run/containerd 2>/dev/null
		fi
		if [ "${key_json:-1}" = 0 ]; then
			rm -f /etc/docker/key.json
		fi
		rm -f "$STATE"
	fi
	return 0
}

case $cmd in
start) start ;;
stop) stop ;;
status) answers ;;
*) usage ;;
esac
