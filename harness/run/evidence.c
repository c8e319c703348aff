/* evidence.c - what a scenario leaves for a human to examine: in
 * results_dir/<label>/ the file that ran (scenario.gw), every step's
 * call, code, sqlstate, message and time (steps.log), the server's own
 * error log (mariadbd.err, whatever the server) and configuration
 * (my.cnf), and each client driver's standard error (driver-NAME.log,
 * one per connection), so a failure can be understood and rerun from its
 * results alone.  Whatever could not be kept is recorded in the case result: a
 * --strict run fails on it.
 */
#include "run/internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "run/expect.h"
#include "util/fsutil.h"

int ga_write_steps_log(const struct ga_scenario *sc,
		       const struct ga_case_result *res, const char *path,
		       struct ga_error *err)
{
	char got[900], want[512];
	FILE *f;
	size_t i;

	f = fopen(path, "we");
	if (!f)
		return ga_error_errno(err, errno, "create %s", path);
	fprintf(f, "scenario: %s\nverdict: %s\n", sc->path,
		ga_verdict_name(res->verdict));
	if (res->reason[0])
		fprintf(f, "reason: line %d: %s\n", res->line, res->reason);
	fprintf(f, "server: %s\n", res->server_version);
	if (res->server_notes[0])
		fprintf(f, "server notes:\n%s\n", res->server_notes);
	if (res->runs > 1)
		fprintf(f, "runs: %ld of %ld (the steps below are the last "
			"run's)\n", res->runs, res->repeat);
	if (res->reverted[0])
		fprintf(f, "teardown reverted: %s\n", res->reverted);
	if (res->not_reverted[0])
		fprintf(f, "teardown could NOT revert: %s\n",
			res->not_reverted);
	for (i = 0; i < res->nsteps; i++) {
		const struct ga_step *s = &sc->steps[i];
		const struct ga_step_result *sr = &res->steps[i];

		if (!sr->ran)
			continue;
		ga_outcome_describe(&sr->out, got, sizeof(got));
		fprintf(f, "line %d: %s%s%s: %s: %s", s->line,
			ga_step_kind_name(s->kind), s->conn >= 0 ? " " : "",
			s->conn >= 0 ? sc->connections[s->conn].name : "",
			sr->out.api ? sr->out.api : "-", got);
		if (sr->out.sqlstate[0])
			fprintf(f, " [sqlstate %s]", sr->out.sqlstate);
		if (sr->expect) {
			ga_expect_describe(sr->expect, want, sizeof(want));
			if (sr->expect->line > 0)
				fprintf(f, "; expected %s (expect line %d): %s",
					want, sr->expect->line,
					sr->matched ? "matched" : "MISMATCH");
			else
				fprintf(f, "; expected %s: %s", want,
					sr->matched ? "matched" : "MISMATCH");
		}
		fputc('\n', f);
		if (res->runs > 1 && (s->nexpects > 0 || s->seen.line)) {
			ga_step_spread(sr, got, sizeof(got));
			fprintf(f, "line %d: spread over %ld runs: %s\n",
				s->line, res->runs, got);
		}
	}
	if (ferror(f)) {
		fclose(f);
		return ga_error_set(err, "write %s: I/O error", path);
	}
	if (fclose(f) != 0)
		return ga_error_errno(err, errno, "write %s", path);
	return 0;
}

static void lost(struct ga_case_result *res, const struct ga_error *err)
{
	size_t n = strlen(res->evidence_lost);

	if (n < sizeof(res->evidence_lost))
		snprintf(res->evidence_lost + n, sizeof(res->evidence_lost) - n,
			 "%s%s", n ? "; " : "", err->msg);
}

/* The standard error of each driver process (client/process.c writes
 * it as driver-CONNECTION.log in the scenario's directory). */
static void keep_driver_logs(struct ga_case *c, const char *dir)
{
	char from[PATH_MAX + 300], to[PATH_MAX + 300];
	struct ga_error err;
	struct dirent *e;
	size_t n;
	DIR *d;

	if (!c->dir_made)
		return;
	d = opendir(c->dir);
	if (!d) {
		ga_error_errno(&err, errno, "open %s", c->dir);
		lost(c->res, &err);
		return;
	}
	while ((e = readdir(d))) {
		n = strlen(e->d_name);
		if (strncmp(e->d_name, "driver-", 7) != 0 || n < 12 ||
		    strcmp(e->d_name + n - 4, ".log") != 0)
			continue;
		snprintf(from, sizeof(from), "%s/%s", c->dir, e->d_name);
		snprintf(to, sizeof(to), "%s/%s", dir, e->d_name);
		if (ga_file_copy(from, to, &err))
			lost(c->res, &err);
	}
	closedir(d);
}

void ga_keep_evidence(struct ga_case *c)
{
	const char *root = c->r->opts->results_dir;
	char dir[PATH_MAX], path[PATH_MAX + 32];
	struct ga_case_result *res = c->res;
	struct ga_error err;

	if (!root)
		return;
	if (snprintf(dir, sizeof(dir), "%s/%s", root, ga_scenario_label(c->sc)) >=
	    (int)sizeof(dir)) {
		ga_error_set(&err, "results path too long under %s", root);
		lost(res, &err);
		return;
	}
	if (ga_tree_remove(dir, &err) || ga_mkdirs(dir, &err)) {
		lost(res, &err);
		return;
	}
	snprintf(res->results, sizeof(res->results), "%s", dir);
	snprintf(path, sizeof(path), "%s/scenario.gw", dir);
	if (ga_file_copy(c->sc->path, path, &err))
		lost(res, &err);
	snprintf(path, sizeof(path), "%s/steps.log", dir);
	if (ga_write_steps_log(c->sc, res, path, &err))
		lost(res, &err);
	keep_driver_logs(c, dir);
	if (!c->srv_made)
		return;
	snprintf(path, sizeof(path), "%s/my.cnf", dir);
	if (ga_file_copy(c->srv.cnf, path, &err))
		lost(res, &err);
	snprintf(path, sizeof(path), "%s/mariadbd.err", dir);
	if (ga_file_copy(c->srv.errlog, path, &err))
		lost(res, &err);
}
