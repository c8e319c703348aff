/* optdocs.c - the docs' tables of options, from the commands' tables
 * (cli/parseopt.h): "goneaway --describe=options-markdown" is
 * docs/running.md's "Every option", ...=serve-options-markdown
 * docs/toxiproxy.md's table, ...=explore-options-markdown
 * docs/explore.md's, and --describe=options names every option;
 * docs/gen-options.sh writes them into the docs and tests/options.sh
 * compares. */
#include "cli/internal.h"
#include "cli/parseopt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/outputs.h"

/* A row of the docs' table: an option's name, its cell ("`--results
 * DIR`, `-o`"), its cell when rows share their words ("`--results`"),
 * its release and its words. */
struct doc_row {
	const char *name;
	char option[128];
	char bare[64];
	const char *since;
	const char *doc;
};

#define DOC_ROWS_MAX 64

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct doc_row *)a)->name,
		      ((const struct doc_row *)b)->name);
}

static void doc_row(struct doc_row *r, const char *name, char short_name,
		    const char *arg, const char *since, const char *doc)
{
	char other[8] = "";

	if (short_name)
		snprintf(other, sizeof(other), ", `-%c`", short_name);
	r->name = name;
	r->since = since;
	r->doc = doc;
	snprintf(r->option, sizeof(r->option), "`--%s%s%s`%s", name,
		 arg ? " " : "", arg ? arg : "", other);
	snprintf(r->bare, sizeof(r->bare), "`--%s`", name);
}

/* cmd's rows with words for the docs, in its table's order: those of
 * its options with a name (its outputs' too).  Returns how many. */
static size_t doc_rows(const struct cli_command *cmd, struct doc_row *rows)
{
	const struct ga_output *const *outs = ga_outputs();
	const struct cli_option *o;
	size_t n = 0, i;

	for (o = cmd->options; CLI_OPT_MORE(o); o++) {
		for (i = 0; outs[i]; i++)
			if (cli_files_of(cmd, o, outs[i]) && n < DOC_ROWS_MAX)
				doc_row(&rows[n++], outs[i]->name, 0, o->arg,
					outs[i]->since, outs[i]->doc);
		if (o->name && o->doc && n < DOC_ROWS_MAX)
			doc_row(&rows[n++], o->name, o->short_name, o->arg,
				o->since, o->doc);
	}
	return n;
}

/* docs/running.md's "Every option": a row per option of run, report,
 * check and replay, each command's by name. */
static void every_option(FILE *f)
{
	const struct cli_command *cmds[] = {
		&cli_run, &cli_report, &cli_check, &cli_replay,
	};
	struct doc_row rows[DOC_ROWS_MAX];
	size_t c, i, n;

	fputs("| command | option | since | what it does |\n"
	      "|---|---|---|---|\n", f);
	for (c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
		n = doc_rows(cmds[c], rows);
		qsort(rows, n, sizeof(rows[0]), by_name);
		for (i = 0; i < n; i++)
			fprintf(f, "| %s | %s | %s | %s |\n", cmds[c]->name,
				rows[i].option, rows[i].since, rows[i].doc);
	}
}

/* The table of one command's options on its own page (serve's in
 * docs/toxiproxy.md, explore's in docs/explore.md), in its table's
 * order; options with the same words side by side share a row, by
 * their names. */
static void command_options(FILE *f, const struct cli_command *cmd)
{
	struct doc_row rows[DOC_ROWS_MAX];
	size_t n, i, j, k;

	n = doc_rows(cmd, rows);
	fputs("| option | what it does |\n|---|---|\n", f);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(rows[j].doc, rows[i].doc) == 0;)
			j++;
		if (j == i + 1) {
			fprintf(f, "| %s | %s |\n", rows[i].option, rows[i].doc);
			continue;
		}
		fputs("| ", f);
		for (k = i; k < j; k++)
			fprintf(f, "%s%s", k > i ? ", " : "", rows[k].bare);
		fprintf(f, " | %s |\n", rows[i].doc);
	}
}

/* Every command's options, one line each: "COMMAND --NAME", or
 * "COMMAND -X" for a short one alone. */
static void option_names(FILE *f)
{
	const struct cli_command *cmds[] = {
		&cli_run, &cli_report, &cli_check, &cli_replay, &cli_serve,
		&cli_doctor, &cli_explore,
	};
	const struct ga_output *const *outs = ga_outputs();
	const struct cli_option *o;
	size_t c, i;

	for (c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++)
		for (o = cmds[c]->options; CLI_OPT_MORE(o); o++) {
			for (i = 0; outs[i]; i++)
				if (cli_files_of(cmds[c], o, outs[i]))
					fprintf(f, "%s --%s\n", cmds[c]->name,
						outs[i]->name);
			if (o->name)
				fprintf(f, "%s --%s\n", cmds[c]->name, o->name);
			else if (o->short_name)
				fprintf(f, "%s -%c\n", cmds[c]->name,
					o->short_name);
		}
}

int cli_describe(const char *what)
{
	if (strcmp(what, "options") == 0)
		option_names(stdout);
	else if (strcmp(what, "options-markdown") == 0)
		every_option(stdout);
	else if (strcmp(what, "serve-options-markdown") == 0)
		command_options(stdout, &cli_serve);
	else if (strcmp(what, "explore-options-markdown") == 0)
		command_options(stdout, &cli_explore);
	else {
		fprintf(stderr, "goneaway: --describe: '%s' is not options, "
			"options-markdown, serve-options-markdown or "
			"explore-options-markdown\n", what);
		return EXIT_USAGE;
	}
	return EXIT_ALL_PASSED;
}
