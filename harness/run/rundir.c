/* rundir.c - see rundir.h */
#include "run/rundir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/fsutil.h"

/* A run directory without a lock file is either one a run is creating at
 * this moment (mkdtemp, then the lock) or one whose run was killed in
 * between: only the second is old. */
#define UNLOCKED_AGE_S 600

#define MAKE_TRIES 3

/* The lock's name while it is made, locked and renamed to "lock". */
#define LOCK_MAKING "lock.making"

/* A directory this user may sweep: a real directory (not a link to one),
 * the caller's own, writable by nobody else. */
static bool sweepable(const struct stat *st)
{
	return S_ISDIR(st->st_mode) && st->st_uid == geteuid() &&
	       (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/* Takes the lock of the open run directory dfd, changed last at mtime,
 * for its removal.  Returns the lock's descriptor (or -2 when it has
 * none and is old enough to be a killed run's), or -1 when the directory
 * must stay: a live run holds its lock, or a run is making it now, or
 * the lock is not a plain file of the caller's (a symlink is never
 * opened through). */
static int lock_for_removal(int dfd, time_t mtime)
{
	struct stat st;
	int fd;

	fd = openat(dfd, "lock", O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT && time(NULL) - mtime > UNLOCKED_AGE_S ?
		       -2 : -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Removes the run directory name under the open directory root if it is
 * the caller's and its run is gone.  Returns 1 if it was removed.  The
 * entry is looked at without following links, opened with O_NOFOLLOW,
 * checked again through its descriptor (it may have been swapped between
 * the two) and emptied through that descriptor, never by its path. */
static int sweep_one(int root, const char *name)
{
	struct stat st, open_st, now;
	struct ga_error ignored;
	int dfd, lock, removed = 0;

	if (fstatat(root, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    !sweepable(&st))
		return 0;
	dfd = openat(root, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		     O_CLOEXEC);
	if (dfd < 0)
		return 0;
	if (fstat(dfd, &open_st) != 0 || !sweepable(&open_st) ||
	    open_st.st_dev != st.st_dev || open_st.st_ino != st.st_ino) {
		close(dfd);
		return 0;
	}
	lock = lock_for_removal(dfd, open_st.st_mtime);
	if (lock == -1) {
		close(dfd);
		return 0;
	}
	if (ga_tree_empty_fd(dfd, &ignored) == 0 &&
	    fstatat(root, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    now.st_dev == open_st.st_dev && now.st_ino == open_st.st_ino &&
	    unlinkat(root, name, AT_REMOVEDIR) == 0)
		removed = 1;
	if (lock >= 0)
		close(lock);    /* after the removal: see ga_rundir_make() */
	close(dfd);
	return removed;
}

int ga_rundir_sweep(const char *tmp_root)
{
	struct dirent *de;
	int removed = 0;
	DIR *dir;
	int root;

	root = open(tmp_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return 0;
	dir = fdopendir(root);
	if (!dir) {
		close(root);
		return 0;
	}
	while ((de = readdir(dir)) != NULL)
		if (strncmp(de->d_name, GA_RUNDIR_PREFIX,
			    strlen(GA_RUNDIR_PREFIX)) == 0)
			removed += sweep_one(dirfd(dir), de->d_name);
	closedir(dir);
	return removed;
}

/* One attempt at ga_rundir_make().  Returns 0, -1 on error, 1 when a
 * sweep removed the new directory before its lock was there. */
static int make_once(const char *tmp_root, char *path, size_t len,
		     int *lock_fd, struct ga_error *err)
{
	struct ga_error ignored;
	struct stat st;
	int dfd, fd;

	if (snprintf(path, len, "%s/" GA_RUNDIR_PREFIX "XXXXXX",
		     tmp_root) >= (int)len)
		return ga_error_set(err, "TMPDIR path too long");
	if (!mkdtemp(path))
		return ga_error_errno(err, errno, "mkdtemp %s", path);
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		ga_error_errno(err, errno, "open %s", path);
		goto fail;
	}
	/* searchable, not listable: a server's user (lab/uids.h)
	 * reaches its own directory below by its path */
	if (fchmod(dfd, 0711) != 0) {
		ga_error_errno(err, errno, "chmod %s", path);
		close(dfd);
		goto fail;
	}
	/* The lock is locked before it has its name: a sweep opens only
	 * "lock", so from the moment there is one it is held (a lock
	 * made under its name and locked after was a sweep's to take in
	 * between, and a -j worker's runner sweeps as its siblings make
	 * theirs).  Until then the directory has no lock, and a sweep
	 * leaves a young one alone. */
	fd = openat(dfd, LOCK_MAKING, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) != 0 ||
	    renameat(dfd, LOCK_MAKING, dfd, "lock") != 0) {
		ga_error_errno(err, errno, "lock %s/lock", path);
		if (fd >= 0)
			close(fd);
		close(dfd);
		goto fail;
	}
	close(dfd);
	/* A sweep removes a directory without a lock once it is old (a
	 * run killed while it made it): a lock with no link left means
	 * that happened to this one. */
	if (fstat(fd, &st) != 0 || st.st_nlink == 0) {
		close(fd);
		return 1;
	}
	*lock_fd = fd;
	return 0;
fail:
	ga_tree_remove(path, &ignored);
	return -1;
}

int ga_rundir_make(const char *tmp_root, char *path, size_t len,
		   int *lock_fd, struct ga_error *err)
{
	int i, r = 1;

	*lock_fd = -1;
	for (i = 0; i < MAKE_TRIES && r == 1; i++)
		r = make_once(tmp_root, path, len, lock_fd, err);
	if (r == 1)
		ga_error_set(err, "%s: swept away %d times while it was made",
			     tmp_root, MAKE_TRIES);
	if (r != 0) {
		path[0] = '\0';
		return -1;
	}
	return 0;
}

bool ga_rundir_alive(const char *path)
{
	char lock[PATH_MAX];
	int fd;
	bool alive;

	if (snprintf(lock, sizeof(lock), "%s/lock", path) >= (int)sizeof(lock))
		return true;
	fd = open(lock, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno != ENOENT && errno != ENOTDIR;
	alive = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	close(fd);      /* drops a lock this call took */
	return alive;
}
