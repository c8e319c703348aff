/* trust.c - see trust.h. */
#include "lang/trust.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lang/expand.h"
#include "lang/sqlset.h"
#include "lang/sqltok.h"
#include "lang/threadvar.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define WORD_MAX 128            /* longer words match no word here */
#define PREPARE_DEPTH_MAX 4     /* a PREPARE's literal PREPAREs ... */

/* Names that read or write files, load code or run SQL the text does not
 * show, refused as words or quoted names wherever they stand (as part of
 * a longer one too), each with the reason given. */
static const struct deny {
	const char *word;
	const char *why;
} anywhere[] = {
	{ "load_file", "LOAD_FILE() reads a file of the host" },
	{ "outfile", "INTO OUTFILE writes a file on the host" },
	{ "dumpfile", "INTO DUMPFILE writes a file on the host" },
	{ "infile", "LOAD DATA/XML INFILE reads a file of the host" },
	{ "soname", "SONAME loads a shared library into the server" },
	{ "datafile", "a tablespace's DATAFILE names a file of the host" },
	{ "file_name", "a table's FILE_NAME names a file of the host" },
	{ "directory", "DATA/INDEX DIRECTORY names a directory of the host" },
	{ "execute_prepared_stmt", "sys.execute_prepared_stmt runs SQL "
	  "built at run time" },
	{ "sys_exec", "sys_exec runs a command on the host" },
	{ "sys_eval", "sys_eval runs a command on the host" },
};

/* ... and these as whole words or names. */
static const struct deny whole[] = {
	{ "immediate", "EXECUTE IMMEDIATE runs SQL built at run time, which "
	  "cannot be read here" },
	{ "plugin", "INSTALL/UNINSTALL PLUGIN loads or unloads code in the "
	  "server" },
	{ "component", "INSTALL/UNINSTALL COMPONENT loads or unloads code in "
	  "the server" },
	{ "install", "INSTALL loads code into the server" },
	{ "uninstall", "UNINSTALL unloads code from the server" },
	{ "binlog", "BINLOG replays binary-log events given as base64, whose "
	  "changes cannot be read here" },
	{ "clone", "CLONE copies a server's data from another host or into a "
	  "directory of the host" },
};

/* ... and these two in a row. */
static const struct {
	const char *first, *second;
	const char *why;
} pairs[] = {
	{ "change", "master", "CHANGE MASTER makes the server connect to "
	  "another host and read the files it names" },
	{ "change", "replication", "CHANGE REPLICATION SOURCE makes the "
	  "server connect to another host and read the files it names" },
	{ "create", "server", "CREATE SERVER names a host the server connects "
	  "to" },
	{ "alter", "server", "ALTER SERVER names a host the server connects "
	  "to" },
	{ "import", "table", "IMPORT TABLE reads files of the host" },
	{ "use", "mysql", "USE mysql: its tables hold code the server runs "
	  "and its procedures build SQL from their arguments" },
	{ "use", "sys", "USE sys: its procedures build and run SQL from their "
	  "arguments" },
	{ "call", "mysql", "a procedure of the mysql schema builds and runs "
	  "SQL from its arguments" },
	{ "call", "sys", "a procedure of the sys schema builds and runs SQL "
	  "from its arguments" },
};

/* The tables of the mysql schema whose rows are code the server loads
 * or runs later (UDFs, routines, events, plugins, FEDERATED servers). */
static const char *const code_tables[] = {
	"event", "func", "plugin", "proc", "servers",
};

/* The variables a session may set that name a file or directory of the
 * host (innodb_tmpdir with FILE; debug and debug_dbug of a debug
 * build): not even a session's. */
static const char *const session_paths[] = {
	"debug", "debug_dbug", "innodb_tmpdir",
};

static const char prepare_why[] = "PREPARE ... FROM anything but one quoted "
	"statement runs SQL built at run time, which cannot be read here";

static const char set_why[] = "it SETs a global variable that is not one a "
	"replay sets untrusted (timeouts, sizes, limits and switches: "
	"lang/sqlset.c), none that names a file, directory, plugin, socket "
	"or TLS key, or the SQL run at every login";

static bool is_punct(const struct ga_sqltok *t, char c)
{
	return t->kind == GA_SQLTOK_PUNCT && *t->s == c;
}

/* t's text in lowercase when it is a word or a quoted name (quotes and
 * escapes as the server reads them), into w; "" for any other token or
 * a longer one than WORD_MAX. */
static const char *word_of(const struct ga_sqllex *lx,
			   const struct ga_sqltok *t, char *w)
{
	size_t n = 0, i;

	w[0] = '\0';
	if ((t->kind != GA_SQLTOK_WORD && t->kind != GA_SQLTOK_NAME) ||
	    t->len > WORD_MAX)
		return w;
	if (t->kind == GA_SQLTOK_WORD) {
		memcpy(w, t->s, t->len);
		n = t->len;
	} else {
		n = ga_sqltok_text(lx, t, w);
	}
	for (i = 0; i < n; i++)
		w[i] = (char)tolower((unsigned char)w[i]);
	w[n] = '\0';
	if (strlen(w) != n)
		w[0] = '\0';    /* a NUL in a name: none of these */
	return w;
}

/* Why the word or name w (lowercase), after the word prev, is refused,
 * or NULL. */
static const char *denied(const char *prev, const char *w)
{
	size_t i;

	for (i = 0; i < COUNT(anywhere); i++)
		if (strstr(w, anywhere[i].word))
			return anywhere[i].why;
	for (i = 0; i < COUNT(whole); i++)
		if (strcmp(w, whole[i].word) == 0)
			return whole[i].why;
	for (i = 0; i < COUNT(pairs); i++)
		if (strcmp(prev, pairs[i].first) == 0 &&
		    strcmp(w, pairs[i].second) == 0)
			return pairs[i].why;
	return NULL;
}

/* The tokens after "mysql" (at lx): '.' and a table of code? */
static const char *code_table(const struct ga_sqllex *at)
{
	struct ga_sqllex lx = *at;
	struct ga_sqltok t;
	char w[WORD_MAX + 1];
	size_t i;

	ga_sqllex_next(&lx, &t);
	if (!is_punct(&t, '.'))
		return NULL;
	ga_sqllex_next(&lx, &t);
	word_of(&lx, &t, w);
	for (i = 0; i < COUNT(code_tables); i++)
		if (strcmp(w, code_tables[i]) == 0)
			return "the mysql schema's tables of code (func, proc, "
			       "event, plugin, servers) hold what the server "
			       "loads or runs later";
	return NULL;
}

/* What a statement's readings share with those of the statements
 * inside it (a PREPARE's). */
struct reading_ctx {
	int depth;                      /* PREPAREs it is in */
	size_t *work;                   /* lang/sqltok.h's bound */
};

static const char *check_text(const char *sql, size_t len,
			      const struct reading_ctx *ctx);

/* After "PREPARE" (at lx): "NAME FROM 'literal' ..." and the end of the
 * statement, the literals side by side joined as the server joins them
 * and checked as a statement of their own; anything else (a variable,
 * an expression, a quoted name under ANSI_QUOTES) is refused. */
static const char *check_prepare(const struct ga_sqllex *at,
				 const struct reading_ctx *ctx)
{
	struct ga_sqllex lx = *at, from;
	struct reading_ctx inner;
	struct ga_sqltok t;
	size_t total = 0, n = 0;
	const char *why;
	char *text;

	ga_sqllex_next(&lx, &t);
	if (t.kind != GA_SQLTOK_WORD && t.kind != GA_SQLTOK_NAME)
		return prepare_why;
	ga_sqllex_next(&lx, &t);
	if (!ga_sqltok_is(&t, "from"))
		return prepare_why;
	from = lx;
	for (ga_sqllex_next(&lx, &t); t.kind == GA_SQLTOK_STRING;
	     ga_sqllex_next(&lx, &t))
		total += t.len;
	if (total == 0 || !(is_punct(&t, ';') || t.kind == GA_SQLTOK_END))
		return t.kind == GA_SQLTOK_REFUSED ? lx.why : prepare_why;
	if (ctx->depth >= PREPARE_DEPTH_MAX)
		return "PREPARE of a PREPARE of ... more than 4 deep";
	inner.depth = ctx->depth + 1;
	inner.work = ctx->work;
	text = malloc(total);
	if (!text)
		return "out of memory reading a PREPARE's statement";
	for (ga_sqllex_next(&from, &t); t.kind == GA_SQLTOK_STRING;
	     ga_sqllex_next(&from, &t))
		n += ga_sqltok_text(&from, &t, text + n);
	why = memchr(text, '\0', n) ? "a NUL byte in a PREPARE's statement" :
	      check_text(text, n, &inner);
	free(text);
	return why;
}

/* One statement's state in a reading. */
struct stmt {
	char prev[WORD_MAX + 1];        /* the word before, lowercase; ""
					 * after any other token */
	long parens;                    /* '(' open */
	bool in_set;                    /* in a SET's list of assignments */
	long set_parens;                /* ... at this depth */
	bool set_global;                /* ... whose last scope keyword is
					 * GLOBAL or PERSIST */
	bool at_target;                 /* the next token starts one */
};

/* At the target of one of a SET's assignments (at lx, its first token
 * t): a global one, as the server scopes it (lang/sqlset.h: GLOBAL or
 * PERSIST, @@global. or @@persist., or none after a GLOBAL or PERSIST
 * that no SESSION followed), must be of ga_settable_global(); a
 * variable that names a path, of none.  A version comment's keyword is
 * in one reading and not in another: each is checked. */
static const char *check_target(const struct ga_sqllex *at,
				const struct ga_sqltok *first, struct stmt *st)
{
	struct ga_sqllex lx = *at;
	struct ga_sqltok t = *first;
	struct ga_sql_target tg;
	bool global;
	size_t i;

	ga_sql_read_target(&lx, &t, &tg);
	if (tg.keyword != GA_SQL_SCOPE_NONE)
		st->set_global = tg.keyword == GA_SQL_SCOPE_GLOBAL ||
				 tg.keyword == GA_SQL_SCOPE_PERSIST;
	global = (tg.at == GA_SQL_SCOPE_NONE && st->set_global) ||
		 tg.keyword == GA_SQL_SCOPE_GLOBAL ||
		 tg.keyword == GA_SQL_SCOPE_PERSIST ||
		 tg.at == GA_SQL_SCOPE_GLOBAL || tg.at == GA_SQL_SCOPE_PERSIST;
	if (tg.kind == GA_SQL_TARGET_VARIABLE && global &&
	    !ga_settable_global(tg.name))
		return set_why;
	for (i = 0; tg.kind == GA_SQL_TARGET_VARIABLE &&
		    i < COUNT(session_paths); i++)
		if (strcmp(tg.name, session_paths[i]) == 0)
			return "it SETs a variable that names a directory or "
			       "file of the host (innodb_tmpdir, debug)";
	/* MariaDB's SET STATEMENT x = 1 FOR ...: its targets follow */
	st->at_target = tg.kind == GA_SQL_TARGET_VARIABLE &&
			tg.keyword == GA_SQL_SCOPE_NONE &&
			strcmp(tg.name, "statement") == 0 &&
			!is_punct(&t, '=') && !is_punct(&t, ':');
	return NULL;
}

/* One token of a statement in a reading (t, read from lx): why it is
 * refused, or NULL; st follows the statement. */
static const char *check_token(const struct ga_sqllex *lx,
			       const struct ga_sqltok *t, struct stmt *st,
			       const struct reading_ctx *ctx)
{
	char w[WORD_MAX + 1];
	const char *why = NULL;

	if (st->in_set && st->at_target && st->parens == st->set_parens) {
		why = check_target(lx, t, st);
		if (why)
			return why;
	}
	word_of(lx, t, w);
	if (w[0] && w[strspn(w, "0123456789")]) {      /* not a number */
		why = denied(st->prev, w);
		if (!why && strcmp(w, "mysql") == 0)
			why = code_table(lx);
		if (!why && t->kind == GA_SQLTOK_WORD &&
		    strcmp(w, "prepare") == 0 &&
		    strcmp(st->prev, "deallocate") != 0 &&
		    strcmp(st->prev, "drop") != 0 &&
		    strcmp(st->prev, "xa") != 0)
			why = check_prepare(lx, ctx);
		if (t->kind == GA_SQLTOK_WORD && strcmp(w, "set") == 0) {
			st->in_set = st->at_target = true;
			st->set_parens = st->parens;
			st->set_global = false;
		} else if (t->kind == GA_SQLTOK_WORD &&
			   strcmp(w, "for") == 0 &&
			   st->parens == st->set_parens) {
			st->in_set = false;     /* SET STATEMENT ... FOR */
		}
	} else if (is_punct(t, '{') || is_punct(t, '}')) {
		why = "a '{' or '}' outside quotes: a JDBC driver rewrites "
		      "{...} escapes before the server reads the text";
	} else if (is_punct(t, ';')) {
		memset(st, 0, sizeof(*st));
	} else if (is_punct(t, '(')) {
		st->parens++;
	} else if (is_punct(t, ')')) {
		if (--st->parens < st->set_parens)
			st->in_set = false;
	} else if (is_punct(t, ',') && st->in_set &&
		   st->parens == st->set_parens) {
		st->at_target = true;
	}
	memcpy(st->prev, w, strlen(w) + 1);
	return why;
}

/* One reading of a text (lang/sqltok.h's read()); arg: its struct
 * reading_ctx. */
static const char *check_reading(struct ga_sqllex *lx, void *arg)
{
	const struct reading_ctx *ctx = arg;
	struct ga_sqltok t;
	struct stmt st;
	const char *why;

	memset(&st, 0, sizeof(st));
	for (;;) {
		switch (ga_sqllex_next(lx, &t)) {
		case GA_SQLTOK_END:
			return NULL;
		case GA_SQLTOK_REFUSED:
			return lx->why;
		default:
			why = check_token(lx, &t, &st, ctx);
			if (why)
				return why;
		}
	}
}

static const char *check_text(const char *sql, size_t len,
			      const struct reading_ctx *ctx)
{
	return ga_sql_readings(sql, len, check_reading, (void *)ctx,
			       ctx->work);
}

const char *ga_trust_sql(const char *sql)
{
	size_t work = 0;
	struct reading_ctx ctx = { 0, &work };

	return sql ? check_text(sql, strlen(sql), &ctx) : NULL;
}

/* s as an option's name is spelled: '-' and '_' alike, lowercase. */
static void option_name(const char *s, char *out, size_t len)
{
	size_t n = 0;

	for (; *s && n + 1 < len; s++)
		out[n++] = *s == '-' ? '_' : (char)tolower((unsigned char)*s);
	out[n] = '\0';
}

/* A value that names nothing on the host: letters, digits, '_', '-',
 * '+', ',' and '.' (a size, a number, ON, a list of SQL modes), not
 * starting with '.' nor '-'. */
static bool plain_value(const char *v)
{
	if (!v || !*v)
		return true;
	if (*v == '.' || *v == '-')
		return false;
	for (; *v; v++)
		if (!(isalnum((unsigned char)*v) || *v == '_' || *v == '-' ||
		      *v == '+' || *v == ',' || *v == '.'))
			return false;
	return true;
}

/* The [mysqld] options a scenario from elsewhere may set: the global
 * variables it may set (lang/sqlset.c: timeouts, sizes, limits and
 * switches) and these, read at start only; none names a file, a
 * directory or code. */
static const char *const start_options[] = {
	"back_log", "init_connect", "performance_schema",
	"skip_name_resolve", "skip_networking", "thread_handling",
};

const char *ga_trust_server_option(const char *name, const char *value)
{
	char n[GA_DRIVER_OPTION_KEY_MAX];
	size_t i;

	option_name(name, n, sizeof(n));
	for (i = 0; i < COUNT(start_options); i++)
		if (strcmp(n, start_options[i]) == 0)
			break;
	if (i == COUNT(start_options) && !ga_settable_global(n))
		return "not an option a replay sets untrusted (timeouts, "
		       "sizes, limits and switches only: docs/"
		       "scenario-format.md, \"Replaying a case from "
		       "elsewhere\"); options that load code or name a host "
		       "path never are";
	if (strcmp(n, "init_connect") == 0)
		return ga_trust_sql(value);
	if (!plain_value(value))
		return "its value is not a plain word or number (a path?)";
	return NULL;
}

/* A driver option's key as compared: a connector's prefix left out
 * (MYSQL_OPT_, MYSQLI_OPT_, MYSQL_ATTR_, MYSQLI_, MYSQL_, mariadb_,
 * ATTR_), then lowercase letters and digits only. */
static void driver_key(const char *k, char *out, size_t len)
{
	static const char *const prefixes[] = {
		"mysql_attr_", "mysqli_opt_", "mysql_opt_", "mysqli_",
		"mysql_", "mariadb_", "attr_",
	};
	size_t n = 0, i, pl;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		pl = strlen(prefixes[i]);
		if (strncasecmp(k, prefixes[i], pl) == 0 && k[pl]) {
			k += pl;
			break;
		}
	}
	for (; *k && n + 1 < len; k++)
		if (isalnum((unsigned char)*k))
			out[n++] = (char)tolower((unsigned char)*k);
	out[n] = '\0';
}

/* The driver options (as driver_key spells them) a scenario from
 * elsewhere may set: drivers/README.md's that read no file, load no
 * code and open no other socket. */
static const char *const driver_options[] = {
	"alivebypasswindowms", "allowmultiqueries", "autocommit", "autoreconnect", "bigintasnumber",
	"bignumberstrings", "cacheprepstmts", "charset", "checkconnliveness",
	"clientfoundrows", "collation", "columnswithalias", "compress",
	"compression", "connecttimeout", "datestrings", "decimalasnumber",
	"decimalnumbers", "deferconnect", "directquery", "emulateprepares",
	"foundrows", "ignorespace", "initcommand", "initsql",
	"intandfloatnative", "interpolateparams", "maxallowedpacket",
	"multiplestatements", "multistatements", "netbufferlength",
	"parsetime", "pipelining", "querytimeout", "readtimeout",
	"reconnect", "rejectreadonly", "rewritebatchedstatements",
	"serverprepare", "setcharsetname", "sockettimeout", "sqlmode",
	"stringifyfetches", "supportbignumbers", "tcpkeepalive", "timeout",
	"usebulkstmts", "usecompression", "useserverprepstmts",
	"writetimeout",
};

const char *ga_trust_driver_option(const char *key, const char *value)
{
	char k[GA_DRIVER_OPTION_KEY_MAX];
	size_t i;

	driver_key(key, k, sizeof(k));
	for (i = 0; i < sizeof(driver_options) / sizeof(driver_options[0]);
	     i++)
		if (strcmp(k, driver_options[i]) == 0)
			break;
	if (i == sizeof(driver_options) / sizeof(driver_options[0]))
		return "not a driver option a replay sets untrusted (none "
		       "that reads a local file, loads code or names a path: "
		       "docs/scenario-format.md, \"Replaying a case from "
		       "elsewhere\")";
	if (strcmp(k, "initcommand") == 0 || strcmp(k, "initsql") == 0)
		return ga_trust_sql(value);
	if (!plain_value(value))
		return "its value is not a plain word or number (a path?)";
	return NULL;
}

/* Steps whose text is SQL a server or a client runs. */
static bool runs_sql(enum ga_step_kind k)
{
	return k != GA_STEP_ERRORLOG && k != GA_STEP_STATUS &&
	       k != GA_STEP_SLEEP && k != GA_STEP_FAULT;
}

#define REFUSE(line, ...) \
	(ga_diags_add(diags, sc->path, (line), 0, __VA_ARGS__), n++)

/* The accounts the lab's servers have before a scenario runs, other
 * than the application's (fixtures/server/bootstrap.sql and
 * mysql-bootstrap.sql, and the servers' own): logging in as one is
 * logging in with its privileges. */
static const char *const lab_accounts[] = {
	"goneaway_root", "goneaway_admin", "root", "mysql", "mariadb.sys",
	"mysql.sys", "mysql.session", "mysql.infoschema",
};

/* The schemas whose tables or routines hold code (a connection's
 * default database: the unqualified names of its SQL are theirs). */
static const char *const code_schemas[] = { "mysql", "sys" };

static bool listed(const char *s, const char *const *list, size_t n,
		   bool nocase)
{
	size_t i;

	for (i = 0; s && i < n; i++)
		if (nocase ? strcasecmp(s, list[i]) == 0 :
			     strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* One connection's lines: its account, database, driver options and
 * pool's validation query. */
static size_t check_connection(const struct ga_scenario *sc,
			       const struct ga_connection *c,
			       struct ga_diags *diags)
{
	const char *why;
	size_t j, n = 0;

	if (c->privileged)
		REFUSE(c->line, "not run without --trust: connection %s: "
		       "privileged: the lab's privileged account has SUPER "
		       "and FILE; logging in with it is a choice of its own, "
		       "made with --trust", c->name);
	if (listed(c->user, lab_accounts, COUNT(lab_accounts), false))
		REFUSE(c->line, "not run without --trust: connection %s: "
		       "user=%.64s is one of the lab's own accounts, with "
		       "their privileges (SUPER, FILE); logging in as it is "
		       "a choice of its own, made with --trust", c->name,
		       c->user);
	if (listed(c->database, code_schemas, COUNT(code_schemas), true))
		REFUSE(c->line, "not run without --trust: connection %s: "
		       "database=%.64s holds the code the server runs and "
		       "procedures that build SQL from their arguments",
		       c->name, c->database);
	for (j = 0; j < c->ndriver_options; j++) {
		why = ga_trust_driver_option(c->driver_options[j].key,
					     c->driver_options[j].value);
		if (why)
			REFUSE(c->line, "not run without --trust: "
			       "driver-option %.64s: %s",
			       c->driver_options[j].key, why);
	}
	why = ga_trust_sql(c->pool.validation);
	if (why)
		REFUSE(c->pool.line ? c->pool.line : c->line, "not run "
		       "without --trust: pool %s: validation: %s",
		       c->pool.name, why);
	return n;
}

/* A %thread[NAME]% in the version of a version comment ("/\*!" or
 * "/\*M!", digits, then it): the digits of the thread id decide whether
 * it is one, and which. */
static bool thread_in_version(const char *sql)
{
	size_t len = strlen(sql), pos = 0, start, end, namelen, d;
	const char *name;
	char msg[128];

	while (ga_threadvar_next(sql, len, pos, &start, &name, &namelen,
				 &end, msg, sizeof(msg)) == 1) {
		d = start;
		while (d > 0 && isdigit((unsigned char)sql[d - 1]))
			d--;
		if ((d >= 3 && memcmp(sql + d - 3, "/*!", 3) == 0) ||
		    (d >= 4 && memcmp(sql + d - 4, "/*M!", 4) == 0))
			return true;
		pos = end;
	}
	return false;
}

/* Why the SQL step s sends is refused, or NULL: its text as the server
 * sees it, each %repeat expanded (lang/expand.h) and each %thread[NAME]%
 * a thread id (lang/threadvar.h), as the runner makes it; a thread id
 * is digits, whichever, but in a version comment's version. */
static const char *check_step_sql(const struct ga_scenario *sc,
				  const struct ga_step *s)
{
	static const char nomem[] = "out of memory expanding the step";
	unsigned long *ids = NULL;
	char *expanded = NULL, *sent = NULL, msg[256];
	const char *sql = s->text, *why;
	size_t off, i;

	if (s->expansion) {
		if (ga_expand(s->text, strlen(s->text), &expanded, msg,
			      sizeof(msg), &off))
			return "its %repeat cannot be expanded";
		sql = expanded;
	}
	if (s->threads) {
		ids = calloc(sc->nconnections ? sc->nconnections : 1,
			     sizeof(*ids));
		for (i = 0; ids && i < sc->nconnections; i++)
			ids[i] = 1;
		sent = ids ? ga_threadvars_substitute(s, sql, ids) : NULL;
		why = !sent ? nomem : thread_in_version(sql) ?
		      "a %thread[...]% in a version comment's version: the "
		      "thread id's digits decide what it is" : NULL;
		sql = sent;
	} else {
		why = NULL;
	}
	if (!why)
		why = ga_trust_sql(sql);
	free(ids);
	free(sent);
	free(expanded);
	return why;
}

size_t ga_trust_check(const struct ga_scenario *sc, struct ga_diags *diags)
{
	const char *why;
	size_t i, n = 0;

	for (i = 0; i < sc->noptions; i++) {
		const struct ga_server_option *o = &sc->options[i];

		why = ga_trust_server_option(o->name, o->value);
		if (why)
			REFUSE(o->line, "not run without --trust: server-option "
			       "%.64s: %s", o->name, why);
	}
	for (i = 0; i < sc->nconnections; i++)
		n += check_connection(sc, &sc->connections[i], diags);
	if (sc->repeat > GA_TRUST_REPEAT_MAX)
		REFUSE(sc->repeat_line, "not run without --trust: repeat %ld, more than %d "
		       "runs (GA_TRUST_REPEAT_MAX)", sc->repeat,
		       GA_TRUST_REPEAT_MAX);
	for (i = 0; i < sc->nsteps; i++) {
		const struct ga_step *s = &sc->steps[i];

		why = s->text && runs_sql(s->kind) ? check_step_sql(sc, s) :
		      NULL;
		if (why)
			REFUSE(s->line, "not run without --trust: %s: %s",
			       ga_step_kind_name(s->kind), why);
		if (s->kind == GA_STEP_SLEEP &&
		    (s->duration_ms > GA_TRUST_SLEEP_MAX_MS ||
		     s->vary_ms > GA_TRUST_SLEEP_MAX_MS))
			REFUSE(s->line, "not run without --trust: a sleep "
			       "longer than %ld s (GA_TRUST_SLEEP_MAX_MS)",
			       GA_TRUST_SLEEP_MAX_MS / 1000);
		if (s->size > GA_TRUST_SIZE_MAX)
			REFUSE(s->line, "not run without --trust: %ld bytes, "
			       "more than %ld MiB in one step "
			       "(GA_TRUST_SIZE_MAX)", s->size,
			       GA_TRUST_SIZE_MAX >> 20);
	}
	return n;
}
