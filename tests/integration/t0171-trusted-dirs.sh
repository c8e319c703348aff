#!/bin/sh
# t0171-trusted-dirs: one rule for every directory goneaway executes or
# loads from (issue 55): the cache and every directory of it goneaway
# uses (the drivers' cache, the templates and their builds, a root's or
# an image's cache), a server's root (--server rootfs:DIR, or NAME in
# the roots directory), the server fixtures and the server users' slots
# belong to root - or
# to the user goneaway runs as, where it runs unprivileged, or to the
# owner of the goneaway binary - at every level, no other user can
# write them, and none is reached through a symbolic link.  Otherwise
# run, serve, replay and driver-test all refuse before anything runs,
# exit 2, naming the directory and why.  The users of servers are the
# machine's: two caches never give two servers one user.
#
# The sources it holds: harness/util/trustdir.c, harness/plan/paths.c,
# harness/lab/uids.c.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv > /dev/null; then
	test_skip 'trusted directories' 'needs root and setpriv'
	test_done
fi

leftover_snapshot > "$SCRATCH/before"
T="$TOP/tests/bench/trivial/trivial-01.gw"
NOBODY=65534
# driver-test's driver: one that starts in milliseconds, the first
# installed here (none: driver-test is not tried, and says so)
DRIVER=
for d in libmariadb-3.4 pymysql php-pdo perl; do
	driver_installed "$d" > /dev/null 2>&1 && { DRIVER=$d; break; }
done

# A case folder to replay (the machine's own cache: it is root's).
"$GONEAWAY" run --color never -o "$SCRATCH/cases" "$T" > "$SCRATCH/cases.out" 2>&1

# four LABEL PATTERN [OPTIONS...]: goneaway run, serve, replay and
# driver-test, each with OPTIONS: each must exit 2 and say PATTERN (grep
# -E) on its output before anything ran (driver-test: before its driver
# ran alone, too).  serve is bounded: one that
# does not refuse runs until timeout(1) stops it (124).
four() {
	four_l=$1 four_p=$2
	shift 2
	"$GONEAWAY" run --color never --no-results "$@" "$T" \
		> "$four_l.run" 2>&1; echo $? > "$four_l.run.rc"
	timeout 30 "$GONEAWAY" serve --api 127.0.0.1:0 "$@" \
		> "$four_l.serve" 2>&1; echo $? > "$four_l.serve.rc"
	"$GONEAWAY" replay --color never -o "$four_l.replayed" "$@" \
		"$SCRATCH/cases/trivial-01" > "$four_l.replay" 2>&1
	echo $? > "$four_l.replay.rc"
	four_c="run serve replay"
	if [ -n "$DRIVER" ]; then
		timeout 300 "$GONEAWAY" driver-test "$@" "$DRIVER" \
			> "$four_l.driver-test" 2>&1
		echo $? > "$four_l.driver-test.rc"
		four_c="$four_c driver-test"
	else
		say "(no driver installed here: driver-test not tried)"
	fi
	for c in $four_c; do
		say "--- goneaway $c: exit $(cat "$four_l.$c.rc")"
		cat "$four_l.$c"
	done
	for c in $four_c; do
		test "$(cat "$four_l.$c.rc")" -eq 2 &&
		grep -Eq "$four_p" "$four_l.$c" &&
		! grep -q "^\[1/" "$four_l.$c" &&
		# driver-test: nor its driver alone (its "ok -" lines)
		! grep -Eq "^(not )?ok - " "$four_l.$c" ||
			{ say "($c)"; return 1; }
	done
}

# A cache of root's with a template in it: a copy of what a run made.
good_cache() {
	mkdir -p "$1" &&
	"$GONEAWAY" run --color never --no-results --cache "$1" "$T" > "$1.out" 2>&1 ||
		{ cat "$1.out"; return 1; }
}

test_expect_success 'setup: a case folder to replay, a cache of root.s' '
	cat cases.out && test -f cases/trivial-01/steps.log &&
	good_cache "$SCRATCH/good" && ls -la good &&
	ls -d good/template-* > /dev/null
'

test_expect_success 'a cache another user owns: run, serve, replay and driver-test refuse it' '
	mkdir -p x/goneaway && chown $NOBODY x/goneaway &&
	export XDG_CACHE_HOME="$SCRATCH/x" &&
	four own "the cache $SCRATCH/x/goneaway: refusing $SCRATCH/x/goneaway: belongs to uid $NOBODY, not to root" &&
	test -z "$(ls x/goneaway)"
'

test_expect_success 'so is one in a directory another user owns, and one not there yet' '
	mkdir -p y/u && chown $NOBODY y/u && cp -a good y/u/goneaway &&
	export XDG_CACHE_HOME="$SCRATCH/y/u" &&
	four above "the cache $SCRATCH/y/u/goneaway: refusing $SCRATCH/y/u/goneaway: $SCRATCH/y/u belongs to uid $NOBODY" &&
	rm -rf y/u/goneaway &&
	four notyet "the cache $SCRATCH/y/u/goneaway \(not there yet: goneaway would make it in $SCRATCH/y/u\): refusing $SCRATCH/y/u: belongs to uid $NOBODY" &&
	test ! -e y/u/goneaway
'

# A directory below a cache of root's: each of the directories goneaway
# uses there, owned by another user, or a symlink swapped in.
test_expect_success 'the drivers. cache of another user, in a root cache: refused (row 7)' '
	cp -a good c1 && mkdir -p c1/drivers/python && chown $NOBODY c1/drivers &&
	export XDG_CACHE_HOME="$SCRATCH/xdg1" && mkdir xdg1 &&
	ln -s "$SCRATCH/c1" xdg1/goneaway &&
	four drivers "refusing $SCRATCH/c1/drivers: belongs to uid $NOBODY, not to root"
'

test_expect_success '... a file of another user deep in the drivers. cache, or a symlink there' '
	cp -a good c2 && mkdir -p c2/drivers/python/usr/lib/x/__pycache__ &&
	touch c2/drivers/python/usr/lib/x/__pycache__/m.cpython-311.pyc &&
	chown $NOBODY c2/drivers/python/usr/lib/x/__pycache__/m.cpython-311.pyc &&
	"$GONEAWAY" run --color never --no-results --cache c2 "$T" > deep.out 2>&1;
	rc=$?; cat deep.out; test $rc -eq 2 &&
	grep -q "refusing $SCRATCH/c2/drivers/python/usr/lib/x/__pycache__/m.cpython-311.pyc: belongs to uid $NOBODY" deep.out &&
	rm -rf c2/drivers/python && mkdir theirs && chown $NOBODY theirs &&
	ln -s "$SCRATCH/theirs" c2/drivers/python &&
	"$GONEAWAY" run --color never --no-results --cache c2 "$T" > link.out 2>&1;
	rc=$?; cat link.out; test $rc -eq 2 &&
	grep -q "refusing $SCRATCH/c2/drivers/python: a symbolic link" link.out &&
	test -z "$(ls theirs)"
'

test_expect_success 'a template, a template build, a root.s cache of another user, or a symlink: refused (row 2)' '
	cp -a good c3 && t=$(ls -d c3/template-* | head -n 1) &&
	chown $NOBODY "$t" &&
	export XDG_CACHE_HOME="$SCRATCH/xdg3" && mkdir xdg3 &&
	ln -s "$SCRATCH/c3" xdg3/goneaway &&
	four template "refusing $SCRATCH/$t: belongs to uid $NOBODY" &&
	chown 0 "$t" && mkdir c3/building-AbC123 && chown $NOBODY c3/building-AbC123 &&
	"$GONEAWAY" serve --cache c3 > b.out 2>&1; rc=$?; cat b.out;
	test $rc -eq 2 && grep -q "refusing $SCRATCH/c3/building-AbC123: belongs to uid $NOBODY" b.out &&
	rmdir c3/building-AbC123 && mkdir -p c3/rootfs-mysql-9.7 theirs3 &&
	chown $NOBODY theirs3 && ln -s "$SCRATCH/theirs3" c3/rootfs-mysql-9.7/template-0123456789abcdef &&
	"$GONEAWAY" serve --cache c3 > r.out 2>&1; rc=$?; cat r.out;
	test $rc -eq 2 && grep -q "refusing $SCRATCH/c3/rootfs-mysql-9.7/template-0123456789abcdef: a symbolic link" r.out &&
	rm c3/rootfs-mysql-9.7/template-0123456789abcdef && chmod 0777 c3/rootfs-mysql-9.7 &&
	"$GONEAWAY" run --color never --no-results --cache c3 "$T" > w.out 2>&1; rc=$?; cat w.out;
	test $rc -eq 2 && grep -q "refusing $SCRATCH/c3/rootfs-mysql-9.7: writable by other users" w.out
'

test_expect_success 'fixtures (their SQL runs at the template.s build) of another user: refused' '
	cp -r "$TOP/fixtures" fx && chown $NOBODY fx/server/bootstrap.sql &&
	"$GONEAWAY" run --color never --no-results --cache good --fixtures fx "$T" \
		> fr.out 2>&1; rc1=$?;
	timeout 30 "$GONEAWAY" serve --api 127.0.0.1:0 --cache good --fixtures fx \
		> fs.out 2>&1; rc2=$?;
	cat fr.out fs.out; test $rc1 -eq 2 && test $rc2 -eq 2 &&
	for f in fr.out fs.out; do
		grep -q "the fixtures fx: refusing fx/server/bootstrap.sql: belongs to uid $NOBODY" $f || return 1
	done &&
	if [ -n "$DRIVER" ]; then
		timeout 300 "$GONEAWAY" driver-test --cache good --fixtures fx "$DRIVER" \
			> fd.out 2>&1; rc=$?; cat fd.out; test $rc -eq 2 &&
		grep -q "the fixtures fx: refusing" fd.out &&
		! grep -Eq "^(not )?ok - " fd.out
	fi
'

# A fake root: its "server" would leave a marker if anything ran it.
fake_root() {
	mkdir -p "$1/usr/sbin" "$1/bin" &&
	cp /bin/sh "$1/bin/sh" &&
	printf "#!/bin/sh\ntouch /MARKER\necho \"/usr/sbin/mysqld  Ver 9.7.4-2 for Linux\"\n" \
		> "$1/usr/sbin/mysqld" && chmod 755 "$1/usr/sbin/mysqld"
}

test_expect_success 'a root another user owns (--server rootfs:DIR): refused, nothing of it run (row 4)' '
	fake_root fr && chown -R $NOBODY fr &&
	four rootfs "refusing $SCRATCH/fr: belongs to uid $NOBODY, not to root" \
		--server "rootfs:$SCRATCH/fr" &&
	test ! -e fr/MARKER
'

test_expect_success '... or in a directory another user owns, or whose server is theirs or a symlink' '
	mkdir -p nob && chown $NOBODY nob && fake_root nob/fr &&
	"$GONEAWAY" run --color never --no-results --server rootfs:nob/fr "$T" > a.out 2>&1;
	rc=$?; cat a.out; test $rc -eq 2 &&
	grep -q "refusing nob/fr: $SCRATCH/nob belongs to uid $NOBODY" a.out &&
	fake_root fr2 && chown $NOBODY fr2/usr/sbin/mysqld &&
	"$GONEAWAY" serve --server rootfs:fr2 > s.out 2>&1;
	rc=$?; cat s.out; test $rc -eq 2 &&
	grep -q "refusing $SCRATCH/fr2/usr/sbin/mysqld: belongs to uid $NOBODY" s.out &&
	fake_root fr3 && mv fr3/usr/sbin fr3/usr/sbin.real && ln -s sbin.real fr3/usr/sbin &&
	"$GONEAWAY" run --color never --no-results --server rootfs:fr3 "$T" > l.out 2>&1;
	rc=$?; cat l.out; test $rc -eq 2 &&
	grep -q "refusing $SCRATCH/fr3/usr/sbin/mysqld: $SCRATCH/fr3/usr/sbin is a symbolic link" l.out &&
	test ! -e fr2/MARKER && test ! -e fr3/MARKER && test ! -e nob/fr/MARKER
'

if test -d /var/cache/goneaway/roots; then
test_expect_success 'a root of another user in the roots directory (--server NAME): refused' '
	unshare -m sh -c "
		mount -t tmpfs -o mode=0755 ga-roots /var/cache/goneaway/roots &&
		cd /var/cache/goneaway/roots && mkdir -p fake/usr/sbin &&
		cp \"$SCRATCH/fr/usr/sbin/mysqld\" fake/usr/sbin/ && chown -R $NOBODY fake &&
		\"$GONEAWAY\" run --color never --no-results --server fake \"$T\"
	" > n.out 2>&1; rc=$?; cat n.out; test $rc -eq 2 &&
	grep -q "refusing /var/cache/goneaway/roots/fake: belongs to uid $NOBODY" n.out
'
else
	test_skip 'a root of another user in the roots directory' 'no /var/cache/goneaway/roots'
fi

test_expect_success 'unprivileged: a cache of one.s own works, another user.s is refused' '
	pub=$(mktemp -d "${TMPDIR:-/tmp}/ga-nobody.XXXXXX") && chmod 755 "$pub" &&
	cp "$GONEAWAY" "$T" "$pub/" && cp -r "$TOP/fixtures" "$pub/" &&
	mkdir "$pub/mine" "$pub/other" && chown $NOBODY "$pub/mine" && chown 12345 "$pub/other" &&
	(cd "$pub" && setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
		./goneaway run --no-results --color never --cache mine trivial-01.gw) > mine.out 2>&1;
	rc1=$?;
	(cd "$pub" && setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
		./goneaway run --no-results --color never --cache other trivial-01.gw) > other.out 2>&1;
	rc2=$?; rm -rf "$pub"; cat mine.out other.out;
	test $rc1 -eq 0 && grep -q "SKIP" mine.out &&
	test $rc2 -eq 2 && grep -q "refusing other: belongs to uid 12345, not to root or uid $NOBODY" other.out
'

test_expect_success 'the goneaway binary.s owner.s cache is trusted (a build tree run by root with sudo)' '
	mkdir -p bt && cp "$GONEAWAY" bt/goneaway && chown $NOBODY bt bt/goneaway &&
	cp -a good btc && chown -R $NOBODY btc &&
	bt/goneaway run --color never --no-results --fixtures "$TOP/fixtures" \
		--cache btc "$T" > bt.out 2>&1; rc=$?; cat bt.out;
	test $rc -eq 0 && grep -q "PASS" bt.out
'

# serve_in_pidns NAME CACHE: a goneaway serve in a PID namespace of its
# own (so that it has the PID another's has in its own), its lines in
# env-NAME once ready, its exit status in NAME.rc when it stops.
serve_in_pidns() {
	unshare --pid --fork --mount-proc sh -c "
		\"$GONEAWAY\" serve --api 127.0.0.1:0 --cache \"$2\" \
			--env \"$SCRATCH/env-$1\" > \"$SCRATCH/$1.out\" 2>&1
		echo \$? > \"$SCRATCH/$1.rc\"" &
}
# The PID (as this namespace sees it) of the serve whose env file is $1.
serve_pid() {
	ps -eo pid=,args= | awk -v e="$1" 'index($0, "serve --api") &&
		index($0, e) && !index($0, "unshare") && !index($0, "sh -c") { print $1; exit }'
}
# The user of the server of the serve of PID $1 (its child, or the child
# of goneaway's init of its PID namespace, serve's child).
server_uid() {
	ps -eo pid=,uid=,ppid=,comm= | awk -v p="$1" '
		{ pid[NR] = $1; uid[NR] = $2; ppid[NR] = $3; comm[NR] = $4 }
		$3 == p { kid[$1] = 1 }
		END { for (i = 1; i <= NR; i++)
			if (comm[i] == "mariadbd" && (ppid[i] == p || kid[ppid[i]])) {
				print uid[i]; exit } }'
}

test_expect_success 'two caches never give two servers one user (row 9)' '
	cp -a good ua && cp -a good ub &&
	serve_in_pidns a "$SCRATCH/ua" && serve_in_pidns b "$SCRATCH/ub" &&
	wait_until 1800 test -f env-a -a -f env-b;
	pa=$(serve_pid "$SCRATCH/env-a") && pb=$(serve_pid "$SCRATCH/env-b") &&
	wait_until 300 test -n "$(server_uid "$pa")" &&
	wait_until 300 test -n "$(server_uid "$pb")";
	ua=$(server_uid "$pa"); ub=$(server_uid "$pb");
	say "serve $pa: server user $ua; serve $pb: server user $ub";
	kill -TERM $pa $pb; wait_until 600 test -f a.rc -a -f b.rc;
	cat a.out b.out;
	test -n "$ua" && test -n "$ub" && test "$ua" -ge 1879048192 &&
	test "$ua" != "$ub" &&
	test "$(cat a.rc)" -eq 0 && test "$(cat b.rc)" -eq 0
'

test_expect_success 'nothing left behind' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
