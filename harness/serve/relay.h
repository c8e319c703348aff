/* relay.h - the proxies' data plane: each proxy's listening socket on
 * loopback, and each connection it accepts relayed to its upstream, on
 * serve's one event loop (epoll, level-triggered; serve/eventloop.c
 * hands it its events).
 *
 * A connection's upstream is opened where goneaway says: for goneaway's
 * server, a socket made inside the lab's client namespace (setns()
 * around socket(), on this thread: the socket stays in that namespace,
 * so it reaches the server only across the lab's link, where the lab's
 * faults are, and nothing else); for any other upstream, in this
 * process's own namespace, as a socket of the API's owner's (dial_uid
 * and dial_gid: setfsuid() around socket() for an address, a dialer
 * thread that is the owner's for a name, serve/dialer.h), never root's.
 * A name is resolved at each connection, as Toxiproxy does.  As
 * Toxiproxy, the client's bytes wait until the upstream connection is
 * made, and a connection that cannot be made closes the client's.
 *
 * Each direction (a link: upstream is client -> server) goes one of two
 * ways:
 *   - read: the bytes are read into chunks, through the MySQL watch
 *     (serve/mysqlwire.h: where the protocol is, the cuts and kills of
 *     the mysql toxics) and the chain of Toxiproxy's toxics
 *     (serve/chain.h), and written;
 *   - spliced: splice() moves them from socket to socket through a pipe
 *     and nothing reads them - for a connection whose proxy has no
 *     toxic, once its login is over (the greeting is read for the
 *     session's thread id), when there is no --log.  A toxic added
 *     later turns the connection back to being read; the MySQL watch
 *     then picks the protocol up at the next command.
 * Either way, as Toxiproxy does, the end of one direction (EOF, a
 * reset, a toxic's close) closes the whole connection once the other
 * direction has written what it holds.
 *
 * Ownership: the relay owns its connections; the proxies and toxics are
 * the API's (serve/api.h), and the API tells the relay before it frees
 * one (the hooks).  A job the relay submits (a KILL) is the submit
 * callee's until ga_relay_job_done(), which frees it.
 */
#ifndef GA_SERVE_RELAY_H
#define GA_SERVE_RELAY_H

#include <stdint.h>
#include <sys/types.h>

#include "serve/internal.h"
#include "serve/servelog.h"

/* The most connections relayed at once, over every proxy. */
#define GA_SV_MAX_CONNS 1000

struct ga_relay;

struct ga_relay_env {
	int epfd;                       /* the loop's epoll */
	int client_ns;                  /* the lab's client namespace, -1:
					 * no server */
	int host_ns;                    /* this process's own */
	unsigned server_port;           /* where goneaway's server is ... */
	const char *server_addr;        /* ... in the lab */
	uid_t dial_uid;                 /* whose an upstream's socket is, */
	gid_t dial_gid;                 /* but goneaway's server's (the
					 * API's owner) */
	bool any_address;               /* listens on any address (a serve
					 * that is not root's), serve/
					 * address.h */
	struct ga_sv_addr api;          /* the API's: never dialed */
	bool log_all;                   /* --log: every connection is read */
	struct ga_sv_log *log;          /* borrowed; may have no file */
	/* hands a job (a KILL) to the backstage; it comes back through
	 * ga_relay_job_done() */
	void (*submit)(void *ctx, struct ga_sv_job *job);
	/* NULL, or its word on a proxy's port before it listens there
	 * (bound, not yet listening): 0, or -1 with err saying why not
	 * (the port the kernel picked for a ":0" is then picked again) */
	int (*may_listen)(void *ctx, unsigned port, struct ga_error *err);
	void *ctx;
};

/* Returns a new relay, or NULL when out of memory. */
struct ga_relay *ga_relay_new(const struct ga_relay_env *env);
/* Closes every connection (logged as ended by serve's stop) and frees
 * the relay.  The proxies' listening sockets are the API's to close
 * (ga_relay_unlisten). */
void ga_relay_free(struct ga_relay *r);

/* The hooks of struct ga_sv_hooks. */
int ga_relay_listen(struct ga_relay *r, struct ga_sv_proxy *p,
		    struct ga_error *err);
void ga_relay_unlisten(struct ga_relay *r, struct ga_sv_proxy *p);
void ga_relay_toxic_added(struct ga_relay *r, struct ga_sv_proxy *p,
			  struct ga_toxic *t);
void ga_relay_toxic_updated(struct ga_relay *r, struct ga_sv_proxy *p,
			    struct ga_toxic *t);
void ga_relay_toxic_removed(struct ga_relay *r, struct ga_sv_proxy *p,
			    struct ga_toxic *t);

/* An epoll event of a GA_W_PROXY, GA_W_CONN or GA_W_DIAL watch. */
void ga_relay_event(struct ga_relay *r, struct ga_sv_watch *w,
		    uint32_t events);

/* Runs what is due at now.  Returns when it must be called next
 * (ga_clock_ms's time), 0: nothing waits. */
double ga_relay_timers(struct ga_relay *r, double now);

/* Frees what the events just handled closed: call after each batch of
 * epoll events (an event later in a batch may point at what an earlier
 * one closed, which is marked and skipped until then). */
void ga_relay_reap(struct ga_relay *r);

/* A job the relay submitted is done. */
void ga_relay_job_done(struct ga_relay *r, struct ga_sv_job *job);

#endif
