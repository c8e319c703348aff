/* grow.c - see grow.h: a growable array's room for one more element,
 * and an array of owned strings freed. */
#include "util/grow.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int ga_grow(void *items, size_t *cap, size_t n, size_t elem, size_t first)
{
	void *old, *grown;
	size_t want;

	if (n < *cap)
		return 0;
	want = *cap ? *cap * 2 : first;
	if (want < *cap || (elem && want > SIZE_MAX / elem)) {
		errno = ENOMEM;
		return -1;
	}
	/* items points at a T *, read and written as the bytes of a
	 * void * (one representation for every object pointer here) */
	memcpy(&old, items, sizeof(old));
	grown = realloc(old, want * elem);
	if (!grown)
		return -1;
	memcpy(items, &grown, sizeof(grown));
	*cap = want;
	return 0;
}

void ga_strings_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
