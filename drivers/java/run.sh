#!/bin/sh
# Runs the Connector/J driver: java compiles Driver.java in memory at each
# start (about 1 s), so there is no build step and no class file.
# Needs a JDK >= 11, Debian's libmariadb-java and libjna-java.
here=$(cd "$(dirname "$0")" && pwd)
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData \
	-cp /usr/share/java/mariadb-java-client.jar:/usr/share/java/jna.jar \
	"$here/Driver.java"
