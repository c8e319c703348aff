/* ownmark.c - see ownmark.h */
#include "util/ownmark.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"

#define MARK_READ 256           /* the mark's first line fits in it */

int ga_mark_write(int fd, struct ga_error *err)
{
	FILE *f = ga_file_create_at(fd, GA_MARK_NAME, err);

	if (!f)
		return -1;
	fputs(GA_MARK_LINE "\n"
	      "(goneaway removes or replaces a directory only when this file "
	      "is in it;\nwithout it, the directory is left as it is and "
	      "goneaway stops with an error.)\n", f);
	if (ga_file_close(f, 0))
		return ga_error_set(err, "write %s: I/O error", GA_MARK_NAME);
	return 0;
}

bool ga_mark_present(int fd)
{
	char buf[MARK_READ];
	size_t want = strlen(GA_MARK_LINE "\n"), got = 0;
	struct stat st;
	ssize_t n;
	int m;

	m = openat(fd, GA_MARK_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		   O_CLOEXEC);
	if (m < 0)
		return false;
	if (fstat(m, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid()) {
		close(m);
		return false;
	}
	while (got < want && (n = read(m, buf + got, want - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += (size_t)n;
	}
	close(m);
	return got == want && memcmp(buf, GA_MARK_LINE "\n", want) == 0;
}

static int not_ours(struct ga_error *err, const char *shown, const char *what)
{
	return ga_error_set(err, "%s: %s, not a directory goneaway made (no "
			    GA_MARK_NAME " mark in it): left as it is; move "
			    "it away or choose another -o", shown, what);
}

/* name under dirfd opened as a directory, checked to be what lstat saw
 * (*st), or -1 with err set. */
static int open_same(int dirfd, const char *name, const struct stat *st,
		     const char *shown, struct ga_error *err)
{
	struct stat open_st;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(err, errno, "open %s", shown);
	if (fstat(fd, &open_st) != 0 || open_st.st_dev != st->st_dev ||
	    open_st.st_ino != st->st_ino) {
		close(fd);
		return ga_error_set(err, "%s: changed while goneaway looked at "
				    "it: left as it is", shown);
	}
	return fd;
}

/* As ga_mark_check_at(); *fd (when not NULL) receives the marked
 * directory opened. */
static int check_at(int dirfd, const char *name, const char *shown,
		    int *fd, struct ga_error *err)
{
	struct stat st;
	int d;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT)
			return 0;
		return ga_error_errno(err, errno, "stat %s", shown);
	}
	if (S_ISLNK(st.st_mode))
		return not_ours(err, shown, "a symbolic link");
	if (!S_ISDIR(st.st_mode))
		return not_ours(err, shown, "a file");
	d = open_same(dirfd, name, &st, shown, err);
	if (d < 0)
		return -1;
	if (!ga_mark_present(d)) {
		close(d);
		return not_ours(err, shown, "a directory");
	}
	if (fd)
		*fd = d;
	else
		close(d);
	return 1;
}

int ga_mark_check_at(int dirfd, const char *name, const char *shown,
		     struct ga_error *err)
{
	return check_at(dirfd, name, shown, NULL, err);
}

int ga_mark_remove_at(int dirfd, const char *name, const char *shown,
		      struct ga_error *err)
{
	struct stat st, now;
	int fd = -1, r;

	r = check_at(dirfd, name, shown, &fd, err);
	if (r <= 0)
		return r;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return ga_error_errno(err, errno, "stat %s", shown);
	}
	r = ga_tree_empty_fd(fd, err);
	close(fd);
	if (r)
		return ga_error_prefix(err, "%s", shown);
	/* the name still the directory that was emptied: never another's
	 * swapped in meanwhile (rmdir only removes an empty one anyway) */
	if (fstatat(dirfd, name, &now, AT_SYMLINK_NOFOLLOW) != 0 ||
	    now.st_dev != st.st_dev || now.st_ino != st.st_ino)
		return ga_error_set(err, "%s: changed while goneaway removed "
				    "it: left as it is", shown);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		return ga_error_errno(err, errno, "remove %s", shown);
	return 0;
}

int ga_mark_open_at(int dirfd, const char *name, bool create,
		    const char *shown, struct ga_error *err)
{
	int fd = -1, r, tries;

	for (tries = 0; tries < 2; tries++) {
		r = check_at(dirfd, name, shown, &fd, err);
		if (r < 0)
			return -1;
		if (r > 0)
			return fd;
		if (!create)
			return ga_error_set(err, "open %s: %s", shown,
					    strerror(ENOENT));
		if (mkdirat(dirfd, name, 0755) != 0) {
			if (errno == EEXIST)
				continue;       /* made meanwhile: look again */
			return ga_error_errno(err, errno, "mkdir %s", shown);
		}
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			    O_CLOEXEC);
		if (fd < 0)
			return ga_error_errno(err, errno, "open %s", shown);
		if (ga_mark_write(fd, err)) {
			close(fd);
			return ga_error_prefix(err, "%s", shown);
		}
		return fd;
	}
	return ga_error_set(err, "%s: made and removed by another while "
			    "goneaway made it", shown);
}
