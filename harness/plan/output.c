/* output.c - what "run" and "report" both do with their output: colours,
 * --strict's checks of a case, the Markdown and HTML tables. */
#include "plan/plan.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/matrix.h"
#include "run/runner.h"
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

/* The client's label in res->combo ("local/pymysql#2"): what follows
 * the '/' before the client's name, when "#N" or nothing follows that
 * name; NULL when the combo does not show one. */
static const char *client_label(const struct ga_case_result *res)
{
	size_t len = strlen(res->client);
	const char *p, *rest;

	for (p = strchr(res->combo, '/'); p; p = strchr(p + 1, '/')) {
		if (strncmp(p + 1, res->client, len) != 0)
			continue;
		rest = p + 1 + len;
		if (!*rest || (rest[0] == '#' && rest[1] &&
			       strspn(rest + 1, "0123456789") ==
			       strlen(rest + 1)))
			return p + 1;
	}
	return NULL;
}

size_t ga_strict_violations(const struct ga_allow *allow,
			     const struct ga_scenario *sc,
			     const struct ga_case_result *res,
			     struct ga_why *why)
{
	const char *clabel = client_label(res);
	size_t n = 0;

	if (res->verdict == GA_VERDICT_SKIP &&
	    !ga_allow_covers(allow, (int)res->skip, sc->name,
			      ga_scenario_label(sc), res->client, clabel)) {
		fprintf(stderr, "goneaway: --strict: %s was skipped (%s: %s); "
			"--allow-skip %s:%s@%s would let it through\n",
			sc->path, ga_skip_kind_name(res->skip), res->reason,
			ga_skip_kind_name(res->skip), ga_scenario_label(sc),
			clabel ? clabel : res->client);
		if (why)
			ga_why_strict(why, "%s was skipped (%s: %.1000s); "
				       "--allow-skip %s:%s@%s would let it "
				       "through", sc->path,
				       ga_skip_kind_name(res->skip),
				       res->reason,
				       ga_skip_kind_name(res->skip),
				       ga_scenario_label(sc),
				       clabel ? clabel : res->client);
		n++;
	}
	if (res->evidence_lost[0]) {
		fprintf(stderr, "goneaway: --strict: %s: evidence not kept: "
			"%s\n", sc->path, res->evidence_lost);
		if (why)
			ga_why_strict(why, "%s: evidence not kept: %s",
				       sc->path, res->evidence_lost);
		n++;
	}
	return n;
}

void ga_write_markdown(const char *path, const struct ga_matrix *m)
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
