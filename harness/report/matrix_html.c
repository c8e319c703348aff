/* matrix_html.c - the table of matrix.h as one HTML page (see
 * ga_matrix_html_write there): nothing but this file is needed to show
 * it, and nothing in it runs.  Every text and path from outside goes
 * through ga_esc_*() as an attribute value (the five specials as
 * entities, no control character); a link's path is percent-encoded
 * first. */
#include "report/matrix.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/internal.h"

static const char style[] =
	"body{font-family:sans-serif;margin:1.5em;color:#222}\n"
	"table{border-collapse:collapse}\n"
	"th,td{border:1px solid #aaa;padding:.3em .6em;text-align:left;"
	"vertical-align:top}\n"
	"thead th{background:#eee}\n"
	".note{font-weight:normal;font-size:.8em;color:#555}\n"
	".pass{background:#b8e6b8}\n"
	".fail{background:#f2a8a8}\n"
	".skip{background:#e6e6b0}\n"
	".error{background:#f5c27a}\n"
	".none{color:#888;text-align:center}\n"
	"td a{color:inherit}\n"
	".legend span{display:inline-block;padding:.1em .5em;margin-right:.5em;"
	"border:1px solid #aaa}\n"
	"footer{margin-top:1em;color:#555}\n";

static const char *verdict_class(enum ga_verdict v)
{
	switch (v) {
	case GA_VERDICT_PASS: return "pass";
	case GA_VERDICT_FAIL: return "fail";
	case GA_VERDICT_SKIP: return "skip";
	case GA_VERDICT_ERROR: return "error";
	}
	return "error";
}

static const char *verdict_meaning(enum ga_verdict v)
{
	switch (v) {
	case GA_VERDICT_PASS: return "every step matched";
	case GA_VERDICT_FAIL: return "an outcome did not match";
	case GA_VERDICT_SKIP: return "a requirement is missing";
	case GA_VERDICT_ERROR: return "the harness could not do it";
	}
	return "";
}

static void text(FILE *f, const char *s)
{
	ga_esc_write(f, s, GA_ESC_XML_ATTR);
}

/* path, percent-encoded but for its unreserved characters and '/', after
 * prefix into url.  Returns 0, or -1 when it does not fit. */
static int encode_url(char *url, size_t len, const char *prefix,
		      const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t n = strlen(prefix);

	if (n >= len)
		return -1;
	memcpy(url, prefix, n);
	for (p = (const unsigned char *)path; *p; p++) {
		if (n + 4 > len)
			return -1;
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
			url[n++] = (char)*p;
		} else {
			url[n++] = '%';
			url[n++] = hex[*p >> 4];
			url[n++] = hex[*p & 15];
		}
	}
	url[n] = '\0';
	return 0;
}

/* abs relative to the directory base (both absolute): "../" for each
 * of base's components below their common ancestor, then the rest of
 * abs.  Returns 0, or -1 when it does not fit. */
static int relative_to(const char *abs, const char *base, char *out,
		       size_t len)
{
	size_t common = 0, i, used = 0;
	const char *rest;
	int k;

	/* the longest common prefix that ends at a component's end */
	for (i = 0; abs[i] && abs[i] == base[i]; i++)
		if (abs[i] == '/')
			common = i;
	if (!base[i] && (abs[i] == '/' || !abs[i]))
		common = i;     /* base is abs or one of its ancestors */
	rest = abs[common] == '/' ? abs + common + 1 : abs + common;
	out[0] = '\0';
	for (i = common; base[i]; i++) {
		/* each component of base after the common part */
		if (base[i] == '/' && base[i + 1] && base[i + 1] != '/') {
			k = snprintf(out + used, len - used, "../");
			if (k < 0 || (size_t)k >= len - used)
				return -1;
			used += (size_t)k;
		}
	}
	k = snprintf(out + used, len - used, "%s", rest);
	return k < 0 || (size_t)k >= len - used ? -1 : 0;
}

/* The link to the steps.log of evidence directory dir (relative to the
 * working directory, or absolute): relative to base, the page's own
 * directory, with "../" where dir is not below it, so that the page and
 * the evidence can be moved together (a CI artifact); a file: URL only
 * without a base.  Returns 0, or -1 when there is none to give. */
static int steps_log_url(const char *dir, const char *base, char *url,
			 size_t len)
{
	char abs[PATH_MAX], cwd[PATH_MAX], path[PATH_MAX + 16];
	char rel[PATH_MAX + 16], b[PATH_MAX];
	size_t n;
	int k;

	if (!realpath(dir, abs)) {
		if (dir[0] == '/')
			k = snprintf(abs, sizeof(abs), "%s", dir);
		else if (getcwd(cwd, sizeof(cwd)))
			k = snprintf(abs, sizeof(abs), "%s/%s", cwd, dir);
		else
			return -1;
		if (k < 0 || (size_t)k >= sizeof(abs))
			return -1;
	}
	if (base && base[0] == '/') {
		n = strlen(base);
		while (n > 1 && base[n - 1] == '/')
			n--;
		k = snprintf(b, sizeof(b), "%.*s", (int)n, base);
		if (k > 0 && (size_t)k < sizeof(b) &&
		    relative_to(abs, b, rel, sizeof(rel)) == 0 && rel[0]) {
			k = snprintf(path, sizeof(path), "%s/steps.log", rel);
			if (k < 0 || (size_t)k >= sizeof(path))
				return -1;
			return encode_url(url, len, "", path);
		}
	}
	k = snprintf(path, sizeof(path), "%s/steps.log", abs);
	if (k < 0 || (size_t)k >= sizeof(path))
		return -1;
	return encode_url(url, len, "file://", path);
}

static void header(const struct ga_matrix *m, FILE *f)
{
	size_t c;

	fputs("<thead>\n<tr><th scope=\"col\">scenario</th>", f);
	for (c = 0; c < m->ncols; c++) {
		fputs("<th scope=\"col\">", f);
		text(f, m->cols[c] ? m->cols[c] : "?");
		if (m->notes[c]) {
			fputs("<div class=\"note\">", f);
			text(f, m->notes[c]);
			fputs("</div>", f);
		}
		fputs("</th>", f);
	}
	fputs("</tr>\n</thead>\n", f);
}

static void cell(const struct ga_matrix_cell *c, const char *base, FILE *f)
{
	char url[3 * PATH_MAX + 32];
	bool link;

	if (!c->done) {
		fputs("<td class=\"none\" data-verdict=\"none\">\xe2\x80\x94</td>",
		      f);
		return;
	}
	fprintf(f, "<td class=\"%s\" data-verdict=\"%s\">",
		verdict_class(c->verdict), verdict_class(c->verdict));
	link = c->results && steps_log_url(c->results, base, url,
					   sizeof(url)) == 0;
	if (link) {
		fputs("<a href=\"", f);
		text(f, url);
		fputs("\">", f);
	}
	fputs(ga_verdict_name(c->verdict), f);
	if (c->codes[0]) {
		fputc(' ', f);
		text(f, c->codes);
	}
	if (link)
		fputs("</a>", f);
	fputs("</td>", f);
}

static void legend_and_counts(const struct ga_matrix *m, FILE *f)
{
	size_t count[GA_VERDICT_ERROR + 1] = { 0 }, none = 0, i;
	enum ga_verdict v;

	for (i = 0; i < m->nrows * m->ncols; i++) {
		if (m->cells[i].done)
			count[m->cells[i].verdict]++;
		else
			none++;
	}
	fputs("<p class=\"legend\">", f);
	for (v = GA_VERDICT_PASS; v <= GA_VERDICT_ERROR; v++)
		fprintf(f, "<span class=\"%s\">%s</span>%s; ", verdict_class(v),
			ga_verdict_name(v), verdict_meaning(v));
	fputs("<span class=\"none\">\xe2\x80\x94</span>not run.  The codes "
	      "are what the checked steps saw; a cell links to its "
	      "steps.log.</p>\n<footer>", f);
	for (v = GA_VERDICT_PASS; v <= GA_VERDICT_ERROR; v++)
		fprintf(f, "<span class=\"count-%s\">%zu %s</span>, ",
			verdict_class(v), count[v], ga_verdict_name(v));
	fprintf(f, "<span class=\"count-none\">%zu not run</span></footer>\n",
		none);
}

int ga_matrix_html_write(const struct ga_matrix *m, FILE *f,
			 const char *title, const char *base,
			 struct ga_error *err)
{
	size_t r, c;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n<title>", f);
	text(f, title);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>",
		style);
	text(f, title);
	fputs("</h1>\n<table id=\"matrix\">\n", f);
	header(m, f);
	fputs("<tbody>\n", f);
	for (r = 0; r < m->nrows; r++) {
		fputs("<tr><th scope=\"row\">", f);
		text(f, m->rows[r]);
		fputs("</th>", f);
		for (c = 0; c < m->ncols; c++)
			cell(&m->cells[r * m->ncols + c], base, f);
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
	legend_and_counts(m, f);
	fputs("</body>\n</html>\n", f);
	if (fflush(f) != 0 || ferror(f))
		return ga_error_errno(err, errno, "cannot write the HTML table");
	return 0;
}
