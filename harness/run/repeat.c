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

int ga_tally_add(struct ga_step_result *sr, const struct ga_tally *one)
{
	struct ga_tally *t;
	size_t k;

	for (k = 0; k < sr->ntally; k++) {
		t = &sr->tally[k];
		if (t->result == one->result &&
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
	}
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
		memset(&one, 0, sizeof(one));
		one.result = sr->out.result;
		one.err = sr->out.err;
		one.flavour = sr->out.flavour;
		snprintf(one.error_class, sizeof(one.error_class), "%s",
			 sr->out.error_class);
		one.count = 1;
		one.max_ms = sr->out.elapsed_ms;
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
