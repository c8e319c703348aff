/* flatcopy.c - see flatcopy.h */
#include "util/flatcopy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"

bool ga_name_chars(const char *s)
{
	const char *c;

	for (c = s; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' ||
		      *c == '-'))
			return false;
	return true;
}

bool ga_plain_name(const char *s, size_t max)
{
	return *s && *s != '.' && strlen(s) <= max && ga_name_chars(s);
}

/* The entry name of the open directory sfd checked and copied into the
 * open directory dfd; *bytes counts what was copied so far. */
static int copy_entry(int sfd, const char *name, int dfd, const char *shown,
		      const struct ga_flat_bounds *b, long long *bytes,
		      struct ga_error *err)
{
	char path[64];
	struct stat st;
	int fd, rc;

	if (!ga_plain_name(name, b->name_max))
		return ga_error_set(err, "%s/%.100s: not a plain name (letters, "
				    "digits, '.', '_' and '-', not starting "
				    "with '.', at most %zu bytes)", shown, name,
				    b->name_max);
	fd = openat(sfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
		    O_NOCTTY);
	if (fd < 0 && errno == ELOOP)
		return ga_error_set(err, "%s/%s: a symlink, not followed: "
				    "refused", shown, name);
	if (fd < 0)
		return ga_error_errno(err, errno, "%s/%s", shown, name);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ga_error_set(err, "%s/%s: not a regular file (a "
				    "directory, a FIFO, a device ...)", shown,
				    name);
	}
	if (st.st_nlink != 1) {
		close(fd);
		return ga_error_set(err, "%s/%s: a file with %lu links (a hard "
				    "link is a copy of a file from elsewhere): "
				    "refused", shown, name,
				    (unsigned long)st.st_nlink);
	}
	*bytes += st.st_size;
	if (*bytes > b->bytes) {
		close(fd);
		return ga_error_set(err, "%s/%s: more than %lld bytes in all",
				    shown, name, b->bytes);
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rc = ga_file_copy_at(path, dfd, name, err);
	close(fd);
	return rc ? ga_error_prefix(err, "%s", shown) : 0;
}

int ga_flat_copy(const char *src, const char *shown, int dst_parent,
		 const char *dst_name, const struct ga_flat_bounds *b,
		 size_t *files, struct ga_error *err)
{
	struct dirent *e;
	long long bytes = 0;
	int sfd, dfd, rc = 0;
	DIR *d;

	*files = 0;
	sfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0 && errno == ENOENT)
		return 1;
	if (sfd < 0)
		return ga_error_errno(err, errno, "%s", shown);
	d = fdopendir(sfd);
	if (!d) {
		close(sfd);
		return ga_error_errno(err, errno, "%s", shown);
	}
	if (mkdirat(dst_parent, dst_name, 0700) != 0) {
		closedir(d);
		return ga_error_errno(err, errno, "mkdir %s", dst_name);
	}
	dfd = openat(dst_parent, dst_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		     O_CLOEXEC);
	if (dfd < 0) {
		closedir(d);
		return ga_error_errno(err, errno, "open %s", dst_name);
	}
	while (rc == 0 && (e = ga_readdir(d))) {
		if (++*files > b->files) {
			rc = ga_error_set(err, "%s: more than %zu files", shown,
					  b->files);
			break;
		}
		rc = copy_entry(dirfd(d), e->d_name, dfd, shown, b, &bytes,
				err);
	}
	close(dfd);
	closedir(d);
	return rc;
}
