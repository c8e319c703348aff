/* logcopy.h - a log copied into a case's evidence within a bound.
 *
 * What a case's processes wrote - a driver's standard error, the
 * server's error log, a proxy's log - is bounded where it is written
 * (docs/running.md, "What a case can fill"), and bounded again where it
 * is copied into -o's folder: at most GA_LOG_COPY_MAX bytes of each
 * log.  Past that, the copy keeps the log's first and its last
 * GA_LOG_COPY_MAX / 2 bytes (how the process started and how it ended),
 * and between them a line of goneaway's own that says what was cut:
 *
 *     [goneaway] ... 201326592 bytes cut here (a log is kept whole up to
 *     8 MiB, else its first and its last 4 MiB) ...
 *
 * The caller says what was cut in the case's result too
 * (res->evidence_cut: report.txt's "cut:" line).
 */
#ifndef GA_LOGCOPY_H
#define GA_LOGCOPY_H

#include <stddef.h>

#include "util/error.h"

#define GA_LOG_COPY_MAX (8LL << 20)

/* Writes bytes [from, to) of the open file in to out, at out's offset,
 * at most max of them: all of them when there are no more, else the
 * first and the last max / 2 with the line above between them.  A file
 * that ends before to is copied as far as it goes.  Returns the bytes
 * cut (0: none), or -1 with err set (a read or a write that failed). */
long long ga_log_copy_range(int in, long long from, long long to, int out,
			    long long max, struct ga_error *err);

/* The whole of the open regular file in, as long as it is now, copied
 * by ga_log_copy_range() into name under the open directory dirfd
 * (created or truncated, mode 0644, never through a symlink; a plain
 * name).  Returns the bytes cut, or -1 with err set. */
long long ga_log_copy_at(int in, int dirfd, const char *name, long long max,
			 struct ga_error *err);

/* Where the last lines of the log text[0..n) begin, for a message: at
 * most lines of them, and fewer than len bytes (len > 0).  text is read
 * at text[n] when n is 0 (a NUL after the text). */
const char *ga_log_tail(const char *text, size_t n, int lines, size_t len);

#endif
