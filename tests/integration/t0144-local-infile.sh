#!/bin/sh
# t0144-local-infile: the client reads no host file unless the scenario
# says so (issue 34).  A reporter's scenario runs LOAD DATA LOCAL INFILE
# of a path that, on the maintainer's machine, is a root-only secret; the
# case is packed as a genuine bundle and replayed as root: without
# --trust it is refused (the text check, exit 2), with --trust it runs
# and the secret (a random mark inside it) is nowhere: not on the
# console, not in the replay's folder (steps.log, results.jsonl,
# report.txt, capture.pcap).  A connection that declares local_infile
# reads its fixtures (their rows counted), and nothing by '..', by an
# absolute path outside, or through a symlink, whether among the
# fixtures (the case is ERROR, naming it) or planted in the case's
# directory while it runs; its fixtures travel in the bundle.  Every
# installed driver is held to the same, a driver written before protocol
# 4 runs no connection with local_infile (SKIP, naming the feature), and
# the Java drivers never read a database name as URL options.  That the
# server asks for any file it likes is check_infile's (unit) lying
# server.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"
MARK=goneaway-secret-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
SECRET=$SCRATCH/root-secret
P1="$TOP/tests/integration/data/drivers/protocol1-driver.py"
# the run directories on disk, where a test can plant a symlink in a
# running case's directory
export GONEAWAY_RUN_ON_DISK=1

# no_mark PATH...: the secret's mark is in none of them (a directory
# searched whole, binary files such as capture.pcap too)
no_mark() {
	! grep -rlaF "$MARK" "$@"
}

cat > "$SCRATCH/attack.gw" <<EOF
title    A scenario from elsewhere asks its client for a host file
cause    LOAD DATA LOCAL INFILE: the server names the file the client sends
server-option local_infile=ON
connection app
connect app
query app CREATE TABLE t (a VARCHAR(100), b VARCHAR(100))
query app LOAD DATA LOCAL INFILE '$SECRET' INTO TABLE t FIELDS TERMINATED BY ','
    expect error
query app SELECT COUNT(*) FROM t
    expect ok = 0
query app SELECT b FROM t
EOF

# The same with a connection that declares local_infile: its fixture is
# read (3 rows); '..' past the case's directory, the secret by its path
# and two symlinks planted in the case's directory during the sleep
# (evil.csv to the secret, evdir to its directory) are refused.
mkdir -p "$SCRATCH/decl/fixtures"
printf '1,a\n2,b\n3,c\n' > "$SCRATCH/decl/fixtures/rows.csv"
UP=../../../../../../../../../../../..
decl_steps() {
	cat <<EOF
connect app
query app CREATE TABLE t (a VARCHAR(100), b VARCHAR(100))
query app LOAD DATA LOCAL INFILE 'fixtures/rows.csv' INTO TABLE t FIELDS TERMINATED BY ','
query app SELECT COUNT(*) FROM t
    expect ok = 3
query app LOAD DATA LOCAL INFILE 'fixtures/$UP$SECRET' INTO TABLE t FIELDS TERMINATED BY ','
    expect error
query app LOAD DATA LOCAL INFILE '$SECRET' INTO TABLE t FIELDS TERMINATED BY ','
    expect error
sleep 2s
query app LOAD DATA LOCAL INFILE 'evil.csv' INTO TABLE t FIELDS TERMINATED BY ','
    expect error
query app LOAD DATA LOCAL INFILE 'evdir/root-secret' INTO TABLE t FIELDS TERMINATED BY ','
    expect error
query app SELECT COUNT(*) FROM t
    expect ok = 3
EOF
}
{
	printf 'title    A connection with local_infile reads its fixtures and nothing else\n'
	printf 'cause    LOAD DATA LOCAL INFILE within the case%ss directory\n' "'"
	printf 'server-option local_infile=ON\nconnection app local_infile\n'
	decl_steps
} > "$SCRATCH/decl/local-infile.gw"
# ... for a pool's driver: the connection takes from a pool
{
	printf 'title    A pool whose connections declare local_infile\n'
	printf 'cause    LOAD DATA LOCAL INFILE within the case%ss directory\n' "'"
	printf 'server-option local_infile=ON\npool p size=1\n'
	printf 'connection app pool=p local_infile\n'
	decl_steps
} > "$SCRATCH/decl/local-infile-pool.gw"
sed 's/^connection app$/pool p size=1\nconnection app pool=p/' \
	"$SCRATCH/attack.gw" > "$SCRATCH/attack-pool.gw"

# plant: while $SCRATCH/plant.on exists, every case directory holding a
# copy of fixtures/ gets evil.csv (a symlink to the secret) and evdir (to
# its directory); each one planted is counted in $SCRATCH/planted.
plant() {
	: > "$SCRATCH/planted"
	while [ -e "$SCRATCH/plant.on" ]; do
		for f in "${TMPDIR:-/tmp}"/goneaway-run-*/*/fixtures; do
			d=${f%/fixtures}
			[ -d "$f" ] && [ ! -L "$d/evil.csv" ] || continue
			ln -s "$SECRET" "$d/evil.csv" &&
			ln -s "$SCRATCH" "$d/evdir" &&
			echo "$d" >> "$SCRATCH/planted"
		done
		sleep 0.05
	done
}

# every_run_planted OUT: every case of OUT that ran (a verdict with its
# time: not one SKIPped before its steps, whose directory may come and go
# between two looks of the planter) had the links planted in its
# directory; says the counts when not
every_run_planted() {
	ran=$(grep -c "^\[.*\] .* \(PASS\|FAIL\|ERROR\) *[0-9]" "$1")
	got=$(wc -l < "$SCRATCH/planted")
	test "$ran" -ge 1 && test "$got" -ge "$ran" ||
		{ say "$1: $got case directories planted, $ran cases ran"; false; }
}

# run_planted OUT ARGS...: goneaway run ARGS with the planting loop
# beside it; its status
run_planted() {
	out=$1
	shift
	: > "$SCRATCH/plant.on"
	plant &
	planter=$!
	"$GONEAWAY" run --color never "$@" > "$out" 2>&1
	rc=$?
	rm -f "$SCRATCH/plant.on"
	wait "$planter"
	return $rc
}

test_expect_success 'the reporter runs the scenario and packs a genuine bundle (the secret is not on that machine)' '
	"$GONEAWAY" run --color never -o rep attack.gw > rep.out 2>&1;
	rc=$?; cat rep.out; test "$rc" -eq 0 &&
	(cd rep/attack && sha256sum -c SHA256SUMS) &&
	"$GONEAWAY" replay --bundle -o attack.tar.gz rep/attack > b.out 2>&1 &&
	test -s attack.tar.gz
'

printf 'x,%s\n' "$MARK" > "$SECRET"
chmod 600 "$SECRET"

test_expect_success 'replayed as root without --trust: refused before anything runs (exit 2), the secret unread' '
	test "$(id -u)" -eq 0 &&
	"$GONEAWAY" replay --color never -o rp0 attack.tar.gz > rp0.out 2>&1;
	rc=$?; cat rp0.out; test "$rc" -eq 2 &&
	grep -q "error: not run without --trust: query: LOAD DATA/XML INFILE" rp0.out &&
	! grep -q "^replaying" rp0.out &&
	no_mark rp0.out && { test ! -e rp0 || no_mark rp0; }
'

test_expect_success '... with --trust: it runs, the same outcome, and the secret is in neither the console nor the replay.s folder' '
	"$GONEAWAY" replay --trust --color never -o rp attack.tar.gz > rp.out 2>&1;
	rc=$?; cat rp.out; test "$rc" -eq 0 &&
	grep -q "^replaying" rp.out &&
	grep -q "replay: the same outcome: PASS" rp.out &&
	test -s rp/attack/capture.pcap && test -s rp/attack/steps.log &&
	test -s rp/attack/results.jsonl && test -s rp/attack/report.txt &&
	no_mark rp.out rp
'

test_expect_success 'a connection with local_infile reads its fixture (3 rows); ".." past it, the secret by its path and symlinks planted in its directory are refused' '
	run_planted d.out -o dres decl/local-infile.gw; rc=$?; cat d.out;
	test "$rc" -eq 0 &&
	test "$(wc -l < planted)" -eq 1 &&
	grep -q "line 10: query app: .*LOAD DATA LOCAL INFILE refused: .*.\.\.. is not followed" d.out &&
	grep -q "line 12: query app: .*LOAD DATA LOCAL INFILE refused: .*outside" d.out &&
	grep -q "line 15: query app: .*LOAD DATA LOCAL INFILE refused: .evil.csv.: a symlink on the way, not followed" d.out &&
	grep -q "line 17: query app: .*LOAD DATA LOCAL INFILE refused: .evdir/root-secret.: a symlink on the way" d.out &&
	no_mark d.out dres
'

test_expect_success '... its fixtures travel in its folder and bundle (SHA256SUMS names them) and a replay reads them again' '
	(cd dres/local-infile && sha256sum -c SHA256SUMS) &&
	grep -q "  fixtures/rows.csv\$" dres/local-infile/SHA256SUMS &&
	"$GONEAWAY" replay --bundle -o decl.tar.gz dres/local-infile > db.out 2>&1 &&
	tar tzf decl.tar.gz | grep -qx "local-infile/fixtures/rows.csv" &&
	"$GONEAWAY" replay --trust --color never -o drp decl.tar.gz > drp.out 2>&1;
	rc=$?; cat drp.out; test "$rc" -eq 0 &&
	grep -q "replay: the same outcome: PASS" drp.out &&
	test -f drp/local-infile/fixtures/rows.csv && no_mark drp.out drp
'

test_expect_success '... a fixture changed after the report is refused, --trust or not' '
	rm -rf tampered && cp -r dres/local-infile tampered &&
	printf "1,a\n" > tampered/fixtures/rows.csv &&
	"$GONEAWAY" replay --trust --color never -o tp tampered > tp.out 2>&1;
	rc=$?; cat tp.out; test "$rc" -eq 2 &&
	grep -q "tampered/fixtures/rows.csv: its SHA-256 is not the one SHA256SUMS gives" tp.out &&
	cp dres/local-infile/fixtures/rows.csv tampered/fixtures/ &&
	printf "x\n" > tampered/fixtures/extra.csv &&
	"$GONEAWAY" replay --trust --color never -o tp tampered > tp2.out 2>&1;
	rc=$?; cat tp2.out; test "$rc" -eq 2 &&
	grep -q "tampered/fixtures/extra.csv: SHA256SUMS gives it no digest" tp2.out
'

test_expect_success 'a symlink or a hard link among the fixtures: the case is ERROR naming it, nothing read' '
	mkdir -p sl/fixtures hl/fixtures &&
	cp decl/local-infile.gw sl/ && cp decl/local-infile.gw hl/ &&
	ln -s "$SECRET" sl/fixtures/rows.csv &&
	ln "$SECRET" hl/fixtures/rows.csv &&
	"$GONEAWAY" run --color never -o slr sl/local-infile.gw > sl.out 2>&1;
	rc=$?; cat sl.out; test "$rc" -eq 3 &&
	grep -q "the scenario.s fixtures: .*sl/fixtures/rows.csv: a symlink, not followed: refused" sl.out &&
	"$GONEAWAY" run --color never -o hlr hl/local-infile.gw > hl.out 2>&1;
	rc=$?; cat hl.out; test "$rc" -eq 3 &&
	grep -q "hl/fixtures/rows.csv: a file with 2 links" hl.out &&
	no_mark sl.out hl.out slr hlr
'

# Every driver drivers.list names that greets here: the attack reads
# nothing, whatever the connector's default; with local_infile, the
# fixture and nothing else, or the connect is unsupported (SKIP).
# (libmysqlclient 9.7 logs in to MySQL 9.7 only: its own run below)
PLAIN=
POOLS=
for d in $(drivers_installed); do
	if [ "$d" = libmysqlclient-9.7 ]; then
		continue
	elif pool_drivers | grep -qx "$d"; then
		POOLS="$POOLS --client $d"
	else
		PLAIN="$PLAIN --client $d"
	fi
done
if [ -n "$PLAIN$POOLS" ]; then
	test_expect_success "every installed driver:$PLAIN$POOLS: no file of the host read; with local_infile its fixture only, or SKIP naming why" '
		"$GONEAWAY" run --color never -o dr-attack $PLAIN attack.gw \
			> dr-attack.out 2>&1; rc=$?; cat dr-attack.out;
		test "$rc" -eq 0 &&
		{ test -z "$POOLS" ||
		  "$GONEAWAY" run --color never -o dr-attack-pool $POOLS \
			attack-pool.gw > dr-attack-pool.out 2>&1 ||
		  { cat dr-attack-pool.out; false; }; } &&
		run_planted dr-decl.out -o dr-decl $PLAIN decl/local-infile.gw;
		rc=$?; cat dr-decl.out;
		test "$rc" -eq 0 || test "$rc" -eq 4 &&
		every_run_planted dr-decl.out &&
		! grep -q "^\[.*\] .* \(FAIL\|ERROR\)" dr-decl.out &&
		{ test -z "$POOLS" ||
		  { run_planted dr-pool.out -o dr-pool $POOLS \
			decl/local-infile-pool.gw; rc=$?; cat dr-pool.out;
		    test "$rc" -eq 0 || test "$rc" -eq 4; } &&
		  every_run_planted dr-pool.out &&
		  ! grep -q "^\[.*\] .* \(FAIL\|ERROR\)" dr-pool.out; } &&
		no_mark dr-attack.out dr-attack dr-decl.out dr-decl &&
		{ test -z "$POOLS" || no_mark dr-pool.out dr-pool dr-attack-pool dr-attack-pool.out; }
	'
else
	test_skip 'every installed driver: no file of the host read' 'no driver of drivers.list greets here'
fi

if driver_installed libmysqlclient-9.7 > /dev/null; then
	test_expect_success 'libmysqlclient-9.7 against mysql-9.7: no file of the host read; with local_infile its fixture only' '
		"$GONEAWAY" run --color never -o my-attack --server mysql-9.7 \
			--client libmysqlclient-9.7 attack.gw > my-attack.out 2>&1;
		rc=$?; cat my-attack.out; test "$rc" -eq 0 &&
		run_planted my-decl.out -o my-decl --server mysql-9.7 \
			--client libmysqlclient-9.7 decl/local-infile.gw; rc=$?;
		cat my-decl.out; test "$rc" -eq 0 &&
		no_mark my-attack.out my-attack my-decl.out my-decl
	'
else
	test_skip 'libmysqlclient-9.7 against mysql-9.7: no file of the host read' \
		"$(driver_installed libmysqlclient-9.7)"
fi

if /usr/bin/python3 -c "import pymysql" 2> /dev/null; then
	test_expect_success 'a driver written before protocol 4 runs no connection with local_infile: SKIP naming the feature' '
		"$GONEAWAY" run --color never -o p1 \
			--client "cmd:/usr/bin/python3 $P1" decl/local-infile.gw \
			> p1.out 2>&1; rc=$?; cat p1.out; test "$rc" -eq 0 &&
		grep -q "connection .app. (line 5): .*the driver.s greeting (protocol 1) does not declare the feature .local-infile." p1.out &&
		no_mark p1.out p1
	'
else
	test_skip 'a driver written before protocol 4 runs no connection with local_infile' \
		'no PyMySQL for /usr/bin/python3 (make deps installs it)'
fi

cat > "$SCRATCH/dbname.gw" <<'EOF'
title    A database name is a name, not a URL's options
cause    Connector/J reads its URL's database up to a '?'
connection app database="goneaway?allowLocalInfile=true&sessionVariables=wait_timeout=7"
connect app
EOF
if driver_installed java > /dev/null; then
	test_expect_success 'java: database="x?allowLocalInfile=true&..." never reaches Connector/J as options: SKIP saying why' '
		"$GONEAWAY" run --color never -o jdb --client java dbname.gw \
			> jdb.out 2>&1; rc=$?; cat jdb.out; test "$rc" -eq 0 &&
		grep -q "^\[1/1\] dbname  *SKIP" jdb.out &&
		grep -q "connection .app. (line 4): Connector/J 2.7 takes the database from its URL, which would read .goneaway?allowLocalInfile=true&sessionVariables=wait_timeout=7. as another name and options of its own (a .?. ends the name): not connected" jdb.out
	'
else
	test_skip 'java: a database name never reaches Connector/J as options' \
		"$(driver_installed java)"
fi

test_expect_success 'the runs left no namespace, veth, table, process or temp dir' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
