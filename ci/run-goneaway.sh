#!/bin/sh
# run-goneaway.sh - copy into your project's CI to run goneaway's scenarios
# (and your own) against a real mariadbd and keep the reports.
#
# Usage: sudo sh run-goneaway.sh GONEAWAY_CHECKOUT [SCENARIO_DIR...]
# Writes goneaway-junit.xml and goneaway-results/ in the current directory.
# Exit status is goneaway's: 0 all PASS/SKIP, 1 FAIL, 2 bad file, 3 ERROR.
set -eu
src=${1:?usage: run-goneaway.sh GONEAWAY_CHECKOUT [SCENARIO_DIR...]}
shift
make -C "$src" deps
make -C "$src" WERROR=1
[ $# -gt 0 ] || set -- "$src/scenarios"
exec "$src/goneaway" run --junit goneaway-junit.xml -o goneaway-results "$@"
