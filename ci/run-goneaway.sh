#!/bin/sh
# run-goneaway.sh - copy into your project's CI to run goneaway's scenarios
# (and your own) against a real mariadbd and keep the reports.
#
# Usage: sudo sh run-goneaway.sh GONEAWAY_CHECKOUT [SCENARIO_DIR...]
# Writes goneaway-junit.xml, goneaway-matrix.md and goneaway-results/ in
# the current directory.  The run is --strict: a scenario SKIPped because
# something is missing (not root, no server, a driver that cannot do a
# step) or evidence that could not be kept fails the job (exit 4), so a
# green job means every scenario really ran.  The one SKIP it allows is
# netem on kernels without sch_netem (GONEAWAY_ALLOW_SKIP="netem", the
# default; set it to "" to allow none, or add kinds: "netem driver").
# GONEAWAY_ARGS adds run options (--server ..., --client ...).
# Exit status is goneaway's: 0 all PASS, 1 FAIL, 2 bad file, 3 ERROR,
# 4 a SKIP that is not allowed or lost evidence.
set -eu
src=${1:?usage: run-goneaway.sh GONEAWAY_CHECKOUT [SCENARIO_DIR...]}
shift
make -C "$src" deps
make -C "$src" WERROR=1
[ $# -gt 0 ] || set -- "$src/scenarios"
allow=""
for kind in ${GONEAWAY_ALLOW_SKIP-netem}; do
	allow="$allow --allow-skip $kind"
done
# shellcheck disable=SC2086 # word splitting of the option lists is meant
exec "$src/goneaway" run --strict $allow ${GONEAWAY_ARGS:-} \
	--junit goneaway-junit.xml --markdown goneaway-matrix.md \
	-o goneaway-results "$@"
