#!/bin/sh
# t0112-bug-report: a case's evidence folder is a bug report (issue 15).
# A KILL scenario's capture.pcap, read by tcpdump, shows the server's FIN
# and the client's query after it; the folder holds the versions, the
# command line and date, each step's text and thread ids, the steps never
# reached, its own results.jsonl, and a my.cnf that names no path that is
# gone.  goneaway replay reruns a case from its folder alone (or from the
# .tar.gz replay --bundle makes): a PASS folder PASSes, a FAIL folder
# reproduces its mismatch, a case run otherwise is a different outcome.
# The folder and the bundle are untrusted input: a symlink, a member
# climbing out, a file of two cases are refused with a clear error (and
# what a swapped scenario may do: t0114-replay-trust).
# With the built-in client and a driver, locally and on a root.
#
# The sources it holds: harness/plan/sink_casefolder.c.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"
roots=${GA_ROOTS:-/var/cache/goneaway/roots}
KILL="$TOP/scenarios/kill-idle.gw"
# kill-idle.gw's steps, by what they are
KC=$(gw_line "$TOP/scenarios/kill-idle.gw" 1 "connect app")
KQ1=$(gw_line "$TOP/scenarios/kill-idle.gw" 1 "query app SELECT 1")
KK=$(gw_line "$TOP/scenarios/kill-idle.gw" 1 "kill app")
KQ2=$(gw_line "$TOP/scenarios/kill-idle.gw" 2 "query app SELECT 1")
KQ3=$(gw_line "$TOP/scenarios/kill-idle.gw" 3 "query app SELECT 1")
KQ2X=$((KQ2 + 1))

# fin_then_query PCAP: tcpdump shows the server's FIN, then data the
# client sends to the server after it
fin_then_query() {
	tcpdump -nn -r "$1" > "$1.txt" 2> /dev/null; cat "$1.txt"
	fin=$(grep -n "198\.18\.0\.2\.3306 > 198\.18\.0\.1\.[0-9]*: Flags \[F" "$1.txt" |
	      head -n 1 | cut -d: -f1)
	test -n "$fin" &&
	tail -n "+$fin" "$1.txt" |
		grep -q "198\.18\.0\.1\.[0-9]* > 198\.18\.0\.2\.3306: Flags \[P\.\].*length [1-9]"
}

if command -v tcpdump > /dev/null 2>&1; then
	test_expect_success 'a KILL scenario.s capture shows the server.s FIN, then the client.s query' '
		"$GONEAWAY" run --color never -o res "$KILL" > run.out 2>&1 &&
		test -s res/kill-idle/capture.pcap &&
		fin_then_query res/kill-idle/capture.pcap
	'
	test_expect_success '... the same with a driver (pymysql)' '
		"$GONEAWAY" run --color never -o respy --client pymysql "$KILL" \
			> runpy.out 2>&1 &&
		fin_then_query respy/kill-idle/capture.pcap
	'
	if test -x "$roots/mysql-9.7/usr/sbin/mysqld"; then
		test_expect_success '... and against mysql-9.7 (a root)' '
			"$GONEAWAY" run --color never -o resmy --server mysql-9.7 \
				"$KILL" > runmy.out 2>&1 &&
			fin_then_query resmy/kill-idle/capture.pcap
		'
	else
		test_skip '... and against mysql-9.7' "no root in $roots/mysql-9.7"
	fi
else
	test_skip 'a KILL scenario.s capture shows the FIN' 'no tcpdump (make deps-check)'
fi

test_expect_success 'the folder: report.txt with versions, command, date, steps and threads' '
	test -f res/kill-idle/capture.pcap || "$GONEAWAY" run --color never \
		-o res "$KILL" > run.out 2>&1;
	r=res/kill-idle/report.txt && cat "$r" &&
	grep -q "^goneaway case: kill-idle PASS$" "$r" &&
	grep -q "^date:     20[0-9-]*T[0-9:]*Z$" "$r" &&
	grep -q "^command:  goneaway run --color never -o res .*kill-idle.gw$" "$r" &&
	# the version of the build, as --version has it (0.5.0, or 0.5.0+N.gSHA
	# between releases)
	v=$("$GONEAWAY" --version | sed -n "s/^goneaway \([^ ]*\) (client library .*)$/\1/p") &&
	test -n "$v" && grep -qxF "goneaway: $v" "$r" &&
	grep -q "^kernel:   Linux $(uname -r) " "$r" &&
	grep -q "^server:   mariadb 10\.[0-9.]*-MariaDB.* (local)$" "$r" &&
	grep -q "^client:   builtin (MariaDB Connector/C [0-9.]*), --client builtin$" "$r" &&
	grep -q "^capture:  capture.pcap: [0-9]* packets" "$r" &&
	grep -q "^line $KQ1: query app SELECT 1$" "$r" &&
	grep -q "^    line $KQ2: query app: mysql_real_query: returned 2013 (CR_SERVER_LOST) .* \[thread [0-9]* -> [0-9]*\]" "$r" &&
	# the folder by its own name, not the path of its writer (issue 24)
	grep -q "^replay:   goneaway replay kill-idle (this folder, from the directory that holds it)$" "$r"
'

test_expect_success '... its own results.jsonl (goneaway report reads the folder) and a my.cnf without gone paths' '
	"$GONEAWAY" report --color never res/kill-idle > rep.out 2>&1 &&
	grep -q "1 PASS, 0 FAIL" rep.out &&
	grep -q "\"text\":\"SELECT 1\"" res/kill-idle/results.jsonl &&
	grep -q "\"spec\":\"builtin\"" res/kill-idle/results.jsonl &&
	grep -q "^datadir=@PRIVATE@/data$" res/kill-idle/my.cnf &&
	! grep -v "^#" res/kill-idle/my.cnf | grep -q "goneaway-run-"
'

# kill-idle with its first query after the KILL expecting another code:
# a FAIL at that line, the steps after it never reached
test_expect_success 'a FAIL folder names the steps never reached' '
	sed "s/^    expect CR_SERVER_LOST within 3s$/    expect CR_SERVER_GONE_ERROR within 3s/" \
		"$KILL" > kill-idle.gw &&
	! cmp -s "$KILL" kill-idle.gw &&
	"$GONEAWAY" run --color never -o resf kill-idle.gw > runf.out 2>&1;
	test $? -eq 1 && cat resf/kill-idle/report.txt &&
	grep -q "^goneaway case: kill-idle FAIL$" resf/kill-idle/report.txt &&
	grep -A1 "^line $KQ3: query app SELECT 1$" resf/kill-idle/report.txt |
		grep -q "^    never reached: the case ended FAIL at line $KQ2$"
'

test_expect_success 'replay of a PASS folder PASSes: the same outcome, exit 0' '
	"$GONEAWAY" replay --color never -o rp res/kill-idle > rp.out 2>&1;
	rc=$?; cat rp.out; test "$rc" -eq 0 &&
	grep -q "^replay: the same outcome: PASS, every step as in the report$" rp.out &&
	test -s rp/kill-idle/steps.log
'

test_expect_success 'replay says when the server.s configuration is not the report.s' '
	mkdir -p cnfcase && cp res/kill-idle/* cnfcase/ &&
	sed -i "s/^max_connections=.*/max_connections=7/" cnfcase/my.cnf &&
	"$GONEAWAY" replay --color never -o rc cnfcase > rc.out 2>&1;
	rc=$?; cat rc.out; test "$rc" -eq 0 &&
	grep -q "^  note: the server.s configuration is not the report.s (my.cnf): .max_connections=7. in the report, .max_connections=[0-9]*. now$" rc.out
'

test_expect_success 'replay of a FAIL folder reproduces its mismatch' '
	"$GONEAWAY" replay --color never -o rf resf/kill-idle > rf.out 2>&1;
	rc=$?; cat rf.out; test "$rc" -eq 0 &&
	grep -q "kill-idle.gw:$KQ2: query app: returned 2013 (CR_SERVER_LOST)" rf.out &&
	grep -q "^replay: the same outcome: FAIL at line $KQ2, every step as in the report$" rf.out &&
	grep -q "^replay: .*/kill-idle.gw in the lines above is a copy removed with the replay: the case.s resf/kill-idle/scenario.gw$" rf.out
'

test_expect_success 'replay with another client: a different outcome, each step named, exit 1' '
	"$GONEAWAY" replay --color never -o ro --client pymysql res/kill-idle \
		> ro.out 2>&1; rc=$?; cat ro.out; test "$rc" -eq 1 &&
	grep -q "^  line $KQ3: was 2006 (CR_SERVER_GONE_ERROR) in the report, now InterfaceError$" ro.out &&
	grep -q "^  note: the client is PyMySQL" ro.out &&
	grep -q "^replay: a different outcome" ro.out
'

test_expect_success 'a driver case replays from its folder (the client as it was started)' '
	"$GONEAWAY" replay --color never -o rpy respy/kill-idle > rpy.out 2>&1;
	rc=$?; cat rpy.out; test "$rc" -eq 0 &&
	grep -q "^replay: the same outcome: PASS" rpy.out
'

if test -x "$roots/mysql-9.7/usr/sbin/mysqld"; then
	test_expect_success 'a case on mysql-9.7 replays there' '
		test -d resmy/kill-idle || "$GONEAWAY" run --color never -o resmy \
			--server mysql-9.7 "$KILL" > runmy.out 2>&1;
		"$GONEAWAY" replay --color never -o rmy resmy/kill-idle > rmy.out 2>&1;
		rc=$?; cat rmy.out; test "$rc" -eq 0 &&
		grep -q "^replay: the same outcome: PASS" rmy.out &&
		grep -q "^server: mysql 9\.7" rmy/kill-idle/steps.log
	'
else
	test_skip 'a case on mysql-9.7 replays there' "no root in $roots/mysql-9.7"
fi

test_expect_success 'replay --bundle packs a folder as one .tar.gz; replay reruns the bundle' '
	"$GONEAWAY" replay --bundle -o fail.tar.gz resf/kill-idle > b.out 2>&1;
	rc=$?; cat b.out; test "$rc" -eq 0 &&
	tar tzf fail.tar.gz > members && cat members &&
	grep -qx "kill-idle/results.jsonl" members &&
	grep -qx "kill-idle/capture.pcap" members &&
	grep -qx "kill-idle/report.txt" members &&
	grep -qx "kill-idle/SHA256SUMS" members &&
	"$GONEAWAY" replay --color never -o rb fail.tar.gz > rb.out 2>&1;
	rc=$?; cat rb.out; test "$rc" -eq 0 &&
	grep -q "^replay: the same outcome: FAIL at line $KQ2" rb.out &&
	! ls "${TMPDIR:-/tmp}" | grep -q "^goneaway-run-"
'

test_expect_success 'untrusted folders and bundles: refused with a clear error, exit 2' '
	mkdir -p evil && cp res/kill-idle/scenario.gw evil/ &&
	ln -s /etc/passwd evil/results.jsonl &&
	"$GONEAWAY" replay evil > e1.out 2>&1; rc=$?; cat e1.out;
	test "$rc" -eq 2 &&
	grep -q "evil/results.jsonl: not a regular file" e1.out &&
	"$GONEAWAY" run --color never --no-capture -o two "$KILL" \
		"$TOP/scenarios/kill-running.gw" > two.out 2>&1 &&
	"$GONEAWAY" replay two > e2.out 2>&1; rc=$?; cat e2.out;
	test "$rc" -eq 2 &&
	grep -q "holds 2 cases: give one case.s folder" e2.out &&
	mkdir -p empty && "$GONEAWAY" replay empty > e3.out 2>&1; rc=$?;
	cat e3.out; test "$rc" -eq 2 &&
	grep -q "not a case.s folder" e3.out &&
	echo "not gzip at all" > junk.tar.gz &&
	"$GONEAWAY" replay junk.tar.gz > e4.out 2>&1; rc=$?; cat e4.out;
	test "$rc" -eq 2 &&
	python3 -c "
import io, tarfile
def tgz(name, members):
    with tarfile.open(name, \"w:gz\", format=tarfile.USTAR_FORMAT) as t:
        for m, data, kind in members:
            ti = tarfile.TarInfo(m)
            if kind == \"sym\":
                ti.type = tarfile.SYMTYPE; ti.linkname = \"/etc\"
                t.addfile(ti)
            else:
                ti.size = len(data); t.addfile(ti, io.BytesIO(data))
tgz(\"climb.tar.gz\", [(\"k/../../escaped\", b\"x\", \"f\")])
tgz(\"link.tar.gz\", [(\"k/results.jsonl\", b\"\", \"sym\")])
tgz(\"abs.tar.gz\", [(\"/tmp/escaped\", b\"x\", \"f\")])
" &&
	for b in climb link abs; do
		"$GONEAWAY" replay $b.tar.gz > $b.out 2>&1; rc=$?; cat $b.out;
		test "$rc" -eq 2 || return 1
	done &&
	grep -q "a name that is not plain" climb.out &&
	mkdir -p cmdcase && cp respy/kill-idle/* cmdcase/ &&
	sed -i "s|\"spec\":\"pymysql\"|\"spec\":\"cmd:touch $SCRATCH/ran\"|" \
		cmdcase/results.jsonl &&
	(cd cmdcase && sha256sum scenario.gw results.jsonl > SHA256SUMS) &&
	"$GONEAWAY" replay cmdcase > e5.out 2>&1; rc=$?; cat e5.out;
	test "$rc" -eq 2 && test ! -e "$SCRATCH/ran" &&
	grep -q "started as .cmd:touch .*, a command: give --client" e5.out &&
	mkdir -p rootcase && cp res/kill-idle/* rootcase/ &&
	sed -i "s|\"server\":{\"name\":\"local\"|\"server\":{\"name\":\"rootfs:/tmp/x\"|" \
		rootcase/results.jsonl &&
	(cd rootcase && sha256sum scenario.gw results.jsonl > SHA256SUMS) &&
	"$GONEAWAY" replay rootcase > e6.out 2>&1; rc=$?; cat e6.out;
	test "$rc" -eq 2 && grep -q "a directory: give --server" e6.out &&
	grep -q "neither a regular file nor a directory" link.out &&
	test ! -e ../escaped && test ! -e "${TMPDIR:-/tmp}/escaped"
'

test_expect_success '--no-capture keeps none; --capture-limit bounds the file, cutting packets to their headers' '
	"$GONEAWAY" run --color never -o nocap --no-capture "$KILL" \
		> nc.out 2>&1; rc=$?; cat nc.out; test "$rc" -eq 0 &&
	test ! -e nocap/kill-idle/capture.pcap &&
	! grep -q "^capture:" nocap/kill-idle/report.txt &&
	printf "%s\n" "title a large result" "cause c" "connection app" \
		"connect app" "query app SELECT REPEAT(\"x\", 300000)" > big.gw &&
	"$GONEAWAY" run --color never -o smallcap --capture-limit 16KiB \
		big.gw > sc.out 2>&1; rc=$?; cat sc.out; test "$rc" -eq 0 &&
	r=smallcap/big/report.txt && grep "^capture:" $r &&
	grep -q "^capture:  capture.pcap: [0-9]* packets, [0-9]* KiB; [0-9]* cut to their headers past the limit" $r &&
	test "$(stat -c %s smallcap/big/capture.pcap)" -le 32768 &&
	if command -v tcpdump > /dev/null 2>&1; then
		tcpdump -nn -r smallcap/big/capture.pcap > small.txt 2>&1 &&
		grep -q "198.18.0.2.3306 > 198.18.0.1" small.txt
	fi
'

test_expect_success 'the runs left no namespace, veth, table, process or temp dir' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
