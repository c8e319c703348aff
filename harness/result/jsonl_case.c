/* jsonl_case.c - a case's line of results.jsonl: result.h's GA_CASE_ROWS
 * made into rows (jsonl_rows.h), with the members that are more than
 * one field of struct ga_case_result read and written by their own
 * functions.  Reading, messages name the member (jsonl_read.c adds the
 * file and line). */
#include "result/jsonl_reader.h"

#include <stdlib.h>
#include <string.h>

#define RES(bases) ((struct ga_case_result *)(bases)[GA_JSONL_BASE_res])
#define RD(ctx) ((struct reader *)((struct ga_jsonl_ctx *)(ctx))->reader)
#define CTX(c) ((const struct ga_jsonl_ctx *)(c))

GA_CASE_ROWS(GA_JSONL_NO_FIELD, GA_JSONL_CUSTOM_DECL, GA_JSONL_NO_OBJECT)
GA_JSONL_STATIC_TABLE(server, GA_CASE_SERVER_ROWS(GA_JSONL_ROW))
GA_JSONL_STATIC_TABLE(client, GA_CASE_CLIENT_ROWS(GA_JSONL_ROW))

/* ---- read ---------------------------------------------------------------- */

/* a word, or null for none */
static int skip_read(const struct ga_jrow *row, const struct ga_json *j,
		       void *const *bases, void *ctx, struct ga_error *err)
{
	const struct ga_jrow word = {
		.key = row->key, .kind = GA_JROW_WORD,
		.find = ga_jsonl_skip_find,
	};
	const struct ga_json *m = ga_json_get(j, row->key);
	int w = GA_SKIP_NONE;

	(void)ctx;
	if ((!m || m->type != GA_JSON_NULL) &&
	    ga_jrow_read_value(&word, m, &w, err))
		return -1;
	RES(bases)->skip = (enum ga_skip_kind)w;
	return 0;
}

/* relative to the results file's directory */
static int evidence_read(const struct ga_jrow *row, const struct ga_json *j,
			   void *const *bases, void *ctx, struct ga_error *err)
{
	struct ga_case_result *res = RES(bases);
	const char *base = RD(ctx)->base, *ev;
	int n;

	if (ga_jrow_get_str(j, row->key, true, &ev, err))
		return -1;
	if (!ev || !*ev)
		return 0;
	n = strcmp(base, ".") == 0 ?
	    snprintf(res->results, sizeof(res->results), "%s", ev) :
	    snprintf(res->results, sizeof(res->results), "%s/%s", base, ev);
	if (n < 0 || (size_t)n >= sizeof(res->results))
		return ga_error_set(err, "\"%s\" is too long a path", row->key);
	return 0;
}

static int run_verdicts_read(const struct ga_jrow *row,
			       const struct ga_json *j, void *const *bases,
			       void *ctx, struct ga_error *err)
{
	const struct ga_jrow count = {
		.key = row->key, .kind = GA_JROW_LONG, .max = INT_MAX,
	};
	struct ga_case_result *res = RES(bases);
	const struct ga_json *a;
	size_t i;

	(void)ctx;
	if (ga_jrow_member(j, row->key, GA_JSON_ARRAY, false, &a, err))
		return -1;
	if (a->nitems != GA_VERDICT_ERROR + 1)
		return ga_error_set(err, "\"%s\" holds %zu counts, not %d",
				    row->key, a->nitems, GA_VERDICT_ERROR + 1);
	for (i = 0; i < a->nitems; i++)
		if (ga_jrow_read_value(&count, &a->items[i],
				       &res->run_verdicts[i], err))
			return ga_error_set(err, "\"%s\" holds something "
					    "that is not a count", row->key);
	return 0;
}

static int kept_key_read(const struct ga_jrow *row, const struct ga_json *j,
			   void *const *bases, void *ctx, struct ga_error *err)
{
	const char *key;

	(void)ctx;
	if (ga_jrow_get_str(j, row->key, false, &key, err))
		return -1;
	if (strlen(key) != 16 || key[strspn(key, "0123456789abcdef")])
		return ga_error_set(err, "\"%s\" is not 16 hexadecimal digits",
				    row->key);
	RES(bases)->kept_key = strtoull(key, NULL, 16);
	return 0;
}

/* ---- written ------------------------------------------------------------- */

/* null but for a SKIP (and, between goneaway's processes, any kind) */
static void skip_write(FILE *f, const struct ga_jrow *row,
			 void *const *bases, void *ctx)
{
	const struct ga_case_result *res = RES(bases);

	ga_jrow_write_str_or_null(f, row->key, res->verdict == GA_VERDICT_SKIP ||
		     (CTX(ctx)->whole && res->skip != GA_SKIP_NONE) ?
		     ga_skip_kind_name(res->skip) : NULL);
}

/* relative to the results directory, or the caller's evidence_as */
static void evidence_write(FILE *f, const struct ga_jrow *row,
			     void *const *bases, void *ctx)
{
	const char *dir = CTX(ctx)->dir, *results = RES(bases)->results;
	size_t n = dir ? strlen(dir) : 0;

	if (CTX(ctx)->evidence_as) {
		ga_jrow_write_str(f, row->key, CTX(ctx)->evidence_as);
		return;
	}
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (results[0] && n && strncmp(results, dir, n) == 0 &&
	    results[n] == '/')
		for (results += n; *results == '/'; results++)
			;
	ga_jrow_write_str_or_null(f, row->key, results);
}

static void run_verdicts_write(FILE *f, const struct ga_jrow *row,
				 void *const *bases, void *ctx)
{
	const long *v = RES(bases)->run_verdicts;

	fprintf(f, ",\"%s\":[%ld,%ld,%ld,%ld]", row->key, v[0], v[1], v[2],
		v[3]);
	(void)ctx;
}

/* a key of 64 bits: more than a JSON number holds exactly */
static void kept_key_write(FILE *f, const struct ga_jrow *row,
			     void *const *bases, void *ctx)
{
	fprintf(f, ",\"%s\":\"%016llx\"", row->key,
		(unsigned long long)RES(bases)->kept_key);
	(void)ctx;
}

GA_JSONL_TABLE(case, GA_CASE_ROWS(GA_JSONL_ROW, GA_JSONL_CUSTOM,
				   GA_JSONL_OBJECT))
