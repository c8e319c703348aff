/* client.h - the scenario's named client connections.
 *
 * A struct ga_client is one "connection NAME ..." of a scenario, carried
 * out by a driver (client/driver.h).  This layer is the same for every
 * driver: it starts each call, waits for it with a watchdog while
 * watching for signals, and decides the outcome:
 *
 *   - a call that has finished is never a hang, however late it is
 *     collected (a "reap" long after the query returned gets the query's
 *     real outcome);
 *   - a call still running when the watchdog fires is a hang; it is
 *     cancelled, and if the driver cannot end it the connection is
 *     unusable: every later step on it is refused, with the reason.
 */
#ifndef GA_CLIENT_H
#define GA_CLIENT_H

#include <stdbool.h>

#include "client/driver.h"
#include "lang/outcome.h"
#include "lang/scenario.h"
#include "util/error.h"
#include "util/interrupt.h"

struct ga_client {
	const struct ga_connection *decl;       /* borrowed */
	struct ga_driver *driver;               /* borrowed: the run's */
	struct ga_driver_conn *conn;            /* owned, NULL until the
						 * first call */
	bool pending;                   /* a "send" is in flight */
	double pending_start_ms;        /* when it was sent */
	int pending_line;
	char unusable[256];             /* set: why no further call can be
					 * made (an abandoned call) */
};

/* Prepares a client for decl with driver: nothing connected yet. */
void ga_client_init(struct ga_client *client,
		    const struct ga_connection *decl, struct ga_driver *driver);

/* Makes the driver's state for the connection now (a driver process
 * started and greeted, on its own bound), so that a driver that is slow
 * to start (a JVM, node under load) does so before the scenario's first
 * step, not between two of them where the time it takes would stretch
 * the scenario's own timeline (an idle connection idles longer than the
 * file says).  Idempotent; without it, the connection's first call makes
 * that state.  Returns 0, or -1 with err set. */
int ga_client_prepare(struct ga_client *client,
		      const struct ga_client_env *env, struct ga_error *err);

/* What ga_client_call(), _send() and _reap() return besides 0 (*out is
 * the outcome, a hang included). */
#define GA_CLIENT_INTERRUPTED 1         /* a signal came: *out is a hang */
#define GA_CLIENT_UNSUPPORTED 2         /* the driver cannot do it: err
					 * says why (the scenario SKIPs) */

/* Runs step (a client step other than send/reap) and waits for it at
 * most watchdog_ms, counted once the driver is ready (a driver process
 * started for the connection's first call greets first, on its own
 * bound).  sql is the step's expanded text or NULL (borrowed).
 * Returns 0, GA_CLIENT_INTERRUPTED, GA_CLIENT_UNSUPPORTED, or -1 with err
 * set when the harness could not make the call (the scenario is ERROR,
 * never FAIL). */
int ga_client_call(struct ga_client *client, const struct ga_step *step,
		   const char *sql, const struct ga_client_env *env,
		   long watchdog_ms, struct ga_interrupt *in,
		   struct ga_outcome *out, struct ga_error *err);

/* "send": starts step and returns; its outcome is collected by
 * ga_client_reap().  Returns 0, GA_CLIENT_UNSUPPORTED or -1 (err set). */
int ga_client_send(struct ga_client *client, const struct ga_step *step,
		   const char *sql, const struct ga_client_env *env,
		   struct ga_error *err);

/* "reap": the outcome of the pending send, waiting until watchdog_ms
 * after the send started.  Returns as ga_client_call(). */
int ga_client_reap(struct ga_client *client, long watchdog_ms,
		   struct ga_interrupt *in, struct ga_outcome *out,
		   struct ga_error *err);

/* The server thread after the last finished call, 0 when none. */
unsigned long ga_client_thread_id(const struct ga_client *client);

/* The local ports of the TCP sockets to the server the connection's
 * driver holds, found by the kernel (client/driver.h, server_ports): at
 * most max into ports, their number into *n.  Returns 0, 1 when the
 * driver's thread ids are the harness's own (nothing to find: *n is 0),
 * or -1 with err set. */
int ga_client_server_ports(const struct ga_client *client, unsigned *ports,
			   size_t max, size_t *n, struct ga_error *err);

/* Ends a pending call (cancelled, its outcome dropped) and closes the
 * connection.  Safe to call on any client, repeatedly. */
void ga_client_teardown(struct ga_client *client);

#endif
