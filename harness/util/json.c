/* json.c - see json.h.  A recursive-descent parser over a buffer. */
#include "util/json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32

struct parser {
	const char *s;
	size_t len;
	size_t pos;
	size_t nvalues;         /* values in arrays and objects so far */
	struct ga_error *err;
	int failed;
};

static size_t utf8_len(const unsigned char *s, size_t n);

static int fail(struct parser *p, const char *what)
{
	if (!p->failed)
		ga_error_set(p->err, "%s at byte %zu", what, p->pos);
	p->failed = 1;
	return -1;
}

static void skip_blanks(struct parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
				   p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static int literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
		return fail(p, "unexpected character");
	p->pos += n;
	return 0;
}

static int hex4(struct parser *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (p->len - p->pos < 4)
		return fail(p, "short \\u escape");
	for (i = 0; i < 4; i++) {
		char c = p->s[p->pos];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return fail(p, "bad \\u escape");
		p->pos++;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The index of the closing quote of the string whose opening quote is
 * at p->pos, or p->len when it has none.  What lies between the quotes
 * is never shorter than the string's text. */
static size_t string_end(const struct parser *p)
{
	size_t i = p->pos + 1;

	while (i < p->len && p->s[i] != '"')
		i += p->s[i] == '\\' ? 2 : 1;
	return i < p->len ? i : p->len;
}

/* A \u escape at p->pos (after its "\u"), esc the index of its
 * backslash: the code point, a surrogate pair joined into one.  A lone
 * surrogate is no character and refused. */
static int parse_u_escape(struct parser *p, size_t esc, unsigned *cp)
{
	unsigned lo;

	if (hex4(p, cp))
		return -1;
	if (*cp >= 0xdc00 && *cp < 0xe000) {
		p->pos = esc;
		return fail(p, "lone low surrogate in a \\u escape");
	}
	if (*cp < 0xd800 || *cp >= 0xdc00)
		return 0;
	if (p->len - p->pos < 6 || p->s[p->pos] != '\\' ||
	    p->s[p->pos + 1] != 'u') {
		p->pos = esc;
		return fail(p, "lone high surrogate in a \\u escape");
	}
	p->pos += 2;
	if (hex4(p, &lo))
		return -1;
	if (lo < 0xdc00 || lo >= 0xe000) {
		p->pos = esc;
		return fail(p, "lone high surrogate in a \\u escape");
	}
	*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

/* One character of a string at p->pos, into buf at *n (room enough:
 * the text between the quotes ends at end).  0, 1 at the closing
 * quote, or -1. */
static int string_char(struct parser *p, size_t end, char *buf, size_t *n)
{
	unsigned char c = (unsigned char)p->s[p->pos];
	size_t esc = p->pos, k;
	unsigned cp;

	if (p->pos >= end) {
		p->pos++;
		return 1;
	}
	if (c < 0x20)
		return fail(p, "control character in a string");
	if (c >= 0x80) {
		k = utf8_len((const unsigned char *)p->s + p->pos,
			     end - p->pos);
		if (k == 0)
			return fail(p, "invalid UTF-8");
		memcpy(buf + *n, p->s + p->pos, k);
		*n += k;
		p->pos += k;
		return 0;
	}
	p->pos++;
	if (c != '\\') {
		buf[(*n)++] = (char)c;
		return 0;
	}
	c = (unsigned char)p->s[p->pos++];      /* below end: string_end() */
	switch (c) {
	case '"': case '\\': case '/': buf[(*n)++] = (char)c; return 0;
	case 'b': buf[(*n)++] = '\b'; return 0;
	case 'f': buf[(*n)++] = '\f'; return 0;
	case 'n': buf[(*n)++] = '\n'; return 0;
	case 'r': buf[(*n)++] = '\r'; return 0;
	case 't': buf[(*n)++] = '\t'; return 0;
	case 'u':
		if (parse_u_escape(p, esc, &cp))
			return -1;
		if (cp == 0) {
			p->pos = esc;
			return fail(p, "\\u0000 in a string");
		}
		/* "\uXXXX" is 6 bytes, its UTF-8 at most 3; a pair is 12
		 * bytes, its UTF-8 4 */
		*n += put_utf8(buf + *n, cp);
		return 0;
	default:
		p->pos = esc;
		return fail(p, "bad escape");
	}
}

/* A string at p->pos (its opening quote is checked here).  Its buffer
 * is the size of its text in the source, not of the rest of the line. */
static int parse_string(struct parser *p, char **out, size_t *outlen)
{
	size_t end, n = 0;
	char *buf;
	int rc;

	if (p->pos >= p->len || p->s[p->pos] != '"')
		return fail(p, "expected a string");
	end = string_end(p);
	if (end >= p->len) {
		p->pos = p->len;
		return fail(p, "unterminated string");
	}
	p->pos++;
	buf = malloc(end - p->pos + 1);
	if (!buf)
		return fail(p, "out of memory");
	while ((rc = string_char(p, end, buf, &n)) == 0)
		;
	if (rc < 0) {
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return 0;
}

/* Digits at p->pos; how many. */
static size_t digits(struct parser *p)
{
	size_t start = p->pos;

	while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
		p->pos++;
	return p->pos - start;
}

/* A number at p->pos, by JSON's grammar:
 * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and finite. */
static int parse_number(struct parser *p, double *out)
{
	char tmp[64], *copy = tmp, *end;
	size_t start = p->pos, n;
	bool whole;

	if (p->pos < p->len && p->s[p->pos] == '-')
		p->pos++;
	if (p->pos < p->len && p->s[p->pos] == '0') {
		p->pos++;
		if (p->pos < p->len && p->s[p->pos] >= '0' &&
		    p->s[p->pos] <= '9')
			return fail(p, "bad number: a leading zero");
	} else if (digits(p) == 0) {
		return fail(p, "bad number: no digit");
	}
	if (p->pos < p->len && p->s[p->pos] == '.') {
		p->pos++;
		if (digits(p) == 0)
			return fail(p, "bad number: no digit after '.'");
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' ||
					p->s[p->pos] == '-'))
			p->pos++;
		if (digits(p) == 0)
			return fail(p, "bad number: no digit in the exponent");
	}
	n = p->pos - start;
	if (n >= sizeof(tmp)) {
		copy = malloc(n + 1);
		if (!copy)
			return fail(p, "out of memory");
	}
	memcpy(copy, p->s + start, n);
	copy[n] = '\0';
	*out = strtod(copy, &end);
	whole = end == copy + n;
	if (copy != tmp)
		free(copy);
	p->pos = start;
	if (!whole)
		return fail(p, "bad number");
	if (!isfinite(*out))
		return fail(p, "number out of range");
	p->pos = start + n;
	return 0;
}

static int parse_value(struct parser *p, struct ga_json *j, int depth);

/* A new item at the end of j's, which has room for *cap (grown by
 * doubling).  A document has at most GA_JSON_MAX_VALUES of them. */
static int push(struct parser *p, struct ga_json *j, size_t *cap,
		struct ga_json **item)
{
	struct ga_json *grown;
	size_t want;

	if (++p->nvalues > GA_JSON_MAX_VALUES) {
		char what[64];

		snprintf(what, sizeof(what), "more than %d values",
			 GA_JSON_MAX_VALUES);
		return fail(p, what);
	}
	if (j->nitems == *cap) {
		want = *cap ? *cap * 2 : 8;
		grown = realloc(j->items, want * sizeof(*grown));
		if (!grown)
			return fail(p, "out of memory");
		j->items = grown;
		*cap = want;
	}
	*item = &j->items[j->nitems++];
	memset(*item, 0, sizeof(**item));
	return 0;
}

static int by_key(const void *a, const void *b)
{
	const struct ga_json *const *x = a, *const *y = b;

	return strcmp((*x)->key, (*y)->key);
}

/* Refuses object j (its '{' at byte at) when two members have one name:
 * which one a reader takes is not the same everywhere. */
static int unique_keys(struct parser *p, const struct ga_json *j, size_t at)
{
	const struct ga_json **sorted;
	char what[96];
	size_t i;
	int rc = 0;

	if (j->nitems < 2)
		return 0;
	sorted = malloc(j->nitems * sizeof(*sorted));
	if (!sorted)
		return fail(p, "out of memory");
	for (i = 0; i < j->nitems; i++)
		sorted[i] = &j->items[i];
	qsort(sorted, j->nitems, sizeof(*sorted), by_key);
	for (i = 1; i < j->nitems && rc == 0; i++) {
		if (strcmp(sorted[i - 1]->key, sorted[i]->key) != 0)
			continue;
		snprintf(what, sizeof(what), "duplicate member '%.40s%s' in "
			 "the object", sorted[i]->key,
			 strlen(sorted[i]->key) > 40 ? "..." : "");
		p->pos = at;
		rc = fail(p, what);
	}
	free(sorted);
	return rc;
}

static int parse_container(struct parser *p, struct ga_json *j, int depth)
{
	bool object = p->s[p->pos] == '{';
	char close = object ? '}' : ']';
	size_t at = p->pos, cap = 0, keylen;
	struct ga_json *item = NULL;
	char *key;

	j->type = object ? GA_JSON_OBJECT : GA_JSON_ARRAY;
	p->pos++;
	skip_blanks(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		return 0;
	}
	for (;;) {
		key = NULL;
		skip_blanks(p);
		if (object) {
			if (parse_string(p, &key, &keylen))
				return -1;
			skip_blanks(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				free(key);
				return fail(p, "expected ':'");
			}
			p->pos++;
		}
		if (push(p, j, &cap, &item)) {
			free(key);
			return -1;
		}
		item->key = key;
		if (parse_value(p, item, depth + 1))
			return -1;
		skip_blanks(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == close) {
			p->pos++;
			return object ? unique_keys(p, j, at) : 0;
		}
		return fail(p, object ? "expected ',' or '}'" :
			    "expected ',' or ']'");
	}
}

static int parse_value(struct parser *p, struct ga_json *j, int depth)
{
	char c;

	if (depth > MAX_DEPTH)
		return fail(p, "nested too deep");
	skip_blanks(p);
	if (p->pos >= p->len)
		return fail(p, "unexpected end");
	c = p->s[p->pos];
	switch (c) {
	case '{':
	case '[':
		return parse_container(p, j, depth);
	case '"':
		j->type = GA_JSON_STRING;
		return parse_string(p, &j->str, &j->len);
	case 't':
		j->type = GA_JSON_BOOL;
		j->b = true;
		return literal(p, "true");
	case 'f':
		j->type = GA_JSON_BOOL;
		return literal(p, "false");
	case 'n':
		j->type = GA_JSON_NULL;
		return literal(p, "null");
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		j->type = GA_JSON_NUMBER;
		return parse_number(p, &j->num);
	default:
		return fail(p, "unexpected character");
	}
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
	struct parser p = { .s = text, .len = len, .err = err };
	const char *nul = len ? memchr(text, '\0', len) : NULL;
	struct ga_json *j;

	/* a NUL would end the text for whoever reads it after us */
	if (nul) {
		p.pos = (size_t)(nul - text);
		fail(&p, "NUL byte");
		return NULL;
	}
	j = calloc(1, sizeof(*j));
	if (!j) {
		ga_error_set(err, "out of memory");
		return NULL;
	}
	if (parse_value(&p, j, 0) == 0) {
		skip_blanks(&p);
		if (p.pos == p.len)
			return j;
		fail(&p, "trailing characters");
	}
	ga_json_free(j);
	return NULL;
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

/* The length of the valid UTF-8 sequence at s (at most n bytes), 0 if
 * there is none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t need, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		need = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		need = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		need = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((need == 2 && cp < 0x80) || (need == 3 && cp < 0x800) ||
	    (need == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp < 0xe000))
		return 0;
	return need;
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
		} else if ((k = utf8_len(u + i, len - i)) > 0) {
			fwrite(u + i, 1, k, f);
			i += k;
		} else {
			fprintf(f, "\\u%04x", c);       /* the byte, as Latin-1 */
			i++;
		}
	}
	fputc('"', f);
}
