/* jrow.c - see jrow.h: one loop over a record's rows, reading or
 * writing each member by its kind. */
#include "util/jrow.h"

#include <math.h>
#include <string.h>

void ga_jrow_cut_copy(char *dst, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static enum ga_json_type json_type(enum ga_jrow_kind k)
{
	switch (k) {
	case GA_JROW_TEXT: case GA_JROW_NAME: case GA_JROW_WORD:
		return GA_JSON_STRING;
	case GA_JROW_BOOL:
		return GA_JSON_BOOL;
	case GA_JROW_OBJECT:
		return GA_JSON_OBJECT;
	default:
		return GA_JSON_NUMBER;
	}
}

/* A whole number of row's bounds into its field. */
static int read_number(const struct ga_jrow *row, double num, char *field,
		       struct ga_error *err)
{
	if (num != floor(num) || num < (double)row->min ||
	    num > (double)row->max)
		return ga_error_set(err, "\"%s\" is not a whole number from "
				    "%ld to %ld", row->key, row->min, row->max);
	switch (row->kind) {
	case GA_JROW_INT: *(int *)field = (int)num; break;
	case GA_JROW_LONG: *(long *)field = (long)num; break;
	case GA_JROW_UINT: *(unsigned *)field = (unsigned)num; break;
	case GA_JROW_ULONG: *(unsigned long *)field = (unsigned long)num; break;
	default: *(size_t *)field = (size_t)num; break;
	}
	return 0;
}

static int read_one(const struct ga_jrow *row, const struct ga_json *m,
		    char *field, struct ga_error *err)
{
	int w;

	switch (row->kind) {
	case GA_JROW_NAME:
		if (strlen(m->str) >= row->size)
			return ga_error_set(err, "\"%s\" is longer than %zu "
					    "bytes", row->key, row->size - 1);
		/* fall through */
	case GA_JROW_TEXT:
		ga_jrow_cut_copy(field, row->size, m->str);
		return 0;
	case GA_JROW_MS:
		if (!(m->num >= 0 && m->num <= 366.0 * 86400 * 1000))
			return ga_error_set(err, "\"%s\" is not a duration in "
					    "milliseconds", row->key);
		*(double *)field = m->num;
		return 0;
	case GA_JROW_BOOL:
		*(bool *)field = m->b;
		return 0;
	case GA_JROW_WORD:
		w = row->find(m->str);
		if (w < 0)
			return ga_error_set(err, "\"%s\" is \"%.60s\", not a "
					    "word goneaway writes there",
					    row->key, m->str);
		*(int *)field = w;
		return 0;
	default:
		return read_number(row, m->num, field, err);
	}
}

/* m, the member key (NULL: absent), checked to be of type or a null
 * (nullable).  Returns 0 (m may be a null), or -1 with err set. */
static int check(const char *key, const struct ga_json *m,
		 enum ga_json_type type, bool nullable, struct ga_error *err)
{
	static const char *const names[] = {
		[GA_JSON_NULL] = "null", [GA_JSON_BOOL] = "a boolean",
		[GA_JSON_NUMBER] = "a number", [GA_JSON_STRING] = "a string",
		[GA_JSON_ARRAY] = "an array", [GA_JSON_OBJECT] = "an object",
	};

	if (!m)
		return ga_error_set(err, "no \"%s\" member", key);
	if (m->type == GA_JSON_NULL && nullable)
		return 0;
	if (m->type != type)
		return ga_error_set(err, "\"%s\" is not %s%s", key, names[type],
				    nullable ? " or null" : "");
	return 0;
}

int ga_jrow_member(const struct ga_json *j, const char *key,
		   enum ga_json_type type, bool nullable,
		   const struct ga_json **out, struct ga_error *err)
{
	const struct ga_json *m = ga_json_get(j, key);

	*out = NULL;
	if (check(key, m, type, nullable, err))
		return -1;
	if (m->type == type)
		*out = m;
	return 0;
}

int ga_jrow_read_value(const struct ga_jrow *row, const struct ga_json *m,
		       void *field, struct ga_error *err)
{
	if (check(row->key, m, json_type(row->kind),
		  row->flags & GA_JROW_NULLABLE, err))
		return -1;
	if (m->type == GA_JSON_NULL)    /* nullable: left as it was */
		return 0;
	return read_one(row, m, field, err);
}

int ga_jrow_get_str(const struct ga_json *j, const char *key, bool nullable,
		    const char **out, struct ga_error *err)
{
	const struct ga_json *m;

	if (ga_jrow_member(j, key, GA_JSON_STRING, nullable, &m, err))
		return -1;
	if (out)
		*out = m ? m->str : NULL;
	return 0;
}

int ga_jrow_get_long(const struct ga_json *j, const char *key, long min,
		     long max, bool nullable, long def, long *out,
		     struct ga_error *err)
{
	const struct ga_jrow row = {
		.key = key, .kind = GA_JROW_LONG, .min = min, .max = max,
		.flags = nullable ? GA_JROW_NULLABLE : 0,
	};

	*out = def;
	return ga_jrow_read_value(&row, ga_json_get(j, key), out, err);
}

int ga_jrow_read(const struct ga_json *j, const struct ga_jrow *rows,
		 size_t n, void *const *bases, bool whole, void *ctx,
		 struct ga_error *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct ga_jrow *row = &rows[i];
		const struct ga_json *m = ga_json_get(j, row->key);

		if ((row->flags & GA_JROW_WHOLE) && !whole)
			continue;
		if (row->kind == GA_JROW_CUSTOM) {
			if (row->read && row->read(row, j, bases, ctx, err))
				return -1;
			continue;
		}
		if (!m && (row->flags & GA_JROW_OPTIONAL))
			continue;
		if (row->kind == GA_JROW_OBJECT) {
			if (ga_jrow_member(j, row->key, GA_JSON_OBJECT, false,
					   &m, err) ||
			    ga_jrow_read(m, row->rows, row->nrows, bases, whole,
					 ctx, err))
				return -1;
			continue;
		}
		if (ga_jrow_read_value(row, m, (char *)bases[row->base] +
				       row->off, err))
			return -1;
	}
	return 0;
}

void ga_jrow_write_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":", key);
	ga_json_write_string(f, s, strlen(s));
}

void ga_jrow_write_str_or_null(FILE *f, const char *key, const char *s)
{
	if (s && *s)
		ga_jrow_write_str(f, key, s);
	else
		fprintf(f, ",\"%s\":null", key);
}

/* The member row of field, after sep ("," or "" for an object's first). */
static void write_one(FILE *f, const struct ga_jrow *row, const char *field,
		      const char *sep)
{
	double ms;

	fprintf(f, "%s\"%s\":", sep, row->key);
	switch (row->kind) {
	case GA_JROW_TEXT: case GA_JROW_NAME:
		if ((row->flags & GA_JROW_NULLABLE) && !*field)
			fputs("null", f);
		else
			ga_json_write_string(f, field, strlen(field));
		break;
	case GA_JROW_INT: fprintf(f, "%d", *(const int *)field); break;
	case GA_JROW_LONG: fprintf(f, "%ld", *(const long *)field); break;
	case GA_JROW_UINT: fprintf(f, "%u", *(const unsigned *)field); break;
	case GA_JROW_ULONG:
		fprintf(f, "%lu", *(const unsigned long *)field);
		break;
	case GA_JROW_SIZE: fprintf(f, "%zu", *(const size_t *)field); break;
	case GA_JROW_MS:
		ms = *(const double *)field;
		fprintf(f, "%.3f", isfinite(ms) ? ms : 0.0);
		break;
	case GA_JROW_BOOL:
		fputs(*(const bool *)field ? "true" : "false", f);
		break;
	case GA_JROW_WORD: {
		const char *w = row->name(*(const int *)field);

		ga_json_write_string(f, w, strlen(w));
		break;
	}
	case GA_JROW_OBJECT: case GA_JROW_CUSTOM:
		break;
	}
}

static void write_rows(FILE *f, const struct ga_jrow *rows, size_t n,
		       void *const *bases, bool whole, void *ctx, bool first)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct ga_jrow *row = &rows[i];

		if ((row->flags & GA_JROW_WHOLE) && !whole)
			continue;
		if (row->kind == GA_JROW_CUSTOM) {
			if (row->write)
				row->write(f, row, bases, ctx);
		} else if (row->kind == GA_JROW_OBJECT) {
			fprintf(f, "%s\"%s\":", first ? "" : ",", row->key);
			ga_jrow_write_object(f, row->rows, row->nrows, bases,
					     whole, ctx);
		} else {
			write_one(f, row, (const char *)bases[row->base] +
				  row->off, first ? "" : ",");
		}
		first = false;
	}
}

void ga_jrow_write(FILE *f, const struct ga_jrow *rows, size_t n,
		   void *const *bases, bool whole, void *ctx)
{
	write_rows(f, rows, n, bases, whole, ctx, false);
}

void ga_jrow_write_object(FILE *f, const struct ga_jrow *rows, size_t n,
			  void *const *bases, bool whole, void *ctx)
{
	fputc('{', f);
	write_rows(f, rows, n, bases, whole, ctx, true);
	fputc('}', f);
}
