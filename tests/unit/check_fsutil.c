/* check_fsutil.c - tests for fsutil.c: copies that keep every byte and
 * every hole, also from one filesystem to another.
 *
 * The evidence a run keeps (mariadbd.err, my.cnf) is copied from the run
 * directory under $TMPDIR into the results directory, which is often on
 * another filesystem (a checkout bind-mounted into a container).  The
 * cross-filesystem test makes that situation itself: in Check's forked
 * child it unshares the mount namespace, makes / private and mounts a
 * tmpfs on a scratch directory, so the mount dies with the child and the
 * host's mounts are never touched.  That needs root; without it the
 * "across" test case is not registered and is named as skipped before the
 * run (needs.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/logcopy.h"
#include "suites.h"

#define TIMEOUT 20
#define KiB 1024

/* A file with data, a hole and data again, with an odd size: the kind of
 * file a datadir holds (ibdata1 is mostly holes). */
#define HEAD_LEN (100 * KiB + 17)
#define HOLE_LEN (2048 * KiB)
#define TAIL_LEN (50 * KiB + 3)

/* Every test's files live below this directory, made and removed by the
 * unchecked fixture in the runner's process: a failed assertion ends the
 * forked test at once, and the fixture still cleans up after it. */
static char scratch_root[PATH_MAX];

static void scratch_setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(scratch_root, sizeof(scratch_root), "%s/ga-unit-fsutil-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_msg(mkdtemp(scratch_root) != NULL, "mkdtemp %s: %s",
		      scratch_root, strerror(errno));
}

static void scratch_teardown(void)
{
	struct ga_error err = { "" };

	if (scratch_root[0] && ga_tree_remove(scratch_root, &err) != 0)
		fprintf(stderr, "check_fsutil: %s\n", err.msg);
	scratch_root[0] = '\0';
}

/* A new directory below scratch_root (free the path). */
static char *scratch_dir(void)
{
	char *dir = malloc(PATH_MAX);

	ck_assert_ptr_nonnull(dir);
	snprintf(dir, PATH_MAX, "%s/XXXXXX", scratch_root);
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp %s: %s", dir,
		      strerror(errno));
	return dir;
}

static void remove_scratch(char *dir)
{
	struct ga_error err = { "" };

	ck_assert_msg(ga_tree_remove(dir, &err) == 0, "%s", err.msg);
	free(dir);
}

static void fill(char *buf, size_t len, unsigned seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (char)('A' + (i * 7 + seed) % 26);
}

static void pwrite_all(int fd, const char *buf, size_t len, off_t off)
{
	ck_assert_msg(pwrite(fd, buf, len, off) == (ssize_t)len, "pwrite: %s",
		      strerror(errno));
}

/* Writes the data-hole-data file at path, mode 0640. */
static void make_sparse_file(const char *path)
{
	char *buf = malloc(HEAD_LEN > TAIL_LEN ? HEAD_LEN : TAIL_LEN);
	int fd;

	ck_assert_ptr_nonnull(buf);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	ck_assert_msg(fd >= 0, "create %s: %s", path, strerror(errno));
	fill(buf, HEAD_LEN, 1);
	pwrite_all(fd, buf, HEAD_LEN, 0);
	fill(buf, TAIL_LEN, 2);
	pwrite_all(fd, buf, TAIL_LEN, HEAD_LEN + HOLE_LEN);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(chmod(path, 0640), 0);
	free(buf);
}

static void make_text_file(const char *path, const char *text)
{
	struct ga_error err = { "" };

	ck_assert_msg(ga_file_write(path, text, strlen(text), &err) == 0,
		      "%s", err.msg);
}

/* Reads the whole file (NULs included); *len is its size. */
static char *slurp(const char *path, size_t *len)
{
	struct ga_error err = { "" };
	char *buf = NULL;

	ck_assert_msg(ga_file_read(path, 64 << 20, &buf, len, &err) == 0,
		      "%s", err.msg);
	return buf;
}

/* Same size, same bytes; msg names the copy. */
static void assert_same_bytes(const char *a, const char *b)
{
	size_t la, lb, i, zeros = 0;
	char *x = slurp(a, &la), *y = slurp(b, &lb);

	ck_assert_msg(la == lb, "%s is %zu bytes, %s is %zu", a, la, b, lb);
	for (i = 0; i < lb; i++)
		zeros += y[i] == '\0';
	ck_assert_msg(lb == 0 || zeros < lb, "%s is all NUL bytes", b);
	ck_assert_msg(memcmp(x, y, la) == 0, "%s and %s differ", a, b);
	free(x);
	free(y);
}

/* The copy kept the hole: it occupies far less than its size. */
static void assert_sparse(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_msg((off_t)st.st_blocks * 512 < st.st_size - HOLE_LEN / 2,
		      "%s: %lld bytes allocated for a size of %lld: the hole "
		      "was filled", path, (long long)st.st_blocks * 512,
		      (long long)st.st_size);
}

static void assert_mode(const char *path, mode_t mode)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_msg((st.st_mode & 07777) == mode, "%s: mode %o, want %o",
		      path, st.st_mode & 07777, mode);
}

static bool same_filesystem(const char *a, const char *b)
{
	struct stat sa, sb;

	ck_assert_int_eq(stat(a, &sa), 0);
	ck_assert_int_eq(stat(b, &sb), 0);
	return sa.st_dev == sb.st_dev;
}

/* Makes dir/tmpfs a tmpfs in a private mount namespace of this (forked)
 * test process and returns its path (free it). */
static char *mount_tmpfs_below(const char *dir)
{
	char *mnt = malloc(PATH_MAX);

	ck_assert_ptr_nonnull(mnt);
	snprintf(mnt, PATH_MAX, "%s/tmpfs", dir);
	ck_assert_int_eq(mkdir(mnt, 0700), 0);
	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare(CLONE_NEWNS): %s",
		      strerror(errno));
	ck_assert_msg(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0,
		      "make / private: %s", strerror(errno));
	ck_assert_msg(mount("ga-unit", mnt, "tmpfs", 0, "size=16m,mode=0700") == 0,
		      "mount tmpfs on %s: %s", mnt, strerror(errno));
	ck_assert(!same_filesystem(dir, mnt));
	return mnt;
}

static void unmount(char *mnt)
{
	ck_assert_msg(umount2(mnt, MNT_DETACH) == 0, "umount %s: %s", mnt,
		      strerror(errno));
	free(mnt);
}

/* ------------------------------------------------------------------ */

/* A file copied from disk to a tmpfs and back keeps every byte and its
 * hole; a small text file (my.cnf, mariadbd.err) is not all NUL bytes. */
START_TEST(test_file_copy_across_filesystems)
{
	char src[PATH_MAX], there[PATH_MAX], back[PATH_MAX];
	char cnf[PATH_MAX], cnf_there[PATH_MAX], cnf_back[PATH_MAX];
	struct ga_error err = { "" };
	char *dir, *mnt;

	dir = scratch_dir();
	mnt = mount_tmpfs_below(dir);
	snprintf(src, sizeof(src), "%s/ibdata1", dir);
	snprintf(there, sizeof(there), "%s/ibdata1", mnt);
	snprintf(back, sizeof(back), "%s/ibdata1.back", dir);
	snprintf(cnf, sizeof(cnf), "%s/my.cnf", dir);
	snprintf(cnf_there, sizeof(cnf_there), "%s/my.cnf", mnt);
	snprintf(cnf_back, sizeof(cnf_back), "%s/my.cnf.back", dir);
	make_sparse_file(src);
	make_text_file(cnf, "[mysqld]\nbind-address=198.18.0.2\nport=3306\n");

	ck_assert_msg(ga_file_copy(src, there, &err) == 0, "%s", err.msg);
	assert_same_bytes(src, there);
	assert_sparse(there);
	ck_assert_msg(ga_file_copy(there, back, &err) == 0, "%s", err.msg);
	assert_same_bytes(src, back);
	assert_sparse(back);

	ck_assert_msg(ga_file_copy(cnf, cnf_there, &err) == 0, "%s", err.msg);
	assert_same_bytes(cnf, cnf_there);
	ck_assert_msg(ga_file_copy(cnf_there, cnf_back, &err) == 0, "%s",
		      err.msg);
	assert_same_bytes(cnf, cnf_back);

	unmount(mnt);
	remove_scratch(dir);
}
END_TEST

/* The datadir copy (ga_tree_copy) across filesystems: every file's bytes,
 * holes and mode, in subdirectories too. */
START_TEST(test_tree_copy_across_filesystems)
{
	char tree[PATH_MAX], sub[PATH_MAX], a[PATH_MAX], b[PATH_MAX];
	char there[PATH_MAX], back[PATH_MAX], p[PATH_MAX], q[PATH_MAX];
	struct ga_error err = { "" };
	static const char *const files[] = {
		"ibdata1", "mysql/db.frm", "mysql/empty", "aria_log_control",
	};
	char *dir, *mnt;
	size_t i;

	umask(022);     /* the modes below are what a copy can keep */
	dir = scratch_dir();
	mnt = mount_tmpfs_below(dir);
	snprintf(tree, sizeof(tree), "%s/data", dir);
	snprintf(sub, sizeof(sub), "%s/data/mysql", dir);
	ck_assert_int_eq(mkdir(tree, 0750), 0);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	snprintf(a, sizeof(a), "%s/ibdata1", tree);
	make_sparse_file(a);
	snprintf(a, sizeof(a), "%s/db.frm", sub);
	make_text_file(a, "\xfe\x01\x0a\x0c frm header");
	snprintf(a, sizeof(a), "%s/empty", sub);
	make_text_file(a, "");
	snprintf(b, sizeof(b), "%s/aria_log_control", tree);
	make_text_file(b, "\xfe\xfe\x0c\x01 aria");
	ck_assert_int_eq(chmod(b, 0604), 0);

	snprintf(there, sizeof(there), "%s/data", mnt);
	snprintf(back, sizeof(back), "%s/data.back", dir);
	ck_assert_msg(ga_tree_copy(tree, there, &err) == 0, "%s", err.msg);
	ck_assert_msg(ga_tree_copy(there, back, &err) == 0, "%s", err.msg);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct stat st;

		snprintf(p, sizeof(p), "%s/%s", tree, files[i]);
		ck_assert_int_eq(stat(p, &st), 0);
		snprintf(q, sizeof(q), "%s/%s", there, files[i]);
		assert_same_bytes(p, q);
		assert_mode(q, st.st_mode & 07777);
		snprintf(q, sizeof(q), "%s/%s", back, files[i]);
		assert_same_bytes(p, q);
		assert_mode(q, st.st_mode & 07777);
	}
	assert_mode(back, 0750);
	snprintf(q, sizeof(q), "%s/mysql", back);
	assert_mode(q, 0700);
	snprintf(q, sizeof(q), "%s/ibdata1", back);
	assert_sparse(q);

	unmount(mnt);
	remove_scratch(dir);
}
END_TEST

/* The read/write fallback, forced: on a kernel that can copy_file_range
 * between these two filesystems (or within one), the cross-filesystem
 * tests above never reach it. */
START_TEST(test_file_copy_read_write)
{
	char src[PATH_MAX], dst[PATH_MAX], cnf[PATH_MAX], cnf_dst[PATH_MAX];
	struct ga_error err = { "" };
	char *dir = scratch_dir();

	snprintf(src, sizeof(src), "%s/ibdata1", dir);
	snprintf(dst, sizeof(dst), "%s/ibdata1.copy", dir);
	snprintf(cnf, sizeof(cnf), "%s/mariadbd.err", dir);
	snprintf(cnf_dst, sizeof(cnf_dst), "%s/mariadbd.err.copy", dir);
	make_sparse_file(src);
	make_text_file(cnf, "2024-01-01 0:00:00 0 [Note] ready for connections.\n");
	ck_assert_msg(ga_file_copy_how(src, dst, GA_COPY_READ_WRITE, &err) == 0,
		      "%s", err.msg);
	assert_same_bytes(src, dst);
	assert_sparse(dst);
	ck_assert_msg(ga_file_copy_how(cnf, cnf_dst, GA_COPY_READ_WRITE,
				       &err) == 0, "%s", err.msg);
	assert_same_bytes(cnf, cnf_dst);
	/* over an existing, longer file: truncated, then the same bytes */
	ck_assert_msg(ga_file_copy_how(cnf, dst, GA_COPY_READ_WRITE, &err) == 0,
		      "%s", err.msg);
	assert_same_bytes(cnf, dst);
	remove_scratch(dir);
}
END_TEST

/* A log read from a mark on: the part past it; a file shorter than the
 * mark (a new one in its place) whole, the mark reset; a missing file
 * empty; a part over the bound an error. */
START_TEST(test_file_read_from)
{
	char path[PATH_MAX];
	struct ga_error err = { "" };
	char *dir = scratch_dir(), *text = NULL;
	long long from;
	size_t len;

	snprintf(path, sizeof(path), "%s/error.log", dir);
	make_text_file(path, "start\nfirst case\nsecond case\n");
	from = 17;
	ck_assert_msg(ga_file_read_from(path, &from, 1 << 20, &text, &len,
					&err) == 0, "%s", err.msg);
	ck_assert_str_eq(text, "second case\n");
	ck_assert_uint_eq(len, 12);
	ck_assert_int_eq(from, 17);
	free(text);
	from = 100;
	ck_assert_int_eq(ga_file_read_from(path, &from, 1 << 20, &text, &len,
					   &err), 0);
	ck_assert_str_eq(text, "start\nfirst case\nsecond case\n");
	ck_assert_int_eq(from, 0);
	free(text);
	from = 0;
	ck_assert_int_eq(ga_file_read_from(path, &from, 4, &text, &len, &err),
			 -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "more than 4 bytes"));
	snprintf(path, sizeof(path), "%s/none.log", dir);
	from = 5;
	ck_assert_int_eq(ga_file_read_from(path, &from, 4, &text, &len, &err),
			 0);
	ck_assert_str_eq(text, "");
	ck_assert_int_eq(from, 0);
	free(text);
	remove_scratch(dir);
}
END_TEST

/* A datadir copied from where a server's user may have written: a
 * symlink (to a file, to a directory), a FIFO are left out, never
 * followed nor waited on; a hard link is refused. */
START_TEST(test_tree_copy_follows_nothing)
{
	char path[PATH_MAX], dst[PATH_MAX], secret[PATH_MAX];
	struct ga_error err = { "" };
	char *dir = scratch_dir(), *text = NULL;
	struct stat st;

	snprintf(secret, sizeof(secret), "%s/secret", dir);
	make_text_file(secret, "the host's secret\n");
	snprintf(path, sizeof(path), "%s/data", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/data/ibdata1", dir);
	make_text_file(path, "pages\n");
	snprintf(path, sizeof(path), "%s/data/mysqld-auto.cnf", dir);
	ck_assert_int_eq(symlink(secret, path), 0);
	snprintf(path, sizeof(path), "%s/data/up", dir);
	ck_assert_int_eq(symlink(dir, path), 0);
	snprintf(path, sizeof(path), "%s/data/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/data", dir);
	snprintf(dst, sizeof(dst), "%s/copy", dir);
	ck_assert_msg(ga_tree_copy(path, dst, &err) == 0, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/copy/ibdata1", dir);
	ck_assert_int_eq(ga_file_read(path, 100, &text, NULL, &err), 0);
	ck_assert_str_eq(text, "pages\n");
	free(text);
	snprintf(path, sizeof(path), "%s/copy/mysqld-auto.cnf", dir);
	ck_assert_int_ne(lstat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/copy/up", dir);
	ck_assert_int_ne(lstat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/copy/fifo", dir);
	ck_assert_int_ne(lstat(path, &st), 0);
	/* a hard link to the secret */
	snprintf(path, sizeof(path), "%s/data/hard", dir);
	ck_assert_int_eq(link(secret, path), 0);
	snprintf(path, sizeof(path), "%s/data", dir);
	snprintf(dst, sizeof(dst), "%s/copy2", dir);
	ck_assert_int_eq(ga_tree_copy(path, dst, &err), -1);
	ck_assert_msg(strstr(err.msg, "data/hard: a file with 2 links"), "%s",
		      err.msg);
	snprintf(path, sizeof(path), "%s/copy2/hard", dir);
	ck_assert_int_ne(lstat(path, &st), 0);
	remove_scratch(dir);
}
END_TEST

/* A log copied within its bound: whole up to it; past it, its first and
 * last halves with goneaway's line between them, the bytes cut
 * returned; a range of it the same way. */
START_TEST(test_log_copy_cut)
{
	char path[PATH_MAX], want[400];
	struct ga_error err = { "" };
	char *dir = scratch_dir(), *text = NULL;
	long long cut;
	int in, dfd, out;

	snprintf(path, sizeof(path), "%s/driver-app.log", dir);
	make_text_file(path, "head 0123456789 middle 0123456789 tail\n");
	in = open(path, O_RDONLY);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert(in >= 0 && dfd >= 0);
	cut = ga_log_copy_at(in, dfd, "whole.log", 100, &err);
	ck_assert_msg(cut == 0, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/whole.log", dir);
	ck_assert_int_eq(ga_file_read(path, 4096, &text, NULL, &err), 0);
	ck_assert_str_eq(text, "head 0123456789 middle 0123456789 tail\n");
	free(text);
	cut = ga_log_copy_at(in, dfd, "cut.log", 10, &err);
	ck_assert_msg(cut == 29, "%lld: %s", cut, err.msg);
	snprintf(path, sizeof(path), "%s/cut.log", dir);
	ck_assert_int_eq(ga_file_read(path, 4096, &text, NULL, &err), 0);
	snprintf(want, sizeof(want), "head \n[goneaway] ... 29 bytes cut here "
		 "(a log is kept whole up to 10 bytes, else its first and its "
		 "last 5 bytes) ...\ntail\n");
	ck_assert_str_eq(text, want);
	free(text);
	/* a range: from "middle" on, within 8 */
	snprintf(path, sizeof(path), "%s/range.log", dir);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(out, 0);
	cut = ga_log_copy_range(in, 16, 39, out, 8, &err);
	ck_assert_int_eq(cut, 15);
	ck_assert_int_eq(ga_log_copy_range(in, 5, 5, out, 8, &err), 0);
	close(out);
	ck_assert_int_eq(ga_file_read(path, 4096, &text, NULL, &err), 0);
	ck_assert_ptr_nonnull(strstr(text, "midd\n[goneaway] ... 15 bytes"));
	ck_assert_ptr_nonnull(strstr(text, "...\nail\n"));
	free(text);
	/* no symlink followed where it is written */
	unlink(path);
	ck_assert_int_eq(symlink("/nonexistent-ga-target", path), 0);
	ck_assert_int_eq(ga_log_copy_at(in, dfd, "range.log", 10, &err), -1);
	close(in);
	close(dfd);
	remove_scratch(dir);
}
END_TEST

/* A source that ends before its size says (a sysfs file claims 4096
 * bytes and holds a few) is an error naming the count, never a copy
 * padded with NUL bytes. */
START_TEST(test_file_copy_short_source)
{
	static const char src[] = "/sys/devices/system/cpu/online";
	char dst[PATH_MAX], size[32];
	struct ga_error err = { "" };
	struct stat st;
	size_t len;
	char *text, *dir;
	int rc;

	ck_assert_msg(stat(src, &st) == 0, "stat %s: %s", src, strerror(errno));
	text = slurp(src, &len);
	free(text);
	ck_assert_msg((off_t)len < st.st_size, "%s: %zu bytes of %lld: not "
		      "a short file here", src, len, (long long)st.st_size);
	dir = scratch_dir();
	snprintf(dst, sizeof(dst), "%s/online", dir);
	rc = ga_file_copy(src, dst, &err);
	ck_assert_msg(rc == -1, "copying %s (%zu of %lld bytes) succeeded",
		      src, len, (long long)st.st_size);
	snprintf(size, sizeof(size), "%lld", (long long)st.st_size);
	ck_assert_msg(strstr(err.msg, src) && strstr(err.msg, size),
		      "the error names neither file nor size: %s", err.msg);
	remove_scratch(dir);
}
END_TEST

/* ga_tree_remove_at removes a tree through descriptors: the symlinks in
 * it go, what they point at stays; a name that is a symlink to a
 * directory is removed as a link, its target's files stay. */
START_TEST(test_tree_remove_at_keeps_link_targets)
{
	char p[PATH_MAX], q[PATH_MAX], outside[PATH_MAX];
	struct ga_error err = { "" };
	struct stat st;
	char *dir = scratch_dir();
	int dfd;

	snprintf(outside, sizeof(outside), "%s/outside", dir);
	ck_assert_int_eq(mkdir(outside, 0700), 0);
	snprintf(p, sizeof(p), "%s/precious", outside);
	make_text_file(p, "keep me");
	snprintf(p, sizeof(p), "%s/tree", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/tree/sub", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(q, sizeof(q), "%s/tree/sub/to-dir", dir);
	ck_assert_int_eq(symlink(outside, q), 0);
	snprintf(q, sizeof(q), "%s/tree/sub/to-file", dir);
	ck_assert_int_eq(symlink("../../outside/precious", q), 0);
	snprintf(q, sizeof(q), "%s/tree/sub/file", dir);
	make_text_file(q, "x");
	snprintf(q, sizeof(q), "%s/link-to-outside", dir);
	ck_assert_int_eq(symlink(outside, q), 0);

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	ck_assert_msg(ga_tree_remove_at(dfd, "tree", &err) == 0, "%s", err.msg);
	ck_assert_msg(ga_tree_remove_at(dfd, "link-to-outside", &err) == 0,
		      "%s", err.msg);
	ck_assert_msg(ga_tree_remove_at(dfd, "never-there", &err) == 0, "%s",
		      err.msg);
	close(dfd);
	snprintf(p, sizeof(p), "%s/tree", dir);
	ck_assert_int_eq(lstat(p, &st), -1);
	snprintf(p, sizeof(p), "%s/link-to-outside", dir);
	ck_assert_int_eq(lstat(p, &st), -1);
	snprintf(p, sizeof(p), "%s/precious", outside);
	ck_assert_int_eq(lstat(p, &st), 0);
	remove_scratch(dir);
}
END_TEST

/* ga_dir_open_beneath makes and opens a path component by component and
 * never follows a symlink or leaves the directory it starts from. */
START_TEST(test_dir_open_beneath)
{
	static const char *const bad[] = {
		"../x", "a/../b", "/abs", "a//b", "a/", "", ".", "link/x", "link",
		"file/x",
	};
	char p[PATH_MAX], outside[PATH_MAX];
	struct ga_error err = { "" };
	struct stat st;
	char *dir = scratch_dir();
	size_t i;
	int dfd, fd;

	snprintf(outside, sizeof(outside), "%s/outside", dir);
	ck_assert_int_eq(mkdir(outside, 0700), 0);
	snprintf(p, sizeof(p), "%s/res", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/res/link", dir);
	ck_assert_int_eq(symlink(outside, p), 0);
	snprintf(p, sizeof(p), "%s/res/file", dir);
	make_text_file(p, "x");
	snprintf(p, sizeof(p), "%s/res", dir);
	dfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);

	fd = ga_dir_open_beneath(dfd, "a/b/c", &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	ck_assert_msg(ga_file_copy_at(p, fd, "x/y", &err) == -1,
		      "a name with '/' is not a plain name");
	snprintf(p, sizeof(p), "%s/res/file", dir);
	ck_assert_msg(ga_file_copy_at(p, fd, "copied", &err) == 0, "%s",
		      err.msg);
	close(fd);
	snprintf(p, sizeof(p), "%s/res/a/b/c/copied", dir);
	ck_assert_int_eq(stat(p, &st), 0);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = '\0';
		fd = ga_dir_open_beneath(dfd, bad[i], &err);
		ck_assert_msg(fd == -1, "'%s' was opened", bad[i]);
		ck_assert_msg(err.msg[0], "'%s': no message", bad[i]);
	}
	/* a file name that is a symlink is not followed either */
	snprintf(p, sizeof(p), "%s/res/file", dir);
	ck_assert_int_eq(symlinkat("../outside/target", dfd, "a/b/c/trap"), 0);
	ck_assert_msg(ga_file_copy_at(p, dfd, "a", &err) == -1, "a directory");
	fd = ga_dir_open_beneath(dfd, "a/b/c", &err);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ga_file_copy_at(p, fd, "trap", &err), -1);
	ck_assert(ga_file_create_at(fd, "trap", &err) == NULL);
	close(fd);
	close(dfd);
	snprintf(p, sizeof(p), "%s/target", outside);
	ck_assert_int_eq(lstat(p, &st), -1);
	remove_scratch(dir);
}
END_TEST

Suite *make_fsutil_suite(struct unit_needs *needs)
{
	Suite *s = suite_create("fsutil");
	TCase *tc;

	if (unit_needs_root(needs, "fsutil", "across",
			    "mount namespaces, tmpfs")) {
		tc = tcase_create("across");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_unchecked_fixture(tc, scratch_setup, scratch_teardown);
		tcase_add_test(tc, test_file_copy_across_filesystems);
		tcase_add_test(tc, test_tree_copy_across_filesystems);
		suite_add_tcase(s, tc);
	}

	tc = tcase_create("copy");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_unchecked_fixture(tc, scratch_setup, scratch_teardown);
	tcase_add_test(tc, test_file_copy_read_write);
	tcase_add_test(tc, test_file_copy_short_source);
	tcase_add_test(tc, test_file_read_from);
	tcase_add_test(tc, test_log_copy_cut);
	tcase_add_test(tc, test_tree_copy_follows_nothing);
	suite_add_tcase(s, tc);

	tc = tcase_create("remove");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_unchecked_fixture(tc, scratch_setup, scratch_teardown);
	tcase_add_test(tc, test_tree_remove_at_keeps_link_targets);
	tcase_add_test(tc, test_dir_open_beneath);
	suite_add_tcase(s, tc);
	return s;
}
