/* lexer.c - cuts a scenario line into words (see internal.h), and the
 * parser's small allocation and character helpers. */
#include "lang/internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


static bool lex_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

void ga_lex_skip(struct lexer *lx)
{
	while (lx->pos < lx->len && lex_is_blank(lx->s[lx->pos]))
		lx->pos++;
}

/* True when only blanks or a comment are left. */
bool ga_lex_done(struct lexer *lx)
{
	ga_lex_skip(lx);
	return lx->pos >= lx->len || lx->s[lx->pos] == '#';
}

int ga_lex_col(const struct lexer *lx)
{
	return (int)lx->pos + 1;
}

char ga_lex_peek(const struct lexer *lx)
{
	return lx->pos < lx->len ? lx->s[lx->pos] : '\0';
}

/* Copies s[start, pos) into the scratch buffer. */
const char *ga_lex_take(struct lexer *lx, size_t start)
{
	char *out;
	size_t n;

	n = lx->pos - start;
	out = lx->buf + lx->used;
	memcpy(out, lx->s + start, n);
	out[n] = '\0';
	lx->used += n + 1;
	return out;
}

const char *ga_lex_line(struct lexer *lx, const char *line, char *scratch)
{
	const char *nl = strchr(line, '\n');

	memset(lx, 0, sizeof(*lx));
	lx->s = line;
	lx->len = nl ? (size_t)(nl - line) : strlen(line);
	lx->buf = scratch;
	return nl;
}

/* Reads the next word into w: bytes up to a blank or '#', with "..." parts
 * (escapes \" and \\) taken whole.  Returns 1, 0 at the end of the line or
 * a comment, or -1 after reporting an unterminated string. */
int ga_lex_word(struct parser *p, struct lexer *lx, struct word *w)
{
	char *out;
	char c;
	int qcol;

	if (ga_lex_done(lx))
		return 0;
	out = lx->buf + lx->used;
	w->text = out;
	w->col = ga_lex_col(lx);
	w->quoted = false;
	while (lx->pos < lx->len) {
		c = lx->s[lx->pos];
		if (lex_is_blank(c) || c == '#')
			break;
		lx->pos++;
		if (c != '"') {
			*out++ = c;
			continue;
		}
		w->quoted = true;
		qcol = (int)lx->pos;
		for (;;) {
			if (lx->pos >= lx->len)
				return ga_perr(p, qcol, "unterminated string: "
					    "missing closing '\"'");
			c = lx->s[lx->pos++];
			if (c == '"')
				break;
			if (c == '\\' && lx->pos < lx->len &&
			    (lx->s[lx->pos] == '"' || lx->s[lx->pos] == '\\'))
				c = lx->s[lx->pos++];
			*out++ = c;
		}
	}
	*out++ = '\0';
	lx->used = (size_t)(out - lx->buf);
	return 1;
}

bool ga_lex_next(struct parser *p, struct lexer *lx, struct word *w,
		 int *failed)
{
	int rc = ga_lex_word(p, lx, w);

	if (rc < 0)
		*failed = -1;
	return rc > 0;
}

int ga_lex_need(struct parser *p, struct lexer *lx, struct word *w, int col,
		const char *fmt, ...)
{
	va_list ap;
	int rc = ga_lex_word(p, lx, w);

	if (rc > 0)
		return 0;
	if (rc == 0) {
		va_start(ap, fmt);
		ga_vperr(p, col, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The raw rest of the line, '#' included, blanks trimmed at both ends. */
size_t ga_lex_rest(struct lexer *lx, const char **start)
{
	size_t end;

	ga_lex_skip(lx);
	*start = lx->s + lx->pos;
	end = lx->len;
	while (end > lx->pos && lex_is_blank(lx->s[end - 1]))
		end--;
	lx->pos = lx->len;
	return end - (size_t)(*start - lx->s);
}

/* The rest of the line up to a comment, blanks trimmed. */
size_t ga_lex_text(struct lexer *lx, const char **start)
{
	size_t end;

	ga_lex_skip(lx);
	*start = lx->s + lx->pos;
	end = lx->pos;
	while (end < lx->len && lx->s[end] != '#')
		end++;
	lx->pos = end;
	while (end > (size_t)(*start - lx->s) && lex_is_blank(lx->s[end - 1]))
		end--;
	return end - (size_t)(*start - lx->s);
}

/* Reads a comparison operator, or returns GA_CMP_NONE without moving. */
enum ga_cmp ga_lex_cmp(struct lexer *lx)
{
	char c, next;

	c = ga_lex_peek(lx);
	next = lx->pos + 1 < lx->len ? lx->s[lx->pos + 1] : '\0';
	if (next == '=' && (c == '!' || c == '<' || c == '>')) {
		lx->pos += 2;
		return c == '!' ? GA_CMP_NE : c == '<' ? GA_CMP_LE : GA_CMP_GE;
	}
	if (c == '=' || c == '<' || c == '>') {
		lx->pos++;
		return c == '=' ? GA_CMP_EQ : c == '<' ? GA_CMP_LT : GA_CMP_GT;
	}
	return GA_CMP_NONE;
}

/* Reports a word left over at the end of a line. */
int ga_lex_end(struct parser *p, struct lexer *lx, const char *what)
{
	struct word w;
	int rc;

	rc = ga_lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return ga_perr(p, w.col, "unexpected '%s' after %s", w.text, what);
	return 0;
}

/* ---- small helpers ------------------------------------------------------ */

char *ga_parse_strndup(struct parser *p, const char *s, size_t n)
{
	char *r;

	r = malloc(n + 1);
	if (!r) {
		ga_parse_nomem(p);
		return NULL;
	}
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

char *ga_parse_strdup(struct parser *p, const char *s)
{
	return ga_parse_strndup(p, s, strlen(s));
}

void *ga_parse_grow(struct parser *p, void *arr, size_t n, size_t size)
{
	size_t room;
	void *r;

	if (n & (n - 1))
		return arr;     /* room is the power of two above n */
	room = n ? 2 * n : 1;
	if (room > SIZE_MAX / size) {
		ga_parse_nomem(p);
		return NULL;
	}
	r = realloc(arr, room * size);
	if (!r)
		ga_parse_nomem(p);
	return r;
}

bool ga_all_of(const char *s, size_t n, const char *extra)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && !strchr(extra, s[i]))
			return false;
	}
	return true;
}

int ga_parse_decl_name(struct parser *p, struct lexer *lx, struct word *w,
		       int col, const char *what, const char *need)
{
	size_t len;

	if (ga_lex_need(p, lx, w, col, "%s", need))
		return -1;
	len = strlen(w->text);

	if (!isalpha((unsigned char)w->text[0]) ||
	    !ga_all_of(w->text, len, "_-") || len >= GA_NAME_MAX)
		return ga_perr(p, w->col, "invalid %s name '%s': letters, "
			       "digits, '_' and '-', starting with a letter, at "
			       "most %d characters", what, w->text,
			       GA_NAME_MAX - 1);
	return (int)len;
}

bool ga_is_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
	}
	return true;
}

/* [+-]digits[.digits] */
bool ga_is_number(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return *s == '\0';
}

int ga_find_name(const char *const *names, size_t n, const char *s,
		     size_t len)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
			return (int)i;
	}
	return -1;
}

