/* msan_shim.c - only in a MemorySanitizer build (make msan): libc's
 * asprintf, __asprintf_chk and vasprintf, and libarchive's calls, as
 * MSan should see them.  A library MSan did not instrument writes
 * memory MSan still takes for unwritten: a string libc's asprintf wrote
 * (libnl-route's constructor builds a path with it and opens it), what
 * libarchive unpacks for the bundle target (zlib's bytes, a member's
 * name).  Each shim, which the executable exports in the library's
 * function's place, calls it and marks what it wrote as written, so that
 * MSan judges goneaway's code over it.  Everywhere else this file is
 * empty. */
#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <sanitizer/msan_interface.h>

#include <archive.h>
#include <archive_entry.h>

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

/* A libarchive call that does the work (reading the stream, its
 * headers, a member's bytes), with MSan's checks in libc's functions
 * off while it runs: libarchive builds a name in memory of its own
 * (a wide string by hand, then wcslen()), which MSan takes for
 * unwritten.  What it hands goneaway is marked below. */
#define QUIET_SHIM(ret, name, params, args) \
	ret name params \
	{ \
		static ret (*real) params; \
		ret r; \
		\
		if (!real) \
			real = (ret (*) params)dlsym(RTLD_NEXT, #name); \
		__msan_scoped_disable_interceptor_checks(); \
		r = real args; \
		__msan_scoped_enable_interceptor_checks(); \
		return r; \
	}

QUIET_SHIM(int, archive_read_open_fd,
	   (struct archive *a, int fd, size_t block), (a, fd, block))
QUIET_SHIM(int, archive_read_next_header,
	   (struct archive *a, struct archive_entry **e), (a, e))
QUIET_SHIM(int, archive_read_free, (struct archive *a), (a))

/* a member's bytes, into goneaway's buffer: as zlib inflated them */
la_ssize_t archive_read_data(struct archive *a, void *buf, size_t len)
{
	static la_ssize_t (*real)(struct archive *, void *, size_t);
	la_ssize_t n;

	if (!real)
		real = (la_ssize_t (*)(struct archive *, void *, size_t))
			dlsym(RTLD_NEXT, "archive_read_data");
	__msan_scoped_disable_interceptor_checks();
	n = real(a, buf, len);
	__msan_scoped_enable_interceptor_checks();
	if (n > 0)
		__msan_unpoison(buf, (size_t)n);
	return n;
}

/* A string a libarchive getter returns, marked to its '\0'. */
#define STRING_SHIM(name, type) \
	const char *name(type *x) \
	{ \
		static const char *(*real)(type *); \
		const char *s; \
		\
		if (!real) \
			real = (const char *(*)(type *))dlsym(RTLD_NEXT, \
							      #name); \
		s = real(x); \
		if (s) \
			__msan_unpoison_string(s); \
		return s; \
	}

STRING_SHIM(archive_entry_pathname, struct archive_entry)
STRING_SHIM(archive_error_string, struct archive)
#endif
#endif
