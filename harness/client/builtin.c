/* builtin.c - the in-process driver: libmysqlclient, as linked.
 *
 * Each call runs on a thread of its own, which first enters the lab's
 * client namespace (sockets belong to the namespace they are made in;
 * a reconnect inside mysql_real_query makes one too).  The main thread
 * waits on the call's eventfd (client/client.c).
 *
 * Who touches what: while a call runs, the connection's handle, its
 * statement, its streamed result and its raw socket belong to the worker
 * alone; the main thread touches them only after it has seen the call
 * finish (the done flag, stored with release order, read with acquire)
 * and joined the worker.  What the main thread needs during a call - the
 * socket to cut when the watchdog fires - it copied when the previous
 * call finished (descriptor and inode) or finds from the outside
 * (client/sockets.c).  Cancelling a call shuts those sockets down and
 * interrupts the worker with SIGUSR1 until it returns; a worker that does
 * not return within UNBLOCK_MS is abandoned, and with it the connection.
 */
#include "client/driver.h"
#include "client/internal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "client/protocol.h"
#include "lab/netns.h"
#include "util/clock.h"
#include "util/interrupt.h"

#define UNBLOCK_MS 3000         /* how long a cancelled call may take */
#define RAW_CONNECT_MS 5000     /* a raw connect without connect_timeout */
#define RAW_DRAIN_MS 600000     /* the watchdog ends a drain long before */
#define FORK_CHILD_MS 10000     /* how long a forked child may take */

struct call {
	struct ga_driver_conn *conn;    /* borrowed */
	const struct ga_step *step;     /* borrowed */
	const char *sql;                /* borrowed */
	struct ga_outcome out;          /* the worker's, until done */
	struct ga_error err;            /* the worker's: a harness failure */
	bool failed;                    /* ... err is set */
	atomic_bool done;               /* the worker finished */
	int done_fd;                    /* eventfd, written when done */
	double start_ms;
	pthread_t thread;
	struct ga_socket_set before;    /* sockets before the call */
};

struct ga_driver_conn {
	const struct ga_driver *drv;            /* borrowed */
	const struct ga_connection *decl;       /* borrowed */
	const struct ga_client_env *env;        /* borrowed */
	MYSQL *mysql;           /* owned; NULL before connect / after close */
	MYSQL_STMT *stmt;       /* owned: the last "prepare", or NULL */
	MYSQL_RES *stream;      /* owned: a "stream" not fetched yet */
	int raw_fd;             /* owned: a transport=raw socket, or -1 */
	struct ga_beneath infile;       /* what LOAD DATA LOCAL may read
					 * (env's infile_dir, borrowed, with
					 * local_infile), no directory: nothing;
					 * the handle's handler borrows it */
	struct call *call;      /* owned: the call in flight, or NULL */
	bool abandoned;         /* a call would not end: leave everything */
	bool closed;            /* a "close" step ran: the handle is freed */
	/* kept by the main thread between calls */
	ino_t sock_ino;         /* the handle's (or raw) socket, or 0 */
	unsigned long thread_id;
};

static void noop_handler(int sig)
{
	(void)sig;
}

int ga_driver_builtin_init(struct ga_error *err)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = noop_handler;   /* no SA_RESTART: syscalls get EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) != 0)
		return ga_error_errno(err, errno, "sigaction SIGUSR1");
	return 0;
}

static int conn_new(struct ga_driver *drv, const struct ga_connection *decl,
		    const struct ga_client_env *env,
		    struct ga_driver_conn **connp, struct ga_error *err)
{
	struct ga_driver_conn *conn = calloc(1, sizeof(*conn));

	if (!conn)
		return ga_error_set(err, "out of memory");
	conn->drv = drv;
	conn->decl = decl;
	conn->env = env;
	conn->raw_fd = -1;
	if (decl->local_infile && env->infile_dir)
		conn->infile.dirs[conn->infile.n++] = env->infile_dir;
	*connp = conn;
	return 0;
}

/* Whether driver option o is the built-in client's: no selector, or
 * one that names it ([client=builtin]). */
static bool applies(const struct ga_driver_conn *conn,
		    const struct ga_driver_option *o)
{
	return ga_selector_client_matches(&o->selector, conn->drv->name,
					  NULL, conn->drv->version);
}

/* Every step of the language, but a use after close: mysql_close()
 * frees the handle, and the C API leaves any call on it undefined.  (Called
 * between calls: the handle is the main thread's to look at.)  Of the
 * driver options (a connect's), those ga_mysql_option_set() takes. */
static int unsupported(const struct ga_driver_conn *conn,
		       const struct ga_step *step, char *why, size_t len)
{
	const struct ga_driver_option *o;
	size_t i;

	/* a pool is a client of its own: a connector's pool, run by its
	 * driver (drivers/README.md, "Pools"); libmysqlclient has none */
	if (conn->decl->pool.line) {
		snprintf(why, len, "the built-in client has no pool: "
			 "libmysqlclient keeps no connections to lend; "
			 "connection '%s' of pool '%s' needs a pool's driver "
			 "(--client sqlalchemy, go-pool, mysqljs-pool, "
			 "hikaricp or doctrine: drivers/README.md, "
			 "\"Pools\")",
			 conn->decl->name, conn->decl->pool.name);
		return 1;
	}
#ifdef MARIADB_PACKAGE_VERSION
	/* Connector/C 3.3.20's mysql_change_user on a connection whose
	 * socket it has already closed after a failure writes into the
	 * freed network buffer (valgrind: "Invalid write ... inside a block
	 * free'd" by mysql_real_query), and the heap is corrupted: a second
	 * change-user after a loss would crash goneaway itself. */
	if (step->kind == GA_STEP_CHANGE_USER && conn->mysql &&
	    !conn->mysql->net.pvio) {
		snprintf(why, len, "mysql_change_user on a connection "
			 "Connector/C has closed after a failure writes into "
			 "its freed network buffer (a use after free in the "
			 "library): goneaway never makes that call");
		return 1;
	}
#endif
	if (step->kind == GA_STEP_CONNECT) {
		for (i = 0; i < conn->decl->ndriver_options; i++) {
			o = &conn->decl->driver_options[i];
			if (applies(conn, o) &&
			    ga_mysql_option_set(NULL, o->key, o->value, why,
						len))
				return 1;
		}
		return 0;
	}
	if (!conn->closed || conn->decl->transport == GA_TRANSPORT_RAW)
		return 0;
	snprintf(why, len, "a call after close: mysql_close() frees the "
		 "handle, and the C API leaves any call on it undefined "
		 "(goneaway never makes one)");
	return 1;
}

/* ---- the calls (on the worker) -------------------------------------------- */

static void set_timeout(MYSQL *m, enum mysql_option opt, long seconds)
{
	unsigned int v = (unsigned int)seconds;

	if (seconds > 0)
		mysql_options(m, opt, &v);
}

/* TLS as the connection says, set either way: off is off even where the
 * library would use TLS by itself. */
static void set_tls(MYSQL *m, enum ga_tls tls)
{
#ifdef MARIADB_PACKAGE_VERSION
	char enforce = tls == GA_TLS_REQUIRED;  /* my_bool: one byte */
	char verify = 0;

	mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &enforce);
	mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
#else
	unsigned int mode = tls == GA_TLS_REQUIRED ? SSL_MODE_REQUIRED
						   : SSL_MODE_DISABLED;

	mysql_options(m, MYSQL_OPT_SSL_MODE, &mode);
#endif
}

/* A fresh handle with the connection's options (main thread, before the
 * worker starts: the worker then owns it). */
static MYSQL *new_handle(const struct ga_driver_conn *conn)
{
	const struct ga_connection *c = conn->decl;
	unsigned int protocol;
	char why[400];
	size_t i;
	MYSQL *m;

	m = mysql_init(NULL);
	if (!m)
		return NULL;
	set_timeout(m, MYSQL_OPT_CONNECT_TIMEOUT, c->connect_timeout_s);
	set_timeout(m, MYSQL_OPT_READ_TIMEOUT, c->read_timeout_s);
	set_timeout(m, MYSQL_OPT_WRITE_TIMEOUT, c->write_timeout_s);
	if (c->max_allowed_packet > 0) {
		unsigned long map = (unsigned long)c->max_allowed_packet;

		mysql_options(m, MYSQL_OPT_MAX_ALLOWED_PACKET, &map);
	}
	if (c->reconnect) {
		/* my_bool in Connector/C, bool in libmysqlclient 8: both are
		 * one byte that is non-zero for true. */
		char reconnect = 1;

		mysql_options(m, MYSQL_OPT_RECONNECT, &reconnect);
	}
	protocol = c->transport == GA_TRANSPORT_SOCKET ? MYSQL_PROTOCOL_SOCKET
						       : MYSQL_PROTOCOL_TCP;
	mysql_options(m, MYSQL_OPT_PROTOCOL, &protocol);
	set_tls(m, c->tls);
	/* checked by unsupported() before the connect started */
	for (i = 0; i < c->ndriver_options; i++)
		if (applies(conn, &c->driver_options[i]))
			ga_mysql_option_set(m, c->driver_options[i].key,
					    c->driver_options[i].value, why,
					    sizeof(why));
	/* last: what a file request may read is the connection's word,
	 * whatever an option above said */
	ga_mysql_local_infile(m, &conn->infile);
	return m;
}

/* The account connection c logs in as (connect, change-user). */
static void login(const struct ga_connection *c,
		  const struct ga_client_env *env, const char **user,
		  const char **password, const char **database)
{
	*user = c->user ? c->user : c->privileged ? env->privileged_user :
		env->user;
	*password = c->password ? c->password : c->privileged ?
		    env->privileged_password : env->password;
	*database = c->database ? c->database : env->database;
}

static void do_connect(struct ga_driver_conn *conn, struct ga_outcome *out)
{
	const struct ga_connection *c = conn->decl;
	const struct ga_client_env *env = conn->env;
	const struct ga_keepalive *ka;
	const char *user, *password, *database;

	login(c, env, &user, &password, &database);
	out->api = "mysql_real_connect";
	if (!mysql_real_connect(conn->mysql,
				c->transport == GA_TRANSPORT_SOCKET ?
				"localhost" : env->host, user, password,
				database, env->port, env->socket,
				c->interactive ? CLIENT_INTERACTIVE : 0)) {
		ga_mysql_set_error(conn->mysql, "mysql_real_connect", out);
		return;
	}
	ka = ga_connection_keepalive(c, conn->drv->name, NULL,
				     conn->drv->version);
	if (ka && ga_mysql_keepalive(conn->mysql, ka->idle_s, ka->interval_s,
				     ka->count, out->message,
				     sizeof(out->message))) {
		out->result = GA_RESULT_ERROR;
		return;
	}
	out->result = GA_RESULT_OK;
	out->thread_after = mysql_thread_id(conn->mysql);
}

static void raw_connect(struct ga_driver_conn *conn, struct ga_outcome *out)
{
	long ms = conn->decl->connect_timeout_s > 0 ?
		  conn->decl->connect_timeout_s * 1000 : RAW_CONNECT_MS;

	ga_raw_connect(conn->env->host, conn->env->port, ms, &conn->raw_fd,
		       out);
}

/* Closes the statement, the streamed result and the handle.  This runs
 * on the main thread, outside the lab's client namespace: the handle's
 * automatic reconnect is turned off first, or closing a statement on a
 * connection that died (COM_STMT_CLOSE) would reconnect from the host's
 * namespace to the lab's address, and wait for a connect timeout. */
static void close_all(struct ga_driver_conn *conn)
{
	if (conn->mysql) {
		char off = 0;   /* my_bool or bool: one byte */

		mysql_options(conn->mysql, MYSQL_OPT_RECONNECT, &off);
	}
	if (conn->stream) {
		mysql_free_result(conn->stream);
		conn->stream = NULL;
	}
	if (conn->stmt) {
		mysql_stmt_close(conn->stmt);
		conn->stmt = NULL;
	}
	if (conn->mysql)
		mysql_close(conn->mysql);
	conn->mysql = NULL;
	if (conn->raw_fd >= 0)
		close(conn->raw_fd);
	conn->raw_fd = -1;
}

/* change-user: the connection's own account again, as a pool does
 * before it hands the connection out (statements, streams and the
 * session's state are the server's to drop). */
static void change_user(struct ga_driver_conn *conn, struct ga_outcome *out)
{
	const char *user, *password, *database;

	login(conn->decl, conn->env, &user, &password, &database);
	ga_mysql_change_user(conn->mysql, user, password, database, out);
}

static void harness_error(struct ga_outcome *out, const char *what)
{
	out->result = GA_RESULT_ERROR;
	out->api = "goneaway";
	snprintf(out->message, sizeof(out->message), "%s", what);
}

/* execute and long-data: on the statement prepare made. */
static void stmt_call(struct ga_driver_conn *conn, const struct ga_step *st,
		      struct ga_outcome *out)
{
	if (!conn->stmt)
		harness_error(out, "no prepared statement");
	else if (st->kind == GA_STEP_EXECUTE)
		ga_stmt_execute(conn->mysql, conn->stmt, st->size, st->params,
				st->nparams, out);
	else
		ga_stmt_long_data(conn->mysql, conn->stmt, st->size, st->chunk,
				  out);
}

static void run_call(struct call *call)
{
	struct ga_driver_conn *conn = call->conn;
	struct ga_outcome *out = &call->out;
	const struct ga_step *st = call->step;
	MYSQL *m = conn->mysql;

	switch (st->kind) {
	case GA_STEP_CONNECT:
		if (conn->decl->transport == GA_TRANSPORT_RAW)
			raw_connect(conn, out);
		else
			do_connect(conn, out);
		return;
	case GA_STEP_PREPARE:
		ga_stmt_prepare(m, &conn->stmt, call->sql, out);
		return;
	case GA_STEP_EXECUTE:
	case GA_STEP_LONG_DATA:
		stmt_call(conn, st, out);
		return;
	case GA_STEP_STREAM:
		if (conn->stream) {
			mysql_free_result(conn->stream);
			conn->stream = NULL;
		}
		ga_mysql_stream(m, call->sql, &conn->stream, out);
		return;
	case GA_STEP_FETCH:
		if (!conn->stream)
			harness_error(out, "no streamed result to fetch");
		else
			ga_mysql_fetch(m, &conn->stream, st->fetch_rows,
				       st->fetch_every_ms, out);
		return;
	case GA_STEP_FORK:
		ga_fork_call(m, st->fork_mode, st->count, FORK_CHILD_MS, out);
		return;
	case GA_STEP_DRAIN:
		ga_raw_drain(conn->raw_fd, RAW_DRAIN_MS, out);
		return;
	case GA_STEP_QUERY:
	case GA_STEP_SEND:
		ga_mysql_query(m, call->sql, out);
		return;
	case GA_STEP_PING:
		ga_mysql_ping(m, out);
		return;
	case GA_STEP_CLOSE:
		out->api = conn->raw_fd >= 0 ? "close" : "mysql_close";
		close_all(conn);
		out->result = GA_RESULT_OK;
		return;
	case GA_STEP_RESET:
		ga_mysql_reset(m, out);
		return;
	case GA_STEP_CHANGE_USER:
		change_user(conn, out);
		return;
	default:
		break;
	}
	harness_error(out, "not a client call");
}

static void *worker(void *arg)
{
	struct call *call = arg;
	uint64_t one = 1;

	mysql_thread_init();
	if (ga_netns_enter(call->conn->env->netns_fd, &call->err) != 0)
		call->failed = true;
	else
		run_call(call);
	call->out.elapsed_ms = ga_clock_ms() - call->start_ms;
	mysql_thread_end();
	atomic_store_explicit(&call->done, true, memory_order_release);
	if (write(call->done_fd, &one, sizeof(one)) < 0)
		abort();        /* an eventfd write cannot fail here */
	return NULL;
}

/* ---- the main thread's side ----------------------------------------------- */

static void call_free(struct call *call)
{
	ga_socket_set_free(&call->before);
	close(call->done_fd);
	free(call);
}

/* What the main thread keeps once a call finished and was joined. */
static void note_finished(struct ga_driver_conn *conn, const struct call *call)
{
	int fd = -1;

	if (conn->mysql)
		fd = (int)mysql_get_socket(conn->mysql);
	else if (conn->raw_fd >= 0)
		fd = conn->raw_fd;
	conn->sock_ino = ga_socket_inode(fd);
	if (!conn->mysql)
		conn->thread_id = 0;
	else if (!call->failed && call->out.result != GA_RESULT_HANG)
		conn->thread_id = mysql_thread_id(conn->mysql);
}

static int start(struct ga_driver_conn *conn, const struct ga_step *step,
		 const char *sql, struct ga_error *err)
{
	struct call *call;
	int rc;

	if (conn->call)
		return ga_error_set(err, "a call is already running on '%s'",
				    conn->decl->name);
	if (conn->abandoned)
		return ga_error_set(err, "'%s' was abandoned", conn->decl->name);
	if (step->kind != GA_STEP_CONNECT && !conn->mysql && conn->raw_fd < 0)
		return ga_error_set(err, "connection '%s' is not connected "
				    "(goneaway never calls the C API on a "
				    "closed handle)", conn->decl->name);
	call = calloc(1, sizeof(*call));
	if (!call)
		return ga_error_set(err, "out of memory");
	call->conn = conn;
	call->step = step;
	call->sql = sql;
	atomic_init(&call->done, false);
	call->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (call->done_fd < 0) {
		free(call);
		return ga_error_errno(err, errno, "eventfd");
	}
	if (ga_socket_set_take(conn->env->netns_fd, &call->before, err)) {
		call_free(call);
		return ga_error_prefix(err, "listing the client namespace's "
				       "sockets");
	}
	if (step->kind == GA_STEP_CONNECT) {
		/* connect again: a fresh handle, made here while no worker
		 * can be using the old one */
		close_all(conn);
		conn->sock_ino = 0;
		conn->thread_id = 0;
		if (conn->decl->transport != GA_TRANSPORT_RAW) {
			conn->mysql = new_handle(conn);
			if (!conn->mysql) {
				call_free(call);
				return ga_error_set(err, "mysql_init: out of "
						    "memory");
			}
		}
	}
	conn->closed = step->kind == GA_STEP_CLOSE;
	call->start_ms = ga_clock_ms();
	conn->call = call;
	rc = pthread_create(&call->thread, NULL, worker, call);
	if (rc != 0) {
		conn->call = NULL;
		call_free(call);
		return ga_error_errno(err, rc, "pthread_create");
	}
	return 0;
}

static int call_fd(const struct ga_driver_conn *conn)
{
	return conn->call ? conn->call->done_fd : -1;
}

static enum ga_call_state collect(struct ga_driver_conn *conn,
				  struct ga_outcome *out, struct ga_error *err)
{
	struct call *call = conn->call;
	enum ga_call_state st;

	if (!call) {
		ga_error_set(err, "no call is running on '%s'",
			     conn->decl->name);
		return GA_CALL_FAILED;
	}
	if (!atomic_load_explicit(&call->done, memory_order_acquire))
		return GA_CALL_RUNNING;
	pthread_join(call->thread, NULL);
	conn->call = NULL;
	note_finished(conn, call);
	if (call->failed) {
		*err = call->err;
		st = GA_CALL_FAILED;
	} else {
		*out = call->out;
		st = GA_CALL_FINISHED;
	}
	call_free(call);
	return st;
}

/* The C API call a hung step was blocked in. */
static const char *call_api(const struct ga_driver_conn *conn,
			    enum ga_step_kind kind)
{
	if (conn->decl->transport == GA_TRANSPORT_RAW)
		return kind == GA_STEP_CONNECT ? "connect" : "recv";
	switch (kind) {
	case GA_STEP_CONNECT: return "mysql_real_connect";
	case GA_STEP_PING: return "mysql_ping";
	case GA_STEP_RESET: return "mysql_reset_connection";
	case GA_STEP_CHANGE_USER: return "mysql_change_user";
	case GA_STEP_CLOSE: return "mysql_close";
	case GA_STEP_PREPARE: return "mysql_stmt_prepare";
	case GA_STEP_EXECUTE: return "mysql_stmt_execute";
	case GA_STEP_LONG_DATA: return "mysql_stmt_send_long_data";
	case GA_STEP_FETCH: return "mysql_fetch_row";
	case GA_STEP_FORK: return "mysql_real_query (parent and child)";
	default: return "mysql_real_query";
	}
}

static int cancel(struct ga_driver_conn *conn, struct ga_outcome *hang,
		  struct ga_error *err)
{
	struct call *call = conn->call;
	double deadline = ga_clock_ms() + UNBLOCK_MS;

	if (!call)
		return 0;
	hang->api = call_api(conn, call->step->kind);
	/* the socket the connection had, and any the call made since */
	ga_sockets_cut(conn->env->netns_fd, &call->before, conn->sock_ino,
		       err);
	while (!atomic_load_explicit(&call->done, memory_order_acquire)) {
		if (ga_clock_ms() >= deadline)
			break;
		pthread_kill(call->thread, SIGUSR1);
		ga_interrupt_wait(NULL, call->done_fd, 100);
	}
	if (atomic_load_explicit(&call->done, memory_order_acquire)) {
		pthread_join(call->thread, NULL);
		conn->call = NULL;
		note_finished(conn, call);
		call_free(call);
		return 0;
	}
	/* It would not return: leave the worker, its call and everything it
	 * may still touch to the process exit. */
	pthread_detach(call->thread);
	conn->call = NULL;
	conn->abandoned = true;
	return ga_error_set(err, "%s did not return within %d ms of its "
			    "socket being shut down", hang->api, UNBLOCK_MS);
}

static unsigned long thread_id(const struct ga_driver_conn *conn)
{
	return conn->thread_id;
}

static void conn_free(struct ga_driver_conn *conn)
{
	struct ga_outcome ignored;
	struct ga_error err;

	if (!conn)
		return;
	if (conn->call)
		cancel(conn, &ignored, &err);
	/* An abandoned worker may still use the handle, its statement and
	 * the raw socket (already shut down): they are left to the process
	 * exit, like the worker, and so is conn, which the worker reads. */
	if (conn->abandoned)
		return;
	close_all(conn);
	free(conn);
}

static const struct ga_driver_ops builtin_ops = {
	.kind = "builtin",
	.conn_new = conn_new,
	.unsupported = unsupported,
	.start = start,
	.call_fd = call_fd,
	.collect = collect,
	.cancel = cancel,
	.thread_id = thread_id,
	.conn_free = conn_free,
};

void ga_driver_builtin(struct ga_driver *drv)
{
	memset(drv, 0, sizeof(*drv));
	drv->ops = &builtin_ops;
	snprintf(drv->name, sizeof(drv->name), "builtin");
	snprintf(drv->library, sizeof(drv->library), "%s %s",
#ifdef MARIADB_PACKAGE_VERSION
		 "MariaDB Connector/C",
#else
		 "libmysqlclient",
#endif
		 mysql_get_client_info());
	drv->version = ga_protocol_version(drv->library, false,
					   drv->version_text,
					   sizeof(drv->version_text));
}
