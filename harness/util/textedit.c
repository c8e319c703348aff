/* textedit.c - see textedit.h */
#include "util/textedit.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define CONTEXT 3

int ga_line_edits_add(struct ga_line_edits *e, int line, int del,
		      const char *ins, struct ga_error *err)
{
	struct ga_line_edit *grown;
	char *copy = NULL;

	if (ins && *ins && !(copy = strdup(ins)))
		return ga_error_set(err, "out of memory");
	grown = realloc(e->items, (e->n + 1) * sizeof(*grown));
	if (!grown) {
		free(copy);
		return ga_error_set(err, "out of memory");
	}
	e->items = grown;
	e->items[e->n].line = line;
	e->items[e->n].del = del;
	e->items[e->n].ins = copy;
	e->n++;
	return 0;
}

void ga_line_edits_free(struct ga_line_edits *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->items[i].ins);
	free(e->items);
	e->items = NULL;
	e->n = 0;
}

/* The text cut into lines (pointers into text, each with its length
 * without the '\n'); *nl: whether the last line ended with one. */
struct lines {
	const char **at;
	size_t *len;
	int n;
	bool last_nl;
};

static int split(const char *text, struct lines *l, struct ga_error *err)
{
	const char *p = text, *nl;
	int cap = 64;

	memset(l, 0, sizeof(*l));
	l->at = malloc((size_t)cap * sizeof(*l->at));
	l->len = malloc((size_t)cap * sizeof(*l->len));
	if (!l->at || !l->len)
		goto oom;
	l->last_nl = true;
	while (*p) {
		if (l->n == cap) {
			const char **a;
			size_t *n;

			cap *= 2;
			a = realloc(l->at, (size_t)cap * sizeof(*a));
			if (a)
				l->at = a;
			n = realloc(l->len, (size_t)cap * sizeof(*n));
			if (n)
				l->len = n;
			if (!a || !n)
				goto oom;
		}
		nl = strchr(p, '\n');
		l->at[l->n] = p;
		l->len[l->n] = nl ? (size_t)(nl - p) : strlen(p);
		l->n++;
		if (!nl) {
			l->last_nl = false;
			break;
		}
		p = nl + 1;
	}
	return 0;
oom:
	free(l->at);
	free(l->len);
	return ga_error_set(err, "out of memory");
}

/* Sorts the edits by line, keeping the order of those at one line. */
static int by_line(const void *a, const void *b)
{
	const struct ga_line_edit *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int check(struct ga_line_edits *e, const struct lines *l,
		 struct ga_error *err)
{
	size_t i;
	int end = 1;

	/* qsort is not stable: order by line, then by the order added */
	for (i = 1; i < e->n; i++) {
		size_t j = i;

		while (j > 0 && by_line(&e->items[j - 1], &e->items[j]) > 0 &&
		       e->items[j - 1].line != e->items[j].line) {
			struct ga_line_edit t = e->items[j];

			e->items[j] = e->items[j - 1];
			e->items[j - 1] = t;
			j--;
		}
	}
	for (i = 0; i < e->n; i++) {
		const struct ga_line_edit *x = &e->items[i];

		if (x->line < end || x->del < 0 || x->line + x->del > l->n + 1)
			return ga_error_set(err, "edit at line %d does not fit "
					    "the text (%d lines)", x->line,
					    l->n);
		end = x->line + x->del;
	}
	return 0;
}

struct buf {
	char *s;
	size_t len, cap;
};

static int add(struct buf *b, const char *s, size_t n)
{
	char *g;

	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		g = realloc(b->s, b->cap);
		if (!g)
			return -1;
		b->s = g;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int ga_text_edit(const char *text, struct ga_line_edits *e, char **out,
		 struct ga_error *err)
{
	struct buf b = { NULL, 0, 0 };
	struct lines l;
	size_t k = 0;
	int i;
	bool ok = true;

	*out = NULL;
	if (split(text, &l, err))
		return -1;
	if (check(e, &l, err))
		goto fail;
	ok = add(&b, "", 0) == 0;
	i = 1;
	while (ok && (i <= l.n || k < e->n)) {
		if (k < e->n && e->items[k].line == i) {
			if (e->items[k].ins)
				ok = add(&b, e->items[k].ins,
					 strlen(e->items[k].ins)) == 0;
			i += e->items[k++].del;
			continue;
		}
		if (i > l.n)
			break;
		ok = add(&b, l.at[i - 1], l.len[i - 1]) == 0 &&
		     (i < l.n || l.last_nl ? add(&b, "\n", 1) == 0 : true);
		i++;
	}
	if (!ok) {
		ga_error_set(err, "out of memory");
		goto fail;
	}
	free(l.at);
	free(l.len);
	*out = b.s;
	return 0;
fail:
	free(b.s);
	free(l.at);
	free(l.len);
	return -1;
}

/* Lines of ins, for counting. */
static int count_lines(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		if (*s == '\n')
			n++;
	return n;
}

static void old_line(FILE *f, char mark, const struct lines *l, int i)
{
	fprintf(f, "%c%.*s\n", mark, (int)l->len[i - 1], l->at[i - 1]);
	if (i == l->n && !l->last_nl)
		fputs("\\ No newline at end of file\n", f);
}

int ga_text_udiff(FILE *f, const char *path, const char *text,
		  struct ga_line_edits *e, struct ga_error *err)
{
	struct lines l;
	size_t k, first, last;
	int start, end, i, old_n, new_n, shift = 0;

	if (split(text, &l, err))
		return -1;
	if (check(e, &l, err)) {
		free(l.at);
		free(l.len);
		return -1;
	}
	if (e->n)
		fprintf(f, "--- %s\n+++ %s\n", path, path);
	for (first = 0; first < e->n; first = last + 1) {
		/* a hunk: edits whose contexts touch */
		last = first;
		while (last + 1 < e->n &&
		       e->items[last + 1].line - (e->items[last].line +
						  e->items[last].del) <=
		       2 * CONTEXT)
			last++;
		start = e->items[first].line - CONTEXT;
		if (start < 1)
			start = 1;
		end = e->items[last].line + e->items[last].del + CONTEXT;
		if (end > l.n + 1)
			end = l.n + 1;
		old_n = end - start;
		new_n = old_n;
		for (k = first; k <= last; k++)
			new_n += count_lines(e->items[k].ins) -
				 e->items[k].del;
		fprintf(f, "@@ -%d,%d +%d,%d @@\n", old_n ? start : start - 1,
			old_n, new_n ? start + shift : start + shift - 1,
			new_n);
		k = first;
		i = start;
		while (i < end || (k <= last && e->items[k].line == i)) {
			if (k <= last && e->items[k].line == i) {
				const char *p = e->items[k].ins, *nl;
				int d;

				for (d = 0; d < e->items[k].del; d++)
					old_line(f, '-', &l, i + d);
				for (; p && *p; p = nl + 1) {
					nl = strchr(p, '\n');
					fprintf(f, "+%.*s\n", (int)(nl - p), p);
				}
				i += e->items[k++].del;
				continue;
			}
			old_line(f, ' ', &l, i++);
		}
		shift += new_n - old_n;
	}
	free(l.at);
	free(l.len);
	return ferror(f) ? ga_error_set(err, "write error") : 0;
}
