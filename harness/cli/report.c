/* report.c - "goneaway report DIR|FILE.jsonl ...": its options (their
 * table: cli/parseopt.h), and the results of one or several runs shown
 * as one run would show them (ga_plan_report in plan/plan.h), with the
 * same exit status. */
#include "cli/internal.h"
#include "cli/parseopt.h"

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "report/outputs.h"

#define REPORT(member) offsetof(struct cli_plan_args, member)

/* report's options (cli/parseopt.h); --help is run's (cli_usage), which
 * says them in report's words. */
static const struct cli_option report_options[] = {
	CLI_HELP_ROWS("0.2.0", "every option"),
	{ .name = "format", .short_name = 'f', .arg = "FMT",
	  .kind = CLI_OPT_STRING, .at = REPORT(format),
	  .since = "0.2.0",
	  .doc = "the console: human or tap" },
	{ .name = "color", .arg = "WHEN", .kind = CLI_OPT_STRING,
	  .at = REPORT(color),
	  .since = "0.2.0",
	  .doc = "as run's" },
	{ .name = "verbose", .short_name = 'v', .kind = CLI_OPT_COUNT,
	  .at = REPORT(p.verbose),
	  .since = "0.2.0",
	  .doc = "as run's" },
	{ .name = "timings", .kind = CLI_OPT_TRUE, .at = REPORT(p.timings),
	  .since = "0.2.0",
	  .doc = "as run's" },
	{ .name = "strict", .kind = CLI_OPT_TRUE, .at = REPORT(p.strict),
	  .since = "0.2.0",
	  .doc = "as run's (4 too when a shard is missing)" },
	{ .name = "allow-skip", .arg = "KIND[:SCENARIO][@CLIENT]",
	  .kind = CLI_OPT_CALL, .at = REPORT(p.allowed),
	  .call = cli_allow_skip,
	  .since = "0.2.0",
	  .doc = "as run's" },
	{ .arg = "FILE", .kind = CLI_OPT_FILES, .at = REPORT(p.files) },
	{ .arg = "FILE", .kind = CLI_OPT_TABLE_FILES, .at = REPORT(p.files) },
	CLI_OPTIONS_END,
};

const struct cli_command cli_report = {
	.name = "report", .who = "goneaway report", .options = report_options,
	.outputs = GA_OUTPUT_REPORT, .usage = cli_usage,
};

int cmd_report(int argc, char **argv)
{
	enum ga_plan_status status;
	struct ga_plan_result r;
	struct cli_plan_args *a;
	int code = EXIT_USAGE, rc;

	a = malloc(sizeof(*a));
	if (!a) {
		fprintf(stderr, "goneaway report: out of memory\n");
		return EXIT_USAGE;
	}
	memset(a, 0, sizeof(*a));
	rc = cli_plan_parse(&cli_report, argc, argv, a);
	if (rc > 0)
		code = EXIT_ALL_PASSED;
	if (rc)
		goto out;
	if (optind >= argc) {
		fprintf(stderr, "usage: goneaway report [options] DIR|FILE.jsonl"
			"...  (the -o directories of runs, or their "
			"results.jsonl)\n");
		goto out;
	}
	status = ga_plan_report(&a->p, argv + optind, argc - optind, &r);
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
	ga_plan_free(&a->p);
	free(a);
	return code;
}
