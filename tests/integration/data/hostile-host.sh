# hostile-host.sh - the host's side of an attack of the test's own
# (data/hostile-server.c), for t0170-hostile-servers and
# t0177-hostile-drivers, which source it after lib.sh.
#
# hostile_host NAME: a directory of the test's own, HOST, on a disk when
# there is one (the attack mounts the disk the secret is on), searchable
# by anyone, holding the secret (SECRET, 0600, root's, its random marker
# MARK) and open/, which anyone may write; major, minor and in_fs: the
# disk's device (-1 0 "" when no block device holds the secret) and the
# secret's path in its file system.  The test's scratch directory is
# made searchable.
hostile_host() {
	chmod 0711 "$SCRATCH"
	for d in /var/tmp "$SCRATCH"; do
		dev=$(findmnt -no MAJ:MIN -T "$d" 2>/dev/null | tr -d ' ')
		if [ -n "$dev" ] && [ -e "/sys/dev/block/$dev" ]; then
			HOST=$(mktemp -d "$d/ga-$1-host.XXXXXX")
			break
		fi
	done
	if [ -z "$HOST" ]; then
		HOST=$(mktemp -d "$SCRATCH/host.XXXXXX")
		dev=""
	fi
	chmod 0711 "$HOST"
	MARK="ga-secret-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
	SECRET="$HOST/secret"
	printf '%s\n' "$MARK" > "$SECRET" && chmod 0600 "$SECRET"
	mkdir -m 0777 "$HOST/open" && chmod 0777 "$HOST/open"
	sync
	if [ -n "$dev" ]; then
		major=${dev%%:*} minor=${dev#*:}
		fsroot=$(findmnt -no TARGET -T "$HOST" | tr -d ' ')
		in_fs=${SECRET#"$fsroot"}
		in_fs=${in_fs#/}
		say "# the secret is on block device $dev ($fsroot: $in_fs)"
	else
		major=-1 minor=0 in_fs=""
		say "# no block device holds the secret: the disk attacks are not made"
	fi
}

# hostile_build OUT: the attack built static into OUT, against HOST's
# secret and disk; why_not says why when it cannot be.
hostile_build() {
	if ! cc -static -O1 -o "$1" \
		-DSECRET="\"$SECRET\"" -DSECRET_IN_FS="\"$in_fs\"" \
		-DHOST_OPEN="\"$HOST/open\"" -DDISK_MAJOR="$major" \
		-DDISK_MINOR="$minor" "$TOP/tests/integration/data/hostile-server.c" \
		> "$SCRATCH/cc.log" 2>&1; then
		why_not="cannot build a static program: $(tail -n 1 "$SCRATCH/cc.log")"
	fi
}

# hostile_cleanup: no process of the attack left ("ga-hostile-lin", by
# its PID), HOST removed.
hostile_cleanup() {
	for p in $(ps -eo pid=,comm= | awk '$2 == "ga-hostile-lin" {print $1}'); do
		kill -KILL "$p" 2>/dev/null
	done
	[ -n "$HOST" ] && rm -rf "$HOST"
}
HOST=""
