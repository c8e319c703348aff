/* admin.c - the harness's own connection to the scenario's server.
 *
 * As the admin account, goneaway_admin: no SUPER, no FILE, nothing that
 * changes the server's configuration but read_only
 * (fixtures/server/bootstrap.sql); a scenario's "admin" text runs
 * there.  What needs more - a SET GLOBAL of a variable a scenario may
 * set - the harness renders itself from the parsed statement and sends
 * as the privileged account (ga_server_privileged_queries), never a
 * scenario's own text.
 *
 * It must be immune to the scenario and invisible in what the scenario
 * measures.  So it lives only as long as one admin step: connected over
 * the unix socket (outside the faulty network) with the privileged admin
 * account (a full max_connections still lets it in, through the slot the
 * server keeps for privileged accounts), used, and closed with COM_QUIT.
 * Between steps it holds no connection slot, no server-side timeout can
 * end it (which would add an "Aborted connection" line and an
 * Aborted_clients count to the evidence the scenario checks), and a
 * restarted server needs no reconnect.  Its session timeouts are raised
 * all the same, for a step that runs long.
 */
#include "server/internal.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mysqld_error.h>

#include "mysqlapi/mysqlapi.h"

#define ADMIN_TIMEOUT_S 30
#define CLOSE_WAIT_MS 2000      /* for the server to end the session */
#define YEAR_S "31536000"

int ga_admin_connect(struct ga_server *srv, struct ga_error *err)
{
	return ga_admin_connect_as(srv, GA_ADMIN_USER, GA_ADMIN_PASSWORD, err);
}

/* A new connection of user's over srv's socket, kept nowhere in srv:
 * *out is the caller's (mysql_close()).  Returns 0 or -1 with err set. */
static int admin_open(const struct ga_server *srv, const char *user,
		      const char *password, MYSQL **out, struct ga_error *err)
{
	unsigned int timeout = ADMIN_TIMEOUT_S;
	unsigned int protocol = MYSQL_PROTOCOL_SOCKET;
	MYSQL *m;

	m = mysql_init(NULL);
	if (!m)
		return ga_error_set(err, "mysql_init: out of memory");
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_PROTOCOL, &protocol);
	/* "admin" steps run the scenario's SQL here: no file request of
	 * the server is ever answered with a file */
	ga_mysql_local_infile(m, NULL);
	/* No retry: a refused attempt would count in the server's
	 * Aborted_connects, which scenarios read as evidence. */
	/* in the lab's database, as the clients: "admin" steps name their
	 * tables without it */
	if (!mysql_real_connect(m, "localhost", user, password,
				GA_APP_DATABASE, 0, srv->socket, 0)) {
		ga_error_set(err, "admin connection (%s) over %s: %u %s%s",
			     user, srv->socket, mysql_errno(m), mysql_error(m),
			     mysql_errno(m) == ER_CON_COUNT_ERROR ?
			     " (even the slot kept for privileged accounts is "
			     "taken)" : "");
		mysql_close(m);
		return -1;
	}
	*out = m;
	return 0;
}

int ga_admin_connect_as(struct ga_server *srv, const char *user,
			const char *password, struct ga_error *err)
{
	MYSQL *m;

	if (admin_open(srv, user, password, &m, err))
		return -1;
	if (mysql_query(m, "SET SESSION wait_timeout = " YEAR_S
			", interactive_timeout = " YEAR_S
			", net_read_timeout = " YEAR_S
			", net_write_timeout = " YEAR_S) != 0) {
		ga_error_set(err, "admin connection: raising its session "
			     "timeouts: %u %s", mysql_errno(m), mysql_error(m));
		mysql_close(m);
		return -1;
	}
	srv->admin = m;
	snprintf(srv->version, sizeof(srv->version), "%s",
		 mysql_get_server_info(m));
	ga_server_id_parse(srv->version, &srv->id);
	return 0;
}

/* Closes with COM_QUIT and waits (bounded) until the server has closed
 * its end too: the server frees a connection's slot as it ends the
 * session, and the scenario's next step must not find the harness's
 * connection still holding one (a scenario that fills max_connections
 * would otherwise see 1040 where it expects to get in). */
void ga_admin_close(struct ga_server *srv)
{
	struct pollfd pfd = { .fd = -1, .events = POLLIN };
	char byte;
	int fd;

	if (!srv->admin)
		return;
	fd = (int)mysql_get_socket(srv->admin);
	if (fd >= 0)
		pfd.fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	mysql_close(srv->admin);
	srv->admin = NULL;
	if (pfd.fd < 0)
		return;
	while (poll(&pfd, 1, CLOSE_WAIT_MS) == 1 &&
	       read(pfd.fd, &byte, 1) > 0)
		;       /* EOF (or an error, or the bound): the server is done */
	close(pfd.fd);
}

#define KILL_GONE_MS 2000       /* for a KILLed session to leave the list */
#define KILL_POLL_MS 5

/* The first value of sql's first row as a number into *v (0 when there
 * is no row).  Returns 0 or -1 with err set. */
static int admin_number(MYSQL *m, const char *sql, unsigned long long *v,
			struct ga_error *err)
{
	MYSQL_RES *res;
	MYSQL_ROW row;

	*v = 0;
	if (mysql_query(m, sql) != 0)
		return ga_error_set(err, "%s: %u %s", sql, mysql_errno(m),
				    mysql_error(m));
	res = mysql_store_result(m);
	if (!res)
		return ga_error_set(err, "%s: no result: %u %s", sql,
				    mysql_errno(m), mysql_error(m));
	row = mysql_fetch_row(res);
	if (row && row[0])
		*v = strtoull(row[0], NULL, 10);
	mysql_free_result(res);
	return 0;
}

/* The session KILL of a fault's own thread (struct ga_fault_target's
 * kill_session): on a connection of its own, never srv->admin. */
static int kill_host(MYSQL *m, const char *host, char *what, size_t len,
		     struct ga_error *err)
{
	unsigned long long id, left = 1;
	char sql[160];
	long waited;

	snprintf(sql, sizeof(sql), "SELECT ID FROM information_schema."
		 "PROCESSLIST WHERE HOST = '%s'", host);
	if (admin_number(m, sql, &id, err))
		return -1;
	if (!id)
		return ga_error_set(err, "no session of %s in the server's "
				    "process list", host);
	snprintf(sql, sizeof(sql), "KILL CONNECTION %llu", id);
	if (mysql_query(m, sql) != 0)
		return ga_error_set(err, "%s: %u %s", sql, mysql_errno(m),
				    mysql_error(m));
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM information_schema."
		 "PROCESSLIST WHERE ID = %llu", id);
	for (waited = 0; waited <= KILL_GONE_MS; waited += KILL_POLL_MS) {
		if (admin_number(m, sql, &left, err))
			return -1;
		if (!left)
			break;
		usleep(KILL_POLL_MS * 1000);
	}
	snprintf(what, len, "KILL %llu%s", id, left ? " (still listed "
		 "2 s later)" : "");
	return 0;
}

int ga_server_kill_host(const struct ga_server *srv, const char *host,
			char *what, size_t len, struct ga_error *err)
{
	MYSQL *m;
	int rc;

	if (!*host || strspn(host, "0123456789.:") != strlen(host))
		return ga_error_set(err, "'%s' is not an address and port",
				    host);
	if (admin_open(srv, GA_ADMIN_USER, GA_ADMIN_PASSWORD, &m, err))
		return -1;
	rc = kill_host(m, host, what, len, err);
	mysql_close(m);
	return rc;
}
