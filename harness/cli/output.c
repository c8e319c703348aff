/* output.c - what "run" and "report" both do with their output: colours,
 * --strict's checks of a case, the Markdown and HTML tables. */
#include "cli/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/matrix.h"
#include "run/runner.h"
#include "util/escape.h"

bool cli_use_color(const char *when)
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

size_t cli_strict_violations(const bool *allowed, const char *path,
			     const struct ga_case_result *res)
{
	size_t n = 0;

	if (res->verdict == GA_VERDICT_SKIP && !allowed[res->skip]) {
		fprintf(stderr, "goneaway: --strict: %s was skipped (%s: %s)\n",
			path, ga_skip_kind_name(res->skip), res->reason);
		n++;
	}
	if (res->evidence_lost[0]) {
		fprintf(stderr, "goneaway: --strict: %s: evidence not kept: "
			"%s\n", path, res->evidence_lost);
		n++;
	}
	return n;
}

void cli_write_markdown(const char *path, const struct ga_matrix *m)
{
	FILE *f = fopen(path, "we");

	if (!f) {
		fprintf(stderr, "goneaway: --markdown %s: %s\n", path,
			strerror(errno));
		return;
	}
	ga_matrix_print(m, f, true);
	fclose(f);
}

int cli_write_html(const char *path, const struct ga_matrix *m)
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
