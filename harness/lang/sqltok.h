/* sqltok.h - SQL text cut into tokens as MySQL 9 and MariaDB 11 cut it,
 * under every reading a server may make of it.
 *
 * A statement's tokens depend on more than its text: on the session's
 * sql_mode (set by a server option, init_connect or an earlier SET of
 * the same session) and on the server and its version (whether a version
 * comment is SQL or a comment).  A reading fixes all of that; the text is
 * read under each in turn (ga_sql_readings), and whoever looks at the
 * tokens refuses the text if any reading is refused.
 *
 * What a reading handles, as both servers do (seen on MySQL 9.7 and
 * MariaDB 11.8):
 *   - '...' and "..." strings: a backslash takes the next byte as it is
 *     (not under NO_BACKSLASH_ESCAPES), a doubled quote is one quote;
 *     under ANSI_QUOTES "..." is a quoted name instead.  Literals side by
 *     side ('LOAD' '_FILE') are tokens of their own, which a server joins
 *     into one string: ga_sqltok_text() gives each one's content.
 *   - `quoted names` (a doubled backtick is one), and MariaDB's [names]
 *     under sql_mode MSSQL (a doubled ']' is one).  A backtick separates
 *     tokens: SET`autocommit`=1 is SET, `autocommit`, =, 1.
 *   - words: a run of ASCII letters, digits and '_' (keywords, names and
 *     numbers alike: 0x1F and 1e5 are words; 1.5 is 1, '.', 5).
 *   - comments: '#' and "-- " (two dashes and a blank, a control
 *     character or the end) to the end of the line; /\* ... *\/ to its
 *     first *\/, optimizer hints (/\*+ ... *\/) too.
 *   - version comments, whose content is SQL: /\*! ... *\/ on both
 *     servers, /\*!50000 (five digits, or six and a blank) on the servers
 *     of that version or later, /\*M! and /\*M!100000 on MariaDB.  On the
 *     others each is a comment, to the first *\/ after one comment nested
 *     in it (/\*M! on MySQL: to its first *\/).  Which one a reading
 *     takes is its choice for that comment, in the order met.
 *   - every other byte is a token of its own (';', ',', '=', '@', ...):
 *     statements, keywords and grammar are the caller's (lang/trust.c,
 *     lang/sqlset.c).
 *
 * What no reading handles, and so refuses (a GA_SQLTOK_REFUSED token and
 * lx->why, or ga_sql_readings()' answer for the bytes before a quote),
 * since the servers or their character sets read it in more ways than
 * these: a byte above 0x7F outside quotes and comments, or before a
 * backslash, a backtick or a ']' anywhere (gbk, big5 and sjis make one
 * character of the two); a '$' outside quotes ($$ ... $$ quotes on MySQL
 * 9, a name's letter on MariaDB); a version comment of six digits without
 * a blank after them, or of seven or more (MySQL reads five, MariaDB six);
 * a version comment in the SQL of another; a comment nested in a /\*M!
 * comment (MySQL ends it at the nested one's end); more than
 * GA_SQLTOK_CHOICES_MAX version comments.  What it does not model at all:
 * a character set's characters (bytes are read as bytes, which is
 * right for every client character set but where refused above), the
 * text a client library or driver rewrites before sending (JDBC's {...}
 * escapes: lang/trust.c refuses '{'), and where a server stops at a
 * syntax error (every token is read to the end).
 *
 * Tokens point into the caller's text: nothing here allocates.
 */
#ifndef GA_SQLTOK_H
#define GA_SQLTOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A reading's sql_mode, as bits. */
#define GA_SQLMODE_ANSI_QUOTES 1u
#define GA_SQLMODE_NO_BACKSLASH_ESCAPES 2u
#define GA_SQLMODE_MSSQL 4u             /* MariaDB: [quoted names] */
#define GA_SQLMODE_ALL 8u               /* modes are below this */

/* Version comments a text may hold: each doubles its readings. */
#define GA_SQLTOK_CHOICES_MAX 8

enum ga_sqltok_kind {
	GA_SQLTOK_END,
	GA_SQLTOK_WORD,         /* letters, digits, '_' */
	GA_SQLTOK_NAME,         /* `name`; "name" (ANSI_QUOTES); [name]
				 * (MSSQL) */
	GA_SQLTOK_STRING,       /* 'text'; "text" (not ANSI_QUOTES) */
	GA_SQLTOK_PUNCT,        /* any other one byte */
	GA_SQLTOK_REFUSED,      /* what no reading handles: lx->why */
};

struct ga_sqltok {
	enum ga_sqltok_kind kind;
	const char *s;          /* borrowed: in the text, quotes and all */
	size_t len;
};

/* One reading of one text, and where it is. */
struct ga_sqllex {
	const char *p, *end;    /* borrowed: the rest of the text */
	unsigned mode;          /* GA_SQLMODE_* */
	uint32_t choices;       /* bit i: the i-th version comment met
				 * is SQL (1) or a comment (0) */
	unsigned met;           /* version comments met so far */
	bool in_version;        /* in the SQL of a version comment: its
				 * "*\/" ends it */
	const char *why;        /* static: why a token was
				 * GA_SQLTOK_REFUSED, or NULL */
};

/* Starts lx on sql[0..len) under mode and choices. */
void ga_sqllex_init(struct ga_sqllex *lx, const char *sql, size_t len,
		    unsigned mode, uint32_t choices);

/* The next token into *t; GA_SQLTOK_END at the end, and again after. */
enum ga_sqltok_kind ga_sqllex_next(struct ga_sqllex *lx, struct ga_sqltok *t);

/* The content of a GA_SQLTOK_STRING or GA_SQLTOK_NAME as the server
 * takes it under lx's mode (escapes resolved, doubled quotes made one;
 * a backslash before '%' or '_' kept, as servers keep it), into out,
 * which has room for t->len bytes.  Returns its length (no NUL added). */
size_t ga_sqltok_text(const struct ga_sqllex *lx, const struct ga_sqltok *t,
		      char *out);

/* Whether t is the word w (ASCII, case-insensitive). */
bool ga_sqltok_is(const struct ga_sqltok *t, const char *w);

/* Reads sql[0..len) under every reading: each sql_mode that can change
 * its tokens (ANSI_QUOTES when it holds '"', NO_BACKSLASH_ESCAPES when
 * it holds '\\', MSSQL when it holds '['), each with every choice of
 * each version comment.  read() gets a lexer started on one reading,
 * reads it (to GA_SQLTOK_END, or stops with a reason) and returns why
 * the text is refused under it (static text) or NULL; a
 * GA_SQLTOK_REFUSED token's lx->why is a reason too.  Returns the first
 * reason, or NULL when every reading passes.  Bounded: *work counts the
 * bytes read so far by the calls that share it (a statement's and the
 * statements inside it: start it at 0; NULL, this call's alone), and a
 * text whose readings would take it past GA_SQLTOK_WORK_MAX is
 * refused. */
const char *ga_sql_readings(const char *sql, size_t len,
			    const char *(*read)(struct ga_sqllex *lx,
						void *arg),
			    void *arg, size_t *work);

/* 256 MiB: a 64 MiB statement under four readings */
#define GA_SQLTOK_WORK_MAX ((size_t)256 << 20)

#endif
