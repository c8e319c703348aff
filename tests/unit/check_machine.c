/* check_machine.c - the work the machine can carry (issue 28): how a
 * harness bound is stretched by the load and what it says when hit
 * (util/machine.c), the server starts in flight (server/starts.c: a
 * counting semaphore of flocked files; flock locks belong to open file
 * descriptions, so two takes in this process conflict as two processes'
 * would) and the default -j (GONEAWAY_JOBS, the cores, a start's
 * weight). */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/jobs.h"
#include "server/starts.h"
#include "util/fsutil.h"
#include "util/machine.h"
#include "util/proccpu.h"
#include "suites.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>

START_TEST(stretch_follows_the_load_per_core)
{
	struct ga_machine idle = { 0.5, 2, -1 }, busy = { 7.3, 2, -1 };
	struct ga_machine unknown = { -1, 2, -1 }, swamped = { 400, 2, -1 };

	ck_assert(ga_machine_stretch(&idle) == 1.0);
	ck_assert(ga_machine_stretch(&unknown) == 1.0);
	ck_assert(ga_machine_stretch(&busy) > 3.64 &&
		  ga_machine_stretch(&busy) < 3.66);
	ck_assert(ga_machine_stretch(&swamped) == GA_MACHINE_MAX_STRETCH);
	ck_assert_int_eq(ga_machine_bound(30000, &idle), 30000);
	ck_assert_int_eq(ga_machine_bound(30000, &busy), 109500);
}
END_TEST

START_TEST(too_slow_says_how_slow)
{
	struct ga_machine busy = { 7.3, 2, -1 }, one = { -1, 1, -1 };
	struct ga_machine pressed = { 1.1, 2, 0.64 };
	char buf[200];

	ga_machine_too_slow(&busy, "the last start took 2.1 s", buf,
			    sizeof(buf));
	ck_assert_str_eq(buf, "(the last start took 2.1 s; load average 7.3 "
			 "on 2 cores): the machine is too slow");
	ga_machine_too_slow(&one, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "(load average unknown, 1 core): the machine "
			 "is too slow");
	ga_machine_too_slow(&pressed, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "(load average 1.1 on 2 cores, CPU pressure "
			 "64%): the machine is too slow");
}
END_TEST

/* The load average lags a minute behind: CPU pressure of the last 10 s
 * stretches a bound when it says more (a task that waits for a CPU 75%
 * of the time runs at a quarter of its speed). */
START_TEST(stretch_follows_the_pressure)
{
	struct ga_machine calm = { 0.1, 2, 0 }, pressed = { 0.5, 2, 0.75 };
	struct ga_machine both = { 9.0, 2, 0.5 }, full = { 0.1, 2, 1.0 };

	ck_assert(ga_machine_stretch(&calm) == 1.0);
	ck_assert(ga_machine_stretch(&pressed) > 3.99 &&
		  ga_machine_stretch(&pressed) < 4.01);
	ck_assert(ga_machine_stretch(&both) == 4.5);
	ck_assert(ga_machine_stretch(&full) == GA_MACHINE_MAX_STRETCH);
}
END_TEST

/* A deadline only grows, and never under the floor (what the machine
 * just did). */
START_TEST(extend_only_grows)
{
	struct ga_machine m;
	double deadline = 0;
	long b1, b2;

	b1 = ga_machine_extend(1000, 100, 0, &deadline, &m);
	ck_assert_int_ge(b1, 100);
	ck_assert(deadline == 1000 + b1);
	/* a later look at a calmer machine never moves it earlier */
	deadline += 5000;
	b2 = ga_machine_extend(1000, 100, 0, &deadline, &m);
	ck_assert_int_eq(b2, b1 + 5000);
	deadline = 0;
	ck_assert_int_ge(ga_machine_extend(0, 10, 60000, &deadline, &m),
			 60000);
	ck_assert(deadline >= 60000);
}
END_TEST

static char dir[PATH_MAX];

static void make_dir(void)
{
	snprintf(dir, sizeof(dir), "%s/ga-check-starts.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
	struct ga_error ignored;

	ga_tree_remove(dir, &ignored);
}

START_TEST(starts_in_flight_are_bounded)
{
	struct ga_starts_held a, b;
	struct ga_error err;

	make_dir();
	/* a MySQL start (weight 2) takes both slots of two cores */
	ck_assert_int_eq(ga_starts_take(dir, 2, 2, 1000, NULL, &a, &err), 0);
	ck_assert_uint_eq(a.n, 2);
	/* a MariaDB start waits for one, and gives up at its bound */
	ck_assert_int_eq(ga_starts_take(dir, 2, 1, 30, NULL, &b, &err), -1);
	ck_assert_uint_eq(b.n, 0);
	ck_assert_msg(strstr(err.msg, "no 1 of the 2 server start slots"),
		      "%s", err.msg);
	ga_starts_give(&a);
	ck_assert_uint_eq(a.n, 0);
	ck_assert_int_eq(ga_starts_take(dir, 2, 1, 30, NULL, &b, &err), 0);
	ga_starts_give(&b);
	/* a weight above the slots takes them all (one core) */
	ck_assert_int_eq(ga_starts_take(dir, 1, 2, 30, NULL, &a, &err), 0);
	ck_assert_uint_eq(a.n, 1);
	ck_assert_int_eq(ga_starts_take(dir, 1, 1, 30, NULL, &b, &err), -1);
	ga_starts_give(&a);
	remove_dir();
}
END_TEST

/* count of waiters' tickets (starts/wait-*) in dir */
static int tickets(void)
{
	char path[PATH_MAX];
	struct dirent *e;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/starts", dir);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, "wait-", 5) == 0;
	closedir(d);
	return n;
}

/* until n tickets wait (at most 1 s: then the order is what says) */
static void wait_tickets(int n)
{
	int i;

	for (i = 0; i < 100 && tickets() != n; i++)
		usleep(10000);
}

/* a child that takes weight slots and writes its letter once it has
 * them, holds them 100 ms, gives them back and exits; it closes its
 * copies of the parent's slots (held), whose locks it would share */
static pid_t taker(unsigned weight, char letter, int wfd,
		   struct ga_starts_held *held)
{
	struct ga_starts_held h;
	struct ga_error err;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid)
		return pid;
	ga_starts_give(held);   /* the child's copies; the locks stay */
	if (ga_starts_take(dir, 2, weight, 10000, NULL, &h, &err) != 0)
		_exit(1);
	if (write(wfd, &letter, 1) != 1)
		_exit(1);
	usleep(100000);
	ga_starts_give(&h);
	_exit(0);
}

START_TEST(starts_are_first_come_first_served)
{
	struct ga_starts_held a;
	struct ga_error err;
	char order[3] = "";
	int p[2], status;
	pid_t b, c;

	make_dir();
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(ga_starts_take(dir, 2, 2, 1000, NULL, &a, &err), 0);
	/* B, a MySQL start (weight 2), comes first; C, weight 1, after */
	b = taker(2, 'B', p[1], &a);
	wait_tickets(1);
	c = taker(1, 'C', p[1], &a);
	wait_tickets(2);
	/* one slot free: enough for C, but B came first */
	close(a.fds[1]);
	a.n = 1;
	usleep(200000);
	ga_starts_give(&a);
	close(p[1]);
	ck_assert_int_eq(read(p[0], order, 1), 1);
	ck_assert_int_eq(read(p[0], order + 1, 1), 1);
	ck_assert_str_eq(order, "BC");
	ck_assert_int_eq(waitpid(b, &status, 0), b);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(waitpid(c, &status, 0), c);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(p[0]);
	ck_assert_int_eq(tickets(), 0);
	remove_dir();
}
END_TEST

START_TEST(a_dead_waiter_does_not_hold_the_queue)
{
	struct ga_starts_held a, b;
	struct ga_error err;
	int p[2], status;
	pid_t d;

	make_dir();
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(ga_starts_take(dir, 2, 2, 1000, NULL, &a, &err), 0);
	d = taker(1, 'D', p[1], &a);
	wait_tickets(1);
	kill(d, SIGKILL);
	ck_assert_int_eq(waitpid(d, &status, 0), d);
	ga_starts_give(&a);
	/* its ticket is left, unlocked: the next take goes past it */
	ck_assert_int_eq(tickets(), 1);
	ck_assert_int_eq(ga_starts_take(dir, 2, 1, 1000, NULL, &b, &err), 0);
	ck_assert_msg(b.waited_ms < 500, "waited %.0f ms", b.waited_ms);
	ga_starts_give(&b);
	ck_assert_int_eq(tickets(), 0);
	close(p[0]);
	close(p[1]);
	remove_dir();
}
END_TEST

START_TEST(default_jobs_honours_goneaway_jobs)
{
	struct ga_error err;
	unsigned jobs = 0;
	char why[160];

	ck_assert_int_eq(ga_default_jobs("3", 100, 64, 0, false, &jobs, why,
					 sizeof(why), &err), 0);
	ck_assert_uint_eq(jobs, 3);
	ck_assert_str_eq(why, "GONEAWAY_JOBS=3");
	ck_assert_int_eq(ga_default_jobs("3", 2, 64, 0, false, &jobs, why,
					 sizeof(why), &err), 0);
	ck_assert_uint_eq(jobs, 2);
	ck_assert_int_eq(ga_default_jobs("0", 100, 64, 0, false, &jobs, why,
					 sizeof(why), &err), -1);
	ck_assert_int_eq(ga_default_jobs("65", 100, 64, 0, false, &jobs, why,
					 sizeof(why), &err), -1);
	ck_assert_int_eq(ga_default_jobs("4x", 100, 64, 0, false, &jobs, why,
					 sizeof(why), &err), -1);
	ck_assert_msg(strstr(err.msg, "GONEAWAY_JOBS='4x'"), "%s", err.msg);
}
END_TEST

/* Two start slots a core, the cores online (server/starts.h) */
START_TEST(start_slots_are_two_a_core)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned want = ga_starts_cores() * GA_STARTS_PER_CORE;

	ck_assert_uint_eq(GA_STARTS_PER_CORE, 2);
	ck_assert_uint_eq(ga_starts_cores(), online < 1 ? 1 :
			  online > GA_STARTS_MAX ? GA_STARTS_MAX :
			  (unsigned)online);
	ck_assert_uint_eq(ga_starts_slots(), want > GA_STARTS_MAX ?
			  GA_STARTS_MAX : want);
}
END_TEST

START_TEST(default_jobs_follow_cores_and_start_cost)
{
	struct ga_error err;
	unsigned jobs = 0, unset = 0, cores = ga_starts_cores();
	char why[160], want[96];

	ck_assert_int_eq(ga_default_jobs(NULL, 0, 64, 0, false, &jobs, why,
					 sizeof(why), &err), 0);
	ck_assert_uint_eq(jobs, cores * GA_JOBS_PER_CORE > 64 ? 64 :
			  cores * GA_JOBS_PER_CORE);
	snprintf(want, sizeof(want), "%u core%s x %u per core", cores,
		 cores == 1 ? "" : "s", GA_JOBS_PER_CORE);
	ck_assert_str_eq(why, want);
	/* a driver's run: fewer a core */
	ck_assert_int_eq(ga_default_jobs(NULL, 0, 64, 0, true, &unset, why,
					 sizeof(why), &err), 0);
	ck_assert_uint_eq(unset, cores * GA_JOBS_PER_CORE_DRIVERS > 64 ? 64 :
			  cores * GA_JOBS_PER_CORE_DRIVERS);
	snprintf(want, sizeof(want), "%u core%s x %u per core with a driver",
		 cores, cores == 1 ? "" : "s", GA_JOBS_PER_CORE_DRIVERS);
	ck_assert_str_eq(why, want);
	/* "" is not set, as NULL */
	ck_assert_int_eq(ga_default_jobs("", 0, 64, 0, false, &unset, why,
					 sizeof(why), &err), 0);
	ck_assert_uint_eq(unset, jobs);
	/* a worker per GA_JOB_MEMORY_MIB of the memory available at most,
	 * and one whatever it is; GONEAWAY_JOBS is the user's */
	ck_assert_int_eq(ga_default_jobs(NULL, 0, 64, 3 * GA_JOB_MEMORY_MIB + 5,
					 false, &jobs, why, sizeof(why), &err), 0);
	ck_assert_uint_eq(jobs, cores * GA_JOBS_PER_CORE < 3 ?
			  cores * GA_JOBS_PER_CORE : 3);
	if (cores * GA_JOBS_PER_CORE > 3) {
		snprintf(want, sizeof(want), ", 1 per %u MiB of the %u MiB "
			 "available", GA_JOB_MEMORY_MIB,
			 3 * GA_JOB_MEMORY_MIB + 5);
		ck_assert_msg(strstr(why, want), "%s", why);
	}
	ck_assert_int_eq(ga_default_jobs(NULL, 0, 64, 100, false, &jobs, why,
					 sizeof(why), &err), 0);
	ck_assert_uint_eq(jobs, 1);
	ck_assert_int_eq(ga_default_jobs("7", 0, 64, 100, false, &jobs, why,
					 sizeof(why), &err), 0);
	ck_assert_uint_eq(jobs, 7);
	/* plenty: the cores alone */
	ck_assert_int_eq(ga_default_jobs(NULL, 0, 64, 1ULL << 30, false, &jobs, why,
					 sizeof(why), &err), 0);
	ck_assert_uint_eq(jobs, cores * GA_JOBS_PER_CORE > 64 ? 64 :
			  cores * GA_JOBS_PER_CORE);
	ck_assert_uint_ne(ga_mem_available_mib(), 0);
	/* the starts in flight, not the workers, follow a start's cost */
	ck_assert_uint_eq(ga_server_start_weight(GA_FLAVOUR_MYSQL), 2);
	ck_assert_uint_eq(ga_server_start_weight(GA_FLAVOUR_MARIADB), 1);
}
END_TEST

/* A stat line: COMM may hold blanks and parentheses, the last ')' ends
 * it; a process's ticks are its own and its reaped children's. */
START_TEST(proc_stat_is_parsed)
{
	struct ga_proc_cpu p;

	ck_assert_int_eq(ga_proc_cpu_parse("4242 (my (odd) name) S 17 4242 "
		"4242 0 -1 4194560 100 0 0 0 120 30 7 3 20 0 1 0 99 0 0",
		&p), 0);
	ck_assert_int_eq(p.pid, 4242);
	ck_assert_int_eq(p.ppid, 17);
	ck_assert_uint_eq(p.ticks, 160);
	ck_assert_int_eq(ga_proc_cpu_parse("4242 (cut) S 17 4242", &p), -1);
	ck_assert_int_eq(ga_proc_cpu_parse("no pid here", &p), -1);
	ck_assert_int_eq(ga_proc_cpu_parse("", &p), -1);
}
END_TEST

/* The tree below a root, whatever the order of the list: a grandchild
 * listed before its parent, a branch of someone else's, two that name
 * each other (a PID reused between two reads) left out. */
START_TEST(proc_tree_sums_the_descendants)
{
	struct ga_proc_cpu ps[] = {
		{ 1, 0, 1000 },         /* init: not the run's */
		{ 90, 50, 7 },          /* a grandchild, before its parent */
		{ 10, 1, 100 },         /* the root */
		{ 50, 10, 20 },         /* its worker */
		{ 51, 10, 30 },         /* another */
		{ 200, 90, 1 },         /* a great-grandchild */
		{ 60, 1, 500 },         /* a hog of someone else's */
		{ 61, 60, 400 },
		{ 70, 71, 9 },          /* a ring: nobody's */
		{ 71, 70, 9 },
	};

	ck_assert_uint_eq(ga_proc_cpu_tree(ps, 10, 10), 158);
	ck_assert_uint_eq(ga_proc_cpu_tree(ps, 10, 50), 28);
	ck_assert_uint_eq(ga_proc_cpu_tree(ps, 10, 60), 900);
	ck_assert_uint_eq(ga_proc_cpu_tree(ps, 10, 12345), 0);
	ck_assert_uint_eq(ga_proc_cpu_tree(ps, 0, 10), 0);
}
END_TEST

/* A live child's CPU counts before it is reaped (a kept server's start,
 * a JVM that serves case after case): a child spins 0.1 s of CPU (ten
 * clock ticks) and waits; the tree's total has grown by it while the
 * child lives.  On a busy machine that 0.1 s of CPU can take many
 * seconds of wall (0.3 s of it took over 4 s at load 37, niced): the
 * test's case has a timeout of its own, PROC_TIMEOUT. */
#define PROC_TIMEOUT 120

START_TEST(proc_tree_counts_live_children)
{
	struct timespec t0, t;
	double before, after;
	int ready[2], status;
	char c;
	pid_t kid;

	ck_assert_int_eq(pipe(ready), 0);
	before = ga_proc_tree_cpu_s(getpid());
	ck_assert(before >= 0);
	kid = fork();
	ck_assert_int_ge(kid, 0);
	if (kid == 0) {
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
		do
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
		while ((t.tv_sec - t0.tv_sec) * 1000 +
		       (t.tv_nsec - t0.tv_nsec) / 1000000 < 100);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	after = ga_proc_tree_cpu_s(getpid());
	kill(kid, SIGKILL);
	waitpid(kid, &status, 0);
	close(ready[0]);
	ck_assert_msg(after - before >= 0.08, "%.2f s, then %.2f s", before,
		      after);
}
END_TEST

Suite *make_machine_suite(void)
{
	Suite *s = suite_create("machine");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, stretch_follows_the_load_per_core);
	tcase_add_test(tc, proc_stat_is_parsed);
	tcase_add_test(tc, proc_tree_sums_the_descendants);
	tcase_add_test(tc, too_slow_says_how_slow);
	tcase_add_test(tc, stretch_follows_the_pressure);
	tcase_add_test(tc, extend_only_grows);
	tcase_add_test(tc, starts_in_flight_are_bounded);
	tcase_add_test(tc, starts_are_first_come_first_served);
	tcase_add_test(tc, a_dead_waiter_does_not_hold_the_queue);
	tcase_add_test(tc, default_jobs_honours_goneaway_jobs);
	tcase_add_test(tc, start_slots_are_two_a_core);
	tcase_add_test(tc, default_jobs_follow_cores_and_start_cost);
	suite_add_tcase(s, tc);
	tc = tcase_create("proc");
	tcase_set_timeout(tc, PROC_TIMEOUT);
	tcase_add_test(tc, proc_tree_counts_live_children);
	suite_add_tcase(s, tc);
	return s;
}
