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
 * The tmpfs has a size: what its files may hold together, never more
 * (a write past it fails with ENOSPC, in the server as anywhere).  A
 * tmpfs without one could take half the machine's memory, and a
 * scenario decides what its server writes (a large table, BLOBs,
 * %repeat).  Memory is taken as files grow, not when the tmpfs is
 * mounted: the size is a bound, not a reservation.
 *
 * Needs root, and a process that has no other thread yet (the kernel
 * moves a whole process's file-system view only).
 */
#ifndef GA_LAB_MEMFS_H
#define GA_LAB_MEMFS_H

#include <stdbool.h>

#include "util/error.h"

/* The bound of a run directory's tmpfs (--memfs-size): for a run, and
 * for a replay of one case from elsewhere; never less than the least
 * (twice the slack below).
 * (What the shipped suite uses, and why these: docs/running.md,
 * "Servers in memory".) */
#define GA_MEMFS_SIZE_RUN (1LL << 30)
#define GA_MEMFS_SIZE_REPLAY (512LL << 20)
#define GA_MEMFS_SIZE_MIN (128LL << 20)
/* The tmpfs holds a file for every so many bytes of its size (its
 * nr_inodes): an empty file takes no byte of the size but an inode of
 * the kernel's memory, and a MyISAM table makes one (a datadir has about
 * 200 files; 1 GiB, 131072). */
#define GA_MEMFS_BYTES_PER_FILE (8LL << 10)

/* Lays a tmpfs of size bytes over the existing directory path (mode
 * 0700), in a new mount namespace of this process.  Returns 0, or -1
 * with err saying why it could not (the caller goes on with path on its
 * disk). */
int ga_memfs_over(const char *path, long long size, struct ga_error *err);

/* How much of the file system path is on holds: bytes used and its
 * size (for the tmpfs, its bound), files used and how many it may
 * hold. */
struct ga_memfs_use {
	long long used, size;
	long long files_used, files;
};

/* Reads it.  Returns 0, or -1 with err set. */
int ga_memfs_use(const char *path, struct ga_memfs_use *use,
		 struct ga_error *err);

/* A size's slack (ga_memfs_slack), and whether use came so near its
 * size that a write may have failed: to within its slack, an eighth of
 * the size and at least 64 MiB.  Not the
 * last byte, since a server asks for room in steps and a step that does
 * not fit fails whole, leaving what it asked for free: InnoDB grows its
 * system and temporary tablespaces by innodb_autoextend_increment (64
 * MiB) at once, a BLOB's pages together. */
#define GA_MEMFS_SLACK_PART 8
#define GA_MEMFS_SLACK_MIN (64LL << 20)
long long ga_memfs_slack(long long size);
bool ga_memfs_bytes_filled(const struct ga_memfs_use *use);
/* ... or its files, to within an eighth of them */
bool ga_memfs_files_filled(const struct ga_memfs_use *use);
/* either */
bool ga_memfs_filled(const struct ga_memfs_use *use);

/* A watch on the file system path is on, while a case runs: a thread
 * that looks at its use every GA_MEMFS_WATCH_MS when it could come near
 * its size before the next look (less often, up to ten times a second,
 * while it is far from it: memfs.c) and keeps the most it
 * saw, so that a fill its writer undid at once (a statement's temporary
 * files, removed when it failed) is seen too.  The thread blocks every
 * signal. */
#define GA_MEMFS_WATCH_MS 10
struct ga_memfs_watch;

/* Starts one.  Returns it (the caller owns it: ga_memfs_watch_stop), or
 * NULL with err set. */
struct ga_memfs_watch *ga_memfs_watch_start(const char *path,
					    struct ga_error *err);

/* The process whose pidfd is given (a dup is kept; -1: none) is sent
 * SIGKILL by the watch once the use came near the size
 * (ga_memfs_filled): a server that cannot write may wait for room for
 * ever (MyISAM and Aria do), and what it does past the bound is no
 * outcome of the client's.  Replaces the one given before. */
void ga_memfs_watch_end_on_fill(struct ga_memfs_watch *w, int pidfd);

/* The most used since the start (looked at once more now), and the
 * size, into use.  Returns whether the watch ended its process. */
bool ga_memfs_watch_peak(struct ga_memfs_watch *w, struct ga_memfs_use *use);

/* Stops the thread and frees w; NULL is ignored. */
void ga_memfs_watch_stop(struct ga_memfs_watch *w);

/* Takes the tmpfs off path again (lazily: what still has a file open
 * there keeps it until it closes it), showing the directory beneath.
 * Returns 0, or -1 with err set. */
int ga_memfs_off(const char *path, struct ga_error *err);

#endif
