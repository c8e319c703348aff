/* report.c - "goneaway report DIR|FILE.jsonl ...": its options (their
 * table: cli/parseopt.h), and the results of one or several runs shown
 * as one run would show them (ga_plan_report in plan/plan.h), with the
 * same exit status; or the shards of one goneaway explore merged into
 * one map (cli/explore_shard.c). */
#include "cli/internal.h"
#include "cli/parseopt.h"
#include "cli/explore_plan.h"

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
	.operands = "usage: goneaway report [options] DIR|FILE.jsonl...  (the "
		    "-o directories of runs, or their results.jsonl)",
};

/* Whether paths[0..n) are goneaway explore's results: 1 every one, 0
 * none, -1 (said) some. */
static int explore_given(char *const *paths, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += ex_is_result(paths[i]);
	if (k && k < n)
		fprintf(stderr, "goneaway report: some of the results given "
			"are goneaway explore's, some goneaway run's: report "
			"them apart\n");
	return k == 0 ? 0 : k == n ? 1 : -1;
}

/* goneaway explore's shards as one map: the console's (human), and
 * --markdown and --html FILE; the other outputs are refused. */
static int explore_report(const struct cli_plan_args *a, char *const *paths,
			  size_t n)
{
	const struct ga_output *const *outs = ga_outputs();
	struct ex_report_args ra = { .strict = a->p.strict };
	const char **file;
	size_t i;

	if (a->p.console != &ga_output_human) {
		fprintf(stderr, "goneaway report: --format %s: goneaway "
			"explore's results are a map, shown as text (human)\n",
			a->p.console->name);
		return EXIT_USAGE;
	}
	for (i = 0; outs[i]; i++) {
		if (!a->p.files[i])
			continue;
		file = outs[i] == &ga_output_markdown ? &ra.files.markdown :
		       outs[i] == &ga_output_html ? &ra.files.html : NULL;
		if (!file) {
			fprintf(stderr, "goneaway report: --%s: goneaway "
				"explore's results are a map: --markdown and "
				"--html FILE write it\n", outs[i]->name);
			return EXIT_USAGE;
		}
		*file = a->p.files[i];
	}
	return ex_report(&ra, paths, n);
}

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
	rc = explore_given(argv + optind, (size_t)(argc - optind));
	if (rc) {
		if (rc > 0)
			code = explore_report(a, argv + optind,
					      (size_t)(argc - optind));
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
