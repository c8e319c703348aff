/* plan.c - a plan and its run: the defaults, the servers, clients and
 * proxies it is given, its scenarios, and the run one case after another
 * (or on -j's workers, plan/jobs_run.c) with what it makes before and after
 * its cases. */
#include "plan/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/capture.h"
#include "lab/memfs.h"
#include "plan/paths.h"
#include "proxy/proxy.h"
#include "server/backends.h"
#include "server/jobs.h"
#include "server/rootfs.h"
#include "util/clock.h"
#include "util/escape.h"
#include "util/fsutil.h"

void ga_plan_init(struct ga_plan *p)
{
	struct ga_server_options *so = &p->opts.server_opts;
	const char *disk = getenv("GONEAWAY_RUN_ON_DISK");

	memset(p, 0, sizeof(*p));
	so->mariadbd = "/usr/sbin/mariadbd";
	so->install_db = "/usr/bin/mariadb-install-db";
	so->timeout_ms = 30000;
	p->opts.results_dir = "goneaway-results";
	p->opts.tmp_root = ga_tmp_root();
	/* the servers' datadirs in memory unless asked not (run/runner.h) */
	p->opts.run_on_disk = disk && strcmp(disk, "1") == 0;
	p->opts.memfs_size = GA_MEMFS_SIZE_RUN;
	p->opts.step_timeout_ms = 60000;
	p->opts.capture = true;
	p->opts.capture_limit = GA_CAPTURE_LIMIT_DEFAULT;
	p->opts.capture_total = GA_CAPTURE_RUN_TOTAL_DEFAULT;
	p->opts.capture_case_total = GA_CAPTURE_CASE_TOTAL_DEFAULT;
	p->console = ga_outputs()[0];
	ga_default_cache(p->cache, sizeof(p->cache));
	so->cache_dir = p->cache;
}

int ga_plan_add_server(struct ga_plan *p, const char *spec,
		       struct ga_error *err)
{
	if (p->nservers == GA_PLAN_CHOICES)
		return ga_error_set(err, "at most %d --server",
				    GA_PLAN_CHOICES);
	if (ga_server_spec_parse(spec, GA_ROOTS_DIR,
				 &p->server_ops[p->nservers],
				 p->roots[p->nservers], sizeof(p->roots[0]),
				 err))
		return ga_error_prefix(err, "--server");
	p->servers[p->nservers++] = spec;
	return 0;
}

int ga_plan_add_client(struct ga_plan *p, const char *spec,
		       struct ga_error *err)
{
	if (p->nclients == GA_PLAN_CHOICES)
		return ga_error_set(err, "at most %d --client",
				    GA_PLAN_CHOICES);
	p->clients[p->nclients++] = spec;
	p->clients_given = true;
	return 0;
}

/* none, or a proxy of proxy/proxy.h's table */
int ga_plan_add_proxy(struct ga_plan *p, const char *name,
		      struct ga_error *err)
{
	const char *const *names = ga_proxy_kind_names();
	char known[160] = "none";
	size_t i, n;

	if (p->nproxies == GA_PLAN_CHOICES)
		return ga_error_set(err, "at most %d --proxy",
				    GA_PLAN_CHOICES);
	if (strcmp(name, "none") == 0 || ga_proxy_kind_find(name)) {
		p->proxies[p->nproxies++] = name;
		return 0;
	}
	for (i = 0; names[i]; i++) {
		n = strlen(known);
		snprintf(known + n, sizeof(known) - n, ", %s", names[i]);
	}
	return ga_error_set(err, "--proxy: '%s' is not a proxy goneaway can "
			    "run (known: %s)", name, known);
}

int ga_plan_load(struct ga_plan *p, char **args, int n)
{
	if (!p->nservers) {
		p->server_ops[0] = ga_server_backend_find("local");
		p->servers[p->nservers++] = "local";
	}
	if (!p->nclients)
		p->clients[p->nclients++] = "builtin";
	if (ga_collect_paths(args, n, &p->paths))
		return -1;
	if (p->paths.n == 0) {
		fprintf(stderr, "goneaway run: no scenario files found\n");
		return -1;
	}
	return ga_parse_all(&p->paths, &p->scs) ||
	       ga_select_scenarios(&p->select, p->scs, p->paths.n, &p->nscs) ?
	       -1 : 0;
}

/* -j when none is given: GONEAWAY_JOBS, or what the machine's cores
 * carry (server/jobs.h; README: "Parallel runs").  Returns 0, or -1
 * after saying why GONEAWAY_JOBS is wrong. */
static int default_jobs(struct ga_plan *p, size_t nruns)
{
	struct ga_error err;
	bool drivers = false;
	char why[160];
	size_t i;

	for (i = 0; i < p->nclients; i++)
		if (strcmp(p->clients[i], "builtin") != 0)
			drivers = true;
	if (ga_default_jobs(getenv("GONEAWAY_JOBS"), nruns,
			    GA_PLAN_MAX_JOBS, ga_mem_available_mib(), drivers,
			    &p->jobs, why, sizeof(why), &err) == 0) {
		if (p->verbose)
			fprintf(stderr, "goneaway run: -j %u (%s)\n", p->jobs,
				why);
		return 0;
	}
	fprintf(stderr, "goneaway: %s\n", err.msg);
	return -1;
}

/* Every repetition of every scenario: what -j can run side by side. */
static size_t count_runs(struct ga_scenario **scs, size_t n)
{
	size_t i, runs = 0;

	for (i = 0; i < n; i++)
		runs += scs[i]->repeat > 1 ? (size_t)scs[i]->repeat : 1;
	return runs;
}

/* The results directory must be there and writable before anything runs:
 * evidence that cannot be kept is found out now, not after the run.  One
 * that every user can write to without the sticky bit is refused: anyone
 * could swap what goneaway makes there (below it, evidence.c follows no
 * symlink). */
static int check_results_dir(const char *dir)
{
	struct ga_error err;
	struct stat st;

	if (!dir)
		return 0;
	if (ga_mkdirs(dir, &err) == 0 && stat(dir, &st) == 0 &&
	    (st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX)) {
		fprintf(stderr, "goneaway: -o %s: every user can write to it "
			"(chmod o-w %s, or another -o)\n", dir, dir);
		return -1;
	}
	if (ga_mkdirs(dir, &err) == 0 && access(dir, W_OK | X_OK) == 0)
		return 0;
	fprintf(stderr, "goneaway: -o %s: cannot keep results there: %s\n",
		dir, ga_mkdirs(dir, &err) ? err.msg : "not writable");
	return -1;
}

/* What every case that ended feeds, in this order: its folder, the
 * totals, the outputs (and -o's results.jsonl), the table, --strict,
 * then --record or --expectations. */
static int add_sinks(struct ga_plan_state *st)
{
	struct ga_plan *p = st->p;
	struct ga_sinks *l = &st->sinks;

	if (ga_sink_add_folder(l, p) || ga_sink_add_totals(l, st->r) ||
	    ga_sink_add_outputs(l, p, GA_OUTPUT_RUN, "goneaway") ||
	    /* results for programs: always -o's */
	    (p->results_jsonl[0] &&
	     ga_sink_add_output(l, p, ga_output_find("jsonl"),
				p->results_jsonl, true, "goneaway")) ||
	    ga_sink_add_table(l, &st->m) ||
	    (p->strict && ga_sink_add_strict(l, &p->allowed, st->r, false)))
		return -1;
	if (p->record)
		return ga_sink_add_recorder(l, &p->rec, st->r);
	if (p->expectations)
		return ga_sink_add_expect_file(l, &p->ce);
	return 0;
}

/* Runs every scenario for one server with each client in turn, in this
 * process (-j 1).  Returns 0, or -1 when the run could not even start
 * (err printed). */
static int run_server(struct ga_plan_state *st, size_t s,
		      struct ga_interrupt *in, size_t *index)
{
	struct ga_plan *p = st->p;
	struct ga_scenario **scs = p->scs;
	size_t nscs = p->nscs;
	size_t per = ga_plan_ncombos(p) / p->nservers, c, i;
	struct ga_run_options opts;
	struct ga_runner runner;
	struct ga_error err;
	struct ga_combo k;

	ga_plan_combo(p, s * per, &k);
	ga_plan_combo_options(p, &k, &opts);
	if (ga_runner_open(&runner, &opts, in, &err)) {
		ga_esc_line(stderr, "goneaway: %s", err.msg);
		return -1;
	}
	/* each client, and with each of them each proxy */
	for (c = 0; c < per && !ga_interrupted(in); c++) {
		ga_plan_combo(p, s * per + c, &k);
		ga_plan_combo_options(p, &k, &opts);
		ga_matrix_column(&st->m, k.column, k.label[0] ? k.label :
				 p->servers[s]);
		for (i = 0; i < nscs && !ga_interrupted(in); i++) {
			struct ga_case_result res;

			ga_plan_begin_case(st, *index, scs[i]);
			runner.next = i + 1 < nscs ? scs[i + 1] :
				      c + 1 < per ? scs[0] : NULL;
			ga_runner_run(&runner, scs[i], &res);
			ga_plan_end_case(st, *index, i, &k, scs[i], &res);
			ga_case_result_free(&res);
			(*index)++;
		}
	}
	ga_runner_close(&runner);
	return 0;
}

int ga_plan_check_dirs(struct ga_plan *p)
{
	struct ga_server_options so = p->opts.server_opts;
	struct ga_error err;
	size_t i;
	int rc;

	rc = ga_check_cache(so.cache_dir, p->cache, sizeof(p->cache), &err);
	if (rc == GA_TRUSTDIR_REFUSED || (rc && geteuid() == 0)) {
		ga_esc_line(stderr, "goneaway: %s; give --cache a directory "
			    "that only you and root can write (e.g. "
			    "/var/cache/goneaway)", err.msg);
		return -1;
	}
	if (rc) {
		ga_esc_line(stderr, "goneaway: warning: %s: drivers start "
			    "without their cache", err.msg);
		p->cache[0] = '\0';
	}
	p->opts.server_opts.cache_dir = p->cache;
	if (ga_check_fixtures(so.fixtures_dir, &err)) {
		ga_esc_line(stderr, "goneaway: the fixtures %s: %s",
			    so.fixtures_dir, err.msg);
		return -1;
	}
	for (i = 0; i < p->nservers; i++) {
		so.arg = p->roots[i];
		if (ga_server_backend_check(p->server_ops[i], &so, &err)) {
			ga_esc_line(stderr, "goneaway: --server %s: %s",
				    p->servers[i], err.msg);
			return -1;
		}
	}
	return 0;
}

/* What comes before the first case: the expectation file, the results
 * directory, the clients, the outputs, the table, -j.  Returns
 * GA_PLAN_DONE when the run can start. */
static enum ga_plan_status prepare(struct ga_plan_state *st,
				   struct ga_interrupt *in)
{
	struct ga_plan *p = st->p;
	struct ga_error err;
	size_t ncombos = ga_plan_ncombos(p);

	if (p->expectations &&
	    (ga_expect_file_load(&p->ce, p->expectations, p->record) ||
	     ga_expect_file_apply(&p->ce, p->scs, p->nscs)))
		return GA_PLAN_REFUSED;
	if (check_results_dir(p->opts.results_dir))
		return GA_PLAN_REFUSED;
	if (ga_plan_check_dirs(p))
		return GA_PLAN_REFUSED;
	if (ga_plan_open_clients(p, in))
		/* a Ctrl-C while a driver greets ends the run as one */
		return ga_interrupted(in) ? GA_PLAN_INTERRUPTED :
		       GA_PLAN_REFUSED;
	/* nothing under -o that is not goneaway's is replaced */
	if (ga_plan_check_owned(p) || ga_plan_check_expectations(p) ||
	    add_sinks(st))
		return GA_PLAN_REFUSED;
	p->rec.results_dir = p->opts.results_dir;
	p->rec.ce = p->expectations ? &p->ce : NULL;
	/* two clients greeting with one name have labels of their own
	 * (ga_plan_client_label); what still shares a directory is told,
	 * and fails --strict */
	if (ga_plan_check_combos(p) && p->strict) {
		st->r->violations++;
		ga_why_strict(&st->r->why, "two clients share a results "
			      "directory (above)");
	}
	if (ga_matrix_init(&st->m, p->scs, p->nscs, ncombos)) {
		fprintf(stderr, "goneaway: out of memory\n");
		return GA_PLAN_REFUSED;
	}
	st->start_weight = ga_server_guess_weight(p->server_ops,
			(const char (*)[PATH_MAX])p->roots, p->nservers);
	if (!p->jobs && default_jobs(p, count_runs(p->scs, p->nscs) * ncombos))
		return GA_PLAN_REFUSED;
	/* before -j forks its workers: they count in the same totals */
	if (p->opts.capture && p->opts.results_dir &&
	    (p->opts.capture_total || p->opts.capture_case_total)) {
		p->opts.capture_totals = ga_capture_totals_new(
			p->opts.capture_total, p->opts.capture_case_total,
			&err);
		if (!p->opts.capture_totals) {
			fprintf(stderr, "goneaway: %s\n", err.msg);
			return GA_PLAN_REFUSED;
		}
	}
	return GA_PLAN_DONE;
}

/* Every case, one after another or on -j's workers, and what comes
 * after the last. */
static enum ga_plan_status run_cases(struct ga_plan_state *st,
				     struct ga_interrupt *in)
{
	struct ga_plan *p = st->p;
	struct ga_plan_result *r = st->r;
	size_t ncombos = ga_plan_ncombos(p), s, index = 0;
	double t0 = ga_clock_ms();

	ga_sinks_begin_run(&st->sinks, p->nscs * ncombos);
	if (p->jobs > 1 && p->nscs * ncombos > 0) {
		if (ga_plan_run_jobs(st, in))
			return GA_PLAN_BROKEN;
	} else {
		for (s = 0; s < p->nservers && !ga_interrupted(in); s++)
			if (run_server(st, s, in, &index))
				return GA_PLAN_BROKEN;
	}
	r->sum.wall_ms = ga_clock_ms() - t0;
	r->sum.signo = ga_interrupted(in) ? in->signo : 0;
	r->sum.table = &st->m;
	ga_sinks_end_run(&st->sinks, &r->sum);
	r->sum.table = NULL;
	return GA_PLAN_DONE;
}

enum ga_plan_status ga_plan_run(struct ga_plan *p, struct ga_interrupt *in,
				struct ga_plan_result *r)
{
	struct ga_plan_state st;
	enum ga_plan_status status;

	memset(r, 0, sizeof(*r));
	memset(&st, 0, sizeof(st));
	st.p = p;
	st.r = r;
	p->meta.results_dir = p->opts.results_dir;
	if (p->opts.results_dir)
		snprintf(p->results_jsonl, sizeof(p->results_jsonl),
			 "%s/results.jsonl", p->opts.results_dir);
	status = prepare(&st, in);
	if (status == GA_PLAN_DONE)
		status = run_cases(&st, in);
	ga_capture_totals_free(p->opts.capture_totals);
	p->opts.capture_totals = NULL;
	ga_sinks_free(&st.sinks);
	ga_matrix_free(&st.m);
	return status;
}

void ga_plan_free(struct ga_plan *p)
{
	size_t i;

	for (i = 0; i < GA_PLAN_CHOICES; i++)
		ga_driver_release(&p->drivers[i]);
	ga_recorder_free(&p->rec);
	ga_scenarios_free(p->scs, p->paths.n);
	p->scs = NULL;
	ga_expect_file_free(&p->ce);    /* after the scenarios: their lines
					 * from the file name it */
	ga_path_list_free(&p->paths);
}
