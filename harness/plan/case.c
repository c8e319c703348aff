/* case.c - a case that ended, whoever ran it (plan/plan.c one after
 * another, plan/jobs_run.c on -j's workers), fed to the run's sinks. */
#include "plan/internal.h"

#include <stdio.h>

void ga_plan_begin_case(struct ga_plan_state *st, size_t index,
			const struct ga_scenario *sc)
{
	ga_sinks_begin_case(&st->sinks, index, sc);
}

void ga_plan_end_case(struct ga_plan_state *st, size_t index,
		      size_t row, const struct ga_combo *k,
		      const struct ga_scenario *sc,
		      struct ga_case_result *res)
{
	struct ga_case_end e = {
		.index = index,
		.row = row,
		.column = k->column,
		.sub = k->sub[0] ? k->sub : NULL,
		.sc = sc,
		.res = res,
		.driver = &st->p->drivers[k->client],
	};

	snprintf(res->combo, sizeof(res->combo), "%s", k->label);
	ga_sinks_end_case(&st->sinks, &e);
}
