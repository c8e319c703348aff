#!/bin/sh
# t0047-reconnect-identity: issue 18, "a verdict that lies".  Thread ids
# count from each start of the server, so a restarted (or crashed and
# started again) server hands a reconnecting client the id its first
# session had: 'expect ok reconnected' FAILed with "succeeded on the same
# server thread 4" although the session variables were gone, and
# 'same-thread' PASSed across the restart.  A session is now its thread
# id together with the server start it was seen in.  Every scenario here
# first checks that the ids really did repeat (the step's thread_before
# and thread_after in results.jsonl are one number), or it proves
# nothing; and every run below FAILed or PASSed the other way before.
# So each scenario says "server fresh": its ids count from its server's
# start alone, with no case before it on that server and no check of a
# server kept for the next case (the check's sessions take ids first).
#
# Clients: the built-in one (Connector/C 3.3), mysqlclient (MySQLdb on
# Connector/C) and DBD::MariaDB (mariadb_auto_reconnect) reconnect inside
# a query; libmariadb 3.4 (the C driver in the mariadb-11.8 root, against
# that server) too; PyMySQL only inside ping(reconnect=True): its query
# after the restart gets 2013, and the ping reconnects.
. "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/integration/data"
leftover_snapshot > "$SCRATCH/before"

# run NAME CLIENT SERVER FILE...: the files with -v, output in NAME.out,
# evidence and results.jsonl in res-NAME; the exit status in NAME.rc
run() {
	name=$1 client=$2 server=$3
	shift 3
	"$GONEAWAY" run -v --color never -o "$SCRATCH/res-$name" \
		--client "$client" --server "$server" "$@" > "$name.out" 2>&1
	echo $? > "$name.rc"
	cat "$name.out"
}

# step NAME LABEL LINE: "thread_before thread_after start_before
# start_after" of that step in res-NAME/results.jsonl
step() {
	python3 - "$SCRATCH/res-$1/results.jsonl" "$2" "$3" <<'EOF'
import json, sys
path, label, line = sys.argv[1], sys.argv[2], int(sys.argv[3])
for l in open(path, encoding="utf-8"):
    j = json.loads(l)
    if j["type"] == "step" and j["scenario"] == label and j["line"] == line:
        print(j["thread_before"], j["thread_after"], j["start_before"],
              j["start_after"])
        break
else:
    sys.exit("no step %s:%d in %s" % (label, line, path))
EOF
}

# new_session NAME LABEL LINE: the step reconnected to the thread id the
# connection had before (one number, not 0), of the next server start,
# and its -v line says so; prints the id
new_session() {
	set -- "$1" "$2" "$3" "$(step "$1" "$2" "$3")" &&
	echo "$2:$3: $4" &&
	echo "$4" | {
		read -r tb ta sb sa &&
		test "$tb" -ne 0 && test "$tb" -eq "$ta" &&
		test "$sa" -eq $((sb + 1)) &&
		grep -q "^      line $3: .*succeeded.* \[thread $tb -> $ta, server restarted\]\$" "$1.out"
	}
}

# same_session NAME LABEL LINE: the step stayed on its session (one id,
# one start) and its -v line shows the id without a restart
same_session() {
	set -- "$1" "$2" "$3" "$(step "$1" "$2" "$3")" &&
	echo "$2:$3: $4" &&
	echo "$4" | {
		read -r tb ta sb sa &&
		test "$tb" -ne 0 && test "$tb" -eq "$ta" && test "$sb" -eq "$sa" &&
		grep -q "^      line $3: .*succeeded.* \[thread $tb -> $ta\]\$" "$1.out"
	}
}

# in_query CLIENT [SERVER]: a client that reconnects inside a query
in_query() {
	server=${2:-local}
	test_expect_success "$1: a query that reconnects after a restart or a crash and start is a new session on the old thread id" "
		run $1 $1 $server '$DATA/reconnect-restart.gw' \
			'$DATA/reconnect-crash.gw' '$DATA/reconnect-restart-ping.gw' \
			'$DATA/reconnect-reap-restart.gw' &&
		test \$(cat $1.rc) -eq 0 &&
		test \$(grep -c '^\[[1-4]/4\] reconnect-[a-z-]* *PASS' $1.out) -eq 4 &&
		new_session $1 reconnect-restart 18 &&
		same_session $1 reconnect-restart 20 &&
		new_session $1 reconnect-crash 20 &&
		same_session $1 reconnect-crash 22 &&
		new_session $1 reconnect-restart-ping 13 &&
		same_session $1 reconnect-restart-ping 15 &&
		same_session $1 reconnect-reap-restart 15
	"
	test_expect_success "$1: same-thread across a restart FAILs: the same id, a new session" "
		run $1-same $1 $server '$DATA/reconnect-restart-same.gw';
		test \$(cat $1-same.rc) -eq 1 &&
		new_session $1-same reconnect-restart-same 13 &&
		tid=\$(step $1-same reconnect-restart-same 13 | cut -d' ' -f1) &&
		grep -q \"reconnect-restart-same.gw:13: query app: succeeded on server thread \$tid of a new server start: a new session, when expecting the same one (expect line 14\" $1-same.out
	"
}

# missing CLIENT: why CLIENT cannot run here (as t0097 tells), or fails
roots=${GA_ROOTS:-/var/cache/goneaway/roots}
missing() {
	case $1 in
	mysqlclient) /usr/bin/python3 -c "import MySQLdb" 2>/dev/null ||
		echo "no python3-mysqldb (drivers/install-deps.sh mysqlclient)" ;;
	perl) perl -MDBD::MariaDB -e 1 2>/dev/null ||
		echo "no libdbd-mariadb-perl (drivers/install-deps.sh perl)" ;;
	pymysql) /usr/bin/python3 -c "import pymysql" 2>/dev/null ||
		echo "no python3-pymysql" ;;
	libmariadb-3.4)
		test -x "$roots/mariadb-11.8/usr/sbin/mariadbd" &&
		test -x "$(dirname "$roots")/drivers/c-mariadb-11.8/gw-c-driver" ||
		echo "no mariadb-11.8 root or libmariadb-3.4 driver (make roots)" ;;
	esac | grep .
}

in_query builtin
for c in mysqlclient perl libmariadb-3.4; do
	server=local
	test "$c" = libmariadb-3.4 && server=mariadb-11.8
	if why=$(missing $c); then
		test_skip "$c: reconnects after a restart or a crash and start" "$why"
	else
		in_query $c $server
	fi
done

# PyMySQL's failed query still reports the lost session's id: that id
# stays with the first start, so the ping's reconnect to the same number
# is a new session (dated by the current start, the 2013 would make the
# ping look like the same session again)
if why=$(missing pymysql); then
	test_skip "pymysql: a ping that reconnects after a failed query" "$why"
else
test_expect_success 'pymysql: a ping that reconnects after a failed query is a new session on the old thread id' '
	run pymysql pymysql local "$DATA/reconnect-lost-ping.gw" \
		"$DATA/reconnect-restart-ping.gw" "$DATA/reconnect-reap-restart.gw" &&
	test $(cat pymysql.rc) -eq 0 &&
	test $(grep -c "^\[[1-3]/3\] reconnect-[a-z-]* *PASS" pymysql.out) -eq 3 &&
	grep -q "^      line 16: query app: .*returned 2013 (CR_SERVER_LOST).* \[thread \([0-9]*\) -> \1\]\$" pymysql.out &&
	step pymysql reconnect-lost-ping 16 | { read -r tb ta sb sa &&
		test "$tb" -eq "$ta" && test "$sb" -eq 1 && test "$sa" -eq 1; } &&
	new_session pymysql reconnect-lost-ping 18 &&
	same_session pymysql reconnect-lost-ping 20 &&
	new_session pymysql reconnect-restart-ping 13 &&
	same_session pymysql reconnect-restart-ping 15 &&
	same_session pymysql reconnect-reap-restart 15
'
fi

test_expect_success 'steps.log shows the thread ids and the restart' '
	log="$SCRATCH/res-builtin/reconnect-restart/steps.log" && cat "$log" &&
	tid=$(step builtin reconnect-restart 18 | cut -d" " -f1) &&
	grep -q "^line 13: connect app: .* \[thread $tid\]; expected success: matched\$" "$log" &&
	grep -q "^line 18: query app: .* \[thread $tid -> $tid, server restarted\]; expected .* on a new server thread .*: matched\$" "$log" &&
	grep -q "^line 20: query app: .* \[thread $tid -> $tid\]; expected .*: matched\$" "$log" &&
	! grep -q "^line 17: server restart: .*\[thread" "$log"
'

test_expect_success 'report reads the starts back; a results.jsonl without them is one start' '
	"$GONEAWAY" report -v --color never res-builtin > report.out 2>&1 &&
	cat report.out &&
	# the step lines, without the times (rounded from the JSON anew)
	grep "^      line " builtin.out | sed "s/ after [0-9]* ms/ after N ms/" |
		sort > run-lines &&
	grep "^      line " report.out | sed "s/ after [0-9]* ms/ after N ms/" |
		sort > report-lines &&
	diff run-lines report-lines &&
	python3 - res-builtin/results.jsonl > old.jsonl <<-\EOF &&
	import json, sys
	for l in open(sys.argv[1], encoding="utf-8"):
	    j = json.loads(l)
	    assert j["type"] != "step" or ("start_before" in j and "start_after" in j)
	    j.pop("start_before", None)
	    j.pop("start_after", None)
	    print(json.dumps(j, ensure_ascii=False, separators=(",", ":")))
	EOF
	"$GONEAWAY" report -v --color never old.jsonl > old.out 2>&1 &&
	cat old.out &&
	grep -q "^      line 18: query app: .* \[thread \([0-9]*\) -> \1\]\$" old.out &&
	! grep -q "server restarted" old.out
'

test_expect_success 'nothing is left behind' '
	leftover_snapshot > "$SCRATCH/after" &&
	new_leftovers "$SCRATCH/before" "$SCRATCH/after"
'

test_done
