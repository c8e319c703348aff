/* server.c - see server.h */
#include "lab/server.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/clock.h"
#include "run/expect.h"
#include "util/fsutil.h"
#include "lab/lab.h"
#include "client/mysqlcall.h"
#include "lab/spawn.h"

#define POLL_MS 5
#define ADMIN_TIMEOUT_S 30

static int path_join(char *buf, size_t len, const char *dir, const char *name,
		     struct ga_error *err)
{
	if (snprintf(buf, len, "%s/%s", dir, name) >= (int)len)
		return ga_error_set(err, "path too long: %s/%s", dir, name);
	return 0;
}

int ga_server_init(struct ga_server *srv, const char *mariadbd,
		   const char *dir, int netns_fd, struct ga_error *err)
{
	struct sockaddr_un sun;

	memset(srv, 0, sizeof(*srv));
	srv->mariadbd = mariadbd;
	srv->netns_fd = netns_fd;
	srv->pidfd = -1;
	if (snprintf(srv->dir, sizeof(srv->dir), "%s", dir) >= (int)sizeof(srv->dir))
		return ga_error_set(err, "path too long: %s", dir);
	if (path_join(srv->cnf, sizeof(srv->cnf), dir, "my.cnf", err) ||
	    path_join(srv->datadir, sizeof(srv->datadir), dir, "data", err) ||
	    path_join(srv->socket, sizeof(srv->socket), dir, "s.sock", err) ||
	    path_join(srv->errlog, sizeof(srv->errlog), dir, "error.log", err))
		return -1;
	if (strlen(srv->socket) >= sizeof(sun.sun_path))
		return ga_error_set(err, "unix socket path too long (%zu bytes, "
				    "at most %zu): use a shorter TMPDIR",
				    strlen(srv->socket), sizeof(sun.sun_path) - 1);
	return 0;
}

int ga_server_write_config(struct ga_server *srv, const char *fixture_cnf,
			   const struct ga_scenario *sc, struct ga_error *err)
{
	FILE *f;
	size_t i;

	f = fopen(srv->cnf, "we");
	if (!f)
		return ga_error_errno(err, errno, "create %s", srv->cnf);
	fprintf(f, "# Written by goneaway for %s\n", sc->path);
	fputs(fixture_cnf, f);
	fprintf(f, "\n[mysqld]\n"
		"# the scenario's private paths\n"
		"datadir=%s\nsocket=%s\nlog-error=%s\npid-file=%s/mariadbd.pid\n"
		"user=root\nbind-address=%s\nport=%d\n",
		srv->datadir, srv->socket, srv->errlog, srv->dir,
		GA_LAB_SERVER_ADDR, GA_SERVER_PORT);
	if (sc->noptions)
		fprintf(f, "# server-option lines of %s\n", sc->path);
	for (i = 0; i < sc->noptions; i++) {
		const struct ga_server_option *o = &sc->options[i];

		if (o->value)
			fprintf(f, "%s=%s\n", o->name, o->value);
		else
			fprintf(f, "%s\n", o->name);
	}
	if (fclose(f) != 0)
		return ga_error_errno(err, errno, "write %s", srv->cnf);
	return 0;
}

static int admin_connect(struct ga_server *srv, struct ga_error *err)
{
	unsigned int timeout = ADMIN_TIMEOUT_S;
	MYSQL *m;

	m = mysql_init(NULL);
	if (!m)
		return ga_error_set(err, "mysql_init: out of memory");
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	if (!mysql_real_connect(m, NULL, GA_SERVER_USER, GA_SERVER_PASSWORD,
				GA_SERVER_DATABASE, 0, srv->socket, 0)) {
		ga_error_set(err, "admin connection over %s: %u %s", srv->socket,
			     mysql_errno(m), mysql_error(m));
		mysql_close(m);
		return -1;
	}
	srv->admin = m;
	snprintf(srv->version, sizeof(srv->version), "%s",
		 mysql_get_server_info(m));
	ga_server_id_parse(srv->version, &srv->id);
	return 0;
}

/* Reaps a server that exited by itself and describes how. */
static int server_exited(struct ga_server *srv, struct ga_error *err)
{
	char how[96], tail[600];
	int status = 0;

	waitpid(srv->pid, &status, 0);
	close(srv->pidfd);
	srv->pid = 0;
	srv->pidfd = -1;
	ga_spawn_describe_status(status, how, sizeof(how));
	ga_server_log_tail(srv, tail, sizeof(tail));
	return ga_error_set(err, "mariadbd %s during start-up; error log: %s",
			    how, tail);
}

int ga_server_start(struct ga_server *srv, struct ga_interrupt *in,
		    long timeout_ms, struct ga_error *err)
{
	char defaults[PATH_MAX + 32];
	const char *argv[3];
	struct ga_spawn_opts opts;
	double deadline;
	int r;

	if (srv->pid)
		return ga_error_set(err, "mariadbd is already running (pid %d)",
				    (int)srv->pid);
	snprintf(defaults, sizeof(defaults), "--defaults-file=%s", srv->cnf);
	argv[0] = srv->mariadbd;
	argv[1] = defaults;
	argv[2] = NULL;
	opts.argv = argv;
	opts.netns_fd = srv->netns_fd;
	opts.output_path = srv->errlog;
	unlink(srv->socket);
	if (ga_spawn(&opts, &srv->pid, &srv->pidfd, err))
		return -1;

	/* Readiness: once the socket file exists, try a real, authenticated
	 * admin connection.  (A bare connect() probe would count in the
	 * server's Aborted_connects, which scenarios read as evidence.) */
	ga_error_set(err, "no unix socket at %s", srv->socket);
	deadline = ga_clock_ms() + (double)timeout_ms;
	for (;;) {
		r = ga_interrupt_wait(in, srv->pidfd, POLL_MS);
		if (r < 0)
			return ga_error_set(err, "interrupted while mariadbd started");
		if (r > 0)
			return server_exited(srv, err);
		if (access(srv->socket, F_OK) == 0 && admin_connect(srv, err) == 0)
			return 0;
		if (ga_clock_ms() > deadline)
			return ga_error_prefix(err, "mariadbd was not ready within "
					       "%ld ms", timeout_ms);
	}
}

static void admin_close(struct ga_server *srv)
{
	if (srv->admin)
		mysql_close(srv->admin);
	srv->admin = NULL;
}

int ga_server_stop(struct ga_server *srv, struct ga_interrupt *in,
		   long timeout_ms, struct ga_error *err)
{
	char how[96];
	int status = 0;
	int r;

	admin_close(srv);
	if (!srv->pid)
		return ga_error_set(err, "mariadbd is not running");
	if (kill(srv->pid, SIGTERM) != 0)
		return ga_error_errno(err, errno, "kill -TERM %d", (int)srv->pid);
	r = ga_spawn_wait(srv->pid, srv->pidfd, in, timeout_ms, &status, err);
	if (r != 0) {
		ga_server_teardown(srv);
		if (r > 0)
			return ga_error_set(err, "mariadbd did not shut down within "
					    "%ld ms; killed", timeout_ms);
		return -1;
	}
	close(srv->pidfd);
	srv->pid = 0;
	srv->pidfd = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		ga_spawn_describe_status(status, how, sizeof(how));
		return ga_error_set(err, "mariadbd %s on shutdown", how);
	}
	return 0;
}

int ga_server_crash(struct ga_server *srv, struct ga_error *err)
{
	if (!srv->pid)
		return ga_error_set(err, "mariadbd is not running");
	if (kill(srv->pid, SIGKILL) != 0)
		return ga_error_errno(err, errno, "kill -KILL %d", (int)srv->pid);
	waitpid(srv->pid, NULL, 0);
	close(srv->pidfd);
	srv->pid = 0;
	srv->pidfd = -1;
	/* The admin connection is dead too; closing it sends nothing useful. */
	admin_close(srv);
	return 0;
}

void ga_server_teardown(struct ga_server *srv)
{
	if (srv->pid) {
		kill(srv->pid, SIGKILL);
		waitpid(srv->pid, NULL, 0);
		srv->pid = 0;
	}
	if (srv->pidfd >= 0)
		close(srv->pidfd);
	srv->pidfd = -1;
	admin_close(srv);
}

void ga_server_admin_query(struct ga_server *srv, const char *sql,
			   struct ga_outcome *out)
{
	double start = ga_clock_ms();

	memset(out, 0, sizeof(*out));
	if (!srv->admin) {
		out->result = GA_RESULT_ERROR;
		out->api = "admin";
		snprintf(out->message, sizeof(out->message),
			 "no admin connection: the server is not running");
		return;
	}
	ga_mysql_query(srv->admin, sql, out);
	out->elapsed_ms = ga_clock_ms() - start;
}

void ga_server_log_tail(const struct ga_server *srv, char *buf, size_t len)
{
	struct ga_error err;
	char *text = NULL;
	size_t n = 0, start;
	int lines = 0;

	if (!len)
		return;
	buf[0] = '\0';
	if (ga_file_read(srv->errlog, 64 << 20, &text, &n, &err) != 0) {
		snprintf(buf, len, "(%s)", err.msg);
		return;
	}
	start = n;
	while (start > 0 && lines < 4) {
		start--;
		if (text[start] == '\n' && start + 1 < n)
			lines++;
	}
	if (n - start >= len)
		start = n - (len - 1);
	snprintf(buf, len, "%s", text + start + (text[start] == '\n'));
	free(text);
}
