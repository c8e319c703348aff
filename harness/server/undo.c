/* undo.c - see undo.h */
#include "server/undo.h"

#include <stdbool.h>
#include <stdio.h>

#include "lang/outcome.h"
#include "util/error.h"

/* sql's n statements on srv's admin connection: 0, or -1 with why (its
 * error, or the server's answer when one failed). */
static int admin_all(struct ga_server *srv, const char *const *sql, size_t n,
		     char *why, size_t len)
{
	struct ga_outcome out;
	struct ga_error err;

	if (ga_server_admin_queries(srv, sql, n, &out, &err)) {
		snprintf(why, len, "%s", err.msg);
		return -1;
	}
	if (out.result != GA_RESULT_OK) {
		snprintf(why, len, "%u %s", out.err, out.message);
		return -1;
	}
	return 0;
}

int ga_undo_app_database(struct ga_server *srv, char *why, size_t len)
{
	static const char *const sql[] = {
		/* a lock some session still holds is not waited for long */
		"SET SESSION lock_wait_timeout = 5",
		"DROP DATABASE IF EXISTS " GA_APP_DATABASE,
		"CREATE DATABASE " GA_APP_DATABASE,
	};

	return admin_all(srv, sql, sizeof(sql) / sizeof(*sql), why, len);
}

int ga_undo_sessions(struct ga_server *srv, const struct ga_snapshot *base,
		     const struct ga_snapshot *now, char *why, size_t len)
{
	unsigned long ids[GA_UNDO_SESSIONS_MAX];
	struct ga_outcome out;
	struct ga_error err;
	char sql[64];
	size_t i, n;

	n = ga_snapshot_new_sessions(base, now, ids, GA_UNDO_SESSIONS_MAX);
	if (n > GA_UNDO_SESSIONS_MAX) {
		snprintf(why, len, "%zu sessions are left", n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(sql, sizeof(sql), "KILL %lu", ids[i]);
		if (ga_server_admin_query(srv, sql, &out, &err)) {
			snprintf(why, len, "%s", err.msg);
			return -1;
		}
		/* 1094 ER_NO_SUCH_THREAD: it ended meanwhile */
		if (out.result != GA_RESULT_OK && out.err != 1094) {
			snprintf(why, len, "%s: %u %s", sql, out.err,
				 out.message);
			return -1;
		}
	}
	return 0;
}

int ga_undo_caches(struct ga_server *srv, char *why, size_t len)
{
	static const char *const mysql[] = {
		"FLUSH PRIVILEGES",
		"TRUNCATE TABLE performance_schema.host_cache",
	};
	static const char *const mariadb[] = {
		"FLUSH PRIVILEGES",
		"FLUSH HOSTS",
	};
	bool my = srv->id.flavour == GA_FLAVOUR_MYSQL;

	return admin_all(srv, my ? mysql : mariadb, 2, why, len);
}

