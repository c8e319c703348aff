/* check_trustdir.c - tests for util/trustdir.c, the one rule for every
 * directory goneaway executes or loads from (issue 55), and for what
 * holds to it: the cache (plan/paths.c, ga_check_cache: each entry
 * goneaway uses in it, drivers/ to its last file) and the servers'
 * users (lab/uids.c: the machine's slots, whatever the cache).
 *
 * Every level from "/" is walked without following a symlink; a level
 * another user owns, one other users can write (a sticky one above the
 * last passes), a symlink anywhere, ".." below a directory: refused with
 * GA_TRUSTDIR_REFUSED and words naming the path, the level and why.  Each
 * test works below a scratch directory of its own (made and removed
 * around it by the checked fixture).  The test cases "owners" (chown)
 * and "uids" (PID namespaces, /run/goneaway) need root; without it they
 * are not registered and are named as skipped before the run (needs.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plan/paths.h"
#include "lab/uids.h"
#include "util/fsutil.h"
#include "util/trustdir.h"
#include "suites.h"

#define TIMEOUT 20
#define NOBODY 65534

static char scratch[PATH_MAX];

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(scratch, sizeof(scratch), "%s/ga-unit-trustdir-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_msg(mkdtemp(scratch) != NULL, "mkdtemp: %s",
		      strerror(errno));
}

static void teardown(void)
{
	struct ga_error err;

	if (scratch[0])
		ga_tree_remove(scratch, &err);
	scratch[0] = '\0';
}

/* scratch/rel into buf */
static const char *at(char *buf, const char *rel)
{
	snprintf(buf, PATH_MAX, "%s/%s", scratch, rel);
	return buf;
}

static void mkdir_at(const char *rel, mode_t mode)
{
	char p[PATH_MAX];

	ck_assert_msg(mkdir(at(p, rel), mode) == 0, "mkdir %s: %s", p,
		      strerror(errno));
	ck_assert_int_eq(chmod(p, mode), 0);   /* past the umask */
}

static void touch_at(const char *rel, mode_t mode)
{
	char p[PATH_MAX];
	int fd = open(at(p, rel), O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_msg(fd >= 0, "create %s: %s", p, strerror(errno));
	close(fd);
	ck_assert_int_eq(chmod(p, mode), 0);
}

/* ga_trustdir_open(scratch/rel, flags): its result (a descriptor closed) */
static int open_rel(const char *rel, unsigned flags, struct ga_error *err)
{
	char p[PATH_MAX];
	int fd = ga_trustdir_open(at(p, rel), flags, err);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? fd : 0;
}

START_TEST(test_own_dirs_pass_and_missing_ones_are_made)
{
	struct ga_error err = { "" };
	char p[PATH_MAX];
	struct stat st;
	int fd, sub;

	mkdir_at("a", 0755);
	mkdir_at("a/b", 0700);
	touch_at("a/b/f", 0644);
	ck_assert_msg(open_rel("a/b", 0, &err) == 0, "%s", err.msg);
	/* a file only where the caller says one may be last */
	ck_assert_msg(open_rel("a/b/f", GA_TRUSTDIR_FILE, &err) == 0, "%s",
		      err.msg);
	ck_assert_int_eq(open_rel("a/b/f", 0, &err), GA_TRUSTDIR_REFUSED);
	ck_assert_msg(strstr(err.msg, "not a directory"), "%s", err.msg);
	/* not there: -1 (errno), or made, level by level */
	ck_assert_int_eq(open_rel("a/c/d", 0, &err), -1);
	ck_assert_msg(strstr(err.msg, "No such file"), "%s", err.msg);
	ck_assert_msg(ga_trustdir_mkdirs(at(p, "a/c/d"), &err) == 0, "%s",
		      err.msg);
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_uid, geteuid());
	/* beneath a descriptor: the same levels, never ".." */
	fd = ga_trustdir_open(at(p, "a"), 0, &err);
	ck_assert_int_ge(fd, 0);
	sub = ga_trustdir_open_at(fd, p, "b/f", GA_TRUSTDIR_FILE, &err);
	ck_assert_msg(sub >= 0, "%s", err.msg);
	close(sub);
	ck_assert_int_eq(ga_trustdir_open_at(fd, p, "b/../b", 0, &err),
			 GA_TRUSTDIR_REFUSED);
	ck_assert_msg(strstr(err.msg, "'..' in it"), "%s", err.msg);
	close(fd);
}
END_TEST

START_TEST(test_a_symlink_is_refused_at_every_level)
{
	struct ga_error err = { "" };
	char p[PATH_MAX], shown[PATH_MAX + 32];
	int fd;

	mkdir_at("real", 0755);
	mkdir_at("real/d", 0755);
	ck_assert_int_eq(symlink("real", at(p, "link")), 0);
	/* a path the user named: its own links resolved once, then
	 * nothing followed */
	ck_assert_msg(open_rel("link/d", 0, &err) == 0, "%s", err.msg);
	/* beneath a directory checked, a link is refused, last or not */
	fd = ga_trustdir_open(scratch, 0, &err);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ga_trustdir_open_at(fd, scratch, "link/d", 0, &err),
			 GA_TRUSTDIR_REFUSED);
	snprintf(shown, sizeof(shown), "refusing %s/link/d: %s/link is a "
		 "symbolic link", scratch, scratch);
	ck_assert_msg(strstr(err.msg, shown), "%s", err.msg);
	ck_assert_int_eq(ga_trustdir_open_at(fd, scratch, "link", 0, &err),
			 GA_TRUSTDIR_REFUSED);
	snprintf(shown, sizeof(shown), "refusing %s/link: a symbolic link",
		 scratch);
	ck_assert_msg(strstr(err.msg, shown), "%s", err.msg);
	/* and GA_TRUSTDIR_MAKE makes nothing through one */
	ck_assert_int_eq(ga_trustdir_open_at(fd, scratch, "link/new",
					     GA_TRUSTDIR_MAKE, &err),
			 GA_TRUSTDIR_REFUSED);
	ck_assert_int_ne(access(at(p, "real/new"), F_OK), 0);
	close(fd);
}
END_TEST

START_TEST(test_writable_by_others_refused_sticky_above_passes)
{
	struct ga_error err = { "" };
	char want[PATH_MAX + 64];

	mkdir_at("open", 0777);
	mkdir_at("open/in", 0755);
	ck_assert_int_eq(open_rel("open/in", 0, &err), GA_TRUSTDIR_REFUSED);
	snprintf(want, sizeof(want), "%s/open is writable by other users "
		 "(chmod go-w %s/open)", scratch, scratch);
	ck_assert_msg(strstr(err.msg, want), "%s", err.msg);
	ck_assert_int_eq(open_rel("open", 0, &err), GA_TRUSTDIR_REFUSED);
	ck_assert_msg(strstr(err.msg, "/open: writable by other users"),
		      "%s", err.msg);
	/* sticky, as /tmp: no one else can rename what is ours in it */
	mkdir_at("sticky", 01777);
	mkdir_at("sticky/in", 0755);
	ck_assert_msg(open_rel("sticky/in", 0, &err) == 0, "%s", err.msg);
	/* ... but as the last level only where something is to be made */
	ck_assert_int_eq(open_rel("sticky", 0, &err), GA_TRUSTDIR_REFUSED);
	ck_assert_msg(open_rel("sticky", GA_TRUSTDIR_BELOW, &err) == 0, "%s",
		      err.msg);
	/* a file a group other than root's may write */
	mkdir_at("g", 0755);
	touch_at("g/f", 0664);
	ck_assert_int_eq(open_rel("g/f", GA_TRUSTDIR_FILE, &err),
			 getegid() == 0 ? 0 : GA_TRUSTDIR_REFUSED);
}
END_TEST

/* ga_trustdir_tree_at() of scratch/rel */
static int tree_rel(const char *rel, struct ga_error *err)
{
	char p[PATH_MAX];
	int fd, rc;

	fd = ga_trustdir_open(at(p, rel), 0, err);
	ck_assert_msg(fd >= 0, "%s", err->msg);
	rc = ga_trustdir_tree_at(fd, p, err);
	close(fd);
	return rc;
}

START_TEST(test_a_tree_is_checked_to_its_last_file)
{
	struct ga_error err = { "" };
	char p[PATH_MAX], want[PATH_MAX + 64];
	int i;

	mkdir_at("t", 0755);
	mkdir_at("t/py", 0755);
	mkdir_at("t/py/m", 0755);
	touch_at("t/py/m/x.pyc", 0644);
	ck_assert_msg(tree_rel("t", &err) == 0, "%s", err.msg);
	/* a file deep in it that others can write */
	ck_assert_int_eq(chmod(at(p, "t/py/m/x.pyc"), 0666), 0);
	ck_assert_int_eq(tree_rel("t", &err), GA_TRUSTDIR_REFUSED);
	snprintf(want, sizeof(want), "refusing %s/t/py/m/x.pyc: writable by "
		 "other users", scratch);
	ck_assert_msg(strstr(err.msg, want), "%s", err.msg);
	ck_assert_int_eq(chmod(p, 0644), 0);
	/* a symlink, and what is neither file nor directory */
	ck_assert_int_eq(symlink("/etc", at(p, "t/py/l")), 0);
	ck_assert_int_eq(tree_rel("t", &err), GA_TRUSTDIR_REFUSED);
	ck_assert_msg(strstr(err.msg, "/t/py/l: a symbolic link"), "%s",
		      err.msg);
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(mkfifo(at(p, "t/fifo"), 0600), 0);
	ck_assert_int_eq(tree_rel("t", &err), GA_TRUSTDIR_REFUSED);
	ck_assert_msg(strstr(err.msg, "/t/fifo: neither a file nor a "
			     "directory"), "%s", err.msg);
	ck_assert_int_eq(unlink(p), 0);
	/* deeper than the bound */
	snprintf(p, sizeof(p), "t/deep");
	for (i = 0; i < GA_TRUSTDIR_DEPTH_MAX + 1; i++) {
		mkdir_at(p, 0755);
		strncat(p, "/d", sizeof(p) - strlen(p) - 1);
	}
	ck_assert_int_eq(tree_rel("t", &err), GA_TRUSTDIR_REFUSED);
	ck_assert_msg(strstr(err.msg, "levels deep"), "%s", err.msg);
}
END_TEST

START_TEST(test_the_cache_checks_what_goneaway_uses_in_it)
{
	struct ga_error err = { "" };
	char p[PATH_MAX], real[PATH_MAX], want[PATH_MAX + 64];

	mkdir_at("c", 0755);
	mkdir_at("c/drivers", 0755);
	mkdir_at("c/drivers/python", 0755);
	touch_at("c/drivers/python/m.pyc", 0644);
	mkdir_at("c/rootfs-x", 0755);
	mkdir_at("c/rootfs-x/template-0", 0700);
	/* not goneaway's: another program's, others may write it */
	mkdir_at("c/npm", 0777);
	ck_assert_msg(ga_check_cache(at(p, "c"), real, sizeof(real), &err) == 0,
		      "%s", err.msg);
	ck_assert_str_eq(real, p);
	/* what goneaway loads is checked to its last file */
	ck_assert_int_eq(chmod(at(p, "c/drivers/python/m.pyc"), 0666), 0);
	ck_assert_int_eq(ga_check_cache(at(p, "c"), real, sizeof(real), &err),
			 GA_TRUSTDIR_REFUSED);
	snprintf(want, sizeof(want), "the cache %s/c: refusing %s/c/drivers/"
		 "python/m.pyc: writable by other users", scratch, scratch);
	ck_assert_msg(strstr(err.msg, want), "%s", err.msg);
	ck_assert_int_eq(chmod(at(p, "c/drivers/python/m.pyc"), 0644), 0);
	/* a root's cache, entry by entry */
	ck_assert_int_eq(symlink("/tmp", at(p, "c/rootfs-x/template-1")), 0);
	ck_assert_int_eq(ga_check_cache(at(p, "c"), real, sizeof(real), &err),
			 GA_TRUSTDIR_REFUSED);
	ck_assert_msg(strstr(err.msg, "/c/rootfs-x/template-1: a symbolic "
			     "link"), "%s", err.msg);
	ck_assert_int_eq(unlink(at(p, "c/rootfs-x/template-1")), 0);
	/* a cache not there yet is made */
	ck_assert_msg(ga_check_cache(at(p, "c/new/cache"), real, sizeof(real),
				     &err) == 0, "%s", err.msg);
	ck_assert_int_eq(access(p, F_OK), 0);
}
END_TEST

START_TEST(test_another_users_level_is_refused)
{
	struct ga_error err = { "" };
	char p[PATH_MAX], want[PATH_MAX * 2 + 64];

	mkdir_at("u", 0755);
	mkdir_at("u/in", 0755);
	ck_assert_int_eq(chown(at(p, "u"), NOBODY, NOBODY), 0);
	ck_assert_int_eq(open_rel("u/in", 0, &err), GA_TRUSTDIR_REFUSED);
	snprintf(want, sizeof(want), "refusing %s/u/in: %s/u belongs to uid "
		 "%d, not to root or uid 0", scratch, scratch, NOBODY);
	ck_assert_msg(strstr(err.msg, want), "%s", err.msg);
	ck_assert_int_eq(open_rel("u", 0, &err), GA_TRUSTDIR_REFUSED);
	snprintf(want, sizeof(want), "refusing %s/u: belongs to uid %d",
		 scratch, NOBODY);
	ck_assert_msg(strstr(err.msg, want), "%s", err.msg);
	/* nothing is made in it */
	ck_assert_int_eq(open_rel("u/in/new", GA_TRUSTDIR_MAKE, &err),
			 GA_TRUSTDIR_REFUSED);
	ck_assert_int_ne(access(at(p, "u/in/new"), F_OK), 0);
	/* a file of theirs deep in a tree of ours */
	mkdir_at("t", 0755);
	mkdir_at("t/d", 0755);
	touch_at("t/d/f", 0644);
	ck_assert_int_eq(chown(at(p, "t/d/f"), NOBODY, NOBODY), 0);
	ck_assert_int_eq(tree_rel("t", &err), GA_TRUSTDIR_REFUSED);
	ck_assert_msg(strstr(err.msg, "/t/d/f: belongs to uid 65534"), "%s",
		      err.msg);
}
END_TEST

/* In a PID namespace of its own (so that it is PID 1 there, as the
 * other's is in its own), takes a server's user from the machine's
 * slots and writes it to fd, then holds it until the parent closes
 * hold[1] (the child closes its copy).  Returns the child's PID. */
static pid_t take_in_pidns(int fd, const int hold[2])
{
	struct ga_uid u;
	struct ga_error err;
	pid_t pid, inner;
	char c;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid > 0)
		return pid;
	close(hold[1]);
	if (unshare(CLONE_NEWPID) != 0)
		_exit(2);
	inner = fork();
	if (inner < 0)
		_exit(2);
	if (inner == 0) {
		if (getpid() != 1 ||
		    ga_uid_take(GA_UIDS_DIR, &u, &err) != 0)
			_exit(3);
		if (write(fd, &u.id, sizeof(u.id)) != sizeof(u.id))
			_exit(4);
		(void)!read(hold[0], &c, 1);     /* holds it until then */
		ga_uid_give(&u);
		_exit(0);
	}
	_exit(waitpid(inner, NULL, 0) == inner ? 0 : 5);
}

START_TEST(test_server_users_are_the_machines)
{
	int ids[2], hold[2], st;
	unsigned a = 0, b = 0;
	pid_t pa, pb;

	/* two servers, each of a run of its own cache, started by two
	 * processes with one PID (two containers, two run-all files):
	 * the slots are GA_UIDS_DIR's, not a cache's, so never one user */
	ck_assert_int_eq(pipe(ids), 0);
	ck_assert_int_eq(pipe(hold), 0);
	pa = take_in_pidns(ids[1], hold);
	ck_assert_int_eq(read(ids[0], &a, sizeof(a)), (ssize_t)sizeof(a));
	pb = take_in_pidns(ids[1], hold);
	ck_assert_int_eq(read(ids[0], &b, sizeof(b)), (ssize_t)sizeof(b));
	close(hold[1]);
	ck_assert_int_eq(waitpid(pa, &st, 0), pa);
	ck_assert_int_eq(st, 0);
	ck_assert_int_eq(waitpid(pb, &st, 0), pb);
	ck_assert_int_eq(st, 0);
	close(ids[0]);
	close(ids[1]);
	close(hold[0]);
	ck_assert_uint_ge(a, GA_UIDS_BASE);
	ck_assert_uint_ge(b, GA_UIDS_BASE);
	ck_assert_msg(a != b, "two servers got one user, %u", a);
}
END_TEST

START_TEST(test_a_slots_dir_of_another_user_is_refused)
{
	struct ga_uid u;
	struct ga_error err = { "" };
	char p[PATH_MAX];

	mkdir_at("slots", 0755);
	ck_assert_int_eq(chown(at(p, "slots"), NOBODY, NOBODY), 0);
	ck_assert_int_eq(ga_uid_take(p, &u, &err), -1);
	ck_assert_msg(strstr(err.msg, "the servers' user slots: refusing "),
		      "%s", err.msg);
	ck_assert_uint_eq(u.id, 0);
	ck_assert_int_eq(u.lock_fd, -1);
}
END_TEST

Suite *make_trustdir_suite(struct unit_needs *needs)
{
	Suite *s = suite_create("trustdir");
	TCase *tc = tcase_create("walk");

	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_own_dirs_pass_and_missing_ones_are_made);
	tcase_add_test(tc, test_a_symlink_is_refused_at_every_level);
	tcase_add_test(tc, test_writable_by_others_refused_sticky_above_passes);
	tcase_add_test(tc, test_a_tree_is_checked_to_its_last_file);
	tcase_add_test(tc, test_the_cache_checks_what_goneaway_uses_in_it);
	suite_add_tcase(s, tc);

	if (unit_needs_root(needs, "trustdir", "owners", "chown")) {
		tc = tcase_create("owners");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_test(tc, test_another_users_level_is_refused);
		tcase_add_test(tc, test_a_slots_dir_of_another_user_is_refused);
		suite_add_tcase(s, tc);
	}
	if (unit_needs_root(needs, "trustdir", "uids",
			    "PID namespaces, " GA_UIDS_DIR)) {
		tc = tcase_create("uids");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_test(tc, test_server_users_are_the_machines);
		suite_add_tcase(s, tc);
	}
	return s;
}
