#!/bin/sh
# t0114-replay-trust: a replayed case runs only what it was given (issue
# 26).  A case's folder keeps SHA256SUMS of the files replay runs; a
# bundle whose scenario.gw was swapped for one that reads a host file
# into another (admin SELECT LOAD_FILE(...) INTO OUTFILE ...), packed
# with plain tar, is refused before anything starts, as a folder and as
# a .tar.gz, --trust or not; with its SHA256SUMS rewritten, its steps
# are not its report's; with its report rewritten too, the trust policy
# refuses it line by line; and with --trust it runs, but no file is
# written: every run's server has secure_file_priv at a private
# directory and an admin account without FILE.  server-option,
# driver-option and repeat lines that reach the host are refused with
# their lines; a bundle's large members are never unpacked; a bundle
# leaves out the host's name, kernel and home unless --include-host.
#
# The sources it holds: harness/plan/bundle_stage.c,
#  harness/plan/casecheck.c, harness/plan/casedigests.c.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"
KILL="$TOP/scenarios/kill-idle.gw"
# kill-idle.gw's steps, by what they are
KC=$(gw_line "$TOP/scenarios/kill-idle.gw" 1 "connect app")
KQ1=$(gw_line "$TOP/scenarios/kill-idle.gw" 1 "query app SELECT 1")
KK=$(gw_line "$TOP/scenarios/kill-idle.gw" 1 "kill app")
KQ2=$(gw_line "$TOP/scenarios/kill-idle.gw" 2 "query app SELECT 1")
KQ3=$(gw_line "$TOP/scenarios/kill-idle.gw" 3 "query app SELECT 1")
KQ2X=$((KQ2 + 1))
STOLEN="$SCRATCH/stolen"

# resum DIR: SHA256SUMS made again for DIR's files, as anyone can
resum() {
	(cd "$1" && sha256sum scenario.gw results.jsonl > SHA256SUMS)
}

test_expect_success 'a case.s folder holds SHA256SUMS of the files replay runs' '
	"$GONEAWAY" run --color never --no-capture -o res "$KILL" > run.out 2>&1 &&
	cat res/kill-idle/SHA256SUMS &&
	(cd res/kill-idle && sha256sum -c SHA256SUMS) &&
	test "$(wc -l < res/kill-idle/SHA256SUMS)" -eq 2
'

# The attack of the issue: the kill app line ($KK) becomes an admin statement
# that copies a host file to another path.
HOSTILE="admin SELECT LOAD_FILE('/etc/passwd') INTO OUTFILE '$STOLEN'"

test_expect_success 'the issue.s bundle (scenario.gw swapped, plain tar): refused, exit 2, no file written' '
	rm -rf evil && cp -r res/kill-idle evil &&
	sed -i "${KK}s|^kill app\$|$HOSTILE|" evil/scenario.gw &&
	grep -q "^admin SELECT LOAD_FILE" evil/scenario.gw &&
	tar czf evil.tar.gz evil &&
	"$GONEAWAY" replay --color never evil > d.out 2>&1; rc=$?; cat d.out;
	test "$rc" -eq 2 &&
	grep -q "evil/scenario.gw: its SHA-256 is not the one SHA256SUMS gives" d.out &&
	"$GONEAWAY" replay --color never evil.tar.gz > t.out 2>&1; rc=$?; cat t.out;
	test "$rc" -eq 2 &&
	grep -q "evil.tar.gz:evil/scenario.gw: its SHA-256 is not the one" t.out &&
	"$GONEAWAY" replay --trust --color never evil.tar.gz > tt.out 2>&1;
	rc=$?; cat tt.out; test "$rc" -eq 2 &&
	grep -q "refused, --trust or not" tt.out &&
	! grep -q "^replaying" d.out t.out tt.out &&
	test ! -e "$STOLEN"
'

test_expect_success '... its SHA256SUMS made again: its steps are not the report.s, line named' '
	resum evil &&
	"$GONEAWAY" replay --color never evil > s.out 2>&1; rc=$?; cat s.out;
	test "$rc" -eq 2 &&
	grep -q "evil/scenario.gw:$KK: admin, and the report.s step 3 (results.jsonl line 4) is a kill at line $KK: not the scenario that was reported" s.out &&
	tar czf evil2.tar.gz evil &&
	"$GONEAWAY" replay --trust --color never evil2.tar.gz > s2.out 2>&1;
	rc=$?; cat s2.out; test "$rc" -eq 2 &&
	grep -q "not the scenario that was reported" s2.out &&
	test ! -e "$STOLEN"
'

test_expect_success '... its report made to match: the trust policy refuses the line, as a folder and a bundle' '
	python3 - evil/results.jsonl "$STOLEN" "$KK" <<-\EOF &&
	import json, sys
	path, stolen, kill_line = sys.argv[1], sys.argv[2], int(sys.argv[3])
	lines = open(path).read().splitlines()
	out = []
	for l in lines:
	    j = json.loads(l)
	    if j.get("type") == "step" and j["line"] == kill_line:
	        j["kind"] = "admin"; j["connection"] = None
	        j["text"] = "SELECT LOAD_FILE(\x27/etc/passwd\x27) INTO OUTFILE \x27%s\x27" % stolen
	    out.append(json.dumps(j, separators=(",", ":")))
	open(path, "w").write("\n".join(out) + "\n")
	EOF
	resum evil &&
	"$GONEAWAY" replay --color never evil > p.out 2>&1; rc=$?; cat p.out;
	test "$rc" -eq 2 &&
	grep -q "^evil/scenario.gw:$KK: error: not run without --trust: admin: LOAD_FILE() reads a file of the host" p.out &&
	grep -q "refused: the case comes from elsewhere" p.out &&
	tar czf evil3.tar.gz evil &&
	"$GONEAWAY" replay --color never evil3.tar.gz > p2.out 2>&1; rc=$?;
	cat p2.out; test "$rc" -eq 2 &&
	grep -q "^evil3.tar.gz:evil/scenario.gw:$KK: error: not run without --trust" p2.out &&
	! grep -q "^replaying" p.out p2.out &&
	test ! -e "$STOLEN"
'

# swap DIR LINE TEXT...: scenario.gw's LINE becomes "admin TEXT", and the
# report's step at LINE an admin step of that text: a bundle whose
# SHA256SUMS and report match its swapped scenario, as anyone can make
swap() {
	python3 - "$@" <<-\EOF
	import json, sys
	d, args = sys.argv[1], sys.argv[2:]
	new = {int(args[i]): args[i + 1] for i in range(0, len(args), 2)}
	gw = open(d + "/scenario.gw").read().split("\n")
	for line, text in new.items():
	    gw[line - 1] = "admin " + text
	open(d + "/scenario.gw", "w").write("\n".join(gw))
	out = []
	for l in open(d + "/results.jsonl").read().splitlines():
	    j = json.loads(l)
	    if j.get("type") == "step" and j["line"] in new:
	        j["kind"] = "admin"; j["connection"] = None
	        j["text"] = new[j["line"]]
	    out.append(json.dumps(j, separators=(",", ":")))
	open(d + "/results.jsonl", "w").write("\n".join(out) + "\n")
	EOF
	resum "$1"
}

# issue 34: each way past the word filter of 0.4.0 (%repeat split a word,
# a backtick joined two, SET was read as the whole word "set" only,
# ANSI_QUOTES made "x" a name), and the privileged account: each refused
# on its line, in a folder whose digests and report match
test_expect_success 'issue 34: %repeat, a backtick, a SET list, ANSI_QUOTES, privileged: each refused on its line' '
	rm -rf byp && cp -r res/kill-idle byp &&
	swap byp "$KQ1" "SELECT LOAD%repeat[1 x _]%FILE(\"/etc/passwd\")" \
		"$KK" "SET\`autocommit\`=1,GLOBAL general_log_file=\"$STOLEN\"" \
		"$KQ2" "SET GLOBAL wait_timeout = 9, slow_query_log_file = \"$STOLEN\"" \
		"$KQ3" "PREPARE s FROM \"x\"" &&
	sed -i "1s|.*|server-option sql_mode=ANSI_QUOTES|" byp/scenario.gw &&
	sed -i "s|^connection app read_timeout=5s\$|& privileged|" byp/scenario.gw &&
	C=$(grep -n "^connection app" byp/scenario.gw | cut -d: -f1) &&
	resum byp && cat byp/scenario.gw &&
	"$GONEAWAY" replay --color never byp > b.out 2>&1; rc=$?; cat b.out;
	test "$rc" -eq 2 &&
	grep -q "^byp/scenario.gw:$C: error: not run without --trust: connection app: privileged: the lab.s privileged account has SUPER and FILE" b.out &&
	grep -q "^byp/scenario.gw:$KQ1: error: not run without --trust: admin: LOAD_FILE() reads a file of the host" b.out &&
	grep -q "^byp/scenario.gw:$KK: error: not run without --trust: admin: it SETs a global variable that is not one a replay sets" b.out &&
	grep -q "^byp/scenario.gw:$KQ2: error: not run without --trust: admin: it SETs a global variable" b.out &&
	grep -q "^byp/scenario.gw:$KQ3: error: not run without --trust: admin: PREPARE ... FROM anything but one quoted statement" b.out &&
	grep -q "(5 lines above" b.out &&
	! grep -q "^replaying" b.out && test ! -e "$STOLEN"
'

# What lang/sqlset.c and lang/sqltok.c take a server to do, done by this
# one (seen the same on MySQL 9.7 and MariaDB 11.8): a GLOBAL keyword
# scopes the later targets of the list until a SESSION keyword,
# @@global.x its own only, and @@session.x does not end a GLOBAL; MariaDB takes @@global.'x'
# (MySQL's 1064 is fine too); literals side by side are one string; a
# version comment of a later version is a comment to its first "*/"
test_expect_success 'the SET scoping and the tokens the check reads are this server.s' '
	cat > scope.gw <<-\EOF &&
	title SET scoping as lang/sqlset.c reads it
	cause a probe of the server
	connection root privileged
	connect root
	query root SET GLOBAL wait_timeout = 101, interactive_timeout = 102
	query root SELECT @@global.interactive_timeout
	    expect ok = 102
	query root SET @@global.wait_timeout = 103, interactive_timeout = 104
	query root SELECT CONCAT(@@global.interactive_timeout, "/", @@session.interactive_timeout)
	    expect ok = "102/104"
	query root SET GLOBAL wait_timeout = 105, @@session.sql_mode = "", net_read_timeout = 31
	query root SELECT @@global.net_read_timeout
	    expect ok = 31
	query root SET @a = 1, GLOBAL net_write_timeout = 61, @b = 2, net_read_timeout = 32
	query root SELECT @@global.net_read_timeout
	    expect ok = 32
	query root SET GLOBAL wait_timeout = 106, SESSION interactive_timeout = 107, net_read_timeout = 77
	query root SELECT CONCAT(@@global.net_read_timeout, "/", @@session.net_read_timeout)
	    expect ok = "32/77"
	query root SET @@global."net_read_timeout" = 33
	    expect ok | ER_PARSE_ERROR
	query root SELECT "L" /*!99999 "*/ "O" /* "*/ "A"
	    expect ok = "LOA"
	query root SET GLOBAL wait_timeout = 28800, interactive_timeout = 28800, net_read_timeout = 30, net_write_timeout = 60
	EOF
	"$GONEAWAY" run --color never --no-capture -o sres scope.gw > sc.out 2>&1;
	rc=$?; cat sc.out; cat sres/scope/steps.log; test "$rc" -eq 0
'

test_expect_success '... and with --trust it runs, but writes no file: no FILE for admin, secure_file_priv private' '
	"$GONEAWAY" replay --trust --color never --no-capture -o tr evil3.tar.gz \
		> tr.out 2>&1; rc=$?; cat tr.out; test "$rc" -eq 1 &&
	grep -q "^replaying" tr.out &&
	grep -q "line $KK: admin: .*FILE privilege" tr/kill-idle/steps.log &&
	grep -q "^secure_file_priv=@PRIVATE@/files$" tr/kill-idle/my.cnf &&
	test ! -e "$STOLEN"
'

test_expect_success 'any run: SQL reaches no host file (admin without FILE; a privileged account stopped by secure_file_priv)' '
	cat > files.gw <<-EOF &&
	title SQL reaches no file of the host
	cause secure_file_priv and an admin account without FILE
	connection root privileged
	admin SELECT LOAD_FILE("/etc/passwd") IS NULL
	    expect ok = 1
	admin SELECT "x" INTO OUTFILE "$STOLEN"
	    expect ER_SPECIFIC_ACCESS_DENIED_ERROR
	connect root
	query root SELECT "y" INTO OUTFILE "$STOLEN"
	    expect ER_OPTION_PREVENTS_STATEMENT
	query root SELECT LOAD_FILE("/etc/passwd") IS NULL
	    expect ok = 1
	EOF
	"$GONEAWAY" run --color never --no-capture -o fres files.gw > f.out 2>&1;
	rc=$?; cat f.out; test "$rc" -eq 0 && test ! -e "$STOLEN"
'

# header lines: kill-idle.gw's first lines are comments; lines put there
# keep every step on its line
test_expect_success 'server-option, driver-option and repeat lines that reach the host: refused, each with its line' '
	rm -rf opts && cp -r res/kill-idle opts &&
	sed -i -e "1s|.*|server-option init-file=/root/evil.sql|" \
		-e "2s|.*|server-option plugin-load-add=ha_connect.so|" \
		-e "3s|.*|server-option general_log_file=/root/.bashrc|" \
		-e "4s|.*|repeat 1000|" \
		-e "5s|.*|server-option max_connections=10|" \
		opts/scenario.gw &&
	sed -i "s|^connection app read_timeout=5s\$|connection app read_timeout=5s driver-option allowLocalInfile=true|" \
		opts/scenario.gw &&
	grep -q "driver-option allowLocalInfile" opts/scenario.gw &&
	resum opts &&
	"$GONEAWAY" replay --color never opts > o.out 2>&1; rc=$?; cat o.out;
	test "$rc" -eq 2 &&
	grep -q "^opts/scenario.gw:1: error: not run without --trust: server-option init-file: not an option" o.out &&
	grep -q "^opts/scenario.gw:2: error: .*server-option plugin-load-add" o.out &&
	grep -q "^opts/scenario.gw:3: error: .*server-option general_log_file" o.out &&
	grep -q "driver-option allowLocalInfile: not a driver option" o.out &&
	grep -q "^opts/scenario.gw:4: error: .*repeat 1000, more than 100 runs (GA_TRUST_REPEAT_MAX)" o.out &&
	! grep -q "max_connections" o.out &&
	grep -q "(5 lines above" o.out
'

test_expect_success 'a folder without SHA256SUMS: refused, and --trust replays it (its steps still checked)' '
	rm -rf old && cp -r res/kill-idle old && rm old/SHA256SUMS &&
	"$GONEAWAY" replay --color never old > n.out 2>&1; rc=$?; cat n.out;
	test "$rc" -eq 2 && grep -q "old/SHA256SUMS: not there" n.out &&
	"$GONEAWAY" replay --trust --color never --no-capture -o nt old \
		> nt.out 2>&1; rc=$?; cat nt.out; test "$rc" -eq 0 &&
	grep -q "^replay: the same outcome: PASS" nt.out
'

test_expect_success 'a genuine folder packed with plain tar replays to the same outcome' '
	tar czf plain.tar.gz -C res kill-idle &&
	"$GONEAWAY" replay --color never --no-capture -o pl plain.tar.gz \
		> pl.out 2>&1; rc=$?; cat pl.out; test "$rc" -eq 0 &&
	grep -q "^replay: the same outcome: PASS, every step as in the report$" pl.out
'

# 100 MiB of zeros packs into about 100 KiB: replay must not write it
# (a file size limit of 20 MiB would stop it) to find results.jsonl
# missing
test_expect_success 'a small bundle with a large member: refused for what it lacks, the member never written' '
	rm -rf big && mkdir big && cp res/kill-idle/scenario.gw big/ &&
	head -c 104857600 /dev/zero > big/capture.pcap &&
	tar czf big.tar.gz big && rm -rf big && ls -l big.tar.gz &&
	test "$(stat -c %s big.tar.gz)" -lt 1048576 &&
	(ulimit -f 40960; exec "$GONEAWAY" replay --color never big.tar.gz) \
		> bg.out 2>&1; rc=$?; cat bg.out; test "$rc" -eq 2 &&
	grep -q "results.jsonl: No such file or directory: not a case.s folder" bg.out
'

test_expect_success 'a bundle leaves out the host.s name, kernel and home; --include-host keeps them' '
	"$GONEAWAY" replay --bundle -o priv.tar.gz res/kill-idle > pb.out 2>&1 &&
	cat pb.out && grep -q "home directory left out" pb.out &&
	mkdir -p pv && tar xzf priv.tar.gz -C pv &&
	! grep -rqF "\"name\":\"$(uname -n)\"" pv &&
	! grep -rqF "$(uname -r)" pv &&
	! grep -rqF "$HOME/" pv &&
	grep -q "^kernel:   (left out of the bundle" pv/kill-idle/report.txt &&
	(cd pv/kill-idle && sha256sum -c SHA256SUMS) &&
	"$GONEAWAY" replay --bundle --include-host -o host.tar.gz res/kill-idle \
		> hb.out 2>&1 && mkdir -p hv && tar xzf host.tar.gz -C hv &&
	grep -qF "$(uname -r)" hv/kill-idle/results.jsonl &&
	"$GONEAWAY" replay --color never --no-capture -o pr priv.tar.gz \
		> pr.out 2>&1; rc=$?; cat pr.out; test "$rc" -eq 0 &&
	! grep -q "configuration is not the report" pr.out
'

test_expect_success 'the runs left no namespace, veth, table, process or temp dir' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
