#!/bin/sh
# t0177-hostile-drivers: every client driver process goneaway starts as
# root is confined as a server's programs are (issue 55): the probe that
# reads a driver's greeting (and builds the drivers' cache), the process
# a case starts in the lab, and driver-test's driver alone.  Each runs as
# the user of its run's drivers, with no capability and
# no_new_privs, every mount read-only but the run's directory and a
# tmpfs of its own, in a PID namespace of its own.
#
# The driver is an attack of the test's own making (data/hostile-server.c
# run as "hostile driver", built static), a cmd: driver, that tries what
# t0170's hostile server tries: mknod of the host's disk, a mount, chroot
# escapes (in a user namespace of its own too), a read of a 0600 root
# file (the secret), writes outside its case's directory and TMPDIR (the
# host's /, /usr, /etc, /tmp, a host directory anyone may write,
# goneaway's TMPDIR, the drivers' cache, its own directory), a read of a
# file anyone may read beside its own directory where that sits below a
# directory no one else may search (it must see nothing there but its
# own directory), and a process that outlives it.  It greets only when it
# achieved nothing (goneaway's error shows its report otherwise), then
# answers every request "unsupported": its case is a SKIP.  A Python
# driver run as a cmd: script (data/drivers/hostile-driver.py) makes the
# same attacks from Python.
#
# What a user's driver reads still reaches it (below): its repository's
# sibling directories, a shipped driver through a link, from a checkout
# below a directory no one else may search.
#
# Before (issue 55) a driver ran as root with every capability but
# CAP_NET_ADMIN and CAP_NET_RAW: the probe wrote the host's /, /etc and
# the drivers' cache, read the secret and escaped the chroot.
#
# Without root, a C compiler and a static C library, every test SKIPs
# with the reason.
. "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/integration/data"
SCENARIO="$TOP/scenarios/kill-idle.gw"
PRIV="$SCRATCH/private"
leftover_snapshot > "$SCRATCH/before"

why_not=""
if [ "$(id -u)" -ne 0 ]; then
	why_not="needs root (the drivers are confined only as root)"
elif ! command -v cc >/dev/null 2>&1; then
	why_not="no C compiler (cc)"
fi

# The host's side (data/hostile-host.sh), as t0170's: the secret,
# open/, the disk.
. "$DATA/hostile-host.sh"
VICTIM=""
cleanup_host() {
	[ -n "$VICTIM" ] && kill "$VICTIM" 2>/dev/null
	hostile_cleanup
	no_litter > /dev/null
}
trap 'cleanup_host' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "$why_not" ]; then
	hostile_host t0177
	TRIED="mknod kill ptrace bind-80 setuid"
	[ "$major" -ge 0 ] || TRIED="kill ptrace bind-80 setuid"
	# root's process on the host, which a driver must neither signal
	# nor trace
	sleep 3600 < /dev/null > /dev/null 2>&1 &
	VICTIM=$!
	export HOSTILE_VICTIM=$VICTIM HOSTILE_SECRET="$SECRET" \
		HOSTILE_OPEN="$HOST/open"
	[ "$major" -lt 0 ] || export HOSTILE_DISK="$major:$minor"
	# the driver in a directory no one else may search (root's home,
	# 0700, as a checkout in /root is): reached by construction, with a
	# file anyone may read beside it that it must not see
	mkdir -p "$PRIV/drv" && chmod 0700 "$PRIV" && chmod 0755 "$PRIV/drv"
	PEEK="$PRIV/peek-$MARK.txt"
	printf 'peeked-%s\n' "$MARK" > "$PEEK" && chmod 0644 "$PEEK"
	HOSTILE="$PRIV/drv/hostile"
	hostile_build "$HOSTILE"
	HOSTILE_PY="$PRIV/drv/attack.py"
	cp "$DATA/drivers/hostile-driver.py" "$HOSTILE_PY" &&
	chmod 0755 "$HOSTILE_PY"
	mkdir -p "$SCRATCH/cache"
	export HOSTILE_DIRS="$SCRATCH/cache/drivers:$PRIV/drv:$TOP/drivers"
	export HOSTILE_PEEK="$PEEK"
fi

# no_litter: nothing the attack names hostile-* in the host's /, /usr,
# /etc, /tmp, /dev, goneaway's TMPDIR, the drivers' cache or the
# driver's own directory; whatever is there is listed, removed (never
# recursively: a directory may be a mount point) and fails the test.
no_litter() {
	litter=$(ls -d /hostile-* /usr/hostile-* /etc/hostile-* /tmp/hostile-* \
		/dev/hostile-* "${TMPDIR:-/tmp}"/hostile-* \
		"$SCRATCH"/cache/drivers/hostile-* "$PRIV"/drv/hostile-* \
		"$TOP"/drivers/hostile-* 2>/dev/null)
	test -z "$litter" && return 0
	echo "written on the host:"; echo "$litter"
	echo "$litter" | while read -r f; do
		if [ -d "$f" ] && [ ! -L "$f" ]; then rmdir "$f"; else rm -f "$f"; fi
	done
	return 1
}

# nothing_achieved NAME: after the run NAME (its console NAME.out, its
# evidence NAME-res/ when there is one): no report says ACHIEVED, the
# secret's marker and the peeked file are nowhere, open/ is empty,
# nothing was written on the host, no process of the attack is left, the
# test's own process (the victim) lives.
nothing_achieved() {
	if ! kill -0 "$VICTIM"; then echo "the victim was killed"; return 1; fi
	if grep -rl ACHIEVED "$1.out" "$1-res" 2>/dev/null; then
		grep -rh ACHIEVED "$1.out" "$1-res"; return 1
	fi
	if grep -rlF "$MARK" "$1.out" "$1-res" "$SCRATCH/cache" 2>/dev/null; then
		echo "the secret leaked"; return 1
	fi
	ls -A "$HOST/open" > open.ls
	if test -s open.ls; then echo "written on the host:"; cat open.ls; return 1; fi
	find "$SCRATCH/cache" -name 'hostile-*' > made.ls
	if test -s made.ls; then echo "made in the cache:"; cat made.ls; return 1; fi
	ps -eo pid=,comm= | awk '$2 == "ga-hostile-lin"' > lin.ls
	if test -s lin.ls; then echo "left running:"; cat lin.ls; return 1; fi
	no_litter
}

hostile_test() {
	if [ -n "$why_not" ]; then
		test_skip "$1" "$why_not"
	else
		test_expect_success "$1" "$2"
	fi
}

hostile_test 'run: the probe (the drivers. cache built) and the case.s process are confined' '
	timeout 300 "$GONEAWAY" run --color never --cache "$SCRATCH/cache" \
		-o run-res --client "cmd:$HOSTILE driver" "$SCENARIO" > run.out 2>&1
	rc=$?; cat run.out; cat run-res/kill-idle/driver-app.log
	nothing_achieved run &&
	test $rc -eq 0 && grep -q "^\[1/1\] kill-idle *SKIP" run.out &&
	grep -q "hostile\[driver\]: achieved nothing (tried: $TRIED)" \
		run-res/kill-idle/driver-app.log
'

hostile_test '... and with -j 2, a driver process in each worker' '
	timeout 300 "$GONEAWAY" run --color never --cache "$SCRATCH/cache" -j 2 \
		-o j2-res --client "cmd:$HOSTILE driver" "$SCENARIO" \
		"$TOP/scenarios/kill-self.gw" > j2.out 2>&1
	rc=$?; cat j2.out
	nothing_achieved j2 && test $rc -eq 0 &&
	test "$(grep -rl "hostile\[driver\]: achieved nothing" j2-res | wc -l)" -eq 2
'

hostile_test 'a Python driver, a cmd: script: the probe and the case.s process are confined' '
	timeout 300 "$GONEAWAY" run --color never --cache "$SCRATCH/cache" \
		-o py-res --client "cmd:$HOSTILE_PY" "$SCENARIO" > py.out 2>&1
	rc=$?; cat py.out; cat py-res/kill-idle/driver-app.log
	nothing_achieved py &&
	test $rc -eq 0 && grep -q "^\[1/1\] kill-idle *SKIP" py.out &&
	grep -q "hostile-py: achieved nothing (tried: $TRIED)" \
		py-res/kill-idle/driver-app.log
'

hostile_test 'driver-test: the driver alone and the tap over it are confined' '
	timeout 300 "$GONEAWAY" driver-test --cache "$SCRATCH/cache" -k 01-query \
		-- "$HOSTILE" driver > dt.out 2>&1
	cat dt.out
	nothing_achieved dt && grep -q "^ok - greeting" dt.out
'

# The shipped PyMySQL driver (data/drivers/leaky-driver.py whoami: it
# says who it is at each connect), copies forked fresh from its zygote
# for each case, and a process started for each case (GONEAWAY_SPAWN=off:
# the next case's started while the case before ends):
# each process the user of its run's drivers, with no group, no
# capability and no_new_privs, writing its case's directory and its
# TMPDIR.
LEAKY="/usr/bin/python3 $TOP/tests/integration/data/drivers/leaky-driver.py"
pym_why=$why_not
[ -n "$pym_why" ] || /usr/bin/python3 -c "import pymysql" 2> /dev/null ||
	pym_why="no PyMySQL for /usr/bin/python3 (make deps installs it)"
if [ -n "$pym_why" ]; then
	test_skip 'a process started for its case and a copy its zygote spawned are confined' "$pym_why"
else
	test_expect_success 'a process started for its case and a copy its zygote spawned are confined' '
		printf "%s\n" "title    who" "cause    (test fixture) none" \
			"connection app" "connect app" > who.gw && cp who.gw who2.gw &&
		"$GONEAWAY" run -j 1 -v --color never --cache "$SCRATCH/cache" \
			-o who-res --client "cmd:$LEAKY whoami" who.gw who2.gw \
			> who.out 2>&1; rc=$?; cat who.out who-res/*/driver-app.log;
		test $rc -eq 0 &&
		test "$(grep -c "forked fresh from its zygote" who.out)" -eq 2 &&
		GONEAWAY_SPAWN=off "$GONEAWAY" run -j 1 -v --color never \
			--cache "$SCRATCH/cache" -o who-kept --client "cmd:$LEAKY whoami" \
			who.gw who2.gw > who-kept.out 2>&1; rc=$?;
		cat who-kept.out who-kept/*/driver-app.log;
		test $rc -eq 0 &&
		test "$(grep -c "drivers: app: started for this case" who-kept.out)" -eq 2 &&
		for f in who-res/who/driver-app.log who-res/who2/driver-app.log \
			 who-kept/who2/driver-app.log; do
			uid=$(sed -n "s/^leaky: Uid: \([0-9]*\) .*/\1/p" $f) &&
			test "$uid" -ge 1879048192 &&
			grep -q "^leaky: Gid: $uid $uid $uid $uid\$" $f &&
			grep -q "^leaky: Groups:\$" $f &&
			grep -q "^leaky: CapEff: 0000000000000000\$" $f &&
			grep -q "^leaky: NoNewPrivs: 1\$" $f &&
			grep -q "^leaky: wrote \.\$" $f &&
			grep -q "^leaky: wrote /run/goneaway/tmp\$" $f || return 1
		done
	'
fi

# What a user's driver reads, confined (issue 55 without breaking issue
# 56): a connector's checkout below a directory no one else may search
# (root's 0700 home on Debian; here one of the test's own), goneaway
# run from it; its driver imports from a sibling directory of its own
# (test/pylib, as t0113's walkthrough), and a cmd: wrapper of a shipped
# driver names it through a link to goneaway's checkout beside the
# connector's (a checkout reached by a link, as lib.sh's for a path with
# a blank; goneaway started by that name).  Both PASS, and a file anyone
# may read beside the checkout stays out of their sight: the driver and
# the wrapper each try it and stop, saying so, when they can.  Before,
# the driver's import failed ("No module named 'gadriver'") and the
# wrapper's driver was not there to run.
USERHOME=$SCRATCH/home
REPO=$USERHOME/connector
BESIDE=$USERHOME/beside.txt
reach_why=$pym_why
[ -n "$reach_why" ] || command -v git > /dev/null 2>&1 ||
	reach_why="no git (the connector's checkout is a git repository)"
if [ -z "$reach_why" ]; then
	mkdir -p "$REPO/test/goneaway" "$REPO/test/pylib" "$REPO/ci" &&
	chmod 0700 "$USERHOME" && git init -q "$REPO" &&
	ln -s "$TOP" "$USERHOME/goneaway" &&
	printf 'beside-%s\n' "$$" > "$BESIDE" && chmod 0644 "$BESIDE" &&
	sed -e 's/^    name = "pymysql"$/    name = "my-connector"/' \
		-e 's/^import gadriver .*$/&\nimport besidecheck  # noqa: E402/' \
		"$TOP/drivers/pymysql/driver.py" > "$REPO/test/goneaway/driver.py" &&
	cp "$TOP"/drivers/pylib/*.py "$REPO/test/pylib/" &&
	cat > "$REPO/test/pylib/besidecheck.py" <<-EOF &&
	import sys
	try:
	    open("$BESIDE").read()
	except OSError:
	    pass
	else:
	    sys.exit("besidecheck: read what is beside the checkout")
	EOF
	printf '%s\n' "title    ping after a KILL" \
		"cause    You (or the db administrator) has killed the running thread with a KILL statement" \
		"connection app read_timeout=5s" "connect app" "kill app" \
		"ping app" "    expect CR_SERVER_LOST" > "$REPO/test/goneaway/ping.gw" &&
	cat > "$REPO/ci/driver.sh" <<-EOF
	if cat "$BESIDE"; then
	    echo "wrapper: read what is beside the checkout" >&2; exit 1
	fi
	exec /usr/bin/python3 "$USERHOME/goneaway/drivers/pymysql/driver.py"
	EOF
fi
if [ -n "$reach_why" ]; then
	test_skip 'a checkout below a 0700 directory: a sibling import and a wrapper of a shipped driver PASS, what is beside it stays unseen' "$reach_why"
else
	test_expect_success 'a checkout below a 0700 directory: a sibling import and a wrapper of a shipped driver PASS, what is beside it stays unseen' '
		grep -q "^import besidecheck" "$REPO/test/goneaway/driver.py" &&
		(cd "$REPO" && timeout 300 "$USERHOME/goneaway/goneaway" run \
			--color never --no-results --cache "$SCRATCH/cache" \
			--client "cmd:/usr/bin/python3 test/goneaway/driver.py" \
			--client "cmd:sh ci/driver.sh" test/goneaway/ping.gw) \
			> reach.out 2>&1
		rc=$?; cat reach.out
		test $rc -eq 0 &&
		test "$(grep -c "^\[[12]/2\] ping *PASS" reach.out)" -eq 2 &&
		! grep -q "read what is beside" reach.out &&
		! grep -q "beside-$$" reach.out
	'
fi

hostile_test 'nothing of a hostile driver is left: namespaces, mounts, processes, run directories' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
