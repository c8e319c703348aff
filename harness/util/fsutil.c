/* fsutil.c - see fsutil.h */
#include "util/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy_range(int in, int out, off_t start, off_t end)
{
	off_t off_in = start, off_out = start;

	while (off_in < end) {
		ssize_t n = copy_file_range(in, &off_in, out, &off_out,
					    (size_t)(end - off_in), 0);
		if (n < 0)
			return -1;
		if (n == 0)
			break;
	}
	return 0;
}

static int copy_fd_sparse(int in, int out, off_t size)
{
	off_t data = 0, hole;

	if (ftruncate(out, size) != 0)
		return -1;
	for (;;) {
		data = lseek(in, data, SEEK_DATA);
		if (data < 0)
			return errno == ENXIO ? 0 : -1;
		hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0)
			return -1;
		if (copy_range(in, out, data, hole) != 0)
			return -1;
		data = hole;
	}
}

static int file_copy_mode(const char *src, const char *dst, mode_t mode,
			  struct ga_error *err)
{
	struct stat st;
	int in, out, rc = -1;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return ga_error_errno(err, errno, "open %s", src);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode & 07777);
	if (out < 0) {
		ga_error_errno(err, errno, "create %s", dst);
		goto out;
	}
	if (fstat(in, &st) != 0 || copy_fd_sparse(in, out, st.st_size) != 0) {
		ga_error_errno(err, errno, "copy %s to %s", src, dst);
		goto out;
	}
	rc = 0;
out:
	if (out >= 0)
		close(out);
	close(in);
	return rc;
}

int ga_file_copy(const char *src, const char *dst, struct ga_error *err)
{
	return file_copy_mode(src, dst, 0644, err);
}

int ga_tree_copy(const char *src, const char *dst, struct ga_error *err)
{
	char s[PATH_MAX], d[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int rc = 0;

	if (stat(src, &st) != 0)
		return ga_error_errno(err, errno, "stat %s", src);
	if (mkdir(dst, st.st_mode & 07777) != 0)
		return ga_error_errno(err, errno, "mkdir %s", dst);
	dir = opendir(src);
	if (!dir)
		return ga_error_errno(err, errno, "opendir %s", src);
	while (rc == 0 && (de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(s, sizeof(s), "%s/%s", src, de->d_name) >= (int)sizeof(s) ||
		    snprintf(d, sizeof(d), "%s/%s", dst, de->d_name) >= (int)sizeof(d)) {
			rc = ga_error_set(err, "path too long under %s", src);
			break;
		}
		if (lstat(s, &st) != 0) {
			rc = ga_error_errno(err, errno, "stat %s", s);
			break;
		}
		if (S_ISDIR(st.st_mode))
			rc = ga_tree_copy(s, d, err);
		else if (S_ISREG(st.st_mode))
			rc = file_copy_mode(s, d, st.st_mode, err);
		/* sockets, fifos and links are not part of a datadir */
	}
	closedir(dir);
	return rc;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

int ga_tree_remove(const char *path, struct ga_error *err)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : ga_error_errno(err, errno, "stat %s", path);
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return ga_error_errno(err, errno, "removing %s", path);
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

int ga_file_read(const char *path, size_t max, char **out, size_t *len,
		 struct ga_error *err)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(err, errno, "cannot read %s", path);
	if (fstat(fd, &st) != 0 || (size_t)st.st_size > max) {
		close(fd);
		return ga_error_set(err, "%s: larger than %zu bytes", path, max);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return ga_error_set(err, "out of memory reading %s", path);
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
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
