/* explore_map_markdown.c - goneaway explore's map as Markdown, for
 * --markdown FILE of explore and of goneaway report (a CI job's
 * summary, a pull request's comment): the head's lines, the violations
 * as a list, and the points down the side of a table, the fault kinds
 * across.  Text from outside (a scenario's SQL in a packet's name, a
 * driver's error) is written so that it stays in its cell: no '|' or
 * newline breaks the table, no '<' opens an HTML tag. */
#include "cli/explore_plan.h"

#include <string.h>

/* s as Markdown text inside a table's cell or a list item. */
static void md_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '|' || c == '\\' || c == '`' || c == '*' ||
		    c == '[' || c == ']')
			fprintf(f, "\\%c", c);
		else if (c == '<')
			fputs("&lt;", f);
		else if (c == '&')
			fputs("&amp;", f);
		else if (c < 0x20 || c == 0x7f)
			fputc(' ', f);
		else
			fputc(c, f);
	}
}

static void md_line(void *ctx, const char *text)
{
	FILE *f = ctx;

	fputs("- ", f);
	md_text(f, text);
	fputc('\n', f);
}

static void md_violations(FILE *f, const struct ex_state *st)
{
	char name[EX_LABEL_MAX + 40];
	size_t i;

	fprintf(f, "\n## Violations: %zu\n\n", ex_count_violations(st));
	for (i = 0; i < st->nruns; i++) {
		const struct ex_run *r = &st->runs[i];

		if (!r->j.violation)
			continue;
		ex_point_name(&st->pts[r->point], name, sizeof(name));
		fprintf(f, "- **%s** %s: ", r->name, ex_verdict_word(r->j.v));
		md_text(f, name);
		fputs("  \n  ", f);
		md_text(f, r->j.detail);
		if (r->land == EX_LAND_ELSEWHERE) {
			fputs("  \n  the cut landed elsewhere: ", f);
			md_text(f, r->land_at);
		}
		if (r->repro[0]) {
			fputs("  \n  reproduced by ", f);
			md_text(f, r->repro);
			fprintf(f, " (goneaway run: %s)", r->repro_verdict[0] ?
				r->repro_verdict : "not run");
		}
		fputc('\n', f);
	}
}

/* Point i's cell of kind k into cell; its run, or NULL. */
static const struct ex_run *md_cell(const struct ex_state *st, size_t i,
				    int k, char *cell, size_t len)
{
	unsigned elsewhere = ex_point_elsewhere(st, i);
	const struct ex_run *r;

	if (!st->pts[i].run) {
		snprintf(cell, len, "not run: like #%zu", st->pts[i].like + 1);
		return NULL;
	}
	if (elsewhere) {
		snprintf(cell, len, "shard %u/%u%s", elsewhere, st->a.shard_n,
			 st->merged ? ": MISSING" : "");
		return NULL;
	}
	r = ex_find_run(st, i, k);
	if (r)
		ex_cell_text(r, cell, len);
	else
		snprintf(cell, len, "-");
	return r;
}

static void md_row(FILE *f, const struct ex_state *st, size_t i)
{
	char name[EX_LABEL_MAX + 40], cell[96];
	const struct ex_run *r;
	int k;

	ex_point_name(&st->pts[i], name, sizeof(name));
	fprintf(f, "| %zu | ", i + 1);
	md_text(f, name);
	fputs(" |", f);
	for (k = 0; k < EX_NKINDS; k++) {
		r = md_cell(st, i, k, cell, sizeof(cell));
		fputs(r && r->j.violation ? " **" : " ", f);
		md_text(f, cell);
		fputs(r && r->j.violation ? "** |" : " |", f);
	}
	fputc('\n', f);
}

static void markdown_write(FILE *f, const struct ex_state *st, double secs)
{
	size_t i;
	int k;

	fputs("# goneaway explore\n\n", f);
	ex_map_head(st, secs, md_line, f);
	md_violations(f, st);
	/* the server side's lines: a section, each a list item */
	ex_side_section(st, f, "\n## Failed writes and COMMITs\n\n", md_line,
			"");
	fputs("\n## Points\n\n| # | point |", f);
	for (k = 0; k < EX_NKINDS; k++)
		fprintf(f, " %s |", ex_kind_names[k]);
	fputs("\n|---|---|", f);
	for (k = 0; k < EX_NKINDS; k++)
		fputs("---|", f);
	fputc('\n', f);
	for (i = 0; i < st->npts; i++)
		md_row(f, st, i);
}

const struct ex_map_format ex_map_markdown = {
	.name = "markdown",
	.write = markdown_write,
};
