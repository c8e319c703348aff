/* report.c - "goneaway report DIR|FILE.jsonl ...": the results of one or
 * several runs (shards on other machines, other servers or clients),
 * read back from their results.jsonl (report/results.h), merged and
 * shown as one run would show them, with the same exit status. */
#include "cli/internal.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/matrix.h"
#include "report/report.h"
#include "report/results.h"
#include "run/runner.h"
#include "util/escape.h"
#include "plan/allow.h"
#include "plan/output.h"

#define MAX_REPORTERS 4

struct report_args {
	const char *format;
	const char *junit;
	const char *tap;
	const char *markdown;
	const char *html;
	const char *color;
	int verbose;
	bool timings;
	bool strict;
	struct ga_allow allowed;       /* --allow-skip rules */
};

enum {
	OPT_JUNIT = 256, OPT_TAP, OPT_MARKDOWN, OPT_COLOR, OPT_TIMINGS,
	OPT_STRICT, OPT_ALLOW_SKIP, OPT_HTML,
};

static const struct option report_long_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "junit", required_argument, NULL, OPT_JUNIT },
	{ "tap", required_argument, NULL, OPT_TAP },
	{ "markdown", required_argument, NULL, OPT_MARKDOWN },
	{ "html", required_argument, NULL, OPT_HTML },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "verbose", no_argument, NULL, 'v' },
	{ "timings", no_argument, NULL, OPT_TIMINGS },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "allow-skip", required_argument, NULL, OPT_ALLOW_SKIP },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_report_args(int argc, char **argv, struct report_args *a)
{
	struct ga_error err;
	int c;

	memset(a, 0, sizeof(*a));
	a->format = "human";
	a->color = "auto";
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:vh", report_long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'f': a->format = optarg; break;
		case OPT_JUNIT: a->junit = optarg; break;
		case OPT_TAP: a->tap = optarg; break;
		case OPT_MARKDOWN: a->markdown = optarg; break;
		case OPT_HTML: a->html = optarg; break;
		case OPT_COLOR: a->color = optarg; break;
		case 'v': a->verbose++; break;
		case OPT_TIMINGS: a->timings = true; break;
		case OPT_STRICT: a->strict = true; break;
		case OPT_ALLOW_SKIP:
			if (ga_allow_add(&a->allowed, optarg, &err)) {
				ga_esc_line(stderr, "goneaway report: "
					    "--allow-skip: %s", err.msg);
				return -1;
			}
			break;
		case 'h':
			fputs(ga_usage_text, stdout);
			exit(EXIT_ALL_PASSED);
		default:
			return -1;
		}
	}
	if (strcmp(a->format, "human") != 0 && strcmp(a->format, "tap") != 0) {
		fprintf(stderr, "goneaway report: --format: '%s' is not human "
			"or tap\n", a->format);
		return -1;
	}
	if (strcmp(a->color, "auto") != 0 && strcmp(a->color, "always") != 0 &&
	    strcmp(a->color, "never") != 0) {
		fprintf(stderr, "goneaway report: --color: '%s' is not auto, "
			"always or never\n", a->color);
		return -1;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: goneaway report [options] DIR|FILE.jsonl"
			"...  (the -o directories of runs, or their "
			"results.jsonl)\n");
		return -1;
	}
	return 0;
}

static int build_reporters(const struct report_args *a,
			   struct ga_reporter **reps, size_t *n)
{
	struct ga_error err;
	FILE *f;

	reps[*n] = strcmp(a->format, "tap") == 0
		? ga_report_tap_new(stdout)
		: ga_report_human_new(stdout, ga_use_color(a->color),
				      a->verbose, a->timings);
	if (!reps[*n])
		goto oom;
	(*n)++;
	if (a->junit) {
		reps[*n] = ga_report_junit_new(a->junit, &err);
		if (!reps[*n]) {
			fprintf(stderr, "goneaway report: %s\n", err.msg);
			return -1;
		}
		(*n)++;
	}
	if (a->tap) {
		f = fopen(a->tap, "we");
		if (!f) {
			fprintf(stderr, "goneaway report: --tap %s: %s\n",
				a->tap, strerror(errno));
			return -1;
		}
		reps[*n] = ga_report_tap_new(f);
		if (!reps[*n]) {
			fclose(f);
			goto oom;
		}
		reps[*n]->owns_out = true;
		(*n)++;
	}
	return 0;
oom:
	fprintf(stderr, "goneaway report: out of memory\n");
	return -1;
}

/* The table's columns: each server, client and proxy, in the cases'
 * order. */
struct columns {
	char (*names)[160];     /* "server/client" */
	size_t n;
};

static long column_of(const struct columns *cols, const char *name)
{
	size_t i;

	for (i = 0; i < cols->n; i++)
		if (strcmp(cols->names[i], name) == 0)
			return (long)i;
	return -1;
}

/* A case's "server/client" ("server/client/proxy" from a run with
 * --proxy); the column of a run with only one is the server's name, as
 * "goneaway run" names it. */
static void combo_name(const struct ga_case_result *res, char *buf,
		       size_t len)
{
	snprintf(buf, len, "%s/%s%s%s", res->server, res->client,
		 res->proxy[0] ? "/" : "", res->proxy);
}

/* The table's rows: each scenario label once, in order. */
static int make_matrix(const struct ga_results *r, struct columns *cols,
		       struct ga_matrix *m)
{
	struct ga_scenario **rows;
	size_t i, nrows = 0;
	char name[160];
	int rc = -1;

	rows = calloc(r->n ? r->n : 1, sizeof(*rows));
	cols->names = calloc(r->n ? r->n : 1, sizeof(*cols->names));
	if (!rows || !cols->names)
		goto out;
	for (i = 0; i < r->n; i++) {
		if (!nrows || strcmp(rows[nrows - 1]->label,
				     r->cases[i].sc->label) != 0)
			rows[nrows++] = r->cases[i].sc;
		combo_name(&r->cases[i].res, name, sizeof(name));
		if (column_of(cols, name) < 0)
			snprintf(cols->names[cols->n++], sizeof(cols->names[0]),
				 "%s", name);
	}
	if (ga_matrix_init(m, rows, nrows, cols->n))
		goto out;
	for (i = 0; i < cols->n; i++)
		if (ga_matrix_column(m, i, cols->n > 1 ? cols->names[i] :
				     r->cases[0].res.server))
			goto out;
	rc = 0;
out:
	free(rows);
	return rc;
}

/* The lines a Markdown table starts with: where its results came from,
 * one per run read (the same run given twice once). */
static int matrix_heads(const struct ga_results *r, struct ga_matrix *m)
{
	char line[1400], prev[1400];
	size_t i, j;

	for (i = 0; i < r->nfiles; i++) {
		ga_results_run_line(&r->runs[i], line, sizeof(line));
		for (j = 0; j < i; j++) {
			ga_results_run_line(&r->runs[j], prev, sizeof(prev));
			if (strcmp(prev, line) == 0)
				break;
		}
		if (j == i && ga_matrix_head(m, line))
			return -1;
	}
	return 0;
}

/* --strict: what a passing run may not have, as "goneaway run" says. */

/* The shards of a --shard K/N split missing from the files read: for
 * each N, every K from 1 to N must be there.  Each missing shard is told
 * on stderr; returns how many are missing. */
static size_t missing_shards(const struct ga_results *r, bool strict)
{
	size_t i, j, missing = 0;
	unsigned k;
	bool seen_n, have;

	for (i = 0; i < r->nfiles; i++) {
		unsigned n = r->shards[i].n;

		if (n == 0)
			continue;
		for (seen_n = false, j = 0; j < i; j++)
			seen_n = seen_n || r->shards[j].n == n;
		if (seen_n)     /* that split was checked */
			continue;
		for (k = 1; k <= n; k++) {
			for (have = false, j = 0; j < r->nfiles; j++)
				have = have || (r->shards[j].n == n &&
						r->shards[j].k == k);
			if (have)
				continue;
			missing++;
			ga_esc_line(stderr, "goneaway report: shard %u/%u is "
				    "missing: %s holds shard %u/%u of a split "
				    "in %u, and no results of shard %u were "
				    "given%s", k, n, r->files[i],
				    r->shards[i].k, n, n, k,
				    strict ? "" : " (--strict fails it)");
		}
	}
	return missing;
}

static void report_cases(struct ga_results *r, const struct columns *cols,
			 struct ga_reporter **reps, size_t nreps,
			 struct ga_matrix *m, struct ga_run_summary *sum)
{
	size_t i, k, row = 0;
	char name[160];

	for (k = 0; k < nreps; k++)
		reps[k]->ops->begin_run(reps[k], r->n);
	for (i = 0; i < r->n; i++) {
		struct ga_results_case *c = &r->cases[i];

		if (i && strcmp(r->cases[i - 1].sc->label, c->sc->label) != 0)
			row++;
		combo_name(&c->res, name, sizeof(name));
		/* several servers or clients: each case says which, as in
		 * a run with several */
		snprintf(c->res.combo, sizeof(c->res.combo), "%s",
			 cols->n > 1 ? name : "");
		switch (c->res.verdict) {
		case GA_VERDICT_PASS: sum->pass++; break;
		case GA_VERDICT_FAIL: sum->fail++; break;
		case GA_VERDICT_SKIP: sum->skip++; break;
		case GA_VERDICT_ERROR: sum->error++; break;
		}
		sum->runs += (size_t)c->res.runs;
		sum->servers_started += (size_t)c->res.servers_started;
		for (k = 0; k < nreps; k++) {
			reps[k]->ops->begin_case(reps[k], i, c->sc);
			reps[k]->ops->end_case(reps[k], i, c->sc, &c->res);
		}
		ga_matrix_set(m, row, (size_t)column_of(cols, name), c->sc,
			      &c->res, c->res.library);
	}
}

int cmd_report(int argc, char **argv)
{
	struct ga_reporter *reps[MAX_REPORTERS] = { NULL };
	struct ga_results r = { 0 };
	struct ga_run_summary sum;
	struct columns cols = { 0 };
	struct ga_matrix m;
	struct report_args a;
	struct ga_error err;
	size_t nreps = 0, i, violations = 0, missing;
	struct ga_why why;
	int code = EXIT_USAGE;

	memset(&why, 0, sizeof(why));
	memset(&m, 0, sizeof(m));
	memset(&sum, 0, sizeof(sum));
	if (parse_report_args(argc, argv, &a))
		return EXIT_USAGE;
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		if (ga_results_read(&r, argv[i], &err)) {
			fprintf(stderr, "goneaway report: %s\n", err.msg);
			goto out;
		}
	}
	if (ga_results_sort(&r, &err)) {
		fprintf(stderr, "goneaway report: %s\n", err.msg);
		goto out;
	}
	if (r.n == 0) {
		fprintf(stderr, "goneaway report: no case in the results\n");
		goto out;
	}
	if (make_matrix(&r, &cols, &m) ||
	    (a.markdown && matrix_heads(&r, &m))) {
		fprintf(stderr, "goneaway report: out of memory\n");
		goto out;
	}
	if (build_reporters(&a, reps, &nreps))
		goto out;
	report_cases(&r, &cols, reps, nreps, &m, &sum);
	sum.wall_ms = r.sum.wall_ms;
	sum.signo = r.sum.signo;
	if (cols.n > 1 && strcmp(a.format, "tap") != 0)
		ga_matrix_print(&m, stdout, false);
	if (a.markdown)
		ga_write_markdown(a.markdown, &m);
	if (a.html)
		ga_write_html(a.html, &m);
	for (i = 0; i < nreps; i++)
		reps[i]->ops->end_run(reps[i], &sum);
	for (i = 0; i < r.n; i++)
		ga_why_case(&why, r.cases[i].sc, &r.cases[i].res);
	for (i = 0; a.strict && i < r.n; i++)
		violations += ga_strict_violations(&a.allowed,
						    r.cases[i].sc,
						    &r.cases[i].res, &why);
	missing = missing_shards(&r, a.strict);
	if (missing && a.strict) {
		violations++;
		ga_why_strict(&why, "%zu shard%s of a --shard K/N split "
			       "missing (above)", missing,
			       missing == 1 ? "" : "s");
	}
	if (sum.signo)
		code = EXIT_INTERRUPTED + sum.signo;
	else if (sum.fail)
		code = EXIT_SOME_FAILED;
	else if (sum.error)
		code = EXIT_SOME_ERROR;
	else if (violations)
		code = EXIT_STRICT;
	else
		code = EXIT_ALL_PASSED;
	cli_why_print(&why, "goneaway report", code, sum.signo);
out:
	for (i = 0; i < nreps; i++)
		ga_reporter_free(reps[i]);
	ga_matrix_free(&m);
	free(cols.names);
	ga_results_free(&r);
	return code;
}
