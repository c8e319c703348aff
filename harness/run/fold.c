/* fold.c - a case's runs made one result (ga_case_fold, ga_case_finish
 * in run/runner.h): the runs of a repeated scenario, whether one after
 * another in this process or side by side on -j's workers, give the
 * verdict, spread and evidence a run in order gives. */
#include "run/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Adds the tally of one step of a run to acc's. */
static int fold_tally(struct ga_step_result *acc,
		      const struct ga_step_result *run)
{
	struct ga_tally *t;
	size_t i, k;

	for (i = 0; i < run->ntally; i++) {
		const struct ga_tally *r = &run->tally[i];

		for (k = 0; k < acc->ntally; k++) {
			t = &acc->tally[k];
			if (t->result == r->result &&
			    (t->result != GA_RESULT_ERROR ||
			     (t->err == r->err &&
			      strcmp(t->error_class, r->error_class) == 0)))
				break;
		}
		if (k == acc->ntally) {
			t = realloc(acc->tally, (k + 1) * sizeof(*t));
			if (!t)
				return -1;
			acc->tally = t;
			acc->ntally++;
			t[k] = *r;
			t[k].count = 0;
		}
		acc->tally[k].count += r->count;
	}
	return 0;
}

int ga_case_fold(struct ga_case_result *acc, const struct ga_case_result *run)
{
	size_t i, n;

	/* decided: a run in order would have stopped before this one */
	if (acc->verdict != GA_VERDICT_PASS || acc->nsteps != run->nsteps)
		return 0;
	acc->runs += run->runs;
	acc->wall_ms += run->wall_ms;
	acc->setup_ms += run->setup_ms;
	acc->steps_ms += run->steps_ms;
	acc->teardown_ms += run->teardown_ms;
	acc->waits_ms += run->waits_ms;
	/* the latest run is the one the step lines and the verdict show */
	acc->verdict = run->verdict;
	acc->skip = run->skip;
	acc->line = run->line;
	acc->signo = run->signo;
	acc->flavour = run->flavour;
	memcpy(acc->reason, run->reason, sizeof(acc->reason));
	memcpy(acc->server_version, run->server_version,
	       sizeof(acc->server_version));
	memcpy(acc->server_notes, run->server_notes, sizeof(acc->server_notes));
	memcpy(acc->reverted, run->reverted, sizeof(acc->reverted));
	memcpy(acc->not_reverted, run->not_reverted, sizeof(acc->not_reverted));
	if (acc->repeat <= 1)
		memcpy(acc->results, run->results, sizeof(acc->results));
	if (run->evidence_lost[0]) {
		n = strlen(acc->evidence_lost);
		snprintf(acc->evidence_lost + n, sizeof(acc->evidence_lost) - n,
			 "%s%s", n ? "; " : "", run->evidence_lost);
	}
	for (i = 0; i < acc->nsteps; i++) {
		acc->steps[i].ran = run->steps[i].ran;
		acc->steps[i].matched = run->steps[i].matched;
		acc->steps[i].expect = run->steps[i].expect;
		acc->steps[i].out = run->steps[i].out;
		if (fold_tally(&acc->steps[i], &run->steps[i]))
			return -1;
	}
	return 0;
}

void ga_case_finish(const struct ga_run_options *o,
		    const struct ga_scenario *sc, struct ga_case_result *res)
{
	struct ga_error err;
	size_t n;

	if (res->verdict != GA_VERDICT_PASS && res->repeat > 1 &&
	    res->verdict != GA_VERDICT_SKIP && res->runs > 0) {
		n = strlen(res->reason);
		snprintf(res->reason + n, sizeof(res->reason) - n,
			 " (run %ld of %ld)", res->runs, res->repeat);
	}
	if (res->verdict == GA_VERDICT_PASS)
		ga_check_seen(sc, res);
	/* each run kept its evidence below; the log above them tells the
	 * final verdict, the spread over every run and the seen lines'
	 * judgement */
	if (res->results[0] && res->repeat > 1 &&
	    ga_rewrite_steps_log(o, sc, res, &err)) {
		n = strlen(res->evidence_lost);
		snprintf(res->evidence_lost + n, sizeof(res->evidence_lost) - n,
			 "%s%s", n ? "; " : "", err.msg);
	}
}
