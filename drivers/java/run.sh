#!/bin/sh
# Runs the Connector/J driver.  Driver.java is compiled once per version
# of it (and of the JDK) into a cache, $GONEAWAY_JAVA_CACHE or
# ~/.cache/goneaway/java/, so that a start is a JVM start (0.3 s) and
# not a compile as well (1.4 s alone, over 10 s with two JVMs starting
# on a busy 2-core machine, past goneaway's bound on a greeting).  Where
# the cache cannot be written, java compiles it in memory at each start.
# Needs a JDK >= 11, Debian's libmariadb-java and libjna-java.
#
#     sh drivers/java/run.sh             the java driver (Driver.java)
#     sh drivers/java/run.sh hikaricp    the hikaricp driver: HikariCP's
#                                        pool over it (HikariDriver.java),
#                                        with Debian's libhikaricp-java
#                                        and its slf4j (to java.util.logging)
# -XX:-UsePerfData: each driver is PID 3 of a PID namespace of its own,
# and two JVMs of one scenario would share /tmp/hsperfdata_root/3: the
# second one's "Cannot use file ... locked by another process" warning
# goes to standard output, before its greeting.
here=$(cd "$(dirname "$0")" && pwd)
cp=/usr/share/java/mariadb-java-client.jar:/usr/share/java/jna.jar
main=Driver
sources="$here/Driver.java"
if [ "${1:-}" = hikaricp ]; then
	main=HikariDriver
	sources="$sources $here/HikariDriver.java"
	cp=$cp:/usr/share/java/HikariCP.jar:/usr/share/java/slf4j-api.jar:/usr/share/java/slf4j-jdk14.jar
fi
cache=${GONEAWAY_JAVA_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/goneaway/java}
jdk=$(readlink -f "$(command -v javac 2>/dev/null || echo none)")
key=$(cat $sources "$here/run.sh" | sha256sum | cut -c1-16)-$(echo "$jdk" | sha256sum | cut -c1-8)
classes=$cache/$key
if [ ! -f "$classes/$main.class" ] && [ -x "$jdk" ] &&
	mkdir -p "$cache" 2>/dev/null &&
	build=$(mktemp -d "$cache/.build.XXXXXX" 2>/dev/null); then
	# built aside and renamed: a driver starting next to this one uses
	# the finished classes or none; the loser of a race drops its own
	# Driver$BoundedInfile is Connector/J's LocalInfileInterceptor,
	# which it finds through ServiceLoader: without it the driver
	# answers a connection with local_infile "unsupported"
	if "$jdk" -nowarn -cp "$cp" -d "$build" $sources >&2 &&
		mkdir -p "$build/META-INF/services" &&
		echo 'Driver$BoundedInfile' > "$build/META-INF/services/org.mariadb.jdbc.LocalInfileInterceptor" &&
		mv -T "$build" "$classes" 2>/dev/null; then
		:
	else
		rm -rf "$build"
	fi
fi
if [ -f "$classes/$main.class" ]; then
	exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData \
		-cp "$classes:$cp" $main
fi
if [ "$main" = HikariDriver ]; then
	# two source files: the in-memory launcher takes one
	echo "run.sh: cannot compile HikariDriver.java into $cache" >&2
	exit 2
fi
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData \
	-cp "$cp" "$here/Driver.java"
