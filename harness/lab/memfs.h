/* memfs.h - a directory of the run's laid over with memory, seen by this
 * process and its children only.
 *
 * A run's servers live in its run directory: their datadirs (a copy of
 * the template, 24 MB for MariaDB 10.11, 79 MB for MySQL 9.7), their
 * logs and sockets.  None of it outlives the run, so none of it needs a
 * disk: the process moves into a mount namespace of its own (unshare;
 * the host's mounts still appear in it, its own never appear on the
 * host) and mounts a tmpfs over the directory.  Everything the process
 * starts afterwards (workers, servers, drivers, chrooted ones too) sees
 * the tmpfs at the same path; the host sees the directory as it was,
 * with its lock file (run/rundir.h), so a sweep leaves it alone while
 * the run lives.  The tmpfs goes when the last process of the namespace
 * does, even after SIGKILL: nothing to clean.
 *
 * Needs root, and a process that has no other thread yet (the kernel
 * moves a whole process's file-system view only).
 */
#ifndef GA_LAB_MEMFS_H
#define GA_LAB_MEMFS_H

#include "util/error.h"

/* Lays a tmpfs over the existing directory path (mode 0700), in a new
 * mount namespace of this process.  Returns 0, or -1 with err saying
 * why it could not (the caller goes on with path on its disk). */
int ga_memfs_over(const char *path, struct ga_error *err);

/* Takes the tmpfs off path again (lazily: what still has a file open
 * there keeps it until it closes it), showing the directory beneath.
 * Returns 0, or -1 with err set. */
int ga_memfs_off(const char *path, struct ga_error *err);

#endif
