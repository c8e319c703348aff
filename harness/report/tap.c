/* report_tap.c - TAP version 13 on the console, with a YAML block of the
 * observed steps for each scenario. */
#include "report/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/internal.h"
#include "report/outputs.h"

static void tap_begin_run(struct ga_reporter *rep, size_t ncases)
{
	rep->ncases = ncases;
	fprintf(rep->out, "TAP version 13\n1..%zu\n", ncases);
	fflush(rep->out);
}

/* A test line's description: text (util/escape.h), with '#' written
 * "\\#" as TAP says, so that no word of a label, a server's or a
 * driver's name ("# TODO", "# SKIP") becomes a directive. */
static void description(FILE *f, const char *s)
{
	char esc[1024];
	const char *p;

	ga_esc_format(esc, sizeof(esc), s, GA_ESC_TEXT);
	for (p = esc; *p; p++) {
		if (*p == '#')
			fputc('\\', f);
		fputc(*p, f);
	}
}

static void tap_end_case(struct ga_reporter *rep, size_t index,
			 const struct ga_scenario *sc,
			 const struct ga_case_result *res)
{
	FILE *f = rep->out;
	char server[400];

	fprintf(f, "%s %zu - ", res->verdict == GA_VERDICT_PASS ||
		res->verdict == GA_VERDICT_SKIP ? "ok" : "not ok", index + 1);
	description(f, ga_scenario_label(sc));
	if (res->combo[0]) {
		fputs(" [", f);
		description(f, res->combo);
		fputc(']', f);
	}
	if (res->verdict == GA_VERDICT_SKIP) {
		fputs(" # SKIP ", f);
		ga_esc_write(f, res->reason, GA_ESC_TEXT);
		fputc('\n', f);
		fflush(f);
		return;
	}
	fprintf(f, "\n  ---\n  verdict: %s\n  file: \"",
		ga_verdict_name(res->verdict));
	ga_esc_write(f, sc->path, GA_ESC_YAML);
	fputs("\"\n", f);
	if (res->verdict != GA_VERDICT_PASS) {
		fprintf(f, "  line: %d\n  message: \"", res->line);
		ga_esc_write(f, sc->path, GA_ESC_YAML);
		fprintf(f, ":%d: ", res->line);
		ga_esc_write(f, res->reason, GA_ESC_YAML);
		fputs("\"\n", f);
	}
	ga_case_server_text(res, server, sizeof(server));
	if (server[0]) {
		fputs("  server: \"", f);
		ga_esc_write(f, server, GA_ESC_YAML);
		fputs("\"\n", f);
	}
	if (res->proxy_ran[0]) {
		fputs("  proxy: \"", f);
		ga_esc_write(f, res->proxy_ran, GA_ESC_YAML);
		fputs("\"\n", f);
	}
	if (res->client[0]) {
		fputs("  client: \"", f);
		ga_esc_write(f, res->client, GA_ESC_YAML);
		fputs("\"\n  library: \"", f);
		ga_esc_write(f, res->library, GA_ESC_YAML);
		fputs("\"\n", f);
	}
	fprintf(f, "  wall_ms: %.0f\n  waits_ms: %.0f\n  steps: |\n",
		res->wall_ms, res->waits_ms);
	ga_report_steps(f, "    ", sc, res, false);
	fprintf(f, "  ...\n");
	fflush(f);
}

static void tap_end_run(struct ga_reporter *rep,
			const struct ga_run_summary *sum)
{
	if (sum->signo)
		fprintf(rep->out, "Bail out! interrupted by signal %d\n", sum->signo);
	fprintf(rep->out, "# %zu passed, %zu failed, %zu error%s, %zu skipped\n",
		sum->pass, sum->fail, sum->error, sum->error == 1 ? "" : "s",
		sum->skip);
	fflush(rep->out);
}

static const struct ga_reporter_ops tap_ops =
	GA_REPORTER_OPS(tap, NULL);

struct ga_reporter *ga_report_tap_new(FILE *out)
{
	struct ga_reporter *rep = calloc(1, sizeof(*rep));

	if (!rep)
		return NULL;
	rep->ops = &tap_ops;
	rep->out = out;
	return rep;
}

/* On the console, or (a report's --tap FILE) into a file of its own. */
static struct ga_reporter *tap_open(const struct ga_output_args *a,
				    struct ga_error *err)
{
	struct ga_reporter *rep;
	FILE *f = a->console;

	if (a->path) {
		f = fopen(a->path, "we");
		if (!f) {
			ga_error_errno(err, errno, "--tap %s", a->path);
			return NULL;
		}
	}
	rep = ga_report_tap_new(f);
	if (!rep) {
		if (a->path)
			fclose(f);
		ga_error_set(err, "out of memory");
		return NULL;
	}
	rep->owns_out = a->path != NULL;
	return rep;
}

const struct ga_output ga_output_tap = {
	.name = "tap",
	.console = GA_OUTPUT_RUN | GA_OUTPUT_REPORT,
	.file = GA_OUTPUT_REPORT,
	.help = "also write TAP to FILE",
	.doc = "TAP",
	.since = "0.2.0",
	.open = tap_open,
};
