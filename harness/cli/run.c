/* run.c - "goneaway run": options, the run loop and its exit status. */
#include "cli/internal.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/driver.h"
#include "server/rootfs.h"
#include "server/backends.h"
#include "report/matrix.h"
#include "report/report.h"
#include "run/runner.h"
#include "util/clock.h"
#include "util/units.h"
#include "util/escape.h"
#include "util/fsutil.h"

#define MAX_CHOICES 16    /* --server and --client values */

struct run_args {
	struct ga_run_options opts;
	const char *servers[MAX_CHOICES];       /* --server, in order */
	const struct ga_server_backend_ops *server_ops[MAX_CHOICES];
	char roots[MAX_CHOICES][PATH_MAX];      /* what follows a backend prefix
						 * (ga_server_options.arg) */
	size_t nservers;
	const char *clients[MAX_CHOICES];       /* --client, in order */
	size_t nclients;
	struct ga_driver drivers[MAX_CHOICES];  /* owned: one per client */
	const char *markdown;                   /* --markdown FILE */
	const char *format;
	const char *junit;
	const char *jsonl;                      /* --jsonl FILE */
	struct ga_jsonl_meta meta;              /* for the JSON Lines */
	char results_jsonl[PATH_MAX];           /* -o's results.jsonl */
	const char *color;
	int verbose;
	bool timings;
	bool strict;
	bool allowed[GA_SKIP_KIND_COUNT];       /* --allow-skip KIND */
	char fixtures[PATH_MAX];
	char cache[PATH_MAX];
	struct select_args select;              /* -k, --shard, --list */
};

static int parse_duration_arg(const char *opt, const char *s, long *ms)
{
	if (ga_units_ms(s, ms, NULL) == 0 && *ms > 0)
		return 0;
	fprintf(stderr, "goneaway: %s: '%s' is not a duration like 30s or "
		"500ms\n", opt, s);
	return -1;
}

static int parse_allow_skip(const char *arg, struct run_args *a)
{
	char words[256] = "";
	size_t used = 0;
	int k, i;

	k = ga_skip_kind_find(arg);
	if (k > 0) {
		a->allowed[k] = true;
		return 0;
	}
	for (i = 1; i < GA_SKIP_KIND_COUNT && used < sizeof(words); i++)
		used += (size_t)snprintf(words + used, sizeof(words) - used,
					 "%s%s", i > 1 ? ", " : "",
					 ga_skip_kind_name((enum ga_skip_kind)i));
	fprintf(stderr, "goneaway: --allow-skip: '%s' is not one of: %s\n",
		arg, words);
	return -1;
}

enum {
	OPT_JUNIT = 256, OPT_NO_RESULTS, OPT_TIMINGS, OPT_COLOR, OPT_MARIADBD,
	OPT_INSTALL_DB, OPT_FIXTURES, OPT_CACHE, OPT_STEP_TIMEOUT,
	OPT_LIST, OPT_SHARD, OPT_DURATIONS,
	OPT_SERVER_TIMEOUT, OPT_STRICT, OPT_ALLOW_SKIP, OPT_SERVER, OPT_CLIENT,
	OPT_MARKDOWN, OPT_JSONL,
};

static const struct option run_long_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "junit", required_argument, NULL, OPT_JUNIT },
	{ "jsonl", required_argument, NULL, OPT_JSONL },
	{ "results", required_argument, NULL, 'o' },
	{ "no-results", no_argument, NULL, OPT_NO_RESULTS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "timings", no_argument, NULL, OPT_TIMINGS },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "allow-skip", required_argument, NULL, OPT_ALLOW_SKIP },
	{ "server", required_argument, NULL, OPT_SERVER },
	{ "client", required_argument, NULL, OPT_CLIENT },
	{ "markdown", required_argument, NULL, OPT_MARKDOWN },
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
	a->opts.tmp_root = tmp_root();
	a->opts.step_timeout_ms = 60000;
	a->format = "human";
	a->color = "auto";
	default_cache(a->cache, sizeof(a->cache));
	so->cache_dir = a->cache;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:vhk:", run_long_opts, NULL)) != -1) {
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
		case OPT_COLOR: a->color = optarg; break;
		case OPT_STRICT: a->strict = true; break;
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
			break;
		case OPT_MARKDOWN: a->markdown = optarg; break;
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
		if (find_share_dir("fixtures", a->fixtures,
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
	return 0;
}

/* One --client: "builtin", a driver named in drivers/drivers.list, or
 * "cmd:COMMAND ARGS..." (split at blanks). */
static int open_client(const char *client, struct ga_driver *drv)
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
	} else if (find_driver(client, line, sizeof(line), &err)) {
		ga_esc_line(stderr, "goneaway: --client %s: %s", client, err.msg);
		return -1;
	}
	for (w = strtok_r(line, " \t", &save); w && n < 31;
	     w = strtok_r(NULL, " \t", &save))
		argv[n++] = w;
	argv[n] = NULL;
	if (ga_driver_process(drv, argv, &err)) {
		ga_esc_line(stderr, "goneaway: --client %s: %s", client, err.msg);
		return -1;
	}
	return 0;
}

static int open_clients(struct run_args *a)
{
	size_t i;

	for (i = 0; i < a->nclients; i++)
		if (open_client(a->clients[i], &a->drivers[i]))
			return -1;
	return 0;
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

enum report_event { BEGIN_RUN, BEGIN_CASE, END_CASE, END_RUN };

static void report_all(struct ga_reporter **reps, size_t nreps,
		       enum report_event what, size_t index,
		       const struct ga_scenario *sc,
		       const struct ga_case_result *res,
		       const struct ga_run_summary *sum, size_t ncases)
{
	size_t i;

	for (i = 0; i < nreps; i++) {
		const struct ga_reporter_ops *ops = reps[i]->ops;

		switch (what) {
		case BEGIN_RUN: ops->begin_run(reps[i], ncases); break;
		case BEGIN_CASE: ops->begin_case(reps[i], index, sc); break;
		case END_CASE: ops->end_case(reps[i], index, sc, res); break;
		case END_RUN: ops->end_run(reps[i], sum); break;
		}
	}
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
		: ga_report_human_new(stdout, cli_use_color(a->color),
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

/* The run of every scenario against one server and client. */
struct combo {
	size_t server, client, column;
	char label[160];                /* "local/builtin", "" if only one */
	char sub[160];                  /* its evidence directory under -o,
					 * "" if only one */
};

/* The evidence directory of a combination under -o: <server>-<client>
 * when there are several, with '/' of the names made '-' and ':' and ' '
 * made '_' (one component, never "." or ".."). */
static void combo_results(struct combo *k)
{
	char *p;

	snprintf(k->sub, sizeof(k->sub), "%s", k->label);
	for (p = k->sub; *p; p++)
		if (*p == '/' || *p == ':' || *p == ' ')
			*p = *p == '/' ? '-' : '_';
	if (strcmp(k->sub, ".") == 0 || strcmp(k->sub, "..") == 0)
		k->sub[0] = '_';
}

struct run_totals {
	struct ga_run_summary sum;
	size_t violations;
};

static void count(struct run_totals *t, const struct ga_case_result *res)
{
	switch (res->verdict) {
	case GA_VERDICT_PASS: t->sum.pass++; break;
	case GA_VERDICT_FAIL: t->sum.fail++; break;
	case GA_VERDICT_SKIP: t->sum.skip++; break;
	case GA_VERDICT_ERROR: t->sum.error++; break;
	}
}

/* Runs every scenario for one server with each client in turn.  Returns
 * 0, or -1 when the run could not even start (err printed). */
static int run_server(struct run_args *a, size_t s, struct ga_scenario **scs,
		      size_t nscs, struct ga_reporter **reps, size_t nreps,
		      struct ga_matrix *m, struct ga_interrupt *in,
		      struct run_totals *t, size_t *index)
{
	struct ga_run_options opts = a->opts;
	struct ga_runner runner;
	struct ga_error err;
	struct combo k;
	size_t c, i;
	bool many = a->nservers * a->nclients > 1;

	opts.server = a->server_ops[s];
	opts.server_opts.arg = a->roots[s];
	opts.server_name = a->servers[s];
	if (ga_runner_open(&runner, &opts, in, &err)) {
		ga_esc_line(stderr, "goneaway: %s", err.msg);
		return -1;
	}
	for (c = 0; c < a->nclients && !ga_interrupted(in); c++) {
		memset(&k, 0, sizeof(k));
		k.server = s;
		k.client = c;
		k.column = s * a->nclients + c;
		if (many)
			snprintf(k.label, sizeof(k.label), "%s/%s",
				 a->servers[s], a->drivers[c].name);
		combo_results(&k);
		opts.driver = &a->drivers[c];
		opts.results_sub = k.sub[0] ? k.sub : NULL;
		ga_matrix_column(m, k.column, k.label[0] ? k.label :
				 a->servers[s]);
		for (i = 0; i < nscs && !ga_interrupted(in); i++) {
			struct ga_case_result res;

			report_all(reps, nreps, BEGIN_CASE, *index, scs[i],
				   NULL, NULL, 0);
			runner.next = i + 1 < nscs ? scs[i + 1] :
				      c + 1 < a->nclients ? scs[0] : NULL;
			ga_runner_run(&runner, scs[i], &res);
			snprintf(res.combo, sizeof(res.combo), "%s", k.label);
			count(t, &res);
			report_all(reps, nreps, END_CASE, *index, scs[i], &res,
				   NULL, 0);
			ga_matrix_set(m, i, k.column, scs[i], &res,
				      a->drivers[c].library);
			if (a->strict)
				t->violations += cli_strict_violations(
					a->allowed, scs[i]->path, &res);
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
	struct path_list paths = { 0 };
	struct ga_scenario **scs = NULL;
	struct run_totals t;
	struct ga_matrix m;
	struct run_args a;
	size_t nreps = 0, i, s, index = 0, ncombos, nrun = 0;
	double t0;
	int code = EXIT_USAGE;

	memset(&t, 0, sizeof(t));
	memset(&m, 0, sizeof(m));
	if (parse_run_args(argc, argv, &a))
		return EXIT_USAGE;
	if (collect_paths(argv + optind, argc - optind, &paths))
		goto out;
	if (paths.n == 0) {
		fprintf(stderr, "goneaway run: no scenario files found\n");
		goto out;
	}
	ncombos = a.nservers * a.nclients;
	if (parse_all(&paths, &scs) ||
	    select_scenarios(&a.select, scs, paths.n, &nrun))
		goto out;
	if (a.select.list) {
		list_scenarios(scs, nrun);
		code = EXIT_ALL_PASSED;
		goto out;
	}
	if (check_results_dir(a.opts.results_dir) ||
	    open_clients(&a) || build_reporters(&a, reps, &nreps))
		goto out;
	if (ga_matrix_init(&m, scs, nrun, ncombos)) {
		fprintf(stderr, "goneaway: out of memory\n");
		goto out;
	}
	t0 = ga_clock_ms();
	report_all(reps, nreps, BEGIN_RUN, 0, NULL, NULL, NULL,
		   nrun * ncombos);
	for (s = 0; s < a.nservers && !ga_interrupted(in); s++) {
		if (run_server(&a, s, scs, nrun, reps, nreps, &m, in, &t,
			       &index)) {
			code = EXIT_SOME_ERROR;
			goto out;
		}
	}
	t.sum.wall_ms = ga_clock_ms() - t0;
	t.sum.signo = ga_interrupted(in) ? in->signo : 0;
	if (ncombos > 1 && strcmp(a.format, "tap") != 0)
		ga_matrix_print(&m, stdout, false);
	if (a.markdown)
		cli_write_markdown(a.markdown, &m);
	report_all(reps, nreps, END_RUN, 0, NULL, NULL, &t.sum, 0);
	if (t.sum.signo)
		code = EXIT_INTERRUPTED + t.sum.signo;
	else if (t.sum.fail)
		code = EXIT_SOME_FAILED;
	else if (t.sum.error)
		code = EXIT_SOME_ERROR;
	else if (t.violations)
		code = EXIT_STRICT;
	else
		code = EXIT_ALL_PASSED;
out:
	ga_matrix_free(&m);
	for (i = 0; i < MAX_CHOICES; i++)
		ga_driver_release(&a.drivers[i]);
	for (i = 0; i < nreps; i++)
		ga_reporter_free(reps[i]);
	free_scenarios(scs, paths.n);
	path_list_free(&paths);
	return code;
}
