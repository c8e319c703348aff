/* internal.h - what the scenario language's files share (lang/ only).
 *
 * The parser is one pass over the lines (lang/parse.c).  A small lexer
 * (lang/lexer.c) cuts a line into words; the first word picks a directive
 * whose handler lives in lang/parse_header.c (title, connection, ...),
 * lang/parse_steps.c (one handler per step keyword) or
 * lang/parse_expect.c (expect and seen lines).  A handler that finds a
 * problem adds a diagnostic with ga_perr() and returns -1: that line is
 * skipped and parsing goes on with the next, so one run reports every
 * problem in a file.
 */
#ifndef GA_LANG_INTERNAL_H
#define GA_LANG_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "lang/diag.h"
#include "lang/nameindex.h"
#include "lang/scenario.h"

#define MSG_MAX 1024            /* longest diagnostic text */
#define MAX_CODE 65535          /* largest error number in an expect line */
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

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
	ONCE_PROXY,
	ONCE_SERVER_FRESH,
	ONCE_SERVER_MEMORY,
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

/* A "pool NAME" line, and the connection that takes from it. */
struct pool_name {
	struct ga_pool_decl decl;       /* its validation owned here */
	int taken_line;                 /* 0: no connection yet */
	char taken_by[GA_NAME_MAX];
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
	size_t sql_total;               /* the file's statements, expanded:
					 * at most GA_EXPAND_FILE_MAX */
	bool sql_over;                  /* that was said already */
	struct pool_name *pools;        /* owned (lang/parse_pool.c) */
	size_t npools;
	/* the names declared so far, by index in sc->connections, pools
	 * and faults (lang/nameindex.h) */
	struct ga_nameindex conn_names, pool_names, fault_names;
	size_t suggest_budget;          /* names a "did you mean" may still
					 * try: GA_PARSE_SUGGEST_BUDGET */
	bool repeat_bad;                /* the repeat line was reported */
};

/* The names the "did you mean"s of one file try, in all: enough for
 * every misspelling of a file of hand-written size, and a bound on
 * one of many thousand names (lang/nameindex.h). */
#define GA_PARSE_SUGGEST_BUDGET ((size_t)1 << 20)

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

/* "=", "!=", ... by enum ga_cmp (lang/parse_diag.c). */
extern const char *const ga_cmp_names[];

/* ---- diagnostics (lang/parse_diag.c) ------------------------------------ */

int ga_perr_at(struct parser *p, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int ga_perr(struct parser *p, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* ga_perr() with its arguments in ap. */
int ga_vperr(struct parser *p, int col, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int ga_parse_nomem(struct parser *p);

/* "a, b, c" from a table of names into buf, for "(known: ...)". */
const char *ga_join_names(char *buf, size_t size, const char *const *names,
			  size_t n);

/* ---- the lexer (lang/lexer.c) ------------------------------------------- */

void ga_lex_skip(struct lexer *lx);
/* lx set to read the text's line at line (up to its '\n' or the end),
 * with scratch (room for twice the text) for its words.  Returns the
 * line's '\n', or NULL for the last line. */
const char *ga_lex_line(struct lexer *lx, const char *line, char *scratch);
/* True when only blanks or a comment are left. */
bool ga_lex_done(struct lexer *lx);
int ga_lex_col(const struct lexer *lx);
char ga_lex_peek(const struct lexer *lx);
/* Copies s[start, pos) into the scratch buffer; valid for the line. */
const char *ga_lex_take(struct lexer *lx, size_t start);
/* The next word: bytes up to a blank or '#', "..." parts taken whole.
 * Returns 1, 0 at the end of the line or a comment, or -1 after
 * reporting an unterminated string. */
int ga_lex_word(struct parser *p, struct lexer *lx, struct word *w);
/* The next word, as a loop over the rest of the line reads it: true
 * when there is one; false at the end of the line, or after reporting
 * an unterminated string, which sets *failed to -1 (else left as it
 * is). */
bool ga_lex_next(struct parser *p, struct lexer *lx, struct word *w,
		 int *failed);
/* The next word, which the directive needs: 0 when there is one, else
 * -1 after reporting fmt at column col (the line ended) or the
 * unterminated string. */
int ga_lex_need(struct parser *p, struct lexer *lx, struct word *w, int col,
		const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The raw rest of the line, '#' included, blanks trimmed. */
size_t ga_lex_rest(struct lexer *lx, const char **start);
/* The rest of the line up to a comment, blanks trimmed. */
size_t ga_lex_text(struct lexer *lx, const char **start);
/* A comparison operator, or GA_CMP_NONE without moving. */
enum ga_cmp ga_lex_cmp(struct lexer *lx);
/* Reports a word left over at the end of a line ("after WHAT"). */
int ga_lex_end(struct parser *p, struct lexer *lx, const char *what);

/* ---- small helpers (lang/lexer.c) --------------------------------------- */

/* Copies that report "out of memory" as a diagnostic; NULL then. */
char *ga_parse_strndup(struct parser *p, const char *s, size_t n);
char *ga_parse_strdup(struct parser *p, const char *s);
/* Room for one more element of size bytes in arr, which holds n and was
 * made by ga_parse_grow() alone (NULL for none); store the result back.
 * Its room doubles when n is a power of two: n elements cost O(n)
 * copying in all, on any allocator (ASan's moves every realloc). */
void *ga_parse_grow(struct parser *p, void *arr, size_t n, size_t size);
/* s[0..n) is non-empty and all letters, digits or bytes of extra. */
bool ga_all_of(const char *s, size_t n, const char *extra);
/* The next word into w, a name a line declares (a pool's, a fault's):
 * letters, digits, '_' and '-', starting with a letter, shorter than
 * GA_NAME_MAX.  Its length, or -1 after a diagnostic: need at column
 * col when the line ended, or "invalid WHAT name ...". */
int ga_parse_decl_name(struct parser *p, struct lexer *lx, struct word *w,
		       int col, const char *what, const char *need);
bool ga_is_digits(const char *s);
/* [+-]digits[.digits] */
bool ga_is_number(const char *s);
/* Index of s[0..len) in names, or -1. */
int ga_find_name(const char *const *names, size_t n, const char *s,
		 size_t len);

/* A parser's list of KEY=VALUE settings, X(ID, "name") each, made into
 * its enum tag (KEY_ID, then KEY_COUNT) and its array of names
 * ([KEY_ID] = "name"). */
#define GA_KEY_ENUM(id, name) KEY_##id,
#define GA_KEY_NAME(id, name) [KEY_##id] = name,
#define GA_KEY_TABLE(tag, names, list)					\
	enum tag { list(GA_KEY_ENUM) KEY_COUNT };			\
	static const char *const names[KEY_COUNT] = { list(GA_KEY_NAME) }

/* ---- directive handlers --------------------------------------------------- */

#define GA_DIRECTIVE_HANDLER(fn) \
	int fn(struct parser *p, struct lexer *lx, const struct directive *dir, \
	       const struct word *kw)

/* lang/parse_header.c */
GA_DIRECTIVE_HANDLER(ga_parse_title);
GA_DIRECTIVE_HANDLER(ga_parse_cause);
GA_DIRECTIVE_HANDLER(ga_parse_keywords);
GA_DIRECTIVE_HANDLER(ga_parse_requires);
/* "[" COND ["," COND] "]" at lx (on the '['), into sel (lang/parse_expect.c). */
int ga_parse_selector(struct parser *p, struct lexer *lx,
		      struct ga_selector *sel);
GA_DIRECTIVE_HANDLER(ga_parse_server_option);
GA_DIRECTIVE_HANDLER(ga_parse_connection);
GA_DIRECTIVE_HANDLER(ga_parse_repeat);
/* lang/parse_pool.c: "pool NAME SETTING=VALUE..."; a connection's
 * "pool=NAME" (col: NAME's column), which copies the pool's settings
 * into c; at the end of the file, a pool no connection took is an
 * error; then the parser's pools are freed. */
GA_DIRECTIVE_HANDLER(ga_parse_pool);
int ga_parse_pool_take(struct parser *p, struct ga_connection *c,
		       const char *name, int col);
void ga_parse_pools_finish(struct parser *p);
void ga_parse_pools_free(struct parser *p);
/* "server fresh" (the header line; "server ACTION" is a step) */
GA_DIRECTIVE_HANDLER(ga_parse_server_fresh);
GA_DIRECTIVE_HANDLER(ga_parse_server_memory);
/* lang/parse_proxy.c: the "proxy NAME ..." header line; true when word
 * is an action of the "proxy ACTION" steps instead */
GA_DIRECTIVE_HANDLER(ga_parse_proxy);
bool ga_parse_proxy_is_action(const char *word);
/* lang/parse_steps.c */
GA_DIRECTIVE_HANDLER(ga_parse_conn_step);
GA_DIRECTIVE_HANDLER(ga_parse_kill);
GA_DIRECTIVE_HANDLER(ga_parse_sql_step);
GA_DIRECTIVE_HANDLER(ga_parse_execute);
GA_DIRECTIVE_HANDLER(ga_parse_fetch);
GA_DIRECTIVE_HANDLER(ga_parse_long_data);
GA_DIRECTIVE_HANDLER(ga_parse_fork);
GA_DIRECTIVE_HANDLER(ga_parse_fault);
GA_DIRECTIVE_HANDLER(ga_parse_lift);
GA_DIRECTIVE_HANDLER(ga_parse_text_step);
GA_DIRECTIVE_HANDLER(ga_parse_sleep);
GA_DIRECTIVE_HANDLER(ga_parse_status);
GA_DIRECTIVE_HANDLER(ga_parse_server);
GA_DIRECTIVE_HANDLER(ga_parse_proxy_step);
/* lang/parse_expect.c */
GA_DIRECTIVE_HANDLER(ga_parse_expect);
/* An expect line's outcomes and clauses at lx, after its selector (an
 * expectation file's line: lang/expectations.c), into e (initialised by
 * the caller: after_ms and within_ms -1), checked against the step kind
 * p->last_kind when p->last_kind_known.  classes_ok: a word that is no
 * error name is a driver's error class.  Returns 0, or -1 after adding
 * the diagnostic; e's strings are then the caller's to free. */
int ga_parse_expect_body(struct parser *p, struct lexer *lx,
			 struct ga_expect *e, bool classes_ok);
GA_DIRECTIVE_HANDLER(ga_parse_seen);

#endif
