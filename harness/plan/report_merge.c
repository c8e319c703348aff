/* report_merge.c - "goneaway report": the results of one or several runs
 * (shards on other machines, other servers or clients), read back from
 * their results.jsonl (result/results.h), merged and fed to the same
 * sinks as a run's cases (plan/sink.h): the outputs, the table, the
 * totals and --strict, which says its violations after the summary. */
#include "plan/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result/results.h"
#include "util/escape.h"

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

/* The sinks of a report, in this order: the totals, the outputs, the
 * table, --strict after the summaries. */
static int add_sinks(struct ga_sinks *l, struct ga_plan *p,
		     struct ga_matrix *m, struct ga_plan_result *r)
{
	if (ga_sink_add_totals(l, r) ||
	    ga_sink_add_outputs(l, p, GA_OUTPUT_REPORT, "goneaway report"))
		return -1;
	if (ga_sink_add_table(l, m) ||
	    (p->strict && ga_sink_add_strict(l, &p->allowed, r, true))) {
		fprintf(stderr, "goneaway report: out of memory\n");
		return -1;
	}
	return 0;
}

/* Every case read, in order, fed to the sinks. */
static void feed(const struct ga_sinks *l, struct ga_results *res,
		 const struct columns *cols)
{
	size_t i, row = 0;
	char name[160];

	ga_sinks_begin_run(l, res->n);
	for (i = 0; i < res->n; i++) {
		struct ga_results_case *c = &res->cases[i];
		struct ga_case_end e = { .index = i, .sc = c->sc,
					 .res = &c->res };

		if (i && strcmp(res->cases[i - 1].sc->label, c->sc->label) != 0)
			row++;
		combo_name(&c->res, name, sizeof(name));
		/* several servers or clients: each case says which, as in
		 * a run with several */
		snprintf(c->res.combo, sizeof(c->res.combo), "%s",
			 cols->n > 1 ? name : "");
		e.row = row;
		e.column = (size_t)column_of(cols, name);
		ga_sinks_begin_case(l, i, c->sc);
		ga_sinks_end_case(l, &e);
	}
}

enum ga_plan_status ga_plan_report(struct ga_plan *p, char **inputs, int n,
				   struct ga_plan_result *r)
{
	struct ga_results res = { 0 };
	struct columns cols = { 0 };
	struct ga_sinks sinks = { 0 };
	struct ga_matrix m;
	struct ga_error err;
	enum ga_plan_status status = GA_PLAN_REFUSED;
	size_t missing;
	int i;

	memset(r, 0, sizeof(*r));
	memset(&m, 0, sizeof(m));
	for (i = 0; i < n; i++) {
		if (ga_results_read(&res, inputs[i], &err)) {
			fprintf(stderr, "goneaway report: %s\n", err.msg);
			goto out;
		}
	}
	if (ga_results_sort(&res, &err)) {
		fprintf(stderr, "goneaway report: %s\n", err.msg);
		goto out;
	}
	if (res.n == 0) {
		fprintf(stderr, "goneaway report: no case in the results\n");
		goto out;
	}
	/* where the results came from: a Markdown table says it first */
	if (make_matrix(&res, &cols, &m) || matrix_heads(&res, &m)) {
		fprintf(stderr, "goneaway report: out of memory\n");
		goto out;
	}
	if (add_sinks(&sinks, p, &m, r))
		goto out;
	feed(&sinks, &res, &cols);
	r->sum.wall_ms = res.sum.wall_ms;
	r->sum.signo = res.sum.signo;
	r->sum.table = &m;
	ga_sinks_end_run(&sinks, &r->sum);
	r->sum.table = NULL;
	missing = missing_shards(&res, p->strict);
	if (missing && p->strict) {
		r->violations++;
		ga_why_strict(&r->why, "%zu shard%s of a --shard K/N split "
			      "missing (above)", missing,
			      missing == 1 ? "" : "s");
	}
	status = GA_PLAN_DONE;
out:
	ga_sinks_free(&sinks);
	ga_matrix_free(&m);
	free(cols.names);
	ga_results_free(&res);
	return status;
}
