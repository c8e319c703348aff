/* tarball.c - see tarball.h */
#include "util/tarball.h"

#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#define BLOCK 512
#define NAME_MAX_TAR 100

struct ustar {
	char name[100], mode[8], uid[8], gid[8], size[12], mtime[12];
	char chksum[8], typeflag, linkname[100], magic[6], version[2];
	char uname[32], gname[32], devmajor[8], devminor[8], prefix[155];
	char pad[12];
};

/* ---- names ------------------------------------------------------------ */

static bool name_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || (n == 1 && s[0] == '.') ||
	    (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* ---- writing ------------------------------------------------------------ */

struct writer {
	gzFile gz;
	size_t files, skipped, total;
	struct ga_error *err;
};

static void octal(char *field, size_t len, unsigned long long v)
{
	snprintf(field, len, "%0*llo", (int)len - 1, v);
}

static int gz_put(struct writer *w, const void *p, size_t n)
{
	if (n && gzwrite(w->gz, p, (unsigned)n) != (int)n)
		return ga_error_set(w->err, "gzip: write failed");
	return 0;
}

static int header(struct writer *w, const char *name, char type,
		  unsigned long long size, unsigned mode)
{
	struct ustar h;
	unsigned sum = 0;
	size_t i;

	if (strlen(name) >= NAME_MAX_TAR)
		return ga_error_set(w->err, "%s: name too long for the "
				    "archive", name);
	memset(&h, 0, sizeof(h));
	snprintf(h.name, sizeof(h.name), "%s", name);
	octal(h.mode, sizeof(h.mode), mode);
	octal(h.uid, sizeof(h.uid), 0);
	octal(h.gid, sizeof(h.gid), 0);
	octal(h.size, sizeof(h.size), size);
	octal(h.mtime, sizeof(h.mtime), (unsigned long long)time(NULL));
	h.typeflag = type;
	memcpy(h.magic, "ustar", 6);
	memcpy(h.version, "00", 2);
	memset(h.chksum, ' ', sizeof(h.chksum));
	for (i = 0; i < sizeof(h); i++)
		sum += ((unsigned char *)&h)[i];
	snprintf(h.chksum, sizeof(h.chksum), "%06o", sum);
	h.chksum[7] = ' ';
	return gz_put(w, &h, sizeof(h));
}

static int add_file(struct writer *w, int dirfd, const char *name,
		    const char *as)
{
	static const char zero[BLOCK];
	char buf[65536];
	struct stat st;
	unsigned long long left;
	ssize_t n;
	int fd, rc = -1;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(w->err, errno, "%s", as);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		w->skipped++;
		return 0;
	}
	if (w->files >= GA_TARBALL_FILES ||
	    w->total + (size_t)st.st_size > (size_t)GA_TARBALL_MAX) {
		ga_error_set(w->err, "%s: more than %d files or %ld MiB in "
			     "all", as, GA_TARBALL_FILES, GA_TARBALL_MAX >> 20);
		goto out;
	}
	if (header(w, as, '0', (unsigned long long)st.st_size, 0644))
		goto out;
	for (left = (unsigned long long)st.st_size; left; left -= (size_t)n) {
		n = read(fd, buf, left < sizeof(buf) ? left : sizeof(buf));
		if (n <= 0) {
			ga_error_set(w->err, "%s: changed while it was packed",
				     as);
			goto out;
		}
		if (gz_put(w, buf, (size_t)n))
			goto out;
	}
	if (gz_put(w, zero, (BLOCK - st.st_size % BLOCK) % BLOCK))
		goto out;
	w->files++;
	w->total += (size_t)st.st_size;
	rc = 0;
out:
	close(fd);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of dirfd as prefix/NAME, its directories below depth. */
static int add_dir(struct writer *w, int dirfd, const char *prefix,
		   int depth)
{
	char as[4200], **names = NULL;
	struct dirent *e;
	struct stat st;
	size_t n = 0, i;
	int copy, sub, rc = 0;
	DIR *d;

	copy = dup(dirfd);
	d = copy >= 0 ? fdopendir(copy) : NULL;
	if (!d) {
		if (copy >= 0)
			close(copy);
		return ga_error_errno(w->err, errno, "%s", prefix);
	}
	while ((e = readdir(d))) {
		char **g;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		g = realloc(names, (n + 1) * sizeof(*g));
		if (!g || !(g[n] = strdup(e->d_name))) {
			names = g ? g : names;
			rc = ga_error_set(w->err, "out of memory");
			break;
		}
		names = g;
		n++;
	}
	closedir(d);
	if (names)
		qsort(names, n, sizeof(*names), cmp_names);
	if (rc == 0 && header(w, prefix, '5', 0, 0755))
		rc = -1;
	for (i = 0; i < n && rc == 0; i++) {
		snprintf(as, sizeof(as), "%s/%s", prefix, names[i]);
		if (!name_ok(names[i], strlen(names[i])) ||
		    fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) != 0) {
			w->skipped++;
			continue;
		}
		if (S_ISREG(st.st_mode)) {
			rc = add_file(w, dirfd, names[i], as);
		} else if (S_ISDIR(st.st_mode) && depth > 1) {
			sub = openat(dirfd, names[i], O_RDONLY | O_DIRECTORY |
				     O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				w->skipped++;
				continue;
			}
			rc = add_dir(w, sub, as, depth - 1);
			close(sub);
		} else {
			w->skipped++;
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int ga_tarball_write(const char *path, int dirfd, const char *top,
		     size_t *files, size_t *skipped, struct ga_error *err)
{
	static const char zero[2 * BLOCK];
	struct writer w = { NULL, 0, 0, 0, err };
	int fd, rc;

	if (!name_ok(top, strlen(top)))
		return ga_error_set(err, "'%s' is no name for the archive's "
				    "folder", top);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return ga_error_errno(err, errno, "create %s", path);
	w.gz = gzdopen(fd, "wb9");
	if (!w.gz) {
		close(fd);
		unlink(path);
		return ga_error_set(err, "create %s: gzip", path);
	}
	rc = add_dir(&w, dirfd, top, GA_TARBALL_DEPTH - 1);
	if (rc == 0)
		rc = gz_put(&w, zero, sizeof(zero));
	if (gzclose(w.gz) != Z_OK && rc == 0)
		rc = ga_error_set(err, "write %s: gzip", path);
	if (rc) {
		unlink(path);
		return ga_error_prefix(err, "%s", path);
	}
	*files = w.files;
	*skipped = w.skipped;
	return 0;
}

/* ---- reading ------------------------------------------------------------ */

static int gz_get(gzFile gz, void *p, size_t n, struct ga_error *err)
{
	int got = gzread(gz, p, (unsigned)n);

	if (got < 0 || (size_t)got != n)
		return ga_error_set(err, "cut short or not gzip");
	return 0;
}

/* An octal field of a header; -1 when it is not one. */
static long long field_octal(const char *f, size_t len)
{
	long long v = 0;
	size_t i = 0;

	while (i < len && f[i] == ' ')
		i++;
	if (i == len || f[i] < '0' || f[i] > '7')
		return -1;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		v = v * 8 + (f[i] - '0');
		if (v > (1LL << 40))
			return -1;
	}
	for (; i < len; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	return v;
}

static bool checksum_ok(const struct ustar *h)
{
	unsigned char b[BLOCK];
	unsigned sum = 0;
	size_t i;

	memcpy(b, h, BLOCK);
	memset(b + offsetof(struct ustar, chksum), ' ', sizeof(h->chksum));
	for (i = 0; i < BLOCK; i++)
		sum += b[i];
	return field_octal(h->chksum, sizeof(h->chksum)) == (long long)sum;
}

/* The member's path checked: components plain names, at most
 * GA_TARBALL_DEPTH, the first one top (set by the first member). */
static int member_path(const struct ustar *h, char *path, size_t len,
		       char *top, size_t top_len, int *depth,
		       struct ga_error *err)
{
	const char *p, *slash;
	size_t n;

	if (h->prefix[0])
		return ga_error_set(err, "a member with a long name (ustar "
				    "prefix): not goneaway's");
	n = strnlen(h->name, sizeof(h->name));
	if (n >= len || n == sizeof(h->name))
		return ga_error_set(err, "a member's name is too long");
	memcpy(path, h->name, n);
	path[n] = '\0';
	while (n > 0 && path[n - 1] == '/')
		path[--n] = '\0';
	*depth = 0;
	for (p = path; *p; p = slash ? slash + 1 : p + strlen(p)) {
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		if (!name_ok(p, n))
			return ga_error_set(err, "member '%.100s': a name that "
					    "is not plain (letters, digits, "
					    "'.', '_', '-'; no '..')", path);
		if (++*depth > GA_TARBALL_DEPTH)
			return ga_error_set(err, "member '%.100s' is too deep",
					    path);
		if (*depth == 1) {
			if (!top[0] && n < top_len) {
				memcpy(top, p, n);
				top[n] = '\0';
			}
			if (strlen(top) != n || strncmp(top, p, n) != 0)
				return ga_error_set(err, "member '%.100s' is "
						    "not in '%s', the folder "
						    "of the first", path, top);
		}
		if (!slash)
			break;
	}
	return 0;
}

/* Opens the directory holding path's last component below root, and
 * points *leaf at it. */
static int parent_of(int root, char *path, const char **leaf,
		     struct ga_error *err)
{
	char *slash = strrchr(path, '/');
	int fd = root, next;
	char *p, *s;

	*leaf = slash ? slash + 1 : path;
	if (!slash)
		return dup(root);
	*slash = '\0';
	for (p = path; p; p = s ? s + 1 : NULL) {
		s = strchr(p, '/');
		if (s)
			*s = '\0';
		next = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			      O_CLOEXEC);
		if (s)
			*s = '/';
		if (fd != root)
			close(fd);
		if (next < 0) {
			*slash = '/';
			return ga_error_errno(err, errno, "member '%.100s': "
					      "its folder", path);
		}
		fd = next;
	}
	*slash = '/';
	return fd;
}

static int unpack_file(gzFile gz, int root, char *path, long long size,
		       struct ga_error *err)
{
	char buf[65536];
	const char *leaf;
	long long left;
	int dir, fd, rc = 0;
	size_t n;

	dir = parent_of(root, path, &leaf, err);
	if (dir < 0)
		return -1;
	fd = openat(dir, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	close(dir);
	if (fd < 0)
		return ga_error_errno(err, errno, "member '%.100s'", path);
	for (left = size; left > 0 && rc == 0; left -= (long long)n) {
		n = left < (long long)sizeof(buf) ? (size_t)left : sizeof(buf);
		rc = gz_get(gz, buf, n, err);
		if (rc == 0 && write(fd, buf, n) != (ssize_t)n)
			rc = ga_error_errno(err, errno, "member '%.100s'",
					    path);
	}
	if (close(fd) != 0 && rc == 0)
		rc = ga_error_errno(err, errno, "member '%.100s'", path);
	if (rc == 0 && size % BLOCK)
		rc = gz_get(gz, buf, BLOCK - (size_t)(size % BLOCK), err);
	return rc;
}

/* Reads past a member's data (rounded up to its last block). */
static int skip_data(gzFile gz, long long size, struct ga_error *err)
{
	char buf[65536];
	long long left = (size + BLOCK - 1) / BLOCK * BLOCK;
	size_t n;

	for (; left > 0; left -= (long long)n) {
		n = left < (long long)sizeof(buf) ? (size_t)left : sizeof(buf);
		if (gz_get(gz, buf, n, err))
			return -1;
	}
	return 0;
}

/* The entry of want that names path: top/NAME, or top/FOLDER/LEAF of a
 * folder's entry ("FOLDER/"); NULL when none.  want NULL wants every
 * file. */
static const struct ga_tarball_want *wanted(const struct ga_tarball_want *want,
					    const char *path, int depth)
{
	static const struct ga_tarball_want all = { NULL, GA_TARBALL_MAX, 0, 0 };
	const char *rest = strchr(path, '/');
	size_t n;

	if (!want)
		return &all;
	if (!rest || depth < 2 || depth > 3)
		return NULL;
	rest++;
	for (; want->name; want++) {
		n = strlen(want->name);
		if (depth == 2 && strcmp(want->name, rest) == 0)
			return want;
		if (depth == 3 && n > 1 && want->name[n - 1] == '/' &&
		    strncmp(want->name, rest, n) == 0)
			return want;
	}
	return NULL;
}

/* Room for one more file of size bytes in a folder's entry w (its
 * counts so far in *files and *bytes), its folder made below root's
 * top; else the error names path and the bound. */
static int folder_room(int root, const char *top,
		       const struct ga_tarball_want *w, const char *path,
		       long long size, size_t *files, long long *bytes,
		       struct ga_error *err)
{
	char dir[NAME_MAX_TAR + 1];

	if (++*files > w->files || (*bytes += size) > w->total)
		return ga_error_set(err, "member '%s': more than %zu files or "
				    "%lld bytes in %s", path, w->files,
				    w->total, w->name);
	snprintf(dir, sizeof(dir), "%s/%.*s", top,
		 (int)strlen(w->name) - 1, w->name);
	if (mkdirat(root, dir, 0700) != 0 && errno != EEXIST)
		return ga_error_errno(err, errno, "'%s'", dir);
	return 0;
}

static bool all_zero(const struct ustar *h)
{
	const unsigned char *b = (const unsigned char *)h;
	size_t i;

	for (i = 0; i < BLOCK; i++)
		if (b[i])
			return false;
	return true;
}

static int unpack(gzFile gz, int root, const struct ga_tarball_want *want,
		  char *top, size_t top_len, struct ga_error *err)
{
	const struct ga_tarball_want *w;
	struct ustar h;
	char path[NAME_MAX_TAR + 1];
	const char *leaf;
	long long size, total = 0, wbytes[GA_TARBALL_WANTS] = { 0 };
	size_t files = 0, wfiles[GA_TARBALL_WANTS] = { 0 };
	int depth = 0, dir, zeros = 0;
	ptrdiff_t k;

	for (;;) {
		if (gz_get(gz, &h, sizeof(h), err))
			return -1;
		if (all_zero(&h)) {
			if (++zeros == 2)
				return files ? 0 : ga_error_set(err, "no "
								"files");
			continue;
		}
		if (zeros)
			return ga_error_set(err, "a member after the end");
		if (memcmp(h.magic, "ustar", 5) != 0 || !checksum_ok(&h))
			return ga_error_set(err, "not a ustar archive (a header "
					    "without its magic or checksum)");
		size = field_octal(h.size, sizeof(h.size));
		if (size < 0)
			return ga_error_set(err, "a member's size is not a "
					    "number");
		if (member_path(&h, path, sizeof(path), top, top_len, &depth,
				err))
			return -1;
		if (++files > GA_TARBALL_FILES || size > GA_TARBALL_MAX ||
		    (total += size) > GA_TARBALL_MAX)
			return ga_error_set(err, "more than %d members or %ld "
					    "MiB", GA_TARBALL_FILES,
					    GA_TARBALL_MAX >> 20);
		if (h.typeflag == '5') {
			if (size)
				return ga_error_set(err, "directory '%s' has a "
						    "size", path);
			if (want && depth > 1)
				continue;       /* only top is made */
			dir = parent_of(root, path, &leaf, err);
			if (dir < 0)
				return -1;
			if (mkdirat(dir, leaf, 0700) != 0) {
				close(dir);
				return ga_error_errno(err, errno, "member "
						      "'%s'", path);
			}
			close(dir);
			continue;
		}
		if (h.typeflag != '0' && h.typeflag != '\0')
			return ga_error_set(err, "member '%s' is neither a "
					    "regular file nor a directory "
					    "(type '%c'): not goneaway's",
					    path, h.typeflag);
		if (depth < 2)
			return ga_error_set(err, "member '%s' is not in a "
					    "folder", path);
		w = wanted(want, path, depth);
		if (!w) {
			if (skip_data(gz, size, err))
				return -1;
			continue;
		}
		if (size > w->max)
			return ga_error_set(err, "member '%s' is larger than %lld "
					    "bytes, the most read of it", path,
					    w->max);
		if (want && mkdirat(root, top, 0700) != 0 && errno != EEXIST)
			return ga_error_errno(err, errno, "'%s'", top);
		if (want && depth == 3) {
			k = w - want;
			if (k >= GA_TARBALL_WANTS)
				return ga_error_set(err, "more than %d files "
						    "wanted", GA_TARBALL_WANTS);
			if (folder_room(root, top, w, path, size, &wfiles[k],
					&wbytes[k], err))
				return -1;
		}
		if (unpack_file(gz, root, path, size, err))
			return -1;
	}
}

static int read_tarball(const char *path, const char *into,
			const struct ga_tarball_want *want, char *top,
			size_t top_len, struct ga_error *err)
{
	gzFile gz;
	int fd, root, rc;

	top[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(err, errno, "%s", path);
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return ga_error_set(err, "%s: not gzip", path);
	}
	root = open(into, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0) {
		gzclose(gz);
		return ga_error_errno(err, errno, "%s", into);
	}
	rc = unpack(gz, root, want, top, top_len, err);
	close(root);
	gzclose(gz);
	return rc ? ga_error_prefix(err, "%s", path) : 0;
}

int ga_tarball_read(const char *path, const char *into, char *top,
		    size_t top_len, struct ga_error *err)
{
	return read_tarball(path, into, NULL, top, top_len, err);
}

int ga_tarball_read_some(const char *path, const char *into,
			 const struct ga_tarball_want *want, char *top,
			 size_t top_len, struct ga_error *err)
{
	return read_tarball(path, into, want, top, top_len, err);
}
