/* server.h - one mariadbd with a private datadir, for one scenario.
 *
 * The server runs inside the lab's server namespace, listens on
 * GA_LAB_SERVER_ADDR:3306 and on a unix socket in the scenario's private
 * directory.  The harness keeps an "admin" connection over that unix
 * socket (outside the faulty network) for KILL, SET GLOBAL and status
 * counters.  Every mariadbd is started with PR_SET_PDEATHSIG=SIGKILL and
 * so never outlives the harness.
 */
#ifndef GA_SERVER_H
#define GA_SERVER_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include <mysql.h>

#include "util/error.h"
#include "util/interrupt.h"
#include "lang/outcome.h"
#include "lang/scenario.h"

#define GA_SERVER_PORT 3306
#define GA_SERVER_USER "goneaway"
#define GA_SERVER_PASSWORD "goneaway"
#define GA_SERVER_DATABASE "goneaway"

struct ga_server {
	const char *mariadbd;           /* borrowed: path of the binary */
	int netns_fd;                   /* borrowed: namespace, -1: ours */
	char dir[PATH_MAX];             /* the scenario's private directory */
	char cnf[PATH_MAX];             /* dir/my.cnf */
	char datadir[PATH_MAX];         /* dir/data */
	char socket[PATH_MAX];          /* dir/s.sock */
	char errlog[PATH_MAX];          /* dir/error.log */
	pid_t pid;                      /* 0 while not running */
	int pidfd;                      /* -1 while not running */
	MYSQL *admin;                   /* owned; NULL while not running */
	char version[128];              /* mysql_get_server_info() */
	struct ga_server_id id;
};

/* Fills in the paths under dir.  Nothing is started or written. */
int ga_server_init(struct ga_server *srv, const char *mariadbd,
		   const char *dir, int netns_fd, struct ga_error *err);

/* Writes srv->cnf: the fixture config text, the private paths, and the
 * scenario's server-option lines (last, so they win). */
int ga_server_write_config(struct ga_server *srv, const char *fixture_cnf,
			   const struct ga_scenario *sc, struct ga_error *err);

/* Starts mariadbd and waits (a bounded poll, never a sleep) until the
 * admin connection is established. */
int ga_server_start(struct ga_server *srv, struct ga_interrupt *in,
		    long timeout_ms, struct ga_error *err);

/* Clean shutdown: SIGTERM, then waits up to timeout_ms for the exit. */
int ga_server_stop(struct ga_server *srv, struct ga_interrupt *in,
		   long timeout_ms, struct ga_error *err);

/* SIGKILL and reap: a crash. */
int ga_server_crash(struct ga_server *srv, struct ga_error *err);

/* For cleanup paths: closes the admin connection and SIGKILLs the server
 * if it is still running.  Safe to call at any time, repeatedly. */
void ga_server_teardown(struct ga_server *srv);

/* Runs sql on the admin connection; out gets the outcome (first value of
 * the first row, if any). */
void ga_server_admin_query(struct ga_server *srv, const char *sql,
			   struct ga_outcome *out);

/* Copies the last lines of the error log (at most len bytes) into buf. */
void ga_server_log_tail(const struct ga_server *srv, char *buf, size_t len);

#endif
