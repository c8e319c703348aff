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

#include <archive.h>
#include <archive_entry.h>

#include "util/fsutil.h"

#define BLOCK 512
#define NAME_MAX_TAR 100

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
	struct archive *a;
	size_t files, skipped, total;
	struct ga_error *err;
};

/* The header of a member name, of type (AE_IFREG, AE_IFDIR), size
 * bytes and mode; owned by root, as of now.  The name fits ustar's
 * field, with the '/' libarchive gives a directory's. */
static int header(struct writer *w, const char *name, unsigned type,
		  long long size, unsigned mode)
{
	struct archive_entry *e;
	int rc;

	if (strlen(name) + (type == AE_IFDIR) >= NAME_MAX_TAR)
		return ga_error_set(w->err, "%s: name too long for the "
				    "archive", name);
	e = archive_entry_new();
	if (!e)
		return ga_error_set(w->err, "out of memory");
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, mode);
	archive_entry_set_size(e, size);
	archive_entry_set_mtime(e, time(NULL), 0);
	rc = archive_write_header(w->a, e);
	archive_entry_free(e);
	if (rc != ARCHIVE_OK)
		return ga_error_set(w->err, "%s: %s", name,
				    archive_error_string(w->a));
	return 0;
}

static int add_file(struct writer *w, int dirfd, const char *name,
		    const char *as)
{
	char buf[65536];
	struct stat st;
	long long left;
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
	if (header(w, as, AE_IFREG, st.st_size, 0644))
		goto out;
	for (left = st.st_size; left; left -= n) {
		n = read(fd, buf, left < (long long)sizeof(buf) ?
			 (size_t)left : sizeof(buf));
		if (n <= 0) {
			ga_error_set(w->err, "%s: changed while it was packed",
				     as);
			goto out;
		}
		if (archive_write_data(w->a, buf, (size_t)n) != n) {
			ga_error_set(w->err, "%s: %s", as,
				     archive_error_string(w->a));
			goto out;
		}
	}
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
	while ((e = ga_readdir(d))) {
		char **g;

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
	if (rc == 0 && header(w, prefix, AE_IFDIR, 0, 0755))
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

/* A ustar archive, gzip-compressed at zlib's level 9, into fd. */
static struct archive *open_writer(int fd, struct ga_error *err)
{
	struct archive *a = archive_write_new();

	if (!a) {
		ga_error_set(err, "out of memory");
		return NULL;
	}
	if (archive_write_set_format_ustar(a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_filter_option(a, "gzip", "compression-level",
					    "9") != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		ga_error_set(err, "libarchive: %s", archive_error_string(a));
		archive_write_free(a);
		return NULL;
	}
	return a;
}

int ga_tarball_write(const char *path, int dirfd, const char *top,
		     size_t *files, size_t *skipped, struct ga_error *err)
{
	struct writer w = { NULL, 0, 0, 0, err };
	int fd, rc = -1;

	if (!name_ok(top, strlen(top)))
		return ga_error_set(err, "'%s' is no name for the archive's "
				    "folder", top);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return ga_error_errno(err, errno, "create %s", path);
	w.a = open_writer(fd, err);
	if (w.a) {
		rc = add_dir(&w, dirfd, top, GA_TARBALL_DEPTH - 1);
		if (archive_write_close(w.a) != ARCHIVE_OK && rc == 0)
			rc = ga_error_set(err, "libarchive: %s",
					  archive_error_string(w.a));
		archive_write_free(w.a);
	}
	if (close(fd) != 0 && rc == 0)
		rc = ga_error_errno(err, errno, "close");
	if (rc) {
		unlink(path);
		return ga_error_prefix(err, "%s", path);
	}
	*files = w.files;
	*skipped = w.skipped;
	return 0;
}

/* ---- reading ------------------------------------------------------------ */

/* What the archive may hold of headers and padding besides its members'
 * bytes: libarchive reads a member's extension headers (pax, GNU long
 * names) before it hands the member over, each at most 1 MiB and 32 of
 * them, so the bytes unpacked so far are checked against this after
 * each member. */
#define READ_SLACK ((long long)(GA_TARBALL_FILES + 2) * 2 * BLOCK)

struct reader {
	struct archive *a;
	int root;
	const struct ga_tarball_want *want;
	char *top;
	size_t top_len;
	size_t files, wfiles[GA_TARBALL_WANTS];
	long long total, wbytes[GA_TARBALL_WANTS];
	struct ga_error *err;
};

/* The member's path checked: components plain names, at most
 * GA_TARBALL_DEPTH, the first one top (set by the first member). */
static int member_path(struct reader *r, const char *name, char *path,
		       size_t len, int *depth)
{
	const char *p, *slash;
	size_t n;

	if (!name)
		return ga_error_set(r->err, "a member without a name it can "
				    "give");
	n = strlen(name);
	if (n >= len || n >= NAME_MAX_TAR)
		return ga_error_set(r->err, "a member's name is too long "
				    "(%zu bytes)", n);
	memcpy(path, name, n + 1);
	while (n > 0 && path[n - 1] == '/')
		path[--n] = '\0';
	*depth = 0;
	for (p = path; *p; p = slash ? slash + 1 : p + strlen(p)) {
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		if (!name_ok(p, n))
			return ga_error_set(r->err, "member '%.100s': a name "
					    "that is not plain (letters, digits,"
					    " '.', '_', '-'; no '..')", path);
		if (++*depth > GA_TARBALL_DEPTH)
			return ga_error_set(r->err, "member '%.100s' is too "
					    "deep", path);
		if (*depth == 1) {
			if (!r->top[0] && n < r->top_len) {
				memcpy(r->top, p, n);
				r->top[n] = '\0';
			}
			if (strlen(r->top) != n || strncmp(r->top, p, n) != 0)
				return ga_error_set(r->err, "member '%.100s' is "
						    "not in '%s', the folder "
						    "of the first", path,
						    r->top);
		}
		if (!slash)
			break;
	}
	if (!*depth)
		return ga_error_set(r->err, "a member with an empty name");
	return 0;
}

/* What the member is when it is neither a regular file nor a directory,
 * or NULL: a link of either kind, a device, a FIFO, a socket, a sparse
 * file (whose holes would be bytes no archive holds). */
static const char *not_plain(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return "a hard link";
	if (archive_entry_symlink(e))
		return "a symbolic link";
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
		return archive_entry_sparse_count(e) ? "a sparse file" : NULL;
	case AE_IFDIR:
		return NULL;
	case AE_IFLNK:
		return "a symbolic link";
	case AE_IFCHR:
		return "a character device";
	case AE_IFBLK:
		return "a block device";
	case AE_IFIFO:
		return "a FIFO";
	case AE_IFSOCK:
		return "a socket";
	default:
		return "of no type";
	}
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

/* The member's size bytes, as libarchive unpacks them, into a new file
 * at path below the root (never through a symlink, never over a file). */
static int unpack_file(struct reader *r, char *path, long long size)
{
	char buf[65536];
	const char *leaf;
	long long got = 0;
	int dir, fd, rc = 0;
	la_ssize_t n;

	dir = parent_of(r->root, path, &leaf, r->err);
	if (dir < 0)
		return -1;
	fd = openat(dir, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	close(dir);
	if (fd < 0)
		return ga_error_errno(r->err, errno, "member '%.100s'", path);
	while (rc == 0 && (n = archive_read_data(r->a, buf, sizeof(buf)))) {
		if (n < 0 || (got += n) > size)
			rc = ga_error_set(r->err, "member '%.100s': cut short or "
					  "not gzip (libarchive: %s)", path,
					  n < 0 ? archive_error_string(r->a) :
					  "more than its size");
		else if (write(fd, buf, (size_t)n) != n)
			rc = ga_error_errno(r->err, errno, "member '%.100s'",
					    path);
	}
	if (close(fd) != 0 && rc == 0)
		rc = ga_error_errno(r->err, errno, "member '%.100s'", path);
	if (rc == 0 && got != size)
		rc = ga_error_set(r->err, "member '%.100s': cut short", path);
	return rc;
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

/* A directory member: made, unless only files are wanted (then top
 * alone is, by the first file written). */
static int unpack_dir(struct reader *r, char *path, int depth,
		      long long size)
{
	const char *leaf;
	int dir;

	if (size)
		return ga_error_set(r->err, "directory '%s' has a size", path);
	if (r->want && depth > 1)
		return 0;
	dir = parent_of(r->root, path, &leaf, r->err);
	if (dir < 0)
		return -1;
	if (mkdirat(dir, leaf, 0700) != 0) {
		close(dir);
		return ga_error_errno(r->err, errno, "member '%s'", path);
	}
	close(dir);
	return 0;
}

/* A regular file member: unpacked when wanted, within its entry's
 * bounds; else left for libarchive to read past. */
static int unpack_regular(struct reader *r, char *path, int depth,
			  long long size)
{
	const struct ga_tarball_want *w;
	ptrdiff_t k;

	if (depth < 2)
		return ga_error_set(r->err, "member '%s' is not in a folder",
				    path);
	w = wanted(r->want, path, depth);
	if (!w)
		return 0;
	if (size > w->max)
		return ga_error_set(r->err, "member '%s' is larger than %lld "
				    "bytes, the most read of it", path, w->max);
	if (r->want && mkdirat(r->root, r->top, 0700) != 0 && errno != EEXIST)
		return ga_error_errno(r->err, errno, "'%s'", r->top);
	if (r->want && depth == 3) {
		k = w - r->want;
		if (k >= GA_TARBALL_WANTS)
			return ga_error_set(r->err, "more than %d files wanted",
					    GA_TARBALL_WANTS);
		if (folder_room(r->root, r->top, w, path, size, &r->wfiles[k],
				&r->wbytes[k], r->err))
			return -1;
	}
	return unpack_file(r, path, size);
}

/* Whether the member's header is ustar's, as goneaway writes it, or GNU
 * tar's, as tar(1) writes it: neither an old tar's without the magic
 * nor one pax extended (attributes no bundle has: another writer's). */
static bool ustar(struct archive *a)
{
	return archive_format(a) == ARCHIVE_FORMAT_TAR_USTAR ||
	       archive_format(a) == ARCHIVE_FORMAT_TAR_GNUTAR;
}

/* One member libarchive read the header of: checked, then unpacked. */
static int unpack_member(struct reader *r, struct archive_entry *e)
{
	char path[NAME_MAX_TAR + 1];
	const char *what;
	long long size = archive_entry_size(e);
	int depth = 0;

	if (member_path(r, archive_entry_pathname(e), path, sizeof(path),
			&depth))
		return -1;
	if (!ustar(r->a))
		return ga_error_set(r->err, "member '%s': not a ustar archive "
				    "(a header of %s): not goneaway's", path,
				    archive_format_name(r->a));
	if (!archive_entry_size_is_set(e) || size < 0)
		return ga_error_set(r->err, "member '%s': its size is not a "
				    "number", path);
	if (++r->files > GA_TARBALL_FILES || size > GA_TARBALL_MAX ||
	    (r->total += size) > GA_TARBALL_MAX ||
	    archive_filter_bytes(r->a, 0) > GA_TARBALL_MAX + READ_SLACK)
		return ga_error_set(r->err, "more than %d members or %ld MiB",
				    GA_TARBALL_FILES, GA_TARBALL_MAX >> 20);
	what = not_plain(e);
	if (what)
		return ga_error_set(r->err, "member '%s' is neither a regular "
				    "file nor a directory (%s): not "
				    "goneaway's", path, what);
	if (archive_entry_filetype(e) == AE_IFDIR)
		return unpack_dir(r, path, depth, size);
	return unpack_regular(r, path, depth, size);
}

static int unpack(struct reader *r)
{
	struct archive_entry *e;
	int rc;

	for (;;) {
		rc = archive_read_next_header(r->a, &e);
		if (rc == ARCHIVE_EOF)
			return r->files ? 0 : ga_error_set(r->err, "no files");
		/* a warning too: a header it read around (a bad checksum),
		 * an extension it could not take, a name it could not
		 * convert */
		if (rc != ARCHIVE_OK)
			return ga_error_set(r->err, "after %zu members: not a "
					    "ustar archive goneaway reads, or "
					    "cut short (libarchive: %s)",
					    r->files,
					    archive_error_string(r->a));
		if (unpack_member(r, e))
			return -1;
	}
}

/* Only a tar (ustar, GNU, pax), gzip-compressed or not: neither another
 * format nor another filter (some of which libarchive runs as
 * programs). */
static struct archive *open_archive(int fd, struct ga_error *err)
{
	struct archive *a = archive_read_new();

	if (!a) {
		ga_error_set(err, "out of memory");
		return NULL;
	}
	if (archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK) {
		ga_error_set(err, "libarchive: %s", archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static int read_tarball(const char *path, const char *into,
			const struct ga_tarball_want *want, char *top,
			size_t top_len, struct ga_error *err)
{
	struct reader r = { .want = want, .top = top, .top_len = top_len,
			    .err = err };
	int fd, rc = -1;

	top[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(err, errno, "%s", path);
	r.root = open(into, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (r.root < 0) {
		ga_error_errno(err, errno, "%s", into);
		goto out;
	}
	r.a = open_archive(fd, err);
	if (r.a) {
		rc = unpack(&r);
		archive_read_free(r.a);
	}
	close(r.root);
out:
	close(fd);
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
