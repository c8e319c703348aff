/* process_calls.c - a step's call on a driver process (client/process.h):
 * its request written (what each step carries: client/protocol.c's
 * table), its reply read back as a whole line and checked before a word
 * of it is believed (its id, its result, its errno and thread ids, the
 * words goneaway writes back), timed by the harness, and a hung call
 * cancelled by cutting its sockets, its late answer written down.  These
 * are the driver's ops (client/driver.h, struct ga_driver_ops) that
 * client/process_driver.c's table names.
 */
#include "client/process.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/protocol.h"
#include "client/reply.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/linewatch.h"

#define UNBLOCK_MS 3000         /* for the answer to a cut call */
#define REPLY_WATCH_BYTES ((size_t)1 << 20)     /* a send's reply read
						 * while other steps run;
						 * a longer one is timed
						 * when its reap reads it */

/* ---- requests ----------------------------------------------------------------- */

static void member_str(FILE *f, const char *name, const char *v)
{
	fprintf(f, ",\"%s\":", name);
	if (v)
		ga_json_write_string(f, v, strlen(v));
	else
		fputs("null", f);
}

/* The account of the connection: connect and change-user. */
static void write_login(struct ga_driver_conn *c, FILE *f)
{
	const struct ga_connection *d = c->decl;
	const struct ga_client_env *e = c->env;

	member_str(f, "user", d->user ? d->user : d->privileged ?
		   e->privileged_user : e->user);
	member_str(f, "password", d->password ? d->password : d->privileged ?
		   e->privileged_password : e->password);
	member_str(f, "database", d->database ? d->database : e->database);
}

static void write_connect(struct ga_driver_conn *c, FILE *f)
{
	const struct ga_client_env *e = c->env;
	struct ga_server_id who;

	fprintf(f, ",\"port\":%u", e->port);
	member_str(f, "host", e->host);
	member_str(f, "socket", e->socket);
	write_login(c, f);
	memset(&who, 0, sizeof(who));
	ga_driver_identify(c->drv, &who);
	ga_protocol_write_options(f, c->decl, &who, c->features,
				  c->env->infile_dir);
	/* a pool's settings only to a driver that declared pools
	 * (ga_conn_unsupported() keeps a pool's steps from any other) */
	if (c->decl->pool.line && (c->features & GA_FEATURE_POOL))
		ga_protocol_write_pool(f, c->decl);
}

/* A send's reply is read from its request on by a watch of its own
 * (util/linewatch.h): it may come while other steps run, and its reap
 * is timed to when its line came (reply_came()).  Any other call's
 * waiter polls for its reply itself.  Returns 0, or -1 with err set. */
static int watch_reply(struct ga_driver_conn *c, enum ga_step_kind kind,
		       struct ga_error *err)
{
	char *grown;

	ga_conn_take_watched(c);
	if (kind != GA_STEP_SEND)
		return 0;
	if (c->cap - c->len < REPLY_WATCH_BYTES + 1) {
		grown = realloc(c->buf, c->len + REPLY_WATCH_BYTES + 1);
		if (!grown)
			return ga_error_set(err, "out of memory");
		c->buf = grown;
		c->cap = c->len + REPLY_WATCH_BYTES + 1;
	}
	if (ga_linewatch_start(&c->reply_watch, c->from_fd, c->buf + c->len,
			       REPLY_WATCH_BYTES, err))
		return ga_error_prefix(err, "cannot watch for the reply of "
				       "'%s'", c->decl->name);
	return 0;
}

int ga_conn_start(struct ga_driver_conn *c, const struct ga_step *step,
		  const char *sql, struct ga_error *err)
{
	const char *name = ga_step_kind_name(step->kind);
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (c->dead)
		return ga_error_set(err, "driver %s is gone", c->drv->name);
	if (c->running)
		return ga_error_set(err, "a call is already running on '%s'",
				    c->decl->name);
	/* nothing may be waiting: a reply before its request is a lie */
	if (ga_conn_read_more(c, err))
		return -1;
	if (c->len)
		return ga_conn_died(c, "wrote a reply nobody asked for", err);
	if (c->eof)
		return ga_conn_died(c, "closed its output", err);
	f = ga_conn_request(c, step->kind == GA_STEP_SEND ? "query" : name,
			    &text, &len, err);
	if (!f)
		return -1;
	switch (step->kind) {
	case GA_STEP_CONNECT:
		write_connect(c, f);
		break;
	case GA_STEP_QUERY:
	case GA_STEP_SEND:
	case GA_STEP_PREPARE:
	case GA_STEP_STREAM:
		member_str(f, "sql", sql);
		break;
	case GA_STEP_EXECUTE:
		fprintf(f, ",\"blob\":%ld", step->size);
		/* the members of a feature only to a driver that declared
		 * it (ga_conn_unsupported() keeps a step that needs one
		 * away) */
		if (c->features & GA_FEATURE_PARAMS)
			ga_protocol_write_params(f, step);
		break;
	case GA_STEP_FETCH:
		if (c->features & GA_FEATURE_FETCH_PACE)
			fprintf(f, ",\"batch\":%ld,\"every_ms\":%ld",
				step->fetch_rows, step->fetch_every_ms);
		break;
	case GA_STEP_LONG_DATA:
		fprintf(f, ",\"size\":%ld,\"chunk\":%ld", step->size,
			step->chunk);
		break;
	case GA_STEP_CHANGE_USER:
		write_login(c, f);
		break;
	case GA_STEP_FORK:
		fprintf(f, ",\"mode\":\"%s\",\"count\":%ld",
			step->fork_mode == GA_FORK_CLOSE ? "close" :
			step->fork_mode == GA_FORK_EXIT ? "exit" : "share",
			step->count);
		break;
	default:
		break;
	}
	fputs("}\n", f);
	if (fclose(f) != 0) {
		free(text);
		return ga_error_set(err, "out of memory");
	}
	if (watch_reply(c, step->kind, err)) {
		free(text);
		return -1;
	}
	c->req = text;
	c->req_len = len;
	c->req_done = 0;
	c->start_ms = ga_clock_ms();
	rc = ga_conn_flush_request(c, err);
	if (rc) {
		ga_conn_take_watched(c);
		return -1;
	}
	c->running = c->next_id;
	c->running_kind = step->kind;
	return 0;
}

/* Notes when the line just read, the running call's reply, came, into
 * c->reply_ms: a send's when its watch read it (ga_conn_take_watched()),
 * which may be long before its reap; else now, as the waiter polls for
 * it. */
static void reply_came(struct ga_driver_conn *c)
{
	double now = ga_clock_ms();

	c->reply_ms = c->line_ms > 0 && c->line_ms < now ? c->line_ms : now;
	c->line_ms = 0;
}

/* The call's elapsed time as the harness measured it: from
 * ga_conn_start(), when it wrote the request, to when the reply came
 * (reply_came()).  Never the driver's elapsed_ms: a driver measures from
 * when it read the request, which a busy machine delays (130 ms at load
 * 40), so its figure is short by that much.  It is a lower bound, then:
 * one above the harness's is written down in the driver's log. */
static double elapsed(const struct ga_driver_conn *c, const struct ga_json *j)
{
	double ms = c->reply_ms - c->start_ms;
	const struct ga_json *v = ga_json_get(j, "elapsed_ms");

	if (v && v->type == GA_JSON_NUMBER && isfinite(v->num) &&
	    v->num > ms + 1)
		ga_conn_log_note(c, "reply to request %ld: its elapsed_ms "
				 "%.3f is more than goneaway saw from the "
				 "request to the reply (%.3f ms): not used",
				 c->running, v->num, ms);
	return ms;
}

/* Reply j (its id checked) read by the table (client/reply.h) into
 * out; a refusal is the driver's failure (err set, c dead). */
static enum ga_call_state reply_to_outcome(struct ga_driver_conn *c,
					   const struct ga_json *j,
					   struct ga_outcome *out,
					   struct ga_error *err)
{
	struct ga_reply_why why;

	switch (ga_reply_read(j, c->running_kind, c->features, out, &why)) {
	case GA_REPLY_UNSUPPORTED:
		ga_error_set(err, "%s", why.reason);
		return GA_CALL_UNSUPPORTED;
	case GA_REPLY_REFUSED:
		ga_conn_died(c, why.what, err);
		ga_error_prefix(err, "%s", why.detail);
		return GA_CALL_FAILED;
	case GA_REPLY_TAKEN:
		break;
	}
	out->api = ga_driver_intern(c->drv, out->api);
	if (why.note[0])
		ga_conn_log_note(c, "reply to request %ld: %s", c->running,
				 why.note);
	out->elapsed_ms = elapsed(c, j);
	return GA_CALL_FINISHED;
}

/* The server thread the connection has after the running call finished
 * with out.  A connect or a close sets it, 0 included: after a connect
 * whose driver reports no thread id there is none to KILL, never the
 * previous session's.  Any other call that did not fail moves it to a
 * new one it reports (a reconnect); 0 there is "unknown", not "none". */
static void keep_thread(struct ga_driver_conn *c, const struct ga_outcome *out)
{
	if (c->running_kind == GA_STEP_CONNECT ||
	    c->running_kind == GA_STEP_CLOSE ||
	    c->running_kind == GA_STEP_EVICT)
		c->thread_id = out->thread_after;
	else if (out->result != GA_RESULT_ERROR && out->thread_after)
		c->thread_id = out->thread_after;
}

/* Whether reply j answers the request with id want: its id must be that
 * very integer (2.9 is not 2).  Else err says what came. */
static bool answers(struct ga_driver_conn *c, const struct ga_json *j,
		    long want, struct ga_error *err)
{
	const struct ga_json *v = ga_json_get(j, "id");

	if (v && v->type == GA_JSON_NUMBER && v->num == (double)want)
		return true;
	ga_conn_died(c, "answered another request", err);
	if (v && v->type == GA_JSON_NUMBER)
		ga_error_prefix(err, "the reply's id is %.15g, expected %ld",
				v->num, want);
	else
		ga_error_prefix(err, "the reply has %s, expected id %ld",
				v ? "a non-numeric id" : "no id", want);
	return false;
}

enum ga_call_state ga_conn_collect(struct ga_driver_conn *c,
				   struct ga_outcome *out, struct ga_error *err)
{
	enum ga_call_state st;
	struct ga_json *j;
	int got;

	ga_conn_take_watched(c);        /* the waiter reads from now on */
	if (!c->running) {
		ga_error_set(err, "no call is running on '%s'", c->decl->name);
		return GA_CALL_FAILED;
	}
	if (ga_conn_flush_request(c, err)) {
		c->running = 0;
		return GA_CALL_FAILED;
	}
	j = ga_conn_next_line(c, &got, err);
	if (!got)
		return GA_CALL_RUNNING;
	reply_came(c);
	if (got < 0) {
		c->running = 0;
		return GA_CALL_FAILED;
	}
	if (c->req) {
		ga_json_free(j);
		c->running = 0;
		ga_conn_died(c, "answered before it had read its whole "
			     "request", err);
		return GA_CALL_FAILED;
	}
	if (!answers(c, j, c->running, err)) {
		ga_json_free(j);
		c->running = 0;
		return GA_CALL_FAILED;
	}
	st = reply_to_outcome(c, j, out, err);
	c->running = 0;
	ga_json_free(j);
	if (st == GA_CALL_FINISHED)
		keep_thread(c, out);
	return st;
}

int ga_conn_call_fd(const struct ga_driver_conn *c)
{
	return c->from_fd;
}

int ga_conn_call_wfd(const struct ga_driver_conn *c)
{
	return c->req ? c->to_fd : -1;
}

/* The request's step as the driver saw it ("query" for a send). */
static const char *wire_step(enum ga_step_kind kind)
{
	return kind == GA_STEP_SEND ? "query" : ga_step_kind_name(kind);
}

/* The answer to a hung call, j (its id checked), which came once its
 * sockets were cut: checked like any reply, then written down, in the
 * driver's log and in the hang's message, and dropped.  The step stays
 * a hang: the watchdog decided before the answer came.  Returns 0, or
 * -1 with err set when the reply breaks the protocol. */
static int late_reply(struct ga_driver_conn *c, const struct ga_json *j,
		      struct ga_outcome *hang, struct ga_error *err)
{
	struct ga_outcome late;
	enum ga_call_state st;
	char what[700];
	const char *name;
	double ms = ga_clock_ms() - c->start_ms;

	st = reply_to_outcome(c, j, &late, err);
	if (st == GA_CALL_FAILED)
		return -1;
	if (st == GA_CALL_UNSUPPORTED) {
		snprintf(what, sizeof(what), "unsupported \"%s\"", err->msg);
	} else if (late.result == GA_RESULT_ERROR) {
		name = late.error_name[0] ? late.error_name : NULL;
		snprintf(what, sizeof(what), "error %u%s%s%s%s%s \"%s\"",
			 late.err, name || late.error_class[0] ? " (" : "",
			 name ? name : "", name && late.error_class[0] ?
			 ", " : "", late.error_class,
			 name || late.error_class[0] ? ")" : "", late.message);
	} else if (late.result == GA_RESULT_WRONG) {
		snprintf(what, sizeof(what), "a wrong result \"%s\"",
			 late.message);
	} else if (late.has_value && !late.value_null) {
		snprintf(what, sizeof(what), "ok with '%s'", late.value);
	} else {
		snprintf(what, sizeof(what), "ok");
	}
	if (st == GA_CALL_FINISHED)
		keep_thread(c, &late);
	ga_conn_log_note(c, "late reply to request %ld (%s), %.0f ms after it "
			 "was sent, once its sockets were cut after the hang: "
			 "%s [%s]", c->running, wire_step(c->running_kind), ms,
			 what, late.api ? late.api : "driver");
	snprintf(hang->message, sizeof(hang->message), "its late reply, %.0f "
		 "ms after the request, once its sockets were cut: %s", ms,
		 what);
	return 0;
}

int ga_conn_cancel(struct ga_driver_conn *c, struct ga_outcome *hang,
		   struct ga_error *err)
{
	struct ga_socket_set socks;
	struct ga_json *j;
	size_t done = c->req_done, len = c->req_len;
	const char *tail;

	hang->api = ga_driver_intern(c->drv, "driver call");
	ga_conn_take_watched(c);
	if (!c->running)
		return 0;
	if (c->req) {
		/* it never took its request: no call was made */
		c->running = 0;
		ga_conn_kill(c);
		c->dead = true;
		ga_error_set(err, "driver %s did not read its request (%zu of "
			     "%zu bytes taken in %.0f ms): killed",
			     c->drv->name, done, len,
			     ga_clock_ms() - c->start_ms);
		return GA_CANCEL_UNDELIVERED;
	}
	ga_socket_set_of_process(c->pid, &socks);
	if (socks.n)
		ga_sockets_cut_these(c->env->netns_fd, &socks, err);
	ga_socket_set_free(&socks);
	j = ga_conn_wait_line(c, UNBLOCK_MS, err);
	reply_came(c);
	if (j && answers(c, j, c->running, err) &&
	    late_reply(c, j, hang, err) == 0) {
		ga_json_free(j);
		c->running = 0;
		return 0;
	}
	ga_json_free(j);
	ga_conn_kill(c);
	if (c->dead) {          /* it broke the protocol: err says how */
		ga_error_prefix(err, "after its sockets were cut");
		tail = strstr(err->msg, "; its stderr ends: ");
		ga_conn_log_note(c, "request %ld (%s) hung, and %.*s: killed",
				 c->running, wire_step(c->running_kind),
				 tail ? (int)(tail - err->msg) :
				 (int)strlen(err->msg), err->msg);
		c->running = 0;
		return -1;
	}
	ga_conn_log_note(c, "request %ld (%s) hung, and no reply came within "
			 "%d ms of its sockets being cut: killed", c->running,
			 wire_step(c->running_kind), UNBLOCK_MS);
	c->running = 0;
	c->dead = true;
	return ga_error_set(err, "driver %s did not answer within %d ms of "
			    "its sockets being cut: killed%s", c->drv->name,
			    UNBLOCK_MS, c->got_bytes ? "" : " (no reply bytes "
			    "at all: is stdout flushed?)");
}

int ga_conn_unsupported(const struct ga_driver_conn *c,
			const struct ga_step *step, char *why, size_t len)
{
	const struct ga_json *map = ga_json_get(c->hello, "unsupported");
	const char *reason;

	struct ga_server_id who;

	reason = ga_json_str(map, ga_step_kind_name(step->kind), NULL);
	if (step->kind == GA_STEP_SEND && !reason)
		reason = ga_json_str(map, "query", NULL);
	if (!reason) {
		/* a member of a feature the greeting did not declare */
		memset(&who, 0, sizeof(who));
		ga_driver_identify(c->drv, &who);
		return ga_protocol_missing(ga_protocol_step_needs(step,
							c->decl, &who),
					   c->features, c->protocol, why, len);
	}
	snprintf(why, len, "%s", reason);
	return 1;
}

unsigned long ga_conn_thread_id(const struct ga_driver_conn *c)
{
	return c->thread_id;
}
