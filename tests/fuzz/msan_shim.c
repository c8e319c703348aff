/* msan_shim.c - only in a MemorySanitizer build (make msan): libc's
 * asprintf, __asprintf_chk and vasprintf as MSan should see them.  A library MSan did
 * not instrument (libnl-route, whose constructor builds a path with
 * asprintf and opens it) gets a string that libc wrote into memory from
 * MSan's malloc, which MSan still takes for unwritten: the shim, which
 * the executable exports in their place, marks what libc wrote as
 * written.  Everywhere else this file is empty. */
#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <sanitizer/msan_interface.h>

int vasprintf(char **strp, const char *fmt, va_list ap)
{
	static int (*real)(char **, const char *, va_list);
	int n;

	if (!real)
		real = (int (*)(char **, const char *, va_list))
			dlsym(RTLD_NEXT, "vasprintf");
	n = real(strp, fmt, ap);
	if (n >= 0)
		__msan_unpoison(*strp, (size_t)n + 1);
	return n;
}

/* what a library built with _FORTIFY_SOURCE calls */
int __asprintf_chk(char **strp, int flag, const char *fmt, ...);

int __asprintf_chk(char **strp, int flag, const char *fmt, ...)
{
	va_list ap;
	int n;

	(void)flag;
	va_start(ap, fmt);
	n = vasprintf(strp, fmt, ap);
	va_end(ap);
	return n;
}

int asprintf(char **strp, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(strp, fmt, ap);
	va_end(ap);
	return n;
}
#endif
#endif
