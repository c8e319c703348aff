/* check_client.c - the watchdog and what a hang is (client/client.c,
 * with a fake driver), the built-in driver's harness failures, and (as
 * root) that cancelling a call cuts only the sockets it made
 * (client/sockets.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client/client.h"
#include "client/internal.h"
#include "faults/fault.h"
#include "lab/lab.h"
#include "lab/netns.h"
#include "suites.h"

/* ---- a fake driver whose calls do what a test says ------------------------ */

struct ga_driver_conn {
	int starts;             /* calls started */
	int cancels;            /* cancel() calls */
	enum ga_call_state state;       /* what collect() says */
	int cancel_fails;       /* cancel() cannot end the call */
	int fd;                 /* a descriptor that is never readable */
};

static struct ga_driver_conn fake;

static int fake_new(struct ga_driver *drv, const struct ga_connection *decl,
		    const struct ga_client_env *env,
		    struct ga_driver_conn **conn, struct ga_error *err)
{
	(void)drv;
	(void)decl;
	(void)env;
	(void)err;
	*conn = &fake;
	return 0;
}

static int fake_unsupported(const struct ga_driver_conn *conn,
			    const struct ga_step *step, char *why, size_t len)
{
	(void)conn;
	(void)step;
	(void)why;
	(void)len;
	return 0;
}

static int fake_start(struct ga_driver_conn *conn, const struct ga_step *step,
		      const char *sql, struct ga_error *err)
{
	(void)step;
	(void)sql;
	(void)err;
	conn->starts++;
	return 0;
}

static int fake_fd(const struct ga_driver_conn *conn)
{
	return conn->fd;
}

static enum ga_call_state fake_collect(struct ga_driver_conn *conn,
				       struct ga_outcome *out,
				       struct ga_error *err)
{
	if (conn->state == GA_CALL_FINISHED) {
		out->result = GA_RESULT_ERROR;
		out->err = 2013;
		out->elapsed_ms = 1000;
	} else if (conn->state == GA_CALL_FAILED) {
		ga_error_set(err, "setns: no such namespace");
	}
	return conn->state;
}

static int fake_cancel(struct ga_driver_conn *conn, struct ga_outcome *hang,
		       struct ga_error *err)
{
	conn->cancels++;
	hang->api = "fake_call";
	if (conn->cancel_fails)
		return ga_error_set(err, "it would not return");
	return 0;
}

static unsigned long fake_thread_id(const struct ga_driver_conn *conn)
{
	(void)conn;
	return 7;
}

static void fake_free(struct ga_driver_conn *conn)
{
	(void)conn;
}

static const struct ga_driver_ops fake_ops = {
	.kind = "fake",
	.conn_new = fake_new,
	.unsupported = fake_unsupported,
	.start = fake_start,
	.call_fd = fake_fd,
	.collect = fake_collect,
	.cancel = fake_cancel,
	.thread_id = fake_thread_id,
	.conn_free = fake_free,
};

static struct ga_driver fake_driver = { .ops = &fake_ops, .name = "fake" };
static const struct ga_connection decl = { .name = "app" };
static const struct ga_step query = { .line = 9, .kind = GA_STEP_QUERY };
static const struct ga_step send_step = { .line = 8, .kind = GA_STEP_SEND };
static struct ga_client_env env = { .netns_fd = -1 };
static int pipefds[2];

static void fake_setup(void)
{
	memset(&fake, 0, sizeof(fake));
	ck_assert_int_eq(pipe(pipefds), 0);
	fake.fd = pipefds[0];
}

static void fake_teardown(void)
{
	close(pipefds[0]);
	close(pipefds[1]);
}

START_TEST(test_finished_call_is_never_a_hang)
{
	struct ga_client cl;
	struct ga_outcome out;
	struct ga_error err;

	ga_client_init(&cl, &decl, &fake_driver);
	ck_assert_int_eq(ga_client_send(&cl, &send_step, "SELECT 1", &env,
					&err), 0);
	/* the call answered long ago; the reap comes after the deadline */
	fake.state = GA_CALL_FINISHED;
	ck_assert_int_eq(ga_client_reap(&cl, 0, NULL, &out, &err), 0);
	ck_assert_int_eq(out.result, GA_RESULT_ERROR);
	ck_assert_uint_eq(out.err, 2013);
	ck_assert_int_eq(fake.cancels, 0);
	ga_client_teardown(&cl);
}
END_TEST

START_TEST(test_running_call_is_a_hang)
{
	struct ga_client cl;
	struct ga_outcome out;
	struct ga_error err;

	ga_client_init(&cl, &decl, &fake_driver);
	fake.state = GA_CALL_RUNNING;
	ck_assert_int_eq(ga_client_call(&cl, &query, "SELECT 1", &env, 50, NULL,
					&out, &err), 0);
	ck_assert_int_eq(out.result, GA_RESULT_HANG);
	ck_assert_str_eq(out.api, "fake_call");
	ck_assert_msg(out.elapsed_ms >= 50, "%f", out.elapsed_ms);
	ck_assert_int_eq(fake.cancels, 1);
	/* the call was ended: the connection takes the next one */
	ck_assert_str_eq(cl.unusable, "");
	ck_assert_int_eq(ga_client_call(&cl, &query, "SELECT 1", &env, 0, NULL,
					&out, &err), 0);
	ck_assert_int_eq(fake.starts, 2);
	ga_client_teardown(&cl);
}
END_TEST

START_TEST(test_abandoned_connection_is_unusable)
{
	struct ga_client cl;
	struct ga_outcome out;
	struct ga_error err;

	ga_client_init(&cl, &decl, &fake_driver);
	fake.state = GA_CALL_RUNNING;
	fake.cancel_fails = 1;
	ck_assert_int_eq(ga_client_call(&cl, &query, "SELECT 1", &env, 0, NULL,
					&out, &err), 0);
	ck_assert_int_eq(out.result, GA_RESULT_HANG);
	/* no second call on a handle an abandoned call may still use */
	ck_assert_int_eq(ga_client_call(&cl, &query, "SELECT 1", &env, 0, NULL,
					&out, &err), -1);
	ck_assert_int_eq(fake.starts, 1);
	ck_assert_msg(strstr(err.msg, "connection 'app' is unusable: its call "
			     "was abandoned after a hang (it would not "
			     "return)") != NULL, "%s", err.msg);
	ga_client_teardown(&cl);
}
END_TEST

START_TEST(test_failed_call_is_a_harness_error)
{
	struct ga_client cl;
	struct ga_outcome out;
	struct ga_error err;

	ga_client_init(&cl, &decl, &fake_driver);
	fake.state = GA_CALL_FAILED;
	ck_assert_int_eq(ga_client_call(&cl, &query, "SELECT 1", &env, 1000,
					NULL, &out, &err), -1);
	ck_assert_msg(strstr(err.msg, "setns") != NULL, "%s", err.msg);
	ga_client_teardown(&cl);
}
END_TEST

START_TEST(test_reap_without_send)
{
	struct ga_client cl;
	struct ga_outcome out;
	struct ga_error err;

	ga_client_init(&cl, &decl, &fake_driver);
	ck_assert_int_eq(ga_client_reap(&cl, 1000, NULL, &out, &err), -1);
	ck_assert_msg(strstr(err.msg, "no query in flight") != NULL, "%s",
		      err.msg);
	ga_client_send(&cl, &send_step, "SELECT 1", &env, &err);
	ck_assert_int_eq(ga_client_call(&cl, &query, "SELECT 1", &env, 0, NULL,
					&out, &err), -1);
	ck_assert_msg(strstr(err.msg, "sent at line 8 in flight") != NULL,
		      "%s", err.msg);
	fake.state = GA_CALL_FINISHED;
	ga_client_teardown(&cl);
}
END_TEST

/* ---- the built-in driver -------------------------------------------------- */

START_TEST(test_builtin_cannot_enter_namespace)
{
	const struct ga_step connect_step = { .line = 5,
					      .kind = GA_STEP_CONNECT };
	struct ga_client_env bad = { .netns_fd = -1, .host = "198.18.0.2",
				     .port = 3306, .user = "u",
				     .password = "p", .database = "d" };
	struct ga_driver builtin;
	struct ga_client cl;
	struct ga_outcome out;
	struct ga_error err;

	/* A worker that cannot enter the lab is the harness's failure, never
	 * a client outcome (with errno 0, once a FAIL). */
	ga_driver_builtin(&builtin);
	ga_client_init(&cl, &decl, &builtin);
	ck_assert_int_eq(ga_client_call(&cl, &connect_step, NULL, &bad, 5000,
					NULL, &out, &err), -1);
	ck_assert_msg(strstr(err.msg, "entering network namespace") != NULL,
		      "%s", err.msg);
	ga_client_teardown(&cl);
}
END_TEST

/* ---- as root: cancelling cuts only the call's own sockets ----------------- */

struct syn {
	int fd;
};

/* A non-blocking connect from the client side that nothing answers. */
static int syn_in_ns(void *arg, struct ga_error *err)
{
	struct syn *s = arg;
	struct sockaddr_in sa;

	s->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return ga_error_errno(err, errno, "socket");
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(3306);
	inet_pton(AF_INET, GA_LAB_SERVER_ADDR, &sa.sin_addr);
	if (connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ||
	    errno != EINPROGRESS)
		return ga_error_errno(err, errno, "connect");
	return 0;
}

static int tcp_state(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
		return -1;
	return ti.tcpi_state;
}

START_TEST(test_cancel_cuts_only_new_sockets)
{
	const struct ga_fault_kind *fw = ga_fault_kind_find("firewall");
	struct ga_socket_set before;
	struct ga_fault_target t;
	struct ga_fault_diag diag;
	struct syn other, mine;
	struct ga_error err;
	struct ga_lab lab;
	void *spec = NULL, *state = NULL;

	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare: %s",
		      strerror(errno));
	ck_assert_msg(ga_lab_create(&lab, 0x50c, &err) == 0, "lab: %s",
		      err.msg);
	memset(&t, 0, sizeof(t));
	t.client_ns = lab.client_ns;
	t.server_ns = lab.server_ns;
	t.client_if = lab.client_if;
	t.server_if = lab.server_if;
	t.client_addr = GA_LAB_CLIENT_ADDR;
	t.server_addr = GA_LAB_SERVER_ADDR;
	t.server_port = 3306;
	t.tag = 0x50c;
	ck_assert_int_eq(fw->parse("drop to-server", &spec, &diag), 0);
	ck_assert_msg(fw->ops->apply(spec, &t, &state, &err) == 0, "%s", err.msg);

	/* another connection's handshake, stuck before the call started */
	ck_assert_msg(ga_netns_run(lab.client_ns, syn_in_ns, &other, &err) == 0,
		      "%s", err.msg);
	ck_assert_msg(ga_socket_set_take(lab.client_ns, &before, &err) == 0,
		      "%s", err.msg);
	ck_assert_uint_eq(before.n, 1);
	/* the call's own, stuck too */
	ck_assert_msg(ga_netns_run(lab.client_ns, syn_in_ns, &mine, &err) == 0,
		      "%s", err.msg);
	ck_assert_int_eq(tcp_state(other.fd), TCP_SYN_SENT);
	ck_assert_int_eq(tcp_state(mine.fd), TCP_SYN_SENT);

	ck_assert_int_eq(ga_sockets_cut(lab.client_ns, &before, 0, &err), 1);
	ck_assert_int_ne(tcp_state(mine.fd), TCP_SYN_SENT);
	ck_assert_int_eq(tcp_state(other.fd), TCP_SYN_SENT);

	/* a connection's known socket is cut by its inode */
	ga_socket_set_free(&before);
	ck_assert_msg(ga_socket_set_take(lab.client_ns, &before, &err) == 0,
		      "%s", err.msg);
	ck_assert_int_eq(ga_sockets_cut(lab.client_ns, &before,
					ga_socket_inode(other.fd), &err), 1);
	ck_assert_int_ne(tcp_state(other.fd), TCP_SYN_SENT);

	ga_socket_set_free(&before);
	close(mine.fd);
	close(other.fd);
	fw->ops->revert(spec, &t, state, &err);
	fw->free_spec(spec);
	ga_lab_destroy(&lab);
}
END_TEST

/* ---- kept driver processes: the registry (client/keep.c) ---------------- */

static int quits, ends;
static struct ga_driver_conn *ended[64];

static void fake_quit(struct ga_driver_conn *c)
{
	(void)c;
	quits++;
}

static void fake_end(struct ga_driver_conn *c)
{
	if (ends < 64)
		ended[ends] = c;
	ends++;
}

#define FAKE(n) ((struct ga_driver_conn *)(uintptr_t)(0x1000 + (n)))

/* A process is found again by its client and namespace, the one idle
 * last first; at most 8 of one client and 12 in all are kept, the one
 * idle longest ended for one more; ending a namespace's asks each of
 * them to exit before it waits for any. */
START_TEST(test_kept_registry)
{
	static struct ga_driver a, b;
	unsigned k;

	quits = ends = 0;
	ga_keep_idle_put(FAKE(1), &a, 7, fake_quit, fake_end);
	ga_keep_idle_put(FAKE(2), &a, 7, fake_quit, fake_end);
	ga_keep_idle_put(FAKE(3), &a, 8, fake_quit, fake_end);
	ck_assert_uint_eq(ga_driver_kept_count(), 3);
	ck_assert_ptr_null(ga_keep_idle_take(&b, 7));
	ck_assert_ptr_eq(ga_keep_idle_take(&a, 7), FAKE(2));
	ck_assert_ptr_eq(ga_keep_idle_take(&a, 7), FAKE(1));
	ck_assert_ptr_null(ga_keep_idle_take(&a, 7));
	ck_assert_ptr_eq(ga_keep_idle_take(&a, 8), FAKE(3));
	/* nine of one client: the first is ended */
	for (k = 10; k < 19; k++)
		ga_keep_idle_put(FAKE(k), &a, 7, fake_quit, fake_end);
	ck_assert_int_eq(ends, 1);
	ck_assert_ptr_eq(ended[0], FAKE(10));
	ck_assert_uint_eq(ga_driver_kept_count(), 8);
	/* five of another: twelve in all, the oldest of any ended */
	for (k = 30; k < 35; k++)
		ga_keep_idle_put(FAKE(k), &b, 7, fake_quit, fake_end);
	ck_assert_uint_eq(ga_driver_kept_count(), 12);
	ck_assert_ptr_eq(ended[1], FAKE(11));
	/* the namespace given up: every one of it asked, then ended */
	ga_keep_idle_put(FAKE(40), &b, 9, fake_quit, fake_end);
	quits = 0;
	k = (unsigned)ends;
	ga_driver_drop_kept(7);
	ck_assert_int_eq(quits, 11);
	ck_assert_uint_eq((unsigned)ends - k, 11);
	ck_assert_uint_eq(ga_driver_kept_count(), 1);
	ga_driver_drop_kept(0);
	ck_assert_uint_eq(ga_driver_kept_count(), 0);
}
END_TEST

/* What a worker tells its parent it can give the next case of a client
 * without a runtime's start (plan/jobs_schedule.h): the idle processes
 * it keeps, or any number while it keeps that client's zygote, which
 * forks a copy per connection.  A zygote's worker said 0 (it keeps no
 * idle process), and the schedule left every case of that client to a
 * busy worker, which it saw as keeping the processes of its case: the
 * suite's last 60 cases with PyMySQL ran on two of 32 workers. */
START_TEST(test_ready_count)
{
	static struct ga_driver a, b;

	quits = ends = 0;
	ga_keep_idle_put(FAKE(1), &a, 7, fake_quit, fake_end);
	ck_assert_uint_eq(ga_driver_ready_count_of(&a), 1);
	ck_assert_uint_eq(ga_driver_ready_count_of(&b), 0);
	ga_zygote_put(FAKE(2), &b, 8, fake_end);
	ck_assert_uint_eq(ga_driver_ready_count_of(&b), GA_DRIVER_FORKS_ANY);
	ck_assert_uint_eq(ga_driver_ready_count_of(&a), 1);
	/* the zygote's namespace given up: it is gone, and so is what it
	 * could fork */
	ga_driver_drop_kept(8);
	ck_assert_uint_eq(ga_driver_ready_count_of(&b), 0);
	ga_driver_drop_kept(0);
	ck_assert_uint_eq(ga_driver_ready_count_of(&a), 0);
	ck_assert_int_eq(ends, 2);
}
END_TEST

/* What a case's report says of its driver process (issue 57): a copy
 * forked fresh, a process started for the case, one kept from the case
 * before and checked, one that replaced a process not used (and why);
 * never that a process is kept for the next case. */
START_TEST(test_setup_words)
{
	char buf[300];

	ga_keep_setup_text(false, false, "", 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "a process of its own");
	ga_keep_setup_text(true, true, "", 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "forked fresh from its zygote");
	/* a copy is forked for its case only, whatever came before */
	ga_keep_setup_text(true, true, "it is gone", 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "forked fresh from its zygote");
	ga_keep_setup_text(true, false, "", 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "started for this case");
	ga_keep_setup_text(true, false, NULL, 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "started for this case");
	ga_keep_setup_text(true, false, "", 4, buf, sizeof(buf));
	ck_assert_str_eq(buf, "kept from case 3 (checked)");
	ga_keep_setup_text(true, false, "it wrote a line after its end-case "
			   "answer, before this case", 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "replaced: it wrote a line after its end-case "
			 "answer, before this case");
	ck_assert_ptr_null(strstr(buf, "next case"));
}
END_TEST

/* The check made again when a kept process is taken for the next case:
 * a process forked after the tree was read (after end-case, a thread's
 * late fork) is caught, and named. */
START_TEST(test_tree_forked_after)
{
	pid_t was[GA_KEEP_TREE_MAX + 1], kid;
	char why[200] = "";
	int n = ga_keep_tree(getpid(), was, GA_KEEP_TREE_MAX);

	ck_assert_int_ge(n, 0);
	ck_assert_int_le(n, GA_KEEP_TREE_MAX);
	ck_assert_int_eq(ga_keep_tree_same(getpid(), was, n, why,
					   sizeof(why)), 1);
	kid = fork();
	ck_assert_int_ge(kid, 0);
	if (kid == 0) {
		pause();
		_exit(0);
	}
	ck_assert_int_eq(ga_keep_tree_same(getpid(), was, n, why,
					   sizeof(why)), 0);
	ck_assert_ptr_nonnull(strstr(why, "1 process it forked is left"));
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
	ck_assert_int_eq(ga_keep_tree_same(getpid(), was, n, why,
					   sizeof(why)), 1);
}
END_TEST

/* A child that waits; with io (two pipes' ends), it reads and writes
 * them as its standard input and output first; returned once it does. */
static pid_t sleeper(const int *io)
{
	int sync[2];
	char c;
	pid_t kid;

	ck_assert_int_eq(pipe(sync), 0);
	kid = fork();
	ck_assert_int_ge(kid, 0);
	if (kid == 0) {
		if (io && (dup2(io[0], 0) < 0 || dup2(io[1], 1) < 0))
			_exit(1);
		close(sync[0]);
		close(sync[1]);
		pause();
		_exit(0);
	}
	close(sync[1]);
	ck_assert_int_eq(read(sync[0], &c, 1), 0);
	close(sync[0]);
	return kid;
}

static void sleeper_end(pid_t kid)
{
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
}

/* The copy a zygote forked, told from a process a copy before it left
 * (a double fork: both the init's children) by the pipes it holds; a
 * lone new process is the copy, several that hold none are not told
 * apart. */
START_TEST(test_zygote_copy_by_its_pipes)
{
	int in[2], out[2], io[2];
	struct stat sin, sout;
	pid_t zygote, copy, stray, other, got, left = 0;
	bool orphan = false;

	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(out), 0);
	ck_assert_int_eq(fstat(in[0], &sin), 0);
	ck_assert_int_eq(fstat(out[1], &sout), 0);
	io[0] = in[0];
	io[1] = out[1];
	zygote = sleeper(NULL);
	stray = sleeper(NULL);
	got = ga_zygote_new_child(getpid(), zygote, NULL, 0, &sin, &sout,
				  &orphan, &left);
	ck_assert_int_eq(got, stray);   /* alone: the copy, as before */
	ck_assert_int_eq(left, 0);
	ck_assert(orphan);
	copy = sleeper(io);
	got = ga_zygote_new_child(getpid(), zygote, NULL, 0, &sin, &sout,
				  &orphan, &left);
	ck_assert_int_eq(got, copy);
	ck_assert_int_eq(left, stray);
	/* a copy already counted is none of the new ones */
	got = ga_zygote_new_child(getpid(), zygote, &copy, 1, &sin, &sout,
				  &orphan, &left);
	ck_assert_int_eq(got, stray);
	ck_assert_int_eq(left, 0);
	sleeper_end(copy);
	other = sleeper(NULL);
	got = ga_zygote_new_child(getpid(), zygote, NULL, 0, &sin, &sout,
				  &orphan, &left);
	ck_assert_int_eq(got, -1);      /* several, none with the pipes */
	sleeper_end(other);
	sleeper_end(stray);
	sleeper_end(zygote);
	close(in[0]);
	close(in[1]);
	close(out[0]);
	close(out[1]);
}
END_TEST

Suite *make_client_suite(struct unit_needs *needs)
{
	Suite *s = suite_create("client");
	TCase *tc;

	tc = tcase_create("watchdog");
	tcase_set_timeout(tc, 5);
	tcase_add_checked_fixture(tc, fake_setup, fake_teardown);
	tcase_add_test(tc, test_finished_call_is_never_a_hang);
	tcase_add_test(tc, test_running_call_is_a_hang);
	tcase_add_test(tc, test_abandoned_connection_is_unusable);
	tcase_add_test(tc, test_failed_call_is_a_harness_error);
	tcase_add_test(tc, test_reap_without_send);
	suite_add_tcase(s, tc);

	tc = tcase_create("builtin");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_builtin_cannot_enter_namespace);
	suite_add_tcase(s, tc);

	tc = tcase_create("keep");
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_kept_registry);
	tcase_add_test(tc, test_ready_count);
	tcase_add_test(tc, test_setup_words);
	tcase_add_test(tc, test_tree_forked_after);
	tcase_add_test(tc, test_zygote_copy_by_its_pipes);
	suite_add_tcase(s, tc);

	if (unit_needs_root(needs, "client", "sockets", "network namespaces")) {
		tc = tcase_create("sockets");
		tcase_set_timeout(tc, 20);
		tcase_add_test(tc, test_cancel_cuts_only_new_sockets);
		suite_add_tcase(s, tc);
	}
	return s;
}
