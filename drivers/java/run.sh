#!/bin/sh
# Runs the Connector/J driver: java compiles Driver.java in memory at each
# start (about 1 s), so there is no build step and no class file.
# Needs a JDK >= 11, Debian's libmariadb-java and libjna-java.
# -XX:-UsePerfData: each driver is PID 3 of a PID namespace of its own,
# and two JVMs of one scenario would share /tmp/hsperfdata_root/3: the
# second one's "Cannot use file ... locked by another process" warning
# goes to standard output, before its greeting.
here=$(cd "$(dirname "$0")" && pwd)
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData \
	-cp /usr/share/java/mariadb-java-client.jar:/usr/share/java/jna.jar \
	"$here/Driver.java"
