/* msan_shim.c - only in a MemorySanitizer build (make msan): libc's
 * asprintf, __asprintf_chk and vasprintf, and libarchive's calls, as
 * MSan should see them.  A library MSan did not instrument writes
 * memory MSan still takes for unwritten: a string libc's asprintf wrote
 * (libnl-route's constructor builds a path with it and opens it), what
 * libarchive unpacks for the bundle target (zlib's bytes, a member's
 * name), the tree jansson builds of a JSON text (util/json.c).  Each
 * shim, which the executable exports in the library's function's place,
 * calls it and marks what it wrote as written, so that MSan judges
 * goneaway's code over it.  Everywhere else this file is empty. */
#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <sanitizer/msan_interface.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>

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
/* jansson: the tree json_loadb() built, marked node by node (each
 * json_t's type and count, which jansson.h's json_typeof() and
 * json_decref() read in goneaway's code; each member's name and each
 * string's bytes), and its calls run with MSan's checks in libc's
 * functions off (jansson's strtod() and memcpy() over its own buffers). */
static void mark_json(json_t *j)
{
	size_t i;
	void *it;

	if (!j)
		return;
	__msan_unpoison(j, sizeof(*j));
	switch (json_typeof(j)) {
	case JSON_ARRAY:
		for (i = 0; i < json_array_size(j); i++)
			mark_json(json_array_get(j, i));
		break;
	case JSON_OBJECT:
		for (it = json_object_iter(j); it;
		     it = json_object_iter_next(j, it)) {
			__msan_unpoison_string(json_object_iter_key(it));
			mark_json(json_object_iter_value(it));
		}
		break;
	case JSON_STRING:
		__msan_unpoison(json_string_value(j), json_string_length(j) + 1);
		break;
	default:
		break;
	}
}

json_t *json_loadb(const char *buf, size_t len, size_t flags,
		   json_error_t *error)
{
	static json_t *(*real)(const char *, size_t, size_t, json_error_t *);
	json_t *j;

	if (!real)
		real = (json_t *(*)(const char *, size_t, size_t,
				    json_error_t *))dlsym(RTLD_NEXT, "json_loadb");
	__msan_scoped_disable_interceptor_checks();
	j = real(buf, len, flags, error);
	mark_json(j);
	__msan_scoped_enable_interceptor_checks();
	if (error)
		__msan_unpoison(error, sizeof(*error));
	return j;
}

/* what json_decref() calls to free a tree */
void json_delete(json_t *j)
{
	static void (*real)(json_t *);

	if (!real)
		real = (void (*)(json_t *))dlsym(RTLD_NEXT, "json_delete");
	__msan_scoped_disable_interceptor_checks();
	real(j);
	__msan_scoped_enable_interceptor_checks();
}

#endif
#endif
