/* jsonl_write.c - see results.h: the lines of results.jsonl, one object
 * per line: the run, then each case's steps and the case, then the end
 * of the run (docs/results-jsonl.md, schema GA_RESULTS_SCHEMA).  Every
 * string goes through ga_json_write_string(). */
#include "result/results.h"
#include "result/jsonl_rows.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "util/json.h"

static void str(FILE *f, const char *s)
{
	ga_json_write_string(f, s, strlen(s));
}

#define kstr ga_jrow_write_str
#define kstr_or_null ga_jrow_write_str_or_null

static void kms(FILE *f, const char *key, double ms)
{
	fprintf(f, ",\"%s\":%.3f", key, isfinite(ms) ? ms : 0.0);
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

/* ---- the lines ---------------------------------------------------------- */

/* A step's line; whole: with what only goneaway's own processes need
 * (GA_JROW_WHOLE), and without its "log". */
static void step_line(FILE *f, long ncase, const struct ga_scenario *sc,
		      const struct ga_case_result *res, size_t i, bool whole,
		      const struct ga_expect *implicit)
{
	struct ga_jsonl_ctx ctx = { .whole = whole, .sc = sc, .res = res,
				    .i = i, .implicit = implicit };
	void *bases[] = {
		[GA_JSONL_BASE_step] = &sc->steps[i],
		[GA_JSONL_BASE_sr] = &res->steps[i],
		[GA_JSONL_BASE_out] = &res->steps[i].out,
	};

	fprintf(f, "{\"type\":\"step\",\"case\":%ld,\"index\":%zu", ncase, i);
	ga_jrow_write(f, ga_jsonl_step_rows, ga_jsonl_nstep_rows, bases,
		      whole, &ctx);
	fputs("}\n", f);
}

void ga_results_write_step(FILE *f, long ncase, const struct ga_scenario *sc,
			   const struct ga_case_result *res, size_t i)
{
	step_line(f, ncase, sc, res, i, false, NULL);
}

/* The case's line; whole: with what only goneaway's own processes need
 * (GA_JROW_WHOLE). */
static void case_line(FILE *f, long ncase, const char *dir,
		      const char *evidence_as, const struct ga_scenario *sc,
		      const struct ga_case_result *res, bool whole)
{
	struct ga_jsonl_ctx ctx = { .whole = whole, .sc = sc, .res = res,
				    .dir = dir, .evidence_as = evidence_as };
	void *bases[] = { [GA_JSONL_BASE_res] = (void *)res };
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
	ga_jrow_write(f, ga_jsonl_case_rows, ga_jsonl_ncase_rows, bases, whole,
		      &ctx);
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
