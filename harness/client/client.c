/* client.c - see client.h: calls, the watchdog and what a hang is. */
#include "client/client.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"

void ga_client_init(struct ga_client *client,
		    const struct ga_connection *decl, struct ga_driver *driver)
{
	memset(client, 0, sizeof(*client));
	client->decl = decl;
	client->driver = driver;
}

/* The driver's state for the connection, made on first use. */
static int ensure_conn(struct ga_client *client,
		       const struct ga_client_env *env, struct ga_error *err)
{
	if (client->conn)
		return 0;
	return client->driver->ops->conn_new(client->driver, client->decl, env,
					     &client->conn, err);
}

int ga_client_prepare(struct ga_client *client,
		      const struct ga_client_env *env, struct ga_error *err)
{
	return ensure_conn(client, env, err);
}

static int refuse(const struct ga_client *client, const struct ga_step *step,
		  struct ga_error *err)
{
	if (client->unusable[0])
		return ga_error_set(err, "connection '%s' is unusable: %s",
				    client->decl->name, client->unusable);
	if (client->pending && step->kind != GA_STEP_REAP)
		return ga_error_set(err, "connection '%s' still has the query "
				    "sent at line %d in flight",
				    client->decl->name, client->pending_line);
	return 0;
}

/* What a call needs before it starts: a usable client and its driver's
 * state (a driver process started and greeted, bounded by its own
 * GA_PROTOCOL_HELLO_MS).  Not part of the call: a driver that is slow to
 * start (a JVM, node under load) does not eat the step's bound. */
static int ready(struct ga_client *client, const struct ga_step *step,
		 const struct ga_client_env *env, struct ga_error *err)
{
	if (refuse(client, step, err) || ensure_conn(client, env, err))
		return -1;
	return 0;
}

/* Makes client ready (not timed), then starts the call at *t0. */
static int start(struct ga_client *client, const struct ga_step *step,
		 const char *sql, const struct ga_client_env *env,
		 double *t0, struct ga_error *err)
{
	const struct ga_driver_ops *d;
	char why[400];

	if (ready(client, step, env, err))
		return -1;
	*t0 = ga_clock_ms();
	d = client->driver->ops;
	if (d->unsupported(client->conn, step, why, sizeof(why))) {
		ga_error_set(err, "the %s driver cannot do '%s': %s",
			     client->driver->name,
			     ga_step_kind_name(step->kind), why);
		return GA_CLIENT_UNSUPPORTED;
	}
	return d->start(client->conn, step, sql, err);
}

/* Waits for the running call until deadline_ms (a ga_clock_ms() time).
 * The outcome of a finished call always wins over the deadline: only a
 * call that is still running once the deadline has passed is a hang. */
static int wait_call(struct ga_client *client, double start_ms,
		     double deadline_ms, struct ga_interrupt *in,
		     struct ga_outcome *out, struct ga_error *err)
{
	const struct ga_driver_ops *d = client->driver->ops;
	struct ga_error cancel_err;
	enum ga_call_state st;
	long left;
	int r = 0, wfd, crc;

	for (;;) {
		st = d->collect(client->conn, out, err);
		if (st == GA_CALL_FINISHED)
			return 0;
		if (st == GA_CALL_FAILED)
			return -1;
		if (st == GA_CALL_UNSUPPORTED)
			return GA_CLIENT_UNSUPPORTED;
		left = (long)(deadline_ms - ga_clock_ms() + 0.999);
		if (left <= 0)
			break;
		wfd = d->call_wfd ? d->call_wfd(client->conn) : -1;
		r = ga_interrupt_poll(in, d->call_fd(client->conn), wfd, left);
		if (r < 0)
			break;
	}
	/* Still running: a hang (or a signal), decided now, whatever the
	 * call returns once it is cut. */
	memset(out, 0, sizeof(*out));
	out->result = GA_RESULT_HANG;
	out->elapsed_ms = ga_clock_ms() - start_ms;
	crc = d->cancel(client->conn, out, &cancel_err);
	if (crc != 0)
		snprintf(client->unusable, sizeof(client->unusable),
			 "its call was abandoned after a hang (%s)",
			 cancel_err.msg);
	if (crc == GA_CANCEL_UNDELIVERED && r >= 0) {
		/* the driver never took the request: nothing was called,
		 * so there is no outcome to judge */
		memset(out, 0, sizeof(*out));
		ga_error_set(err, "%s", cancel_err.msg);
		return -1;
	}
	return r < 0 ? GA_CLIENT_INTERRUPTED : 0;
}

int ga_client_call(struct ga_client *client, const struct ga_step *step,
		   const char *sql, const struct ga_client_env *env,
		   long watchdog_ms, struct ga_interrupt *in,
		   struct ga_outcome *out, struct ga_error *err)
{
	double t0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = start(client, step, sql, env, &t0, err);
	if (rc)
		return rc;
	return wait_call(client, t0, t0 + (double)watchdog_ms, in, out, err);
}

int ga_client_send(struct ga_client *client, const struct ga_step *step,
		   const char *sql, const struct ga_client_env *env,
		   struct ga_error *err)
{
	double t0;
	int rc;

	rc = start(client, step, sql, env, &t0, err);
	if (rc)
		return rc;
	client->pending = true;
	client->pending_start_ms = t0;
	client->pending_line = step->line;
	return 0;
}

int ga_client_reap(struct ga_client *client, long watchdog_ms,
		   struct ga_interrupt *in, struct ga_outcome *out,
		   struct ga_error *err)
{
	double t0 = client->pending_start_ms;

	memset(out, 0, sizeof(*out));
	if (!client->pending)
		return ga_error_set(err, "connection '%s' has no query in "
				    "flight to reap", client->decl->name);
	client->pending = false;
	return wait_call(client, t0, t0 + (double)watchdog_ms, in, out, err);
}

unsigned long ga_client_thread_id(const struct ga_client *client)
{
	if (!client->conn)
		return 0;
	return client->driver->ops->thread_id(client->conn);
}

int ga_client_server_ports(const struct ga_client *client, unsigned *ports,
			   size_t max, size_t *n, struct ga_error *err)
{
	*n = 0;
	if (!client->driver->ops->server_ports)
		return 1;
	if (!client->conn)
		return 0;
	return client->driver->ops->server_ports(client->conn, ports, max, n,
						 err);
}

void ga_client_teardown(struct ga_client *client)
{
	struct ga_outcome ignored;
	struct ga_error err;

	if (client->pending) {
		client->pending = false;
		if (wait_call(client, client->pending_start_ms, 0, NULL,
			      &ignored, &err) < 0)
			fprintf(stderr, "goneaway: connection '%s': %s\n",
				client->decl->name, err.msg);
	}
	if (client->conn)
		client->driver->ops->conn_free(client->conn);
	client->conn = NULL;
}
