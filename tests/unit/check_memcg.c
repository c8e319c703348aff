/* check_memcg.c - tests for memcg.c: a server's memory limit of its own.
 *
 * The parsers of /proc/self/mountinfo and /proc/self/cgroup, and of the
 * cgroups' counters, are pure and tested on texts (cgroup v1 and v2
 * alike).  The rest makes real cgroups, as root, below a private cgroup
 * made for the test case inside the test process's own (the unchecked
 * fixture makes it and removes it, with anything a failed test left in
 * it, in the runner's process): a run's cgroup and a server's, a shell
 * started in it, one that grows past its limit and meets the OOM
 * killer, and the sweep of a run that ended without removing its
 * cgroups.  Without root, or on a kernel without a memory controller
 * goneaway can use, those test cases are left out and say why.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab/memcg.h"
#include "race_util.h"
#include "lab/spawn.h"
#include "util/fsutil.h"
#include "suites.h"

#define TIMEOUT 20

/* ---- pure parts ------------------------------------------------------------ */

static const char v1_mountinfo[] =
	"22 1 0:21 / / rw,relatime - ext4 /dev/vda1 rw\n"
	"30 22 0:26 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755\n"
	"31 30 0:27 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"33 30 0:29 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup "
	"cgroup rw,memory\n"
	"38 30 0:34 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

static const char v2_mountinfo[] =
	"22 1 0:21 / / rw,relatime - ext4 /dev/vda1 rw\n"
	"30 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 "
	"- cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";

START_TEST(test_mountinfo_v1_first)
{
	enum ga_memcg_version v = GA_MEMCG_NONE;
	char mount[PATH_MAX], root[PATH_MAX];

	ck_assert_int_eq(ga_memcg_parse_mountinfo(v1_mountinfo, &v, mount,
						  sizeof(mount), root,
						  sizeof(root)), 0);
	ck_assert_int_eq(v, GA_MEMCG_V1);
	ck_assert_str_eq(mount, "/sys/fs/cgroup/memory");
	ck_assert_str_eq(root, "/");
}
END_TEST

START_TEST(test_mountinfo_v2)
{
	enum ga_memcg_version v = GA_MEMCG_NONE;
	char mount[PATH_MAX], root[PATH_MAX];

	ck_assert_int_eq(ga_memcg_parse_mountinfo(v2_mountinfo, &v, mount,
						  sizeof(mount), root,
						  sizeof(root)), 0);
	ck_assert_int_eq(v, GA_MEMCG_V2);
	ck_assert_str_eq(mount, "/sys/fs/cgroup");
}
END_TEST

START_TEST(test_mountinfo_escapes_and_none)
{
	enum ga_memcg_version v = GA_MEMCG_NONE;
	char mount[PATH_MAX], root[PATH_MAX];
	/* a blank in the mount point is "\040"; a combined hierarchy */
	const char combined[] =
		"33 30 0:29 /sub /cg\\040x rw - cgroup cgroup rw,cpu,memory\n";
	const char none[] =
		"22 1 0:21 / / rw,relatime - ext4 /dev/vda1 rw\n"
		"31 30 0:27 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
		"broken line without a dash\n";

	ck_assert_int_eq(ga_memcg_parse_mountinfo(combined, &v, mount,
						  sizeof(mount), root,
						  sizeof(root)), 0);
	ck_assert_int_eq(v, GA_MEMCG_V1);
	ck_assert_str_eq(mount, "/cg x");
	ck_assert_str_eq(root, "/sub");
	ck_assert_int_eq(ga_memcg_parse_mountinfo(none, &v, mount,
						  sizeof(mount), root,
						  sizeof(root)), 1);
	/* "memoryx" is not memory */
	ck_assert_int_eq(ga_memcg_parse_mountinfo(
		"1 1 0:1 / /m rw - cgroup cgroup rw,memoryx\n", &v, mount,
		sizeof(mount), root, sizeof(root)), 1);
}
END_TEST

START_TEST(test_own_cgroup)
{
	const char text[] =
		"9:name=systemd:/\n"
		"4:cpu,memory:/process_api/abc\n"
		"0::/user.slice/session-3.scope\n";
	char path[PATH_MAX];

	ck_assert_int_eq(ga_memcg_parse_own(text, GA_MEMCG_V1, path,
					    sizeof(path)), 0);
	ck_assert_str_eq(path, "/process_api/abc");
	ck_assert_int_eq(ga_memcg_parse_own(text, GA_MEMCG_V2, path,
					    sizeof(path)), 0);
	ck_assert_str_eq(path, "/user.slice/session-3.scope");
	ck_assert_int_eq(ga_memcg_parse_own("1:cpu:/x\n", GA_MEMCG_V1, path,
					    sizeof(path)), 1);
	ck_assert_int_eq(ga_memcg_parse_own("4:memory:\n", GA_MEMCG_V1, path,
					    sizeof(path)), 1);
	ck_assert_int_eq(ga_memcg_parse_own("", GA_MEMCG_V2, path,
					    sizeof(path)), 1);
}
END_TEST

START_TEST(test_dir_under_mount)
{
	char dir[PATH_MAX];

	ck_assert_int_eq(ga_memcg_dir("/sys/fs/cgroup/memory", "/", "/a/b",
				      dir, sizeof(dir)), 0);
	ck_assert_str_eq(dir, "/sys/fs/cgroup/memory/a/b");
	ck_assert_int_eq(ga_memcg_dir("/sys/fs/cgroup/memory", "/", "/", dir,
				      sizeof(dir)), 0);
	ck_assert_str_eq(dir, "/sys/fs/cgroup/memory");
	/* a mount showing /a: /a/b is its b; /ab is not below it */
	ck_assert_int_eq(ga_memcg_dir("/m", "/a", "/a/b", dir, sizeof(dir)), 0);
	ck_assert_str_eq(dir, "/m/b");
	ck_assert_int_eq(ga_memcg_dir("/m", "/a", "/a", dir, sizeof(dir)), 0);
	ck_assert_str_eq(dir, "/m");
	ck_assert_int_eq(ga_memcg_dir("/m", "/a", "/ab", dir, sizeof(dir)), 1);
	ck_assert_int_eq(ga_memcg_dir("/m", "/a", "/b", dir, sizeof(dir)), 1);
	ck_assert_int_eq(ga_memcg_dir("/m", "/", "/a/b", dir, 6), -1);
}
END_TEST

START_TEST(test_counters)
{
	const char v1[] = "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n";
	const char v2[] = "low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\n"
			  "oom_group_kill 0\n";
	long long n = -1;

	ck_assert_int_eq(ga_memcg_parse_key(v1, "oom_kill", &n), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(ga_memcg_parse_key(v2, "oom_kill", &n), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(ga_memcg_parse_key(v2, "oom", &n), 0);
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(ga_memcg_parse_key("oom_kill x\n", "oom_kill", &n), 1);
	ck_assert_int_eq(ga_memcg_parse_key("under_oom 0\n", "oom_kill", &n),
			 1);
	ck_assert(ga_memcg_has_word("cpu io memory pids\n", "memory"));
	ck_assert(ga_memcg_has_word("rw,cpu,memory", "memory"));
	ck_assert(!ga_memcg_has_word("cpu memoryx", "memory"));
	ck_assert(!ga_memcg_has_word("", "memory"));
}
END_TEST

/* ---- real cgroups ------------------------------------------------------------ */

/* The test case's private cgroup, in the test process's own: every
 * test's cgroups are made in it, as a run's are in goneaway's own. */
static struct ga_memcg_home home;
static char private_dir[PATH_MAX];

/* Removes the cgroup directories below dir, deepest first (a failed
 * test's), and dir itself when gone_too. */
static void remove_tree(const char *dir, bool gone_too)
{
	char cmd[PATH_MAX + 128];

	snprintf(cmd, sizeof(cmd), "find '%s' -mindepth %d -depth -type d "
		 "-exec rmdir {} + 2>/dev/null", dir, gone_too ? 0 : 1);
	if (system(cmd) < 0)
		fprintf(stderr, "check_memcg: %s failed\n", cmd);
}

static void private_setup(void)
{
	struct ga_error err;

	ck_assert_msg(ga_memcg_home(&home, &err) == 0, "%s", err.msg);
	snprintf(private_dir, sizeof(private_dir), "%s/ga-unit-memcg-%ld",
		 home.own, (long)getpid());
	ck_assert_msg(mkdir(private_dir, 0755) == 0, "mkdir %s: %s",
		      private_dir, strerror(errno));
	if (home.version == GA_MEMCG_V2) {
		/* hand memory down, as goneaway's own cgroup must */
		char path[PATH_MAX + 32];
		int fd;

		snprintf(path, sizeof(path), "%s/cgroup.subtree_control",
			 private_dir);
		fd = open(path, O_WRONLY);
		ck_assert(fd >= 0 && write(fd, "+memory", 7) == 7);
		close(fd);
	}
	/* the tests see it as goneaway's own */
	snprintf(home.own, sizeof(home.own), "%s", private_dir);
}

static void private_teardown(void)
{
	if (private_dir[0])
		remove_tree(private_dir, true);
	private_dir[0] = '\0';
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Runs "sh -c script" in cg, output into out (a file), to its end:
 * *status as waitpid gives it. */
static void run_in(const struct ga_memcg *cg, const char *script,
		   const char *out, int *status)
{
	const char *argv[] = { "/bin/sh", "-c", script, NULL };
	struct ga_spawn_opts o;
	struct ga_error err;
	pid_t pid;
	int pidfd;

	memset(&o, 0, sizeof(o));
	o.argv = argv;
	o.netns_fd = -1;
	o.output_path = out;
	o.in_cgroup = true;
	o.cgroup_fd = cg->procs_fd;
	ck_assert_msg(ga_spawn(&o, &pid, &pidfd, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(waitpid(pid, status, 0), pid);
	close(pidfd);
}

START_TEST(test_server_cgroup_made_and_removed)
{
	struct ga_memcg_run run;
	struct ga_memcg cg;
	struct ga_error err;
	char out[PATH_MAX], want[PATH_MAX], *text = NULL;
	long long kills = -1;
	int status;

	ck_assert_msg(ga_memcg_run_open(&run, &home, "unit1", &err) == 0, "%s",
		      err.msg);
	ck_assert(strstr(run.path, "/" GA_MEMCG_RUN_PREFIX "unit1") != NULL);
	ck_assert_int_ge(run.lock_fd, 0);
	ck_assert_msg(ga_memcg_make(&cg, &run, "s1", 32LL << 20, &err) == 0,
		      "%s", err.msg);
	ck_assert(is_dir(cg.path));
	ck_assert_int_eq(cg.limit, 32LL << 20);

	/* the child is in the cgroup before it execs */
	snprintf(out, sizeof(out), "%s/ga-unit-memcg-XXXXXX",
		 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") :
		 "/tmp");
	status = mkstemp(out);
	ck_assert_int_ge(status, 0);
	close(status);
	run_in(&cg, "cat /proc/self/cgroup", out, &status);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(ga_file_read(out, 1 << 16, &text, NULL, &err), 0);
	unlink(out);
	snprintf(want, sizeof(want), "/" GA_MEMCG_RUN_PREFIX "unit1/s1\n");
	ck_assert_msg(strstr(text, want) != NULL, "%s", text);
	free(text);
	ck_assert_int_eq(ga_memcg_oom_kills(&cg, &kills, &err), 0);
	ck_assert_int_eq(kills, 0);

	ck_assert_msg(ga_memcg_remove(&cg, &err) == 0, "%s", err.msg);
	ck_assert_msg(ga_memcg_remove(&cg, &err) == 0, "again: %s", err.msg);
	ck_assert_msg(ga_memcg_run_close(&run, &err) == 0, "%s", err.msg);
	ck_assert_msg(ga_memcg_run_close(&run, &err) == 0, "again: %s",
		      err.msg);
	snprintf(want, sizeof(want), "%s/" GA_MEMCG_RUN_PREFIX "unit1",
		 private_dir);
	ck_assert(!is_dir(want));
}
END_TEST

/* A process that grows past its cgroup's limit is killed by the OOM
 * killer, and the count says so. */
START_TEST(test_oom_killer_counted)
{
	struct ga_memcg_run run;
	struct ga_memcg cg;
	struct ga_error err;
	long long kills = -1;
	int status;

	ck_assert_int_eq(ga_memcg_run_open(&run, &home, "unit2", &err), 0);
	ck_assert_int_eq(ga_memcg_make(&cg, &run, "s1", GA_MEMCG_MIN_BYTES,
				       &err), 0);
	/* 64 MiB held in a shell variable, four times the limit */
	run_in(&cg, "x=$(head -c 67108864 /dev/zero | tr '\\000' a); "
	       "echo ${#x}", NULL, &status);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		      "status %#x", status);
	ck_assert_int_eq(ga_memcg_oom_kills(&cg, &kills, &err), 0);
	ck_assert_int_ge(kills, 1);
	ck_assert_int_ge(ga_memcg_peak(&cg), GA_MEMCG_MIN_BYTES / 2);
	ck_assert_int_eq(ga_memcg_remove(&cg, &err), 0);
	ck_assert_int_eq(ga_memcg_run_close(&run, &err), 0);
}
END_TEST

START_TEST(test_limits_refused)
{
	struct ga_memcg_run run;
	struct ga_memcg cg;
	struct ga_error err;
	char path[PATH_MAX + 16];

	ck_assert_int_eq(ga_memcg_run_open(&run, &home, "unit3", &err), 0);
	ck_assert_int_eq(ga_memcg_make(&cg, &run, "s1", GA_MEMCG_MIN_BYTES - 1,
				       &err), -1);
	ck_assert_int_eq(ga_memcg_make(&cg, &run, "../s1", 32LL << 20, &err),
			 -1);
	ck_assert_int_eq(ga_memcg_make(&cg, &run, "", 32LL << 20, &err), -1);
	snprintf(path, sizeof(path), "%s/s1", run.path);
	ck_assert(!is_dir(path));
	ck_assert_int_eq(ga_memcg_run_close(&run, &err), 0);
	ck_assert_int_eq(ga_memcg_run_open(&run, &home, "a/b", &err), -1);
	ck_assert_str_eq(run.path, "");
}
END_TEST

/* A run that ends without removing its cgroups (SIGKILLed): its lock
 * goes with it, and the sweep removes them; a live run's stay. */
START_TEST(test_sweep_removes_gone_runs_only)
{
	struct ga_memcg_run live;
	struct ga_memcg cg;
	struct ga_error err;
	char gone[PATH_MAX];
	int removed = -1, left = -1, status;
	pid_t pid;

	ck_assert_int_eq(ga_memcg_run_open(&live, &home, "live", &err), 0);
	ck_assert_int_eq(ga_memcg_make(&cg, &live, "s1", 32LL << 20, &err), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct ga_memcg_run run;
		struct ga_memcg c2;

		if (ga_memcg_run_open(&run, &home, "gone", &err) ||
		    ga_memcg_make(&c2, &run, "s7", 32LL << 20, &err))
			_exit(1);
		_exit(0);       /* as if SIGKILLed: nothing removed */
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	snprintf(gone, sizeof(gone), "%s/" GA_MEMCG_RUN_PREFIX "gone/s7",
		 private_dir);
	ck_assert(is_dir(gone));

	ck_assert_int_eq(ga_memcg_sweep(private_dir, 0, &removed, &left, &err),
			 0);
	ck_assert_int_eq(removed, 1);
	ck_assert_int_eq(left, 0);
	ck_assert(!is_dir(gone));
	ck_assert(is_dir(cg.path));     /* the live run's */
	ck_assert(is_dir(live.path));
	ck_assert_int_eq(ga_memcg_remove(&cg, &err), 0);
	ck_assert_int_eq(ga_memcg_run_close(&live, &err), 0);
}
END_TEST

/* A run's cgroup is never swept while it is made: each -j worker's
 * runner sweeps the runs' cgroups as its siblings make theirs
 * (run/runner.c).  A child sweeps in a loop while this process makes
 * and closes runs' cgroups, each of them live from its making to its
 * removal: a sweep that removed one took a live run's. */
static int make_end_memcg(void *ctx, struct ga_error *err)
{
	struct ga_memcg_run run;

	(void)ctx;
	if (ga_memcg_run_open(&run, &home, "race", err) != 0)
		return -1;
	ck_assert_msg(ga_memcg_run_close(&run, err) == 0, "%s", err->msg);
	return 0;
}

static int sweep_memcg(void *ctx)
{
	struct ga_error err;
	int removed, left;

	(void)ctx;
	return ga_memcg_sweep(private_dir, 0, &removed, &left, &err) == 0 ?
	       removed : 0;
}

START_TEST(test_sweep_never_takes_a_run_being_made)
{
	struct unit_race r;

	unit_race(make_end_memcg, sweep_memcg, NULL, 1500, &r);
	unit_race_assert_clean(&r, "runs' cgroups");
}
END_TEST

/* A lock of goneaway's own cgroup that another process keeps (a stuck
 * run, another program) is waited for a bounded time: a run's make
 * fails with what it waited for, and a sweep leaves the runs to the
 * next one, each within a few seconds, never a hang. */
START_TEST(test_parent_lock_kept_is_bounded)
{
	struct ga_memcg_run run, gone;
	struct ga_error err = { "" };
	struct timespec t0, t1;
	int fd, removed = -1, left = -1, status;
	pid_t pid;

	/* a run gone without removing its cgroup, for the sweep */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(ga_memcg_run_open(&gone, &home, "gone", &err) ? 1 : 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	fd = open(private_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	/* kept exclusive: no run is made in it */
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_ne(ga_memcg_run_open(&run, &home, "blocked", &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_msg(strstr(err.msg, "lock ") != NULL, "%s", err.msg);
	ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 6);
	ck_assert_int_eq(flock(fd, LOCK_UN), 0);
	/* kept shared (a maker that never ends): the sweep leaves the
	 * gone run to the next one */
	ck_assert_int_eq(flock(fd, LOCK_SH), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(ga_memcg_sweep(private_dir, 0, &removed, &left, &err),
			 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_eq(removed, 0);
	ck_assert_int_eq(left, 1);
	ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 6);
	close(fd);
	ck_assert_int_eq(ga_memcg_sweep(private_dir, 0, &removed, &left, &err),
			 0);
	ck_assert_int_eq(removed, 1);
}
END_TEST

Suite *make_memcg_suite(struct unit_needs *needs)
{
	Suite *s = suite_create("memcg");
	struct ga_memcg_home h;
	struct ga_error err;
	TCase *tc;

	tc = tcase_create("parse");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_mountinfo_v1_first);
	tcase_add_test(tc, test_mountinfo_v2);
	tcase_add_test(tc, test_mountinfo_escapes_and_none);
	tcase_add_test(tc, test_own_cgroup);
	tcase_add_test(tc, test_dir_under_mount);
	tcase_add_test(tc, test_counters);
	suite_add_tcase(s, tc);

	if (!unit_needs_root(needs, "memcg", "cgroups", "cgroups"))
		return s;
	/* a kernel without a memory controller goneaway can use: said,
	 * as goneaway doctor says it */
	if (ga_memcg_home(&h, &err)) {
		fprintf(needs->out, "SKIP memcg/cgroups: %s\n", err.msg);
		return s;
	}
	tc = tcase_create("cgroups");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_unchecked_fixture(tc, private_setup, private_teardown);
	tcase_add_test(tc, test_server_cgroup_made_and_removed);
	tcase_add_test(tc, test_oom_killer_counted);
	tcase_add_test(tc, test_limits_refused);
	tcase_add_test(tc, test_sweep_removes_gone_runs_only);
	tcase_add_test(tc, test_sweep_never_takes_a_run_being_made);
	tcase_add_test(tc, test_parent_lock_kept_is_bounded);
	suite_add_tcase(s, tc);
	return s;
}
