/* jsonl_step.c - a step's line of results.jsonl: result.h's GA_STEP_ROWS
 * and GA_TALLY_ROWS made into rows (jsonl_rows.h), with the members
 * that are more than one field of a struct read and written by their
 * own functions.  Reading, messages name the member (jsonl_read.c adds
 * the file and line). */
#include "result/jsonl_reader.h"

#include <stdlib.h>
#include <string.h>

#include "lang/errnames.h"
#include "lang/expect_describe.h"

#define STEP_TEXT_MAX 4096      /* bytes of a step's text in its line */

#define OUT(bases) ((struct ga_outcome *)(bases)[GA_JSONL_BASE_out])
#define SR(bases) ((struct ga_step_result *)(bases)[GA_JSONL_BASE_sr])
#define STEP(bases) ((struct ga_step *)(bases)[GA_JSONL_BASE_step])
#define RD(ctx) ((struct reader *)((struct ga_jsonl_ctx *)(ctx))->reader)
#define CTX(c) ((const struct ga_jsonl_ctx *)(c))

GA_STEP_ROWS(GA_JSONL_NO_FIELD, GA_JSONL_CUSTOM_DECL)
GA_TALLY_ROWS(GA_JSONL_NO_FIELD, GA_JSONL_CUSTOM_DECL)
GA_JSONL_STATIC_TABLE(tally, GA_TALLY_ROWS(GA_JSONL_ROW, GA_JSONL_CUSTOM))

int ga_jsonl_hold(struct reader *rd, size_t bytes, struct ga_error *err)
{
	if (bytes > GA_RESULTS_MEM_MAX - rd->held)
		return ga_error_set(err, "the results read would hold more "
				    "than %zu MiB in memory (GA_RESULTS_MEM_MAX, "
				    "goneaway's cap on them): not goneaway's, or "
				    "report fewer at once",
				    GA_RESULTS_MEM_MAX >> 20);
	rd->held += bytes;
	return 0;
}

/* ---- read ---------------------------------------------------------------- */

/* pool_events ("discarded+opened", "none") into *has and *events, and
 * pool_detail into detail[size]; both optional
 * (results written before pools have neither) and nullable. */
static int pool_events(const struct ga_json *j, bool *has, unsigned *events,
		       char *detail, size_t size, struct ga_error *err)
{
	const char *str, *w, *end;
	int idx;

	if (!ga_json_get(j, "pool_events"))
		return 0;
	if (ga_jrow_get_str(j, "pool_events", true, &str, err))
		return -1;
	if (!str)
		return 0;
	*has = true;
	*events = 0;
	for (w = str; strcmp(str, "none") != 0; w = end + 1) {
		end = strchr(w, '+');
		if (!end)
			end = w + strlen(w);
		idx = ga_pool_event_find(w, (size_t)(end - w));
		if (idx < 0)
			return ga_error_set(err, "pool_events is not a set of "
					    "pool events");
		*events |= 1u << idx;
		if (!*end)
			break;
	}
	if (!ga_json_get(j, "pool_detail"))
		return 0;
	if (ga_jrow_get_str(j, "pool_detail", true, &str, err))
		return -1;
	if (str)
		ga_jrow_cut_copy(detail, size, str);
	return 0;
}

/* a step's scenario and text: written for the reader of the file, not
 * read back (the case's line names the scenario) */
static int scenario_read(const struct ga_jrow *row, const struct ga_json *j,
			   void *const *bases, void *ctx, struct ga_error *err)
{
	(void)row, (void)j, (void)bases, (void)ctx, (void)err;
	return 0;
}

static int text_read(const struct ga_jrow *row, const struct ga_json *j,
		       void *const *bases, void *ctx, struct ga_error *err)
{
	return scenario_read(row, j, bases, ctx, err);
}

/* a connection's name, or null: the case's line says which */
static int connection_read(const struct ga_jrow *row,
			     const struct ga_json *j, void *const *bases,
			     void *ctx, struct ga_error *err)
{
	struct pending *p = &RD(ctx)->p;
	const char *conn;

	(void)bases;
	if (ga_jrow_get_str(j, row->key, true, &conn, err))
		return -1;
	if (conn && (!*conn || strlen(conn) >= GA_NAME_MAX))
		return ga_error_set(err, "\"%s\" is not a connection's name",
				    row->key);
	if (conn)
		snprintf(p->conns[p->n - 1], GA_NAME_MAX, "%s", conn);
	return 0;
}

/* why a step that did not run in a partly skipped case was skipped, or
 * null; optional (files written before it was), never with "ran" */
static int skipped_read(const struct ga_jrow *row, const struct ga_json *j,
			  void *const *bases, void *ctx, struct ga_error *err)
{
	const struct ga_json *m = ga_json_get(j, row->key);
	struct ga_step_result *sr = SR(bases);

	(void)ctx;
	sr->skipped[0] = '\0';
	if (!m || m->type == GA_JSON_NULL)
		return 0;
	if (m->type != GA_JSON_STRING || !m->str[0] || sr->ran)
		return ga_error_set(err, "\"%s\" is not why a step that did "
				    "not run was skipped", row->key);
	ga_jrow_cut_copy(sr->skipped, sizeof(sr->skipped), m->str);
	return 0;
}

/* the call's name, kept with the case (results.h's apis) */
static int api_read(const struct ga_jrow *row, const struct ga_json *j,
		      void *const *bases, void *ctx, struct ga_error *err)
{
	struct reader *rd = RD(ctx);
	struct pending *p = &rd->p;
	const char *api;
	char **grown;

	if (ga_jrow_get_str(j, row->key, true, &api, err))
		return -1;
	if (!api)
		return 0;
	grown = realloc(p->apis, (p->napis + 1) * sizeof(*grown));
	if (!grown)
		return ga_error_set(err, "out of memory");
	p->apis = grown;
	if (ga_jsonl_hold(rd, strnlen(api, 128) + 1, err))
		return -1;
	p->apis[p->napis] = strndup(api, 128);
	if (!p->apis[p->napis])
		return ga_error_set(err, "out of memory");
	OUT(bases)->api = p->apis[p->napis++];
	return 0;
}

static int errname_read(const struct ga_jrow *row, const struct ga_json *j,
			  void *const *bases, void *ctx, struct ga_error *err)
{
	(void)bases, (void)ctx;
	return ga_jrow_get_str(j, row->key, true, NULL, err);
}

/* a failed fetch's rows: optional (results written before it) and
 * nullable */
static int rows_read(const struct ga_jrow *row, const struct ga_json *j,
		       void *const *bases, void *ctx, struct ga_error *err)
{
	struct ga_outcome *o = OUT(bases);
	long v;

	(void)ctx;
	if (!ga_json_get(j, row->key))
		return 0;
	if (ga_jrow_get_long(j, row->key, 0, 1L << 53, true, -1, &v, err))
		return -1;
	o->has_rows = v >= 0;
	o->rows = o->has_rows ? v : 0;
	return 0;
}

static int pool_events_read(const struct ga_jrow *row,
			      const struct ga_json *j, void *const *bases,
			      void *ctx, struct ga_error *err)
{
	struct ga_outcome *o = OUT(bases);

	(void)row, (void)ctx;
	return pool_events(j, &o->has_pool_events, &o->pool_events,
			   o->pool_detail, sizeof(o->pool_detail), err);
}

/* the first column of the first row, or null */
static int value_read(const struct ga_jrow *row, const struct ga_json *j,
			void *const *bases, void *ctx, struct ga_error *err)
{
	struct ga_outcome *o = OUT(bases);
	const char *str;

	(void)ctx;
	if (ga_jrow_get_str(j, row->key, true, &str, err))
		return -1;
	if (str)
		ga_jrow_cut_copy(o->value, sizeof(o->value), str);
	return 0;
}

/* "start_before" and "start_after", the server starts its thread ids
 * belong to: optional (files from before they were written lack them),
 * and one that is missing is the other's: the same start. */
static int starts_read(const struct ga_jrow *row, const struct ga_json *j,
			 void *const *bases, void *ctx, struct ga_error *err)
{
	struct ga_outcome *o = OUT(bases);
	bool has_before = ga_json_get(j, "start_before") != NULL;
	bool has_after = ga_json_get(j, "start_after") != NULL;
	long before = 0, after = 0;

	(void)row, (void)ctx;
	if ((has_before && ga_jrow_get_long(j, "start_before", 0, UINT_MAX, false, 0,
				    &before, err)) ||
	    (has_after && ga_jrow_get_long(j, "start_after", 0, UINT_MAX, false, 0,
				   &after, err)))
		return -1;
	o->start_before = (unsigned)(has_before ? before : after);
	o->start_after = (unsigned)(has_after ? after : before);
	return 0;
}

/* the expect line, described, and its line: checked, not kept (the
 * file holds no expect lines: results.h) */
static int expected_read(const struct ga_jrow *row, const struct ga_json *j,
			   void *const *bases, void *ctx, struct ga_error *err)
{
	long v;

	(void)bases, (void)ctx;
	return ga_jrow_get_str(j, row->key, true, NULL, err) ||
	       ga_jrow_get_long(j, "expect_line", 0, INT_MAX, true, 0, &v, err) ? -1 : 0;
}

static int spread_read(const struct ga_jrow *row, const struct ga_json *j,
			 void *const *bases, void *ctx, struct ga_error *err)
{
	struct ga_jsonl_ctx *c = ctx;
	struct ga_step_result *sr = SR(bases);
	const struct ga_json *a;
	size_t i;

	if (ga_jrow_member(j, row->key, GA_JSON_ARRAY, false, &a, err))
		return -1;
	if (a->nitems > 64)
		return ga_error_set(err, "\"%s\" has more than 64 outcomes",
				    row->key);
	if (ga_jsonl_hold(RD(ctx), a->nitems * sizeof(*sr->tally), err))
		return -1;
	sr->tally = calloc(a->nitems ? a->nitems : 1, sizeof(*sr->tally));
	if (!sr->tally)
		return ga_error_set(err, "out of memory");
	for (i = 0; i < a->nitems; i++) {
		struct ga_tally *ty = &sr->tally[i];
		void *tb[1] = { ty };

		if (a->items[i].type != GA_JSON_OBJECT)
			return ga_error_set(err, "\"%s\" holds a value that is "
					    "not an object", row->key);
		/* what the ok checks read: unknown but from a worker */
		ty->ok_varied = true;
		if (ga_jrow_read(&a->items[i], tally_rows,
				 sizeof(tally_rows) / sizeof(tally_rows[0]), tb, c->whole, ctx, err))
			return -1;
		sr->ntally++;
	}
	return 0;
}

static int tally_pool_events_read(const struct ga_jrow *row,
				    const struct ga_json *j,
				    void *const *bases, void *ctx,
				    struct ga_error *err)
{
	struct ga_tally *ty = bases[GA_JSONL_BASE_tally];
	char detail[256];       /* checked, not kept */

	(void)row, (void)ctx;
	return pool_events(j, &ty->has_pool_events, &ty->pool_events, detail,
			   sizeof(detail), err);
}

static int log_read(const struct ga_jrow *row, const struct ga_json *j,
		      void *const *bases, void *ctx, struct ga_error *err)
{
	(void)bases, (void)ctx;
	return ga_jrow_get_str(j, row->key, true, NULL, err);
}

/* A whole case's step: sc's step, and which of its expect lines
 * applied (implicit: the "ok" of a step without one). */
static int expect_index_read(const struct ga_jrow *row,
			       const struct ga_json *j, void *const *bases,
			       void *ctx, struct ga_error *err)
{
	struct reader *rd = RD(ctx);
	const struct ga_step *st, *s = bases[GA_JSONL_BASE_step];
	size_t n = rd->p.n;
	long k;

	if (n > rd->sc->nsteps)
		return ga_error_set(err, "a result that is not one of the "
				    "scenario's: step %zu of %zu", n,
				    rd->sc->nsteps);
	st = &rd->sc->steps[n - 1];
	if (s->line != st->line || s->kind != st->kind)
		return ga_error_set(err, "step %zu of the result is not the "
				    "scenario's (line %d, %s)", n, st->line,
				    ga_step_kind_name(st->kind));
	if (ga_jrow_get_long(j, row->key, -3, LONG_MAX / 2, false, 0, &k, err))
		return -1;
	if (k < -2 || k >= (long)st->nexpects)
		return ga_error_set(err, "step %zu of the result: its expect "
				    "line is not one of the scenario's", n);
	SR(bases)->expect = k >= 0 ? &st->expects[k] :
			    k == -1 ? rd->implicit : NULL;
	return 0;
}

/* ---- written ------------------------------------------------------------- */

static void scenario_write(FILE *f, const struct ga_jrow *row,
			     void *const *bases, void *ctx)
{
	ga_jrow_write_str(f, row->key, ga_scenario_label(CTX(ctx)->sc));
	(void)bases;
}

/* the step's SQL or text as written (a %repeat not expanded), cut to
 * STEP_TEXT_MAX bytes at a character; null for none */
static void text_write(FILE *f, const struct ga_jrow *row,
			 void *const *bases, void *ctx)
{
	const struct ga_step *s = STEP(bases);
	size_t n;

	(void)ctx;
	if (!s->text || s->kind == GA_STEP_FAULT) {
		fprintf(f, ",\"%s\":null", row->key);
		return;
	}
	n = strlen(s->text);
	if (n > STEP_TEXT_MAX) {
		n = STEP_TEXT_MAX;
		while (n > 0 && ((unsigned char)s->text[n] & 0xC0) == 0x80)
			n--;
	}
	fprintf(f, ",\"%s\":", row->key);
	ga_json_write_string(f, s->text, n);
}

static void connection_write(FILE *f, const struct ga_jrow *row,
			       void *const *bases, void *ctx)
{
	const struct ga_scenario *sc = CTX(ctx)->sc;
	const struct ga_step *s = STEP(bases);

	ga_jrow_write_str_or_null(f, row->key, s->conn >= 0 &&
		     (size_t)s->conn < sc->nconnections ?
		     sc->connections[s->conn].name : NULL);
}

static void skipped_write(FILE *f, const struct ga_jrow *row,
			    void *const *bases, void *ctx)
{
	ga_jrow_write_str_or_null(f, row->key, SR(bases)->skipped);
	(void)ctx;
}

static void api_write(FILE *f, const struct ga_jrow *row,
			void *const *bases, void *ctx)
{
	ga_jrow_write_str_or_null(f, row->key, OUT(bases)->api);
	(void)ctx;
}

/* the client headers' name of errno for the server's flavour */
static void errname_write(FILE *f, const struct ga_jrow *row,
			    void *const *bases, void *ctx)
{
	const struct ga_outcome *o = OUT(bases);

	ga_jrow_write_str_or_null(f, row->key, o->err ?
		     ga_errname_name_for(o->err, o->flavour) : NULL);
	(void)ctx;
}

/* a failed fetch's rows read, null when unknown */
static void rows_write(FILE *f, const struct ga_jrow *row,
			 void *const *bases, void *ctx)
{
	const struct ga_outcome *o = OUT(bases);

	if (o->has_rows)
		fprintf(f, ",\"%s\":%ld", row->key, o->rows);
	else
		fprintf(f, ",\"%s\":null", row->key);
	(void)ctx;
}

/* a pool's connection: what the pool did ("discarded+opened", "none"),
 * and the driver's words for it; null but on a pool's connection */
static void pool_events_write(FILE *f, const struct ga_jrow *row,
				void *const *bases, void *ctx)
{
	const struct ga_outcome *o = OUT(bases);
	char ev[128];

	(void)ctx;
	if (!o->has_pool_events) {
		fputs(",\"pool_events\":null,\"pool_detail\":null", f);
		return;
	}
	ga_pool_events_text(o->pool_events, ev, sizeof(ev));
	ga_jrow_write_str(f, row->key, ev);
	ga_jrow_write_str(f, "pool_detail", o->pool_detail);
}

static void value_write(FILE *f, const struct ga_jrow *row,
			  void *const *bases, void *ctx)
{
	const struct ga_outcome *o = OUT(bases);

	ga_jrow_write_str_or_null(f, row->key, o->has_value && !o->value_null ? o->value
		     : NULL);
	(void)ctx;
}

static void starts_write(FILE *f, const struct ga_jrow *row,
			   void *const *bases, void *ctx)
{
	const struct ga_outcome *o = OUT(bases);

	fprintf(f, ",\"%s\":%u,\"start_after\":%u", row->key,
		o->start_before, o->start_after);
	(void)ctx;
}

/* the expect line that applied, described, and its line */
static void expected_write(FILE *f, const struct ga_jrow *row,
			     void *const *bases, void *ctx)
{
	const struct ga_step_result *sr = SR(bases);
	char text[1200];

	(void)ctx;
	if (!sr->expect) {
		fputs(",\"expected\":null,\"expect_line\":null", f);
		return;
	}
	ga_expect_describe(sr->expect, text, sizeof(text));
	ga_jrow_write_str(f, row->key, text);
	fprintf(f, ",\"expect_line\":%d", sr->expect->line);
}

static void spread_write(FILE *f, const struct ga_jrow *row,
			   void *const *bases, void *ctx)
{
	const struct ga_step_result *sr = SR(bases);
	size_t t;

	fprintf(f, ",\"%s\":[", row->key);
	for (t = 0; t < sr->ntally; t++) {
		void *tb[1] = { &sr->tally[t] };

		if (t)
			fputc(',', f);
		ga_jrow_write_object(f, tally_rows,
				     sizeof(tally_rows) / sizeof(tally_rows[0]), tb,
				     CTX(ctx)->whole, ctx);
	}
	fputc(']', f);
}

static void tally_pool_events_write(FILE *f, const struct ga_jrow *row,
				      void *const *bases, void *ctx)
{
	const struct ga_tally *ty = bases[GA_JSONL_BASE_tally];
	char ev[128];

	(void)ctx;
	if (ty->has_pool_events)
		ga_jrow_write_str(f, row->key, ga_pool_events_text(ty->pool_events, ev,
						      sizeof(ev)));
}

/* The step's line(s) as steps.log has them, without the last newline;
 * null for a step neither run nor skipped, and between goneaway's
 * processes. */
static void log_write(FILE *f, const struct ga_jrow *row,
			void *const *bases, void *ctx)
{
	const struct ga_jsonl_ctx *c = ctx;
	const struct ga_step_result *sr = SR(bases);
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	if (c->whole || !(sr->ran || sr->skipped[0])) {
		fprintf(f, ",\"%s\":null", row->key);
		return;
	}
	m = open_memstream(&buf, &len);
	if (!m) {
		ga_jrow_write_str(f, row->key, "");
		return;
	}
	ga_step_line_write(m, "", c->sc, c->res, c->i, true);
	fclose(m);
	while (len && buf[len - 1] == '\n')
		len--;
	fprintf(f, ",\"%s\":", row->key);
	ga_json_write_string(f, buf, len);
	free(buf);
}

/* The index of sr's expect line among step s's, -1 for implicit (the
 * "ok" of a step without one), -2 for none, -3 for a line that is none
 * of these (which the reader refuses). */
static void expect_index_write(FILE *f, const struct ga_jrow *row,
				 void *const *bases, void *ctx)
{
	const struct ga_step *s = STEP(bases);
	const struct ga_step_result *sr = SR(bases);
	long k = -3;
	size_t i;

	if (!sr->expect)
		k = -2;
	else if (sr->expect == CTX(ctx)->implicit)
		k = -1;
	for (i = 0; k == -3 && i < s->nexpects; i++)
		if (sr->expect == &s->expects[i])
			k = (long)i;
	fprintf(f, ",\"%s\":%ld", row->key, k);
}

GA_JSONL_TABLE(step, GA_STEP_ROWS(GA_JSONL_ROW, GA_JSONL_CUSTOM))
