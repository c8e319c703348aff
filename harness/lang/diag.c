/* diag.c - see diag.h */
#include "lang/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"

static void *xrealloc(void *p, size_t size)
{
	void *r;

	r = realloc(p, size);
	if (!r) {
		fputs("goneaway: out of memory while reporting a diagnostic\n",
		      stderr);
		abort();
	}
	return r;
}

static char *xstrdup(const char *s)
{
	size_t n;
	char *r;

	n = strlen(s) + 1;
	r = xrealloc(NULL, n);
	memcpy(r, s, n);
	return r;
}

void ga_diags_add(struct ga_diags *d, const char *path, int line, int col,
		  const char *fmt, ...)
{
	struct ga_diag *item;
	va_list ap;
	int len;
	char *msg;

	if (d->n >= GA_DIAGS_SHOWN_MAX) {
		if (d->n == d->cap) {
			d->cap *= 2;
			d->items = xrealloc(d->items,
					    d->cap * sizeof(*d->items));
		}
		item = &d->items[d->n++];
		item->path = NULL;
		item->line = line;
		item->col = col;
		item->msg = NULL;
		return;
	}
	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		len = 0;
	msg = xrealloc(NULL, (size_t)len + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)len + 1, fmt, ap);
	va_end(ap);

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->items = xrealloc(d->items, d->cap * sizeof(*d->items));
	}
	item = &d->items[d->n++];
	item->path = xstrdup(path ? path : "-");
	item->line = line;
	item->col = col;
	item->msg = msg;
}

/* The diagnostics to f: stderr is unbuffered, and the escaping writes
 * a character at a time, so they are put together in memory first (a
 * system call a character made 40,000 diagnostics take a minute). */
static void print_to(const struct ga_diags *d, FILE *f);

void ga_diags_print(const struct ga_diags *d, FILE *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m) {
		print_to(d, f);
		return;
	}
	print_to(d, m);
	if (fclose(m) == 0)
		fwrite(buf, 1, len, f);
	else
		print_to(d, f);
	free(buf);
}

static void print_to(const struct ga_diags *d, FILE *f)
{
	const struct ga_diag *item;
	const char *path = NULL;
	size_t i, unshown = 0;

	/* a message quotes the file's own words, and a path is any bytes:
	 * both escaped, so a file cannot drive the terminal */
	for (i = 0; i < d->n; i++) {
		item = &d->items[i];
		if (!item->msg) {       /* counted past the cap, no text */
			unshown++;
			continue;
		}
		if (!path)
			path = item->path;
		ga_esc_write(f, item->path, GA_ESC_TEXT);
		if (item->col > 0)
			fprintf(f, ":%d:%d: error: ", item->line, item->col);
		else
			fprintf(f, ":%d: error: ", item->line);
		ga_esc_write(f, item->msg, GA_ESC_TEXT);
		fputc('\n', f);
	}
	if (unshown) {
		ga_esc_write(f, path ? path : "-", GA_ESC_TEXT);
		fprintf(f, ": error: %zu more problems not shown (only the "
			"first %d found are: GA_DIAGS_SHOWN_MAX)\n", unshown,
			GA_DIAGS_SHOWN_MAX);
	}
}

void ga_diags_free(struct ga_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->items[i].path);
		free(d->items[i].msg);
	}
	free(d->items);
	d->items = NULL;
	d->n = 0;
	d->cap = 0;
}
