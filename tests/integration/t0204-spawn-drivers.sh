#!/bin/sh
# t0204-spawn-drivers: the Ruby, Perl and PHP drivers fork a fresh copy
# for every case (issue 57, docs/driver-protocol.md, "Spawn"), as the
# Python drivers do (t0201-fresh-copies): each declares "spawn" where
# its runtime can fork, and two cases in a row (-j 1, where a driver
# without it is kept from the first case to the second) are each served
# by a copy forked fresh from its zygote, with the verdicts of a
# process of their own (--fresh-drivers).  What a case could leave in
# such a process (its environment, umask, a module's globals) dies with
# it.  Nothing is left.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"

printf '%s\n' 'title    A case with a new session' \
	'cause    (test fixture) none' 'connection app' 'connect app' \
	'query app SELECT 1' '    expect ok = "1"' > "$SCRATCH/new.gw"
cp "$SCRATCH/new.gw" "$SCRATCH/new2.gw"

# verdicts FILE: each case's label and verdict in results.jsonl FILE,
# and its client_setup
verdicts() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    j = json.loads(l)
    if j.get("type") == "case":
        print(j["scenario"]["label"], j["verdict"], j.get("client_setup", ""))
' "$1"
}

for d in ruby-mysql2 perl perl-dbd-mysql php-mysqli php-pdo; do
	if ! driver_installed $d; then
		test_skip "$d: a fresh copy per case" "$d is not installed"
		continue
	fi
	test_expect_success "$d: a copy forked fresh from its zygote serves each case" '
		"$GONEAWAY" run -j 1 -v --no-results --color never \
			--jsonl $d-fresh.jsonl --fresh-drivers --client $d \
			new.gw new2.gw > $d-fresh.out 2>&1 &&
		"$GONEAWAY" run -j 1 -v --no-results --color never \
			--jsonl $d-spawn.jsonl --client $d \
			new.gw new2.gw > $d-spawn.out 2>&1;
		rc=$?; cat $d-spawn.out; test $rc -eq 0 &&
		test "$(grep -c "drivers: app: forked fresh from its zygote" $d-spawn.out)" -eq 2 &&
		! grep -q "drivers: app: \(started for this case\|kept from\|replaced\)" $d-spawn.out &&
		verdicts $d-spawn.jsonl > $d-spawn.v && cat $d-spawn.v &&
		test "$(grep -c "PASS app: forked fresh from its zygote" $d-spawn.v)" -eq 2 &&
		verdicts $d-fresh.jsonl | cut -d" " -f1,2 > $d-fresh.v &&
		cut -d" " -f1,2 $d-spawn.v | diff $d-fresh.v -
	'
done

test_expect_success 'the runs left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
