/* suggest.h - "did you mean ...?" for misspelt names. */
#ifndef GA_SUGGEST_H
#define GA_SUGGEST_H

#include <stddef.h>

/* Longer words are never suggested for (distance SIZE_MAX). */
#define GA_SUGGEST_MAX 64

/* Collects the closest candidate within max edits; the first of equals
 * wins.  Holds borrowed pointers only: nothing to free. */
struct ga_suggest {
	const char *word;
	size_t len;
	size_t max;
	const char *best;       /* borrowed from the candidates */
	size_t dist;
};

void ga_suggest_init(struct ga_suggest *sg, const char *word, size_t max);

/* Offers one candidate (borrowed; must outlive sg). */
void ga_suggest_try(struct ga_suggest *sg, const char *cand);

/* "; did you mean 'X'?" or "", in buf; returns buf. */
const char *ga_suggest_text(const struct ga_suggest *sg, char *buf,
			    size_t size);

#endif
