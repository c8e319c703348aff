/* grow.h - a growable array's room for one more element, and an array
 * of owned strings freed.
 *
 * The arrays goneaway builds up (lists of paths, sockets, mounts, lines,
 * a chain's stages, a results file's cases) keep items, n and cap, and
 * double cap when n reaches it; this is that step, written once.
 */
#ifndef GA_GROW_H
#define GA_GROW_H

#include <stddef.h>

/* Makes room in the array *items (a pointer to the array's pointer: n
 * elements of elem bytes used of *cap) for one more: cap doubled, or
 * first when it was 0; nothing when n < *cap.  Returns 0, or -1 with
 * errno ENOMEM (out of memory, or a size past SIZE_MAX) and *items and
 * *cap as they were. */
int ga_grow(void *items, size_t *cap, size_t n, size_t elem, size_t first);

/* Frees an array of n owned strings and the array (v may be NULL when n
 * is 0). */
void ga_strings_free(char **v, size_t n);

#endif
