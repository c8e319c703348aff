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
static int open_kernel(int dirfd, const char *rel)
{
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof(how));
	how.flags = OPEN_FLAGS;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		      RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM || errno == E2BIG))
		return -2;
	return (int)fd;
}
#else
static int open_kernel(int dirfd, const char *rel)
{
	(void)dirfd;
	(void)rel;
	return -2;
}
#endif

/* One component at a time below dirfd, never following a symlink:
 * the descriptor of the last component, or -1 (errno). */
static int open_walk(int dirfd, const char *rel)
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
			      O_NOFOLLOW | O_CLOEXEC : OPEN_FLAGS | O_NOFOLLOW);
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

int ga_open_beneath(const struct ga_beneath *b, const char *name,
		    enum ga_beneath_how how, struct ga_error *err)
{
	const char *rel, *dir = "";
	struct stat st;
	int dirfd, fd, e;

	if (!name[0])
		return ga_error_set(err, "'': an empty name");
	if (strlen(name) >= PATH_MAX)
		return ga_error_set(err, "'%.60s...': too long", name);
	if (has_dotdot(name))
		return ga_error_set(err, "'%s': '..' is not followed (only "
				    "files beneath %s are read)", name,
				    b->n ? b->dirs[0] : "no directory");
	rel = relative_part(b, name, &dir, err);
	if (!rel)
		return -1;
	if (!rel[strspn(rel, "/.")])
		return ga_error_set(err, "'%s': not a file beneath %s", name,
				    dir);
	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return ga_error_errno(err, errno, "'%s': the directory %s",
				      name, dir);
	fd = how == GA_BENEATH_AUTO ? open_kernel(dirfd, rel) : -2;
	if (fd == -2)
		fd = open_walk(dirfd, rel);
	e = errno;
	close(dirfd);
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
