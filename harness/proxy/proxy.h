/* proxy.h - a real proxy between a scenario's clients and its server.
 *
 * The proxy runs in the lab's proxy namespace (lab/lab.h: a lab made
 * with a proxy), listens where the clients connect (GA_LAB_PROXY_ADDR,
 * the server's port) and relays each connection to the server
 * (GA_LAB_SERVER_ADDR), the way a load balancer in front of a database
 * does.  It runs unprivileged: started as root (to read its
 * configuration and bind), it chroots into an empty directory it cannot
 * write (DIR/NAME.root, root's, mode 0555) and becomes nobody (the
 * kind's configuration says so).  Giving up root clears the death
 * signal (PR_SET_PDEATHSIG) a child of the harness has, so it runs as
 * the second process of a PID namespace of its own whose first process
 * keeps root and that signal (lab/spawn.h, new_pidns): when the harness
 * dies, that process dies and the kernel kills the proxy.  It is
 * started and ended by its PID only (a pidfd), its configuration and
 * its log are files in the scenario's private directory, kept as
 * evidence.
 *
 * A kind of proxy (proxy/haproxy.c) writes its configuration and its
 * command line; this file starts, waits for and ends the process.  The
 * kinds are the names of "proxy" lines (lang/proxynames.h) and of
 * "goneaway run --proxy".
 *
 * Ownership: a struct ga_proxy owns its process (ga_proxy_destroy() ends
 * it) and nothing else; the namespace descriptor is the lab's.
 */
#ifndef GA_PROXY_H
#define GA_PROXY_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"
#include "util/interrupt.h"

/* Returned by ga_proxy_create() when this machine lacks the proxy (its
 * program is not installed): the scenario SKIPs with err's reason. */
#define GA_PROXY_UNAVAILABLE (-2)

/* What the proxy is configured with; a 0 is the kind's default. */
struct ga_proxy_settings {
	long client_timeout_ms;         /* a silent client is dropped */
	long server_timeout_ms;         /* a silent server is dropped */
	long connect_timeout_ms;        /* connecting to the server */
};

/* Where it listens and where it relays to (static strings). */
struct ga_proxy_net {
	int netns_fd;                   /* the lab's proxy namespace */
	const char *listen_addr;        /* GA_LAB_PROXY_ADDR */
	unsigned listen_port;
	const char *server_addr;        /* GA_LAB_SERVER_ADDR */
	unsigned server_port;
};

struct ga_proxy_kind;                   /* proxy/internal.h */

struct ga_proxy {
	const struct ga_proxy_kind *kind;       /* static */
	struct ga_proxy_net net;
	char cfg[PATH_MAX];     /* its configuration: DIR/NAME.cfg */
	char log[PATH_MAX];     /* its standard output and error: DIR/NAME.log */
	char version[96];       /* "HAProxy 2.6.12-1+deb12u4", once started */
	char root[PATH_MAX];    /* the empty directory it chroots into:
				 * DIR/NAME.root */
	pid_t pid;              /* the proxy's PID, 0: not running */
	int pidfd;              /* a pidfd of it, -1: not running */
	pid_t init;             /* the first process of its PID namespace
				 * (the harness's child), 0: none */
	int initfd;             /* a pidfd of that one, -1: none */
	long start_timeout_ms;  /* how long it may take to listen */
};

/* The kind named name ("haproxy"), or NULL. */
const struct ga_proxy_kind *ga_proxy_kind_find(const char *name);

/* The NULL-terminated names of every kind, in table order
 * (GA_PROXY_KINDS); the program hands them to the parser
 * (lang/proxynames.h). */
const char *const *ga_proxy_kind_names(void);

/* What --help says proxy name is ("HAProxy in TCP mode, in a namespace
 * of its own"); "" for none. */
const char *ga_proxy_kind_help(const char *name);

/* Can this machine run the kind?  Returns 0 with its version in
 * version ("HAProxy 2.6.12-1+deb12u4", or its program's path when that
 * cannot be read), or -1 with why saying what to install.  For doctor:
 * it starts the program once to print its version, nothing else. */
int ga_proxy_probe(const struct ga_proxy_kind *kind, char *version,
		   size_t len, struct ga_error *why);

/* Makes px ready to start: writes the configuration for s into dir
 * (the scenario's private directory) and makes its empty root there
 * (removed by ga_proxy_destroy()).  Starts nothing.  Returns 0, -1
 * (err set), or GA_PROXY_UNAVAILABLE when the kind's program is not
 * installed (err says what to install).  px can be destroyed after any
 * of these. */
int ga_proxy_create(struct ga_proxy *px, const struct ga_proxy_kind *kind,
		    const char *dir, const struct ga_proxy_net *net,
		    const struct ga_proxy_settings *s, struct ga_error *err);

/* Starts the proxy and waits (bounded by px->start_timeout_ms) until it
 * listens, without connecting to it (a probe connection would reach the
 * server).  Returns 0, or -1 (err set: its log's last lines when it
 * exited). */
int ga_proxy_start(struct ga_proxy *px, struct ga_interrupt *in,
		   struct ga_error *err);

/* Asks the proxy to end at once (the kind's stop signal: every
 * connection it relays is closed), waits for it and reaps it; killed
 * when it does not end in time.  Returns 0, or -1 (err set). */
int ga_proxy_stop(struct ga_proxy *px, struct ga_interrupt *in,
		  struct ga_error *err);

/* SIGKILL, by PID: the kernel closes its sockets.  Returns 0, or -1 when
 * it is not running. */
int ga_proxy_crash(struct ga_proxy *px, struct ga_error *err);

/* At the end of a case, once the clients have closed their connections:
 * asks the proxy to end when the connections it relays have ended (the
 * kind's finish signal), so that its log has a line for each, and waits
 * up to ms for it; SIGKILL after that, or at once when in is
 * interrupted.  Does nothing when it is not running. */
void ga_proxy_finish(struct ga_proxy *px, struct ga_interrupt *in, long ms);

/* Ends whatever still runs (SIGKILL by PID, reaped).  Safe on a proxy
 * that was never created if its pidfd is -1 (ga_proxy_init). */
void ga_proxy_destroy(struct ga_proxy *px);

/* Empties px so that ga_proxy_destroy() finds nothing to do. */
void ga_proxy_init(struct ga_proxy *px);

/* "haproxy" */
const char *ga_proxy_name(const struct ga_proxy *px);

#endif
