/* trust.c - see trust.h. */
#include "lang/trust.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define WORD_MAX 128            /* a word longer than this is cut */

/* Words that read or write files or load code wherever they stand in a
 * statement (as part of a word too: "50000load_file" is what a version
 * comment's digits leave), each with the reason given. */
static const struct {
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

/* Words that are refused as whole words. */
static const struct {
	const char *word;
	const char *why;
} whole[] = {
	{ "immediate", "EXECUTE IMMEDIATE runs SQL built at run time, which "
	  "cannot be read here" },
	{ "plugin", "INSTALL/UNINSTALL PLUGIN loads or unloads code in the "
	  "server" },
	{ "component", "INSTALL/UNINSTALL COMPONENT loads or unloads code in "
	  "the server" },
};

/* In a statement that SETs something (SET, SET PERSIST, SET STATEMENT),
 * a word holding one of these names a variable that points the server
 * at the host's files, loads code or runs SQL at every login. */
static const char *const set_words[] = {
	"file", "dir", "path", "plugin", "socket", "ssl", "tls", "basename",
	"init_", "log_error", "log_bin", "relay_log", "audit", "keyring",
};

/* The next word of sql from *p: letters, digits, '_' and '$' run
 * together, lowercased; a backtick is dropped (`load`_`file` is one
 * word to the eye and the server alike); everything else separates,
 * quotes and comment markers included, so the text inside strings and
 * comments is read as words too.  The digits after a version comment's
 * "/" "*!" or "/" "*M!" are dropped.  Returns false at the end. */
static bool next_word(const char **p, char *w)
{
	const char *s = *p;
	size_t n = 0;

	for (;;) {
		if (!*s) {
			*p = s;
			return false;
		}
		if (s[0] == '/' && s[1] == '*') {
			s += 2;
			if (*s == 'M' || *s == 'm')
				s += s[1] == '!' ? 1 : 0;
			if (*s == '!') {
				s++;
				while (isdigit((unsigned char)*s))
					s++;
			}
			continue;
		}
		if (isalnum((unsigned char)*s) || *s == '_' || *s == '$' ||
		    *s == '`')
			break;
		s++;
	}
	for (; *s; s++) {
		if (*s == '`')
			continue;
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '$'))
			break;
		if (n < WORD_MAX)
			w[n++] = (char)tolower((unsigned char)*s);
	}
	w[n] = '\0';
	*p = s;
	return true;
}

/* After "PREPARE": "NAME FROM 'one literal'" and nothing more, the
 * literal without a backslash or a quote of either kind inside (so it
 * ends where a server ends it, whatever its sql_mode); its words are
 * read as the rest of the statement's are.  SQL from a variable, a
 * function or literals side by side (which a server joins: 'LOAD'
 * '_FILE(...)') cannot be read here. */
static bool prepares_a_literal(const char *p)
{
	char w[WORD_MAX + 1], q;

	if (!next_word(&p, w) || !next_word(&p, w) || strcmp(w, "from") != 0)
		return false;
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\'' && *p != '"')
		return false;
	q = *p++;
	p += strcspn(p, "'\"\\");
	if (*p != q)
		return false;
	for (p++; isspace((unsigned char)*p) || *p == ';'; p++)
		;
	return *p == '\0';
}

const char *ga_trust_sql(const char *sql)
{
	const char *p = sql, *why = NULL;
	char w[WORD_MAX + 1];
	bool sets = false, risky_set = false;
	size_t i;

	if (!sql)
		return NULL;
	while (!why && next_word(&p, w)) {
		for (i = 0; !why && i < sizeof(anywhere) / sizeof(anywhere[0]);
		     i++)
			if (strstr(w, anywhere[i].word))
				why = anywhere[i].why;
		for (i = 0; !why && i < sizeof(whole) / sizeof(whole[0]); i++)
			if (strcmp(w, whole[i].word) == 0)
				why = whole[i].why;
		if (!why && strcmp(w, "prepare") == 0 && !prepares_a_literal(p))
			why = "PREPARE ... FROM anything but one quoted "
			      "statement runs SQL built at run time, which "
			      "cannot be read here";
		if (strcmp(w, "set") == 0 || strcmp(w, "persist") == 0 ||
		    strcmp(w, "persist_only") == 0)
			sets = true;
		for (i = 0; i < sizeof(set_words) / sizeof(set_words[0]); i++)
			if (strstr(w, set_words[i]))
				risky_set = true;
	}
	if (!why && sets && risky_set)
		why = "it SETs a variable that names a file, directory, path, "
		      "plugin, socket or TLS key, or the SQL run at every "
		      "login";
	return why;
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

/* The [mysqld] options a scenario from elsewhere may set: timeouts,
 * sizes, limits and switches (what the shipped scenarios use, and
 * their kin); none names a file, a directory or code. */
static const char *const server_options[] = {
	"back_log", "character_set_server", "collation_server",
	"connect_timeout", "general_log", "idle_readonly_transaction_timeout",
	"idle_transaction_timeout", "idle_write_transaction_timeout",
	"init_connect", "innodb_lock_wait_timeout", "interactive_timeout",
	"lock_wait_timeout", "log_output", "log_warnings", "long_query_time",
	"max_allowed_packet", "max_connect_errors", "max_connections",
	"max_execution_time", "max_prepared_stmt_count",
	"max_statement_time", "max_user_connections", "net_buffer_length",
	"net_read_timeout", "net_retry_count", "net_write_timeout",
	"performance_schema", "read_only", "require_secure_transport",
	"skip_name_resolve", "skip_networking", "slow_query_log",
	"sql_mode", "super_read_only", "thread_cache_size",
	"thread_handling", "thread_pool_size", "wait_timeout",
};

const char *ga_trust_server_option(const char *name, const char *value)
{
	char n[GA_DRIVER_OPTION_KEY_MAX];
	size_t i;

	option_name(name, n, sizeof(n));
	for (i = 0; i < sizeof(server_options) / sizeof(server_options[0]);
	     i++)
		if (strcmp(n, server_options[i]) == 0)
			break;
	if (i == sizeof(server_options) / sizeof(server_options[0]))
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
	"allowmultiqueries", "autocommit", "autoreconnect", "bigintasnumber",
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

size_t ga_trust_check(const struct ga_scenario *sc, struct ga_diags *diags)
{
	const char *why;
	size_t i, j, n = 0;

	for (i = 0; i < sc->noptions; i++) {
		const struct ga_server_option *o = &sc->options[i];

		why = ga_trust_server_option(o->name, o->value);
		if (why)
			REFUSE(o->line, "not run without --trust: server-option "
			       "%.64s: %s", o->name, why);
	}
	for (i = 0; i < sc->nconnections; i++) {
		const struct ga_connection *c = &sc->connections[i];

		for (j = 0; j < c->ndriver_options; j++) {
			why = ga_trust_driver_option(c->driver_options[j].key,
						     c->driver_options[j].value);
			if (why)
				REFUSE(c->line, "not run without --trust: "
				       "driver-option %.64s: %s",
				       c->driver_options[j].key, why);
		}
	}
	if (sc->repeat > GA_TRUST_REPEAT_MAX)
		REFUSE(sc->repeat_line, "not run without --trust: repeat %ld, more than %d "
		       "runs (GA_TRUST_REPEAT_MAX)", sc->repeat,
		       GA_TRUST_REPEAT_MAX);
	for (i = 0; i < sc->nsteps; i++) {
		const struct ga_step *s = &sc->steps[i];

		why = s->text && runs_sql(s->kind) ? ga_trust_sql(s->text) :
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
