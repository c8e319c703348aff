#!/bin/sh
# adversary-java.sh CLASSES - runs AdversaryDriver (t0202-driver-pairs),
# compiled with drivers/java/Driver.java into the directory CLASSES, as
# drivers/java/run.sh runs the shipped driver (its JVM options; HOME as
# the JVM's user.home).
cp=$1:/usr/share/java/mariadb-java-client.jar:/usr/share/java/jna.jar
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData \
	-Xlog:disable -Xlog:all=warning:stderr -XX:+DisplayVMOutputToStderr \
	-Duser.home="${HOME:-/}" -cp "$cp" AdversaryDriver
