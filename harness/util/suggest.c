/* suggest.c - see suggest.h */
#include "util/suggest.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Levenshtein distance, ignoring case; SIZE_MAX for very long words. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t row[GA_SUGGEST_MAX + 1];
	size_t la, lb, i, j, diag, up, best;

	la = strlen(a);
	lb = strlen(b);
	if (la > GA_SUGGEST_MAX || lb > GA_SUGGEST_MAX)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			best = diag + (tolower((unsigned char)a[i - 1]) !=
				       tolower((unsigned char)b[j - 1]));
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

void ga_suggest_init(struct ga_suggest *sg, const char *word, size_t max)
{
	sg->word = word;
	sg->len = strlen(word);
	sg->max = max;
	sg->best = NULL;
	sg->dist = SIZE_MAX;
}

void ga_suggest_try(struct ga_suggest *sg, const char *cand)
{
	size_t clen, d;

	clen = strlen(cand);
	if (clen > sg->len + sg->max || sg->len > clen + sg->max)
		return;
	d = edit_distance(sg->word, cand);
	if (d <= sg->max && d < sg->dist) {
		sg->best = cand;
		sg->dist = d;
	}
}

/* "; did you mean 'X'?" or "", in buf. */
const char *ga_suggest_text(const struct ga_suggest *sg, char *buf,
				size_t size)
{
	buf[0] = '\0';
	if (sg->best)
		snprintf(buf, size, "; did you mean '%s'?", sg->best);
	return buf;
}
