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

test_done
