/* sink_record.c - a --record run's end (plan/sink_record.h): what its cases
 * saw (plan/record.h) written for the user to review.  Into scenarios:
 * one patch, results_dir/record.patch ("patch -p0 <" applies it), and
 * each changed file whole in results_dir/recorded/LABEL.gw; a shipped
 * scenario is never rewritten.  recorded/ carries goneaway's mark
 * (util/ownmark.h): one without it is the user's, never removed.  Into an expectation file: the file
 * itself, which is the connector's own (its repository's history
 * reviews it). */
#include "plan/internal.h"
#include "plan/sink_record.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lang/parse.h"
#include "util/escape.h"
#include "util/fsutil.h"
#include "util/ownmark.h"

#define SCENARIO_MAX (1024 * 1024)      /* as the parser reads them */

static void recorder_case(struct ga_recorder *r, const struct ga_scenario *sc,
		     const struct ga_case_result *res,
		     const struct ga_driver *drv)
{
	struct ga_recorder_scenario *s = NULL, *g;
	struct ga_record_case *c;
	struct ga_error err;
	size_t i;

	if (res->verdict == GA_VERDICT_ERROR)
		r->incomplete++;
	for (i = 0; i < r->n; i++)
		if (r->v[i].sc == sc)
			s = &r->v[i];
	if (!s) {
		g = realloc(r->v, (r->n + 1) * sizeof(*g));
		if (!g)
			goto oom;
		r->v = g;
		s = &g[r->n++];
		memset(s, 0, sizeof(*s));
		s->sc = sc;
	}
	c = realloc(s->cases, (s->n + 1) * sizeof(*c));
	if (!c)
		goto oom;
	s->cases = c;
	if (ga_record_case_keep(&c[s->n], res, drv, &err))
		goto oom;
	s->n++;
	return;
oom:
	r->failed = true;
}

static int count_lines(const struct ga_line_edits *e)
{
	size_t i;
	int n = 0;
	const char *p;

	for (i = 0; i < e->n; i++)
		for (p = e->items[i].ins; p && *p; p++)
			n += *p == '\n';
	return n;
}

/* results_dir/recorded/LABEL.gw, below results_dir without following a
 * symlink; recorded/ is made with goneaway's mark (util/ownmark.h). */
static int write_recorded(int root, const char *results_dir,
			  const char *label, const char *text,
			  struct ga_error *err)
{
	char rel[4200], shown[PATH_MAX], *leaf;
	FILE *f;
	int rec, dir;

	snprintf(shown, sizeof(shown), "%s/recorded", results_dir);
	rec = ga_mark_open_at(root, "recorded", true, shown, err);
	if (rec < 0)
		return -1;
	snprintf(rel, sizeof(rel), "%s.gw", label);
	leaf = strrchr(rel, '/');
	if (leaf) {
		*leaf++ = '\0';
		dir = ga_dir_open_beneath(rec, rel, err);
		close(rec);
	} else {
		leaf = rel;
		dir = rec;
	}
	if (dir < 0)
		return -1;
	f = ga_file_create_at(dir, leaf, err);
	close(dir);
	if (!f)
		return -1;
	fputs(text, f);
	if (ga_file_close(f, 0))
		return ga_error_set(err, "write %s: I/O error", leaf);
	return 0;
}

int ga_recorder_check(const char *results_dir)
{
	char shown[PATH_MAX];
	struct ga_error err;
	int root, r;

	root = open(results_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return 0;       /* the run makes it, or says why */
	snprintf(shown, sizeof(shown), "%s/recorded", results_dir);
	r = ga_mark_check_at(root, "recorded", shown, &err);
	close(root);
	if (r >= 0)
		return 0;
	ga_esc_line(stderr, "goneaway: --record: %s", err.msg);
	return -1;
}

/* What was recorded must read as a scenario: said when it does not
 * (a line the user must fix before it runs). */
static void parses(const char *path, const char *text)
{
	struct ga_diags d = { 0 };
	struct ga_scenario *sc;

	if (ga_parse_text(path, text, &sc, &d) == 0) {
		ga_scenario_free(sc);
		return;
	}
	ga_esc_line(stderr, "goneaway: --record: warning: what was recorded "
		    "for %s does not read as a scenario: fix it in the patch",
		    path);
	ga_diags_print(&d, stderr);
	ga_diags_free(&d);
}

static int into_scenarios(struct ga_recorder *r)
{
	struct ga_error err;
	char notes[4096], shown[PATH_MAX], *text = NULL, *out = NULL;
	size_t i, changed = 0, lines = 0;
	FILE *patch = NULL;
	int root, rc = -1;

	root = open(r->results_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		fprintf(stderr, "goneaway: --record: %s: %s\n", r->results_dir,
			strerror(errno));
		return -1;
	}
	if (unlinkat(root, "record.patch", 0) != 0 && errno != ENOENT) {
		fprintf(stderr, "goneaway: --record: cannot replace "
			"%s/record.patch: %s\n", r->results_dir,
			strerror(errno));
		goto out;
	}
	snprintf(shown, sizeof(shown), "%s/recorded", r->results_dir);
	if (ga_mark_remove_at(root, "recorded", shown, &err))
		goto fail;
	for (i = 0; i < r->n; i++) {
		struct ga_recorder_scenario *s = &r->v[i];
		struct ga_line_edits edits = { NULL, 0 };

		free(text);
		free(out);
		text = out = NULL;
		if (ga_file_read(s->sc->path, SCENARIO_MAX, &text, NULL, &err) ||
		    ga_record_scenario(s->sc, text, s->cases, s->n, &edits,
				       notes, sizeof(notes), &err)) {
			ga_line_edits_free(&edits);
			goto fail;
		}
		if (notes[0])
			ga_esc_line(stderr, "goneaway: --record: %s: %s",
				    s->sc->path, notes);
		if (!edits.n) {
			ga_line_edits_free(&edits);
			continue;
		}
		if (!patch && !(patch = ga_file_create_at(root, "record.patch",
							  &err))) {
			ga_line_edits_free(&edits);
			goto fail;
		}
		changed++;
		lines += (size_t)count_lines(&edits);
		if (ga_text_udiff(patch, s->sc->path, text, &edits, &err) ||
		    ga_text_edit(text, &edits, &out, &err) ||
		    write_recorded(root, r->results_dir,
				   ga_scenario_label(s->sc), out, &err)) {
			ga_line_edits_free(&edits);
			goto fail;
		}
		parses(s->sc->path, out);
		ga_line_edits_free(&edits);
	}
	if (patch && ga_file_close(patch, 0)) {
		patch = NULL;
		ga_error_set(&err, "write %s/record.patch: I/O error",
			     r->results_dir);
		goto fail;
	}
	patch = NULL;
	if (!changed)
		printf("recorded: every line of the %zu scenario%s holds: "
		       "nothing to change\n", r->n, r->n == 1 ? "" : "s");
	else
		ga_esc_line(stdout, "recorded: %zu expect line%s in %zu of %zu "
			    "scenario%s: %s/record.patch (review it, then "
			    "patch -p0 < %s/record.patch); the files as "
			    "recorded: %s/recorded/", lines,
			    lines == 1 ? "" : "s", changed, r->n,
			    r->n == 1 ? "" : "s", r->results_dir,
			    r->results_dir, r->results_dir);
	rc = 0;
	goto out;
fail:
	ga_esc_line(stderr, "goneaway: --record: %s", err.msg);
out:
	if (patch)
		fclose(patch);
	free(text);
	free(out);
	close(root);
	return rc;
}

static int into_file(struct ga_recorder *r)
{
	struct ga_error err;
	size_t i, before = r->ce->x.n;

	for (i = 0; i < r->n; i++)
		if (ga_record_expectations(&r->ce->x, r->v[i].sc, r->v[i].cases,
					   r->v[i].n, &err)) {
			ga_esc_line(stderr, "goneaway: --record: %s", err.msg);
			return -1;
		}
	if (ga_expect_file_save(r->ce))
		return -1;
	ga_esc_line(stdout, "recorded: %s, %zu line%s (%zu before) for %s, "
		    "from %zu scenario%s", r->ce->path, r->ce->x.n,
		    r->ce->x.n == 1 ? "" : "s", before,
		    r->ce->x.client ? r->ce->x.client : "?", r->n,
		    r->n == 1 ? "" : "s");
	return 0;
}

/* Writes what was recorded: the expectation file, or results_dir's
 * record.patch and recorded/LABEL.gw; prints where.  Returns 0, or -1
 * when it could not (printed). */
static int recorder_finish(struct ga_recorder *r)
{
	if (r->failed) {
		fprintf(stderr, "goneaway: --record: out of memory\n");
		return -1;
	}
	if (r->incomplete)
		fprintf(stderr, "goneaway: --record: %zu case%s ended ERROR: "
			"the steps after the error are not recorded\n",
			r->incomplete, r->incomplete == 1 ? "" : "s");
	return r->ce ? into_file(r) : into_scenarios(r);
}

void ga_recorder_free(struct ga_recorder *r)
{
	size_t i, k;

	for (i = 0; i < r->n; i++) {
		for (k = 0; k < r->v[i].n; k++)
			ga_record_case_free(&r->v[i].cases[k]);
		free(r->v[i].cases);
	}
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

/* The --record sink: keeps what each case saw; at the run's end (unless
 * a signal cut it short) writes it, failed when it could not or a case
 * did not reach its end. */
struct record_sink {
	struct ga_recorder *rec;
	struct ga_plan_result *r;
};

static void record_end_case(struct ga_sink *s, const struct ga_case_end *e)
{
	struct record_sink *st = s->state;

	recorder_case(st->rec, e->sc, e->res, e->driver);
}

static void record_end_run(struct ga_sink *s, const struct ga_run_summary *sum)
{
	struct record_sink *st = s->state;

	/* what did not match is what was recorded */
	if (!sum->signo)
		st->r->record_failed = recorder_finish(st->rec) ||
				       st->rec->incomplete;
}

static void record_destroy(struct ga_sink *s)
{
	free(s->state);
}

static const struct ga_sink_ops record_ops = {
	.name = "record",
	.end_case = record_end_case,
	.end_run = record_end_run,
	.destroy = record_destroy,
};

int ga_sink_add_recorder(struct ga_sinks *l, struct ga_recorder *rec,
			 struct ga_plan_result *r)
{
	struct record_sink *st = calloc(1, sizeof(*st));

	if (!st)
		return -1;
	st->rec = rec;
	st->r = r;
	return ga_sinks_add(l, &record_ops, st);
}
