/* stepline.c - see result.h: the one place a step's line is formatted,
 * for the reporters and for steps.log alike. */
#include "result/result.h"

#include <string.h>

#include "lang/expect_describe.h"
#include "util/escape.h"

/* The server threads a call ran on, when known: " [thread 4 -> 5]",
 * " [thread 4]" (a connect), " [thread 4 -> ?]" (none after), and
 * ", server restarted" when the id after is of a later server start
 * than the id before (the same id can then be a new session). */
static void thread_write(FILE *f, const struct ga_outcome *o)
{
	if (!o->thread_before && !o->thread_after)
		return;
	fputs(" [thread ", f);
	if (o->thread_before)
		fprintf(f, "%lu -> ", o->thread_before);
	if (o->thread_after)
		fprintf(f, "%lu", o->thread_after);
	else
		fputc('?', f);
	if (o->thread_before && o->thread_after &&
	    o->start_after != o->start_before)
		fputs(", server restarted", f);
	fputc(']', f);
}

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
	if (sr->skipped[0]) {
		/* not run: the client cannot do what its connection needs */
		fputs("skipped: ", f);
		ga_esc_write(f, sr->skipped, GA_ESC_TEXT);
		fputc('\n', f);
		return;
	}
	ga_esc_write(f, sr->out.api ? sr->out.api : "-", GA_ESC_TEXT);
	fputs(": ", f);
	ga_outcome_describe(&sr->out, text, sizeof(text));
	ga_esc_write(f, text, GA_ESC_TEXT);
	/* a fault's note: how it is made, what it did (faults/fault.h) */
	if ((s->kind == GA_STEP_FAULT || s->kind == GA_STEP_LIFT) &&
	    sr->out.result == GA_RESULT_OK && sr->out.message[0]) {
		fputs(" (", f);
		ga_esc_write(f, sr->out.message, GA_ESC_TEXT);
		fputc(')', f);
	}
	thread_write(f, &sr->out);
	if (detail && sr->out.sqlstate[0]) {
		fputs(" [sqlstate ", f);
		ga_esc_write(f, sr->out.sqlstate, GA_ESC_TEXT);
		fputc(']', f);
	}
	if (detail && sr->expect) {
		ga_expect_describe(sr->expect, text, sizeof(text));
		fputs("; expected ", f);
		ga_esc_write(f, text, GA_ESC_TEXT);
		if (sr->expect->line > 0) {
			ga_expect_where(sr->expect, text, sizeof(text));
			ga_esc_write(f, text, GA_ESC_TEXT);
		}
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

void ga_case_server_text(const struct ga_case_result *res, char *buf,
			 size_t len)
{
	const char *fl = ga_flavour_name(res->flavour);
	bool other = res->backend[0] && strcmp(res->backend, res->server);

	if (!res->server_version[0] && !res->server[0]) {
		snprintf(buf, len, "%s", "");
		return;
	}
	snprintf(buf, len, "%s%s%s%s%s%s%s%s", fl, fl[0] ? " " : "",
		 res->server_version[0] ? res->server_version :
		 "(never started)", res->server[0] ? " (" : "", res->server,
		 other ? ", " : "", other ? res->backend : "",
		 !res->server[0] ? "" : other ? " backend)" : ")");
}

void ga_case_identity_write(FILE *f, const char *indent,
			    const struct ga_case_result *res)
{
	char server[400];

	ga_case_server_text(res, server, sizeof(server));
	if (server[0]) {
		fprintf(f, "%sserver: ", indent);
		ga_esc_write(f, server, GA_ESC_TEXT);
		fputc('\n', f);
	}
	if (res->proxy_ran[0]) {
		fprintf(f, "%sproxy: ", indent);
		ga_esc_write(f, res->proxy_ran, GA_ESC_TEXT);
		fputc('\n', f);
	}
	if (res->client[0]) {
		fprintf(f, "%sclient: ", indent);
		ga_esc_write(f, res->client, GA_ESC_TEXT);
		if (res->library[0]) {
			fputs(" (", f);
			ga_esc_write(f, res->library, GA_ESC_TEXT);
			fputc(')', f);
		}
		fputc('\n', f);
	}
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
	ga_case_identity_write(f, "", res);
	if (res->server_notes[0]) {
		fputs("server notes:\n", f);
		ga_esc_lines_write(f, "", res->server_notes);
	}
	if (res->runs > 1 && res->first_bad > 0)
		fprintf(f, "runs: %ld of %ld (the steps below are run %ld's, "
			"the first that did not PASS)\n", res->runs,
			res->repeat, res->first_bad);
	else if (res->runs > 1)
		fprintf(f, "runs: %ld of %ld (the steps below are the last "
			"run's)\n", res->runs, res->repeat);
	/* a capture a total stopped (lab/capture.h) says so where the run
	 * is read */
	if (strstr(res->capture, "; capture stopped at "))
		field(f, "capture: ", res->capture);
	if (res->server_setup[0])
		field(f, "server set-up: ", res->server_setup);
	if (res->client_setup[0])
		field(f, "drivers: ", res->client_setup);
	if (res->reverted[0])
		field(f, "teardown reverted: ", res->reverted);
	if (res->not_reverted[0])
		field(f, "teardown could NOT revert: ", res->not_reverted);
	if (res->server_after[0])
		field(f, "server after: ", res->server_after);
	for (i = 0; i < res->nsteps && i < sc->nsteps; i++)
		if (res->steps[i].ran || res->steps[i].skipped[0])
			ga_step_line_write(f, "", sc, res, i, true);
}
