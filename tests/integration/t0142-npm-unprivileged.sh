#!/bin/sh
# t0142-npm-unprivileged: the Node connectors come from the npm registry,
# which is untrusted: drivers/node/install-version.sh (--client
# NAME@VERSION) and drivers/install-deps.sh node run npm as nobody, never
# as root, with no lifecycle script (--ignore-scripts), from a lock file
# whose every package has an exact version and an sha512 integrity, the
# asked-for one the integrity the registry publishes; a lie about it is
# refused and nothing is installed.  What is installed is root's and
# read-only.  Needs the npm registry (SKIP without it).
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"

if ! command -v npm > /dev/null 2>&1 || ! command -v node > /dev/null 2>&1; then
	test_skip 'every npm install' 'no node or npm (drivers/install-deps.sh node)'
	test_done
fi
if [ "$(id -u)" -ne 0 ]; then
	test_skip 'every npm install' 'not root: npm runs as the user anyway'
	test_done
fi

# an npm that logs who ran it, how, and with which environment; with
# NPM_SHIM_LIE set, "npm view" answers another package's integrity
real_npm=$(command -v npm)
mkdir -p "$SCRATCH/shim"
cat > "$SCRATCH/shim/npm" <<EOF_SHIM
#!/bin/sh
echo "uid=\$(id -u) ignore_scripts=\${npm_config_ignore_scripts:-} args=\$*" >> "$SCRATCH/npm.log"
if [ -n "\${NPM_SHIM_LIE:-}" ] && [ "\$1" = view ]; then
	echo "sha512-$(printf '%086d' 0)=="
	exit 0
fi
exec "$real_npm" "\$@"
EOF_SHIM
chmod 755 "$SCRATCH/shim/npm"
chmod 755 "$SCRATCH" "$SCRATCH/shim"
PATH="$SCRATCH/shim:$PATH"
export PATH

if ! "$real_npm" view mysql2@3.9.0 version > "$SCRATCH/reach.out" 2>&1; then
	test_skip 'every npm install' "the npm registry does not answer: $(tail -n 1 "$SCRATCH/reach.out")"
	test_done
fi

# every npm call ran as nobody with scripts off
npm_was_unprivileged() {
	cat "$SCRATCH/npm.log" && test -s "$SCRATCH/npm.log" &&
	! grep -v "^uid=65534 ignore_scripts=true args=.*--ignore-scripts" "$SCRATCH/npm.log"
}

# DIR is root's and nothing in it can be written but by root's override
root_read_only() {
	test -z "$(find "$1" ! -user root | head -n 1)" &&
	test -z "$(find "$1" -mindepth 1 -perm /222 | head -n 1)"
}

test_expect_success 'install-version.sh: npm as nobody, no scripts, a checked lock, root.s read-only copy' '
	: > "$SCRATCH/npm.log" && chmod 666 "$SCRATCH/npm.log" &&
	NODE_VERSIONS_DIR="$SCRATCH/versions" sh "$TOP/drivers/node/install-version.sh" \
		mysql2 3.9.0 > out 2>&1; rc=$?; cat out; test $rc -eq 0 &&
	npm_was_unprivileged &&
	d="$SCRATCH/versions/mysql2@3.9.0" &&
	test -f "$d/node_modules/mysql2/package.json" &&
	root_read_only "$d" &&
	want=$("$real_npm" view mysql2@3.9.0 dist.integrity) &&
	node -e "const l = require(process.argv[1]); const e = l.packages[\"node_modules/mysql2\"]; process.exit(e.version === \"3.9.0\" && e.integrity === process.argv[2] ? 0 : 1)" \
		"$d/package-lock.json" "$want" &&
	! ls -d /tmp/goneaway-npm.* 2>/dev/null
'

test_expect_success 'install-version.sh: an integrity that is not the registry.s is refused, nothing installed' '
	: > "$SCRATCH/npm.log" && chmod 666 "$SCRATCH/npm.log" &&
	NPM_SHIM_LIE=1 NODE_VERSIONS_DIR="$SCRATCH/versions" \
		sh "$TOP/drivers/node/install-version.sh" mysql2 3.8.0 > out 2>&1;
	rc=$?; cat out; test $rc -eq 1 &&
	grep -q "mysql2: integrity sha512-.*, but the registry says sha512-0000" out &&
	grep -q "install-version.sh: the lock file npm wrote for mysql2@3.8.0 is refused" out &&
	! test -e "$SCRATCH/versions/mysql2@3.8.0" &&
	! ls -d /tmp/goneaway-npm.* 2>/dev/null
'

test_expect_success 'install-deps.sh node: npm ci as nobody, no scripts, from the committed lock' '
	: > "$SCRATCH/npm.log" && chmod 666 "$SCRATCH/npm.log" &&
	mkdir -p copy/node &&
	cp "$TOP/drivers/install-deps.sh" copy/ &&
	cp "$TOP/drivers/node/package.json" "$TOP/drivers/node/package-lock.json" \
		"$TOP/drivers/node/npm-unprivileged.sh" copy/node/ &&
	sh copy/install-deps.sh node > out 2>&1; rc=$?; cat out; test $rc -eq 0 &&
	npm_was_unprivileged &&
	grep -q "args=ci " "$SCRATCH/npm.log" &&
	test -f copy/node/node_modules/mysql2/package.json &&
	test -f copy/node/node_modules/mariadb/package.json &&
	root_read_only copy/node/node_modules
'

test_expect_success 'install-deps.sh node: a lock without integrity is refused' '
	: > "$SCRATCH/npm.log" && chmod 666 "$SCRATCH/npm.log" &&
	rm -rf copy/node/node_modules &&
	sed "/\"integrity\"/d" "$TOP/drivers/node/package-lock.json" > copy/node/package-lock.json &&
	sh copy/install-deps.sh node > out 2>&1; rc=$?; cat out; test $rc -ne 0 &&
	grep -q "no sha512 integrity" out &&
	! test -e copy/node/node_modules &&
	! test -s "$SCRATCH/npm.log"
'

test_expect_success 'nothing is left' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
