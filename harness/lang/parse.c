/* parse.c - reads scenario files; the format is docs/scenario-format.md.
 *
 * One pass over the lines.  A small lexer cuts a line into words (it knows
 * quotes and comments, and can hand out the raw rest of a line for SQL);
 * the first word picks a handler from the directive table.  A handler that
 * finds a problem adds a diagnostic and returns -1: that line is skipped
 * and parsing goes on with the next, so one run reports every problem in
 * the file.  The scenario is handed to the caller only if there was none.
 */
#include "lang/parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/duration.h"
#include "lang/errnames.h"
#include "lang/expand.h"
#include "faults/fault.h"
#include "util/size.h"
#include "util/suggest.h"

#define MAX_FILE_SIZE (1024UL * 1024UL)
#define MSG_MAX 1024            /* longest diagnostic text */
#define MAX_CODE 65535

/* ---- lexer ------------------------------------------------------------ */

struct lexer {
	const char *s;          /* the line, without its newline */
	size_t len;
	size_t pos;             /* next byte to read */
	char *buf;              /* scratch for unescaped words; borrowed */
	size_t used;
};

struct word {
	const char *text;       /* in the lexer's scratch, valid for the line */
	int col;                /* 1-based column of its first byte */
	bool quoted;            /* had a "..." part */
};

/* ---- parser state ------------------------------------------------------- */

/* What an expect line attaches to. */
enum target {
	TARGET_NONE,            /* no step yet */
	TARGET_STEP,            /* the last step in sc->steps */
	TARGET_BAD,             /* the last step line was bad: check syntax only */
};

/* Directives that may appear once. */
enum once {
	ONCE_NONE = 0,
	ONCE_TITLE,
	ONCE_CAUSE,
	ONCE_KEYWORDS,
	ONCE_REQUIRES,
	ONCE_REPEAT,
	ONCE_COUNT,
};

/* What the steps so far left on one connection, in file order. */
struct pending_send {
	int line;               /* 0: nothing sent */
	int col;
	int prepared;           /* line of its last "prepare", 0: none */
	int streaming;          /* line of its last "stream", 0: none */
};

#define NO_STEP ((size_t)-1)

/* A "fault NAME" line, for "lift NAME". */
struct fault_name {
	char name[GA_NAME_MAX];
	int line;
	size_t step;            /* index in sc->steps; NO_STEP: bad line */
	int lifted;             /* line of its lift, 0: none */
};

struct parser {
	const char *path;
	struct ga_diags *diags;
	struct ga_scenario *sc;         /* owned until handed out */
	int line;                       /* current line, 1-based */
	int nerrors;
	int once_line[ONCE_COUNT];      /* line of each once-only directive */
	bool seen_step;
	enum target target;
	bool last_kind_known;           /* kind of the last step line */
	enum ga_step_kind last_kind;
	struct pending_send *pending;   /* owned; one per connection */
	struct fault_name *faults;      /* owned */
	size_t nfaults;
};

enum dir_class {
	CLASS_HEADER,
	CLASS_STEP,
	CLASS_EXPECT,
};

/* One keyword that may start a line, and its handler.  A handler adds a
 * diagnostic for each problem and returns -1, or returns 0. */
struct directive {
	const char *name;
	enum dir_class cls;
	enum once once;
	enum ga_step_kind kind;         /* steps with a fixed kind */
	int (*parse)(struct parser *p, struct lexer *lx,
		     const struct directive *dir, const struct word *kw);
};

/* Which steps allow which expect features, as bit sets of kinds. */
#define KIND_BIT(k) (1u << (unsigned)(k))
#define HANG_KINDS (KIND_BIT(GA_STEP_CONNECT) | KIND_BIT(GA_STEP_QUERY) | \
		    KIND_BIT(GA_STEP_REAP) | KIND_BIT(GA_STEP_PING) | \
		    KIND_BIT(GA_STEP_PREPARE) | KIND_BIT(GA_STEP_EXECUTE) | \
		    KIND_BIT(GA_STEP_LONG_DATA) | KIND_BIT(GA_STEP_STREAM) | \
		    KIND_BIT(GA_STEP_FETCH) | KIND_BIT(GA_STEP_FORK) | \
		    KIND_BIT(GA_STEP_DRAIN))
#define VALUE_KINDS (KIND_BIT(GA_STEP_QUERY) | KIND_BIT(GA_STEP_REAP) | \
		     KIND_BIT(GA_STEP_STATUS) | KIND_BIT(GA_STEP_ADMIN) | \
		     KIND_BIT(GA_STEP_STREAM) | KIND_BIT(GA_STEP_FETCH) | \
		     KIND_BIT(GA_STEP_DRAIN) | KIND_BIT(GA_STEP_LONG_DATA))
/* Steps whose results the harness checks itself. */
#define WRONG_KINDS (KIND_BIT(GA_STEP_FORK))
/* Steps a raw connection (transport=raw) can take. */
#define RAW_KINDS (KIND_BIT(GA_STEP_CONNECT) | KIND_BIT(GA_STEP_DRAIN) | \
		   KIND_BIT(GA_STEP_CLOSE) | KIND_BIT(GA_STEP_KILL))
#define THREAD_KINDS (KIND_BIT(GA_STEP_QUERY) | KIND_BIT(GA_STEP_REAP) | \
		      KIND_BIT(GA_STEP_PING))

static const char *const cmp_names[] = {
	[GA_CMP_NONE] = "",
	[GA_CMP_EQ] = "=",
	[GA_CMP_NE] = "!=",
	[GA_CMP_LT] = "<",
	[GA_CMP_LE] = "<=",
	[GA_CMP_GT] = ">",
	[GA_CMP_GE] = ">=",
};

/* Words allowed after "requires".  Add new requirements here. */
static const char *const requirement_names[] = {
	"root",
	"mariadbd",
};

enum conn_key {
	KEY_CONNECT_TIMEOUT,
	KEY_READ_TIMEOUT,
	KEY_WRITE_TIMEOUT,
	KEY_TRANSPORT,
	KEY_USER,
	KEY_PASSWORD,
	KEY_DATABASE,
	KEY_RECONNECT,
	KEY_INTERACTIVE,
	KEY_MAX_ALLOWED_PACKET,
	KEY_COUNT,
};

static const char *const conn_key_names[KEY_COUNT] = {
	[KEY_CONNECT_TIMEOUT] = "connect_timeout",
	[KEY_READ_TIMEOUT] = "read_timeout",
	[KEY_WRITE_TIMEOUT] = "write_timeout",
	[KEY_TRANSPORT] = "transport",
	[KEY_USER] = "user",
	[KEY_PASSWORD] = "password",
	[KEY_DATABASE] = "database",
	[KEY_RECONNECT] = "reconnect",
	[KEY_INTERACTIVE] = "interactive",
	[KEY_MAX_ALLOWED_PACKET] = "max_allowed_packet",
};

static const struct {
	const char *name;
	enum ga_step_kind kind;
} server_actions[] = {
	{ "stop", GA_STEP_SERVER_STOP },
	{ "start", GA_STEP_SERVER_START },
	{ "restart", GA_STEP_SERVER_RESTART },
	{ "crash", GA_STEP_SERVER_CRASH },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- diagnostics -------------------------------------------------------- */

static int vperr_at(struct parser *p, int line, int col, const char *fmt,
		    va_list ap) __attribute__((format(printf, 4, 0)));
static int perr_at(struct parser *p, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int perr(struct parser *p, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Every diagnostic goes through here; returns -1 for "return perr()". */
static int vperr_at(struct parser *p, int line, int col, const char *fmt,
		    va_list ap)
{
	char msg[MSG_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	ga_diags_add(p->diags, p->path, line, col, "%s", msg);
	p->nerrors++;
	return -1;
}

static int perr_at(struct parser *p, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vperr_at(p, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

/* A problem on the current line at column col. */
static int perr(struct parser *p, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vperr_at(p, p->line, col, fmt, ap);
	va_end(ap);
	return -1;
}

static int nomem(struct parser *p)
{
	return perr(p, 0, "out of memory");
}

/* "a, b, c" from a table of names, for "(known: ...)" messages. */
static const char *join_names(char *buf, size_t size,
			      const char *const *names, size_t n)
{
	size_t used = 0;
	size_t i;
	int k;

	buf[0] = '\0';
	for (i = 0; i < n && used < size; i++) {
		k = snprintf(buf + used, size - used, "%s%s",
			     i ? ", " : "", names[i]);
		if (k < 0)
			break;
		used += (size_t)k;
	}
	return buf;
}

/* ---- lexer ------------------------------------------------------------ */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void lex_skip(struct lexer *lx)
{
	while (lx->pos < lx->len && is_blank(lx->s[lx->pos]))
		lx->pos++;
}

/* True when only blanks or a comment are left. */
static bool lex_done(struct lexer *lx)
{
	lex_skip(lx);
	return lx->pos >= lx->len || lx->s[lx->pos] == '#';
}

static int lex_col(const struct lexer *lx)
{
	return (int)lx->pos + 1;
}

static char lex_peek(const struct lexer *lx)
{
	return lx->pos < lx->len ? lx->s[lx->pos] : '\0';
}

/* Copies s[start, pos) into the scratch buffer. */
static const char *lex_take(struct lexer *lx, size_t start)
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

/* Reads the next word into w: bytes up to a blank or '#', with "..." parts
 * (escapes \" and \\) taken whole.  Returns 1, 0 at the end of the line or
 * a comment, or -1 after reporting an unterminated string. */
static int lex_word(struct parser *p, struct lexer *lx, struct word *w)
{
	char *out;
	char c;
	int qcol;

	if (lex_done(lx))
		return 0;
	out = lx->buf + lx->used;
	w->text = out;
	w->col = lex_col(lx);
	w->quoted = false;
	while (lx->pos < lx->len) {
		c = lx->s[lx->pos];
		if (is_blank(c) || c == '#')
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
				return perr(p, qcol, "unterminated string: "
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

/* The raw rest of the line, '#' included, blanks trimmed at both ends. */
static size_t lex_rest(struct lexer *lx, const char **start)
{
	size_t end;

	lex_skip(lx);
	*start = lx->s + lx->pos;
	end = lx->len;
	while (end > lx->pos && is_blank(lx->s[end - 1]))
		end--;
	lx->pos = lx->len;
	return end - (size_t)(*start - lx->s);
}

/* The rest of the line up to a comment, blanks trimmed. */
static size_t lex_text(struct lexer *lx, const char **start)
{
	size_t end;

	lex_skip(lx);
	*start = lx->s + lx->pos;
	end = lx->pos;
	while (end < lx->len && lx->s[end] != '#')
		end++;
	lx->pos = end;
	while (end > (size_t)(*start - lx->s) && is_blank(lx->s[end - 1]))
		end--;
	return end - (size_t)(*start - lx->s);
}

/* Reads a comparison operator, or returns GA_CMP_NONE without moving. */
static enum ga_cmp lex_cmp(struct lexer *lx)
{
	char c, next;

	c = lex_peek(lx);
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
static int expect_end(struct parser *p, struct lexer *lx, const char *what)
{
	struct word w;
	int rc;

	rc = lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return perr(p, w.col, "unexpected '%s' after %s", w.text, what);
	return 0;
}

/* ---- small helpers ------------------------------------------------------ */

static char *p_strndup(struct parser *p, const char *s, size_t n)
{
	char *r;

	r = malloc(n + 1);
	if (!r) {
		nomem(p);
		return NULL;
	}
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

static char *p_strdup(struct parser *p, const char *s)
{
	return p_strndup(p, s, strlen(s));
}

/* Room for one more element; the caller stores the result back. */
static void *p_grow(struct parser *p, void *arr, size_t n, size_t size)
{
	void *r;

	if (n >= SIZE_MAX / size - 1) {
		nomem(p);
		return NULL;
	}
	r = realloc(arr, (n + 1) * size);
	if (!r)
		nomem(p);
	return r;
}

static bool all_of(const char *s, size_t n, const char *extra)
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

static bool is_digits(const char *s)
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
static bool is_number(const char *s)
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

static int find_name(const char *const *names, size_t n, const char *s,
		     size_t len)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
			return (int)i;
	}
	return -1;
}

/* ---- header directives ------------------------------------------------ */

static int parse_header_text(struct parser *p, struct lexer *lx,
			     const struct word *kw, char **dst)
{
	const char *text;
	size_t n;

	n = lex_text(lx, &text);
	if (n == 0)
		return perr(p, kw->col, "'%s' needs a text", kw->text);
	*dst = p_strndup(p, text, n);
	return *dst ? 0 : -1;
}

static int parse_title(struct parser *p, struct lexer *lx,
		       const struct directive *dir, const struct word *kw)
{
	(void)dir;
	return parse_header_text(p, lx, kw, &p->sc->title);
}

static int parse_cause(struct parser *p, struct lexer *lx,
		       const struct directive *dir, const struct word *kw)
{
	(void)dir;
	return parse_header_text(p, lx, kw, &p->sc->cause);
}

/* WORD... into a string array; allowed (if not NULL) limits the words. */
static int parse_word_list(struct parser *p, struct lexer *lx,
			   const struct word *kw, char ***arr, size_t *n,
			   const char *const *allowed, size_t nallowed)
{
	char known[256];
	struct word w;
	char **v;
	size_t count = 0;
	int rc;

	for (;;) {
		rc = lex_word(p, lx, &w);
		if (rc < 0)
			return -1;
		if (rc == 0)
			break;
		count++;
		if (allowed && find_name(allowed, nallowed, w.text,
					 strlen(w.text)) < 0)
			return perr(p, w.col, "unknown requirement '%s' "
				    "(known: %s)", w.text,
				    join_names(known, sizeof(known), allowed,
					       nallowed));
		v = p_grow(p, *arr, *n, sizeof(**arr));
		if (!v)
			return -1;
		*arr = v;
		v[*n] = p_strdup(p, w.text);
		if (!v[*n])
			return -1;
		(*n)++;
	}
	if (count == 0)
		return perr(p, kw->col, "'%s' needs at least one word",
			    kw->text);
	return 0;
}

static int parse_keywords(struct parser *p, struct lexer *lx,
			  const struct directive *dir, const struct word *kw)
{
	(void)dir;
	return parse_word_list(p, lx, kw, &p->sc->keywords,
			       &p->sc->nkeywords, NULL, 0);
}

static int parse_requires(struct parser *p, struct lexer *lx,
			  const struct directive *dir, const struct word *kw)
{
	(void)dir;
	return parse_word_list(p, lx, kw, &p->sc->requires,
			       &p->sc->nrequires, requirement_names,
			       COUNT(requirement_names));
}

static int parse_server_option(struct parser *p, struct lexer *lx,
			       const struct directive *dir,
			       const struct word *kw)
{
	struct ga_server_option opt = { .line = p->line };
	struct ga_server_option *v;
	const char *eq;
	struct word w;
	size_t nlen;
	int rc;

	(void)dir;
	rc = lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return perr(p, kw->col, "'server-option' needs NAME or "
			    "NAME=VALUE");
	eq = strchr(w.text, '=');
	nlen = eq ? (size_t)(eq - w.text) : strlen(w.text);
	if (!all_of(w.text, nlen, "_-"))
		return perr(p, w.col, "invalid server option name '%.*s': "
			    "use letters, digits, '_' and '-'",
			    (int)nlen, w.text);
	if (eq && eq[1] == '\0' && !w.quoted)
		return perr(p, w.col + (int)nlen + 1, "server option '%.*s' "
			    "has '=' but no value", (int)nlen, w.text);
	rc = expect_end(p, lx, "the server option");
	if (rc)
		return -1;

	opt.name = p_strndup(p, w.text, nlen);
	if (!opt.name)
		goto fail;
	if (eq) {
		opt.value = p_strdup(p, eq + 1);
		if (!opt.value)
			goto fail;
	}
	v = p_grow(p, p->sc->options, p->sc->noptions, sizeof(*v));
	if (!v)
		goto fail;
	p->sc->options = v;
	v[p->sc->noptions++] = opt;
	return 0;
fail:
	free(opt.name);
	free(opt.value);
	return -1;
}

/* The seconds in a timeout value: a duration of whole, positive seconds. */
static int parse_timeout(struct parser *p, const char *key, const char *val,
			 int col, long *out)
{
	long ms;

	if (ga_duration_parse(val, &ms))
		return perr(p, col, "invalid duration '%s' for %s: write e.g. "
			    "10s", val, key);
	if (ms % 1000 != 0)
		return perr(p, col, "%s must be whole seconds: the C API "
			    "takes seconds", key);
	if (ms == 0)
		return perr(p, col, "%s must be at least 1s", key);
	*out = ms / 1000;
	return 0;
}

static int parse_on_off(struct parser *p, const char *key, const char *val,
			int col, bool *out)
{
	if (strcmp(val, "on") == 0)
		*out = true;
	else if (strcmp(val, "off") == 0)
		*out = false;
	else
		return perr(p, col, "%s must be 'on' or 'off', not '%s'",
			    key, val);
	return 0;
}

/* One "key=value" or "flag" word of a connection line. */
static int parse_conn_option(struct parser *p, struct ga_connection *c,
			     const struct word *w, unsigned *seen)
{
	char known[256];
	const char *eq, *val;
	enum conn_key key;
	size_t klen;
	int idx, vcol;
	char **dst = NULL;

	eq = strchr(w->text, '=');
	klen = eq ? (size_t)(eq - w->text) : strlen(w->text);
	idx = find_name(conn_key_names, KEY_COUNT, w->text, klen);
	if (idx < 0)
		return perr(p, w->col, "unknown connection option '%.*s' "
			    "(known: %s)", (int)klen, w->text,
			    join_names(known, sizeof(known), conn_key_names,
				       KEY_COUNT));
	key = (enum conn_key)idx;
	if (*seen & (1u << idx))
		return perr(p, w->col, "'%s' is given twice",
			    conn_key_names[key]);
	*seen |= 1u << idx;
	val = eq ? eq + 1 : NULL;
	vcol = w->col + (int)klen + 1;
	if (!eq && key != KEY_RECONNECT && key != KEY_INTERACTIVE)
		return perr(p, w->col, "'%s' needs a value: %s=VALUE",
			    conn_key_names[key], conn_key_names[key]);
	if (eq && *val == '\0' && !w->quoted)
		return perr(p, vcol, "'%s' needs a value: %s=VALUE",
			    conn_key_names[key], conn_key_names[key]);

	switch (key) {
	case KEY_CONNECT_TIMEOUT:
		return parse_timeout(p, conn_key_names[key], val, vcol,
				     &c->connect_timeout_s);
	case KEY_READ_TIMEOUT:
		return parse_timeout(p, conn_key_names[key], val, vcol,
				     &c->read_timeout_s);
	case KEY_WRITE_TIMEOUT:
		return parse_timeout(p, conn_key_names[key], val, vcol,
				     &c->write_timeout_s);
	case KEY_TRANSPORT:
		if (strcmp(val, "tcp") == 0)
			c->transport = GA_TRANSPORT_TCP;
		else if (strcmp(val, "socket") == 0)
			c->transport = GA_TRANSPORT_SOCKET;
		else if (strcmp(val, "raw") == 0)
			c->transport = GA_TRANSPORT_RAW;
		else
			return perr(p, vcol, "transport must be 'tcp', "
				    "'socket' or 'raw', not '%s'", val);
		return 0;
	case KEY_MAX_ALLOWED_PACKET:
		if (ga_size_parse(val, &c->max_allowed_packet) ||
		    c->max_allowed_packet < 1024)
			return perr(p, vcol, "invalid size '%s' for "
				    "max_allowed_packet: write e.g. 1M or "
				    "65536 (at least 1024)", val);
		return 0;
	case KEY_USER:
		dst = &c->user;
		break;
	case KEY_PASSWORD:
		dst = &c->password;
		break;
	case KEY_DATABASE:
		dst = &c->database;
		break;
	case KEY_RECONNECT:
		if (!eq) {
			c->reconnect = true;
			return 0;
		}
		return parse_on_off(p, conn_key_names[key], val, vcol,
				    &c->reconnect);
	case KEY_INTERACTIVE:
		if (!eq) {
			c->interactive = true;
			return 0;
		}
		return parse_on_off(p, conn_key_names[key], val, vcol,
				    &c->interactive);
	case KEY_COUNT:
		return -1;
	}
	*dst = p_strdup(p, val);
	return *dst ? 0 : -1;
}

static void free_connection(struct ga_connection *c)
{
	free(c->user);
	free(c->password);
	free(c->database);
}

static int parse_connection(struct parser *p, struct lexer *lx,
			    const struct directive *dir, const struct word *kw)
{
	struct ga_connection c = { .line = p->line };
	struct ga_connection *v;
	unsigned seen = 0;
	struct word w;
	size_t i, len;
	int rc, ret = 0;

	(void)dir;
	rc = lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return perr(p, kw->col, "'connection' needs a name");
	len = strlen(w.text);
	if (!isalpha((unsigned char)w.text[0]) || !all_of(w.text, len, "_-"))
		return perr(p, w.col, "invalid connection name '%s': use "
			    "letters, digits, '_' and '-', starting with a "
			    "letter", w.text);
	if (len >= GA_NAME_MAX)
		return perr(p, w.col, "connection name '%s' is too long (at "
			    "most %d characters)", w.text, GA_NAME_MAX - 1);
	for (i = 0; i < p->sc->nconnections; i++) {
		if (strcmp(p->sc->connections[i].name, w.text) == 0)
			return perr(p, w.col, "connection '%s' is already "
				    "declared at line %d", w.text,
				    p->sc->connections[i].line);
	}
	memcpy(c.name, w.text, len + 1);

	/* Keep going after a bad option, and keep the connection: steps that
	 * use it should not be reported as well. */
	for (;;) {
		rc = lex_word(p, lx, &w);
		if (rc < 0) {
			ret = -1;
			break;
		}
		if (rc == 0)
			break;
		if (parse_conn_option(p, &c, &w, &seen))
			ret = -1;
	}

	v = p_grow(p, p->sc->connections, p->sc->nconnections, sizeof(*v));
	if (!v) {
		free_connection(&c);
		return -1;
	}
	p->sc->connections = v;
	v[p->sc->nconnections++] = c;
	return ret;
}

/* ---- steps ------------------------------------------------------------ */

static void begin_step(struct parser *p, struct ga_step *st,
		       enum ga_step_kind kind)
{
	memset(st, 0, sizeof(*st));
	st->line = p->line;
	st->kind = kind;
	st->conn = -1;
	p->last_kind = kind;
	p->last_kind_known = true;
}

/* Appends st; on success the scenario owns st->text. */
static int push_step(struct parser *p, const struct ga_step *st)
{
	struct ga_step *v;

	v = p_grow(p, p->sc->steps, p->sc->nsteps, sizeof(*v));
	if (!v)
		return -1;
	p->sc->steps = v;
	v[p->sc->nsteps++] = *st;
	return 0;
}

/* Copies text[0..n) into st->text and appends st; on failure nothing is
 * kept. */
static int push_text_step(struct parser *p, struct ga_step *st,
			  const char *text, size_t n)
{
	st->text = p_strndup(p, text, n);
	if (!st->text)
		return -1;
	if (push_step(p, st) == 0)
		return 0;
	free(st->text);
	st->text = NULL;
	return -1;
}

static int find_connection(struct parser *p, const struct word *w, int *conn)
{
	char dym[GA_SUGGEST_MAX + 32];
	struct ga_suggest sg;
	size_t i;

	for (i = 0; i < p->sc->nconnections; i++) {
		if (strcmp(p->sc->connections[i].name, w->text) == 0) {
			*conn = (int)i;
			return 0;
		}
	}
	ga_suggest_init(&sg, w->text, 2);
	for (i = 0; i < p->sc->nconnections; i++)
		ga_suggest_try(&sg, p->sc->connections[i].name);
	return perr(p, w->col, "unknown connection '%s'%s", w->text,
		    ga_suggest_text(&sg, dym, sizeof(dym)));
}

/* send/reap pairing, in file order.  kill acts on the server thread, not
 * on the client connection, so it may hit a busy connection. */
static int track_send(struct parser *p, const struct ga_step *st,
		      const struct word *kw)
{
	struct pending_send *ps;
	const char *name;

	if (st->kind == GA_STEP_KILL)
		return 0;
	ps = &p->pending[st->conn];
	name = p->sc->connections[st->conn].name;
	if (ps->line && st->kind != GA_STEP_REAP)
		return perr(p, kw->col, "connection '%s' is busy with the "
			    "query sent at line %d; 'reap %s' first", name,
			    ps->line, name);
	if (st->kind == GA_STEP_REAP) {
		if (!ps->line)
			return perr(p, kw->col, "'reap %s' without a pending "
				    "'send %s'", name, name);
		ps->line = 0;
	} else if (st->kind == GA_STEP_SEND) {
		ps->line = p->line;
		ps->col = kw->col;
	} else if (st->kind == GA_STEP_PREPARE) {
		ps->prepared = p->line;
	} else if (st->kind == GA_STEP_STREAM) {
		ps->streaming = p->line;
	} else if ((st->kind == GA_STEP_EXECUTE ||
		    st->kind == GA_STEP_LONG_DATA) && !ps->prepared) {
		return perr(p, kw->col, "'%s %s' without a 'prepare %s' "
			    "before it", kw->text, name, name);
	} else if (st->kind == GA_STEP_FETCH) {
		if (!ps->streaming)
			return perr(p, kw->col, "'fetch %s' without a "
				    "'stream %s' before it", name, name);
		ps->streaming = 0;
	}
	return 0;
}

/* Raw connections speak no MySQL protocol; drain is only for them. */
static int check_transport(struct parser *p, const struct ga_step *st,
			   const struct word *w)
{
	const struct ga_connection *c = &p->sc->connections[st->conn];
	bool raw = c->transport == GA_TRANSPORT_RAW;

	if (raw && !(KIND_BIT(st->kind) & RAW_KINDS))
		return perr(p, w->col, "'%s' is a raw connection "
			    "(transport=raw): it can only connect, drain, "
			    "close and be killed, not '%s'", w->text,
			    ga_step_kind_name(st->kind));
	if (!raw && st->kind == GA_STEP_DRAIN)
		return perr(p, w->col, "'drain' reads a raw connection; "
			    "declare '%s' with transport=raw", w->text);
	return 0;
}

/* The NAME word of a step on a connection. */
static int parse_step_conn(struct parser *p, struct lexer *lx,
			   const struct word *kw, struct ga_step *st)
{
	struct word w;
	int rc;

	rc = lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return perr(p, kw->col, "'%s' needs a connection name",
			    kw->text);
	rc = find_connection(p, &w, &st->conn);
	if (rc)
		return -1;
	rc = check_transport(p, st, &w);
	if (rc)
		return -1;
	return track_send(p, st, kw);
}

/* connect, ping, close, reap, kill: NAME */
static int parse_conn_step(struct parser *p, struct lexer *lx,
			   const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	int rc;

	begin_step(p, &st, dir->kind);
	rc = parse_step_conn(p, lx, kw, &st);
	if (rc)
		return -1;
	rc = expect_end(p, lx, "the connection name");
	if (rc)
		return -1;
	return push_step(p, &st);
}

/* Expands %repeat[...]% in sql[0..n) (col: its column) into st->text
 * and appends st; on failure nothing is kept. */
static int push_sql_step(struct parser *p, struct ga_step *st,
			 const char *sql, size_t n, int col)
{
	char msg[256];
	size_t off;

	if (ga_expand(sql, n, &st->text, msg, sizeof(msg), &off))
		return perr(p, col + (int)off, "%s", msg);
	if (push_step(p, st) == 0)
		return 0;
	free(st->text);
	st->text = NULL;
	return -1;
}

/* query, send, prepare, stream: NAME SQL */
static int parse_sql_step(struct parser *p, struct lexer *lx,
			  const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	const char *sql;
	size_t n;
	int rc;

	begin_step(p, &st, dir->kind);
	rc = parse_step_conn(p, lx, kw, &st);
	if (rc)
		return -1;
	n = lex_rest(lx, &sql);
	if (n == 0)
		return perr(p, kw->col, "'%s' needs SQL after the connection "
			    "name", kw->text);
	return push_sql_step(p, &st, sql, n, (int)(sql - lx->s) + 1);
}

/* "key=SIZE": the size, or -1 after a diagnostic. */
static int parse_size_option(struct parser *p, const struct word *w,
			     const char *key, long *out)
{
	size_t klen = strlen(key);

	if (strncmp(w->text, key, klen) != 0 || w->text[klen] != '=')
		return perr(p, w->col, "expected %s=SIZE, found '%s'", key,
			    w->text);
	if (ga_size_parse(w->text + klen + 1, out) || *out == 0)
		return perr(p, w->col + (int)klen + 1, "invalid size '%s': "
			    "write e.g. 4096, 64KiB or 2MiB",
			    w->text + klen + 1);
	return 0;
}

/* execute NAME [blob=SIZE] */
static int parse_execute(struct parser *p, struct lexer *lx,
			 const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	struct word w;
	int rc;

	begin_step(p, &st, dir->kind);
	rc = parse_step_conn(p, lx, kw, &st);
	if (rc)
		return -1;
	rc = lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc > 0 && parse_size_option(p, &w, "blob", &st.size))
		return -1;
	rc = expect_end(p, lx, "the blob size");
	if (rc)
		return -1;
	return push_step(p, &st);
}

#define DEFAULT_CHUNK (64L * 1024)

/* long-data NAME SIZE [chunk=SIZE] */
static int parse_long_data(struct parser *p, struct lexer *lx,
			   const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	struct word w;
	int rc;

	begin_step(p, &st, dir->kind);
	st.chunk = DEFAULT_CHUNK;
	rc = parse_step_conn(p, lx, kw, &st);
	if (rc)
		return -1;
	rc = lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return perr(p, kw->col, "'long-data' needs the total size "
			    "after the connection name, e.g. 2MiB");
	if (ga_size_parse(w.text, &st.size) || st.size == 0)
		return perr(p, w.col, "invalid size '%s': write e.g. 4096, "
			    "64KiB or 2MiB", w.text);
	rc = lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc > 0 && parse_size_option(p, &w, "chunk", &st.chunk))
		return -1;
	rc = expect_end(p, lx, "the chunk size");
	if (rc)
		return -1;
	return push_step(p, &st);
}

/* fork NAME close|exit|share N */
static int parse_fork(struct parser *p, struct lexer *lx,
		      const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	struct word w;
	int rc;

	begin_step(p, &st, dir->kind);
	rc = parse_step_conn(p, lx, kw, &st);
	if (rc)
		return -1;
	rc = lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return perr(p, kw->col, "'fork' needs what the child does: "
			    "close, exit or share N");
	if (strcmp(w.text, "close") == 0) {
		st.fork_mode = GA_FORK_CLOSE;
	} else if (strcmp(w.text, "exit") == 0) {
		st.fork_mode = GA_FORK_EXIT;
	} else if (strcmp(w.text, "share") == 0) {
		st.fork_mode = GA_FORK_SHARE;
		rc = lex_word(p, lx, &w);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return perr(p, w.col + 5, "'share' needs how many "
				    "queries each process runs, e.g. share 50");
		if (!is_digits(w.text) || strlen(w.text) > 6 ||
		    (st.count = strtol(w.text, NULL, 10)) < 1)
			return perr(p, w.col, "invalid count '%s': a number "
				    "from 1 to 999999", w.text);
	} else {
		return perr(p, w.col, "unknown fork mode '%s' (known: "
			    "close, exit, share N)", w.text);
	}
	rc = expect_end(p, lx, "the fork mode");
	if (rc)
		return -1;
	return push_step(p, &st);
}

static struct fault_name *find_fault(struct parser *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nfaults; i++)
		if (strcmp(p->faults[i].name, name) == 0)
			return &p->faults[i];
	return NULL;
}

/* fault NAME KIND ARGS: the kind's own parse and validate. */
static int parse_fault(struct parser *p, struct lexer *lx,
		       const struct directive *dir, const struct word *kw)
{
	const struct ga_fault_kind *const *kinds = ga_fault_kinds();
	const struct ga_fault_kind *kind;
	char dym[GA_SUGGEST_MAX + 32];
	struct ga_fault_diag diag;
	struct ga_suggest sg;
	struct fault_name *f, *v;
	struct ga_step st;
	struct word name, w;
	const char *args;
	char *argbuf;
	size_t i, n, len;
	int rc, argcol;

	begin_step(p, &st, dir->kind);
	rc = lex_word(p, lx, &name);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return perr(p, kw->col, "'fault' needs a name, a kind and its "
			    "arguments, e.g. fault wall firewall drop");
	len = strlen(name.text);
	if (!isalpha((unsigned char)name.text[0]) ||
	    !all_of(name.text, len, "_-") || len >= GA_NAME_MAX)
		return perr(p, name.col, "invalid fault name '%s': letters, "
			    "digits, '_' and '-', starting with a letter, at "
			    "most %d characters", name.text, GA_NAME_MAX - 1);
	f = find_fault(p, name.text);
	if (f)
		return perr(p, name.col, "fault '%s' is already declared at "
			    "line %d", name.text, f->line);
	/* The name is known from here on, even if the rest of the line is
	 * bad: its "lift" must not be reported as well. */
	v = p_grow(p, p->faults, p->nfaults, sizeof(*v));
	if (!v)
		return -1;
	p->faults = v;
	f = &v[p->nfaults++];
	memset(f, 0, sizeof(*f));
	memcpy(f->name, name.text, len + 1);
	f->line = p->line;
	f->step = NO_STEP;
	rc = lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return perr(p, name.col, "'fault %s' needs a kind (%s)",
			    name.text, "firewall, tbf, netem or pause");
	kind = ga_fault_kind_find(w.text);
	if (!kind) {
		ga_suggest_init(&sg, w.text, 2);
		for (i = 0; kinds[i]; i++)
			ga_suggest_try(&sg, kinds[i]->name);
		return perr(p, w.col, "unknown fault kind '%s'%s (known: "
			    "firewall, tbf, netem, pause)", w.text,
			    ga_suggest_text(&sg, dym, sizeof(dym)));
	}
	if (!kind->parse)
		return perr(p, w.col, "fault kind '%s' is not available in "
			    "this build", w.text);
	n = lex_text(lx, &args);
	argcol = (int)(args - lx->s) + 1;
	argbuf = p_strndup(p, args, n);
	if (!argbuf)
		return -1;
	memset(&diag, 0, sizeof(diag));
	rc = kind->parse(argbuf, &st.fault_spec, &diag);
	free(argbuf);
	if (rc)
		return perr(p, argcol + (int)diag.offset, "%s: %s (usage: %s)",
			    kind->name, diag.msg, kind->usage);
	st.fault = kind;
	if (kind->validate(st.fault_spec, &diag)) {
		kind->free_spec(st.fault_spec);
		return perr(p, argcol + (int)diag.offset, "%s: %s",
			    kind->name, diag.msg);
	}
	st.text = p_strdup(p, name.text);
	if (!st.text || push_step(p, &st)) {
		free(st.text);
		kind->free_spec(st.fault_spec);
		return -1;
	}
	p->faults[p->nfaults - 1].step = p->sc->nsteps - 1;
	return 0;
}

/* lift NAME */
static int parse_lift(struct parser *p, struct lexer *lx,
		      const struct directive *dir, const struct word *kw)
{
	struct fault_name *f;
	struct ga_step st;
	struct word w;
	int rc;

	begin_step(p, &st, dir->kind);
	rc = lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return perr(p, kw->col, "'lift' needs the name of a fault");
	f = find_fault(p, w.text);
	if (!f)
		return perr(p, w.col, "no fault named '%s' before this line",
			    w.text);
	if (f->lifted)
		return perr(p, w.col, "fault '%s' is already lifted at line "
			    "%d", w.text, f->lifted);
	if (f->step == NO_STEP)
		return -1;      /* its fault line was bad and is reported */
	rc = expect_end(p, lx, "the fault name");
	if (rc)
		return -1;
	st.fault_step = (int)f->step;
	st.text = p_strdup(p, w.text);
	if (!st.text)
		return -1;
	if (push_step(p, &st)) {
		free(st.text);
		return -1;
	}
	f->lifted = p->line;
	return 0;
}

/* admin SQL, errorlog TEXT: the raw rest of the line. */
static int parse_text_step(struct parser *p, struct lexer *lx,
			   const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	const char *text;
	size_t n;

	begin_step(p, &st, dir->kind);
	n = lex_rest(lx, &text);
	if (n == 0)
		return perr(p, kw->col, "'%s' needs %s", kw->text,
			    dir->kind == GA_STEP_ADMIN ? "SQL" :
			    "the text to look for");
	if (dir->kind == GA_STEP_ADMIN)
		return push_sql_step(p, &st, text, n,
				     (int)(text - lx->s) + 1);
	return push_text_step(p, &st, text, n);
}

static int parse_sleep(struct parser *p, struct lexer *lx,
		       const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	struct word w;
	int rc;

	begin_step(p, &st, dir->kind);
	rc = lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return perr(p, kw->col, "'sleep' needs a duration");
	if (ga_duration_parse(w.text, &st.duration_ms))
		return perr(p, w.col, "invalid duration '%s': write e.g. "
			    "500ms, 2s or 1.5s", w.text);
	rc = expect_end(p, lx, "the duration");
	if (rc)
		return -1;
	return push_step(p, &st);
}

static int parse_status(struct parser *p, struct lexer *lx,
			const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	struct word w;
	int rc;

	begin_step(p, &st, dir->kind);
	rc = lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return perr(p, kw->col, "'status' needs a variable name");
	if (!all_of(w.text, strlen(w.text), "_"))
		return perr(p, w.col, "invalid status variable '%s': use "
			    "letters, digits and '_'", w.text);
	rc = expect_end(p, lx, "the variable name");
	if (rc)
		return -1;
	st.text = p_strdup(p, w.text);
	if (!st.text)
		return -1;
	rc = push_step(p, &st);
	if (rc)
		free(st.text);
	return rc;
}

static int parse_server(struct parser *p, struct lexer *lx,
			const struct directive *dir, const struct word *kw)
{
	struct ga_step st;
	struct word w;
	size_t i;
	int rc;

	(void)dir;
	rc = lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return perr(p, kw->col, "'server' needs an action: stop, "
			    "start, restart or crash");
	for (i = 0; i < COUNT(server_actions); i++) {
		if (strcmp(server_actions[i].name, w.text) == 0)
			break;
	}
	if (i == COUNT(server_actions))
		return perr(p, w.col, "unknown server action '%s' (known: "
			    "stop, start, restart, crash)", w.text);
	begin_step(p, &st, server_actions[i].kind);
	rc = expect_end(p, lx, "the server action");
	if (rc)
		return -1;
	return push_step(p, &st);
}

/* ---- expect lines ------------------------------------------------------ */

/* Where each part of an expect line starts, for diagnostics (0: absent). */
struct expect_cols {
	int sel;                /* the selector, or the first outcome */
	int hang;
	int value;
	int thread;
	int after;
	int within;
	int message;
	int wrong;
};

/* "X", "X.Y" or "X.Y.Z" -> X*10000 + Y*100 + Z */
static int parse_version(const char *s, unsigned long *out)
{
	unsigned long part[3] = { 0, 0, 0 };
	unsigned long limit;
	size_t n = 0;
	size_t digits;

	for (;;) {
		limit = n == 0 ? 9999 : 99;
		digits = 0;
		while (isdigit((unsigned char)*s)) {
			part[n] = part[n] * 10 + (unsigned long)(*s - '0');
			if (part[n] > limit)
				return -1;
			s++;
			digits++;
		}
		if (digits == 0)
			return -1;
		n++;
		if (*s == '\0')
			break;
		if (*s != '.' || n == 3)
			return -1;
		s++;
	}
	*out = part[0] * 10000 + part[1] * 100 + part[2];
	return 0;
}

/* "[flavour]" or "[flavour OP version]", blanks optional inside. */
static int parse_selector(struct parser *p, struct lexer *lx,
			  struct ga_selector *sel)
{
	const char *tok;
	size_t start;
	int col;

	lx->pos++;              /* '[' */
	lex_skip(lx);
	col = lex_col(lx);
	start = lx->pos;
	while (isalpha((unsigned char)lex_peek(lx)))
		lx->pos++;
	tok = lex_take(lx, start);
	if (strcmp(tok, "mariadb") == 0)
		sel->flavour = GA_FLAVOUR_MARIADB;
	else if (strcmp(tok, "mysql") == 0)
		sel->flavour = GA_FLAVOUR_MYSQL;
	else if (*tok)
		return perr(p, col, "unknown server flavour '%s' (known: "
			    "mariadb, mysql)", tok);
	else
		return perr(p, col, "expected 'mariadb' or 'mysql' after '['");
	lex_skip(lx);
	if (lex_peek(lx) != ']') {
		col = lex_col(lx);
		sel->version_cmp = lex_cmp(lx);
		if (sel->version_cmp == GA_CMP_NONE)
			return perr(p, col, "expected ']' or a comparison "
				    "(=, !=, <, <=, >, >=) in the selector");
		lex_skip(lx);
		col = lex_col(lx);
		start = lx->pos;
		while (isdigit((unsigned char)lex_peek(lx)) ||
		       lex_peek(lx) == '.')
			lx->pos++;
		tok = lex_take(lx, start);
		if (!*tok)
			return perr(p, col, "expected a version after '%s'",
				    cmp_names[sel->version_cmp]);
		if (parse_version(tok, &sel->version))
			return perr(p, col, "invalid version '%s': write X, "
				    "X.Y or X.Y.Z (minor and patch below 100)",
				    tok);
		lex_skip(lx);
		if (lex_peek(lx) != ']')
			return perr(p, lex_col(lx), "expected ']' to close "
				    "the selector");
	}
	lx->pos++;              /* ']' */
	return 0;
}

static bool is_outcome_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

static int add_outcome(struct parser *p, struct ga_outcome_set *e,
		       struct expect_cols *cols, const char *tok, int col)
{
	char dym[GA_SUGGEST_MAX + 32];
	struct ga_suggest sg;
	unsigned code = 0;
	size_t i;

	if (strcmp(tok, "ok") == 0 || strcmp(tok, "hang") == 0 ||
	    strcmp(tok, "wrong-result") == 0) {
		bool *flag = tok[0] == 'o' ? &e->ok :
			     tok[0] == 'h' ? &e->hang : &e->wrong;

		if (*flag)
			return perr(p, col, "outcome '%s' is listed twice",
				    tok);
		*flag = true;
		if (tok[0] == 'h')
			cols->hang = col;
		if (tok[0] == 'w')
			cols->wrong = col;
		return 0;
	}
	if (isdigit((unsigned char)tok[0])) {
		if (!is_digits(tok))
			return perr(p, col, "invalid error number '%s'", tok);
		if (strlen(tok) > 5 || strtoul(tok, NULL, 10) < 1 ||
		    strtoul(tok, NULL, 10) > MAX_CODE)
			return perr(p, col, "error number '%s' is out of "
				    "range 1..%d", tok, MAX_CODE);
		code = (unsigned)strtoul(tok, NULL, 10);
	} else if (ga_errname_code(tok, &code)) {
		ga_suggest_init(&sg, tok, 3);
		for (i = 0; i < ga_nerrnames; i++)
			ga_suggest_try(&sg, ga_errnames[i].name);
		return perr(p, col, "unknown error name '%s'%s", tok,
			    ga_suggest_text(&sg, dym, sizeof(dym)));
	}
	for (i = 0; i < e->ncodes; i++) {
		if (e->codes[i] == code)
			return perr(p, col, "outcome '%s' is listed twice "
				    "(error %u)", tok, code);
	}
	if (e->ncodes == GA_MAX_CODES)
		return perr(p, col, "too many error codes: at most %d in one "
			    "expect line", GA_MAX_CODES);
	e->codes[e->ncodes++] = code;
	return 0;
}

/* OUTCOME [(| or ,) OUTCOME]... */
static int parse_outcomes(struct parser *p, struct lexer *lx,
			  struct ga_outcome_set *e, struct expect_cols *cols,
			  const char *keyword)
{
	const char *tok;
	size_t start;
	bool first = true;
	char sep = '\0';
	int col;

	for (;;) {
		lex_skip(lx);
		col = lex_col(lx);
		start = lx->pos;
		while (is_outcome_char(lex_peek(lx)))
			lx->pos++;
		if (lx->pos == start) {
			if (first)
				return perr(p, col, "'%s' needs at least "
					    "one outcome: ok, hang, wrong-result, "
					    "an error name or an error number",
					    keyword);
			return perr(p, col, "expected an outcome after '%c'",
				    sep);
		}
		if (first && !cols->sel)
			cols->sel = col;
		first = false;
		tok = lex_take(lx, start);
		if (add_outcome(p, e, cols, tok, col))
			return -1;
		lex_skip(lx);
		sep = lex_peek(lx);
		if (sep != '|' && sep != ',')
			return 0;
		lx->pos++;
	}
}

/* "= VALUE", "< N", ... */
static int parse_value_check(struct parser *p, struct lexer *lx,
			     struct ga_expect *e, struct expect_cols *cols,
			     enum ga_cmp cmp, int col)
{
	const char *op;
	struct word w;
	int rc;

	op = cmp_names[cmp];
	if (cols->value)
		return perr(p, col, "only one value check per expect line");
	cols->value = col;
	rc = lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return perr(p, col, "'%s' needs a value", op);
	e->value.cmp = cmp;
	if (!w.quoted && strcmp(w.text, "NULL") == 0) {
		if (cmp != GA_CMP_EQ && cmp != GA_CMP_NE)
			return perr(p, w.col, "NULL can only be compared with "
				    "= or !=");
		e->value.is_null = true;
		return 0;
	}
	if (cmp != GA_CMP_EQ && cmp != GA_CMP_NE && !is_number(w.text))
		return perr(p, w.col, "'%s' needs a number, not '%s'", op,
			    w.text);
	e->value.text = p_strdup(p, w.text);
	return e->value.text ? 0 : -1;
}

static bool looks_like_outcome(const char *s)
{
	return strcmp(s, "ok") == 0 || strcmp(s, "hang") == 0 ||
	       strcmp(s, "wrong-result") == 0 ||
	       is_digits(s) || strncmp(s, "CR_", 3) == 0 ||
	       strncmp(s, "ER_", 3) == 0;
}

/* The clauses after the outcomes, in any order, each at most once. */
static int parse_clauses(struct parser *p, struct lexer *lx,
			 struct ga_expect *e, struct expect_cols *cols)
{
	enum ga_thread_check thread;
	enum ga_cmp cmp;
	struct word w, d;
	long *ms;
	int *where;
	int col, rc;

	for (;;) {
		if (lex_done(lx))
			return 0;
		col = lex_col(lx);
		cmp = lex_cmp(lx);
		if (cmp != GA_CMP_NONE) {
			rc = parse_value_check(p, lx, e, cols, cmp, col);
			if (rc)
				return -1;
			continue;
		}
		rc = lex_word(p, lx, &w);
		if (rc < 0)
			return -1;
		if (strcmp(w.text, "reconnected") == 0 ||
		    strcmp(w.text, "same-thread") == 0) {
			thread = w.text[0] == 'r' ? GA_THREAD_NEW :
				 GA_THREAD_SAME;
			if (e->thread == thread)
				return perr(p, w.col, "'%s' is given twice",
					    w.text);
			if (e->thread != GA_THREAD_ANY)
				return perr(p, w.col, "'reconnected' and "
					    "'same-thread' exclude each other");
			e->thread = thread;
			cols->thread = w.col;
			continue;
		}
		if (strcmp(w.text, "matching") == 0) {
			if (cols->message)
				return perr(p, w.col, "'matching' is given "
					    "twice");
			cols->message = w.col;
			rc = lex_word(p, lx, &d);
			if (rc < 0)
				return -1;
			if (rc == 0 || !d.text[0])
				return perr(p, w.col, "'matching' needs the "
					    "text the error message must "
					    "contain, e.g. matching \"(110)\"");
			e->message = p_strdup(p, d.text);
			if (!e->message)
				return -1;
			continue;
		}
		if (strcmp(w.text, "after") == 0 ||
		    strcmp(w.text, "within") == 0) {
			ms = w.text[0] == 'a' ? &e->after_ms : &e->within_ms;
			where = w.text[0] == 'a' ? &cols->after :
				&cols->within;
			if (*where)
				return perr(p, w.col, "'%s' is given twice",
					    w.text);
			*where = w.col;
			rc = lex_word(p, lx, &d);
			if (rc < 0)
				return -1;
			if (rc == 0)
				return perr(p, w.col, "'%s' needs a duration",
					    w.text);
			if (ga_duration_parse(d.text, ms))
				return perr(p, d.col, "invalid duration '%s': "
					    "write e.g. 500ms, 2s or 1.5s",
					    d.text);
			continue;
		}
		return perr(p, w.col, "unexpected '%s' in the expect line%s",
			    w.text, looks_like_outcome(w.text) ?
			    ": separate outcomes with '|' or ','" : "");
	}
}

/* Which outcomes the step above can have at all (expect and seen). */
static int check_set_kind(struct parser *p, const struct ga_outcome_set *set,
			  const struct expect_cols *cols)
{
	const struct ga_step *last = NULL;
	const char *kname;
	unsigned bit;
	bool known, share;

	known = p->last_kind_known;
	if (!known)
		return 0;
	bit = KIND_BIT(p->last_kind);
	kname = ga_step_kind_name(p->last_kind);
	if (p->target == TARGET_STEP)
		last = &p->sc->steps[p->sc->nsteps - 1];
	share = (bit & WRONG_KINDS) && last && last->fork_mode == GA_FORK_SHARE;
	if (set->hang && !(bit & HANG_KINDS))
		return perr(p, cols->hang, "'hang' applies only to steps on "
			    "a client connection, not '%s'", kname);
	if (set->wrong && !share)
		return perr(p, cols->wrong, "'wrong-result' applies only to "
			    "steps whose results goneaway checks itself "
			    "(fork ... share), not '%s'", kname);
	return 0;
}

/* The rules that need the whole line, and the step kind when known. */
static int check_expect(struct parser *p, const struct ga_expect *e,
			const struct expect_cols *cols)
{
	const char *kname;
	unsigned bit;
	bool known;

	known = p->last_kind_known;
	bit = known ? KIND_BIT(p->last_kind) : 0;
	kname = known ? ga_step_kind_name(p->last_kind) : "";
	if (check_set_kind(p, &e->set, cols))
		return -1;
	if (e->message && e->set.ncodes == 0)
		return perr(p, cols->message, "'matching' checks an error "
			    "message: list an error among the outcomes");
	if (e->set.hang && e->after_ms < 0)
		return perr(p, cols->hang, "a hang expectation needs 'after "
			    "DURATION': how long to wait before calling it a "
			    "hang");
	if (e->after_ms >= 0 && e->within_ms >= 0 &&
	    e->after_ms > e->within_ms)
		return perr(p, cols->after, "'after %ldms' is later than "
			    "'within %ldms'", e->after_ms, e->within_ms);
	if (e->value.cmp != GA_CMP_NONE && known && !(bit & VALUE_KINDS))
		return perr(p, cols->value, "'%s' returns no value to check: "
			    "value checks apply to query, reap, status, "
			    "admin, stream, fetch, long-data and drain steps",
			    kname);
	if (e->value.cmp != GA_CMP_NONE && !e->set.ok)
		return perr(p, cols->value, "a value check needs 'ok' among "
			    "the outcomes");
	if (e->thread != GA_THREAD_ANY && known && !(bit & THREAD_KINDS))
		return perr(p, cols->thread, "'%s' applies only to query, "
			    "reap and ping steps, not '%s'",
			    e->thread == GA_THREAD_NEW ? "reconnected" :
			    "same-thread", kname);
	if (e->thread != GA_THREAD_ANY && !e->set.ok)
		return perr(p, cols->thread, "'%s' needs 'ok' among the "
			    "outcomes", e->thread == GA_THREAD_NEW ?
			    "reconnected" : "same-thread");
	return 0;
}

static bool same_selector(const struct ga_selector *a,
			  const struct ga_selector *b)
{
	return a->flavour == b->flavour && a->version_cmp == b->version_cmp &&
	       a->version == b->version;
}

/* Appends e to st; on success st owns e->value.text. */
static int attach_expect(struct parser *p, struct ga_step *st,
			 const struct ga_expect *e,
			 const struct expect_cols *cols)
{
	struct ga_expect *v;
	size_t i;

	for (i = 0; i < st->nexpects; i++) {
		if (!same_selector(&st->expects[i].selector, &e->selector))
			continue;
		if (e->selector.flavour == GA_FLAVOUR_ANY)
			return perr(p, cols->sel, "a second default expect "
				    "line for this step (the first is at line "
				    "%d); give one of them a selector such as "
				    "[mysql]", st->expects[i].line);
		return perr(p, cols->sel, "the same selector as the expect "
			    "line at line %d", st->expects[i].line);
	}
	v = p_grow(p, st->expects, st->nexpects, sizeof(*v));
	if (!v)
		return -1;
	st->expects = v;
	v[st->nexpects++] = *e;
	return 0;
}

static int parse_expect(struct parser *p, struct lexer *lx,
			const struct directive *dir, const struct word *kw)
{
	struct expect_cols cols;
	struct ga_expect e;
	int rc = -1;

	(void)dir;
	memset(&e, 0, sizeof(e));
	memset(&cols, 0, sizeof(cols));
	e.line = p->line;
	e.after_ms = -1;
	e.within_ms = -1;
	if (p->target == TARGET_NONE)
		return perr(p, kw->col, "'expect' before any step: an expect "
			    "line belongs to the step above it");
	if (p->last_kind_known && ga_step_is_action(p->last_kind))
		return perr(p, kw->col, "'%s' takes no expect line: if it "
			    "cannot be done the scenario is ERROR",
			    ga_step_kind_name(p->last_kind));
	if (p->last_kind_known && p->last_kind == GA_STEP_SEND)
		return perr(p, kw->col, "'send' takes no expect line: the "
			    "query's outcome is checked at its 'reap'");

	lex_skip(lx);
	if (lex_peek(lx) == '[') {
		cols.sel = lex_col(lx);
		rc = parse_selector(p, lx, &e.selector);
		if (rc)
			goto out;
	}
	rc = parse_outcomes(p, lx, &e.set, &cols, "expect");
	if (rc)
		goto out;
	rc = parse_clauses(p, lx, &e, &cols);
	if (rc)
		goto out;
	rc = check_expect(p, &e, &cols);
	if (rc)
		goto out;
	if (p->target == TARGET_STEP) {
		rc = attach_expect(p, &p->sc->steps[p->sc->nsteps - 1], &e,
				   &cols);
		if (rc == 0) {
			e.value.text = NULL;    /* the step owns them now */
			e.message = NULL;
		}
	}
out:
	free(e.value.text);
	free(e.message);
	return rc;
}

/* seen OUTCOME[|OUTCOME]... CMP N: over the repetitions of the scenario,
 * how many times the step's outcome was one of these. */
static int parse_seen(struct parser *p, struct lexer *lx,
		      const struct directive *dir, const struct word *kw)
{
	struct expect_cols cols;
	struct ga_seen seen;
	struct ga_step *st;
	struct word w;
	int rc, col;

	(void)dir;
	memset(&seen, 0, sizeof(seen));
	memset(&cols, 0, sizeof(cols));
	seen.line = p->line;
	if (p->target == TARGET_NONE)
		return perr(p, kw->col, "'seen' before any step: it belongs "
			    "to the step above it");
	if (p->last_kind_known && (ga_step_is_action(p->last_kind) ||
				   p->last_kind == GA_STEP_SEND))
		return perr(p, kw->col, "'%s' has no outcome to count%s",
			    ga_step_kind_name(p->last_kind),
			    p->last_kind == GA_STEP_SEND ?
			    ": count it at its 'reap'" : "");
	rc = parse_outcomes(p, lx, &seen.set, &cols, "seen");
	if (rc)
		return -1;
	rc = check_set_kind(p, &seen.set, &cols);
	if (rc)
		return -1;
	lex_skip(lx);
	col = lex_col(lx);
	seen.cmp = lex_cmp(lx);
	if (seen.cmp == GA_CMP_NONE)
		return perr(p, col, "expected a comparison and a count, e.g. "
			    "'seen wrong-result >= 1'");
	rc = lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc == 0 || !is_digits(w.text) || strlen(w.text) > 6)
		return perr(p, rc ? w.col : col, "expected a count after "
			    "'%s'", cmp_names[seen.cmp]);
	seen.count = strtol(w.text, NULL, 10);
	rc = expect_end(p, lx, "the count");
	if (rc)
		return -1;
	if (p->target != TARGET_STEP)
		return 0;
	st = &p->sc->steps[p->sc->nsteps - 1];
	if (st->seen.line)
		return perr(p, kw->col, "a second 'seen' line for this step "
			    "(the first is at line %d)", st->seen.line);
	st->seen = seen;
	return 0;
}

/* repeat N: run the whole scenario N times (a timing-dependent failure's
 * spread over the runs is reported). */
static int parse_repeat(struct parser *p, struct lexer *lx,
			const struct directive *dir, const struct word *kw)
{
	struct word w;
	int rc;

	(void)dir;
	rc = lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return perr(p, kw->col, "'repeat' needs how many runs, e.g. "
			    "repeat 10");
	if (!is_digits(w.text) || strlen(w.text) > 4 ||
	    strtol(w.text, NULL, 10) < 1 || strtol(w.text, NULL, 10) > 1000)
		return perr(p, w.col, "invalid repeat count '%s': a number "
			    "from 1 to 1000", w.text);
	p->sc->repeat = strtol(w.text, NULL, 10);
	return expect_end(p, lx, "the repeat count");
}

/* ---- the directive table ------------------------------------------------ */

static const struct directive directives[] = {
	{ "title", CLASS_HEADER, ONCE_TITLE, GA_STEP_CONNECT, parse_title },
	{ "cause", CLASS_HEADER, ONCE_CAUSE, GA_STEP_CONNECT, parse_cause },
	{ "keywords", CLASS_HEADER, ONCE_KEYWORDS, GA_STEP_CONNECT,
	  parse_keywords },
	{ "requires", CLASS_HEADER, ONCE_REQUIRES, GA_STEP_CONNECT,
	  parse_requires },
	{ "server-option", CLASS_HEADER, ONCE_NONE, GA_STEP_CONNECT,
	  parse_server_option },
	{ "repeat", CLASS_HEADER, ONCE_REPEAT, GA_STEP_CONNECT, parse_repeat },
	{ "connection", CLASS_HEADER, ONCE_NONE, GA_STEP_CONNECT,
	  parse_connection },
	{ "connect", CLASS_STEP, ONCE_NONE, GA_STEP_CONNECT, parse_conn_step },
	{ "query", CLASS_STEP, ONCE_NONE, GA_STEP_QUERY, parse_sql_step },
	{ "send", CLASS_STEP, ONCE_NONE, GA_STEP_SEND, parse_sql_step },
	{ "reap", CLASS_STEP, ONCE_NONE, GA_STEP_REAP, parse_conn_step },
	{ "ping", CLASS_STEP, ONCE_NONE, GA_STEP_PING, parse_conn_step },
	{ "close", CLASS_STEP, ONCE_NONE, GA_STEP_CLOSE, parse_conn_step },
	{ "sleep", CLASS_STEP, ONCE_NONE, GA_STEP_SLEEP, parse_sleep },
	{ "kill", CLASS_STEP, ONCE_NONE, GA_STEP_KILL, parse_conn_step },
	{ "admin", CLASS_STEP, ONCE_NONE, GA_STEP_ADMIN, parse_text_step },
	{ "status", CLASS_STEP, ONCE_NONE, GA_STEP_STATUS, parse_status },
	{ "errorlog", CLASS_STEP, ONCE_NONE, GA_STEP_ERRORLOG,
	  parse_text_step },
	{ "server", CLASS_STEP, ONCE_NONE, GA_STEP_SERVER_STOP, parse_server },
	{ "fault", CLASS_STEP, ONCE_NONE, GA_STEP_FAULT, parse_fault },
	{ "lift", CLASS_STEP, ONCE_NONE, GA_STEP_LIFT, parse_lift },
	{ "prepare", CLASS_STEP, ONCE_NONE, GA_STEP_PREPARE, parse_sql_step },
	{ "execute", CLASS_STEP, ONCE_NONE, GA_STEP_EXECUTE, parse_execute },
	{ "long-data", CLASS_STEP, ONCE_NONE, GA_STEP_LONG_DATA,
	  parse_long_data },
	{ "stream", CLASS_STEP, ONCE_NONE, GA_STEP_STREAM, parse_sql_step },
	{ "fetch", CLASS_STEP, ONCE_NONE, GA_STEP_FETCH, parse_conn_step },
	{ "fork", CLASS_STEP, ONCE_NONE, GA_STEP_FORK, parse_fork },
	{ "drain", CLASS_STEP, ONCE_NONE, GA_STEP_DRAIN, parse_conn_step },
	{ "expect", CLASS_EXPECT, ONCE_NONE, GA_STEP_CONNECT, parse_expect },
	{ "seen", CLASS_EXPECT, ONCE_NONE, GA_STEP_CONNECT, parse_seen },
};

static const struct directive *find_directive(const char *name)
{
	size_t i;

	for (i = 0; i < COUNT(directives); i++) {
		if (strcmp(directives[i].name, name) == 0)
			return &directives[i];
	}
	return NULL;
}

static int unknown_directive(struct parser *p, const struct word *kw)
{
	char dym[GA_SUGGEST_MAX + 32];
	struct ga_suggest sg;
	size_t i;

	ga_suggest_init(&sg, kw->text, 2);
	for (i = 0; i < COUNT(directives); i++)
		ga_suggest_try(&sg, directives[i].name);
	return perr(p, kw->col, "unknown directive or step '%s'%s", kw->text,
		    ga_suggest_text(&sg, dym, sizeof(dym)));
}

/* Connections are all declared before the first step (a connection line
 * after it is an error), so their number is final here. */
static int first_step(struct parser *p)
{
	size_t n;

	p->seen_step = true;
	n = p->sc->nconnections ? p->sc->nconnections : 1;
	p->pending = calloc(n, sizeof(*p->pending));
	if (!p->pending)
		return nomem(p);
	return 0;
}

static void parse_line(struct parser *p, struct lexer *lx)
{
	const struct directive *dir;
	struct word kw;
	int rc;

	rc = lex_word(p, lx, &kw);
	if (rc <= 0)
		return;
	dir = find_directive(kw.text);
	if (!dir || kw.quoted) {
		/* It may have been meant as a step: its expect lines are
		 * checked but attached to nothing. */
		if (p->target != TARGET_NONE || p->seen_step)
			p->target = TARGET_BAD;
		p->last_kind_known = false;
		unknown_directive(p, &kw);
		return;
	}
	switch (dir->cls) {
	case CLASS_HEADER:
		if (p->seen_step) {
			perr(p, kw.col, "header directive '%s' after the "
			     "first step", kw.text);
			return;
		}
		if (dir->once != ONCE_NONE && p->once_line[dir->once]) {
			perr(p, kw.col, "duplicate '%s' directive (first at "
			     "line %d)", kw.text, p->once_line[dir->once]);
			return;
		}
		if (dir->once != ONCE_NONE)
			p->once_line[dir->once] = p->line;
		dir->parse(p, lx, dir, &kw);
		return;
	case CLASS_STEP:
		if (!p->seen_step && first_step(p))
			return;
		p->target = TARGET_BAD;
		p->last_kind_known = false;
		rc = dir->parse(p, lx, dir, &kw);
		if (rc == 0)
			p->target = TARGET_STEP;
		return;
	case CLASS_EXPECT:
		dir->parse(p, lx, dir, &kw);
		return;
	}
}

/* Checks that need the whole file. */
static void finish(struct parser *p)
{
	const char *name;
	size_t i;

	if (!p->once_line[ONCE_TITLE])
		perr_at(p, 1, 0, "missing 'title' directive");
	if (!p->once_line[ONCE_CAUSE])
		perr_at(p, 1, 0, "missing 'cause' directive");
	if (!p->seen_step) {
		perr_at(p, 1, 1, "no steps: a scenario needs at least one "
			"step");
		return;
	}
	for (i = 0; i < p->sc->nconnections; i++) {
		if (!p->pending[i].line)
			continue;
		name = p->sc->connections[i].name;
		perr_at(p, p->pending[i].line, p->pending[i].col, "the query "
			"sent on '%s' is never reaped: add 'reap %s' after it",
			name, name);
	}
}

/* Puts the diagnostics this parse added (from first on) in line and
 * column order, as a compiler prints them; equal places keep their order. */
static void sort_diags(struct ga_diags *d, size_t first)
{
	struct ga_diag tmp;
	size_t i, j;

	for (i = first + 1; i < d->n; i++) {
		tmp = d->items[i];
		for (j = i; j > first; j--) {
			if (d->items[j - 1].line < tmp.line ||
			    (d->items[j - 1].line == tmp.line &&
			     d->items[j - 1].col <= tmp.col))
				break;
			d->items[j] = d->items[j - 1];
		}
		d->items[j] = tmp;
	}
}

/* name = basename of path without ".gw" */
static int set_names(struct parser *p, const char *path)
{
	const char *base;
	size_t n;

	p->sc->path = p_strdup(p, path);
	if (!p->sc->path)
		return -1;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".gw") == 0)
		n -= 3;
	p->sc->name = p_strndup(p, base, n);
	return p->sc->name ? 0 : -1;
}

int ga_parse_text(const char *path, const char *text,
		  struct ga_scenario **out, struct ga_diags *diags)
{
	struct parser p;
	struct lexer lx;
	const char *line, *nl;
	char *scratch = NULL;
	size_t textlen, first;
	int rc = -1;

	*out = NULL;
	first = diags->n;
	memset(&p, 0, sizeof(p));
	p.path = path;
	p.diags = diags;
	p.target = TARGET_NONE;
	textlen = strlen(text);
	p.sc = calloc(1, sizeof(*p.sc));
	/* An unescaped word is never longer than its source, plus a NUL. */
	scratch = malloc(2 * textlen + 2);
	if (!p.sc || !scratch) {
		nomem(&p);
		goto out;
	}
	if (set_names(&p, path))
		goto out;
	p.sc->repeat = 1;

	line = text;
	for (;;) {
		p.line++;
		nl = strchr(line, '\n');
		memset(&lx, 0, sizeof(lx));
		lx.s = line;
		lx.len = nl ? (size_t)(nl - line) : strlen(line);
		lx.buf = scratch;
		parse_line(&p, &lx);
		if (!nl)
			break;
		line = nl + 1;
	}
	finish(&p);
	sort_diags(diags, first);
	if (p.nerrors == 0) {
		*out = p.sc;
		p.sc = NULL;
		rc = 0;
	}
out:
	ga_scenario_free(p.sc);
	free(p.pending);
	free(p.faults);
	free(scratch);
	return rc;
}

int ga_parse_file(const char *path, struct ga_scenario **out,
		  struct ga_diags *diags)
{
	const char *nul, *s;
	FILE *f = NULL;
	char *buf = NULL;
	int line, col;
	int rc = -1;
	size_t n;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f) {
		ga_diags_add(diags, path, 0, 0, "cannot read: %s",
			     strerror(errno));
		goto out;
	}
	buf = malloc(MAX_FILE_SIZE + 2);
	if (!buf) {
		ga_diags_add(diags, path, 0, 0, "cannot read: %s",
			     strerror(ENOMEM));
		goto out;
	}
	errno = 0;
	n = fread(buf, 1, MAX_FILE_SIZE + 1, f);
	if (ferror(f)) {
		ga_diags_add(diags, path, 0, 0, "cannot read: %s",
			     strerror(errno ? errno : EIO));
		goto out;
	}
	if (n > MAX_FILE_SIZE) {
		ga_diags_add(diags, path, 0, 0, "file is larger than 1 MiB: "
			     "not a scenario");
		goto out;
	}
	buf[n] = '\0';
	nul = memchr(buf, '\0', n);
	if (nul) {
		line = 1;
		col = 1;
		for (s = buf; s < nul; s++) {
			col++;
			if (*s == '\n') {
				line++;
				col = 1;
			}
		}
		ga_diags_add(diags, path, line, col, "file contains a NUL "
			     "byte: not a scenario");
		goto out;
	}
	rc = ga_parse_text(path, buf, out, diags);
out:
	if (f)
		fclose(f);
	free(buf);
	return rc;
}
