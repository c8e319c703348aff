/* sink_outputs.c - the outputs of a run or a report (report/outputs.h): each
 * a reporter (report/report.h) fed as a sink. */
#include "plan/internal.h"

#include <stdio.h>

#include "util/escape.h"

static void rep_begin_run(struct ga_sink *s, size_t ncases)
{
	struct ga_reporter *rep = s->state;

	if (rep->ops->begin_run)
		rep->ops->begin_run(rep, ncases);
}

static void rep_begin_case(struct ga_sink *s, size_t index,
			   const struct ga_scenario *sc)
{
	struct ga_reporter *rep = s->state;

	if (rep->ops->begin_case)
		rep->ops->begin_case(rep, index, sc);
}

static void rep_end_case(struct ga_sink *s, const struct ga_case_end *e)
{
	struct ga_reporter *rep = s->state;

	if (rep->ops->end_case)
		rep->ops->end_case(rep, e->index, e->sc, e->res);
}

static void rep_end_run(struct ga_sink *s, const struct ga_run_summary *sum)
{
	struct ga_reporter *rep = s->state;

	if (rep->ops->end_run)
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

/* A reporter, owned from now on (plan/sink_outputs.c). */
static int sink_add_reporter(struct ga_sinks *l, struct ga_reporter *rep)
{
	return ga_sinks_add(l, &reporter_ops, rep);
}

int ga_sink_add_output(struct ga_sinks *l, const struct ga_plan *p,
		       const struct ga_output *o, const char *path,
		       bool fresh, const char *cmd)
{
	struct ga_output_args a = {
		.path = path,
		.console = stdout,
		.color = p->color,
		.verbose = p->verbose,
		.timings = p->timings,
		.meta = &p->meta,
		.fresh = fresh,
	};
	struct ga_reporter *rep;
	struct ga_error err;

	rep = o->open(&a, &err);
	if (!rep) {
		ga_esc_line(stderr, "%s: %s", cmd, err.msg);
		return -1;
	}
	if (sink_add_reporter(l, rep)) {
		fprintf(stderr, "%s: out of memory\n", cmd);
		return -1;
	}
	return 0;
}

int ga_sink_add_outputs(struct ga_sinks *l, const struct ga_plan *p,
			unsigned command, const char *cmd)
{
	const struct ga_output *const *o = ga_outputs();
	size_t i;

	if (ga_sink_add_output(l, p, p->console, NULL, false, cmd))
		return -1;
	for (i = 0; o[i]; i++)
		if (p->files[i] && (o[i]->file & command) &&
		    ga_sink_add_output(l, p, o[i], p->files[i], false, cmd))
			return -1;
	return 0;
}
