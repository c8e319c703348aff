/* parseopt.h - a command's options declared once (git's parse-options):
 * one table of rows per command, each an option with what it sets, the
 * release that brought it, its words in --help and its row in the docs.
 * From the table come the command's getopt_long tables and its parse
 * (cli/parseopt.c), the option lines of its --help (cli/opthelp.c) and
 * the docs' tables of options, "goneaway --describe=options-markdown"
 * (cli/optdocs.c), which tests/options.sh compares with docs/running.md
 * and docs/toxiproxy.md.
 *
 * A row sets a member of the command's arguments, a struct of the
 * command's own: .at is its offsetof.  Everything here is static. */
#ifndef GA_CLI_PARSEOPT_H
#define GA_CLI_PARSEOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Where an option's words start in --help, and how far its lines go. */
#define CLI_HELP_INDENT 26
#define CLI_HELP_WIDTH 74
/* Between two words of cli_help_wrapped's text: they stay on one line. */
#define CLI_NOBREAK '\x01'

/* What an option does to the member at .at. */
enum cli_opt_kind {
	CLI_OPT_TRUE,           /* bool: true */
	CLI_OPT_FALSE,          /* bool: false */
	CLI_OPT_STRING,         /* const char *: the argument (argv's) */
	CLI_OPT_NULL,           /* const char *: NULL */
	CLI_OPT_COUNT,          /* int: one more each time */
	CLI_OPT_CALL,           /* .call says (it checks the argument) */
	CLI_OPT_HELP,           /* none: the command's --help on stdout,
				 * and the command does nothing else */
	/* --NAME FILE of every output (report/outputs.h) the command
	 * writes to a file: const char *[GA_OUTPUTS_MAX], by the output's
	 * row.  FILES: those that do not write the server x client table;
	 * TABLE_FILES: those that do (--help names them after --client
	 * and --proxy, which make its columns). */
	CLI_OPT_FILES,
	CLI_OPT_TABLE_FILES,
	CLI_OPT_END,            /* the row that ends a table */
};

struct cli_option;
struct cli_command;
struct ga_output;

/* What a CLI_OPT_CALL row is called with. */
struct cli_take {
	const struct cli_command *cmd;
	const struct cli_option *opt;
	void *field;                    /* the member at .at */
	const char *arg;                /* argv's; NULL when it takes none */
};

struct cli_option {
	const char *name;               /* --NAME; NULL: a short one alone */
	char short_name;                /* -X, 0: none */
	const char *arg;                /* the argument's word ("DIR"),
					 * NULL: it takes none */
	enum cli_opt_kind kind;
	size_t at;                      /* offsetof(the arguments, member) */
	/* CLI_OPT_CALL: 0, or -1 after saying what is wrong */
	int (*call)(const struct cli_take *t);
	const char *since;              /* the release that brought it */
	const char *doc;                /* its words in the docs' table
					 * (Markdown); NULL: no row there */
	const char *help;               /* its words in --help, each line
					 * from CLI_HELP_INDENT, "\n" between
					 * them; NULL: help_fn's, or none */
	/* its words in --help when they come from another table: written
	 * from CLI_HELP_INDENT, every line ended */
	void (*help_fn)(FILE *f);
};

/* The row that ends a table; the rows before it. */
#define CLI_OPTIONS_END { .kind = CLI_OPT_END }
#define CLI_OPT_MORE(o) ((o)->kind != CLI_OPT_END)

/* --help and -h, from release; words: --help's in the docs' table (-h,
 * a short one alone, has no row there). */
#define CLI_HELP_ROWS(release, words)                                       \
	{ .name = "help", .kind = CLI_OPT_HELP, .since = release,           \
	  .doc = words },                                                   \
	{ .short_name = 'h', .kind = CLI_OPT_HELP, .since = release }

struct cli_command {
	const char *name;               /* "run" */
	const char *who;                /* its messages' prefix: "goneaway",
					 * "goneaway report" */
	const struct cli_option *options;       /* ended by CLI_OPTIONS_END */
	unsigned outputs;               /* GA_OUTPUT_RUN or _REPORT: whose
					 * outputs CLI_OPT_FILES are; 0 */
	void (*usage)(FILE *f);         /* its --help */
	bool usage_on_error;            /* --help on stderr after an option
					 * getopt_long refused */
	const char *operands;           /* what cli_parse says when no
					 * operand follows the options ("usage:
					 * ..."); NULL: it needs none */
};

/* The commands' tables (cli/run.c, report.c, check.c, replay.c,
 * serve.c, doctor.c, explore_args.c). */
extern const struct cli_command cli_run, cli_report, cli_check,
	cli_replay, cli_serve, cli_doctor, cli_explore;

/* argv[1..argc) by cmd's table into args (the struct its .at are of,
 * set to its defaults by the caller); optind is then the first operand,
 * and there is one when cmd's .operands asks.  Returns 0, 1 after --help
 * (printed), or -1 after saying what is wrong. */
int cli_parse(const struct cli_command *cmd, int argc, char **argv,
	      void *args);

/* o, a row of cmd, is a CLI_OPT_FILES or _TABLE_FILES row, and out is
 * one of its outputs. */
bool cli_files_of(const struct cli_command *cmd, const struct cli_option *o,
		  const struct ga_output *out);

/* ---- cli/opthelp.c: --help's option lines ------------------------------------ */

/* The option lines of cmd's --help, in its table's order. */
void cli_help_options(FILE *f, const struct cli_command *cmd);

/* A --help of head, cmd's option lines and tail. */
void cli_help_page(FILE *f, const struct cli_command *cmd, const char *head,
		   const char *tail);

/* A command's usage, static void NAME(FILE *f): cli_help_page of cmd,
 * head and tail. */
#define CLI_HELP_PAGE(name, cmd, head, tail)                                \
	static void name(FILE *f) { cli_help_page(f, &(cmd), head, tail); }

/* text's words from column CLI_HELP_INDENT (the first line's indent
 * already written), wrapped before CLI_HELP_WIDTH; two spaces after a
 * sentence's end stay two; CLI_NOBREAK is a space that does not
 * break. */
void cli_help_wrapped(FILE *f, const char *text);

/* ---- cli/optdocs.c: the docs' tables of options ------------------------------ */

/* "goneaway --describe=WHAT": options (each command's options, a line
 * "COMMAND --NAME" or "COMMAND -X" each), options-markdown
 * (docs/running.md's "Every option"), serve-options-markdown (the
 * table of docs/toxiproxy.md) or explore-options-markdown (the table of
 * docs/explore.md).  Returns an exit status. */
int cli_describe(const char *what);

#endif
