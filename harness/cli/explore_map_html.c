/* explore_map_html.c - goneaway explore's map as one HTML page, for
 * --html FILE of explore and of goneaway report: the head's lines, the
 * violations, and the points down the side of a table, the fault kinds
 * across, each cell coloured by what the run was.  Nothing in it runs
 * and nothing else is needed to show it; every text from outside goes
 * through ga_esc_write() (util/escape.h) as XML. */
#include "cli/explore_plan.h"

#include "util/escape.h"

static const char style[] =
	"body{font-family:sans-serif;margin:1.5em;color:#222}\n"
	"table{border-collapse:collapse}\n"
	"th,td{border:1px solid #aaa;padding:.2em .5em;text-align:left;"
	"vertical-align:top;white-space:nowrap}\n"
	"thead th{background:#eee}\n"
	".head{list-style:none;padding:0;color:#444}\n"
	".violation{background:#f2a8a8;font-weight:bold}\n"
	".ok{background:#b8e6b8}\n"
	".code{background:#e3f0e3}\n"
	".silent{background:#e6e6b0}\n"
	".notrun{background:#eee;color:#666}\n"
	".none{color:#888}\n";

static void text(FILE *f, const char *s)
{
	ga_esc_write(f, s, GA_ESC_XML);
}

static void html_line(void *ctx, const char *s)
{
	FILE *f = ctx;

	fputs("<li>", f);
	text(f, s);
	fputs("</li>\n", f);
}

static const char *cell_class(const struct ex_run *r)
{
	if (r->j.violation)
		return "violation";
	switch (r->j.v) {
	case EX_OK: return "ok";
	case EX_CODE: return "code";
	case EX_SILENT: return "silent";
	default: return "notrun";
	}
}

static void html_violations(FILE *f, const struct ex_state *st)
{
	char name[EX_LABEL_MAX + 40];
	size_t i;

	fprintf(f, "<h2>Violations: %zu</h2>\n<ul>\n",
		ex_count_violations(st));
	for (i = 0; i < st->nruns; i++) {
		const struct ex_run *r = &st->runs[i];

		if (!r->j.violation)
			continue;
		ex_point_name(&st->pts[r->point], name, sizeof(name));
		fputs("<li><b>", f);
		text(f, r->name);
		fprintf(f, "</b> %s: ", ex_verdict_word(r->j.v));
		text(f, name);
		fputs("<br>", f);
		text(f, r->j.detail);
		if (r->land == EX_LAND_ELSEWHERE) {
			fputs("<br>the cut landed elsewhere: ", f);
			text(f, r->land_at);
		}
		if (r->repro[0]) {
			fputs("<br>reproduced by ", f);
			text(f, r->repro);
			fputs(" (goneaway run: ", f);
			text(f, r->repro_verdict[0] ? r->repro_verdict :
			     "not run");
			fputc(')', f);
		}
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

static void html_row(FILE *f, const struct ex_state *st, size_t i)
{
	char name[EX_LABEL_MAX + 40], cell[96];
	const struct ex_run *r;
	unsigned elsewhere = ex_point_elsewhere(st, i);
	int k;

	ex_point_name(&st->pts[i], name, sizeof(name));
	fprintf(f, "<tr><td>%zu</td><td>", i + 1);
	text(f, name);
	fputs("</td>", f);
	if (!st->pts[i].run || elsewhere) {
		if (elsewhere)
			snprintf(cell, sizeof(cell), "shard %u/%u%s",
				 elsewhere, st->a.shard_n,
				 st->merged ? ": MISSING" : "");
		else
			snprintf(cell, sizeof(cell), "not run: like #%zu",
				 st->pts[i].like + 1);
		fprintf(f, "<td class=\"notrun\" colspan=\"%d\">%s</td></tr>\n",
			EX_NKINDS, cell);
		return;
	}
	for (k = 0; k < EX_NKINDS; k++) {
		r = ex_find_run(st, i, k);
		if (!r) {
			fputs("<td class=\"none\">-</td>", f);
			continue;
		}
		ex_cell_text(r, cell, sizeof(cell));
		fprintf(f, "<td class=\"%s\" title=\"", cell_class(r));
		ga_esc_write(f, r->j.detail, GA_ESC_XML_ATTR);
		fputs("\">", f);
		text(f, cell);
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
}

static void html_write(FILE *f, const struct ex_state *st, double secs)
{
	size_t i;
	int k;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
	      "charset=\"utf-8\">\n<title>goneaway explore: ", f);
	text(f, st->a.scenario);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n"
		"<h1>goneaway explore</h1>\n<ul class=\"head\">\n", style);
	ex_map_head(st, secs, html_line, f);
	fputs("</ul>\n", f);
	html_violations(f, st);
	/* the server side's lines: a section, a list */
	ex_side_section(st, f, "<h2>Failed writes and COMMITs</h2>\n<ul>\n",
			html_line, "</ul>\n");
	fputs("<h2>Points</h2>\n<table>\n<thead><tr><th>#</th>"
	      "<th>point</th>", f);
	for (k = 0; k < EX_NKINDS; k++)
		fprintf(f, "<th>%s</th>", ex_kind_names[k]);
	fputs("</tr></thead>\n<tbody>\n", f);
	for (i = 0; i < st->npts; i++)
		html_row(f, st, i);
	fputs("</tbody>\n</table>\n</body>\n</html>\n", f);
}

const struct ex_map_format ex_map_html = {
	.name = "html",
	.write = html_write,
};
