/* nameindex.h - the names a scenario declares (its connections, pools and
 * faults), each with its index in the order of declaration, found by
 * name in constant time: a file with many names parses in time linear
 * in its size, not in its square (issue 34: 1 MiB of "connection cN"
 * lines took 26 s of CPU in goneaway check).
 *
 * A hash table with open addressing (linear probing) over FNV-1a
 * (util/hash.h), at most half full.  Names are copied: the table owns
 * them (ga_nameindex_free).  A zeroed struct ga_nameindex is an empty table.
 */
#ifndef GA_NAMEINDEX_H
#define GA_NAMEINDEX_H

#include <stddef.h>

#include "lang/scenario.h"
#include "util/suggest.h"

struct ga_nameindex {
	char (*names)[GA_NAME_MAX];     /* owned: the names, by index */
	size_t n;
	size_t *slots;                  /* owned: index + 1 of the name
					 * hashed there, 0 for none */
	size_t nslots;                  /* a power of two, 0 or >= 2n */
};

/* Adds name (a new one: look it up first), whose index is then ix->n
 * before the call.  Returns that index, or -1 when name is
 * GA_NAME_MAX bytes or longer or memory ran out. */
long ga_nameindex_add(struct ga_nameindex *ix, const char *name);

/* The index of the name name[0..len) (not NUL-terminated), or -1. */
long ga_nameindex_find(const struct ga_nameindex *ix, const char *name,
		       size_t len);

/* Offers sg (util/suggest.h) each name in index order while *budget
 * lasts, one from it per name: the work of every "did you mean" of one
 * file is bounded by what the file's parser starts *budget with, however
 * many names it misspells. */
void ga_nameindex_suggest(const struct ga_nameindex *ix, struct ga_suggest *sg,
		      size_t *budget);

/* Frees what ix holds and empties it; a zeroed ix is fine. */
void ga_nameindex_free(struct ga_nameindex *ix);

#endif
