/* nameindex.c - see nameindex.h */
#include "lang/nameindex.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"

/* The slot name[0..len) hashes to first. */
static size_t home(const struct ga_nameindex *ix, const char *name, size_t len)
{
	return (size_t)ga_fnv1a(GA_FNV1A_INIT, name, len) & (ix->nslots - 1);
}

/* Puts index i (whose name is in ix->names) in its slot. */
static void place(struct ga_nameindex *ix, size_t i)
{
	size_t s = home(ix, ix->names[i], strlen(ix->names[i]));

	while (ix->slots[s])
		s = (s + 1) & (ix->nslots - 1);
	ix->slots[s] = i + 1;
}

/* Doubles the slots (16 to start) and places every name again. */
static int grow(struct ga_nameindex *ix)
{
	size_t n = ix->nslots ? ix->nslots * 2 : 16, i;
	size_t *slots;

	if (n > SIZE_MAX / sizeof(*slots))
		return -1;
	slots = calloc(n, sizeof(*slots));
	if (!slots)
		return -1;
	free(ix->slots);
	ix->slots = slots;
	ix->nslots = n;
	for (i = 0; i < ix->n; i++)
		place(ix, i);
	return 0;
}

long ga_nameindex_add(struct ga_nameindex *ix, const char *name)
{
	size_t len = strlen(name);
	char (*names)[GA_NAME_MAX];

	if (len >= GA_NAME_MAX || ix->n >= (size_t)LONG_MAX / 2)
		return -1;
	if (2 * (ix->n + 1) > ix->nslots && grow(ix))
		return -1;
	/* ix->n + 1 <= nslots / 2: the names array grows with the slots */
	if ((ix->n & (ix->n - 1)) == 0) {
		names = realloc(ix->names, (ix->n ? 2 * ix->n : 1) *
				sizeof(*names));
		if (!names)
			return -1;
		ix->names = names;
	}
	memcpy(ix->names[ix->n], name, len + 1);
	place(ix, ix->n);
	return (long)ix->n++;
}

long ga_nameindex_find(const struct ga_nameindex *ix, const char *name,
		       size_t len)
{
	size_t s, i;

	if (!ix->nslots || len >= GA_NAME_MAX)
		return -1;
	for (s = home(ix, name, len); ix->slots[s];
	     s = (s + 1) & (ix->nslots - 1)) {
		i = ix->slots[s] - 1;
		if (strncmp(ix->names[i], name, len) == 0 &&
		    ix->names[i][len] == '\0')
			return (long)i;
	}
	return -1;
}

void ga_nameindex_suggest(const struct ga_nameindex *ix, struct ga_suggest *sg,
		      size_t *budget)
{
	size_t i;

	for (i = 0; i < ix->n && *budget > 0; i++, (*budget)--)
		ga_suggest_try(sg, ix->names[i]);
}

void ga_nameindex_free(struct ga_nameindex *ix)
{
	free(ix->names);
	free(ix->slots);
	memset(ix, 0, sizeof(*ix));
}
