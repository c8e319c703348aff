/* jsonl_write.c - see results.h: the lines of results.jsonl, one object
 * per line: the run, then each case's steps and the case, then the end
 * of the run (docs/results-jsonl.md, schema GA_RESULTS_SCHEMA).  Every
 * string goes through ga_json_write_string(). */
#include "result/results.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "lang/errnames.h"
#include "lang/expect_describe.h"
#include "util/json.h"

#define STEP_TEXT_MAX 4096      /* bytes of a step's text in its line */

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

void ga_results_write_run(FILE *f, const struct ga_jsonl_meta *m,
			  size_t ncases)
{
	struct utsname u;
	char date[64] = "";
	time_t now = time(NULL);
	struct tm tm;
	int i;

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

/* The index of sr's expect line among step s's, -1 for implicit (the
 * "ok" of a step without one), -2 for none, -3 for a line that is none
 * of these (which the reader refuses). */
static long expect_index(const struct ga_step *s,
			 const struct ga_step_result *sr,
			 const struct ga_expect *implicit)
{
	size_t k;

	if (!sr->expect)
		return -2;
	if (sr->expect == implicit)
		return -1;
	for (k = 0; k < s->nexpects; k++)
		if (sr->expect == &s->expects[k])
			return (long)k;
	return -3;
}

/* A step's line; whole: with what only goneaway's own processes need
 * (GA_RESULTS_WHOLE), and without its "log". */
static void step_line(FILE *f, long ncase, const struct ga_scenario *sc,
		      const struct ga_case_result *res, size_t i, bool whole,
		      const struct ga_expect *implicit)
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
		fprintf(f, ",\"count\":%ld", ty->count);
		if (whole) {
			kms(f, "max_ms", ty->max_ms);
			/* what a success's value and thread checks read,
			 * for --record over -j's workers (issue 38) */
			kbool(f, "ok_varied", ty->ok_varied);
			kbool(f, "has_value", ty->has_value);
			kbool(f, "value_null", ty->value_null);
			kstr(f, "value", ty->value);
			fprintf(f, ",\"thread\":%d", (int)ty->thread);
		}
		fputc('}', f);
	}
	fputc(']', f);
	if (whole)
		fprintf(f, ",\"log\":null,\"expect_index\":%ld",
			expect_index(s, sr, implicit));
	else if (sr->ran || sr->skipped[0])
		step_log(f, sc, res, i);
	else
		fputs(",\"log\":null", f);
	fputs("}\n", f);
}

void ga_results_write_step(FILE *f, long ncase, const struct ga_scenario *sc,
			   const struct ga_case_result *res, size_t i)
{
	step_line(f, ncase, sc, res, i, false, NULL);
}

/* The case's line; whole: with what only goneaway's own processes need
 * (GA_RESULTS_WHOLE). */
static void case_line(FILE *f, long ncase, const char *dir,
		      const char *evidence_as, const struct ga_scenario *sc,
		      const struct ga_case_result *res, bool whole)
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
	kstr_or_null(f, "skip", res->verdict == GA_VERDICT_SKIP ||
		     (whole && res->skip != GA_SKIP_NONE) ?
		     ga_skip_kind_name(res->skip) : NULL);
	fprintf(f, ",\"signo\":%d,\"runs\":%ld,\"repeat\":%ld", res->signo,
		res->runs, res->repeat);
	kms(f, "wall_ms", res->wall_ms);
	kms(f, "setup_ms", res->setup_ms);
	kms(f, "start_wait_ms", res->start_wait_ms);
	kms(f, "steps_ms", res->steps_ms);
	kms(f, "teardown_ms", res->teardown_ms);
	kms(f, "waits_ms", res->waits_ms);
	if (evidence_as)
		kstr(f, "evidence", evidence_as);
	else
		evidence(f, dir, res->results);
	kstr(f, "capture", res->capture);
	kstr(f, "evidence_lost", res->evidence_lost);
	kstr(f, "evidence_cut", res->evidence_cut);
	kstr(f, "server_notes", res->server_notes);
	kstr(f, "reverted", res->reverted);
	kstr(f, "not_reverted", res->not_reverted);
	kstr(f, "server_setup", res->server_setup);
	kstr(f, "server_after", res->server_after);
	kstr(f, "client_setup", res->client_setup);
	fprintf(f, ",\"servers_started\":%ld", res->servers_started);
	if (whole) {
		fprintf(f, ",\"first_bad\":%ld", res->first_bad);
		kbool(f, "first_bad_interrupted", res->first_bad_interrupted);
		fprintf(f, ",\"run_verdicts\":[%ld,%ld,%ld,%ld]",
			res->run_verdicts[0], res->run_verdicts[1],
			res->run_verdicts[2], res->run_verdicts[3]);
		kstr(f, "bad_runs", res->bad_runs);
		/* a key of 64 bits: more than a JSON number holds exactly */
		fprintf(f, ",\"kept_key\":\"%016llx\"",
			(unsigned long long)res->kept_key);
		fprintf(f, ",\"kept_drivers\":%ld", res->kept_drivers);
	}
	fprintf(f, ",\"steps\":%zu}\n", res->nsteps < sc->nsteps ?
		res->nsteps : sc->nsteps);
}

void ga_results_write_case(FILE *f, long ncase, const char *dir,
			   const char *evidence_as, const struct ga_scenario *sc,
			   const struct ga_case_result *res)
{
	case_line(f, ncase, dir, evidence_as, sc, res, false);
}

void ga_results_write_whole(FILE *f, const struct ga_scenario *sc,
			    const struct ga_case_result *res,
			    const struct ga_expect *implicit)
{
	size_t i;

	for (i = 0; i < res->nsteps && i < sc->nsteps; i++)
		step_line(f, 1, sc, res, i, true, implicit);
	case_line(f, 1, NULL, NULL, sc, res, true);
}

void ga_results_write_end(FILE *f, const struct ga_run_summary *sum)
{
	fprintf(f, "{\"type\":\"end\",\"pass\":%zu,\"fail\":%zu,"
		"\"skip\":%zu,\"error\":%zu", sum->pass, sum->fail, sum->skip,
		sum->error);
	kms(f, "wall_ms", sum->wall_ms);
	fprintf(f, ",\"servers_started\":%zu", sum->servers_started);
	fprintf(f, ",\"signo\":%d}\n", sum->signo);
}
