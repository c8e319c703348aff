/* parse.c - reads scenario files; the format is docs/scenario-format.md.
 *
 * One pass over the lines.  A small lexer cuts a line into words (it knows
 * quotes and comments, and can hand out the raw rest of a line for SQL);
 * the first word picks a handler from the directive table.  A handler that
 * finds a problem adds a diagnostic and returns -1: that line is skipped
 * and parsing goes on with the next, so one run reports every problem in
 * the file.  The scenario is handed to the caller only if there was none.
 */
#include "lang/parse.h"
#include "lang/internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/suggest.h"

#define MAX_FILE_SIZE (1024UL * 1024UL)

/* ---- the directive tables ----------------------------------------------- */

/* The words that are not step kinds. */
static const struct directive directives[] = {
	{ "title", CLASS_HEADER, ONCE_TITLE, GA_STEP_CONNECT, ga_parse_title },
	{ "cause", CLASS_HEADER, ONCE_CAUSE, GA_STEP_CONNECT, ga_parse_cause },
	{ "keywords", CLASS_HEADER, ONCE_KEYWORDS, GA_STEP_CONNECT,
	  ga_parse_keywords },
	{ "requires", CLASS_HEADER, ONCE_REQUIRES, GA_STEP_CONNECT,
	  ga_parse_requires },
	{ "server-option", CLASS_HEADER, ONCE_NONE, GA_STEP_CONNECT,
	  ga_parse_server_option },
	{ "repeat", CLASS_HEADER, ONCE_REPEAT, GA_STEP_CONNECT,
	  ga_parse_repeat },
	{ "connection", CLASS_HEADER, ONCE_NONE, GA_STEP_CONNECT,
	  ga_parse_connection },
	{ "pool", CLASS_HEADER, ONCE_NONE, GA_STEP_CONNECT, ga_parse_pool },
	/* "server stop|start|restart|crash": one word picks the kind */
	{ "server", CLASS_STEP, ONCE_NONE, GA_STEP_SERVER_STOP,
	  ga_parse_server },
	/* "proxy NAME ..." declares the proxy; "proxy stop|...": below */
	{ "proxy", CLASS_HEADER, ONCE_PROXY, GA_STEP_CONNECT, ga_parse_proxy },
	{ "expect", CLASS_EXPECT, ONCE_NONE, GA_STEP_CONNECT, ga_parse_expect },
	{ "seen", CLASS_EXPECT, ONCE_NONE, GA_STEP_CONNECT, ga_parse_seen },
};

/* The handler of each step kind whose keyword is one word, by kind (the
 * keywords themselves are in lang/step.h). */
#define STEP(kind, fn) \
	[GA_STEP_##kind] = { NULL, CLASS_STEP, ONCE_NONE, GA_STEP_##kind, fn }
static const struct directive step_directives[GA_STEP_KIND_COUNT] = {
	STEP(CONNECT, ga_parse_conn_step),
	STEP(QUERY, ga_parse_sql_step),
	STEP(SEND, ga_parse_sql_step),
	STEP(REAP, ga_parse_conn_step),
	STEP(PING, ga_parse_conn_step),
	STEP(CLOSE, ga_parse_conn_step),
	STEP(SLEEP, ga_parse_sleep),
	STEP(KILL, ga_parse_kill),
	STEP(ADMIN, ga_parse_text_step),
	STEP(STATUS, ga_parse_status),
	STEP(ERRORLOG, ga_parse_text_step),
	STEP(FAULT, ga_parse_fault),
	STEP(LIFT, ga_parse_lift),
	STEP(PREPARE, ga_parse_sql_step),
	STEP(EXECUTE, ga_parse_execute),
	STEP(LONG_DATA, ga_parse_long_data),
	STEP(STREAM, ga_parse_sql_step),
	STEP(FETCH, ga_parse_fetch),
	STEP(FORK, ga_parse_fork),
	STEP(DRAIN, ga_parse_conn_step),
	STEP(RESET, ga_parse_conn_step),
	STEP(CHANGE_USER, ga_parse_conn_step),
	STEP(BORROW, ga_parse_conn_step),
	STEP(RETURN, ga_parse_conn_step),
	STEP(EVICT, ga_parse_conn_step),
};
#undef STEP

/* "proxy stop|start|restart|crash": one word picks the kind, as for
 * "server"; the same first word as the header line "proxy NAME". */
static const struct directive proxy_step = {
	"proxy", CLASS_STEP, ONCE_NONE, GA_STEP_PROXY_STOP,
	ga_parse_proxy_step
};

/* The line's next word, unquoted, read from a copy of the lexer (the
 * handler then reads it again); NULL when there is none. */
static const char *next_word(struct parser *p, const struct lexer *lx)
{
	struct lexer ahead = *lx;
	struct word w;

	if (ga_lex_word(p, &ahead, &w) != 1 || w.quoted)
		return NULL;
	return w.text;
}

/* "server fresh" and "server memory SIZE" are header lines; "server
 * stop|start|restart|crash|oom-kills" a step: the next word tells them
 * apart, as for "proxy". */
static const struct directive server_fresh = {
	"server", CLASS_HEADER, ONCE_SERVER_FRESH, GA_STEP_CONNECT,
	ga_parse_server_fresh
};
static const struct directive server_memory = {
	"server", CLASS_HEADER, ONCE_SERVER_MEMORY, GA_STEP_CONNECT,
	ga_parse_server_memory
};

/* The lines whose first word is another line's: the directive the first
 * word finds (by its parse), the next word (NULL: a proxy action) and
 * the directive the line is then.  The header line "proxy NAME" and the
 * step "proxy ACTION" begin with one word, as do "server fresh" and
 * "server stop". */
static const struct next_word_line {
	int (*parse)(struct parser *p, struct lexer *lx,
		     const struct directive *dir, const struct word *kw);
	const char *word;
	const struct directive *is;
} next_word_lines[] = {
	{ ga_parse_proxy, NULL, &proxy_step },
	{ ga_parse_server, "fresh", &server_fresh },
	{ ga_parse_server, "memory", &server_memory },
};

/* dir, or the line next_word_lines says it is. */
static const struct directive *by_next_word(const struct directive *dir,
					    struct parser *p,
					    const struct lexer *lx)
{
	const struct next_word_line *l;
	const char *word = NULL;
	size_t i;

	for (i = 0; i < sizeof(next_word_lines) / sizeof(*l); i++) {
		l = &next_word_lines[i];
		if (dir->parse != l->parse)
			continue;
		if (!word)
			word = next_word(p, lx);
		if (!word)
			return dir;
		if (l->word ? strcmp(word, l->word) == 0 :
		    ga_parse_proxy_is_action(word))
			return l->is;
	}
	return dir;
}

static const struct directive *find_directive(const char *name)
{
	size_t i;

	for (i = 0; i < COUNT(directives); i++) {
		if (strcmp(directives[i].name, name) == 0)
			return &directives[i];
	}
	for (i = 0; i < GA_STEP_KIND_COUNT; i++) {
		if (step_directives[i].parse &&
		    strcmp(ga_step_kind_name((enum ga_step_kind)i), name) == 0)
			return &step_directives[i];
	}
	return NULL;
}

bool ga_parse_knows_step(enum ga_step_kind kind)
{
	const char *name = ga_step_kind_name(kind);
	const char *blank = strchr(name, ' ');
	char first[32];

	if ((unsigned)kind < GA_STEP_KIND_COUNT && step_directives[kind].parse)
		return true;
	/* a two-word keyword: its first word is a directive of its own */
	if (!blank || (size_t)(blank - name) >= sizeof(first))
		return false;
	memcpy(first, name, (size_t)(blank - name));
	first[blank - name] = '\0';
	return find_directive(first) != NULL;
}

static int unknown_directive(struct parser *p, const struct word *kw)
{
	char dym[GA_SUGGEST_MAX + 32];
	struct ga_suggest sg;
	size_t i;

	ga_suggest_init(&sg, kw->text, 2);
	for (i = 0; i < COUNT(directives); i++)
		ga_suggest_try(&sg, directives[i].name);
	for (i = 0; i < GA_STEP_KIND_COUNT; i++)
		if (step_directives[i].parse)
			ga_suggest_try(&sg, ga_step_kind_name((enum ga_step_kind)i));
	return ga_perr(p, kw->col, "unknown directive or step '%s'%s",
		       kw->text, ga_suggest_text(&sg, dym, sizeof(dym)));
}

/* Connections are all declared before the first step (a connection line
 * after it is an error), so their number is final here. */
static int first_step(struct parser *p)
{
	size_t n;

	p->seen_step = true;
	n = p->sc->nconnections ? p->sc->nconnections : 1;
	p->pending = calloc(n, sizeof(*p->pending));
	if (!p->pending)
		return ga_parse_nomem(p);
	return 0;
}

static void parse_line(struct parser *p, struct lexer *lx)
{
	const struct directive *dir;
	struct word kw;
	size_t first;
	int rc;

	rc = ga_lex_word(p, lx, &kw);
	if (rc <= 0)
		return;
	dir = find_directive(kw.text);
	if (!dir || kw.quoted) {
		/* It may have been meant as a step: its expect lines are
		 * checked but attached to nothing. */
		if (p->target != TARGET_NONE || p->seen_step)
			p->target = TARGET_BAD;
		p->last_kind_known = false;
		unknown_directive(p, &kw);
		return;
	}
	dir = by_next_word(dir, p, lx);
	switch (dir->cls) {
	case CLASS_HEADER:
		if (p->seen_step) {
			ga_perr(p, kw.col, "header directive '%s' after the "
			     "first step", kw.text);
			return;
		}
		if (dir->once != ONCE_NONE && p->once_line[dir->once]) {
			ga_perr(p, kw.col, "duplicate '%s' directive (first at "
			     "line %d)", kw.text, p->once_line[dir->once]);
			return;
		}
		if (dir->once != ONCE_NONE)
			p->once_line[dir->once] = p->line;
		first = p->diags->n;
		dir->parse(p, lx, dir, &kw);
		if (dir->once == ONCE_REPEAT)
			p->repeat_bad = p->diags->n > first;
		return;
	case CLASS_STEP:
		/* no table of pending sends (out of memory): no step */
		if (!p->pending && first_step(p))
			return;
		p->target = TARGET_BAD;
		p->last_kind_known = false;
		rc = dir->parse(p, lx, dir, &kw);
		if (rc == 0)
			p->target = TARGET_STEP;
		return;
	case CLASS_EXPECT:
		dir->parse(p, lx, dir, &kw);
		return;
	}
}

/* Checks that need the whole file. */
static void finish(struct parser *p)
{
	const char *name;
	size_t i;

	if (!p->once_line[ONCE_TITLE])
		ga_perr_at(p, 1, 0, "missing 'title' directive");
	if (!p->once_line[ONCE_CAUSE])
		ga_perr_at(p, 1, 0, "missing 'cause' directive");
	ga_parse_pools_finish(p);
	if (!p->seen_step) {
		ga_perr_at(p, 1, 1, "no steps: a scenario needs at least one "
			"step");
		return;
	}
	for (i = 0; i < p->sc->nconnections; i++) {
		if (!p->pending[i].line)
			continue;
		name = p->sc->connections[i].name;
		ga_perr_at(p, p->pending[i].line, p->pending[i].col, "the query "
			"sent on '%s' is never reaped: add 'reap %s' after it",
			name, name);
	}
}

/* a's place is after b's. */
static bool diag_after(const struct ga_diag *a, const struct ga_diag *b)
{
	return a->line > b->line || (a->line == b->line && a->col > b->col);
}

/* Puts the diagnostics this parse added (from first on) in line and
 * column order, as a compiler prints them; equal places keep their
 * order.  A merge sort (n log n: a file may have a diagnostic a line,
 * in any order), through tmp; without memory for it, an insertion
 * sort. */
static void sort_diags(struct ga_diags *d, size_t first)
{
	struct ga_diag *a, *tmp, x;
	size_t n = d->n - first, w, lo, mid, hi, i, j, k;

	if (n < 2)
		return;
	a = d->items + first;   /* items may be NULL when there are none */
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp) {
		for (i = 1; i < n; i++) {
			x = a[i];
			for (j = i; j > 0 && diag_after(&a[j - 1], &x); j--)
				a[j] = a[j - 1];
			a[j] = x;
		}
		return;
	}
	for (w = 1; w < n; w *= 2) {
		for (lo = 0; lo + w < n; lo += 2 * w) {
			mid = lo + w;
			hi = mid + w < n ? mid + w : n;
			for (i = lo, j = mid, k = lo; k < hi; k++)
				tmp[k] = j == hi || (i < mid &&
					 !diag_after(&a[i], &a[j])) ?
					 a[i++] : a[j++];
			memcpy(a + lo, tmp + lo, (hi - lo) * sizeof(*a));
		}
	}
	free(tmp);
}

/* name = basename of path without ".gw" */
static int set_names(struct parser *p, const char *path)
{
	const char *base;
	size_t n;

	p->sc->path = ga_parse_strdup(p, path);
	if (!p->sc->path)
		return -1;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".gw") == 0)
		n -= 3;
	p->sc->name = ga_parse_strndup(p, base, n);
	return p->sc->name ? 0 : -1;
}

int ga_parse_text(const char *path, const char *text,
		  struct ga_scenario **out, struct ga_diags *diags)
{
	struct parser p;
	struct lexer lx;
	const char *line, *nl;
	char *scratch = NULL;
	size_t textlen, first;
	int rc = -1;

	*out = NULL;
	first = diags->n;
	memset(&p, 0, sizeof(p));
	p.path = path;
	p.diags = diags;
	p.target = TARGET_NONE;
	p.suggest_budget = GA_PARSE_SUGGEST_BUDGET;
	textlen = strlen(text);
	p.sc = calloc(1, sizeof(*p.sc));
	/* An unescaped word is never longer than its source, plus a NUL. */
	scratch = malloc(2 * textlen + 2);
	if (!p.sc || !scratch) {
		ga_parse_nomem(&p);
		goto out;
	}
	if (set_names(&p, path))
		goto out;
	p.sc->repeat = 1;

	line = text;
	for (;;) {
		p.line++;
		nl = ga_lex_line(&lx, line, scratch);
		parse_line(&p, &lx);
		if (!nl)
			break;
		line = nl + 1;
	}
	finish(&p);
	sort_diags(diags, first);
	if (p.nerrors == 0) {
		*out = p.sc;
		p.sc = NULL;
		rc = 0;
	}
out:
	ga_scenario_free(p.sc);
	ga_parse_pools_free(&p);
	ga_nameindex_free(&p.conn_names);
	ga_nameindex_free(&p.pool_names);
	ga_nameindex_free(&p.fault_names);
	free(p.pending);
	free(p.faults);
	free(scratch);
	return rc;
}

int ga_parse_file(const char *path, struct ga_scenario **out,
		  struct ga_diags *diags)
{
	const char *nul, *s;
	FILE *f = NULL;
	char *buf = NULL;
	int line, col;
	int rc = -1;
	size_t n;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f) {
		ga_diags_add(diags, path, 0, 0, "cannot read: %s",
			     strerror(errno));
		goto out;
	}
	buf = malloc(MAX_FILE_SIZE + 2);
	if (!buf) {
		ga_diags_add(diags, path, 0, 0, "cannot read: %s",
			     strerror(ENOMEM));
		goto out;
	}
	errno = 0;
	n = fread(buf, 1, MAX_FILE_SIZE + 1, f);
	if (ferror(f)) {
		ga_diags_add(diags, path, 0, 0, "cannot read: %s",
			     strerror(errno ? errno : EIO));
		goto out;
	}
	if (n > MAX_FILE_SIZE) {
		ga_diags_add(diags, path, 0, 0, "file is larger than 1 MiB: "
			     "not a scenario");
		goto out;
	}
	buf[n] = '\0';
	nul = memchr(buf, '\0', n);
	if (nul) {
		line = 1;
		col = 1;
		for (s = buf; s < nul; s++) {
			col++;
			if (*s == '\n') {
				line++;
				col = 1;
			}
		}
		ga_diags_add(diags, path, line, col, "file contains a NUL "
			     "byte: not a scenario");
		goto out;
	}
	rc = ga_parse_text(path, buf, out, diags);
out:
	if (f)
		fclose(f);
	free(buf);
	return rc;
}

