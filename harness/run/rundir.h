/* rundir.h - the run's own directory under $TMPDIR, and the sweep of the
 * ones killed runs left behind.
 *
 * A run makes TMPDIR/goneaway-run-XXXXXX and holds an exclusive flock on
 * its "lock" file inside for as long as it lives; a SIGKILLed run cannot
 * remove its directory, so a later run (or "goneaway sweep") removes the
 * directories whose lock is free.
 */
#ifndef GA_RUNDIR_H
#define GA_RUNDIR_H

#include <stddef.h>

#include "util/error.h"

#define GA_RUNDIR_PREFIX "goneaway-run-"

/* Makes a new run directory under tmp_root, writes its path into path
 * (len bytes) and sets *lock_fd to the descriptor that holds its lock:
 * the caller removes the directory (ga_tree_remove) and then closes
 * *lock_fd.  On failure nothing is left behind and path is "". */
int ga_rundir_make(const char *tmp_root, char *path, size_t len,
		   int *lock_fd, struct ga_error *err);

/* Removes the run directories under tmp_root whose run is gone (their lock
 * is free).  Returns how many were removed. */
int ga_rundir_sweep(const char *tmp_root);

#endif
