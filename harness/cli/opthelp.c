/* opthelp.c - the option lines of a command's --help, from its table
 * (cli/parseopt.h): its head ("  -j, --jobs N") and its words from
 * column CLI_HELP_INDENT. */
#include "cli/internal.h"
#include "cli/parseopt.h"

#include <stdio.h>
#include <string.h>

#include "report/outputs.h"

void cli_help_wrapped(FILE *f, const char *text)
{
	const char *w = text, *end;
	size_t col = CLI_HELP_INDENT, len, gap;

	while (*w) {
		/* two spaces after a sentence's end stay two */
		for (gap = 0; *w == ' '; w++)
			gap++;
		gap = gap >= 2 && w - gap > text && w[-gap - 1] == '.' ? 2 : 1;
		end = strchr(w, ' ');
		len = end ? (size_t)(end - w) : strlen(w);
		if (!len)
			break;
		if (col > CLI_HELP_INDENT && col + gap + len > CLI_HELP_WIDTH) {
			fprintf(f, "\n%*s", CLI_HELP_INDENT, "");
			col = CLI_HELP_INDENT;
		} else if (col > CLI_HELP_INDENT) {
			fprintf(f, "%*s", (int)gap, "");
			col += gap;
		}
		for (end = w; end < w + len; end++)
			fputc(*end == CLI_NOBREAK ? ' ' : *end, f);
		col += len;
		w += len;
	}
	fputc('\n', f);
}

/* "  -j, --jobs N", "      --repeat N", "  -k EXPR" (name: the row's, or
 * an output's); returns its width. */
static int head(FILE *f, const struct cli_option *o, const char *name)
{
	if (o->short_name && !name)
		return fprintf(f, "  -%c%s%s", o->short_name, o->arg ? " " : "",
			       o->arg ? o->arg : "");
	return fprintf(f, "  %c%c%c --%s%s%s", o->short_name ? '-' : ' ',
		       o->short_name ? o->short_name : ' ',
		       o->short_name ? ',' : ' ', name, o->arg ? " " : "",
		       o->arg ? o->arg : "");
}

/* After a head col wide, words ("\n" between its lines) from
 * CLI_HELP_INDENT: on the head's line when it ends before it, two spaces
 * after it when the first line still ends by CLI_HELP_WIDTH, else from
 * the next line. */
static void lines(FILE *f, int col, const char *words)
{
	const char *nl = strchr(words, '\n');
	int first = nl ? (int)(nl - words) : (int)strlen(words);

	if (col < CLI_HELP_INDENT)
		fprintf(f, "%*s", CLI_HELP_INDENT - col, "");
	else if (col + 2 + first <= CLI_HELP_WIDTH)
		fputs("  ", f);
	else
		fprintf(f, "\n%*s", CLI_HELP_INDENT, "");
	fprintf(f, "%.*s\n", first, words);
	while (nl) {
		words = nl + 1;
		nl = strchr(words, '\n');
		fprintf(f, "%*s%.*s\n", CLI_HELP_INDENT, "",
			(int)(nl ? (size_t)(nl - words) : strlen(words)), words);
	}
}

void cli_help_options(FILE *f, const struct cli_command *cmd)
{
	const struct ga_output *const *outs = ga_outputs();
	const struct cli_option *o;
	size_t i;
	int col;

	for (o = cmd->options; CLI_OPT_MORE(o); o++) {
		for (i = 0; outs[i]; i++)
			if (cli_files_of(cmd, o, outs[i]))
				lines(f, head(f, o, outs[i]->name),
				      outs[i]->help);
		if (o->help) {
			lines(f, head(f, o, o->name), o->help);
		} else if (o->help_fn) {
			col = head(f, o, o->name);
			fprintf(f, "%*s", col < CLI_HELP_INDENT ?
				CLI_HELP_INDENT - col : 2, "");
			o->help_fn(f);
		}
	}
}

void cli_help_page(FILE *f, const struct cli_command *cmd, const char *head,
		   const char *tail)
{
	fputs(head, f);
	cli_help_options(f, cmd);
	fputs(tail, f);
}
