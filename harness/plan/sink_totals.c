/* sink_totals.c - the sink that counts: every case's verdict, runs and server
 * starts into the run's summary, and the FAILs and ERRORs the last line
 * names again (plan/why.h). */
#include "plan/internal.h"

static void totals_end_case(struct ga_sink *s, const struct ga_case_end *e)
{
	struct ga_plan_result *r = s->state;
	const struct ga_case_result *res = e->res;

	switch (res->verdict) {
	case GA_VERDICT_PASS: r->sum.pass++; break;
	case GA_VERDICT_FAIL: r->sum.fail++; break;
	case GA_VERDICT_SKIP: r->sum.skip++; break;
	case GA_VERDICT_ERROR: r->sum.error++; break;
	}
	r->sum.servers_started += (size_t)res->servers_started;
	r->sum.runs += (size_t)res->runs;
	ga_why_case(&r->why, e->sc, res);
}

static const struct ga_sink_ops totals_ops = {
	.name = "totals",
	.end_case = totals_end_case,
};

int ga_sink_add_totals(struct ga_sinks *l, struct ga_plan_result *r)
{
	return ga_sinks_add(l, &totals_ops, r);
}
