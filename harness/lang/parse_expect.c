/* parse_expect.c - expect and seen lines: what a step must produce. */
#include "lang/expect_text.h"
#include "lang/internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lang/errnames.h"
#include "util/units.h"
#include "util/suggest.h"

/* Where each part of an expect line starts, for diagnostics (0: absent). */
struct expect_cols {
	int sel;                /* the selector, or the first outcome */
	int hang;
	int value;
	int thread;
	int after;
	int within;
	int message;
	int wrong;
	int any;
	int rows;
	int pool;
};

/* "X", "X.Y" or "X.Y.Z" -> X*10000 + Y*100 + Z */
static int parse_version(const char *s, unsigned long *out)
{
	unsigned long part[3] = { 0, 0, 0 };
	unsigned long limit;
	size_t n = 0;
	size_t digits;

	for (;;) {
		limit = n == 0 ? 9999 : 99;
		digits = 0;
		while (isdigit((unsigned char)*s)) {
			part[n] = part[n] * 10 + (unsigned long)(*s - '0');
			if (part[n] > limit)
				return -1;
			s++;
			digits++;
		}
		if (digits == 0)
			return -1;
		n++;
		if (*s == '\0')
			break;
		if (*s != '.' || n == 3)
			return -1;
		s++;
	}
	*out = part[0] * 10000 + part[1] * 100 + part[2];
	return 0;
}

static bool is_client_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

/* ["OP VERSION"] after a condition's name, up to ']' or ','. */
static int parse_version_cond(struct parser *p, struct lexer *lx,
			      enum ga_cmp *cmp, unsigned long *version)
{
	const char *tok;
	size_t start;
	int col;

	ga_lex_skip(lx);
	if (ga_lex_peek(lx) == ']' || ga_lex_peek(lx) == ',')
		return 0;
	col = ga_lex_col(lx);
	*cmp = ga_lex_cmp(lx);
	if (*cmp == GA_CMP_NONE)
		return ga_perr(p, col, "expected ']' or a comparison "
			    "(=, !=, <, <=, >, >=) in the selector");
	ga_lex_skip(lx);
	col = ga_lex_col(lx);
	start = lx->pos;
	while (isdigit((unsigned char)ga_lex_peek(lx)) ||
	       ga_lex_peek(lx) == '.')
		lx->pos++;
	tok = ga_lex_take(lx, start);
	if (!*tok)
		return ga_perr(p, col, "expected a version after '%s'",
			    ga_cmp_names[*cmp]);
	if (parse_version(tok, version))
		return ga_perr(p, col, "invalid version '%s': write X, "
			    "X.Y or X.Y.Z (minor and patch below 100)",
			    tok);
	return 0;
}

/* "client=NAME" or "client=NAME OP VERSION" in a selector. */
static int parse_client_cond(struct parser *p, struct lexer *lx,
			     struct ga_selector *sel)
{
	const char *tok;
	size_t start;
	int col;

	lx->pos += 7;           /* "client=" */
	col = ga_lex_col(lx);
	start = lx->pos;
	while (is_client_char(ga_lex_peek(lx)))
		lx->pos++;
	tok = ga_lex_take(lx, start);
	if (!*tok)
		return ga_perr(p, col, "expected a driver's name after "
			       "'client=', e.g. [client=pymysql]");
	if (sel->client[0])
		return ga_perr(p, col, "only one client= in a selector");
	if (strlen(tok) >= sizeof(sel->client))
		return ga_perr(p, col, "driver name '%s' is too long", tok);
	snprintf(sel->client, sizeof(sel->client), "%s", tok);
	sel->client_line = p->line;
	sel->client_col = col;
	return parse_version_cond(p, lx, &sel->client_cmp,
				  &sel->client_version);
}

/* "flavour" or "flavour OP version" in a selector. */
static int parse_server_cond(struct parser *p, struct lexer *lx,
			     struct ga_selector *sel)
{
	const char *tok;
	size_t start;
	int col;

	col = ga_lex_col(lx);
	start = lx->pos;
	while (isalpha((unsigned char)ga_lex_peek(lx)))
		lx->pos++;
	tok = ga_lex_take(lx, start);
	if (sel->flavour != GA_FLAVOUR_ANY && *tok)
		return ga_perr(p, col, "only one server flavour in a selector");
	if (strcmp(tok, "mariadb") == 0)
		sel->flavour = GA_FLAVOUR_MARIADB;
	else if (strcmp(tok, "mysql") == 0)
		sel->flavour = GA_FLAVOUR_MYSQL;
	else if (*tok)
		return ga_perr(p, col, "unknown server flavour '%s' (known: "
			    "mariadb, mysql)", tok);
	else
		return ga_perr(p, col, "expected 'mariadb', 'mysql' or "
			       "'client=NAME' in the selector");
	return parse_version_cond(p, lx, &sel->version_cmp, &sel->version);
}

/* "[" COND ["," COND] "]", a COND being "flavour", "flavour OP version",
 * "client=NAME" or "client=NAME OP version"; blanks optional inside. */
int ga_parse_selector(struct parser *p, struct lexer *lx,
		      struct ga_selector *sel)
{
	int rc;

	lx->pos++;              /* '[' */
	for (;;) {
		ga_lex_skip(lx);
		if (strncmp(lx->s + lx->pos, "client=", 7) == 0 &&
		    lx->len - lx->pos >= 7)
			rc = parse_client_cond(p, lx, sel);
		else
			rc = parse_server_cond(p, lx, sel);
		if (rc)
			return -1;
		ga_lex_skip(lx);
		if (ga_lex_peek(lx) == ',') {
			lx->pos++;
			continue;
		}
		if (ga_lex_peek(lx) != ']')
			return ga_perr(p, ga_lex_col(lx), "expected ']' to close "
				    "the selector");
		lx->pos++;      /* ']' */
		return 0;
	}
}

/* '.', ':' and '\' for a driver's qualified class (mysql.ErrInvalidConn,
 * Mysql2::Error, Foo\Bar\Exception), which ga_class_name() checks.  The
 * bytes are taken as they are: a '\' escapes nothing here. */
static bool is_outcome_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.' ||
	       c == ':' || c == '\\';
}

static int add_class(struct parser *p, struct ga_outcome_set *e,
		     const char *tok, int col)
{
	size_t i;

	for (i = 0; i < e->nclasses; i++)
		if (strcmp(e->classes[i], tok) == 0)
			return ga_perr(p, col, "outcome '%s' is listed twice",
				       tok);
	if (e->nclasses == GA_MAX_CODES)
		return ga_perr(p, col, "too many error classes: at most %d in "
			       "one expect line", GA_MAX_CODES);
	if (strlen(tok) >= GA_CLASS_MAX)
		return ga_perr(p, col, "error class '%s' is too long", tok);
	snprintf(e->classes[e->nclasses++], GA_CLASS_MAX, "%s", tok);
	return 0;
}

/* classes_ok: the line selects a client, so a word that is no known
 * error name is taken as that driver's own error class. */
static int add_outcome(struct parser *p, struct ga_outcome_set *e,
		       struct expect_cols *cols, const char *tok, int col,
		       bool classes_ok)
{
	char dym[GA_SUGGEST_MAX + 64];
	struct ga_suggest sg;
	unsigned code = 0;
	size_t i;

	if (strcmp(tok, "any") == 0) {
		if (e->any)
			return ga_perr(p, col, "outcome '%s' is listed twice",
				       tok);
		e->any = true;
		cols->any = col;
		return 0;
	}
	if (strcmp(tok, "ok") == 0 || strcmp(tok, "hang") == 0 ||
	    strcmp(tok, "wrong-result") == 0 || strcmp(tok, "error") == 0) {
		bool *flag = tok[0] == 'o' ? &e->ok :
			     tok[0] == 'h' ? &e->hang :
			     tok[0] == 'e' ? &e->any_error : &e->wrong;

		if (*flag)
			return ga_perr(p, col, "outcome '%s' is listed twice",
				    tok);
		*flag = true;
		if (tok[0] == 'h')
			cols->hang = col;
		if (tok[0] == 'w')
			cols->wrong = col;
		return 0;
	}
	if (isdigit((unsigned char)tok[0])) {
		if (!ga_is_digits(tok))
			return ga_perr(p, col, "invalid error number '%s'", tok);
		if (strlen(tok) > 5 || strtoul(tok, NULL, 10) < 1 ||
		    strtoul(tok, NULL, 10) > MAX_CODE)
			return ga_perr(p, col, "error number '%s' is out of "
				    "range 1..%d", tok, MAX_CODE);
		code = (unsigned)strtoul(tok, NULL, 10);
	} else if (ga_errname_code(tok, &code)) {
		if (classes_ok && ga_class_name(tok))
			return add_class(p, e, tok, col);
		if (strpbrk(tok, ":\\") && !ga_class_name(tok))
			return ga_perr(p, col, "invalid error class '%s': '::' "
				       "and '\\' go between two names, as in "
				       "Mysql2::Error or Foo\\Bar\\Exception",
				       tok);
		ga_suggest_init(&sg, tok, 3);
		for (i = 0; i < ga_nerrnames; i++)
			ga_suggest_try(&sg, ga_errnames[i].name);
		ga_suggest_text(&sg, dym, sizeof(dym));
		if (!dym[0] && strpbrk(tok, ".:\\") && ga_class_name(tok))
			snprintf(dym, sizeof(dym), "; a driver's own error "
				 "class needs a selector naming the driver, "
				 "e.g. [client=NAME]");
		return ga_perr(p, col, "unknown error name '%s'%s", tok, dym);
	}
	for (i = 0; i < e->ncodes; i++) {
		if (e->codes[i] == code)
			return ga_perr(p, col, "outcome '%s' is listed twice "
				    "(error %u)", tok, code);
	}
	if (e->ncodes == GA_MAX_CODES)
		return ga_perr(p, col, "too many error codes: at most %d in one "
			    "expect line", GA_MAX_CODES);
	e->codes[e->ncodes++] = code;
	return 0;
}

/* OUTCOME [(| or ,) OUTCOME]... */
static int parse_outcomes(struct parser *p, struct lexer *lx,
			  struct ga_outcome_set *e, struct expect_cols *cols,
			  const char *keyword, bool classes_ok)
{
	const char *tok;
	size_t start;
	bool first = true;
	char sep = '\0';
	int col;

	for (;;) {
		ga_lex_skip(lx);
		col = ga_lex_col(lx);
		start = lx->pos;
		while (is_outcome_char(ga_lex_peek(lx)))
			lx->pos++;
		if (lx->pos == start) {
			if (first)
				return ga_perr(p, col, "'%s' needs at least "
					    "one outcome: ok, hang, wrong-result, "
					    "error, an error name or an error "
					    "number", keyword);
			return ga_perr(p, col, "expected an outcome after '%c'",
				    sep);
		}
		if (first && !cols->sel)
			cols->sel = col;
		first = false;
		tok = ga_lex_take(lx, start);
		if (add_outcome(p, e, cols, tok, col, classes_ok))
			return -1;
		ga_lex_skip(lx);
		sep = ga_lex_peek(lx);
		if (sep != '|' && sep != ',')
			return 0;
		lx->pos++;
	}
}

/* "= VALUE", "< N", ... */
static int parse_value_check(struct parser *p, struct lexer *lx,
			     struct ga_expect *e, struct expect_cols *cols,
			     enum ga_cmp cmp, int col)
{
	const char *op;
	struct word w;

	op = ga_cmp_names[cmp];
	if (cols->value)
		return ga_perr(p, col, "only one value check per expect line");
	cols->value = col;
	if (ga_lex_need(p, lx, &w, col, "'%s' needs a value", op))
		return -1;
	e->value.cmp = cmp;
	if (!w.quoted && strcmp(w.text, "NULL") == 0) {
		if (cmp != GA_CMP_EQ && cmp != GA_CMP_NE)
			return ga_perr(p, w.col, "NULL can only be compared with "
				    "= or !=");
		e->value.is_null = true;
		return 0;
	}
	if (cmp != GA_CMP_EQ && cmp != GA_CMP_NE && !ga_is_number(w.text))
		return ga_perr(p, w.col, "'%s' needs a number, not '%s'", op,
			    w.text);
	e->value.text = ga_parse_strdup(p, w.text);
	return e->value.text ? 0 : -1;
}

/* "rows CMP N" (kw is the word "rows"): how far a failed fetch got. */
static int parse_rows(struct parser *p, struct lexer *lx, struct ga_expect *e,
		      struct expect_cols *cols, const struct word *kw)
{
	struct word w;
	int rc;

	if (cols->rows)
		return ga_perr(p, kw->col, "'rows' is given twice");
	cols->rows = kw->col;
	ga_lex_skip(lx);
	e->rows_cmp = ga_lex_cmp(lx);
	if (e->rows_cmp == GA_CMP_NONE)
		return ga_perr(p, kw->col, "'rows' needs a comparison and a "
			       "count, e.g. rows < 1000");
	rc = ga_lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc == 0 || !ga_is_digits(w.text) || strlen(w.text) > 15)
		return ga_perr(p, rc ? w.col : kw->col, "'rows %s' needs a "
			       "count of rows, a number from 0 to "
			       "999999999999999", ga_cmp_names[e->rows_cmp]);
	e->rows = strtol(w.text, NULL, 10);
	return 0;
}

/* One set of events, w: "EVENT[+EVENT]..." or "none", into *set.
 * Returns 0, or -1 after a diagnostic. */
static int parse_event_set(struct parser *p, const struct word *w,
			   unsigned *set)
{
	char dym[GA_SUGGEST_MAX + 32], known[160], one[64];
	const char *s, *end;
	struct ga_suggest sg;
	unsigned i;
	int idx, col;

	*set = 0;
	if (strcmp(w->text, "none") == 0)
		return 0;
	known[0] = '\0';
	for (i = 0; i < GA_POOL_EVENT_COUNT; i++) {
		size_t n = strlen(known);

		snprintf(known + n, sizeof(known) - n, "%s%s", i ? ", " : "",
			 ga_pool_event_name(i));
	}
	for (s = w->text;; s = end + 1) {
		end = strchr(s, '+');
		if (!end)
			end = s + strlen(s);
		col = w->col + (int)(s - w->text);
		if (end == s)
			return ga_perr(p, col, "expected a pool event %s, e.g. "
				       "pool discarded+opened",
				       s == w->text ? "before '+'" : "after '+'");
		idx = ga_pool_event_find(s, (size_t)(end - s));
		if (idx < 0) {
			snprintf(one, sizeof(one), "%.*s", (int)(end - s), s);
			if (strcmp(one, "none") == 0)
				return ga_perr(p, col, "'none' stands alone: "
					       "the pool reported no event");
			ga_suggest_init(&sg, one, 2);
			for (i = 0; i < GA_POOL_EVENT_COUNT; i++)
				ga_suggest_try(&sg, ga_pool_event_name(i));
			return ga_perr(p, col, "unknown pool event '%s'%s "
				       "(known: %s; or none)", one,
				       ga_suggest_text(&sg, dym, sizeof(dym)),
				       known);
		}
		if (*set & (1u << idx))
			return ga_perr(p, col, "pool event '%s' is listed "
				       "twice", ga_pool_event_name((unsigned)idx));
		*set |= 1u << idx;
		if (!*end)
			return 0;
	}
}

/* "pool EVENTS [| EVENTS]..." (kw is the word "pool"), each EVENTS
 * "EVENT[+EVENT]..." or "none": the sets of events the pool may have
 * reported with the step's answer. */
static int parse_pool_events(struct parser *p, struct lexer *lx,
			     struct ga_expect *e, struct expect_cols *cols,
			     const struct word *kw)
{
	unsigned set;
	struct word w;
	int rc;

	if (cols->pool)
		return ga_perr(p, kw->col, "'pool' is given twice");
	cols->pool = kw->col;
	e->pool_sets = 0;
	for (;;) {
		rc = ga_lex_word(p, lx, &w);
		if (rc < 0)
			return -1;
		if (rc == 0 && !e->pool_sets)
			return ga_perr(p, kw->col, "'pool' needs the pool's "
				       "events, e.g. pool discarded+opened, "
				       "or pool none");
		if (rc == 0)
			return ga_perr(p, ga_lex_col(lx), "expected the pool's "
				       "events after '|', e.g. pool none | "
				       "discarded+opened");
		if (parse_event_set(p, &w, &set))
			return -1;
		if (e->pool_sets & GA_POOL_SET(set))
			return ga_perr(p, w.col, "the pool's events '%s' are "
				       "given twice", w.text);
		e->pool_sets |= GA_POOL_SET(set);
		ga_lex_skip(lx);
		if (ga_lex_peek(lx) != '|')
			return 0;
		lx->pos++;
	}
}

static bool looks_like_outcome(const char *s)
{
	return strcmp(s, "ok") == 0 || strcmp(s, "hang") == 0 ||
	       strcmp(s, "wrong-result") == 0 ||
	       ga_is_digits(s) || strncmp(s, "CR_", 3) == 0 ||
	       strncmp(s, "ER_", 3) == 0;
}

/* The clauses after the outcomes, in any order, each at most once. */
static int parse_clauses(struct parser *p, struct lexer *lx,
			 struct ga_expect *e, struct expect_cols *cols)
{
	enum ga_thread_check thread;
	enum ga_cmp cmp;
	struct word w, d;
	long *ms;
	int *where;
	int col, rc;

	for (;;) {
		if (ga_lex_done(lx))
			return 0;
		col = ga_lex_col(lx);
		cmp = ga_lex_cmp(lx);
		if (cmp != GA_CMP_NONE) {
			rc = parse_value_check(p, lx, e, cols, cmp, col);
			if (rc)
				return -1;
			continue;
		}
		rc = ga_lex_word(p, lx, &w);
		if (rc < 0)
			return -1;
		if (strcmp(w.text, "reconnected") == 0 ||
		    strcmp(w.text, "same-thread") == 0) {
			thread = w.text[0] == 'r' ? GA_THREAD_NEW :
				 GA_THREAD_SAME;
			if (e->thread == thread)
				return ga_perr(p, w.col, "'%s' is given twice",
					    w.text);
			if (e->thread != GA_THREAD_ANY)
				return ga_perr(p, w.col, "'reconnected' and "
					    "'same-thread' exclude each other");
			e->thread = thread;
			cols->thread = w.col;
			continue;
		}
		if (strcmp(w.text, "matching") == 0) {
			if (cols->message)
				return ga_perr(p, w.col, "'matching' is given "
					    "twice");
			cols->message = w.col;
			rc = ga_lex_word(p, lx, &d);
			if (rc < 0)
				return -1;
			if (rc == 0 || !d.text[0])
				return ga_perr(p, w.col, "'matching' needs the "
					    "text the error message must "
					    "contain, e.g. matching \"(110)\"");
			e->message = ga_parse_strdup(p, d.text);
			if (!e->message)
				return -1;
			continue;
		}
		if (strcmp(w.text, "rows") == 0) {
			if (parse_rows(p, lx, e, cols, &w))
				return -1;
			continue;
		}
		if (strcmp(w.text, "pool") == 0) {
			if (parse_pool_events(p, lx, e, cols, &w))
				return -1;
			continue;
		}
		if (strcmp(w.text, "after") == 0 ||
		    strcmp(w.text, "within") == 0) {
			ms = w.text[0] == 'a' ? &e->after_ms : &e->within_ms;
			where = w.text[0] == 'a' ? &cols->after :
				&cols->within;
			if (*where)
				return ga_perr(p, w.col, "'%s' is given twice",
					    w.text);
			*where = w.col;
			if (ga_lex_need(p, lx, &d, w.col, "'%s' needs a "
					"duration", w.text))
				return -1;
			if (ga_units_ms(d.text, ms, NULL))
				return ga_perr(p, d.col, "invalid duration '%s': "
					    "write e.g. 500ms, 2s or 1.5s",
					    d.text);
			continue;
		}
		return ga_perr(p, w.col, "unexpected '%s' in the expect line%s",
			    w.text, looks_like_outcome(w.text) ?
			    ": separate outcomes with '|' or ','" : "");
	}
}

/* Which outcomes the step above can have at all (expect and seen). */
static int check_set_kind(struct parser *p, const struct ga_outcome_set *set,
			  const struct expect_cols *cols)
{
	const struct ga_step *last = NULL;
	const char *kname;
	bool share;

	if (!p->last_kind_known)
		return 0;
	kname = ga_step_kind_name(p->last_kind);
	if (p->target == TARGET_STEP)
		last = &p->sc->steps[p->sc->nsteps - 1];
	share = ga_step_kind_is(p->last_kind, GA_STEP_CHECKS_RESULT) && last &&
		last->fork_mode == GA_FORK_SHARE;
	if (set->hang && !ga_step_kind_is(p->last_kind, GA_STEP_CAN_HANG))
		return ga_perr(p, cols->hang, "'hang' applies only to steps on "
			    "a client connection, not '%s'", kname);
	if (set->wrong && !share)
		return ga_perr(p, cols->wrong, "'wrong-result' applies only to "
			    "steps whose results goneaway checks itself "
			    "(fork ... share), not '%s'", kname);
	return 0;
}

/* The rules that need the whole line, and the step kind when known. */
static int check_expect(struct parser *p, const struct ga_expect *e,
			const struct expect_cols *cols)
{
	const char *kname;
	char kinds[256];
	unsigned flags;
	bool known;

	known = p->last_kind_known;
	flags = known ? ga_step_kind_flags(p->last_kind) : 0;
	kname = known ? ga_step_kind_name(p->last_kind) : "";
	if (e->set.any && (e->set.ok || e->set.hang || e->set.wrong ||
			   e->set.any_error || e->set.ncodes ||
			   e->set.nclasses))
		return ga_perr(p, cols->any, "'any' is a draft's placeholder "
			       "and stands alone: record the step (goneaway "
			       "run --record) to learn its outcome");
	if (e->set.any && (e->value.cmp != GA_CMP_NONE ||
			   e->thread != GA_THREAD_ANY || e->message ||
			   e->within_ms >= 0 || e->pool_sets))
		return ga_perr(p, cols->value ? cols->value : cols->thread ?
			       cols->thread : cols->message ? cols->message :
			       cols->pool ? cols->pool :
			       cols->within, "'any' takes no clause but "
			       "'after D' (how long to wait before calling "
			       "the step a hang)");
	if (check_set_kind(p, &e->set, cols))
		return -1;
	if (e->pool_sets && known && p->target == TARGET_STEP &&
	    p->sc->nsteps > 0) {
		const struct ga_step *st = &p->sc->steps[p->sc->nsteps - 1];

		if (st->conn < 0 || (size_t)st->conn >= p->sc->nconnections ||
		    !p->sc->connections[st->conn].pool.line)
			return ga_perr(p, cols->pool, "'pool' checks the events "
				       "a pool reported: '%s' is no step on a "
				       "connection of a pool", kname);
	}
	if (e->message && e->set.ncodes == 0 && e->set.nclasses == 0 &&
	    !e->set.any_error)
		return ga_perr(p, cols->message, "'matching' checks an error "
			    "message: list an error among the outcomes");
	if (e->rows_cmp != GA_CMP_NONE && known &&
	    p->last_kind != GA_STEP_FETCH && p->last_kind != GA_STEP_STREAM)
		return ga_perr(p, cols->rows, "'rows' counts what a failed "
			       "fetch or stream read, not '%s'", kname);
	if (e->rows_cmp != GA_CMP_NONE && e->set.ncodes == 0 &&
	    e->set.nclasses == 0 && !e->set.any_error)
		return ga_perr(p, cols->rows, "'rows' counts what a failed "
			       "fetch read before its error: list an error "
			       "among the outcomes");
	if (e->set.hang && e->after_ms < 0)
		return ga_perr(p, cols->hang, "a hang expectation needs 'after "
			    "DURATION': how long to wait before calling it a "
			    "hang");
	if (e->after_ms >= 0 && e->within_ms >= 0 &&
	    e->after_ms > e->within_ms)
		return ga_perr(p, cols->after, "'after %ldms' is later than "
			    "'within %ldms'", e->after_ms, e->within_ms);
	if (e->value.cmp != GA_CMP_NONE && known &&
	    !(flags & GA_STEP_HAS_VALUE))
		return ga_perr(p, cols->value, "'%s' returns no value to check: "
			       "value checks apply to %s steps", kname,
			       ga_step_kinds_with(GA_STEP_HAS_VALUE, kinds,
						  sizeof(kinds)));
	if (e->value.cmp != GA_CMP_NONE && !e->set.ok)
		return ga_perr(p, cols->value, "a value check needs 'ok' among "
			    "the outcomes");
	if (e->thread != GA_THREAD_ANY && known &&
	    !(flags & GA_STEP_HAS_THREAD))
		return ga_perr(p, cols->thread, "'%s' applies only to %s steps, "
			       "not '%s'", e->thread == GA_THREAD_NEW ?
			       "reconnected" : "same-thread",
			       ga_step_kinds_with(GA_STEP_HAS_THREAD, kinds,
						  sizeof(kinds)), kname);
	if (e->thread != GA_THREAD_ANY && !e->set.ok)
		return ga_perr(p, cols->thread, "'%s' needs 'ok' among the "
			    "outcomes", e->thread == GA_THREAD_NEW ?
			    "reconnected" : "same-thread");
	return 0;
}

static bool same_selector(const struct ga_selector *a,
			  const struct ga_selector *b)
{
	return a->flavour == b->flavour && a->version_cmp == b->version_cmp &&
	       a->version == b->version && strcmp(a->client, b->client) == 0 &&
	       a->client_cmp == b->client_cmp &&
	       a->client_version == b->client_version &&
	       strcmp(a->server, b->server) == 0;
}

/* Appends e to st; on success st owns e->value.text. */
static int attach_expect(struct parser *p, struct ga_step *st,
			 const struct ga_expect *e,
			 const struct expect_cols *cols)
{
	struct ga_expect *v;
	size_t i;

	for (i = 0; i < st->nexpects; i++) {
		if (!same_selector(&st->expects[i].selector, &e->selector))
			continue;
		if (e->selector.flavour == GA_FLAVOUR_ANY &&
		    !e->selector.client[0])
			return ga_perr(p, cols->sel, "a second default expect "
				    "line for this step (the first is at line "
				    "%d); give one of them a selector such as "
				    "[mysql]", st->expects[i].line);
		return ga_perr(p, cols->sel, "the same selector as the expect "
			    "line at line %d", st->expects[i].line);
	}
	v = ga_parse_grow(p, st->expects, st->nexpects, sizeof(*v));
	if (!v)
		return -1;
	st->expects = v;
	v[st->nexpects++] = *e;
	return 0;
}

int ga_parse_expect_body(struct parser *p, struct lexer *lx,
			 struct ga_expect *e, bool classes_ok)
{
	struct expect_cols cols;

	memset(&cols, 0, sizeof(cols));
	ga_lex_skip(lx);
	if (parse_outcomes(p, lx, &e->set, &cols, "expect", classes_ok) ||
	    parse_clauses(p, lx, e, &cols) || check_expect(p, e, &cols))
		return -1;
	return 0;
}

int ga_parse_expect(struct parser *p, struct lexer *lx,
			const struct directive *dir, const struct word *kw)
{
	struct expect_cols cols;
	struct ga_expect e;
	int rc = -1;

	(void)dir;
	memset(&e, 0, sizeof(e));
	memset(&cols, 0, sizeof(cols));
	e.line = p->line;
	e.after_ms = -1;
	e.within_ms = -1;
	if (p->target == TARGET_NONE)
		return ga_perr(p, kw->col, "'expect' before any step: an expect "
			    "line belongs to the step above it");
	if (p->last_kind_known && ga_step_kind_is(p->last_kind, GA_STEP_ACTION))
		return ga_perr(p, kw->col, "'%s' takes no expect line: if it "
			    "cannot be done the scenario is ERROR",
			    ga_step_kind_name(p->last_kind));
	if (p->last_kind_known && p->last_kind == GA_STEP_SEND)
		return ga_perr(p, kw->col, "'send' takes no expect line: the "
			    "query's outcome is checked at its 'reap'");

	ga_lex_skip(lx);
	if (ga_lex_peek(lx) == '[') {
		cols.sel = ga_lex_col(lx);
		rc = ga_parse_selector(p, lx, &e.selector);
		if (rc)
			goto out;
	}
	rc = parse_outcomes(p, lx, &e.set, &cols, "expect",
			    e.selector.client[0] != '\0');
	if (rc)
		goto out;
	rc = parse_clauses(p, lx, &e, &cols);
	if (rc)
		goto out;
	rc = check_expect(p, &e, &cols);
	if (rc)
		goto out;
	if (p->target == TARGET_STEP) {
		rc = attach_expect(p, &p->sc->steps[p->sc->nsteps - 1], &e,
				   &cols);
		if (rc == 0) {
			e.value.text = NULL;    /* the step owns them now */
			e.message = NULL;
		}
	}
out:
	free(e.value.text);
	free(e.message);
	return rc;
}

/* seen OUTCOME[|OUTCOME]... CMP N: over the repetitions of the scenario,
 * how many times the step's outcome was one of these. */
int ga_parse_seen(struct parser *p, struct lexer *lx,
		      const struct directive *dir, const struct word *kw)
{
	struct expect_cols cols;
	struct ga_seen seen;
	struct ga_step *st;
	struct word w;
	int rc, col;

	(void)dir;
	memset(&seen, 0, sizeof(seen));
	memset(&cols, 0, sizeof(cols));
	seen.line = p->line;
	if (p->target == TARGET_NONE)
		return ga_perr(p, kw->col, "'seen' before any step: it belongs "
			    "to the step above it");
	if (p->last_kind_known && (ga_step_kind_is(p->last_kind, GA_STEP_ACTION) ||
				   p->last_kind == GA_STEP_SEND))
		return ga_perr(p, kw->col, "'%s' has no outcome to count%s",
			    ga_step_kind_name(p->last_kind),
			    p->last_kind == GA_STEP_SEND ?
			    ": count it at its 'reap'" : "");
	rc = parse_outcomes(p, lx, &seen.set, &cols, "seen", false);
	if (rc)
		return -1;
	if (seen.set.any)
		return ga_perr(p, cols.any, "'seen' counts some outcomes: "
			       "'any' would count every run");
	rc = check_set_kind(p, &seen.set, &cols);
	if (rc)
		return -1;
	ga_lex_skip(lx);
	col = ga_lex_col(lx);
	seen.cmp = ga_lex_cmp(lx);
	if (seen.cmp == GA_CMP_NONE)
		return ga_perr(p, col, "expected a comparison and a count, e.g. "
			    "'seen wrong-result >= 1'");
	rc = ga_lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc == 0 || !ga_is_digits(w.text) || strlen(w.text) > 6)
		return ga_perr(p, rc ? w.col : col, "expected a count after "
			    "'%s'", ga_cmp_names[seen.cmp]);
	seen.count = strtol(w.text, NULL, 10);
	rc = ga_lex_end(p, lx, "the count");
	if (rc)
		return -1;
	if (p->target != TARGET_STEP)
		return 0;
	st = &p->sc->steps[p->sc->nsteps - 1];
	if (st->seen.line)
		return ga_perr(p, kw->col, "a second 'seen' line for this step "
			    "(the first is at line %d)", st->seen.line);
	st->seen = seen;
	return 0;
}
