/* rundir.h - the run's own directory under $TMPDIR, and the sweep of the
 * ones killed runs left behind.
 *
 * A run makes TMPDIR/goneaway-run-XXXXXX and holds an exclusive flock on
 * its "lock" file inside for as long as it lives; a SIGKILLed run cannot
 * remove its directory, so a later run (or "goneaway sweep") removes the
 * directories whose lock is free.  The lock is locked before it is named
 * "lock" (made as "lock.making", renamed): a sweep beside the making (a
 * -j worker's runner sweeps as its siblings make theirs) never finds it
 * free.
 *
 * $TMPDIR may be a world-writable /tmp where anyone can make a
 * "goneaway-run-x", and the sweep runs as root: it removes only real
 * directories (never a symlink to one) that belong to the caller's uid
 * and are writable by no one else, opens them and their lock with
 * O_NOFOLLOW, and removes through the directory's descriptor, never by
 * path.
 */
#ifndef GA_RUNDIR_H
#define GA_RUNDIR_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

#define GA_RUNDIR_PREFIX "goneaway-run-"

/* Makes a new run directory under tmp_root, writes its path into path
 * (len bytes) and sets *lock_fd to the descriptor that holds its lock:
 * the caller removes the directory (ga_tree_remove) and then closes
 * *lock_fd.  On failure nothing is left behind and path is "". */
int ga_rundir_make(const char *tmp_root, char *path, size_t len,
		   int *lock_fd, struct ga_error *err);

/* Removes the caller's run directories under tmp_root whose run is gone:
 * their lock is free, or they have none and are older than a run takes
 * to make it.  Anything else - another user's directory, one writable by
 * others, a symlink, a lock that is not a plain file - is left alone.
 * Returns how many were removed. */
int ga_rundir_sweep(const char *tmp_root);

/* Whether the run whose directory is path still lives: its lock file is
 * there and held.  A missing directory or lock, or a lock nobody holds,
 * is a run that is gone; anything unclear counts as alive.  (For the
 * labels of its containers: server/docker.h.) */
bool ga_rundir_alive(const char *path);

#endif
