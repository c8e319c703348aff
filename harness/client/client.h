/* client.h - the scenario's named client connections.
 *
 * Every C API call on a client connection runs on a thread of its own,
 * inside the lab's client namespace, while the scenario's main thread
 * waits for it with a watchdog.  That gives each call a bound (a call
 * that never returns is reported as a hang, not waited on forever) and
 * lets a "send" step leave a query running while later steps KILL the
 * connection, crash the server or sleep.
 */
#ifndef GA_CLIENT_H
#define GA_CLIENT_H

#include <pthread.h>
#include <stdbool.h>

#include <mysql.h>

#include "util/error.h"
#include "util/interrupt.h"
#include "lang/outcome.h"
#include "lang/scenario.h"

/* Where client connections go (borrowed strings). */
struct ga_client_env {
	int netns_fd;                   /* the lab's client namespace */
	const char *host;               /* the server's address in the lab */
	unsigned port;
	const char *socket;             /* the server's unix socket */
};

struct ga_call;

struct ga_client {
	const struct ga_connection *decl;       /* borrowed */
	MYSQL *mysql;           /* owned; NULL before connect / after close */
	MYSQL_STMT *stmt;       /* owned: the last "prepare", or NULL */
	MYSQL_RES *stream;      /* owned: a "stream" not fetched yet, or NULL */
	int raw_fd;             /* owned: a transport=raw socket, or -1 */
	struct ga_call *pending;                /* owned: a "send" in flight */
	unsigned long thread_id;        /* server thread after the last call
					 * that finished, 0 when none; kept by
					 * the main thread, so reading it never
					 * races a worker */
	bool hung;              /* a call was abandoned by the watchdog */
};

/* Prepares a client for decl: nothing connected yet. */
void ga_client_init(struct ga_client *client, const struct ga_connection *decl);

/* Starts step (a client step: connect, query, send, ping, close, prepare,
 * execute, long-data, stream, fetch, fork, drain) on client in a new
 * thread.  step is borrowed and must outlive the call.  Returns the call
 * (free with ga_call_finish) or NULL with err set. */
struct ga_call *ga_call_start(struct ga_client *client,
			      const struct ga_step *step,
			      const struct ga_client_env *env,
			      struct ga_error *err);

/* Waits for the call.  If it has not returned after watchdog_ms, the
 * connection's socket is shut down to unblock it and the outcome is a
 * hang.  Returns 0 with *out filled, or -1 if interrupted by a signal
 * (the call is then unblocked the same way and *out says so). */
int ga_call_wait(struct ga_call *call, struct ga_interrupt *in,
		 long watchdog_ms, struct ga_outcome *out);

/* Frees a call that ga_call_wait() returned from. */
void ga_call_finish(struct ga_call *call);

/* Waits for a pending call (bounded), then closes the handle. */
void ga_client_teardown(struct ga_client *client);

/* Installs the no-op SIGUSR1 handler the watchdog uses to interrupt a
 * blocked system call in a worker thread.  Call once from main(). */
int ga_client_global_init(struct ga_error *err);

#endif
