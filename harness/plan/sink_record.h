/* sink_record.h - the recorder of a --record run (plan/sink_record.c): the
 * cases it kept, each scenario's, and where what they saw is written
 * (a patch of the scenarios, or the connector's expectation file). */
#ifndef GA_PLAN_SINK_RECORD_H
#define GA_PLAN_SINK_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/scenario.h"
#include "plan/expectfile.h"
#include "plan/record.h"

struct ga_recorder_scenario {
	const struct ga_scenario *sc;   /* borrowed */
	struct ga_record_case *cases;   /* owned */
	size_t n;
};

struct ga_recorder {
	const char *results_dir;        /* where the patch goes */
	struct ga_expect_file *ce;    /* borrowed; NULL: into the
					 * scenarios, as a patch */
	struct ga_recorder_scenario *v;  /* owned */
	size_t n;
	size_t incomplete;              /* cases that did not reach their
					 * end (ERROR): what they did not
					 * reach is not recorded */
	bool failed;                    /* out of memory on the way */
};

/* Before a --record run into scenarios: results_dir's recorded/, which
 * the run replaces, must be goneaway's (util/ownmark.h) or not there.
 * Returns 0, or -1 when it is not (printed, naming it). */
int ga_recorder_check(const char *results_dir);

void ga_recorder_free(struct ga_recorder *r);

#endif
