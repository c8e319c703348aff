/* expectations.c - see expectations.h: a connector's expectation file,
 * read, written and put into the scenarios it names.  Its lines are read
 * by the scenario language's own lexer and expect-line parser, so an
 * outcome means here what it means in a scenario. */
#include "lang/expectations.h"
#include "lang/internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lang/expect_text.h"
#include "util/hash.h"
#include "util/suggest.h"

#define MAX_STEP_LINE 1000000

static const char *const headers[] = { "goneaway-expectations", "client",
				       "driver" };

/* The step kind named word, or -1. */
static int find_kind(const char *word)
{
	int k;

	for (k = 0; k < GA_STEP_KIND_COUNT; k++)
		if (strcmp(ga_step_kind_name((enum ga_step_kind)k), word) == 0)
			return k;
	return -1;
}

/* Whether word is the first of a step's two words ("server" of "server
 * oom-kills"). */
static bool first_of_two(const char *word)
{
	size_t n = strlen(word);
	const char *name;
	int k;

	for (k = 0; k < GA_STEP_KIND_COUNT; k++) {
		name = ga_step_kind_name((enum ga_step_kind)k);
		if (strncmp(name, word, n) == 0 && name[n] == ' ')
			return true;
	}
	return false;
}

/* A step of this kind names a connection after its keyword. */
static bool kind_has_conn(enum ga_step_kind kind)
{
	return ga_step_kind_is(kind, GA_STEP_ON_CLIENT) ||
	       kind == GA_STEP_REAP;
}

static bool valid_name(const char *s)
{
	return isalpha((unsigned char)s[0]) && ga_all_of(s, strlen(s), "_-");
}

struct reader {
	struct parser p;
	struct ga_expectations *x;
	bool format_seen;
	bool entry_seen;
	struct ga_step dummy;           /* the step an entry's outcomes are
					 * checked against: of the entry's
					 * kind, allowed what a step of that
					 * kind may be (a fork that shares, on
					 * a pool's connection); check_entry
					 * holds the entry to the scenario's
					 * real step */
	struct ga_connection pooled;    /* the dummy's connection: a pool's */
	size_t *slots;                  /* owned: x's lines by their place
					 * (label, step line, server), an
					 * open-addressed hash table of
					 * indexes into x->items, SIZE_MAX
					 * empty: a second line for a place
					 * is found in constant time, not by
					 * looking at every line before */
	size_t nslots;                  /* a power of 2, at least 2 x->n */
	size_t cap;                     /* room in x->items */
	bool full;                      /* GA_EXPECTATIONS_MAX_LINES read:
					 * the rest is not */
	char *pending;                  /* owned: comment lines read since
					 * the last line, for the next one */
};

static size_t place_hash(const struct ga_expectation *e)
{
	uint64_t h = ga_fnv1a(GA_FNV1A_INIT, e->label, strlen(e->label));

	h = ga_fnv1a(h, &e->step_line, sizeof(e->step_line));
	h = ga_fnv1a(h, e->server, strlen(e->server));
	/* FNV's low bits, the ones a table's mask keeps, depend only on
	 * the low bits before: mixed with the high ones (murmur3's end) */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h;
}

static bool same_place(const struct ga_expectation *a,
		       const struct ga_expectation *b)
{
	return a->step_line == b->step_line && strcmp(a->label, b->label) == 0 &&
	       strcmp(a->server, b->server) == 0;
}

/* The slot of e's place: the one holding a line of that place, or the
 * empty one where it goes. */
static size_t *place_slot(const struct reader *r,
			  const struct ga_expectation *e)
{
	size_t mask = r->nslots - 1, i = place_hash(e) & mask;

	while (r->slots[i] != SIZE_MAX &&
	       !same_place(&r->x->items[r->slots[i]], e))
		i = (i + 1) & mask;
	return &r->slots[i];
}

/* Room in the table for one more line.  0, or -1 (out of memory). */
static int places_grow(struct reader *r)
{
	size_t *old = r->slots, nold = r->nslots, i, n;

	if (2 * (r->x->n + 1) <= r->nslots)
		return 0;
	n = r->nslots ? 2 * r->nslots : 64;
	r->slots = malloc(n * sizeof(*r->slots));
	if (!r->slots) {
		r->slots = old;
		return -1;
	}
	r->nslots = n;
	for (i = 0; i < n; i++)
		r->slots[i] = SIZE_MAX;
	for (i = 0; i < nold; i++)
		if (old[i] != SIZE_MAX)
			*place_slot(r, &r->x->items[old[i]]) = old[i];
	free(old);
	return 0;
}

/* *to with text[0..n) and a newline appended; *to owned.  0, or -1 (out
 * of memory). */
static int append_line(char **to, const char *text, size_t n)
{
	size_t have = *to ? strlen(*to) : 0;
	char *g = realloc(*to, have + n + 2);

	if (!g)
		return -1;
	memcpy(g + have, text, n);
	g[have + n] = '\n';
	g[have + n + 1] = '\0';
	*to = g;
	return 0;
}

/* Keeps e's comments (the lines before it, pending, and at its end, from
 * lx's position) as the note of its place.  0, or -1 (out of memory). */
static int note_entry(struct reader *r, struct lexer *lx,
		      const struct ga_expectation *e)
{
	struct ga_expectation_note *g, *nt;
	size_t end = lx->len;

	ga_lex_skip(lx);
	if (!r->pending && (lx->pos >= lx->len || lx->s[lx->pos] != '#'))
		return 0;
	g = realloc(r->x->notes, (r->x->nnotes + 1) * sizeof(*g));
	if (!g)
		return -1;
	r->x->notes = g;
	nt = &g[r->x->nnotes];
	memset(nt, 0, sizeof(*nt));
	nt->label = strdup(e->label);
	if (!nt->label)
		return -1;
	nt->step_line = e->step_line;
	snprintf(nt->server, sizeof(nt->server), "%s", e->server);
	while (end > lx->pos && (lx->s[end - 1] == ' ' ||
				 lx->s[end - 1] == '\t' ||
				 lx->s[end - 1] == '\r'))
		end--;
	if (lx->pos < end && lx->s[lx->pos] == '#' &&
	    !(nt->after = strndup(lx->s + lx->pos, end - lx->pos))) {
		free(nt->label);
		return -1;
	}
	nt->before = r->pending;
	r->pending = NULL;
	r->x->nnotes++;
	return 0;
}

/* A line with nothing but a comment: the file's head before its format
 * line, else kept for the next line.  line[0..len) is the whole line. */
static void comment_line(struct reader *r, const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	while (len > i && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
			   line[len - 1] == '\r'))
		len--;
	if (i >= len || line[i] != '#')
		return;
	if (append_line(r->format_seen ? &r->pending : &r->x->head, line + i,
			len - i))
		ga_parse_nomem(&r->p);
}

static int header_line(struct reader *r, struct lexer *lx,
		       const struct word *kw)
{
	struct parser *p = &r->p;
	const char *text;
	struct word w;
	char **slot;
	int *where;
	size_t n;

	if (r->entry_seen)
		return ga_perr(p, kw->col, "'%s' after the first step's line: "
			       "the header comes first", kw->text);
	if (strcmp(kw->text, "goneaway-expectations") == 0) {
		if (r->format_seen)
			return ga_perr(p, kw->col, "a second "
				       "'goneaway-expectations' line");
		r->format_seen = true;
		if (ga_lex_word(p, lx, &w) <= 0 || !ga_is_digits(w.text))
			return ga_perr(p, kw->col, "'goneaway-expectations' "
				       "needs the format's version, e.g. "
				       "goneaway-expectations 1");
		if (strcmp(w.text, "1") != 0)
			return ga_perr(p, w.col, "format %s, and this goneaway "
				       "reads format %d only", w.text,
				       GA_EXPECTATIONS_FORMAT);
		return ga_lex_end(p, lx, "the format's version");
	}
	slot = kw->text[0] == 'c' ? &r->x->client : &r->x->driver;
	where = kw->text[0] == 'c' ? &r->x->client_line : &r->x->driver_line;
	if (*slot)
		return ga_perr(p, kw->col, "a second '%s' line (the first is "
			       "at line %d)", kw->text, *where);
	if (kw->text[0] == 'c') {
		if (ga_lex_word(p, lx, &w) <= 0)
			return ga_perr(p, kw->col, "'client' needs the name "
				       "the client's driver gives itself, "
				       "e.g. client pymysql");
		if (strlen(w.text) >= GA_CLIENT_NAME_MAX ||
		    !ga_all_of(w.text, strlen(w.text), "_-."))
			return ga_perr(p, w.col, "invalid client name '%s': "
				       "letters, digits, '_', '-' and '.', "
				       "at most %d", w.text,
				       GA_CLIENT_NAME_MAX - 1);
		if (ga_lex_end(p, lx, "the client's name"))
			return -1;
		text = w.text;
		n = strlen(text);
	} else {
		n = ga_lex_text(lx, &text);
		if (!n)
			return ga_perr(p, kw->col, "'driver' needs how to start "
				       "the client, as --client takes it: "
				       "builtin, a name of drivers/"
				       "drivers.list or cmd:COMMAND ARGS");
	}
	*slot = ga_parse_strndup(p, text, n);
	*where = p->line;
	return *slot ? 0 : -1;
}

/* "LABEL:LINE" into e. */
static int entry_where(struct reader *r, const struct word *w,
		       struct ga_expectation *e)
{
	struct parser *p = &r->p;
	const char *colon = strrchr(w->text, ':');

	if (!colon || colon == w->text || !colon[1])
		return ga_perr(p, w->col, "expected SCENARIO:LINE, found '%s' "
			       "(e.g. kill-idle:40)", w->text);
	if (!ga_is_digits(colon + 1) || strlen(colon + 1) > 7 ||
	    atol(colon + 1) < 1 || atol(colon + 1) > MAX_STEP_LINE)
		return ga_perr(p, w->col + (int)(colon + 1 - w->text),
			       "invalid line '%s': a step's line in the "
			       "scenario, 1 to %d", colon + 1, MAX_STEP_LINE);
	e->step_line = (int)atol(colon + 1);
	e->label = ga_parse_strndup(p, w->text, (size_t)(colon - w->text));
	e->label_col = w->col;
	return e->label ? 0 : -1;
}

static int entry_step(struct reader *r, struct lexer *lx,
		      struct ga_expectation *e)
{
	struct parser *p = &r->p;
	char dym[GA_SUGGEST_MAX + 32], two[64];
	struct ga_suggest sg;
	struct word w;
	int k;

	if (ga_lex_word(p, lx, &w) <= 0)
		return ga_perr(p, ga_lex_col(lx), "expected the step's keyword "
			       "after the server, e.g. query app");
	k = find_kind(w.text);
	if (k < 0 && first_of_two(w.text)) {
		/* a keyword of two words, "server oom-kills" */
		int col = w.col;

		snprintf(two, sizeof(two), "%s", w.text);
		if (ga_lex_word(p, lx, &w) > 0 &&
		    strlen(two) + 1 + strlen(w.text) < sizeof(two)) {
			snprintf(two + strlen(two), sizeof(two) - strlen(two),
				 " %s", w.text);
			k = find_kind(two);
		}
		w.text = two;   /* the keyword, for the messages below */
		w.col = col;
	}
	if (k < 0) {
		ga_suggest_init(&sg, w.text, 2);
		for (k = 0; k < GA_STEP_KIND_COUNT; k++)
			ga_suggest_try(&sg, ga_step_kind_name(
					       (enum ga_step_kind)k));
		return ga_perr(p, w.col, "unknown step '%s'%s", w.text,
			       ga_suggest_text(&sg, dym, sizeof(dym)));
	}
	if (ga_step_kind_is((enum ga_step_kind)k, GA_STEP_ACTION) ||
	    k == GA_STEP_SEND)
		return ga_perr(p, w.col, "'%s' has no outcome to expect%s",
			       w.text, k == GA_STEP_SEND ?
			       ": its 'reap' has" : ": it is an action");
	e->kind = (enum ga_step_kind)k;
	e->kind_col = w.col;
	if (!kind_has_conn(e->kind))
		return 0;
	if (ga_lex_word(p, lx, &w) <= 0)
		return ga_perr(p, ga_lex_col(lx), "'%s' needs its connection's "
			       "name", ga_step_kind_name(e->kind));
	if (!valid_name(w.text) || strlen(w.text) >= GA_NAME_MAX)
		return ga_perr(p, w.col, "invalid connection name '%s'",
			       w.text);
	snprintf(e->conn, sizeof(e->conn), "%s", w.text);
	e->conn_col = w.col;
	return 0;
}

static int entry_line(struct reader *r, struct lexer *lx,
		      const struct word *first)
{
	struct parser *p = &r->p;
	struct ga_expectations *x = r->x;
	struct ga_expectation e, *grown;
	struct word w;
	size_t *slot;

	memset(&e, 0, sizeof(e));
	e.line = p->line;
	e.expect.line = p->line;
	e.expect.after_ms = e.expect.within_ms = -1;
	r->entry_seen = true;
	if (x->n >= GA_EXPECTATIONS_MAX_LINES) {
		r->full = true;
		return ga_perr(p, first->col, "more than %d step lines "
			       "(GA_EXPECTATIONS_MAX_LINES, goneaway's cap): "
			       "not a connector's expectation file; the rest "
			       "is not read", GA_EXPECTATIONS_MAX_LINES);
	}
	if (entry_where(r, first, &e))
		goto bad;
	if (ga_lex_word(p, lx, &w) <= 0) {
		ga_perr(p, ga_lex_col(lx), "expected the server after '%s': "
			"a --server name, or '*' for every server",
			first->text);
		goto bad;
	}
	if (strlen(w.text) >= GA_SERVER_NAME_MAX) {
		ga_perr(p, w.col, "server name '%.40s...' is too long", w.text);
		goto bad;
	}
	if (strcmp(w.text, "*") != 0)
		snprintf(e.server, sizeof(e.server), "%s", w.text);
	if (entry_step(r, lx, &e))
		goto bad;
	ga_lex_skip(lx);
	if (ga_lex_peek(lx) == '[') {
		ga_perr(p, ga_lex_col(lx), "a selector has no place here: the "
			"server is the line's second word, the client the "
			"file's 'client'");
		goto bad;
	}
	memset(&r->dummy, 0, sizeof(r->dummy));
	r->dummy.kind = e.kind;
	/* both checked against the scenario's step later (check_entry) */
	r->dummy.fork_mode = GA_FORK_SHARE;
	r->dummy.conn = 0;                      /* r->pooled */
	p->last_kind = e.kind;
	p->last_kind_known = true;
	if (ga_parse_expect_body(p, lx, &e.expect, true))
		goto bad;
	if (e.expect.set.any) {
		ga_perr(p, first->col, "'any' is a draft's placeholder: an "
			"expectation file holds the outcomes seen");
		goto bad;
	}
	if (places_grow(r)) {
		ga_parse_nomem(p);
		goto bad;
	}
	slot = place_slot(r, &e);
	if (*slot != SIZE_MAX) {
		ga_perr(p, first->col, "a second line for this step and server "
			"(the first is at line %d)", x->items[*slot].line);
		goto bad;
	}
	if (x->n >= r->cap) {
		/* doubling: a line at a time would copy them all each time */
		size_t cap = r->cap < 16 ? 16 : 2 * r->cap;

		grown = realloc(x->items, cap * sizeof(*grown));
		if (!grown) {
			ga_parse_nomem(p);
			goto bad;
		}
		x->items = grown;
		r->cap = cap;
	}
	*slot = x->n;
	x->items[x->n++] = e;
	if (note_entry(r, lx, &e)) {
		ga_parse_nomem(p);
		return -1;
	}
	return 0;
bad:
	free(e.label);
	free(e.expect.value.text);
	free(e.expect.message);
	return -1;
}

static void read_line(struct reader *r, struct lexer *lx)
{
	struct parser *p = &r->p;
	char dym[GA_SUGGEST_MAX + 32];
	struct ga_suggest sg;
	struct word kw;
	size_t i;

	if (ga_lex_word(p, lx, &kw) <= 0) {
		comment_line(r, lx->s, lx->len);
		return;
	}
	if (!r->format_seen && strcmp(kw.text, headers[0]) != 0) {
		r->format_seen = true;  /* said once */
		ga_perr(p, kw.col, "not an expectation file: it begins with "
			"'goneaway-expectations 1' (docs/expectations.md)");
		return;
	}
	for (i = 0; i < COUNT(headers); i++)
		if (strcmp(kw.text, headers[i]) == 0) {
			header_line(r, lx, &kw);
			return;
		}
	if (strchr(kw.text, ':')) {
		entry_line(r, lx, &kw);
		return;
	}
	ga_suggest_init(&sg, kw.text, 2);
	for (i = 0; i < COUNT(headers); i++)
		ga_suggest_try(&sg, headers[i]);
	ga_perr(p, kw.col, "unknown line '%s': a header (goneaway-"
		"expectations, client, driver) or SCENARIO:LINE SERVER STEP "
		"OUTCOME%s", kw.text, ga_suggest_text(&sg, dym, sizeof(dym)));
}

int ga_expectations_parse_text(const char *path, const char *text,
			       struct ga_expectations *x,
			       struct ga_diags *diags)
{
	struct ga_scenario sc;
	struct reader r;
	struct lexer lx;
	const char *line, *nl;
	char *scratch;
	size_t first = diags->n;

	memset(&r, 0, sizeof(r));
	memset(&sc, 0, sizeof(sc));
	r.x = x;
	r.cap = x->n;
	r.p.path = path;
	r.p.diags = diags;
	/* an entry's outcomes are checked against a step of its kind */
	r.p.sc = &sc;
	sc.steps = &r.dummy;
	sc.nsteps = 1;
	r.pooled.pool.line = 1;
	sc.connections = &r.pooled;
	sc.nconnections = 1;
	r.p.target = TARGET_STEP;
	if (!x->path)
		x->path = strdup(path);
	scratch = malloc(2 * strlen(text) + 2);
	if (!x->path || !scratch) {
		free(scratch);
		ga_diags_add(diags, path, 0, 0, "out of memory");
		return -1;
	}
	line = text;
	for (;;) {
		r.p.line++;
		nl = ga_lex_line(&lx, line, scratch);
		read_line(&r, &lx);
		if (nl && !r.full &&
		    r.p.nerrors >= GA_EXPECTATIONS_MAX_ERRORS) {
			ga_perr_at(&r.p, r.p.line + 1, 0, "more than %d "
				   "problems (GA_EXPECTATIONS_MAX_ERRORS): the "
				   "rest of the file is not read",
				   GA_EXPECTATIONS_MAX_ERRORS);
			break;
		}
		if (!nl || r.full)
			break;
		line = nl + 1;
	}
	free(scratch);
	free(r.slots);
	if (r.pending) {
		if (x->tail)            /* a second read into x: after it */
			append_line(&x->tail, r.pending,
				    strlen(r.pending) - 1);
		else
			x->tail = r.pending;
		if (x->tail != r.pending)
			free(r.pending);
	}
	if (!r.format_seen)
		ga_perr_at(&r.p, 1, 0, "not an expectation file: it begins "
			   "with 'goneaway-expectations 1' "
			   "(docs/expectations.md)");
	return diags->n > first ? -1 : 0;
}

int ga_expectations_read(const char *path, struct ga_expectations *x,
			 struct ga_diags *diags)
{
	FILE *f = fopen(path, "rbe");
	char *buf = NULL, *grown;
	size_t n = 0, cap = 0, got;
	int rc = -1;

	if (!f) {
		ga_diags_add(diags, path, 0, 0, "cannot read: %s",
			     strerror(errno));
		return -1;
	}
	/* the buffer grows with what is read (doubling), up to the cap
	 * and one byte more, to tell a file past it */
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 65536;
			if (cap > (size_t)GA_EXPECTATIONS_MAX_SIZE + 1)
				cap = (size_t)GA_EXPECTATIONS_MAX_SIZE + 1;
			grown = realloc(buf, cap + 1);
			if (!grown) {
				ga_diags_add(diags, path, 0, 0, "out of memory");
				goto out;
			}
			buf = grown;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got && n <= (size_t)GA_EXPECTATIONS_MAX_SIZE);
	if (ferror(f)) {
		ga_diags_add(diags, path, 0, 0, "cannot read: %s",
			     strerror(errno ? errno : EIO));
		goto out;
	}
	if (n > (size_t)GA_EXPECTATIONS_MAX_SIZE) {
		ga_diags_add(diags, path, 0, 0, "file is larger than %ld MiB: "
			     "not an expectation file",
			     GA_EXPECTATIONS_MAX_SIZE >> 20);
		goto out;
	}
	buf[n] = '\0';
	if (memchr(buf, '\0', n)) {
		ga_diags_add(diags, path, 0, 0, "file contains a NUL byte: not "
			     "an expectation file");
		goto out;
	}
	rc = ga_expectations_parse_text(path, buf, x, diags);
out:
	free(buf);
	fclose(f);
	return rc;
}

void ga_expectations_free(struct ga_expectations *x)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		free(x->items[i].label);
		free(x->items[i].expect.value.text);
		free(x->items[i].expect.message);
	}
	free(x->items);
	for (i = 0; i < x->nnotes; i++) {
		free(x->notes[i].label);
		free(x->notes[i].before);
		free(x->notes[i].after);
	}
	free(x->notes);
	free(x->head);
	free(x->tail);
	free(x->path);
	free(x->client);
	free(x->driver);
	memset(x, 0, sizeof(*x));
}

/* The order of two places: scenario label, step line, server ('*',
 * "", first). */
static int place_order(const char *label_a, int line_a, const char *server_a,
		       const char *label_b, int line_b, const char *server_b)
{
	int c = strcmp(label_a, label_b);

	if (c)
		return c;
	if (line_a != line_b)
		return line_a < line_b ? -1 : 1;
	return strcmp(server_a, server_b);
}

static int by_place(const void *a, const void *b)
{
	const struct ga_expectation *x = a, *y = b;

	return place_order(x->label, x->step_line, x->server, y->label,
			   y->step_line, y->server);
}

static int note_by_place(const void *a, const void *b)
{
	const struct ga_expectation_note *x = a, *y = b;

	return place_order(x->label, x->step_line, x->server, y->label,
			   y->step_line, y->server);
}

void ga_expectations_sort(struct ga_expectations *x)
{
	if (x->n > 1)
		qsort(x->items, x->n, sizeof(*x->items), by_place);
	if (x->nnotes > 1)
		qsort(x->notes, x->nnotes, sizeof(*x->notes), note_by_place);
}

/* The note of e's place (x's notes sorted), or NULL. */
static const struct ga_expectation_note *
note_of(const struct ga_expectations *x, const struct ga_expectation *e)
{
	struct ga_expectation_note key;

	if (!x->nnotes)
		return NULL;
	memset(&key, 0, sizeof(key));
	key.label = e->label;
	key.step_line = e->step_line;
	snprintf(key.server, sizeof(key.server), "%s", e->server);
	return bsearch(&key, x->notes, x->nnotes, sizeof(*x->notes),
		       note_by_place);
}

/* The first three columns of expectation e: "label:line", the server
 * ("*" for every one) and "keyword [connection]". */
static void columns_of(const struct ga_expectation *e, char *where,
		       size_t where_len, char *step, size_t step_len,
		       const char **server)
{
	snprintf(where, where_len, "%s:%d", e->label, e->step_line);
	snprintf(step, step_len, "%s%s%s", ga_step_kind_name(e->kind),
		 e->conn[0] ? " " : "", e->conn);
	*server = e->server[0] ? e->server : "*";
}

#define MIN_WHERE 28    /* the columns' least widths: a file of short */
#define MIN_SERVER 12   /* labels looks as it always did */
#define MIN_STEP 14

int ga_expectations_write(FILE *f, struct ga_expectations *x)
{
	char where[300], step[GA_NAME_MAX + 32], text[2048];
	int w_where = MIN_WHERE, w_server = MIN_SERVER, w_step = MIN_STEP;
	const char *server;
	size_t i;
	int rc = 0;

	ga_expectations_sort(x);
	/* every line's columns at the widths of the file's widest, so
	 * that a long scenario label shifts no column (issue 24) */
	for (i = 0; i < x->n; i++) {
		columns_of(&x->items[i], where, sizeof(where), step,
			   sizeof(step), &server);
		if ((int)strlen(where) > w_where)
			w_where = (int)strlen(where);
		if ((int)strlen(server) > w_server)
			w_server = (int)strlen(server);
		if ((int)strlen(step) > w_step)
			w_step = (int)strlen(step);
	}
	if (x->head)
		fputs(x->head, f);      /* the file's own */
	else
		fprintf(f, "# What %s does in goneaway's scenarios: one line "
			"per step and server,\n# SCENARIO:LINE SERVER STEP "
			"OUTCOME, sorted ('*': every server without a\n# line "
			"of its own).  Written by goneaway run --record; the "
			"format is\n# docs/expectations.md in goneaway's "
			"source.\n", x->client ? x->client : "the client");
	fprintf(f, "goneaway-expectations %d\n", GA_EXPECTATIONS_FORMAT);
	if (x->client)
		fprintf(f, "client %s\n", x->client);
	if (x->driver)
		fprintf(f, "driver %s\n", x->driver);
	fputc('\n', f);
	for (i = 0; i < x->n; i++) {
		const struct ga_expectation *e = &x->items[i];
		const struct ga_expectation_note *nt = note_of(x, e);

		columns_of(e, where, sizeof(where), step, sizeof(step),
			   &server);
		if (ga_expect_text(&e->expect, false, text, sizeof(text)))
			rc = -1;
		if (nt && nt->before)
			fputs(nt->before, f);
		fprintf(f, "%-*s %-*s %-*s %s%s%s\n", w_where, where, w_server,
			server, w_step, step, text, nt && nt->after ? "  " : "",
			nt && nt->after ? nt->after : "");
	}
	if (x->tail)
		fputs(x->tail, f);
	return rc;
}

const struct ga_expectation *
ga_expectations_find(const struct ga_expectations *x, const char *label,
		     int step_line, const char *server)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (x->items[i].step_line == step_line &&
		    strcmp(x->items[i].label, label) == 0 &&
		    strcmp(x->items[i].server, server) == 0)
			return &x->items[i];
	return NULL;
}

static struct ga_scenario *find_scenario(struct ga_scenario **scs, size_t n,
					 const char *label)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(ga_scenario_label(scs[i]), label) == 0)
			return scs[i];
	return NULL;
}

static struct ga_step *find_step(struct ga_scenario *sc, int line)
{
	size_t i;

	for (i = 0; i < sc->nsteps; i++)
		if (sc->steps[i].line == line)
			return &sc->steps[i];
	return NULL;
}

/* The step of sc that e names, or NULL after a diagnostic. */
static struct ga_step *check_entry(const struct ga_expectations *x,
				   const struct ga_expectation *e,
				   struct ga_scenario *sc,
				   struct ga_diags *diags)
{
	struct ga_step *st = find_step(sc, e->step_line);
	const char *conn;

	if (!st) {
		ga_diags_add(diags, x->path, e->line, e->label_col, "%s has no "
			     "step at line %d (%s): the scenario changed since "
			     "this line was written; record it again",
			     e->label, e->step_line, sc->path);
		return NULL;
	}
	conn = st->conn >= 0 ? sc->connections[st->conn].name : "";
	if (st->kind != e->kind || strcmp(conn, e->conn) != 0) {
		ga_diags_add(diags, x->path, e->line, e->kind_col, "line %d "
			     "of %s is '%s%s%s', not '%s%s%s': the scenario "
			     "changed since this line was written; record it "
			     "again", e->step_line, sc->path,
			     ga_step_kind_name(st->kind), conn[0] ? " " : "",
			     conn, ga_step_kind_name(e->kind),
			     e->conn[0] ? " " : "", e->conn);
		return NULL;
	}
	if (e->expect.set.wrong && st->fork_mode != GA_FORK_SHARE) {
		ga_diags_add(diags, x->path, e->line, e->kind_col,
			     "'wrong-result' applies only to 'fork ... "
			     "share', and line %d of %s forks otherwise",
			     e->step_line, sc->path);
		return NULL;
	}
	if (e->expect.pool_sets &&
	    (st->conn < 0 || !sc->connections[st->conn].pool.line)) {
		ga_diags_add(diags, x->path, e->line, e->kind_col,
			     "'pool' checks the events a pool reported, and "
			     "line %d of %s is no step on a connection of a "
			     "pool", e->step_line, sc->path);
		return NULL;
	}
	return st;
}

/* A copy of e's expect line for client (and e's server), owned by the
 * scenario. */
static int copy_expect(const struct ga_expectations *x,
		       const struct ga_expectation *e, struct ga_expect *to)
{
	*to = e->expect;
	to->value.text = NULL;
	to->message = NULL;
	memset(&to->selector, 0, sizeof(to->selector));
	snprintf(to->selector.client, sizeof(to->selector.client), "%s",
		 x->client);
	snprintf(to->selector.server, sizeof(to->selector.server), "%s",
		 e->server);
	to->origin = x->path;
	to->line = e->line;
	if (e->expect.value.text &&
	    !(to->value.text = strdup(e->expect.value.text)))
		return -1;
	if (e->expect.message && !(to->message = strdup(e->expect.message))) {
		free(to->value.text);
		return -1;
	}
	return 0;
}

/* Puts the lines of x for st (server-specific ones first) ahead of its
 * own. */
static int inject(const struct ga_expectations *x, const char *label,
		  struct ga_step *st)
{
	struct ga_expect *v;
	size_t i, k = 0, n = 0;
	int pass;

	for (i = 0; i < x->n; i++)
		if (x->items[i].step_line == st->line &&
		    strcmp(x->items[i].label, label) == 0)
			n++;
	if (!n)
		return 0;
	v = calloc(n + st->nexpects, sizeof(*v));
	if (!v)
		return -1;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < x->n; i++) {
			const struct ga_expectation *e = &x->items[i];

			if (e->step_line != st->line ||
			    strcmp(e->label, label) != 0 ||
			    (pass == 0) != (e->server[0] != '\0'))
				continue;
			if (copy_expect(x, e, &v[k])) {
				while (k--) {
					free(v[k].value.text);
					free(v[k].message);
				}
				free(v);
				return -1;
			}
			k++;
		}
	if (st->nexpects)
		memcpy(v + k, st->expects, st->nexpects * sizeof(*v));
	free(st->expects);
	st->expects = v;
	st->nexpects += k;
	return 0;
}

int ga_expectations_apply(const struct ga_expectations *x,
			  struct ga_scenario **scs, size_t n, size_t *unused,
			  struct ga_diags *diags)
{
	struct ga_scenario *sc;
	size_t i, first = diags->n, left = 0;

	if (!x->client) {
		ga_diags_add(diags, x->path, 1, 0, "no 'client NAME' line: "
			     "whose expectations are these?");
		return -1;
	}
	for (i = 0; i < x->n; i++) {
		sc = find_scenario(scs, n, x->items[i].label);
		if (!sc)
			left++;
		else
			check_entry(x, &x->items[i], sc, diags);
	}
	if (unused)
		*unused = left;
	if (diags->n > first)
		return -1;
	for (i = 0; i < n; i++) {
		size_t s;

		for (s = 0; s < scs[i]->nsteps; s++)
			if (inject(x, ga_scenario_label(scs[i]),
				   &scs[i]->steps[s])) {
				ga_diags_add(diags, x->path, 0, 0,
					     "out of memory");
				return -1;
			}
	}
	return 0;
}

bool ga_expect_from_file(const struct ga_expect *e)
{
	return e && e->origin != NULL;
}
