/* expectfile.c - "--expectations FILE" of run and check: a connector's
 * expectation file (lang/expectations.h, docs/expectations.md) read,
 * checked against the scenarios it names and put into them, and written
 * back by a --record run (plan/sink_record.c). */
#include "plan/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan/record.h"
#include "util/escape.h"

#define MISSING_SHOWN 5         /* steps named in the warning */

int ga_expect_file_load(struct ga_expect_file *ce, const char *path,
			  bool may_be_new)
{
	struct ga_diags diags = { 0 };
	struct stat st;
	int rc;

	memset(ce, 0, sizeof(*ce));
	ce->path = path;
	if (may_be_new && stat(path, &st) != 0 && errno == ENOENT) {
		ce->x.path = strdup(path);
		if (!ce->x.path) {
			fprintf(stderr, "goneaway: out of memory\n");
			return -1;
		}
		return 0;
	}
	ce->exists = true;
	rc = ga_expectations_read(path, &ce->x, &diags);
	ga_diags_print(&diags, stderr);
	if (rc)
		ga_esc_line(stderr, "goneaway: %zu problem%s in %s", diags.n,
			    diags.n == 1 ? "" : "s", path);
	ga_diags_free(&diags);
	return rc;
}

int ga_expect_file_apply(struct ga_expect_file *ce,
			   struct ga_scenario **scs, size_t n)
{
	struct ga_diags diags = { 0 };
	int rc;

	if (!ce->exists)
		return 0;
	rc = ga_expectations_apply(&ce->x, scs, n, &ce->unused, &diags);
	ga_diags_print(&diags, stderr);
	if (rc)
		ga_esc_line(stderr, "goneaway: %zu problem%s in %s", diags.n,
			    diags.n == 1 ? "" : "s", ce->path);
	ga_diags_free(&diags);
	return rc;
}

/* Whether x has a line for step st of sc. */
static bool has_line(const struct ga_expectations *x,
		     const struct ga_scenario *sc, const struct ga_step *st)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (x->items[i].step_line == st->line &&
		    strcmp(x->items[i].label, ga_scenario_label(sc)) == 0)
			return true;
	return false;
}

size_t ga_expect_file_missing(const struct ga_expect_file *ce,
				struct ga_scenario **scs, size_t n,
				bool print)
{
	char shown[MISSING_SHOWN * 80] = "";
	size_t i, s, missing = 0, used = 0;

	for (i = 0; i < n; i++)
		for (s = 0; s < scs[i]->nsteps; s++) {
			const struct ga_step *st = &scs[i]->steps[s];
			int k;

			if (!ga_record_checked(st) ||
			    has_line(&ce->x, scs[i], st))
				continue;
			if (missing++ >= MISSING_SHOWN || used >= sizeof(shown))
				continue;
			k = snprintf(shown + used, sizeof(shown) - used,
				     "%s%s:%d", used ? ", " : "",
				     ga_scenario_label(scs[i]), st->line);
			if (k > 0)
				used += (size_t)k;
		}
	if (missing && print)
		ga_esc_line(stderr, "goneaway: warning: %s has no line for %zu "
			    "step%s of the scenarios given (%s%s): the "
			    "scenarios' own expect lines apply there; goneaway "
			    "run --record --expectations %s adds the lines of "
			    "the steps the client carries out (a step its "
			    "driver cannot do gets none: it is a SKIP)",
			    ce->path, missing, missing == 1 ? "" : "s", shown,
			    missing > MISSING_SHOWN ? ", ..." : "", ce->path);
	return missing;
}

/* A run: notes the checked steps of case res of sc that ce has no line
 * for and that the file's client carried out (not the ones its driver
 * cannot do, which a --record run never adds, nor the ones an earlier
 * FAIL left out).  Cases of other clients are left alone. */
static void expect_file_ran(struct ga_expect_file *ce,
			  const struct ga_scenario *sc,
			  const struct ga_case_result *res)
{
	struct ga_expect_gap *grown;
	size_t s, g;

	if (!ce->x.client || strcmp(res->client, ce->x.client) != 0)
		return;
	for (s = 0; s < sc->nsteps && s < res->nsteps; s++) {
		const struct ga_step *st = &sc->steps[s];
		const struct ga_step_result *sr = &res->steps[s];

		if (!sr->ran || sr->skipped[0] || !ga_record_checked(st) ||
		    has_line(&ce->x, sc, st))
			continue;
		for (g = 0; g < ce->ngaps; g++)
			if (ce->gaps[g].sc == sc && ce->gaps[g].line == st->line)
				break;
		if (g < ce->ngaps)      /* seen with another server */
			continue;
		grown = realloc(ce->gaps, (ce->ngaps + 1) * sizeof(*grown));
		if (!grown)
			return;         /* a warning less, nothing worse */
		ce->gaps = grown;
		ce->gaps[ce->ngaps].sc = sc;
		ce->gaps[ce->ngaps++].line = st->line;
	}
}

/* After the run: warns about the steps expect_file_ran noted,
 * naming the first of them and the remedy (a --record run adds them).
 * Returns how many. */
static size_t expect_file_warn_ran(const struct ga_expect_file *ce)
{
	char shown[MISSING_SHOWN * 80] = "";
	size_t g, used = 0;
	int k;

	for (g = 0; g < ce->ngaps && g < MISSING_SHOWN; g++) {
		k = snprintf(shown + used, sizeof(shown) - used, "%s%s:%d",
			     used ? ", " : "", ga_scenario_label(ce->gaps[g].sc),
			     ce->gaps[g].line);
		if (k < 0 || (size_t)k >= sizeof(shown) - used)
			break;
		used += (size_t)k;
	}
	if (ce->ngaps)
		ga_esc_line(stderr, "goneaway: warning: %s has no line for %zu "
			    "step%s the client carried out (%s%s): the "
			    "scenarios' own expect lines applied there; goneaway "
			    "run --record --expectations %s adds them",
			    ce->path, ce->ngaps, ce->ngaps == 1 ? "" : "s",
			    shown, ce->ngaps > MISSING_SHOWN ? ", ..." : "",
			    ce->path);
	return ce->ngaps;
}

int ga_expect_file_save(struct ga_expect_file *ce)
{
	char tmp[4200];
	FILE *f;
	int fd, bad;

	snprintf(tmp, sizeof(tmp), "%s.tmp%ld", ce->path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0) {
		ga_esc_line(stderr, "goneaway: cannot write %s: %s", tmp,
			    strerror(errno));
		return -1;
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	bad = ga_expectations_write(f, &ce->x);
	bad = ferror(f) || bad;
	if (fclose(f) != 0 || bad || rename(tmp, ce->path) != 0) {
		ga_esc_line(stderr, "goneaway: cannot write %s: %s", ce->path,
			    bad ? "a line is too long" : strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

void ga_expect_file_free(struct ga_expect_file *ce)
{
	ga_expectations_free(&ce->x);
	free(ce->gaps);
	memset(ce, 0, sizeof(*ce));
}

/* The --expectations sink (a run without --record): the steps each case
 * carried out that the file has no line for, warned about at the end. */
static void expect_end_case(struct ga_sink *s, const struct ga_case_end *e)
{
	expect_file_ran(s->state, e->sc, e->res);
}

static void expect_end_run(struct ga_sink *s, const struct ga_run_summary *sum)
{
	(void)sum;
	expect_file_warn_ran(s->state);
}

static const struct ga_sink_ops expect_ops = {
	.name = "expectations",
	.end_case = expect_end_case,
	.end_run = expect_end_run,
};

int ga_sink_add_expect_file(struct ga_sinks *l, struct ga_expect_file *ce)
{
	return ga_sinks_add(l, &expect_ops, ce);
}
