/* fsutil.h - the few file-system operations the harness needs. */
#ifndef GA_FSUTIL_H
#define GA_FSUTIL_H

#include <stddef.h>

#include "util/error.h"

/* Copies the directory tree src to dst (which must not exist).  Regular
 * files keep their mode and their holes: only data extents are copied,
 * which keeps a datadir copy fast. */
int ga_tree_copy(const char *src, const char *dst, struct ga_error *err);

/* Removes path and everything below it, like rm -rf; a missing path is
 * not an error. */
int ga_tree_remove(const char *path, struct ga_error *err);

/* Creates path and its missing parents (mode 0755). */
int ga_mkdirs(const char *path, struct ga_error *err);

/* Copies one regular file (holes kept).  dst is created or truncated. */
int ga_file_copy(const char *src, const char *dst, struct ga_error *err);

/* Reads a whole file into a new NUL-terminated buffer (free() it).
 * Fails for files larger than max bytes. */
int ga_file_read(const char *path, size_t max, char **out, size_t *len,
		 struct ga_error *err);

/* Writes len bytes to path (created or truncated, mode 0644). */
int ga_file_write(const char *path, const char *data, size_t len,
		  struct ga_error *err);

#endif
