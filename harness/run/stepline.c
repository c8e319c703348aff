/* stepline.c - see runner.h: the one place a step's line is formatted,
 * for the reporters and for steps.log alike. */
#include "run/runner.h"

#include "run/expect.h"
#include "util/escape.h"

void ga_step_line_write(FILE *f, const char *indent,
			const struct ga_scenario *sc,
			const struct ga_case_result *res, size_t i, bool detail)
{
	const struct ga_step *s = &sc->steps[i];
	const struct ga_step_result *sr = &res->steps[i];
	char text[1200];

	fprintf(f, "%sline %d: %s", indent, s->line,
		ga_step_kind_name(s->kind));
	if (s->conn >= 0) {
		fputc(' ', f);
		ga_esc_write(f, sc->connections[s->conn].name, GA_ESC_TEXT);
	}
	fputs(": ", f);
	ga_esc_write(f, sr->out.api ? sr->out.api : "-", GA_ESC_TEXT);
	fputs(": ", f);
	ga_outcome_describe(&sr->out, text, sizeof(text));
	ga_esc_write(f, text, GA_ESC_TEXT);
	if (detail && sr->out.sqlstate[0]) {
		fputs(" [sqlstate ", f);
		ga_esc_write(f, sr->out.sqlstate, GA_ESC_TEXT);
		fputc(']', f);
	}
	if (detail && sr->expect) {
		ga_expect_describe(sr->expect, text, sizeof(text));
		fputs("; expected ", f);
		ga_esc_write(f, text, GA_ESC_TEXT);
		if (sr->expect->line > 0)
			fprintf(f, " (expect line %d)", sr->expect->line);
		fprintf(f, ": %s", sr->matched ? "matched" : "MISMATCH");
	}
	fputc('\n', f);
	if (res->runs > 1 && (s->nexpects > 0 || s->seen.line)) {
		ga_step_spread(sr, text, sizeof(text));
		fprintf(f, "%sline %d: spread over %ld runs: ", indent, s->line,
			res->runs);
		ga_esc_write(f, text, GA_ESC_TEXT);
		fputc('\n', f);
	}
}

/* "label: text\n", text escaped. */
static void field(FILE *f, const char *label, const char *text)
{
	fputs(label, f);
	ga_esc_write(f, text, GA_ESC_TEXT);
	fputc('\n', f);
}

void ga_steps_log_write(FILE *f, const struct ga_scenario *sc,
			const struct ga_case_result *res)
{
	size_t i;

	field(f, "scenario: ", sc->path);
	fprintf(f, "verdict: %s\n", ga_verdict_name(res->verdict));
	if (res->reason[0]) {
		fprintf(f, "reason: line %d: ", res->line);
		ga_esc_write(f, res->reason, GA_ESC_TEXT);
		fputc('\n', f);
	}
	field(f, "server: ", res->server_version);
	if (res->server_notes[0]) {
		fputs("server notes:\n", f);
		ga_esc_lines_write(f, "", res->server_notes);
	}
	if (res->runs > 1)
		fprintf(f, "runs: %ld of %ld (the steps below are the last "
			"run's)\n", res->runs, res->repeat);
	if (res->reverted[0])
		field(f, "teardown reverted: ", res->reverted);
	if (res->not_reverted[0])
		field(f, "teardown could NOT revert: ", res->not_reverted);
	for (i = 0; i < res->nsteps && i < sc->nsteps; i++)
		if (res->steps[i].ran)
			ga_step_line_write(f, "", sc, res, i, true);
}
