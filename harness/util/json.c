/* json.c - see json.h.  A recursive-descent parser over a buffer. */
#include "util/json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32

struct parser {
	const char *s;
	size_t len;
	size_t pos;
	struct ga_error *err;
	int failed;
};

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
		char c = p->s[p->pos++];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return fail(p, "bad \\u escape");
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

/* A string at p->pos (after its opening quote is checked here). */
static int parse_string(struct parser *p, char **out, size_t *outlen)
{
	char *buf;
	size_t n = 0;
	unsigned cp, lo;

	if (p->pos >= p->len || p->s[p->pos] != '"')
		return fail(p, "expected a string");
	p->pos++;
	/* the result is never longer than the source */
	buf = malloc(p->len - p->pos + 1);
	if (!buf)
		return fail(p, "out of memory");
	for (;;) {
		char c;

		if (p->pos >= p->len) {
			free(buf);
			return fail(p, "unterminated string");
		}
		c = p->s[p->pos++];
		if (c == '"')
			break;
		if ((unsigned char)c < 0x20) {
			free(buf);
			return fail(p, "control character in a string");
		}
		if (c != '\\') {
			buf[n++] = c;
			continue;
		}
		if (p->pos >= p->len) {
			free(buf);
			return fail(p, "unterminated escape");
		}
		c = p->s[p->pos++];
		switch (c) {
		case '"': case '\\': case '/': buf[n++] = c; break;
		case 'b': buf[n++] = '\b'; break;
		case 'f': buf[n++] = '\f'; break;
		case 'n': buf[n++] = '\n'; break;
		case 'r': buf[n++] = '\r'; break;
		case 't': buf[n++] = '\t'; break;
		case 'u':
			if (hex4(p, &cp)) {
				free(buf);
				return -1;
			}
			if (cp >= 0xd800 && cp < 0xdc00 && p->len - p->pos >= 6 &&
			    p->s[p->pos] == '\\' && p->s[p->pos + 1] == 'u') {
				p->pos += 2;
				if (hex4(p, &lo)) {
					free(buf);
					return -1;
				}
				if (lo >= 0xdc00 && lo < 0xe000)
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					     (lo - 0xdc00);
			}
			if (cp == 0) {
				free(buf);
				return fail(p, "\\u0000 in a string");
			}
			/* "\uXXXX" is 6 bytes, its UTF-8 at most 4 */
			n += put_utf8(buf + n, cp);
			break;
		default:
			free(buf);
			return fail(p, "bad escape");
		}
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return 0;
}

static int parse_number(struct parser *p, double *out)
{
	char tmp[64], *end;
	size_t start = p->pos, n;

	while (p->pos < p->len && strchr("+-0123456789.eE", p->s[p->pos]))
		p->pos++;
	n = p->pos - start;
	if (n == 0 || n >= sizeof(tmp))
		return fail(p, "bad number");
	memcpy(tmp, p->s + start, n);
	tmp[n] = '\0';
	*out = strtod(tmp, &end);
	if (*end != '\0')
		return fail(p, "bad number");
	return 0;
}

static int parse_value(struct parser *p, struct ga_json *j, int depth);

static int push(struct parser *p, struct ga_json *j, struct ga_json **item)
{
	struct ga_json *grown;

	grown = realloc(j->items, (j->nitems + 1) * sizeof(*grown));
	if (!grown)
		return fail(p, "out of memory");
	j->items = grown;
	*item = &grown[j->nitems++];
	memset(*item, 0, sizeof(**item));
	return 0;
}

static int parse_container(struct parser *p, struct ga_json *j, int depth)
{
	bool object = p->s[p->pos] == '{';
	char close = object ? '}' : ']';
	struct ga_json *item;
	size_t keylen;
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
		if (push(p, j, &item)) {
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
			return 0;
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
	default:
		j->type = GA_JSON_NUMBER;
		return parse_number(p, &j->num);
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
	struct ga_json *j = calloc(1, sizeof(*j));

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
