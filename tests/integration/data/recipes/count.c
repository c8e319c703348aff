/* count.c - an output of t0006-recipes: how many cases ended, written
 * to FILE when the run ends (--count FILE).  It goes in as
 * docs/ARCHITECTURE.md's recipe says: this file and its word in
 * GA_OUTPUTS. */
#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/outputs.h"

static void count_end_run(struct ga_reporter *rep,
			  const struct ga_run_summary *sum)
{
	FILE *f = fopen(rep->state, "we");

	if (!f)
		return;
	fprintf(f, "%zu cases\n", sum->pass + sum->fail + sum->skip +
		sum->error);
	fclose(f);
}

static void count_destroy(struct ga_reporter *rep)
{
	free(rep->state);
}

static const struct ga_reporter_ops count_ops = {
	.end_run = count_end_run,
	.destroy = count_destroy,
};

static struct ga_reporter *count_open(const struct ga_output_args *a,
				      struct ga_error *err)
{
	return ga_reporter_new(&count_ops, strdup(a->path), err);
}

const struct ga_output ga_output_count = {
	.name = "count",
	.file = GA_OUTPUT_RUN | GA_OUTPUT_REPORT,
	.help = "also write how many cases ended to FILE",
	.doc = "how many cases ended",
	.since = "0.5.0",
	.open = count_open,
};
