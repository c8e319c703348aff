#!/bin/sh
# t0045-limits: numbers at their limits and files that grow large, as
# "goneaway check" sees them - nothing here needs root or a server.
. "$(dirname "$0")/lib.sh"

# A scenario whose fourth line is $1.
scenario() {
	printf 'title limits\ncause test data\nconnection app\n%s\nconnect app\n' "$1"
}

test_expect_success 'check: a tbf burst that would wrap is an error at its column' '
	scenario "fault f tbf on server rate 17gbit burst 2047.984375m limit 2047m" > wrap.gw &&
	"$GONEAWAY" check wrap.gw 2> err; test $? -eq 2 && cat err &&
	grep -q "^wrap.gw:4:41: error: tbf: a burst of 2147467264b is more than 2147462395b, the largest at 17gbit" err
'

test_expect_success 'check: the largest burst at that rate is fine' '
	scenario "fault f tbf on server rate 17gbit burst 2147462395b limit 2047m" > edge.gw &&
	"$GONEAWAY" check edge.gw
'

test_expect_success 'check: a tbf limit by latency that would wrap is an error' '
	scenario "fault f tbf on server rate 17gbit burst 2095057k latency 1ms" > lat.gw &&
	"$GONEAWAY" check lat.gw 2> err; test $? -eq 2 && cat err &&
	grep -q "^lat.gw:4:13: error: tbf: 17gbit for the latency queues more than 2147483647 bytes" err
'

# Four statements of 60 MiB each: 240 MiB once expanded, under the
# 256 MiB a file may grow to.
big_file() {
	printf 'title big\ncause test data\nconnection app\nconnect app\n'
	i=0
	while [ $i -lt "$1" ]; do
		printf "query app SELECT LENGTH('%%repeat[60MiB x a]%%')\n"
		i=$((i + 1))
	done
}

test_expect_success 'check: a file may expand to at most 256 MiB, said at the line' '
	big_file 10 > ten.gw &&
	"$GONEAWAY" check ten.gw 2> err; test $? -eq 2 && cat err &&
	grep -q "^ten.gw:9:11: error: the SQL of this file grows to 314572885 bytes with this statement, more than 256 MiB (268435456 bytes) in all" err &&
	test "$(grep -c error: err)" -eq 1
'

# "check" reads %repeat without expanding it: 240 MiB of statements fit
# in 100 MB of address space.  A build whose baseline needs more (a
# sanitizer's shadow memory) cannot tell.
if (ulimit -v 100000 && scenario "query app SELECT 1" > "$SCRATCH/small.gw" &&
    "$GONEAWAY" check "$SCRATCH/small.gw") > /dev/null 2>&1; then
	test_expect_success 'check: %repeat is not expanded to check a file' '
		big_file 4 > four.gw &&
		(ulimit -v 100000 && "$GONEAWAY" check four.gw)
	'
else
	test_skip 'check: %repeat is not expanded to check a file' \
		'goneaway check does not run in 100 MB of address space here'
fi

test_done
