#!/bin/sh
# t0145-replay-contained: a replayed case is contained, not filtered
# (issue 34).  Each attack of the issue is written as a reporter would
# write it, run once (goneaway run), packed into a genuine bundle
# (goneaway replay --bundle: its SHA256SUMS and results.jsonl are real)
# and replayed as root, without --trust and with it.  After every one
# of those runs the host is unchanged - nothing in SITE, a directory
# anyone may write (a Python site directory, say, where a .pth line
# "import os; ..." runs at python's next start), and nothing a python
# started with SITE as a site directory runs - and no host secret (a
# root-only 0600 file with a random marker) is anywhere in the console
# or the evidence.
#
# What holds it is what the server can do, not what the text says: every
# server runs as a user of its own (lab/uids.h), in a mount namespace
# where every mount but its private directory is read-only, with no
# capability and no_new_privs (lab/spawn.h, "confined"); the admin
# account has no SUPER and no FILE.  The text check (lang/trust.c) is
# the second line: without --trust it refuses each bundle first.  The
# four bypasses of that check the issue found are attacks here too; on
# goneaway 0.4.0 each one reached the host.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"

# the servers' users reach what a test gives them by path: the scratch
# directory is searchable (its own files keep their modes)
chmod 0711 "$SCRATCH"
# site NAME: SITE, a new empty directory anyone may write, for one test
site() {
	SITE="$SCRATCH/site-$1" && mkdir -m 0777 "$SITE" && chmod 0777 "$SITE"
}
MARK="ga-secret-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
SECRET="$SCRATCH/secret"
printf '%s\n' "$MARK" > "$SECRET" && chmod 0600 "$SECRET"

# host_unchanged: SITE still empty, and a python that takes SITE as a
# site directory (and so runs its .pth lines) runs nothing of it.
host_unchanged() {
	ls -A "$SITE" > site.ls &&
	if test -s site.ls; then echo "written on the host:"; cat site.ls; false; fi &&
	python3 -c "import site; site.addsitedir('$SITE')" &&
	test ! -e "$SCRATCH/pwned"
}

# server_pid: a mariadbd's PID, this file's (run-all.sh gives each file
# a PID namespace of its own)
server_pid() {
	ps -eo pid=,comm= | awk '$2 == "mariadbd" {print $1; exit}'
}
server_up() { test -n "$(server_pid)"; }

# no_secret FILE...: the secret's marker is in none of them (nor in any
# file below a directory named)
no_secret() {
	if grep -rlF "$MARK" "$@" > leak.ls 2>/dev/null; then
		echo "the secret is in:"; cat leak.ls; false
	else
		true
	fi
}

# attack NAME [run options...]: the scenario NAME.gw (from stdin) run,
# bundled and replayed without and with --trust.  Without --trust the
# replay must refuse it (exit 2, before anything starts); with --trust it
# runs.  After each of the three the host is unchanged and the secret is
# nowhere.  Leaves NAME.run, NAME.plain and NAME.trust (the console of
# each) and NAME-res/, NAME-plain/, NAME-trust/ (the evidence).
attack() {
	name=$1
	shift
	cat > "$name.gw" &&
	"$GONEAWAY" run --color never -v -o "$name-res" "$@" "$name.gw" \
		> "$name.run" 2>&1; cat "$name.run";
	host_unchanged && no_secret "$name.run" "$name-res" &&
	"$GONEAWAY" replay --bundle -o "$name.tar.gz" "$name-res/$name" \
		> "$name.bundle" 2>&1 && cat "$name.bundle" &&
	"$GONEAWAY" replay --color never -v -o "$name-plain" "$name.tar.gz" \
		> "$name.plain" 2>&1; rc=$?; cat "$name.plain";
	host_unchanged && no_secret "$name.plain" &&
	test "$rc" -eq 2 && grep -q "not run without --trust" "$name.plain" &&
	! grep -q "^replaying" "$name.plain" &&
	"$GONEAWAY" replay --trust --color never -v -o "$name-trust" \
		"$name.tar.gz" > "$name.trust" 2>&1; cat "$name.trust";
	grep -q "^replaying" "$name.trust" &&
	host_unchanged && no_secret "$name.trust" "$name-trust"
}

# The general-log route of the issue: the server's general log pointed
# at SITE, a line "import os; ..." written into it with CHAR(10), and
# the next python runs it - here through each of the four bypasses of
# the text check.  The admin account cannot SET GLOBAL such a variable
# any more (no SUPER), and a privileged connection (--trust) meets the
# read-only mount: 1231, the file cannot be opened.
Q="'"   # a single quote, for the scenarios written in the tests' bodies
PAYLOAD="SELECT CONCAT(CHAR(10), 'import os; open(\"$SCRATCH/pwned\", \"w\")', CHAR(10))"

test_expect_success 'bypass 1, %repeat splits a word: SE%repeat%T GLOBAL general_log_file - the host unchanged' '
	site repeat-split &&
	attack repeat-split <<-EOF
	title general log into a site directory, SET split by %repeat
	cause none
	connection app
	admin %repeat[1 x SE]%T GLOBAL general_log_file = "$SITE/a.pth"
	admin %repeat[1 x SE]%T GLOBAL general_log = ON
	connect app
	    expect ok
	query app $PAYLOAD
	    expect ok
	EOF
'

test_expect_success 'bypass 2, a backtick joins words: SET`autocommit`=1,GLOBAL general_log_file - the host unchanged' '
	site backtick &&
	attack backtick <<-EOF
	title general log into a site directory, behind a backtick
	cause none
	connection app
	admin SET\`autocommit\`=1,GLOBAL general_log_file = "$SITE/b.pth"
	admin SET\`autocommit\`=1,GLOBAL general_log = ON
	connect app
	    expect ok
	query app $PAYLOAD
	    expect ok
	EOF
'

test_expect_success 'bypass 3, a file-naming variable behind an unseen SET: slow_query_log_file - the host unchanged' '
	site slowlog &&
	attack slowlog <<-EOF
	title slow log into a site directory
	cause none
	connection app
	admin %repeat[1 x S]%ET GLOBAL slow_query_log_file = "$SITE/c.pth"
	admin %repeat[1 x S]%ET GLOBAL slow_query_log = ON, GLOBAL long_query_time = 0
	connect app
	    expect ok
	query app $PAYLOAD
	    expect ok
	EOF
'

test_expect_success 'bypass 4, PREPARE FROM "x" under ANSI_QUOTES prepares a variable - the host unchanged' '
	site ansi &&
	attack ansi <<-EOF
	title a statement built at run time under ANSI_QUOTES
	cause none
	server-option sql_mode=ANSI_QUOTES
	connection app
	admin CREATE PROCEDURE goneaway.p() BEGIN DECLARE x TEXT DEFAULT CONCAT(${Q}SE${Q}, ${Q}T GLOBAL gen${Q}, ${Q}eral_log_f${Q}, ${Q}ile = ${Q}${Q}$SITE/d.pth${Q}${Q}${Q}); PREPARE s FROM "x"; EXECUTE s; SET x = CONCAT(${Q}SE${Q}, ${Q}T GLOBAL gen${Q}, ${Q}eral_log = ON${Q}); PREPARE s FROM "x"; EXECUTE s; END
	admin CALL goneaway.p()
	connect app
	    expect ok
	query app $PAYLOAD
	    expect ok
	EOF
'

test_expect_success 'a host secret read with LOAD_FILE behind %repeat: not in the evidence' '
	site loadfile &&
	attack loadfile <<-EOF
	title a root-only file read into the report
	cause none
	server-option secure_file_priv=$SCRATCH
	connection root privileged
	connect root
	    expect ok
	query root SELECT LOAD_%repeat[1 x F]%ILE("$SECRET")
	    expect ok
	EOF
'

test_expect_success 'SELECT ... INTO OUTFILE into a host directory (secure_file_priv there): the host unchanged' '
	site outfile &&
	attack outfile <<-EOF
	title OUTFILE into a site directory
	cause none
	server-option secure_file_priv=$SITE
	connection root privileged
	connect root
	    expect ok
	query root SELECT "import os; open(${Q}$SCRATCH/pwned${Q}, ${Q}w${Q})" INTO OUTFILE "$SITE/e.pth"
	    expect ok
	EOF
'

test_expect_success 'CREATE TABLE ... DATA DIRECTORY in a host directory: the host unchanged' '
	site datadir &&
	attack datadir <<-EOF
	title a table whose files are in a site directory
	cause none
	connection root privileged
	connect root
	    expect ok
	query root CREATE TABLE goneaway.t (a INT) ENGINE=InnoDB DATA DIRECTORY = "$SITE"
	    expect ok
	EOF
'

# A library whose constructor runs as soon as the server loads it: it
# says in the server's log who it runs as, and tries to write SITE.
test_expect_success 'INSTALL SONAME of a library in a host directory: its code runs, as nobody, and writes nothing' '
	site soname && mkdir -p plugins && chmod 0755 plugins &&
	cat > evil.c <<-EOF &&
	#include <errno.h>
	#include <stdio.h>
	#include <string.h>
	#include <unistd.h>
	__attribute__((constructor)) static void evil(void)
	{
		FILE *f = fopen("$SITE/f.pth", "w");
		fprintf(stderr, "evil.so: running as uid %u; writing $SITE/f.pth: %s\n",
			(unsigned)getuid(), f ? "written" : strerror(errno));
		if (f)
			fprintf(f, "import os\n"), fclose(f);
	}
	EOF
	cc -shared -fPIC -o plugins/evil.so evil.c && chmod 0755 plugins/evil.so &&
	attack soname <<-EOF &&
	title a library loaded into the server
	cause none
	server-option plugin_dir=$SCRATCH/plugins
	connection root privileged
	connect root
	    expect ok
	query root INSTALL SONAME "evil"
	    expect ok
	EOF
	grep -h "evil.so: running as uid" soname-trust/soname/mariadbd.err &&
	! grep -q "evil.so: running as uid 0;" soname-trust/soname/mariadbd.err &&
	grep -q "evil.so: running as uid [0-9]*; writing .*: Read-only file system" \
		soname-trust/soname/mariadbd.err
'

test_expect_success 'the server runs as a user of its own, without capabilities, no_new_privs' '
	cat > who.gw <<-EOF &&
	title who the server is
	cause none
	connection app
	connect app
	    expect ok
	sleep 3s
	EOF
	"$GONEAWAY" run --color never --no-capture -o who-res who.gw > who.out 2>&1 &
	gw=$! &&
	{ wait_until 50 server_up; up=$?; } &&
	pid=$(server_pid) &&
	grep -E "^(Uid|Gid|Groups|CapEff|CapPrm|NoNewPrivs):" /proc/$pid/status | tee st &&
	uid=$(awk "/^Uid:/ {print \$2}" st) &&
	test "$uid" -ge 1879048192 &&
	grep -q "^CapEff:	0000000000000000" st &&
	grep -q "^CapPrm:	0000000000000000" st &&
	grep -q "^NoNewPrivs:	1" st &&
	grep -qE "^Groups:[[:space:]]*$" st &&
	awk "\$2 == \"/\" {print \$4}" /proc/$pid/mounts | grep -q "^ro";
	rc=$?; wait $gw; test "$up" -eq 0 && test "$rc" -eq 0
'

test_expect_success 'the runs left no namespace, veth, table, process or temp dir' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
