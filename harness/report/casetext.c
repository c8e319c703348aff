/* casetext.c - see casetext.h */
#include "report/casetext.h"

#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "report/internal.h"

#define STEP_SHOWN 300          /* bytes of a step's line shown */

static void field(FILE *f, const char *label, const char *text)
{
	fprintf(f, "%-10s", label);
	ga_esc_write(f, text, GA_ESC_TEXT);
	fputc('\n', f);
}

/* A word of the command line as a shell reads it back. */
static void shell_word(FILE *f, const char *w)
{
	const char *c;
	bool plain = *w != '\0';

	for (c = w; *c && plain; c++)
		plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			       "0123456789_-./:=@%+,", *c) != NULL;
	if (plain) {
		ga_esc_write(f, w, GA_ESC_TEXT);
		return;
	}
	fputc('\'', f);
	for (c = w; *c; c++) {
		char one[2] = { *c, '\0' };

		if (*c == '\'')
			fputs("'\\''", f);
		else
			ga_esc_write(f, one, GA_ESC_TEXT);
	}
	fputc('\'', f);
}

/* Line n (1-based) of text: where it starts and how long it is. */
static const char *text_line(const char *text, int n, size_t *len)
{
	const char *p = text, *nl;

	for (; p && n > 1; n--) {
		nl = strchr(p, '\n');
		p = nl ? nl + 1 : NULL;
	}
	if (!p || !*p)
		return NULL;
	nl = strchr(p, '\n');
	*len = nl ? (size_t)(nl - p) : strlen(p);
	return p;
}

static void step_source(FILE *f, const struct ga_scenario *sc,
			const char *text, size_t i)
{
	const struct ga_step *st = &sc->steps[i];
	char buf[STEP_SHOWN + 1];
	const char *p;
	size_t len = 0, skip;

	p = text ? text_line(text, st->line, &len) : NULL;
	if (!p) {               /* no copy: what the parser kept */
		snprintf(buf, sizeof(buf), "%s%s%s%s%s",
			 ga_step_kind_name(st->kind), st->conn >= 0 ? " " : "",
			 st->conn >= 0 ? sc->connections[st->conn].name : "",
			 st->text ? " " : "", st->text ? st->text : "");
	} else {
		for (skip = 0; skip < len && (p[skip] == ' ' ||
					      p[skip] == '\t'); skip++)
			;
		snprintf(buf, sizeof(buf), "%.*s", (int)(len - skip),
			 p + skip);
	}
	fprintf(f, "line %d: ", st->line);
	ga_esc_write(f, buf, GA_ESC_TEXT);
	if (strlen(buf) == STEP_SHOWN)
		fputs(" ...", f);
	fputc('\n', f);
}

void ga_case_text_write(FILE *f, const struct ga_case_text_meta *m,
			const struct ga_scenario *sc, const char *scenario_text,
			const struct ga_case_result *res)
{
	char date[64] = "", text[600], reason[1200];
	time_t now = time(NULL);
	struct utsname u;
	struct tm tm;
	size_t i;
	int a;

	if (gmtime_r(&now, &tm))
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (uname(&u) != 0)
		memset(&u, 0, sizeof(u));
	fputs("goneaway case: ", f);
	ga_esc_write(f, ga_scenario_label(sc), GA_ESC_TEXT);
	fprintf(f, " %s\n\n", ga_verdict_name(res->verdict));
	field(f, "title:", sc->title ? sc->title : "");
	if (res->reason[0]) {
		snprintf(reason, sizeof(reason), "line %d: %s", res->line,
			 res->reason);
		field(f, "reason:", reason);
	}
	field(f, "date:", date);
	fprintf(f, "%-10sgoneaway", "command:");
	for (a = 0; a < m->argc && m->argv && m->argv[a]; a++) {
		fputc(' ', f);
		shell_word(f, m->argv[a]);
	}
	fputc('\n', f);
	field(f, "goneaway:", m->version ? m->version : "");
	snprintf(text, sizeof(text), "%s %s %s (%s)", u.sysname, u.release,
		 u.machine, u.nodename);
	field(f, "kernel:", text);
	ga_case_server_text(res, text, sizeof(text));
	field(f, "server:", text[0] ? text : "(none)");
	if (res->server_setup[0]) {
		snprintf(text, sizeof(text), "%s%s", res->server_setup,
			 ga_case_reused(res) ? " (" GA_REUSED_HINT ")" : "");
		field(f, "set-up:", text);
	}
	snprintf(text, sizeof(text), "%s%s%s%s%s%s", res->client,
		 res->library[0] ? " (" : "", res->library,
		 res->library[0] ? ")" : "", res->client_spec[0] ?
		 ", --client " : "", res->client_spec);
	field(f, "client:", text);
	if (res->client_setup[0])
		field(f, "drivers:", res->client_setup);
	if (res->runs > 1) {
		snprintf(text, sizeof(text), "%ld of %ld (the steps below are "
			 "run %ld's)", res->runs, res->repeat, res->first_bad ?
			 res->first_bad : res->runs);
		field(f, "runs:", text);
	}
	if (res->capture[0]) {
		snprintf(text, sizeof(text), "capture.pcap: %s (the lab's "
			 "link, as the client saw it)", res->capture);
		field(f, "capture:", text);
	}
	if (res->evidence_lost[0])
		field(f, "lost:", res->evidence_lost);
	if (res->evidence_cut[0])
		field(f, "cut:", res->evidence_cut);
	if (m->folder) {
		/* the folder by its own name, as whoever has it (unpacked
		 * from a bundle, an artifact) has it: not the writer's path */
		size_t n = strlen(m->folder);
		const char *name;

		while (n > 1 && m->folder[n - 1] == '/')
			n--;
		for (name = m->folder + n; name > m->folder &&
		     name[-1] != '/'; name--)
			;
		snprintf(text, sizeof(text), "goneaway replay %.*s (this "
			 "folder, from the directory that holds it)",
			 (int)(m->folder + n - name), name);
		field(f, "replay:", text);
	}
	fputs("\nsteps (as scenario.gw has them), each with its call, "
	      "outcome and server threads:\n", f);
	for (i = 0; i < sc->nsteps && i < res->nsteps; i++) {
		step_source(f, sc, scenario_text, i);
		if (res->steps[i].ran) {
			ga_step_line_write(f, "    ", sc, res, i, true);
			continue;
		}
		fprintf(f, "    never reached");
		if (res->verdict != GA_VERDICT_PASS && res->line)
			fprintf(f, ": the case ended %s at line %d",
				ga_verdict_name(res->verdict), res->line);
		fputc('\n', f);
	}
	fputs("\nfiles: scenario.gw (the file that ran), steps.log, "
	      "results.jsonl (these steps as\nJSON Lines: goneaway report "
	      "reads them), my.cnf, mariadbd.err (the server's\nerror log), "
	      "driver-*.log (a driver's standard error), capture.pcap "
	      "(tcpdump -r)\n", f);
}
