/* error.c - see error.h */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* err's message: fmt's words, then ": " and tail's when tail is not
 * NULL.  err may be NULL.  Returns -1. */
static int error_v(struct ga_error *err, const char *tail, const char *fmt,
		   va_list ap)
{
	size_t len;

	if (!err)
		return -1;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (tail) {
		len = strlen(err->msg);
		snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", tail);
	}
	return -1;
}

int ga_error_set(struct ga_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_v(err, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int ga_error_errno(struct ga_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_v(err, strerror(errnum), fmt, ap);
	va_end(ap);
	return -1;
}

int ga_error_prefix(struct ga_error *err, const char *fmt, ...)
{
	char prefix[GA_ERROR_MAX];
	char old[GA_ERROR_MAX];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	return -1;
}
