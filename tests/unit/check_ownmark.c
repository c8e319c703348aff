/* check_ownmark.c - tests for ownmark.c: goneaway removes only the
 * directories it made (issue 26).  A directory is removed or opened as
 * goneaway's only when it holds the mark, a regular file whose first
 * line is GA_MARK_LINE; the user's directory, a symlink, a file, a mark
 * that is a symlink or holds another line are errors naming what was
 * found, and nothing is removed.  Each test works below a scratch
 * directory of its own (made and removed by the unchecked fixture). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/ownmark.h"
#include "suites.h"

static char scratch[PATH_MAX];
static int root = -1;

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(scratch, sizeof(scratch), "%s/ga-unit-ownmark-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_msg(mkdtemp(scratch) != NULL, "mkdtemp: %s",
		      strerror(errno));
	root = open(scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(root, 0);
}

static void teardown(void)
{
	struct ga_error err;

	if (root >= 0)
		close(root);
	root = -1;
	if (scratch[0])
		ga_tree_remove(scratch, &err);
	scratch[0] = '\0';
}

static void put(const char *rel, const char *text)
{
	int fd = openat(root, rel, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_msg(fd >= 0, "create %s: %s", rel, strerror(errno));
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int exists(const char *rel)
{
	struct stat st;

	return fstatat(root, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

START_TEST(test_made_dir_is_marked_and_removable)
{
	struct ga_error err;
	int fd;

	fd = ga_mark_open_at(root, "case", true, "out/case", &err);
	ck_assert_msg(fd >= 0, "%s", err.msg);
	ck_assert(ga_mark_present(fd));
	close(fd);
	put("case/steps.log", "x\n");
	ck_assert_int_eq(ga_mark_check_at(root, "case", "out/case", &err), 1);
	ck_assert_msg(ga_mark_remove_at(root, "case", "out/case", &err) == 0,
		      "%s", err.msg);
	ck_assert(!exists("case"));
	/* missing: nothing to remove, not an error */
	ck_assert_int_eq(ga_mark_remove_at(root, "case", "out/case", &err), 0);
	ck_assert_int_eq(ga_mark_check_at(root, "case", "out/case", &err), 0);
}
END_TEST

START_TEST(test_users_dir_is_refused)
{
	struct ga_error err;

	ck_assert_int_eq(mkdirat(root, "victim", 0755), 0);
	put("victim/notes.txt", "mine\n");
	ck_assert_int_eq(ga_mark_remove_at(root, "victim", "./victim", &err),
			 -1);
	ck_assert_msg(strstr(err.msg, "./victim: a directory, not a directory "
			     "goneaway made") != NULL, "%s", err.msg);
	ck_assert(exists("victim/notes.txt"));
	ck_assert_int_eq(ga_mark_open_at(root, "victim", true, "./victim",
					 &err), -1);
	ck_assert(!exists("victim/" GA_MARK_NAME));
	ck_assert_int_eq(ga_mark_check_at(root, "victim", "./victim", &err),
			 -1);
}
END_TEST

START_TEST(test_wrong_marks_are_refused)
{
	struct ga_error err;

	/* another first line */
	ck_assert_int_eq(mkdirat(root, "a", 0755), 0);
	put("a/" GA_MARK_NAME, "goneaway made this\n");
	put("a/keep", "k");
	ck_assert_int_eq(ga_mark_remove_at(root, "a", "a", &err), -1);
	ck_assert(exists("a/keep"));
	/* the line without its newline: cut short */
	put("a/" GA_MARK_NAME, GA_MARK_LINE);
	ck_assert_int_eq(ga_mark_remove_at(root, "a", "a", &err), -1);
	ck_assert(exists("a/keep"));
	/* a symlink to a real mark is not followed */
	ck_assert_int_eq(mkdirat(root, "real", 0755), 0);
	put("real/" GA_MARK_NAME, GA_MARK_LINE "\n");
	ck_assert_int_eq(unlinkat(root, "a/" GA_MARK_NAME, 0), 0);
	ck_assert_int_eq(symlinkat("../real/" GA_MARK_NAME, root,
				   "a/" GA_MARK_NAME), 0);
	ck_assert_int_eq(ga_mark_remove_at(root, "a", "a", &err), -1);
	ck_assert(exists("a/keep"));
	/* a directory named as the mark */
	ck_assert_int_eq(unlinkat(root, "a/" GA_MARK_NAME, 0), 0);
	ck_assert_int_eq(mkdirat(root, "a/" GA_MARK_NAME, 0755), 0);
	ck_assert_int_eq(ga_mark_remove_at(root, "a", "a", &err), -1);
	ck_assert(exists("a/keep"));
}
END_TEST

START_TEST(test_links_and_files_are_refused)
{
	struct ga_error err;

	/* a link to a marked directory: neither removed nor followed */
	ck_assert_int_eq(mkdirat(root, "made", 0755), 0);
	put("made/" GA_MARK_NAME, GA_MARK_LINE "\n");
	put("made/keep", "k");
	ck_assert_int_eq(symlinkat("made", root, "link"), 0);
	ck_assert_int_eq(ga_mark_remove_at(root, "link", "out/link", &err), -1);
	ck_assert_msg(strstr(err.msg, "out/link: a symbolic link") != NULL,
		      "%s", err.msg);
	ck_assert(exists("link") && exists("made/keep"));
	ck_assert_int_eq(ga_mark_open_at(root, "link", true, "out/link", &err),
			 -1);
	/* a file of the user's */
	put("file", "mine");
	ck_assert_int_eq(ga_mark_remove_at(root, "file", "out/file", &err), -1);
	ck_assert_msg(strstr(err.msg, "out/file: a file") != NULL, "%s",
		      err.msg);
	ck_assert(exists("file"));
}
END_TEST

START_TEST(test_open_without_create)
{
	struct ga_error err;
	int fd;

	ck_assert_int_eq(ga_mark_open_at(root, "none", false, "none", &err), -1);
	ck_assert(!exists("none"));
	fd = ga_mark_open_at(root, "none", true, "none", &err);
	ck_assert_int_ge(fd, 0);
	close(fd);
	fd = ga_mark_open_at(root, "none", false, "none", &err);
	ck_assert_int_ge(fd, 0);
	close(fd);
}
END_TEST

Suite *make_ownmark_suite(void)
{
	Suite *s = suite_create("ownmark");
	TCase *tc = tcase_create("ownmark");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_made_dir_is_marked_and_removable);
	tcase_add_test(tc, test_users_dir_is_refused);
	tcase_add_test(tc, test_wrong_marks_are_refused);
	tcase_add_test(tc, test_links_and_files_are_refused);
	tcase_add_test(tc, test_open_without_create);
	suite_add_tcase(s, tc);
	return s;
}
