/* login.c - after a connect that succeeded, what the server says of the
 * session: a driver that accepts an option and ignores it is an ERROR
 * where the server can see the option (run/internal.h). */
#include "run/internal.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Asks the admin session sql, again on a loaded machine that dropped it
 * or refused its connection.  Returns 0 (out holds the answer), or -1
 * with err set. */
static int admin_ask(struct ga_case *c, const char *sql,
		     struct ga_outcome *out, struct ga_error *err)
{
	int tries, rc = 0;

	for (tries = 0; tries < 3; tries++) {
		if (tries)
			usleep(200 * 1000);
		rc = ga_server_admin_query(&c->srv, sql, out, err);
		if (rc == 0 && out->result == GA_RESULT_OK)
			return 0;
	}
	return rc;
}

/* After a connect that succeeded on a tls=required connection: the
 * server, not the client, says whether the session is encrypted.  Its
 * general log (on for such scenarios, server/cnf.c) records each login
 * as "USER@HOST on DB using SSL/TLS" or "... using TCP/IP", under the
 * session's thread id, on MariaDB and MySQL alike.  A driver that accepts
 * tls=required and connects in the clear is an ERROR, never a PASS. */
static int tls_check(struct ga_case *c, const struct ga_step *step,
		     const struct ga_step_result *sr)
{
	const struct ga_client *cl = &c->clients[step->conn];
	struct ga_outcome out;
	struct ga_error err;
	char sql[384];

	if (cl->decl->tls != GA_TLS_REQUIRED ||
	    cl->decl->transport != GA_TRANSPORT_TCP ||
	    sr->out.result != GA_RESULT_OK)
		return 0;
	if (!sr->out.thread_after) {
		ga_case_verdict(c->res, GA_VERDICT_ERROR, step->line,
				"connect %s: tls=required cannot be checked: "
				"the client reported no thread id (0) for "
				"the session", cl->decl->name);
		return -1;
	}
	/* The latest login of that id (a restarted server hands the ids
	 * out again).  Not by ORDER BY: MariaDB 10.11 sorts the CSV table
	 * through an Aria temporary table and, now and then, crashes
	 * freeing it (signal 11 in ha_maria::drop_table, seen here under
	 * load); a MAX() needs no temporary table. */
	snprintf(sql, sizeof(sql), "SELECT argument FROM mysql.general_log "
		 "WHERE thread_id = %lu AND command_type = 'Connect' AND "
		 "event_time = (SELECT MAX(event_time) FROM mysql.general_log "
		 "WHERE thread_id = %lu AND command_type = 'Connect') LIMIT 1",
		 sr->out.thread_after, sr->out.thread_after);
	if (admin_ask(c, sql, &out, &err))
		return ga_case_harness_error(c, step, &err);
	if (out.result != GA_RESULT_OK || !out.has_value || out.value_null) {
		ga_case_verdict(c->res, GA_VERDICT_ERROR, step->line,
				"connect %s: tls=required cannot be checked: "
				"no login of thread %lu in the server's "
				"general log (%s)", cl->decl->name,
				sr->out.thread_after,
				out.result == GA_RESULT_OK ? "no row" :
				out.message);
		return -1;
	}
	if (strstr(out.value, " using SSL/TLS"))
		return 0;
	ga_case_verdict(c->res, GA_VERDICT_ERROR, step->line,
			"connect %s: the server sees thread %lu without TLS "
			"(its log: \"%s\"): the client '%s' ignored "
			"tls=required", cl->decl->name, sr->out.thread_after,
			out.value, cl->driver->name);
	return -1;
}

/* A database the connection names (database=) is the one the server
 * shows for the session (its processlist).  Only then: the admin's own
 * login counts in the server's status (a scenario that fills
 * max_connections would see it).  A wrong user could not have logged in
 * at all.  Timeouts, reconnect and max_allowed_packet live in the
 * client only: the server cannot see them (docs/driver-protocol.md). */
static int account_check(struct ga_case *c, const struct ga_step *step,
			 const struct ga_step_result *sr)
{
	const struct ga_client *cl = &c->clients[step->conn];
	const struct ga_connection *d = cl->decl;
	const char *db = d->database;
	struct ga_outcome out;
	struct ga_error err;
	char sql[160];

	if (sr->out.result != GA_RESULT_OK || !sr->out.thread_after ||
	    !db || !cl->driver->ops->kind ||
	    strcmp(cl->driver->ops->kind, "process") != 0)
		return 0;
	snprintf(sql, sizeof(sql), "SELECT IFNULL(DB, '') FROM "
		 "information_schema.PROCESSLIST WHERE ID = %lu",
		 sr->out.thread_after);
	if (admin_ask(c, sql, &out, &err))
		return ga_case_harness_error(c, step, &err);
	/* no row: the session is gone already; nothing to compare */
	if (out.result != GA_RESULT_OK || !out.has_value || out.value_null ||
	    strcmp(out.value, db) == 0)
		return 0;
	ga_case_verdict(c->res, GA_VERDICT_ERROR, step->line,
			"connect %s: the server sees thread %lu in database "
			"'%s', not '%s': the client '%s' ignored the "
			"connection's database", d->name, sr->out.thread_after,
			out.value, db, cl->driver->name);
	return -1;
}

int ga_login_check(struct ga_case *c, const struct ga_step *step,
		   const struct ga_step_result *sr)
{
	if (tls_check(c, step, sr))
		return -1;
	return account_check(c, step, sr);
}
