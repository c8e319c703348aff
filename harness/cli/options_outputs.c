/* options_outputs.c - the options of run's and report's outputs, read from the
 * table of outputs (report/outputs.h): --format NAME for the console,
 * --NAME FILE for each output a command writes to a file, and --color
 * WHEN. */
#include "cli/internal.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan/plan.h"
#include "report/outputs.h"

/* --color WHEN (auto, always, never) with NO_COLOR and a terminal. */
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

int cli_output_options(unsigned command, const struct option *fixed,
		       struct option *out)
{
	const struct ga_output *const *o = ga_outputs();
	size_t n = 0, i;

	for (; fixed[n].name && n < CLI_OPTIONS_MAX - GA_OUTPUTS_MAX - 1; n++)
		out[n] = fixed[n];
	for (i = 0; o[i]; i++) {
		if (!(o[i]->file & command))
			continue;
		out[n].name = o[i]->name;
		out[n].has_arg = required_argument;
		out[n].flag = NULL;
		out[n].val = CLI_OPT_OUTPUT + (int)i;
		n++;
	}
	memset(&out[n], 0, sizeof(out[n]));
	return (int)n;
}

int cli_output_option(struct ga_plan *p, int c, const char *arg)
{
	const struct ga_output *const *o = ga_outputs();
	size_t i;

	if (c < CLI_OPT_OUTPUT)
		return 0;
	for (i = 0; o[i]; i++)
		if (c == CLI_OPT_OUTPUT + (int)i) {
			p->files[i] = arg;
			return 1;
		}
	return 0;
}

/* --format NAME for command: p's console output.  Returns 0, or -1
 * after saying what the formats are ("CMD: --format: ..."). */
static int output_format(struct ga_plan *p, unsigned command,
			 const char *cmd, const char *name)
{
	const struct ga_output *o = ga_output_find(name);
	char formats[256];

	if (o && (o->console & command)) {
		p->console = o;
		return 0;
	}
	ga_output_formats(command, false, formats, sizeof(formats));
	fprintf(stderr, "%s: --format: '%s' is not %s\n", cmd, name, formats);
	return -1;
}

int cli_console(struct ga_plan *p, unsigned command, const char *cmd,
		const char *format, const char *color)
{
	if (output_format(p, command, cmd, format))
		return -1;
	if (strcmp(color, "auto") != 0 && strcmp(color, "always") != 0 &&
	    strcmp(color, "never") != 0) {
		fprintf(stderr, "%s: --color: '%s' is not auto, always or "
			"never\n", cmd, color);
		return -1;
	}
	p->color = use_color(color);
	return 0;
}
