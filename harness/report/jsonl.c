/* jsonl.c - results for programs: JSON Lines, one object per line: the
 * run, then each case's steps and the case, then the end of the run
 * (docs/results-jsonl.md, schema GA_RESULTS_SCHEMA).  Every string goes
 * through ga_json_write_string(); each case is flushed as it ends. */
#include "report/report.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "lang/errnames.h"
#include "report/internal.h"
#include "report/outputs.h"
#include "report/results.h"
#include "run/expect.h"
#include "util/json.h"

#define STEP_TEXT_MAX 4096      /* bytes of a step's text in its line */

struct jsonl_state {
	const struct ga_jsonl_meta *meta;       /* borrowed */
	long ncase;                             /* cases written */
};

static void str(FILE *f, const char *s)
{
	ga_json_write_string(f, s, strlen(s));
}

/* ,"key":"s" */
static void kstr(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":", key);
	str(f, s);
}

/* ,"key":"s", or null when s is NULL or "" */
static void kstr_or_null(FILE *f, const char *key, const char *s)
{
	if (s && *s)
		kstr(f, key, s);
	else
		fprintf(f, ",\"%s\":null", key);
}

static void kms(FILE *f, const char *key, double ms)
{
	fprintf(f, ",\"%s\":%.3f", key, isfinite(ms) ? ms : 0.0);
}

static void kbool(FILE *f, const char *key, bool b)
{
	fprintf(f, ",\"%s\":%s", key, b ? "true" : "false");
}

/* ",\"evidence\":..." relative to the results directory */
static void evidence(FILE *f, const char *dir, const char *results)
{
	size_t n = dir ? strlen(dir) : 0;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (results[0] && n && strncmp(results, dir, n) == 0 &&
	    results[n] == '/')
		for (results += n; *results == '/'; results++)
			;
	kstr_or_null(f, "evidence", results);
}

static void jsonl_begin_run(struct ga_reporter *rep, size_t ncases)
{
	struct jsonl_state *st = rep->state;
	const struct ga_jsonl_meta *m = st->meta;
	FILE *f = rep->out;
	struct utsname u;
	char date[64] = "";
	time_t now = time(NULL);
	struct tm tm;
	int i;

	rep->ncases = ncases;
	if (gmtime_r(&now, &tm))
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (uname(&u) != 0)
		memset(&u, 0, sizeof(u));
	fprintf(f, "{\"type\":\"run\",\"schema\":%d", GA_RESULTS_SCHEMA);
	kstr(f, "goneaway", m->version ? m->version : "");
	fputs(",\"argv\":[", f);
	for (i = 0; i < m->argc && m->argv && m->argv[i]; i++) {
		if (i)
			fputc(',', f);
		str(f, m->argv[i]);
	}
	fputc(']', f);
	kstr(f, "date", date);
	fputs(",\"host\":{\"name\":", f);
	str(f, u.nodename);
	kstr(f, "kernel", u.release);
	kstr(f, "machine", u.machine);
	fputc('}', f);
	kstr_or_null(f, "results_dir", m->results_dir);
	fprintf(f, ",\"cases\":%zu}\n", ncases);
	fflush(f);
}

static void jsonl_begin_case(struct ga_reporter *rep, size_t index,
			     const struct ga_scenario *sc)
{
	(void)rep;
	(void)index;
	(void)sc;
}

/* The step's line(s) as steps.log has them, without the last newline. */
static void step_log(FILE *f, const struct ga_scenario *sc,
		     const struct ga_case_result *res, size_t i)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m) {
		kstr(f, "log", "");
		return;
	}
	ga_step_line_write(m, "", sc, res, i, true);
	fclose(m);
	while (len && buf[len - 1] == '\n')
		len--;
	fputs(",\"log\":", f);
	ga_json_write_string(f, buf, len);
	free(buf);
}

/* ,"error_name":... (the driver's name for errno, null when it gave
 * none) ,"rows":... (a failed fetch's rows read, null when unknown)
 * ,"pool_events":...,"pool_detail":... (null but on a pool's
 * connection) */
static void driver_named(FILE *f, const struct ga_outcome *o)
{
	size_t n = strnlen(o->error_name, sizeof(o->error_name));

	fputs(",\"error_name\":", f);
	if (n)
		ga_json_write_string(f, o->error_name, n);
	else
		fputs("null", f);
	if (o->has_rows)
		fprintf(f, ",\"rows\":%ld", o->rows);
	else
		fputs(",\"rows\":null", f);
	/* a pool's connection: what the pool did ("discarded+opened",
	 * "none"), and the driver's words for it */
	if (o->has_pool_events) {
		char ev[128];

		ga_pool_events_text(o->pool_events, ev, sizeof(ev));
		kstr(f, "pool_events", ev);
		kstr(f, "pool_detail", o->pool_detail);
	} else {
		fputs(",\"pool_events\":null,\"pool_detail\":null", f);
	}
}

/* ,"text":... the step's SQL or text as written (a %repeat not
 * expanded), cut to STEP_TEXT_MAX bytes at a character; null for none */
static void step_text(FILE *f, const struct ga_step *s)
{
	size_t n;

	if (!s->text || s->kind == GA_STEP_FAULT) {
		fputs(",\"text\":null", f);
		return;
	}
	n = strlen(s->text);
	if (n > STEP_TEXT_MAX) {
		n = STEP_TEXT_MAX;
		while (n > 0 && ((unsigned char)s->text[n] & 0xC0) == 0x80)
			n--;
	}
	fputs(",\"text\":", f);
	ga_json_write_string(f, s->text, n);
}

static void write_step(FILE *f, long ncase, const struct ga_scenario *sc,
		       const struct ga_case_result *res, size_t i)
{
	const struct ga_step *s = &sc->steps[i];
	const struct ga_step_result *sr = &res->steps[i];
	const struct ga_outcome *o = &sr->out;
	const char *name;
	char text[1200];
	size_t t;

	fprintf(f, "{\"type\":\"step\",\"case\":%ld,\"index\":%zu", ncase, i);
	kstr(f, "scenario", ga_scenario_label(sc));
	fprintf(f, ",\"line\":%d", s->line);
	kstr(f, "kind", ga_step_kind_name(s->kind));
	step_text(f, s);
	kstr_or_null(f, "connection", s->conn >= 0 &&
		     (size_t)s->conn < sc->nconnections ?
		     sc->connections[s->conn].name : NULL);
	fprintf(f, ",\"expects\":%zu,\"seen_line\":%d", s->nexpects,
		s->seen.line);
	kbool(f, "ran", sr->ran);
	kstr_or_null(f, "skipped", sr->skipped[0] ? sr->skipped : NULL);
	kstr_or_null(f, "api", o->api);
	kstr(f, "result", ga_results_result_name(o->result));
	fprintf(f, ",\"errno\":%u", o->err);
	name = o->err ? ga_errname_name_for(o->err, o->flavour) : NULL;
	kstr_or_null(f, "errname", name);
	kstr(f, "sqlstate", o->sqlstate);
	kstr(f, "message", o->message);
	kstr(f, "error_class", o->error_class);
	driver_named(f, o);
	kms(f, "elapsed_ms", o->elapsed_ms);
	kbool(f, "has_value", o->has_value);
	kbool(f, "value_null", o->value_null);
	kstr_or_null(f, "value", o->has_value && !o->value_null ? o->value
		     : NULL);
	fprintf(f, ",\"thread_before\":%lu,\"thread_after\":%lu",
		o->thread_before, o->thread_after);
	fprintf(f, ",\"start_before\":%u,\"start_after\":%u",
		o->start_before, o->start_after);
	kstr(f, "flavour", ga_results_flavour_name(o->flavour));
	if (sr->expect) {
		ga_expect_describe(sr->expect, text, sizeof(text));
		kstr(f, "expected", text);
		fprintf(f, ",\"expect_line\":%d", sr->expect->line);
	} else {
		fputs(",\"expected\":null,\"expect_line\":null", f);
	}
	kbool(f, "matched", sr->matched);
	fputs(",\"spread\":[", f);
	for (t = 0; t < sr->ntally; t++) {
		const struct ga_tally *ty = &sr->tally[t];

		fprintf(f, "%s{\"result\":", t ? "," : "");
		str(f, ga_results_result_name(ty->result));
		fprintf(f, ",\"errno\":%u", ty->err);
		kstr(f, "flavour", ga_results_flavour_name(ty->flavour));
		kstr(f, "error_class", ty->error_class);
		if (ty->has_pool_events) {
			char ev[128];

			kstr(f, "pool_events",
			     ga_pool_events_text(ty->pool_events, ev,
						 sizeof(ev)));
		}
		fprintf(f, ",\"count\":%ld}", ty->count);
	}
	fputc(']', f);
	if (sr->ran || sr->skipped[0])
		step_log(f, sc, res, i);
	else
		fputs(",\"log\":null", f);
	fputs("}\n", f);
}

static void write_case(FILE *f, long ncase, const char *dir,
		       const char *evidence_as, const struct ga_scenario *sc,
		       const struct ga_case_result *res)
{
	size_t i;

	fprintf(f, "{\"type\":\"case\",\"case\":%ld", ncase);
	fputs(",\"scenario\":{\"path\":", f);
	str(f, sc->path ? sc->path : "");
	kstr(f, "label", ga_scenario_label(sc));
	kstr(f, "name", sc->name ? sc->name : "");
	kstr(f, "title", sc->title ? sc->title : "");
	fputs(",\"connections\":[", f);
	for (i = 0; i < sc->nconnections; i++) {
		if (i)
			fputc(',', f);
		str(f, sc->connections[i].name);
	}
	fputs("]}", f);
	fputs(",\"server\":{\"name\":", f);
	str(f, res->server);
	kstr(f, "backend", res->backend);
	kstr(f, "flavour", ga_results_flavour_name(res->flavour));
	kstr(f, "version", res->server_version);
	fputc('}', f);
	fputs(",\"client\":{\"name\":", f);
	str(f, res->client);
	kstr(f, "library", res->library);
	kstr(f, "spec", res->client_spec);
	fputc('}', f);
	kstr(f, "proxy", res->proxy);
	kstr(f, "proxy_ran", res->proxy_ran);
	kstr(f, "combo", res->combo);
	kstr(f, "verdict", ga_verdict_name(res->verdict));
	kstr(f, "reason", res->reason);
	fprintf(f, ",\"line\":%d", res->line);
	kstr_or_null(f, "skip", res->verdict == GA_VERDICT_SKIP ?
		     ga_skip_kind_name(res->skip) : NULL);
	fprintf(f, ",\"signo\":%d,\"runs\":%ld,\"repeat\":%ld", res->signo,
		res->runs, res->repeat);
	kms(f, "wall_ms", res->wall_ms);
	kms(f, "setup_ms", res->setup_ms);
	kms(f, "steps_ms", res->steps_ms);
	kms(f, "teardown_ms", res->teardown_ms);
	kms(f, "waits_ms", res->waits_ms);
	if (evidence_as)
		kstr(f, "evidence", evidence_as);
	else
		evidence(f, dir, res->results);
	kstr(f, "capture", res->capture);
	kstr(f, "evidence_lost", res->evidence_lost);
	kstr(f, "server_notes", res->server_notes);
	kstr(f, "reverted", res->reverted);
	kstr(f, "not_reverted", res->not_reverted);
	kstr(f, "server_setup", res->server_setup);
	kstr(f, "server_after", res->server_after);
	fprintf(f, ",\"servers_started\":%ld", res->servers_started);
	fprintf(f, ",\"steps\":%zu}\n", res->nsteps < sc->nsteps ?
		res->nsteps : sc->nsteps);
}

static void jsonl_end_case(struct ga_reporter *rep, size_t index,
			   const struct ga_scenario *sc,
			   const struct ga_case_result *res)
{
	struct jsonl_state *st = rep->state;
	size_t i;

	(void)index;
	st->ncase++;
	for (i = 0; i < res->nsteps && i < sc->nsteps; i++)
		write_step(rep->out, st->ncase, sc, res, i);
	write_case(rep->out, st->ncase, st->meta->results_dir,
		   st->meta->evidence_as, sc, res);
	fflush(rep->out);
}

static void jsonl_end_run(struct ga_reporter *rep,
			  const struct ga_run_summary *sum)
{
	fprintf(rep->out, "{\"type\":\"end\",\"pass\":%zu,\"fail\":%zu,"
		"\"skip\":%zu,\"error\":%zu", sum->pass, sum->fail, sum->skip,
		sum->error);
	kms(rep->out, "wall_ms", sum->wall_ms);
	fprintf(rep->out, ",\"servers_started\":%zu", sum->servers_started);
	fprintf(rep->out, ",\"signo\":%d}\n", sum->signo);
	fflush(rep->out);
}

static void jsonl_destroy(struct ga_reporter *rep)
{
	free(rep->state);
}

static const struct ga_reporter_ops jsonl_ops = {
	.begin_run = jsonl_begin_run,
	.begin_case = jsonl_begin_case,
	.end_case = jsonl_end_case,
	.end_run = jsonl_end_run,
	.destroy = jsonl_destroy,
};

/* A reporter writing to a new file dirfd/path (AT_FDCWD: path as it
 * is); fresh: what is there is removed first and the file made anew,
 * never through a symlink. */
static struct ga_reporter *jsonl_open(int dirfd, const char *path,
				      const struct ga_jsonl_meta *meta,
				      bool fresh, struct ga_error *err)
{
	struct ga_reporter *rep = calloc(1, sizeof(*rep));
	struct jsonl_state *st = calloc(1, sizeof(*st));
	int fd;

	if (!rep || !st) {
		ga_error_set(err, "out of memory");
		goto fail;
	}
	/* fresh: a new file, never through a symlink or into another
	 * name's hard link (below -o, as the evidence) */
	if (fresh && unlinkat(dirfd, path, 0) != 0 && errno != ENOENT) {
		ga_error_errno(err, errno, "cannot replace %s", path);
		goto fail;
	}
	fd = fresh ? openat(dirfd, path, O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0644)
		   : openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC |
			    O_CLOEXEC, 0644);
	if (fd < 0) {
		ga_error_errno(err, errno, "cannot write %s", path);
		goto fail;
	}
	rep->out = fdopen(fd, "w");
	if (!rep->out) {
		ga_error_errno(err, errno, "cannot write %s", path);
		close(fd);
		goto fail;
	}
	st->meta = meta;
	rep->owns_out = true;
	rep->ops = &jsonl_ops;
	rep->state = st;
	return rep;
fail:
	free(st);
	free(rep);
	return NULL;
}

struct ga_reporter *ga_report_jsonl_new(const char *path,
					const struct ga_jsonl_meta *meta,
					bool fresh, struct ga_error *err)
{
	return jsonl_open(AT_FDCWD, path, meta, fresh, err);
}

struct ga_reporter *ga_report_jsonl_new_at(int dirfd, const char *name,
					   const struct ga_jsonl_meta *meta,
					   struct ga_error *err)
{
	return jsonl_open(dirfd, name, meta, true, err);
}

static struct ga_reporter *jsonl_open_output(const struct ga_output_args *a,
					     struct ga_error *err)
{
	return ga_report_jsonl_new(a->path, a->meta, a->fresh, err);
}

const struct ga_output ga_output_jsonl = {
	.name = "jsonl",
	.file = GA_OUTPUT_RUN,
	.help = "also write the results as JSON Lines to FILE\n"
		"(docs/results-jsonl.md)",
	.open = jsonl_open_output,
};
