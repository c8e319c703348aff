/* steps.c - what each step kind does in a run, and how its outcome is
 * checked.  Steps on a client connection go to its driver
 * (client/client.h); the others act on the server, the lab or the clock
 * through the admin connection, the fault stack and the server backend.
 */
#include "run/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lang/errnames.h"
#include "lang/expand.h"
#include "lang/sqlset.h"
#include "lang/threadvar.h"
#include "run/expect.h"
#include "util/clock.h"
#include "util/machine.h"

#define HANG_GRACE_MS 2000      /* past "within", a call counts as hung */
#define ERRORLOG_WAIT_MS 2000   /* the server writes its log a bit late
				 * (stretched by the machine's load) */

typedef int step_fn(struct ga_case *c, const struct ga_step *step,
		    struct ga_step_result *sr);

/* How long to wait for a client call before calling it a hang: its
 * expect line's own bound ("within", longer or shorter than the
 * default), else --step-timeout, the watchdog of a call without one. */
static long watchdog_ms(const struct ga_case *c, const struct ga_expect *e)
{
	long w = c->r->opts->step_timeout_ms;

	if (!e)
		return w;
	if ((e->set.hang || e->set.any) && e->after_ms >= 0)
		return e->after_ms;
	if (e->within_ms >= 0)
		return e->within_ms + HANG_GRACE_MS;
	return w;
}

/* "query app: was 2013 (CR_SERVER_LOST) within 1000 ms in the
 * expectations, now 2006 (...) after 3 ms (pymysql.expect:14, ...)":
 * a line of a connector's expectation file that no longer holds. */
static void file_mismatch(struct ga_case *c, const struct ga_step *step,
			  const struct ga_step_result *sr)
{
	char want[512], got[768], where[600];

	ga_expect_describe(sr->expect, want, sizeof(want));
	ga_outcome_describe(&sr->out, got, sizeof(got));
	ga_expect_where(sr->expect, where, sizeof(where));
	ga_case_verdict_first(c->res, GA_VERDICT_FAIL, step->line,
			      "%s%s%s: was %s in the expectations, now %s%s",
			      ga_step_kind_name(step->kind),
			      step->conn >= 0 ? " " : "", step->conn >= 0 ?
			      c->sc->connections[step->conn].name : "", want,
			      got, where);
}

/* A check of the whole server (status, errorlog, an admin query with an
 * expect line: on no client connection) whose outcome did not match,
 * after steps of a connection the client gave up on: those steps may be
 * what it checks (the log line a skipped oversized statement would
 * have made, the counter a skipped connect would have moved), so it is
 * not judged: it is skipped too, with what it saw.  Returns true when
 * it is. */
static bool depends_on_skipped(struct ga_case *c, const struct ga_step *step,
			       struct ga_step_result *sr)
{
	char seen[400];
	size_t i;

	if (step->conn >= 0 || !c->sessions)
		return false;
	/* an admin query without expect lines sets up: its failure is the
	 * harness's, skipped steps or not */
	if (step->kind == GA_STEP_ADMIN && !sr->expect)
		return false;
	for (i = 0; i < c->sc->nconnections; i++)
		if (c->sessions[i].skip[0])
			break;
	if (i == c->sc->nconnections)
		return false;
	ga_outcome_describe(&sr->out, seen, sizeof(seen));
	snprintf(sr->skipped, sizeof(sr->skipped), "not judged: it %s, and "
		 "it checks the server, which the skipped steps of connection "
		 "'%s' (from line %d) may have been what changes", seen,
		 c->sc->connections[i].name, c->sessions[i].skip_line);
	sr->ran = false;
	sr->matched = false;
	return true;
}

/* Returns 0 to go on, -1 to stop (the verdict is set).  In a --record
 * run a step that did not match goes on: its outcome is what is
 * recorded, and the first one gives the verdict. */
static int check_outcome(struct ga_case *c, const struct ga_step *step,
			 struct ga_step_result *sr)
{
	bool record = c->r->opts->record;
	char why[900];
	size_t n;

	sr->ran = true;
	sr->out.flavour = c->srv.id.flavour;
	if (!sr->expect) {
		/* no expect line applies: setup and actions must succeed */
		if (sr->out.result == GA_RESULT_OK) {
			sr->matched = true;
			return 0;
		}
		if (depends_on_skipped(c, step, sr))
			return 0;
		ga_outcome_describe(&sr->out, why, sizeof(why));
		ga_case_verdict_first(c->res, GA_VERDICT_ERROR, step->line,
				      "%s: %s", ga_step_kind_name(step->kind),
				      why);
		return record ? 0 : -1;
	}
	sr->matched = ga_expect_match(sr->expect, &sr->out, why, sizeof(why));
	if (sr->expect->set.any && !c->placeholder)
		c->placeholder = sr->expect->line;
	if (sr->matched || depends_on_skipped(c, step, sr))
		return 0;
	if (sr->expect->origin) {
		file_mismatch(c, step, sr);
		return record ? 0 : -1;
	}
	if (c->res->verdict != GA_VERDICT_PASS)
		return record ? 0 : -1;
	ga_case_verdict(c->res, GA_VERDICT_FAIL, step->line, "%s%s%s: %s",
			ga_step_kind_name(step->kind), step->conn >= 0 ? " " : "",
			step->conn >= 0 ? c->sc->connections[step->conn].name : "",
			why);
	if (sr->expect->line > 0) {
		n = strlen(c->res->reason);
		ga_expect_where(sr->expect, c->res->reason + n,
				sizeof(c->res->reason) - n);
	}
	return record ? 0 : -1;
}

/* A step the client driver cannot do (or an option of its connection
 * it does not have, answered at the connect): the step is skipped, and
 * so is every later step on its connection or naming it; the rest of
 * the scenario goes on, and the case ends partly skipped, never PASS
 * (run/runner.c). */
static int unsupported(struct ga_case *c, const struct ga_step *step,
		       struct ga_step_result *sr, const struct ga_error *err)
{
	struct ga_session *s = &c->sessions[step->conn];

	snprintf(s->skip, sizeof(s->skip), "%s", err->msg);
	s->skip_line = step->line;
	snprintf(sr->skipped, sizeof(sr->skipped), "%s", err->msg);
	sr->ran = false;
	return 0;
}

/* A step on (or naming) a connection the client gave up on: skipped,
 * with the reason.  Returns true when step is such a step. */
static bool skipped_connection(struct ga_case *c, const struct ga_step *step,
			       struct ga_step_result *sr)
{
	const struct ga_session *s;
	int conn = -1;
	size_t i;

	if (!c->sessions)
		return false;
	if (step->conn >= 0 && c->sessions[step->conn].skip[0])
		conn = step->conn;
	/* naming it: a %thread[NAME]% of its SQL or errorlog text, which
	 * has no thread to stand for */
	for (i = 0; conn < 0 && step->threads && i < step->threads->n; i++)
		if (c->sessions[step->threads->conns[i]].skip[0])
			conn = step->threads->conns[i];
	if (conn < 0)
		return false;
	s = &c->sessions[conn];
	snprintf(sr->skipped, sizeof(sr->skipped), "connection '%s' is "
		 "skipped since line %d: %s",
		 c->sc->connections[conn].name, s->skip_line, s->skip);
	return true;
}

/* A step after every connection of the scenario was given up on (a
 * sleep, a fault, a server step or check: none on a connection, the
 * others are skipped_connection's): skipped too, since what it waits
 * for or checks is what the clients do, and none runs any more (the
 * scenarios of a pool's connections, with a client without pools, would
 * otherwise sleep through their waits for nothing).  Returns true when
 * step is such a step. */
static bool no_connection_left(struct ga_case *c, struct ga_step_result *sr)
{
	const struct ga_session *last = NULL;
	size_t i, at = 0;

	if (!c->sessions || c->sc->nconnections == 0)
		return false;
	for (i = 0; i < c->sc->nconnections; i++) {
		if (!c->sessions[i].skip[0])
			return false;
		if (!last || c->sessions[i].skip_line > last->skip_line) {
			last = &c->sessions[i];
			at = i;
		}
	}
	snprintf(sr->skipped, sizeof(sr->skipped), "every connection is "
		 "skipped (the last, '%s', since line %d): nothing is left for "
		 "it to wait for or check", c->sc->connections[at].name,
		 last->skip_line);
	return true;
}

void ga_session_note(struct ga_session *s, unsigned now,
		     struct ga_outcome *out)
{
	/* the id the call started from, and the start it is of */
	unsigned long prev = out->thread_before ? out->thread_before
						: s->thread;
	unsigned prev_start = prev && prev == s->thread ? s->start : now;

	out->start_before = out->thread_before ? prev_start : now;
	if (!out->thread_after) {
		out->start_after = now;
		return;
	}
	if (out->result == GA_RESULT_OK || out->thread_after != prev)
		out->start_after = now;
	else
		out->start_after = prev_start;
	s->thread = out->thread_after;
	s->start = out->start_after;
}

/* After a client call (ga_client_call's return value rc); now is the
 * server start that answered it (ga_session_note). */
static int after_call(struct ga_case *c, const struct ga_step *step,
		      struct ga_step_result *sr, int rc,
		      const struct ga_error *err, unsigned now)
{
	if (rc == 0)
		ga_session_note(&c->sessions[step->conn], now, &sr->out);
	if (rc < 0)
		return ga_case_harness_error(c, step, err);
	if (rc == GA_CLIENT_UNSUPPORTED)
		return unsupported(c, step, sr, err);
	if (rc == GA_CLIENT_INTERRUPTED) {
		sr->ran = true;
		return ga_case_interrupted(c, step);
	}
	return check_outcome(c, step, sr);
}

/* The end of a step the harness does itself (server, proxy): it ran
 * since start; err is its failure, a harness error, or NULL. */
static int harness_step_done(struct ga_case *c, const struct ga_step *step,
			     struct ga_step_result *sr, double start,
			     const struct ga_error *err)
{
	sr->ran = true;
	sr->out.api = ga_step_kind_name(step->kind);
	sr->out.elapsed_ms = ga_clock_ms() - start;
	if (err)
		return ga_case_harness_error(c, step, err);
	sr->out.result = GA_RESULT_OK;
	sr->matched = true;
	return 0;
}

/* The step's text as it is sent: its %repeat expanded, then each
 * %thread[NAME]% made NAME's server thread id (lang/threadvar.h).
 * Returns 0, or -1 with err set (no thread to name, out of memory). */
static int step_sql(struct ga_case *c, const struct ga_step *step,
		    const char **sql, struct ga_error *err)
{
	const struct ga_threadvars *t = step->threads;
	unsigned long *ids;
	size_t i;
	int rc;

	if (ga_expand_step(step, sql, err))
		return -1;
	if (!t)
		return 0;
	ids = calloc(c->sc->nconnections, sizeof(*ids));
	if (!ids)
		return ga_error_set(err, "out of memory");
	for (i = 0; i < t->n; i++) {
		ids[t->conns[i]] = ga_client_thread_id(&c->clients[t->conns[i]]);
		if (!ids[t->conns[i]]) {
			free(ids);
			return ga_error_set(err, "%%thread[%s]%%: '%s' has no "
					    "server thread (never connected, "
					    "closed, or its driver reported "
					    "thread id 0)", t->names[i],
					    t->names[i]);
		}
	}
	rc = ga_threadvars_apply(step, *sql, ids, sql, err);
	free(ids);
	return rc;
}

static int client_step(struct ga_case *c, const struct ga_step *step,
		       struct ga_step_result *sr)
{
	struct ga_client *cl = &c->clients[step->conn];
	struct ga_error err;
	const char *sql;
	int rc;

	if (step_sql(c, step, &sql, &err))
		return ga_case_harness_error(c, step, &err);
	if (step->kind == GA_STEP_SEND) {
		rc = ga_client_send(cl, step, sql, &c->env, &err);
		if (rc == GA_CLIENT_UNSUPPORTED)
			return unsupported(c, step, sr, &err);
		if (rc)
			return ga_case_harness_error(c, step, &err);
		sr->ran = true;
		sr->matched = true;
		sr->out.result = GA_RESULT_OK;
		sr->out.api = "sent";
		c->sessions[step->conn].sent_start = c->starts;
		return 0;
	}
	rc = ga_client_call(cl, step, sql, &c->env,
			    watchdog_ms(c, sr->expect), c->r->in, &sr->out,
			    &err);
	if (after_call(c, step, sr, rc, &err, c->starts))
		return -1;
	/* a connect the client could not make was skipped: no session */
	if (sr->skipped[0])
		return 0;
	/* what the server says of a new session: a plain connect's, or
	 * the connection a pool lent (a pool's connect makes the pool,
	 * which may open none yet) */
	if (step->kind == GA_STEP_BORROW ||
	    (step->kind == GA_STEP_CONNECT && !cl->decl->pool.line))
		return ga_login_check(c, step, sr);
	return 0;
}

static int reap_step(struct ga_case *c, const struct ga_step *step,
		     struct ga_step_result *sr)
{
	struct ga_client *cl = &c->clients[step->conn];
	struct ga_error err;
	int rc;

	rc = ga_client_reap(cl, watchdog_ms(c, sr->expect), c->r->in,
			    &sr->out, &err);
	/* the answer is the server's that the send went to */
	return after_call(c, step, sr, rc, &err,
			  c->sessions[step->conn].sent_start);
}

static int kill_step(struct ga_case *c, const struct ga_step *step,
		     struct ga_step_result *sr)
{
	struct ga_client *cl = &c->clients[step->conn];
	unsigned long id = ga_client_thread_id(cl);
	struct ga_error err;
	char sql[64];

	if (!id && cl->conn && cl->driver->ops->kind &&
	    strcmp(cl->driver->ops->kind, "process") == 0) {
		ga_error_set(&err, "'%s' has no server thread to KILL: never "
			     "connected, closed, or its driver reported thread "
			     "id 0 after connecting (thread_after, "
			     "docs/driver-protocol.md)", cl->decl->name);
		return ga_case_harness_error(c, step, &err);
	}
	if (!id) {
		ga_error_set(&err, "'%s' has no server thread to KILL "
			     "(never connected or closed)", cl->decl->name);
		return ga_case_harness_error(c, step, &err);
	}
	snprintf(sql, sizeof(sql), "KILL %s%lu",
		 step->kill_query ? "QUERY " : "", id);
	if (ga_server_admin_query(&c->srv, sql, &sr->out, &err))
		return ga_case_harness_error(c, step, &err);
	sr->out.api = step->kill_query ? "KILL QUERY" : "KILL";
	return check_outcome(c, step, sr);
}

/* The rendering of a SET of global variables: one statement, each
 * assignment rendered anew from its parsed name and literal. */
#define SET_GLOBALS_MAX (GA_SQL_SET_MAX * (GA_SQL_NAME_MAX + \
					  2 * GA_SQL_VALUE_MAX + 16))

/* An admin step whose text only SETs global variables a scenario may set
 * (lang/sqlset.h: the one list of them) runs as the privileged account,
 * which alone may set them (the admin account has no SUPER), as a
 * statement goneaway renders from the parsed names and literals - never
 * the step's text.  Returns 1 when sql is such a step (its outcome in
 * out), 0 when it is not (it runs as the admin account, and meets that
 * account's privileges), -1 when there was no server to ask (err set). */
static int set_globals(struct ga_case *c, const char *sql,
		       struct ga_outcome *out, struct ga_error *err)
{
	struct ga_sql_set *set = malloc(sizeof(*set));
	char *text = malloc(SET_GLOBALS_MAX), one[2 * GA_SQL_VALUE_MAX +
						 GA_SQL_NAME_MAX + 32];
	const char *why, *stmt;
	size_t i, used = 0;
	int rc = 0;

	if (!set || !text) {
		rc = ga_error_set(err, "out of memory");
		goto out;
	}
	if (ga_sql_set_globals(sql, set, &why) != 0 || set->n == 0)
		goto out;
	for (i = 0; i < set->n; i++) {
		const struct ga_sql_assignment *a = &set->a[i];

		if (!ga_settable_global(a->name) ||
		    ga_sql_render_set_global(a->name, a->kind, a->value, one,
					     sizeof(one)) != 0)
			goto out;
		/* "SET GLOBAL x = v": the first whole, the rest after
		 * "SET " as further assignments of one statement */
		used += (size_t)snprintf(text + used, SET_GLOBALS_MAX - used,
					 "%s%s", i ? ", " : "",
					 i ? one + 4 : one);
		if (used >= SET_GLOBALS_MAX)
			goto out;
	}
	stmt = text;
	rc = ga_server_privileged_queries(&c->srv, &stmt, 1, out, err) ? -1 :
	     1;
out:
	free(set);
	free(text);
	return rc;
}

static int admin_step(struct ga_case *c, const struct ga_step *step,
		      struct ga_step_result *sr)
{
	struct ga_error err;
	const char *sql;
	int rc;

	if (step_sql(c, step, &sql, &err))
		return ga_case_harness_error(c, step, &err);
	rc = set_globals(c, sql, &sr->out, &err);
	if (rc == 0 && ga_server_admin_query(&c->srv, sql, &sr->out, &err))
		rc = -1;
	if (rc < 0)
		return ga_case_harness_error(c, step, &err);
	return check_outcome(c, step, sr);
}

static int status_step(struct ga_case *c, const struct ga_step *step,
		       struct ga_step_result *sr)
{
	struct ga_error err;

	/* how far the counter moved since the case's mark (run/marks.c) */
	if (ga_case_status_moved(c, (size_t)(step - c->sc->steps), &sr->out,
				 &err))
		return ga_case_harness_error(c, step, &err);
	sr->out.api = "status";
	return check_outcome(c, step, sr);
}

/* Waits until session id, which wrote the line an "errorlog" step
 * found, has left the server: it writes the line before it closes its
 * socket, and the next step is to meet the closed socket, not the open
 * one (run/marks.c).  A session that is not the case's, or a server that
 * does not answer, is not waited for.  Past the bound (the machine's),
 * a note says so in note.  false when interrupted. */
static bool session_left(struct ga_case *c, unsigned long id, char *note,
			 size_t len)
{
	double start = ga_clock_ms(), deadline = 0;
	struct ga_machine m;
	long bound = ga_machine_extend(start, ERRORLOG_WAIT_MS, 0, &deadline,
				       &m);

	while (ga_case_session_on_server(c, id)) {
		if (ga_clock_ms() > deadline) {
			long again = ga_machine_extend(start, ERRORLOG_WAIT_MS,
						       0, &deadline, &m);

			if (again == bound) {
				snprintf(note, len, "the line's session %lu "
					 "was still on the server %ld ms "
					 "after it", id, bound);
				return true;
			}
			bound = again;
		}
		if (ga_interrupt_wait(c->r->in, -1, 20) < 0)
			return false;
	}
	return true;
}

static int errorlog_step(struct ga_case *c, const struct ga_step *step,
			 struct ga_step_result *sr)
{
	double start = ga_clock_ms(), deadline = 0;
	struct ga_machine m;
	struct ga_error err;
	char *text, *at, note[128] = "";
	const char *want;
	bool found = false, settled = false, writer = false;
	unsigned polls = 0, ended = 0;
	unsigned long id = 0;
	long bound;

	/* each %thread[NAME]% of the text made NAME's server thread id */
	if (step_sql(c, step, &want, &err))
		return ga_case_harness_error(c, step, &err);
	/* how late the server writes is the machine's: the bound is the
	 * harness's, stretched by its load (util/machine.h) */
	bound = ga_machine_extend(start, ERRORLOG_WAIT_MS, 0, &deadline, &m);
	sr->out.api = "errorlog";
	for (;;) {
		/* the case's own lines: past its mark (run/marks.c) */
		if (ga_server_log_read(&c->srv, &c->errlog_from, 64 << 20,
				       &text, NULL, &err))
			return ga_case_harness_error(c, step, &err);
		at = strstr(text, want);
		found = at != NULL;
		writer = found && ga_errlog_line_session(text, at, &id);
		free(text);
		if (found || settled)
			break;
		/* every session of the case has ended, seen twice 100 ms
		 * apart: whatever they write is in the log by now (marks.c);
		 * one more reading decides */
		if (polls++ % 2 == 0) {
			ended = ga_case_sessions_ended(c) ? ended + 1 : 0;
			if (ended == 2) {
				settled = true;
				continue;
			}
		}
		if (ga_clock_ms() > deadline) {
			long again = ga_machine_extend(start, ERRORLOG_WAIT_MS,
						       0, &deadline, &m);

			if (again == bound)
				break;
			bound = again;
		}
		if (ga_interrupt_wait(c->r->in, -1, 50) < 0)
			return ga_case_interrupted(c, step);
	}
	if (writer && !session_left(c, id, note, sizeof(note)))
		return ga_case_interrupted(c, step);
	sr->out.elapsed_ms = ga_clock_ms() - start;
	if (found) {
		sr->out.result = GA_RESULT_OK;
		snprintf(sr->out.message, sizeof(sr->out.message), "%s", note);
	} else {
		if (settled)
			snprintf(note, sizeof(note), " (every session since "
				 "the case began has ended: none is left to "
				 "write it)");
		else if (bound > ERRORLOG_WAIT_MS)
			snprintf(note, sizeof(note), " (waited %ld ms: the "
				 "machine is busy)", bound);
		sr->out.result = GA_RESULT_ERROR;
		snprintf(sr->out.message, sizeof(sr->out.message),
			 "the server's error log has no line containing '%s'%s",
			 want, note);
	}
	return check_outcome(c, step, sr);
}

static int server_step(struct ga_case *c, const struct ga_step *step,
		       struct ga_step_result *sr)
{
	double start = ga_clock_ms();
	struct ga_error err;
	int rc = 0;

	switch (step->kind) {
	case GA_STEP_SERVER_STOP:
		rc = ga_server_stop(&c->srv, c->r->in, &err);
		break;
	case GA_STEP_SERVER_START:
		c->starts++;    /* a new start: its thread ids count anew */
		rc = ga_server_start(&c->srv, c->sc, c->r->in, &err);
		break;
	case GA_STEP_SERVER_RESTART:
		rc = ga_server_stop(&c->srv, c->r->in, &err);
		if (rc == 0) {
			c->starts++;
			rc = ga_server_start(&c->srv, c->sc, c->r->in, &err);
		}
		break;
	case GA_STEP_SERVER_CRASH:
		rc = ga_server_crash(&c->srv, &err);
		break;
	default:
		rc = ga_error_set(&err, "not a server step");
	}
	ga_case_room_server(c);
	/* a start zeroed the counters: status steps count from it */
	if (rc == 0 && (step->kind == GA_STEP_SERVER_START ||
			step->kind == GA_STEP_SERVER_RESTART))
		rc = ga_case_mark_status(c, &err);
	return harness_step_done(c, step, sr, start, rc ? &err : NULL);
}

/* "server oom-kills": how many times the OOM killer killed in the
 * server's memory cgroup ("server memory SIZE"), which was made for
 * this case (a server with a limit is never kept): the case's kills. */
static int oom_kills_step(struct ga_case *c, const struct ga_step *step,
			  struct ga_step_result *sr)
{
	double start = ga_clock_ms();
	struct ga_error err;
	long long n, peak;

	if (ga_server_oom_kills(&c->srv, &n, &err))
		return ga_case_harness_error(c, step, &err);
	peak = ga_memcg_peak(&c->srv.memcg);
	sr->out.api = "memory cgroup";
	sr->out.result = GA_RESULT_OK;
	sr->out.has_value = true;
	snprintf(sr->out.value, sizeof(sr->out.value), "%lld", n);
	if (peak >= 0)
		snprintf(sr->out.message, sizeof(sr->out.message), "limit %lld "
			 "MiB, the most it used %lld MiB", c->srv.memcg.limit >> 20,
			 peak >> 20);
	else
		snprintf(sr->out.message, sizeof(sr->out.message), "limit %lld "
			 "MiB", c->srv.memcg.limit >> 20);
	sr->out.elapsed_ms = ga_clock_ms() - start;
	return check_outcome(c, step, sr);
}

/* "proxy stop|start|restart|crash": on the proxy the scenario runs
 * behind (the parser lets these steps only into a scenario that
 * declares one). */
static int proxy_step(struct ga_case *c, const struct ga_step *step,
		      struct ga_step_result *sr)
{
	double start = ga_clock_ms();
	struct ga_error err;
	int rc = 0;

	if (!c->proxy) {
		ga_error_set(&err, "the scenario runs behind no proxy");
		return ga_case_harness_error(c, step, &err);
	}
	switch (step->kind) {
	case GA_STEP_PROXY_STOP:
		rc = ga_proxy_stop(&c->prx, c->r->in, &err);
		break;
	case GA_STEP_PROXY_START:
		rc = ga_proxy_start(&c->prx, c->r->in, &err);
		break;
	case GA_STEP_PROXY_RESTART:
		rc = ga_proxy_stop(&c->prx, c->r->in, &err);
		if (rc == 0)
			rc = ga_proxy_start(&c->prx, c->r->in, &err);
		break;
	case GA_STEP_PROXY_CRASH:
		rc = ga_proxy_crash(&c->prx, &err);
		break;
	default:
		rc = ga_error_set(&err, "not a proxy step");
	}
	return harness_step_done(c, step, sr, start, rc ? &err : NULL);
}

/* A sweep or a jitter shows what it slept in this run, and why, as
 * the step's value ("157ms, run 8 of 10"). */
static int sleep_step(struct ga_case *c, const struct ga_step *step,
		      struct ga_step_result *sr)
{
	long ms = ga_sleep_for_run(c->sc, step, c->rep, sr->out.value,
				   sizeof(sr->out.value));

	sr->out.has_value = sr->out.value[0] != '\0';
	if (ga_interrupt_wait(c->r->in, -1, ms) < 0)
		return ga_case_interrupted(c, step);
	sr->ran = true;
	sr->out.api = "sleep";
	sr->out.elapsed_ms = (double)ms;
	sr->matched = true;
	c->res->waits_ms += (double)ms;
	return 0;
}

/* ---- faults ------------------------------------------------------------- */

/* struct ga_fault_target's kill_session, on a fault's own thread: the
 * case's server is only read (ga_server_kill_host: a connection of its
 * own). */
static int kill_session(void *ctx, const char *addr, unsigned port,
			char *what, size_t len, struct ga_error *err)
{
	const struct ga_case *c = ctx;
	char host[64];

	snprintf(host, sizeof(host), "%s:%u", addr, port);
	return ga_server_kill_host(&c->srv, host, what, len, err);
}

void ga_case_fault_target(const struct ga_case *c, struct ga_fault_target *t)
{
	ga_fault_target_in(t, &c->lab, GA_SERVER_PORT, c->tag);
	t->server_pid = c->srv.pid;
	if (c->srv.pid) {
		t->kill_session = kill_session;
		t->kill_ctx = (void *)c;
	}
}

static int fault_step(struct ga_case *c, const struct ga_step *step,
		      struct ga_step_result *sr)
{
	struct ga_fault_target t;
	struct ga_error err;
	double start = ga_clock_ms();
	int rc;

	ga_case_fault_target(c, &t);
	rc = ga_fault_stack_apply(&c->faults, step->fault, step->fault_spec,
				  step->text, step->line, &t, &err);
	sr->ran = true;
	sr->out.api = step->fault->name;
	sr->out.elapsed_ms = ga_clock_ms() - start;
	if (rc == 0) {
		/* how the fault is made, when the kind says (netem: the
		 * kernel's or the user-space engine) */
		ga_fault_stack_note(&c->faults, step->line, sr->out.message,
				    sizeof(sr->out.message));
		sr->out.result = GA_RESULT_OK;
		sr->matched = true;
		return 0;
	}
	sr->out.result = GA_RESULT_ERROR;
	snprintf(sr->out.message, sizeof(sr->out.message), "%s", err.msg);
	if (rc != GA_FAULT_UNSUPPORTED)
		return ga_case_harness_error(c, step, &err);
	ga_case_verdict(c->res, GA_VERDICT_SKIP, step->line,
			"fault '%s' (%s) cannot be made here: %s", step->text,
			step->fault->name, err.msg);
	c->res->skip = strcmp(step->fault->name, "netem") == 0 ?
		       GA_SKIP_NETEM : GA_SKIP_FAULT;
	return -1;
}

static int lift_step(struct ga_case *c, const struct ga_step *step,
		     struct ga_step_result *sr)
{
	const struct ga_step *fs = &c->sc->steps[step->fault_step];
	struct ga_fault_target t;
	struct ga_error err;
	double start = ga_clock_ms();

	sr->ran = true;
	sr->out.api = "lift";
	ga_case_fault_target(c, &t);
	/* what the fault did, when its kind counts it */
	ga_fault_stack_note(&c->faults, fs->line, sr->out.message,
			    sizeof(sr->out.message));
	if (ga_fault_stack_lift(&c->faults, fs->line, &t, &err))
		return ga_case_harness_error(c, step, &err);
	sr->out.elapsed_ms = ga_clock_ms() - start;
	sr->out.result = GA_RESULT_OK;
	sr->matched = true;
	return 0;
}

/* ---- dispatch ------------------------------------------------------------- */

/* The steps that are not calls on a client connection, by kind. */
static step_fn *const handlers[GA_STEP_KIND_COUNT] = {
	[GA_STEP_REAP] = reap_step,
	[GA_STEP_SLEEP] = sleep_step,
	[GA_STEP_KILL] = kill_step,
	[GA_STEP_ADMIN] = admin_step,
	[GA_STEP_STATUS] = status_step,
	[GA_STEP_ERRORLOG] = errorlog_step,
	[GA_STEP_SERVER_STOP] = server_step,
	[GA_STEP_SERVER_START] = server_step,
	[GA_STEP_SERVER_RESTART] = server_step,
	[GA_STEP_SERVER_CRASH] = server_step,
	[GA_STEP_SERVER_OOM_KILLS] = oom_kills_step,
	[GA_STEP_FAULT] = fault_step,
	[GA_STEP_LIFT] = lift_step,
	[GA_STEP_PROXY_STOP] = proxy_step,
	[GA_STEP_PROXY_START] = proxy_step,
	[GA_STEP_PROXY_RESTART] = proxy_step,
	[GA_STEP_PROXY_CRASH] = proxy_step,
};

bool ga_case_can_run(enum ga_step_kind kind)
{
	if ((unsigned)kind >= GA_STEP_KIND_COUNT)
		return false;
	return ga_step_kind_is(kind, GA_STEP_ON_CLIENT) || handlers[kind];
}

void ga_case_identity(const struct ga_case *c, const struct ga_driver *drv,
		      struct ga_server_id *id)
{
	*id = c->srv.id;
	ga_driver_identify(drv, id);
	id->server_name = c->res->server;
}

int ga_case_run_step(struct ga_case *c, size_t i)
{
	const struct ga_step *step = &c->sc->steps[i];
	struct ga_step_result *sr = &c->res->steps[i];
	struct ga_server_id against;
	unsigned start = c->starts;
	step_fn *fn;
	int rc;

	if (ga_interrupted(c->r->in))
		return ga_case_interrupted(c, step);
	sr->expect = NULL;
	if (skipped_connection(c, step, sr) || no_connection_left(c, sr))
		return 0;
	/* No expect line for this server and client (all of them name
	 * others): no expectation here, and like a step without expect
	 * lines it must succeed (check_outcome with no expect). */
	if (step->nexpects > 0 ||
	    !ga_step_kind_is(step->kind, GA_STEP_ACTION)) {
		ga_case_identity(c, step->conn >= 0 ?
				 c->clients[step->conn].driver :
				 c->r->opts->driver, &against);
		sr->expect = ga_expect_select(step, &against);
	}
	/* An admin query without expect lines is setup: it must succeed,
	 * and if it cannot, the scenario is ERROR, not FAIL. */
	if (step->kind == GA_STEP_ADMIN && step->nexpects == 0)
		sr->expect = NULL;

	fn = ga_step_kind_is(step->kind, GA_STEP_ON_CLIENT) ? client_step
							    : handlers[step->kind];
	if (!fn) {
		ga_case_verdict(c->res, GA_VERDICT_ERROR, step->line,
				"the runner cannot do '%s' steps",
				ga_step_kind_name(step->kind));
		return -1;
	}
	rc = fn(c, step, sr);
	/* a step with no session of its own (not a client call):
	 * the server starts around it ("server restart": 1, 2) */
	if (!sr->out.start_before && !sr->out.start_after) {
		sr->out.start_before = start;
		sr->out.start_after = c->starts;
	}
	return rc;
}
