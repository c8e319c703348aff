/* result.c - see result.h: what a SKIP lacked, by name, and a result's
 * memory. */
#include "result/result.h"

#include <stdlib.h>
#include <string.h>

static const char *const skip_words[GA_SKIP_KIND_COUNT] = {
#define GA_SKIP_WORD(name, word, what) [GA_SKIP_##name] = word,
	GA_SKIP_MAP(GA_SKIP_WORD)
#undef GA_SKIP_WORD
};

const char *ga_skip_kind_name(enum ga_skip_kind kind)
{
	return (unsigned)kind < GA_SKIP_KIND_COUNT ? skip_words[kind] : "?";
}

int ga_skip_kind_find(const char *word)
{
	int i;

	for (i = 1; i < GA_SKIP_KIND_COUNT; i++)
		if (strcmp(skip_words[i], word) == 0)
			return i;
	return -1;
}

void ga_step_results_free(struct ga_step_result *steps, size_t n)
{
	size_t i;

	for (i = 0; i < n && steps; i++)
		free(steps[i].tally);
	free(steps);
}

void ga_case_result_free(struct ga_case_result *res)
{
	ga_step_results_free(res->steps, res->nsteps);
	res->steps = NULL;
	res->nsteps = 0;
}
