/* matrix.c - see matrix.h */
#include "report/matrix.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "util/grow.h"

int ga_matrix_init(struct ga_matrix *m, struct ga_scenario *const *scs,
		   size_t nrows, size_t ncols)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	m->nrows = nrows;
	m->ncols = ncols;
	m->rows = calloc(nrows ? nrows : 1, sizeof(char *));
	m->cols = calloc(ncols ? ncols : 1, sizeof(char *));
	m->notes = calloc(ncols ? ncols : 1, sizeof(char *));
	m->cells = calloc(nrows * ncols + 1, sizeof(*m->cells));
	if (!m->rows || !m->cols || !m->notes || !m->cells)
		goto fail;
	for (i = 0; i < nrows; i++) {
		m->rows[i] = strdup(ga_scenario_label(scs[i]));
		if (!m->rows[i])
			goto fail;
	}
	return 0;
fail:
	ga_matrix_free(m);
	return -1;
}

int ga_matrix_column(struct ga_matrix *m, size_t col, const char *name)
{
	free(m->cols[col]);
	m->cols[col] = strdup(name);
	return m->cols[col] ? 0 : -1;
}

int ga_matrix_head(struct ga_matrix *m, const char *line)
{
	char **heads = realloc(m->heads, (m->nheads + 1) * sizeof(*heads));

	if (!heads)
		return -1;
	m->heads = heads;
	m->heads[m->nheads] = strdup(line);
	if (!m->heads[m->nheads])
		return -1;
	m->nheads++;
	return 0;
}

/* A cell's word comes from the server or a driver (a value, an error
 * class): no control bytes on the terminal, no '|' breaking a Markdown
 * table. */
static void cell_word_clean(char *w)
{
	for (; *w; w++)
		if ((unsigned char)*w < 0x20 || *w == 0x7f || *w == '|')
			*w = '?';
}

/* One outcome of a repeated step, as a cell names it. */
static void tally_word(const struct ga_tally *t, char *buf, size_t len)
{
	switch (t->result) {
	case GA_RESULT_OK:
		snprintf(buf, len, "ok");
		break;
	case GA_RESULT_HANG:
		snprintf(buf, len, "hang");
		break;
	case GA_RESULT_WRONG:
		snprintf(buf, len, "wrong");
		break;
	case GA_RESULT_ERROR:
	default:
		if (t->err)
			snprintf(buf, len, "%u", t->err);
		else
			snprintf(buf, len, "%s", t->error_class[0] ?
				 t->error_class : "error");
	}
}

/* Whether word is one of the '/'-joined words of list. */
static bool listed(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = list; *p; p += strcspn(p, "/"), p += *p == '/') {
		if (strncmp(p, word, n) == 0 && (p[n] == '/' || !p[n]))
			return true;
	}
	return false;
}

/* A step whose outcome varied over a scenario's runs: each outcome, the
 * most frequent first, joined by '/' ("2013/ok"), so a cell never shows
 * one run's outcome as if it were all of them; an outcome counted apart
 * for each set of its pool's events is named once. */
static void spread_words(const struct ga_step_result *sr, char *buf,
			 size_t len)
{
	bool *done = calloc(sr->ntally, sizeof(*done));
	size_t i, k, best, used = 0;
	char word[GA_CLASS_MAX + 8];
	int n;

	buf[0] = '\0';
	if (!done)
		return;
	for (k = 0; k < sr->ntally; k++) {
		best = sr->ntally;
		for (i = 0; i < sr->ntally; i++)
			if (!done[i] && (best == sr->ntally ||
					 sr->tally[i].count > sr->tally[best].count))
				best = i;
		done[best] = true;
		tally_word(&sr->tally[best], word, sizeof(word));
		if (listed(buf, word))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "/" : "",
			     word);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	free(done);
}

/* A step's outcome as a cell names it: false for nothing (an ok that
 * was expected). */
static bool step_outcome_word(const struct ga_step_result *sr, char *buf,
			      size_t len)
{
	struct ga_tally t;

	if (sr->ntally > 1) {
		spread_words(sr, buf, len);
		return true;
	}
	if (sr->out.result == GA_RESULT_OK) {
		/* only an ok that was not expected: its value, if that is
		 * what differed */
		if (sr->matched)
			return false;
		if (sr->out.has_value && !sr->out.value_null)
			snprintf(buf, len, "ok='%.12s%s'", sr->out.value,
				 strlen(sr->out.value) > 12 ? "..." : "");
		else
			snprintf(buf, len, "unexpected-ok");
		return true;
	}
	memset(&t, 0, sizeof(t));
	t.result = sr->out.result;
	t.err = sr->out.err;
	snprintf(t.error_class, sizeof(t.error_class), "%s",
		 sr->out.error_class);
	tally_word(&t, buf, len);
	return true;
}

/* What the pool did at a step, "[discarded+opened]", after buf's word
 * (a pool's remedies differ in these: issue 38), when it did more than
 * open a connection (a first borrow does that); nothing for a repeated
 * step, whose runs may differ.  Returns whether it added any. */
static bool pool_word(const struct ga_step_result *sr, char *buf,
		      size_t len)
{
	char ev[128];
	size_t used = strlen(buf);

	if (sr->ntally > 1 || !sr->out.has_pool_events ||
	    !(sr->out.pool_events & ~GA_POOL_EVENT(OPENED)) || used >= len)
		return false;
	ga_pool_events_text(sr->out.pool_events, ev, sizeof(ev));
	snprintf(buf + used, len - used, "[%s]", ev);
	return true;
}

/* What a cell says of one checked step: false for nothing (an ok that
 * was expected, the pool doing nothing but open a connection). */
static bool step_word(const struct ga_step_result *sr, char *buf,
		      size_t len)
{
	if (!step_outcome_word(sr, buf, len)) {
		snprintf(buf, len, "ok");
		return pool_word(sr, buf, len);
	}
	pool_word(sr, buf, len);
	return true;
}

void ga_matrix_codes(const struct ga_scenario *sc,
		     const struct ga_case_result *res, char *buf, size_t len)
{
	size_t i, used = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < res->nsteps && i < sc->nsteps && used < len; i++) {
		const struct ga_step_result *sr = &res->steps[i];
		char one[GA_CLASS_MAX + 96];

		/* a step without expect lines is named only when it is
		 * what failed (a connect refused with 2059, say) */
		if (!sr->ran || (sc->steps[i].nexpects == 0 && sr->matched))
			continue;
		if (!step_word(sr, one, sizeof(one)))
			continue;
		cell_word_clean(one);
		/* whole words: one that does not fit ends the cell in ",..." */
		if (used + strlen(one) + 1 + sizeof(",...") > len) {
			snprintf(buf + used, len - used, "%s...",
				 used ? "," : "");
			break;
		}
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
			     one);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (!buf[0] && res->verdict != GA_VERDICT_SKIP &&
	    res->verdict != GA_VERDICT_ERROR)
		snprintf(buf, len, "ok");
	/* partly skipped: what the steps that ran gave, after "part" */
	if (res->verdict == GA_VERDICT_SKIP && ga_case_partly_skipped(res)) {
		char ran[512];

		snprintf(ran, sizeof(ran), "%s", buf[0] ? buf : "ok");
		snprintf(buf, len, "part %s", ran);
	}
}

void ga_matrix_set(struct ga_matrix *m, size_t row, size_t col,
		   const struct ga_scenario *sc,
		   const struct ga_case_result *res, const char *client)
{
	struct ga_matrix_cell *cell = &m->cells[row * m->ncols + col];
	char note[300];

	cell->done = true;
	cell->verdict = res->verdict;
	ga_matrix_codes(sc, res, cell->codes, sizeof(cell->codes));
	free(cell->results);
	cell->results = res->results[0] ? strdup(res->results) : NULL;
	if (!m->notes[col] && res->server_version[0]) {
		snprintf(note, sizeof(note), "server %s%s%s, client %s",
			 ga_flavour_name(res->flavour),
			 res->flavour != GA_FLAVOUR_ANY ? " " : "",
			 res->server_version, client);
		m->notes[col] = strdup(note);
	}
}

static void cell_text(const struct ga_matrix_cell *c, char *buf, size_t len)
{
	if (!c->done)
		snprintf(buf, len, "-");
	else if (c->codes[0])
		snprintf(buf, len, "%s %s", ga_verdict_name(c->verdict),
			 c->codes);
	else
		snprintf(buf, len, "%s", ga_verdict_name(c->verdict));
}

/* s as the table shows it in shown[len]: escaped for the terminal
 * (util/escape.h: no control character, a newline as "\\n"), and in
 * Markdown with '|' (which would end the cell), '<', '>' and '&' (which a
 * renderer would take as HTML) and '`' made text: the words of a server
 * or a driver (a class, a library's name) are data there too. */
static void shown_text(const char *s, bool markdown, char *shown, size_t len)
{
	char esc[600];
	const char *p, *rep;
	size_t used = 0, n;

	ga_esc_format(esc, sizeof(esc), s, GA_ESC_TEXT);
	if (!markdown) {
		snprintf(shown, len, "%s", esc);
		return;
	}
	shown[0] = '\0';
	for (p = esc; *p; p++) {
		char one[2] = { *p, '\0' };

		switch (*p) {
		case '|': rep = "\\|"; break;
		case '`': rep = "\\`"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		default: rep = one;
		}
		n = strlen(rep);
		if (used + n >= len)
			break;
		memcpy(shown + used, rep, n + 1);
		used += n;
	}
}

#define SHOWN_MAX 2400

/* A head line as a Markdown paragraph: escaped for the terminal, then
 * every character Markdown would read as markup across words (a code
 * span, a link, HTML or an entity, a table's cell, '*' emphasis)
 * escaped with a backslash, so a command line from outside reads as
 * the text it is.  The line never starts with markup: it starts with
 * "Measured". */
static void print_head(FILE *f, const char *line)
{
	static const char markup[] = "\\`*[]<>|&";
	char esc[SHOWN_MAX];
	const char *p;

	ga_esc_format(esc, sizeof(esc), line, GA_ESC_TEXT);
	for (p = esc; *p; p++) {
		if (strchr(markup, *p))
			fputc('\\', f);
		fputc(*p, f);
	}
	fputs("\n\n", f);
}

void ga_matrix_print(const struct ga_matrix *m, FILE *f, bool markdown)
{
	size_t *width, r, c, w0 = strlen("scenario");
	char text[160], *shown;

	width = calloc(m->ncols ? m->ncols : 1, sizeof(*width));
	shown = malloc(SHOWN_MAX);
	if (!width || !shown) {
		free(width);
		free(shown);
		return;
	}
	for (r = 0; r < m->nrows; r++) {
		shown_text(m->rows[r], markdown, shown, SHOWN_MAX);
		if (strlen(shown) > w0)
			w0 = strlen(shown);
	}
	for (c = 0; c < m->ncols; c++) {
		shown_text(m->cols[c] ? m->cols[c] : "?", markdown, shown,
			   SHOWN_MAX);
		width[c] = strlen(shown);
		for (r = 0; r < m->nrows; r++) {
			cell_text(&m->cells[r * m->ncols + c], text,
				  sizeof(text));
			shown_text(text, markdown, shown, SHOWN_MAX);
			if (strlen(shown) > width[c])
				width[c] = strlen(shown);
		}
	}
	for (r = 0; markdown && r < m->nheads; r++)
		print_head(f, m->heads[r]);
	fprintf(f, markdown ? "| %-*s |" : "%-*s", (int)w0, "scenario");
	for (c = 0; c < m->ncols; c++) {
		shown_text(m->cols[c] ? m->cols[c] : "?", markdown, shown,
			   SHOWN_MAX);
		fprintf(f, markdown ? " %-*s |" : "  %-*s", (int)width[c],
			shown);
	}
	fputc('\n', f);
	if (markdown) {
		fputs("|", f);
		for (c = 0; c <= m->ncols; c++)
			fputs("---|", f);
		fputc('\n', f);
	}
	for (r = 0; r < m->nrows; r++) {
		shown_text(m->rows[r], markdown, shown, SHOWN_MAX);
		fprintf(f, markdown ? "| %-*s |" : "%-*s", (int)w0, shown);
		for (c = 0; c < m->ncols; c++) {
			cell_text(&m->cells[r * m->ncols + c], text,
				  sizeof(text));
			shown_text(text, markdown, shown, SHOWN_MAX);
			fprintf(f, markdown ? " %-*s |" : "  %-*s",
				(int)width[c], shown);
		}
		fputc('\n', f);
	}
	for (c = 0; c < m->ncols; c++) {
		if (!m->notes[c])
			continue;
		shown_text(m->cols[c] ? m->cols[c] : "?", markdown, shown,
			   SHOWN_MAX);
		fprintf(f, "%s%s: ", markdown ? "\n" : "", shown);
		shown_text(m->notes[c], markdown, shown, SHOWN_MAX);
		fprintf(f, "%s\n", shown);
	}
	free(width);
	free(shown);
}

void ga_matrix_free(struct ga_matrix *m)
{
	size_t i;

	for (i = 0; m->rows && i < m->nrows; i++)
		free(m->rows[i]);
	for (i = 0; m->cols && i < m->ncols; i++)
		free(m->cols[i]);
	for (i = 0; m->notes && i < m->ncols; i++)
		free(m->notes[i]);
	for (i = 0; m->cells && i < m->nrows * m->ncols; i++)
		free(m->cells[i].results);
	free(m->rows);
	free(m->cols);
	free(m->notes);
	free(m->cells);
	ga_strings_free(m->heads, m->nheads);
	memset(m, 0, sizeof(*m));
}
