#!/bin/sh
# t0189-ci-serve-template: ci/github-actions-serve.yml's serve steps
# (and ci/gitlab-ci-serve.yml's, the same words),
# run as the job runs them (issue 60: the CI templates show serve in a
# container job in front of a services: MySQL reached by its label).
# The steps "start goneaway serve" and "stop goneaway serve" are read
# from the template and run by sh from a directory whose goneaway/ is
# this checkout, as the job's is its fetched goneaway; their only change
# is where the pid and env files live (the test's scratch, not the
# machine's /run).  They run in a mount and network namespace of the
# test's own (unshare): its hosts file says where "mysql" is, an echo
# service listens there on 3306, never the machine's resolver.  Then:
# a proxy to mysql:3306 made at TOXIPROXY_URL relays; the stop step ends
# serve and nothing is left; a serve that cannot start makes the start
# step fail at once with serve's words.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
ECHO="$PY $TOP/tests/integration/data/serve-echo.py"
T=$TOP/ci/github-actions-serve.yml
leftover_snapshot > "$SCRATCH/before"

if [ "$(id -u)" -ne 0 ]; then
	test_skip 'the template.s serve steps' 'not root: goneaway serve runs its server in namespaces of its own'
	test_done
fi
for tool in unshare nsenter; do
	if ! command -v $tool > /dev/null; then
		test_skip 'the template.s serve steps' "no $tool here"
		test_done
	fi
done
if ! $PY -c 'import yaml' 2> /dev/null; then
	test_skip 'the template.s serve steps' 'no python3-yaml here to read the template'
	test_done
fi

# step NAME: the run of the template's step NAME, its /run/ paths moved
# into the scratch directory
step() {
	$PY - "$T" "$1" <<-'EOF' | sed "s#/run/goneaway-serve#$SCRATCH/run/goneaway-serve#g"
	import sys, yaml
	steps = yaml.safe_load(open(sys.argv[1]))["jobs"]["suite"]["steps"]
	runs = [s["run"] for s in steps if s.get("name") == sys.argv[2]]
	if len(runs) != 1:
	    sys.exit("%s: %d steps named %r" % (sys.argv[1], len(runs), sys.argv[2]))
	sys.stdout.write(runs[0])
	EOF
}

E=$SCRATCH/etc
mkdir "$E" "$SCRATCH/run" "$SCRATCH/job" "$SCRATCH/bad" "$SCRATCH/bad/goneaway"
cat > "$E/hosts" <<-EOF
	127.0.0.1 localhost
	::1 localhost
	127.0.0.7 mysql
EOF
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' > "$E/nsswitch.conf"
chmod 644 "$E"/*
ln -s "$TOP" "$SCRATCH/job/goneaway"
# a goneaway that cannot start: says why and exits 3, as serve does
printf '#!/bin/sh\necho "goneaway serve: cannot start: no mariadbd here" >&2\nexit 3\n' \
	> "$SCRATCH/bad/goneaway/goneaway"
chmod 755 "$SCRATCH/bad/goneaway/goneaway"

HOLDER= ECHO_PID=
serve_pid() { cat "$SCRATCH/run/goneaway-serve.pid" 2> /dev/null; }
cleanup() {
	p=$(serve_pid)
	[ -n "$p" ] && kill -TERM "$p" 2> /dev/null &&
		wait_until 600 sh -c "! kill -0 $p 2> /dev/null"
	rm -f "$SCRATCH/run/goneaway-serve.pid"
	[ -n "$ECHO_PID" ] && kill "$ECHO_PID" 2> /dev/null
	ns_holder_stop
	ECHO_PID=
}
trap 'cleanup; rm -rf "$SCRATCH"; exit 1' INT TERM
trap cleanup EXIT

ns_holder "$E"
# injob DIR SCRIPT: SCRIPT run by sh -e from DIR, in the namespaces
injob() { inns sh -c 'cd "$0" && exec sh -e "$1"' "$1" "$2"; }
# outjob DIR SCRIPT: the same outside them
outjob() { sh -c 'cd "$0" && exec sh -e "$1"' "$1" "$2"; }
api() { inns $PY "$TOP/tests/integration/data/serve-api.py" "$TOXIPROXY_URL" "$@"; }
# the service "mysql:3306": an echo (the proxy relays bytes; which
# server the suite uses is the suite's)
inns $ECHO listen "$SCRATCH/mysql.port" 127.0.0.7 3306 &
wait_until 100 test -f "$SCRATCH/mysql.port"
ECHO_PID=$(ps -eo pid=,args= | awk -v s="$SCRATCH/mysql.port" \
	'index($0, "serve-echo.py listen") && index($0, s) && !index($0, "nsenter") { print $1; exit }')

test_expect_success 'the template has both serve steps' '
	step "start goneaway serve" > start.sh && step "stop goneaway serve" > stop.sh &&
	grep -q "goneaway/goneaway serve" start.sh && grep -q "kill -TERM" stop.sh &&
	inns getent hosts mysql | grep -q 127.0.0.7
'

test_expect_success 'gitlab-ci-serve.yml runs the same start and stop, word for word' '
	$PY - "$T" "$TOP/ci/gitlab-ci-serve.yml" <<-EOF
	import sys, yaml
	steps = {s.get("name"): s for s in yaml.safe_load(open(sys.argv[1]))["jobs"]["suite"]["steps"]}
	g = yaml.safe_load(open(sys.argv[2]))["goneaway-serve"]
	assert steps["start goneaway serve"]["run"] in g["before_script"], "start"
	assert steps["stop goneaway serve"]["run"] in g["after_script"], "stop"
	assert any(x.get("alias") == "mysql" for x in g["services"]), "services"
	EOF
'

test_expect_success 'start step: serve ready, TOXIPROXY_URL in GITHUB_ENV' '
	GITHUB_ENV=$SCRATCH/github.env injob "$SCRATCH/job" "$SCRATCH/start.sh" > start.out 2>&1;
	rc=$? && cat start.out && test $rc = 0 &&
	test -n "$(serve_pid)" && kill -0 "$(serve_pid)" &&
	grep -q "^TOXIPROXY_URL=http://127.0.0.1:8474$" github.env &&
	grep -q "^GONEAWAY_UPSTREAM=" github.env && ! grep -q TOKEN github.env
'

TOXIPROXY_URL=$(sed -n 's/^TOXIPROXY_URL=//p' "$SCRATCH/github.env" 2> /dev/null)

test_expect_success 'a proxy to mysql:3306, as a suite makes it for Toxiproxy, relays' '
	api POST /proxies "{\"name\":\"mysql\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"mysql:3306\"}" > out &&
	cat out && test "$(sed -n 1p out)" = 201 &&
	PORT=$(sed -n "2s/.*\"listen\":\"127.0.0.1:\([0-9]*\)\".*/\1/p" out) &&
	inns $ECHO rtt 127.0.0.1 "$PORT" 2 && inns $ECHO rtt 127.0.0.1 "$PORT" 1 4096 &&
	test -s job/goneaway-serve.jsonl
'

test_expect_success 'stop step: serve ends, nothing is left' '
	p=$(serve_pid) && test -n "$p" &&
	injob "$SCRATCH/job" "$SCRATCH/stop.sh" && ! kill -0 "$p" 2> /dev/null &&
	rm -f run/goneaway-serve.pid && cleanup &&
	tries=50 &&
	while leftover_snapshot > after &&
	      ! new_leftovers "$SCRATCH/before" after > /dev/null 2>&1 &&
	      [ $tries -gt 0 ]; do
		sleep 0.1; tries=$((tries - 1))    # the holder.s child is going
	done &&
	new_leftovers "$SCRATCH/before" after
'

test_expect_success 'a serve that cannot start: the start step fails at once with its words' '
	rm -f run/goneaway-serve.env run/goneaway-serve.pid &&
	start=$(date +%s) &&
	outjob "$SCRATCH/bad" "$SCRATCH/start.sh" > bad.out 2>&1; rc=$? &&
	cat bad.out && test $rc = 1 &&
	grep -q "ended before it was ready" bad.out && grep -q "no mariadbd here" bad.out &&
	test $(( $(date +%s) - start )) -lt 30 &&
	outjob "$SCRATCH/bad" "$SCRATCH/stop.sh"
'

test_done
