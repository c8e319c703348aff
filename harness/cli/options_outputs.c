/* options_outputs.c - what run's and report's options share: the plan
 * they fill, with its defaults, parsed by the command's table
 * (cli/parseopt.h; the outputs' --NAME FILE come from the table of
 * outputs, report/outputs.h), then the console (--format NAME, --color
 * WHEN), and --allow-skip. */
#include "cli/internal.h"
#include "cli/parseopt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan/plan.h"
#include "report/outputs.h"
#include "util/escape.h"

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

/* The console of command: --format NAME, p's console output, and
 * --color WHEN.  Returns 0, or -1 after saying what is wrong ("CMD:
 * --color: ..."). */
static int console(struct ga_plan *p, unsigned command, const char *cmd,
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

int cli_plan_parse(const struct cli_command *cmd, int argc, char **argv,
		   struct cli_plan_args *pa)
{
	int rc;

	ga_plan_init(&pa->p);
	pa->color = "auto";
	pa->format = pa->p.console->name;
	rc = cli_parse(cmd, argc, argv, pa);
	if (rc)
		return rc;
	return console(&pa->p, cmd->outputs, cmd->who, pa->format, pa->color);
}

int cli_allow_skip(const struct cli_take *t)
{
	struct ga_error err;

	if (ga_allow_add(t->field, t->arg, &err) == 0)
		return 0;
	ga_esc_line(stderr, "%s: --allow-skip: %s", t->cmd->who, err.msg);
	return -1;
}
