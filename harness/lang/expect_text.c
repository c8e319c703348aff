/* expect_text.c - see expect_text.h */
#include "lang/expect_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lang/errnames.h"

struct out {
	char *buf;
	size_t len, used;
	bool cut;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->cut || !o->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->used) {
		o->cut = true;
		o->used = o->len - 1;
		return;
	}
	o->used += (size_t)n;
}

static const char *cmp_word(enum ga_cmp cmp)
{
	switch (cmp) {
	case GA_CMP_EQ: return "=";
	case GA_CMP_NE: return "!=";
	case GA_CMP_LT: return "<";
	case GA_CMP_LE: return "<=";
	case GA_CMP_GT: return ">";
	case GA_CMP_GE: return ">=";
	case GA_CMP_NONE: break;
	}
	return "";
}

static void put_version(struct out *o, enum ga_cmp cmp, unsigned long v)
{
	if (cmp == GA_CMP_NONE)
		return;
	put(o, " %s %lu.%lu", cmp_word(cmp), v / 10000, v / 100 % 100);
	if (v % 100)
		put(o, ".%lu", v % 100);
}

static void selector(struct out *o, const struct ga_selector *sel)
{
	const char *sep = "[";

	if (sel->flavour != GA_FLAVOUR_ANY) {
		put(o, "%s%s", sep, ga_flavour_name(sel->flavour));
		put_version(o, sel->version_cmp, sel->version);
		sep = ", ";
	}
	if (sel->client[0]) {
		put(o, "%sclient=%s", sep, sel->client);
		put_version(o, sel->client_cmp, sel->client_version);
		sep = ", ";
	}
	if (sep[0] == ',')
		put(o, "]");
}

void ga_selector_text(const struct ga_selector *sel, char *buf, size_t len)
{
	struct out o = { buf, len, 0, false };

	if (len)
		buf[0] = '\0';
	selector(&o, sel);
}

void ga_duration_text(long ms, char *buf, size_t len)
{
	if (ms >= 1000 && ms % 1000 == 0)
		snprintf(buf, len, "%lds", ms / 1000);
	else if (ms >= 1000 && ms % 100 == 0)
		snprintf(buf, len, "%ld.%lds", ms / 1000, ms % 1000 / 100);
	else
		snprintf(buf, len, "%ldms", ms);
}

static bool plain_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '+' ||
	       c == '-' || c == ':';
}

void ga_word_text(const char *s, char *buf, size_t len)
{
	struct out o = { buf, len, 0, false };
	const char *c;
	bool plain = *s != '\0' && strcmp(s, "NULL") != 0;

	if (len)
		buf[0] = '\0';
	for (c = s; *c && plain; c++)
		plain = plain_char(*c);
	if (plain) {
		put(&o, "%s", s);
		return;
	}
	put(&o, "\"");
	for (c = s; *c; c++)
		put(&o, "%s%c", *c == '"' || *c == '\\' ? "\\" : "", *c);
	put(&o, "\"");
}

/* A code by the name every server gives it, else its number. */
static void code(struct out *o, unsigned c)
{
	const char *name = ga_errname_name_for(c, GA_FLAVOUR_MYSQL);
	unsigned back;

	if (name && ga_errname_code(name, &back) == 0 && back == c)
		put(o, "%s", name);
	else
		put(o, "%u", c);
}

static void outcomes(struct out *o, const struct ga_outcome_set *set)
{
	const char *sep = "";
	size_t i;

	if (set->any) {
		put(o, "any");
		return;
	}
	if (set->ok) {
		put(o, "ok");
		sep = " | ";
	}
	for (i = 0; i < set->ncodes; i++) {
		put(o, "%s", sep);
		code(o, set->codes[i]);
		sep = " | ";
	}
	for (i = 0; i < set->nclasses; i++) {
		put(o, "%s%s", sep, set->classes[i]);
		sep = " | ";
	}
	if (set->any_error) {
		put(o, "%serror", sep);
		sep = " | ";
	}
	if (set->wrong) {
		put(o, "%swrong-result", sep);
		sep = " | ";
	}
	if (set->hang)
		put(o, "%shang", sep);
}

int ga_expect_text(const struct ga_expect *e, bool with_selector, char *buf,
		   size_t len)
{
	struct out o = { buf, len, 0, false };
	char word[1100], dur[32];

	if (len)
		buf[0] = '\0';
	if (with_selector) {
		selector(&o, &e->selector);
		if (o.used)
			put(&o, " ");
	}
	outcomes(&o, &e->set);
	if (e->value.cmp != GA_CMP_NONE) {
		if (e->value.is_null)
			snprintf(word, sizeof(word), "NULL");
		else
			ga_word_text(e->value.text ? e->value.text : "", word,
				     sizeof(word));
		put(&o, " %s %s", cmp_word(e->value.cmp), word);
	}
	if (e->thread == GA_THREAD_NEW)
		put(&o, " reconnected");
	else if (e->thread == GA_THREAD_SAME)
		put(&o, " same-thread");
	if (e->message) {
		ga_word_text(e->message, word, sizeof(word));
		put(&o, " matching %s", word);
	}
	if (e->after_ms >= 0) {
		ga_duration_text(e->after_ms, dur, sizeof(dur));
		put(&o, " after %s", dur);
	}
	if (e->within_ms >= 0) {
		ga_duration_text(e->within_ms, dur, sizeof(dur));
		put(&o, " within %s", dur);
	}
	return o.cut ? -1 : 0;
}
