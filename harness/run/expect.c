/* expect.c - see expect.h */
#include "run/expect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/errnames.h"
#include "lang/expect_text.h"
#include "util/strbuf.h"

static bool same_name(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* "client=NAME [OP VERSION]": NAME is the name the driver gives itself
 * or the one --client was given; a version compares only with a known
 * one (lang/scenario.c). */
bool ga_selector_matches(const struct ga_selector *sel,
			 const struct ga_server_id *server)
{
	double diff;

	if (!ga_selector_client_matches(sel, server->client,
					server->client_alias,
					server->client_version))
		return false;
	/* server=NAME: only an expectation file's lines have one */
	if (sel->server[0] && !same_name(sel->server, server->server_name))
		return false;
	if (sel->flavour != GA_FLAVOUR_ANY && sel->flavour != server->flavour)
		return false;
	diff = (double)server->version - (double)sel->version;
	return ga_cmp_holds(sel->version_cmp, diff);
}

static const struct ga_expect implicit_ok = {
	.set = { .ok = true }, .after_ms = -1, .within_ms = -1,
};

const struct ga_expect *ga_expect_implicit(void)
{
	return &implicit_ok;
}

const struct ga_expect *ga_expect_select(const struct ga_step *step,
					 const struct ga_server_id *server)
{
	const struct ga_expect *fallback = NULL;
	size_t i;

	if (step->nexpects == 0)
		return &implicit_ok;
	for (i = 0; i < step->nexpects; i++) {
		const struct ga_expect *e = &step->expects[i];

		if (e->selector.flavour == GA_FLAVOUR_ANY &&
		    e->selector.version_cmp == GA_CMP_NONE &&
		    !e->selector.client[0] && !e->selector.server[0]) {
			fallback = e;
			continue;
		}
		if (ga_selector_matches(&e->selector, server))
			return e;
	}
	return fallback;
}

/* A plain decimal number: [+-]digits[.digits].  Not "0x10", "1e3", "". */
static bool parse_number(const char *s, double *v)
{
	const char *p = s;

	if (!s)
		return false;
	if (*p == '+' || *p == '-')
		p++;
	if (!(*p >= '0' && *p <= '9'))
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p != '\0')
		return false;
	*v = strtod(s, NULL);
	return true;
}

/* Checks the returned value; on mismatch writes the reason. */
static bool value_matches(const struct ga_value_check *vc,
			  const struct ga_outcome *out, struct ga_strbuf *why)
{
	double want, got;
	bool holds;

	if (vc->cmp == GA_CMP_NONE)
		return true;
	if (!out->has_value) {
		ga_strbuf_add(why, "returned no value, when expecting a value %s %s",
		       ga_cmp_text(vc->cmp), vc->is_null ? "NULL" : vc->text);
		return false;
	}
	/* = and != compare text exactly, as the server sent it; the order
	 * comparisons compare numbers. */
	if (vc->is_null) {
		holds = vc->cmp == GA_CMP_EQ ? out->value_null : !out->value_null;
	} else if (out->value_null) {
		holds = vc->cmp == GA_CMP_NE;
	} else if (vc->cmp == GA_CMP_EQ || vc->cmp == GA_CMP_NE) {
		holds = ga_cmp_holds(vc->cmp, strcmp(out->value, vc->text) ? 1 : 0);
	} else if (parse_number(vc->text, &want) &&
		   parse_number(out->value, &got)) {
		holds = ga_cmp_holds(vc->cmp, got - want);
	} else {
		holds = false;
	}
	if (!holds)
		ga_strbuf_add(why, "returned the value %s%s%s, when expecting a value %s %s",
		       out->value_null ? "" : "'",
		       out->value_null ? "NULL" : out->value,
		       out->value_null ? "" : "'",
		       ga_cmp_text(vc->cmp), vc->is_null ? "NULL" : vc->text);
	return holds;
}

bool ga_outcome_in_set(const struct ga_outcome_set *set,
		       const struct ga_outcome *out)
{
	size_t i;

	if (set->any)
		return true;    /* a draft's placeholder */
	switch (out->result) {
	case GA_RESULT_OK:
		return set->ok;
	case GA_RESULT_HANG:
		return set->hang;
	case GA_RESULT_WRONG:
		return set->wrong;
	case GA_RESULT_ERROR:
		if (set->any_error)
			return true;
		for (i = 0; i < set->ncodes; i++)
			if (set->codes[i] == out->err)
				return true;
		for (i = 0; i < set->nclasses; i++)
			if (out->error_class[0] &&
			    strcmp(set->classes[i], out->error_class) == 0)
				return true;
		return false;
	}
	return false;
}

/* An error's message and the rows read before it. */
static bool error_matches(const struct ga_expect *exp,
			  const struct ga_outcome *out, const char *got,
			  struct ga_strbuf *sb)
{
	if (out->result != GA_RESULT_ERROR)
		return true;
	if (exp->message && !strstr(out->message, exp->message)) {
		ga_strbuf_add(sb, "%s: the message does not contain \"%s\"", got,
		       exp->message);
		return false;
	}
	if (exp->rows_cmp != GA_CMP_NONE && !out->has_rows) {
		ga_strbuf_add(sb, "%s: the client did not say how many rows it read "
		       "(expecting rows %s %ld)", got, ga_cmp_text(exp->rows_cmp),
		       exp->rows);
		return false;
	}
	if (exp->rows_cmp != GA_CMP_NONE &&
	    !ga_cmp_holds(exp->rows_cmp, (double)out->rows - (double)exp->rows)) {
		ga_strbuf_add(sb, "%s: %ld rows read before the error, when expecting "
		       "rows %s %ld", got, out->rows, ga_cmp_text(exp->rows_cmp),
		       exp->rows);
		return false;
	}
	return true;
}

/* The pool's events come with an answer: a hang has none. */
static bool pool_matches(const struct ga_expect *exp,
			 const struct ga_outcome *out, const char *got,
			 struct ga_strbuf *sb)
{
	char want_ev[512], got_ev[128];

	if (!exp->pool_sets || out->result == GA_RESULT_HANG ||
	    (out->has_pool_events &&
	     (exp->pool_sets & GA_POOL_SET(out->pool_events))))
		return true;
	ga_pool_sets_text(exp->pool_sets, want_ev, sizeof(want_ev));
	if (!out->has_pool_events)
		ga_strbuf_add(sb, "%s: the client reported no pool "
			      "events, when expecting pool %s", got,
			      want_ev);
	else
		ga_strbuf_add(sb, "%s: the pool reported %s%s%s%s, when "
			      "expecting pool %s", got,
			      ga_pool_events_text(out->pool_events,
						  got_ev,
						  sizeof(got_ev)),
			      out->pool_detail[0] ? " (" : "",
			      out->pool_detail,
			      out->pool_detail[0] ? ")" : "", want_ev);
	return false;
}

/* A hang's elapsed time is the watchdog's: "after" is what made it a
 * hang, so time bounds only apply to answers. */
static bool time_matches(const struct ga_expect *exp,
			 const struct ga_outcome *out, const char *got,
			 const char *want, struct ga_strbuf *sb)
{
	if (out->result == GA_RESULT_HANG)
		return true;
	/* with "hang" in the set, "after" is the hang's threshold, not a
	 * lower bound on answers */
	if (exp->after_ms >= 0 && !exp->set.hang && !exp->set.any &&
	    out->elapsed_ms < (double)exp->after_ms) {
		ga_strbuf_add(sb, "%s: sooner than expected (%s)", got, want);
		return false;
	}
	if (exp->within_ms >= 0 && out->elapsed_ms > (double)exp->within_ms) {
		ga_strbuf_add(sb, "%s: later than expected (%s)", got, want);
		return false;
	}
	return true;
}

/* A session is a thread id of one server start: a restarted server
 * hands out the old ids again (issue 18). */
static bool thread_matches(const struct ga_expect *exp,
			   const struct ga_outcome *out, struct ga_strbuf *sb)
{
	if (exp->thread == GA_THREAD_NEW &&
	    ((out->thread_after == out->thread_before &&
	      out->start_after == out->start_before) ||
	     out->thread_after == 0)) {
		ga_strbuf_add(sb, "succeeded on the same server thread %lu, when "
		       "expecting a reconnect to a new one", out->thread_after);
		return false;
	}
	if (exp->thread != GA_THREAD_SAME)
		return true;
	if (out->thread_before == 0 || out->thread_after == 0) {
		/* 0 is "unknown": two unknowns prove nothing */
		ga_strbuf_add(sb, "succeeded, but the server thread is unknown "
		       "(before %lu, after %lu): 'same-thread' needs both",
		       out->thread_before, out->thread_after);
		return false;
	}
	if (out->thread_after != out->thread_before) {
		ga_strbuf_add(sb, "succeeded on a new server thread %lu (was %lu), "
		       "when expecting the same one",
		       out->thread_after, out->thread_before);
		return false;
	}
	if (out->start_after != out->start_before) {
		ga_strbuf_add(sb, "succeeded on server thread %lu of a new server "
		       "start: a new session, when expecting the same one",
		       out->thread_after);
		return false;
	}
	return true;
}

bool ga_expect_match(const struct ga_expect *exp, const struct ga_outcome *out,
		     char *why, size_t whylen)
{
	char want[512], got[768];
	struct ga_strbuf sb;
	char dummy[1];

	if (!why || !whylen) {
		why = dummy;
		whylen = sizeof(dummy);
	}
	ga_strbuf_init(&sb, why, whylen);
	ga_expect_describe(exp, want, sizeof(want));
	ga_outcome_describe(out, got, sizeof(got));

	if (!ga_outcome_in_set(&exp->set, out)) {
		ga_strbuf_add(&sb, "%s, when expecting %s", got, want);
		return false;
	}
	if (!error_matches(exp, out, got, &sb) ||
	    !pool_matches(exp, out, got, &sb) ||
	    !time_matches(exp, out, got, want, &sb))
		return false;
	if (out->result != GA_RESULT_OK)
		return true;
	return value_matches(&exp->value, out, &sb) &&
	       thread_matches(exp, out, &sb);
}
