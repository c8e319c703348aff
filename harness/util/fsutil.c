/* fsutil.c - see fsutil.h */
#include "util/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* copy_file_range cannot do this copy, but read/write can: another
 * filesystem (EXDEV), no support in the kernel or the filesystem. */
static bool copy_unsupported(int e)
{
	return e == EXDEV || e == ENOSYS || e == EOPNOTSUPP || e == EINVAL;
}

int ga_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int pwrite_all(int fd, const char *buf, size_t len, off_t off)
{
	ssize_t n;

	while (len > 0) {
		n = pwrite(fd, buf, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

#define COPY_BUF_SIZE (1 << 16)

/* Copies the bytes [start, end) of in to the same offsets of out and sets
 * *copied to how many were copied: end - start, or fewer when the source
 * ended early.  copy_file_range first (GA_COPY_AUTO); read/write for what
 * it could not copy, whether it failed with copy_unsupported() or made
 * no progress (it returns 0 across some filesystems).  -1 with errno on a
 * read or write error. */
static int copy_range(int in, int out, off_t start, off_t end,
		      enum ga_copy_how how, off_t *copied)
{
	off_t off = start;
	char *buf = NULL;
	ssize_t n;
	int rc = -1;

	while (how == GA_COPY_AUTO && off < end) {
		off_t off_in = off, off_out = off;

		n = copy_file_range(in, &off_in, out, &off_out,
				    (size_t)(end - off), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && !copy_unsupported(errno))
			return -1;
		if (n <= 0)
			break;          /* read/write does the rest */
		off += n;
	}
	if (off < end) {
		buf = malloc(COPY_BUF_SIZE);
		if (!buf)
			return -1;
	}
	while (off < end) {
		size_t want = end - off < COPY_BUF_SIZE ?
			      (size_t)(end - off) : COPY_BUF_SIZE;

		n = pread(in, buf, want, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;          /* the source ended before its size */
		if (pwrite_all(out, buf, (size_t)n, off) != 0)
			goto out;
		off += n;
	}
	*copied = off - start;
	rc = 0;
out:
	free(buf);
	return rc;
}

/* The next data extent [*data, *hole) of in at or after from, clipped to
 * size.  Returns 1, or 0 when only a hole is left, or -1 with errno.  A
 * file whose filesystem knows no SEEK_DATA is all data. */
static int next_extent(int in, off_t from, off_t size, off_t *data,
		       off_t *hole)
{
	*data = lseek(in, from, SEEK_DATA);
	if (*data < 0 && errno == ENXIO)
		return 0;
	if (*data < 0 && errno == EINVAL) {
		*data = from;
		*hole = size;
		return from < size;
	}
	if (*data < 0)
		return -1;
	if (*data >= size)
		return 0;       /* it grew since fstat: not ours to copy */
	*hole = lseek(in, *data, SEEK_HOLE);
	if (*hole < 0)
		return -1;
	if (*hole > size)
		*hole = size;
	return 1;
}

/* Copies size bytes of in to out, which is made that size first, so the
 * source's holes stay holes: only its data extents are copied.  Checks
 * that every byte of every extent was copied. */
static int copy_fd_sparse(int in, int out, off_t size, enum ga_copy_how how,
			  const char *src, const char *dst,
			  struct ga_error *err)
{
	off_t from = 0, data, hole, copied, total = 0, want = 0;
	int r;

	if (ftruncate(out, size) != 0)
		return ga_error_errno(err, errno, "truncate %s", dst);
	while ((r = next_extent(in, from, size, &data, &hole)) == 1) {
		if (copy_range(in, out, data, hole, how, &copied) != 0)
			return ga_error_errno(err, errno, "copy %s to %s", src,
					      dst);
		want += hole - data;
		total += copied;
		if (copied != hole - data)
			break;
		from = hole;
	}
	if (r < 0)
		return ga_error_errno(err, errno, "seek in %s", src);
	if (total != want)
		return ga_error_set(err, "copy %s to %s: copied %lld of %lld "
				    "bytes: the source ended before the %lld "
				    "bytes its size says", src, dst,
				    (long long)total, (long long)want,
				    (long long)size);
	return 0;
}

/* Copies src into dst, opened under dirfd with extra open flags. */
static int file_copy_at(const char *src, int dirfd, const char *dst,
			int flags, mode_t mode, enum ga_copy_how how,
			struct ga_error *err)
{
	struct stat st;
	int in, out, rc = -1;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return ga_error_errno(err, errno, "open %s", src);
	out = openat(dirfd, dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | flags,
		     mode & 07777);
	if (out < 0) {
		ga_error_errno(err, errno, "create %s", dst);
		goto out;
	}
	if (fstat(in, &st) != 0) {
		ga_error_errno(err, errno, "stat %s", src);
		goto out;
	}
	if (copy_fd_sparse(in, out, st.st_size, how, src, dst, err) != 0)
		goto out;
	rc = 0;
out:
	if (out >= 0 && close(out) != 0 && rc == 0)
		rc = ga_error_errno(err, errno, "close %s", dst);
	close(in);
	return rc;
}

static int file_copy_mode(const char *src, const char *dst, mode_t mode,
			  enum ga_copy_how how, struct ga_error *err)
{
	return file_copy_at(src, AT_FDCWD, dst, 0, mode, how, err);
}

int ga_file_copy_at(const char *src, int dirfd, const char *name,
		    struct ga_error *err)
{
	if (strchr(name, '/'))
		return ga_error_set(err, "create %s: not a plain name", name);
	return file_copy_at(src, dirfd, name, O_NOFOLLOW, 0644, GA_COPY_AUTO,
			    err);
}

FILE *ga_file_create_at(int dirfd, const char *name, struct ga_error *err)
{
	FILE *f;
	int fd;

	if (strchr(name, '/')) {
		ga_error_set(err, "create %s: not a plain name", name);
		return NULL;
	}
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		    O_CLOEXEC, 0644);
	if (fd < 0) {
		ga_error_errno(err, errno, "create %s", name);
		return NULL;
	}
	f = ga_fdopen(fd, "we");
	if (!f)
		ga_error_errno(err, errno, "create %s", name);
	return f;
}

FILE *ga_fdopen(int fd, const char *mode)
{
	FILE *f = fdopen(fd, mode);
	int e = errno;

	if (!f) {
		close(fd);
		errno = e;
	}
	return f;
}

struct dirent *ga_readdir(DIR *d)
{
	struct dirent *de;

	while ((de = readdir(d)) != NULL && (strcmp(de->d_name, ".") == 0 ||
					     strcmp(de->d_name, "..") == 0))
		;
	return de;
}

int ga_dir_open_beneath(int dirfd, const char *rel, struct ga_error *err)
{
	char buf[PATH_MAX], *comp, *save = NULL;
	int fd, next;

	if (rel[0] == '/' || strlen(rel) >= sizeof(buf))
		return ga_error_set(err, "'%s': not a relative path", rel);
	memcpy(buf, rel, strlen(rel) + 1);
	/* strtok_r would skip empty components: look for them first */
	if (!rel[0] || strstr(rel, "//") || rel[strlen(rel) - 1] == '/')
		return ga_error_set(err, "'%s': empty path component", rel);
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(err, errno, "open directory");
	for (comp = strtok_r(buf, "/", &save); comp;
	     comp = strtok_r(NULL, "/", &save)) {
		if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
			close(fd);
			return ga_error_set(err, "'%s': '%s' is not allowed "
					    "in it", rel, comp);
		}
		if (mkdirat(fd, comp, 0755) != 0 && errno != EEXIST) {
			ga_error_errno(err, errno, "mkdir %s (in %s)", comp, rel);
			close(fd);
			return -1;
		}
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			      O_CLOEXEC);
		if (next < 0) {
			int e = errno;

			ga_error_errno(err, e, "open %s (in %s)%s", comp, rel,
				       e == ELOOP || e == ENOTDIR ?
				       ", a symlink or not a directory, not "
				       "followed" : "");
			close(fd);
			return -1;
		}
		close(fd);
		fd = next;
	}
	return fd;
}

int ga_file_copy_how(const char *src, const char *dst, enum ga_copy_how how,
		     struct ga_error *err)
{
	return file_copy_mode(src, dst, 0644, how, err);
}

int ga_file_copy(const char *src, const char *dst, struct ga_error *err)
{
	return file_copy_mode(src, dst, 0644, GA_COPY_AUTO, err);
}

/* The entry name of the open directory dirfd (src/name in messages) as
 * it is: a directory or a regular file opened without following a
 * symlink and without waiting, and it must still be what fstatat() saw;
 * -2 for anything else (a symlink, a socket, a FIFO, a device: not part
 * of a datadir, and never opened), -1 with err set. */
static int open_entry(int dirfd, const char *name, const char *src,
		      struct stat *st, struct ga_error *err)
{
	mode_t type;
	int fd;

	if (fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW) != 0)
		return ga_error_errno(err, errno, "stat %s/%s", src, name);
	type = st->st_mode & S_IFMT;
	if (type != S_IFDIR && type != S_IFREG)
		return -2;
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		    O_CLOEXEC | O_NOCTTY | (type == S_IFDIR ? O_DIRECTORY : 0));
	if (fd < 0)
		return ga_error_errno(err, errno, "open %s/%s", src, name);
	if (fstat(fd, st) != 0 || (st->st_mode & S_IFMT) != type) {
		close(fd);
		return ga_error_set(err, "%s/%s: changed while it was copied",
				    src, name);
	}
	if (type == S_IFREG && st->st_nlink != 1) {
		close(fd);
		return ga_error_set(err, "%s/%s: a file with %lu links (a hard "
				    "link is a file of elsewhere): not copied",
				    src, name, (unsigned long)st->st_nlink);
	}
	return fd;
}

/* The tree below the open directory sfd (closed here; src names it)
 * copied into the new directory dst (mode mode). */
static int tree_copy_fd(int sfd, const char *src, const char *dst,
			mode_t mode, struct ga_error *err)
{
	char s[PATH_MAX], d[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int rc = 0, fd, out;

	if (mkdir(dst, mode) != 0) {
		close(sfd);
		return ga_error_errno(err, errno, "mkdir %s", dst);
	}
	dir = fdopendir(sfd);
	if (!dir) {
		close(sfd);
		return ga_error_errno(err, errno, "opendir %s", src);
	}
	while (rc == 0 && (de = ga_readdir(dir)) != NULL) {
		if (snprintf(s, sizeof(s), "%s/%s", src, de->d_name) >= (int)sizeof(s) ||
		    snprintf(d, sizeof(d), "%s/%s", dst, de->d_name) >= (int)sizeof(d)) {
			rc = ga_error_set(err, "path too long under %s", src);
			break;
		}
		fd = open_entry(dirfd(dir), de->d_name, src, &st, err);
		if (fd == -2)
			continue;       /* sockets, fifos and links are not part
					 * of a datadir */
		if (fd < 0) {
			rc = -1;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			rc = tree_copy_fd(fd, s, d, st.st_mode & 07777, err);
			continue;
		}
		out = open(d, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			   st.st_mode & 07777);
		if (out < 0)
			rc = ga_error_errno(err, errno, "create %s", d);
		else
			rc = copy_fd_sparse(fd, out, st.st_size, GA_COPY_AUTO, s,
					    d, err);
		if (out >= 0 && close(out) != 0 && rc == 0)
			rc = ga_error_errno(err, errno, "close %s", d);
		close(fd);
	}
	closedir(dir);
	return rc;
}

int ga_tree_copy(const char *src, const char *dst, struct ga_error *err)
{
	struct stat st;
	int fd;

	fd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(err, errno, "open %s", src);
	if (fstat(fd, &st) != 0) {
		close(fd);
		return ga_error_errno(err, errno, "stat %s", src);
	}
	return tree_copy_fd(fd, src, dst, st.st_mode & 07777, err);
}

/* ga_tree_chown() below the open directory fd (named path in errors). */
static int chown_below(int fd, const char *path, unsigned uid, unsigned gid,
		       struct ga_error *err)
{
	struct dirent *de;
	DIR *dir;
	int sub, rc = 0;

	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return ga_error_errno(err, errno, "open %s", path);
	}
	while (rc == 0 && (de = ga_readdir(dir)) != NULL) {
		if (fchownat(dirfd(dir), de->d_name, (uid_t)uid, (gid_t)gid,
			     AT_SYMLINK_NOFOLLOW) != 0) {
			rc = ga_error_errno(err, errno, "chown %s/%s", path,
					    de->d_name);
			break;
		}
		sub = openat(dirfd(dir), de->d_name, O_RDONLY | O_DIRECTORY |
			     O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0)
			rc = chown_below(sub, path, uid, gid, err);
	}
	closedir(dir);
	return rc;
}

int ga_tree_chown(const char *path, unsigned uid, unsigned gid,
		  struct ga_error *err)
{
	int fd;

	if (lchown(path, (uid_t)uid, (gid_t)gid) != 0)
		return ga_error_errno(err, errno, "chown %s", path);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOTDIR || errno == ELOOP ? 0 :
		       ga_error_errno(err, errno, "open %s", path);
	return chown_below(fd, path, uid, gid, err);
}

static int remove_entry_at(int dirfd, const char *name, struct ga_error *err);

/* One pass over the open directory fd: removes every entry.  Returns how
 * many were removed, or -1. */
static int empty_pass(DIR *dir, struct ga_error *err)
{
	struct dirent *de;
	int n = 0;

	rewinddir(dir);
	while ((de = ga_readdir(dir)) != NULL) {
		if (remove_entry_at(dirfd(dir), de->d_name, err) != 0)
			return -1;
		n++;
	}
	return n;
}

int ga_tree_empty_fd(int fd, struct ga_error *err)
{
	DIR *dir;
	int own, n;

	/* a descriptor of our own (fdopendir takes it), at offset 0 */
	own = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (own < 0)
		return ga_error_errno(err, errno, "open directory");
	dir = fdopendir(own);
	if (!dir) {
		close(own);
		return ga_error_errno(err, errno, "open directory");
	}
	/* until a pass finds nothing: readdir may skip entries while the
	 * directory changes under it */
	while ((n = empty_pass(dir, err)) > 0)
		;
	closedir(dir);
	return n < 0 ? -1 : 0;
}

/* Removes name under dirfd: a file or symlink is unlinked (a link's
 * target is never touched); a directory is opened with O_NOFOLLOW
 * relative to dirfd, emptied through that descriptor and removed. */
static int remove_entry_at(int dirfd, const char *name, struct ga_error *err)
{
	int fd, rc;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR)
		return ga_error_errno(err, errno, "remove %s", name);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return ga_error_errno(err, errno, "open %s", name);
	rc = ga_tree_empty_fd(fd, err);
	close(fd);
	if (rc != 0)
		return ga_error_prefix(err, "%s", name);
	if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		return ga_error_errno(err, errno, "remove %s", name);
	return 0;
}

int ga_tree_remove_at(int dirfd, const char *name, struct ga_error *err)
{
	return remove_entry_at(dirfd, name, err);
}

int ga_tree_remove(const char *path, struct ga_error *err)
{
	if (remove_entry_at(AT_FDCWD, path, err) != 0)
		return ga_error_prefix(err, "removing %s", path);
	return 0;
}

int ga_mkdirs(const char *path, struct ga_error *err)
{
	char buf[PATH_MAX];
	size_t i, len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return ga_error_set(err, "bad directory path '%s'", path);
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return ga_error_errno(err, errno, "mkdir %s", buf);
		buf[i] = i < len ? '/' : '\0';
	}
	return 0;
}

/* Reads want bytes of the open fd from byte off into a new
 * NUL-terminated buffer (*out; fewer when the file ends first), and
 * closes fd.  Returns 0, or -1 with err set (out of memory). */
static int read_part(int fd, const char *path, long long off, size_t want,
		     char **out, size_t *len, struct ga_error *err)
{
	size_t got = 0;
	char *buf;
	ssize_t n;

	buf = malloc(want + 1);
	if (!buf) {
		close(fd);
		return ga_error_set(err, "out of memory reading %s", path);
	}
	while (got < want) {
		n = pread(fd, buf + got, want - got, (off_t)(off + (long long)got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	if (len)
		*len = got;
	return 0;
}

int ga_fd_read(int fd, const char *shown, size_t max, char **out,
	       size_t *len, struct ga_error *err)
{
	struct stat st;

	if (fstat(fd, &st) != 0 || (size_t)st.st_size > max) {
		close(fd);
		return ga_error_set(err, "%s: larger than %zu bytes", shown, max);
	}
	return read_part(fd, shown, 0, (size_t)st.st_size, out, len, err);
}

int ga_file_read(const char *path, size_t max, char **out, size_t *len,
		 struct ga_error *err)
{
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(err, errno, "cannot read %s", path);
	return ga_fd_read(fd, path, max, out, len, err);
}

/* What a missing file reads as: nothing. */
static int read_nothing(long long *from, char **out, size_t *len,
			struct ga_error *err)
{
	*from = 0;
	*out = strdup("");
	if (!*out)
		return ga_error_set(err, "out of memory");
	if (len)
		*len = 0;
	return 0;
}

int ga_fd_read_from(int fd, const char *shown, long long *from, size_t max,
		    char **out, size_t *len, struct ga_error *err)
{
	struct stat st;
	size_t want;

	if (fstat(fd, &st) != 0) {
		close(fd);
		return ga_error_errno(err, errno, "stat %s", shown);
	}
	if (*from < 0 || *from > (long long)st.st_size)
		*from = 0;
	want = (size_t)((long long)st.st_size - *from);
	if (want > max) {
		close(fd);
		return ga_error_set(err, "%s: more than %zu bytes past byte "
				    "%lld", shown, max, *from);
	}
	return read_part(fd, shown, *from, want, out, len, err);
}

int ga_file_read_from(const char *path, long long *from, size_t max,
		      char **out, size_t *len, struct ga_error *err)
{
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return read_nothing(from, out, len, err);
	if (fd < 0)
		return ga_error_errno(err, errno, "cannot read %s", path);
	return ga_fd_read_from(fd, path, from, max, out, len, err);
}

int ga_file_write(const char *path, const char *data, size_t len,
		  struct ga_error *err)
{
	size_t done = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return ga_error_errno(err, errno, "create %s", path);
	while (done < len) {
		n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			return ga_error_errno(err, e, "write %s", path);
		}
		done += (size_t)n;
	}
	if (close(fd) != 0)
		return ga_error_errno(err, errno, "close %s", path);
	return 0;
}

void ga_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int ga_file_close(FILE *f, int bad)
{
	bad |= ferror(f);
	if (fclose(f) != 0)
		bad = 1;
	return bad ? -1 : 0;
}
