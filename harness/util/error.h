/* error.h - errors as values with a message.
 *
 * Every function that can fail returns 0 on success or -1 on failure and,
 * on failure, writes a one-line human message into a caller-owned
 * struct ga_error.  Library errors (libnl, libmysqlclient, errno) are
 * translated into that message at the boundary where they happen.  Only
 * main.c turns errors into exit codes.
 */
#ifndef GA_ERROR_H
#define GA_ERROR_H

#include <stddef.h>

#define GA_ERROR_MAX 1024

struct ga_error {
	char msg[GA_ERROR_MAX];
};

/* Sets err's message (printf-style) and returns -1 so callers can write
 * "return ga_error_set(err, ...);".  err may be NULL. */
int ga_error_set(struct ga_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Like ga_error_set() but appends ": strerror(errnum)". */
int ga_error_errno(struct ga_error *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes the existing message with "prefix: " (printf-style). */
int ga_error_prefix(struct ga_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
