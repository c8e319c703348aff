/* parseopt.c - a command's options parsed by its table (cli/parseopt.h):
 * the getopt_long tables made from the rows, and each option getopt_long
 * returns done as its row says. */
#include "cli/internal.h"
#include "cli/parseopt.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "report/outputs.h"

/* getopt_long's value of a row without a short name: CLI_VAL_ROW + its
 * index; of an output's --NAME FILE: CLI_VAL_OUTPUT + the output's. */
#define CLI_VAL_ROW 256
#define CLI_VAL_OUTPUT 1024
/* The options getopt_long reads for one command, its zeroed row too. */
#define CLI_LONG_MAX 96

bool cli_files_of(const struct cli_command *cmd, const struct cli_option *o,
		  const struct ga_output *out)
{
	return (o->kind == CLI_OPT_FILES || o->kind == CLI_OPT_TABLE_FILES) &&
	       (out->file & cmd->outputs) &&
	       out->table == (o->kind == CLI_OPT_TABLE_FILES);
}

/* One option more for getopt_long; -1 when there is no room. */
static int add_long(struct option *out, size_t *n, const char *name,
		    bool arg, int val)
{
	if (*n >= CLI_LONG_MAX - 1)
		return -1;
	out[*n].name = name;
	out[*n].has_arg = arg ? required_argument : no_argument;
	out[*n].flag = NULL;
	out[*n].val = val;
	(*n)++;
	return 0;
}

/* cmd's getopt_long tables: the long options into out (ended by a
 * zeroed row), the short ones into shorts. */
static int tables(const struct cli_command *cmd, struct option *out,
		  char *shorts, size_t len)
{
	const struct ga_output *const *o = ga_outputs();
	const struct cli_option *row;
	size_t n = 0, s = 0, i;
	int rc = 0;

	for (row = cmd->options; CLI_OPT_MORE(row); row++) {
		if (row->short_name && s + 3 < len) {
			shorts[s++] = row->short_name;
			if (row->arg)
				shorts[s++] = ':';
		}
		for (i = 0; o[i]; i++)
			if (cli_files_of(cmd, row, o[i]))
				rc |= add_long(out, &n, o[i]->name, true,
					       CLI_VAL_OUTPUT + (int)i);
		if (row->name)
			rc |= add_long(out, &n, row->name, row->arg != NULL,
				       row->short_name ? row->short_name :
				       CLI_VAL_ROW + (int)(row - cmd->options));
	}
	shorts[s] = '\0';
	memset(&out[n], 0, sizeof(out[n]));
	return rc;
}

/* The row getopt_long's c is of, and for an output's --NAME FILE the
 * output's index in *output. */
static const struct cli_option *row_of(const struct cli_command *cmd, int c,
				       size_t *output)
{
	const struct ga_output *const *o = ga_outputs();
	const struct cli_option *row;

	for (row = cmd->options; CLI_OPT_MORE(row); row++) {
		if (c >= CLI_VAL_OUTPUT) {
			*output = (size_t)(c - CLI_VAL_OUTPUT);
			if (cli_files_of(cmd, row, o[*output]))
				return row;
		} else if (c >= CLI_VAL_ROW ? row - cmd->options ==
			   c - CLI_VAL_ROW : row->short_name == c) {
			return row;
		}
	}
	return NULL;
}

/* Does row's option, with its argument arg: 0, 1 after --help, or -1
 * after saying what is wrong. */
static int take(const struct cli_command *cmd, const struct cli_option *row,
		size_t output, void *args, const char *arg)
{
	void *field = (char *)args + row->at;
	struct cli_take t = { cmd, row, field, arg };

	switch (row->kind) {
	case CLI_OPT_TRUE: *(bool *)field = true; return 0;
	case CLI_OPT_FALSE: *(bool *)field = false; return 0;
	case CLI_OPT_STRING: *(const char **)field = arg; return 0;
	case CLI_OPT_NULL: *(const char **)field = NULL; return 0;
	case CLI_OPT_COUNT: (*(int *)field)++; return 0;
	case CLI_OPT_CALL: return row->call(&t) ? -1 : 0;
	case CLI_OPT_HELP:
		cmd->usage(stdout);
		return 1;
	case CLI_OPT_FILES:
	case CLI_OPT_TABLE_FILES:
		((const char **)field)[output] = arg;
		return 0;
	case CLI_OPT_END:
		break;
	}
	return -1;
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv,
	      void *args)
{
	const struct cli_option *row;
	struct option longs[CLI_LONG_MAX];
	char shorts[2 * CLI_LONG_MAX + 1];
	size_t output = 0;
	int c, rc;

	if (tables(cmd, longs, shorts, sizeof(shorts))) {
		fprintf(stderr, "%s: more than %d options\n", cmd->who,
			CLI_LONG_MAX - 1);
		return -1;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		row = c == '?' ? NULL : row_of(cmd, c, &output);
		if (!row) {
			/* getopt_long said what it refused */
			if (cmd->usage_on_error)
				cmd->usage(stderr);
			return -1;
		}
		rc = take(cmd, row, output, args, optarg);
		if (rc)
			return rc;
	}
	if (cmd->operands && optind >= argc) {
		fprintf(stderr, "%s\n", cmd->operands);
		return -1;
	}
	return 0;
}
