/* jsonl_read.c - see results.h: results.jsonl read back, checked line by
 * line (each step's and case's members by their rows: jsonl_step.c,
 * jsonl_case.c), into what the reporters take. */
#include "result/jsonl_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/grow.h"
#include "util/json.h"

/* ---- one file ---------------------------------------------------------- */

int ga_jsonl_bad(struct reader *rd, const char *fmt, ...)
{
	char msg[GA_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ga_error_set(rd->err, "%s:%ld: %s", rd->file, rd->lineno, msg);
}

static int hold(struct reader *rd, size_t bytes)
{
	struct ga_error e;

	return ga_jsonl_hold(rd, bytes, &e) ? ga_jsonl_bad(rd, "%s", e.msg) : 0;
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
	ga_strings_free(p->apis, p->napis);
	if (p->fpf)
		fclose(p->fpf);
	free(p->fp);
	memset(p, 0, sizeof(*p));
}

void ga_jsonl_reader_free(struct reader *rd)
{
	size_t i;

	for (i = 0; i < rd->n; i++)
		ga_jsonl_case_free(&rd->cases[i]);
	free(rd->cases);
	pending_free(&rd->p);
}

void ga_jsonl_case_free(struct ga_results_case *c)
{
	size_t i;

	/* a step's expects is NULL and nexpects a count (results.h):
	 * nothing there for ga_scenario_free() to look at */
	for (i = 0; c->sc && i < c->sc->nsteps; i++)
		if (!c->sc->steps[i].expects)
			c->sc->steps[i].nexpects = 0;
	ga_scenario_free(c->sc);
	ga_case_result_free(&c->res);
	ga_strings_free(c->apis, c->napis);
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
			return ga_jsonl_bad(rd, "the line is longer than %d bytes: not "
				   "goneaway's", GA_RESULTS_LINE_MAX);
		rd->buf[n++] = (char)c;
	}
	if (ferror(rd->f))
		return ga_jsonl_bad(rd, "cannot read: %s", strerror(errno));
	if (n == 0)
		return 0;
	return ga_jsonl_bad(rd, "the last line is cut short (no newline at its end): "
		   "was the file copied whole?");
}

/* ---- members, checked: util/jrow.c's messages, with the file and line */

static int member(struct reader *rd, const struct ga_json *j, const char *key,
		  enum ga_json_type type, bool nullable,
		  const struct ga_json **out)
{
	struct ga_error e;

	return ga_jrow_member(j, key, type, nullable, out, &e) ?
	       ga_jsonl_bad(rd, "%s", e.msg) : 0;
}

static int get_str(struct reader *rd, const struct ga_json *j, const char *key,
		   bool nullable, const char **out)
{
	struct ga_error e;

	return ga_jrow_get_str(j, key, nullable, out, &e) ?
	       ga_jsonl_bad(rd, "%s", e.msg) : 0;
}

/* A member of kind (a whole number in [min, max], milliseconds) into
 * field. */
static int get_num(struct reader *rd, const struct ga_json *j,
		   const char *key, enum ga_jrow_kind kind, long min, long max,
		   void *field)
{
	const struct ga_jrow row = {
		.key = key, .kind = kind, .min = min, .max = max,
	};
	struct ga_error e;

	return ga_jrow_read_value(&row, ga_json_get(j, key), field, &e) ?
	       ga_jsonl_bad(rd, "%s", e.msg) : 0;
}

static int get_long(struct reader *rd, const struct ga_json *j,
		    const char *key, long min, long max, long *out)
{
	return get_num(rd, j, key, GA_JROW_LONG, min, max, out);
}

/* The rows[n] of j into bases. */
static int get_rows(struct reader *rd, const struct ga_json *j,
		    const struct ga_jrow *rows, size_t n, void *const *bases)
{
	struct ga_jsonl_ctx ctx = { .whole = rd->whole, .reader = rd };
	struct ga_error e;

	return ga_jrow_read(j, rows, n, bases, rd->whole, &ctx, &e) ?
	       ga_jsonl_bad(rd, "%s", e.msg) : 0;
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
		return ga_jsonl_bad(rd, "case %ld begins before case %ld ended (its "
			   "\"case\" line is missing)", number, p->number);
	if (number != last + 1)
		return ga_jsonl_bad(rd, "case %ld follows case %ld: cases are numbered "
			   "1, 2, 3 ... in order", number, last);
	if (rd->n >= GA_RESULTS_MAX_CASES)
		return ga_jsonl_bad(rd, "more than %d cases", GA_RESULTS_MAX_CASES);
	p->number = number;
	p->fpf = open_memstream(&p->fp, &p->fplen);
	if (!p->fpf)
		return ga_jsonl_bad(rd, "out of memory");
	return 0;
}

/* ---- the lines ---------------------------------------------------------- */

int ga_jsonl_read_step(struct reader *rd, const struct ga_json *j)
{
	struct pending *p = &rd->p;
	struct ga_step *s;
	struct ga_step_result *sr;
	long number, index;

	if (get_long(rd, j, "case", 1, GA_RESULTS_MAX_CASES, &number) ||
	    pending_for(rd, number) ||
	    get_long(rd, j, "index", 0, GA_RESULTS_MAX_STEPS - 1, &index))
		return -1;
	if ((size_t)index != p->n)
		return ga_jsonl_bad(rd, "step %ld of case %ld where step %zu was due",
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
			return ga_jsonl_bad(rd, "out of memory");
		p->conns = nc;
		p->cap = cap;
	}
	s = memset(&p->steps[p->n], 0, sizeof(*s));
	sr = memset(&p->srs[p->n], 0, sizeof(*sr));
	p->conns[p->n][0] = '\0';
	p->n++;
	s->conn = -1;
	/* "expects" is a count: the expect lines themselves are not in the
	 * file, and nothing is allocated for them (results.h) */
	return get_rows(rd, j, ga_jsonl_step_rows, ga_jsonl_nstep_rows,
			(void *[]){ s, sr, &sr->out });
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
		return ga_jsonl_bad(rd, "the scenario has no path or no label");
	if (conns->nitems > 1000)
		return ga_jsonl_bad(rd, "more than 1000 connections");
	if (hold(rd, sizeof(struct ga_results_case) + sizeof(*sc) +
		 conns->nitems * sizeof(*sc->connections) + strlen(path) +
		 strlen(label) + strlen(name) + strlen(title) + 4))
		return -1;
	sc = calloc(1, sizeof(*sc));
	if (!sc)
		return ga_jsonl_bad(rd, "out of memory");
	*out = sc;
	sc->path = strdup(path);
	sc->label = strdup(label);
	sc->name = strdup(*name ? name : label);
	sc->title = strdup(title);
	sc->connections = calloc(conns->nitems ? conns->nitems : 1,
				 sizeof(*sc->connections));
	if (!sc->path || !sc->label || !sc->name || !sc->title ||
	    !sc->connections)
		return ga_jsonl_bad(rd, "out of memory");
	sc->repeat = 1;
	for (i = 0; i < conns->nitems; i++) {
		const struct ga_json *c = &conns->items[i];

		if (c->type != GA_JSON_STRING || !c->len ||
		    c->len >= GA_NAME_MAX)
			return ga_jsonl_bad(rd, "\"connections\" holds something that "
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
			return ga_jsonl_bad(rd, "step %zu is on connection \"%s\", which "
				   "the scenario does not have", i, p->conns[i]);
		p->steps[i].conn = (int)k;
	}
	sc->steps = p->steps;
	sc->nsteps = p->n;
	p->steps = NULL;
	return 0;
}

int ga_jsonl_read_case(struct reader *rd, const struct ga_json *j)
{
	struct pending *p = &rd->p;
	struct ga_results_case c;
	const struct ga_json *scj;
	long number, nsteps;

	memset(&c, 0, sizeof(c));
	if (get_long(rd, j, "case", 1, GA_RESULTS_MAX_CASES,
		     &number) || pending_for(rd, number) ||
	    get_long(rd, j, "steps", 0, GA_RESULTS_MAX_STEPS,
		     &nsteps))
		return -1;
	if ((size_t)nsteps != p->n)
		return ga_jsonl_bad(rd, "case %ld has %ld steps, but %zu step lines "
			   "came before it", number, nsteps, p->n);
	if (member(rd, j, "scenario", GA_JSON_OBJECT, false, &scj))
		return -1;
	if (build_scenario(rd, scj, &c.sc))
		goto fail;
	c.res.steps = p->srs;
	c.res.nsteps = p->n;
	p->srs = NULL;
	if (get_rows(rd, j, ga_jsonl_case_rows, ga_jsonl_ncase_rows,
		     (void *[]){ &c.res }))
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
	if (ga_grow(&rd->cases, &rd->cap, rd->n, sizeof(*rd->cases), 32)) {
		ga_jsonl_bad(rd, "out of memory");
		goto fail;
	}
	rd->counts[c.res.verdict]++;
	rd->cases[rd->n++] = c;
	pending_free(p);
	return 0;
fail:
	/* what went to c.sc and c.res is freed here, the rest with p */
	ga_jsonl_case_free(&c);
	return -1;
}

static int read_end(struct reader *rd, const struct ga_json *j)
{
	struct ga_run_summary *s = &rd->sum;
	long v[5];

	if (rd->p.number)
		return ga_jsonl_bad(rd, "the run ends inside case %ld (its \"case\" "
			   "line is missing)", rd->p.number);
	if (get_long(rd, j, "pass", 0, GA_RESULTS_MAX_CASES, &v[0]) ||
	    get_long(rd, j, "fail", 0, GA_RESULTS_MAX_CASES, &v[1]) ||
	    get_long(rd, j, "skip", 0, GA_RESULTS_MAX_CASES, &v[2]) ||
	    get_long(rd, j, "error", 0, GA_RESULTS_MAX_CASES,
		     &v[3]) ||
	    get_num(rd, j, "wall_ms", GA_JROW_MS, 0, 0, &s->wall_ms) ||
	    get_long(rd, j, "signo", 0, 127, &v[4]))
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
		return ga_jsonl_bad(rd, "the run's counts (%zu PASS, %zu FAIL, %zu SKIP, "
			   "%zu ERROR) are not those of its cases (%zu, %zu, "
			   "%zu, %zu)", s->pass, s->fail, s->skip, s->error,
			   rd->counts[0], rd->counts[1], rd->counts[2],
			   rd->counts[3]);
	if (!s->signo && rd->announced >= 0 && (long)rd->n != rd->announced)
		return ga_jsonl_bad(rd, "the run announced %ld cases and has %zu",
			   rd->announced, rd->n);
	rd->ended = true;
	return 0;
}

struct ga_json *ga_jsonl_parse(struct reader *rd, const char *text,
			       size_t len, const char **type)
{
	struct ga_error jerr;
	struct ga_json *j = ga_json_parse(text, len, &jerr);

	if (!j) {
		ga_jsonl_bad(rd, "not JSON: %s", jerr.msg);
		return NULL;
	}
	if (j->type != GA_JSON_OBJECT) {
		ga_json_free(j);
		ga_jsonl_bad(rd, "not a JSON object");
		return NULL;
	}
	*type = ga_json_str(j, "type", "");
	return j;
}

/* One line, parsed: dispatched by its type. */
static int read_object(struct reader *rd, const char *text, size_t len)
{
	struct ga_error e;
	const char *type;
	struct ga_json *j = ga_jsonl_parse(rd, text, len, &type);
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
		rc = ga_jsonl_read_run(rd, j, &e) ? ga_jsonl_bad(rd, "%s", e.msg) : 0;
	else if (rd->ended)
		rc = ga_jsonl_bad(rd, "a line after the run's \"end\" line");
	else if (strcmp(type, "step") == 0)
		rc = ga_jsonl_read_step(rd, j);
	else if (strcmp(type, "case") == 0)
		rc = ga_jsonl_read_case(rd, j);
	else if (strcmp(type, "end") == 0)
		rc = read_end(rd, j);
	else
		rc = ga_jsonl_bad(rd, "\"type\" is \"%.40s\", not step, case or end (a "
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
	f = ga_fdopen(fd, "r");
	if (!f)
		ga_error_errno(err, errno, "%s", file);
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
	ga_jsonl_reader_free(&rd);
	free(rd.buf);
	fclose(rd.f);
	return rc;
}
