/* login.c - after a connect that succeeded, what the server says of the
 * session: a driver that accepts an option and ignores it is an ERROR
 * where the server can see the option (run/internal.h). */
#include "run/internal.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

#define PORTS_MAX 8

/* The general log's latest login line of thread id into out (a
 * restarted server hands the ids out again).  Not by ORDER BY: MariaDB
 * 10.11 sorts the CSV table through an Aria temporary table and, now and
 * then, crashes freeing it (signal 11 in ha_maria::drop_table, seen here
 * under load); a MAX() needs no temporary table. */
static int login_line(struct ga_case *c, unsigned long id,
		      struct ga_outcome *out, struct ga_error *err)
{
	char sql[384];

	snprintf(sql, sizeof(sql), "SELECT argument FROM mysql.general_log "
		 "WHERE thread_id = %lu AND command_type = 'Connect' AND "
		 "event_time = (SELECT MAX(event_time) FROM mysql.general_log "
		 "WHERE thread_id = %lu AND command_type = 'Connect') LIMIT 1",
		 id, id);
	return admin_ask(c, sql, out, err);
}

/* The server's threads for the client's ports, "ID:PORT,ID:PORT"
 * (ascending; "" when none) into out: the processlist rows whose host ends in
 * ":PORT".  The admin's own session comes through the unix socket. */
static int port_threads(struct ga_case *c, const unsigned *ports, size_t n,
			struct ga_outcome *out, struct ga_error *err)
{
	char sql[512];
	size_t i, len;

	len = (size_t)snprintf(sql, sizeof(sql), "SELECT IFNULL(GROUP_CONCAT("
			       "ID, ':', SUBSTRING_INDEX(HOST, ':', -1) "
			       "ORDER BY ID), '') FROM information_schema."
			       "PROCESSLIST WHERE ID <> CONNECTION_ID() AND "
			       "SUBSTRING_INDEX(HOST, ':', -1) IN (");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s'%u'",
					i ? ", " : "", ports[i]);
	snprintf(sql + len, sizeof(sql) - len, ")");
	return admin_ask(c, sql, out, err);
}

/* The next "ID:PORT" of a port_threads() list at *p (moved past it).
 * Returns false at its end. */
static bool next_thread(const char **p, unsigned long *id, unsigned *port)
{
	char *end;

	*id = strtoul(*p, &end, 10);
	if (end == *p || *end != ':')
		return false;
	*port = (unsigned)strtoul(end + 1, &end, 10);
	*p = *end == ',' ? end + 1 : end;
	return true;
}

/* Checks the login of thread id (one of the client's own sessions, on
 * the client's port): ERROR unless it was encrypted. */
static int tls_login(struct ga_case *c, const struct ga_step *step,
		     const struct ga_client *cl, unsigned long id,
		     unsigned port)
{
	struct ga_outcome out;
	struct ga_error err;

	if (login_line(c, id, &out, &err))
		return ga_case_harness_error(c, step, &err);
	if (out.result != GA_RESULT_OK || !out.has_value || out.value_null) {
		ga_case_verdict(c->res, GA_VERDICT_ERROR, step->line,
				"%s %s: tls=required cannot be checked: "
				"no login of thread %lu in the server's "
				"general log (%s)",
				ga_step_kind_name(step->kind), cl->decl->name, id,
				out.result == GA_RESULT_OK ? "no row" :
				out.message);
		return -1;
	}
	if (strstr(out.value, " using SSL/TLS"))
		return 0;
	if (port)
		ga_case_verdict(c->res, GA_VERDICT_ERROR, step->line,
				"%s %s: the server sees thread %lu of "
				"the client's port %u without TLS (its log: "
				"\"%s\"): the client '%s' ignored "
				"tls=required",
				ga_step_kind_name(step->kind), cl->decl->name, id, port,
				out.value, cl->driver->name);
	else
		ga_case_verdict(c->res, GA_VERDICT_ERROR, step->line,
				"%s %s: the server sees thread %lu "
				"without TLS (its log: \"%s\"): the client "
				"'%s' ignored tls=required",
				ga_step_kind_name(step->kind), cl->decl->name,
				id, out.value, cl->driver->name);
	return -1;
}

/* After a connect that succeeded on a tls=required connection: the
 * server, not the client, says whether the session is encrypted.  Its
 * general log (on for such scenarios, server/cnf.c) records each login
 * as "USER@HOST on DB using SSL/TLS" or "... using TCP/IP", under the
 * session's thread id, on MariaDB and MySQL alike.  A driver that accepts
 * tls=required and connects in the clear is an ERROR, never a PASS.
 *
 * The sessions are found from the server's side, not by the thread id
 * the driver reports (a liar could name another, encrypted session): the
 * kernel lists the TCP ports of the driver process's sockets to the
 * server, the server's processlist names the thread on each port
 * (HOST "198.18.0.1:PORT"), each of them must have logged in with TLS,
 * and the reported id must be one of them.  Behind a proxy the server
 * sees the proxy's ports, and the built-in client's ids are
 * libmysqlclient's own: there the reported id is used. */
static int tls_check(struct ga_case *c, const struct ga_step *step,
		     const struct ga_step_result *sr)
{
	const struct ga_client *cl = &c->clients[step->conn];
	unsigned long reported = sr->out.thread_after, id;
	unsigned ports[PORTS_MAX], port;
	bool held = false;
	struct ga_outcome out;
	struct ga_error err;
	size_t n = 0;
	const char *p;
	int r;

	if (cl->decl->tls != GA_TLS_REQUIRED ||
	    cl->decl->transport != GA_TRANSPORT_TCP ||
	    sr->out.result != GA_RESULT_OK)
		return 0;
	if (!reported) {
		ga_case_verdict(c->res, GA_VERDICT_ERROR, step->line,
				"%s %s: tls=required cannot be checked: "
				"the client reported no thread id (0) for "
				"the session",
				ga_step_kind_name(step->kind), cl->decl->name);
		return -1;
	}
	r = c->proxy ? 1 : ga_client_server_ports(cl, ports, PORTS_MAX, &n,
						  &err);
	if (r < 0)
		return ga_case_harness_error(c, step, &err);
	if (r > 0)
		return tls_login(c, step, cl, reported, 0);
	if (n == 0) {
		ga_case_verdict(c->res, GA_VERDICT_ERROR, step->line,
				"%s %s: tls=required cannot be checked: "
				"the client '%s' holds no TCP socket to the "
				"server after its connect succeeded",
				ga_step_kind_name(step->kind), cl->decl->name, cl->driver->name);
		return -1;
	}
	if (port_threads(c, ports, n, &out, &err))
		return ga_case_harness_error(c, step, &err);
	if (out.result != GA_RESULT_OK || !out.has_value || out.value_null) {
		ga_case_verdict(c->res, GA_VERDICT_ERROR, step->line,
				"%s %s: tls=required cannot be checked: "
				"the server's processlist did not answer (%s)",
				ga_step_kind_name(step->kind), cl->decl->name, out.result == GA_RESULT_OK ?
				"no row" : out.message);
		return -1;
	}
	/* every session on the client's own ports logged in with TLS */
	for (p = out.value; next_thread(&p, &id, &port);) {
		if (tls_login(c, step, cl, id, port))
			return -1;
		if (id == reported)
			held = true;
	}
	if (held)
		return 0;
	ga_case_verdict(c->res, GA_VERDICT_ERROR, step->line,
			"%s %s: the client '%s' reported thread %lu, "
			"which is on none of its sockets (the server has %s%s "
			"on its port%s %u%s): tls=required cannot be checked "
			"on a session it does not hold",
			ga_step_kind_name(step->kind), cl->decl->name,
			cl->driver->name, reported, out.value[0] ?
			"THREAD:PORT " : "no session", out.value,
			n == 1 ? "" : "s", ports[0], n > 1 ? " ..." : "");
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
			"%s %s: the server sees thread %lu in database "
			"'%s', not '%s': the client '%s' ignored the "
			"connection's database", ga_step_kind_name(step->kind),
			d->name, sr->out.thread_after, out.value, db,
			cl->driver->name);
	return -1;
}

int ga_login_check(struct ga_case *c, const struct ga_step *step,
		   const struct ga_step_result *sr)
{
	if (tls_check(c, step, sr))
		return -1;
	return account_check(c, step, sr);
}
