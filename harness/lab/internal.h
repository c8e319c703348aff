/* internal.h - what the server's files share (lab/ only): the admin
 * connection (lab/admin.c) and the configuration every backend writes. */
#ifndef GA_LAB_INTERNAL_H
#define GA_LAB_INTERNAL_H

#include "lab/server.h"

/* Connects the admin account over srv->socket and raises its session
 * timeouts out of any scenario's reach; sets srv->admin, srv->version and
 * srv->id.  Returns 0 or -1 with err set (nothing kept). */
int ga_admin_connect(struct ga_server *srv, struct ga_error *err);

/* Closes the admin connection (COM_QUIT: the server logs no abort). */
void ga_admin_close(struct ga_server *srv);

/* Writes srv->cnf: a header naming the scenario, fixture (the fixture
 * config's text), the scenario's private paths as the server sees them
 * (inside: what srv->dir is called where the server runs; srv->dir for a
 * local server) and sc's server-option lines, last, so they win.  extra
 * (may be NULL) is more [mysqld] lines the backend needs. */
int ga_server_write_cnf(const struct ga_server *srv, const char *fixture,
			const char *inside, const char *extra,
			const struct ga_scenario *sc, struct ga_error *err);

/* The backends (lab/server_*.c). */
extern const struct ga_server_backend_ops ga_server_local;
extern const struct ga_server_backend_ops ga_server_rootfs;

#endif
