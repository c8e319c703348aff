/* sqlset.h - SET statements: which global variables a scenario from
 * elsewhere may set, the targets of a SET list as a server scopes them,
 * and a plain "SET GLOBAL name = literal" taken apart and written again.
 *
 * The variables (ga_settable_global): one allow-list of timeouts, sizes,
 * limits and switches (sqlset.c), none of which names a file, a
 * directory, a plugin, a socket or a TLS key, nor SQL that runs at each
 * login (init_connect is not there).  lang/trust.c lets a replay SET
 * GLOBAL, SET PERSIST, SET PERSIST_ONLY, @@global.x and @@persist.x
 * only these; the harness runs an admin step's plain SET GLOBAL through
 * ga_sql_set_globals and ga_sql_render_set_global, so that only these
 * names and literals reach an account that can set them.
 *
 * A SET list's scope, as MySQL 9.7 and MariaDB 11.8 both take it (seen
 * there): a scope keyword (GLOBAL, SESSION, LOCAL, PERSIST,
 * PERSIST_ONLY) sets the scope of its target and of every later target
 * without one, until the next keyword: in "SET GLOBAL a = 1, @b = 2,
 * @@session.c = 3, d = 4", d is global.  @@global.x, @@session.x and
 * @@x scope their own target only; a target without either is the
 * session's until a keyword says otherwise.
 */
#ifndef GA_SQLSET_H
#define GA_SQLSET_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/sqltok.h"

#define GA_SQL_NAME_MAX 65              /* a variable's name and NUL */
#define GA_SQL_VALUE_MAX 513            /* a literal's text and NUL */
#define GA_SQL_SET_MAX 16               /* assignments of one SET */

/* Whether name (as written: case and '-' or '_' alike) is a global
 * variable a scenario from elsewhere may set.  Pure. */
bool ga_settable_global(const char *name);

/* ---- the targets of a SET list ---------------------------------------- */

enum ga_sql_scope {
	GA_SQL_SCOPE_NONE,      /* none written: the list's scope so far */
	GA_SQL_SCOPE_SESSION,   /* SESSION, LOCAL, @@session., @@local., @@x */
	GA_SQL_SCOPE_GLOBAL,    /* GLOBAL, @@global. */
	GA_SQL_SCOPE_PERSIST,   /* PERSIST, PERSIST_ONLY, @@persist.,
				 * @@persist_only. (MySQL) */
};

enum ga_sql_target_kind {
	GA_SQL_TARGET_VARIABLE, /* a system variable: x, @@x, @@global.x */
	GA_SQL_TARGET_USER,     /* a user variable: @x */
	GA_SQL_TARGET_OTHER,    /* none: NAMES, a column type's SET(...), a
				 * syntax error */
};

struct ga_sql_target {
	enum ga_sql_target_kind kind;
	enum ga_sql_scope keyword;      /* the keyword before it (GLOBAL,
					 * ...), which carries to the targets
					 * after it; NONE: none */
	enum ga_sql_scope at;           /* what @@ says: @@global. GLOBAL,
					 * @@x SESSION; NONE: no @@ */
	char name[GA_SQL_NAME_MAX];     /* a variable's: lowercase, '-' as
					 * '_'; "" when it is not one plain
					 * name (a.b, too long) */
};

/* Reads the target of an assignment of a SET list, whose first token is
 * *t (read from lx), into *tg; on return *t is the token after it (its
 * '=', for one that is well-formed). */
void ga_sql_read_target(struct ga_sqllex *lx, struct ga_sqltok *t,
			struct ga_sql_target *tg);

/* ---- a plain SET GLOBAL ------------------------------------------------ */

enum ga_sql_value_kind {
	GA_SQL_VALUE_INT,       /* [-]digits */
	GA_SQL_VALUE_DECIMAL,   /* [-]digits.digits */
	GA_SQL_VALUE_STRING,    /* a quoted string's content */
	GA_SQL_VALUE_WORD,      /* ON, OFF, DEFAULT, TRUE or FALSE */
};

struct ga_sql_assignment {
	char name[GA_SQL_NAME_MAX];     /* [a-z0-9_]+ */
	enum ga_sql_value_kind kind;
	char value[GA_SQL_VALUE_MAX];   /* INT and DECIMAL as written, a '+'
					 * left out; STRING its content
					 * (printable ASCII, no backslash);
					 * WORD in capitals */
};

struct ga_sql_set {
	size_t n;
	struct ga_sql_assignment a[GA_SQL_SET_MAX];
};

/* Takes sql apart when it is exactly one SET statement (a ';' after it
 * allowed) whose every assignment is of a global system variable, as
 * the server scopes it (GLOBAL x = v, @@global.x = v, or x after a
 * GLOBAL keyword), to a literal: an integer, a decimal without
 * exponent, one quoted string or several side by side (no backslash in
 * them: its meaning depends on NO_BACKSLASH_ESCAPES), or the word ON,
 * OFF, DEFAULT, TRUE or FALSE; the same under every reading of the text
 * (lang/sqltok.h: comments and version comments change nothing).
 * Anything else (an expression like 2 + SLEEP(4), a function, a user
 * variable, a session or PERSIST target, a name like a.b, more than
 * GA_SQL_SET_MAX assignments) is not a plain SET GLOBAL.  Whether the
 * names may be set is not looked at (ga_settable_global).  Returns 0
 * with *set filled, or -1 with *why (static text) when sql is not a
 * plain SET GLOBAL.  Pure. */
int ga_sql_set_globals(const char *sql, struct ga_sql_set *set,
		       const char **why);

/* Writes "SET GLOBAL name = value" into buf[len], value rendered by its
 * kind: INT and DECIMAL checked to be [-]digits[.digits] and written as
 * they are, STRING quoted with every quote doubled (its content must be
 * printable ASCII without a backslash, whose meaning depends on
 * NO_BACKSLASH_ESCAPES), WORD one of ON, OFF, DEFAULT, TRUE and FALSE.
 * name must be [a-z0-9_]+, shorter than GA_SQL_NAME_MAX.  The same
 * statement under every sql_mode.  Whether name may be set is the
 * caller's to ask (ga_settable_global).  Returns 0, or -1 (buf "") when
 * name or value is not one of those or buf is too small.  Pure. */
int ga_sql_render_set_global(const char *name, enum ga_sql_value_kind kind,
			     const char *value, char *buf, size_t len);

#endif
