/* fold.c - a case's runs made one result (ga_case_fold, ga_case_stops,
 * ga_case_finish in run/runner.h): the runs of a repeated scenario,
 * whether one after another in this process or side by side on -j's
 * workers, give the verdict, spread and evidence a run in order gives.
 * Every run is made (--stop-early: up to the first that does not PASS);
 * the first that does not PASS gives the verdict, all give the spread. */
#include "run/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Adds the tally of one step of a run to acc's. */
static int fold_tally(struct ga_step_result *acc,
		      const struct ga_step_result *run)
{
	size_t i;

	for (i = 0; i < run->ntally; i++)
		if (ga_tally_add(acc, &run->tally[i]))
			return -1;
	return 0;
}

bool ga_case_stops(const struct ga_run_options *o,
		   const struct ga_case_result *res)
{
	if (res->verdict == GA_VERDICT_PASS)
		return res->signo != 0;
	return res->verdict == GA_VERDICT_SKIP || res->signo ||
	       res->runs == 0 || o->stop_early;
}

/* Notes that run number rep did not PASS, in acc->bad_runs. */
static void note_bad_run(struct ga_case_result *acc, long rep)
{
	size_t n = strlen(acc->bad_runs), room = sizeof(acc->bad_runs) - n;
	char num[32];
	int k;

	if (n >= 3 && strcmp(acc->bad_runs + n - 3, "...") == 0)
		return;
	k = snprintf(num, sizeof(num), "%s%ld", n ? ", " : "", rep);
	if (k > 0 && (size_t)k + 5 < room)     /* ", ..." stays possible */
		memcpy(acc->bad_runs + n, num, (size_t)k + 1);
	else
		snprintf(acc->bad_runs + n, room, "%s...", n ? ", " : "");
}

/* What every run carried out adds, whatever it decided: its times, its
 * verdict, what of its evidence was lost and its outcomes. */
static int fold_counts(struct ga_case_result *acc,
		       const struct ga_case_result *run)
{
	size_t i, n;

	acc->runs += run->runs;
	acc->wall_ms += run->wall_ms;
	acc->setup_ms += run->setup_ms;
	acc->start_wait_ms += run->start_wait_ms;
	acc->steps_ms += run->steps_ms;
	acc->teardown_ms += run->teardown_ms;
	acc->waits_ms += run->waits_ms;
	acc->servers_started += run->servers_started;
	if (run->runs > 0 && (unsigned)run->verdict <= GA_VERDICT_ERROR) {
		acc->run_verdicts[run->verdict] += run->runs;
		if (run->verdict == GA_VERDICT_FAIL ||
		    run->verdict == GA_VERDICT_ERROR)
			note_bad_run(acc, acc->runs);
	}
	if (run->evidence_lost[0]) {
		n = strlen(acc->evidence_lost);
		snprintf(acc->evidence_lost + n, sizeof(acc->evidence_lost) - n,
			 "%s%s", n ? "; " : "", run->evidence_lost);
	}
	if (run->evidence_cut[0]) {
		n = strlen(acc->evidence_cut);
		snprintf(acc->evidence_cut + n, sizeof(acc->evidence_cut) - n,
			 "%s%s", n ? "; " : "", run->evidence_cut);
	}
	for (i = 0; i < acc->nsteps; i++)
		if (fold_tally(&acc->steps[i], &run->steps[i]))
			return -1;
	return 0;
}

int ga_case_fold(const struct ga_run_options *o, struct ga_case_result *acc,
		 const struct ga_case_result *run)
{
	size_t i;

	/* a run in order would have stopped before this one */
	if (acc->nsteps != run->nsteps || ga_case_stops(o, acc))
		return 0;
	if (acc->verdict != GA_VERDICT_PASS) {
		/* decided by an earlier run: this one only adds to the
		 * counts, unless a signal cut it short (or no run was made,
		 * or it SKIPped: what it says is not about the scenario) */
		if (run->signo) {
			acc->signo = run->signo;
			return 0;
		}
		if (run->runs == 0 || run->verdict == GA_VERDICT_SKIP)
			return 0;
		return fold_counts(acc, run);
	}
	if (fold_counts(acc, run))
		return -1;
	/* the latest run is the one the step lines and the verdict show,
	 * until one did not PASS: then that one */
	acc->verdict = run->verdict;
	acc->skip = run->skip;
	acc->line = run->line;
	acc->signo = run->signo;
	acc->flavour = run->flavour;
	if (run->verdict != GA_VERDICT_PASS && run->runs > 0) {
		acc->first_bad = acc->runs;
		acc->first_bad_interrupted = run->signo != 0;
	}
	memcpy(acc->reason, run->reason, sizeof(acc->reason));
	memcpy(acc->server_version, run->server_version,
	       sizeof(acc->server_version));
	memcpy(acc->server_notes, run->server_notes, sizeof(acc->server_notes));
	memcpy(acc->proxy_ran, run->proxy_ran, sizeof(acc->proxy_ran));
	memcpy(acc->reverted, run->reverted, sizeof(acc->reverted));
	memcpy(acc->server_setup, run->server_setup, sizeof(acc->server_setup));
	memcpy(acc->server_after, run->server_after, sizeof(acc->server_after));
	memcpy(acc->client_setup, run->client_setup, sizeof(acc->client_setup));
	memcpy(acc->not_reverted, run->not_reverted, sizeof(acc->not_reverted));
	memcpy(acc->digest_before, run->digest_before,
	       sizeof(acc->digest_before));
	memcpy(acc->digest_after, run->digest_after, sizeof(acc->digest_after));
	if (acc->repeat <= 1) {
		memcpy(acc->results, run->results, sizeof(acc->results));
		memcpy(acc->capture, run->capture, sizeof(acc->capture));
	}
	for (i = 0; i < acc->nsteps; i++) {
		acc->steps[i].ran = run->steps[i].ran;
		memcpy(acc->steps[i].skipped, run->steps[i].skipped,
		       sizeof(acc->steps[i].skipped));
		acc->steps[i].matched = run->steps[i].matched;
		memcpy(acc->steps[i].digest_before, run->steps[i].digest_before,
		       sizeof(acc->steps[i].digest_before));
		acc->steps[i].expect = run->steps[i].expect;
		acc->steps[i].out = run->steps[i].out;
	}
	return 0;
}

/* What follows "run K of N" in a verdict's reason, into buf: how many
 * runs did not PASS and which ("; 3 of 20 runs FAILed: 3, 7, 12"),
 * unless run K was the only one and the last made (it says it all); and
 * "; interrupted after M runs" when a signal stopped the runs before the
 * Nth (and the reason is not that run's own interruption). */
static void bad_runs_text(const struct ga_case_result *res, char *buf,
			  size_t len)
{
	long fail = res->run_verdicts[GA_VERDICT_FAIL];
	long error = res->run_verdicts[GA_VERDICT_ERROR];
	size_t n = 0;

	buf[0] = '\0';
	if (fail + error > 1 || res->runs > res->first_bad) {
		if (fail && error)
			snprintf(buf, len, "; %ld of %ld runs did not PASS "
				 "(%ld FAIL, %ld ERROR): %s", fail + error,
				 res->runs, fail, error, res->bad_runs);
		else
			snprintf(buf, len, "; %ld of %ld runs %s: %s",
				 fail + error, res->runs,
				 fail ? "FAILed" : "were ERROR",
				 res->bad_runs);
		n = strlen(buf);
	}
	if (res->signo && res->runs < res->repeat &&
	    !(res->first_bad_interrupted && res->first_bad == res->runs) &&
	    n < len)
		snprintf(buf + n, len - n, "; interrupted after %ld run%s",
			 res->runs, res->runs == 1 ? "" : "s");
}

void ga_case_finish(const struct ga_run_options *o,
		    const struct ga_scenario *sc, struct ga_case_result *res)
{
	struct ga_error err;
	char bad[sizeof(res->bad_runs) + 128];
	size_t n;

	/* every run made PASSed, but not every run was made */
	if (res->verdict == GA_VERDICT_PASS && res->runs < res->repeat) {
		ga_case_result_error(res, res->signo ? "interrupted by a "
				     "signal before all its runs" :
				     "not every run was made");
	}
	if (res->first_bad > 0 && res->repeat > 1 &&
	    res->verdict != GA_VERDICT_SKIP) {
		bad_runs_text(res, bad, sizeof(bad));
		n = strlen(res->reason);
		snprintf(res->reason + n, sizeof(res->reason) - n,
			 " (run %ld of %ld%s)", res->first_bad, res->repeat,
			 bad);
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
