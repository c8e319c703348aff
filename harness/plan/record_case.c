/* record_case.c - see record.h: the cases kept, and the one line that
 * matches what a case saw at a step (plan/record_scenario.c and
 * plan/record_file.c place such lines). */
#include "plan/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/expect_text.h"
#include "run/expect.h"
#include "server/server.h"

#define MARGIN_MIN_MS 1000      /* a recorded "within" is at least this */
#define ROUND_MS 500            /* ... above the longest time, rounded */
#define HANG_ROUND_MS 100       /* a hang's "after", rounded down */

/* ---- the cases ---------------------------------------------------------- */

int ga_record_case_keep(struct ga_record_case *rc,
			const struct ga_case_result *res,
			const struct ga_driver *drv, struct ga_error *err)
{
	size_t i;

	memset(rc, 0, sizeof(*rc));
	snprintf(rc->server_name, sizeof(rc->server_name), "%s", res->server);
	snprintf(rc->client, sizeof(rc->client), "%s", drv->name);
	snprintf(rc->alias, sizeof(rc->alias), "%s", drv->alias);
	ga_server_id_parse(res->server_version, &rc->who);
	rc->who.flavour = res->flavour;
	rc->who.client = rc->client;
	rc->who.client_alias = rc->alias[0] ? rc->alias : NULL;
	rc->who.client_version = drv->version;
	rc->who.server_name = rc->server_name;
	rc->verdict = res->verdict;
	rc->steps = calloc(res->nsteps ? res->nsteps : 1, sizeof(*rc->steps));
	if (!rc->steps)
		return ga_error_set(err, "out of memory");
	rc->nsteps = res->nsteps;
	for (i = 0; i < res->nsteps; i++) {
		const struct ga_step_result *from = &res->steps[i];
		struct ga_step_result *to = &rc->steps[i];

		*to = *from;
		to->tally = NULL;
		to->ntally = 0;
		if (!from->ntally)
			continue;
		to->tally = malloc(from->ntally * sizeof(*to->tally));
		if (!to->tally) {
			ga_record_case_free(rc);
			return ga_error_set(err, "out of memory");
		}
		memcpy(to->tally, from->tally,
		       from->ntally * sizeof(*to->tally));
		to->ntally = from->ntally;
	}
	return 0;
}

void ga_record_case_free(struct ga_record_case *rc)
{
	ga_step_results_free(rc->steps, rc->nsteps);
	rc->steps = NULL;
	rc->nsteps = 0;
}

bool ga_record_checked(const struct ga_step *st)
{
	size_t i;

	if (ga_step_kind_is(st->kind, GA_STEP_ACTION) ||
	    st->kind == GA_STEP_SEND)
		return false;
	if (st->kind != GA_STEP_ADMIN)
		return true;
	/* an admin step without lines of its own is set-up: it must
	 * succeed, or the scenario is ERROR */
	for (i = 0; i < st->nexpects; i++)
		if (!st->expects[i].origin)
			return true;
	return false;
}

/* ---- one line ------------------------------------------------------------ */

/* What sr saw, as tally entries: its tally (every run's outcome, the
 * pool's events and whether the ok checks' reading varied), or its one
 * outcome. */
static size_t seen_of(const struct ga_step_result *sr, struct ga_tally *one,
		      const struct ga_tally **v)
{
	if (sr->ntally) {
		*v = sr->tally;
		return sr->ntally;
	}
	ga_tally_of(sr, one);
	*v = one;
	return 1;
}

/* The sets of pool events sr's runs saw (GA_POOL_SET() bits), 0 when a
 * run that answered reported none (no pool, or a driver that does not
 * say). */
static uint32_t pool_sets_seen(const struct ga_step_result *sr)
{
	const struct ga_tally *v;
	struct ga_tally one;
	uint32_t sets = 0;
	size_t i, n = seen_of(sr, &one, &v);

	for (i = 0; i < n; i++) {
		if (v[i].result == GA_RESULT_HANG)
			continue;       /* a hang has no events */
		if (!v[i].has_pool_events)
			return 0;
		sets |= GA_POOL_SET(v[i].pool_events);
	}
	return sets;
}

/* applied's value and thread checks hold for every success sr saw (and
 * it saw one). */
static bool ok_checks_hold(const struct ga_expect *applied,
			   const struct ga_step_result *sr)
{
	const struct ga_tally *v;
	struct ga_tally one;
	size_t i, n = seen_of(sr, &one, &v), oks = 0;

	for (i = 0; i < n; i++) {
		if (v[i].result != GA_RESULT_OK)
			continue;
		oks++;
		if (!ga_tally_ok_checks_hold(&v[i], applied))
			return false;
	}
	return oks > 0;
}

/* The longest elapsed time over every run, of results other than hang */
static double longest(const struct ga_step_result *sr)
{
	const struct ga_tally *v;
	struct ga_tally one;
	double m = 0;
	size_t i, n = seen_of(sr, &one, &v);

	for (i = 0; i < n; i++)
		if (v[i].result != GA_RESULT_HANG && v[i].max_ms > m)
			m = v[i].max_ms;
	return m;
}

bool ga_record_holds(const struct ga_expect *e,
		     const struct ga_step_result *sr)
{
	const struct ga_tally *v;
	struct ga_tally one;
	struct ga_outcome o;
	size_t i, n;

	if (!sr->ran)
		return true;
	if (e && e->set.any)
		return false;   /* a placeholder is always recorded */
	n = seen_of(sr, &one, &v);
	if (!e) {               /* no line: it must succeed */
		for (i = 0; i < n; i++)
			if (v[i].result != GA_RESULT_OK)
				return false;
		return true;
	}
	if (sr->expect == e && sr->ntally <= 1)
		return sr->matched;
	/* the last run in full (its message, its rows), then what every
	 * run saw: its outcome, time, pool events and ok checks */
	if (!ga_expect_match(e, &sr->out, NULL, 0))
		return false;
	for (i = 0; i < n; i++) {
		memset(&o, 0, sizeof(o));
		o.result = v[i].result;
		o.err = v[i].err;
		o.flavour = v[i].flavour;
		snprintf(o.error_class, sizeof(o.error_class), "%s",
			 v[i].error_class);
		o.elapsed_ms = v[i].max_ms;
		if (!ga_outcome_in_set(&e->set, &o))
			return false;
		if (o.result != GA_RESULT_HANG && e->within_ms >= 0 &&
		    o.elapsed_ms > (double)e->within_ms)
			return false;
		if (e->pool_sets && o.result != GA_RESULT_HANG &&
		    (!v[i].has_pool_events ||
		     !(e->pool_sets & GA_POOL_SET(v[i].pool_events))))
			return false;
		if (o.result == GA_RESULT_OK &&
		    !ga_tally_ok_checks_hold(&v[i], e))
			return false;
	}
	return true;
}

void ga_record_expect_free(struct ga_expect *e)
{
	free(e->value.text);
	free(e->message);
	e->value.text = NULL;
	e->message = NULL;
}

static long margin_ms(double ms)
{
	long m = (long)(ms + 0.999), add = m / 2;

	if (add < MARGIN_MIN_MS)
		add = MARGIN_MIN_MS;
	return (m + add + ROUND_MS - 1) / ROUND_MS * ROUND_MS;
}

static void add_code(struct ga_outcome_set *s, unsigned code)
{
	size_t i;

	for (i = 0; i < s->ncodes; i++)
		if (s->codes[i] == code)
			return;
	if (s->ncodes == GA_MAX_CODES)
		s->any_error = true;
	else
		s->codes[s->ncodes++] = code;
}

/* A class that an expect line cannot hold as it came (a driver's text
 * with a blank, a quote, a '#', or a word such as "ok" that means
 * something else there) is recorded as "error": what a driver says
 * never becomes part of a scenario's instructions. */
static void add_class(struct ga_outcome_set *s, const char *cls)
{
	size_t i;

	if (!ga_class_text_ok(cls)) {
		s->any_error = true;
		return;
	}

	for (i = 0; i < s->nclasses; i++)
		if (strcmp(s->classes[i], cls) == 0)
			return;
	if (s->nclasses == GA_MAX_CODES)
		s->any_error = true;
	else
		snprintf(s->classes[s->nclasses++], GA_CLASS_MAX, "%s", cls);
}

/* The outcomes sr saw; *hang_ms: the longest hang. */
static void outcomes_of(const struct ga_step_result *sr,
			struct ga_outcome_set *s, double *hang_ms)
{
	const struct ga_tally *v;
	struct ga_tally one;
	size_t i, n = seen_of(sr, &one, &v);

	memset(s, 0, sizeof(*s));
	*hang_ms = 0;
	for (i = 0; i < n; i++) {
		switch (v[i].result) {
		case GA_RESULT_OK: s->ok = true; break;
		case GA_RESULT_WRONG: s->wrong = true; break;
		case GA_RESULT_HANG:
			s->hang = true;
			if (v[i].max_ms > *hang_ms)
				*hang_ms = v[i].max_ms;
			break;
		case GA_RESULT_ERROR:
			if (v[i].err)
				add_code(s, v[i].err);
			else if (v[i].error_class[0])
				add_class(s, v[i].error_class);
			else
				s->any_error = true;
			break;
		}
	}
	if (s->any_error) {             /* "error" says it all */
		s->ncodes = 0;
		s->nclasses = 0;
	}
}

int ga_record_line(const struct ga_step *st, const struct ga_step_result *sr,
		   const struct ga_expect *applied, struct ga_expect *out)
{
	bool errors, keep_ok_checks;
	double hang_ms, most = longest(sr);

	(void)st;
	memset(out, 0, sizeof(*out));
	out->after_ms = out->within_ms = -1;
	outcomes_of(sr, &out->set, &hang_ms);
	errors = out->set.ncodes || out->set.nclasses || out->set.any_error ||
		 out->set.wrong;
	if (applied && applied->set.any)
		applied = NULL;         /* a placeholder has nothing to keep */
	if (out->set.hang) {
		/* the time the hang was given: the line's, or what it waited */
		if (applied && applied->set.hang && applied->after_ms >= 0)
			out->after_ms = applied->after_ms;
		else if (sr->expect && sr->expect->set.any &&
			 sr->expect->after_ms >= 0)
			out->after_ms = sr->expect->after_ms;
		else
			out->after_ms = (long)hang_ms / HANG_ROUND_MS *
					HANG_ROUND_MS;
		if (out->after_ms < HANG_ROUND_MS)
			out->after_ms = HANG_ROUND_MS;
	} else if (errors || (applied && applied->within_ms >= 0)) {
		out->within_ms = applied && applied->within_ms >= 0 &&
				 most <= (double)applied->within_ms ?
				 applied->within_ms : margin_ms(most);
		/* a lower bound that held in the one run there was */
		if (applied && applied->after_ms >= 0 && !applied->set.hang &&
		    sr->ntally <= 1 && sr->out.elapsed_ms >=
		    (double)applied->after_ms &&
		    applied->after_ms <= out->within_ms)
			out->after_ms = applied->after_ms;
	}
	/* what a pool did, every set of events the runs saw (a race over
	 * the runs of a repeat: "pool none | discarded+opened") */
	out->pool_sets = pool_sets_seen(sr);
	if (!applied)
		return 0;
	/* the sets the line accepted, when they hold every run's */
	if (applied->pool_sets && out->pool_sets &&
	    (out->pool_sets & ~applied->pool_sets) == 0)
		out->pool_sets = applied->pool_sets;
	keep_ok_checks = out->set.ok && ok_checks_hold(applied, sr);
	if (keep_ok_checks) {
		out->thread = applied->thread;
		out->value = applied->value;
		out->value.text = NULL;
		if (applied->value.text &&
		    !(out->value.text = strdup(applied->value.text)))
			return -1;
	}
	if (applied->message && errors &&
	    sr->out.result == GA_RESULT_ERROR &&
	    strstr(sr->out.message, applied->message) &&
	    !(out->message = strdup(applied->message))) {
		ga_record_expect_free(out);
		return -1;
	}
	/* "rows CMP N" that held: a stream that delivered every row
	 * before its error is still caught by the line recorded */
	if (applied->rows_cmp != GA_CMP_NONE && errors &&
	    sr->out.result == GA_RESULT_ERROR && sr->out.has_rows &&
	    ga_cmp_holds(applied->rows_cmp,
			 (double)sr->out.rows - (double)applied->rows)) {
		out->rows_cmp = applied->rows_cmp;
		out->rows = applied->rows;
	}
	return 0;
}

const char *ga_record_unwritable_class(const struct ga_step_result *sr)
{
	size_t i;

	if (sr->ntally) {
		for (i = 0; i < sr->ntally; i++)
			if (sr->tally[i].result == GA_RESULT_ERROR &&
			    !sr->tally[i].err && sr->tally[i].error_class[0] &&
			    !ga_class_text_ok(sr->tally[i].error_class))
				return sr->tally[i].error_class;
		return NULL;
	}
	if (sr->out.result == GA_RESULT_ERROR && !sr->out.err &&
	    sr->out.error_class[0] && !ga_class_text_ok(sr->out.error_class))
		return sr->out.error_class;
	return NULL;
}

int ga_record_expect_copy(struct ga_expect *to, const struct ga_expect *e)
{
	*to = *e;
	to->value.text = NULL;
	to->message = NULL;
	if (e->value.text && !(to->value.text = strdup(e->value.text)))
		return -1;
	if (e->message && !(to->message = strdup(e->message))) {
		free(to->value.text);
		to->value.text = NULL;
		return -1;
	}
	return 0;
}

bool ga_record_is_client(const struct ga_selector *sel,
			 const struct ga_server_id *who)
{
	return sel->client[0] &&
	       (strcmp(sel->client, who->client) == 0 ||
		(who->client_alias && strcmp(sel->client,
					     who->client_alias) == 0));
}
