/* args.c - see args.h */
#include "faults/args.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/suggest.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

void ga_args_init(struct ga_args *a, const char *s)
{
	a->s = s;
	a->pos = 0;
}

bool ga_args_next(struct ga_args *a, struct ga_arg *w)
{
	size_t i = a->pos;

	while (is_blank(a->s[i]))
		i++;
	w->text = a->s + i;
	w->at = i;
	while (a->s[i] != '\0' && !is_blank(a->s[i]))
		i++;
	w->len = i - w->at;
	a->pos = i;
	return w->len > 0;
}

bool ga_arg_is(const struct ga_arg *w, const char *word)
{
	return strlen(word) == w->len && memcmp(w->text, word, w->len) == 0;
}

int ga_arg_which(const struct ga_arg *w, const char *const *words)
{
	int i;

	for (i = 0; words[i]; i++)
		if (ga_arg_is(w, words[i]))
			return i;
	return -1;
}

const char *ga_arg_str(const struct ga_arg *w, char *buf, size_t len)
{
	if (w->len < len) {
		memcpy(buf, w->text, w->len);
		buf[w->len] = '\0';
	} else {
		memcpy(buf, w->text, len - 4);
		memcpy(buf + len - 4, "...", 4);
	}
	return buf;
}

int ga_arg_uint(const struct ga_arg *w, unsigned long min, unsigned long max,
		unsigned long *out)
{
	unsigned long v = 0, d;
	size_t i;

	if (w->len == 0)
		return -1;
	for (i = 0; i < w->len; i++) {
		if (w->text[i] < '0' || w->text[i] > '9')
			return -1;
		d = (unsigned long)(w->text[i] - '0');
		if (d > max || v > (max - d) / 10)
			return -1;      /* more than max: no wrap */
		v = v * 10 + d;
	}
	if (v < min)
		return -1;
	*out = v;
	return 0;
}

int ga_fault_diag_set(struct ga_fault_diag *diag, size_t at,
		      const char *fmt, ...)
{
	va_list ap;

	diag->offset = at;
	va_start(ap, fmt);
	vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int ga_args_expected(struct ga_fault_diag *diag, const char *what,
		     const struct ga_arg *w, const char *const *cands)
{
	char text[GA_SUGGEST_MAX + 1];
	char hint[GA_SUGGEST_MAX + 32] = "";
	struct ga_suggest sg;
	size_t i;

	if (w->len == 0)
		return ga_fault_diag_set(diag, w->at, "expected %s, found end "
					 "of line", what);
	if (cands && w->len <= GA_SUGGEST_MAX) {
		memcpy(text, w->text, w->len);
		text[w->len] = '\0';
		ga_suggest_init(&sg, text, 2);
		for (i = 0; cands[i]; i++)
			ga_suggest_try(&sg, cands[i]);
		ga_suggest_text(&sg, hint, sizeof(hint));
	}
	return ga_fault_diag_set(diag, w->at, "expected %s, found '%.*s'%s",
				 what, (int)w->len, w->text, hint);
}

int ga_args_twice(struct ga_fault_diag *diag, const struct ga_arg *w)
{
	return ga_fault_diag_set(diag, w->at, "'%.*s' given twice",
				 (int)w->len, w->text);
}

int ga_args_value(struct ga_args *a, const struct ga_arg *key, bool *seen,
		  struct ga_arg *v, struct ga_fault_diag *diag)
{
	if (*seen)
		return ga_args_twice(diag, key);
	*seen = true;
	ga_args_next(a, v);
	return 0;
}

int ga_args_needs_value(struct ga_fault_diag *diag, const struct ga_arg *key,
			const char *what)
{
	return ga_fault_diag_set(diag, key->at, "'%.*s' needs a value (%s)",
				 (int)key->len, key->text, what);
}

int ga_args_spec(const char *args, const char *const *actions,
		 const char *expected, size_t size,
		 int (*rest)(struct ga_args *a, void *spec, int action,
			     struct ga_fault_diag *diag),
		 void **spec, struct ga_fault_diag *diag)
{
	struct ga_args a;
	struct ga_arg w;
	void *s;
	int i;

	ga_args_init(&a, args);
	ga_args_next(&a, &w);
	i = ga_arg_which(&w, actions);
	if (i < 0)
		return ga_args_expected(diag, expected, &w, actions);
	s = calloc(1, size);
	if (!s)
		return ga_fault_diag_set(diag, 0, "out of memory");
	if (rest(&a, s, i, diag) != 0) {
		free(s);
		return -1;
	}
	*spec = s;
	return 0;
}
