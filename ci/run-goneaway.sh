#!/bin/sh
# run-goneaway.sh - copy into your project's CI to run goneaway's scenarios
# (and your own) against a real mariadbd and keep the reports.
#
# Usage: sudo sh run-goneaway.sh GONEAWAY_CHECKOUT [SCENARIO_DIR|FILE...]
# Writes goneaway-junit.xml, goneaway-matrix.md and goneaway-results/ in
# the current directory.  The run is --strict: a scenario SKIPped because
# something is missing (not root, no server, a driver that cannot do a
# step) or evidence that could not be kept fails the job (exit 4), so a
# green job means every scenario really ran.
#
# Environment:
#   GONEAWAY_CLIENTS       the clients, one per line; a line is one
#                          --client, spaces and all:
#                            GONEAWAY_CLIENTS='builtin
#                            cmd:ruby /src/test/goneaway-driver.rb'
#   GONEAWAY_CLIENTS_FILE  a file of clients, one per line; blank lines
#                          and lines starting with # are left out.  Its
#                          clients come first, then GONEAWAY_CLIENTS'.
#                          With neither, the built-in client runs.
#   GONEAWAY_ALLOW_SKIP    the SKIPs that may pass: --allow-skip rules
#                          KIND[:SCENARIO][@CLIENT] (goneaway --help),
#                          separated by blanks.  Default "netem" (kernels
#                          without sch_netem); "" allows none.  "netem
#                          driver:packet-too-large-long-data@pymysql" lets
#                          one client skip one scenario, so a connector
#                          release that cannot do another step fails.
#   GONEAWAY_ARGS          more run options, split at blanks (no quotes,
#                          no globbing): "--shard 1/3 --server mysql-9.7".
#                          A client whose command has spaces goes in
#                          GONEAWAY_CLIENTS instead.
#   GONEAWAY_SKIP_BUILD=1  use the goneaway already built in the checkout:
#                          no "make deps", no build.
#   DEPS_DRIVERS           the drivers whose toolchains "make deps"
#                          installs (drivers/install-deps.sh names: its
#                          --list).
#                          Default: those of the clients of drivers.list
#                          the job runs (mysql2, mysqljs and
#                          mysqljs-pool are node, php-pdo php, go-pool
#                          go ...),
#                          none for builtin and cmd: clients (your own
#                          driver brings its own); "" installs none.
# Exit status is goneaway's: 0 all PASS, 1 FAIL, 2 bad file or option,
# 3 ERROR, 4 a SKIP that is not allowed or lost evidence.
set -eu
src=${1:?usage: run-goneaway.sh GONEAWAY_CHECKOUT [SCENARIO_DIR|FILE...]}
shift
# The options, each word quoted for the eval at the end: POSIX sh has no
# arrays; $paths the scenario paths, quoted alike.
opts=""
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
add() { for w in "$@"; do opts="$opts $(q "$w")"; done; }
[ $# -gt 0 ] || set -- "$src/scenarios"
paths=""
for p in "$@"; do paths="$paths $(q "$p")"; done
# One --client per line of standard input, trimmed; blank and # lines
# are left out.
add_clients() {
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line#"${line%%[![:space:]]*}"}
		line=${line%"${line##*[![:space:]]}"}
		case $line in ''|'#'*) continue ;; esac
		add --client "$line"
	done
}

set -f          # the blank-separated lists are never globbed
for rule in ${GONEAWAY_ALLOW_SKIP-netem}; do
	add --allow-skip "$rule"
done
if [ -n "${GONEAWAY_CLIENTS_FILE:-}" ]; then
	if ! [ -f "$GONEAWAY_CLIENTS_FILE" ] || ! [ -r "$GONEAWAY_CLIENTS_FILE" ]; then
		echo "run-goneaway.sh: GONEAWAY_CLIENTS_FILE: cannot read '$GONEAWAY_CLIENTS_FILE'" >&2
		exit 2
	fi
	add_clients < "$GONEAWAY_CLIENTS_FILE"
fi
add_clients <<END_OF_CLIENTS
${GONEAWAY_CLIENTS:-}
END_OF_CLIENTS
case ${GONEAWAY_ARGS:-} in *cmd:*)
	echo "run-goneaway.sh: note: GONEAWAY_ARGS is split at blanks: a cmd: client with spaces goes in GONEAWAY_CLIENTS" >&2 ;;
esac
for w in ${GONEAWAY_ARGS:-}; do
	add "$w"
done
set +f

# The toolchains the job's clients need, and no other: a PyMySQL job
# needs no npm, Go or PHP (issue 24).  A client is a name of
# drivers.list (NAME@VERSION too), builtin, or cmd: (none of ours).
# Without --client, the --expectations file's "driver" line names it.
driver_of() {
	case $1 in builtin|cmd:*) return ;; esac
	sh "$src/drivers/install-deps.sh" --of "${1%%@*}"
}
eval "set -- $opts"
clients= expect= any_client=
while [ $# -gt 0 ]; do
	case $1 in
	--client) any_client=1; clients="$clients $(driver_of "${2-}")"
		[ $# -gt 1 ] && shift ;;
	--client=*) any_client=1; clients="$clients $(driver_of "${1#--client=}")" ;;
	--expectations) expect=${2-}; [ $# -gt 1 ] && shift ;;
	--expectations=*) expect=${1#--expectations=} ;;
	esac
	shift
done
if [ -z "$any_client" ] && [ -n "$expect" ] && [ -r "$expect" ]; then
	clients=$(driver_of "$(sed -n 's/^driver[[:space:]]\{1,\}\([^[:space:]#]*\).*/\1/p' "$expect" | head -1)")
fi
deps=""
for d in $clients; do
	case " $deps " in *" $d "*) ;; *) deps="$deps${deps:+ }$d" ;; esac
done

if [ "${GONEAWAY_SKIP_BUILD:-}" = 1 ]; then
	[ -x "$src/goneaway" ] || {
		echo "run-goneaway.sh: GONEAWAY_SKIP_BUILD=1, but $src/goneaway is not built" >&2
		exit 2
	}
else
	make -C "$src" deps DEPS_DRIVERS="${DEPS_DRIVERS-$deps}"
	make -C "$src" WERROR=1
fi
eval "exec \"\$src/goneaway\" run --strict $opts \
	--junit goneaway-junit.xml --markdown goneaway-matrix.md \
	-o goneaway-results $paths"
