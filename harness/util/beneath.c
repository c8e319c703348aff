/* beneath.c - see beneath.h */
#include "util/beneath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/fsutil.h"

#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define HAVE_OPENAT2_H 1
#endif
#endif

#define OPEN_FLAGS (O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

/* Whether name has a ".." component. */
static bool has_dotdot(const char *name)
{
	const char *p = name;

	for (;;) {
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2]))
			return true;
		p = strchr(p, '/');
		if (!p)
			return false;
		p++;
	}
}

/* The part of name to resolve below one of b's directories (*dir set to
 * it), or NULL with err set. */
static const char *relative_part(const struct ga_beneath *b, const char *name,
				 const char **dir, struct ga_error *err)
{
	size_t i, len;

	if (b->n == 0) {
		ga_error_set(err, "'%s': no directory may be read", name);
		return NULL;
	}
	if (name[0] != '/') {
		*dir = b->dirs[0];
		return name;
	}
	for (i = 0; i < b->n; i++) {
		len = strlen(b->dirs[i]);
		if (len > 1 && strncmp(name, b->dirs[i], len) == 0 &&
		    name[len] == '/') {
			*dir = b->dirs[i];
			return name + len + 1;
		}
	}
	ga_error_set(err, "'%s': outside %s%s", name, b->dirs[0],
		     b->n > 1 ? " and the other directories it may read" : "");
	return NULL;
}

/* err for a failed open of name below dir (errno e). */
static int open_failed(const char *name, const char *dir, int e,
		       struct ga_error *err)
{
	if (e == ELOOP)
		return ga_error_set(err, "'%s': a symlink on the way, not "
				    "followed (only files beneath %s are read)",
				    name, dir);
	if (e == EXDEV)
		return ga_error_set(err, "'%s': leads out of %s", name, dir);
	return ga_error_errno(err, e, "'%s' (beneath %s)", name, dir);
}

#if defined(HAVE_OPENAT2_H) && defined(SYS_openat2)
/* The kernel's resolution: the descriptor, -1 (errno), or -2 when it
 * has none here (ENOSYS, or a filter that refuses the call). */
static int open_kernel(int dirfd, const char *rel, int flags)
{
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof(how));
	how.flags = (unsigned)flags;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		      RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM || errno == E2BIG))
		return -2;
	return (int)fd;
}
#else
static int open_kernel(int dirfd, const char *rel, int flags)
{
	(void)dirfd;
	(void)rel;
	(void)flags;
	return -2;
}
#endif

/* One component at a time below dirfd, never following a symlink:
 * the descriptor of the last component, opened with flags, or -1
 * (errno).  (O_PATH | O_NOFOLLOW opens a symlink itself: the caller
 * looks at what it got.) */
static int open_walk(int dirfd, const char *rel, int flags)
{
	char buf[PATH_MAX], *comp, *slash;
	int fd, next, e;
	struct stat st;

	snprintf(buf, sizeof(buf), "%s", rel);
	fd = dup(dirfd);
	if (fd < 0)
		return -1;
	comp = buf;
	for (;;) {
		while (*comp == '/')
			comp++;
		slash = strchr(comp, '/');
		if (slash)
			*slash = '\0';
		if (slash && (!*comp || strcmp(comp, ".") == 0)) {
			comp = slash + 1;
			continue;
		}
		while (slash && slash[1] == '/')
			slash++;
		if (slash && !slash[1])
			slash = NULL;   /* "dir/": the directory is the last */
		next = openat(fd, comp, slash ? O_RDONLY | O_DIRECTORY |
			      O_NOFOLLOW | O_CLOEXEC : flags | O_NOFOLLOW);
		e = errno;
		/* a symlink where a directory was wanted is ENOTDIR: say it */
		if (next < 0 && e == ENOTDIR &&
		    fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode))
			e = ELOOP;
		close(fd);
		if (next < 0) {
			errno = e;
			return -1;
		}
		if (!slash)
			return next;
		fd = next;
		comp = slash + 1;
	}
}

/* The part of name to open below one of b's directories (*dir set to
 * it), once name is one that may be opened at all; NULL with err set. */
static const char *checked_name(const struct ga_beneath *b, const char *name,
				const char **dir, struct ga_error *err)
{
	const char *rel;

	if (!name[0]) {
		ga_error_set(err, "'': an empty name");
		return NULL;
	}
	if (strlen(name) >= PATH_MAX) {
		ga_error_set(err, "'%.60s...': too long", name);
		return NULL;
	}
	if (has_dotdot(name)) {
		ga_error_set(err, "'%s': '..' is not followed (only files "
			     "beneath %s are read)", name,
			     b->n ? b->dirs[0] : "no directory");
		return NULL;
	}
	rel = relative_part(b, name, dir, err);
	if (rel && !rel[strspn(rel, "/.")]) {
		ga_error_set(err, "'%s': not a file beneath %s", name, *dir);
		return NULL;
	}
	return rel;
}

/* rel opened with flags below the directory dir, as how says: the
 * descriptor, or -1 with *e the reason (an errno). */
static int open_below(const char *dir, const char *rel, int flags,
		      enum ga_beneath_how how, int *e)
{
	int dirfd, fd;

	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		*e = errno;
		return -1;
	}
	fd = how == GA_BENEATH_AUTO ? open_kernel(dirfd, rel, flags) : -2;
	if (fd == -2)
		fd = open_walk(dirfd, rel, flags);
	*e = errno;
	close(dirfd);
	return fd;
}

int ga_open_beneath(const struct ga_beneath *b, const char *name,
		    enum ga_beneath_how how, struct ga_error *err)
{
	const char *rel, *dir = "";
	struct stat st;
	int fd, e;

	rel = checked_name(b, name, &dir, err);
	if (!rel)
		return -1;
	fd = open_below(dir, rel, OPEN_FLAGS, how, &e);
	if (fd < 0)
		return open_failed(name, dir, e, err);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ga_error_set(err, "'%s': not a regular file (beneath "
				    "%s)", name, dir);
	}
	if (fcntl(fd, F_SETFL, 0) != 0) {
		e = errno;
		close(fd);
		return ga_error_errno(err, e, "'%s': fcntl", name);
	}
	return fd;
}

/* ---- the files of a directory another user may write ----------------- */

/* rel below dir opened with flags: the descriptor and *st, -2 when it
 * is not there, or -1 with err set. */
static int within(const char *dir, const char *rel, int flags,
		  struct stat *st, struct ga_error *err)
{
	const struct ga_beneath b = { { dir }, 1 };
	const char *at = dir;
	int fd, e;

	if (rel[0] == '/')
		return ga_error_set(err, "'%s': not a name beneath %s", rel,
				    dir);
	if (!checked_name(&b, rel, &at, err))
		return -1;
	fd = open_below(dir, rel, flags, GA_BENEATH_AUTO, &e);
	if (fd < 0 && e == ENOENT)
		return GA_WITHIN_MISSING;
	if (fd < 0)
		return open_failed(rel, dir, e, err);
	if (fstat(fd, st) != 0) {
		e = errno;
		close(fd);
		return ga_error_errno(err, e, "'%s' (beneath %s)", rel, dir);
	}
	return fd;
}

int ga_within_open(const char *dir, const char *rel, struct stat *st,
		   struct ga_error *err)
{
	int fd = within(dir, rel, OPEN_FLAGS, st, err);

	if (fd < 0)
		return fd;
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return ga_error_set(err, "'%s': not a regular file (beneath "
				    "%s: a FIFO, a device or a directory is "
				    "not read)", rel, dir);
	}
	if (st->st_nlink != 1) {
		close(fd);
		return ga_error_set(err, "'%s': a file with %lu links (beneath "
				    "%s: a hard link is a file of elsewhere, "
				    "not read)", rel,
				    (unsigned long)st->st_nlink, dir);
	}
	return fd;
}

int ga_within_read(const char *dir, const char *rel, size_t max, char **out,
		   size_t *len, struct ga_error *err)
{
	struct stat st;
	int fd = ga_within_open(dir, rel, &st, err);

	if (fd < 0)
		return fd;
	return ga_fd_read(fd, rel, max, out, len, err);
}

int ga_within_read_from(const char *dir, const char *rel, long long *from,
			size_t max, char **out, size_t *len,
			struct ga_error *err)
{
	struct stat st;
	int fd = ga_within_open(dir, rel, &st, err);

	if (fd == GA_WITHIN_MISSING) {
		*from = 0;
		*out = strdup("");
		if (!*out)
			return ga_error_set(err, "out of memory");
		if (len)
			*len = 0;
		return 0;
	}
	if (fd < 0)
		return -1;
	return ga_fd_read_from(fd, rel, from, max, out, len, err);
}

long long ga_within_size(const char *dir, const char *rel)
{
	struct ga_error ignored;
	struct stat st;
	int fd = ga_within_open(dir, rel, &st, &ignored);

	if (fd < 0)
		return 0;
	close(fd);
	return (long long)st.st_size;
}

int ga_within_link_socket(const char *dir, const char *rel, unsigned uid,
			  const char *link, struct ga_error *err)
{
	char proc[64];
	struct stat st;
	int fd, dfd, rc = 0;

	if (strchr(link, '/'))
		return ga_error_set(err, "'%s': not a plain name", link);
	fd = within(dir, rel, O_PATH | O_CLOEXEC, &st, err);
	if (fd == GA_WITHIN_MISSING)
		return ga_error_set(err, "'%s': no socket there (beneath %s)",
				    rel, dir);
	if (fd < 0)
		return -1;
	if (!S_ISSOCK(st.st_mode) || st.st_uid != uid) {
		close(fd);
		return ga_error_set(err, "'%s': %s (beneath %s: only a socket "
				    "of uid %u is connected to)", rel,
				    S_ISLNK(st.st_mode) ? "a symlink, not "
				    "followed" : S_ISSOCK(st.st_mode) ?
				    "a socket of another user" :
				    "not a socket", dir, uid);
	}
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		close(fd);
		return ga_error_errno(err, errno, "%s", dir);
	}
	if (unlinkat(dfd, link, 0) != 0 && errno != ENOENT) {
		rc = ga_error_errno(err, errno, "unlink %s/%s", dir, link);
	} else if (linkat(fd, "", dfd, link, AT_EMPTY_PATH) != 0) {
		/* without CAP_DAC_READ_SEARCH: through /proc, the same inode */
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if (linkat(AT_FDCWD, proc, dfd, link, AT_SYMLINK_FOLLOW) != 0)
			rc = ga_error_errno(err, errno, "link %s/%s to %s", dir,
					    link, rel);
	}
	close(dfd);
	close(fd);
	return rc;
}
