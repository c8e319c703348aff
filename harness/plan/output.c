/* output.c - what "run" and "report" both do with their output: colours,
 * the HTML table. */
#include "plan/internal.h"
#include "plan/output.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/matrix.h"
#include "util/escape.h"

bool ga_use_color(const char *when)
{
	const char *no = getenv("NO_COLOR");

	if (strcmp(when, "always") == 0)
		return true;
	if (strcmp(when, "never") == 0)
		return false;
	if (no && *no)
		return false;
	return isatty(STDOUT_FILENO) != 0;
}

int ga_write_html(const char *path, const struct ga_matrix *m)
{
	char real[PATH_MAX], *slash;
	const char *base = NULL;
	struct ga_error err;
	FILE *f = fopen(path, "we");
	int rc;

	if (!f) {
		fprintf(stderr, "goneaway: --html %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	/* links to evidence are relative to the page's own directory */
	if (realpath(path, real)) {
		slash = strrchr(real, '/');
		slash[slash == real ? 1 : 0] = '\0';
		base = real;
	}
	rc = ga_matrix_html_write(m, f, "goneaway: results", base, &err);
	if (fclose(f) != 0 && rc == 0)
		rc = ga_error_errno(&err, errno, "cannot write the HTML table");
	if (rc)
		ga_esc_line(stderr, "goneaway: --html %s: %s", path, err.msg);
	return rc;
}

/* --html FILE, written at the run's end. */
struct table_files {
	const char *html;
};

static void files_end_run(struct ga_sink *s, const struct ga_run_summary *sum)
{
	struct table_files *tf = s->state;

	if (sum->table && tf->html)
		ga_write_html(tf->html, sum->table);
}

static void files_destroy(struct ga_sink *s)
{
	free(s->state);
}

static const struct ga_sink_ops files_ops = {
	.name = "table files",
	.end_run = files_end_run,
	.destroy = files_destroy,
};

int ga_sink_add_table_files(struct ga_sinks *l, const char *html)
{
	struct table_files *tf;

	if (!html)
		return 0;
	tf = calloc(1, sizeof(*tf));
	if (!tf)
		return -1;
	tf->html = html;
	return ga_sinks_add(l, &files_ops, tf);
}
