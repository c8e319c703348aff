#!/bin/sh
# t0096-paths: goneaway runs only what it was given.  Drivers, their
# conformance scenarios and fixtures come from next to the binary or from
# PREFIX/share/goneaway, never from the working directory, and not from a
# directory other users can write; evidence stays under -o, whatever the
# scenario's label, and no symlink below -o is followed.
#
# The sources it holds: harness/plan/paths.c.
. "$(dirname "$0")/lib.sh"

# installed where a path holds a blank (issue 56: a checkout in
# "/root/ga clone"): a driver's words, goneaway's own path for
# driver-test's tap, make install's commands
INST="$SCRATCH/in st"
IGW="$INST/usr/bin/goneaway"
SHARE="$INST/usr/share/goneaway"
PYDRIVER="$SHARE/drivers/pymysql/driver.py"
leftover_snapshot > "$SCRATCH/before"

# a scenario named k, in two directories
mkdir -p "$SCRATCH/s" "$SCRATCH/w/s"
cat > "$SCRATCH/s/k.gw" <<'EOF'
title    A scenario named k
cause    (test fixture) two files with the same base name
connection app
connect app
query app SELECT 1
    expect ok = 1
EOF
cp "$SCRATCH/s/k.gw" "$SCRATCH/w/s/k.gw"

# a working directory another user could have filled: its drivers.list
# and conformance scenario would leave a marker if anything ran them
mkdir -p "$SCRATCH/hostile/drivers/conformance"
printf 'pymysql sh evil.sh\npymysql2 sh evil.sh\n' \
	> "$SCRATCH/hostile/drivers/drivers.list"
printf '#!/bin/sh\ntouch "%s/MARKER"\n' "$SCRATCH" \
	> "$SCRATCH/hostile/drivers/evil.sh"
cat > "$SCRATCH/hostile/drivers/conformance/00-evil.gw" <<'EOF'
title    Not a conformance scenario of goneaway's
cause    (test fixture) planted in the working directory
connection app
connect app
EOF

test_expect_success 'make install puts the drivers in PREFIX/share/goneaway' '
	make -s -C "$TOP" -o goneaway install DESTDIR="$INST" PREFIX=/usr &&
	test -x "$IGW" && test -f "$SHARE/drivers/drivers.list" &&
	test -f "$PYDRIVER" && test -f "$SHARE/drivers/conformance/01-query.gw" &&
	test -f "$SHARE/fixtures/server/mariadb.cnf" &&
	test -z "$(find "$SHARE" -perm /022)"
'

if /usr/bin/python3 -c "import pymysql" 2> /dev/null; then
	test_expect_success '--client pymysql from a hostile directory runs the installed driver' '
		(cd hostile && "$IGW" run --color never -o "$SCRATCH/res-client" \
			--client pymysql "$SCRATCH/s/k.gw") > out 2>&1; rc=$?;
		cat out; test ! -e MARKER && test $rc -eq 0 &&
		grep -q "k *PASS" out && grep -q "cursor.fetchone" out
	'
	test_expect_success 'driver-test from a hostile directory runs the installed conformance' '
		(cd hostile && "$IGW" driver-test -- /usr/bin/python3 \
			"$TOP/drivers/pymysql/driver.py") > out 2>&1; rc=$?; cat out;
		test ! -e MARKER && test $rc -eq 0 &&
		grep -q "01-query *PASS" out && ! grep -q "evil" out
	'
else
	test_expect_success '--client pymysql from a hostile directory (no PyMySQL here)' '
		(cd hostile && "$IGW" run --no-results --client pymysql \
			"$SCRATCH/s/k.gw") > out 2>&1;
		cat out; test ! -e MARKER && grep -q "$SHARE/drivers" out
	'
fi

test_expect_success 'a driver name only the hostile list knows is not found' '
	(cd hostile && "$IGW" run --no-results --client pymysql2 \
		"$SCRATCH/s/k.gw") > out 2>&1; rc=$?;
	cat out; test $rc -eq 2 && test ! -e MARKER &&
	grep -q "no driver .pymysql2. in $SHARE/drivers/drivers.list" out
'

test_expect_success 'a binary with no drivers next to it says where it looked' '
	mkdir -p lone/bin && cp "$IGW" lone/bin/goneaway &&
	(cd hostile && "$SCRATCH/lone/bin/goneaway" run --no-results \
		--fixtures "$SHARE/fixtures" --client pymysql \
		"$SCRATCH/s/k.gw") > out 2>&1; rc=$?; cat out;
	test $rc -eq 2 && test ! -e MARKER &&
	grep -q "looked next to the binary ($SCRATCH/lone/bin/drivers)" out &&
	grep -q "never looks in the working directory" out &&
	(cd hostile && "$SCRATCH/lone/bin/goneaway" run --no-results \
		"$SCRATCH/s/k.gw") > out 2>&1; rc=$?; cat out;
	test $rc -eq 2 && grep -q "fixtures: no fixtures/" out
'

test_expect_success 'drivers other users can write to are refused' '
	chmod o+w "$SHARE/drivers" &&
	"$IGW" run --no-results --client pymysql "$SCRATCH/s/k.gw" > out 2>&1;
	rc=$?; chmod o-w "$SHARE/drivers"; cat out;
	test $rc -eq 2 && grep -q "refusing $SHARE/drivers: writable by other users" out &&
	chmod o+w "$PYDRIVER" &&
	"$IGW" run --no-results --client pymysql "$SCRATCH/s/k.gw" > out 2>&1;
	rc=$?; chmod o-w "$PYDRIVER"; cat out;
	test $rc -eq 2 && grep -q "refusing $PYDRIVER" out &&
	chmod o+w "$SHARE/drivers/conformance" &&
	"$IGW" driver-test -- /usr/bin/python3 "$PYDRIVER" > out 2>&1;
	rc=$?; chmod o-w "$SHARE/drivers/conformance"; cat out;
	test $rc -eq 2 && grep -q "refusing $SHARE/drivers/conformance" out
'

test_expect_success 'make uninstall removes the drivers too' '
	make -s -C "$TOP" -o goneaway uninstall DESTDIR="$SCRATCH/inst2" PREFIX=/usr &&
	make -s -C "$TOP" -o goneaway install DESTDIR="$SCRATCH/inst2" PREFIX=/usr &&
	test -d "$SCRATCH/inst2/usr/share/goneaway/drivers" &&
	make -s -C "$TOP" -o goneaway uninstall DESTDIR="$SCRATCH/inst2" PREFIX=/usr &&
	test ! -e "$SCRATCH/inst2/usr/share/goneaway" &&
	test ! -e "$SCRATCH/inst2/usr/bin/goneaway"
'

test_expect_success 'evidence of ../s/k stays under -o; a directory outside survives' '
	mkdir -p w/s/k && echo keep > w/s/k/sentinel &&
	(cd w && "$GONEAWAY" run --color never -o res ../s/k.gw s/k.gw) > out;
	rc=$?; cat out; test $rc -eq 0 &&
	test "$(cat w/s/k/sentinel)" = keep &&
	test "$(ls w/s/k)" = sentinel &&
	test -f w/res/up/s/k/steps.log && test -f w/res/s/k/steps.log &&
	grep -q "scenario: \.\./s/k.gw" w/res/up/s/k/steps.log &&
	grep -q "up/s/k *PASS" out
'

test_expect_success 'a symlink below -o is never followed (nor removed: it is not goneaway.s)' '
	mkdir -p outside/k && echo keep > outside/k/sentinel &&
	mkdir -p w/res2 w/res3 &&
	ln -s ../../outside w/res2/s &&
	ln -s ../../outside/k w/res3/k &&
	(cd w && "$GONEAWAY" run --color never --strict -o res2 ../s/k.gw s/k.gw) \
		> out 2> err; rc=$?; cat out err;
	test $rc -eq 4 && grep -q "evidence not kept: .*not followed" err &&
	test "$(ls outside/k)" = sentinel && test -L w/res2/s &&
	test -f w/res2/up/s/k/steps.log &&
	(cd w && "$GONEAWAY" run --color never -o res3 s/k.gw) > out 2>&1;
	rc=$?; cat out; test $rc -eq 2 &&
	grep -q "res3/k: a symbolic link, not a directory goneaway made" out &&
	test "$(ls outside/k)" = sentinel && test -L w/res3/k
'

test_expect_success 'a -o every user can write to (not sticky) is refused' '
	mkdir -p w/open && chmod 777 w/open &&
	(cd w && "$GONEAWAY" run -o open s/k.gw) > out 2>&1; rc=$?; cat out;
	test $rc -eq 2 && grep -q "every user can write to it" out &&
	test -z "$(ls w/open)"
'

# Issue 56: a cmd: driver's words are made absolute before it starts in
# the case's directory, a file named without a slash too ("python3
# driver.py" was an ERROR, "can't open file", for every case a process
# was started for); a word that is no file here stays a word.
if driver_installed pymysql > /dev/null; then
	test_expect_success 'cmd: a script named without a slash, relative to the working directory' '
		for fresh in "" --fresh-drivers; do
			(cd "$TOP/drivers/pymysql" && "$GONEAWAY" run --color never \
				-o "$SCRATCH/rel" $fresh \
				--client "cmd:/usr/bin/python3 driver.py no-such-word" \
				"$SCRATCH/s/k.gw") > out 2>&1; rc=$?; cat out;
			test $rc -eq 0 && grep -q "k  *PASS" out || return 1
		done
	'
else
	test_skip 'cmd: a script named without a slash, relative to the working directory' \
		"$(driver_installed pymysql)"
fi

test_expect_success 'nothing left behind' '
	test ! -e MARKER &&
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
