/* alloc.c - see alloc.h: the wrappers the linker's --wrap puts between
 * goneaway's code and the C library's allocations. */
#include "util/alloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool armed;              /* counting */
static long fail_at;            /* the allocation to fail, 0: none */
static long counted;
static bool failed;
static bool wrapped;            /* a wrapper ran once */

void ga_alloc_fail_at(long n)
{
	armed = true;
	fail_at = n;
	counted = 0;
	failed = false;
}

void ga_alloc_disarm(void)
{
	armed = false;
}

long ga_alloc_count(void)
{
	return counted;
}

bool ga_alloc_failed(void)
{
	return failed;
}

/* One allocation: false when it is the one to fail. */
static bool may(void)
{
	wrapped = true;
	if (!armed)
		return true;
	if (++counted != fail_at)
		return true;
	failed = true;
	errno = ENOMEM;
	return false;
}

bool ga_alloc_wrapped(void)
{
	void *p;

	/* a wrapped malloc sets wrapped: the plain one does not */
	p = malloc(1);
	free(p);
	return wrapped;
}

/* __wrap_NAME, ours, and __real_NAME, the C library's, as the linker's
 * --wrap names them (only a program linked with --wrap=NAME calls
 * __wrap_NAME for NAME): the allocation counted, then the C library's,
 * or NULL. */
#define GA_ALLOC_WRAPPER(type, name, params, args) \
	type __real_##name params; \
	type __wrap_##name params; \
	type __wrap_##name params \
	{ \
		return may() ? __real_##name args : NULL; \
	}

GA_ALLOC_WRAPPER(void *, malloc, (size_t size), (size))
GA_ALLOC_WRAPPER(void *, calloc, (size_t n, size_t size), (n, size))
GA_ALLOC_WRAPPER(void *, realloc, (void *p, size_t size), (p, size))
GA_ALLOC_WRAPPER(char *, strdup, (const char *s), (s))
GA_ALLOC_WRAPPER(char *, strndup, (const char *s, size_t n), (s, n))
GA_ALLOC_WRAPPER(FILE *, open_memstream, (char **buf, size_t *len),
		 (buf, len))
