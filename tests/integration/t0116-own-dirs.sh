#!/bin/sh
# t0116-own-dirs: goneaway removes only what it made (issue 26).  Every
# case folder and recorded/ directory goneaway makes under -o carries a
# mark (.goneaway, first line fixed); a directory of that name without
# it - the user's own folder, a symlink, a file - is an error naming it,
# exit 2, before anything runs, and nothing is removed.  The attacks of
# the issue: "run --record -o ." with a scenario labelled "victim" next
# to ./victim/notes.txt and ./recorded/mine.gw, and "replay -o DIR" of a
# folder and of a bundle whose scenario is named after a folder of DIR.
# And the cache is goneaway's alone (issue 34): one that another user
# can write, or that would be made where another user can write, is
# refused (--cache, XDG_CACHE_HOME, a sudo -E user's home); a build
# evicts only the templates that carry the mark; its lock is made 0600
# and never opened through a symlink.
#
# The sources it holds: harness/plan/owned_dirs.c.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"
DATA="$TOP/tests/integration/data/own-dirs"
MARK="goneaway made this directory and may remove it"

# user_files DIR: the user's own folders under DIR, as the issue had them
user_files() {
	mkdir -p "$1/victim" "$1/recorded" &&
	echo "my notes" > "$1/victim/notes.txt" &&
	echo "my scenario" > "$1/recorded/mine.gw"
}

# intact DIR: the user's files are all there, as they were
intact() {
	test "$(cat "$1/victim/notes.txt")" = "my notes" &&
	test "$(cat "$1/recorded/mine.gw")" = "my scenario"
}

test_expect_success 'run --record -o . next to the user.s victim/ and recorded/: exit 2, both named, nothing removed' '
	mkdir here && user_files here && cp "$DATA/victim.gw" here/ &&
	(cd here && "$GONEAWAY" run --color never --record -o . victim.gw) \
		> here.out 2>&1; rc=$?; cat here.out;
	test "$rc" -eq 2 && intact here &&
	grep -q "^goneaway: -o \.: \./victim: a directory, not a directory goneaway made (no \.goneaway mark in it): left as it is" here.out &&
	grep -q "^goneaway: --record: \./recorded: a directory, not a directory goneaway made" here.out &&
	test ! -e here/results.jsonl && test ! -e here/record.patch
'

test_expect_success 'a run into an empty -o marks every folder it makes; a second run replaces its own' '
	"$GONEAWAY" run --color never --record -o own "$DATA/victim.gw" \
		> own1.out 2>&1; rc=$?; cat own1.out; test "$rc" -eq 0 &&
	test "$(head -n 1 own/victim/.goneaway)" = "$MARK" &&
	test "$(head -n 1 own/recorded/.goneaway)" = "$MARK" &&
	test -s own/recorded/victim.gw &&
	echo stale > own/victim/stale.txt &&
	"$GONEAWAY" run --color never --record -o own "$DATA/victim.gw" \
		> own2.out 2>&1; rc=$?; cat own2.out; test "$rc" -eq 0 &&
	test ! -e own/victim/stale.txt && test -s own/victim/steps.log &&
	test "$(head -n 1 own/victim/.goneaway)" = "$MARK"
'

test_expect_success 'a folder whose mark was removed (or is not the mark) is the user.s: refused' '
	rm own/victim/.goneaway &&
	"$GONEAWAY" run --color never -o own "$DATA/victim.gw" > nomark.out 2>&1;
	rc=$?; cat nomark.out; test "$rc" -eq 2 && test -s own/victim/steps.log &&
	grep -q "own/victim: a directory, not a directory goneaway made" nomark.out &&
	echo "goneaway made this directory" > own/victim/.goneaway &&
	"$GONEAWAY" run --color never -o own "$DATA/victim.gw" > badmark.out 2>&1;
	test $? -eq 2 && test -s own/victim/steps.log &&
	ln -s /etc/hostname own/victim/.goneaway.tmp &&
	rm own/victim/.goneaway && mv own/victim/.goneaway.tmp own/victim/.goneaway &&
	"$GONEAWAY" run --color never -o own "$DATA/victim.gw" > linkmark.out 2>&1;
	test $? -eq 2 && test -s own/victim/steps.log
'

test_expect_success 'a symlink or a file named as the case folder: refused, neither it nor its target touched' '
	mkdir -p lnk target && echo keep > target/keep.txt &&
	ln -s ../target lnk/victim &&
	"$GONEAWAY" run --color never -o lnk "$DATA/victim.gw" > lnk.out 2>&1;
	rc=$?; cat lnk.out; test "$rc" -eq 2 &&
	test -L lnk/victim && test "$(cat target/keep.txt)" = keep &&
	grep -q "lnk/victim: a symbolic link, not a directory goneaway made" lnk.out &&
	mkdir -p fil && echo mine > fil/victim &&
	"$GONEAWAY" run --color never -o fil "$DATA/victim.gw" > fil.out 2>&1;
	rc=$?; cat fil.out; test "$rc" -eq 2 &&
	test "$(cat fil/victim)" = mine &&
	grep -q "fil/victim: a file, not a directory goneaway made" fil.out
'

test_expect_success 'a repeated scenario: its folder and each run-N folder marked; the user.s folder refused' '
	"$GONEAWAY" run --color never -o rep "$DATA/victim-repeat.gw" \
		> rep.out 2>&1; rc=$?; cat rep.out; test "$rc" -eq 0 &&
	test "$(head -n 1 rep/victim-repeat/.goneaway)" = "$MARK" &&
	test "$(head -n 1 rep/victim-repeat/run-1/.goneaway)" = "$MARK" &&
	test "$(head -n 1 rep/victim-repeat/run-2/.goneaway)" = "$MARK" &&
	mkdir -p rep2/victim-repeat/run-1 && echo mine > rep2/victim-repeat/run-1/notes.txt &&
	"$GONEAWAY" run --color never -o rep2 "$DATA/victim-repeat.gw" \
		> rep2.out 2>&1; rc=$?; cat rep2.out; test "$rc" -eq 2 &&
	test "$(cat rep2/victim-repeat/run-1/notes.txt)" = mine
'

test_expect_success 'replay -o DIR of a folder named as a folder of DIR: exit 2, DIR.s folder kept' '
	"$GONEAWAY" run --color never -o cases "$DATA/victim-repeat.gw" \
		"$TOP/scenarios/kill-idle.gw" > cases.out 2>&1;
	mkdir -p rdir/kill-idle && echo "my notes" > rdir/kill-idle/notes.txt &&
	"$GONEAWAY" replay --color never -o rdir cases/kill-idle > rdir.out 2>&1;
	rc=$?; cat rdir.out; test "$rc" -eq 2 &&
	test "$(cat rdir/kill-idle/notes.txt)" = "my notes" &&
	grep -q "rdir/kill-idle: a directory, not a directory goneaway made" rdir.out
'

test_expect_success '... and of a bundle; a replay into a DIR of its own replaces only its own folder' '
	"$GONEAWAY" replay --bundle -o ki.tar.gz cases/kill-idle > b.out 2>&1 &&
	"$GONEAWAY" replay --color never -o rdir ki.tar.gz > rb.out 2>&1;
	rc=$?; cat rb.out; test "$rc" -eq 2 &&
	test "$(cat rdir/kill-idle/notes.txt)" = "my notes" &&
	"$GONEAWAY" replay --color never -o rown ki.tar.gz > rown1.out 2>&1 &&
	"$GONEAWAY" replay --color never -o rown ki.tar.gz > rown2.out 2>&1;
	rc=$?; cat rown2.out; test "$rc" -eq 0 &&
	test "$(head -n 1 rown/kill-idle/.goneaway)" = "$MARK"
'

T="$TOP/tests/bench/trivial/trivial-01.gw"
GIVE="give --cache a directory that only you and root can write"

# refused OUT: the run whose output is OUT was refused before anything ran
refused() {
	cat "$1" && grep -q "$GIVE" "$1" && ! grep -q "PASS" "$1"
}

test_expect_success 'a cache other users can write is refused, by its path, with what to do' '
	mkdir ww && chmod 0777 ww &&
	{ "$GONEAWAY" run --color never --no-results --cache ww "$T" > w.out 2>&1;
	  test $? -eq 2; } && refused w.out &&
	grep -q "^goneaway: the cache ww: refusing ww: writable by other users (chmod go-w " w.out &&
	mkdir -p open/inner && chmod 0777 open &&
	{ "$GONEAWAY" run --color never --no-results --cache open/inner/c "$T" \
		> o.out 2>&1; test $? -eq 2; } && refused o.out &&
	grep -q "^goneaway: the cache open/inner/c (not there yet: goneaway would make it in open/inner): refusing open/inner: .*/open is writable by other users" o.out &&
	test ! -e open/inner/c
'

test_expect_success 'so is XDG_CACHE_HOME and a home (sudo -E) another user can write or owns' '
	{ XDG_CACHE_HOME="$SCRATCH/ww" "$GONEAWAY" run --color never \
		--no-results "$T" > x.out 2>&1; test $? -eq 2; } && refused x.out &&
	grep -q "^goneaway: the cache $SCRATCH/ww/goneaway (not there yet: goneaway would make it in $SCRATCH/ww): refusing $SCRATCH/ww: .*writable by other users" x.out &&
	mkdir theirs && chown 12345 theirs &&
	{ env -u XDG_CACHE_HOME HOME="$SCRATCH/theirs" "$GONEAWAY" run \
		--color never --no-results "$T" > h.out 2>&1; test $? -eq 2; } &&
	refused h.out &&
	grep -q "^goneaway: the cache $SCRATCH/theirs/.cache/goneaway (not there yet: goneaway would make it in $SCRATCH/theirs): refusing $SCRATCH/theirs: .*belongs to uid 12345" h.out &&
	test ! -e theirs/.cache
'

test_expect_success 'a cache made in a sticky directory (as /tmp is) is goneaway.s own' '
	mkdir sticky && chmod 1777 sticky &&
	XDG_CACHE_HOME="$SCRATCH/sticky" "$GONEAWAY" run --color never \
		--no-results "$T" > s.out 2>&1; rc=$?; cat s.out; test $rc -eq 0 &&
	test "$(stat -c %U:%a sticky/goneaway)" = root:755
'

test_expect_success 'the template build lock is never opened through a symlink: the cache is refused' '
	mkdir lcache && ln -s "$SCRATCH/planted" lcache/template.lock &&
	"$GONEAWAY" run --color never --no-results --cache lcache "$T" \
		> l.out 2>&1; rc=$?; cat l.out; test $rc -eq 2 &&
	grep -q "^goneaway: the cache lcache: refusing .*/lcache/template.lock: a symbolic link" l.out &&
	test ! -e planted
'

test_expect_success 'a build evicts only the templates that carry the mark; locks and slots are 0600' '
	mkdir -p ecache/template-0123456789abcdef ecache/template-fedcba9876543210 \
		ecache/building-Xy12Ab &&
	echo mine > ecache/template-0123456789abcdef/precious &&
	printf "%s\n" "$MARK" > ecache/template-fedcba9876543210/.goneaway &&
	"$GONEAWAY" run --color never --no-results --cache ecache "$T" \
		> e.out 2>&1; rc=$?; cat e.out; test $rc -eq 0 &&
	ls -la ecache &&
	test "$(cat ecache/template-0123456789abcdef/precious)" = mine &&
	test -d ecache/building-Xy12Ab &&
	test ! -e ecache/template-fedcba9876543210 &&
	new=$(ls -d ecache/template-* | grep -v 0123456789abcdef) &&
	test "$(head -n 1 "$new/.goneaway")" = "$MARK" &&
	test "$(stat -c %a ecache/template.lock)" = 600 &&
	test "$(stat -c %a ecache/tls.lock)" = 600 &&
	test "$(stat -c %a ecache/starts/queue)" = 600 &&
	for f in ecache/starts/slot-*; do test "$(stat -c %a "$f")" = 600 || exit 1; done
'

# The drivers' build copies (harness/client/cache.c): a run makes its
# copy (CACHE/drivers-building-X) and takes the copy's lock under the
# cache's drivers-building.lock, and looks for stale copies (no lock
# held) under it too.  A run started beside one between its mkdtemp and
# its lock waits, and leaves that copy alone: the holder here is that
# run (the lock held, a copy made, no lock of its own yet); the second
# run must be seen waiting on the lock (/proc/locks) with the copy still
# there, and once the holder has taken the copy's lock and let go, must
# leave the copy to it.  The run's client is a driver process (pymysql:
# its probe builds; the C client builds nothing).  Before 73a5017 the
# second run removed the copy at once, without waiting.
hold_build() {
	python3 -c '
import fcntl, os, sys, time
top, copy = sys.argv[1], sys.argv[2]
def wait(f):
    for _ in range(3000):
        if os.path.exists(f):
            return
        time.sleep(0.1)
os.makedirs(top, 0o700, exist_ok=True)
t = os.open(top + "/drivers-building.lock", os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(t, fcntl.LOCK_EX)
os.mkdir(copy, 0o711)
open(copy + "/precious", "w").write("mine\n")
open("b-held", "w").close()
wait("b-go")
try:    # what make_work does next: the copy.s lock, then top.s let go
    l = os.open(copy + "/.lock", os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    fcntl.flock(l, fcntl.LOCK_EX)
finally:
    os.close(t)
    open("b-copy-locked", "w").close()
wait("b-done")
' "$@"
}

test_expect_success 'a run beside another.s build copy, not yet locked, waits on the cache.s lock and leaves the copy alone' '
	copy=bcache/drivers-building-T0116x;
	hold_build bcache $copy & hpid=$!;
	for i in $(seq 600); do test -e b-held && break; sleep 0.1; done;
	ino=$(stat -c %i bcache/drivers-building.lock);
	"$GONEAWAY" run --color never --no-results --cache bcache --client pymysql "$T" \
		> b.out 2>&1 & rpid=$!;
	waited=;
	for i in $(seq 1200); do
		grep -q -- "-> FLOCK .*:$ino " /proc/locks && { waited=1; break; }
		kill -0 $rpid 2>/dev/null || break; sleep 0.1
	done;
	ls -la bcache $copy; say "the run waited on the lock: ${waited:-no}";
	test -f $copy/precious; kept=$?;
	touch b-go; for i in $(seq 600); do test -e b-copy-locked && break; sleep 0.1; done;
	wait $rpid; rc=$?; cat b.out;
	test -f $copy/precious; after=$?;
	touch b-done; wait $hpid; rm -rf $copy;
	say "the copy there while it waited: $kept (0: yes), after the run: $after; the run: exit $rc";
	test -n "$waited" && test $kept -eq 0 && test $after -eq 0 && test $rc -eq 0
'

test_expect_success 'the runs left no namespace, veth, table, process or temp dir' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
