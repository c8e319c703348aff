/* cache.c - a driver's own cache, and its build by a confined probe
 * (client/internal.h, "client/cache.c"): the copy it may add to, and
 * what it added taken into the cache as root's.  What the probe left is
 * another user's: it is opened beneath a descriptor, never followed
 * (O_NOFOLLOW), never waited on (O_NONBLOCK), and only its regular files
 * of one link are taken, within a bound. */
#include "client/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/sha256.h"

#define DEPTH_MAX 64            /* how deep a cache goes */

/* A directory's entries one by one, as d (its descriptor dup'ed:
 * closedir() leaves fd open).  NULL with err set. */
static DIR *open_entries(int fd, struct ga_error *err)
{
	int dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	DIR *d = dup < 0 ? NULL : fdopendir(dup);

	if (!d) {
		if (dup >= 0)
			close(dup);
		ga_error_errno(err, errno, "read a directory of the cache");
	}
	return d;
}

/* A name left out: ".", "..", and every name with a leading '.'. */
/* The directories name of afd and of bfd into fds[0] and fds[1],
 * neither a link.  Returns 0, or -1 with err set (none left open). */
static int open_pair(int afd, int bfd, const char *name, int fds[2],
		     struct ga_error *err)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

	fds[0] = openat(afd, name, flags);
	fds[1] = fds[0] < 0 ? -1 : openat(bfd, name, flags);
	if (fds[1] >= 0)
		return 0;
	ga_error_errno(err, errno, "open %s", name);
	if (fds[0] >= 0)
		close(fds[0]);
	return -1;
}

static bool hidden(const char *name)
{
	return name[0] == '.';
}

static int shadow_at(int cfd, int wfd, unsigned uid, int depth,
		     struct ga_error *err)
{
	struct dirent *de;
	struct stat st;
	int fds[2], rc = 0;
	DIR *d;

	if (depth > DEPTH_MAX)
		return ga_error_set(err, "the drivers' cache is deeper than "
				    "%d directories", DEPTH_MAX);
	d = open_entries(cfd, err);
	if (!d)
		return -1;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (hidden(de->d_name) ||
		    fstatat(cfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
			continue;
		/* readable by the drivers' users, who read the cache (a
		 * goneaway before them made a build's directory 0700) */
		if ((st.st_mode & 0055) != (S_ISDIR(st.st_mode) ? 0055 : 0044))
			fchmodat(cfd, de->d_name, (st.st_mode & 07777 & ~07022) |
				 (S_ISDIR(st.st_mode) ? 0055 : 0044), 0);
		/* a file another run's build replaced meanwhile is left
		 * out: this build makes it again, or takes the new one
		 * next time */
		if (S_ISREG(st.st_mode)) {
			if (linkat(cfd, de->d_name, wfd, de->d_name, 0) != 0 &&
			    errno != ENOENT)
				rc = ga_error_errno(err, errno, "link %s",
						    de->d_name);
			continue;
		}
		if (mkdirat(wfd, de->d_name, 0755) != 0 ||
		    fchownat(wfd, de->d_name, (uid_t)uid, (gid_t)uid,
			     AT_SYMLINK_NOFOLLOW) != 0) {
			rc = ga_error_errno(err, errno, "mkdir %s", de->d_name);
			break;
		}
		rc = open_pair(cfd, wfd, de->d_name, fds, err);
		if (rc != 0)
			break;
		rc = shadow_at(fds[0], fds[1], uid, depth + 1, err);
		close(fds[0]);
		close(fds[1]);
	}
	closedir(d);
	return rc;
}



/* What an adoption has taken so far. */
struct adopt {
	unsigned uid;
	long long bytes;
	size_t files;
};

/* The file name of wfd (a regular file of a's uid, one link: fstat'ed
 * as st) written into name under cfd, root's, aside and renamed.
 * Returns 0, 1 when it is left out (the bound, or not that file), or -1
 * with err set. */
static int adopt_file(int wfd, int cfd, const char *name,
		      const struct stat *st, struct adopt *a,
		      struct ga_error *err)
{
	char tmp[64], buf[65536];
	ssize_t n;
	int in, out, rc = 0;
	struct stat now;

	if (a->bytes + st->st_size > GA_CACHE_ADOPT_MAX)
		return 1;
	in = openat(wfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (in < 0)
		return ga_error_errno(err, errno, "open %s", name);
	if (fstat(in, &now) != 0 || now.st_ino != st->st_ino ||
	    !S_ISREG(now.st_mode)) {
		close(in);
		return 1;       /* not the file it was */
	}
	snprintf(tmp, sizeof(tmp), ".adopt-%d", (int)getpid());
	unlinkat(cfd, tmp, 0);
	out = openat(cfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		     O_CLOEXEC, (st->st_mode & 0111) ? 0755 : 0644);
	if (out < 0) {
		close(in);
		return ga_error_errno(err, errno, "create %s", tmp);
	}
	while (rc == 0 && (n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 || ga_write_all(out, buf, (size_t)n) != 0 ||
		    (a->bytes += n) > GA_CACHE_ADOPT_MAX)
			rc = n < 0 || a->bytes <= GA_CACHE_ADOPT_MAX ?
			     ga_error_errno(err, errno, "copy %s", name) : 1;
	}
	close(in);
	/* its times as made: what a JVM's class-data archive checks a jar
	 * by (its size and modification time) */
	if (rc == 0) {
		struct timespec times[2] = { now.st_atim, now.st_mtim };

		if (futimens(out, times) != 0)
			rc = ga_error_errno(err, errno, "times of %s", name);
	}
	if (close(out) != 0 && rc == 0)
		rc = ga_error_errno(err, errno, "write %s", name);
	if (rc == 0 && renameat(cfd, tmp, cfd, name) != 0)
		rc = ga_error_errno(err, errno, "rename %s", name);
	if (rc)
		unlinkat(cfd, tmp, 0);
	else
		a->files++;
	return rc;
}

/* The directory name of wfd taken into cfd (made there, root's, when it
 * is not), below depth. */
static int adopt_at(int wfd, int cfd, struct adopt *a, int depth,
		    struct ga_error *err);

static int adopt_dir(int wfd, int cfd, const char *name, struct adopt *a,
		     int depth, struct ga_error *err)
{
	int fds[2], rc;

	if (mkdirat(cfd, name, 0755) != 0 && errno != EEXIST)
		return ga_error_errno(err, errno, "mkdir %s", name);
	if (open_pair(wfd, cfd, name, fds, err) != 0)
		return -1;
	rc = adopt_at(fds[0], fds[1], a, depth + 1, err);
	close(fds[0]);
	close(fds[1]);
	return rc;
}

static int adopt_at(int wfd, int cfd, struct adopt *a, int depth,
		    struct ga_error *err)
{
	struct dirent *de;
	struct stat st;
	int rc = 0;
	DIR *d;

	if (depth > DEPTH_MAX)
		return 0;       /* deeper: left out */
	d = open_entries(wfd, err);
	if (!d)
		return -1;
	while (rc >= 0 && (de = readdir(d)) != NULL) {
		if (hidden(de->d_name) ||
		    fstatat(wfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			rc = adopt_dir(wfd, cfd, de->d_name, a, depth, err);
		else if (S_ISREG(st.st_mode) && st.st_uid == a->uid &&
			 st.st_nlink == 1)
			rc = adopt_file(wfd, cfd, de->d_name, &st, a, err);
	}
	closedir(d);
	return rc < 0 ? -1 : 0;
}

/* ---- a driver's own cache ------------------------------------------------ */

int ga_cache_key(const char *const *argv, char key[GA_CACHE_KEY],
		 struct ga_error *err)
{
	const char *prog = argv[0] ? strrchr(argv[0], '/') : NULL;
	char hex[GA_SHA256_HEX], *words, *p;
	size_t i, len = 1;
	int rc;

	/* the program by its name: "sh" as driver-test is given it is the
	 * /usr/bin/sh a run finds in PATH; each word ended by its '\0' */
	for (i = 0; argv[i]; i++)
		len += strlen(i == 0 && prog ? prog + 1 : argv[i]) + 1;
	words = p = malloc(len);
	if (!words)
		return ga_error_set(err, "out of memory");
	for (i = 0; argv[i]; i++) {
		const char *w = i == 0 && prog ? prog + 1 : argv[i];

		memcpy(p, w, strlen(w) + 1);
		p += strlen(w) + 1;
	}
	rc = ga_sha256_hex(words, (size_t)(p - words), "the drivers' cache's "
			   "key", hex, err);
	free(words);
	if (rc)
		return -1;
	snprintf(key, GA_CACHE_KEY, "%.*s", GA_CACHE_KEY - 1, hex);
	return 0;
}

int ga_cache_dir(const char *key, char *dir, size_t len, struct ga_error *err)
{
	const char *base = getenv("GONEAWAY_DRIVER_CACHE");
	char name[GA_CACHE_KEY + 8];
	int fd;

	dir[0] = '\0';
	if (!base || base[0] != '/')
		return 0;
	snprintf(name, sizeof(name), "cmd-%s", key);
	if (snprintf(dir, len, "%s/%s", base, name) >= (int)len)
		return ga_error_set(err, "path too long: %s", base);
	/* made root's in the cache, which is root's and checked */
	fd = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || (mkdirat(fd, name, 0755) != 0 && errno != EEXIST)) {
		ga_error_errno(err, errno, "mkdir %s", dir);
		if (fd >= 0)
			close(fd);
		dir[0] = '\0';
		return -1;
	}
	close(fd);
	return 0;
}

/* ---- its build: a copy, what the probe added taken -------------------------- */

#define WORK_PREFIX "drivers-building-"
#define WORK_LOCK ".lock"
#define TOP_LOCK "drivers-building.lock"

/* The copies that builds gone left (a SIGKILLed run's) in top, removed:
 * each holds a lock its build held (the kernel drops it with the
 * process), whatever PID namespace that ran in. */
static void remove_stale(const char *top)
{
	char path[PATH_MAX + 64];
	struct ga_error err;
	struct dirent *de;
	int fd;
	DIR *d;

	d = opendir(top);
	while (d && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, WORK_PREFIX, strlen(WORK_PREFIX)))
			continue;
		snprintf(path, sizeof(path), "%s/%s/" WORK_LOCK, top,
			 de->d_name);
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
			close(fd);
			continue;       /* a build runs there */
		}
		snprintf(path, sizeof(path), "%s/%s", top, de->d_name);
		ga_tree_remove(path, &err);
		if (fd >= 0)
			close(fd);
	}
	if (d)
		closedir(d);
}

/* top's lock (TOP_LOCK, root's, 0600), held while a run looks for stale
 * copies and makes its own: another run sees a copy only once its lock
 * is taken.  (Without it, a copy between its mkdtemp and its lock looked
 * stale to a run started beside it, which removed it under its build:
 * "CACHE/drivers-building-X/cache or ...: No such file or directory",
 * t0146's kept and fresh runs side by side.)  Returns the descriptor
 * (closing it lets go), or -1 with err set. */
static int top_lock(const char *top, struct ga_error *err)
{
	char path[PATH_MAX + 32];
	int fd, e;

	snprintf(path, sizeof(path), "%s/" TOP_LOCK, top);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0 && flock(fd, LOCK_EX) == 0)
		return fd;
	e = errno;
	if (fd >= 0)
		close(fd);
	ga_error_errno(err, e, "lock %s", path);
	return -1;
}

/* w->top made in top (a new name, root's, 0711), its lock taken, and
 * w->work in it (uid's, 0700).  Returns 0, or -1 with err set. */
static int make_work(struct ga_cache_work *w, const char *top, unsigned uid,
		     struct ga_error *err)
{
	char lock[PATH_MAX + 16];

	snprintf(w->top, sizeof(w->top), "%s/" WORK_PREFIX "XXXXXX", top);
	if (!mkdtemp(w->top)) {
		w->top[0] = '\0';
		return ga_error_errno(err, errno, "mkdtemp in %s", top);
	}
	snprintf(lock, sizeof(lock), "%s/" WORK_LOCK, w->top);
	w->lock = open(lock, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
		       O_CLOEXEC, 0600);
	if (w->lock < 0 || flock(w->lock, LOCK_EX | LOCK_NB) != 0 ||
	    chmod(w->top, 0711) != 0)
		return ga_error_errno(err, errno, "lock %s", lock);
	snprintf(w->work, sizeof(w->work), "%s/cache", w->top);
	if (mkdir(w->work, 0700) != 0 ||
	    lchown(w->work, (uid_t)uid, (gid_t)uid) != 0)
		return ga_error_errno(err, errno, "mkdir %s", w->work);
	return 0;
}

/* Each of a and b opened as a directory, never followed.  Returns 0, or
 * -1 with err set (both closed). */
static int open_two(const char *a, int *afd, const char *b, int *bfd,
		    struct ga_error *err)
{
	*afd = open(a, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	*bfd = open(b, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*afd >= 0 && *bfd >= 0)
		return 0;
	ga_error_errno(err, errno, "open %s", *afd < 0 ? a : b);
	if (*afd >= 0)
		close(*afd);
	if (*bfd >= 0)
		close(*bfd);
	return -1;
}

int ga_cache_work_open(const char *dir, unsigned uid, struct ga_cache_work *w,
		       struct ga_error *err)
{
	const char *base = getenv("GONEAWAY_DRIVER_CACHE");
	char top[PATH_MAX], *slash;
	int cfd, wfd, rc, lock;

	w->top[0] = w->work[0] = '\0';
	w->lock = -1;
	w->uid = uid;
	if (snprintf(w->dir, sizeof(w->dir), "%s", dir) >= (int)sizeof(w->dir) ||
	    !base || snprintf(top, sizeof(top), "%s", base) >= (int)sizeof(top))
		return ga_error_set(err, "no drivers' cache for %s", dir);
	/* beside the cache's drivers/, in the cache: root's (its entry in
	 * plan/paths.c), holding the copy that is the drivers' user's */
	slash = strrchr(top, '/');
	if (!slash || slash == top)
		return ga_error_set(err, "%s: no cache above it", base);
	*slash = '\0';
	lock = top_lock(top, err);
	if (lock < 0)
		return -1;
	remove_stale(top);
	rc = make_work(w, top, uid, err);
	close(lock);
	if (rc || open_two(dir, &cfd, w->work, &wfd, err)) {
		ga_cache_work_close(w);
		return -1;
	}
	rc = shadow_at(cfd, wfd, uid, 0, err);
	close(cfd);
	close(wfd);
	if (rc)
		ga_cache_work_close(w);
	return rc;
}

void ga_cache_work_close(struct ga_cache_work *w)
{
	struct adopt a = { w->uid, 0, 0 };
	struct ga_error err;
	int cfd, wfd;

	if (w->work[0] && open_two(w->dir, &cfd, w->work, &wfd, &err) == 0) {
		if (adopt_at(wfd, cfd, &a, 0, &err))
			fprintf(stderr, "goneaway: warning: the drivers' cache "
				"%s: %s\n", w->dir, err.msg);
		close(cfd);
		close(wfd);
	}
	if (w->top[0] && ga_tree_remove(w->top, &err))
		fprintf(stderr, "goneaway: %s\n", err.msg);
	if (w->lock >= 0)
		close(w->lock);
	w->lock = -1;
	w->top[0] = w->work[0] = '\0';
}
