/* client.c - see client.h */
#include "client/client.h"

#include <dirent.h>
#include <errno.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/clock.h"
#include "client/forkcall.h"
#include "lab/lab.h"
#include "client/mysqlcall.h"
#include "client/rawconn.h"
#include "client/stmtcall.h"

#define UNBLOCK_MS 3000         /* how long an abandoned call may take */
#define RAW_CONNECT_MS 5000     /* a raw connect without connect_timeout */
#define RAW_DRAIN_MS 600000     /* the watchdog ends a drain long before */
#define FORK_CHILD_MS 10000     /* how long a forked child may take */

struct ga_call {
	struct ga_client *client;       /* borrowed */
	const struct ga_step *step;     /* borrowed */
	enum ga_step_kind kind;
	const char *sql;                /* borrowed */
	struct ga_client_env env;       /* copy; strings borrowed */
	struct ga_outcome out;          /* written by the worker only */
	double start_ms;
	int done_fd;                    /* eventfd, written when finished */
	pthread_t thread;
	bool abandoned;                 /* the watchdog gave up on the worker:
					 * it still owns the call and done_fd */
};

static void noop_handler(int sig)
{
	(void)sig;
}

int ga_client_global_init(struct ga_error *err)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = noop_handler;   /* no SA_RESTART: syscalls get EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) != 0)
		return ga_error_errno(err, errno, "sigaction SIGUSR1");
	return 0;
}

static void set_timeout(MYSQL *m, enum mysql_option opt, long seconds)
{
	unsigned int v = (unsigned int)seconds;

	if (seconds > 0)
		mysql_options(m, opt, &v);
}

static void do_connect(struct ga_call *call)
{
	const struct ga_connection *c = call->client->decl;
	struct ga_outcome *out = &call->out;
	unsigned int protocol;
	unsigned long flags = 0;
	my_bool reconnect = c->reconnect;
	MYSQL *m;

	out->api = "mysql_real_connect";
	if (call->client->mysql) {      /* connect again: a fresh handle */
		mysql_close(call->client->mysql);
		call->client->mysql = NULL;
	}
	m = mysql_init(NULL);
	if (!m) {
		out->result = GA_RESULT_ERROR;
		snprintf(out->message, sizeof(out->message), "mysql_init failed");
		return;
	}
	set_timeout(m, MYSQL_OPT_CONNECT_TIMEOUT, c->connect_timeout_s);
	set_timeout(m, MYSQL_OPT_READ_TIMEOUT, c->read_timeout_s);
	set_timeout(m, MYSQL_OPT_WRITE_TIMEOUT, c->write_timeout_s);
	if (c->max_allowed_packet > 0) {
		unsigned long map = (unsigned long)c->max_allowed_packet;

		mysql_options(m, MYSQL_OPT_MAX_ALLOWED_PACKET, &map);
	}
	mysql_options(m, MYSQL_OPT_RECONNECT, &reconnect);
	protocol = c->transport == GA_TRANSPORT_SOCKET ? MYSQL_PROTOCOL_SOCKET
						       : MYSQL_PROTOCOL_TCP;
	mysql_options(m, MYSQL_OPT_PROTOCOL, &protocol);
	if (c->interactive)
		flags |= CLIENT_INTERACTIVE;
	call->client->mysql = m;
	if (!mysql_real_connect(m,
				c->transport == GA_TRANSPORT_SOCKET ? "localhost"
								    : call->env.host,
				c->user ? c->user : "goneaway",
				c->password ? c->password : "goneaway",
				c->database ? c->database : "goneaway",
				call->env.port, call->env.socket, flags)) {
		ga_mysql_set_error(m, "mysql_real_connect", out);
		return;
	}
	out->result = GA_RESULT_OK;
	out->thread_after = mysql_thread_id(m);
}

static void raw_connect(struct ga_call *call)
{
	struct ga_client *cl = call->client;
	long ms = cl->decl->connect_timeout_s > 0 ?
		  cl->decl->connect_timeout_s * 1000 : RAW_CONNECT_MS;

	if (cl->raw_fd >= 0) {
		close(cl->raw_fd);
		cl->raw_fd = -1;
	}
	ga_raw_connect(call->env.host, call->env.port, ms, &cl->raw_fd,
		       &call->out);
}

static void close_client(struct ga_client *cl)
{
	if (cl->stream) {
		mysql_free_result(cl->stream);
		cl->stream = NULL;
	}
	if (cl->stmt) {
		mysql_stmt_close(cl->stmt);
		cl->stmt = NULL;
	}
	if (cl->mysql)
		mysql_close(cl->mysql);
	cl->mysql = NULL;
	if (cl->raw_fd >= 0)
		close(cl->raw_fd);
	cl->raw_fd = -1;
}

static void no_statement(struct ga_outcome *out, const char *what)
{
	out->result = GA_RESULT_ERROR;
	out->api = "goneaway";
	snprintf(out->message, sizeof(out->message), "%s", what);
}

static void run_call(struct ga_call *call)
{
	struct ga_outcome *out = &call->out;
	struct ga_client *cl = call->client;
	const struct ga_step *st = call->step;
	MYSQL *m = cl->mysql;

	switch (call->kind) {
	case GA_STEP_CONNECT:
		if (cl->decl->transport == GA_TRANSPORT_RAW)
			raw_connect(call);
		else
			do_connect(call);
		return;
	case GA_STEP_PREPARE:
		ga_stmt_prepare(m, &cl->stmt, call->sql, out);
		return;
	case GA_STEP_EXECUTE:
		if (!cl->stmt)
			no_statement(out, "no prepared statement");
		else
			ga_stmt_execute(m, cl->stmt, st->size, out);
		return;
	case GA_STEP_LONG_DATA:
		if (!cl->stmt)
			no_statement(out, "no prepared statement");
		else
			ga_stmt_long_data(m, cl->stmt, st->size, st->chunk, out);
		return;
	case GA_STEP_STREAM:
		if (cl->stream) {
			mysql_free_result(cl->stream);
			cl->stream = NULL;
		}
		ga_mysql_stream(m, call->sql, &cl->stream, out);
		return;
	case GA_STEP_FETCH:
		if (!cl->stream)
			no_statement(out, "no streamed result to fetch");
		else
			ga_mysql_fetch(m, &cl->stream, out);
		return;
	case GA_STEP_FORK:
		ga_fork_call(m, st->fork_mode, st->count, FORK_CHILD_MS, out);
		return;
	case GA_STEP_DRAIN:
		ga_raw_drain(cl->raw_fd, RAW_DRAIN_MS, out);
		return;
	case GA_STEP_QUERY:
	case GA_STEP_SEND:
		ga_mysql_query(m, call->sql, out);
		return;
	case GA_STEP_PING:
		out->api = "mysql_ping";
		out->thread_before = mysql_thread_id(m);
		if (mysql_ping(m) != 0)
			ga_mysql_set_error(m, "mysql_ping", out);
		else
			out->result = GA_RESULT_OK;
		out->thread_after = mysql_thread_id(m);
		return;
	case GA_STEP_CLOSE:
		out->api = cl->raw_fd >= 0 ? "close" : "mysql_close";
		close_client(cl);
		out->result = GA_RESULT_OK;
		return;
	case GA_STEP_REAP:
	case GA_STEP_SLEEP:
	case GA_STEP_KILL:
	case GA_STEP_ADMIN:
	case GA_STEP_STATUS:
	case GA_STEP_ERRORLOG:
	case GA_STEP_SERVER_STOP:
	case GA_STEP_SERVER_START:
	case GA_STEP_SERVER_RESTART:
	case GA_STEP_SERVER_CRASH:
	case GA_STEP_FAULT:
	case GA_STEP_LIFT:
		break;
	}
	out->result = GA_RESULT_ERROR;
	out->api = "goneaway";
	snprintf(out->message, sizeof(out->message), "not a client call: %s",
		 ga_step_kind_name(call->kind));
}

static void *worker(void *arg)
{
	struct ga_call *call = arg;
	struct ga_error err;
	uint64_t one = 1;

	mysql_thread_init();
	/* Sockets belong to the namespace they are created in; a reconnect
	 * inside mysql_real_query creates one too, so every call enters. */
	if (ga_lab_enter(call->env.netns_fd, &err) != 0) {
		call->out.result = GA_RESULT_ERROR;
		call->out.api = "setns";
		snprintf(call->out.message, sizeof(call->out.message), "%s", err.msg);
	} else {
		run_call(call);
	}
	call->out.elapsed_ms = ga_clock_ms() - call->start_ms;
	mysql_thread_end();
	if (write(call->done_fd, &one, sizeof(one)) < 0)
		abort();        /* an eventfd write cannot fail here */
	return NULL;
}

void ga_client_init(struct ga_client *client, const struct ga_connection *decl)
{
	memset(client, 0, sizeof(*client));
	client->decl = decl;
	client->raw_fd = -1;
}

struct ga_call *ga_call_start(struct ga_client *client,
			      const struct ga_step *step,
			      const struct ga_client_env *env,
			      struct ga_error *err)
{
	enum ga_step_kind kind = step->kind;
	struct ga_call *call;
	int rc;

	if (kind != GA_STEP_CONNECT && !client->mysql && client->raw_fd < 0) {
		ga_error_set(err, "connection '%s' is not connected (goneaway "
			     "never calls the C API on a closed handle)",
			     client->decl->name);
		return NULL;
	}
	call = calloc(1, sizeof(*call));
	if (!call) {
		ga_error_set(err, "out of memory");
		return NULL;
	}
	call->client = client;
	call->step = step;
	call->kind = kind;
	call->sql = step->text;
	call->env = *env;
	call->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (call->done_fd < 0) {
		ga_error_errno(err, errno, "eventfd");
		free(call);
		return NULL;
	}
	call->start_ms = ga_clock_ms();
	rc = pthread_create(&call->thread, NULL, worker, call);
	if (rc != 0) {
		ga_error_errno(err, rc, "pthread_create");
		close(call->done_fd);
		free(call);
		return NULL;
	}
	return call;
}

/* True when the socket fd belongs to the namespace ns (same inode). */
static bool socket_in_netns(int fd, const struct stat *ns)
{
	struct stat st;
	int nsfd;
	bool same;

	nsfd = ioctl(fd, SIOCGSKNS);
	if (nsfd < 0)
		return false;
	same = fstat(nsfd, &st) == 0 && st.st_ino == ns->st_ino &&
	       st.st_dev == ns->st_dev;
	close(nsfd);
	return same;
}

/* A mysql_real_connect blocked in the TCP handshake (a DROP rule and no
 * connect timeout) has no socket the handle would tell us about yet, and
 * the library restarts its poll() after every EINTR.  Its socket is the
 * one TCP socket of the lab's client namespace still in SYN_SENT (steps
 * run one at a time, so no other connect is under way there): shutting
 * it down aborts the handshake and the call returns. */
static void abort_handshakes(int netns_fd)
{
	struct tcp_info ti;
	struct stat ns, st;
	struct dirent *de;
	socklen_t len;
	DIR *dir;
	int fd;

	if (fstat(netns_fd, &ns) != 0)
		return;
	dir = opendir("/proc/self/fd");
	if (!dir)
		return;
	while ((de = readdir(dir)) != NULL) {
		fd = atoi(de->d_name);
		if (de->d_name[0] == '.' || fd == dirfd(dir))
			continue;
		if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
			continue;
		len = sizeof(ti);
		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
		    ti.tcpi_state != TCP_SYN_SENT)
			continue;
		if (socket_in_netns(fd, &ns))
			shutdown(fd, SHUT_RDWR);
	}
	closedir(dir);
}

/* Unblocks a worker stuck in a system call: shut its socket down and
 * interrupt it with SIGUSR1 until it returns or UNBLOCK_MS pass.
 * Returns 0 once the worker has finished. */
static int unblock(struct ga_call *call)
{
	double deadline = ga_clock_ms() + UNBLOCK_MS;
	MYSQL *m = call->client->mysql;
	my_socket s;

	s = m ? mysql_get_socket(m) : (my_socket)-1;
	if ((int)s >= 0)
		shutdown((int)s, SHUT_RDWR);
	else if (call->kind == GA_STEP_CONNECT)
		abort_handshakes(call->env.netns_fd);
	if (call->client->raw_fd >= 0)
		shutdown(call->client->raw_fd, SHUT_RDWR);
	while (ga_clock_ms() < deadline) {
		if (ga_interrupt_wait(NULL, call->done_fd, 100) == 1)
			return 0;
		pthread_kill(call->thread, SIGUSR1);
	}
	return -1;
}

/* The C API call a hung step was blocked in. */
static const char *call_api(const struct ga_call *call)
{
	if (call->client->decl->transport == GA_TRANSPORT_RAW)
		return call->kind == GA_STEP_CONNECT ? "connect" : "recv";
	switch (call->kind) {
	case GA_STEP_CONNECT: return "mysql_real_connect";
	case GA_STEP_PING: return "mysql_ping";
	case GA_STEP_CLOSE: return "mysql_close";
	case GA_STEP_PREPARE: return "mysql_stmt_prepare";
	case GA_STEP_EXECUTE: return "mysql_stmt_execute";
	case GA_STEP_LONG_DATA: return "mysql_stmt_send_long_data";
	case GA_STEP_FETCH: return "mysql_fetch_row";
	case GA_STEP_FORK: return "mysql_real_query (parent and child)";
	default: return "mysql_real_query";
	}
}

int ga_call_wait(struct ga_call *call, struct ga_interrupt *in,
		 long watchdog_ms, struct ga_outcome *out)
{
	long left = watchdog_ms - (long)(ga_clock_ms() - call->start_ms);
	int r = ga_interrupt_wait(in, call->done_fd, left > 0 ? left : 0);

	if (r == 1) {
		pthread_join(call->thread, NULL);
		*out = call->out;
		return 0;
	}
	/* watchdog or signal: the outcome is decided now, whatever the
	 * worker returns once unblocked */
	memset(out, 0, sizeof(*out));
	out->result = GA_RESULT_HANG;
	out->api = call_api(call);
	out->elapsed_ms = ga_clock_ms() - call->start_ms;
	if (unblock(call) == 0) {
		pthread_join(call->thread, NULL);
	} else {
		/* It would not return: leave it; process exit reclaims it. */
		pthread_detach(call->thread);
		call->client->hung = true;
		call->abandoned = true;
	}
	return r < 0 ? -1 : 0;
}

void ga_call_finish(struct ga_call *call)
{
	if (!call)
		return;
	/* A detached worker may still write done_fd and read call: both are
	 * leaked on purpose (a handful of bytes, only after a hang that
	 * neither shutdown() nor SIGUSR1 could end). */
	if (call->abandoned)
		return;
	close(call->done_fd);
	free(call);
}

void ga_client_teardown(struct ga_client *client)
{
	struct ga_outcome ignored;

	if (client->pending) {
		ga_call_wait(client->pending, NULL, 0, &ignored);
		ga_call_finish(client->pending);
		client->pending = NULL;
	}
	if (!client->hung) {
		close_client(client);
		return;
	}
	/* An abandoned worker may still use the handle, its statement and
	 * a raw socket (already shut down by the watchdog): all of them are
	 * left to the process exit, like the worker itself. */
	client->mysql = NULL;
	client->stmt = NULL;
	client->stream = NULL;
}
