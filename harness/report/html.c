/* html.c - the server × client table (report/matrix.h) as one HTML page
 * in a file, written when the run ends: --html FILE of run and report.
 * Its links to each cell's steps.log are relative to the page's own
 * directory (report/matrix_html.c writes the page). */
#include "report/report.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "report/outputs.h"

static void html_end_run(struct ga_reporter *rep,
			 const struct ga_run_summary *sum)
{
	const char *path = rep->state;
	char real[PATH_MAX], *slash;
	const char *base = NULL;
	FILE *f = ga_output_table_file("html", path, sum);
	struct ga_error err;
	int rc;

	if (!f)
		return;
	/* links to evidence are relative to the page's own directory */
	if (realpath(path, real)) {
		slash = strrchr(real, '/');
		slash[slash == real ? 1 : 0] = '\0';
		base = real;
	}
	rc = ga_matrix_html_write(sum->table, f, "goneaway: results", base,
				  &err);
	if (fclose(f) != 0 && rc == 0)
		rc = ga_error_errno(&err, errno, "cannot write the HTML table");
	if (rc)
		ga_esc_line(stderr, "goneaway: --html %s: %s", path, err.msg);
}

GA_OUTPUT_TABLE_FILE(html)

const struct ga_output ga_output_html = {
	.name = "html",
	.file = GA_OUTPUT_RUN | GA_OUTPUT_REPORT,
	.table = true,
	.help = "also write it as one HTML page to FILE, each\n"
		"cell coloured by verdict and linked to its\n"
		"steps.log",
	.doc = "the results as one HTML page",
	.since = "0.2.0",
	.open = html_open,
};
