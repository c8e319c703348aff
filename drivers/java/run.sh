#!/bin/sh
# Runs the Connector/J driver.
#
#     sh drivers/java/run.sh             the java driver (Driver.java)
#     sh drivers/java/run.sh hikaricp    the hikaricp driver: HikariCP's
#                                        pool over it (HikariDriver.java),
#                                        with Debian's libhikaricp-java
#                                        and its slf4j (to java.util.logging)
#
# Needs a JDK >= 11, Debian's libmariadb-java and libjna-java.
#
# Start-up is paid once per machine, not per start.  The sources are
# compiled once into a jar in a cache, and a class-data-sharing archive
# (AppCDS, JDK >= 13: the classes of the driver, Connector/J, JNA and
# the JDK that a driver loads, parsed and verified) is made once beside
# it by a training run of the driver (requests that need no server:
# below), so that a start maps them instead of loading them again.
# Both are made aside and renamed into place: a JVM starting next to
# this one finds the finished file or none (a half-written archive
# would crash it: its size, in its name, is checked first).  Both are
# keyed by the sources, this script, the jars and the JDK (their sizes
# and times, what the JVM itself checks an archive against), so a change
# of any makes new ones.  A JVM that cannot use the archive starts
# without it (a warning on stderr); one that cannot make it leaves a
# note (no-archive, why) and is not tried again for that key.
#
# The cache: $GONEAWAY_DRIVER_CACHE/java (goneaway's own cache, which it
# checked no one else can write), else $GONEAWAY_JAVA_CACHE, else
# ~/.cache/goneaway/java.  Where it cannot be written, java compiles
# Driver.java in memory at each start (1.4 s, over 10 s for two JVMs on a
# busy 2-core machine) and the hikaricp driver does not start.
# GONEAWAY_JAVA_CDS=off: no archive made or used (to measure it).
#
# -XX:-UsePerfData: each driver is PID 3 of a PID namespace of its own,
# and two JVMs of one scenario would share /tmp/hsperfdata_root/3: the
# second one's "Cannot use file ... locked by another process" warning
# goes to standard output, before its greeting.  The JVM's own messages
# go to stderr (-Xlog: unified logging writes its warnings to stdout
# by default, an archive it cannot use included).
# Every start runs this script: it runs two programs besides the JVM,
# two stats, and forks no other (a start took 146 ms of CPU at load 7,
# 58 ms with a readlink, against 5.6 ms for sh alone, when it hashed its
# inputs with cat, stat, tr and sha256sum: issue 57).
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
case $here in /*) ;; *) here=$PWD/$here ;; esac
cp=/usr/share/java/mariadb-java-client.jar:/usr/share/java/jna.jar
main=Driver
# the sources, named in $here (whose path may hold a blank: a checkout
# in "/root/ga clone")
sources=Driver.java
if [ "${1:-}" = hikaricp ]; then
	main=HikariDriver
	sources="$sources HikariDriver.java"
	cp=$cp:/usr/share/java/HikariCP.jar:/usr/share/java/slf4j-api.jar:/usr/share/java/slf4j-jdk14.jar
fi
# a jar that is not there is said at once: compiling against it failed
# only after 10 s of javac (40 to 80 s on a busy machine), at every
# start, and "goneaway drivers" asks every driver
# the jars of $cp, split on ":" by the shell (their paths hold no blank)
jars_of() {
	ifs=$IFS; IFS=:; set -f
	jars=
	for j in $cp; do jars="$jars $j"; done
	set +f; IFS=$ifs
}
jars_of
for jar in $jars; do
	if [ ! -f "$jar" ]; then
		pkg=libmariadb-java
		case $jar in
		*/jna.jar) pkg=libjna-java ;;
		*/HikariCP.jar) pkg=libhikaricp-java ;;
		*/slf4j*) pkg=libslf4j-java ;;
		esac
		echo "run.sh: $jar is not installed (Debian's $pkg: sh drivers/install-deps.sh ${1:-java})" >&2
		exit 1
	fi
done
# -XX:CompileThresholdScaling=10: a method is compiled after ten times
# the calls (C1 alone: TieredStopAtLevel=1).  A process serves one case,
# and most of what C1 compiled at the default thresholds ran a few
# hundred times and never again: the shipped suite with Connector/J took
# 16 % less CPU and 13 % less wall (issue 57; docs/driver-protocol.md, "When
# C1 compiles"); a hot loop (a result of many rows) is
# still compiled, a little later.
jvm="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=10
	-XX:-UsePerfData
	-Xlog:disable -Xlog:all=warning:stderr -XX:+DisplayVMOutputToStderr"
# goneaway runs a driver as a user with no passwd entry, whose home the
# JVM names "?" (JNA then makes "?/" in the working directory): its
# HOME, a tmpfs of its own
case ${HOME:-} in
''|*[[:space:]]*) ;;
*) jvm="$jvm -Duser.home=$HOME" ;;
esac
if [ -n "${GONEAWAY_DRIVER_CACHE:-}" ]; then
	cache=$GONEAWAY_DRIVER_CACHE/java
else
	cache=${GONEAWAY_JAVA_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/goneaway/java}
fi
# in_path NAME: its path in $PATH, in prog ("": none), as the shell finds
# it (command -v would fork a subshell to be read)
in_path() {
	prog=
	ifs=$IFS; IFS=:; set -f
	for d in $PATH; do
		if [ -n "$d" ] && [ -f "$d/$1" ] && [ -x "$d/$1" ]; then
			prog=$d/$1
			break
		fi
	done
	set +f; IFS=$ifs
}
in_path javac; javac=$prog
in_path java; java=$prog
# The key: a hash, in the shell's arithmetic, of the size, modification
# time (to the nanosecond) and inode of the sources, this script, javac,
# java (through their links: a JDK installed anew is new files) and the
# jars; a file not there counts as a number less.  One stat for all.
key_of() {
	h1=5381 h2=52711
	for f in $sources run.sh; do set -- "$@" "$here/$f"; done
	ifs=$IFS; IFS=' .
'
	for n in $(stat -L -c '%s %.9Y %i' -- "$@" 2>/dev/null); do
		n=${n#"${n%%[!0]*}"}     # not octal: no leading 0
		n=$(( ${n:-0} % 999999937 ))
		h1=$(( (h1 * 1000003 + n) % 4294967291 ))
		h2=$(( (h2 * 999983 + n + 1) % 4294967279 ))
	done
	IFS=$ifs
	key=$h1-$h2
}
# shellcheck disable=SC2086 # the jars, split above
key_of ${javac:+"$javac"} ${java:+"$java"} $jars
dir=$cache/$key
if [ ! -f "$dir/driver.jar" ] && [ -x "$javac" ] &&
	mkdir -p "$cache" 2>/dev/null &&
	build=$(mktemp -d "$cache/.build.XXXXXX" 2>/dev/null); then
	javac=$(readlink -f "$javac")   # its jar beside it
	# built aside and renamed: a driver starting next to this one uses
	# the finished jar or none; the loser of a race drops its own.
	# Driver$BoundedInfile is Connector/J's LocalInfileInterceptor,
	# which it finds through ServiceLoader: without it the driver
	# answers a connection with local_infile "unsupported".  A jar, not
	# a directory of classes: CDS archives classes from jars only.
	# -XDstringConcat=inline: a string concatenation is a StringBuilder,
	# not an invokedynamic whose first use spins method handle classes
	# at run time, which the archive does not hold: every JVM paid them
	# again (12 % of the CPU of a JVM that serves a case:
	# docs/benchmark-history.md, "How many JVMs")
	if (cd "$here" && "$javac" -nowarn -XDstringConcat=inline -cp "$cp" \
		-d "$build/classes" $sources) >&2 &&
		mkdir -p "$build/classes/META-INF/services" &&
		echo 'Driver$BoundedInfile' > "$build/classes/META-INF/services/org.mariadb.jdbc.LocalInfileInterceptor" &&
		"${javac%/javac}/jar" --create --file "$build/driver.jar" -C "$build/classes" . >&2 &&
		rm -rf "$build/classes" &&
		mv -T "$build" "$dir" 2>/dev/null; then
		:
	else
		rm -rf "$build"
	fi
fi
if [ ! -f "$dir/driver.jar" ]; then
	if [ "$main" = HikariDriver ]; then
		# two source files: the in-memory launcher takes one
		echo "run.sh: cannot compile HikariDriver.java into $cache" >&2
		exit 2
	fi
	exec java $jvm -cp "$cp" "$here/Driver.java"
fi
cp=$dir/driver.jar:$cp

# The requests of the training run: what a driver does before it meets a
# server, and a connect that fails at once (a closed port, a missing
# socket), which loads Connector/J's connect and error paths.
train_requests() {
	c='"user":"x","password":"x","database":"",'
	o='"connect_timeout":2,"read_timeout":0,"write_timeout":0,"reconnect":false,"interactive":false,"max_allowed_packet":0,"keepalive":{},"local_infile":[],"driver_options":{}'
	p='"pool":{"size":2,"pre_ping":true,"recycle_ms":null,"idle_timeout_ms":null,"validation":null}'
	[ "$main" = HikariDriver ] || p='"pool":null'
	echo "{\"id\":1,\"step\":\"begin-case\",\"dir\":\"$dir\"}"
	echo "{\"id\":2,\"step\":\"query\",\"sql\":\"SELECT 1\"}"
	echo "{\"id\":3,\"step\":\"connect\",\"host\":\"127.0.0.1\",\"port\":1,\"socket\":null,$c\"options\":{\"transport\":\"tcp\",\"tls\":\"off\",$o},$p}"
	echo "{\"id\":4,\"step\":\"close\"}"
	echo "{\"id\":5,\"step\":\"connect\",\"host\":\"localhost\",\"port\":0,\"socket\":\"$dir/no-such.sock\",$c\"options\":{\"transport\":\"socket\",\"tls\":\"required\",$o},$p}"
	echo "{\"id\":6,\"step\":\"no-such-step\"}"
	echo "{\"id\":7,\"step\":\"end-case\"}"
}

# The archive of $dir, whole (its size is in its name), in f, or "".
whole_archive() {
	for f in "$dir"/driver-*.jsa; do
		size=${f##*/driver-}
		if [ -f "$f" ] && [ "$(stat -c %s "$f" 2>/dev/null)" = "${size%.jsa}" ]; then
			return
		fi
	done
	f=
}

# Makes $dir/driver-SIZE.jsa: the driver run once with
# -XX:ArchiveClassesAtExit into a temporary file, which a second JVM must
# then map (-Xshare:on), synced and renamed.  One JVM at a time (flock;
# another one starts without an archive meanwhile).  A failure that is
# not a signal is written down in no-archive.
make_archive() {
	command -v flock >/dev/null || return 0
	(
		{ exec 9>>"$dir/.lock"; } 2>/dev/null || exit 0
		flock -n 9 || exit 0
		whole_archive
		[ -z "$f" ] || exit 0                  # made meanwhile
		cd "$dir" || exit 0
		tmp=$dir/.driver.jsa.$$
		# a training run killed midway, an archive cut short
		rm -f "$dir"/.driver.jsa.* "$dir"/driver-*.jsa
		start=$(date +%s%N)
		train_requests | java $jvm -XX:ArchiveClassesAtExit="$tmp" \
			-cp "$cp" $main >/dev/null 2>"$tmp.log"
		rc=$?
		if [ $rc -gt 128 ]; then
			rm -f "$tmp" "$tmp.log"
			exit 0
		fi
		if [ $rc -eq 0 ] && [ -s "$tmp" ] &&
			java $jvm -Xshare:on -XX:SharedArchiveFile="$tmp" \
				-cp "$cp" -version >>"$tmp.log" 2>&1 &&
			size=$(stat -c %s "$tmp") && sync "$tmp" &&
			mv -f "$tmp" "$dir/driver-$size.jsa"; then
			echo "run.sh: made the class-data archive" \
				"$dir/driver-$size.jsa in" \
				"$(( ($(date +%s%N) - start) / 1000000 )) ms" >&2
		else
			{
				echo "the training run of $main (exit status $rc) made no archive this JVM maps:"
				tail -n 20 "$tmp.log"
			} > "$dir/no-archive"
			echo "run.sh: no class-data archive: $dir/no-archive says why" >&2
		fi
		rm -f "$tmp" "$tmp.log"
	)
}

archive=
if [ "${GONEAWAY_JAVA_CDS:-on}" != off ]; then
	whole_archive
	if [ -z "$f" ] && [ ! -e "$dir/no-archive" ]; then
		make_archive
		whole_archive
	fi
	[ -z "$f" ] || archive=-XX:SharedArchiveFile=$f
fi
exec java $jvm $archive -cp "$cp" $main
