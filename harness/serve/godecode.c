/* godecode.c - see godecode.h: encoding/json's answers, over util/json. */
#include "serve/godecode.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/escape.h"

/* ---- Go's scanner: where the first value ends, or Go's words -------------- */

#define SCAN_DEPTH 64           /* util/json takes 32 anyway */

struct scan {
	const char *s;
	size_t len, i;
	char *msg;
	size_t mlen;
	int depth;
};

/* Go's quoteChar(): 'x', '\'', '"', '\n', '\x01'. */
static void quote_char(unsigned char c, char *buf, size_t len)
{
	static const char esc[] = "\a\b\f\n\r\t\v";
	static const char name[] = "abfnrtv";
	const char *e;

	if (c == '\'')
		snprintf(buf, len, "'\\''");
	else if (c >= 0x20 && c < 0x7f)
		snprintf(buf, len, "'%c'", c);
	else if (c && (e = strchr(esc, c)) != NULL)
		snprintf(buf, len, "'\\%c'", name[e - esc]);
	else if (c < 0x80)
		snprintf(buf, len, "'\\x%02x'", c);
	else                    /* Go quotes the byte as the rune U+00XX */
		snprintf(buf, len, "'%c%c'", 0xc0 | c >> 6, 0x80 | (c & 0x3f));
}

/* Go's SyntaxError at p's byte (context says where), or its
 * "unexpected EOF" when the text ended. */
static int scan_bad(struct scan *p, const char *context)
{
	char q[16];

	if (p->i >= p->len) {
		snprintf(p->msg, p->mlen, "unexpected EOF");
		return -1;
	}
	quote_char((unsigned char)p->s[p->i], q, sizeof(q));
	snprintf(p->msg, p->mlen, "invalid character %s %s", q, context);
	return -1;
}

static void scan_blanks(struct scan *p)
{
	while (p->i < p->len && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
				 p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

static bool scan_at(const struct scan *p, char c)
{
	return p->i < p->len && p->s[p->i] == c;
}

static bool scan_digit(const struct scan *p)
{
	return p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static int scan_string(struct scan *p)
{
	int k;

	for (p->i++; p->i < p->len; ) {
		unsigned char c = (unsigned char)p->s[p->i];

		if (c == '"') {
			p->i++;
			return 0;
		}
		if (c < 0x20)
			return scan_bad(p, "in string literal");
		p->i++;
		if (c != '\\')
			continue;
		if (p->i >= p->len)
			break;
		c = (unsigned char)p->s[p->i];
		if (c && strchr("\"\\/bfnrt", c)) {
			p->i++;
			continue;
		}
		if (c != 'u')
			return scan_bad(p, "in string escape code");
		for (p->i++, k = 0; k < 4; k++, p->i++)
			if (p->i >= p->len || !is_hex(p->s[p->i]))
				return scan_bad(p, "in \\u hexadecimal character "
						"escape");
	}
	return scan_bad(p, "");
}

static int scan_number(struct scan *p)
{
	if (scan_at(p, '-')) {
		p->i++;
		if (!scan_digit(p))
			return scan_bad(p, "in numeric literal");
	}
	if (scan_at(p, '0'))
		p->i++;
	else
		while (scan_digit(p))
			p->i++;
	if (scan_at(p, '.')) {
		p->i++;
		if (!scan_digit(p))
			return scan_bad(p, "after decimal point in numeric literal");
		while (scan_digit(p))
			p->i++;
	}
	if (scan_at(p, 'e') || scan_at(p, 'E')) {
		p->i++;
		if (scan_at(p, '+') || scan_at(p, '-'))
			p->i++;
		if (!scan_digit(p))
			return scan_bad(p, "in exponent of numeric literal");
		while (scan_digit(p))
			p->i++;
	}
	return 0;
}

static int scan_literal(struct scan *p, const char *word)
{
	char context[48];
	size_t k;

	for (k = 0; word[k]; k++, p->i++)
		if (p->i >= p->len || p->s[p->i] != word[k]) {
			snprintf(context, sizeof(context), "in literal %s "
				 "(expecting '%c')", word, word[k]);
			return scan_bad(p, context);
		}
	return 0;
}

static int scan_value(struct scan *p);

/* Whether p is at c; then past it. */
static bool scan_past(struct scan *p, char c)
{
	if (!scan_at(p, c))
		return false;
	p->i++;
	return true;
}

/* An object's members (close '}': each a key string, ':' and a value)
 * or an array's elements (close ']': each a value), p at its opening
 * bracket, up to and past its close. */
static int scan_members(struct scan *p, char close)
{
	bool object = close == '}';

	p->i++;
	scan_blanks(p);
	if (scan_past(p, close))
		return 0;
	for (;;) {
		if (object) {
			if (!scan_at(p, '"'))
				return scan_bad(p, "looking for beginning of "
						"object key string");
			if (scan_string(p))
				return -1;
			scan_blanks(p);
			if (!scan_past(p, ':'))
				return scan_bad(p, "after object key");
		}
		if (scan_value(p))
			return -1;
		scan_blanks(p);
		if (scan_past(p, close))
			return 0;
		if (!scan_past(p, ','))
			return scan_bad(p, object ? "after object key:value pair" :
					"after array element");
		scan_blanks(p);         /* scan_value's first step too */
	}
}

static int scan_value(struct scan *p)
{
	int rc;

	scan_blanks(p);
	if (p->i >= p->len)
		return scan_bad(p, "");
	if (++p->depth > SCAN_DEPTH) {
		snprintf(p->msg, p->mlen, "exceeded max depth");
		return -1;
	}
	switch (p->s[p->i]) {
	case '{': rc = scan_members(p, '}'); break;
	case '[': rc = scan_members(p, ']'); break;
	case '"': rc = scan_string(p); break;
	case 't': rc = scan_literal(p, "true"); break;
	case 'f': rc = scan_literal(p, "false"); break;
	case 'n': rc = scan_literal(p, "null"); break;
	default:
		if (p->s[p->i] == '-' || scan_digit(p))
			rc = scan_number(p);
		else
			rc = scan_bad(p, "looking for beginning of value");
	}
	p->depth--;
	return rc;
}

int ga_go_parse_body(const char *body, size_t len, struct ga_json **out,
		     char *msg, size_t msglen)
{
	struct scan p = { .s = body, .len = len, .msg = msg, .mlen = msglen };
	struct ga_error err;
	size_t start;

	*out = NULL;
	scan_blanks(&p);
	if (p.i == len) {
		snprintf(msg, msglen, "EOF");
		return -1;
	}
	/* Go's Decoder reads the first value and leaves what follows */
	start = p.i;
	if (scan_value(&p))
		return -1;
	*out = ga_json_parse(body + start, p.i - start, &err);
	if (!*out) {
		snprintf(msg, msglen, "%s", err.msg);
		return -1;
	}
	return 0;
}

/* The shortest text of x that reads back as x, its exponent as one
 * writes it (1e30, 1e-7). */
static void number_text(double x, char *buf, size_t len)
{
	char *e;
	int prec;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	e = strchr(buf, 'e');
	if (!e)
		return;
	if (e[1] == '+')
		memmove(e + 1, e + 2, strlen(e + 2) + 1);
	if (e[1] == '-')
		e++;
	while (e[1] == '0' && e[2])
		memmove(e + 1, e + 2, strlen(e + 2) + 1);
}


void ga_go_type_name(const struct ga_json *j, bool with_value, char *buf,
		     size_t len)
{
	char num[40];

	switch (j->type) {
	case GA_JSON_STRING: snprintf(buf, len, "string"); break;
	case GA_JSON_BOOL: snprintf(buf, len, "bool"); break;
	case GA_JSON_ARRAY: snprintf(buf, len, "array"); break;
	case GA_JSON_OBJECT: snprintf(buf, len, "object"); break;
	case GA_JSON_NULL: snprintf(buf, len, "null"); break;
	case GA_JSON_NUMBER:
		if (!with_value) {
			snprintf(buf, len, "number");
			break;
		}
		number_text(j->num, num, sizeof(num));
		snprintf(buf, len, "number %s", num);
		break;
	}
}

static const char *const go_names[] = {
	[GA_GO_STRING] = "string", [GA_GO_BOOL] = "bool",
	[GA_GO_INT64] = "int64", [GA_GO_INT] = "int",
	[GA_GO_FLOAT32] = "float32", [GA_GO_STRUCT] = "struct",
};

/* Sets f from j (not null).  Returns 0, 1 when j's type is not f's, 2
 * when j is a number f cannot hold. */
static int assign(const struct ga_go_field *f, const struct ga_json *j)
{
	char num[32];
	char *s;

	switch (f->kind) {
	case GA_GO_STRING:
		if (f->cli && j->type == GA_JSON_NUMBER) {
			number_text(j->num, num, sizeof(num));
			s = strdup(num);
		} else if (j->type != GA_JSON_STRING) {
			return 1;
		} else {
			s = strdup(j->str);
		}
		if (!s)
			return 1;
		free(*(char **)f->dst);
		*(char **)f->dst = s;
		return 0;
	case GA_GO_BOOL:
		if (f->cli && j->type == GA_JSON_STRING &&
		    (strcmp(j->str, "true") == 0 ||
		     strcmp(j->str, "false") == 0)) {
			*(bool *)f->dst = j->str[0] == 't';
			return 0;
		}
		if (j->type != GA_JSON_BOOL)
			return 1;
		*(bool *)f->dst = j->b;
		return 0;
	case GA_GO_INT64:
	case GA_GO_INT:
		if (j->type != GA_JSON_NUMBER)
			return 1;
		/* exactly an integer that a double holds exactly */
		if (j->num != floor(j->num) || fabs(j->num) > 9007199254740992.0)
			return 2;
		*(long long *)f->dst = (long long)j->num;
		return 0;
	case GA_GO_FLOAT32:
		if (j->type != GA_JSON_NUMBER)
			return 1;
		if (fabs(j->num) > FLT_MAX)
			return 2;
		*(float *)f->dst = (float)j->num;
		return 0;
	case GA_GO_STRUCT:
		if (j->type != GA_JSON_OBJECT)
			return 1;
		*(const struct ga_json **)f->dst = j;
		return 0;
	}
	return 1;
}

/* The field the member called key sets: the one of its name, else one
 * whose name is the same without regard to case; NULL: none. */
static const struct ga_go_field *field_of(const char *key,
					  const struct ga_go_field *fields,
					  size_t n)
{
	const struct ga_go_field *folded = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(fields[i].name, key) == 0)
			return &fields[i];
		if (!folded && strcasecmp(fields[i].name, key) == 0)
			folded = &fields[i];
	}
	return folded;
}

int ga_go_decode(const struct ga_json *obj, const char *where,
		 const char *prefix, const struct ga_go_field *fields,
		 size_t n, char *msg, size_t msglen)
{
	const struct ga_go_field *f;
	const struct ga_json *j;
	char type[64];
	size_t i;
	int rc;

	/* in the document's order, as Go reads it: the first wrong member
	 * is the one named */
	for (i = 0; obj && obj->type == GA_JSON_OBJECT && i < obj->nitems;
	     i++) {
		j = &obj->items[i];
		f = field_of(j->key, fields, n);
		if (!f || j->type == GA_JSON_NULL)
			continue;
		rc = assign(f, j);
		if (rc == 0) {
			if (f->seen)
				*f->seen = true;
			continue;
		}
		ga_go_type_name(j, rc == 2, type, sizeof(type));
		snprintf(msg, msglen, "json: cannot unmarshal %s into Go struct "
			 "field %s.%s%s of type %s", type, where, prefix,
			 f->name, f->go_type ? f->go_type : go_names[f->kind]);
		return -1;
	}
	return 0;
}

/* ---- Go's encoder's strings ------------------------------------------------ */

void ga_go_write_string(FILE *f, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;
	uint32_t cp;

	fputc('"', f);
	while (i < len) {
		unsigned char c = u[i];

		if (c >= 0x80) {
			k = ga_utf8_char(u + i, len - i, &cp);
			if (k == 0) {
				fputs("\\ufffd", f);
				i++;
			} else if (cp == 0x2028 || cp == 0x2029) {
				fprintf(f, "\\u202%c", hex[cp & 15]);
				i += k;
			} else {
				fwrite(u + i, 1, k, f);
				i += k;
			}
			continue;
		}
		i++;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == '<' || c == '>' || c == '&')
			fprintf(f, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
