/* sqlset.c - see sqlset.h */
#include "lang/sqlset.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The global variables a scenario from elsewhere may set: timeouts,
 * sizes, limits and switches, what the shipped scenarios set and their
 * kin.  None names a file, a directory, a plugin, a socket or a TLS key,
 * or holds SQL run at each login (init_connect); sql_mode may turn on
 * ANSI_QUOTES, NO_BACKSLASH_ESCAPES or MSSQL, which the text check reads
 * every statement under anyway (lang/sqltok.h); local_infile lets the
 * server ask a client for a file, which every client bounds to its
 * case's own directory (mysqlapi/infile.h).  Sorted. */
static const char *const settable[] = {
	"autocommit", "character_set_server", "collation_server",
	"connect_timeout", "connection_memory_limit", "general_log",
	"global_connection_memory_tracking", "group_concat_max_len",
	"idle_readonly_transaction_timeout", "idle_transaction_timeout",
	"idle_write_transaction_timeout", "innodb_lock_wait_timeout",
	"interactive_timeout", "local_infile", "lock_wait_timeout",
	"log_output",
	"log_slow_query", "log_slow_query_time", "log_warnings",
	"long_query_time", "max_allowed_packet", "max_connect_errors",
	"max_connections", "max_execution_time", "max_prepared_stmt_count",
	"max_session_mem_used", "max_statement_time", "max_user_connections",
	"net_buffer_length", "net_read_timeout", "net_retry_count",
	"net_write_timeout", "read_only", "require_secure_transport",
	"slow_query_log", "sql_mode", "super_read_only", "thread_cache_size",
	"thread_pool_size", "transaction_isolation", "wait_timeout",
};

/* s as a variable's name: lowercase, '-' as '_', into out; false (out
 * "") unless it is [a-z0-9_]+ and shorter than GA_SQL_NAME_MAX. */
static bool plain_name(const char *s, size_t n, char *out)
{
	size_t i;
	char c;

	out[0] = '\0';
	if (n == 0 || n >= GA_SQL_NAME_MAX)
		return false;
	for (i = 0; i < n; i++) {
		c = s[i] == '-' ? '_' : (char)tolower((unsigned char)s[i]);
		if (!(isdigit((unsigned char)c) || (c >= 'a' && c <= 'z') ||
		      c == '_'))
			return false;
		out[i] = c;
	}
	out[n] = '\0';
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool ga_settable_global(const char *name)
{
	char n[GA_SQL_NAME_MAX];
	const char *key = n;

	if (!name || !plain_name(name, strlen(name), n))
		return false;
	return bsearch(&key, settable, COUNT(settable), sizeof(settable[0]),
		       by_name) != NULL;
}

/* ---- the targets of a SET list ---------------------------------------- */

static bool is_punct(const struct ga_sqltok *t, char c)
{
	return t->kind == GA_SQLTOK_PUNCT && *t->s == c;
}

/* A token a variable's name may be: MariaDB takes @@global.'x' = 1. */
static bool name_token(const struct ga_sqltok *t)
{
	return t->kind == GA_SQLTOK_WORD || t->kind == GA_SQLTOK_NAME ||
	       t->kind == GA_SQLTOK_STRING;
}

/* The scope a word names (GLOBAL, SESSION, ...), or NONE.  Quoted too:
 * @@`global`.x is no scope to either server, but it is read as one. */
static enum ga_sql_scope scope_of(const struct ga_sqllex *lx,
				  const struct ga_sqltok *t)
{
	static const struct {
		const char *word;
		enum ga_sql_scope scope;
	} scopes[] = {
		{ "global", GA_SQL_SCOPE_GLOBAL },
		{ "session", GA_SQL_SCOPE_SESSION },
		{ "local", GA_SQL_SCOPE_SESSION },
		{ "persist", GA_SQL_SCOPE_PERSIST },
		{ "persist_only", GA_SQL_SCOPE_PERSIST },
	};
	char text[32];
	size_t i, n;

	if (t->kind == GA_SQLTOK_WORD) {
		n = t->len;
		if (n >= sizeof(text))
			return GA_SQL_SCOPE_NONE;
		memcpy(text, t->s, n);
	} else if (name_token(t) && t->len < sizeof(text)) {
		n = ga_sqltok_text(lx, t, text);
	} else {
		return GA_SQL_SCOPE_NONE;
	}
	for (i = 0; i < COUNT(scopes); i++)
		if (strlen(scopes[i].word) == n &&
		    strncasecmp(text, scopes[i].word, n) == 0)
			return scopes[i].scope;
	return GA_SQL_SCOPE_NONE;
}

/* The name a name_token() holds into out (plain_name), and the token
 * after it; a dotted
 * name (component.x, default.x) makes out "", its parts read. */
static void read_name(struct ga_sqllex *lx, struct ga_sqltok *t, char *out)
{
	char text[2 * GA_SQL_NAME_MAX];
	size_t n;

	out[0] = '\0';
	if (t->kind == GA_SQLTOK_WORD) {
		plain_name(t->s, t->len, out);
	} else if (t->len <= sizeof(text)) {
		n = ga_sqltok_text(lx, t, text);
		plain_name(text, n, out);
	}
	ga_sqllex_next(lx, t);
	while (is_punct(t, '.')) {
		out[0] = '\0';
		ga_sqllex_next(lx, t);
		if (name_token(t))
			ga_sqllex_next(lx, t);
	}
}

void ga_sql_read_target(struct ga_sqllex *lx, struct ga_sqltok *t,
			struct ga_sql_target *tg)
{
	struct ga_sqllex ahead;
	struct ga_sqltok next;
	enum ga_sql_scope s;

	memset(tg, 0, sizeof(*tg));
	tg->kind = GA_SQL_TARGET_OTHER;
	s = t->kind == GA_SQLTOK_WORD ? scope_of(lx, t) : GA_SQL_SCOPE_NONE;
	if (s != GA_SQL_SCOPE_NONE) {
		ahead = *lx;
		ga_sqllex_next(&ahead, &next);
		if (!is_punct(&next, '=') && !is_punct(&next, ':')) {
			tg->keyword = s;        /* not a variable named so */
			*lx = ahead;
			*t = next;
		}
	}
	if (is_punct(t, '@')) {
		ga_sqllex_next(lx, t);
		if (!is_punct(t, '@')) {        /* @name: a user variable */
			tg->kind = GA_SQL_TARGET_USER;
			if (t->kind != GA_SQLTOK_PUNCT &&
			    t->kind != GA_SQLTOK_END)
				ga_sqllex_next(lx, t);
			return;
		}
		ga_sqllex_next(lx, t);
		tg->at = GA_SQL_SCOPE_SESSION;          /* @@x */
		ahead = *lx;
		ga_sqllex_next(&ahead, &next);
		s = scope_of(lx, t);
		if (s != GA_SQL_SCOPE_NONE && is_punct(&next, '.')) {
			tg->at = s;                     /* @@global.x */
			*lx = ahead;
			ga_sqllex_next(lx, t);
		}
	}
	if (name_token(t)) {
		tg->kind = GA_SQL_TARGET_VARIABLE;
		read_name(lx, t, tg->name);
	}
}

/* ---- a plain SET GLOBAL ------------------------------------------------ */

/* Whether t is a word of digits only. */
static bool digits(const struct ga_sqltok *t)
{
	size_t i;

	if (t->kind != GA_SQLTOK_WORD)
		return false;
	for (i = 0; i < t->len; i++)
		if (!isdigit((unsigned char)t->s[i]))
			return false;
	return true;
}

/* A number from *t on ([-]digits[.digits], the '.' and fraction right
 * after the digits) into a; *t is then the token after it. */
static const char *read_number(struct ga_sqllex *lx, struct ga_sqltok *t,
			       struct ga_sql_assignment *a, bool minus)
{
	struct ga_sqllex ahead = *lx;
	struct ga_sqltok dot, frac;
	int n;

	if (t->len > 64)
		return "a number too long";
	a->kind = GA_SQL_VALUE_INT;
	n = snprintf(a->value, sizeof(a->value), "%s%.*s", minus ? "-" : "",
		     (int)t->len, t->s);
	ga_sqllex_next(&ahead, &dot);
	if (is_punct(&dot, '.') && dot.s == t->s + t->len) {
		ga_sqllex_next(&ahead, &frac);
		if (!digits(&frac) || frac.s != dot.s + 1 || frac.len > 64)
			return "a number that is not [-]digits[.digits]";
		a->kind = GA_SQL_VALUE_DECIMAL;
		snprintf(a->value + n, sizeof(a->value) - (size_t)n, ".%.*s",
			 (int)frac.len, frac.s);
		*lx = ahead;
	}
	ga_sqllex_next(lx, t);
	return NULL;
}

/* Quoted strings side by side from *t on, joined into a; *t is then the
 * token after them. */
static const char *read_strings(struct ga_sqllex *lx, struct ga_sqltok *t,
				struct ga_sql_assignment *a)
{
	size_t n = 0, i;

	a->kind = GA_SQL_VALUE_STRING;
	for (; t->kind == GA_SQLTOK_STRING; ga_sqllex_next(lx, t)) {
		if (memchr(t->s, '\\', t->len))
			return "a string with a backslash, whose meaning "
			       "depends on NO_BACKSLASH_ESCAPES";
		if (t->len >= sizeof(a->value) - n)
			return "a string too long";
		n += ga_sqltok_text(lx, t, a->value + n);
	}
	for (i = 0; i < n; i++)
		if (a->value[i] < ' ' || a->value[i] > '~')
			return "a string with a byte that is not printable "
			       "ASCII";
	a->value[n] = '\0';
	return NULL;
}

/* ON, OFF, DEFAULT, TRUE, FALSE: the words a plain value may be. */
static const char *const value_words[] = {
	"ON", "OFF", "DEFAULT", "TRUE", "FALSE",
};

/* The literal from *t on into a; *t is then the token after it. */
static const char *read_value(struct ga_sqllex *lx, struct ga_sqltok *t,
			      struct ga_sql_assignment *a)
{
	bool minus = false;
	size_t i;

	if (is_punct(t, '-') || is_punct(t, '+')) {
		minus = *t->s == '-';
		ga_sqllex_next(lx, t);
		if (!digits(t))
			return "a value that is not a literal";
	}
	if (digits(t))
		return read_number(lx, t, a, minus);
	if (t->kind == GA_SQLTOK_STRING)
		return read_strings(lx, t, a);
	for (i = 0; i < COUNT(value_words); i++)
		if (ga_sqltok_is(t, value_words[i])) {
			a->kind = GA_SQL_VALUE_WORD;
			snprintf(a->value, sizeof(a->value), "%s",
				 value_words[i]);
			ga_sqllex_next(lx, t);
			return NULL;
		}
	return "a value that is not a literal (an integer, a decimal, a "
	       "quoted string, ON, OFF, DEFAULT, TRUE or FALSE)";
}

/* One assignment's target, from *t on, into a: global as the server
 * scopes it (*keyword_global: a GLOBAL keyword came before). */
static const char *read_global(struct ga_sqllex *lx, struct ga_sqltok *t,
			       bool *keyword_global,
			       struct ga_sql_assignment *a)
{
	struct ga_sql_target tg;

	ga_sql_read_target(lx, t, &tg);
	if (tg.kind != GA_SQL_TARGET_VARIABLE)
		return "an assignment that is not of a system variable";
	if (tg.keyword != GA_SQL_SCOPE_NONE)
		*keyword_global = tg.keyword == GA_SQL_SCOPE_GLOBAL;
	if ((tg.keyword != GA_SQL_SCOPE_NONE && tg.at != GA_SQL_SCOPE_NONE) ||
	    (tg.at == GA_SQL_SCOPE_NONE ? !*keyword_global :
	     tg.at != GA_SQL_SCOPE_GLOBAL))
		return "an assignment that is not GLOBAL (a session's, or "
		       "PERSIST)";
	if (!tg.name[0])
		return "a variable's name that is not one plain name";
	memcpy(a->name, tg.name, sizeof(a->name));
	if (is_punct(t, ':'))
		ga_sqllex_next(lx, t);
	if (!is_punct(t, '='))
		return "an assignment without '='";
	ga_sqllex_next(lx, t);
	return NULL;
}

/* What the readings of one text made of it. */
struct set_readings {
	struct ga_sql_set first, this;
	bool have_first;
};

/* One reading of a plain SET GLOBAL (lang/sqltok.h's read()). */
static const char *read_set(struct ga_sqllex *lx, void *arg)
{
	struct set_readings *r = arg;
	struct ga_sql_set *set = &r->this;
	struct ga_sqltok t;
	bool keyword_global = false;
	const char *why;

	memset(set, 0, sizeof(*set));
	ga_sqllex_next(lx, &t);
	if (!ga_sqltok_is(&t, "set"))
		return "not a SET statement";
	ga_sqllex_next(lx, &t);
	for (;;) {
		if (set->n == GA_SQL_SET_MAX)
			return "more than 16 assignments (GA_SQL_SET_MAX)";
		why = read_global(lx, &t, &keyword_global, &set->a[set->n]);
		if (!why)
			why = read_value(lx, &t, &set->a[set->n]);
		if (why)
			return lx->why ? lx->why : why;
		set->n++;
		if (!is_punct(&t, ','))
			break;
		ga_sqllex_next(lx, &t);
	}
	if (is_punct(&t, ';'))
		ga_sqllex_next(lx, &t);
	if (t.kind != GA_SQLTOK_END)
		return t.kind == GA_SQLTOK_REFUSED ? lx->why :
		       "more after the value than ',' and ';' (an expression, "
		       "another statement)";
	if (!r->have_first) {
		r->first = *set;
		r->have_first = true;
	} else if (memcmp(&r->first, set, sizeof(*set)) != 0) {
		return "a text that servers read in different ways (version "
		       "comments, sql_mode)";
	}
	return NULL;
}

int ga_sql_set_globals(const char *sql, struct ga_sql_set *set,
		       const char **why)
{
	struct set_readings r;
	const char *w;

	memset(&r, 0, sizeof(r));
	w = sql ? ga_sql_readings(sql, strlen(sql), read_set, &r, NULL) :
		  "no statement";
	if (w) {
		if (why)
			*why = w;
		memset(set, 0, sizeof(*set));
		return -1;
	}
	*set = r.first;
	return 0;
}

/* Whether v is [-]digits, with ".digits" after when frac. */
static bool number_text(const char *v, bool frac)
{
	size_t n;

	v += *v == '-';
	n = strspn(v, "0123456789");
	if (n == 0)
		return false;
	if (!frac)
		return v[n] == '\0';
	if (v[n] != '.')
		return false;
	v += n + 1;
	n = strspn(v, "0123456789");
	return n > 0 && v[n] == '\0';
}

int ga_sql_render_set_global(const char *name, enum ga_sql_value_kind kind,
			     const char *value, char *buf, size_t len)
{
	char n[GA_SQL_NAME_MAX];
	size_t w, i;
	int k;

	if (len == 0)
		return -1;
	buf[0] = '\0';
	if (!name || !value || !plain_name(name, strlen(name), n) ||
	    strcmp(n, name) != 0)
		return -1;
	switch (kind) {
	case GA_SQL_VALUE_INT:
	case GA_SQL_VALUE_DECIMAL:
		if (!number_text(value, kind == GA_SQL_VALUE_DECIMAL))
			return -1;
		k = snprintf(buf, len, "SET GLOBAL %s = %s", name, value);
		break;
	case GA_SQL_VALUE_WORD:
		for (i = 0; i < COUNT(value_words); i++)
			if (strcmp(value, value_words[i]) == 0)
				break;
		if (i == COUNT(value_words))
			return -1;
		k = snprintf(buf, len, "SET GLOBAL %s = %s", name, value);
		break;
	case GA_SQL_VALUE_STRING:
		k = snprintf(buf, len, "SET GLOBAL %s = '", name);
		if (k < 0 || (size_t)k >= len)
			break;
		for (w = (size_t)k; *value; value++) {
			if (*value < ' ' || *value > '~' || *value == '\\' ||
			    w + 4 >= len) {
				buf[0] = '\0';
				return -1;
			}
			if (*value == '\'')
				buf[w++] = '\'';
			buf[w++] = *value;
		}
		buf[w++] = '\'';
		buf[w] = '\0';
		return 0;
	default:
		return -1;
	}
	if (k < 0 || (size_t)k >= len) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}
