#!/bin/sh
# t0207-signal-cleanup: a test file's shell that gets SIGTERM or SIGINT
# straight (not through run-all) cleans up at once, even while one of
# its tests runs (issue 60): lib.sh runs a test's body in the background
# and waits for it with "wait", which a trapped signal interrupts, stops
# the body and everything below it, and runs the file's own trap, or its
# default one (every process below the shell stopped, the scratch
# directory removed).  Before, the shell waited for the body's subshell,
# running no trap, and t0180's and t0206's private engines, containers
# and data-roots could be left behind.
#
# A fixture file (written here, sourcing lib.sh through a tree of links
# to this checkout) holds a process as private-engine.sh's holder does
# (unshare --net --fork --kill-child: it ignores SIGTERM) and runs a
# test whose body starts a sleep and waits; the signal is sent to the
# fixture's shell once the body runs.  Two kinds of file: one with its
# own traps as t0180 and t0206 have (cleanup on EXIT; on INT and TERM,
# cleanup, the scratch removed, exit 130 or 143), and one with none.
# Checked: the shell ends within 20 s with 143 (TERM) or 130 (INT), the
# file's cleanup ran where it has one, the holder, the body and its
# sleep are gone, the fixture's scratch directory is gone, and the
# tests after the one interrupted did not run.
. "$(dirname "$0")/lib.sh"

# The fixture's checkout: lib.sh, the scenarios and goneaway of this one
mkdir -p "$SCRATCH/tree/tests/integration" &&
ln -s "$TOP/tests/integration/lib.sh" "$SCRATCH/tree/tests/integration/lib.sh" &&
ln -s "$TOP/scenarios" "$SCRATCH/tree/scenarios" &&
ln -s "$GONEAWAY" "$SCRATCH/tree/goneaway" || exit 1

# $1: the directory where the fixture says what it did; $2: own or none
cat > "$SCRATCH/tree/tests/integration/t9999-fixture.sh" <<'EOF'
. "$(dirname "$0")/lib.sh"
MARK=$1
echo "$SCRATCH" > "$MARK/scratch"
unshare --net --fork --kill-child sh -c 'touch "$0/holder-ready" && exec sleep 900' "$MARK" &
HOLDER=$!
echo "$HOLDER" > "$MARK/holder"
if [ "$2" = own ]; then
	cleanup() {
		[ -z "$HOLDER" ] || { kill -KILL "$HOLDER"; wait "$HOLDER"; }
		HOLDER=""
		echo cleaned >> "$MARK/cleaned"
	}
	trap cleanup EXIT
	trap 'cleanup; rm -rf "$SCRATCH"; exit 130' INT
	trap 'cleanup; rm -rf "$SCRATCH"; exit 143' TERM
fi
test_expect_success 'a body that waits' '
	echo $(exec sh -c "echo \$PPID") > "$MARK/body" || return 1
	sleep 600 &
	echo $! > "$MARK/sleep" && touch "$MARK/running" && wait
'
test_expect_success 'a test after it' 'touch "$MARK/next"'
test_done
EOF

# (a shell run in the background ignores SIGINT, as its own would: the
# fixture's gets it back as run-all's files do)
defsig=""
env --default-signal=INT,QUIT true 2> /dev/null && defsig="--default-signal=INT,QUIT"
# fixture SIG own|none: runs the fixture in mark-SIG-KIND, sends SIG to
# its shell once the body runs, and waits (20 s at most) for it to end;
# "status" holds its exit status, or "running" if it had not ended
fixture() {
	m=$SCRATCH/mark-$1-$2
	mkdir "$m" &&
	{ env $defsig sh "$SCRATCH/tree/tests/integration/t9999-fixture.sh" "$m" "$2" \
		> "$m/out" 2>&1 & } &&
	shell=$! && echo "$shell" > "$m/shell" &&
	wait_until 300 test -f "$m/running" && wait_until 100 test -f "$m/holder-ready" &&
	kill -s "$1" "$shell" &&
	t0=$(date +%s) &&
	if wait_until 200 sh -c "! kill -0 $shell 2> /dev/null"; then
		wait "$shell"; echo $? > "$m/status"
		echo "the shell ended in $(($(date +%s) - t0)) s, status $(cat "$m/status")"
	else
		echo running > "$m/status"
		echo "the shell had not ended after 20 s"
	fi
	cat "$m/out"
}
# gone PIDFILE...: none of the processes is there any more
gone() {
	for f; do
		if kill -0 "$(cat "$f")" 2> /dev/null; then
			echo "$(basename "$f") $(cat "$f") is still there"; return 1
		fi
	done
}
# what a fixture that failed its check left: its processes, by PID, and
# its scratch directory
fixture_reap() {
	for m in "$SCRATCH"/mark-*; do
		for f in shell body sleep holder; do
			[ ! -f "$m/$f" ] || kill -KILL "$(cat "$m/$f")" 2> /dev/null
		done
		[ ! -f "$m/scratch" ] || rm -rf "$(cat "$m/scratch")"
	done
}
trap fixture_reap EXIT

if [ "$(id -u)" -ne 0 ]; then
	why_not="needs root (unshare --net, as private-engine.sh's holder)"
else
	why_not=""
fi
test_signal_case() {
	if [ -n "$why_not" ]; then
		test_skip "$1" "$why_not"
	else
		test_expect_success "$1" "$2"
	fi
}

for sig in TERM INT; do
	case $sig in TERM) want=143 ;; INT) want=130 ;; esac
	test_signal_case "SIG$sig to a file with its own traps, mid-test: its cleanup runs, nothing is left, exit $want" "
		fixture $sig own &&
		m=mark-$sig-own &&
		test \"\$(cat \$m/status)\" = $want &&
		grep -q cleaned \$m/cleaned &&
		gone \$m/holder \$m/body \$m/sleep &&
		test ! -e \"\$(cat \$m/scratch)\" && test ! -e \$m/next
	"
done
test_signal_case 'SIGTERM to a file without traps, mid-test: what it holds stops, nothing is left, exit 143' '
	fixture TERM none &&
	m=mark-TERM-none &&
	test "$(cat $m/status)" = 143 &&
	gone $m/holder $m/body $m/sleep &&
	test ! -e "$(cat $m/scratch)" && test ! -e $m/next
'

test_done
