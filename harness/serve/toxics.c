/* toxics.c - see toxics.h: the table of toxic types (GA_TOXICS, then
 * the fault toxics), and what every toxic's values go through the same
 * way: made, copied, decoded, checked and written as Toxiproxy writes
 * them. */
#include "serve/toxics.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define TYPE_ROW(name) &ga_toxic_##name,
static const struct ga_toxic_type *const types[] = {
	GA_TOXICS(TYPE_ROW)
	NULL,
};
#undef TYPE_ROW

/* The table's two lists: GA_TOXICS', then the fault toxics. */
static const struct ga_toxic_type *const *list(int i)
{
	return i == 0 ? types : ga_toxic_fault_types();
}

const struct ga_toxic_type *ga_toxic_type_find(const char *name)
{
	const struct ga_toxic_type *const *t;
	int l;

	for (l = 0; l < 2; l++)
		for (t = list(l); *t; t++)
			if (strcmp((*t)->name, name) == 0)
				return *t;
	return NULL;
}

/* ---- a toxic's values --------------------------------------------------------- */

/* Attribute a's member in t's struct. */
static void *member(const struct ga_toxic *t, const struct ga_toxic_attr *a)
{
	return (char *)t->attrs + a->off;
}

struct ga_toxic *ga_toxic_new(const struct ga_toxic_type *type)
{
	static atomic_ulong next_id;
	struct ga_toxic *t = calloc(1, sizeof(*t));
	const struct ga_toxic_attr *a;
	size_t i;

	if (!t)
		return NULL;
	t->type = type;
	t->toxicity = 1;
	t->dir = GA_STREAM_DOWN;
	t->id = atomic_fetch_add(&next_id, 1) + 1;
	t->attrs = calloc(1, type->size ? type->size : 1);
	if (!t->attrs) {
		free(t);
		return NULL;
	}
	for (i = 0; i < type->nattrs; i++) {
		a = &type->attrs[i];
		if (a->kind == GA_GO_STRING) {
			char *s = strdup(a->def ? a->def : "");

			*(char **)member(t, a) = s;
			if (!s) {
				ga_toxic_free(t);
				return NULL;
			}
		} else if (a->kind == GA_GO_BOOL) {
			*(bool *)member(t, a) = a->def && strcmp(a->def, "true") == 0;
		} else if (a->def) {
			*(long long *)member(t, a) = strtoll(a->def, NULL, 10);
		}
	}
	return t;
}

struct ga_toxic *ga_toxic_copy(const struct ga_toxic *t)
{
	struct ga_toxic *c = ga_toxic_new(t->type);
	const struct ga_toxic_attr *a;
	size_t i;

	if (!c)
		return NULL;
	for (i = 0; i < t->type->nattrs; i++) {
		a = &t->type->attrs[i];
		if (a->kind == GA_GO_STRING) {
			char **s = member(c, a);

			free(*s);
			*s = strdup(*(char **)member(t, a));
			if (!*s) {
				ga_toxic_free(c);
				return NULL;
			}
		} else {
			memcpy(member(c, a), member(t, a), a->kind == GA_GO_BOOL ?
			       sizeof(bool) : sizeof(long long));
		}
	}
	c->toxicity = t->toxicity;
	return c;
}

void ga_toxic_swap_values(struct ga_toxic *t, struct ga_toxic *c)
{
	void *attrs = t->attrs, *spec = t->fault_spec;
	float toxicity = t->toxicity;

	t->attrs = c->attrs;
	c->attrs = attrs;
	t->toxicity = c->toxicity;
	c->toxicity = toxicity;
	if (c->fault_spec) {
		t->fault_spec = c->fault_spec;
		c->fault_spec = spec;
		t->fault_line = c->fault_line;
	}
}

void ga_toxic_free(struct ga_toxic *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; t->attrs && i < t->type->nattrs; i++)
		if (t->type->attrs[i].kind == GA_GO_STRING)
			free(*(char **)member(t, &t->type->attrs[i]));
	free(t->attrs);
	if (t->fault_spec && t->type->fault)
		t->type->fault->free_spec(t->fault_spec);
	free(t->name);
	free(t->stream);
	free(t);
}

int ga_toxic_decode_attrs(struct ga_toxic *t, const struct ga_json *attrs,
			  char *msg, size_t len)
{
	struct ga_go_field f[GA_TOXIC_MAX_ATTRS];
	size_t n;

	for (n = 0; n < t->type->nattrs && n < GA_TOXIC_MAX_ATTRS; n++) {
		f[n].name = t->type->attrs[n].name;
		f[n].kind = t->type->attrs[n].kind;
		f[n].dst = member(t, &t->type->attrs[n]);
		f[n].go_type = NULL;
		f[n].seen = NULL;
		/* goneaway's own toxics are set by toxiproxy-cli too */
		f[n].cli = t->type->family != GA_TOXIC_STANDARD;
	}
	return ga_go_decode(attrs, t->type->go_struct, "attributes.", f, n,
			    msg, len);
}

int ga_toxic_check(struct ga_toxic *t, char *msg, size_t len)
{
	return t->type->check ? t->type->check(t, msg, len) : 0;
}

/* ---- written as Toxiproxy writes them ------------------------------------- */

/* Writes a float32 as Go does (the shortest text that reads back as
 * the same float32: 0.3, 1, 0.12345679). */
static void go_write_float32(FILE *f, float x)
{
	char e[48], digits[16];
	float ax = fabsf(x);
	int prec, exp10 = 0, nd = 0, i;
	const char *p;

	if (x == 0) {
		fputs("0", f);
		return;
	}
	/* the fewest significant digits that read back as x */
	for (prec = 0; prec < 9; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec, (double)ax);
		if (strtof(e, NULL) == ax)
			break;
	}
	for (p = e; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9' && nd < (int)sizeof(digits) - 1)
			digits[nd++] = *p;
	digits[nd] = '\0';
	while (nd > 1 && digits[nd - 1] == '0')
		digits[--nd] = '\0';
	if (*p == 'e')
		exp10 = atoi(p + 1);
	if (x < 0)
		fputc('-', f);
	if (ax < 1e-6f || ax >= 1e21f) {        /* Go's 'e' form: 1e-07 -> 1e-7 */
		fputc(digits[0], f);
		if (nd > 1)
			fprintf(f, ".%s", digits + 1);
		fprintf(f, "e%c%d", exp10 < 0 ? '-' : '+', abs(exp10));
		return;
	}
	if (exp10 >= 0) {
		for (i = 0; i <= exp10; i++)
			fputc(i < nd ? digits[i] : '0', f);
		if (nd > exp10 + 1)
			fprintf(f, ".%s", digits + exp10 + 1);
		return;
	}
	fputs("0.", f);
	for (i = 0; i < -exp10 - 1; i++)
		fputc('0', f);
	fputs(digits, f);
}

/* The value of kind at p (a member of a toxic's attributes). */
static void write_value(FILE *f, enum ga_go_kind kind, const void *p)
{
	const char *s;

	if (kind == GA_GO_STRING) {
		s = *(char *const *)p;
		ga_go_write_string(f, s, strlen(s));
	} else if (kind == GA_GO_BOOL) {
		fputs(*(const bool *)p ? "true" : "false", f);
	} else {
		fprintf(f, "%lld", *(const long long *)p);
	}
}

void ga_toxic_write(FILE *f, const struct ga_toxic *t)
{
	const struct ga_toxic_attr *a;
	size_t i;

	fputs("{\"attributes\":{", f);
	for (i = 0; i < t->type->nattrs; i++) {
		a = &t->type->attrs[i];
		if (i)
			fputc(',', f);
		ga_go_write_string(f, a->name, strlen(a->name));
		fputc(':', f);
		write_value(f, a->kind, member(t, a));
	}
	fputs("},\"name\":", f);
	ga_go_write_string(f, t->name, strlen(t->name));
	fputs(",\"type\":", f);
	ga_go_write_string(f, t->type->name, strlen(t->type->name));
	fputs(",\"stream\":", f);
	ga_go_write_string(f, t->stream, strlen(t->stream));
	fputs(",\"toxicity\":", f);
	go_write_float32(f, t->toxicity);
	fputc('}', f);
}

static const char *const family_words[] = {
	[GA_TOXIC_STANDARD] = "toxiproxy", [GA_TOXIC_MYSQL] = "mysql",
	[GA_TOXIC_FAULT] = "fault",
};
static const char *const go_kind_words[] = {
	[GA_GO_STRING] = "string", [GA_GO_BOOL] = "bool",
	[GA_GO_INT64] = "int64", [GA_GO_INT] = "int",
	[GA_GO_FLOAT32] = "float32",
};

static void write_type(FILE *f, const struct ga_toxic_type *t)
{
	const struct ga_toxic_attr *a;
	size_t i;

	fputs("{\"type\":", f);
	ga_go_write_string(f, t->name, strlen(t->name));
	fprintf(f, ",\"family\":\"%s\",\"description\":",
		family_words[t->family]);
	ga_go_write_string(f, t->what, strlen(t->what));
	fputs(",\"attributes\":[", f);
	for (i = 0; i < t->nattrs; i++) {
		a = &t->attrs[i];
		fprintf(f, "%s{\"name\":\"%s\",\"type\":\"%s\",\"default\":",
			i ? "," : "", a->name, go_kind_words[a->kind]);
		if (a->kind == GA_GO_STRING)
			ga_go_write_string(f, a->def ? a->def : "",
					   a->def ? strlen(a->def) : 0);
		else
			fputs(a->def ? a->def : a->kind == GA_GO_BOOL ?
			      "false" : "0", f);
		fputs(",\"description\":", f);
		ga_go_write_string(f, a->what, strlen(a->what));
		fputc('}', f);
	}
	fputs("]}", f);
}

void ga_toxic_types_write(FILE *f)
{
	const struct ga_toxic_type *const *t;
	bool first = true;
	int l;

	fputc('[', f);
	for (l = 0; l < 2; l++)
		for (t = list(l); *t; t++) {
			if (!first)
				fputc(',', f);
			first = false;
			write_type(f, *t);
		}
	fputc(']', f);
}
