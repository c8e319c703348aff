/* report.c - what the reporters share. */
#include "report/report.h"

#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "run/expect.h"

void ga_reporter_free(struct ga_reporter *rep)
{
	if (!rep)
		return;
	if (rep->ops->destroy)
		rep->ops->destroy(rep);
	if (rep->owns_out && rep->out)
		fclose(rep->out);
	free(rep);
}

void ga_report_steps(FILE *f, const char *indent, const struct ga_scenario *sc,
		     const struct ga_case_result *res, bool only_checked)
{
	char got[900], line[sizeof(res->server_notes)];
	const char *note, *nl;
	size_t i, n;

	/* what the server said about the scenario's server-option lines */
	for (note = res->server_notes; *note; note = nl ? nl + 1 : "") {
		nl = strchr(note, '\n');
		n = nl ? (size_t)(nl - note) : strlen(note);
		snprintf(line, sizeof(line), "%.*s", (int)n, note);
		fputs(indent, f);
		ga_esc_write(f, line, GA_ESC_TEXT);
		fputc('\n', f);
	}
	for (i = 0; i < res->nsteps && i < sc->nsteps; i++) {
		const struct ga_step *s = &sc->steps[i];
		const struct ga_step_result *sr = &res->steps[i];

		if (!sr->ran)
			continue;
		if (only_checked && s->nexpects == 0 && sr->matched)
			continue;
		ga_outcome_describe(&sr->out, got, sizeof(got));
		fprintf(f, "%sline %d: %s%s", indent, s->line,
			ga_step_kind_name(s->kind), s->conn >= 0 ? " " : "");
		if (s->conn >= 0)
			ga_esc_write(f, sc->connections[s->conn].name,
				     GA_ESC_TEXT);
		fprintf(f, ": %s: ", sr->out.api ? sr->out.api : "-");
		ga_esc_write(f, got, GA_ESC_TEXT);
		fputc('\n', f);
		if (res->runs > 1 && (s->nexpects > 0 || s->seen.line)) {
			ga_step_spread(sr, got, sizeof(got));
			fprintf(f, "%sline %d: spread over %ld runs: %s\n",
				indent, s->line, res->runs, got);
		}
	}
}
