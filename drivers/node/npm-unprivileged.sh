# drivers/node/npm-unprivileged.sh - sourced by install-version.sh and
# ../install-deps.sh: npm run the way an untrusted download should be.
#
#   - never as root: run by root, npm runs as nobody (setpriv), in a
#     directory of its own that nobody owns, with a HOME there; its
#     cache is /var/cache/goneaway/npm (nobody's), so a version fetched
#     once installs offline afterwards;
#   - never a lifecycle script (--ignore-scripts, and the same in its
#     environment): a package's preinstall/install/postinstall is code
#     from the registry that would run on this machine;
#   - only what a lock file pins: every package in it has an exact
#     version and an sha512 integrity, which npm ci checks each tarball
#     against (npm_lock_check below refuses a lock without them).
#
# What npm made is then copied out by root, owned by root and read-only.

NPM_NOBODY_UID=65534
NPM_NOBODY_GID=65534

# npm_unprivileged DIR ARGS...: npm ARGS in DIR (nobody's when root).
npm_unprivileged() {
	_dir=$1
	shift
	if [ "$(id -u)" -eq 0 ]; then
		_cache=${GONEAWAY_NPM_CACHE:-/var/cache/goneaway/npm}
		mkdir -p "$_cache" "$_dir/.home"
		chown -R "$NPM_NOBODY_UID:$NPM_NOBODY_GID" "$_cache" "$_dir"
		(cd "$_dir" && env HOME="$_dir/.home" \
			npm_config_cache="$_cache" npm_config_ignore_scripts=true \
			npm_config_update_notifier=false \
			setpriv --reuid="$NPM_NOBODY_UID" \
			--regid="$NPM_NOBODY_GID" --clear-groups \
			--no-new-privs npm "$@" --ignore-scripts --no-audit \
			--no-fund --loglevel=error)
	else
		(cd "$_dir" && npm_config_ignore_scripts=true \
			npm "$@" --ignore-scripts --no-audit --no-fund \
			--loglevel=error)
	fi
}

# npm_lock_check LOCK [PKG VERSION INTEGRITY]: every package LOCK names
# has an exact version and an sha512 integrity; with PKG, its entry is
# VERSION with INTEGRITY (the registry's word, npm view).  Says what is
# wrong and fails otherwise.
npm_lock_check() {
	node -e '
const fs = require("fs");
const [lock, pkg, ver, want] = process.argv.slice(1);
const d = JSON.parse(fs.readFileSync(lock, "utf8"));
const bad = [];
const pk = d.packages || {};
for (const [k, v] of Object.entries(pk)) {
	if (k === "" || v.link) continue;
	if (!/^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$/.test(v.version || ""))
		bad.push(`${k}: no exact version (${v.version})`);
	if (!/^sha512-[A-Za-z0-9+\/]+=*$/.test(v.integrity || ""))
		bad.push(`${k}: no sha512 integrity (${v.integrity})`);
}
if (pkg) {
	const e = pk["node_modules/" + pkg];
	if (!e) bad.push(`${pkg}: not in the lock file`);
	else {
		if (e.version !== ver) bad.push(`${pkg}: version ${e.version}, not ${ver}`);
		if (e.integrity !== want) bad.push(`${pkg}: integrity ${e.integrity}, but the registry says ${want}`);
	}
}
if (Object.keys(pk).length < 2) bad.push("no package at all");
if (bad.length) {
	console.error(`${lock}: ${bad.join("; ")}`);
	process.exit(1);
}' "$@"
}

# npm_settle SRC DEST: copies what npm made in SRC (node_modules and its
# package files) to DEST (replaced), owned by root and read-only when
# run as root.
npm_settle() {
	rm -rf "$2.new"
	mkdir -p "$2.new"
	cp -R "$1/node_modules" "$1/package.json" "$1/package-lock.json" "$2.new/"
	if [ "$(id -u)" -eq 0 ]; then
		chown -R 0:0 "$2.new"
		chmod -R a-w "$2.new"
		chmod u+w "$2.new"      # root's, so that a later install can swap it
	fi
	rm -rf "$2"
	mv "$2.new" "$2"
}

# npm_cached_why_not SRC DEST WHAT: SRC's package.json and
# package-lock.json installed into DEST (root's, read-only: npm_settle)
# unless DEST holds that lock already, under the lock file DEST.lock;
# prints nothing when DEST is ready, else why not, in a line (WHAT names
# the packages).  npm's output goes to $SCRATCH/npm.
npm_cached_why_not() {
	exec 7> "$2.lock" && flock -w 600 7 ||
		{ echo "cannot lock $2.lock"; return; }
	if ! cmp -s "$1/package-lock.json" "$2/package-lock.json"; then
		_w=$(mktemp -d) || return
		cp "$1/package.json" "$1/package-lock.json" "$_w/" &&
		npm_lock_check "$_w/package-lock.json" 2> "$SCRATCH/npm" &&
		npm_unprivileged "$_w" ci > "$SCRATCH/npm" 2>&1 &&
		npm_settle "$_w" "$2" ||
			echo "$3 could not be installed from npm: $(tail -n 2 "$SCRATCH/npm" | tr '\n' ' ')"
		rm -rf "$_w"
	fi
	exec 7>&-
}
