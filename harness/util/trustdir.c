/* trustdir.c - see trustdir.h */
#include "util/trustdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fsutil.h"

#define WALK_FLAGS (O_PATH | O_NOFOLLOW | O_CLOEXEC)

/* Sets err (printf-style) and returns GA_TRUSTDIR_REFUSED. */
__attribute__((format(printf, 2, 3)))
static int refuse(struct ga_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return GA_TRUSTDIR_REFUSED;
}

/* Whether uid may own what goneaway runs or loads (trustdir.h). */
static bool trusted_uid(uid_t uid)
{
	struct stat st;

	if (uid == 0 || uid == geteuid())
		return true;
	return stat("/proc/self/exe", &st) == 0 && st.st_uid == uid;
}

int ga_trustdir_stat(const struct stat *st, const char *shown,
		     const char *level, bool sticky_ok, struct ga_error *err)
{
	const char *at = level ? level : "", *is = level ? " is " : "";

	if (S_ISLNK(st->st_mode))
		return refuse(err, "refusing %s: %s%sa symbolic link (goneaway "
			      "follows none there)", shown, at, is);
	if (!trusted_uid(st->st_uid))
		return refuse(err, "refusing %s: %s%sbelongs to uid %u, not to "
			      "root or uid %u", shown, at, level ? " " : "",
			      (unsigned)st->st_uid, (unsigned)geteuid());
	/* a group may write only when it is root's */
	if (((st->st_mode & S_IWOTH) ||
	     ((st->st_mode & S_IWGRP) && st->st_gid != 0)) &&
	    !(sticky_ok && S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX)))
		return refuse(err, "refusing %s: %s%swritable by other users "
			      "(chmod go-w %s)", shown, at, is,
			      level ? level : shown);
	return 0;
}

/* Opens name beneath fd without following it (made first, a
 * directory, when make and it is missing); *st gets what was opened.
 * Returns the descriptor, or -1 (errno). */
static int open_level(int fd, const char *name, bool make, struct stat *st)
{
	int next, e;

	next = openat(fd, name, WALK_FLAGS);
	if (next < 0 && errno == ENOENT && make) {
		if (mkdirat(fd, name, 0755) != 0 && errno != EEXIST)
			return -1;
		next = openat(fd, name, WALK_FLAGS);
	}
	if (next < 0)
		return -1;
	if (fstat(next, st) != 0) {
		e = errno;
		close(next);
		errno = e;
		return -1;
	}
	return next;
}

/* level (cap bytes) + "/" + name */
static int append(char *level, size_t cap, const char *name,
		  struct ga_error *err)
{
	size_t n = strlen(level);

	if (snprintf(level + n, cap - n, "%s%s", n && level[n - 1] == '/' ?
		     "" : "/", name) >= (int)(cap - n))
		return ga_error_set(err, "%s/%s: path too long", level, name);
	return 0;
}

/* The levels of rel beneath dirfd (borrowed; its path is level, which
 * grows as the walk goes), shown as shown.  Returns the last one's
 * descriptor, GA_TRUSTDIR_REFUSED or -1, err set. */
static int walk(int dirfd, char *level, size_t cap, const char *rel,
		const char *shown, unsigned flags, struct ga_error *err)
{
	char buf[PATH_MAX], *comp, *slash;
	struct stat st;
	bool last;
	int fd, next, rc, e;

	if (snprintf(buf, sizeof(buf), "%s", rel) >= (int)sizeof(buf))
		return ga_error_set(err, "%s: path too long", shown);
	fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return ga_error_errno(err, errno, "%s", shown);
	for (comp = buf; comp; comp = slash) {
		slash = strchr(comp, '/');
		if (slash)
			*slash++ = '\0';
		if (!*comp || strcmp(comp, ".") == 0)
			continue;
		last = !slash || !slash[strspn(slash, "/.")];
		rc = strcmp(comp, "..") == 0 ?
		     refuse(err, "refusing %s: '..' in it", shown) :
		     append(level, cap, comp, err);
		if (rc) {
			close(fd);
			return rc;
		}
		next = open_level(fd, comp, flags & GA_TRUSTDIR_MAKE, &st);
		e = errno;
		close(fd);
		if (next < 0)
			return ga_error_errno(err, e, "%s", level);
		fd = next;
		rc = ga_trustdir_stat(&st, shown, last ? NULL : level, !last ||
				      (flags & GA_TRUSTDIR_BELOW), err);
		if (rc == 0 && !S_ISDIR(st.st_mode) &&
		    !(last && (flags & GA_TRUSTDIR_FILE) &&
		      S_ISREG(st.st_mode)))
			rc = refuse(err, "refusing %s: %s%snot a %s", shown,
				    last ? "" : level, last ? "" : " is ",
				    last && (flags & GA_TRUSTDIR_FILE) ?
				    "regular file" : "directory");
		if (rc) {
			close(fd);
			return rc;
		}
	}
	return fd;
}

/* The deepest part of path that exists, resolved, into real; *rest
 * points at what follows it in path.  Returns 0, or -1 with err. */
static int existing_part(const char *path, char *real, const char **rest,
			 struct ga_error *err)
{
	char at[PATH_MAX], *slash;
	size_t n;

	snprintf(at, sizeof(at), "%s", path);
	while (!realpath(at, real)) {
		if (errno != ENOENT)
			return ga_error_errno(err, errno, "%s", at);
		slash = strrchr(at, '/');
		if (!slash && strcmp(at, ".") == 0)
			return ga_error_errno(err, ENOENT, "%s", path);
		if (!slash)
			snprintf(at, sizeof(at), ".");
		else if (slash == at)
			at[1] = '\0';
		else
			*slash = '\0';
	}
	n = strcmp(at, ".") == 0 && strncmp(path, "./", 2) != 0 ? 0 :
	    strlen(at);
	*rest = path + n;
	return 0;
}

int ga_trustdir_open(const char *path, unsigned flags, struct ga_error *err)
{
	char real[PATH_MAX], full[PATH_MAX], level[PATH_MAX] = "/";
	const char *rest = "";
	struct stat st;
	int root, fd, rc;

	if (!path[0])
		return ga_error_set(err, "an empty path");
	if (!realpath(path, real)) {
		if (errno != ENOENT || !(flags & GA_TRUSTDIR_MAKE))
			return ga_error_errno(err, errno, "%s", path);
		if (existing_part(path, real, &rest, err))
			return -1;
	}
	if (snprintf(full, sizeof(full), "%s/%s", real, rest) >=
	    (int)sizeof(full))
		return ga_error_set(err, "%s: path too long", path);
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return ga_error_errno(err, errno, "open /");
	if (fstat(root, &st) != 0) {
		rc = ga_error_errno(err, errno, "stat /");
	} else {
		/* "/" is the last level only when path is "/" */
		rc = ga_trustdir_stat(&st, path, full[strspn(full, "/")] ? "/" :
				      NULL, true, err);
	}
	fd = rc ? rc : walk(root, level, sizeof(level), full, path, flags,
			    err);
	close(root);
	return fd;
}

int ga_trustdir_open_at(int dirfd, const char *base, const char *rel,
			unsigned flags, struct ga_error *err)
{
	char level[PATH_MAX], shown[PATH_MAX];

	if (snprintf(level, sizeof(level), "%s", base) >= (int)sizeof(level) ||
	    snprintf(shown, sizeof(shown), "%s/%s", base, rel) >=
	    (int)sizeof(shown))
		return ga_error_set(err, "%s/%s: path too long", base, rel);
	return walk(dirfd, level, sizeof(level), rel, shown, flags, err);
}

int ga_trustdir_check(const char *path, unsigned flags, struct ga_error *err)
{
	int fd = ga_trustdir_open(path, flags, err);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

int ga_trustdir_mkdirs(const char *path, struct ga_error *err)
{
	return ga_trustdir_check(path, GA_TRUSTDIR_MAKE, err);
}

/* The entries of the open directory dfd (path holds its name, cap
 * bytes, and each entry's while it is looked at), depth levels down. */
static int tree(int dfd, char *path, size_t cap, int depth,
		struct ga_error *err)
{
	size_t n = strlen(path);
	struct stat st, opened;
	struct dirent *de;
	int rc = 0, sub;
	DIR *d;

	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return ga_error_errno(err, errno, "open %s", path);
	}
	while (rc == 0 && (errno = 0, de = ga_readdir(d)) != NULL) {
		path[n] = '\0';
		rc = append(path, cap, de->d_name, err);
		if (rc)
			break;
		if (fstatat(dirfd(d), de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) != 0) {
			if (errno != ENOENT)    /* gone meanwhile: nothing */
				rc = ga_error_errno(err, errno, "stat %s",
						    path);
			continue;
		}
		rc = ga_trustdir_stat(&st, path, NULL, false, err);
		if (rc || S_ISREG(st.st_mode))
			continue;
		if (!S_ISDIR(st.st_mode)) {
			rc = refuse(err, "refusing %s: neither a file nor a "
				    "directory", path);
			continue;
		}
		if (depth >= GA_TRUSTDIR_DEPTH_MAX) {
			rc = refuse(err, "refusing %s: more than %d levels "
				    "deep", path, GA_TRUSTDIR_DEPTH_MAX);
			continue;
		}
		sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY |
			     O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 || fstat(sub, &opened) != 0 ||
		    opened.st_dev != st.st_dev || opened.st_ino != st.st_ino) {
			rc = refuse(err, "refusing %s: changed while goneaway "
				    "looked at it", path);
			if (sub >= 0)
				close(sub);
			continue;
		}
		rc = tree(sub, path, cap, depth + 1, err);
	}
	if (rc == 0 && errno != 0)
		rc = ga_error_errno(err, errno, "read %s", path);
	closedir(d);
	return rc;
}

int ga_trustdir_tree_at(int dirfd, const char *base, struct ga_error *err)
{
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof(path), "%s", base) >= (int)sizeof(path))
		return ga_error_set(err, "%s: path too long", base);
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(err, errno, "open %s", base);
	return tree(fd, path, sizeof(path), 1, err);
}
