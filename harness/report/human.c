/* report_human.c - the default console reporter: one line per scenario
 * with its observed codes and timings, details for anything not PASS. */
#include "report/report.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "report/outputs.h"

struct timing_row {
	char name[64];
	char combo[160];                /* "" with one server and client */
	long runs;                      /* repetitions: setup_ms is theirs */
	enum ga_verdict verdict;
	double wall_ms, waits_ms, setup_ms, steps_ms, teardown_ms;
};

struct human_state {
	struct timing_row *rows;        /* owned, one per case when timings */
	size_t nrows;
};

static const char *verdict_color(enum ga_verdict v)
{
	switch (v) {
	case GA_VERDICT_PASS: return "\033[32m";
	case GA_VERDICT_FAIL: return "\033[31m";
	case GA_VERDICT_SKIP: return "\033[33m";
	case GA_VERDICT_ERROR: return "\033[35m";
	}
	return "";
}

static void human_begin_run(struct ga_reporter *rep, size_t ncases)
{
	struct human_state *st = rep->state;

	rep->ncases = ncases;
	if (rep->timings) {
		st->rows = calloc(ncases ? ncases : 1, sizeof(*st->rows));
		if (!st->rows)
			rep->timings = false;
	}
}

static void human_begin_case(struct ga_reporter *rep, size_t index,
			     const struct ga_scenario *sc)
{
	char name[256];

	ga_esc_format(name, sizeof(name), ga_scenario_label(sc), GA_ESC_TEXT);
	fprintf(rep->out, "[%zu/%zu] %-28s ", index + 1, rep->ncases, name);
	fflush(rep->out);
}

static void human_end_case(struct ga_reporter *rep, size_t index,
			   const struct ga_scenario *sc,
			   const struct ga_case_result *res)
{
	struct human_state *st = rep->state;
	const char *on = rep->color ? verdict_color(res->verdict) : "";
	const char *off = rep->color ? "\033[0m" : "";

	(void)index;
	fprintf(rep->out, "%s%-5s%s", on, ga_verdict_name(res->verdict), off);
	if (res->verdict != GA_VERDICT_SKIP)
		fprintf(rep->out, "  %.2f s (deliberate waits %.2f s)",
			res->wall_ms / 1000.0, res->waits_ms / 1000.0);
	if (res->combo[0]) {
		fputs("  [", rep->out);
		ga_esc_write(rep->out, res->combo, GA_ESC_TEXT);
		fputc(']', rep->out);
	}
	fputc('\n', rep->out);
	if (res->verdict == GA_VERDICT_SKIP) {
		fputs("      skipped: ", rep->out);
		ga_esc_write(rep->out, res->reason, GA_ESC_TEXT);
		fputc('\n', rep->out);
	} else if (res->verdict != GA_VERDICT_PASS) {
		fputs("      ", rep->out);
		ga_esc_write(rep->out, sc->path, GA_ESC_TEXT);
		if (res->line)
			fprintf(rep->out, ":%d", res->line);
		fputs(": ", rep->out);
		ga_esc_write(rep->out, res->reason, GA_ESC_TEXT);
		fputc('\n', rep->out);
	}
	/* a partly skipped case: what ran, and what was skipped */
	if (res->verdict != GA_VERDICT_SKIP || ga_case_partly_skipped(res))
		ga_report_steps(rep->out, "      ", sc, res, rep->verbose == 0);
	/* -v: where its server came from, and whether it was kept */
	if (rep->verbose && res->server_setup[0]) {
		fputs("      server: ", rep->out);
		ga_esc_write(rep->out, res->server_setup, GA_ESC_TEXT);
		fputc('\n', rep->out);
	}
	if (rep->verbose && res->client_setup[0]) {
		fputs("      drivers: ", rep->out);
		ga_esc_write(rep->out, res->client_setup, GA_ESC_TEXT);
		fputc('\n', rep->out);
	}
	if (rep->verbose && res->server_after[0]) {
		fputs("      server after: ", rep->out);
		ga_esc_write(rep->out, res->server_after, GA_ESC_TEXT);
		fputc('\n', rep->out);
	}
	if (res->verdict != GA_VERDICT_PASS && res->results[0]) {
		fputs("      evidence: ", rep->out);
		ga_esc_write(rep->out, res->results, GA_ESC_TEXT);
		fputs("/\n", rep->out);
	}
	if (rep->timings && st->rows && st->nrows < rep->ncases) {
		struct timing_row *row = &st->rows[st->nrows++];

		ga_esc_format(row->name, sizeof(row->name), ga_scenario_label(sc),
			      GA_ESC_TEXT);
		snprintf(row->combo, sizeof(row->combo), "%s", res->combo);
		row->runs = res->runs > 0 ? res->runs : 1;
		row->verdict = res->verdict;
		row->wall_ms = res->wall_ms;
		row->waits_ms = res->waits_ms;
		row->setup_ms = res->setup_ms;
		row->steps_ms = res->steps_ms;
		row->teardown_ms = res->teardown_ms;
	}
	fflush(rep->out);
}

static int by_ms(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* With several servers or clients: the mean and median set-up of a
 * scenario's run (a repeated scenario counts once, with its mean) on
 * each, SKIPs left out, and the mean's ratio to the first's, all from
 * this one run (what "make bench" compares backends with). */
static void print_setup_ratios(struct ga_reporter *rep)
{
	struct human_state *st = rep->state;
	double *ms, first = 0, sum, median;
	size_t i, j, n;
	bool seen;

	if (st->nrows == 0 || !st->rows[0].combo[0])
		return;
	ms = calloc(st->nrows, sizeof(*ms));
	if (!ms)
		return;
	fprintf(rep->out, "set-up per scenario (lab, datadir copy, server "
		"start; SKIPs left out):\n");
	for (i = 0; i < st->nrows; i++) {
		const char *combo = st->rows[i].combo;

		for (j = 0, seen = false; j < i && !seen; j++)
			seen = strcmp(st->rows[j].combo, combo) == 0;
		if (seen)
			continue;
		for (j = i, n = 0, sum = 0; j < st->nrows; j++) {
			if (strcmp(st->rows[j].combo, combo) != 0 ||
			    st->rows[j].verdict == GA_VERDICT_SKIP)
				continue;
			ms[n] = st->rows[j].setup_ms / (double)st->rows[j].runs;
			sum += ms[n++];
		}
		if (n == 0) {
			fprintf(rep->out, "  %-40s (every scenario SKIPped)\n",
				combo);
			continue;
		}
		qsort(ms, n, sizeof(*ms), by_ms);
		median = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
		fprintf(rep->out, "  %-40s mean %5.2f s, median %5.2f s "
			"(%zu scenarios)", combo, sum / (double)n / 1000.0,
			median / 1000.0, n);
		if (first > 0)
			fprintf(rep->out, "  %.2f x the first", sum / (double)n /
				first);
		else
			first = sum / (double)n;
		fputc('\n', rep->out);
	}
	free(ms);
}

static void print_timings(struct ga_reporter *rep)
{
	struct human_state *st = rep->state;
	double wall = 0, waits = 0;
	size_t i;

	fprintf(rep->out, "\n%-28s %8s %8s %9s %8s %8s %9s\n", "scenario",
		"wall", "waits", "overhead", "setup", "steps", "teardown");
	for (i = 0; i < st->nrows; i++) {
		const struct timing_row *r = &st->rows[i];

		fprintf(rep->out, "%-28s %7.0fms %7.0fms %8.0fms %7.0fms %7.0fms "
			"%8.0fms\n", r->name, r->wall_ms, r->waits_ms,
			r->wall_ms - r->waits_ms, r->setup_ms, r->steps_ms,
			r->teardown_ms);
		wall += r->wall_ms;
		waits += r->waits_ms;
	}
	if (wall > 0)
		fprintf(rep->out, "total: wall %.0f ms, deliberate waits %.0f ms, "
			"overhead %.0f ms = %.2f of wall time, %.0f ms per scenario\n",
			wall, waits, wall - waits, (wall - waits) / wall,
			st->nrows ? (wall - waits) / (double)st->nrows : 0.0);
	print_setup_ratios(rep);
}

static void human_end_run(struct ga_reporter *rep,
			  const struct ga_run_summary *sum)
{
	/* several servers, clients or proxies: the table first */
	if (sum->table && sum->table->ncols > 1)
		ga_matrix_print(sum->table, rep->out, false);
	if (rep->timings)
		print_timings(rep);
	if (sum->signo)
		fprintf(rep->out, "interrupted by signal %d (%s): the run "
			"stopped early\n", sum->signo, strsignal(sum->signo));
	fprintf(rep->out, "\n%zu PASS, %zu FAIL, %zu SKIP, %zu ERROR in %.1f s\n",
		sum->pass, sum->fail, sum->skip, sum->error, sum->wall_ms / 1000.0);
	if (sum->servers_started)
		fprintf(rep->out, "servers started: %zu for %zu case%s\n",
			sum->servers_started, sum->runs,
			sum->runs == 1 ? "" : "s");
	/* the closing line CI tools read: every verdict counted as itself */
	fprintf(rep->out, "scenarios: %zu passed, %zu failed, %zu error%s, "
		"%zu skipped\n", sum->pass, sum->fail, sum->error,
		sum->error == 1 ? "" : "s", sum->skip);
	fflush(rep->out);
}

static void human_destroy(struct ga_reporter *rep)
{
	struct human_state *st = rep->state;

	if (st)
		free(st->rows);
	free(st);
}

static const struct ga_reporter_ops human_ops = {
	.begin_run = human_begin_run,
	.begin_case = human_begin_case,
	.end_case = human_end_case,
	.end_run = human_end_run,
	.destroy = human_destroy,
};

struct ga_reporter *ga_report_human_new(FILE *out, bool color, int verbose,
					bool timings)
{
	struct ga_reporter *rep = calloc(1, sizeof(*rep));

	if (!rep)
		return NULL;
	rep->state = calloc(1, sizeof(struct human_state));
	if (!rep->state) {
		free(rep);
		return NULL;
	}
	rep->ops = &human_ops;
	rep->out = out;
	rep->color = color;
	rep->verbose = verbose;
	rep->timings = timings;
	return rep;
}

static struct ga_reporter *human_open(const struct ga_output_args *a,
				      struct ga_error *err)
{
	struct ga_reporter *rep = ga_report_human_new(a->console, a->color,
						      a->verbose, a->timings);

	if (!rep)
		ga_error_set(err, "out of memory");
	return rep;
}

const struct ga_output ga_output_human = {
	.name = "human",
	.console = GA_OUTPUT_RUN | GA_OUTPUT_REPORT,
	.live = true,
	.open = human_open,
};
