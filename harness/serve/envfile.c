/* envfile.c - see envfile.h. */
#include "serve/envfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether gid is a group only root or owner stand for: root's, or the
 * owner's own (its primary group). */
static bool own_group(gid_t gid, uid_t owner)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (gid == 0)
		return true;
	return getpwuid_r(owner, &pw, buf, sizeof(buf), &res) == 0 && res &&
	       res->pw_gid == gid;
}

/* The directory at fd may hold the env file: see envfile.h. */
static int dir_ok(int fd, uid_t owner, const char *path, struct ga_error *err)
{
	struct stat st;
	bool sticky;

	if (fstat(fd, &st) != 0)
		return ga_error_errno(err, errno, "--env %s", path);
	sticky = (st.st_mode & S_ISVTX) != 0;
	if (st.st_uid != 0 && st.st_uid != owner)
		return ga_error_set(err, "--env %s: its directory is uid %u's, "
				    "neither root's nor the owner's (uid %u): "
				    "another user could change the file under "
				    "goneaway serve", path, (unsigned)st.st_uid,
				    (unsigned)owner);
	if (!sticky && ((st.st_mode & S_IWOTH) ||
			((st.st_mode & S_IWGRP) && !own_group(st.st_gid, owner))))
		return ga_error_set(err, "--env %s: its directory may be "
				    "written by other users (mode %04o, not "
				    "sticky): another user could change the "
				    "file under goneaway serve", path,
				    (unsigned)(st.st_mode & 07777));
	return 0;
}

int ga_sv_envfile_open(struct ga_sv_envfile *e, const char *path,
		       uid_t owner, struct ga_error *err)
{
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
	char dir[PATH_MAX];

	memset(e, 0, sizeof(*e));
	e->dir = -1;
	e->path = path;
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strlen(name) > NAME_MAX - 16)
		return ga_error_set(err, "--env %s: not a file's name", path);
	snprintf(e->name, sizeof(e->name), "%s", name);
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		return ga_error_set(err, "--env %s: too long", path);
	e->dir = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (e->dir < 0)
		return ga_error_errno(err, errno, "--env %s: its directory",
				      path);
	return dir_ok(e->dir, owner, path, err);
}

int ga_sv_envfile_write(struct ga_sv_envfile *e, const char *text,
			uid_t owner, struct ga_error *err)
{
	char tmp[NAME_MAX + 1];
	struct stat st;
	size_t n = strlen(text);
	int fd;

	snprintf(tmp, sizeof(tmp), ".%s.%ld.tmp", e->name, (long)getpid());
	fd = openat(e->dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0)
		return ga_error_errno(err, errno, "--env %s", e->path);
	if (fchown(fd, owner, (gid_t)-1) != 0 || fstat(fd, &st) != 0 ||
	    write(fd, text, n) != (ssize_t)n) {
		ga_error_errno(err, errno, "--env %s", e->path);
		close(fd);
		unlinkat(e->dir, tmp, 0);
		return -1;
	}
	if (close(fd) != 0 || renameat(e->dir, tmp, e->dir, e->name) != 0) {
		ga_error_errno(err, errno, "--env %s", e->path);
		unlinkat(e->dir, tmp, 0);
		return -1;
	}
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->written = true;
	return 0;
}

void ga_sv_envfile_close(struct ga_sv_envfile *e)
{
	struct stat st;

	if (e->dir < 0)
		return;
	if (e->written &&
	    fstatat(e->dir, e->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_dev == e->dev && st.st_ino == e->ino)
		unlinkat(e->dir, e->name, 0);
	e->written = false;
	close(e->dir);
	e->dir = -1;
}
