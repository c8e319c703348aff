/* junit.c - JUnit XML for CI systems: one <testsuite> per server and
 * client of the run ("goneaway" when there is one of each).  Test cases
 * are collected in memory because <testsuite> carries the counts in its
 * attributes. */
#include "report/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "report/outputs.h"

struct suite {
	char name[160];         /* the combination, "" for the only one */
	char *buf;              /* owned by the memstream until fclose */
	size_t len;
	FILE *cases;            /* open_memstream over buf */
	size_t tests, failures, errors, skipped;
	double time_s;
};

struct junit_state {
	struct suite **suites;  /* owned, in order of first appearance; each
				 * apart, as its memstream holds &buf, &len */
	size_t n;
};

/* The suite of a combination, made on first use; NULL when out of
 * memory. */
static struct suite *suite_of(struct junit_state *st, const char *name)
{
	struct suite **grown, *su;
	size_t i;

	for (i = 0; i < st->n; i++)
		if (strcmp(st->suites[i]->name, name) == 0)
			return st->suites[i];
	grown = realloc(st->suites, (st->n + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	st->suites = grown;
	su = calloc(1, sizeof(*su));
	if (!su)
		return NULL;
	snprintf(su->name, sizeof(su->name), "%s", name);
	su->cases = open_memstream(&su->buf, &su->len);
	if (!su->cases) {
		free(su);
		return NULL;
	}
	grown[st->n++] = su;
	return su;
}

static void junit_begin_run(struct ga_reporter *rep, size_t ncases)
{
	rep->ncases = ncases;
}

static void junit_end_case(struct ga_reporter *rep, size_t index,
			   const struct ga_scenario *sc,
			   const struct ga_case_result *res)
{
	struct junit_state *st = rep->state;
	struct suite *su = suite_of(st, res->combo);
	char where[1400];
	char *steps = NULL;
	size_t steps_len = 0;
	FILE *sf, *f;

	(void)index;
	if (!su)
		return;
	f = su->cases;
	su->tests++;
	su->failures += res->verdict == GA_VERDICT_FAIL;
	su->errors += res->verdict == GA_VERDICT_ERROR;
	su->skipped += res->verdict == GA_VERDICT_SKIP;
	su->time_s += res->wall_ms / 1000.0;
	fputs("    <testcase classname=\"", f);
	ga_esc_write(f, su->name[0] ? su->name : "goneaway.scenarios",
		     GA_ESC_XML_ATTR);
	fputs("\" name=\"", f);
	ga_esc_write(f, ga_scenario_label(sc), GA_ESC_XML_ATTR);
	fprintf(f, "\" file=\"");
	ga_esc_write(f, sc->path, GA_ESC_XML_ATTR);
	fprintf(f, "\" time=\"%.3f\">\n", res->wall_ms / 1000.0);
	if (res->line)
		snprintf(where, sizeof(where), "%s:%d: %s", sc->path, res->line,
			 res->reason);
	else
		snprintf(where, sizeof(where), "%s: %s", sc->path, res->reason);
	switch (res->verdict) {
	case GA_VERDICT_PASS:
		break;
	case GA_VERDICT_SKIP:
		fputs("      <skipped message=\"", f);
		ga_esc_write(f, res->reason, GA_ESC_XML_ATTR);
		fputs("\"/>\n", f);
		break;
	case GA_VERDICT_FAIL:
	case GA_VERDICT_ERROR:
		fprintf(f, "      <%s message=\"",
			res->verdict == GA_VERDICT_FAIL ? "failure" : "error");
		ga_esc_write(f, where, GA_ESC_XML_ATTR);
		fputs("\">", f);
		ga_esc_write(f, where, GA_ESC_XML);
		fprintf(f, "</%s>\n",
			res->verdict == GA_VERDICT_FAIL ? "failure" : "error");
		break;
	}
	sf = open_memstream(&steps, &steps_len);
	if (sf) {
		ga_case_identity_write(sf, "", res);
		ga_report_steps(sf, "", sc, res, false);
		if (res->results[0])
			fprintf(sf, "evidence: %s/\n", res->results);
		fclose(sf);
		fputs("      <system-out>", f);
		ga_esc_write(f, steps, GA_ESC_XML);
		fputs("</system-out>\n", f);
		free(steps);
	}
	fputs("    </testcase>\n", f);
}

static void junit_end_run(struct ga_reporter *rep,
			  const struct ga_run_summary *sum)
{
	struct junit_state *st = rep->state;
	size_t i;

	fprintf(rep->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
		"skipped=\"%zu\" time=\"%.3f\">\n",
		sum->pass + sum->fail + sum->skip + sum->error, sum->fail,
		sum->error, sum->skip, sum->wall_ms / 1000.0);
	for (i = 0; i < st->n; i++) {
		struct suite *su = st->suites[i];

		fclose(su->cases);
		su->cases = NULL;
		fputs("  <testsuite name=\"", rep->out);
		ga_esc_write(rep->out, su->name[0] ? su->name : "goneaway",
			     GA_ESC_XML_ATTR);
		fprintf(rep->out, "\" tests=\"%zu\" failures=\"%zu\" "
			"errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
			su->tests, su->failures, su->errors, su->skipped,
			su->time_s);
		if (su->buf)
			fwrite(su->buf, 1, su->len, rep->out);
		fputs("  </testsuite>\n", rep->out);
	}
	fputs("</testsuites>\n", rep->out);
	fflush(rep->out);
}

static void junit_destroy(struct ga_reporter *rep)
{
	struct junit_state *st = rep->state;
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->n; i++) {
		if (st->suites[i]->cases)
			fclose(st->suites[i]->cases);
		free(st->suites[i]->buf);
		free(st->suites[i]);
	}
	free(st->suites);
	free(st);
}

static const struct ga_reporter_ops junit_ops =
	GA_REPORTER_OPS(junit, junit_destroy);

struct ga_reporter *ga_report_junit_new(const char *path, struct ga_error *err)
{
	struct ga_reporter *rep = calloc(1, sizeof(*rep));
	struct junit_state *st = calloc(1, sizeof(*st));

	if (!rep || !st)
		goto fail;
	rep->out = fopen(path, "we");
	if (!rep->out) {
		ga_error_errno(err, errno, "cannot write %s", path);
		free(st);
		free(rep);
		return NULL;
	}
	rep->owns_out = true;
	rep->ops = &junit_ops;
	rep->state = st;
	return rep;
fail:
	ga_error_set(err, "out of memory");
	free(st);
	free(rep);
	return NULL;
}

static struct ga_reporter *junit_open(const struct ga_output_args *a,
				      struct ga_error *err)
{
	return ga_report_junit_new(a->path, err);
}

const struct ga_output ga_output_junit = {
	.name = "junit",
	.file = GA_OUTPUT_RUN | GA_OUTPUT_REPORT,
	.help = "also write JUnit XML to FILE",
	.doc = "JUnit XML",
	.since = "0.2.0",
	.open = junit_open,
};
