/* process_lines.c - a driver process's lines (client/process.h): what it
 * writes read without blocking, a whole line of at most LINE_MAX_BYTES at
 * a time, each byte looked at once; a request written without blocking;
 * its greeting, bounded by the harness; and a request of the protocol's
 * own (begin-case, end-case, spawn) written and its answer waited for.
 * Whatever breaks the protocol ends as ga_conn_died(): the process is
 * given up, never trusted.
 */
#include "client/process.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/protocol.h"
#include "util/clock.h"
#include "util/interrupt.h"
#include "util/json.h"
#include "util/machine.h"

#define HELLO_MS GA_PROTOCOL_HELLO_MS
#define CONTROL_MS 5000         /* for a kept driver's answer to begin-case
				 * or end-case (closing a pool's threads,
				 * a JVM's included), stretched on a busy
				 * machine */
#define HOLD_POLL_MS 20         /* a spawned one's end looked for, before
				 * its greeting */
#define LINE_MAX_BYTES ((size_t)64 << 20)

/* ---- lines ------------------------------------------------------------------ */

/* Reads what is there without blocking.  Returns 0 (also at EOF, which
 * sets c->eof: a last line may be waiting in buf), or -1 with err set
 * when the driver cannot be read or wrote a line that is too long. */
int ga_conn_read_more(struct ga_driver_conn *c, struct ga_error *err)
{
	char *grown;
	size_t want;
	ssize_t n;

	while (!c->eof) {
		if (c->len > LINE_MAX_BYTES &&
		    !memchr(c->buf + c->scanned, '\n', c->len - c->scanned))
			return ga_conn_died(c, "wrote a line longer than "
					    "64 MiB", err);
		if (c->cap - c->len < 65536) {
			want = c->cap * 2 + 65536;
			if (want > LINE_MAX_BYTES + 131072)
				want = LINE_MAX_BYTES + 131072;
			if (want <= c->cap)
				return 0;       /* full of whole lines */
			grown = realloc(c->buf, want);
			if (!grown)
				return ga_error_set(err, "out of memory");
			c->buf = grown;
			c->cap = want;
		}
		n = read(c->from_fd, c->buf + c->len, c->cap - c->len - 1);
		if (n > 0) {
			c->len += (size_t)n;
			c->got_bytes += (unsigned long long)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0)
			return ga_conn_died(c, "cannot be read", err);
		c->eof = true;
	}
	return 0;
}

/* The end of the first whole line in buf, or NULL; each byte is looked
 * at once however often this is asked (no quadratic scan). */
static char *find_newline(struct ga_driver_conn *c)
{
	char *nl;

	if (c->scanned >= c->len)
		return NULL;
	nl = memchr(c->buf + c->scanned, '\n', c->len - c->scanned);
	c->scanned = nl ? (size_t)(nl - c->buf) : c->len;
	return nl;
}

/* The next whole line, parsed, or NULL with *got 0 (none yet) or -1
 * (err set: not JSON, too long, or the driver is gone). */
struct ga_json *ga_conn_next_line(struct ga_driver_conn *c, int *got,
				  struct ga_error *err)
{
	struct ga_json *j;
	struct ga_error why;
	char *nl;
	size_t n;

	*got = 0;
	nl = find_newline(c);
	if (!nl) {
		if (ga_conn_read_more(c, err)) {
			*got = -1;
			return NULL;
		}
		nl = find_newline(c);
	}
	if (!nl) {
		if (c->len > LINE_MAX_BYTES) {
			*got = -1;
			ga_conn_died(c, "wrote a line longer than 64 MiB",
				     err);
			return NULL;
		}
		if (c->eof) {
			*got = -1;
			ga_conn_died(c, c->len ? "closed its output in the "
				     "middle of a line" : "closed its output",
				     err);
		}
		return NULL;
	}
	n = (size_t)(nl - c->buf);
	if (n > LINE_MAX_BYTES) {
		*got = -1;
		ga_conn_died(c, "wrote a line longer than 64 MiB", err);
		return NULL;
	}
	j = ga_json_parse(c->buf, n, &why);
	if (!j || j->type != GA_JSON_OBJECT) {
		ga_json_free(j);
		*got = -1;
		ga_conn_died(c, "wrote a line that is not a JSON object",
			     err);
		ga_error_prefix(err, "%s", j ? "not an object" : why.msg);
		return NULL;
	}
	memmove(c->buf, nl + 1, c->len - n - 1);
	c->len -= n + 1;
	c->scanned = 0;
	*got = 1;
	return j;
}

/* Waits (watching for signals) for the next line until deadline; an
 * error names the whole bound, deadline - since (a caller that stretches
 * its deadline on a busy machine waits again: the error names all it
 * waited, not the last stretch). */
static struct ga_json *wait_line_until(struct ga_driver_conn *c,
				       double since, double deadline,
				       struct ga_error *err)
{
	struct ga_interrupt *in = c->env ? c->env->in : c->in;
	long ms = (long)(deadline - since);
	struct ga_json *j;
	int got;

	for (;;) {
		j = ga_conn_next_line(c, &got, err);
		if (got)
			return j;
		if (ga_clock_ms() >= deadline) {
			if (!c->got_bytes)
				ga_error_set(err, "no reply bytes at all within "
					     "%ld ms: is stdout flushed?", ms);
			else if (c->len)
				ga_error_set(err, "%zu bytes but no end of line "
					     "within %ld ms", c->len, ms);
			else
				ga_error_set(err, "no answer within %ld ms", ms);
			return NULL;
		}
		if (c->hold_fd >= 0 &&
		    ga_interrupt_wait(NULL, c->pidfd, 0) == 1) {
			/* it ended before its greeting: its output's end
			 * is read next */
			close(c->hold_fd);
			c->hold_fd = -1;
			continue;
		}
		if (ga_interrupt_wait(in, c->from_fd, c->hold_fd >= 0 ?
				      HOLD_POLL_MS :
				      (long)(deadline - ga_clock_ms()) + 1) < 0) {
			ga_error_set(err, "interrupted by a signal");
			return NULL;
		}
	}
}

/* Waits (bounded, watching for signals) for the next line. */
struct ga_json *ga_conn_wait_line(struct ga_driver_conn *c, long ms,
				  struct ga_error *err)
{
	double now = ga_clock_ms();

	return wait_line_until(c, now, now + (double)ms, err);
}

/* Writes what it can of the pending request without blocking.  Returns
 * 0 (c->req_done tells how far it got), or -1 with err set when the
 * driver's input is closed. */
int ga_conn_flush_request(struct ga_driver_conn *c, struct ga_error *err)
{
	ssize_t n;

	while (c->req && c->req_done < c->req_len) {
		n = write(c->to_fd, c->req + c->req_done,
			  c->req_len - c->req_done);
		if (n > 0) {
			c->req_done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		return ga_conn_died(c, n < 0 && errno == EPIPE ?
				    "closed its input" : "cannot be written to",
				    err);
	}
	free(c->req);
	c->req = NULL;
	c->req_len = c->req_done = 0;
	return 0;
}

/* ---- the greeting -------------------------------------------------------------- */

int ga_conn_read_hello(struct ga_driver_conn *c, struct ga_error *err)
{
	struct ga_interrupt *in = c->env ? c->env->in : c->in;
	struct ga_machine m;
	char note[128];
	struct ga_json *j;
	char why[200] = "";

	double start = ga_clock_ms(), deadline = 0;
	long bound;

	/* the bound is the harness's: a busy machine stretches it, also
	 * one that became busy while it waited, and it is at least 20
	 * times what this driver's last greeting took */
	bound = ga_machine_extend(start, HELLO_MS, 20 * c->drv->hello_ms,
				  &deadline, &m);
	for (;;) {
		j = wait_line_until(c, start, deadline, err);
		if (j || ga_interrupted(in) || c->eof)
			break;
		if (ga_machine_extend(start, HELLO_MS, 20 * c->drv->hello_ms,
				      &deadline, &m) == bound)
			break;
		bound = (long)(deadline - start);
	}
	if (!j && ga_interrupted(in))
		return ga_error_prefix(err, "driver %s: its greeting",
				       c->drv->argv[0]);
	if (!j && (c->eof || c->dead))  /* its own doing, not a bound */
		return ga_error_prefix(err, "driver %s: its greeting (after "
				       "%.0f ms)", c->drv->argv[0],
				       ga_clock_ms() - start);
	if (!j) {
		/* silent past its bound: no grace at the end either (its
		 * stretched exit wait came on top of the greeting's) */
		c->dead = true;
		ga_machine_note(&m, note, sizeof(note));
		return ga_error_prefix(err, "driver %s: its greeting (%s; "
				       "waited %ld ms)", c->drv->argv[0],
				       note, bound);
	}
	c->drv->hello_ms = (long)(ga_clock_ms() - start);
	if (strcmp(ga_json_str(j, "hello", ""), "goneaway-driver") != 0 ||
	    ga_protocol_greeting(j, &c->protocol, &c->features, why,
				 sizeof(why))) {
		ga_json_free(j);
		return ga_error_set(err, "driver %s: its first line is not a "
				    "greeting of protocol %d to %d%s%s "
				    "(docs/driver-protocol.md)",
				    c->drv->argv[0], GA_PROTOCOL_OLDEST,
				    GA_PROTOCOL_VERSION, why[0] ? ": " : "",
				    why);
	}
	c->hello = j;
	return 0;
}

/* ---- requests ---------------------------------------------------------- */

/* Opens the text of c's next request, a memory stream of *text (len
 * bytes once closed), its id the next of c's and its step written:
 * {"id":N,"step":"STEP" (the caller writes the rest).  NULL with err
 * set. */
FILE *ga_conn_request(struct ga_driver_conn *c, const char *step,
		      char **text, size_t *len, struct ga_error *err)
{
	FILE *f = open_memstream(text, len);

	if (!f) {
		ga_error_set(err, "out of memory");
		return NULL;
	}
	c->next_id++;
	fprintf(f, "{\"id\":%ld,\"step\":\"%s\"", c->next_id, step);
	return f;
}

/* ---- a request of the protocol's own ------------------------------------- */

/* Sends a request of the protocol's own (begin-case, end-case, spawn:
 * extra is its members after the step, "" or ",\"dir\":...") without
 * waiting for its answer (ga_conn_control_answer() reads it), written
 * within CONTROL_MS stretched on a busy machine.  Returns 0, or -1 with
 * err set (the process is not kept then). */
int ga_conn_control_send(struct ga_driver_conn *c, const char *step,
			 const char *extra, struct ga_error *err)
{
	struct ga_interrupt *in = c->env ? c->env->in : c->in;
	struct ga_machine m;
	double start, deadline = 0;
	long bound;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (c->dead || c->running)
		return ga_error_set(err, "it is %s", c->dead ? "gone" :
				    "still answering a request");
	if (ga_conn_read_more(c, err))
		return -1;
	if (c->len)
		return ga_conn_died(c, "wrote a reply nobody asked for", err);
	f = ga_conn_request(c, step, &text, &len, err);
	if (!f)
		return -1;
	fprintf(f, "%s}\n", extra);
	if (fclose(f) != 0) {
		free(text);
		return ga_error_set(err, "out of memory");
	}
	c->req = text;
	c->req_len = len;
	c->req_done = 0;
	start = ga_clock_ms();
	bound = ga_machine_extend(start, CONTROL_MS, 0, &deadline, &m);
	while (c->req) {
		if (ga_conn_flush_request(c, err))
			return -1;
		if (!c->req)
			break;
		if (ga_clock_ms() >= deadline)
			return ga_error_set(err, "it did not read its %s request "
					    "within %ld ms", step, bound);
		if (ga_interrupt_poll(in, -1, c->to_fd,
				      (long)(deadline - ga_clock_ms()) + 1) < 0)
			return ga_error_set(err, "interrupted by a signal");
	}
	return 0;
}

/* Waits for the answer to the request of the protocol's own that
 * ga_conn_control_send() sent c last (step), CONTROL_MS from now
 * stretched on a busy machine.  Returns 0 when it was answered ok, or
 * -1 with err set. */
int ga_conn_control_answer(struct ga_driver_conn *c, const char *step,
			   struct ga_error *err)
{
	struct ga_interrupt *in = c->env ? c->env->in : c->in;
	struct ga_machine m;
	struct ga_json *j = NULL;
	double start = ga_clock_ms(), deadline = 0;
	long bound = ga_machine_extend(start, CONTROL_MS, 0, &deadline, &m);

	for (;;) {
		j = wait_line_until(c, start, deadline, err);
		if (j || ga_interrupted(in) || c->dead)
			break;
		if (ga_machine_extend(start, CONTROL_MS, 0, &deadline, &m) ==
		    bound)
			break;
		bound = (long)(deadline - start);
	}
	if (!j)
		return ga_error_prefix(err, "its answer to %s", step);
	if (ga_json_num(j, "id", -1) != (double)c->next_id) {
		ga_json_free(j);
		return ga_error_set(err, "its answer to %s has another id",
				    step);
	}
	if (strcmp(ga_json_str(j, "result", ""), "ok") != 0) {
		ga_error_set(err, "it answered %s with %s: %s", step,
			     ga_json_str(j, "result", "no result"),
			     ga_json_str(j, "message", ""));
		ga_json_free(j);
		return -1;
	}
	ga_json_free(j);
	return 0;
}

/* Sends a request of the protocol's own and waits for its answer
 * (ga_conn_control_send(), ga_conn_control_answer()). */
int ga_conn_control(struct ga_driver_conn *c, const char *step,
		    const char *extra, struct ga_error *err)
{
	if (ga_conn_control_send(c, step, extra, err))
		return -1;
	return ga_conn_control_answer(c, step, err);
}
