/* among.h - whether a value is one of an array's (a descriptor one of
 * those a child keeps, a socket's inode one of the process's own).
 */
#ifndef GA_AMONG_H
#define GA_AMONG_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the size bytes at x are those of one of set's n elements of
 * size bytes each.  Async-signal-safe (a child between fork and exec
 * calls it). */
bool ga_among(const void *x, const void *set, size_t n, size_t size);

#endif
