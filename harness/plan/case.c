/* case.c - what happens to a case that ended, whoever ran it (plan/run.c
 * one after another, plan/jobs.c on -j's workers): its folder, the
 * reporters, the matrix, the totals, --strict, --record and
 * --expectations. */
#include "plan/internal.h"

#include <stdio.h>
#include <string.h>

void ga_plan_begin_case(struct ga_plan_state *st, size_t index,
			const struct ga_scenario *sc)
{
	size_t i;

	for (i = 0; i < st->nreps; i++)
		st->reps[i]->ops->begin_case(st->reps[i], index, sc);
}

void ga_plan_end_case(struct ga_plan_state *st, size_t index,
		      size_t row, const struct ga_combo *k,
		      const struct ga_scenario *sc,
		      struct ga_case_result *res)
{
	struct ga_plan *p = st->p;
	struct ga_plan_result *r = st->r;
	size_t i;

	snprintf(res->combo, sizeof(res->combo), "%s", k->label);
	ga_plan_case_folder(p, k, sc, res);
	switch (res->verdict) {
	case GA_VERDICT_PASS: r->sum.pass++; break;
	case GA_VERDICT_FAIL: r->sum.fail++; break;
	case GA_VERDICT_SKIP: r->sum.skip++; break;
	case GA_VERDICT_ERROR: r->sum.error++; break;
	}
	r->sum.servers_started += (size_t)res->servers_started;
	r->sum.runs += (size_t)res->runs;
	for (i = 0; i < st->nreps; i++)
		st->reps[i]->ops->end_case(st->reps[i], index, sc, res);
	ga_matrix_set(&st->m, row, k->column, sc, res,
		      p->drivers[k->client].library);
	ga_why_case(&r->why, sc, res);
	if (p->strict)
		r->violations += ga_strict_violations(&p->allowed, sc, res,
						      &r->why);
	if (p->record)
		ga_recorder_case(&p->rec, sc, res, &p->drivers[k->client]);
	else if (p->expectations)
		ga_expect_file_ran(&p->ce, sc, res);
}
