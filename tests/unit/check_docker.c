/* check_docker.c - tests for docker.c: the client, the reaper, the sweep.
 *
 * No engine is needed: each test puts a fake "docker" program (a shell
 * script) in a scratch directory and passes that directory as PATH.  The
 * fake appends each call's arguments to CALLS, prints PS_OUT for "ps",
 * and for its other first words: "out" prints a line, "fail" what a
 * failing client prints (a warning, the error, a hint), "slow" sleeps.
 * The scratch directory is made and removed by the unchecked fixture (in
 * the runner's process), so a failed test leaves nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server/docker.h"
#include "lab/spawn.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "suites.h"

#define TIMEOUT 20

static const char fake_docker[] =
	"#!/bin/sh\n"
	"d=$(dirname \"$0\")\n"
	"echo \"$*\" >> \"$d/calls\"\n"
	"case $1 in\n"
	"ps) cat \"$d/ps.out\" 2>/dev/null ;;\n"
	"out) printf 'abc def\\n\\n' ;;\n"
	"fail) echo 'docker: Error response from daemon: no such image.' >&2\n"
	"      echo 'WARNING: IPv4 forwarding is disabled.' >&2\n"
	"      echo \"Run 'docker run --help' for more information\" >&2\n"
	"      exit 125 ;;\n"
	"slow) exec sleep 30 ;;\n"
	"run) echo c0ffee ;;\n"
	"inspect) [ \"$4\" = c0ffee ] && echo 4242 ;;\n"
	"esac\n"
	"exit 0\n";

static char scratch_top[PATH_MAX];
static char dir[PATH_MAX];              /* this test's: the fake's PATH */

static void top_setup(void)
{
	snprintf(scratch_top, sizeof(scratch_top), "/tmp/ga-unit-docker-XXXXXX");
	ck_assert_msg(mkdtemp(scratch_top) != NULL, "mkdtemp: %s",
		      strerror(errno));
}

static void top_teardown(void)
{
	struct ga_error err = { "" };

	if (scratch_top[0] && ga_tree_remove(scratch_top, &err) != 0)
		fprintf(stderr, "check_docker: %s\n", err.msg);
	scratch_top[0] = '\0';
}

static void path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* A directory of the test's own with the fake docker in it, and d found
 * there. */
static void fake_setup(struct ga_docker *d)
{
	struct ga_error err = { "" };
	char path[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/test-XXXXXX", scratch_top);
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	path_in(path, sizeof(path), "docker");
	ck_assert(ga_file_write(path, fake_docker, strlen(fake_docker),
				&err) == 0);
	ck_assert_int_eq(chmod(path, 0755), 0);
	ck_assert_msg(ga_docker_find(d, dir, NULL, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(d->cli, path);
}

/* The fake's calls so far, one a line ("" when none; free it). */
static char *calls(void)
{
	struct ga_error err;
	char path[PATH_MAX], *text = NULL;

	path_in(path, sizeof(path), "calls");
	if (ga_file_read(path, 1 << 16, &text, NULL, &err) != 0)
		text = strdup("");
	return text;
}

/* Waits (bounded, 10 s) until the fake's calls contain want. */
static bool wait_for_call(const char *want)
{
	char *text;
	bool found;
	int i;

	for (i = 0; i < 1000; i++) {
		text = calls();
		found = strstr(text, want) != NULL;
		free(text);
		if (found)
			return true;
		usleep(10000);
	}
	return false;
}

/* ---- finding the client, the engine's address ---------------------------- */

START_TEST(test_find_client_and_host)
{
	struct ga_docker d;
	struct ga_error err = { "" };
	char empty[PATH_MAX];

	fake_setup(&d);
	ck_assert_str_eq(d.host, GA_DOCKER_DEFAULT_HOST);
	ck_assert(!d.host_from_env);
	ck_assert(d.hostname[0]);
	ck_assert(ga_docker_find(&d, dir, "unix:///run/x.sock", &err) == 0);
	ck_assert_str_eq(d.host, "unix:///run/x.sock");
	ck_assert(d.host_from_env);
	/* a PATH without one: no client, said so */
	snprintf(empty, sizeof(empty), "%s/empty", dir);
	ck_assert_int_eq(mkdir(empty, 0700), 0);
	ck_assert_int_eq(ga_docker_find(&d, empty, NULL, &err), -1);
	ck_assert_msg(strstr(err.msg, "no docker client in PATH"), "%s",
		      err.msg);
}
END_TEST

START_TEST(test_unix_path_and_slug)
{
	char buf[PATH_MAX];

	ck_assert_int_eq(ga_docker_unix_path("unix:///run/goneaway-t.sock",
					     buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/run/goneaway-t.sock");
	ck_assert_int_eq(ga_docker_unix_path("tcp://10.0.0.1:2375", buf,
					     sizeof(buf)), -1);
	ck_assert_int_eq(ga_docker_unix_path("unix://", buf, sizeof(buf)), -1);
	ga_docker_image_slug("goneaway/mysql:9.7", buf, sizeof(buf));
	ck_assert_str_eq(buf, "goneaway_mysql_9.7");
	ga_docker_image_slug("registry.local:5000/db/mariadb@sha256:ab", buf,
			     sizeof(buf));
	ck_assert_str_eq(buf, "registry.local_5000_db_mariadb_sha256_ab");
	ga_docker_image_slug("mysql:8.4", buf, 4);
	ck_assert_str_eq(buf, "mys");
}
END_TEST

/* Why an engine does not answer at a unix socket: none there, or one
 * nobody listens on (an engine that stopped). */
START_TEST(test_socket_diagnosis)
{
	struct ga_docker d;
	struct sockaddr_un sun;
	char path[PATH_MAX], why[PATH_MAX + 256];
	int fd;

	fake_setup(&d);
	path_in(path, sizeof(path), "none.sock");
	ga_docker_socket_diagnosis(path, why, sizeof(why));
	ck_assert_msg(strstr(why, "no socket at ") && strstr(why, path) &&
		      strstr(why, "DOCKER_HOST"), "%s", why);
	path_in(path, sizeof(path), "stale.sock");
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);              /* the file stays, nobody listens */
	ga_docker_socket_diagnosis(path, why, sizeof(why));
	ck_assert_msg(strstr(why, "nobody listens on ") && strstr(why, path),
		      "%s", why);
}
END_TEST

/* ---- running the client -------------------------------------------------------- */

START_TEST(test_run_output_and_errors)
{
	const char *out_args[] = { "out", NULL };
	const char *fail_args[] = { "fail", "x", NULL };
	const char *slow_args[] = { "slow", NULL };
	struct ga_docker d;
	struct ga_error err = { "" };
	char out[64];
	double t0;

	fake_setup(&d);
	ck_assert_msg(ga_docker_run(&d, out_args, out, sizeof(out), 5000,
				    &err) == 0, "%s", err.msg);
	ck_assert_str_eq(out, "abc def");
	/* the error's line, not the warning before it or the hint after */
	ck_assert_int_eq(ga_docker_run(&d, fail_args, out, sizeof(out), 5000,
				       &err), -1);
	ck_assert_str_eq(err.msg, "docker fail: docker: Error response from "
			 "daemon: no such image.");
	/* bounded: killed with what it started */
	t0 = ga_clock_ms();
	ck_assert_int_eq(ga_docker_run(&d, slow_args, NULL, 0, 300, &err), -1);
	ck_assert_msg(ga_clock_ms() - t0 < 3000, "took %.0f ms",
		      ga_clock_ms() - t0);
	ck_assert_str_eq(err.msg, "docker slow: no answer within 300 ms");
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);      /* reaped */
}
END_TEST

/* A container's start overlaps other work: run, then inspect its PID. */
START_TEST(test_start_container)
{
	const char *args[] = { "-d", "--label", "a=b c", "img", NULL };
	struct ga_docker_call call;
	struct ga_docker d;
	struct ga_error err = { "" };
	char out[64], *text;
	int i;

	fake_setup(&d);
	ck_assert_msg(ga_docker_start_container(&d, args, &call, &err) == 0,
		      "%s", err.msg);
	for (i = 0; i < 500 && !ga_docker_done(&call); i++)
		usleep(10000);
	ck_assert(ga_docker_done(&call));
	ck_assert_msg(ga_docker_finish(&call, out, sizeof(out), 5000, &err) == 0,
		      "%s", err.msg);
	ck_assert_str_eq(out, "c0ffee\n4242");
	text = calls();
	ck_assert_str_eq(text, "run -d --label a=b c img\n"
			 "inspect --format {{.State.Pid}} c0ffee\n");
	free(text);
	ck_assert_int_eq(call.pid, 0);
	ck_assert(ga_docker_done(&call));
}
END_TEST

/* ---- the reaper ------------------------------------------------------------------ */

#define PS_CALL "ps -aq --filter label=goneaway.run=/tmp/goneaway-run-t " \
		"--filter label=goneaway.host="

static void write_ps_out(const char *text)
{
	struct ga_error err = { "" };
	char path[PATH_MAX];

	path_in(path, sizeof(path), "ps.out");
	ck_assert(ga_file_write(path, text, strlen(text), &err) == 0);
}

/* The run "dies" (closes its end of the pipe) while a child it spawned
 * lives on: the reaper removes the run's containers at once, by label,
 * and again a second later.  So the child did not hold the pipe open. */
START_TEST(test_reaper_removes_when_run_dies)
{
	const char *argv[] = { "/bin/sleep", "30", NULL };
	struct ga_spawn_opts o = { .argv = argv, .netns_fd = -1 };
	struct ga_docker_reaper r;
	struct ga_docker d;
	struct ga_error err = { "" };
	char *text;
	double t0;
	pid_t child;
	int pidfd, status;

	fake_setup(&d);
	write_ps_out("c0ffee1\nc0ffee2\n");
	ck_assert_msg(ga_docker_reaper_start(&r, &d, "/tmp/goneaway-run-t",
					     &err) == 0, "%s", err.msg);
	ck_assert_int_gt(r.pid, 0);
	ck_assert_int_eq(getsid(r.pid), r.pid);
	ck_assert_msg(ga_spawn(&o, &child, &pidfd, &err) == 0, "%s", err.msg);
	usleep(200000);
	text = calls();
	ck_assert_msg(text[0] == '\0', "the reaper acted too soon: %s", text);
	free(text);
	t0 = ga_clock_ms();
	close(r.wfd);           /* what the kernel does when the run dies */
	ck_assert_msg(wait_for_call("rm -f -v c0ffee1 c0ffee2"), "no removal");
	ck_assert_msg(ga_clock_ms() - t0 < 2000, "removal after %.0f ms",
		      ga_clock_ms() - t0);
	text = calls();
	ck_assert_msg(strstr(text, PS_CALL), "%s", text);
	free(text);
	ck_assert_int_eq(waitpid(r.pid, &status, 0), r.pid);
	text = calls();
	ck_assert_msg(strstr(strstr(text, "rm -f -v") + 1, "rm -f -v c0ffee1"),
		      "one pass only: %s", text);
	free(text);
	close(r.pidfd);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(pidfd);
}
END_TEST

/* A run that ends normally stops its reaper: nothing is removed then. */
START_TEST(test_reaper_stopped)
{
	struct ga_docker_reaper r;
	struct ga_docker d;
	struct ga_error err = { "" };
	char *text;
	pid_t pid;

	fake_setup(&d);
	write_ps_out("c0ffee1\n");
	ck_assert(ga_docker_reaper_start(&r, &d, "/tmp/goneaway-run-t",
					 &err) == 0);
	pid = r.pid;
	ga_docker_reaper_stop(&r);
	ck_assert_int_eq(r.pid, 0);
	ck_assert_int_eq(kill(pid, 0), -1);
	ga_docker_reaper_stop(&r);      /* twice is fine */
	usleep(300000);
	text = calls();
	ck_assert_msg(text[0] == '\0', "calls after the stop: %s", text);
	free(text);
}
END_TEST

/* ---- removal by label ------------------------------------------------------------ */

static bool alive_if_named_alive(const char *run)
{
	return strstr(run, "alive") != NULL;
}

START_TEST(test_sweep_removes_dead_runs_only)
{
	struct ga_docker d;
	struct ga_error err = { "" };
	char *text;
	int n = -1;

	fake_setup(&d);
	write_ps_out("aaa\t/tmp/goneaway-run-alive\nbbb\t/tmp/goneaway-run-dead\n"
		     "ccc\t/tmp/goneaway-run-dead2\n");
	ck_assert_msg(ga_docker_sweep(&d, alive_if_named_alive, &n, &err) == 0,
		      "%s", err.msg);
	ck_assert_int_eq(n, 2);
	text = calls();
	ck_assert_msg(strstr(text, "ps -a --filter label=goneaway.run "
			     "--filter label=goneaway.host=") &&
		      strstr(text, "\nrm -f -v bbb ccc\n"), "%s", text);
	free(text);
	/* nothing of this host's: no rm at all */
	write_ps_out("");
	ck_assert(ga_docker_sweep(&d, alive_if_named_alive, &n, &err) == 0);
	ck_assert_int_eq(n, 0);
	text = calls();
	ck_assert_msg(!strstr(strstr(text, "rm -f -v") + 1, "rm -f -v"), "%s",
		      text);
	free(text);
}
END_TEST

START_TEST(test_remove_run)
{
	struct ga_docker d;
	struct ga_error err = { "" };
	char *text;
	int n = -1;

	fake_setup(&d);
	write_ps_out("");
	ck_assert(ga_docker_remove_run(&d, "/tmp/goneaway-run-t", &n, &err) == 0);
	ck_assert_int_eq(n, 0);
	write_ps_out("ddd\n");
	ck_assert(ga_docker_remove_run(&d, "/tmp/goneaway-run-t", &n, &err) == 0);
	ck_assert_int_eq(n, 1);
	text = calls();
	ck_assert_msg(strstr(text, PS_CALL) && strstr(text, "\nrm -f -v ddd\n"),
		      "%s", text);
	free(text);
}
END_TEST

Suite *make_docker_suite(void)
{
	Suite *s = suite_create("docker");
	TCase *tc;

	tc = tcase_create("client");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_unchecked_fixture(tc, top_setup, top_teardown);
	tcase_add_test(tc, test_find_client_and_host);
	tcase_add_test(tc, test_unix_path_and_slug);
	tcase_add_test(tc, test_socket_diagnosis);
	tcase_add_test(tc, test_run_output_and_errors);
	tcase_add_test(tc, test_start_container);
	tcase_add_test(tc, test_reaper_removes_when_run_dies);
	tcase_add_test(tc, test_reaper_stopped);
	tcase_add_test(tc, test_sweep_removes_dead_runs_only);
	tcase_add_test(tc, test_remove_run);
	suite_add_tcase(s, tc);
	return s;
}
