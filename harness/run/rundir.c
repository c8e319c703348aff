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

/* True when path was last changed more than seconds ago. */
static bool older_than(const char *path, time_t seconds)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return false;
	return time(NULL) - st.st_mtime > seconds;
}

int ga_rundir_sweep(const char *tmp_root)
{
	char path[PATH_MAX], lock[PATH_MAX + 8];
	struct ga_error ignored;
	struct dirent *de;
	int removed = 0;
	DIR *dir;
	int fd;

	dir = opendir(tmp_root);
	if (!dir)
		return 0;
	while ((de = readdir(dir)) != NULL) {
		if (strncmp(de->d_name, GA_RUNDIR_PREFIX,
			    strlen(GA_RUNDIR_PREFIX)) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmp_root, de->d_name);
		snprintf(lock, sizeof(lock), "%s/lock", path);
		fd = open(lock, O_RDWR | O_CLOEXEC);
		if (fd < 0 && !older_than(path, UNLOCKED_AGE_S))
			continue;       /* a run that is making its lock now */
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
			close(fd);      /* a live run holds it */
			continue;
		}
		if (ga_tree_remove(path, &ignored) == 0)
			removed++;
		if (fd >= 0)
			close(fd);
	}
	closedir(dir);
	return removed;
}

int ga_rundir_make(const char *tmp_root, char *path, size_t len,
		   int *lock_fd, struct ga_error *err)
{
	char lock[PATH_MAX + 8];
	struct ga_error ignored;

	*lock_fd = -1;
	if (snprintf(path, len, "%s/" GA_RUNDIR_PREFIX "XXXXXX",
		     tmp_root) >= (int)len) {
		path[0] = '\0';
		return ga_error_set(err, "TMPDIR path too long");
	}
	if (!mkdtemp(path)) {
		ga_error_errno(err, errno, "mkdtemp %s", path);
		path[0] = '\0';
		return -1;
	}
	snprintf(lock, sizeof(lock), "%s/lock", path);
	*lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*lock_fd < 0 || flock(*lock_fd, LOCK_EX) != 0) {
		ga_error_errno(err, errno, "lock %s", lock);
		ga_tree_remove(path, &ignored);
		if (*lock_fd >= 0)
			close(*lock_fd);
		*lock_fd = -1;
		path[0] = '\0';
		return -1;
	}
	return 0;
}
