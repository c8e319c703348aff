/* repeat.c - a scenario run N times ("repeat N"): each step's outcomes
 * are counted over the runs, the spread is reported, and "seen" lines
 * judge the counts; a sleep may vary over the runs (a sweep or a
 * jitter). */
#include "run/internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/errnames.h"
#include "run/expect.h"
#include "util/hash.h"

/* The thread check a success's threads meet: a session is a thread id
 * of one server start (as ga_expect_match reads them). */
static enum ga_thread_check thread_change(const struct ga_outcome *o)
{
	if (o->thread_after == 0)
		return GA_THREAD_ANY;           /* unknown: neither holds */
	if (o->thread_before != 0 && o->thread_after == o->thread_before &&
	    o->start_after == o->start_before)
		return GA_THREAD_SAME;
	return GA_THREAD_NEW;
}

void ga_tally_of(const struct ga_step_result *sr, struct ga_tally *one)
{
	const struct ga_outcome *o = &sr->out;

	memset(one, 0, sizeof(*one));
	one->result = o->result;
	one->err = o->err;
	one->flavour = o->flavour;
	snprintf(one->error_class, sizeof(one->error_class), "%s",
		 o->error_class);
	one->has_pool_events = o->has_pool_events;
	one->pool_events = o->has_pool_events ? o->pool_events : 0;
	one->count = 1;
	one->max_ms = o->elapsed_ms;
	if (o->result != GA_RESULT_OK)
		return;
	one->has_value = o->has_value;
	one->value_null = o->value_null;
	snprintf(one->value, sizeof(one->value), "%s", o->value);
	one->thread = thread_change(o);
}

/* Whether what the ok checks read differs between a and b. */
static bool ok_differs(const struct ga_tally *a, const struct ga_tally *b)
{
	return a->has_value != b->has_value || a->value_null != b->value_null ||
	       strcmp(a->value, b->value) != 0 || a->thread != b->thread;
}

bool ga_tally_ok_checks_hold(const struct ga_tally *t,
			     const struct ga_expect *e)
{
	struct ga_expect checks;
	struct ga_outcome o;

	if (e->value.cmp == GA_CMP_NONE && e->thread == GA_THREAD_ANY)
		return true;
	if (t->result != GA_RESULT_OK || t->ok_varied)
		return false;
	memset(&checks, 0, sizeof(checks));
	checks.set.ok = true;
	checks.value = e->value;
	checks.thread = e->thread;
	checks.after_ms = checks.within_ms = -1;
	/* the run's outcome as the checks read it */
	memset(&o, 0, sizeof(o));
	o.result = GA_RESULT_OK;
	o.has_value = t->has_value;
	o.value_null = t->value_null;
	snprintf(o.value, sizeof(o.value), "%s", t->value);
	o.thread_before = 1;
	o.thread_after = t->thread == GA_THREAD_ANY ? 0 :
			 t->thread == GA_THREAD_SAME ? 1 : 2;
	return ga_expect_match(&checks, &o, NULL, 0);
}

int ga_tally_add(struct ga_step_result *sr, const struct ga_tally *one)
{
	struct ga_tally *t;
	size_t k;

	for (k = 0; k < sr->ntally; k++) {
		t = &sr->tally[k];
		if (t->result == one->result &&
		    t->has_pool_events == one->has_pool_events &&
		    t->pool_events == one->pool_events &&
		    (t->result != GA_RESULT_ERROR ||
		     (t->err == one->err &&
		      strcmp(t->error_class, one->error_class) == 0)))
			break;
	}
	if (k == sr->ntally) {
		t = realloc(sr->tally, (k + 1) * sizeof(*t));
		if (!t)
			return -1;
		sr->tally = t;
		sr->ntally++;
		t[k] = *one;
		t[k].count = 0;
	} else if (one->result == GA_RESULT_OK &&
		 (one->ok_varied || ok_differs(&sr->tally[k], one)))
		sr->tally[k].ok_varied = true;
	sr->tally[k].count += one->count;
	if (one->max_ms > sr->tally[k].max_ms)
		sr->tally[k].max_ms = one->max_ms;
	return 0;
}

int ga_tally_run(struct ga_case_result *res)
{
	struct ga_step_result *sr;
	struct ga_tally one;
	size_t i;

	for (i = 0; i < res->nsteps; i++) {
		sr = &res->steps[i];
		if (!sr->ran)
			continue;
		ga_tally_of(sr, &one);
		if (ga_tally_add(sr, &one))
			return -1;
	}
	return 0;
}

void ga_check_seen(const struct ga_scenario *sc,
		       struct ga_case_result *res)
{
	struct ga_outcome probe;
	long n;
	size_t i, k;

	for (i = 0; i < sc->nsteps; i++) {
		const struct ga_seen *seen = &sc->steps[i].seen;
		const struct ga_step_result *sr = &res->steps[i];
		bool holds;

		if (!seen->line)
			continue;
		n = 0;
		for (k = 0; k < sr->ntally; k++) {
			memset(&probe, 0, sizeof(probe));
			probe.result = sr->tally[k].result;
			probe.err = sr->tally[k].err;
			snprintf(probe.error_class, sizeof(probe.error_class),
				 "%s", sr->tally[k].error_class);
			if (ga_outcome_in_set(&seen->set, &probe))
				n += sr->tally[k].count;
		}
		switch (seen->cmp) {
		case GA_CMP_EQ: holds = n == seen->count; break;
		case GA_CMP_NE: holds = n != seen->count; break;
		case GA_CMP_LT: holds = n < seen->count; break;
		case GA_CMP_LE: holds = n <= seen->count; break;
		case GA_CMP_GT: holds = n > seen->count; break;
		case GA_CMP_GE: holds = n >= seen->count; break;
		case GA_CMP_NONE:
		default: holds = true; break;
		}
		if (holds)
			continue;
		ga_case_verdict(res, GA_VERDICT_FAIL, sc->steps[i].line,
				"%s: the outcomes counted by the seen line came "
				"up %ld times in %ld runs, which fails the seen "
				"line (seen line %d)",
				ga_step_kind_name(sc->steps[i].kind), n, res->runs,
				seen->line);
		return;
	}
}

/* ---- a sleep that varies over the runs ------------------------------------ */

/* splitmix64's finaliser: every bit of x stirs every bit of the result. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

long ga_sleep_for_run(const struct ga_scenario *sc, const struct ga_step *st,
		      long rep, char *how, size_t len)
{
	long runs = sc->repeat > 1 ? sc->repeat : 1;
	long long span;
	uint64_t seed, draw;
	char key[300];
	long ms;
	int n;

	if (len)
		how[0] = '\0';
	switch (st->vary) {
	case GA_SLEEP_SWEEP:
		if (rep < 1)
			rep = 1;
		if (rep > runs)
			rep = runs;
		span = (long long)(st->vary_ms - st->duration_ms);
		/* run 1 sleeps LO, run N sleeps HI, rounded to the nearest ms */
		ms = st->duration_ms + (runs > 1 ?
			(long)((span * 2 * (rep - 1) + (runs - 1)) /
			       (2 * (long long)(runs - 1))) : 0);
		if (len)
			snprintf(how, len, "%ldms, run %ld of %ld", ms, rep,
				 runs);
		return ms;
	case GA_SLEEP_JITTER:
		/* the same on every machine: the bytes of a text */
		n = snprintf(key, sizeof(key), "%s:%d:%ld",
			     sc->name ? sc->name : "", st->line, rep);
		seed = ga_fnv1a(GA_FNV1A_INIT, key,
			     n < 0 ? 0 : (size_t)n < sizeof(key) ?
			     (size_t)n : sizeof(key) - 1);
		draw = mix(seed);
		ms = st->duration_ms - st->vary_ms +
		     (long)(draw % (uint64_t)(2 * st->vary_ms + 1));
		if (len)
			snprintf(how, len, "%ldms, seed %016llx", ms,
				 (unsigned long long)seed);
		return ms;
	case GA_SLEEP_FIXED:
	default:
		return st->duration_ms;
	}
}
