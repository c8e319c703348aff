#!/bin/sh
# t0143-injections: what held in issue 26 and must keep holding - a fault
# or proxy line whose arguments carry nft, tc or HAProxy syntax (a ';',
# a brace, a quote, a newline escape, a device of the host) is refused
# when the file is read, FILE:LINE:COL and exit 2, before anything
# touches the kernel or writes a configuration.  Each payload is checked
# by "goneaway check", which runs nothing; --proxy on the command line
# the same.
. "$(dirname "$0")/lib.sh"

# scenario N LINE: a scenario whose line 5 is LINE
scenario() {
	printf 'title t\ncause c\nkeywords k\nconnection app\n%s\nconnect app\n    expect ok\n' "$2" > "s$1.gw"
}

test_expect_success 'fault and proxy lines carrying nft, tc or HAProxy syntax: refused at line 5, nothing run' '
	n=0 &&
	while IFS= read -r line; do
		n=$((n + 1))
		scenario $n "$line"
		"$GONEAWAY" check "s$n.gw" > "o$n" 2>&1
		rc=$?
		echo "$n: exit $rc: $line"; head -n 1 "o$n"
		test "$rc" -eq 2 || exit 1
		grep -q "^s$n.gw:5:[0-9]*: error: " "o$n" || exit 1
	done <<-\PAYLOADS
	fault w firewall drop both; flush ruleset
	fault w firewall drop both } ; table inet x { chain y { type filter hook input priority 0; drop; }
	fault w firewall drop both loss 60%"; flush ruleset; "
	fault w firewall reject both with reset; add table ip hostx
	fault w firewall drop both loss 60%; drop
	fault w point drop after 128KiB to-server; flush ruleset
	fault w point reset at login } flush ruleset {
	fault w point pause to-server at COM_QUERY"
	fault w tbf on server rate 6kbit;reboot burst 1600b limit 64k
	fault w tbf on server rate 6kbit burst 1600b limit 64k dev eth0
	fault w netem on server delay 3s; tc qdisc del dev lo root
	fault w netem on server delay 3s dev lo
	fault w netem on eth0 delay 3s
	proxy haproxy client-timeout=3s\nserver x 1.2.3.4:3306
	proxy haproxy connect-timeout=1s listen=0.0.0.0:80
	proxy haproxy server-timeout=2s;global
	PAYLOADS
	test "$n" -eq 16
'

test_expect_success 'a # after a proxy setting is a comment: the value read is 2s' '
	scenario c "proxy haproxy server-timeout=2s# global" &&
	"$GONEAWAY" check sc.gw
'

test_expect_success '--proxy with HAProxy syntax in it: a usage error, nothing run' '
	"$GONEAWAY" run --proxy "haproxy;flush" "$TOP/scenarios/kill-idle.gw" > px.out 2>&1
	rc=$?; cat px.out; test "$rc" -eq 2 &&
	grep -q "is not a proxy goneaway can run" px.out
'

test_done
