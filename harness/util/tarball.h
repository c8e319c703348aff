/* tarball.h - a folder's files as one .tar.gz (POSIX ustar inside
 * gzip, what "tar xzf" unpacks), and such a file unpacked again, as
 * untrusted input.
 *
 * goneaway replay --bundle packs a case's evidence folder this way, and
 * goneaway replay unpacks one it is given.  libarchive writes and reads
 * it (the gzip stream and the tar headers; no other format or filter),
 * and goneaway's own rules stand between what libarchive hands over and
 * the disk: ustar or GNU tar headers only (no pax extension, no old tar
 * without the magic), only regular files and directories (no link of
 * either kind, device, FIFO or sparse file), plain names ([A-Za-z0-9._-],
 * none "." or "..", no absolute path, fewer than 100 bytes in all),
 * GA_TARBALL_DEPTH levels at most, every size and the count bounded;
 * anything else is an error naming the member, and nothing is made
 * outside the directory unpacked into (created there with O_EXCL and
 * O_NOFOLLOW, never through a symlink).
 */
#ifndef GA_TARBALL_H
#define GA_TARBALL_H

#include <stddef.h>

#include "util/error.h"

#define GA_TARBALL_DEPTH 3              /* top/run-K/file */
#define GA_TARBALL_FILES 1000
#define GA_TARBALL_MAX (512L << 20)     /* bytes of files in all */

/* Packs the regular files below the open directory dirfd (its
 * subdirectories too, GA_TARBALL_DEPTH - 1 levels) into a new file path
 * (created: an existing one is an error), each as top/NAME.  A symlink
 * or another file type is left out (*skipped counts them).  Returns 0,
 * or -1 with err set (no file left). */
int ga_tarball_write(const char *path, int dirfd, const char *top,
		     size_t *files, size_t *skipped, struct ga_error *err);

/* Unpacks path into the empty directory into; top receives the one
 * directory every member is in (a bundle's folder).  Returns 0, or -1
 * with err set (what was unpacked is the caller's to remove). */
int ga_tarball_read(const char *path, const char *into, char *top,
		    size_t top_len, struct ga_error *err);

/* A file to take from a bundle: top/name, at most max bytes.  Or, with
 * a name that ends in '/' ("fixtures/"), a folder: each regular file
 * top/name/LEAF, at most files of them, each at most max bytes and all
 * of them at most total. */
struct ga_tarball_want {
	const char *name;               /* NULL ends a list */
	long long max;
	size_t files;                   /* a folder's */
	long long total;                /* a folder's */
};

#define GA_TARBALL_WANTS 16             /* entries of one list at most */

/* As ga_tarball_read, every member checked as it does, but only the
 * regular files top/NAME that want (a list ended by a NULL name, at most
 * GA_TARBALL_WANTS entries) names are written (into/top/NAME, a folder's
 * into/top/FOLDER/LEAF), each refused when larger than its max, and a
 * folder's past its files or total (the error names the member and the
 * bound); every other member is read past, nothing of it written.  A file want names that the archive does
 * not hold is not an error here: the caller looks for what it needs. */
int ga_tarball_read_some(const char *path, const char *into,
			 const struct ga_tarball_want *want, char *top,
			 size_t top_len, struct ga_error *err);

#endif
