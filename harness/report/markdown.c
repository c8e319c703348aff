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
	FILE *f = ga_output_table_file("markdown", path, sum);

	if (!f)
		return;
	ga_matrix_print(sum->table, f, true);
	fclose(f);
}

GA_OUTPUT_TABLE_FILE(markdown)

const struct ga_output ga_output_markdown = {
	.name = "markdown",
	.file = GA_OUTPUT_RUN | GA_OUTPUT_REPORT,
	.table = true,
	.help = "also write that table as Markdown to FILE",
	.doc = "the server × client table as Markdown",
	.since = "0.2.0",
	.open = markdown_open,
};
