/* check_rundir.c - tests for rundir.c: the run directory and the sweep.
 *
 * The sweep runs at the start of every run, as root, in $TMPDIR - often a
 * world-writable /tmp where anyone can make a "goneaway-run-x".  It must
 * remove only the caller's own run directories whose run is gone, and
 * never follow a symbolic link while it looks or removes.  Each test
 * makes its own tmp root below a scratch directory (made and removed by
 * the unchecked fixture, in the runner's process, so a failed test leaves
 * nothing) and watches with inotify that nothing outside was opened.
 *
 * The other-owner test needs root (chown); without it its test case is
 * not registered and is named as skipped before the run (needs.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "race_util.h"
#include "run/rundir.h"
#include "util/fsutil.h"
#include "suites.h"

#define TIMEOUT 10
#define OLD_S 3600      /* well past the sweep's age for unlocked dirs */
#define NOBODY 65534

static char scratch_root[PATH_MAX];

static void scratch_setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(scratch_root, sizeof(scratch_root), "%s/ga-unit-rundir-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_msg(mkdtemp(scratch_root) != NULL, "mkdtemp %s: %s",
		      scratch_root, strerror(errno));
}

static void scratch_teardown(void)
{
	struct ga_error err = { "" };

	if (scratch_root[0] && ga_tree_remove(scratch_root, &err) != 0)
		fprintf(stderr, "check_rundir: %s\n", err.msg);
	scratch_root[0] = '\0';
}

/* A fresh directory below the scratch directory: the tests' $TMPDIR, or
 * a place outside it.  path receives it. */
static void new_dir(char *path, size_t len, const char *what)
{
	snprintf(path, len, "%s/%s-XXXXXX", scratch_root, what);
	ck_assert_msg(mkdtemp(path) != NULL, "mkdtemp %s: %s", path,
		      strerror(errno));
}

static void join(char *buf, size_t len, const char *dir, const char *name)
{
	ck_assert_int_lt(snprintf(buf, len, "%s/%s", dir, name), (int)len);
}

static void set_age(const char *path, time_t age_s)
{
	struct timespec t[2];

	t[0].tv_sec = t[1].tv_sec = time(NULL) - age_s;
	t[0].tv_nsec = t[1].tv_nsec = 0;
	ck_assert_msg(utimensat(AT_FDCWD, path, t, AT_SYMLINK_NOFOLLOW) == 0,
		      "utimensat %s: %s", path, strerror(errno));
}

static void write_file(const char *path, const char *text)
{
	struct ga_error err = { "" };

	ck_assert_msg(ga_file_write(path, text, strlen(text), &err) == 0,
		      "%s", err.msg);
}

/* tmp/name as a killed run leaves it: mode 0700, a "lock" file (when
 * with_lock) nobody holds, a datadir-like file, changed age_s ago. */
static void make_run_dir(const char *tmp, const char *name, bool with_lock,
			 time_t age_s)
{
	char dir[PATH_MAX], p[PATH_MAX];

	join(dir, sizeof(dir), tmp, name);
	ck_assert_msg(mkdir(dir, 0700) == 0, "mkdir %s: %s", dir,
		      strerror(errno));
	join(p, sizeof(p), dir, "ibdata1");
	write_file(p, "data");
	if (with_lock) {
		join(p, sizeof(p), dir, "lock");
		write_file(p, "");
	}
	set_age(dir, age_s);
}

static bool exists(const char *dir, const char *name)
{
	char p[PATH_MAX];
	struct stat st;

	join(p, sizeof(p), dir, name);
	return lstat(p, &st) == 0;
}

/* An inotify descriptor watching paths for being opened. */
static int watch_opens(const char *const *paths, size_t n)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	size_t i;

	ck_assert_int_ge(fd, 0);
	for (i = 0; i < n; i++)
		ck_assert_msg(inotify_add_watch(fd, paths[i], IN_OPEN) >= 0,
			      "inotify_add_watch %s: %s", paths[i],
			      strerror(errno));
	return fd;
}

/* How many open events the watch saw (and closes it). */
static int opens_seen(int fd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	int events = 0;
	char *p;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (p = buf; p < buf + n;
		     p += sizeof(struct inotify_event) +
			  ((struct inotify_event *)p)->len)
			events++;
	close(fd);
	return events;
}

/* ------------------------------------------------------------------ */

/* A killed run's directory (its lock free, or no lock and old) goes; one
 * without a lock that is young may be a run making its lock: it stays. */
START_TEST(test_sweep_removes_stale)
{
	char tmp[PATH_MAX];

	new_dir(tmp, sizeof(tmp), "tmp");
	make_run_dir(tmp, GA_RUNDIR_PREFIX "stale1", true, 0);
	make_run_dir(tmp, GA_RUNDIR_PREFIX "stale2", false, OLD_S);
	make_run_dir(tmp, GA_RUNDIR_PREFIX "young", false, 0);
	ck_assert_int_eq(ga_rundir_sweep(tmp), 2);
	ck_assert(!exists(tmp, GA_RUNDIR_PREFIX "stale1"));
	ck_assert(!exists(tmp, GA_RUNDIR_PREFIX "stale2"));
	ck_assert(exists(tmp, GA_RUNDIR_PREFIX "young"));
}
END_TEST

/* A live run holds its lock: its directory stays, however old. */
START_TEST(test_sweep_keeps_live_run)
{
	char tmp[PATH_MAX], lock[PATH_MAX];
	int fd;

	new_dir(tmp, sizeof(tmp), "tmp");
	make_run_dir(tmp, GA_RUNDIR_PREFIX "live", true, OLD_S);
	join(lock, sizeof(lock), tmp, GA_RUNDIR_PREFIX "live/lock");
	fd = open(lock, O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	ck_assert_int_eq(ga_rundir_sweep(tmp), 0);
	ck_assert(exists(tmp, GA_RUNDIR_PREFIX "live/ibdata1"));
	close(fd);
	ck_assert_int_eq(ga_rundir_sweep(tmp), 1);
	ck_assert(!exists(tmp, GA_RUNDIR_PREFIX "live"));
}
END_TEST

/* A run directory made by ga_rundir_make: private, locked, kept by a
 * sweep while its lock is held, removed once it is not. */
START_TEST(test_make_is_private_and_locked)
{
	char tmp[PATH_MAX], dir[PATH_MAX], lock[PATH_MAX + 8];
	struct ga_error err = { "" };
	struct stat st;
	int lock_fd, other;

	new_dir(tmp, sizeof(tmp), "tmp");
	ck_assert_msg(ga_rundir_make(tmp, dir, sizeof(dir), &lock_fd, &err) == 0,
		      "%s", err.msg);
	ck_assert_int_ge(lock_fd, 0);
	ck_assert_int_eq(strncmp(dir, tmp, strlen(tmp)), 0);
	ck_assert_ptr_nonnull(strstr(dir, "/" GA_RUNDIR_PREFIX));
	ck_assert_int_eq(lstat(dir, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	/* searchable, not listable: a server's own user reaches its
	 * directory below (lab/uids.h) */
	ck_assert_uint_eq(st.st_mode & 07777, 0711);
	ck_assert_uint_eq(st.st_uid, geteuid());
	snprintf(lock, sizeof(lock), "%s/lock", dir);
	other = open(lock, O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(other, 0);
	ck_assert_int_eq(flock(other, LOCK_EX | LOCK_NB), -1);
	close(other);
	ck_assert_int_eq(ga_rundir_sweep(tmp), 0);
	ck_assert_int_eq(lstat(dir, &st), 0);
	close(lock_fd);
	ck_assert_int_eq(ga_rundir_sweep(tmp), 1);
	ck_assert_int_eq(lstat(dir, &st), -1);
}
END_TEST

/* A run directory is never swept while it is made: a sweep beside
 * ga_rundir_make (each -j worker's runner sweeps as its siblings make
 * theirs: run/runner.c) must find its lock held from the moment the
 * lock has its name.  A child sweeps in a loop while this process makes
 * and ends run directories, each of them live from its making to its
 * removal: a sweep that removed one took a live run's.  (With the lock
 * made under its name and locked after, a worker's run failed in a
 * loaded make check: "swept away 3 times while it was made".) */
static int make_end_rundir(void *ctx, struct ga_error *err)
{
	char dir[PATH_MAX];
	int lock_fd;

	if (ga_rundir_make(ctx, dir, sizeof(dir), &lock_fd, err) != 0)
		return -1;
	ck_assert_int_eq(ga_tree_remove(dir, err), 0);
	close(lock_fd);
	return 0;
}

static int sweep_rundir(void *ctx)
{
	return ga_rundir_sweep(ctx);
}

START_TEST(test_sweep_never_takes_a_run_being_made)
{
	char tmp[PATH_MAX];
	struct unit_race r;

	new_dir(tmp, sizeof(tmp), "tmp");
	unit_race(make_end_rundir, sweep_rundir, tmp, 1500, &r);
	unit_race_assert_clean(&r, "run directories");
}
END_TEST

/* For the labels of a run's containers: a run is alive while its lock is
 * held; a run directory whose lock is free, or that is gone, is not. */
START_TEST(test_alive_while_locked)
{
	char tmp[PATH_MAX], dir[PATH_MAX], other[PATH_MAX];
	struct ga_error err = { "" };
	int lock_fd;

	new_dir(tmp, sizeof(tmp), "tmp");
	ck_assert_msg(ga_rundir_make(tmp, dir, sizeof(dir), &lock_fd, &err) == 0,
		      "%s", err.msg);
	ck_assert(ga_rundir_alive(dir));
	ck_assert(ga_rundir_alive(dir));        /* asking took no lock */
	make_run_dir(tmp, GA_RUNDIR_PREFIX "dead", true, 0);
	join(other, sizeof(other), tmp, GA_RUNDIR_PREFIX "dead");
	ck_assert(!ga_rundir_alive(other));
	join(other, sizeof(other), tmp, GA_RUNDIR_PREFIX "never-was");
	ck_assert(!ga_rundir_alive(other));
	close(lock_fd);
	ck_assert(!ga_rundir_alive(dir));
	ck_assert_int_eq(ga_rundir_sweep(tmp), 2);
	ck_assert(!ga_rundir_alive(dir));
}
END_TEST

/* Someone else's directory (another uid made it, or it is writable by
 * others) is not the caller's to remove, lock free and old or not. */
START_TEST(test_sweep_leaves_others_alone)
{
	char tmp[PATH_MAX], p[PATH_MAX];

	new_dir(tmp, sizeof(tmp), "tmp");
	make_run_dir(tmp, GA_RUNDIR_PREFIX "nobody1", true, OLD_S);
	make_run_dir(tmp, GA_RUNDIR_PREFIX "nobody2", false, OLD_S);
	join(p, sizeof(p), tmp, GA_RUNDIR_PREFIX "nobody1");
	ck_assert_int_eq(lchown(p, NOBODY, NOBODY), 0);
	set_age(p, OLD_S);
	join(p, sizeof(p), tmp, GA_RUNDIR_PREFIX "nobody2");
	ck_assert_int_eq(lchown(p, NOBODY, NOBODY), 0);
	set_age(p, OLD_S);
	ck_assert_int_eq(ga_rundir_sweep(tmp), 0);
	ck_assert(exists(tmp, GA_RUNDIR_PREFIX "nobody1/ibdata1"));
	ck_assert(exists(tmp, GA_RUNDIR_PREFIX "nobody2/ibdata1"));
}
END_TEST

START_TEST(test_sweep_leaves_shared_dirs_alone)
{
	static const mode_t modes[] = { 0770, 0707, 01777 };
	char tmp[PATH_MAX], p[PATH_MAX], name[64];
	size_t i;

	new_dir(tmp, sizeof(tmp), "tmp");
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		snprintf(name, sizeof(name), GA_RUNDIR_PREFIX "mode%o", modes[i]);
		make_run_dir(tmp, name, true, OLD_S);
		join(p, sizeof(p), tmp, name);
		ck_assert_int_eq(chmod(p, modes[i]), 0);
		set_age(p, OLD_S);
	}
	ck_assert_int_eq(ga_rundir_sweep(tmp), 0);
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		snprintf(name, sizeof(name), GA_RUNDIR_PREFIX "mode%o/ibdata1",
			 modes[i]);
		ck_assert_msg(exists(tmp, name), "%s was removed", name);
	}
}
END_TEST

/* A symlink named like a run directory, pointing at a directory with
 * files (and a free "lock"): the sweep never looks inside, opens nothing
 * there and removes nothing there, nor the link. */
START_TEST(test_sweep_does_not_follow_dir_symlink)
{
	char tmp[PATH_MAX], victim[PATH_MAX], link[PATH_MAX];
	char lock[PATH_MAX], file[PATH_MAX];
	const char *watched[2];
	int watch, opens;

	new_dir(tmp, sizeof(tmp), "tmp");
	new_dir(victim, sizeof(victim), "victim");
	join(lock, sizeof(lock), victim, "lock");
	join(file, sizeof(file), victim, "precious");
	write_file(lock, "");
	write_file(file, "keep me");
	set_age(victim, OLD_S);
	join(link, sizeof(link), tmp, GA_RUNDIR_PREFIX "x");
	ck_assert_int_eq(symlink(victim, link), 0);
	set_age(link, OLD_S);
	watched[0] = victim;
	watched[1] = lock;
	watch = watch_opens(watched, 2);

	ck_assert_int_eq(ga_rundir_sweep(tmp), 0);
	opens = opens_seen(watch);
	ck_assert_msg(opens == 0, "the sweep opened %d thing(s) in the "
		      "symlink's target", opens);
	ck_assert(exists(victim, "precious"));
	ck_assert(exists(victim, "lock"));
	ck_assert(exists(tmp, GA_RUNDIR_PREFIX "x"));
}
END_TEST

/* A run directory of the caller's whose "lock" is a symlink to a file
 * elsewhere: the link is not opened through (O_NOFOLLOW) and the file
 * is untouched; a directory in that state is left alone. */
START_TEST(test_sweep_does_not_follow_lock_symlink)
{
	char tmp[PATH_MAX], elsewhere[PATH_MAX], target[PATH_MAX];
	char dir[PATH_MAX], lock[PATH_MAX];
	const char *watched[1];
	int watch, opens;
	size_t len;
	char *text;
	struct ga_error err = { "" };

	new_dir(tmp, sizeof(tmp), "tmp");
	new_dir(elsewhere, sizeof(elsewhere), "elsewhere");
	join(target, sizeof(target), elsewhere, "shadow");
	write_file(target, "root:x:0:0\n");
	make_run_dir(tmp, GA_RUNDIR_PREFIX "y", false, 0);
	join(dir, sizeof(dir), tmp, GA_RUNDIR_PREFIX "y");
	join(lock, sizeof(lock), dir, "lock");
	ck_assert_int_eq(symlink(target, lock), 0);
	set_age(dir, OLD_S);
	watched[0] = target;
	watch = watch_opens(watched, 1);

	ga_rundir_sweep(tmp);
	opens = opens_seen(watch);
	ck_assert_msg(opens == 0, "the sweep opened the lock symlink's target "
		      "%d time(s)", opens);
	ck_assert_msg(ga_file_read(target, 4096, &text, &len, &err) == 0, "%s",
		      err.msg);
	ck_assert_str_eq(text, "root:x:0:0\n");
	free(text);
	ck_assert(exists(tmp, GA_RUNDIR_PREFIX "y/lock"));
}
END_TEST

/* Removing a stale run directory removes a symlink inside it, never what
 * the link points at. */
START_TEST(test_sweep_removes_links_not_targets)
{
	char tmp[PATH_MAX], elsewhere[PATH_MAX], p[PATH_MAX], q[PATH_MAX];

	new_dir(tmp, sizeof(tmp), "tmp");
	new_dir(elsewhere, sizeof(elsewhere), "elsewhere");
	join(p, sizeof(p), elsewhere, "precious");
	write_file(p, "keep me");
	make_run_dir(tmp, GA_RUNDIR_PREFIX "z", true, 0);
	join(q, sizeof(q), tmp, GA_RUNDIR_PREFIX "z/datadir");
	ck_assert_int_eq(symlink(elsewhere, q), 0);
	join(q, sizeof(q), tmp, GA_RUNDIR_PREFIX "z/file");
	ck_assert_int_eq(symlink(p, q), 0);
	ck_assert_int_eq(ga_rundir_sweep(tmp), 1);
	ck_assert(!exists(tmp, GA_RUNDIR_PREFIX "z"));
	ck_assert(exists(elsewhere, "precious"));
}
END_TEST

Suite *make_rundir_suite(struct unit_needs *needs)
{
	Suite *s = suite_create("rundir");
	TCase *tc;

	tc = tcase_create("sweep");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_unchecked_fixture(tc, scratch_setup, scratch_teardown);
	tcase_add_test(tc, test_sweep_removes_stale);
	tcase_add_test(tc, test_sweep_keeps_live_run);
	tcase_add_test(tc, test_make_is_private_and_locked);
	tcase_add_test(tc, test_sweep_never_takes_a_run_being_made);
	tcase_add_test(tc, test_alive_while_locked);
	tcase_add_test(tc, test_sweep_leaves_shared_dirs_alone);
	tcase_add_test(tc, test_sweep_does_not_follow_dir_symlink);
	tcase_add_test(tc, test_sweep_does_not_follow_lock_symlink);
	tcase_add_test(tc, test_sweep_removes_links_not_targets);
	suite_add_tcase(s, tc);

	if (unit_needs_root(needs, "rundir", "other-owner", "chown")) {
		tc = tcase_create("other-owner");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_unchecked_fixture(tc, scratch_setup, scratch_teardown);
		tcase_add_test(tc, test_sweep_leaves_others_alone);
		suite_add_tcase(s, tc);
	}
	return s;
}
