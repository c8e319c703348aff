/* run.c - "goneaway run": its options, the plan they make (plan/plan.h)
 * and the plan's run turned into an exit status. */
#include "cli/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/memfs.h"
#include "plan/paths.h"
#include "plan/plan.h"
#include "util/escape.h"
#include "util/units.h"

static int parse_duration_arg(const char *opt, const char *s, long *ms)
{
	if (ga_units_ms(s, ms, NULL) == 0 && *ms > 0)
		return 0;
	fprintf(stderr, "goneaway: %s: '%s' is not a duration like 30s or "
		"500ms\n", opt, s);
	return -1;
}

static int parse_jobs(const char *s, unsigned *jobs)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno == 0 && end != s && !*end && n >= 1 &&
	    n <= GA_PLAN_MAX_JOBS) {
		*jobs = (unsigned)n;
		return 0;
	}
	fprintf(stderr, "goneaway: -j: '%s' is not a number of jobs from 1 "
		"to %d\n", s, GA_PLAN_MAX_JOBS);
	return -1;
}

enum {
	OPT_NO_RESULTS = 256, OPT_TIMINGS, OPT_COLOR, OPT_MARIADBD,
	OPT_INSTALL_DB, OPT_FIXTURES, OPT_CACHE, OPT_STEP_TIMEOUT,
	OPT_LIST, OPT_SHARD, OPT_DURATIONS, OPT_REPEAT,
	OPT_SERVER_TIMEOUT, OPT_STRICT, OPT_ALLOW_SKIP, OPT_SERVER, OPT_CLIENT,
	OPT_STOP_EARLY, OPT_RECORD,
	OPT_EXPECTATIONS, OPT_NO_CAPTURE, OPT_CAPTURE_LIMIT, OPT_PROXY,
	OPT_CAPTURE_TOTAL, OPT_CAPTURE_CASE_TOTAL,
	OPT_FRESH_SERVERS, OPT_FRESH_DRIVERS, OPT_MEMFS_SIZE,
};

static const struct option run_long_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "results", required_argument, NULL, 'o' },
	{ "no-results", no_argument, NULL, OPT_NO_RESULTS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "timings", no_argument, NULL, OPT_TIMINGS },
	{ "fresh-servers", no_argument, NULL, OPT_FRESH_SERVERS },
	{ "fresh-drivers", no_argument, NULL, OPT_FRESH_DRIVERS },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "allow-skip", required_argument, NULL, OPT_ALLOW_SKIP },
	{ "server", required_argument, NULL, OPT_SERVER },
	{ "client", required_argument, NULL, OPT_CLIENT },
	{ "proxy", required_argument, NULL, OPT_PROXY },
	{ "jobs", required_argument, NULL, 'j' },
	{ "stop-early", no_argument, NULL, OPT_STOP_EARLY },
	{ "repeat", required_argument, NULL, OPT_REPEAT },
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
	{ "memfs-size", required_argument, NULL, OPT_MEMFS_SIZE },
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

int cli_memfs_size(const char *arg, long long *size)
{
	uint64_t bytes;

	if (ga_units_size(arg, &bytes, NULL) == 0 &&
	    bytes >= (uint64_t)GA_MEMFS_SIZE_MIN && bytes <= (uint64_t)LLONG_MAX) {
		*size = (long long)bytes;
		return 0;
	}
	fprintf(stderr, "goneaway: --memfs-size: '%s' is not a size of at least "
		"128MiB (e.g. 2GiB)\n", arg);
	return -1;
}

/* What the command line says that is not the plan's: --list, the
 * --color word, --repeat N (0: each scenario's own). */
struct run_args {
	bool list;
	const char *color;
	const char *format;
	long repeat;
};

/* --repeat N: as a scenario's "repeat N" takes it, 1 to 1000. */
static int parse_repeat(const char *arg, long *n)
{
	char *end;

	errno = 0;
	*n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || *n < 1 || *n > 1000) {
		fprintf(stderr, "goneaway: --repeat: '%s' is not a number of "
			"runs from 1 to 1000\n", arg);
		return -1;
	}
	return 0;
}

static int parse_run_args(int argc, char **argv, struct run_args *a,
			  struct ga_plan *p)
{
	struct ga_server_options *so = &p->opts.server_opts;
	struct option longopts[CLI_OPTIONS_MAX];
	struct ga_error err;
	int c;

	memset(a, 0, sizeof(*a));
	ga_plan_init(p);
	a->color = "auto";
	a->format = p->console->name;
	cli_output_options(GA_OUTPUT_RUN, run_long_opts, longopts);

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:vhk:j:", longopts, NULL)) != -1) {
		if (cli_output_option(p, c, optarg))
			continue;
		switch (c) {
		case 'f': a->format = optarg; break;
		case 'o': p->opts.results_dir = optarg; break;
		case OPT_NO_RESULTS: p->opts.results_dir = NULL; break;
		case 'v': p->verbose++; break;
		case 'k': p->select.expr = optarg; break;
		case OPT_LIST: a->list = true; break;
		case OPT_SHARD: p->select.shard = optarg; break;
		case OPT_DURATIONS: p->select.durations = optarg; break;
		case OPT_TIMINGS: p->timings = true; break;
		case OPT_FRESH_SERVERS: p->opts.fresh_servers = true; break;
		case OPT_FRESH_DRIVERS: p->opts.fresh_drivers = true; break;
		case OPT_COLOR: a->color = optarg; break;
		case OPT_STRICT: p->strict = true; break;
		case OPT_STOP_EARLY: p->opts.stop_early = true; break;
		case OPT_REPEAT:
			if (parse_repeat(optarg, &a->repeat))
				return -1;
			break;
		case OPT_RECORD: p->record = p->opts.record = true; break;
		case OPT_EXPECTATIONS: p->expectations = optarg; break;
		case OPT_NO_CAPTURE: p->opts.capture = false; break;
		case OPT_CAPTURE_LIMIT:
			if (ga_units_bytes(optarg, &p->opts.capture_limit,
					   NULL) || p->opts.capture_limit < 1024) {
				fprintf(stderr, "goneaway: --capture-limit: "
					"'%s' is not a size of at least 1KiB "
					"(e.g. 16MiB)\n", optarg);
				return -1;
			}
			break;
		case OPT_CAPTURE_TOTAL:
		case OPT_CAPTURE_CASE_TOTAL:
			if (parse_capture_total(c, optarg, &p->opts))
				return -1;
			break;
		case OPT_ALLOW_SKIP:
			if (ga_allow_add(&p->allowed, optarg, &err)) {
				ga_esc_line(stderr, "goneaway: --allow-skip: %s",
					    err.msg);
				return -1;
			}
			break;
		case OPT_SERVER:
			if (ga_plan_add_server(p, optarg, &err)) {
				ga_esc_line(stderr, "goneaway: %s", err.msg);
				return -1;
			}
			break;
		case OPT_CLIENT:
			if (ga_plan_add_client(p, optarg, &err)) {
				ga_esc_line(stderr, "goneaway: %s", err.msg);
				return -1;
			}
			break;
		case OPT_PROXY:
			if (ga_plan_add_proxy(p, optarg, &err)) {
				ga_esc_line(stderr, "goneaway: %s", err.msg);
				return -1;
			}
			break;
		case 'j':
			if (parse_jobs(optarg, &p->jobs))
				return -1;
			break;
		case OPT_MARIADBD: so->mariadbd = optarg; break;
		case OPT_INSTALL_DB: so->install_db = optarg; break;
		case OPT_FIXTURES: so->fixtures_dir = optarg; break;
		case OPT_CACHE: so->cache_dir = optarg; break;
		case OPT_MEMFS_SIZE:
			if (cli_memfs_size(optarg, &p->opts.memfs_size))
				return -1;
			break;
		case OPT_STEP_TIMEOUT:
			if (parse_duration_arg("--step-timeout", optarg,
					       &p->opts.step_timeout_ms))
				return -1;
			break;
		case OPT_SERVER_TIMEOUT:
			if (parse_duration_arg("--server-timeout", optarg,
					       &so->timeout_ms))
				return -1;
			break;
		case 'h':
			cli_usage(stdout);
			exit(EXIT_ALL_PASSED);
		default:
			return -1;
		}
	}
	if (cli_console(p, GA_OUTPUT_RUN, "goneaway", a->format, a->color))
		return -1;
	if (!so->fixtures_dir) {
		if (ga_find_share_dir("fixtures", p->fixtures,
				      sizeof(p->fixtures), &err)) {
			fprintf(stderr, "goneaway: fixtures: %s (or give "
				"--fixtures DIR)\n", err.msg);
			return -1;
		}
		so->fixtures_dir = p->fixtures;
	}
	if (optind >= argc) {
		fprintf(stderr, "goneaway run: no scenario files or directories "
			"given (try: goneaway run scenarios/)\n");
		return -1;
	}
	p->meta.version = cli_version();
	p->meta.argc = argc;
	p->meta.argv = argv;
	if (p->record && !p->expectations && !p->opts.results_dir) {
		fprintf(stderr, "goneaway: --record writes its patch into the "
			"results directory: give -o DIR, not --no-results (or "
			"--expectations FILE)\n");
		return -1;
	}
	return 0;
}

/* What the run's result says to the caller (--help: "exit status"). */
static int exit_code(enum ga_plan_status status,
		     const struct ga_plan_result *r, bool record,
		     const struct ga_interrupt *in)
{
	switch (status) {
	case GA_PLAN_REFUSED: return EXIT_USAGE;
	case GA_PLAN_INTERRUPTED: return EXIT_INTERRUPTED + in->signo;
	case GA_PLAN_BROKEN: return EXIT_SOME_ERROR;
	case GA_PLAN_DONE: break;
	}
	if (r->sum.signo)
		return EXIT_INTERRUPTED + r->sum.signo;
	if (record)     /* what did not match is what was recorded */
		return r->record_failed ? EXIT_SOME_ERROR : EXIT_ALL_PASSED;
	if (r->sum.fail)
		return EXIT_SOME_FAILED;
	if (r->sum.error)
		return EXIT_SOME_ERROR;
	return r->violations ? EXIT_STRICT : EXIT_ALL_PASSED;
}

/* A new plan of argv's options, its scenarios loaded, into *pp (free it
 * with ga_plan_free() and free()).  Returns 0, or -1 having said why
 * (*pp NULL). */
static int load_plan(int argc, char **argv, struct run_args *a,
		     struct ga_plan **pp)
{
	struct ga_plan *p = malloc(sizeof(*p));

	*pp = NULL;
	if (!p) {
		fprintf(stderr, "goneaway: out of memory\n");
		return -1;
	}
	if (parse_run_args(argc, argv, a, p)) {
		free(p);
		return -1;
	}
	if (ga_plan_load(p, argv + optind, argc - optind)) {
		ga_plan_free(p);
		free(p);
		return -1;
	}
	*pp = p;
	return 0;
}

int cmd_run_check(int argc, char **argv)
{
	struct run_args a;
	struct ga_plan *p;
	int code = EXIT_USAGE;

	if (load_plan(argc, argv, &a, &p))
		return EXIT_USAGE;
	if (ga_plan_check_dirs(p) == 0) {
		/* the drivers run before the run do with its cache */
		ga_drivers_cache_use(p->cache);
		code = EXIT_ALL_PASSED;
	}
	ga_plan_free(p);
	free(p);
	return code;
}

int cmd_run(int argc, char **argv, struct ga_interrupt *in)
{
	enum ga_plan_status status;
	struct ga_plan_result r;
	struct run_args a;
	struct ga_plan *p;
	int code = EXIT_USAGE;
	size_t i;

	if (load_plan(argc, argv, &a, &p))
		return EXIT_USAGE;
	/* --repeat N: every scenario runs N times, as if its file said
	 * "repeat N" (the file itself is left as it is) */
	for (i = 0; a.repeat && i < p->nscs; i++)
		p->scs[i]->repeat = a.repeat;
	if (a.list) {
		ga_list_scenarios(p->scs, p->nscs);
		code = EXIT_ALL_PASSED;
		goto out;
	}
	status = ga_plan_run(p, in, &r);
	code = exit_code(status, &r, p->record, in);
	if (status == GA_PLAN_DONE)
		cli_why_print(&r.why, "goneaway", code, r.sum.signo);
out:
	ga_plan_free(p);
	free(p);
	return code;
}
