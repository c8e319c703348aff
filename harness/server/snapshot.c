/* snapshot.c - see snapshot.h: a server's state as sorted lines, read
 * over an admin connection of its own. */
#include "server/snapshot.h"
#include "server/internal.h"

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/hash.h"

#define SNAP_MAX_LINES 50000    /* a server with more is not compared */
#define SNAP_VALUE_SHOWN 120    /* a longer value is cut, its hash added */
#define SNAP_MAX_CHECKSUMS 500  /* base tables whose rows are summed */

/* The privilege tables of each flavour (a missing one sums to NULL). */
static const char *const grant_tables_mariadb =
	"mysql.global_priv, mysql.db, mysql.tables_priv, mysql.columns_priv, "
	"mysql.procs_priv, mysql.proxies_priv, mysql.roles_mapping";
static const char *const grant_tables_mysql =
	"mysql.user, mysql.db, mysql.tables_priv, mysql.columns_priv, "
	"mysql.procs_priv, mysql.proxies_priv, mysql.role_edges, "
	"mysql.default_roles, mysql.global_grants";

/* The schemas whose tables are the server's own, not a scenario's. */
#define SYSTEM_SCHEMAS "'information_schema', 'performance_schema', 'sys'"

struct checksum_list;

struct taker {
	struct ga_snapshot *snap;
	size_t cap;
	MYSQL *m;
	unsigned long self;             /* the snapshot's own session */
	struct ga_error *err;
	struct checksum_list *tables;   /* while take_tables reads them */
};

static void copy_clean(char *dst, size_t len, const char *src, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 1 < len; i++)
		dst[k++] = (src[i] == '\t' || src[i] == '\n' || src[i] == '\r' ||
			    src[i] == '\0') ? ' ' : src[i];
	dst[k] = '\0';
}

/* Adds "section key\tvalue": a long value is cut and its hash added, so
 * that a change past the cut is still a change. */
static int add_line(struct taker *t, const char *section, const char *key,
		    const char *value, size_t vlen)
{
	char k[400], v[SNAP_VALUE_SHOWN + 40], *line;
	size_t n;

	if (t->snap->n >= SNAP_MAX_LINES)
		return ga_error_set(t->err, "more than %d things to compare",
				    SNAP_MAX_LINES);
	copy_clean(k, sizeof(k), key, strlen(key));
	if (vlen > SNAP_VALUE_SHOWN) {
		copy_clean(v, SNAP_VALUE_SHOWN + 1, value, SNAP_VALUE_SHOWN);
		n = strlen(v);
		snprintf(v + n, sizeof(v) - n, "...#%016" PRIx64,
			 ga_fnv1a(GA_FNV1A_INIT, value, vlen));
	} else {
		copy_clean(v, sizeof(v), value, vlen);
	}
	n = strlen(section) + strlen(k) + strlen(v) + 3;
	line = malloc(n);
	if (!line)
		return ga_error_set(t->err, "out of memory");
	snprintf(line, n, "%s %s\t%s", section, k, v);
	if (t->snap->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 512;
		char **l = realloc(t->snap->lines, cap * sizeof(*l));

		if (!l) {
			free(line);
			return ga_error_set(t->err, "out of memory");
		}
		t->snap->lines = l;
		t->cap = cap;
	}
	t->snap->lines[t->snap->n++] = line;
	return 0;
}

/* Runs sql; row is called for each row of each result. */
typedef int row_fn(struct taker *t, MYSQL_ROW r, unsigned long *len,
		   unsigned nf, const char *section);

static int query(struct taker *t, const char *sql, row_fn *row,
		 const char *section)
{
	MYSQL_RES *res;
	MYSQL_ROW r;
	int status, rc = 0;

	if (mysql_query(t->m, sql) != 0)
		return ga_error_set(t->err, "%.60s...: %u %s", sql,
				    mysql_errno(t->m), mysql_error(t->m));
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

static const char *col(MYSQL_ROW r, unsigned i, unsigned nf)
{
	return i < nf && r[i] ? r[i] : "NULL";
}

/* name, value (SHOW GLOBAL VARIABLES, SHOW GLOBAL STATUS) */
static int row_pair(struct taker *t, MYSQL_ROW r, unsigned long *len,
		    unsigned nf, const char *arg)
{
	const char *v = col(r, 1, nf);

	return add_line(t, arg, col(r, 0, nf), v,
			nf > 1 && r[1] ? len[1] : strlen(v));
}

/* key columns first, then the value: "a.b" "rest" */
static int row_key_value(struct taker *t, MYSQL_ROW r, unsigned long *len,
			 unsigned nf, const char *arg)
{
	char key[400];

	(void)len;
	snprintf(key, sizeof(key), "%s", col(r, 0, nf));
	return add_line(t, arg, key, col(r, 1, nf), strlen(col(r, 1, nf)));
}

/* SHOW PROCESSLIST: every session but ours and the server's daemons */
static int row_session(struct taker *t, MYSQL_ROW r, unsigned long *len,
		       unsigned nf, const char *arg)
{
	char key[32], value[300];
	const char *user = col(r, 1, nf), *cmd = col(r, 4, nf);

	(void)len;
	(void)arg;
	if (strtoul(col(r, 0, nf), NULL, 10) == t->self ||
	    strcmp(user, "system user") == 0 ||
	    strcmp(user, "event_scheduler") == 0 ||
	    strcmp(cmd, "Daemon") == 0)
		return 0;
	snprintf(key, sizeof(key), "%s", col(r, 0, nf));
	snprintf(value, sizeof(value), "%s, %s, %.120s", user, cmd,
		 col(r, 7, nf));
	return add_line(t, "session", key, value, strlen(value));
}

/* SHOW OPEN TABLES WHERE In_use > 0: Database, Table, In_use, ... */
static int row_open_table(struct taker *t, MYSQL_ROW r, unsigned long *len,
			  unsigned nf, const char *arg)
{
	char key[300];

	(void)len;
	(void)arg;
	snprintf(key, sizeof(key), "in use %s.%s", col(r, 0, nf), col(r, 1, nf));
	return add_line(t, "lock", key, col(r, 2, nf), strlen(col(r, 2, nf)));
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
	return add_line(t, "lock", key, "", 0);
}

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

/* information_schema.TABLES: schema, name, type, engine, auto_increment */
static int row_table(struct taker *t, MYSQL_ROW r, unsigned long *len,
		     unsigned nf, const char *arg)
{
	struct checksum_list *cl = t->tables;
	char key[300], value[200];

	(void)len;
	(void)arg;
	snprintf(key, sizeof(key), "%s.%s", col(r, 0, nf), col(r, 1, nf));
	snprintf(value, sizeof(value), "%s %s auto_increment %s",
		 col(r, 2, nf), col(r, 3, nf), col(r, 4, nf));
	if (strcmp(col(r, 2, nf), "BASE TABLE") == 0 &&
	    strcmp(col(r, 0, nf), "mysql") != 0 &&
	    cl->n < SNAP_MAX_CHECKSUMS) {
		put_text(cl, cl->n ? ", " : "CHECKSUM TABLE ");
		put_quoted(cl, col(r, 0, nf));
		put_char(cl, '.');
		put_quoted(cl, col(r, 1, nf));
		cl->n++;
	}
	return add_line(t, "table", key, value, strlen(value));
}

/* CHECKSUM TABLE: Table, Checksum */
static int row_checksum(struct taker *t, MYSQL_ROW r, unsigned long *len,
			unsigned nf, const char *arg)
{
	char key[300];

	(void)len;
	snprintf(key, sizeof(key), "%s rows", col(r, 0, nf));
	return add_line(t, arg, key, col(r, 1, nf), strlen(col(r, 1, nf)));
}

static int take_tables(struct taker *t)
{
	struct checksum_list cl = { 0 };
	int rc;

	t->tables = &cl;
	rc = query(t, "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, "
		   "IFNULL(ENGINE, ''), IFNULL(AUTO_INCREMENT, '') FROM "
		   "information_schema.TABLES WHERE TABLE_SCHEMA NOT IN ("
		   SYSTEM_SCHEMAS ")", row_table, "table");
	if (rc == 0 && cl.oom)
		rc = ga_error_set(t->err, "out of memory");
	if (rc == 0 && cl.n)
		rc = query(t, cl.sql, row_checksum, "table");
	free(cl.sql);
	t->tables = NULL;
	return rc;
}

/* Stored routines, events and plugins.  MariaDB's come from its own
 * tables, not information_schema: an information_schema table with a
 * long text column is an Aria temporary table, and MariaDB 10.11.19 was
 * seen to crash dropping one on a busy machine (in ha_maria::drop_table,
 * serving a UNION of them).  Triggers need a table of their own, which
 * the table list shows.  MySQL's information_schema reads its data
 * dictionary. */
static int take_routines(struct taker *t, bool mysql)
{
	if (!mysql)
		return query(t, "SELECT CONCAT(type, ' ', db, '.', name), "
			     "modified FROM mysql.proc", row_key_value,
			     "routine") ||
		       query(t, "SELECT CONCAT('EVENT ', db, '.', name), "
			     "CONCAT(status, ' ', modified) FROM mysql.event",
			     row_key_value, "routine") ||
		       query(t, "SELECT CONCAT('PLUGIN ', name), dl FROM "
			     "mysql.plugin", row_key_value, "routine");
	return query(t, "SELECT CONCAT(ROUTINE_TYPE, ' ', ROUTINE_SCHEMA, "
		     "'.', ROUTINE_NAME), LAST_ALTERED FROM "
		     "information_schema.ROUTINES WHERE ROUTINE_SCHEMA NOT IN "
		     "(" SYSTEM_SCHEMAS ", 'mysql')", row_key_value,
		     "routine") ||
	       query(t, "SELECT CONCAT('EVENT ', EVENT_SCHEMA, '.', "
		     "EVENT_NAME), CONCAT(STATUS, ' ', LAST_ALTERED) FROM "
		     "information_schema.EVENTS", row_key_value, "routine") ||
	       query(t, "SELECT CONCAT('PLUGIN ', PLUGIN_NAME), "
		     "PLUGIN_STATUS FROM information_schema.PLUGINS",
		     row_key_value, "routine");
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int take_all(struct taker *t, struct ga_server *srv)
{
	bool mysql = srv->id.flavour == GA_FLAVOUR_MYSQL;
	char sql[600];

	/* MySQL caches information_schema.TABLES' statistics for a day */
	if (mysql && query(t, "SET SESSION information_schema_stats_expiry "
			   "= 0", row_pair, "x"))
		return -1;
	snprintf(sql, sizeof(sql), "CHECKSUM TABLE %s",
		 mysql ? grant_tables_mysql : grant_tables_mariadb);
	if (query(t, "SHOW GLOBAL VARIABLES", row_pair, "global") ||
	    query(t, "SHOW GLOBAL STATUS", row_pair, "status") ||
	    query(t, "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME FROM "
		  "information_schema.SCHEMATA", row_key_value, "schema") ||
	    take_tables(t) ||
	    query(t, "SELECT CONCAT(\"'\", User, \"'@'\", Host, \"'\"), '' "
		  "FROM mysql.user", row_key_value, "grant") ||
	    query(t, sql, row_checksum, "grant") ||
	    query(t, "SELECT 'general_log', COUNT(*) FROM mysql.general_log",
		  row_key_value, "logged") ||
	    query(t, "SELECT 'slow_log', COUNT(*) FROM mysql.slow_log",
		  row_key_value, "logged") ||
	    take_routines(t, mysql) ||
	    query(t, "SHOW FULL PROCESSLIST", row_session, NULL) ||
	    query(t, "SHOW OPEN TABLES WHERE In_use > 0", row_open_table,
		  NULL) ||
	    query(t, "SELECT CONCAT('InnoDB transaction ', trx_id), "
		  "trx_state FROM information_schema.INNODB_TRX",
		  row_key_value, "lock") ||
	    query(t, "XA RECOVER", row_xa, NULL))
		return -1;
	return 0;
}

int ga_snapshot_take(struct ga_server *srv, struct ga_snapshot *snap,
		     struct ga_error *err)
{
	struct taker t = { snap, 0, NULL, 0, err, NULL };
	int rc;

	memset(snap, 0, sizeof(*snap));
	if (srv->admin)
		return ga_error_set(err, "the admin connection is in use");
	if (ga_admin_connect(srv, err))
		return ga_error_prefix(err, "snapshot");
	t.m = srv->admin;
	t.self = mysql_thread_id(t.m);
	rc = take_all(&t, srv);
	ga_admin_close(srv);
	if (rc) {
		ga_snapshot_free(snap);
		return ga_error_prefix(err, "snapshot");
	}
	qsort(snap->lines, snap->n, sizeof(*snap->lines), by_text);
	return 0;
}

void ga_snapshot_free(struct ga_snapshot *snap)
{
	size_t i;

	for (i = 0; i < snap->n; i++)
		free(snap->lines[i]);
	free(snap->lines);
	snap->lines = NULL;
	snap->n = 0;
}

int ga_snapshot_from_text(struct ga_snapshot *snap, const char *text)
{
	const char *p = text, *nl;
	size_t cap = 0, n;
	char *line, **l;

	memset(snap, 0, sizeof(*snap));
	while (*p) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n) {
			if (snap->n == cap) {
				cap = cap ? cap * 2 : 16;
				l = realloc(snap->lines, cap * sizeof(*l));
				if (!l)
					goto oom;
				snap->lines = l;
			}
			line = strndup(p, n);
			if (!line)
				goto oom;
			snap->lines[snap->n++] = line;
		}
		p += n + (nl ? 1 : 0);
	}
	if (snap->n)
		qsort(snap->lines, snap->n, sizeof(*snap->lines), by_text);
	return 0;
oom:
	ga_snapshot_free(snap);
	return -1;
}

/* ---- comparing ---------------------------------------------------------------- */

/* The key of line ("section key") and its length, and the value. */
static size_t key_len(const char *line)
{
	return strcspn(line, "\t");
}

static const char *value_of(const char *line)
{
	const char *tab = strchr(line, '\t');

	return tab ? tab + 1 : "";
}

static bool is_status(const char *line)
{
	return strncmp(line, "status ", 7) == 0;
}

/* Appends one difference to why ("; " between them); false when full. */
static bool say(char *why, size_t len, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool say(char *why, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*used + 4 >= len)
		return false;
	if (*used) {
		w = snprintf(why + *used, len - *used, "; ");
		*used += (size_t)w;
	}
	va_start(ap, fmt);
	w = vsnprintf(why + *used, len - *used, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= len - *used) {
		*used = len - 1;
		return false;
	}
	*used += (size_t)w;
	return true;
}

/* "gone"/"appeared" in words fitting the section. */
static const char *word_for(const char *line, bool appeared)
{
	if (strncmp(line, "session ", 8) == 0)
		return appeared ? "is left" : "is gone";
	if (strncmp(line, "lock ", 5) == 0)
		return appeared ? "is held" : "is gone";
	return appeared ? "appeared" : "is gone";
}

/* Walks before and after side by side (both sorted), every section
 * but status.  Each difference is said into why (when why is not NULL)
 * and, when its key does not start with only, counted in *others.
 * Returns true when they are the same. */
static bool walk(const struct ga_snapshot *before,
		 const struct ga_snapshot *after, const char *only,
		 size_t *others, char *why, size_t len)
{
	size_t i = 0, j = 0, used = 0, kb, ka, olen = only ? strlen(only) : 0;
	const char *key;
	bool same = true;
	int c;

	if (why && len)
		why[0] = '\0';
	while (i < before->n || j < after->n) {
		const char *b = i < before->n ? before->lines[i] : NULL;
		const char *a = j < after->n ? after->lines[j] : NULL;

		if (b && is_status(b)) {
			i++;
			continue;
		}
		if (a && is_status(a)) {
			j++;
			continue;
		}
		kb = b ? key_len(b) : 0;
		ka = a ? key_len(a) : 0;
		if (!a)
			c = -1;
		else if (!b)
			c = 1;
		else {
			c = strncmp(b, a, kb < ka ? kb : ka);
			if (c == 0)
				c = kb < ka ? -1 : kb > ka;
		}
		if (c == 0 && strcmp(value_of(b), value_of(a)) == 0) {
			i++;
			j++;
			continue;
		}
		same = false;
		key = c <= 0 ? b : a;
		if (!only || strncmp(key, only, olen) != 0)
			(*others)++;
		if (c == 0) {
			if (why)
				say(why, len, &used, "%.*s changed (%s -> %s)",
				    (int)kb, b, value_of(b), value_of(a));
			i++;
			j++;
		} else if (c < 0) {
			if (why)
				say(why, len, &used, "%.*s %s", (int)kb, b,
				    word_for(b, false));
			i++;
		} else {
			if (why)
				say(why, len, &used, "%.*s %s%s%s%s", (int)ka,
				    a, word_for(a, true),
				    *value_of(a) ? " (" : "", value_of(a),
				    *value_of(a) ? ")" : "");
			j++;
		}
	}
	return same;
}

bool ga_snapshot_same(const struct ga_snapshot *before,
		      const struct ga_snapshot *after, char *why, size_t len)
{
	size_t others = 0;

	return walk(before, after, NULL, &others, why, len);
}

bool ga_snapshot_differ_only_in(const struct ga_snapshot *before,
				const struct ga_snapshot *after,
				const char *prefix)
{
	size_t others = 0;

	return !walk(before, after, prefix, &others, NULL, 0) && others == 0;
}

/* Whether s has a line with the key of line (its text before the tab). */
static bool has_key(const struct ga_snapshot *s, const char *line)
{
	size_t i, k = key_len(line);

	for (i = 0; i < s->n; i++)
		if (key_len(s->lines[i]) == k &&
		    strncmp(s->lines[i], line, k) == 0)
			return true;
	return false;
}

size_t ga_snapshot_new_sessions(const struct ga_snapshot *before,
				const struct ga_snapshot *after,
				unsigned long *ids, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < after->n; i++) {
		if (strncmp(after->lines[i], "session ", 8) != 0 ||
		    has_key(before, after->lines[i]))
			continue;
		if (n < max)
			ids[n] = strtoul(after->lines[i] + 8, NULL, 10);
		n++;
	}
	return n;
}

static const char *find_status(const struct ga_snapshot *s, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < s->n; i++)
		if (is_status(s->lines[i]) &&
		    strncasecmp(s->lines[i] + 7, name, n) == 0 &&
		    s->lines[i][7 + n] == '\t')
			return value_of(s->lines[i]);
	return NULL;
}

bool ga_snapshot_same_status(const struct ga_snapshot *before,
			     const struct ga_snapshot *after,
			     const char *name, char *why, size_t len)
{
	const char *b = find_status(before, name);
	const char *a = find_status(after, name);

	why[0] = '\0';
	if (!a && !b)
		return true;
	if (a && b && strcmp(a, b) == 0)
		return true;
	snprintf(why, len, "status %s changed (%s -> %s)", name,
		 b ? b : "none", a ? a : "none");
	return false;
}
