/* spread.c - see result.h: a step's outcomes over the runs of a
 * repeated scenario, in words. */
#include "result/result.h"

#include <stdio.h>
#include <stdlib.h>

#include "lang/errnames.h"

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

		if (used && used < len) {
			n = snprintf(buf + used, len - used, ", ");
			used += n > 0 ? (size_t)n : 0;
		}
		if (used >= len)
			break;
		switch (t->result) {
		case GA_RESULT_OK:
			n = snprintf(buf + used, len - used, "ok");
			break;
		case GA_RESULT_HANG:
			n = snprintf(buf + used, len - used, "hang");
			break;
		case GA_RESULT_WRONG:
			n = snprintf(buf + used, len - used, "wrong-result");
			break;
		case GA_RESULT_ERROR:
		default:
			name = ga_errname_name_for(t->err, t->flavour);
			if (!t->err && t->error_class[0]) {
				n = snprintf(buf + used, len - used, "%s",
					     t->error_class);
				break;
			}
			n = snprintf(buf + used, len - used, "%u%s%s%s",
				     t->err, name ? " (" : "",
				     name ? name : "", name ? ")" : "");
			break;
		}
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
		/* what the pool did is part of the outcome */
		if (t->has_pool_events && t->result != GA_RESULT_HANG) {
			char ev[128];

			n = snprintf(buf + used, len - used, " pool %s",
				     ga_pool_events_text(t->pool_events, ev,
							 sizeof(ev)));
			if (n < 0 || (size_t)n >= len - used)
				break;
			used += (size_t)n;
		}
		n = snprintf(buf + used, len - used, " %ld", t->count);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	free(order);
}
