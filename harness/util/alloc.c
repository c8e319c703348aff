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

/* The C library's, as the linker's --wrap names them, and ours: only
 * a program linked with --wrap=NAME calls __wrap_NAME for NAME. */
void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
FILE *__real_open_memstream(char **buf, size_t *len);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
FILE *__wrap_open_memstream(char **buf, size_t *len);

void *__wrap_malloc(size_t size)
{
	return may() ? __real_malloc(size) : NULL;
}

void *__wrap_calloc(size_t n, size_t size)
{
	return may() ? __real_calloc(n, size) : NULL;
}

void *__wrap_realloc(void *p, size_t size)
{
	return may() ? __real_realloc(p, size) : NULL;
}

char *__wrap_strdup(const char *s)
{
	return may() ? __real_strdup(s) : NULL;
}

char *__wrap_strndup(const char *s, size_t n)
{
	return may() ? __real_strndup(s, n) : NULL;
}

FILE *__wrap_open_memstream(char **buf, size_t *len)
{
	return may() ? __real_open_memstream(buf, len) : NULL;
}
