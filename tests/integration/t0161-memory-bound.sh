#!/bin/sh
# t0161-memory-bound: a run's memory is bounded (issue 34).  The run
# directory's tmpfs has a size (lab/memfs.h): 1 GiB for a run, 512 MiB
# for a replay, --memfs-size to change it; a case that fills it is
# ERROR naming the bound and how to raise it - not a FAIL, not a hang,
# not a PASS - and the run goes on with the next case.  So is the same
# case from a genuine bundle, replayed.  A server that would wait for
# room for ever (MyISAM) is ended.  Files count as well as bytes (an
# empty file costs an inode).  GONEAWAY_RUN_ON_DISK=1 runs on disk,
# bounded by its file system only.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"
DATA="$TOP/tests/integration/data"
T="$TOP/tests/bench/trivial"
BOUND="the run directory.s memory is full: [0-9]* MiB of its bound of 128 MiB were in use"
RAISE="give goneaway run or replay a larger --memfs-size (e.g. --memfs-size 256MiB), or run on disk with GONEAWAY_RUN_ON_DISK=1"

test_expect_success 'a case that fills the run directory is ERROR naming the bound; the next case PASSes' '
	"$GONEAWAY" run -j 1 -v --color never --no-results --memfs-size 128MiB \
		"$DATA/fill-memory.gw" "$T/trivial-01.gw" > out 2>&1; rc=$?;
	cat out && test $rc -eq 3 &&
	grep -q "^\[1/2\] fill-memory  *ERROR" out &&
	grep -q "fill-memory.gw:[0-9]*: $BOUND" out &&
	grep -qF "$RAISE" out &&
	grep -q "server: fresh server: .*; in memory, at most 128 MiB$" out &&
	grep -q "^\[2/2\] trivial-01  *PASS" out
'

test_expect_success 'under the default bound the same case PASSes' '
	"$GONEAWAY" run -j 1 -v --color never -o res "$DATA/fill-memory.gw" \
		> out 2>&1; rc=$?; cat out && test $rc -eq 0 &&
	grep -q "^\[1/1\] fill-memory  *PASS" out &&
	grep -q "server: fresh server: .*; in memory, at most 1024 MiB$" out
'

test_expect_success 'the case, from a genuine bundle, replayed under a small bound: ERROR naming it' '
	"$GONEAWAY" replay --bundle -o fill.tar.gz res/fill-memory > b.out 2>&1 &&
	cat b.out &&
	"$GONEAWAY" replay --color never -v --memfs-size 128MiB fill.tar.gz \
		> r.out 2>&1; rc=$?; cat r.out && test $rc -eq 1 &&
	grep -q "fill-memory  *ERROR" r.out &&
	grep -q "$BOUND" r.out && grep -qF "$RAISE" r.out &&
	grep -q "verdict: PASS at line 0 in the report, now ERROR" r.out
'

test_expect_success 'a replay.s own bound is smaller: 512 MiB' '
	"$GONEAWAY" replay --color never -v fill.tar.gz > d.out 2>&1; rc=$?;
	cat d.out && test $rc -eq 0 &&
	grep -q "server: fresh server: .*; in memory, at most 512 MiB$" d.out
'

test_expect_success 'a server that waits for room for ever (MyISAM) is ended: ERROR in seconds, not a hang' '
	start=$(date +%s) &&
	"$GONEAWAY" run -j 1 --color never --no-results --memfs-size 128MiB \
		"$DATA/fill-memory-myisam.gw" > out 2>&1; rc=$?;
	took=$(( $(date +%s) - start )) && cat out && say "took $took s" &&
	test $rc -eq 3 && grep -q "fill-memory-myisam  *ERROR" out &&
	grep -q "$BOUND" out && grep -q "and the server was ended there" out &&
	test "$took" -lt 60
'

test_expect_success 'empty files count too: one per 8 KiB of the bound' '
	"$GONEAWAY" run -j 1 --color never --no-results --memfs-size 128MiB \
		"$DATA/fill-memory-files.gw" > out 2>&1; rc=$?; cat out &&
	test $rc -eq 3 && grep -q "fill-memory-files  *ERROR" out &&
	grep -q "the run directory.s memory is full: [0-9]* of the 16384 files its bound of 128 MiB holds were in use, past the 14336 from which a file may not be made" out &&
	grep -qF "$RAISE" out
'

test_expect_success 'GONEAWAY_RUN_ON_DISK=1: on disk, where --memfs-size plays no part' '
	GONEAWAY_RUN_ON_DISK=1 "$GONEAWAY" run -j 1 -v --color never \
		--no-results --memfs-size 128MiB "$DATA/fill-memory.gw" \
		> out 2>&1; rc=$?; cat out && test $rc -eq 0 &&
	grep -q "^\[1/1\] fill-memory  *PASS" out &&
	grep -q "server: fresh server: .*; on disk: GONEAWAY_RUN_ON_DISK=1$" out
'

test_expect_success '--memfs-size that is no size, or under 128 MiB, is refused' '
	{ "$GONEAWAY" run --no-results --memfs-size 64MiB "$T/trivial-01.gw" \
		> out 2>&1; test $? -eq 2; } && cat out &&
	grep -q "^goneaway: --memfs-size: .64MiB. is not a size of at least 128MiB" out &&
	{ "$GONEAWAY" replay --memfs-size lots fill.tar.gz > out 2>&1;
	  test $? -eq 2; } && cat out &&
	grep -q "^goneaway: --memfs-size: .lots. is not a size" out
'

test_expect_success 'the runs left no namespace, veth, table, process, mount or temp dir' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
