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
