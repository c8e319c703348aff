/* jsonl_read.c - see results.h: results.jsonl read back, checked line by
 * line and member by member, into what the reporters take. */
#include "result/results.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lang/select.h"
#include "util/json.h"

/* ---- the words of the files ------------------------------------------- */

static const char *const result_words[] = {
	[GA_RESULT_OK] = "ok",
	[GA_RESULT_ERROR] = "error",
	[GA_RESULT_HANG] = "hang",
	[GA_RESULT_WRONG] = "wrong-result",
};

static const char *const flavour_words[] = {
	[GA_FLAVOUR_ANY] = "any",
	[GA_FLAVOUR_MARIADB] = "mariadb",
	[GA_FLAVOUR_MYSQL] = "mysql",
};

#define NWORDS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int word_find(const char *const *words, int n, const char *word)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(words[i], word) == 0)
			return i;
	return -1;
}

const char *ga_results_result_name(enum ga_result r)
{
	return (int)r >= 0 && (int)r < NWORDS(result_words) ?
	       result_words[r] : "?";
}

static int result_find(const char *word)
{
	return word_find(result_words, NWORDS(result_words), word);
}

const char *ga_results_flavour_name(enum ga_flavour f)
{
	return (int)f >= 0 && (int)f < NWORDS(flavour_words) ?
	       flavour_words[f] : "?";
}

static int flavour_find(const char *word)
{
	return word_find(flavour_words, NWORDS(flavour_words), word);
}

/* ---- one file ---------------------------------------------------------- */

/* The case being read: its steps come before it. */
struct pending {
	long number;                    /* its "case", 0: none yet */
	struct ga_step *steps;          /* owned */
	struct ga_step_result *srs;     /* owned */
	char (*conns)[GA_NAME_MAX];     /* each step's connection, "" none */
	size_t n, cap;
	char **apis;                    /* owned */
	size_t napis;
	char *fp;                       /* the fingerprint, a memstream's */
	size_t fplen;
	FILE *fpf;
};

struct reader {
	const char *file;               /* for messages */
	char base[PATH_MAX];            /* the file's directory: evidence is
					 * relative to it */
	FILE *f;
	long lineno;
	char *buf;                      /* GA_RESULTS_LINE_MAX + 1 */
	struct ga_error *err;
	long announced;                 /* the run line's "cases" */
	struct pending p;
	struct ga_results_case *cases;  /* owned until handed over */
	size_t n, cap;
	size_t counts[4];               /* verdicts of the cases read */
	size_t held;                    /* bytes held, these files' and
					 * the ones read before: at most
					 * GA_RESULTS_MEM_MAX */
	bool ended;
	struct ga_run_summary sum;      /* the end line's */
	struct ga_results_shard shard;  /* the run line's argv's --shard */
	struct ga_results_run run;      /* what the run line says of it */
};

static int bad(struct reader *rd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(struct reader *rd, const char *fmt, ...)
{
	char msg[GA_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ga_error_set(rd->err, "%s:%ld: %s", rd->file, rd->lineno, msg);
}

/* Counts bytes the cases will hold: the cap on them all is
 * GA_RESULTS_MEM_MAX, named in the error. */
static int hold(struct reader *rd, size_t bytes)
{
	if (bytes > GA_RESULTS_MEM_MAX - rd->held)
		return bad(rd, "the results read would hold more than %zu MiB "
			   "in memory (GA_RESULTS_MEM_MAX, goneaway's cap on "
			   "them): not goneaway's, or report fewer at once",
			   GA_RESULTS_MEM_MAX >> 20);
	rd->held += bytes;
	return 0;
}

static void pending_free(struct pending *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (p->steps)   /* NULL once handed to a scenario */
			free(p->steps[i].expects);
		if (p->srs)     /* NULL once handed to a case result */
			free(p->srs[i].tally);
	}
	free(p->steps);
	free(p->srs);
	free(p->conns);
	for (i = 0; i < p->napis; i++)
		free(p->apis[i]);
	free(p->apis);
	if (p->fpf)
		fclose(p->fpf);
	free(p->fp);
	memset(p, 0, sizeof(*p));
}

static void case_free(struct ga_results_case *c)
{
	size_t i;

	/* a step's expects is NULL and nexpects a count (results.h):
	 * nothing there for ga_scenario_free() to look at */
	for (i = 0; c->sc && i < c->sc->nsteps; i++)
		if (!c->sc->steps[i].expects)
			c->sc->steps[i].nexpects = 0;
	ga_scenario_free(c->sc);
	ga_case_result_free(&c->res);
	for (i = 0; i < c->napis; i++)
		free(c->apis[i]);
	free(c->apis);
	free(c->fingerprint);
	memset(c, 0, sizeof(*c));
}

/* Reads the next line into rd->buf.  Returns 1 with *len set, 0 at the
 * end of the file, -1 with the error set. */
static int read_line(struct reader *rd, size_t *len)
{
	size_t n = 0;
	int c;

	rd->lineno++;
	while ((c = getc(rd->f)) != EOF) {
		if (c == '\n') {
			rd->buf[n] = '\0';
			*len = n;
			return 1;
		}
		if (n == GA_RESULTS_LINE_MAX)
			return bad(rd, "the line is longer than %d bytes: not "
				   "goneaway's", GA_RESULTS_LINE_MAX);
		rd->buf[n++] = (char)c;
	}
	if (ferror(rd->f))
		return bad(rd, "cannot read: %s", strerror(errno));
	if (n == 0)
		return 0;
	return bad(rd, "the last line is cut short (no newline at its end): "
		   "was the file copied whole?");
}

/* ---- members, checked -------------------------------------------------- */

/* The member key of j; NULL with the error set when it is missing or
 * not of type (a null is allowed when nullable: *out NULL). */
static int member(struct reader *rd, const struct ga_json *j, const char *key,
		  enum ga_json_type type, bool nullable,
		  const struct ga_json **out)
{
	static const char *const names[] = {
		[GA_JSON_NULL] = "null", [GA_JSON_BOOL] = "a boolean",
		[GA_JSON_NUMBER] = "a number", [GA_JSON_STRING] = "a string",
		[GA_JSON_ARRAY] = "an array", [GA_JSON_OBJECT] = "an object",
	};
	const struct ga_json *m = ga_json_get(j, key);

	*out = NULL;
	if (!m)
		return bad(rd, "no \"%s\" member", key);
	if (m->type == GA_JSON_NULL && nullable)
		return 0;
	if (m->type != type)
		return bad(rd, "\"%s\" is not %s%s", key, names[type],
			   nullable ? " or null" : "");
	*out = m;
	return 0;
}

/* A string member, or NULL for a null one (nullable). */
static int get_str(struct reader *rd, const struct ga_json *j, const char *key,
		   bool nullable, const char **out)
{
	const struct ga_json *m;

	if (member(rd, j, key, GA_JSON_STRING, nullable, &m))
		return -1;
	*out = m ? m->str : NULL;
	return 0;
}

/* s into dst[size], cut before a character that does not fit whole
 * (text from outside: a message, a version). */
static void cut_copy(char *dst, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* A string member into dst[size]: text is cut to fit; a name (cut
 * false) that does not fit is an error. */
static int get_buf(struct reader *rd, const struct ga_json *j, const char *key,
		   char *dst, size_t size, bool cut)
{
	const char *s;

	if (get_str(rd, j, key, false, &s))
		return -1;
	if (!cut && strlen(s) >= size)
		return bad(rd, "\"%s\" is longer than %zu bytes", key, size - 1);
	cut_copy(dst, size, s);
	return 0;
}

/* get_buf() of text that files written before it lack: "" then. */
static int opt_buf(struct reader *rd, const struct ga_json *j,
		   const char *key, char *dst, size_t size)
{
	dst[0] = '\0';
	return ga_json_get(j, key) ? get_buf(rd, j, key, dst, size, true) : 0;
}

/* An integer member in [min, max]; a null one (nullable) is def. */
static int get_long(struct reader *rd, const struct ga_json *j,
		    const char *key, long min, long max, bool nullable,
		    long def, long *out)
{
	const struct ga_json *m;

	if (member(rd, j, key, GA_JSON_NUMBER, nullable, &m))
		return -1;
	if (!m) {
		*out = def;
		return 0;
	}
	if (m->num != floor(m->num) || m->num < (double)min ||
	    m->num > (double)max)
		return bad(rd, "\"%s\" is not a whole number from %ld to %ld",
			   key, min, max);
	*out = (long)m->num;
	return 0;
}

/* Milliseconds: a finite number from 0 to a year. */
static int get_ms(struct reader *rd, const struct ga_json *j, const char *key,
		  double *out)
{
	const struct ga_json *m;

	if (member(rd, j, key, GA_JSON_NUMBER, false, &m))
		return -1;
	if (!(m->num >= 0 && m->num <= 366.0 * 86400 * 1000))
		return bad(rd, "\"%s\" is not a duration in milliseconds", key);
	*out = m->num;
	return 0;
}

static int get_bool(struct reader *rd, const struct ga_json *j,
		    const char *key, bool *out)
{
	const struct ga_json *m;

	if (member(rd, j, key, GA_JSON_BOOL, false, &m))
		return -1;
	*out = m->b;
	return 0;
}

/* A step's "skipped": why it was not run in a partly skipped case, or
 * null; optional (files written before it was), and never together
 * with "ran". */
static int get_skipped(struct reader *rd, const struct ga_json *j,
		       struct ga_step_result *sr)
{
	const struct ga_json *m = ga_json_get(j, "skipped");

	sr->skipped[0] = '\0';
	if (!m || m->type == GA_JSON_NULL)
		return 0;
	if (m->type != GA_JSON_STRING || !m->str[0] || sr->ran)
		return bad(rd, "\"skipped\" is not why a step that did not run "
			   "was skipped");
	cut_copy(sr->skipped, sizeof(sr->skipped), m->str);
	return 0;
}

/* A word of a table: find returns its value, or -1. */
static int get_word(struct reader *rd, const struct ga_json *j,
		    const char *key, int (*find)(const char *), int *out)
{
	const char *s;

	if (get_str(rd, j, key, false, &s))
		return -1;
	*out = find(s);
	if (*out < 0)
		return bad(rd, "\"%s\" is \"%.60s\", not a word goneaway "
			   "writes there", key, s);
	return 0;
}

/* A step's "start_before" and "start_after", the server starts its
 * thread ids belong to: optional (files from before they were written
 * lack them), and one that is missing is the other's: the same start. */
static int get_starts(struct reader *rd, const struct ga_json *j,
		      struct ga_outcome *o)
{
	bool has_before = ga_json_get(j, "start_before") != NULL;
	bool has_after = ga_json_get(j, "start_after") != NULL;
	long before = 0, after = 0;

	if ((has_before && get_long(rd, j, "start_before", 0, UINT_MAX,
				    false, 0, &before)) ||
	    (has_after && get_long(rd, j, "start_after", 0, UINT_MAX, false,
				   0, &after)))
		return -1;
	if (!has_before)
		before = after;
	if (!has_after)
		after = before;
	o->start_before = (unsigned)before;
	o->start_after = (unsigned)after;
	return 0;
}

static int verdict_find(const char *word)
{
	int v;

	for (v = GA_VERDICT_PASS; v <= GA_VERDICT_ERROR; v++)
		if (strcmp(ga_verdict_name((enum ga_verdict)v), word) == 0)
			return v;
	return -1;
}

static int kind_find(const char *word)
{
	int k;

	for (k = 0; k < GA_STEP_KIND_COUNT; k++)
		if (strcmp(ga_step_kind_name((enum ga_step_kind)k), word) == 0)
			return k;
	return -1;
}

static int skip_find(const char *word)
{
	return strcmp(word, "none") == 0 ? GA_SKIP_NONE :
	       ga_skip_kind_find(word);
}

/* ---- the fingerprint: the lines without their case numbers ----------- */

static void canon(FILE *f, const struct ga_json *j, bool top)
{
	size_t i;
	bool first = true;

	switch (j->type) {
	case GA_JSON_NULL: fputs("null", f); break;
	case GA_JSON_BOOL: fputs(j->b ? "true" : "false", f); break;
	case GA_JSON_NUMBER: fprintf(f, "%.17g", j->num); break;
	case GA_JSON_STRING: ga_json_write_string(f, j->str, j->len); break;
	case GA_JSON_ARRAY:
		fputc('[', f);
		for (i = 0; i < j->nitems; i++) {
			if (i)
				fputc(',', f);
			canon(f, &j->items[i], false);
		}
		fputc(']', f);
		break;
	case GA_JSON_OBJECT:
		fputc('{', f);
		for (i = 0; i < j->nitems; i++) {
			if (top && strcmp(j->items[i].key, "case") == 0)
				continue;
			if (!first)
				fputc(',', f);
			first = false;
			ga_json_write_string(f, j->items[i].key,
					     strlen(j->items[i].key));
			fputc(':', f);
			canon(f, &j->items[i], false);
		}
		fputc('}', f);
		break;
	}
}

/* The pending case numbered number: a new one after the last. */
static int pending_for(struct reader *rd, long number)
{
	struct pending *p = &rd->p;
	long last = rd->n ? (long)rd->n : 0;

	if (p->number == number)
		return 0;
	if (p->number)
		return bad(rd, "case %ld begins before case %ld ended (its "
			   "\"case\" line is missing)", number, p->number);
	if (number != last + 1)
		return bad(rd, "case %ld follows case %ld: cases are numbered "
			   "1, 2, 3 ... in order", number, last);
	if (rd->n >= GA_RESULTS_MAX_CASES)
		return bad(rd, "more than %d cases", GA_RESULTS_MAX_CASES);
	p->number = number;
	p->fpf = open_memstream(&p->fp, &p->fplen);
	if (!p->fpf)
		return bad(rd, "out of memory");
	return 0;
}

/* ---- the lines ---------------------------------------------------------- */

static int get_pool_events(struct reader *rd, const struct ga_json *j,
			   struct ga_outcome *o);

static int read_tally(struct reader *rd, const struct ga_json *a,
		      struct ga_step_result *sr)
{
	struct ga_outcome o;
	long v;
	int w;
	size_t i;

	if (a->nitems > 64)
		return bad(rd, "\"spread\" has more than 64 outcomes");
	if (hold(rd, a->nitems * sizeof(*sr->tally)))
		return -1;
	sr->tally = calloc(a->nitems ? a->nitems : 1, sizeof(*sr->tally));
	if (!sr->tally)
		return bad(rd, "out of memory");
	for (i = 0; i < a->nitems; i++) {
		const struct ga_json *t = &a->items[i];
		struct ga_tally *ty = &sr->tally[i];

		if (t->type != GA_JSON_OBJECT)
			return bad(rd, "\"spread\" holds a value that is not "
				   "an object");
		if (get_word(rd, t, "result", result_find, &w))
			return -1;
		ty->result = (enum ga_result)w;
		if (get_long(rd, t, "errno", 0, UINT_MAX, false, 0, &v))
			return -1;
		ty->err = (unsigned)v;
		if (get_word(rd, t, "flavour", flavour_find, &w))
			return -1;
		ty->flavour = (enum ga_flavour)w;
		if (get_buf(rd, t, "error_class", ty->error_class,
			    sizeof(ty->error_class), true) ||
		    get_long(rd, t, "count", 0, LONG_MAX / 2, false, 0,
			     &ty->count))
			return -1;
		/* optional: what a pool did (results before issue 38, and
		 * steps of no pool, have none) */
		memset(&o, 0, sizeof(o));
		if (get_pool_events(rd, t, &o))
			return -1;
		ty->has_pool_events = o.has_pool_events;
		ty->pool_events = o.pool_events;
		ty->ok_varied = true;   /* what the ok checks read: unknown */
		sr->ntally++;
	}
	return 0;
}

/* pool_events ("discarded+opened", "none") and pool_detail, optional
 * (results written before pools have neither) and nullable. */
static int get_pool_events(struct reader *rd, const struct ga_json *j,
			   struct ga_outcome *o)
{
	const char *str = NULL, *w, *end;
	int idx;

	if (!ga_json_get(j, "pool_events") ||
	    get_str(rd, j, "pool_events", true, &str))
		return ga_json_get(j, "pool_events") ? -1 : 0;
	if (!str)
		return 0;
	o->has_pool_events = true;
	o->pool_events = 0;
	if (strcmp(str, "none") != 0) {
		for (w = str;; w = end + 1) {
			end = strchr(w, '+');
			if (!end)
				end = w + strlen(w);
			idx = ga_pool_event_find(w, (size_t)(end - w));
			if (idx < 0)
				return bad(rd, "pool_events is not a set of "
					   "pool events");
			o->pool_events |= 1u << idx;
			if (!*end)
				break;
		}
	}
	str = NULL;
	if (ga_json_get(j, "pool_detail") &&
	    get_str(rd, j, "pool_detail", true, &str))
		return -1;
	if (str)
		cut_copy(o->pool_detail, sizeof(o->pool_detail), str);
	return 0;
}

/* error_name and rows, both optional (results written before them
 * have neither) and nullable; then the pool's events. */
static int get_driver_named(struct reader *rd, const struct ga_json *j,
			    struct ga_outcome *o)
{
	const char *str = NULL;
	long v;

	if (ga_json_get(j, "error_name") &&
	    get_str(rd, j, "error_name", true, &str))
		return -1;
	if (str)
		cut_copy(o->error_name, sizeof(o->error_name), str);
	if (ga_json_get(j, "rows")) {
		if (get_long(rd, j, "rows", 0, 1L << 53, true, -1, &v))
			return -1;
		o->has_rows = v >= 0;
		o->rows = o->has_rows ? v : 0;
	}
	return get_pool_events(rd, j, o);
}

static int read_step(struct reader *rd, const struct ga_json *j)
{
	struct pending *p = &rd->p;
	struct ga_step *s;
	struct ga_step_result *sr;
	struct ga_outcome *o;
	const struct ga_json *spread;
	const char *api, *conn, *str;
	long number, index, v;
	int w;

	if (get_long(rd, j, "case", 1, GA_RESULTS_MAX_CASES, false, 0,
		     &number) || pending_for(rd, number) ||
	    get_long(rd, j, "index", 0, GA_RESULTS_MAX_STEPS - 1, false, 0,
		     &index))
		return -1;
	if ((size_t)index != p->n)
		return bad(rd, "step %ld of case %ld where step %zu was due",
			   index, number, p->n);
	if (hold(rd, sizeof(*s) + sizeof(*sr) + sizeof(*p->conns)))
		return -1;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct ga_step *ns = realloc(p->steps, cap * sizeof(*ns));
		struct ga_step_result *nr;
		char (*nc)[GA_NAME_MAX];

		if (ns)
			p->steps = ns;
		nr = ns ? realloc(p->srs, cap * sizeof(*nr)) : NULL;
		if (nr)
			p->srs = nr;
		nc = nr ? realloc(p->conns, cap * sizeof(*nc)) : NULL;
		if (!nc)
			return bad(rd, "out of memory");
		p->conns = nc;
		p->cap = cap;
	}
	s = memset(&p->steps[p->n], 0, sizeof(*s));
	sr = memset(&p->srs[p->n], 0, sizeof(*sr));
	p->conns[p->n][0] = '\0';
	p->n++;
	o = &sr->out;
	s->conn = -1;
	if (get_long(rd, j, "line", 0, INT_MAX, false, 0, &v))
		return -1;
	s->line = (int)v;
	if (get_word(rd, j, "kind", kind_find, &w))
		return -1;
	s->kind = (enum ga_step_kind)w;
	if (get_str(rd, j, "connection", true, &conn))
		return -1;
	if (conn && (!*conn || strlen(conn) >= GA_NAME_MAX))
		return bad(rd, "\"connection\" is not a connection's name");
	if (conn)
		snprintf(p->conns[p->n - 1], GA_NAME_MAX, "%s", conn);
	/* a count: the expect lines themselves are not in the file, and
	 * nothing is allocated for them (results.h) */
	if (get_long(rd, j, "expects", 0, 1000, false, 0, &v))
		return -1;
	s->nexpects = (size_t)v;
	if (get_long(rd, j, "seen_line", 0, INT_MAX, false, 0, &v))
		return -1;
	s->seen.line = (int)v;
	if (get_bool(rd, j, "ran", &sr->ran) ||
	    get_skipped(rd, j, sr) ||
	    get_str(rd, j, "api", true, &api) ||
	    get_word(rd, j, "result", result_find, &w))
		return -1;
	o->result = (enum ga_result)w;
	if (api) {
		char **grown = realloc(p->apis, (p->napis + 1) * sizeof(*grown));

		if (!grown)
			return bad(rd, "out of memory");
		p->apis = grown;
		if (hold(rd, strnlen(api, 128) + 1))
			return -1;
		p->apis[p->napis] = strndup(api, 128);
		if (!p->apis[p->napis])
			return bad(rd, "out of memory");
		o->api = p->apis[p->napis++];
	}
	if (get_long(rd, j, "errno", 0, UINT_MAX, false, 0, &v))
		return -1;
	o->err = (unsigned)v;
	if (get_str(rd, j, "errname", true, &str) ||
	    get_buf(rd, j, "sqlstate", o->sqlstate, sizeof(o->sqlstate), true) ||
	    get_buf(rd, j, "message", o->message, sizeof(o->message), true) ||
	    get_buf(rd, j, "error_class", o->error_class,
		    sizeof(o->error_class), true) ||
	    get_ms(rd, j, "elapsed_ms", &o->elapsed_ms) ||
	    get_bool(rd, j, "has_value", &o->has_value) ||
	    get_bool(rd, j, "value_null", &o->value_null) ||
	    get_str(rd, j, "value", true, &str))
		return -1;
	if (str)
		cut_copy(o->value, sizeof(o->value), str);
	if (get_driver_named(rd, j, o))
		return -1;
	if (get_long(rd, j, "thread_before", 0, 1L << 53, false, 0, &v))
		return -1;
	o->thread_before = (unsigned long)v;
	if (get_long(rd, j, "thread_after", 0, 1L << 53, false, 0, &v))
		return -1;
	o->thread_after = (unsigned long)v;
	if (get_starts(rd, j, o))
		return -1;
	if (get_word(rd, j, "flavour", flavour_find, &w))
		return -1;
	o->flavour = (enum ga_flavour)w;
	if (get_str(rd, j, "expected", true, &str) ||
	    get_long(rd, j, "expect_line", 0, INT_MAX, true, 0, &v) ||
	    get_bool(rd, j, "matched", &sr->matched) ||
	    member(rd, j, "spread", GA_JSON_ARRAY, false, &spread) ||
	    read_tally(rd, spread, sr) ||
	    get_str(rd, j, "log", true, &str))
		return -1;
	return 0;
}

/* The scenario the reporters need: its strings, connections and the
 * pending steps (handed over). */
static int build_scenario(struct reader *rd, const struct ga_json *scj,
			  struct ga_scenario **out)
{
	struct pending *p = &rd->p;
	const struct ga_json *conns;
	struct ga_scenario *sc;
	const char *path, *label, *name, *title;
	size_t i, k;

	if (get_str(rd, scj, "path", false, &path) ||
	    get_str(rd, scj, "label", false, &label) ||
	    get_str(rd, scj, "name", false, &name) ||
	    get_str(rd, scj, "title", false, &title) ||
	    member(rd, scj, "connections", GA_JSON_ARRAY, false, &conns))
		return -1;
	if (!*label || !*path)
		return bad(rd, "the scenario has no path or no label");
	if (conns->nitems > 1000)
		return bad(rd, "more than 1000 connections");
	if (hold(rd, sizeof(struct ga_results_case) + sizeof(*sc) +
		 conns->nitems * sizeof(*sc->connections) + strlen(path) +
		 strlen(label) + strlen(name) + strlen(title) + 4))
		return -1;
	sc = calloc(1, sizeof(*sc));
	if (!sc)
		return bad(rd, "out of memory");
	*out = sc;
	sc->path = strdup(path);
	sc->label = strdup(label);
	sc->name = strdup(*name ? name : label);
	sc->title = strdup(title);
	sc->connections = calloc(conns->nitems ? conns->nitems : 1,
				 sizeof(*sc->connections));
	if (!sc->path || !sc->label || !sc->name || !sc->title ||
	    !sc->connections)
		return bad(rd, "out of memory");
	sc->repeat = 1;
	for (i = 0; i < conns->nitems; i++) {
		const struct ga_json *c = &conns->items[i];

		if (c->type != GA_JSON_STRING || !c->len ||
		    c->len >= GA_NAME_MAX)
			return bad(rd, "\"connections\" holds something that "
				   "is not a connection's name");
		snprintf(sc->connections[i].name, GA_NAME_MAX, "%s", c->str);
		sc->nconnections++;
	}
	for (i = 0; i < p->n; i++) {
		if (!p->conns[i][0])
			continue;
		for (k = 0; k < sc->nconnections; k++)
			if (strcmp(sc->connections[k].name, p->conns[i]) == 0)
				break;
		if (k == sc->nconnections)
			return bad(rd, "step %zu is on connection \"%s\", which "
				   "the scenario does not have", i, p->conns[i]);
		p->steps[i].conn = (int)k;
	}
	sc->steps = p->steps;
	sc->nsteps = p->n;
	p->steps = NULL;
	return 0;
}

static int read_case_fields(struct reader *rd, const struct ga_json *j,
			    struct ga_results_case *c)
{
	struct ga_case_result *res = &c->res;
	const struct ga_json *o;
	const char *ev;
	long v;
	int w;

	if (member(rd, j, "server", GA_JSON_OBJECT, false, &o) ||
	    get_buf(rd, o, "name", res->server, sizeof(res->server), false) ||
	    get_buf(rd, o, "backend", res->backend, sizeof(res->backend),
		    false) ||
	    get_word(rd, o, "flavour", flavour_find, &w))
		return -1;
	res->flavour = (enum ga_flavour)w;
	if (get_buf(rd, o, "version", res->server_version,
		    sizeof(res->server_version), true) ||
	    member(rd, j, "client", GA_JSON_OBJECT, false, &o) ||
	    get_buf(rd, o, "name", res->client, sizeof(res->client), false) ||
	    get_buf(rd, o, "library", res->library, sizeof(res->library),
		    true) ||
	    opt_buf(rd, o, "spec", res->client_spec,
		    sizeof(res->client_spec)) ||
	    get_buf(rd, j, "combo", res->combo, sizeof(res->combo), true) ||
	    get_word(rd, j, "verdict", verdict_find, &w))
		return -1;
	/* the proxy's members came later: a run without them had none */
	if ((ga_json_get(j, "proxy") &&
	     get_buf(rd, j, "proxy", res->proxy, sizeof(res->proxy), false)) ||
	    (ga_json_get(j, "proxy_ran") &&
	     get_buf(rd, j, "proxy_ran", res->proxy_ran,
		     sizeof(res->proxy_ran), true)))
		return -1;
	res->verdict = (enum ga_verdict)w;
	if (get_buf(rd, j, "reason", res->reason, sizeof(res->reason), true) ||
	    get_long(rd, j, "line", 0, INT_MAX, false, 0, &v))
		return -1;
	res->line = (int)v;
	if (ga_json_get(j, "skip") &&
	    ga_json_get(j, "skip")->type == GA_JSON_NULL) {
		res->skip = GA_SKIP_NONE;
	} else {
		if (get_word(rd, j, "skip", skip_find, &w))
			return -1;
		res->skip = (enum ga_skip_kind)w;
	}
	if (get_long(rd, j, "signo", 0, 127, false, 0, &v))
		return -1;
	res->signo = (int)v;
	if (get_long(rd, j, "runs", 0, INT_MAX, false, 0, &res->runs) ||
	    get_long(rd, j, "repeat", 0, INT_MAX, false, 0, &res->repeat) ||
	    get_ms(rd, j, "wall_ms", &res->wall_ms) ||
	    get_ms(rd, j, "setup_ms", &res->setup_ms) ||
	    get_ms(rd, j, "steps_ms", &res->steps_ms) ||
	    get_ms(rd, j, "teardown_ms", &res->teardown_ms) ||
	    get_ms(rd, j, "waits_ms", &res->waits_ms) ||
	    get_str(rd, j, "evidence", true, &ev) ||
	    get_buf(rd, j, "evidence_lost", res->evidence_lost,
		    sizeof(res->evidence_lost), true) ||
	    get_buf(rd, j, "server_notes", res->server_notes,
		    sizeof(res->server_notes), true) ||
	    get_buf(rd, j, "reverted", res->reverted, sizeof(res->reverted),
		    true) ||
	    get_buf(rd, j, "not_reverted", res->not_reverted,
		    sizeof(res->not_reverted), true) ||
	    opt_buf(rd, j, "capture", res->capture, sizeof(res->capture)) ||
	    opt_buf(rd, j, "evidence_cut", res->evidence_cut,
		    sizeof(res->evidence_cut)) ||
	    opt_buf(rd, j, "server_setup", res->server_setup,
		    sizeof(res->server_setup)) ||
	    opt_buf(rd, j, "server_after", res->server_after,
		    sizeof(res->server_after)) ||
	    opt_buf(rd, j, "client_setup", res->client_setup,
		    sizeof(res->client_setup)) ||
	    (ga_json_get(j, "start_wait_ms") &&
	     get_ms(rd, j, "start_wait_ms", &res->start_wait_ms)) ||
	    (ga_json_get(j, "servers_started") &&
	     get_long(rd, j, "servers_started", 0, INT_MAX, false, 0,
		      &res->servers_started)))
		return -1;
	if (ev && *ev) {
		int n = strcmp(rd->base, ".") == 0 ?
			snprintf(res->results, sizeof(res->results), "%s", ev) :
			snprintf(res->results, sizeof(res->results), "%s/%s",
				 rd->base, ev);

		if (n < 0 || (size_t)n >= sizeof(res->results))
			return bad(rd, "\"evidence\" is too long a path");
	}
	return 0;
}

static int read_case(struct reader *rd, const struct ga_json *j)
{
	struct pending *p = &rd->p;
	struct ga_results_case c;
	const struct ga_json *scj;
	long number, nsteps;

	memset(&c, 0, sizeof(c));
	if (get_long(rd, j, "case", 1, GA_RESULTS_MAX_CASES, false, 0,
		     &number) || pending_for(rd, number) ||
	    get_long(rd, j, "steps", 0, GA_RESULTS_MAX_STEPS, false, 0,
		     &nsteps))
		return -1;
	if ((size_t)nsteps != p->n)
		return bad(rd, "case %ld has %ld steps, but %zu step lines "
			   "came before it", number, nsteps, p->n);
	if (member(rd, j, "scenario", GA_JSON_OBJECT, false, &scj))
		return -1;
	if (build_scenario(rd, scj, &c.sc))
		goto fail;
	c.res.steps = p->srs;
	c.res.nsteps = p->n;
	p->srs = NULL;
	if (read_case_fields(rd, j, &c))
		goto fail;
	if (c.res.runs > 1 && c.res.repeat > 1)
		c.sc->repeat = c.res.repeat;
	canon(p->fpf, j, true);
	fclose(p->fpf);
	p->fpf = NULL;
	c.fingerprint = p->fp;
	p->fp = NULL;
	c.apis = p->apis;
	c.napis = p->napis;
	p->apis = NULL;
	p->napis = 0;
	c.file = rd->file;
	c.line = rd->lineno;
	if (rd->n == rd->cap) {
		size_t cap = rd->cap ? rd->cap * 2 : 32;
		struct ga_results_case *grown =
			realloc(rd->cases, cap * sizeof(*grown));

		if (!grown) {
			bad(rd, "out of memory");
			goto fail;
		}
		rd->cases = grown;
		rd->cap = cap;
	}
	rd->counts[c.res.verdict]++;
	rd->cases[rd->n++] = c;
	pending_free(p);
	return 0;
fail:
	/* what went to c.sc and c.res is freed here, the rest with p */
	case_free(&c);
	return -1;
}

static int read_end(struct reader *rd, const struct ga_json *j)
{
	struct ga_run_summary *s = &rd->sum;
	long v[5];

	if (rd->p.number)
		return bad(rd, "the run ends inside case %ld (its \"case\" "
			   "line is missing)", rd->p.number);
	if (get_long(rd, j, "pass", 0, GA_RESULTS_MAX_CASES, false, 0, &v[0]) ||
	    get_long(rd, j, "fail", 0, GA_RESULTS_MAX_CASES, false, 0, &v[1]) ||
	    get_long(rd, j, "skip", 0, GA_RESULTS_MAX_CASES, false, 0, &v[2]) ||
	    get_long(rd, j, "error", 0, GA_RESULTS_MAX_CASES, false, 0,
		     &v[3]) ||
	    get_ms(rd, j, "wall_ms", &s->wall_ms) ||
	    get_long(rd, j, "signo", 0, 127, false, 0, &v[4]))
		return -1;
	s->pass = (size_t)v[0];
	s->fail = (size_t)v[1];
	s->skip = (size_t)v[2];
	s->error = (size_t)v[3];
	s->signo = (int)v[4];
	if (s->pass != rd->counts[GA_VERDICT_PASS] ||
	    s->fail != rd->counts[GA_VERDICT_FAIL] ||
	    s->skip != rd->counts[GA_VERDICT_SKIP] ||
	    s->error != rd->counts[GA_VERDICT_ERROR])
		return bad(rd, "the run's counts (%zu PASS, %zu FAIL, %zu SKIP, "
			   "%zu ERROR) are not those of its cases (%zu, %zu, "
			   "%zu, %zu)", s->pass, s->fail, s->skip, s->error,
			   rd->counts[0], rd->counts[1], rd->counts[2],
			   rd->counts[3]);
	if (!s->signo && rd->announced >= 0 && (long)rd->n != rd->announced)
		return bad(rd, "the run announced %ld cases and has %zu",
			   rd->announced, rd->n);
	rd->ended = true;
	return 0;
}

/* The run's --shard K/N ("--shard" "K/N" or "--shard=K/N") from its
 * argv, so that a merge can tell that a shard is missing. */
static int read_shard(struct reader *rd, const struct ga_json *argv)
{
	struct ga_error err;
	const char *v = NULL;
	size_t i;

	for (i = 0; i < argv->nitems; i++) {
		const struct ga_json *a = &argv->items[i];

		if (a->type != GA_JSON_STRING)
			continue;
		if (strcmp(a->str, "--") == 0)
			break;
		if (strncmp(a->str, "--shard=", 8) == 0)
			v = a->str + 8;
		else if (strcmp(a->str, "--shard") == 0 &&
			 i + 1 < argv->nitems &&
			 argv->items[i + 1].type == GA_JSON_STRING)
			v = argv->items[++i].str;
	}
	if (v && ga_shard_parse(v, &rd->shard.k, &rd->shard.n, &err))
		return bad(rd, "the run's --shard: %s", err.msg);
	return 0;
}

/* str appended to buf[len] (holding *used bytes); false, buf as it
 * was, when it does not fit. */
static bool append(char *buf, size_t len, size_t *used, const char *str)
{
	size_t n = strlen(str);

	if (*used + n >= len)
		return false;
	memcpy(buf + *used, str, n + 1);
	*used += n;
	return true;
}

/* word appended to buf[len] as a shell reads it: as it is when it has
 * no character a shell treats specially, else in single quotes.  Cut,
 * never overrun, when buf is full. */
static void shell_word(char *buf, size_t len, size_t *used, const char *word)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+,-";
	bool quote = !word[0] || word[strspn(word, plain)] != '\0';
	const char *p;
	char one[2] = { 0, 0 };

	if ((*used && !append(buf, len, used, " ")) ||
	    (quote && !append(buf, len, used, "'")))
		return;
	for (p = word; *p; p++) {
		one[0] = *p;
		if (!append(buf, len, used, *p == '\'' ? "'\\''" : one))
			return;
	}
	if (quote)
		append(buf, len, used, "'");
}

/* What the run line says of the run, for the tables made of it: every
 * member optional here (read_run checks the ones a file must have). */
static void read_run_info(struct reader *rd, const struct ga_json *j,
			  const struct ga_json *argv)
{
	const struct ga_json *host = ga_json_get(j, "host");
	size_t used = 0, i;

	cut_copy(rd->run.date, sizeof(rd->run.date),
		 ga_json_str(j, "date", ""));
	cut_copy(rd->run.goneaway, sizeof(rd->run.goneaway),
		 ga_json_str(j, "goneaway", ""));
	if (host && host->type == GA_JSON_OBJECT) {
		cut_copy(rd->run.kernel, sizeof(rd->run.kernel),
			 ga_json_str(host, "kernel", ""));
		cut_copy(rd->run.machine, sizeof(rd->run.machine),
			 ga_json_str(host, "machine", ""));
	}
	rd->run.command[0] = '\0';
	if (!argv)
		return;
	shell_word(rd->run.command, sizeof(rd->run.command), &used,
		   "goneaway");
	for (i = 0; i < argv->nitems; i++)
		if (argv->items[i].type == GA_JSON_STRING)
			shell_word(rd->run.command, sizeof(rd->run.command),
				   &used, argv->items[i].str);
}

static int read_run(struct reader *rd, const struct ga_json *j)
{
	const struct ga_json *m = ga_json_get(j, "schema");
	const char *type = ga_json_str(j, "type", "");
	const char *s;

	if (strcmp(type, "run") != 0)
		return bad(rd, "not a goneaway results file: the first line "
			   "is not a \"run\" object");
	if (!m || m->type != GA_JSON_NUMBER)
		return bad(rd, "the run has no \"schema\" number");
	if (m->num != GA_RESULTS_SCHEMA)
		return bad(rd, "schema %.10g, and this goneaway reads schema "
			   "%d only (docs/results-jsonl.md): report with the "
			   "goneaway that ran it", m->num, GA_RESULTS_SCHEMA);
	if (get_str(rd, j, "goneaway", false, &s) ||
	    member(rd, j, "argv", GA_JSON_ARRAY, false, &m) ||
	    get_long(rd, j, "cases", 0, GA_RESULTS_MAX_CASES, false, 0,
		     &rd->announced))
		return -1;
	read_run_info(rd, j, m);
	return m ? read_shard(rd, m) : 0;
}

/* A line parsed: a JSON object (free it with ga_json_free) and its
 * "type" ("" for none) in *type, or NULL with the error set. */
static struct ga_json *parse_object(struct reader *rd, const char *text,
				    size_t len, const char **type)
{
	struct ga_error jerr;
	struct ga_json *j = ga_json_parse(text, len, &jerr);

	if (!j) {
		bad(rd, "not JSON: %s", jerr.msg);
		return NULL;
	}
	if (j->type != GA_JSON_OBJECT) {
		ga_json_free(j);
		bad(rd, "not a JSON object");
		return NULL;
	}
	*type = ga_json_str(j, "type", "");
	return j;
}

/* One line, parsed: dispatched by its type. */
static int read_object(struct reader *rd, const char *text, size_t len)
{
	const char *type;
	struct ga_json *j = parse_object(rd, text, len, &type);
	int rc;

	if (!j)
		return -1;
	/* a step's or a case's line is kept as the case's fingerprint */
	if ((strcmp(type, "step") == 0 || strcmp(type, "case") == 0) &&
	    hold(rd, len)) {
		ga_json_free(j);
		return -1;
	}
	if (rd->lineno == 1)
		rc = read_run(rd, j);
	else if (rd->ended)
		rc = bad(rd, "a line after the run's \"end\" line");
	else if (strcmp(type, "step") == 0)
		rc = read_step(rd, j);
	else if (strcmp(type, "case") == 0)
		rc = read_case(rd, j);
	else if (strcmp(type, "end") == 0)
		rc = read_end(rd, j);
	else
		rc = bad(rd, "\"type\" is \"%.40s\", not step, case or end (a "
			 "newer schema?)", type);
	if (rc == 0 && (strcmp(type, "step") == 0) && rd->p.fpf) {
		canon(rd->p.fpf, j, true);
		fputc('\n', rd->p.fpf);
	}
	ga_json_free(j);
	return rc;
}

static int read_file(struct reader *rd)
{
	size_t len = 0;
	int rc;

	while ((rc = read_line(rd, &len)) == 1)
		if (read_object(rd, rd->buf, len))
			return -1;
	if (rc < 0)
		return -1;
	if (rd->lineno == 1)
		return ga_error_set(rd->err, "%s: empty: not a goneaway results "
				    "file", rd->file);
	if (!rd->ended)
		return ga_error_set(rd->err, "%s:%ld: the file ends without the "
				    "run's \"end\" line: the run did not finish "
				    "(killed?) or the file was cut short",
				    rd->file, rd->lineno - 1);
	return 0;
}

/* path, or path/results.jsonl for a directory, opened for reading: a
 * regular file. */
static FILE *open_results(const char *path, char *file, size_t len,
			  struct ga_error *err)
{
	struct stat st;
	FILE *f;
	int fd, n;

	if (stat(path, &st) != 0) {
		ga_error_errno(err, errno, "%s", path);
		return NULL;
	}
	n = S_ISDIR(st.st_mode) ?
	    snprintf(file, len, "%s%s" GA_RESULTS_FILE, path,
		     path[strlen(path) - 1] == '/' ? "" : "/") :
	    snprintf(file, len, "%s", path);
	if (n < 0 || (size_t)n >= len) {
		ga_error_set(err, "%s: the path is too long", path);
		return NULL;
	}
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT && S_ISDIR(st.st_mode)) {
		ga_error_set(err, "%s: no " GA_RESULTS_FILE " in it: not the "
			     "results directory of a run (-o)", path);
		return NULL;
	}
	if (fd < 0) {
		ga_error_errno(err, errno, "%s", file);
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		ga_error_set(err, "%s: not a regular file", file);
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		ga_error_errno(err, errno, "%s", file);
		close(fd);
	}
	return f;
}

int ga_results_read(struct ga_results *r, const char *path,
		    struct ga_error *err)
{
	struct reader rd;
	char file[PATH_MAX], *slash, **files;
	struct ga_results_shard *shards;
	struct ga_results_run *runs;
	struct ga_results_case *grown;
	size_t i;
	int rc = -1;

	memset(&rd, 0, sizeof(rd));
	rd.err = err;
	rd.announced = -1;
	rd.held = r->held;
	files = realloc(r->files, (r->nfiles + 1) * sizeof(*files));
	if (!files)
		return ga_error_set(err, "out of memory");
	r->files = files;
	shards = realloc(r->shards, (r->nfiles + 1) * sizeof(*shards));
	if (!shards)
		return ga_error_set(err, "out of memory");
	r->shards = shards;
	runs = realloc(r->runs, (r->nfiles + 1) * sizeof(*runs));
	if (!runs)
		return ga_error_set(err, "out of memory");
	r->runs = runs;
	rd.f = open_results(path, file, sizeof(file), err);
	if (!rd.f)
		return -1;
	r->files[r->nfiles] = strdup(file);
	if (!r->files[r->nfiles]) {
		ga_error_set(err, "out of memory");
		goto out;
	}
	r->shards[r->nfiles].k = r->shards[r->nfiles].n = 0;
	memset(&r->runs[r->nfiles], 0, sizeof(r->runs[0]));
	rd.file = r->files[r->nfiles++];
	rd.buf = malloc(GA_RESULTS_LINE_MAX + 1);
	if (!rd.buf) {
		ga_error_set(err, "out of memory");
		goto out;
	}
	snprintf(rd.base, sizeof(rd.base), "%s", file);
	slash = strrchr(rd.base, '/');
	if (slash && slash != rd.base)
		*slash = '\0';
	else
		snprintf(rd.base, sizeof(rd.base), "%s", slash ? "/" : ".");
	if (read_file(&rd))
		goto out;
	grown = realloc(r->cases, (r->n + rd.n + 1) * sizeof(*grown));
	if (!grown) {
		ga_error_set(err, "out of memory");
		goto out;
	}
	r->cases = grown;
	r->shards[r->nfiles - 1] = rd.shard;
	r->runs[r->nfiles - 1] = rd.run;
	for (i = 0; i < rd.n; i++)
		rd.cases[i].order = r->n + i;
	memcpy(r->cases + r->n, rd.cases, rd.n * sizeof(*grown));
	r->n += rd.n;
	rd.n = 0;
	r->held = rd.held;
	r->sum.pass += rd.sum.pass;
	r->sum.fail += rd.sum.fail;
	r->sum.skip += rd.sum.skip;
	r->sum.error += rd.sum.error;
	r->sum.wall_ms += rd.sum.wall_ms;
	if (!r->sum.signo)
		r->sum.signo = rd.sum.signo;
	rc = 0;
out:
	for (i = 0; i < rd.n; i++)
		case_free(&rd.cases[i]);
	free(rd.cases);
	pending_free(&rd.p);
	free(rd.buf);
	fclose(rd.f);
	return rc;
}

/* ---- merging ------------------------------------------------------------ */

/* Labels in the order of their files' names ("x-tls.gw" before
 * "x.gw"), the order a run takes a directory's scenarios in: each
 * compared as if ".gw" followed it. */
static int label_cmp(const char *a, const char *b)
{
	static const char gw[] = ".gw";
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char ca, cb;

	for (i = 0; i < la + 3 || i < lb + 3; i++) {
		ca = i < la ? (unsigned char)a[i] :
		     i < la + 3 ? (unsigned char)gw[i - la] : 0;
		cb = i < lb ? (unsigned char)b[i] :
		     i < lb + 3 ? (unsigned char)gw[i - lb] : 0;
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return 0;
}

static int case_cmp(const void *a, const void *b)
{
	const struct ga_results_case *x = a, *y = b;
	int c = label_cmp(x->sc->label, y->sc->label);

	if (!c)
		c = strcmp(x->res.server, y->res.server);
	if (!c)
		c = strcmp(x->res.client, y->res.client);
	if (!c)
		c = strcmp(x->res.proxy, y->res.proxy);
	return c;
}

/* The order of reading breaks ties: a stable sort. */
static int case_cmp_stable(const void *a, const void *b)
{
	const struct ga_results_case *x = a, *y = b;
	int c = case_cmp(a, b);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

int ga_results_sort(struct ga_results *r, struct ga_error *err)
{
	size_t i, kept = 0;

	if (r->n > 1)
		qsort(r->cases, r->n, sizeof(*r->cases), case_cmp_stable);
	for (i = 0; i < r->n; i++) {
		struct ga_results_case *c = &r->cases[i];

		if (kept && case_cmp(&r->cases[kept - 1], c) == 0) {
			struct ga_results_case *k = &r->cases[kept - 1];

			if (strcmp(k->fingerprint, c->fingerprint) != 0)
				return ga_error_set(err, "%s on %s with %s%s%s is "
					"in %s:%ld and in %s:%ld, and they "
					"differ: give each case to one run only",
					c->sc->label, c->res.server,
					c->res.client, c->res.proxy[0] ?
					" behind " : "", c->res.proxy, k->file,
					k->line, c->file, c->line);
			case_free(c);
			continue;
		}
		if (kept != i) {
			r->cases[kept] = *c;
			memset(c, 0, sizeof(*c));
		}
		kept++;
	}
	r->n = kept;
	return 0;
}

void ga_results_free(struct ga_results *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		case_free(&r->cases[i]);
	free(r->cases);
	for (i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->files);
	free(r->shards);
	free(r->runs);
	memset(r, 0, sizeof(*r));
}

void ga_results_run_line(const struct ga_results_run *run, char *buf,
			 size_t len)
{
	snprintf(buf, len, "Measured %s%s%s%s%s%s%s%s%s%s%s",
		 run->date[0] ? run->date : "at an unknown date",
		 run->goneaway[0] ? " by goneaway " : "", run->goneaway,
		 run->kernel[0] ? " on Linux " : "", run->kernel,
		 run->machine[0] ? (run->kernel[0] ? " (" : " on ") : "",
		 run->machine,
		 run->machine[0] && run->kernel[0] ? ")" : "",
		 run->command[0] ? ": " : "", run->command,
		 run->command[0] ? "" : ".");
}

/* ---- one case between goneaway's processes ------------------------------ */

/* What ga_results_write_whole() adds to step i's line: which of sc's
 * expect lines applied, and each outcome's longest time. */
static int read_whole_step(struct reader *rd, const struct ga_json *j,
			   const struct ga_scenario *sc,
			   const struct ga_expect *implicit)
{
	struct ga_step_result *sr = &rd->p.srs[rd->p.n - 1];
	const struct ga_step *st;
	const struct ga_json *spread = ga_json_get(j, "spread");
	long k;
	size_t t;

	if (rd->p.n > sc->nsteps)
		return bad(rd, "a result that is not one of the scenario's: "
			   "step %zu of %zu", rd->p.n, sc->nsteps);
	st = &sc->steps[rd->p.n - 1];
	if (rd->p.steps[rd->p.n - 1].line != st->line ||
	    rd->p.steps[rd->p.n - 1].kind != st->kind)
		return bad(rd, "step %zu of the result is not the scenario's "
			   "(line %d, %s)", rd->p.n, st->line,
			   ga_step_kind_name(st->kind));
	if (get_long(rd, j, "expect_index", -3, LONG_MAX / 2, false, 0, &k))
		return -1;
	if (k < -2 || k >= (long)st->nexpects)
		return bad(rd, "step %zu of the result: its expect line is not "
			   "one of the scenario's", rd->p.n);
	sr->expect = k >= 0 ? &st->expects[k] : k == -1 ? implicit : NULL;
	for (t = 0; t < sr->ntally; t++) {
		const struct ga_json *it = &spread->items[t];
		struct ga_tally *ty = &sr->tally[t];
		long th;

		if (get_ms(rd, it, "max_ms", &ty->max_ms) ||
		    get_bool(rd, it, "ok_varied", &ty->ok_varied) ||
		    get_bool(rd, it, "has_value", &ty->has_value) ||
		    get_bool(rd, it, "value_null", &ty->value_null) ||
		    get_buf(rd, it, "value", ty->value, sizeof(ty->value),
			    false) ||
		    get_long(rd, it, "thread", GA_THREAD_ANY, GA_THREAD_SAME,
			     false, 0, &th))
			return -1;
		ty->thread = (enum ga_thread_check)th;
	}
	return 0;
}

/* What ga_results_write_whole() adds to the case's line. */
static int read_whole_case(struct reader *rd, const struct ga_json *j,
			   struct ga_case_result *res)
{
	const struct ga_json *a;
	const char *key;
	size_t i;

	if (get_long(rd, j, "first_bad", 0, INT_MAX, false, 0,
		     &res->first_bad) ||
	    get_bool(rd, j, "first_bad_interrupted",
		     &res->first_bad_interrupted) ||
	    member(rd, j, "run_verdicts", GA_JSON_ARRAY, false, &a) ||
	    get_buf(rd, j, "bad_runs", res->bad_runs, sizeof(res->bad_runs),
		    true) ||
	    get_str(rd, j, "kept_key", false, &key) ||
	    get_long(rd, j, "kept_drivers", 0, INT_MAX, false, 0,
		     &res->kept_drivers))
		return -1;
	if (a->nitems != GA_VERDICT_ERROR + 1)
		return bad(rd, "\"run_verdicts\" holds %zu counts, not %d",
			   a->nitems, GA_VERDICT_ERROR + 1);
	for (i = 0; i < a->nitems; i++) {
		if (a->items[i].type != GA_JSON_NUMBER ||
		    a->items[i].num < 0 || a->items[i].num > INT_MAX ||
		    a->items[i].num != floor(a->items[i].num))
			return bad(rd, "\"run_verdicts\" holds something that "
				   "is not a count");
		res->run_verdicts[i] = (long)a->items[i].num;
	}
	if (strlen(key) != 16 || key[strspn(key, "0123456789abcdef")])
		return bad(rd, "\"kept_key\" is not 16 hexadecimal digits");
	res->kept_key = strtoull(key, NULL, 16);
	return 0;
}

/* One line of a whole case: a step's, or the case's (then *done). */
static int read_whole_line(struct reader *rd, const char *text, size_t len,
			   const struct ga_scenario *sc,
			   const struct ga_expect *implicit, bool *done)
{
	const char *type;
	struct ga_json *j = parse_object(rd, text, len, &type);
	int rc;

	if (!j)
		return -1;
	if (strcmp(type, "step") == 0) {
		rc = read_step(rd, j);
		if (rc == 0)
			rc = read_whole_step(rd, j, sc, implicit);
	} else if (strcmp(type, "case") == 0) {
		rc = read_case(rd, j);
		if (rc == 0)
			rc = read_whole_case(rd, j, &rd->cases[0].res);
		*done = true;
	} else {
		rc = bad(rd, "not a step's or a case's line");
	}
	ga_json_free(j);
	return rc;
}

int ga_results_read_whole(const char *text, size_t len, const char *from,
			  const struct ga_scenario *sc,
			  const struct ga_expect *implicit,
			  const char *(*intern)(void *ctx, const char *api),
			  void *ctx, struct ga_case_result *res,
			  struct ga_error *err)
{
	struct reader rd;
	const char *end, *line = text;
	bool done = false;
	size_t i;
	int rc = -1;

	memset(&rd, 0, sizeof(rd));
	memset(res, 0, sizeof(*res));
	rd.err = err;
	rd.file = from;
	snprintf(rd.base, sizeof(rd.base), ".");
	while (!done && line < text + len) {
		end = memchr(line, '\n', (size_t)(text + len - line));
		rd.lineno++;
		if (!end) {
			bad(&rd, "the line is cut short (no newline at its end)");
			goto out;
		}
		if ((size_t)(end - line) > GA_RESULTS_LINE_MAX) {
			bad(&rd, "the line is longer than %d bytes",
			    GA_RESULTS_LINE_MAX);
			goto out;
		}
		if (read_whole_line(&rd, line, (size_t)(end - line), sc,
				    implicit, &done))
			goto out;
		line = end + 1;
	}
	if (!done || line != text + len) {
		bad(&rd, done ? "a line after the case's" : "no case line");
		goto out;
	}
	if (rd.cases[0].res.nsteps != sc->nsteps) {
		bad(&rd, "a result that is not one of the scenario's: %zu "
		    "steps for %zu", rd.cases[0].res.nsteps, sc->nsteps);
		goto out;
	}
	*res = rd.cases[0].res;
	memset(&rd.cases[0].res, 0, sizeof(rd.cases[0].res));
	/* the call names, kept by the caller's intern (the file reader's
	 * copies go with the case) */
	for (i = 0; i < res->nsteps; i++)
		res->steps[i].out.api = res->steps[i].out.api && intern ?
			intern(ctx, res->steps[i].out.api) : NULL;
	rc = 0;
out:
	for (i = 0; i < rd.n; i++)
		case_free(&rd.cases[i]);
	free(rd.cases);
	pending_free(&rd.p);
	return rc;
}
