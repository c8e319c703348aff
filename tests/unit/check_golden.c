/* check_golden.c - what goneaway makes of the results files in the tree,
 * held byte for byte to tests/golden/ (issue 58: the codec may be
 * rewritten, and nothing a user sees may change).  Every committed
 * results.jsonl (docs/results/ * /results.jsonl) and every file of the
 * results fuzz corpus is
 *
 *   - read by ga_results_read() and sorted, and the structs read dumped
 *     in a canonical text form, every member (NAME.read);
 *   - written back by the writer, the public lines (NAME.written) and
 *     the workers' whole ones, which are then read back by
 *     ga_results_read_whole() and dumped again (NAME.whole).
 *
 * A file the reader refuses has its error as its .read.  The golden
 * files record what the code did when they were made: after a change
 * that is meant to alter them, GA_GOLDEN_WRITE=1 make unit rewrites them
 * (and git diff shows what changed, for the commit to say why). */
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "needs.h"
#include "result/results.h"
#include "suites.h"
#include "util/json.h"
#include "util/sha256.h"

/* s with the tree's own path left out, as a string the dump quotes */
static void dstr(FILE *f, const char *key, const char *s, const char *top)
{
	size_t n = strlen(top);

	if (!s) {
		fprintf(f, "%s=NULL\n", key);
		return;
	}
	if (n && strncmp(s, top, n) == 0 && s[n] == '/')
		s += n + 1;
	fprintf(f, "%s=\"", key);
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == '"' || *s == '\\' ||
		    (unsigned char)*s == 0x7f)
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	fputs("\"\n", f);
}

static void dump_tally(FILE *f, const struct ga_tally *t)
{
	fprintf(f, "   tally result=%d err=%u flavour=%d error_class=\"%s\" "
		"has_pool_events=%d pool_events=%u count=%ld max_ms=%.17g "
		"ok_varied=%d has_value=%d value_null=%d thread=%d\n",
		(int)t->result, t->err, (int)t->flavour, t->error_class,
		t->has_pool_events, t->pool_events, t->count, t->max_ms,
		t->ok_varied, t->has_value, t->value_null, (int)t->thread);
	dstr(f, "    value", t->value, "");
}

static void dump_outcome(FILE *f, const struct ga_outcome *o)
{
	fprintf(f, "   out result=%d err=%u elapsed_ms=%.17g has_value=%d "
		"value_null=%d has_rows=%d rows=%ld thread_before=%lu "
		"thread_after=%lu start_before=%u start_after=%u flavour=%d "
		"has_pool_events=%d pool_events=%u\n", (int)o->result, o->err,
		o->elapsed_ms, o->has_value, o->value_null, o->has_rows,
		o->rows, o->thread_before, o->thread_after, o->start_before,
		o->start_after, (int)o->flavour, o->has_pool_events,
		o->pool_events);
	dstr(f, "    api", o->api, "");
	dstr(f, "    sqlstate", o->sqlstate, "");
	dstr(f, "    message", o->message, "");
	dstr(f, "    error_class", o->error_class, "");
	dstr(f, "    error_name", o->error_name, "");
	dstr(f, "    value", o->value, "");
	dstr(f, "    pool_detail", o->pool_detail, "");
}

static void dump_steps(FILE *f, const struct ga_case_result *res)
{
	size_t i, t;

	for (i = 0; i < res->nsteps; i++) {
		const struct ga_step_result *sr = &res->steps[i];

		fprintf(f, "  step %zu ran=%d matched=%d expect=%s "
			"ntally=%zu\n", i, sr->ran, sr->matched,
			sr->expect ? "set" : "NULL", sr->ntally);
		dstr(f, "   skipped", sr->skipped, "");
		dump_outcome(f, &sr->out);
		for (t = 0; t < sr->ntally; t++)
			dump_tally(f, &sr->tally[t]);
	}
}

static void dump_result(FILE *f, const struct ga_case_result *r,
			const char *top)
{
	fprintf(f, " result verdict=%d skip=%d line=%d nsteps=%zu signo=%d "
		"wall_ms=%.17g setup_ms=%.17g start_wait_ms=%.17g "
		"steps_ms=%.17g teardown_ms=%.17g waits_ms=%.17g runs=%ld "
		"repeat=%ld first_bad=%ld first_bad_interrupted=%d "
		"run_verdicts=%ld,%ld,%ld,%ld flavour=%d servers_started=%ld "
		"kept_key=%016llx kept_drivers=%ld\n", (int)r->verdict,
		(int)r->skip, r->line, r->nsteps, r->signo, r->wall_ms,
		r->setup_ms, r->start_wait_ms, r->steps_ms, r->teardown_ms,
		r->waits_ms, r->runs, r->repeat, r->first_bad,
		r->first_bad_interrupted, r->run_verdicts[0],
		r->run_verdicts[1], r->run_verdicts[2], r->run_verdicts[3],
		(int)r->flavour, r->servers_started,
		(unsigned long long)r->kept_key, r->kept_drivers);
	dstr(f, "  reason", r->reason, top);
	dstr(f, "  server_version", r->server_version, top);
	dstr(f, "  server_notes", r->server_notes, top);
	dstr(f, "  bad_runs", r->bad_runs, top);
	dstr(f, "  results", r->results, top);
	dstr(f, "  evidence_lost", r->evidence_lost, top);
	dstr(f, "  evidence_cut", r->evidence_cut, top);
	dstr(f, "  capture", r->capture, top);
	dstr(f, "  reverted", r->reverted, top);
	dstr(f, "  not_reverted", r->not_reverted, top);
	dstr(f, "  server", r->server, top);
	dstr(f, "  backend", r->backend, top);
	dstr(f, "  proxy", r->proxy, top);
	dstr(f, "  proxy_ran", r->proxy_ran, top);
	dstr(f, "  client", r->client, top);
	dstr(f, "  library", r->library, top);
	dstr(f, "  client_spec", r->client_spec, top);
	dstr(f, "  combo", r->combo, top);
	dstr(f, "  server_setup", r->server_setup, top);
	dstr(f, "  client_setup", r->client_setup, top);
	dstr(f, "  server_after", r->server_after, top);
	dump_steps(f, r);
}

static void dump_scenario(FILE *f, const struct ga_scenario *sc)
{
	size_t i;

	fprintf(f, " scenario repeat=%ld nconnections=%zu nsteps=%zu\n",
		(long)sc->repeat, sc->nconnections, sc->nsteps);
	dstr(f, "  path", sc->path, "");
	dstr(f, "  label", sc->label, "");
	dstr(f, "  name", sc->name, "");
	dstr(f, "  title", sc->title, "");
	for (i = 0; i < sc->nconnections; i++)
		dstr(f, "  connection", sc->connections[i].name, "");
	for (i = 0; i < sc->nsteps; i++) {
		const struct ga_step *s = &sc->steps[i];

		fprintf(f, "  step %zu line=%d kind=%d conn=%d nexpects=%zu "
			"seen_line=%d expects=%s\n", i, s->line, (int)s->kind,
			s->conn, s->nexpects, s->seen.line,
			s->expects ? "set" : "NULL");
		dstr(f, "   text", s->text, "");
	}
}

static void dump_results(FILE *f, const struct ga_results *r,
			 const char *top)
{
	size_t i;

	fprintf(f, "results n=%zu nfiles=%zu pass=%zu fail=%zu skip=%zu "
		"error=%zu wall_ms=%.17g signo=%d servers_started=%zu "
		"runs=%zu\n", r->n, r->nfiles, r->sum.pass, r->sum.fail,
		r->sum.skip, r->sum.error, r->sum.wall_ms, r->sum.signo,
		r->sum.servers_started, r->sum.runs);
	for (i = 0; i < r->nfiles; i++) {
		fprintf(f, "file %zu shard=%u/%u\n", i, r->shards[i].k,
			r->shards[i].n);
		dstr(f, " name", r->files[i], top);
		dstr(f, " date", r->runs[i].date, "");
		dstr(f, " goneaway", r->runs[i].goneaway, "");
		dstr(f, " kernel", r->runs[i].kernel, "");
		dstr(f, " machine", r->runs[i].machine, "");
		dstr(f, " command", r->runs[i].command, "");
	}
	for (i = 0; i < r->n; i++) {
		const struct ga_results_case *c = &r->cases[i];
		size_t k;

		fprintf(f, "case %zu line=%ld order=%zu napis=%zu\n", i,
			c->line, c->order, c->napis);
		dstr(f, " file", c->file, top);
		dstr(f, " fingerprint", c->fingerprint, "");
		for (k = 0; k < c->napis; k++)
			dstr(f, " api", c->apis[k], "");
		dump_scenario(f, c->sc);
		dump_result(f, &c->res, top);
	}
}

/* buf[len] with the tree's own path, where a line names it (the
 * workers' lines carry the evidence's absolute path), written as "TOP":
 * the golden files hold for a clone anywhere (/root/goneaway, a path
 * with a blank), not only for the tree that made them. */
static void put_sans_top(FILE *f, const char *buf, size_t len,
			 const char *top)
{
	size_t n = strlen(top), i = 0;

	while (i < len) {
		if (n && len - i > n && memcmp(buf + i, top, n) == 0 &&
		    buf[i + n] == '/') {
			fputs("TOP", f);
			i += n;
		} else {
			fputc(buf[i++], f);
		}
	}
}

/* The workers' dialect: each case written whole, read back whole. */
static void whole(FILE *f, const struct ga_results_case *c, const char *top)
{
	struct ga_case_result back;
	struct ga_error err;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(m);
	ga_results_write_whole(m, c->sc, &c->res, NULL);
	ck_assert_int_eq(fclose(m), 0);
	put_sans_top(f, buf, len, top);
	if (ga_results_read_whole(buf, len, "whole", c->sc, NULL, NULL, NULL,
				  &back, &err) != 0) {
		dstr(f, "refused", err.msg, top);
	} else {
		dump_result(f, &back, top);
		ga_case_result_free(&back);
	}
	free(buf);
}

/* What the code makes of one file: its .read, .written and .whole. */
static void make(const char *top, const char *path, FILE *rd, FILE *wr,
		 FILE *wh)
{
	struct ga_results r = { 0 };
	struct ga_error err;
	char dir[4096], *slash;
	size_t i, k;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (ga_results_read(&r, path, &err) != 0 ||
	    ga_results_sort(&r, &err) != 0) {
		dstr(rd, "refused", err.msg, top);
		ga_results_free(&r);
		return;
	}
	dump_results(rd, &r, top);
	for (i = 0; i < r.n; i++) {
		const struct ga_results_case *c = &r.cases[i];

		for (k = 0; k < c->res.nsteps && k < c->sc->nsteps; k++)
			ga_results_write_step(wr, (long)i + 1, c->sc, &c->res,
					      k);
		ga_results_write_case(wr, (long)i + 1, dir, NULL, c->sc,
				      &c->res);
		whole(wh, c, top);
	}
	ga_results_write_end(wr, &r.sum);
	ga_results_free(&r);
}

/* What the golden file holds for text[len]: the text itself, or for
 * an output past GOLDEN_TEXT_MAX (the docs' runs are megabytes) its
 * length and SHA-256, into *out (malloc'd). */
#define GOLDEN_TEXT_MAX (256 * 1024)

static size_t golden_form(const char *text, size_t len, char **out)
{
	char hex[GA_SHA256_HEX];
	struct ga_error err;

	if (len <= GOLDEN_TEXT_MAX) {
		*out = malloc(len + 1);
		ck_assert_ptr_nonnull(*out);
		memcpy(*out, text, len);
		return len;
	}
	ck_assert_int_eq(ga_sha256_hex(text, len, "golden", hex, &err), 0);
	ck_assert_int_ne(asprintf(out, "%zu bytes, sha256 %s\n", len, hex),
			 -1);
	return strlen(*out);
}

/* Writes text[len] to dir/name, whole: $GA_GOLDEN_DIR keeps what the
 * code made, to diff with what another tree makes. */
static void keep(const char *dir, const char *name, const char *text,
		 size_t len)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unit_write_file(path, text, len);
}

/* text[len] against the golden file name; GA_GOLDEN_WRITE=1 writes it */
static void golden(const char *name, const char *text, size_t len)
{
	const char *dir = getenv("GA_GOLDEN_DIR");
	char path[4096], *form;
	size_t flen;

	if (dir && *dir)
		keep(dir, name, text, len);
	flen = golden_form(text, len, &form);
	snprintf(path, sizeof(path), "%s/tests/golden/results/%s", unit_top(),
		 name);
	unit_golden(path, form, flen);
	free(form);
}

static void one(const char *top, const char *path)
{
	char name[512], *p, *b[3] = { NULL, NULL, NULL };
	size_t n[3] = { 0, 0, 0 }, k;
	FILE *f[3];
	static const char *const ext[3] = { "read", "written", "whole" };

	snprintf(name, sizeof(name), "%s", path + strlen(top) + 1);
	for (p = name; *p; p++)
		if (*p == '/')
			*p = '+';
	for (k = 0; k < 3; k++) {
		f[k] = open_memstream(&b[k], &n[k]);
		ck_assert_ptr_nonnull(f[k]);
	}
	make(top, path, f[0], f[1], f[2]);
	for (k = 0; k < 3; k++) {
		char file[600];

		ck_assert_int_eq(fclose(f[k]), 0);
		snprintf(file, sizeof(file), "%s.%s", name, ext[k]);
		golden(file, b[k], n[k]);
		free(b[k]);
	}
}

START_TEST(test_golden_results)
{
	static const char *const pats[] = {
		"docs/results/*/results.jsonl",
		"tests/fuzz/corpus/results/*",
	};
	const char *top = unit_top();
	char pat[4096];
	size_t i, k, files = 0;

	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		glob_t g;

		snprintf(pat, sizeof(pat), "%s/%s", top, pats[i]);
		ck_assert_int_eq(glob(pat, 0, NULL, &g), 0);
		for (k = 0; k < g.gl_pathc; k++, files++)
			one(top, g.gl_pathv[k]);
		globfree(&g);
	}
	/* five runs in docs/results, three files in the corpus */
	ck_assert_uint_ge(files, 8);
}
END_TEST

/* The members docs/results-jsonl.md's table for lines of type names, in
 * order ("| `a`, `b` | ..." is a and b), as one line "a b ...". */
static void doc_members(const char *doc, const char *type, char *out,
			size_t len)
{
	char head[64];
	const char *p, *end;
	size_t used = 0;

	snprintf(head, sizeof(head), "| `type` | `\"%s\"` |", type);
	p = strstr(doc, head);
	ck_assert_msg(p != NULL, "docs/results-jsonl.md has no table of "
		      "\"%s\" lines", type);
	out[0] = '\0';
	for (; *p == '|'; p = end + 1) {
		const char *cell = p + 2, *bar = strchr(cell, '|');

		end = strchr(p, '\n');
		ck_assert_ptr_nonnull(end);
		ck_assert_ptr_nonnull(bar);
		while (cell < bar) {
			const char *q = memchr(cell, '`', (size_t)(bar - cell));
			const char *r = q ? memchr(q + 1, '`',
						   (size_t)(bar - q - 1)) : NULL;

			if (!r)
				break;
			used += (size_t)snprintf(out + used, len - used, "%s%.*s",
						 used ? " " : "",
						 (int)(r - q - 1), q + 1);
			ck_assert_uint_lt(used, len);
			cell = r + 1;
		}
	}
}

/* The members of the first line of type in text, in order. */
static void line_members(const char *text, const char *type, char *out,
			 size_t len)
{
	char head[64];
	const char *p, *end;
	struct ga_error err;
	struct ga_json *j;
	size_t used = 0, i;

	snprintf(head, sizeof(head), "{\"type\":\"%s\"", type);
	p = strstr(text, head);
	ck_assert_ptr_nonnull(p);
	end = strchr(p, '\n');
	ck_assert_ptr_nonnull(end);
	j = ga_json_parse(p, (size_t)(end - p), &err);
	ck_assert_msg(j != NULL, "%s", err.msg);
	out[0] = '\0';
	for (i = 0; i < j->nitems; i++) {
		used += (size_t)snprintf(out + used, len - used, "%s%s",
					 used ? " " : "", j->items[i].key);
		ck_assert_uint_lt(used, len);
	}
	ga_json_free(j);
}

static int word_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The words of s (a line of members) sorted, in place. */
static void sort_words(char *s)
{
	char *words[256], copy[4096], *w, *save = NULL;
	size_t n = 0, i, used = 0;

	snprintf(copy, sizeof(copy), "%s", s);
	for (w = strtok_r(copy, " ", &save); w && n < 256;
	     w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	qsort(words, n, sizeof(words[0]), word_cmp);
	s[0] = '\0';
	for (i = 0; i < n; i++)
		used += (size_t)sprintf(s + used, "%s%s", i ? " " : "",
					words[i]);
}

static char *slurp(const char *rel)
{
	char path[4096], *text = NULL;
	size_t len = 0;
	FILE *f, *m;
	int c;

	snprintf(path, sizeof(path), "%s/%s", unit_top(), rel);
	f = fopen(path, "re");
	ck_assert_msg(f != NULL, "cannot read %s", path);
	m = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(m);
	while ((c = getc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	ck_assert_int_eq(fclose(m), 0);
	return text;
}

/* docs/results-jsonl.md's tables of a step's and a case's line name the
 * members the writer writes (result.h's rows), all and no other (the
 * case's table groups some of them: in any order): the lines of the
 * corpus's pymysql run, written back. */
START_TEST(test_golden_doc_tables)
{
	static const char *const types[] = { "step", "case" };
	char *doc = slurp("docs/results-jsonl.md");
	char *text = slurp("tests/golden/results/"
			   "tests+fuzz+corpus+results+pymysql-skip.jsonl.written");
	char want[4096], got[4096];
	size_t i;

	for (i = 0; i < 2; i++) {
		doc_members(doc, types[i], want, sizeof(want));
		line_members(text, types[i], got, sizeof(got));
		sort_words(want);
		sort_words(got);
		ck_assert_msg(strcmp(want, got) == 0, "docs/results-jsonl.md's "
			      "\"%s\" table names %s; the writer writes %s",
			      types[i], want, got);
	}
	free(doc);
	free(text);
}
END_TEST

/* Every member name in j, at any depth, is in dict as "\"NAME\":". */
static void in_dict(const struct ga_json *j, const char *dict)
{
	char want[128];
	size_t i;

	for (i = 0; (j->type == GA_JSON_OBJECT || j->type == GA_JSON_ARRAY) &&
		    i < j->nitems; i++) {
		if (j->items[i].key) {
			snprintf(want, sizeof(want), "\"\\\"%s\\\":\"\n",
				 j->items[i].key);
			ck_assert_msg(strstr(dict, want) != NULL, "tests/fuzz/"
				      "results.dict lacks the member \"%s\" "
				      "the writer writes", j->items[i].key);
		}
		in_dict(&j->items[i], dict);
	}
}

/* tests/fuzz/results.dict names every member of the lines written (the
 * corpus's runs written back, and the lines of a pool's steps). */
START_TEST(test_golden_dict)
{
	static const char *const files[] = {
		"tests/golden/results/"
		"tests+fuzz+corpus+results+pymysql-skip.jsonl.written",
		"tests/golden/results/"
		"tests+fuzz+corpus+results+two-cases.jsonl.written",
	};
	char *dict = slurp("tests/fuzz/results.dict");
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *text = slurp(files[i]), *line, *save = NULL;

		for (line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			struct ga_error err;
			struct ga_json *j = ga_json_parse(line, strlen(line),
							  &err);

			ck_assert_msg(j != NULL, "%s", err.msg);
			in_dict(j, dict);
			ga_json_free(j);
		}
		free(text);
	}
	free(dict);
}
END_TEST

/* ---- refusals: what the reader says of a line with one member wrong ---- */

static const char *const variants[] = {
	NULL,           /* the member left out */
	"null", "{}", "[]", "\"x\"", "true", "-1", "0.5", "1e300",
	"4294967296",
};
#define NVARIANTS (sizeof(variants) / sizeof(variants[0]))

/* j written as JSON, the member target replaced by variants[v] (left
 * out for NULL). */
static void put(FILE *f, const struct ga_json *j,
		const struct ga_json *target, size_t v)
{
	size_t i;
	bool first = true;

	switch (j->type) {
	case GA_JSON_NULL: fputs("null", f); return;
	case GA_JSON_BOOL: fputs(j->b ? "true" : "false", f); return;
	case GA_JSON_NUMBER: fprintf(f, "%.17g", j->num); return;
	case GA_JSON_STRING: ga_json_write_string(f, j->str, j->len); return;
	default: break;
	}
	fputc(j->type == GA_JSON_ARRAY ? '[' : '{', f);
	for (i = 0; i < j->nitems; i++) {
		const struct ga_json *m = &j->items[i];

		if (m == target && !variants[v])
			continue;
		if (!first)
			fputc(',', f);
		first = false;
		if (m->key) {
			ga_json_write_string(f, m->key, strlen(m->key));
			fputc(':', f);
		}
		if (m == target)
			fputs(variants[v], f);
		else
			put(f, m, target, v);
	}
	fputc(j->type == GA_JSON_ARRAY ? ']' : '}', f);
}

/* What reading text (a results file's, or a worker's whole case for sc)
 * says, into out: "ok" or the message, the file's name as FILE. */
static void refusal(FILE *out, const char *text, size_t len,
		    const struct ga_scenario *sc)
{
	char dir[] = "/tmp/ga-golden.XXXXXX", path[64];
	struct ga_results r = { 0 };
	struct ga_case_result res;
	struct ga_error err;
	const char *msg = "ok";
	FILE *f;

	if (sc) {
		if (ga_results_read_whole(text, len, "FILE", sc, NULL, NULL,
					  NULL, &res, &err) == 0)
			ga_case_result_free(&res);
		else
			msg = err.msg;
		fprintf(out, "  %s\n", msg);
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/results.jsonl", dir);
	f = fopen(path, "we");
	ck_assert_ptr_nonnull(f);
	fwrite(text, 1, len, f);
	ck_assert_int_eq(fclose(f), 0);
	if (ga_results_read(&r, path, &err) || ga_results_sort(&r, &err))
		msg = strncmp(err.msg, path, strlen(path)) == 0 ?
		      err.msg + strlen(path) : err.msg;
	fprintf(out, "  FILE%s%s\n", msg == err.msg + strlen(path) ? "" : ": ",
		msg);
	ga_results_free(&r);
	unlink(path);
	rmdir(dir);
}

/* Every member of line k of lines[n] (and of the objects in it, one
 * level down, and of an array's first object) made wrong each way, the
 * other lines as they are, and what the reader says of it. */
static void refusals(FILE *out, char **lines, size_t n, size_t k,
		     const struct ga_scenario *sc)
{
	struct ga_error err;
	struct ga_json *j = ga_json_parse(lines[k], strlen(lines[k]), &err);
	const struct ga_json *targets[512];
	const char *names[512];
	size_t nt = 0, i, t, v;

	ck_assert_msg(j != NULL, "%s", err.msg);
	for (i = 0; i < j->nitems && nt < 500; i++) {
		const struct ga_json *m = &j->items[i], *in = m;

		targets[nt] = m;
		names[nt++] = m->key;
		if (m->type == GA_JSON_ARRAY && m->nitems &&
		    m->items[0].type == GA_JSON_OBJECT)
			in = &m->items[0];
		for (t = 0; in->type == GA_JSON_OBJECT && t < in->nitems &&
			    nt < 500; t++) {
			targets[nt] = &in->items[t];
			names[nt++] = in->items[t].key;
		}
	}
	for (t = 0; t < nt; t++)
		for (v = 0; v < NVARIANTS; v++) {
			char *buf = NULL;
			size_t len = 0;
			FILE *m = open_memstream(&buf, &len);

			ck_assert_ptr_nonnull(m);
			for (i = 0; i < n; i++) {
				if (i == k)
					put(m, j, targets[t], v);
				else
					fputs(lines[i], m);
				fputc('\n', m);
			}
			ck_assert_int_eq(fclose(m), 0);
			fprintf(out, "line %zu \"%s\" %s:\n", k + 1, names[t],
				variants[v] ? variants[v] : "(left out)");
			refusal(out, buf, len, sc);
			free(buf);
		}
	ga_json_free(j);
}

/* text's lines, split in place. */
static size_t split(char *text, char **lines, size_t max)
{
	char *save = NULL, *l;
	size_t n = 0;

	for (l = strtok_r(text, "\n", &save); l && n < max;
	     l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	return n;
}

/* The reader's messages for one member wrong at a time: of a results
 * file (the corpus's two-cases run: its run, a step, a case and the end
 * line) and of a worker's whole case (its first step and its case),
 * held to tests/golden/results/refusals (made by the reader before the
 * rows: the same words for the same mistake). */
START_TEST(test_golden_refusals)
{
	static const size_t file_lines[] = { 0, 1, 6, 16 };
	char *text = slurp("tests/fuzz/corpus/results/two-cases.jsonl");
	char *lines[64], *buf = NULL, *whole = NULL;
	size_t n = split(text, lines, 64), len = 0, wlen = 0, i;
	struct ga_results r = { 0 };
	struct ga_error err;
	char path[4096];
	FILE *out = open_memstream(&buf, &len), *w;

	ck_assert_ptr_nonnull(out);
	for (i = 0; i < sizeof(file_lines) / sizeof(file_lines[0]); i++)
		refusals(out, lines, n, file_lines[i], NULL);
	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/results/"
		 "two-cases.jsonl", unit_top());
	ck_assert_int_eq(ga_results_read(&r, path, &err), 0);
	w = open_memstream(&whole, &wlen);
	ck_assert_ptr_nonnull(w);
	ga_results_write_whole(w, r.cases[0].sc, &r.cases[0].res, NULL);
	ck_assert_int_eq(fclose(w), 0);
	n = split(whole, lines, 64);
	fputs("whole\n", out);
	refusals(out, lines, n, 0, r.cases[0].sc);
	refusals(out, lines, n, n - 1, r.cases[0].sc);
	ck_assert_int_eq(fclose(out), 0);
	golden("refusals", buf, len);
	ga_results_free(&r);
	free(whole);
	free(text);
	free(buf);
}
END_TEST

Suite *make_golden_suite(void)
{
	Suite *s = suite_create("golden");
	TCase *tc = tcase_create("results");

	/* 26 MB of results, read, dumped and written back three ways */
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_golden_results);
	tcase_add_test(tc, test_golden_refusals);
	suite_add_tcase(s, tc);
	tc = tcase_create("docs");
	tcase_add_test(tc, test_golden_doc_tables);
	tcase_add_test(tc, test_golden_dict);
	suite_add_tcase(s, tc);
	return s;
}
