/* record_scenario.c - see record.h (ga_record_scenario): the lines a
 * scenario gets from what its cases saw, as edits of its text. */
#include "plan/record.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/expect_text.h"
#include "run/expect.h"

/* The outcomes alone, as text: what tells one case's line from
 * another's. */
static void signature(const struct ga_expect *e, char *buf, size_t len)
{
	struct ga_expect t;

	memset(&t, 0, sizeof(t));
	t.set = e->set;
	t.after_ms = t.within_ms = -1;
	ga_expect_text(&t, false, buf, len);
}

/* ---- a scenario's lines -------------------------------------------------- */

/* One expect line of a step while it is recorded. */
struct wline {
	struct ga_expect e;             /* owned strings */
	const struct ga_expect *orig;   /* the scenario's, NULL: a new line */
	bool changed;
	int used;                       /* cases that it holds for */
};

struct work {
	struct wline *v;
	size_t n;
};

/* The line as it is now: the scenario's own while unchanged (its
 * address is what a case result's expect points at). */
static const struct ga_expect *line_of(const struct wline *l)
{
	return l->orig && !l->changed ? l->orig : &l->e;
}

static void work_free(struct work *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		ga_record_expect_free(&w->v[i].e);
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

/* Puts line e (taken over) at index at. */
static int work_insert(struct work *w, size_t at, struct ga_expect *e)
{
	struct wline *g = realloc(w->v, (w->n + 1) * sizeof(*g));

	if (!g)
		return -1;
	w->v = g;
	memmove(g + at + 1, g + at, (w->n - at) * sizeof(*g));
	memset(&g[at], 0, sizeof(g[at]));
	g[at].e = *e;
	g[at].used = 1;
	w->n++;
	return 0;
}

#define SELECT_OOM (-3)

/* The line of w that applies to who (its index), -1: the implicit "ok"
 * of a step without lines, -2: none applies, SELECT_OOM: out of
 * memory. */
static long work_select(const struct work *w, const struct ga_step *st,
			const struct ga_server_id *who)
{
	struct ga_step t = *st;
	struct ga_expect *v;
	const struct ga_expect *e;
	long r = -2;
	size_t i;

	if (!w->n)
		return -1;
	v = malloc(w->n * sizeof(*v));
	if (!v)
		return SELECT_OOM;
	for (i = 0; i < w->n; i++)
		v[i] = w->v[i].e;
	t.expects = v;
	t.nexpects = w->n;
	e = ga_expect_select(&t, who);
	if (e)
		r = e - v;
	free(v);
	return r;
}

static bool is_default(const struct ga_selector *sel)
{
	return sel->flavour == GA_FLAVOUR_ANY &&
	       sel->version_cmp == GA_CMP_NONE && !sel->client[0] &&
	       !sel->server[0];
}

/* Whether every case of this flavour and client saw what k saw, so that
 * a flavour alone tells it apart; sigs[k] are the cases' outcomes. */
static bool flavour_enough(const struct ga_record_case *cases,
			   char (*sigs)[512], size_t n, size_t k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sigs[i][0] && cases[i].who.flavour == cases[k].who.flavour &&
		    strcmp(cases[i].client, cases[k].client) == 0 &&
		    strcmp(sigs[i], sigs[k]) != 0)
			return false;
	return true;
}

/* base narrowed to k's server. */
static void narrow(struct ga_selector *sel, const struct ga_selector *base,
		   const struct ga_record_case *rc, bool by_flavour)
{
	*sel = *base;
	sel->flavour = rc->who.flavour;
	if ((base->flavour != GA_FLAVOUR_ANY || !by_flavour) &&
	    rc->who.version) {
		sel->version_cmp = GA_CMP_EQ;
		sel->version = rc->who.version;
	}
}

struct step_rec {
	const struct ga_step *st;
	size_t i;                       /* its index */
	const struct ga_record_case *cases;
	size_t n;
	char (*sigs)[512];              /* each case's outcomes, "" none */
	const char *dflt;               /* the client whose lines are the
					 * default ones, NULL: none */
	bool draft;
};

/* Records case k of sr at its step into w.  Returns 0, or -1 (out of
 * memory). */
static int record_one(struct step_rec *s, struct work *w, size_t k)
{
	const struct ga_record_case *rc = &s->cases[k];
	const struct ga_step_result *sr = &rc->steps[s->i];
	bool dflt = s->dflt && strcmp(rc->client, s->dflt) == 0;
	struct ga_expect n;
	long a = work_select(w, s->st, &rc->who);
	const struct ga_expect *applied = a >= 0 ? &w->v[a].e : NULL;
	struct ga_selector sel;
	size_t at;

	if (a == SELECT_OOM)
		return -1;
	if (a >= 0 && !w->v[a].e.set.any &&
	    ga_record_holds(line_of(&w->v[a]), sr)) {
		w->v[a].used++;
		return 0;
	}
	if (a < 0 && ga_record_holds(NULL, sr))
		return 0;
	if (ga_record_line(s->st, sr, applied, &n))
		return -1;
	/* replace the line that applied, when no other case holds by it
	 * and it is the line this client is to have */
	if (a >= 0 && !w->v[a].used &&
	    (dflt || w->v[a].e.set.any ||
	     ga_record_is_client(&w->v[a].e.selector, &rc->who))) {
		n.selector = w->v[a].e.selector;
		n.line = w->v[a].e.line;
		if (n.set.nclasses && !n.selector.client[0])
			snprintf(n.selector.client, sizeof(n.selector.client),
				 "%s", rc->client);
		ga_record_expect_free(&w->v[a].e);
		w->v[a].e = n;
		w->v[a].changed = true;
		w->v[a].used = 1;
		return 0;
	}
	memset(&sel, 0, sizeof(sel));
	if (a >= 0 && (dflt || ga_record_is_client(&w->v[a].e.selector,
						   &rc->who))) {
		/* the line is another server's too: one for this server */
		narrow(&sel, &w->v[a].e.selector, rc,
		       flavour_enough(s->cases, s->sigs, s->n, k));
		/* after a default line (a fallback wherever it is), before
		 * one with a selector (the first that matches applies) */
		at = (size_t)a + (is_default(&w->v[a].e.selector) ? 1 : 0);
	} else if (a >= 0 && w->v[a].e.selector.flavour != GA_FLAVOUR_ANY) {
		/* everyone's line for this server: this client's, as
		 * narrow, before it */
		sel = w->v[a].e.selector;
		sel.client_cmp = GA_CMP_NONE;
		at = (size_t)a;
	} else {
		at = w->n;              /* after every server's line */
	}
	if (!dflt || n.set.nclasses)
		snprintf(sel.client, sizeof(sel.client), "%s", rc->client);
	n.selector = sel;
	if (work_insert(w, at, &n)) {
		ga_record_expect_free(&n);
		return -1;
	}
	return 0;
}

/* The text of line l (1-based) of lines, its indentation and its
 * comment ("# ..."), for a line that is replaced. */
struct textline {
	const char *at;
	size_t len;
};

/* text's lines (without their '\n') into *lines, a new array (free()
 * it; NULL for an empty text), and their count into *nlines.  Returns
 * 0, or -1 when out of memory (*lines freed). */
static int split_lines(const char *text, struct textline **lines,
		       size_t *nlines)
{
	struct textline *v = NULL, *g;
	const char *p = text, *nl;
	size_t n = 0, cap = 0;

	while (*p) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			g = realloc(v, cap * sizeof(*g));
			if (!g) {
				free(v);
				return -1;
			}
			v = g;
		}
		nl = strchr(p, '\n');
		v[n].at = p;
		v[n].len = nl ? (size_t)(nl - p) : strlen(p);
		n++;
		if (!nl)
			break;
		p = nl + 1;
	}
	*lines = v;
	*nlines = n;
	return 0;
}

static void line_parts(const struct textline *tl, size_t *indent,
		       const char **comment)
{
	bool quoted = false;
	size_t i;

	*comment = NULL;
	for (*indent = 0; *indent < tl->len &&
	     (tl->at[*indent] == ' ' || tl->at[*indent] == '\t'); (*indent)++)
		;
	for (i = *indent; i < tl->len; i++) {
		if (tl->at[i] == '\\' && quoted && i + 1 < tl->len) {
			i++;
			continue;
		}
		if (tl->at[i] == '"')
			quoted = !quoted;
		else if (tl->at[i] == '#' && !quoted) {
			*comment = tl->at + i;
			return;
		}
	}
}

/* "    expect [sel] OUTCOMES ...  # comment\n" appended to buf. */
static int line_text(char **buf, size_t *len, const char *indent,
		     size_t indent_len, const struct ga_expect *e,
		     const char *comment, size_t comment_len)
{
	char text[2048];
	size_t need;
	char *g;
	int k;

	ga_expect_text(e, true, text, sizeof(text));
	need = indent_len + strlen(text) + comment_len + 16;
	g = realloc(*buf, *len + need);
	if (!g)
		return -1;
	*buf = g;
	k = snprintf(g + *len, need, "%.*sexpect %s%s%.*s\n", (int)indent_len,
		     indent, text, comment ? "  " : "", (int)comment_len,
		     comment ? comment : "");
	*len += (size_t)k;
	return 0;
}

/* How the file indents its expect lines: as its first one, else four
 * blanks. */
static void file_indent(const struct ga_scenario *sc,
			const struct textline *lines, size_t nlines,
			const char **indent, size_t *len)
{
	const char *comment;
	size_t i;
	int l;

	*indent = "    ";
	*len = 4;
	for (i = 0; i < sc->nsteps; i++) {
		if (!sc->steps[i].nexpects)
			continue;
		l = sc->steps[i].expects[0].line;
		if (l < 1 || (size_t)l > nlines)
			continue;
		line_parts(&lines[l - 1], len, &comment);
		*indent = lines[l - 1].at;
		return;
	}
}

/* The edits that turn st's lines into w; a new line is indented as
 * st's first line, else as indent[0..indent_len). */
static int work_edits(const struct work *w, const struct ga_step *st,
		      const struct textline *lines, size_t nlines,
		      const char *indent, size_t indent_len,
		      struct ga_line_edits *edits, struct ga_error *err)
{
	const char *comment;
	size_t i, ind, clen;
	char *pending = NULL;
	size_t plen = 0;
	int last = st->line, rc = -1;

	for (i = 0; i < st->nexpects; i++) {
		if (st->expects[i].line > last)
			last = st->expects[i].line;
		if (i == 0 && st->expects[i].line >= 1 &&
		    (size_t)st->expects[i].line <= nlines) {
			line_parts(&lines[st->expects[i].line - 1],
				   &indent_len, &comment);
			indent = lines[st->expects[i].line - 1].at;
		}
	}
	if (st->seen.line > last)
		last = st->seen.line;
	for (i = 0; i < w->n; i++) {
		const struct wline *l = &w->v[i];

		if (!l->orig) {
			if (line_text(&pending, &plen, indent, indent_len,
				      &l->e, NULL, 0))
				goto oom;
			continue;
		}
		if (l->changed && (size_t)l->orig->line <= nlines &&
		    l->orig->line >= 1) {
			const struct textline *tl = &lines[l->orig->line - 1];

			line_parts(tl, &ind, &comment);
			clen = comment ? (size_t)(tl->at + tl->len - comment) : 0;
			if (line_text(&pending, &plen, tl->at, ind, &l->e,
				      comment, clen))
				goto oom;
		}
		if (pending &&
		    ga_line_edits_add(edits, l->orig->line, l->changed ? 1 : 0,
				      pending, err))
			goto out;
		free(pending);
		pending = NULL;
		plen = 0;
	}
	if (pending && ga_line_edits_add(edits, last + 1, 0, pending, err))
		goto out;
	rc = 0;
	goto out;
oom:
	ga_error_set(err, "out of memory");
out:
	free(pending);
	return rc;
}

/* The default client: builtin when a case has it, else in a draft the
 * first case's. */
static const char *default_client(const struct ga_record_case *cases,
				  size_t n, bool draft)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(cases[i].client, "builtin") == 0)
			return "builtin";
	return draft && n ? cases[0].client : NULL;
}

static bool is_draft(const struct ga_scenario *sc)
{
	size_t i, k, lines = 0;

	for (i = 0; i < sc->nsteps; i++)
		for (k = 0; k < sc->steps[i].nexpects; k++) {
			if (sc->steps[i].expects[k].set.any)
				return true;
			lines++;
		}
	return lines == 0;
}

static void note(char *notes, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(char *notes, size_t len, const char *fmt, ...)
{
	size_t used = strlen(notes);
	va_list ap;

	if (used + 2 >= len)
		return;
	if (used)
		notes[used++] = '\n';
	va_start(ap, fmt);
	vsnprintf(notes + used, len - used, fmt, ap);
	va_end(ap);
}

static int record_step(struct step_rec *s, const struct textline *lines,
		       size_t nlines, const char *indent, size_t indent_len,
		       struct ga_line_edits *edits, char *notes,
		       size_t notes_len, struct ga_error *err)
{
	const struct ga_step *st = s->st;
	struct work w = { NULL, 0 };
	struct ga_expect n;
	const char *cls;
	size_t k, i;
	int pass, rc = -1;

	w.v = calloc(st->nexpects ? st->nexpects : 1, sizeof(*w.v));
	if (!w.v)
		return ga_error_set(err, "out of memory");
	for (i = 0; i < st->nexpects; i++) {
		if (ga_record_expect_copy(&w.v[i].e, &st->expects[i]))
			goto oom;
		w.v[i].orig = &st->expects[i];
		w.n++;
	}
	for (k = 0; k < s->n; k++) {
		s->sigs[k][0] = '\0';
		if (s->i >= s->cases[k].nsteps || !s->cases[k].steps[s->i].ran)
			continue;
		cls = ga_record_unwritable_class(&s->cases[k].steps[s->i]);
		if (cls)
			note(notes, notes_len, "line %d: %s's error class \"%s\" "
			     "is no class an expect line can hold "
			     "(docs/expectations.md): recorded as 'error'",
			     st->line, s->cases[k].client, cls);
		if (ga_record_line(st, &s->cases[k].steps[s->i], NULL, &n))
			goto oom;
		signature(&n, s->sigs[k], sizeof(s->sigs[k]));
		ga_record_expect_free(&n);
	}
	/* the default client's lines first: the others' differ from them */
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < s->n; k++) {
			bool d = s->dflt && strcmp(s->cases[k].client,
						   s->dflt) == 0;

			if (!s->sigs[k][0] || d != (pass == 0))
				continue;
			if (record_one(s, &w, k))
				goto oom;
		}
	/* every case holds by the lines as they are now */
	for (k = 0; k < s->n; k++) {
		long a;

		if (!s->sigs[k][0])
			continue;
		a = work_select(&w, st, &s->cases[k].who);
		if (a == SELECT_OOM)
			goto oom;
		if (a < 0 ? ga_record_holds(NULL, &s->cases[k].steps[s->i]) :
		    ga_record_holds(line_of(&w.v[a]),
				    &s->cases[k].steps[s->i]))
			continue;
		note(notes, notes_len, "line %d: no line records what %s "
		     "saw with %s", st->line, s->cases[k].server_name,
		     s->cases[k].client);
	}
	rc = work_edits(&w, st, lines, nlines, indent, indent_len, edits, err);
	work_free(&w);
	return rc;
oom:
	work_free(&w);
	return ga_error_set(err, "out of memory");
}

int ga_record_scenario(const struct ga_scenario *sc, const char *text,
		       const struct ga_record_case *cases, size_t n,
		       struct ga_line_edits *edits, char *notes,
		       size_t notes_len, struct ga_error *err)
{
	struct textline *lines = NULL;
	struct step_rec s;
	const char *indent;
	size_t nlines = 0, i, indent_len;
	int rc = -1;

	if (notes_len)
		notes[0] = '\0';
	memset(&s, 0, sizeof(s));
	s.cases = cases;
	s.n = n;
	s.draft = is_draft(sc);
	s.dflt = default_client(cases, n, s.draft);
	s.sigs = calloc(n ? n : 1, sizeof(*s.sigs));
	if (!s.sigs || split_lines(text, &lines, &nlines)) {
		ga_error_set(err, "out of memory");
		goto out;
	}
	file_indent(sc, lines, nlines, &indent, &indent_len);
	for (i = 0; i < sc->nsteps; i++) {
		if (!ga_record_checked(&sc->steps[i]))
			continue;
		s.st = &sc->steps[i];
		s.i = i;
		if (record_step(&s, lines, nlines, indent, indent_len, edits,
				notes, notes_len, err))
			goto out;
	}
	rc = 0;
out:
	free(s.sigs);
	free(lines);
	return rc;
}
