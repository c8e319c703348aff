/* json.c - see json.h.  jansson reads the text (json_loadb: RFC 8259's
 * grammar, its UTF-8 check, a member named twice refused); what jansson
 * has no bound for of goneaway's choosing (a NUL byte, the nesting, the
 * number of values) is checked before it builds anything, and its tree
 * is copied into goneaway's struct ga_json, which every caller reads. */
#include "util/json.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"

#define MAX_DEPTH 32

/* ---- refusals, with their line and column ------------------------------ */

/* Refuses the text at byte at: "what at line L, column C", both from 1,
 * a column counting characters as jansson's do (a UTF-8 continuation
 * byte is not one). */
static int refuse_at(struct ga_error *err, const char *text, size_t at,
		     const char *what)
{
	size_t i, line = 1, col = 1;

	for (i = 0; i < at; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\n') {
			line++;
			col = 1;
		} else if (c < 0x80 || c >= 0xc0) {
			col++;
		}
	}
	return ga_error_set(err, "%s at line %zu, column %zu", what, line, col);
}

/* Refuses a NUL byte anywhere (it would end the text for whoever reads
 * it after us), nesting deeper than MAX_DEPTH and more than
 * GA_JSON_MAX_VALUES values (array items and object members, each
 * counted at its ',' or at the first byte after its '[' or '{'),
 * reading the bytes outside strings only: a text of hundreds of
 * thousands of values is refused at the first one too many, before
 * jansson builds any of it.  Exact for valid JSON; on text that is not,
 * jansson refuses what this lets through. */
static int bounds(const char *s, size_t len, struct ga_error *err)
{
	size_t i, values = 0;
	bool in_string = false, opened = false;
	int depth = 0;
	char what[64];

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '\0')
			return refuse_at(err, s, i, "NUL byte");
		if (in_string) {
			if (c == '\\' && i + 1 < len && s[i + 1] != '\0')
				i++;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (opened && c != ']' && c != '}')
			values++;
		opened = false;
		if (c == '[' || c == '{') {
			if (++depth > MAX_DEPTH)
				return refuse_at(err, s, i, "nested too deep");
			opened = true;
		} else if (c == ']' || c == '}') {
			depth--;
		} else if (c == ',') {
			values++;
		} else if (c == '"') {
			in_string = true;
		}
		if (values > GA_JSON_MAX_VALUES) {
			snprintf(what, sizeof(what), "more than %d values",
				 GA_JSON_MAX_VALUES);
			return refuse_at(err, s, i, what);
		}
	}
	return 0;
}

/* jansson's refusal, with its line and column.  Its text quotes up to
 * 20 bytes of the input ("invalid token near 'x'"), valid UTF-8 but
 * perhaps an ESC: shown escaped. */
static int refused(struct ga_error *err, const json_error_t *jerr)
{
	char text[4 * JSON_ERROR_TEXT_LENGTH];

	/* its words for \u0000 name a flag of its own */
	if (json_error_code(jerr) == json_error_null_character)
		snprintf(text, sizeof(text), "\\u0000 in a string");
	else if (jerr->text[0])
		ga_esc_format(text, sizeof(text), jerr->text, GA_ESC_TEXT);
	else                    /* jansson's malloc failed: no words */
		return ga_error_set(err, "out of memory (jansson)");
	if (jerr->line < 1)
		return ga_error_set(err, "%s", text);
	return ga_error_set(err, "%s at line %d, column %d", text, jerr->line,
			    jerr->column);
}

/* ---- jansson's tree, copied -------------------------------------------- */

static int copy(json_t *in, struct ga_json *out, int depth,
		struct ga_error *err);

static char *copy_text(const char *s, size_t len)
{
	char *c = malloc(len + 1);

	if (c) {
		memcpy(c, s, len);
		c[len] = '\0';
	}
	return c;
}

/* Array items or object members: out->items, all zeroed first, so that
 * a copy that fails half way is freed whole by ga_json_free(). */
static int copy_items(json_t *in, struct ga_json *out, int depth,
		      struct ga_error *err)
{
	bool object = json_is_object(in);
	size_t n = object ? json_object_size(in) : json_array_size(in), i = 0;
	void *it;

	if (n == 0)
		return 0;
	out->items = calloc(n, sizeof(*out->items));
	if (!out->items)
		return ga_error_set(err, "out of memory");
	out->nitems = n;
	if (!object) {
		for (i = 0; i < n; i++)
			if (copy(json_array_get(in, i), &out->items[i],
				 depth + 1, err))
				return -1;
		return 0;
	}
	/* jansson keeps an object's members in the order they came */
	for (it = json_object_iter(in); it && i < n;
	     it = json_object_iter_next(in, it), i++) {
		out->items[i].key = strdup(json_object_iter_key(it));
		if (!out->items[i].key)
			return ga_error_set(err, "out of memory");
		if (copy(json_object_iter_value(it), &out->items[i],
			 depth + 1, err))
			return -1;
	}
	return 0;
}

static int copy(json_t *in, struct ga_json *out, int depth,
		struct ga_error *err)
{
	if (depth > MAX_DEPTH)          /* bounds() saw to it: never */
		return ga_error_set(err, "nested too deep");
	switch (json_typeof(in)) {
	case JSON_OBJECT:
		out->type = GA_JSON_OBJECT;
		return copy_items(in, out, depth, err);
	case JSON_ARRAY:
		out->type = GA_JSON_ARRAY;
		return copy_items(in, out, depth, err);
	case JSON_STRING:
		out->type = GA_JSON_STRING;
		out->len = json_string_length(in);
		out->str = copy_text(json_string_value(in), out->len);
		return out->str ? 0 : ga_error_set(err, "out of memory");
	case JSON_INTEGER:              /* JSON_DECODE_INT_AS_REAL: never */
		out->type = GA_JSON_NUMBER;
		out->num = (double)json_integer_value(in);
		return 0;
	case JSON_REAL:
		out->type = GA_JSON_NUMBER;
		out->num = json_real_value(in);
		return 0;
	case JSON_TRUE:
	case JSON_FALSE:
		out->type = GA_JSON_BOOL;
		out->b = json_is_true(in);
		return 0;
	case JSON_NULL:
		out->type = GA_JSON_NULL;
		return 0;
	}
	return ga_error_set(err, "a JSON value of an unknown type");
}

static void free_node(struct ga_json *j)
{
	size_t i;

	for (i = 0; i < j->nitems; i++)
		free_node(&j->items[i]);
	free(j->items);
	free(j->str);
	free(j->key);
}

void ga_json_free(struct ga_json *j)
{
	if (!j)
		return;
	free_node(j);
	free(j);
}

struct ga_json *ga_json_parse(const char *text, size_t len,
			      struct ga_error *err)
{
	/* any value at the top (a reply is an object, but the caller says
	 * so); every number a double, as JSON has one kind (an integer
	 * past 2^63 is no "too big integer"); no NUL (\u0000) by default */
	const size_t flags = JSON_REJECT_DUPLICATES | JSON_DECODE_ANY |
			     JSON_DECODE_INT_AS_REAL;
	json_error_t jerr;
	struct ga_json *j;
	json_t *tree;

	if (!text)              /* json_loadb takes no NULL, even of 0 bytes */
		text = "";
	if (bounds(text, len, err))
		return NULL;
	tree = json_loadb(text, len, flags, &jerr);
	if (!tree) {
		refused(err, &jerr);
		return NULL;
	}
	j = calloc(1, sizeof(*j));
	if (!j)
		ga_error_set(err, "out of memory");
	else if (copy(tree, j, 0, err)) {
		ga_json_free(j);
		j = NULL;
	}
	json_decref(tree);
	return j;
}

const struct ga_json *ga_json_get(const struct ga_json *j, const char *key)
{
	size_t i;

	if (!j || j->type != GA_JSON_OBJECT)
		return NULL;
	for (i = 0; i < j->nitems; i++)
		if (j->items[i].key && strcmp(j->items[i].key, key) == 0)
			return &j->items[i];
	return NULL;
}

const char *ga_json_str(const struct ga_json *j, const char *key,
			const char *def)
{
	const struct ga_json *m = ga_json_get(j, key);

	return m && m->type == GA_JSON_STRING ? m->str : def;
}

double ga_json_num(const struct ga_json *j, const char *key, double def)
{
	const struct ga_json *m = ga_json_get(j, key);

	return m && m->type == GA_JSON_NUMBER ? m->num : def;
}

bool ga_json_bool(const struct ga_json *j, const char *key, bool def)
{
	const struct ga_json *m = ga_json_get(j, key);

	return m && m->type == GA_JSON_BOOL ? m->b : def;
}

void ga_json_write_string(FILE *f, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	fputc('"', f);
	while (i < len) {
		unsigned char c = u[i];

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			i++;
		} else if (c == '\n') {
			fputs("\\n", f);
			i++;
		} else if (c == '\t') {
			fputs("\\t", f);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			i++;
		} else if ((k = ga_utf8_char(u + i, len - i, NULL)) > 0) {
			fwrite(u + i, 1, k, f);
			i += k;
		} else {
			fprintf(f, "\\u%04x", c);       /* the byte, as Latin-1 */
			i++;
		}
	}
	fputc('"', f);
}
