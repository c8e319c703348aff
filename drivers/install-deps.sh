#!/bin/sh
# drivers/install-deps.sh - installs what the client drivers in drivers/
# need, and builds the ones that are compiled.  Idempotent: what is there
# already is not installed again, so a second run needs no network.
#
#     sudo drivers/install-deps.sh [DRIVER ...]
#     drivers/install-deps.sh --list
#     drivers/install-deps.sh --of NAME
#
# DRIVER: a driver's directory (default: every one drivers.list's
# commands name but c; --list prints them, --of NAME the one of
# drivers.list's NAME, nothing for a C driver).  Each has its case in
# pkgs_for below: the Debian packages it needs (none: an empty case).
# Debian 12 packages through apt-get; the Node connectors through npm ci
# from drivers/node/package-lock.json, run as nobody with no lifecycle
# script, every package checked against the lock's sha512 integrity, the
# result root's and read-only (node/npm-unprivileged.sh; its cache makes
# later installs offline); the Go driver is built against Debian's packaged source
# (GO111MODULE=off, no module download), the C++ one with g++ against
# Debian's Connector/C++.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# dirs [NAME]: the drivers' directories, what DRIVER names, in
# drivers.list's order (NAME's alone when given): the first word of a
# command that names a file below here (pymysql/driver.py: pymysql).  c,
# the C drivers, are "make roots"'s (drivers/c/build.sh), not this one's.
dirs() {
	awk -v n="${1:-}" '/^[^#[:space:]]/ && (n == "" || $1 == n) {
		for (i = 2; i <= NF; i++)
			if ($i ~ /^[A-Za-z0-9_-]+\//) {
				split($i, p, "/")
				if (p[1] != "c" && !seen[p[1]]++)
					print p[1]
				break
			}
	}' "$here/drivers.list" | tr '\n' ' '
}
all=$(dirs)
all=${all% }
case ${1:-} in
--list) echo "$all"; exit 0 ;;
--of) d=$(dirs "${2:?usage: install-deps.sh --of NAME}"); echo "${d% }"; exit 0 ;;
esac
want=${*:-$all}

pkgs_for() {
	case $1 in
	# python3-cryptography (a Recommends, which --no-install-recommends
	# leaves out): PyMySQL's caching_sha2_password needs it for the full
	# authentication MySQL 8+ asks of a TCP login without TLS
	pymysql) echo python3 python3-pymysql python3-cryptography ;;
	mysqlclient) echo python3 python3-mysqldb ;;
	aiomysql) echo python3 python3-aiomysql python3-cryptography ;;
	sqlalchemy) echo python3 python3-pymysql python3-cryptography python3-sqlalchemy ;;
	# mysqli, PDO and Doctrine DBAL (its pool driver, php/doctrine.php)
	php) echo php-cli php-mysql php-doctrine-dbal ;;
	node) command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
		echo nodejs npm ;;
	go) echo golang-go golang-github-go-sql-driver-mysql-dev ;;
	# DBD::MariaDB and DBD::mysql, one driver.pl
	perl) echo perl libdbd-mariadb-perl libdbd-mysql-perl ;;
	ruby) echo ruby ruby-mysql2 ;;
	cpp) echo g++ libmysqlcppconn-dev nlohmann-json3-dev ;;
	# Connector/J, and HikariCP over it (java/run.sh hikaricp)
	java) command -v java >/dev/null 2>&1 || echo default-jdk-headless
		echo libmariadb-java libjna-java libhikaricp-java libslf4j-java ;;
	*) echo "install-deps.sh: unknown driver '$1' (known: $all)" >&2
	   exit 2 ;;
	esac
}

missing=
for d in $want; do
	for p in $(pkgs_for "$d"); do
		if ! dpkg-query -W -f '${Status}' "$p" 2>/dev/null |
		     grep -q 'install ok installed'; then
			missing="$missing $p"
		fi
	done
done
if [ -n "$missing" ]; then
	echo "install-deps.sh: apt-get install$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null
fi

for d in $want; do
	case $d in
	node)
		# npm ci only when the lock file changed since the last one;
		# as nobody, without lifecycle scripts, from the lock file
		# (every package pinned with its sha512 integrity, which npm
		# ci checks): node/npm-unprivileged.sh
		stamp="$here/node/node_modules/.goneaway-lock"
		sum=$(sha256sum "$here/node/package-lock.json" | cut -d' ' -f1)
		if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
			. "$here/node/npm-unprivileged.sh"
			npm_lock_check "$here/node/package-lock.json" || {
				echo "install-deps.sh: drivers/node/package-lock.json is refused" >&2
				exit 1
			}
			echo "install-deps.sh: npm ci in drivers/node (as $( [ "$(id -u)" -eq 0 ] && echo nobody || id -un), no scripts)"
			work=$(mktemp -d /tmp/goneaway-npm.XXXXXX)
			trap 'rm -rf "$work"' EXIT
			chmod 755 "$work"
			cp "$here/node/package.json" "$here/node/package-lock.json" "$work/"
			if ! npm_unprivileged "$work" ci --prefer-offline; then
				echo "install-deps.sh: npm ci failed in drivers/node" >&2
				exit 1
			fi
			rm -rf "$here/node/node_modules"
			cp -R "$work/node_modules" "$here/node/node_modules"
			echo "$sum" > "$stamp"
			if [ "$(id -u)" -eq 0 ]; then
				chown -R 0:0 "$here/node/node_modules"
				chmod -R a-w "$here/node/node_modules"
			fi
			rm -rf "$work"
			trap - EXIT
		fi
		;;
	go)
		bin="$here/go/goneaway-driver-go"
		if [ ! -x "$bin" ] || [ "$here/go/main.go" -nt "$bin" ] ||
		   [ "$here/go/pool.go" -nt "$bin" ]; then
			echo "install-deps.sh: go build drivers/go"
			(cd "$here/go" && GO111MODULE=off GOPATH=/usr/share/gocode \
				GOFLAGS= go build -o goneaway-driver-go .)
		fi
		;;
	cpp)
		bin="$here/cpp/goneaway-driver-cpp"
		if [ ! -x "$bin" ] || [ "$here/cpp/driver.cpp" -nt "$bin" ]; then
			echo "install-deps.sh: g++ drivers/cpp"
			g++ -std=c++17 -O2 -Wall -Wextra -o "$bin.tmp" \
				"$here/cpp/driver.cpp" -lmysqlcppconn
			mv "$bin.tmp" "$bin"
		fi
		;;
	esac
done
