/* serve.h - goneaway serve: goneaway's server in a lab of its own
 * (serve/backstage.h) behind proxies that Toxiproxy's HTTP API 2.x
 * drives (serve/api.h, serve/relay.h), on one event loop
 * (serve/eventloop.c) until SIGINT, SIGTERM or SIGHUP.
 *
 * Once the server is up and the API listens, the lines a test suite
 * needs - TOXIPROXY_URL, GONEAWAY_UPSTREAM, MYSQL_USER, MYSQL_PASSWORD,
 * MYSQL_DATABASE, GONEAWAY_SERVER_VERSION - are printed, and written to
 * the env file when there is one (serve/envfile.h: whole, its owner's
 * alone), with GONEAWAY_API_TOKEN, which is never printed.  The API
 * answers its owner and root, and another user who gives the token
 * (serve/api.h, ga_api_gate).  At the stop everything goes:
 * connections, listening sockets, the server, the lab, the env file.
 *
 * With no_server (goneaway serve --no-server) there is no server and
 * no lab: the proxies alone, in this process's network namespace, as
 * whoever runs it; it needs no root, no capability and no namespace.
 * Run so as a user (as_user: no root of the machine's), the API and
 * the proxies may listen on any address, and an API that does not
 * listen on loopback answers whoever reaches it, as Toxiproxy's does
 * (serve/api.h, ga_api_gate).
 * The ready lines are then TOXIPROXY_URL alone.
 *
 * docs/toxiproxy.md is its manual.
 */
#ifndef GA_SERVE_SERVE_H
#define GA_SERVE_SERVE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "server/server.h"
#include "util/error.h"
#include "util/interrupt.h"

#define GA_SERVE_API_DEFAULT "127.0.0.1:8474"

/* ga_serve_run's: the config's proxies were refused (err says which
 * and why: the file is wrong, exit 2). */
#define GA_SERVE_BAD_CONFIG (-3)

struct ga_sv_upadmin;

struct ga_serve_options {
	const char *api;                        /* --api HOST:PORT */
	const char *env_file;                   /* --env FILE, NULL: none */
	const char *log_file;                   /* --log FILE, NULL: none */
	uid_t owner;                            /* --owner: whose programs the
						 * API answers (and root's) */
	bool low_ports;                         /* --allow-low-ports */
	const struct ga_server_backend_ops *backend;    /* --server */
	struct ga_server_options server_opts;   /* run_dir: the run's */
	const char *version;                    /* goneaway's */
	FILE *out;                              /* the NAME=value lines */
	bool no_server;                         /* --no-server: proxies only */
	/* no root of the machine's runs it (a user, root become one, a
	 * rootless container's root): with no_server, any address */
	bool as_user;
	/* -config FILE: its name and its text (the caller's), the body of
	 * a POST /populate made before the ready lines; NULL: none */
	const char *config_name;
	const char *config;
	size_t config_len;
	/* --upstream-admin FILE's account (the caller's; serve/upadmin.h):
	 * mysql_kill on a proxy to the user's own server; NULL: none */
	const struct ga_sv_upadmin *upstream_admin;
	bool seeded;                            /* -seed N: the toxics' */
	long seed;                              /* randomness from N */
};

/* Checks an --api address: a loopback HOST:PORT (127.0.0.0/8, ::1,
 * localhost; port 0: the kernel picks one, TOXIPROXY_URL says which),
 * or with any (a serve that is not root's) any IP address.  Returns 0,
 * or -1 with err saying what is wrong. */
int ga_serve_api_check(const char *api, bool any, struct ga_error *err);

/* Checks o's files before anything starts: --env's directory (one
 * another user could write is refused) and --log (a FIFO, a device or
 * a symbolic link is refused).  Returns 0, or -1 with err saying what
 * is wrong.  ga_serve_run() checks them again as it opens them. */
int ga_serve_files_check(const struct ga_serve_options *o,
			 struct ga_error *err);

/* Runs goneaway serve until a signal (in->signo then says which).
 * Returns 0 after a stop, GA_SERVER_UNAVAILABLE when this machine
 * cannot run the server (err says why), GA_SERVE_BAD_CONFIG when the
 * config's proxies were refused, or -1 with err set when it could not
 * start. */
int ga_serve_run(const struct ga_serve_options *o, struct ga_interrupt *in,
		 struct ga_error *err);

#endif
