/* race_util.h - a maker and a sweeper side by side, as a -j run has them:
 * each worker's runner sweeps what ended runs left (run directories,
 * runs' cgroups) while its siblings make their own. */
#ifndef GA_TEST_RACE_UTIL_H
#define GA_TEST_RACE_UTIL_H

#include "util/error.h"

struct unit_race {
	int made;               /* things made and ended */
	int failed;             /* makes that failed: err.msg the last's */
	int swept;              /* what the sweeps removed (at most 250):
				 * each a live thing's */
	struct ga_error err;
};

/* For ms milliseconds, calls make_end(ctx, err) in a loop (it makes one
 * thing and ends it: 0, or -1 with err set when the make failed) while
 * a forked child calls sweep(ctx) (how many it removed) once for each
 * make.  The counts go into *r. */
void unit_race(int (*make_end)(void *ctx, struct ga_error *err),
	       int (*sweep)(void *ctx), void *ctx, long ms,
	       struct unit_race *r);

/* Fails the test unless every make of r succeeded and no sweep removed
 * one of the things (what: "run directories") while it lived. */
void unit_race_assert_clean(const struct unit_race *r, const char *what);

#endif
