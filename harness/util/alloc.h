/* alloc.h - every allocation made to fail in turn (curl's torture).
 *
 * A program or test linked with the linker's --wrap for malloc, calloc,
 * realloc, strdup, strndup and open_memstream (GA_ALLOC_WRAP in the
 * Makefile: the unit tests and the fuzz targets are) has each of those
 * calls of goneaway's code go through util/alloc.c, which counts them
 * and, once armed, fails the one asked for (NULL with errno ENOMEM), so
 * that a test can run a reader once for every allocation it makes and
 * see each "out of memory" path run: a clean error, never a crash, a
 * leak or a result that passes.  goneaway itself is linked without it:
 * its calls go to the C library directly and nothing here runs.
 *
 * Nothing here allocates; the state is the process's (tests run one at a
 * time in it).
 */
#ifndef GA_ALLOC_H
#define GA_ALLOC_H

#include <stdbool.h>

/* Counts allocations from now on and fails the n-th (1-based); n 0
 * counts without failing any. */
void ga_alloc_fail_at(long n);

/* Stops counting and failing. */
void ga_alloc_disarm(void);

/* The allocations counted since the last ga_alloc_fail_at(). */
long ga_alloc_count(void);

/* True when the allocation asked for was made to fail. */
bool ga_alloc_failed(void);

/* True when this program was linked with the wrappers (else arming
 * does nothing). */
bool ga_alloc_wrapped(void);

#endif
