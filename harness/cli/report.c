/* report.c - "goneaway report DIR|FILE.jsonl ...": its options, and the
 * results of one or several runs shown as one run would show them
 * (ga_plan_report in plan/plan.h), with the same exit status. */
#include "cli/internal.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "util/escape.h"

/* What the command line says that is not the plan's: the --color word. */
struct report_args {
	const char *color;
	const char *format;
};

enum {
	OPT_COLOR = 256, OPT_TIMINGS,
	OPT_STRICT, OPT_ALLOW_SKIP,
};

static const struct option report_long_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "verbose", no_argument, NULL, 'v' },
	{ "timings", no_argument, NULL, OPT_TIMINGS },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "allow-skip", required_argument, NULL, OPT_ALLOW_SKIP },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_report_args(int argc, char **argv, struct report_args *a,
			     struct ga_plan *p)
{
	struct option longopts[CLI_OPTIONS_MAX];
	struct ga_error err;
	int c;

	memset(a, 0, sizeof(*a));
	ga_plan_init(p);
	a->color = "auto";
	a->format = p->console->name;
	cli_output_options(GA_OUTPUT_REPORT, report_long_opts, longopts);
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:vh", longopts, NULL)) != -1) {
		if (cli_output_option(p, c, optarg))
			continue;
		switch (c) {
		case 'f': a->format = optarg; break;
		case OPT_COLOR: a->color = optarg; break;
		case 'v': p->verbose++; break;
		case OPT_TIMINGS: p->timings = true; break;
		case OPT_STRICT: p->strict = true; break;
		case OPT_ALLOW_SKIP:
			if (ga_allow_add(&p->allowed, optarg, &err)) {
				ga_esc_line(stderr, "goneaway report: "
					    "--allow-skip: %s", err.msg);
				return -1;
			}
			break;
		case 'h':
			cli_usage(stdout);
			exit(EXIT_ALL_PASSED);
		default:
			return -1;
		}
	}
	if (cli_console(p, GA_OUTPUT_REPORT, "goneaway report", a->format,
			a->color))
		return -1;
	if (optind >= argc) {
		fprintf(stderr, "usage: goneaway report [options] DIR|FILE.jsonl"
			"...  (the -o directories of runs, or their "
			"results.jsonl)\n");
		return -1;
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	enum ga_plan_status status;
	struct ga_plan_result r;
	struct report_args a;
	struct ga_plan *p;
	int code = EXIT_USAGE;

	p = malloc(sizeof(*p));
	if (!p) {
		fprintf(stderr, "goneaway report: out of memory\n");
		return EXIT_USAGE;
	}
	if (parse_report_args(argc, argv, &a, p))
		goto out;
	status = ga_plan_report(p, argv + optind, argc - optind, &r);
	if (status != GA_PLAN_DONE)
		goto out;
	if (r.sum.signo)
		code = EXIT_INTERRUPTED + r.sum.signo;
	else if (r.sum.fail)
		code = EXIT_SOME_FAILED;
	else if (r.sum.error)
		code = EXIT_SOME_ERROR;
	else if (r.violations)
		code = EXIT_STRICT;
	else
		code = EXIT_ALL_PASSED;
	cli_why_print(&r.why, "goneaway report", code, r.sum.signo);
out:
	ga_plan_free(p);
	free(p);
	return code;
}
