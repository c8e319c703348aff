/* sqltok.c - see sqltok.h */
#include "lang/sqltok.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define HIGH(c) ((unsigned char)(c) >= 0x80)

void ga_sqllex_init(struct ga_sqllex *lx, const char *sql, size_t len,
		    unsigned mode, uint32_t choices)
{
	memset(lx, 0, sizeof(*lx));
	lx->p = sql;
	lx->end = sql + len;
	lx->mode = mode;
	lx->choices = choices;
}

/* A server's blank: space, \t, \n, \v, \f, \r. */
static bool blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Whether lx->p starts with s. */
static bool at(const struct ga_sqllex *lx, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(lx->end - lx->p) >= n && memcmp(lx->p, s, n) == 0;
}

/* Past the end of a line: after its '\n', or the end. */
static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

/* Just after the "*\/" that ends a comment whose text starts at p, or
 * the end: the first one, or with nest, the first after a comment
 * nested in it (MySQL and MariaDB skip a version comment they do not
 * run so, and /\*M! on MySQL without). */
static const char *comment_end(const char *p, const char *end, bool nest)
{
	const char *q = p;

	while (end - q >= 2) {
		if (q[0] == '*' && q[1] == '/')
			return q + 2;
		if (nest && q[0] == '/' && q[1] == '*') {
			q = comment_end(q + 2, end, false);
			continue;
		}
		q++;
	}
	return end;
}

/* "--" and then a blank, a control character or the end. */
static bool dash_comment(const struct ga_sqllex *lx)
{
	unsigned char c;

	if (!at(lx, "--"))
		return false;
	if (lx->end - lx->p == 2)
		return true;
	c = (unsigned char)lx->p[2];
	return c <= ' ' || c == 0x7f;
}

/* Refuses the text: t is GA_SQLTOK_REFUSED at lx->p, and lx->why says
 * why (kept: every later token is GA_SQLTOK_END). */
static enum ga_sqltok_kind refuse(struct ga_sqllex *lx, struct ga_sqltok *t,
				  const char *why)
{
	lx->why = why;
	t->kind = GA_SQLTOK_REFUSED;
	t->s = lx->p;
	t->len = 0;
	lx->p = lx->end;
	return t->kind;
}

/* lx->p is at a version comment's "/\*!" or "/\*M!": moves past its
 * opening and version into its SQL, or past the whole comment, as the
 * reading's choice says.  Returns NULL, or why the comment is
 * refused. */
static const char *version_comment(struct ga_sqllex *lx)
{
	bool maria = lx->p[2] == 'M';
	const char *v = lx->p + (maria ? 4 : 3), *q;
	size_t digits = 0, skip;
	bool sql;

	if (lx->in_version)
		return "a version comment inside a version comment";
	while (v + digits < lx->end && isdigit((unsigned char)v[digits]))
		digits++;
	if (digits < 5)
		skip = 0;               /* no version: the digits are SQL */
	else if (digits == 5)
		skip = 5;
	else if (maria)
		skip = 6;               /* MariaDB reads six, the rest is SQL */
	else if (digits == 6 && v + 6 < lx->end && blank(v[6]))
		skip = 6;
	else
		return "a version comment whose version MySQL and MariaDB "
		       "read differently (five digits, or six and a blank)";
	/* Not run, it ends after one comment nested in it; /\*M! on MySQL,
	 * a plain comment, at its first "*\/". */
	q = comment_end(lx->p + 2, lx->end, true);
	if (maria && q != comment_end(lx->p + 2, lx->end, false))
		return "a comment inside a /*M! comment, which MySQL and "
		       "MariaDB end in different places";
	if (skip == 0 && !maria) {
		sql = true;             /* SQL on every server */
	} else {
		if (lx->met >= GA_SQLTOK_CHOICES_MAX)
			return "more than 8 version comments: too many ways "
			       "to read it";
		sql = (lx->choices >> lx->met) & 1;
		lx->met++;
	}
	if (sql) {
		lx->p = v + skip;
		lx->in_version = true;
	} else {
		lx->p = q;
	}
	return NULL;
}

/* A quoted token from lx->p (its quote) to its closing quote: close
 * doubled is one, a backslash escapes under escapes.  Unclosed, it runs
 * to the end (a server's syntax error: nothing after it runs). */
static enum ga_sqltok_kind quoted(struct ga_sqllex *lx, struct ga_sqltok *t,
				  enum ga_sqltok_kind kind, char close,
				  bool escapes)
{
	const char *q = lx->p + 1;

	while (q < lx->end) {
		if (*q == '\\' && escapes) {
			q += q + 1 < lx->end ? 2 : 1;
		} else if (*q == close) {
			if (q + 1 < lx->end && q[1] == close) {
				q += 2;
			} else {
				q++;
				break;
			}
		} else {
			q++;
		}
	}
	t->kind = kind;
	t->s = lx->p;
	t->len = (size_t)(q - lx->p);
	lx->p = q;
	return kind;
}

enum ga_sqltok_kind ga_sqllex_next(struct ga_sqllex *lx, struct ga_sqltok *t)
{
	const char *why, *q;
	char c;

	for (;;) {
		if (lx->p >= lx->end) {
			t->kind = GA_SQLTOK_END;
			t->s = lx->end;
			t->len = 0;
			return t->kind;
		}
		c = *lx->p;
		if (blank(c)) {
			lx->p++;
		} else if (c == '*' && lx->in_version && at(lx, "*/")) {
			lx->p += 2;
			lx->in_version = false;
		} else if (c == '#' || (c == '-' && dash_comment(lx))) {
			lx->p = line_end(lx->p, lx->end);
		} else if (c == '/' && (at(lx, "/*!") || at(lx, "/*M!"))) {
			why = version_comment(lx);
			if (why)
				return refuse(lx, t, why);
		} else if (c == '/' && at(lx, "/*")) {
			lx->p = comment_end(lx->p + 2, lx->end, false);
		} else {
			break;
		}
	}
	if (HIGH(c))
		return refuse(lx, t, "a byte above 0x7F outside quotes, which "
			      "servers read as their character set says");
	if (c == '$')
		return refuse(lx, t, "a '$' outside quotes, which MySQL 9 "
			      "reads as a quote ($$...$$) and MariaDB as part "
			      "of a name");
	if (c == '\'')
		return quoted(lx, t, GA_SQLTOK_STRING, c,
			      !(lx->mode & GA_SQLMODE_NO_BACKSLASH_ESCAPES));
	if (c == '"')
		return lx->mode & GA_SQLMODE_ANSI_QUOTES ?
		       quoted(lx, t, GA_SQLTOK_NAME, c, false) :
		       quoted(lx, t, GA_SQLTOK_STRING, c,
			      !(lx->mode & GA_SQLMODE_NO_BACKSLASH_ESCAPES));
	if (c == '`')
		return quoted(lx, t, GA_SQLTOK_NAME, c, false);
	if (c == '[' && (lx->mode & GA_SQLMODE_MSSQL))
		return quoted(lx, t, GA_SQLTOK_NAME, ']', false);
	t->s = lx->p;
	if (word_char(c)) {
		for (q = lx->p; q < lx->end && word_char(*q); q++)
			;
		t->kind = GA_SQLTOK_WORD;
		t->len = (size_t)(q - lx->p);
	} else {
		t->kind = GA_SQLTOK_PUNCT;
		t->len = 1;
	}
	lx->p += t->len;
	return t->kind;
}

/* What a backslash and c stand for in a string (0: c itself, with the
 * backslash: \% and \_ keep it). */
static char escaped(char c)
{
	switch (c) {
	case '0': return '\0';
	case 'b': return '\b';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'Z': return '\032';
	default: return c;
	}
}

size_t ga_sqltok_text(const struct ga_sqllex *lx, const struct ga_sqltok *t,
		      char *out)
{
	const char *q = t->s + 1, *end = t->s + t->len;
	char close = *t->s == '[' ? ']' : *t->s;
	bool escapes = t->kind == GA_SQLTOK_STRING &&
		       !(lx->mode & GA_SQLMODE_NO_BACKSLASH_ESCAPES);
	size_t n = 0;

	if (end > q && end[-1] == close)
		end--;          /* closed (a doubled close is two bytes) */
	while (q < end) {
		if (*q == '\\' && escapes && q + 1 < end) {
			if (q[1] == '%' || q[1] == '_')
				out[n++] = '\\';
			out[n++] = escaped(q[1]);
			q += 2;
		} else if (*q == close && q + 1 < end) {
			out[n++] = close;
			q += 2;
		} else {
			out[n++] = *q++;
		}
	}
	return n;
}

bool ga_sqltok_is(const struct ga_sqltok *t, const char *w)
{
	return t->kind == GA_SQLTOK_WORD && strlen(w) == t->len &&
	       strncasecmp(t->s, w, t->len) == 0;
}

/* The modes that can change sql's tokens: those whose character it
 * holds. */
static unsigned modes_that_matter(const char *sql, size_t len)
{
	unsigned m = 0;

	if (memchr(sql, '"', len))
		m |= GA_SQLMODE_ANSI_QUOTES;
	if (memchr(sql, '\\', len))
		m |= GA_SQLMODE_NO_BACKSLASH_ESCAPES;
	if (memchr(sql, '[', len))
		m |= GA_SQLMODE_MSSQL;
	return m;
}

/* A byte above 0x7F before '\\', '`' or ']': one character to gbk,
 * big5 or sjis, which swallows the quote or escape. */
static bool multibyte_trap(const char *sql, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++)
		if (HIGH(sql[i]) && (sql[i + 1] == '\\' || sql[i + 1] == '`' ||
				     sql[i + 1] == ']'))
			return true;
	return false;
}

/* The choices after those of a reading that met met version comments:
 * the last one taken as a comment (0) is taken as SQL, those after it
 * start over.  Returns false when none is left. */
static bool next_choices(uint32_t *choices, unsigned met)
{
	while (met > 0) {
		met--;
		if (!(*choices >> met & 1)) {
			*choices = (*choices & ((1u << met) - 1)) | 1u << met;
			return true;
		}
	}
	return false;
}

const char *ga_sql_readings(const char *sql, size_t len,
			    const char *(*read)(struct ga_sqllex *lx,
						void *arg),
			    void *arg, size_t *work)
{
	unsigned matter = modes_that_matter(sql, len), mode;
	struct ga_sqllex lx;
	struct ga_sqltok t;
	uint32_t choices;
	size_t own = 0;
	const char *why;

	if (!work)
		work = &own;

	if (multibyte_trap(sql, len))
		return "a byte above 0x7F before a backslash, a backtick or "
		       "a ']', which gbk, big5 and sjis read as one "
		       "character with it";
	for (mode = 0; mode < GA_SQLMODE_ALL; mode++) {
		if (mode & ~matter)
			continue;       /* reads as mode & matter does */
		choices = 0;
		do {
			if (len > GA_SQLTOK_WORK_MAX - *work)
				return "too long to read in every way a server "
				       "may (GA_SQLTOK_WORK_MAX)";
			*work += len;
			ga_sqllex_init(&lx, sql, len, mode, choices);
			why = read(&lx, arg);
			while (!why && ga_sqllex_next(&lx, &t) != GA_SQLTOK_END)
				;
			if (why || lx.why)
				return why ? why : lx.why;
		} while (next_choices(&choices, lx.met));
	}
	return NULL;
}
