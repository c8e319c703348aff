/* marks.c - where a case's part of its server's life begins.
 *
 * A server kept from the case before (run/reuse.c) has that case's
 * lines in its error log and its moves in its status counters.  So what
 * a case reads of them is read from its own mark on: the error log's
 * size and the value of every counter its "status" steps name, taken
 * right before its first step, and the counters again after every start
 * of the server inside the case (a start sets them to zero).  "errorlog"
 * searches past the mark; "status" reports how far the counter moved
 * since (run/steps.c), "status NAME now" the value as it is (a gauge,
 * Threads_connected: what a case before left of it is gone with its
 * sessions).  A fresh server and a kept one then give a case
 * the same view: its own.
 *
 * A scenario with an "errorlog" step also marks its sessions: the id of
 * the harness's own session at the mark, which is larger than that of
 * every session before it (a server numbers its sessions in order, from
 * 1 at each start; so again after a start inside the case).  A session
 * writes its last lines - an aborted connection, a timeout, a packet too
 * large - before it leaves the server's processlist (MariaDB and MySQL
 * both print them in the session's own thread, in end_connection() and
 * close_connection(), before they unlink it).  So once no session past
 * the mark is left but the one asking, a line about a session of the
 * case that is not in the log will never be: "errorlog" need not wait
 * out its bound for it (run/steps.c).
 *
 * The other way round, a line found is no sign that its session has
 * left: the session writes it in end_connection(), and closes its
 * socket after, in close_connection().  On a busy machine its thread can
 * wait between the two, and a query sent then is read as sent to a
 * session still open (MariaDB's reset of the unread query: 2013 where
 * the closed socket's refusal says 2006).  So "errorlog", having found a
 * line a session of the case wrote, waits until that session has left
 * the processlist: its socket is closed by then (run/steps.c).
 */
#include "run/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/program.h"

/* Parses a counter's value; false when it is not a whole number. */
static bool parse_counter(const char *s, long long *v)
{
	char *end;

	if (!*s)
		return false;
	*v = strtoll(s, &end, 10);
	return *end == '\0';
}

/* Reads counter name into *v.  Returns 0, or -1 with err set. */
static int read_counter(struct ga_case *c, const char *name, long long *v,
			struct ga_error *err)
{
	struct ga_outcome out;

	if (ga_server_status(&c->srv, name, &out, err))
		return -1;
	if (out.result != GA_RESULT_OK)
		return ga_error_set(err, "reading status %s: %u %s", name,
				    out.err, out.message);
	if (!out.has_value || out.value_null)
		return ga_error_set(err, "the server has no status variable "
				    "'%s'", name);
	if (!parse_counter(out.value, v))
		return ga_error_set(err, "status %s is '%s', not a whole "
				    "number", name, out.value);
	return 0;
}

/* A whole number of at most ULONG_MAX in s into *v; false if it is not. */
static bool parse_id(const char *s, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return *end == '\0' && errno == 0;
}

/* The whole number a fresh admin session answers to sql (the first
 * value of its first row) into *v; false when it did not answer one. */
static bool admin_number(struct ga_case *c, const char *sql,
			 unsigned long *v)
{
	struct ga_outcome out;
	struct ga_error ignored;

	if (ga_server_admin_query(&c->srv, sql, &out, &ignored) != 0 ||
	    out.result != GA_RESULT_OK || !out.has_value || out.value_null)
		return false;
	return parse_id(out.value, v);
}

/* The session mark (see the top of this file).  Not a harness error
 * when the server does not answer: "errorlog" then waits out its
 * bound, as without a mark. */
static void mark_sessions(struct ga_case *c)
{
	unsigned long id;

	c->session_mark = 0;
	if (!ga_scenario_has_step(c->sc, GA_STEP_ERRORLOG) ||
	    !admin_number(c, "SELECT CONNECTION_ID()", &id))
		return;
	c->session_mark = id;
	c->session_mark_start = c->starts;
}

/* Whether the server's process is stopped (a "pause" fault): it would
 * not answer the processlist, and the admin connection's bound is far
 * longer than an errorlog step's. */
static bool server_stopped(pid_t pid)
{
	char state = pid > 0 ? ga_program_state(pid) : 0;

	/* none runs: no processlist to read */
	return !state || state == 'T' || state == 't' || state == 'Z' ||
	       state == 'X';
}

bool ga_case_sessions_ended(struct ga_case *c)
{
	char sql[200];
	unsigned long n;

	if (!c->session_mark || c->session_mark_start != c->starts ||
	    server_stopped(c->srv.pid))
		return false;
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM information_schema."
		 "PROCESSLIST WHERE ID > %lu AND ID <> CONNECTION_ID()",
		 c->session_mark);
	return admin_number(c, sql, &n) && n == 0;
}

bool ga_case_session_on_server(struct ga_case *c, unsigned long id)
{
	char sql[160];
	unsigned long n;

	if (!c->session_mark || c->session_mark_start != c->starts ||
	    id <= c->session_mark || server_stopped(c->srv.pid))
		return false;
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM information_schema."
		 "PROCESSLIST WHERE ID = %lu", id);
	return admin_number(c, sql, &n) && n > 0;
}

int ga_case_mark_status(struct ga_case *c, struct ga_error *err)
{
	const struct ga_scenario *sc = c->sc;
	size_t i;

	mark_sessions(c);

	if (!c->status_from) {
		c->status_from = calloc(sc->nsteps ? sc->nsteps : 1,
					sizeof(*c->status_from));
		if (!c->status_from)
			return ga_error_set(err, "out of memory");
	}
	for (i = 0; i < sc->nsteps; i++)
		if (sc->steps[i].kind == GA_STEP_STATUS && sc->steps[i].text &&
		    !sc->steps[i].status_now &&
		    read_counter(c, sc->steps[i].text, &c->status_from[i], err))
			return ga_error_prefix(err, "the case's mark");
	return 0;
}

int ga_case_mark(struct ga_case *c, struct ga_error *err)
{
	c->errlog_from = ga_server_log_size(&c->srv);
	return ga_case_mark_status(c, err);
}

int ga_case_status_moved(struct ga_case *c, size_t i, struct ga_outcome *out,
			 struct ga_error *err)
{
	const char *name = c->sc->steps[i].text;
	long long now;

	memset(out, 0, sizeof(*out));
	if (read_counter(c, name, &now, err))
		return -1;
	out->result = GA_RESULT_OK;
	out->has_value = true;
	snprintf(out->value, sizeof(out->value), "%lld",
		 now - (c->status_from && !c->sc->steps[i].status_now ?
			c->status_from[i] : 0));
	return 0;
}
