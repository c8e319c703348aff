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
 */
#include "run/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int ga_case_mark_status(struct ga_case *c, struct ga_error *err)
{
	const struct ga_scenario *sc = c->sc;
	size_t i;

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
