/* check_memfs.c - tests for memfs.c: the bound of the run directory's
 * tmpfs, when it counts as filled, and the watch that sees it fill and
 * ends the process that filled it.
 *
 * The rule's arithmetic needs nothing.  The watch needs root: each test
 * runs in Check's forked child (CK_FORK), which moves into a mount
 * namespace of its own (ga_memfs_over does) over a scratch directory;
 * the tmpfs goes with the child.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/memfs.h"
#include "util/fsutil.h"
#include "suites.h"

#define TIMEOUT 20
#define MIB (1024LL * 1024)

START_TEST(test_slack)
{
	/* an eighth of the size, and at least 64 MiB */
	ck_assert_int_eq(ga_memfs_slack(128 * MIB), 64 * MIB);
	ck_assert_int_eq(ga_memfs_slack(512 * MIB), 64 * MIB);
	ck_assert_int_eq(ga_memfs_slack(1024 * MIB), 128 * MIB);
	ck_assert_int_eq(ga_memfs_slack(4096 * MIB), 512 * MIB);
}
END_TEST

START_TEST(test_filled)
{
	struct ga_memfs_use u = { 0, 1024 * MIB, 200, 131072 };

	u.used = 896 * MIB;
	ck_assert(!ga_memfs_filled(&u));        /* the slack, to the byte */
	u.used++;
	ck_assert(ga_memfs_bytes_filled(&u) && ga_memfs_filled(&u));
	ck_assert(!ga_memfs_files_filled(&u));
	u.used = 100 * MIB;
	u.files_used = 131072 - 16384;
	ck_assert(!ga_memfs_filled(&u));
	u.files_used++;
	ck_assert(ga_memfs_files_filled(&u) && ga_memfs_filled(&u));
	ck_assert(!ga_memfs_bytes_filled(&u));
	/* a file system that says nothing is never filled */
	memset(&u, 0, sizeof(u));
	ck_assert(!ga_memfs_filled(&u));
}
END_TEST

static char scratch_root[PATH_MAX];

/* The scratch directory, made and removed in the runner's process (the
 * tmpfs over a directory in it is the forked test's alone). */
static void scratch_setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(scratch_root, sizeof(scratch_root), "%s/ga-unit-memfs-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_msg(mkdtemp(scratch_root) != NULL, "mkdtemp %s: %s",
		      scratch_root, strerror(errno));
}

static void scratch_teardown(void)
{
	struct ga_error err = { "" };

	if (scratch_root[0] && ga_tree_remove(scratch_root, &err) != 0)
		fprintf(stderr, "check_memfs: %s\n", err.msg);
	scratch_root[0] = '\0';
}

/* A directory in the scratch one, the tmpfs laid over it: path. */
static void over(char *path, size_t len, long long size)
{
	struct ga_error err = { "" };

	snprintf(path, len, "%s/run-XXXXXX", scratch_root);
	ck_assert_msg(mkdtemp(path) != NULL, "mkdtemp: %s", strerror(errno));
	ck_assert_msg(ga_memfs_over(path, size, &err) == 0, "%s", err.msg);
}

/* Writes a file of want bytes under dir; returns what was written. */
static long long fill(const char *dir, const char *name, long long want)
{
	static char block[1 << 16];
	char path[PATH_MAX];
	long long done = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	memset(block, 'x', sizeof(block));
	while (done < want) {
		n = write(fd, block, sizeof(block));
		if (n <= 0)
			break;
		done += n;
	}
	close(fd);
	return done;
}

/* The tmpfs has its size and its files (one per 8 KiB), nothing
 * more: a write past it fails, and the use says so. */
START_TEST(test_bound)
{
	struct ga_error err = { "" };
	struct ga_memfs_use u;
	char dir[PATH_MAX];
	long long got;

	over(dir, sizeof(dir), 128 * MIB);
	ck_assert_msg(ga_memfs_use(dir, &u, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(u.size, 128 * MIB);
	ck_assert_int_eq(u.files, 128 * MIB / GA_MEMFS_BYTES_PER_FILE);
	ck_assert(!ga_memfs_filled(&u));
	got = fill(dir, "big", 256 * MIB);
	ck_assert_int_eq(got, 128 * MIB);       /* then ENOSPC */
	ck_assert_msg(ga_memfs_use(dir, &u, &err) == 0, "%s", err.msg);
	ck_assert(ga_memfs_bytes_filled(&u));
}
END_TEST

/* The watch sees a fill that was undone before anyone looked, and ends
 * the process it was given once the use comes near the size. */
START_TEST(test_watch_ends_victim)
{
	struct ga_error err = { "" };
	struct ga_memfs_watch *w;
	struct ga_memfs_use u;
	char dir[PATH_MAX], path[PATH_MAX];
	int pidfd, status;
	pid_t kid;

	over(dir, sizeof(dir), 128 * MIB);
	w = ga_memfs_watch_start(dir, &err);
	ck_assert_msg(w != NULL, "%s", err.msg);
	kid = fork();
	ck_assert_int_ge(kid, 0);
	if (kid == 0) {
		pause();
		_exit(0);
	}
	pidfd = (int)syscall(SYS_pidfd_open, kid, 0);
	ck_assert_int_ge(pidfd, 0);
	ga_memfs_watch_end_on_fill(w, pidfd);
	close(pidfd);           /* the watch keeps its own */
	ck_assert(!ga_memfs_watch_peak(w, &u));
	ck_assert(!ga_memfs_filled(&u));
	fill(dir, "big", 100 * MIB);
	usleep(10 * GA_MEMFS_WATCH_MS * 1000);
	snprintf(path, sizeof(path), "%s/big", dir);
	ck_assert_int_eq(unlink(path), 0);      /* undone */
	ck_assert_int_eq(waitpid(kid, &status, 0), kid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	ck_assert(ga_memfs_watch_peak(w, &u));
	ck_assert(ga_memfs_filled(&u));
	ck_assert_int_ge(u.used, 100 * MIB);
	ck_assert_msg(ga_memfs_use(dir, &u, &err) == 0, "%s", err.msg);
	ck_assert(!ga_memfs_filled(&u));        /* now, not at its peak */
	ga_memfs_watch_stop(w);
}
END_TEST

Suite *make_memfs_suite(struct unit_needs *needs)
{
	Suite *s = suite_create("memfs");
	TCase *tc;

	tc = tcase_create("rule");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_slack);
	tcase_add_test(tc, test_filled);
	suite_add_tcase(s, tc);

	if (unit_needs_root(needs, "memfs", "tmpfs", "a mount namespace")) {
		tc = tcase_create("tmpfs");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_unchecked_fixture(tc, scratch_setup, scratch_teardown);
		tcase_add_test(tc, test_bound);
		tcase_add_test(tc, test_watch_ends_victim);
		suite_add_tcase(s, tc);
	}
	return s;
}
