/* check_proxy.c - the proxy floor (proxy/proxy.c, proxy/haproxy.c): the
 * kinds' names against the scenario language's, HAProxy's configuration
 * text, a missing program, and HAProxy itself relaying a connection in a
 * private lab with a proxy namespace, stopped, restarted, killed.
 *
 * The kernel tests need root (namespaces) and /usr/sbin/haproxy (Debian's
 * haproxy, in the Makefile's DEB_PACKAGES).  Each runs in Check's forked
 * child, moved into a network namespace of its own; HAProxy runs in the
 * lab's proxy namespace as the test's child and is ended by its PID.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/lab.h"
#include "lab/netns.h"
#include "lang/proxynames.h"
#include "lang/scenario.h"
#include "proxy/internal.h"
#include "proxy/proxy.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "lab_util.h"
#include "suites.h"

#define TIMEOUT 30
#define PORT 3306

/* ------------------------------------------------------------------ */
/* Names and configuration */

/* The scenario language and --proxy know the same proxies: the names
 * the program hands the parser are the kinds' own, each with its words
 * for --help. */
START_TEST(test_names_agree)
{
	const char *const *lang = ga_proxy_names();
	const char *const *kinds = ga_proxy_kind_names();
	size_t i, n = 0;

	for (i = 0; kinds[i]; i++) {
		ck_assert_ptr_nonnull(ga_proxy_kind_find(kinds[i]));
		ck_assert_str_eq(kinds[i], lang[i]);
		ck_assert_str_ne(ga_proxy_kind_help(kinds[i]), "");
		ck_assert(ga_proxy_name_known(kinds[i]));
		n++;
	}
	ck_assert_uint_ge(n, 1);
	ck_assert_ptr_null(lang[n]);
	ck_assert(!ga_proxy_name_known("none"));
	ck_assert_ptr_null(ga_proxy_kind_find("none"));
	ck_assert_ptr_null(ga_proxy_kind_find("HAProxy"));
}
END_TEST

static char dir[PATH_MAX];

static void make_dir(void)
{
	snprintf(dir, sizeof(dir), "%s/ga-proxy-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
	struct ga_error err;

	ga_tree_remove(dir, &err);
}

static const struct ga_proxy_net net = {
	.netns_fd = -1,
	.listen_addr = GA_LAB_PROXY_ADDR,
	.listen_port = PORT,
	.server_addr = GA_LAB_SERVER_ADDR,
	.server_port = PORT,
};

/* A fake kind whose program is not there: create says what to install. */
START_TEST(test_missing_program)
{
	struct ga_proxy_kind k = ga_proxy_haproxy;
	struct ga_proxy_settings s = { 0 };
	struct ga_proxy px;
	struct ga_error err;

	make_dir();
	k.program = "/nonexistent/haproxy";
	ck_assert_int_eq(ga_proxy_create(&px, &k, dir, &net, &s, &err),
			 GA_PROXY_UNAVAILABLE);
	ck_assert_msg(strstr(err.msg, "not installed") &&
		      strstr(err.msg, "apt-get install haproxy"), "%s",
		      err.msg);
	ck_assert_int_eq(ga_proxy_probe(&k, px.version, sizeof(px.version),
					&err), -1);
	ga_proxy_destroy(&px);
	remove_dir();
}
END_TEST

/* The configuration: TCP mode, the timeouts asked for (an hour when
 * not), one frontend and one server without checks. */
START_TEST(test_haproxy_config)
{
	struct ga_proxy_settings s = { .client_timeout_ms = 2000,
				       .connect_timeout_ms = 750 };
	struct ga_proxy px;
	struct ga_error err;
	char *text = NULL, want[1024 + PATH_MAX], root[PATH_MAX + 16];
	struct stat st;

	make_dir();
	ck_assert_msg(ga_proxy_create(&px, ga_proxy_kind_find("haproxy"), dir,
				      &net, &s, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(ga_file_read(px.cfg, 1 << 16, &text, NULL, &err), 0);
	snprintf(want, sizeof(want),
		"# goneaway: HAProxy between the scenario's clients and its "
		"server\n"
		"global\n"
		"\tlog stderr format raw local0 info\n"
		"\tmaxconn 256\n"
		"\tnbthread 1\n"
		"\tuser nobody\n"
		"\tgroup nogroup\n"
		"\tchroot %s/haproxy.root\n"
		"defaults\n"
		"\tmode tcp\n"
		"\tlog global\n"
		"\toption tcplog\n"
		"\ttimeout connect 750ms\n"
		"\ttimeout client 2000ms\n"
		"\ttimeout server 3600000ms\n"
		"frontend clients\n"
		"\tbind 198.18.0.6:3306\n"
		"\tdefault_backend server\n"
		"backend server\n"
		"\tserver db 198.18.0.2:3306\n", dir);
	ck_assert_str_eq(text, want);
	/* its root: empty, the maker's (root's when goneaway runs as root,
	 * as HAProxy then gives up root for nobody), nobody may write it */
	ck_assert_int_eq(snprintf(root, sizeof(root), "%s/haproxy.root", dir) <
			 (int)sizeof(root), 1);
	ck_assert_int_eq(stat(root, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07777, 0555);
	ck_assert_int_eq(st.st_uid, geteuid());
	ck_assert_msg(strncmp(px.version, "HAProxy ", 8) == 0, "version '%s'",
		      px.version);
	ck_assert_int_eq(px.pid, 0);
	ga_proxy_destroy(&px);
	ck_assert_int_eq(access(root, F_OK), -1);
	free(text);
	remove_dir();
}
END_TEST

/* Not running: nothing to stop or kill, said so. */
START_TEST(test_not_running)
{
	struct ga_proxy px;
	struct ga_error err;

	ga_proxy_init(&px);
	ck_assert_int_eq(ga_proxy_start(&px, NULL, &err), -1);
	ck_assert_int_eq(ga_proxy_stop(&px, NULL, &err), -1);
	ck_assert_msg(strstr(err.msg, "not running"), "%s", err.msg);
	ck_assert_int_eq(ga_proxy_crash(&px, &err), -1);
	ga_proxy_destroy(&px);
	ga_proxy_destroy(&px);
}
END_TEST

/* ------------------------------------------------------------------ */
/* HAProxy in a lab */

struct fd_pair {
	int listen;
	int client;
};

struct px_lab {
	struct ga_lab lab;
	struct ga_proxy px;
	int lfd;
};

static void px_up(struct px_lab *f, unsigned tag,
		  const struct ga_proxy_settings *s)
{
	struct ga_proxy_net n = net;
	struct ga_error err;

	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare: %s",
		      strerror(errno));
	ck_assert_msg(ga_lab_create_with(&f->lab, tag, -1, true, &err) == 0,
		      "%s", err.msg);
	f->lfd = unit_tcp_listen(f->lab.server_ns, GA_LAB_SERVER_ADDR, PORT,
				 &err);
	ck_assert_msg(f->lfd >= 0, "%s", err.msg);
	make_dir();
	n.netns_fd = f->lab.proxy_ns;
	ck_assert_msg(ga_proxy_create(&f->px, ga_proxy_kind_find("haproxy"),
				      dir, &n, s, &err) == 0, "%s", err.msg);
}

static void px_down(struct px_lab *f)
{
	ga_proxy_destroy(&f->px);
	close(f->lfd);
	ga_lab_destroy(&f->lab);
	remove_dir();
}

/* A client connection through the proxy, and the server's end of it:
 * the server sees the proxy's address. */
static void relay(struct px_lab *f, int *cfd, int *sfd)
{
	struct sockaddr_in peer;
	socklen_t plen = sizeof(peer);
	struct ga_error err;
	char text[INET_ADDRSTRLEN], buf[8];

	*cfd = unit_tcp_connect(f->lab.client_ns, GA_LAB_PROXY_ADDR, PORT, &err);
	ck_assert_msg(*cfd >= 0, "%s", err.msg);
	*sfd = accept4(f->lfd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
	ck_assert_msg(*sfd >= 0, "accept: %s", strerror(errno));
	inet_ntop(AF_INET, &peer.sin_addr, text, sizeof(text));
	ck_assert_str_eq(text, GA_LAB_CLIENT_ADDR);
	ck_assert_int_eq(send(*sfd, "hello", 5, MSG_NOSIGNAL), 5);
	ck_assert_int_eq(unit_recv_for(*cfd, buf, 5, 2000), 5);
	ck_assert_int_eq(memcmp(buf, "hello", 5), 0);
	ck_assert_int_eq(send(*cfd, "world", 5, MSG_NOSIGNAL), 5);
	ck_assert_int_eq(unit_recv_for(*sfd, buf, 5, 2000), 5);
}

/* Started, it listens (found without a connection) and relays; stopped,
 * it is gone by its PID and the client's connection ends; started
 * again, it relays again. */
START_TEST(test_start_relay_stop_start)
{
	struct ga_proxy_settings s = { 0 };
	struct ga_error err;
	struct px_lab f;
	int cfd, sfd;
	char buf[8];
	pid_t pid;

	px_up(&f, 0x71, &s);
	ck_assert_msg(ga_proxy_start(&f.px, NULL, &err) == 0, "%s", err.msg);
	pid = f.px.pid;
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(ga_proxy_start(&f.px, NULL, &err), -1);
	ck_assert_msg(strstr(err.msg, "already running"), "%s", err.msg);
	relay(&f, &cfd, &sfd);
	ck_assert_msg(ga_proxy_stop(&f.px, NULL, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(f.px.pid, 0);
	ck_assert_int_eq(kill(pid, 0), -1);
	ck_assert_int_le(unit_recv_for(cfd, buf, 1, 2000), 0);
	close(cfd);
	close(sfd);
	ck_assert_msg(ga_proxy_start(&f.px, NULL, &err) == 0, "%s", err.msg);
	relay(&f, &cfd, &sfd);
	close(cfd);
	close(sfd);
	px_down(&f);
}
END_TEST

/* Killed, it leaves nothing listening; destroy of a running proxy ends
 * it by its PID. */
START_TEST(test_crash_and_destroy)
{
	struct ga_proxy_settings s = { 0 };
	struct ga_error err;
	struct px_lab f;
	int cfd, sfd;
	pid_t pid;

	px_up(&f, 0x72, &s);
	ck_assert_msg(ga_proxy_start(&f.px, NULL, &err) == 0, "%s", err.msg);
	relay(&f, &cfd, &sfd);
	pid = f.px.pid;
	ck_assert_int_eq(ga_proxy_crash(&f.px, &err), 0);
	ck_assert_int_eq(kill(pid, 0), -1);
	ck_assert_int_eq(unit_tcp_connect(f.lab.client_ns, GA_LAB_PROXY_ADDR,
					  PORT, &err), -1);
	ck_assert_msg(strstr(err.msg, strerror(ECONNREFUSED)), "%s", err.msg);
	close(sfd);
	ck_assert_msg(ga_proxy_start(&f.px, NULL, &err) == 0, "%s", err.msg);
	pid = f.px.pid;
	ga_proxy_destroy(&f.px);
	ck_assert_int_eq(kill(pid, 0), -1);
	px_down(&f);
}
END_TEST

/* Its idle timeout, from the settings: a silent connection is closed by
 * the proxy after client-timeout, on both sides. */
START_TEST(test_idle_timeout)
{
	struct ga_proxy_settings s = { .client_timeout_ms = 300,
				       .server_timeout_ms = 300 };
	struct ga_error err;
	struct px_lab f;
	int cfd, sfd;
	char buf[8];

	px_up(&f, 0x73, &s);
	ck_assert_msg(ga_proxy_start(&f.px, NULL, &err) == 0, "%s", err.msg);
	relay(&f, &cfd, &sfd);
	ck_assert_int_eq(unit_recv_for(cfd, buf, 1, 3000), 0);
	ck_assert_int_eq(unit_recv_for(sfd, buf, 1, 3000), 0);
	close(cfd);
	close(sfd);
	px_down(&f);
}
END_TEST

/* True when the file at path holds text. */
static bool file_has(const char *path, const char *text)
{
	char buf[8192];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

/* At the end of a case: finished, it logs the connection that has ended
 * (a hard stop or a kill would not: HAProxy logs a connection when it
 * ends) and exits; one still open does not hold it past the bound. */
START_TEST(test_finish_logs)
{
	struct ga_proxy_settings s = { 0 };
	struct px_lab f;
	struct ga_error err;
	int cfd, sfd;
	double t0;
	pid_t pid;

	px_up(&f, 0x74, &s);
	ck_assert_msg(ga_proxy_start(&f.px, NULL, &err) == 0, "%s", err.msg);
	relay(&f, &cfd, &sfd);
	close(cfd);
	close(sfd);
	pid = f.px.pid;
	ga_proxy_finish(&f.px, NULL, 2000);
	ck_assert_int_eq(f.px.pid, 0);
	ck_assert_int_eq(kill(pid, 0), -1);
	ck_assert_msg(file_has(f.px.log, GA_LAB_PROXIED_CLIENT_ADDR ":"),
		      "no line for the connection in %s", f.px.log);
	ck_assert_msg(file_has(f.px.log, " clients server/db "),
		      "no line for the connection in %s", f.px.log);

	ck_assert_msg(ga_proxy_start(&f.px, NULL, &err) == 0, "%s", err.msg);
	relay(&f, &cfd, &sfd);
	pid = f.px.pid;
	t0 = ga_clock_ms();
	ga_proxy_finish(&f.px, NULL, 300);
	ck_assert_int_eq(kill(pid, 0), -1);
	ck_assert_int_lt(ga_clock_ms() - t0, 2000);
	ga_proxy_finish(&f.px, NULL, 300);
	close(cfd);
	close(sfd);
	px_down(&f);
}
END_TEST

/* A proxy that cannot listen (an address on no interface) exits; start
 * says so with its log. */
START_TEST(test_start_fails)
{
	struct ga_proxy_settings s = { 0 };
	struct ga_proxy_net n = net;
	struct ga_error err;
	struct ga_lab lab;
	struct ga_proxy px;

	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare: %s",
		      strerror(errno));
	ck_assert_msg(ga_lab_create_with(&lab, 0x74, -1, true, &err) == 0,
		      "%s", err.msg);
	make_dir();
	n.netns_fd = lab.proxy_ns;
	n.listen_addr = "198.18.0.99";
	ck_assert_msg(ga_proxy_create(&px, ga_proxy_kind_find("haproxy"), dir,
				      &n, &s, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(ga_proxy_start(&px, NULL, &err), -1);
	ck_assert_msg(strstr(err.msg, "during start-up") &&
		      strstr(err.msg, "its log:"), "%s", err.msg);
	ck_assert_int_eq(px.pid, 0);
	ga_proxy_destroy(&px);
	ga_lab_destroy(&lab);
	remove_dir();
}
END_TEST

Suite *make_proxy_suite(struct unit_needs *needs)
{
	Suite *s = suite_create("proxy");
	TCase *tc;

	tc = tcase_create("config");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_names_agree);
	tcase_add_test(tc, test_missing_program);
	tcase_add_test(tc, test_haproxy_config);
	tcase_add_test(tc, test_not_running);
	suite_add_tcase(s, tc);

	if (unit_needs_root(needs, "proxy", "haproxy", "network namespaces")) {
		tc = tcase_create("haproxy");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_test(tc, test_start_relay_stop_start);
		tcase_add_test(tc, test_crash_and_destroy);
		tcase_add_test(tc, test_idle_timeout);
		tcase_add_test(tc, test_finish_logs);
		tcase_add_test(tc, test_start_fails);
		suite_add_tcase(s, tc);
	}
	return s;
}
