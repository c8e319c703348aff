/* snapshot.c - see snapshot.h: a server's state as sorted lines, read
 * over an admin connection of its own (server/snapshot_lines.c keeps
 * and compares them, server/snapshot_files.c reads the datadir).
 *
 * The client sessions are read first and again last: a session that
 * runs while the rest is read could change it behind the reading, so a
 * snapshot with one in it is never the same as one without.  While one
 * runs, the full sections are not read at all (a CHECKSUM TABLE would
 * wait for the tables it locks): the snapshot is then a short one, and
 * run/reuse.c KILLs the session and reads again. */
#include "server/snapshot.h"
#include "server/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNAP_MAX_CHECKSUMS 500  /* base tables whose rows are summed */
#define SNAP_LOCK_WAIT_S "5"    /* the most a read waits for a lock */

/* The privilege tables of each flavour (a missing one sums to NULL). */
static const char *const grant_tables_mariadb =
	"mysql.global_priv, mysql.db, mysql.tables_priv, mysql.columns_priv, "
	"mysql.procs_priv, mysql.proxies_priv, mysql.roles_mapping";
static const char *const grant_tables_mysql =
	"mysql.user, mysql.db, mysql.tables_priv, mysql.columns_priv, "
	"mysql.procs_priv, mysql.proxies_priv, mysql.role_edges, "
	"mysql.default_roles, mysql.global_grants, mysql.password_history";

/* The tables the server writes by itself, whatever a case does: the
 * log tables (compared by their row count, not their rows) and InnoDB's
 * persistent statistics (rewritten after a table changes, and their rows
 * of the application's tables go with them: compared by the values of
 * the other tables' rows, "stats" lines, not by when they were
 * written). */
static const char *const log_tables[] = { "general_log", "slow_log" };
static const char *const stats_tables[] = {
	"innodb_table_stats", "innodb_index_stats",
};

#define APP "'" GA_APP_DATABASE "'"

struct checksum_list;

struct taker {
	struct ga_snapshot *snap;
	MYSQL *m;
	unsigned long self;             /* the snapshot's own session */
	bool mysql;                     /* the flavour */
	size_t clients;                 /* client sessions seen */
	struct ga_error *err;
	struct checksum_list *tables;   /* while a list of tables is read */
};

static int add(struct taker *t, const char *section, const char *key,
	       const char *value, size_t vlen)
{
	return ga_snapshot_add(t->snap, section, key, value, vlen, t->err);
}

/* Runs sql; row is called for each row of each result.  An error whose
 * number is tolerated (0: none) is no failure: the query shows nothing. */
typedef int row_fn(struct taker *t, MYSQL_ROW r, unsigned long *len,
		   unsigned nf, const char *section);

static int query_or(struct taker *t, const char *sql, row_fn *row,
		    const char *section, unsigned tolerated)
{
	MYSQL_RES *res;
	MYSQL_ROW r;
	int status, rc = 0;

	if (mysql_query(t->m, sql) != 0) {
		if (tolerated && mysql_errno(t->m) == tolerated)
			return 0;
		return ga_error_set(t->err, "%.60s...: %u %s", sql,
				    mysql_errno(t->m), mysql_error(t->m));
	}
	do {
		res = mysql_store_result(t->m);
		if (!res) {
			if (mysql_field_count(t->m) != 0)
				return ga_error_set(t->err, "%.60s...: %u %s",
						    sql, mysql_errno(t->m),
						    mysql_error(t->m));
		} else {
			while (rc == 0 && (r = mysql_fetch_row(res)) != NULL)
				rc = row(t, r, mysql_fetch_lengths(res),
					 mysql_num_fields(res), section);
			mysql_free_result(res);
		}
		status = mysql_next_result(t->m);
	} while (status == 0);
	if (status > 0 && rc == 0)
		return ga_error_set(t->err, "%.60s...: %u %s", sql,
				    mysql_errno(t->m), mysql_error(t->m));
	return rc;
}

static int query(struct taker *t, const char *sql, row_fn *row,
		 const char *section)
{
	return query_or(t, sql, row, section, 0);
}

static const char *col(MYSQL_ROW r, unsigned i, unsigned nf)
{
	return i < nf && r[i] ? r[i] : "NULL";
}

static int row_none(struct taker *t, MYSQL_ROW r, unsigned long *len,
		    unsigned nf, const char *arg)
{
	(void)t;
	(void)r;
	(void)len;
	(void)nf;
	(void)arg;
	return 0;
}

/* name, value (SHOW GLOBAL VARIABLES, SHOW GLOBAL STATUS, and every
 * "key, value" query) */
static int row_pair(struct taker *t, MYSQL_ROW r, unsigned long *len,
		    unsigned nf, const char *arg)
{
	const char *v = col(r, 1, nf);

	return add(t, arg, col(r, 0, nf), v,
		   nf > 1 && r[1] ? len[1] : strlen(v));
}

/* SHOW FULL PROCESSLIST: Id, User, Host, db, Command, Time, State, Info.
 * A thread of the server's own has no client's host (replication, the
 * server's workers) or a command no client can hold (Daemon: the event
 * scheduler); any other is a client's session, whatever its user says. */
static int row_session(struct taker *t, MYSQL_ROW r, unsigned long *len,
		       unsigned nf, const char *arg)
{
	const char *host = nf > 2 && r[2] ? r[2] : "", *cmd = col(r, 4, nf);
	char value[300];

	(void)len;
	(void)arg;
	if (strtoul(col(r, 0, nf), NULL, 10) == t->self)
		return 0;
	if (!*host || strcmp(cmd, "Daemon") == 0) {
		snprintf(value, sizeof(value), "%s, %s", cmd, col(r, 1, nf));
		return add(t, "thread", col(r, 0, nf), value, strlen(value));
	}
	t->clients++;
	snprintf(value, sizeof(value), "%s, %s, %.120s", col(r, 1, nf), cmd,
		 col(r, 7, nf));
	return add(t, "session", col(r, 0, nf), value, strlen(value));
}

/* information_schema.SCHEMATA: name, character set and collation; the
 * application's is an "app" line */
static int row_schema(struct taker *t, MYSQL_ROW r, unsigned long *len,
		      unsigned nf, const char *arg)
{
	const char *v = col(r, 1, nf);

	(void)len;
	(void)arg;
	if (strcmp(col(r, 0, nf), GA_APP_DATABASE) == 0)
		return add(t, "app", "schema", v, strlen(v));
	return add(t, "schema", col(r, 0, nf), v, strlen(v));
}

/* SHOW OPEN TABLES WHERE In_use > 0: Database, Table, In_use, ... */
static int row_open_table(struct taker *t, MYSQL_ROW r, unsigned long *len,
			  unsigned nf, const char *arg)
{
	char key[300];

	(void)len;
	(void)arg;
	snprintf(key, sizeof(key), "in use %s.%s", col(r, 0, nf), col(r, 1, nf));
	return add(t, "lock", key, col(r, 2, nf), strlen(col(r, 2, nf)));
}

/* information_schema.INNODB_TRX: trx_id, trx_mysql_thread_id, trx_state.
 * One no session holds (thread 0) is a prepared XA transaction that its
 * session left: it holds its locks until someone commits or rolls it
 * back, and no KILL ends it. */
static int row_trx(struct taker *t, MYSQL_ROW r, unsigned long *len,
		   unsigned nf, const char *arg)
{
	char key[64], value[96];
	bool detached = strcmp(col(r, 1, nf), "0") == 0;

	(void)len;
	(void)arg;
	t->snap->innodb_trx = true;
	snprintf(key, sizeof(key), "InnoDB transaction %s", col(r, 0, nf));
	snprintf(value, sizeof(value), "%s%s, %s", detached ? "no session" :
		 "session ", detached ? "" : col(r, 1, nf), col(r, 2, nf));
	return add(t, detached ? "xa" : "lock", key, value, strlen(value));
}

/* XA RECOVER: formatID, gtrid_length, bqual_length, data */
static int row_xa(struct taker *t, MYSQL_ROW r, unsigned long *len,
		  unsigned nf, const char *arg)
{
	char key[300];

	(void)len;
	(void)arg;
	snprintf(key, sizeof(key), "prepared XA transaction %.200s",
		 col(r, 3, nf));
	return add(t, "xa", key, "", 0);
}

/* ---- tables and their rows ---------------------------------------------------- */

/* The base tables whose rows are summed: "CHECKSUM TABLE `s`.`t`, ..." */
struct checksum_list {
	char *sql;                      /* owned */
	size_t len, cap, n;
	bool oom;
};

static void put_char(struct checksum_list *cl, char ch)
{
	char *p;

	if (cl->oom)
		return;
	if (cl->len + 2 > cl->cap) {
		p = realloc(cl->sql, cl->cap ? cl->cap * 2 : 1024);
		if (!p) {
			cl->oom = true;
			return;
		}
		cl->sql = p;
		cl->cap = cl->cap ? cl->cap * 2 : 1024;
	}
	cl->sql[cl->len++] = ch;
	cl->sql[cl->len] = '\0';
}

static void put_text(struct checksum_list *cl, const char *s)
{
	while (*s)
		put_char(cl, *s++);
}

static void put_quoted(struct checksum_list *cl, const char *name)
{
	const char *p;

	put_char(cl, '`');
	for (p = name; *p; p++) {
		if (*p == '`')
			put_char(cl, '`');
		put_char(cl, *p);
	}
	put_char(cl, '`');
}

static void put_table(struct checksum_list *cl, const char *schema,
		      const char *name)
{
	if (cl->n >= SNAP_MAX_CHECKSUMS)
		return;
	put_text(cl, cl->n ? ", " : "CHECKSUM TABLE ");
	put_quoted(cl, schema);
	put_char(cl, '.');
	put_quoted(cl, name);
	cl->n++;
}

static bool named(const char *name, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

#define NAMED(name, list) named(name, list, sizeof(list) / sizeof(*list))

/* information_schema.TABLES: schema, name, type, engine, auto_increment,
 * update_time ("" where the query does not read them) */
static int row_table(struct taker *t, MYSQL_ROW r, unsigned long *len,
		     unsigned nf, const char *arg)
{
	const char *schema = col(r, 0, nf), *name = col(r, 1, nf);
	const char *type = col(r, 2, nf), *updated = col(r, 5, nf);
	bool own = strcmp(schema, "mysql") == 0 &&
		   (NAMED(name, log_tables) || NAMED(name, stats_tables));
	char key[300], value[200];

	(void)len;
	(void)arg;
	snprintf(key, sizeof(key), "%s.%s", schema, name);
	snprintf(value, sizeof(value), "%s %s auto_increment %s%s%s", type,
		 col(r, 3, nf), col(r, 4, nf), own || !*updated ? "" :
		 " updated ", own ? "" : updated);
	if (strcmp(type, "BASE TABLE") == 0 && !own)
		put_table(t->tables, schema, name);
	return add(t, "table", key, value, strlen(value));
}

/* CHECKSUM TABLE: Table, Checksum */
static int row_checksum(struct taker *t, MYSQL_ROW r, unsigned long *len,
			unsigned nf, const char *arg)
{
	char key[300];

	(void)len;
	snprintf(key, sizeof(key), "%s rows", col(r, 0, nf));
	return add(t, arg, key, col(r, 1, nf), strlen(col(r, 1, nf)));
}

/* Ends the list of tables read into t->tables (rc: how reading it
 * went): their CHECKSUM TABLE, lines of section.  Returns 0 or -1. */
static int sum_tables(struct taker *t, int rc, const char *section)
{
	struct checksum_list *cl = t->tables;

	if (rc == 0 && cl->oom)
		rc = ga_error_set(t->err, "out of memory");
	if (rc == 0 && cl->n)
		rc = query(t, cl->sql, row_checksum, section);
	free(cl->sql);
	t->tables = NULL;
	return rc;
}

/* The tables of every schema but the application's and the two of the
 * server's own making; MariaDB's sys views by name and type alone
 * (opening a hundred views to read their engine costs 10 ms there, and
 * their definitions are files: server/snapshot_files.c). */
static int take_tables(struct taker *t)
{
	struct checksum_list cl = { 0 };
	int rc;

	t->tables = &cl;
	if (t->mysql)
		rc = query(t, "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, "
			   "IFNULL(ENGINE, ''), IFNULL(AUTO_INCREMENT, ''), "
			   "IFNULL(UPDATE_TIME, '') FROM information_schema."
			   "TABLES WHERE TABLE_SCHEMA NOT IN "
			   "('information_schema', 'performance_schema', "
			   APP ")", row_table, "table");
	else
		rc = query(t, "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, "
			   "IFNULL(ENGINE, ''), IFNULL(AUTO_INCREMENT, ''), "
			   "IFNULL(UPDATE_TIME, '') FROM information_schema."
			   "TABLES WHERE TABLE_SCHEMA NOT IN "
			   "('information_schema', 'performance_schema', "
			   "'sys', " APP ")", row_table, "table") ||
		     query(t, "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, "
			   "'', '', '' FROM information_schema.TABLES WHERE "
			   "TABLE_SCHEMA = 'sys'", row_table, "table");
	return sum_tables(t, rc, "table") ||
	       query(t, "SELECT CONCAT(database_name, '.', table_name), "
		     "CONCAT_WS(' ', n_rows, clustered_index_size, "
		     "sum_of_other_index_sizes) FROM mysql.innodb_table_stats "
		     "WHERE database_name <> " APP, row_pair, "stats") ||
	       query(t, "SELECT CONCAT(database_name, '.', table_name, ' ', "
		     "index_name, ' ', stat_name), CONCAT_WS(' ', stat_value, "
		     "sample_size) FROM mysql.innodb_index_stats WHERE "
		     "database_name <> " APP, row_pair, "stats");
}

/* information_schema.TABLES of performance_schema: its setup_% tables,
 * summed */
static int row_setup_table(struct taker *t, MYSQL_ROW r, unsigned long *len,
			   unsigned nf, const char *arg)
{
	(void)len;
	(void)arg;
	put_table(t->tables, "performance_schema", col(r, 0, nf));
	return 0;
}

/* The performance_schema tables a statement can change for the cases
 * after it: every setup_% table (instruments, consumers, actors,
 * objects, threads ...), and the instrumenting of the server's own
 * threads (UPDATE performance_schema.threads).  Empty while
 * performance_schema is off (the fixtures' my.cnf), compared all the
 * same: a server-option line can turn it on. */
static int take_pfs(struct taker *t)
{
	struct checksum_list cl = { 0 };
	int rc;

	t->tables = &cl;
	rc = query(t, "SELECT TABLE_NAME FROM information_schema.TABLES "
		   "WHERE TABLE_SCHEMA = 'performance_schema' AND "
		   "TABLE_NAME LIKE 'setup\\_%'", row_setup_table, NULL);
	return sum_tables(t, rc, "pfs") ||
	       query(t, "SELECT DISTINCT CONCAT('thread ', NAME, ' ', "
		     "INSTRUMENTED, ' ', HISTORY), '' FROM performance_schema."
		     "threads WHERE TYPE = 'BACKGROUND'", row_pair, "pfs");
}

/* ---- definitions ---------------------------------------------------------------- */

/* The application's own tables, views, routines and events: what
 * dropping and making its database again undoes. */
static int take_app(struct taker *t)
{
	if (query(t, "SELECT CONCAT('table ', TABLE_NAME), TABLE_TYPE FROM "
		  "information_schema.TABLES WHERE TABLE_SCHEMA = " APP,
		  row_pair, "app"))
		return -1;
	if (!t->mysql)
		return query(t, "SELECT CONCAT(type, ' ', name), modified FROM "
			     "mysql.proc WHERE db = " APP, row_pair, "app") ||
		       query(t, "SELECT CONCAT('EVENT ', name), modified FROM "
			     "mysql.event WHERE db = " APP, row_pair, "app");
	return query(t, "SELECT CONCAT(ROUTINE_TYPE, ' ', ROUTINE_NAME), "
		     "LAST_ALTERED FROM information_schema.ROUTINES WHERE "
		     "ROUTINE_SCHEMA = " APP, row_pair, "app") ||
	       query(t, "SELECT CONCAT('EVENT ', EVENT_NAME), LAST_ALTERED "
		     "FROM information_schema.EVENTS WHERE EVENT_SCHEMA = " APP,
		     row_pair, "app");
}

/* Routines, events, triggers and views of every other schema, and the
 * plugins.  MariaDB keeps its routines and events in mysql.proc and
 * mysql.event (summed with the other tables; their names here are for
 * the words of a difference), its triggers' and views' definitions in
 * files (server/snapshot_files.c), its plugins in mysql.plugin, which
 * INSTALL and UNINSTALL write: no information_schema table of them is
 * read there (one with a long text column is an Aria temporary table,
 * and MariaDB 10.11.19 was seen to crash dropping one on a busy machine,
 * in ha_maria::drop_table, serving a UNION of them).  MySQL's
 * information_schema reads its data dictionary. */
static int take_defs(struct taker *t, struct ga_server *srv)
{
	if (!t->mysql)
		return query(t, "SELECT CONCAT('routine ', type, ' ', db, '.', "
			     "name), modified FROM mysql.proc WHERE db <> " APP,
			     row_pair, "def") ||
		       query(t, "SELECT CONCAT('event ', db, '.', name), "
			     "CONCAT(status, ' ', modified) FROM mysql.event "
			     "WHERE db <> " APP, row_pair, "def") ||
		       ga_snapshot_add_datadir(t->snap, srv->dir,
					       GA_APP_DATABASE, t->err);
	return query(t, "SELECT CONCAT('routine ', ROUTINE_TYPE, ' ', "
		     "ROUTINE_SCHEMA, '.', ROUTINE_NAME), CONCAT(CREATED, ' ', "
		     "LAST_ALTERED, ' ', SHA2(CONCAT_WS('|', ROUTINE_DEFINITION, "
		     "DEFINER, SECURITY_TYPE, SQL_MODE, IS_DETERMINISTIC, "
		     "SQL_DATA_ACCESS), 256)) FROM information_schema.ROUTINES "
		     "WHERE ROUTINE_SCHEMA <> " APP, row_pair, "def") ||
	       query(t, "SELECT CONCAT('event ', EVENT_SCHEMA, '.', "
		     "EVENT_NAME), CONCAT(STATUS, ' ', LAST_ALTERED, ' ', "
		     "SHA2(CONCAT_WS('|', EVENT_DEFINITION, DEFINER, EXECUTE_AT, "
		     "INTERVAL_VALUE, INTERVAL_FIELD, ON_COMPLETION), 256)) "
		     "FROM information_schema.EVENTS WHERE EVENT_SCHEMA <> " APP,
		     row_pair, "def") ||
	       query(t, "SELECT CONCAT('trigger ', TRIGGER_SCHEMA, '.', "
		     "TRIGGER_NAME), CONCAT(CREATED, ' ', SHA2(CONCAT_WS('|', "
		     "EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, "
		     "ACTION_ORDER, ACTION_STATEMENT, DEFINER), 256)) FROM "
		     "information_schema.TRIGGERS WHERE TRIGGER_SCHEMA <> " APP,
		     row_pair, "def") ||
	       query(t, "SELECT CONCAT('view ', TABLE_SCHEMA, '.', "
		     "TABLE_NAME), SHA2(CONCAT_WS('|', VIEW_DEFINITION, "
		     "CHECK_OPTION, DEFINER, SECURITY_TYPE, "
		     "CHARACTER_SET_CLIENT, COLLATION_CONNECTION), 256) FROM "
		     "information_schema.VIEWS WHERE TABLE_SCHEMA <> " APP,
		     row_pair, "def") ||
	       query(t, "SELECT CONCAT('PLUGIN ', PLUGIN_NAME), "
		     "CONCAT(PLUGIN_STATUS, ' ', IFNULL(PLUGIN_LIBRARY, '')) "
		     "FROM information_schema.PLUGINS", row_pair, "plugin");
}

/* What MySQL's information_schema hides from an account without
 * more privileges than SELECT: the events of a schema without EVENT on
 * it, the triggers without TRIGGER.  The schemas that matter are the
 * server's own (a new schema is a difference by itself, the
 * application's is dropped, and mysql takes no trigger); a privilege
 * the account lacks there is a "blind" line, which no comparison of the
 * full depth passes (snapshot_lines.c): a case that needs the full check
 * then gives the next one a fresh server, never one checked blind. */
static int take_blind(struct taker *t)
{
	if (!t->mysql)          /* MariaDB's are files and mysql tables */
		return 0;
	return query(t, "SELECT CONCAT(w.p, ' on ', w.s, '.*'), CONCAT("
		     "LOWER(w.p), 's in ', w.s) FROM (SELECT 'TRIGGER' p, 'sys' "
		     "s UNION ALL SELECT 'EVENT', 'sys' "
		     "UNION ALL SELECT 'EVENT', 'mysql') w, (SELECT CONCAT("
		     "'''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', "
		     "SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''') g) me "
		     "WHERE NOT EXISTS (SELECT 1 FROM information_schema."
		     "USER_PRIVILEGES u WHERE u.GRANTEE = me.g AND "
		     "u.PRIVILEGE_TYPE = w.p) AND NOT EXISTS (SELECT 1 FROM "
		     "information_schema.SCHEMA_PRIVILEGES s WHERE s.GRANTEE = "
		     "me.g AND s.PRIVILEGE_TYPE = w.p AND s.TABLE_SCHEMA = w.s)",
		     row_pair, "blind");
}

/* ---- the whole ------------------------------------------------------------------ */

/* 1401 XAER_RMERR: MySQL's answer to XA RECOVER without XA_RECOVER_ADMIN;
 * InnoDB's list of transactions still shows a prepared one then. */
#define XA_NOT_ALLOWED 1401

static int take_short(struct taker *t, struct ga_server *srv)
{
	char sql[600];

	snprintf(sql, sizeof(sql), "CHECKSUM TABLE %s",
		 t->mysql ? grant_tables_mysql : grant_tables_mariadb);
	/* only the counters compared (snapshot.h, "status"): the whole
	 * list cost the server 1.25 ms a reading, this 0.35 ms */
	return query(t, "SHOW GLOBAL STATUS LIKE 'Aborted%'", row_pair,
		     "status") ||
	       query(t, "SELECT SCHEMA_NAME, CONCAT(DEFAULT_CHARACTER_SET_NAME, "
		     "' ', DEFAULT_COLLATION_NAME) FROM information_schema."
		     "SCHEMATA", row_schema, NULL) ||
	       take_app(t) ||
	       query(t, "SELECT CONCAT(QUOTE(User), '@', QUOTE(Host)), '' "
		     "FROM mysql.user", row_pair, "grant") ||
	       query(t, sql, row_checksum, "grant") ||
	       ga_snapshot_add_persisted(t->snap, srv->dir, t->err) ||
	       /* the server logs the application's statements too, where
		* the general log goes to a table */
	       query(t, "SELECT 'general_log', COUNT(*) FROM mysql.general_log",
		     row_pair, "logged") ||
	       query(t, "SELECT 'slow_log', COUNT(*) FROM mysql.slow_log",
		     row_pair, "logged");
}

static int take_locks(struct taker *t)
{
	return query(t, "SHOW OPEN TABLES WHERE In_use > 0", row_open_table,
		     NULL) ||
	       query(t, "SELECT trx_id, trx_mysql_thread_id, trx_state FROM "
		     "information_schema.INNODB_TRX", row_trx, NULL) ||
	       query_or(t, "XA RECOVER", row_xa, NULL, XA_NOT_ALLOWED);
}

/* The log tables (mysql.general_log and slow_log, which the server
 * writes where log_output says TABLE: a scenario's server-option, or
 * the general log that tells a TLS login) emptied, this session's own
 * statements unlogged: every reading with no client session in it,
 * before a case and after it, leaves them empty, so a case on a kept
 * server reads no row of another case, and the counts take_short
 * compares ("logged") are of what came after the emptying - nothing, or
 * a session still running, which differs.
 * (Counted without emptying, they differed after every case on such a
 * server: it was never kept.)  A server that refuses (super_read_only)
 * fails the reading: it is not kept. */
static int empty_logs(struct taker *t)
{
	return query(t, "TRUNCATE TABLE mysql.general_log", row_none, NULL) ||
	       query(t, "TRUNCATE TABLE mysql.slow_log", row_none, NULL);
}

static int take_all(struct taker *t, struct ga_server *srv, bool full)
{
	/* MySQL caches information_schema.TABLES' statistics for a day; a
	 * table some session locks is waited for 5 s at most */
	if (t->mysql && query(t, "SET SESSION information_schema_stats_expiry "
			      "= 0", row_none, NULL))
		return -1;
	if (query(t, "SET SESSION lock_wait_timeout = " SNAP_LOCK_WAIT_S ", "
		  "innodb_lock_wait_timeout = " SNAP_LOCK_WAIT_S ", "
		  "sql_log_off = ON", row_none, NULL) ||
	    query(t, "SHOW FULL PROCESSLIST", row_session, NULL))
		return -1;
	/* the emptying writes, and a session may hold what a write waits
	 * for (a global read lock: the TRUNCATE waited until the session
	 * ended on its own, and run/reuse.c had no time left to KILL it).
	 * A reading with a session in it differs anyway; the logs are
	 * emptied by the first one without. */
	if (t->clients == 0 && empty_logs(t))
		return -1;
	/* a session that runs could change what is read behind the
	 * reading: the full depth waits until none does */
	t->snap->full = full && t->clients == 0;
	if (take_short(t, srv))
		return -1;
	if (t->snap->full &&
	    (query(t, "SHOW GLOBAL VARIABLES", row_pair, "global") ||
	     take_tables(t) || take_defs(t, srv) || take_pfs(t) ||
	     take_blind(t)))
		return -1;
	return take_locks(t) ||
	       query(t, "SHOW FULL PROCESSLIST", row_session, NULL);
}

int ga_snapshot_take(struct ga_server *srv, bool full,
		     struct ga_snapshot *snap, struct ga_error *err)
{
	struct taker t;
	int rc;

	memset(snap, 0, sizeof(*snap));
	memset(&t, 0, sizeof(t));
	t.snap = snap;
	t.err = err;
	t.mysql = srv->id.flavour == GA_FLAVOUR_MYSQL;
	if (srv->admin)
		return ga_error_set(err, "the admin connection is in use");
	/* goneaway's own reading, as the privileged account: the admin
	 * account (the scenarios' "admin" steps) has no privilege it does
	 * not need, and MySQL hides events and triggers from it */
	if (ga_admin_connect_as(srv, GA_PRIV_USER, GA_PRIV_PASSWORD, err))
		return ga_error_prefix(err, "snapshot");
	t.m = srv->admin;
	t.self = mysql_thread_id(t.m);
	rc = take_all(&t, srv, full);
	ga_admin_close(srv);
	snap->sessions = t.clients;
	if (rc) {
		ga_snapshot_free(snap);
		return ga_error_prefix(err, "snapshot");
	}
	ga_snapshot_sort(snap);
	return 0;
}
