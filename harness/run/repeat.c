/* repeat.c - a scenario run N times ("repeat N"): each step's outcomes
 * are counted over the runs, the spread is reported, and "seen" lines
 * judge the counts. */
#include "run/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/errnames.h"
#include "run/expect.h"

void ga_step_spread(const struct ga_step_result *sr, char *buf, size_t len)
{
	const struct ga_tally **order, *tmp;
	const char *name;
	size_t i, j, used = 0;

	buf[0] = '\0';
	order = calloc(sr->ntally ? sr->ntally : 1, sizeof(*order));
	if (!order)
		return;
	for (i = 0; i < sr->ntally; i++)
		order[i] = &sr->tally[i];
	for (i = 1; i < sr->ntally; i++)        /* stable: by count, desc */
		for (j = i; j > 0 && order[j - 1]->count < order[j]->count; j--) {
			tmp = order[j];
			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	for (i = 0; i < sr->ntally && used < len; i++) {
		const struct ga_tally *t = order[i];
		int n;

		switch (t->result) {
		case GA_RESULT_OK:
			n = snprintf(buf + used, len - used, "%sok %ld",
				     i ? ", " : "", t->count);
			break;
		case GA_RESULT_HANG:
			n = snprintf(buf + used, len - used, "%shang %ld",
				     i ? ", " : "", t->count);
			break;
		case GA_RESULT_WRONG:
			n = snprintf(buf + used, len - used, "%swrong-result %ld",
				     i ? ", " : "", t->count);
			break;
		case GA_RESULT_ERROR:
		default:
			name = ga_errname_name_for(t->err, t->flavour);
			if (!t->err && t->error_class[0]) {
				n = snprintf(buf + used, len - used, "%s%s %ld",
					     i ? ", " : "", t->error_class,
					     t->count);
				break;
			}
			n = snprintf(buf + used, len - used, "%s%u%s%s%s %ld",
				     i ? ", " : "", t->err, name ? " (" : "",
				     name ? name : "", name ? ")" : "",
				     t->count);
			break;
		}
		if (n < 0)
			break;
		used += (size_t)n;
	}
	free(order);
}

int ga_tally_run(struct ga_case_result *res)
{
	struct ga_step_result *sr;
	struct ga_tally *t;
	size_t i, k;

	for (i = 0; i < res->nsteps; i++) {
		sr = &res->steps[i];
		if (!sr->ran)
			continue;
		for (k = 0; k < sr->ntally; k++) {
			t = &sr->tally[k];
			if (t->result == sr->out.result &&
			    (t->result != GA_RESULT_ERROR ||
			     (t->err == sr->out.err &&
			      strcmp(t->error_class, sr->out.error_class) == 0)))
				break;
		}
		if (k == sr->ntally) {
			t = realloc(sr->tally, (k + 1) * sizeof(*t));
			if (!t)
				return -1;
			sr->tally = t;
			sr->ntally++;
			t[k].result = sr->out.result;
			t[k].err = sr->out.err;
			t[k].flavour = sr->out.flavour;
			snprintf(t[k].error_class, sizeof(t[k].error_class),
				 "%s", sr->out.error_class);
			t[k].count = 0;
		}
		sr->tally[k].count++;
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
