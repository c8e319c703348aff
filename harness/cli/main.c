/* main.c - the goneaway command line.  The only place that turns errors
 * into exit codes. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mysql.h>

#include "client/client.h"
#include "cli/doctor.h"
#include "util/clock.h"
#include "lang/diag.h"
#include "util/duration.h"
#include "lang/errnames.h"
#include "util/interrupt.h"
#include "lang/parse.h"
#include "report/report.h"
#include "run/rundir.h"
#include "run/runner.h"
#include "util/suggest.h"

#define GONEAWAY_VERSION "0.1.0"

/* Exit codes, documented in --help and the README. */
enum {
	EXIT_ALL_PASSED = 0,    /* every scenario PASSed or SKIPped */
	EXIT_SOME_FAILED = 1,   /* at least one FAIL */
	EXIT_USAGE = 2,         /* bad arguments or a malformed scenario file */
	EXIT_SOME_ERROR = 3,    /* no FAIL, but at least one ERROR */
	EXIT_INTERRUPTED = 128, /* + the signal number (130 for SIGINT) */
};

static const char usage_text[] =
"usage: goneaway [--help] [--version] <command> [<args>]\n"
"\n"
"Makes MySQL client connections die on purpose, against a real mariadbd\n"
"in network namespaces of its own, and checks which error the client sees.\n"
"\n"
"commands:\n"
"  run [options] PATH...   run scenario files; a directory means every\n"
"                          *.gw file in it, in name order\n"
"  check PATH...           parse scenario files and report every problem;\n"
"                          runs nothing\n"
"  errname NAME|NUMBER     translate between error names and numbers, from\n"
"                          the client library's own headers\n"
"  sweep                   remove what killed runs left in $TMPDIR\n"
"  doctor                  report what this machine can do: root,\n"
"                          namespaces, nftables, tbf, netem, mariadbd and\n"
"                          the client library, each with a reason when\n"
"                          missing; exits 0 when every required one is\n"
"                          there, 1 otherwise (netem is optional)\n"
"\n"
"run options:\n"
"  -f, --format FMT        console output: human (default) or tap\n"
"      --junit FILE        also write JUnit XML to FILE\n"
"  -o, --results DIR       keep each scenario's evidence (steps.log, the\n"
"                          server's error log and my.cnf) in DIR/<name>/\n"
"                          (default: ./goneaway-results)\n"
"      --no-results        keep no evidence\n"
"  -v, --verbose           show every step, not only the checked ones\n"
"      --timings           print each scenario's wall time next to its\n"
"                          deliberate waits, with set-up and teardown\n"
"      --color WHEN        auto (default), always or never; NO_COLOR=1\n"
"                          in the environment means never\n"
"      --mariadbd PATH     server binary (default /usr/sbin/mariadbd)\n"
"      --install-db PATH   (default /usr/bin/mariadb-install-db)\n"
"      --fixtures DIR      server fixtures (default: fixtures/ next to the\n"
"                          goneaway binary, or its installed share dir)\n"
"      --cache DIR         template datadir cache (default\n"
"                          $XDG_CACHE_HOME/goneaway or ~/.cache/goneaway)\n"
"      --step-timeout DUR  watchdog for a client call without its own\n"
"                          bound: it is then reported as a hang (default 60s)\n"
"      --server-timeout DUR  bound on server start-up and shutdown (30s)\n"
"\n"
"exit status:\n"
"  0   every scenario PASSed or was SKIPped (a requirement is missing)\n"
"  1   at least one scenario FAILed: an outcome did not match\n"
"  2   usage error, or a malformed scenario file: nothing ran\n"
"  3   no FAIL, but at least one ERROR: the harness could not do what a\n"
"      file says (lab, server, or a fault that could not be injected)\n"
"  128+N  interrupted by signal N (130: SIGINT); everything is cleaned up\n"
"\n"
"Scenario format: docs/scenario-format.md.  Needs root (namespaces).\n";

struct run_args {
	struct ga_run_options opts;
	const char *format;
	const char *junit;
	const char *color;
	int verbose;
	bool timings;
	char fixtures[PATH_MAX];
	char cache[PATH_MAX];
};

struct path_list {
	char **items;   /* owned strings */
	size_t n, cap;
};

static int path_list_add(struct path_list *l, const char *path)
{
	char **grown;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		grown = realloc(l->items, l->cap * sizeof(*grown));
		if (!grown)
			return -1;
		l->items = grown;
	}
	l->items[l->n] = strdup(path);
	if (!l->items[l->n])
		return -1;
	l->n++;
	return 0;
}

static void path_list_free(struct path_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}

static int cmp_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_scenario_name(const char *name)
{
	size_t len = strlen(name);

	return len > 3 && name[0] != '.' && strcmp(name + len - 3, ".gw") == 0;
}

/* Expands PATH arguments: directories into their *.gw files, sorted. */
static int collect_paths(char **args, int nargs, struct path_list *out)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	size_t first;
	DIR *dir;
	int i;

	for (i = 0; i < nargs; i++) {
		if (stat(args[i], &st) != 0) {
			fprintf(stderr, "goneaway: %s: %s\n", args[i], strerror(errno));
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (path_list_add(out, args[i]))
				return -1;
			continue;
		}
		dir = opendir(args[i]);
		if (!dir) {
			fprintf(stderr, "goneaway: %s: %s\n", args[i], strerror(errno));
			return -1;
		}
		first = out->n;
		while ((de = readdir(dir)) != NULL) {
			if (!is_scenario_name(de->d_name))
				continue;
			snprintf(path, sizeof(path), "%s%s%s", args[i],
				 args[i][strlen(args[i]) - 1] == '/' ? "" : "/",
				 de->d_name);
			if (path_list_add(out, path)) {
				closedir(dir);
				return -1;
			}
		}
		closedir(dir);
		qsort(out->items + first, out->n - first, sizeof(char *),
		      cmp_strings);
		if (out->n == first)
			fprintf(stderr, "goneaway: %s: no *.gw files\n", args[i]);
	}
	return 0;
}

/* Parses every file; prints all diagnostics.  Returns 0 if all parsed. */
static int parse_all(const struct path_list *paths, struct ga_scenario ***out)
{
	struct ga_scenario **scs;
	struct ga_diags diags = { 0 };
	size_t i;
	int bad = 0;

	scs = calloc(paths->n ? paths->n : 1, sizeof(*scs));
	if (!scs)
		return -1;
	for (i = 0; i < paths->n; i++)
		if (ga_parse_file(paths->items[i], &scs[i], &diags))
			bad = 1;
	ga_diags_print(&diags, stderr);
	if (bad)
		fprintf(stderr, "goneaway: %zu problem%s in scenario files; "
			"nothing was run\n", diags.n, diags.n == 1 ? "" : "s");
	ga_diags_free(&diags);
	*out = scs;
	return bad ? -1 : 0;
}

static void free_scenarios(struct ga_scenario **scs, size_t n)
{
	size_t i;

	if (!scs)
		return;
	for (i = 0; i < n; i++)
		if (scs[i])
			ga_scenario_free(scs[i]);
	free(scs);
}

/* fixtures/ next to the binary (a build tree), else ../share/goneaway. */
static void default_fixtures(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	snprintf(buf, len, "fixtures");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	snprintf(buf, len, "%s/fixtures", exe);
	if (access(buf, F_OK) == 0)
		return;
	snprintf(buf, len, "%s/../share/goneaway/fixtures", exe);
	if (access(buf, F_OK) == 0)
		return;
	snprintf(buf, len, "fixtures");
}

static void default_cache(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (xdg && *xdg)
		snprintf(buf, len, "%s/goneaway", xdg);
	else if (home && *home)
		snprintf(buf, len, "%s/.cache/goneaway", home);
	else
		snprintf(buf, len, "/var/cache/goneaway");
}

static const char *tmp_root(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

static int parse_duration_arg(const char *opt, const char *s, long *ms)
{
	if (ga_duration_parse(s, ms) == 0 && *ms > 0)
		return 0;
	fprintf(stderr, "goneaway: %s: '%s' is not a duration like 30s or "
		"500ms\n", opt, s);
	return -1;
}

static bool use_color(const char *when)
{
	const char *no = getenv("NO_COLOR");

	if (strcmp(when, "always") == 0)
		return true;
	if (strcmp(when, "never") == 0)
		return false;
	if (no && *no)
		return false;
	return isatty(STDOUT_FILENO) != 0;
}

enum {
	OPT_JUNIT = 256, OPT_NO_RESULTS, OPT_TIMINGS, OPT_COLOR, OPT_MARIADBD,
	OPT_INSTALL_DB, OPT_FIXTURES, OPT_CACHE, OPT_STEP_TIMEOUT,
	OPT_SERVER_TIMEOUT,
};

static const struct option run_long_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "junit", required_argument, NULL, OPT_JUNIT },
	{ "results", required_argument, NULL, 'o' },
	{ "no-results", no_argument, NULL, OPT_NO_RESULTS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "timings", no_argument, NULL, OPT_TIMINGS },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "mariadbd", required_argument, NULL, OPT_MARIADBD },
	{ "install-db", required_argument, NULL, OPT_INSTALL_DB },
	{ "fixtures", required_argument, NULL, OPT_FIXTURES },
	{ "cache", required_argument, NULL, OPT_CACHE },
	{ "step-timeout", required_argument, NULL, OPT_STEP_TIMEOUT },
	{ "server-timeout", required_argument, NULL, OPT_SERVER_TIMEOUT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_run_args(int argc, char **argv, struct run_args *a)
{
	int c;

	memset(a, 0, sizeof(*a));
	a->opts.mariadbd = "/usr/sbin/mariadbd";
	a->opts.install_db = "/usr/bin/mariadb-install-db";
	a->opts.results_dir = "goneaway-results";
	a->opts.tmp_root = tmp_root();
	a->opts.step_timeout_ms = 60000;
	a->opts.server_timeout_ms = 30000;
	a->format = "human";
	a->color = "auto";
	default_fixtures(a->fixtures, sizeof(a->fixtures));
	default_cache(a->cache, sizeof(a->cache));
	a->opts.fixtures_dir = a->fixtures;
	a->opts.cache_dir = a->cache;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:vh", run_long_opts, NULL)) != -1) {
		switch (c) {
		case 'f': a->format = optarg; break;
		case OPT_JUNIT: a->junit = optarg; break;
		case 'o': a->opts.results_dir = optarg; break;
		case OPT_NO_RESULTS: a->opts.results_dir = NULL; break;
		case 'v': a->verbose++; break;
		case OPT_TIMINGS: a->timings = true; break;
		case OPT_COLOR: a->color = optarg; break;
		case OPT_MARIADBD: a->opts.mariadbd = optarg; break;
		case OPT_INSTALL_DB: a->opts.install_db = optarg; break;
		case OPT_FIXTURES: a->opts.fixtures_dir = optarg; break;
		case OPT_CACHE: a->opts.cache_dir = optarg; break;
		case OPT_STEP_TIMEOUT:
			if (parse_duration_arg("--step-timeout", optarg,
					       &a->opts.step_timeout_ms))
				return -1;
			break;
		case OPT_SERVER_TIMEOUT:
			if (parse_duration_arg("--server-timeout", optarg,
					       &a->opts.server_timeout_ms))
				return -1;
			break;
		case 'h':
			fputs(usage_text, stdout);
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
	if (optind >= argc) {
		fprintf(stderr, "goneaway run: no scenario files or directories "
			"given (try: goneaway run scenarios/)\n");
		return -1;
	}
	return 0;
}

static void report_all(struct ga_reporter **reps, size_t nreps, int what,
		       size_t index, const struct ga_scenario *sc,
		       const struct ga_case_result *res,
		       const struct ga_run_summary *sum, size_t ncases)
{
	size_t i;

	for (i = 0; i < nreps; i++) {
		const struct ga_reporter_ops *ops = reps[i]->ops;

		switch (what) {
		case 0: ops->begin_run(reps[i], ncases); break;
		case 1: ops->begin_case(reps[i], index, sc); break;
		case 2: ops->end_case(reps[i], index, sc, res); break;
		default: ops->end_run(reps[i], sum); break;
		}
	}
}

static int cmd_run(int argc, char **argv, struct ga_interrupt *in)
{
	struct ga_run_summary sum = { 0 };
	struct ga_reporter *reps[2] = { NULL, NULL };
	struct path_list paths = { 0 };
	struct ga_scenario **scs = NULL;
	struct ga_runner runner;
	struct run_args a;
	struct ga_error err;
	size_t nreps = 0, i;
	double t0;
	int code = EXIT_USAGE;

	if (parse_run_args(argc, argv, &a))
		return EXIT_USAGE;
	if (collect_paths(argv + optind, argc - optind, &paths))
		goto out;
	if (paths.n == 0) {
		fprintf(stderr, "goneaway run: no scenario files found\n");
		goto out;
	}
	if (parse_all(&paths, &scs))
		goto out;
	reps[nreps] = strcmp(a.format, "tap") == 0
		? ga_report_tap_new(stdout)
		: ga_report_human_new(stdout, use_color(a.color), a.verbose,
				      a.timings);
	if (!reps[nreps])
		goto out;
	nreps++;
	if (a.junit) {
		reps[nreps] = ga_report_junit_new(a.junit, &err);
		if (!reps[nreps]) {
			fprintf(stderr, "goneaway: %s\n", err.msg);
			goto out;
		}
		nreps++;
	}
	if (ga_runner_open(&runner, &a.opts, in, &err)) {
		fprintf(stderr, "goneaway: %s\n", err.msg);
		code = EXIT_SOME_ERROR;
		goto out;
	}
	t0 = ga_clock_ms();
	report_all(reps, nreps, 0, 0, NULL, NULL, NULL, paths.n);
	for (i = 0; i < paths.n && !ga_interrupted(in); i++) {
		struct ga_case_result res;

		report_all(reps, nreps, 1, i, scs[i], NULL, NULL, 0);
		ga_runner_run(&runner, scs[i], &res);
		switch (res.verdict) {
		case GA_VERDICT_PASS: sum.pass++; break;
		case GA_VERDICT_FAIL: sum.fail++; break;
		case GA_VERDICT_SKIP: sum.skip++; break;
		case GA_VERDICT_ERROR: sum.error++; break;
		}
		report_all(reps, nreps, 2, i, scs[i], &res, NULL, 0);
		ga_case_result_free(&res);
	}
	ga_runner_close(&runner);
	sum.wall_ms = ga_clock_ms() - t0;
	sum.signo = ga_interrupted(in) ? in->signo : 0;
	report_all(reps, nreps, 3, 0, NULL, NULL, &sum, 0);
	if (sum.signo)
		code = EXIT_INTERRUPTED + sum.signo;
	else if (sum.fail)
		code = EXIT_SOME_FAILED;
	else if (sum.error)
		code = EXIT_SOME_ERROR;
	else
		code = EXIT_ALL_PASSED;
out:
	for (i = 0; i < nreps; i++)
		ga_reporter_free(reps[i]);
	free_scenarios(scs, paths.n);
	path_list_free(&paths);
	return code;
}

static int cmd_check(int argc, char **argv)
{
	struct path_list paths = { 0 };
	struct ga_scenario **scs = NULL;
	int code = EXIT_USAGE;

	if (argc < 2) {
		fprintf(stderr, "usage: goneaway check PATH...\n");
		return EXIT_USAGE;
	}
	if (collect_paths(argv + 1, argc - 1, &paths) == 0 &&
	    parse_all(&paths, &scs) == 0) {
		printf("%zu scenario file%s OK\n", paths.n, paths.n == 1 ? "" : "s");
		code = EXIT_ALL_PASSED;
	}
	free_scenarios(scs, paths.n);
	path_list_free(&paths);
	return code;
}

static int cmd_errname(int argc, char **argv)
{
	const char *name;
	unsigned code;
	char *end;
	int i, rc = EXIT_ALL_PASSED;

	if (argc < 2) {
		fprintf(stderr, "usage: goneaway errname NAME|NUMBER...\n");
		return EXIT_USAGE;
	}
	for (i = 1; i < argc; i++) {
		code = (unsigned)strtoul(argv[i], &end, 10);
		if (*argv[i] && *end == '\0') {
			name = ga_errname_name(code);
			printf("%u %s\n", code, name ? name : "(not in the headers)");
		} else if (ga_errname_code(argv[i], &code) == 0) {
			printf("%u %s\n", code, argv[i]);
		} else {
			struct ga_suggest sg;
			char hint[GA_SUGGEST_MAX + 32];
			size_t j;

			ga_suggest_init(&sg, argv[i], 3);
			for (j = 0; j < ga_nerrnames; j++)
				ga_suggest_try(&sg, ga_errnames[j].name);
			fprintf(stderr, "goneaway: unknown error name '%s'%s\n",
				argv[i], ga_suggest_text(&sg, hint, sizeof(hint)));
			rc = EXIT_USAGE;
		}
	}
	return rc;
}

static int cmd_sweep(void)
{
	int n = ga_rundir_sweep(tmp_root());

	printf("removed %d %s of ended runs from %s\n", n,
	       n == 1 ? "directory" : "directories", tmp_root());
	return EXIT_ALL_PASSED;
}

static int cmd_doctor(int argc, char **argv)
{
	struct ga_doctor_opts o = {
		.mariadbd = "/usr/sbin/mariadbd",
		.install_db = "/usr/bin/mariadb-install-db",
	};
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--mariadbd") == 0 && i + 1 < argc) {
			o.mariadbd = argv[++i];
		} else if (strcmp(argv[i], "--install-db") == 0 &&
			   i + 1 < argc) {
			o.install_db = argv[++i];
		} else {
			fprintf(stderr, "usage: goneaway doctor [--mariadbd "
				"PATH] [--install-db PATH]\n");
			return EXIT_USAGE;
		}
	}
	return ga_doctor(stdout, &o) ? EXIT_ALL_PASSED : EXIT_SOME_FAILED;
}

int main(int argc, char **argv)
{
	struct ga_interrupt in;
	struct ga_error err;
	const char *cmd;
	int code;

	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		fputs(usage_text, stdout);
		return EXIT_ALL_PASSED;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("goneaway %s (client library %s)\n", GONEAWAY_VERSION,
		       mysql_get_client_info());
		return EXIT_ALL_PASSED;
	}
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(cmd, "errname") == 0)
		return cmd_errname(argc - 1, argv + 1);
	if (strcmp(cmd, "sweep") == 0)
		return cmd_sweep();
	if (strcmp(cmd, "doctor") == 0)
		return cmd_doctor(argc - 1, argv + 1);
	if (strcmp(cmd, "run") != 0) {
		fprintf(stderr, "goneaway: '%s' is not a command; see "
			"'goneaway --help'\n", cmd);
		return EXIT_USAGE;
	}

	/* Before any thread exists: signals become a file descriptor. */
	if (ga_interrupt_open(&in, &err) || ga_client_global_init(&err)) {
		fprintf(stderr, "goneaway: %s\n", err.msg);
		return EXIT_SOME_ERROR;
	}
	if (mysql_library_init(0, NULL, NULL) != 0) {
		fprintf(stderr, "goneaway: mysql_library_init failed\n");
		ga_interrupt_close(&in);
		return EXIT_SOME_ERROR;
	}
	code = cmd_run(argc - 1, argv + 1, &in);
	mysql_library_end();
	ga_interrupt_close(&in);
	return code;
}
