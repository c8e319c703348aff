/* logcopy.c - see logcopy.h */
#include "util/logcopy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"

#define MIB (1024LL * 1024)

/* n bytes of in from off written to out; a file that ends first stops
 * the copy there.  Returns 0, or -1 with err set. */
static int copy_part(int in, long long off, long long n, int out,
		     struct ga_error *err)
{
	char buf[65536];
	ssize_t got;
	size_t want;

	while (n > 0) {
		want = n < (long long)sizeof(buf) ? (size_t)n : sizeof(buf);
		got = pread(in, buf, want, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return ga_error_errno(err, errno, "read");
		if (got == 0)
			return 0;
		if (ga_write_all(out, buf, (size_t)got) != 0)
			return ga_error_errno(err, errno, "write");
		off += got;
		n -= got;
	}
	return 0;
}

/* "4 MiB", or "3000 bytes" for a bound that is no whole MiB. */
static void size_words(long long bytes, char *buf, size_t len)
{
	if (bytes % MIB == 0)
		snprintf(buf, len, "%lld MiB", bytes / MIB);
	else
		snprintf(buf, len, "%lld bytes", bytes);
}

long long ga_log_copy_range(int in, long long from, long long to, int out,
			    long long max, struct ga_error *err)
{
	long long n = to - from, half = max / 2, cut;
	char line[300], whole[32], part[32];
	int len;

	if (n <= 0)
		return 0;
	if (n <= max)
		return copy_part(in, from, n, out, err) ? -1 : 0;
	cut = n - 2 * half;
	size_words(max, whole, sizeof(whole));
	size_words(half, part, sizeof(part));
	len = snprintf(line, sizeof(line), "\n[goneaway] ... %lld bytes cut "
		       "here (a log is kept whole up to %s, else its first and "
		       "its last %s) ...\n", cut, whole, part);
	if (copy_part(in, from, half, out, err))
		return -1;
	if (ga_write_all(out, line, (size_t)len) != 0)
		return ga_error_errno(err, errno, "write");
	if (copy_part(in, to - half, half, out, err))
		return -1;
	return cut;
}

long long ga_log_copy_at(int in, int dirfd, const char *name, long long max,
			 struct ga_error *err)
{
	struct stat st;
	long long cut;
	int out;

	if (strchr(name, '/'))
		return ga_error_set(err, "create %s: not a plain name", name);
	if (fstat(in, &st) != 0)
		return ga_error_errno(err, errno, "stat (%s)", name);
	out = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		     O_CLOEXEC, 0644);
	if (out < 0)
		return ga_error_errno(err, errno, "create %s", name);
	cut = ga_log_copy_range(in, 0, (long long)st.st_size, out, max, err);
	if (close(out) != 0 && cut >= 0)
		return ga_error_errno(err, errno, "close %s", name);
	if (cut < 0)
		return ga_error_prefix(err, "%s", name);
	return cut;
}

const char *ga_log_tail(const char *text, size_t n, int lines, size_t len)
{
	size_t start = n;
	int seen = 0;

	while (start > 0 && seen < lines) {
		start--;
		if (text[start] == '\n' && start + 1 < n)
			seen++;
	}
	if (n - start >= len)
		start = n - (len - 1);
	return text + start + (text[start] == '\n');
}
