/* fsutil.h - the few file-system operations the harness needs. */
#ifndef GA_FSUTIL_H
#define GA_FSUTIL_H

#include <dirent.h>
#include <stddef.h>
#include <stdio.h>

#include "util/error.h"

/* How a copy moves the bytes of a file's data extents.  GA_COPY_AUTO
 * uses copy_file_range and falls back to read/write for whatever it
 * cannot copy: across filesystems it fails (EXDEV, EOPNOTSUPP, ENOSYS) or
 * copies nothing, depending on the kernel and the filesystems.
 * GA_COPY_READ_WRITE uses read/write only (the tests force the fallback
 * with it).  Either way, a copy checks that every byte was copied: a
 * source that ends before the size it had when the copy began is an error
 * naming both counts, never a copy padded with NUL bytes. */
enum ga_copy_how {
	GA_COPY_AUTO,
	GA_COPY_READ_WRITE,
};

/* Copies the directory tree src to dst (which must not exist).  Regular
 * files keep their mode and their holes: only data extents are copied,
 * which keeps a datadir copy fast.  What a server's user may have left
 * in src is not followed: each entry is opened below its directory's
 * descriptor with O_NOFOLLOW and without waiting, a symlink, socket,
 * FIFO or device is left out, and a regular file with more than one
 * link (a file of elsewhere) is an error. */
int ga_tree_copy(const char *src, const char *dst, struct ga_error *err);

/* Gives path and everything below it to uid and gid (chown -R, never
 * following a symlink: a link itself is given, its target is not). */
int ga_tree_chown(const char *path, unsigned uid, unsigned gid,
		  struct ga_error *err);

/* Removes path and everything below it, like rm -rf; a missing path is
 * not an error.  A symlink is removed, never followed: see
 * ga_tree_remove_at(). */
int ga_tree_remove(const char *path, struct ga_error *err);

/* Removes name under the open directory dirfd (AT_FDCWD: the current
 * directory) and everything below it, without following any symlink and
 * without resolving a path twice: each directory is opened relative to
 * its parent's descriptor with O_NOFOLLOW and emptied through its own
 * descriptor, so a directory swapped for a symlink while the removal
 * runs is not followed either.  A missing name is not an error. */
int ga_tree_remove_at(int dirfd, const char *name, struct ga_error *err);

/* Removes everything inside the open directory fd, as ga_tree_remove_at()
 * does; the directory itself stays. */
int ga_tree_empty_fd(int fd, struct ga_error *err);

/* Creates path and its missing parents (mode 0755). */
int ga_mkdirs(const char *path, struct ga_error *err);

/* Copies one regular file (holes kept).  dst is created or truncated
 * (mode 0644 when created). */
int ga_file_copy(const char *src, const char *dst, struct ga_error *err);

/* ga_file_copy(), moving the bytes as how says. */
int ga_file_copy_how(const char *src, const char *dst, enum ga_copy_how how,
		     struct ga_error *err);

/* The next entry of d other than "." and "..", or NULL at its end (or on
 * an error, with errno set as readdir sets it). */
struct dirent *ga_readdir(DIR *d);

/* Opens the directory rel below the open directory dirfd (AT_FDCWD:
 * the current directory), one component at a time with O_NOFOLLOW, each
 * made (mode 0755) when missing: a symlink anywhere in rel is an error,
 * never followed, and so are "..", "." and empty components, an absolute
 * rel and a component that is not a directory.  Returns a new descriptor
 * (the caller closes it), or -1 with err set. */
int ga_dir_open_beneath(int dirfd, const char *rel, struct ga_error *err);

/* ga_file_copy() into name under the open directory dirfd: name is
 * created or truncated (mode 0644 when created) without following a
 * symlink (O_NOFOLLOW) and must be a plain name, no '/'. */
int ga_file_copy_at(const char *src, int dirfd, const char *name,
		    struct ga_error *err);

/* Opens name under the open directory dirfd for writing as a stdio
 * stream ("we"), created or truncated (mode 0644) without following a
 * symlink.  Returns the stream (fclose it), or NULL with err set. */
FILE *ga_file_create_at(int dirfd, const char *name, struct ga_error *err);

/* fd as a stream of mode (fdopen(3)), which then owns it; NULL when that
 * fails, with fd closed and errno fdopen's. */
FILE *ga_fdopen(int fd, const char *mode);

/* Writes all len bytes of buf to fd (a pipe's reader may take them in
 * pieces), again after EINTR.  Returns 0, or -1 with errno set (EIO
 * for a write of nothing). */
int ga_write_all(int fd, const void *buf, size_t len);

/* Closes *fd when it is open (>= 0) and makes it -1. */
void ga_close_fd(int *fd);

/* Closes f, a stream written to: -1 when it had an error, its close
 * failed or bad (the caller's own failure) is not 0, else 0. */
int ga_file_close(FILE *f, int bad);

/* Reads a whole file into a new NUL-terminated buffer (free() it).
 * Fails for files larger than max bytes. */
int ga_file_read(const char *path, size_t max, char **out, size_t *len,
		 struct ga_error *err);

/* ga_file_read() of the part of path from byte from on (at most max
 * bytes of it); a file shorter than from (replaced since) is read
 * whole, and *from then says 0.  A missing file reads as empty. */
int ga_file_read_from(const char *path, long long *from, size_t max,
		      char **out, size_t *len, struct ga_error *err);

/* ga_file_read() and ga_file_read_from() of the open descriptor fd,
 * which they close whatever happens; shown names it in messages. */
int ga_fd_read(int fd, const char *shown, size_t max, char **out,
	       size_t *len, struct ga_error *err);
int ga_fd_read_from(int fd, const char *shown, long long *from, size_t max,
		    char **out, size_t *len, struct ga_error *err);

/* Writes len bytes to path (created or truncated, mode 0644). */
int ga_file_write(const char *path, const char *data, size_t len,
		  struct ga_error *err);

#endif
