/* markdown.c - the server × client table (report/matrix.h) as a
 * Markdown table in a file, written when the run ends: --markdown FILE
 * of run and report. */
#include "report/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/outputs.h"

static void markdown_end_run(struct ga_reporter *rep,
			     const struct ga_run_summary *sum)
{
	const char *path = rep->state;
	FILE *f;

	if (!sum->table)
		return;
	f = fopen(path, "we");
	if (!f) {
		fprintf(stderr, "goneaway: --markdown %s: %s\n", path,
			strerror(errno));
		return;
	}
	ga_matrix_print(sum->table, f, true);
	fclose(f);
}

static void markdown_destroy(struct ga_reporter *rep)
{
	free(rep->state);
}

static const struct ga_reporter_ops markdown_ops = {
	.end_run = markdown_end_run,
	.destroy = markdown_destroy,
};

static struct ga_reporter *markdown_open(const struct ga_output_args *a,
					 struct ga_error *err)
{
	return ga_reporter_new(&markdown_ops, strdup(a->path), err);
}

const struct ga_output ga_output_markdown = {
	.name = "markdown",
	.file = GA_OUTPUT_RUN | GA_OUTPUT_REPORT,
	.table = true,
	.help = "also write that table as Markdown to FILE",
	.doc = "the server × client table as Markdown",
	.since = "0.2.0",
	.open = markdown_open,
};
