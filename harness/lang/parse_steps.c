/* parse_steps.c - one handler per step keyword (the kinds are in
 * lang/step.h). */
#include "lang/internal.h"
#include "lang/proxynames.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lang/faultkind.h"
#include "lang/expand.h"
#include "lang/threadvar.h"
#include "util/units.h"
#include "util/suggest.h"

static const struct {
	const char *name;
	enum ga_step_kind kind;
} server_actions[] = {
	{ "stop", GA_STEP_SERVER_STOP },
	{ "start", GA_STEP_SERVER_START },
	{ "restart", GA_STEP_SERVER_RESTART },
	{ "crash", GA_STEP_SERVER_CRASH },
	{ "oom-kills", GA_STEP_SERVER_OOM_KILLS },
};

static const struct {
	const char *name;
	enum ga_step_kind kind;
} proxy_actions[] = {
	{ "stop", GA_STEP_PROXY_STOP },
	{ "start", GA_STEP_PROXY_START },
	{ "restart", GA_STEP_PROXY_RESTART },
	{ "crash", GA_STEP_PROXY_CRASH },
};

static void begin_step(struct parser *p, struct ga_step *st,
		       enum ga_step_kind kind)
{
	memset(st, 0, sizeof(*st));
	st->line = p->line;
	st->kind = kind;
	st->conn = -1;
	p->last_kind = kind;
	p->last_kind_known = true;
}

/* Appends st; on success the scenario owns st->text. */
static int push_step(struct parser *p, const struct ga_step *st)
{
	struct ga_step *v;

	v = ga_parse_grow(p, p->sc->steps, p->sc->nsteps, sizeof(*v));
	if (!v)
		return -1;
	p->sc->steps = v;
	v[p->sc->nsteps++] = *st;
	return 0;
}

/* The end of a step's line (nothing after what, e.g. "the fork mode"),
 * then st appended. */
static int end_step(struct parser *p, struct lexer *lx, const char *what,
		    const struct ga_step *st)
{
	if (ga_lex_end(p, lx, what))
		return -1;
	return push_step(p, st);
}

/* Copies text[0..n) into st->text and appends st; on failure nothing is
 * kept. */
static int push_text_step(struct parser *p, struct ga_step *st,
			  const char *text, size_t n)
{
	st->text = ga_parse_strndup(p, text, n);
	if (!st->text)
		return -1;
	if (push_step(p, st) == 0)
		return 0;
	free(st->text);
	st->text = NULL;
	return -1;
}

static int find_connection(struct parser *p, const struct word *w, int *conn)
{
	char dym[GA_SUGGEST_MAX + 32];
	struct ga_suggest sg;
	long i = ga_nameindex_find(&p->conn_names, w->text, strlen(w->text));

	if (i >= 0) {
		*conn = (int)i;
		return 0;
	}
	ga_suggest_init(&sg, w->text, 2);
	ga_nameindex_suggest(&p->conn_names, &sg, &p->suggest_budget);
	return ga_perr(p, w->col, "unknown connection '%s'%s", w->text,
		    ga_suggest_text(&sg, dym, sizeof(dym)));
}

/* send/reap pairing, in file order.  kill acts on the server thread, not
 * on the client connection, so it may hit a busy connection. */
static int track_send(struct parser *p, const struct ga_step *st,
		      const struct word *kw)
{
	struct pending_send *ps;
	const char *name;

	if (st->kind == GA_STEP_KILL)
		return 0;
	ps = &p->pending[st->conn];
	name = p->sc->connections[st->conn].name;
	if (ps->line && st->kind != GA_STEP_REAP)
		return ga_perr(p, kw->col, "connection '%s' is busy with the "
			    "query sent at line %d; 'reap %s' first", name,
			    ps->line, name);
	if (st->kind == GA_STEP_REAP) {
		if (!ps->line)
			return ga_perr(p, kw->col, "'reap %s' without a pending "
				    "'send %s'", name, name);
		ps->line = 0;
	} else if (st->kind == GA_STEP_SEND) {
		ps->line = p->line;
		ps->col = kw->col;
	} else if (st->kind == GA_STEP_PREPARE) {
		ps->prepared = p->line;
	} else if (st->kind == GA_STEP_STREAM) {
		ps->streaming = p->line;
	} else if ((st->kind == GA_STEP_EXECUTE ||
		    st->kind == GA_STEP_LONG_DATA) && !ps->prepared) {
		return ga_perr(p, kw->col, "'%s %s' without a 'prepare %s' "
			    "before it", kw->text, name, name);
	} else if (st->kind == GA_STEP_FETCH) {
		if (!ps->streaming)
			return ga_perr(p, kw->col, "'fetch %s' without a "
				    "'stream %s' before it", name, name);
		ps->streaming = 0;
	}
	return 0;
}

/* Raw connections speak no MySQL protocol; drain is only for them. */
static int check_transport(struct parser *p, const struct ga_step *st,
			   const struct word *w)
{
	const struct ga_connection *c = &p->sc->connections[st->conn];
	bool raw = c->transport == GA_TRANSPORT_RAW;

	char kinds[128];

	if (raw && !ga_step_kind_is(st->kind, GA_STEP_ON_RAW))
		return ga_perr(p, w->col, "'%s' is a raw connection "
			       "(transport=raw): the steps it can take are %s, "
			       "not '%s'", w->text,
			       ga_step_kinds_with(GA_STEP_ON_RAW, kinds,
						  sizeof(kinds)),
			       ga_step_kind_name(st->kind));
	if (!raw && st->kind == GA_STEP_DRAIN)
		return ga_perr(p, w->col, "'drain' reads a raw connection; "
			    "declare '%s' with transport=raw", w->text);
	if (!c->pool.line && ga_step_kind_is(st->kind, GA_STEP_ON_POOL))
		return ga_perr(p, w->col, "'%s' acts on a pool's connection: "
			       "declare '%s' with pool=NAME (and the pool "
			       "with 'pool NAME ...')",
			       ga_step_kind_name(st->kind), w->text);
	return 0;
}

/* The NAME word of a step on a connection. */
static int parse_step_conn(struct parser *p, struct lexer *lx,
			   const struct word *kw, struct ga_step *st)
{
	struct word w;
	int rc;

	if (ga_lex_need(p, lx, &w, kw->col, "'%s' needs a connection name",
			kw->text))
		return -1;
	rc = find_connection(p, &w, &st->conn);
	if (rc)
		return -1;
	rc = check_transport(p, st, &w);
	if (rc)
		return -1;
	return track_send(p, st, kw);
}

/* A step of dir's kind on the connection its line names next. */
static int begin_conn_step(struct parser *p, struct lexer *lx,
			   const struct directive *dir, const struct word *kw,
			   struct ga_step *st)
{
	begin_step(p, st, dir->kind);
	return parse_step_conn(p, lx, kw, st);
}

/* connect, ping, close, reap, kill: NAME */
int ga_parse_conn_step(struct parser *p, struct lexer *lx,
			   const struct directive *dir, const struct word *kw)
{
	struct ga_step st;

	if (begin_conn_step(p, lx, dir, kw, &st))
		return -1;
	return end_step(p, lx, "the connection name", &st);
}

/* Finds every %thread[NAME]% in sql[0..n) (col: its column), checks that
 * NAME is a declared connection and keeps which one in st->threads
 * (lang/threadvar.h).  Returns 0, or -1 after a diagnostic. */
static int parse_threadvars(struct parser *p, struct ga_step *st,
			    const char *sql, size_t n, int col)
{
	size_t pos = 0, start, end, namelen;
	struct ga_threadvars *t;
	char msg[128], dym[GA_SUGGEST_MAX + 32], w[64];
	struct ga_suggest sg;
	const char *name;
	void *v;
	int rc, conn;

	while ((rc = ga_threadvar_next(sql, n, pos, &start, &name, &namelen,
				       &end, msg, sizeof(msg))) != 0) {
		if (rc < 0)
			return ga_perr(p, col + (int)start, "%s", msg);
		conn = (int)ga_nameindex_find(&p->conn_names, name, namelen);
		if (conn < 0) {
			snprintf(w, sizeof(w), "%.*s", (int)namelen, name);
			ga_suggest_init(&sg, w, 2);
			ga_nameindex_suggest(&p->conn_names, &sg,
					     &p->suggest_budget);
			return ga_perr(p, col + (int)(name - sql), "unknown "
				       "connection '%s' in %%thread[...]%%%s", w,
				       ga_suggest_text(&sg, dym, sizeof(dym)));
		}
		t = st->threads;
		if (!t) {
			t = st->threads = calloc(1, sizeof(*t));
			if (!t)
				return ga_parse_nomem(p);
		}
		v = ga_parse_grow(p, t->conns, t->n, sizeof(*t->conns));
		if (!v)
			return -1;
		t->conns = v;
		v = ga_parse_grow(p, t->names, t->n, sizeof(*t->names));
		if (!v)
			return -1;
		t->names = v;
		t->conns[t->n] = conn;
		memcpy(t->names[t->n], name, namelen);
		t->names[t->n][namelen] = '\0';
		t->n++;
		pos = end;
	}
	return 0;
}

/* kill NAME [query]: KILL, or KILL QUERY, of NAME's server thread. */
int ga_parse_kill(struct parser *p, struct lexer *lx,
		  const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	struct word w;
	int rc;

	if (begin_conn_step(p, lx, dir, kw, &st))
		return -1;
	rc = ga_lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc > 0 && strcmp(w.text, "query") != 0)
		return ga_perr(p, w.col, "expected 'query' or the end of the "
			       "line after the connection name, found '%s' "
			       "(kill NAME: the connection; kill NAME query: "
			       "its statement)", w.text);
	st.kill_query = rc > 0;
	return end_step(p, lx, "'query'", &st);
}

/* Checks and measures the %repeat[...]% in sql[0..n) (col: its column),
 * keeps sql as written in st->text (its expansion is made when the step
 * runs: ga_expand_step) and appends st; on failure nothing is kept.  The
 * statements of a file add up to at most GA_EXPAND_FILE_MAX, said once,
 * at the statement that goes past it. */
static int push_sql_step(struct parser *p, struct ga_step *st,
			 const char *sql, size_t n, int col)
{
	size_t off, len, repeats;
	char msg[256];

	if (ga_expand_measure(sql, n, &len, &repeats, msg, sizeof(msg), &off))
		return ga_perr(p, col + (int)off, "%s", msg);
	if (!p->sql_over && len > (size_t)GA_EXPAND_FILE_MAX - p->sql_total) {
		p->sql_over = true;
		return ga_perr(p, col, "the SQL of this file grows to %zu bytes "
			    "with this statement, more than 256 MiB (%ld "
			    "bytes) in all", p->sql_total + len,
			    GA_EXPAND_FILE_MAX);
	}
	p->sql_total += len;
	if (parse_threadvars(p, st, sql, n, col)) {
		ga_threadvars_free(st->threads);
		st->threads = NULL;
		return -1;
	}
	if (repeats) {
		st->expansion = calloc(1, sizeof(*st->expansion));
		if (!st->expansion)
			return ga_parse_nomem(p);
		st->expansion->len = len;
	}
	st->text = ga_parse_strndup(p, sql, n);
	if (st->text && push_step(p, st) == 0)
		return 0;
	free(st->text);
	st->text = NULL;
	ga_expansion_free(st->expansion);
	st->expansion = NULL;
	ga_threadvars_free(st->threads);
	st->threads = NULL;
	return -1;
}

/* query, send, prepare, stream: NAME SQL */
int ga_parse_sql_step(struct parser *p, struct lexer *lx,
			  const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	const char *sql;
	size_t n;

	if (begin_conn_step(p, lx, dir, kw, &st))
		return -1;
	n = ga_lex_rest(lx, &sql);
	if (n == 0)
		return ga_perr(p, kw->col, "'%s' needs SQL after the connection "
			    "name", kw->text);
	return push_sql_step(p, &st, sql, n, (int)(sql - lx->s) + 1);
}

/* "key=SIZE": the size, or -1 after a diagnostic. */
static int parse_size_option(struct parser *p, const struct word *w,
			     const char *key, long *out)
{
	size_t klen = strlen(key);

	if (strncmp(w->text, key, klen) != 0 || w->text[klen] != '=')
		return ga_perr(p, w->col, "expected %s=SIZE, found '%s'", key,
			    w->text);
	if (ga_units_bytes(w->text + klen + 1, out, NULL) || *out == 0)
		return ga_perr(p, w->col + (int)klen + 1, "invalid size '%s': "
			    "write e.g. 4096, 64KiB or 2MiB",
			    w->text + klen + 1);
	return 0;
}

/* One value of an execute: a whole number, NULL or quoted text.
 * Returns 0, or -1 after a diagnostic. */
static int parse_param(struct parser *p, const struct word *w,
		       struct ga_param *out)
{
	const char *d = w->text[0] == '-' ? w->text + 1 : w->text;
	long long v = 0;

	memset(out, 0, sizeof(*out));
	if (w->quoted) {
		out->type = GA_PARAM_TEXT;
		out->text = ga_parse_strdup(p, w->text);
		return out->text ? 0 : -1;
	}
	if (strcmp(w->text, "NULL") == 0) {
		out->type = GA_PARAM_NULL;
		return 0;
	}
	if (strncmp(w->text, "blob=", 5) == 0)
		return ga_perr(p, w->col, "blob=SIZE binds the first "
			       "parameter: write it first, right after the "
			       "connection name");
	if (!ga_is_digits(d))
		return ga_perr(p, w->col, "a parameter is a whole number, NULL "
			       "or quoted text, not '%s' (write \"%s\" for "
			       "text)", w->text, w->text);
	for (; *d; d++) {
		v = v * 10 + (*d - '0');
		if (v > GA_PARAM_INT_MAX)
			return ga_perr(p, w->col, "parameter '%s' is out of "
				       "range: at most 2^53-1 either way "
				       "(quote it to bind it as text)",
				       w->text);
	}
	out->type = GA_PARAM_INT;
	out->num = w->text[0] == '-' ? -v : v;
	return 0;
}

static void free_params(struct ga_step *st)
{
	size_t i;

	for (i = 0; i < st->nparams; i++)
		free(st->params[i].text);
	free(st->params);
	st->params = NULL;
	st->nparams = 0;
}

/* execute NAME [blob=SIZE] [VALUE...]: the blob is the first parameter,
 * the values the ones after it, in order. */
int ga_parse_execute(struct parser *p, struct lexer *lx,
			 const struct directive *dir, const struct word *kw)
{
	struct ga_param *v;
	struct ga_step st;
	struct word w;
	int rc;

	if (begin_conn_step(p, lx, dir, kw, &st))
		return -1;
	for (;;) {
		rc = ga_lex_word(p, lx, &w);
		if (rc <= 0)
			break;
		if (st.nparams == 0 && !st.size && !w.quoted &&
		    strncmp(w.text, "blob=", 5) == 0) {
			if (parse_size_option(p, &w, "blob", &st.size))
				rc = -1;
			if (rc < 0)
				break;
			continue;
		}
		if (st.nparams + (st.size > 0) >= GA_PARAMS_MAX) {
			rc = ga_perr(p, w.col, "too many parameters: at most %d",
				     GA_PARAMS_MAX);
			break;
		}
		v = ga_parse_grow(p, st.params, st.nparams, sizeof(*v));
		if (!v) {
			rc = -1;
			break;
		}
		st.params = v;
		if (parse_param(p, &w, &st.params[st.nparams])) {
			rc = -1;
			break;
		}
		st.nparams++;
	}
	if (rc == 0 && push_step(p, &st) == 0)
		return 0;
	free_params(&st);
	return -1;
}

#define FETCH_ROWS_MAX 1000000

/* fetch NAME [rows=N] [every D]: a slow reader reads N rows (1 without
 * rows=) at a time, every D. */
int ga_parse_fetch(struct parser *p, struct lexer *lx,
		   const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	struct word w;
	int rc = 0, rows_col = 0;
	long ms;

	if (begin_conn_step(p, lx, dir, kw, &st))
		return -1;
	while (ga_lex_next(p, lx, &w, &rc)) {
		if (!w.quoted && (strncmp(w.text, "rows=", 5) == 0 ||
				  strcmp(w.text, "every") == 0) &&
		    (w.text[0] == 'r' ? rows_col != 0 :
		     st.fetch_every_ms != 0))
			return ga_perr(p, w.col, "'%s' is given twice",
				       w.text[0] == 'r' ? "rows" : "every");
		if (!w.quoted && strncmp(w.text, "rows=", 5) == 0) {
			rows_col = w.col;
			if (!ga_is_digits(w.text + 5) ||
			    strlen(w.text + 5) > 7 ||
			    (st.fetch_rows = strtol(w.text + 5, NULL, 10)) < 1 ||
			    st.fetch_rows > FETCH_ROWS_MAX)
				return ga_perr(p, w.col + 5, "invalid row count "
					       "'%s': a number from 1 to %d",
					       w.text + 5, FETCH_ROWS_MAX);
		} else if (!w.quoted && strcmp(w.text, "every") == 0) {
			if (ga_lex_need(p, lx, &w, w.col, "'every' needs a "
					"duration, e.g. fetch %s rows=100 "
					"every 500ms",
					p->sc->connections[st.conn].name))
				return -1;
			if (ga_units_ms(w.text, &ms, NULL))
				return ga_perr(p, w.col, "invalid duration "
					       "'%s' for every: write e.g. "
					       "500ms (at most 86400s)", w.text);
			if (ms == 0)
				return ga_perr(p, w.col, "every must be more "
					       "than 0ms: a reader as fast as "
					       "the rows come is 'fetch %s'",
					       p->sc->connections[st.conn].name);
			st.fetch_every_ms = ms;
		} else {
			return ga_perr(p, w.col, "expected rows=N or every "
				       "DURATION, found '%s'", w.text);
		}
	}
	if (rc)
		return -1;
	if (rows_col && !st.fetch_every_ms)
		return ga_perr(p, rows_col, "rows=N reads N rows at a time: "
			       "say how often with 'every DURATION', e.g. "
			       "every 500ms");
	if (st.fetch_every_ms && !st.fetch_rows)
		st.fetch_rows = 1;      /* row by row */
	return push_step(p, &st);
}

#define DEFAULT_CHUNK (64L * 1024)

/* long-data NAME SIZE [chunk=SIZE] */
int ga_parse_long_data(struct parser *p, struct lexer *lx,
			   const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	struct word w;
	int rc;

	begin_step(p, &st, dir->kind);
	st.chunk = DEFAULT_CHUNK;
	rc = parse_step_conn(p, lx, kw, &st);
	if (rc)
		return -1;
	if (ga_lex_need(p, lx, &w, kw->col, "'long-data' needs the total size "
			"after the connection name, e.g. 2MiB"))
		return -1;
	if (ga_units_bytes(w.text, &st.size, NULL) || st.size == 0)
		return ga_perr(p, w.col, "invalid size '%s': write e.g. 4096, "
			    "64KiB or 2MiB", w.text);
	rc = ga_lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc > 0 && parse_size_option(p, &w, "chunk", &st.chunk))
		return -1;
	return end_step(p, lx, "the chunk size", &st);
}

/* fork NAME close|exit|share N */
int ga_parse_fork(struct parser *p, struct lexer *lx,
		      const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	struct word w;

	if (begin_conn_step(p, lx, dir, kw, &st))
		return -1;
	if (ga_lex_need(p, lx, &w, kw->col, "'fork' needs what the child does: "
			"close, exit or share N"))
		return -1;
	if (strcmp(w.text, "close") == 0) {
		st.fork_mode = GA_FORK_CLOSE;
	} else if (strcmp(w.text, "exit") == 0) {
		st.fork_mode = GA_FORK_EXIT;
	} else if (strcmp(w.text, "share") == 0) {
		st.fork_mode = GA_FORK_SHARE;
		if (ga_lex_need(p, lx, &w, w.col + 5, "'share' needs how many "
				"queries each process runs, e.g. share 50"))
			return -1;
		if (!ga_is_digits(w.text) || strlen(w.text) > 6 ||
		    (st.count = strtol(w.text, NULL, 10)) < 1)
			return ga_perr(p, w.col, "invalid count '%s': a number "
				    "from 1 to 999999", w.text);
	} else {
		return ga_perr(p, w.col, "unknown fork mode '%s' (known: "
			    "close, exit, share N)", w.text);
	}
	return end_step(p, lx, "the fork mode", &st);
}

static struct fault_name *find_fault(struct parser *p, const char *name)
{
	long i = ga_nameindex_find(&p->fault_names, name, strlen(name));

	return i < 0 ? NULL : &p->faults[i];
}

/* fault NAME KIND ARGS: the kind's own parse and validate. */
int ga_parse_fault(struct parser *p, struct lexer *lx,
		       const struct directive *dir, const struct word *kw)
{
	const struct ga_fault_kind *const *kinds = ga_fault_kinds();
	const struct ga_fault_kind *kind;
	char dym[GA_SUGGEST_MAX + 32], names[256];
	struct ga_fault_diag diag;
	struct ga_suggest sg;
	struct fault_name *f, *v;
	struct ga_step st;
	struct word name, w;
	const char *args;
	char *argbuf;
	size_t i, n, len;
	int rc, argcol;

	begin_step(p, &st, dir->kind);
	rc = ga_parse_decl_name(p, lx, &name, kw->col, "fault", "'fault' needs "
				"a name, a kind and its arguments, e.g. fault "
				"wall firewall drop");
	if (rc < 0)
		return -1;
	len = (size_t)rc;
	f = find_fault(p, name.text);
	if (f)
		return ga_perr(p, name.col, "fault '%s' is already declared at "
			    "line %d", name.text, f->line);
	/* The name is known from here on, even if the rest of the line is
	 * bad: its "lift" must not be reported as well. */
	v = ga_parse_grow(p, p->faults, p->nfaults, sizeof(*v));
	if (!v)
		return -1;
	p->faults = v;
	if (ga_nameindex_add(&p->fault_names, name.text) < 0)
		return ga_parse_nomem(p);
	f = &v[p->nfaults++];
	memset(f, 0, sizeof(*f));
	memcpy(f->name, name.text, len + 1);
	f->line = p->line;
	f->step = NO_STEP;
	rc = ga_lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		ga_fault_kind_names(" or ", names, sizeof(names));
		return ga_perr(p, name.col, "'fault %s' needs a kind (%s)",
			    name.text, names);
	}
	kind = ga_fault_kind_find(w.text);
	if (!kind) {
		ga_suggest_init(&sg, w.text, 2);
		for (i = 0; kinds[i]; i++)
			ga_suggest_try(&sg, kinds[i]->name);
		ga_fault_kind_names(", ", names, sizeof(names));
		return ga_perr(p, w.col, "unknown fault kind '%s'%s (known: "
			    "%s)", w.text, ga_suggest_text(&sg, dym, sizeof(dym)),
			    names);
	}
	if (!kind->parse)
		return ga_perr(p, w.col, "fault kind '%s' is not available in "
			    "this build", w.text);
	n = ga_lex_text(lx, &args);
	argcol = (int)(args - lx->s) + 1;
	argbuf = ga_parse_strndup(p, args, n);
	if (!argbuf)
		return -1;
	memset(&diag, 0, sizeof(diag));
	rc = kind->parse(argbuf, &st.fault_spec, &diag);
	free(argbuf);
	if (rc)
		return ga_perr(p, argcol + (int)diag.offset, "%s: %s (usage: %s)",
			    kind->name, diag.msg, kind->usage);
	st.fault = kind;
	if (kind->validate(st.fault_spec, &diag)) {
		kind->free_spec(st.fault_spec);
		return ga_perr(p, argcol + (int)diag.offset, "%s: %s",
			    kind->name, diag.msg);
	}
	st.text = ga_parse_strdup(p, name.text);
	if (!st.text || push_step(p, &st)) {
		free(st.text);
		kind->free_spec(st.fault_spec);
		return -1;
	}
	p->faults[p->nfaults - 1].step = p->sc->nsteps - 1;
	return 0;
}

/* lift NAME */
int ga_parse_lift(struct parser *p, struct lexer *lx,
		      const struct directive *dir, const struct word *kw)
{
	struct fault_name *f;
	struct ga_step st;
	struct word w;
	int rc;

	begin_step(p, &st, dir->kind);
	if (ga_lex_need(p, lx, &w, kw->col, "'lift' needs the name of a fault"))
		return -1;
	f = find_fault(p, w.text);
	if (!f)
		return ga_perr(p, w.col, "no fault named '%s' before this line",
			    w.text);
	if (f->lifted)
		return ga_perr(p, w.col, "fault '%s' is already lifted at line "
			    "%d", w.text, f->lifted);
	if (f->step == NO_STEP)
		return -1;      /* its fault line was bad and is reported */
	rc = ga_lex_end(p, lx, "the fault name");
	if (rc)
		return -1;
	st.fault_step = (int)f->step;
	st.text = ga_parse_strdup(p, w.text);
	if (!st.text)
		return -1;
	if (push_step(p, &st)) {
		free(st.text);
		return -1;
	}
	f->lifted = p->line;
	return 0;
}

/* admin SQL, errorlog TEXT: the raw rest of the line. */
int ga_parse_text_step(struct parser *p, struct lexer *lx,
			   const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	const char *text;
	size_t n;

	begin_step(p, &st, dir->kind);
	n = ga_lex_rest(lx, &text);
	if (n == 0)
		return ga_perr(p, kw->col, "'%s' needs %s", kw->text,
			    dir->kind == GA_STEP_ADMIN ? "SQL" :
			    "the text to look for");
	if (dir->kind == GA_STEP_ADMIN)
		return push_sql_step(p, &st, text, n,
				     (int)(text - lx->s) + 1);
	if (dir->kind != GA_STEP_ERRORLOG)
		return push_text_step(p, &st, text, n);
	/* errorlog's text may name a session, as the server's line does
	 * ("Aborted connection %thread[app]% to db") */
	if (parse_threadvars(p, &st, text, n, (int)(text - lx->s) + 1) == 0 &&
	    push_text_step(p, &st, text, n) == 0)
		return 0;
	ga_threadvars_free(st.threads);
	return -1;
}

/* "LO..HI" in w (dots points at its ".."): a sweep over the runs. */
static int parse_sweep(struct parser *p, const struct word *w,
		       const char *dots, struct ga_step *st)
{
	char lo[64];
	size_t n = (size_t)(dots - w->text);
	const char *hi = dots + 2;

	if (n == 0 || !*hi || n >= sizeof(lo))
		return ga_perr(p, w->col, "the sweep '%s' needs a duration on "
			    "each side of '..', e.g. 10ms..200ms", w->text);
	memcpy(lo, w->text, n);
	lo[n] = '\0';
	if (ga_units_ms(lo, &st->duration_ms, NULL))
		return ga_perr(p, w->col, "invalid duration '%s' in the sweep: "
			    "write e.g. 10ms..200ms", lo);
	if (ga_units_ms(hi, &st->vary_ms, NULL))
		return ga_perr(p, w->col + (int)n + 2, "invalid duration '%s' "
			    "in the sweep: write e.g. 10ms..200ms", hi);
	if (st->vary_ms <= st->duration_ms)
		return ga_perr(p, w->col, "the sweep '%s' does not go up: "
			    "write the shorter duration first, e.g. "
			    "10ms..200ms", w->text);
	if (p->sc->repeat < 2 && !p->repeat_bad)
		return ga_perr(p, w->col, "a sweep varies the sleep over the "
			    "runs of a repeated scenario: add e.g. 'repeat 10' "
			    "(at least 2) to the header");
	st->vary = GA_SLEEP_SWEEP;
	return 0;
}

/* "jitter J" after the duration (kw is the word "jitter"). */
static int parse_jitter(struct parser *p, struct lexer *lx,
			const struct word *kw, struct ga_step *st)
{
	struct word w;

	if (st->vary == GA_SLEEP_SWEEP)
		return ga_perr(p, kw->col, "a sweep takes no jitter: give "
			    "either LO..HI or D jitter J");
	if (ga_lex_need(p, lx, &w, kw->col, "'jitter' needs a duration, e.g. "
			"sleep 100ms jitter 20ms"))
		return -1;
	if (ga_units_ms(w.text, &st->vary_ms, NULL))
		return ga_perr(p, w.col, "invalid duration '%s' for jitter: "
			    "write e.g. 20ms", w.text);
	if (st->vary_ms == 0)
		return ga_perr(p, w.col, "jitter must be more than 0ms");
	if (st->vary_ms > st->duration_ms)
		return ga_perr(p, w.col, "jitter '%s' is more than the "
			    "duration: the sleep would be shorter than 0",
			    w.text);
	if (st->duration_ms + st->vary_ms > GA_UNITS_MS_MAX)
		return ga_perr(p, w.col, "the duration and its jitter go "
			    "past one day (86400s)");
	st->vary = GA_SLEEP_JITTER;
	return ga_lex_end(p, lx, "the jitter");
}

/* sleep D, sleep LO..HI (a sweep), sleep D jitter J. */
int ga_parse_sleep(struct parser *p, struct lexer *lx,
		       const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	struct word w;
	const char *dots;
	int rc;

	begin_step(p, &st, dir->kind);
	if (ga_lex_need(p, lx, &w, kw->col, "'sleep' needs a duration"))
		return -1;
	dots = strstr(w.text, "..");
	if (dots) {
		if (parse_sweep(p, &w, dots, &st))
			return -1;
	} else if (ga_units_ms(w.text, &st.duration_ms, NULL)) {
		return ga_perr(p, w.col, "invalid duration '%s': write e.g. "
			    "500ms, 2s or 1.5s", w.text);
	}
	rc = ga_lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc > 0 && strcmp(w.text, "jitter") == 0)
		rc = parse_jitter(p, lx, &w, &st);
	else if (rc > 0)
		rc = ga_perr(p, w.col, "unexpected '%s' after %s", w.text,
			     "the duration");
	if (rc)
		return -1;
	return push_step(p, &st);
}

int ga_parse_status(struct parser *p, struct lexer *lx,
			const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	struct word w;
	int rc;

	begin_step(p, &st, dir->kind);
	if (ga_lex_need(p, lx, &w, kw->col, "'status' needs a variable name"))
		return -1;
	if (!ga_all_of(w.text, strlen(w.text), "_"))
		return ga_perr(p, w.col, "invalid status variable '%s': use "
			    "letters, digits and '_'", w.text);
	st.text = ga_parse_strdup(p, w.text);
	if (!st.text)
		return -1;
	/* "now": the value as it is (a gauge), not how far it moved */
	rc = ga_lex_word(p, lx, &w);
	if (rc > 0 && strcmp(w.text, "now") == 0) {
		st.status_now = true;
		rc = ga_lex_end(p, lx, "'now'");
	} else if (rc > 0) {
		rc = ga_perr(p, w.col, "after the variable name: 'now' (its "
			     "value as it is) or nothing (how far it moved "
			     "in the case), not '%s'", w.text);
	}
	if (rc) {
		free(st.text);
		return -1;
	}
	rc = push_step(p, &st);
	if (rc)
		free(st.text);
	return rc;
}

int ga_parse_server(struct parser *p, struct lexer *lx,
			const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	struct word w;
	size_t i;

	(void)dir;
	if (ga_lex_need(p, lx, &w, kw->col, "'server' needs an action: stop, "
			"start, restart or crash (or oom-kills)"))
		return -1;
	for (i = 0; i < COUNT(server_actions); i++) {
		if (strcmp(server_actions[i].name, w.text) == 0)
			break;
	}
	if (i == COUNT(server_actions))
		return ga_perr(p, w.col, "unknown server action '%s' (known: "
			    "stop, start, restart, crash, oom-kills)", w.text);
	if (server_actions[i].kind == GA_STEP_SERVER_OOM_KILLS &&
	    !p->sc->server_memory)
		return ga_perr(p, w.col, "'server oom-kills' counts the OOM "
			       "killer's kills under the server's own memory "
			       "limit: give it one in the header, e.g. 'server "
			       "memory 256MiB'");
	begin_step(p, &st, server_actions[i].kind);
	return end_step(p, lx, "the server action", &st);
}

/* "proxy stop|start|restart|crash" (parse.c sends only these words
 * here): acts on the proxy the header's "proxy NAME" line declared. */
int ga_parse_proxy_step(struct parser *p, struct lexer *lx,
			const struct directive *dir, const struct word *kw)
{
	const struct ga_proxy_decl *d = &p->sc->proxy;
	struct ga_step st;
	struct word w;
	size_t i;
	int rc;

	(void)dir;
	rc = ga_lex_word(p, lx, &w);
	if (rc <= 0)
		return -1;
	for (i = 0; i < COUNT(proxy_actions); i++) {
		if (strcmp(proxy_actions[i].name, w.text) == 0)
			break;
	}
	if (i == COUNT(proxy_actions))
		return -1;      /* parse.c's choice: not reached */
	if (!d->line || strcmp(d->name, "none") == 0)
		return ga_perr(p, kw->col, "'proxy %s' acts on the scenario's "
			       "proxy: declare it in the header, e.g. "
			       "'proxy %s'", w.text, ga_proxy_names()[0] ?
			       ga_proxy_names()[0] : "NAME");
	begin_step(p, &st, proxy_actions[i].kind);
	return end_step(p, lx, "the proxy action", &st);
}
