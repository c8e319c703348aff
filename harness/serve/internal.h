/* internal.h - what goneaway serve's files share (serve/ only): the
 * proxies the API made, the hooks through which the API acts on the
 * relay and the server without calling them (serve/eventloop.c fills
 * them in), and the jobs the backstage thread does for both
 * (serve/backstage.h).
 */
#ifndef GA_SERVE_INTERNAL_H
#define GA_SERVE_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#include "lang/faultkind.h"
#include "serve/address.h"
#include "serve/toxics.h"
#include "util/error.h"

/* What an epoll event of serve's loop is about (serve/eventloop.c):
 * its data.ptr points at one of these, inside what it watches. */
enum ga_sv_watch_kind {
	GA_W_SIGNAL,                    /* SIGINT, SIGTERM, SIGHUP */
	GA_W_API_LISTEN,                /* the API's listening socket */
	GA_W_API_CONN,                  /* an API connection */
	GA_W_DONE,                      /* the backstage finished a job */
	GA_W_PROXY,                     /* a proxy's listening socket */
	GA_W_CONN,                      /* a proxied connection's socket */
	GA_W_DIAL,                      /* the relay's dialer finished dials */
};

struct ga_sv_watch {
	enum ga_sv_watch_kind kind;
	void *obj;                      /* what it is about */
	int side;                       /* GA_W_CONN: 0 the client's, 1 the
					 * upstream's */
};

/* Bounds on what the API keeps (Toxiproxy has none). */
#define GA_SV_MAX_PROXIES 256
#define GA_SV_MAX_TOXICS 32             /* on one proxy */
#define GA_SV_MAX_NAME 256              /* bytes of a name or an address */

/* The version of Toxiproxy's API that goneaway serve speaks. */
#define GA_SV_TOXIPROXY_VERSION "2.12.0"

/* The API's token (GONEAWAY_API_TOKEN): hex digits of 16 random bytes. */
#define GA_SV_TOKEN_LEN 32

/* The lowest port a proxy listens on without --allow-low-ports. */
#define GA_SV_LOW_PORTS 1024

struct ga_sv_proxy {
	char *name;                     /* owned */
	char *listen;                   /* owned: as given, then as bound */
	char *upstream;                 /* owned */
	bool enabled;
	bool to_server;                 /* its upstream is goneaway's server */
	struct ga_sv_addr up;           /* else where it is; family AF_UNSPEC:
					 * a name, resolved at each
					 * connection */
	struct ga_toxic **toxics;       /* owned, in the order added */
	size_t ntoxics;
	/* the relay's (serve/relay.c): its listening socket */
	int lfd;                        /* -1 while it does not listen */
	void *listener;                 /* the relay's watch of lfd */
};

struct ga_sv;

/* What the API does to the relay and asks of the server.  Each may be
 * NULL (the fuzz target's API has no relay): then nothing happens and
 * listen "succeeds" on a made-up port. */
struct ga_sv_hooks {
	/* Starts listening on p->listen; on success p->lfd is set and
	 * p->listen is the address bound.  Returns 0, or -1 with err in Go's
	 * words ("listen tcp 127.0.0.1:1: bind: address already in use"). */
	int (*listen)(struct ga_sv *sv, struct ga_sv_proxy *p,
		      struct ga_error *err);
	/* Stops listening and closes every connection of p. */
	void (*unlisten)(struct ga_sv *sv, struct ga_sv_proxy *p);
	/* t was added to p, changed, or is about to be freed: p's
	 * connections take it in, start it over, or let it go. */
	void (*toxic_added)(struct ga_sv *sv, struct ga_sv_proxy *p,
			    struct ga_toxic *t);
	void (*toxic_updated)(struct ga_sv *sv, struct ga_sv_proxy *p,
			      struct ga_toxic *t);
	void (*toxic_removed)(struct ga_sv *sv, struct ga_sv_proxy *p,
			      struct ga_toxic *t);
	/* Writes goneaway's server as a JSON object (GET /goneaway/server). */
	void (*server_json)(struct ga_sv *sv, FILE *f);
	/* The lab's fault stack: lifts the fault applied at lift_line (0:
	 * none), then applies kind's spec at line (kind NULL: none).
	 * Returns 0, or -1 / GA_FAULT_UNSUPPORTED with msg set.  Quick (an
	 * nft script, a qdisc): done while the API waits. */
	int (*fault)(struct ga_sv *sv, int lift_line,
		     const struct ga_fault_kind *kind, const void *spec,
		     int line, char *msg, size_t len);
};

/* The API's state. */
struct ga_sv {
	struct ga_sv_proxy **proxies;   /* owned */
	size_t nproxies;
	const struct ga_sv_hooks *hooks;        /* static */
	void *ctx;                      /* the hooks' */
	const char *version;            /* goneaway's, for GET /goneaway */
	bool have_server;               /* goneaway's server is there */
	const char *env;                /* the NAME=value lines, borrowed */
	int next_fault_line;            /* the fault stack's next line */
	/* who may use it (serve/apigate.c) and what it may ask */
	struct ga_sv_addr api;          /* where the API listens: a request's
					 * Host must name it, a proxy's
					 * upstream must not (family 0: none
					 * known, any Host) */
	char token[GA_SV_TOKEN_LEN + 1]; /* what a caller who is not the
					 * owner gives; "": none may */
	bool low_ports;                 /* proxies below GA_SV_LOW_PORTS */
	/* goneaway serve --no-server: it has no server, ever (have_server
	 * is false for good, not for a while) */
	bool no_server;
	/* a serve that is not root's (--no-server as any user): proxies
	 * listen on any address, and the kernel's rules for ports are the
	 * only ones (ga_sv_addr_listen's any) */
	bool any_address;
	/* the API answers whoever reaches it, as Toxiproxy's does: it is
	 * not root's and listens on an address that is not loopback (a
	 * container's 0.0.0.0), where no Host names it and no peer is a
	 * local user's */
	bool open_gate;
	/* --upstream-admin: an admin account for the user's own servers,
	 * with which mysql_kill acts on a proxy whose upstream is not
	 * goneaway's server (serve/upadmin.h) */
	bool upstream_admin;
};

/* ---- the backstage's jobs ---------------------------------------------------- */

/* What takes the backstage thread's time (serve/backstage.h): a KILL the
 * relay asks for, a server event or the server put back as it started
 * (the API's; the API then waits for it, serve/api.h). */
enum ga_sv_job_kind {
	GA_JOB_KILL,                    /* KILL [QUERY] thread_id */
	GA_JOB_SERVER,                  /* a server event: event, value */
	GA_JOB_RESTORE,                 /* the server back as it started */
};

struct ga_sv_job {
	struct ga_sv_job *next;         /* the queue's */
	enum ga_sv_job_kind kind;
	/* GA_JOB_KILL */
	unsigned long thread_id;
	bool query;
	unsigned long conn_id;          /* the connection that waits, 0 */
	atomic_bool answered;           /* query: the server's answer to the
					 * command began to come (the event
					 * loop sets it, the backstage reads
					 * it while it waits for the
					 * statement to run) */
	long waited_ms;                 /* query: how long it waited for
					 * the statement to run */
	/* on the user's own server (not goneaway's: serve/upadmin.h): the
	 * address and port the proxied connection reached, and its
	 * socket's own port there (the session's PROCESSLIST HOST) and
	 * address */
	bool own;
	struct sockaddr_storage up_sa;  /* the upstream socket's peer */
	socklen_t up_sa_len;
	char up_addr[64];
	unsigned up_port;
	char local_addr[64];
	unsigned local_port;
	/* GA_JOB_SERVER: "restart", "stop", "start", "kill", "wait_timeout",
	 * "read_only"; value for the last two */
	char event[16];
	long long value;
	/* the API connection that waits for it, 0: none */
	unsigned long api_conn;
	/* the result */
	int rc;                         /* 0 or -1 */
	int status;                     /* rc -1: the answer's, 500 or 503
					 * (no server runs) */
	char msg[GA_ERROR_MAX];         /* rc -1: why; 0: what to note
					 * ("" none) */
};


#endif
