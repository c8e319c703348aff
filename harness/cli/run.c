/* run.c - "goneaway run": options, the run loop and its exit status. */
#include "cli/internal.h"
#include "plan/run.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/driver.h"
#include "lab/capture.h"
#include "proxy/proxy.h"
#include "server/rootfs.h"
#include "server/backends.h"
#include "server/jobs.h"
#include "report/matrix.h"
#include "report/report.h"
#include "run/runner.h"
#include "util/clock.h"
#include "util/units.h"
#include "util/escape.h"
#include "util/fsutil.h"

static int parse_duration_arg(const char *opt, const char *s, long *ms)
{
	if (ga_units_ms(s, ms, NULL) == 0 && *ms > 0)
		return 0;
	fprintf(stderr, "goneaway: %s: '%s' is not a duration like 30s or "
		"500ms\n", opt, s);
	return -1;
}

#define MAX_JOBS 64

static int parse_jobs(const char *s, unsigned *jobs)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno == 0 && end != s && !*end && n >= 1 && n <= MAX_JOBS) {
		*jobs = (unsigned)n;
		return 0;
	}
	fprintf(stderr, "goneaway: -j: '%s' is not a number of jobs from 1 "
		"to %d\n", s, MAX_JOBS);
	return -1;
}

/* -j when none is given: GONEAWAY_JOBS, or what the machine's cores
 * carry for the servers' start cost (server/jobs.h; README: "Parallel
 * runs").  Returns 0, or -1 after saying why GONEAWAY_JOBS is wrong. */
static int default_jobs(struct run_args *a, size_t nruns)
{
	struct ga_error err;
	char why[160];
	unsigned w;

	w = a->start_weight;
	if (ga_default_jobs(getenv("GONEAWAY_JOBS"), w, nruns, MAX_JOBS,
			    &a->jobs, why, sizeof(why), &err) == 0) {
		if (a->verbose)
			fprintf(stderr, "goneaway run: -j %u (%s)\n", a->jobs,
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

/* --proxy none|NAME: a proxy of proxy/proxy.h's table, or none */
static int parse_proxy(const char *arg, struct run_args *a)
{
	const char *const *names = ga_proxy_kind_names();
	char known[160] = "none";
	size_t i, n;

	if (a->nproxies == MAX_CHOICES) {
		fprintf(stderr, "goneaway: at most %d --proxy\n", MAX_CHOICES);
		return -1;
	}
	if (strcmp(arg, "none") == 0 || ga_proxy_kind_find(arg)) {
		a->proxies[a->nproxies++] = arg;
		return 0;
	}
	for (i = 0; names[i]; i++) {
		n = strlen(known);
		snprintf(known + n, sizeof(known) - n, ", %s", names[i]);
	}
	ga_esc_line(stderr, "goneaway: --proxy: '%s' is not a proxy goneaway "
		    "can run (known: %s)", arg, known);
	return -1;
}

/* --allow-skip KIND[:SCENARIO][@CLIENT] (plan/allow.c) */
static int parse_allow_skip(const char *arg, struct run_args *a)
{
	struct ga_error err;

	if (ga_allow_add(&a->allowed, arg, &err) == 0)
		return 0;
	ga_esc_line(stderr, "goneaway: --allow-skip: %s", err.msg);
	return -1;
}

enum {
	OPT_JUNIT = 256, OPT_NO_RESULTS, OPT_TIMINGS, OPT_COLOR, OPT_MARIADBD,
	OPT_INSTALL_DB, OPT_FIXTURES, OPT_CACHE, OPT_STEP_TIMEOUT,
	OPT_LIST, OPT_SHARD, OPT_DURATIONS,
	OPT_SERVER_TIMEOUT, OPT_STRICT, OPT_ALLOW_SKIP, OPT_SERVER, OPT_CLIENT,
	OPT_MARKDOWN, OPT_JSONL, OPT_HTML, OPT_STOP_EARLY, OPT_RECORD,
	OPT_EXPECTATIONS, OPT_NO_CAPTURE, OPT_CAPTURE_LIMIT, OPT_PROXY,
	OPT_CAPTURE_TOTAL, OPT_CAPTURE_CASE_TOTAL,
	OPT_FRESH_SERVERS,
};

static const struct option run_long_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "junit", required_argument, NULL, OPT_JUNIT },
	{ "jsonl", required_argument, NULL, OPT_JSONL },
	{ "results", required_argument, NULL, 'o' },
	{ "no-results", no_argument, NULL, OPT_NO_RESULTS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "timings", no_argument, NULL, OPT_TIMINGS },
	{ "fresh-servers", no_argument, NULL, OPT_FRESH_SERVERS },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "allow-skip", required_argument, NULL, OPT_ALLOW_SKIP },
	{ "server", required_argument, NULL, OPT_SERVER },
	{ "client", required_argument, NULL, OPT_CLIENT },
	{ "proxy", required_argument, NULL, OPT_PROXY },
	{ "markdown", required_argument, NULL, OPT_MARKDOWN },
	{ "html", required_argument, NULL, OPT_HTML },
	{ "jobs", required_argument, NULL, 'j' },
	{ "stop-early", no_argument, NULL, OPT_STOP_EARLY },
	{ "record", no_argument, NULL, OPT_RECORD },
	{ "expectations", required_argument, NULL, OPT_EXPECTATIONS },
	{ "no-capture", no_argument, NULL, OPT_NO_CAPTURE },
	{ "capture-limit", required_argument, NULL, OPT_CAPTURE_LIMIT },
	{ "capture-total", required_argument, NULL, OPT_CAPTURE_TOTAL },
	{ "capture-case-total", required_argument, NULL,
	  OPT_CAPTURE_CASE_TOTAL },
	{ "mariadbd", required_argument, NULL, OPT_MARIADBD },
	{ "install-db", required_argument, NULL, OPT_INSTALL_DB },
	{ "fixtures", required_argument, NULL, OPT_FIXTURES },
	{ "cache", required_argument, NULL, OPT_CACHE },
	{ "step-timeout", required_argument, NULL, OPT_STEP_TIMEOUT },
	{ "server-timeout", required_argument, NULL, OPT_SERVER_TIMEOUT },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "durations", required_argument, NULL, OPT_DURATIONS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* --capture-total and --capture-case-total: a size of at least 1KiB, or
 * 0 or "none" for no bound. */
static int parse_capture_total(int opt, const char *arg,
			       struct ga_run_options *o)
{
	long *to = opt == OPT_CAPTURE_TOTAL ? &o->capture_total :
		   &o->capture_case_total;

	if (strcmp(arg, "none") == 0 || strcmp(arg, "0") == 0) {
		*to = 0;
		return 0;
	}
	if (ga_units_bytes(arg, to, NULL) || *to < 1024) {
		fprintf(stderr, "goneaway: --capture-%s: '%s' is not a size "
			"of at least 1KiB (e.g. 1GiB), nor none\n",
			opt == OPT_CAPTURE_TOTAL ? "total" : "case-total", arg);
		return -1;
	}
	return 0;
}

static int parse_run_args(int argc, char **argv, struct run_args *a)
{
	struct ga_server_options *so = &a->opts.server_opts;
	struct ga_error err;
	int c;

	memset(a, 0, sizeof(*a));

	so->mariadbd = "/usr/sbin/mariadbd";
	so->install_db = "/usr/bin/mariadb-install-db";
	so->timeout_ms = 30000;
	a->opts.results_dir = "goneaway-results";
	a->opts.tmp_root = ga_tmp_root();
	/* the servers' datadirs in memory unless asked not (run/runner.h) */
	a->opts.run_on_disk = getenv("GONEAWAY_RUN_ON_DISK") &&
			      strcmp(getenv("GONEAWAY_RUN_ON_DISK"), "1") == 0;
	a->opts.step_timeout_ms = 60000;
	a->opts.capture = true;
	a->opts.capture_limit = GA_CAPTURE_LIMIT_DEFAULT;
	a->opts.capture_total = GA_CAPTURE_RUN_TOTAL_DEFAULT;
	a->opts.capture_case_total = GA_CAPTURE_CASE_TOTAL_DEFAULT;
	a->format = "human";
	a->color = "auto";
	ga_default_cache(a->cache, sizeof(a->cache));
	so->cache_dir = a->cache;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:vhk:j:", run_long_opts, NULL)) != -1) {
		switch (c) {
		case 'f': a->format = optarg; break;
		case OPT_JUNIT: a->junit = optarg; break;
		case OPT_JSONL: a->jsonl = optarg; break;
		case 'o': a->opts.results_dir = optarg; break;
		case OPT_NO_RESULTS: a->opts.results_dir = NULL; break;
		case 'v': a->verbose++; break;
		case 'k': a->select.expr = optarg; break;
		case OPT_LIST: a->select.list = true; break;
		case OPT_SHARD: a->select.shard = optarg; break;
		case OPT_DURATIONS: a->select.durations = optarg; break;
		case OPT_TIMINGS: a->timings = true; break;
		case OPT_FRESH_SERVERS: a->opts.fresh_servers = true; break;
		case OPT_COLOR: a->color = optarg; break;
		case OPT_STRICT: a->strict = true; break;
		case OPT_STOP_EARLY: a->opts.stop_early = true; break;
		case OPT_RECORD: a->record = a->opts.record = true; break;
		case OPT_EXPECTATIONS: a->expectations = optarg; break;
		case OPT_NO_CAPTURE: a->opts.capture = false; break;
		case OPT_CAPTURE_LIMIT:
			if (ga_units_bytes(optarg, &a->opts.capture_limit,
					   NULL) || a->opts.capture_limit < 1024) {
				fprintf(stderr, "goneaway: --capture-limit: "
					"'%s' is not a size of at least 1KiB "
					"(e.g. 16MiB)\n", optarg);
				return -1;
			}
			break;
		case OPT_CAPTURE_TOTAL:
		case OPT_CAPTURE_CASE_TOTAL:
			if (parse_capture_total(c, optarg, &a->opts))
				return -1;
			break;
		case OPT_ALLOW_SKIP:
			if (parse_allow_skip(optarg, a))
				return -1;
			break;
		case OPT_SERVER:
			if (a->nservers == MAX_CHOICES) {
				fprintf(stderr, "goneaway: at most %d --server\n",
					MAX_CHOICES);
				return -1;
			}
			if (ga_server_spec_parse(optarg, GA_ROOTS_DIR,
						 &a->server_ops[a->nservers],
						 a->roots[a->nservers],
						 sizeof(a->roots[0]), &err)) {
				fprintf(stderr, "goneaway: --server: %s\n",
					err.msg);
				return -1;
			}
			a->servers[a->nservers++] = optarg;
			break;
		case OPT_CLIENT:
			if (a->nclients == MAX_CHOICES) {
				fprintf(stderr, "goneaway: at most %d --client\n",
					MAX_CHOICES);
				return -1;
			}
			a->clients[a->nclients++] = optarg;
			a->clients_given = true;
			break;
		case OPT_PROXY:
			if (parse_proxy(optarg, a))
				return -1;
			break;
		case OPT_MARKDOWN: a->markdown = optarg; break;
		case OPT_HTML: a->html = optarg; break;
		case 'j':
			if (parse_jobs(optarg, &a->jobs))
				return -1;
			break;
		case OPT_MARIADBD: so->mariadbd = optarg; break;
		case OPT_INSTALL_DB: so->install_db = optarg; break;
		case OPT_FIXTURES: so->fixtures_dir = optarg; break;
		case OPT_CACHE: so->cache_dir = optarg; break;
		case OPT_STEP_TIMEOUT:
			if (parse_duration_arg("--step-timeout", optarg,
					       &a->opts.step_timeout_ms))
				return -1;
			break;
		case OPT_SERVER_TIMEOUT:
			if (parse_duration_arg("--server-timeout", optarg,
					       &so->timeout_ms))
				return -1;
			break;
		case 'h':
			fputs(ga_usage_text, stdout);
			exit(EXIT_ALL_PASSED);
		default:
			return -1;
		}
	}
	if (strcmp(a->format, "human") != 0 && strcmp(a->format, "tap") != 0) {
		fprintf(stderr, "goneaway: --format: '%s' is not human or tap\n",
			a->format);
		return -1;
	}
	if (strcmp(a->color, "auto") != 0 && strcmp(a->color, "always") != 0 &&
	    strcmp(a->color, "never") != 0) {
		fprintf(stderr, "goneaway: --color: '%s' is not auto, always or "
			"never\n", a->color);
		return -1;
	}
	if (!so->fixtures_dir) {
		if (ga_find_share_dir("fixtures", a->fixtures,
				   sizeof(a->fixtures), &err)) {
			fprintf(stderr, "goneaway: fixtures: %s (or give "
				"--fixtures DIR)\n", err.msg);
			return -1;
		}
		so->fixtures_dir = a->fixtures;
	}
	if (optind >= argc) {
		fprintf(stderr, "goneaway run: no scenario files or directories "
			"given (try: goneaway run scenarios/)\n");
		return -1;
	}
	a->meta.version = GONEAWAY_VERSION;
	a->meta.argc = argc;
	a->meta.argv = argv;
	a->meta.results_dir = a->opts.results_dir;
	if (a->opts.results_dir)
		snprintf(a->results_jsonl, sizeof(a->results_jsonl),
			 "%s/results.jsonl", a->opts.results_dir);
	if (!a->nservers) {
		a->server_ops[0] = ga_server_backend_find("local");
		a->servers[a->nservers++] = "local";
	}
	if (!a->nclients)
		a->clients[a->nclients++] = "builtin";
	if (a->record && !a->expectations && !a->opts.results_dir) {
		fprintf(stderr, "goneaway: --record writes its patch into the "
			"results directory: give -o DIR, not --no-results (or "
			"--expectations FILE)\n");
		return -1;
	}
	return 0;
}

/* A cmd: driver that greets with a shipped driver's name is held to that
 * driver's [client=NAME] lines: say so, it is rarely meant. */
static void warn_taken_name(const char *client, const struct ga_driver *drv)
{
	if (!cli_client_name_listed(drv->name))
		return;
	ga_esc_line(stderr, "goneaway: warning: --client %s: the driver "
		    "calls itself '%s', the name of a shipped client "
		    "(drivers/drivers.list), so that client's "
		    "[client=%s] expect lines apply to it; give it its own "
		    "name (the greeting's \"driver\") unless it is that "
		    "connector", client, drv->name, drv->name);
}

/* One --client: "builtin", a driver named in drivers/drivers.list, or
 * "cmd:COMMAND ARGS..." (split at blanks). */
static int open_client(const char *client, struct ga_driver *drv,
		       struct ga_interrupt *in)
{
	struct ga_error err;
	char *argv[32];
	char line[1024], *save = NULL, *w;
	int n = 0;

	if (strcmp(client, "builtin") == 0) {
		ga_driver_builtin(drv);
		return 0;
	}
	if (strncmp(client, "cmd:", 4) == 0) {
		snprintf(line, sizeof(line), "%s", client + 4);
	} else if (ga_find_driver(client, line, sizeof(line), &err)) {
		ga_esc_line(stderr, "goneaway: --client %s: %s", client, err.msg);
		return -1;
	}
	for (w = strtok_r(line, " \t", &save); w && n < 31;
	     w = strtok_r(NULL, " \t", &save))
		argv[n++] = w;
	argv[n] = NULL;
	if (ga_driver_process(drv, argv, in, &err)) {
		ga_esc_line(stderr, "goneaway: --client %s: %s", client, err.msg);
		return -1;
	}
	if (strncmp(client, "cmd:", 4) != 0)
		snprintf(drv->alias, sizeof(drv->alias), "%s", client);
	else
		warn_taken_name(client, drv);
	if (strncmp(client, "cmd:", 4) != 0 && strchr(client, '@') &&
	    strcmp(strchr(client, '@') + 1, drv->version_text) != 0) {
		ga_esc_line(stderr, "goneaway: --client %s: the driver greets "
			    "with %s (version %s), not %s: it cannot run "
			    "another version of its connector (README, "
			    "\"Choosing a connector's version\")", client,
			    drv->library, drv->version_text[0] ?
			    drv->version_text : "unknown",
			    strchr(client, '@') + 1);
		ga_driver_release(drv);
		return -1;
	}
	return 0;
}

static int open_clients(struct run_args *a, struct ga_interrupt *in)
{
	size_t i;

	for (i = 0; i < a->nclients; i++)
		if (open_client(a->clients[i], &a->drivers[i], in))
			return -1;
	return 0;
}

/* --expectations FILE: its driver is the client when no --client is
 * given (before the clients are opened). */
static void expectations_client(struct run_args *a)
{
	if (!a->clients_given && a->ce.exists && a->ce.x.driver) {
		a->clients[0] = a->ce.x.driver;
		a->nclients = 1;
	}
}

/* ... and once they greeted: the file is for one of them; a new one (a
 * --record run makes it) for the one client given. */
static int expectations_clients(struct run_args *a)
{
	struct ga_expect_file *ce = &a->ce;
	size_t i;

	if (!ce->exists) {
		if (a->nclients != 1) {
			ga_esc_line(stderr, "goneaway: --expectations %s: a "
				    "new expectation file is one client's: "
				    "give one --client", ce->path);
			return -1;
		}
		ce->x.client = strdup(a->drivers[0].name);
		ce->x.driver = strdup(a->clients[0]);
		if (!ce->x.client || !ce->x.driver) {
			fprintf(stderr, "goneaway: out of memory\n");
			return -1;
		}
		return 0;
	}
	for (i = 0; i < a->nclients; i++)
		if (strcmp(a->drivers[i].name, ce->x.client) == 0 ||
		    strcmp(a->drivers[i].alias, ce->x.client) == 0)
			return 0;
	ga_esc_line(stderr, "goneaway: --expectations %s: the file is "
		    "client %s's (line %d), and no --client greets as it "
		    "(%s calls itself '%s')", ce->path, ce->x.client,
		    ce->x.client_line, a->clients[0], a->drivers[0].name);
	return -1;
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

/* --strict: what a passing run may not have.  Prints each and counts. */

/* A JSON Lines reporter to path ("" or NULL: none); fresh: below -o. */
static int build_jsonl(const struct run_args *a, const char *path, bool fresh,
		       struct ga_reporter **reps, size_t *nreps)
{
	struct ga_error err;

	if (!path || !path[0])
		return 0;
	reps[*nreps] = ga_report_jsonl_new(path, &a->meta, fresh, &err);
	if (!reps[*nreps]) {
		fprintf(stderr, "goneaway: %s\n", err.msg);
		return -1;
	}
	(*nreps)++;
	return 0;
}

static int build_reporters(const struct run_args *a,
			   struct ga_reporter **reps, size_t *nreps)
{
	struct ga_error err;

	reps[*nreps] = strcmp(a->format, "tap") == 0
		? ga_report_tap_new(stdout)
		: ga_report_human_new(stdout, ga_use_color(a->color),
				      a->verbose, a->timings);
	if (!reps[*nreps])
		return -1;
	(*nreps)++;
	/* results for programs: --jsonl FILE, and always -o's */
	if (build_jsonl(a, a->jsonl, false, reps, nreps) ||
	    build_jsonl(a, a->results_jsonl, true, reps, nreps))
		return -1;
	if (!a->junit)
		return 0;
	reps[*nreps] = ga_report_junit_new(a->junit, &err);
	if (!reps[*nreps]) {
		ga_esc_line(stderr, "goneaway: %s", err.msg);
		return -1;
	}
	(*nreps)++;
	return 0;
}

enum report_event { BEGIN_RUN, END_RUN };

static void report_run(struct ga_reporter **reps, size_t nreps,
		       enum report_event what,
		       const struct ga_run_summary *sum, size_t ncases)
{
	size_t i;

	for (i = 0; i < nreps; i++) {
		if (what == BEGIN_RUN)
			reps[i]->ops->begin_run(reps[i], ncases);
		else
			reps[i]->ops->end_run(reps[i], sum);
	}
}

/* Runs every scenario for one server with each client in turn, in this
 * process (-j 1).  Returns 0, or -1 when the run could not even start
 * (err printed). */
static int run_server(const struct run_out *o, size_t s,
		      struct ga_scenario **scs, size_t nscs,
		      struct ga_interrupt *in, size_t *index)
{
	struct run_args *a = o->a;
	struct ga_run_options opts = a->opts;
	struct ga_runner runner;
	struct ga_error err;
	size_t per = run_ncombos(a) / a->nservers, c, i;
	struct combo k;

	opts.server = a->server_ops[s];
	opts.server_opts.arg = a->roots[s];
	opts.server_name = a->servers[s];
	if (ga_runner_open(&runner, &opts, in, &err)) {
		ga_esc_line(stderr, "goneaway: %s", err.msg);
		return -1;
	}
	/* each client, and with each of them each proxy */
	for (c = 0; c < per && !ga_interrupted(in); c++) {
		run_combo_init(a, s * per + c, &k);
		opts.driver = &a->drivers[k.client];
		opts.proxy = a->nproxies ? a->proxies[k.proxy] : NULL;
		opts.client_spec = a->clients[k.client];
		opts.results_sub = k.sub[0] ? k.sub : NULL;
		ga_matrix_column(o->m, k.column, k.label[0] ? k.label :
				 a->servers[s]);
		for (i = 0; i < nscs && !ga_interrupted(in); i++) {
			struct ga_case_result res;

			run_begin_case(o, *index, scs[i]);
			runner.next = i + 1 < nscs ? scs[i + 1] :
				      c + 1 < per ? scs[0] : NULL;
			ga_runner_run(&runner, scs[i], &res);
			run_end_case(o, *index, i, &k, scs[i], &res);
			ga_case_result_free(&res);
			(*index)++;
		}
	}
	ga_runner_close(&runner);
	return 0;
}

int cmd_run(int argc, char **argv, struct ga_interrupt *in)
{
	struct ga_reporter *reps[4] = { NULL, NULL, NULL, NULL };
	struct ga_path_list paths = { 0 };
	struct ga_scenario **scs = NULL;
	struct run_totals t;
	struct ga_matrix m;
	struct run_args a;
	struct run_out o = { &a, reps, 0, &m, &t };
	size_t nreps = 0, i, s, index = 0, ncombos, nrun = 0;
	double t0;
	int code = EXIT_USAGE;

	memset(&t, 0, sizeof(t));
	memset(&m, 0, sizeof(m));
	if (parse_run_args(argc, argv, &a))
		return EXIT_USAGE;
	if (ga_collect_paths(argv + optind, argc - optind, &paths))
		goto out;
	if (paths.n == 0) {
		fprintf(stderr, "goneaway run: no scenario files found\n");
		goto out;
	}
	ncombos = run_ncombos(&a);
	if (ga_parse_all(&paths, &scs) ||
	    ga_select_scenarios(&a.select, scs, paths.n, &nrun))
		goto out;
	if (a.select.list) {
		ga_list_scenarios(scs, nrun);
		code = EXIT_ALL_PASSED;
		goto out;
	}
	if (a.expectations) {
		if (ga_expect_file_load(&a.ce, a.expectations, a.record) ||
		    ga_expect_file_apply(&a.ce, scs, nrun))
			goto out;
		expectations_client(&a);
	}
	if (check_results_dir(a.opts.results_dir))
		goto out;
	if (open_clients(&a, in)) {
		/* a Ctrl-C while a driver greets ends the run as one */
		if (ga_interrupted(in))
			code = EXIT_INTERRUPTED + in->signo;
		goto out;
	}
	/* nothing under -o that is not goneaway's is replaced */
	if (run_check_owned(&a, scs, nrun))
		goto out;
	if ((a.expectations && expectations_clients(&a)) ||
	    build_reporters(&a, reps, &nreps))
		goto out;
	a.rec.results_dir = a.opts.results_dir;
	a.rec.ce = a.expectations ? &a.ce : NULL;
	o.nreps = nreps;
	/* two clients greeting with one name have labels of their own
	 * (run_client_label); what still shares a directory is told, and
	 * fails --strict */
	if (run_check_combos(&a) && a.strict) {
		t.violations++;
		ga_why_strict(&t.why, "two clients share a results "
			       "directory (above)");
	}
	if (ga_matrix_init(&m, scs, nrun, ncombos)) {
		fprintf(stderr, "goneaway: out of memory\n");
		goto out;
	}
	a.start_weight = ga_server_guess_weight(a.server_ops,
						(const char (*)[PATH_MAX])a.roots,
						a.nservers);
	if (!a.jobs && default_jobs(&a, count_runs(scs, nrun) * ncombos)) {
		code = EXIT_USAGE;
		goto out;
	}
	/* before -j forks its workers: they count in the same totals */
	if (a.opts.capture && a.opts.results_dir &&
	    (a.opts.capture_total || a.opts.capture_case_total)) {
		struct ga_error err;

		a.opts.capture_totals = ga_capture_totals_new(
			a.opts.capture_total, a.opts.capture_case_total, &err);
		if (!a.opts.capture_totals) {
			fprintf(stderr, "goneaway: %s\n", err.msg);
			goto out;
		}
	}
	t0 = ga_clock_ms();
	report_run(reps, nreps, BEGIN_RUN, NULL, nrun * ncombos);
	if (a.jobs > 1 && nrun * ncombos > 0) {
		if (run_jobs(&o, scs, nrun, in)) {
			code = EXIT_SOME_ERROR;
			goto out;
		}
	} else {
		for (s = 0; s < a.nservers && !ga_interrupted(in); s++) {
			if (run_server(&o, s, scs, nrun, in, &index)) {
				code = EXIT_SOME_ERROR;
				goto out;
			}
		}
	}
	t.sum.wall_ms = ga_clock_ms() - t0;
	t.sum.signo = ga_interrupted(in) ? in->signo : 0;
	if (ncombos > 1 && strcmp(a.format, "tap") != 0)
		ga_matrix_print(&m, stdout, false);
	if (a.markdown)
		ga_write_markdown(a.markdown, &m);
	if (a.html)
		ga_write_html(a.html, &m);
	if (a.expectations && !a.record)
		ga_expect_file_warn_ran(&a.ce);
	report_run(reps, nreps, END_RUN, &t.sum, 0);
	if (t.sum.signo)
		code = EXIT_INTERRUPTED + t.sum.signo;
	else if (a.record)      /* what did not match is what was recorded */
		code = ga_recorder_finish(&a.rec) || a.rec.incomplete ?
		       EXIT_SOME_ERROR : EXIT_ALL_PASSED;
	else if (t.sum.fail)
		code = EXIT_SOME_FAILED;
	else if (t.sum.error)
		code = EXIT_SOME_ERROR;
	else if (t.violations)
		code = EXIT_STRICT;
	else
		code = EXIT_ALL_PASSED;
	cli_why_print(&t.why, "goneaway", code, t.sum.signo);
out:
	ga_capture_totals_free(a.opts.capture_totals);
	ga_matrix_free(&m);
	for (i = 0; i < MAX_CHOICES; i++)
		ga_driver_release(&a.drivers[i]);
	for (i = 0; i < nreps; i++)
		ga_reporter_free(reps[i]);
	ga_recorder_free(&a.rec);
	ga_scenarios_free(scs, paths.n);
	ga_expect_file_free(&a.ce);   /* after the scenarios: their lines
					 * from the file name it */
	ga_path_list_free(&paths);
	return code;
}
