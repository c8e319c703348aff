/* expect_text.c - see expect_text.h */
#include "lang/expect_text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lang/errnames.h"
#include "util/strbuf.h"

static void put_version(struct ga_strbuf *o, enum ga_cmp cmp, unsigned long v)
{
	if (cmp == GA_CMP_NONE)
		return;
	ga_strbuf_add(o, " %s %lu.%lu", ga_cmp_text(cmp), v / 10000, v / 100 % 100);
	if (v % 100)
		ga_strbuf_add(o, ".%lu", v % 100);
}

/* The length of the namespace separator at c ("::" or '\\'), or 0. */
static size_t class_sep(const char *c)
{
	if (c[0] == ':' && c[1] == ':')
		return 2;
	return c[0] == '\\' ? 1 : 0;
}

bool ga_class_name(const char *tok)
{
	const char *c;
	size_t sep;

	if (!isalpha((unsigned char)tok[0]))
		return false;
	for (c = tok; *c; c += sep ? sep : 1) {
		sep = class_sep(c);
		if (sep && !isalpha((unsigned char)c[sep]) && c[sep] != '_')
			return false;
		if (!sep && !isalnum((unsigned char)*c) && *c != '_' &&
		    *c != '.')
			return false;
	}
	return true;
}

bool ga_class_text_ok(const char *cls)
{
	static const char *const words[] = { "any", "ok", "hang", "error" };
	unsigned code;
	size_t i;

	if (strlen(cls) >= GA_CLASS_MAX || !ga_class_name(cls))
		return false;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(cls, words[i]) == 0)
			return false;
	return ga_errname_code(cls, &code) != 0;
}

/* A driver's name as [client=NAME] reads it. */
static bool client_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' &&
		    *s != '.')
			return false;
	return true;
}

static void selector(struct ga_strbuf *o, const struct ga_selector *sel,
		     bool *bad)
{
	const char *sep = "[";

	if (sel->flavour != GA_FLAVOUR_ANY) {
		ga_strbuf_add(o, "%s%s", sep, ga_flavour_name(sel->flavour));
		put_version(o, sel->version_cmp, sel->version);
		sep = ", ";
	}
	if (sel->client[0] && !client_name_ok(sel->client))
		*bad = true;
	else if (sel->client[0]) {
		ga_strbuf_add(o, "%sclient=%s", sep, sel->client);
		put_version(o, sel->client_cmp, sel->client_version);
		sep = ", ";
	}
	if (sep[0] == ',')
		ga_strbuf_add(o, "]");
}

void ga_selector_text(const struct ga_selector *sel, char *buf, size_t len)
{
	struct ga_strbuf o;
	bool bad = false;

	ga_strbuf_init(&o, buf, len);
	selector(&o, sel, &bad);
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

/* s as one word of an expect line: as it is when it is letters, digits
 * and "_.+-:", else between quotes with '"' and '\' escaped; a newline
 * or another control character but tab (which a quoted word cannot
 * hold) as '?'. */
static void word_text(const char *s, char *buf, size_t len)
{
	struct ga_strbuf o;
	const char *c;
	bool plain = *s != '\0' && strcmp(s, "NULL") != 0;

	ga_strbuf_init(&o, buf, len);
	for (c = s; *c && plain; c++)
		plain = plain_char(*c);
	if (plain) {
		ga_strbuf_add(&o, "%s", s);
		return;
	}
	ga_strbuf_add(&o, "\"");
	for (c = s; *c; c++)
		ga_strbuf_add(&o, "%s%c", *c == '"' || *c == '\\' ? "\\" : "",
			      ((unsigned char)*c < 0x20 && *c != '\t') ||
			      *c == 0x7f ? '?' : *c);
	ga_strbuf_add(&o, "\"");
}

/* A code by the name every server gives it, else its number. */
static void code(struct ga_strbuf *o, unsigned c)
{
	const char *name = ga_errname_name_for(c, GA_FLAVOUR_MYSQL);
	unsigned back;

	if (name && ga_errname_code(name, &back) == 0 && back == c)
		ga_strbuf_add(o, "%s", name);
	else
		ga_strbuf_add(o, "%u", c);
}

static void outcomes(struct ga_strbuf *o, const struct ga_outcome_set *set,
		     bool *bad)
{
	const char *sep = "";
	size_t i;

	if (set->any) {
		ga_strbuf_add(o, "any");
		return;
	}
	if (set->ok) {
		ga_strbuf_add(o, "ok");
		sep = " | ";
	}
	for (i = 0; i < set->ncodes; i++) {
		ga_strbuf_add(o, "%s", sep);
		code(o, set->codes[i]);
		sep = " | ";
	}
	for (i = 0; i < set->nclasses; i++) {
		if (!ga_class_text_ok(set->classes[i])) {
			*bad = true;    /* never written as it came */
			continue;
		}
		ga_strbuf_add(o, "%s%s", sep, set->classes[i]);
		sep = " | ";
	}
	if (set->any_error) {
		ga_strbuf_add(o, "%serror", sep);
		sep = " | ";
	}
	if (set->wrong) {
		ga_strbuf_add(o, "%swrong-result", sep);
		sep = " | ";
	}
	if (set->hang)
		ga_strbuf_add(o, "%shang", sep);
}

int ga_expect_text(const struct ga_expect *e, bool with_selector, char *buf,
		   size_t len)
{
	struct ga_strbuf o;
	char word[1100], dur[32];
	bool bad = false;

	ga_strbuf_init(&o, buf, len);
	if (with_selector) {
		selector(&o, &e->selector, &bad);
		if (o.used)
			ga_strbuf_add(&o, " ");
	}
	outcomes(&o, &e->set, &bad);
	if (e->value.cmp != GA_CMP_NONE) {
		if (e->value.is_null)
			snprintf(word, sizeof(word), "NULL");
		else
			word_text(e->value.text ? e->value.text : "", word,
				     sizeof(word));
		ga_strbuf_add(&o, " %s %s", ga_cmp_text(e->value.cmp), word);
	}
	if (e->thread == GA_THREAD_NEW)
		ga_strbuf_add(&o, " reconnected");
	else if (e->thread == GA_THREAD_SAME)
		ga_strbuf_add(&o, " same-thread");
	if (e->message) {
		word_text(e->message, word, sizeof(word));
		ga_strbuf_add(&o, " matching %s", word);
	}
	if (e->rows_cmp != GA_CMP_NONE)
		ga_strbuf_add(&o, " rows %s %ld", ga_cmp_text(e->rows_cmp),
			      e->rows);
	if (e->pool_sets)
		ga_strbuf_add(&o, " pool %s",
			      ga_pool_sets_text(e->pool_sets, word,
						sizeof(word)));
	if (e->after_ms >= 0) {
		ga_duration_text(e->after_ms, dur, sizeof(dur));
		ga_strbuf_add(&o, " after %s", dur);
	}
	if (e->within_ms >= 0) {
		ga_duration_text(e->within_ms, dur, sizeof(dur));
		ga_strbuf_add(&o, " within %s", dur);
	}
	return o.cut || bad ? -1 : 0;
}
