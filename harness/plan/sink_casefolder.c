/* sink_casefolder.c - a case's evidence folder made a bug report of its own
 * (ga_sink_add_folder in plan/internal.h): with steps.log, scenario.gw, my.cnf,
 * the server's log, the drivers' and capture.pcap (run/evidence.c), the
 * case's own results.jsonl, which "goneaway report DIR" and "goneaway
 * replay DIR" read, report.txt, the page a human reads first, and
 * SHA256SUMS, the digests of the files replay runs (GA_CASE_DIGESTS in
 * plan/paths.h: the scenario tied to its report).  They are written
 * below -o without following a symlink. */
#include "plan/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan/casecheck.h"
#include "plan/paths.h"
#include "report/casetext.h"
#include "util/escape.h"
#include "util/fsutil.h"

#define SCENARIO_MAX (1024 * 1024)

/* "WHERE: WHAT" into the case's evidence_lost (--strict fails on it). */
static void lost(struct ga_case_result *res, const char *where,
		 const char *what)
{
	size_t n = strlen(res->evidence_lost);

	snprintf(res->evidence_lost + n, sizeof(res->evidence_lost) - n,
		 "%s%s: %s", n ? "; " : "", where, what);
}

/* The copy of the scenario that ran (scenario.gw in the folder), NULL
 * when there is none. */
static char *scenario_copy(int dir)
{
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd;

	fd = openat(dir, "scenario.gw", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(SCENARIO_MAX + 1);
	while (buf && got < SCENARIO_MAX &&
	       (n = read(fd, buf + got, SCENARIO_MAX - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (buf)
		buf[got] = '\0';
	return buf;
}

static void write_jsonl(const struct ga_plan *p, int dir,
			const struct ga_scenario *sc,
			struct ga_case_result *res, const char *shown)
{
	struct ga_jsonl_meta meta = p->meta;
	struct ga_run_summary sum;
	struct ga_reporter *rep;
	struct ga_error err;

	meta.results_dir = NULL;
	meta.evidence_as = ".";
	rep = ga_report_jsonl_new_at(dir, "results.jsonl", &meta, &err);
	if (!rep) {
		lost(res, shown, err.msg);
		return;
	}
	memset(&sum, 0, sizeof(sum));
	sum.pass = res->verdict == GA_VERDICT_PASS;
	sum.fail = res->verdict == GA_VERDICT_FAIL;
	sum.skip = res->verdict == GA_VERDICT_SKIP;
	sum.error = res->verdict == GA_VERDICT_ERROR;
	sum.wall_ms = res->wall_ms;
	sum.signo = res->signo;
	rep->ops->begin_run(rep, 1);
	rep->ops->end_case(rep, 0, sc, res);
	rep->ops->end_run(rep, &sum);
	if (ferror(rep->out))
		lost(res, shown, "results.jsonl: I/O error");
	ga_reporter_free(rep);
}

static void write_text(const struct ga_plan *p, int dir,
		       const struct ga_scenario *sc,
		       struct ga_case_result *res, const char *shown)
{
	struct ga_case_text_meta m;
	struct ga_error err;
	char *text;
	FILE *f;

	f = ga_file_create_at(dir, "report.txt", &err);
	if (!f) {
		lost(res, shown, err.msg);
		return;
	}
	m.version = p->meta.version;
	m.argc = p->meta.argc;
	m.argv = p->meta.argv;
	m.folder = shown;
	text = scenario_copy(dir);
	ga_case_text_write(f, &m, sc, text, res);
	free(text);
	if (ga_file_close(f, 0))
		lost(res, shown, "report.txt: I/O error");
}

/* The lines of --expectations FILE that are this scenario's, as the
 * file "expectations" (their label the scenario's name, as goneaway
 * replay runs it), when the case's client is the file's. */
static void write_expectations(const struct ga_plan *p, int dir,
			       const struct ga_scenario *sc,
			       struct ga_case_result *res, const char *shown)
{
	const struct ga_expectations *x = &p->ce.x;
	struct ga_expectations mine;
	struct ga_error err;
	size_t i;
	FILE *f;

	if (!p->expectations || !p->ce.exists || !x->client ||
	    strcmp(x->client, res->client) != 0)
		return;
	memset(&mine, 0, sizeof(mine));
	mine.client = x->client;
	mine.items = calloc(x->n ? x->n : 1, sizeof(*mine.items));
	if (!mine.items) {
		lost(res, shown, "expectations: out of memory");
		return;
	}
	for (i = 0; i < x->n; i++)
		if (strcmp(x->items[i].label, ga_scenario_label(sc)) == 0) {
			mine.items[mine.n] = x->items[i];       /* borrowed */
			mine.items[mine.n++].label = sc->name;
		}
	f = mine.n ? ga_file_create_at(dir, "expectations", &err) : NULL;
	if (mine.n && !f)
		lost(res, shown, err.msg);
	if (f && ga_file_close(f, ga_expectations_write(f, &mine)))
		lost(res, shown, "expectations: I/O error");
	free(mine.items);
}

/* SHA256SUMS: the digests of the files replay runs (and the scenario's
 * fixtures), written last, as sha256sum(1) checks them. */
static void write_digests(int dir, struct ga_case_result *res,
			  const char *shown)
{
	struct ga_error err;
	FILE *f;

	f = ga_file_create_at(dir, GA_CASE_DIGESTS, &err);
	if (!f) {
		lost(res, shown, err.msg);
		return;
	}
	if (ga_case_digests_write(dir, f, &err))
		lost(res, shown, err.msg);
	if (ga_file_close(f, 0))
		lost(res, shown, GA_CASE_DIGESTS ": I/O error");
}

static void folder_end_case(struct ga_sink *s, const struct ga_case_end *e)
{
	const struct ga_plan *p = s->state;
	struct ga_run_options opts = p->opts;
	struct ga_case_result *res = e->res;
	char shown[PATH_MAX];
	struct ga_error err;
	int dir;

	if (!opts.results_dir || !res->results[0])
		return;
	opts.results_sub = e->sub;
	dir = ga_evidence_open(&opts, e->sc, shown, sizeof(shown), &err);
	if (dir < 0) {
		lost(res, "the case's folder", err.msg);
		return;
	}
	write_jsonl(p, dir, e->sc, res, shown);
	write_text(p, dir, e->sc, res, shown);
	write_expectations(p, dir, e->sc, res, shown);
	write_digests(dir, res, shown);
	close(dir);
}

static const struct ga_sink_ops folder_ops = {
	.name = "case folder",
	.end_case = folder_end_case,
};

int ga_sink_add_folder(struct ga_sinks *l, struct ga_plan *p)
{
	return ga_sinks_add(l, &folder_ops, p);
}
