/* undo.h - what a kept server's case left that can be undone, undone
 * through the admin connection (run/reuse.c keeps the server only when
 * its snapshot is then as at its start: server/snapshot.h).
 *
 * Each returns 0, or -1 with why set (the server is then not kept).
 */
#ifndef GA_SERVER_UNDO_H
#define GA_SERVER_UNDO_H

#include <stddef.h>

#include "server/server.h"
#include "server/snapshot.h"

/* The client sessions now has and base has not, more than this: not
 * undone (a case that leaves that many is not a case to keep after). */
#define GA_UNDO_SESSIONS_MAX 64

/* Drops the application's database and makes it again, as the
 * bootstrap made it (fixtures/server/bootstrap.sql): what a case left
 * in it alone is gone. */
int ga_undo_app_database(struct ga_server *srv, char *why, size_t len);

/* KILLs the client sessions now has that base has not. */
int ga_undo_sessions(struct ga_server *srv, const struct ga_snapshot *base,
		     const struct ga_snapshot *now, char *why, size_t len);

/* Empties what a server keeps that no snapshot shows and a case can
 * feel: MySQL's caching_sha2_password cache (an account that logged in
 * once logs in again without the full authentication a cold server asks
 * for: Connector/J over the unix socket succeeds where a fresh MySQL 9.7
 * refuses it 1045, skip-networking.gw) and the host cache (connect
 * errors count towards max_connect_errors). */
int ga_undo_caches(struct ga_server *srv, char *why, size_t len);

#endif
