/* check_template.c - tests for template.c: a template a run is copying is
 * never removed under it, nor one goneaway did not make.
 *
 * The tests work on a fake cache directory (made and removed by the
 * unchecked fixture, in the runner's process) with fake templates: the
 * locking does not care what is inside.  Flock locks belong to open file
 * descriptions, so a hold taken here and the removal's own lock conflict
 * within one process as they would between two runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/spawn.h"
#include "server/template.h"
#include "util/fsutil.h"
#include "util/ownmark.h"
#include "suites.h"

#define TIMEOUT 10
#define A "template-aaaaaaaaaaaaaaaa"
#define B "template-bbbbbbbbbbbbbbbb"

static char scratch_root[PATH_MAX];

static void scratch_setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(scratch_root, sizeof(scratch_root),
		 "%s/ga-unit-template-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_msg(mkdtemp(scratch_root) != NULL, "mkdtemp %s: %s",
		      scratch_root, strerror(errno));
}

static void scratch_teardown(void)
{
	struct ga_error err = { "" };

	if (scratch_root[0] && ga_tree_remove(scratch_root, &err) != 0)
		fprintf(stderr, "check_template: %s\n", err.msg);
	scratch_root[0] = '\0';
}

/* Makes cache/name, a directory, with goneaway's mark when marked. */
static void make_dir(const char *cache, const char *name, bool marked)
{
	struct ga_error err = { "" };
	char p[PATH_MAX];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", cache, name);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	if (!marked)
		return;
	fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_msg(ga_mark_write(fd, &err) == 0, "%s", err.msg);
	close(fd);
}

/* A fake cache dir with templates A and B, each a datadir with a file in
 * a subdirectory and goneaway's mark, as a build makes them; cache
 * receives its path. */
static void make_cache(char *cache, size_t len)
{
	static const char *const names[] = { A, B };
	struct ga_error err = { "" };
	char p[PATH_MAX];
	size_t i;

	snprintf(cache, len, "%s/cache-XXXXXX", scratch_root);
	ck_assert_msg(mkdtemp(cache) != NULL, "mkdtemp: %s", strerror(errno));
	for (i = 0; i < 2; i++) {
		make_dir(cache, names[i], true);
		snprintf(p, sizeof(p), "%s/%s/mysql", cache, names[i]);
		ck_assert_int_eq(mkdir(p, 0700), 0);
		snprintf(p, sizeof(p), "%s/%s/mysql/user.frm", cache, names[i]);
		ck_assert_msg(ga_file_write(p, "frm", 3, &err) == 0, "%s",
			      err.msg);
	}
}

static bool present(const char *cache, const char *name)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", cache, name);
	return lstat(p, &st) == 0;
}

/* A run copies template A while a build for key B removes stale
 * templates: A stays.  Once the copy is done, the next removal takes it. */
START_TEST(test_held_template_survives_removal)
{
	char cache[PATH_MAX], a[PATH_MAX];
	struct ga_error err = { "" };
	int fd;

	make_cache(cache, sizeof(cache));
	snprintf(a, sizeof(a), "%s/" A, cache);
	ck_assert_msg(ga_template_hold(a, &fd, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(ga_template_remove_stale(cache, B), 0);
	ga_template_release(fd);
	ck_assert_msg(present(cache, A "/mysql/user.frm"),
		      "template A was removed while a run held it");
	ck_assert(present(cache, B));

	ck_assert_int_eq(ga_template_remove_stale(cache, B), 1);
	ck_assert(!present(cache, A));
	ck_assert(present(cache, B "/mysql/user.frm"));
}
END_TEST

/* Without a hold, the stale template goes, and so does a half-built one;
 * the one to keep stays. */
START_TEST(test_unheld_template_removed)
{
	char cache[PATH_MAX], p[PATH_MAX];

	make_cache(cache, sizeof(cache));
	make_dir(cache, "building-XyZ123", true);
	snprintf(p, sizeof(p), "%s/building-XyZ123/data", cache);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(ga_template_remove_stale(cache, B), 2);
	ck_assert(!present(cache, A));
	ck_assert(!present(cache, "building-XyZ123"));
	ck_assert(present(cache, B "/mysql/user.frm"));
}
END_TEST

/* A template- or building- directory without goneaway's mark is not
 * goneaway's: someone else put it in the cache (or a goneaway older
 * than the mark): the removal leaves it, and all that is in it. */
START_TEST(test_unmarked_dirs_survive)
{
	char cache[PATH_MAX], p[PATH_MAX];
	struct ga_error err = { "" };

	make_cache(cache, sizeof(cache));
	make_dir(cache, "template-cccccccccccccccc", false);
	snprintf(p, sizeof(p), "%s/template-cccccccccccccccc/precious", cache);
	ck_assert_msg(ga_file_write(p, "x", 1, &err) == 0, "%s", err.msg);
	make_dir(cache, "building-AbC123", false);
	ck_assert_int_eq(ga_template_remove_stale(cache, B), 1);
	ck_assert(!present(cache, A));
	ck_assert(present(cache, "template-cccccccccccccccc/precious"));
	ck_assert(present(cache, "building-AbC123"));
	ck_assert(present(cache, B "/mysql/user.frm"));
}
END_TEST

/* A copy through ga_template_copy is whole, and leaves no hold behind:
 * the template can be removed right after. */
START_TEST(test_copy_then_removable)
{
	char cache[PATH_MAX], a[PATH_MAX], dst[PATH_MAX];
	struct ga_error err = { "" };

	make_cache(cache, sizeof(cache));
	snprintf(a, sizeof(a), "%s/" A, cache);
	snprintf(dst, sizeof(dst), "%s/datadir", cache);
	ck_assert_msg(ga_template_copy(a, dst, &err) == 0, "%s", err.msg);
	ck_assert(present(cache, "datadir/mysql/user.frm"));
	ck_assert_int_eq(ga_template_remove_stale(cache, B), 1);
	ck_assert(!present(cache, A));
}
END_TEST

/* A hold on a template that is gone fails with its path. */
START_TEST(test_hold_missing_template)
{
	char cache[PATH_MAX], a[PATH_MAX];
	struct ga_error err = { "" };
	int fd = 0;

	make_cache(cache, sizeof(cache));
	ck_assert_int_eq(ga_template_remove_stale(cache, B), 1);
	snprintf(a, sizeof(a), "%s/" A, cache);
	ck_assert_int_eq(ga_template_hold(a, &fd, &err), -1);
	ck_assert_int_eq(fd, -1);
	ck_assert_msg(strstr(err.msg, a) != NULL, "%s", err.msg);
}
END_TEST

/* The removal of a template, by another run, while this one waits for
 * its hold: the hold fails, it does not copy an emptied directory. */
struct remover {
	char path[PATH_MAX];
	int fd;                 /* holds the exclusive lock */
	ino_t ino;
};

/* True once /proc/locks shows a request blocked on inode ino. */
static bool someone_waits_on(ino_t ino)
{
	char line[256], key[32];
	bool found = false;
	FILE *f = fopen("/proc/locks", "re");

	if (!f)
		return false;
	snprintf(key, sizeof(key), ":%lu ", (unsigned long)ino);
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "->") && strstr(line, key);
	fclose(f);
	return found;
}

static void *remove_when_waited_on(void *arg)
{
	struct remover *rm = arg;
	struct ga_error err;
	int i;

	for (i = 0; i < 500 && !someone_waits_on(rm->ino); i++)
		usleep(10000);
	ga_tree_remove(rm->path, &err);
	close(rm->fd);
	return NULL;
}

START_TEST(test_hold_fails_when_removed_meanwhile)
{
	char cache[PATH_MAX];
	struct ga_error err = { "" };
	struct remover rm;
	struct stat st;
	pthread_t t;
	int fd = 0, rc;

	make_cache(cache, sizeof(cache));
	snprintf(rm.path, sizeof(rm.path), "%s/" A, cache);
	rm.fd = open(rm.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(rm.fd, 0);
	ck_assert_int_eq(flock(rm.fd, LOCK_EX), 0);
	ck_assert_int_eq(fstat(rm.fd, &st), 0);
	rm.ino = st.st_ino;
	ck_assert_int_eq(pthread_create(&t, NULL, remove_when_waited_on, &rm), 0);
	rc = ga_template_hold(rm.path, &fd, &err);
	pthread_join(t, NULL);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(fd, -1);
	ck_assert_msg(strstr(err.msg, "removed by another run") != NULL, "%s",
		      err.msg);
}
END_TEST

/* A build step that fails says how its log ends; a log its programs
 * replaced by a symlink to a root file (the build's directory is
 * theirs) is not followed: nothing of the file in the message. */
START_TEST(test_failed_step_says_its_log_tail)
{
	const char *argv[] = { "/bin/sh", "-c", "echo the step failed; exit 3",
			       NULL };
	struct ga_spawn_opts o = { .argv = argv, .netns_fd = -1 };
	struct ga_error err = { "" };
	char log[PATH_MAX], secret[PATH_MAX];
	FILE *f;

	snprintf(log, sizeof(log), "%s/install.log", scratch_root);
	o.output_path = log;
	ck_assert_int_eq(ga_template_run_step(&o, NULL, &err), -1);
	ck_assert_msg(strstr(err.msg, "install log ends: the step failed"),
		      "%s", err.msg);
	snprintf(secret, sizeof(secret), "%s/secret", scratch_root);
	f = fopen(secret, "w");
	ck_assert_ptr_nonnull(f);
	fputs("the host's secret\n", f);
	fclose(f);
	ck_assert_int_eq(unlink(log), 0);
	ck_assert_int_eq(symlink(secret, log), 0);
	ck_assert_int_eq(ga_template_run_step(&o, NULL, &err), -1);
	ck_assert_msg(!strstr(err.msg, "secret"), "%s", err.msg);
	unlink(log);
	unlink(secret);
}
END_TEST

Suite *make_template_suite(void)
{
	Suite *s = suite_create("template");
	TCase *tc;

	tc = tcase_create("stale");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_unchecked_fixture(tc, scratch_setup, scratch_teardown);
	tcase_add_test(tc, test_held_template_survives_removal);
	tcase_add_test(tc, test_unheld_template_removed);
	tcase_add_test(tc, test_unmarked_dirs_survive);
	tcase_add_test(tc, test_copy_then_removable);
	tcase_add_test(tc, test_hold_missing_template);
	tcase_add_test(tc, test_hold_fails_when_removed_meanwhile);
	tcase_add_test(tc, test_failed_step_says_its_log_tail);
	suite_add_tcase(s, tc);
	return s;
}
