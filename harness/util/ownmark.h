/* ownmark.h - the mark on a directory goneaway made, so that goneaway
 * removes only what it made.
 *
 * -o DIR is the user's: "goneaway run -o ." puts a case folder named
 * after each scenario's label, and --record a recorded/ directory, next
 * to whatever the user keeps there, and a replayed bundle chooses the
 * label.  Every such directory gets a small file, .goneaway, whose first
 * line is GA_MARK_LINE, the moment it is made.  Before goneaway removes
 * or empties one it looks for the mark: a directory (or a file, a
 * symlink) of that name without it is an error naming it, and nothing
 * is removed.  The mark is opened without following a symlink and must
 * be a regular file of the caller's.
 *
 * Every function here works below an open directory (dirfd) on a plain
 * name, never following a symlink, and removes through the directory's
 * own descriptor, as util/fsutil.h does.
 */
#ifndef GA_OWNMARK_H
#define GA_OWNMARK_H

#include <stdbool.h>

#include "util/error.h"

#define GA_MARK_NAME ".goneaway"
#define GA_MARK_LINE "goneaway made this directory and may remove it"

/* Writes the mark into the open directory fd.  Returns 0, or -1 with err
 * set. */
int ga_mark_write(int fd, struct ga_error *err);

/* Whether the open directory fd carries the mark. */
bool ga_mark_present(int fd);

/* Looks at name under dirfd: 0 when it does not exist, 1 when it is a
 * directory carrying the mark, -1 (err names it as shown) when it is
 * anything else: a directory without the mark, a file, a symlink. */
int ga_mark_check_at(int dirfd, const char *name, const char *shown,
		     struct ga_error *err);

/* Removes name under dirfd and everything below it when it is a
 * directory carrying the mark; a missing name is not an error.
 * Anything else is an error naming it as shown, and nothing is
 * removed. */
int ga_mark_remove_at(int dirfd, const char *name, const char *shown,
		      struct ga_error *err);

/* Opens the directory name under dirfd, which must carry the mark; when
 * it does not exist, makes it (mode 0755) with the mark first (create).
 * Returns a new descriptor (close it), or -1 with err set (naming it as
 * shown): a directory without the mark is not opened. */
int ga_mark_open_at(int dirfd, const char *name, bool create,
		    const char *shown, struct ga_error *err);

#endif
