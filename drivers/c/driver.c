/* driver.c - goneaway's own client code as a driver process
 * (docs/driver-protocol.md), for any C client library: built against
 * Oracle's libmysqlclient (Debian sid) or MariaDB Connector/C 3.4
 * (trixie) inside their root filesystems by drivers/c/build.sh, it runs
 * the very calls of goneaway's built-in client (harness/client/
 * mysqlcall.c, stmtcall.c, forkcall.c) with that library.
 *
 * One request at a time: read a line, do the call, write the reply.  No
 * timer of its own: the harness cuts a hung call's socket.
 *
 * One process serves case after case (protocol 5, feature "cases"): a
 * case's state is a struct conn and what its connect took into
 * take_infile()'s static copy; end-case closes the handles (no automatic
 * reconnect to send their last commands on a cut socket) and starts the
 * next case from zero.  run-in-root binds the host's TMPDIR at the same
 * path in the root, so begin-case's directory is the same there.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <mysql.h>

#include "mysqlapi/mysqlapi.h"
#include "util/clock.h"
#include "util/json.h"

#define FORK_CHILD_MS 10000

#ifdef MARIADB_PACKAGE_VERSION
#define DRIVER_NAME "libmariadb"
#define LIBRARY_NAME "MariaDB Connector/C"
#else
#define DRIVER_NAME "libmysqlclient"
#define LIBRARY_NAME "libmysqlclient"
#endif

struct conn {
	MYSQL *mysql;
	MYSQL_STMT *stmt;
	MYSQL_RES *stream;
	bool closed;            /* a close step freed the handle */
};

static void close_all(struct conn *c)
{
#if defined(MARIADB_PACKAGE_VERSION) || !defined(LIBMYSQL_VERSION_ID) || \
	LIBMYSQL_VERSION_ID < 80034
	/* what is closed is not logged in again to send its COM_STMT_CLOSE
	 * or read the rest of a result on a socket that was cut */
	if (c->mysql) {
		char off = 0;   /* my_bool, or bool: one zero byte */

		mysql_options(c->mysql, MYSQL_OPT_RECONNECT, &off);
	}
#endif
	if (c->stream)
		mysql_free_result(c->stream);
	c->stream = NULL;
	if (c->stmt)
		mysql_stmt_close(c->stmt);
	c->stmt = NULL;
	if (c->mysql)
		mysql_close(c->mysql);
	c->mysql = NULL;
}

static void set_uint(MYSQL *m, enum mysql_option opt, double v)
{
	unsigned int u = (unsigned int)v;

	if (u > 0)
		mysql_options(m, opt, &u);
}

/* The connection's driver options: mysql_options() by the C API's name
 * (mysqlapi/options.c).  Returns NULL, or why one cannot be set. */
static const char *driver_options(MYSQL *m, const struct ga_json *d)
{
	static char why[400];
	size_t i;

	for (i = 0; d && d->type == GA_JSON_OBJECT && i < d->nitems; i++) {
		if (d->items[i].type != GA_JSON_STRING)
			return "a driver option's value is not a string";
		if (ga_mysql_option_set(m, d->items[i].key, d->items[i].str,
					why, sizeof(why)))
			return why;
	}
	return NULL;
}

/* What this connection's LOAD DATA LOCAL may read: connect's
 * "local_infile", copied (the handle's handler borrows it for the
 * handle's life: util/beneath.h, mysqlapi/infile.c). */
static char infile_dirs[GA_BENEATH_DIRS_MAX][4096];
static struct ga_beneath infile;

static const char *take_infile(const struct ga_json *dirs)
{
	size_t i;

	infile.n = 0;
	for (i = 0; dirs && dirs->type == GA_JSON_ARRAY && i < dirs->nitems;
	     i++) {
		const struct ga_json *d = &dirs->items[i];

		if (i >= GA_BENEATH_DIRS_MAX || d->type != GA_JSON_STRING ||
		    d->str[0] != '/' || d->len < 2 ||
		    d->len >= sizeof(infile_dirs[0]))
			return "local_infile is not a list of absolute "
			       "directories";
		memcpy(infile_dirs[i], d->str, d->len + 1);
		infile.dirs[i] = infile_dirs[i];
		infile.n = i + 1;
	}
	return NULL;
}

/* The connect request's options.  Returns NULL, or why it cannot. */
static const char *apply_options(MYSQL *m, const struct ga_json *o)
{
	const char *tls = ga_json_str(o, "tls", "off");
	const char *transport = ga_json_str(o, "transport", "tcp");
	unsigned int protocol = strcmp(transport, "socket") == 0 ?
				MYSQL_PROTOCOL_SOCKET : MYSQL_PROTOCOL_TCP;
	double map = ga_json_num(o, "max_allowed_packet", 0);
	const char *why;

	set_uint(m, MYSQL_OPT_CONNECT_TIMEOUT, ga_json_num(o, "connect_timeout", 0));
	set_uint(m, MYSQL_OPT_READ_TIMEOUT, ga_json_num(o, "read_timeout", 0));
	set_uint(m, MYSQL_OPT_WRITE_TIMEOUT, ga_json_num(o, "write_timeout", 0));
	if (map > 0) {
		unsigned long v = (unsigned long)map;

		mysql_options(m, MYSQL_OPT_MAX_ALLOWED_PACKET, &v);
	}
	mysql_options(m, MYSQL_OPT_PROTOCOL, &protocol);
	if (ga_json_bool(o, "reconnect", false)) {
#if defined(MARIADB_PACKAGE_VERSION) || !defined(LIBMYSQL_VERSION_ID) || \
	LIBMYSQL_VERSION_ID < 80034
		char on = 1;    /* my_bool, or bool: one non-zero byte */

		mysql_options(m, MYSQL_OPT_RECONNECT, &on);
#else
		return "libmysqlclient 8.0.34 and later have no automatic "
		       "reconnect (MYSQL_OPT_RECONNECT is deprecated and "
		       "ignored)";
#endif
	}
#ifdef MARIADB_PACKAGE_VERSION
	{
		char enforce = strcmp(tls, "required") == 0;
		char verify = 0;

		if (enforce) {
			mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &enforce);
			mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT,
				      &verify);
		}
	}
#else
	{
		unsigned int mode = strcmp(tls, "required") == 0 ?
				    SSL_MODE_REQUIRED : SSL_MODE_DISABLED;
		bool key = true;

		mysql_options(m, MYSQL_OPT_SSL_MODE, &mode);
		/* without TLS, caching_sha2_password needs the server's RSA
		 * key whenever the server's cache is cold (error 2061) */
		mysql_options(m, MYSQL_OPT_GET_SERVER_PUBLIC_KEY, &key);
	}
#endif
	why = driver_options(m, ga_json_get(o, "driver_options"));
	if (!why)
		why = take_infile(ga_json_get(o, "local_infile"));
	/* last: what a file request of the server may read is the
	 * connection's local_infile, whatever an option above said */
	ga_mysql_local_infile(m, &infile);
	return why;
}

static void do_connect(struct conn *c, const struct ga_json *req,
		       struct ga_outcome *out, const char **unsupported)
{
	const struct ga_json *o = ga_json_get(req, "options"), *ka;
	bool socket = strcmp(ga_json_str(o, "transport", "tcp"), "socket") == 0;
	const char *why;

	out->api = "mysql_real_connect";
	close_all(c);
	c->closed = false;
	c->mysql = mysql_init(NULL);
	if (!c->mysql) {
		out->result = GA_RESULT_ERROR;
		snprintf(out->message, sizeof(out->message), "mysql_init failed");
		return;
	}
	why = apply_options(c->mysql, o);
	if (why) {
		*unsupported = why;
		return;
	}
	if (!mysql_real_connect(c->mysql,
				socket ? "localhost" : ga_json_str(req, "host", NULL),
				ga_json_str(req, "user", NULL),
				ga_json_str(req, "password", NULL),
				ga_json_str(req, "database", NULL),
				(unsigned)ga_json_num(req, "port", 0),
				ga_json_str(req, "socket", NULL),
				ga_json_bool(o, "interactive", false) ?
				CLIENT_INTERACTIVE : 0)) {
		ga_mysql_set_error(c->mysql, "mysql_real_connect", out);
		return;
	}
	/* keepalive: on the socket, after the connect (the C API has no
	 * option for it); {} or none: the library's own */
	ka = ga_json_get(o, "keepalive");
	if (ka && ga_json_num(ka, "count", 0) > 0 &&
	    ga_mysql_keepalive(c->mysql, (long)ga_json_num(ka, "idle", 0),
			       (long)ga_json_num(ka, "interval", 0),
			       (long)ga_json_num(ka, "count", 0), out->message,
			       sizeof(out->message))) {
		out->result = GA_RESULT_ERROR;
		return;
	}
	out->result = GA_RESULT_OK;
	out->thread_after = mysql_thread_id(c->mysql);
}

static void no_handle(struct ga_outcome *out, const char *what)
{
	out->result = GA_RESULT_ERROR;
	out->api = "driver";
	snprintf(out->message, sizeof(out->message), "%s", what);
}

/* "execute": the blob and the values of "params" bound in order (a
 * JSON integer, string or null). */
static void execute(struct conn *c, const struct ga_json *req,
		    struct ga_outcome *out)
{
	const struct ga_json *a = ga_json_get(req, "params"), *v;
	struct ga_param *params = NULL;
	size_t n = a && a->type == GA_JSON_ARRAY ? a->nitems : 0, i;

	if (n && !(params = calloc(n, sizeof(*params)))) {
		no_handle(out, "out of memory");
		return;
	}
	for (i = 0; i < n; i++) {
		v = &a->items[i];
		if (v->type == GA_JSON_NULL) {
			params[i].type = GA_PARAM_NULL;
		} else if (v->type == GA_JSON_STRING) {
			params[i].type = GA_PARAM_TEXT;
			params[i].text = v->str;        /* borrowed */
		} else if (v->type == GA_JSON_NUMBER &&
			   v->num == (double)(long long)v->num) {
			params[i].type = GA_PARAM_INT;
			params[i].num = (long long)v->num;
		} else {
			no_handle(out, "a parameter that is no integer, string "
				  "or null");
			free(params);
			return;
		}
	}
	ga_stmt_execute(c->mysql, c->stmt, (long)ga_json_num(req, "blob", 0),
			params, n, out);
	free(params);
}

/* Carries out one request.  *unsupported is set instead of an outcome
 * when the library cannot do it. */
static void run(struct conn *c, const struct ga_json *req,
		struct ga_outcome *out, const char **unsupported)
{
	const char *step = ga_json_str(req, "step", "");
	char word[40];
	const char *sql = ga_json_str(req, "sql", "");
	const char *mode;

	if (strcmp(step, "connect") == 0) {
		do_connect(c, req, out, unsupported);
		return;
	}
	snprintf(word, sizeof(word), " %s ", step);
	if (!*step || !strstr(" query ping close prepare execute long-data "
			      "stream fetch fork reset change-user ", word)) {
		*unsupported = "a step this driver does not know";
		return;
	}
	if (c->closed) {
		*unsupported = "a call after close: mysql_close() frees the "
			       "handle, and the C API leaves any call on it "
			       "undefined";
		return;
	}
	if (!c->mysql) {
		no_handle(out, "not connected");
		snprintf(out->error_class, sizeof(out->error_class),
			 "NotConnected");
		return;
	}
	if (strcmp(step, "query") == 0) {
		ga_mysql_query(c->mysql, sql, out);
	} else if (strcmp(step, "ping") == 0) {
		ga_mysql_ping(c->mysql, out);
	} else if (strcmp(step, "close") == 0) {
		out->api = "close";
		close_all(c);
		c->closed = true;
		out->result = GA_RESULT_OK;
	} else if (strcmp(step, "reset") == 0) {
		ga_mysql_reset(c->mysql, out);
	} else if (strcmp(step, "change-user") == 0) {
		ga_mysql_change_user(c->mysql, ga_json_str(req, "user", NULL),
				     ga_json_str(req, "password", NULL),
				     ga_json_str(req, "database", NULL), out);
	} else if (strcmp(step, "prepare") == 0) {
		ga_stmt_prepare(c->mysql, &c->stmt, sql, out);
	} else if (strcmp(step, "execute") == 0) {
		if (!c->stmt)
			no_handle(out, "no prepared statement");
		else
			execute(c, req, out);
	} else if (strcmp(step, "long-data") == 0) {
		if (!c->stmt)
			no_handle(out, "no prepared statement");
		else
			ga_stmt_long_data(c->mysql, c->stmt,
					  (long)ga_json_num(req, "size", 0),
					  (long)ga_json_num(req, "chunk", 65536),
					  out);
	} else if (strcmp(step, "stream") == 0) {
		if (c->stream)
			mysql_free_result(c->stream);
		c->stream = NULL;
		ga_mysql_stream(c->mysql, sql, &c->stream, out);
	} else if (strcmp(step, "fetch") == 0) {
		if (!c->stream)
			no_handle(out, "no streamed result to fetch");
		else
			ga_mysql_fetch(c->mysql, &c->stream,
				       (long)ga_json_num(req, "batch", 0),
				       (long)ga_json_num(req, "every_ms", 0),
				       out);
	} else if (strcmp(step, "fork") == 0) {
		mode = ga_json_str(req, "mode", "");
		ga_fork_call(c->mysql, strcmp(mode, "close") == 0 ? GA_FORK_CLOSE :
			     strcmp(mode, "exit") == 0 ? GA_FORK_EXIT :
			     GA_FORK_SHARE, (long)ga_json_num(req, "count", 1),
			     FORK_CHILD_MS, out);
	} else {
		*unsupported = "a step this driver does not know";
	}
}

/* begin-case, end-case: answered ok, or an error with why. */
static void control_reply(long id, const char *why, double t0)
{
	printf("{\"id\":%ld,\"result\":\"%s\"", id, why ? "error" : "ok");
	if (why) {
		printf(",\"errno\":0,\"error_class\":\"driver\",\"message\":");
		ga_json_write_string(stdout, why, strlen(why));
	}
	printf(",\"api\":\"driver\",\"elapsed_ms\":%.3f}\n",
	       ga_clock_ms() - t0);
	fflush(stdout);
}

/* begin-case: the case's directory becomes the working directory.
 * Returns NULL, or why not. */
static const char *begin_case(const struct ga_json *req)
{
	static char why[300];
	const char *dir = ga_json_str(req, "dir", "");

	if (dir[0] != '/')
		return "begin-case without an absolute dir";
	if (chdir(dir) != 0) {
		snprintf(why, sizeof(why), "chdir %s: %s", dir,
			 strerror(errno));
		return why;
	}
	return NULL;
}

/* end-case: every handle of the case closed (goneaway may have cut its
 * socket: mysql_close's errors are not the case's), and the next case
 * starts from nothing, as after the greeting. */
static void end_case(struct conn *c)
{
	close_all(c);
	memset(c, 0, sizeof(*c));
	infile.n = 0;
	memset(infile_dirs, 0, sizeof(infile_dirs));
}

static void reply(long id, const struct ga_outcome *out, const char *why)
{
	static const char *const results[] = {
		[GA_RESULT_OK] = "ok", [GA_RESULT_ERROR] = "error",
		[GA_RESULT_HANG] = "error", [GA_RESULT_WRONG] = "wrong-result",
	};

	printf("{\"id\":%ld,\"result\":", id);
	if (why) {
		printf("\"unsupported\",\"message\":");
		ga_json_write_string(stdout, why, strlen(why));
		printf("}\n");
		fflush(stdout);
		return;
	}
	printf("\"%s\",\"errno\":%u,\"sqlstate\":", results[out->result],
	       out->err);
	ga_json_write_string(stdout, out->sqlstate, strlen(out->sqlstate));
	printf(",\"message\":");
	ga_json_write_string(stdout, out->message, strlen(out->message));
	if (out->error_class[0]) {
		printf(",\"error_class\":");
		ga_json_write_string(stdout, out->error_class,
				     strlen(out->error_class));
	}
	printf(",\"api\":");
	ga_json_write_string(stdout, out->api ? out->api : "driver",
			     strlen(out->api ? out->api : "driver"));
	printf(",\"elapsed_ms\":%.3f,\"thread_before\":%lu,"
	       "\"thread_after\":%lu", out->elapsed_ms, out->thread_before,
	       out->thread_after);
	if (out->result == GA_RESULT_ERROR && out->has_rows)
		printf(",\"rows\":%ld", out->rows);
	if (out->result == GA_RESULT_OK && out->has_value) {
		printf(",\"value\":");
		if (out->value_null)
			printf("null");
		else
			ga_json_write_string(stdout, out->value,
					     strlen(out->value));
	}
	printf("}\n");
	fflush(stdout);
}

int main(void)
{
	struct conn c = { 0 };
	struct ga_outcome out;
	struct ga_error err;
	struct ga_json *req;
	const char *why;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	double t0;

	mysql_library_init(0, NULL, NULL);
	printf("{\"hello\":\"goneaway-driver\",\"protocol\":5,"
	       "\"features\":[\"params\",\"fetch-pace\",\"driver-options\","
	       "\"keepalive\",\"local-infile\",\"cases\"],"
	       "\"driver\":\"" DRIVER_NAME "\",\"library\":\"" LIBRARY_NAME
	       " %s\",\"runtime\":\"C\"}\n", mysql_get_client_info());
	fflush(stdout);
	while ((n = getline(&line, &cap, stdin)) > 0) {
		req = ga_json_parse(line, (size_t)n, &err);
		if (!req) {
			fprintf(stderr, "driver: a request that is not JSON: "
				"%s\n", err.msg);
			break;
		}
		memset(&out, 0, sizeof(out));
		why = NULL;
		t0 = ga_clock_ms();
		if (strcmp(ga_json_str(req, "step", ""), "begin-case") == 0) {
			control_reply((long)ga_json_num(req, "id", 0),
				      begin_case(req), t0);
			ga_json_free(req);
			continue;
		}
		if (strcmp(ga_json_str(req, "step", ""), "end-case") == 0) {
			end_case(&c);
			control_reply((long)ga_json_num(req, "id", 0), NULL, t0);
			ga_json_free(req);
			continue;
		}
		run(&c, req, &out, &why);
		out.elapsed_ms = ga_clock_ms() - t0;
		reply((long)ga_json_num(req, "id", 0), &out, why);
		ga_json_free(req);
	}
	free(line);
	close_all(&c);
	mysql_library_end();
	return 0;
}
