/* outputs.c - a reporter (report/report.h) as a sink: every output of a
 * run or a report is fed through it. */
#include "plan/internal.h"

static void rep_begin_run(struct ga_sink *s, size_t ncases)
{
	struct ga_reporter *rep = s->state;

	rep->ops->begin_run(rep, ncases);
}

static void rep_begin_case(struct ga_sink *s, size_t index,
			   const struct ga_scenario *sc)
{
	struct ga_reporter *rep = s->state;

	rep->ops->begin_case(rep, index, sc);
}

static void rep_end_case(struct ga_sink *s, const struct ga_case_end *e)
{
	struct ga_reporter *rep = s->state;

	rep->ops->end_case(rep, e->index, e->sc, e->res);
}

static void rep_end_run(struct ga_sink *s, const struct ga_run_summary *sum)
{
	struct ga_reporter *rep = s->state;

	rep->ops->end_run(rep, sum);
}

static void rep_destroy(struct ga_sink *s)
{
	ga_reporter_free(s->state);
}

static const struct ga_sink_ops reporter_ops = {
	.name = "output",
	.begin_run = rep_begin_run,
	.begin_case = rep_begin_case,
	.end_case = rep_end_case,
	.end_run = rep_end_run,
	.destroy = rep_destroy,
};

int ga_sink_add_reporter(struct ga_sinks *l, struct ga_reporter *rep)
{
	return ga_sinks_add(l, &reporter_ops, rep);
}
