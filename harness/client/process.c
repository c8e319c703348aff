/* process.c - a client driver that is a process of its own, speaking
 * docs/driver-protocol.md: one process per connection, started inside the
 * lab's client namespace, one JSON request and one JSON reply per line.
 *
 * Cancelling a hung call aborts the driver's TCP sockets (and its
 * children's) by their identity in the kernel, found by name in
 * /proc/PID/fd; the driver then answers the hung request with whatever
 * the cut socket did to its connector, and that answer is read and
 * dropped.  A driver that does not answer within UNBLOCK_MS is SIGKILLed
 * by its PID and its connection is given up.
 */
#include "client/driver.h"
#include "client/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/spawn.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/interrupt.h"
#include "util/json.h"

#define PROTOCOL 1
#define HELLO_MS 10000          /* for the greeting */
#define UNBLOCK_MS 3000         /* for the answer to a cut call */
#define WRITE_MS 10000          /* for a request to be read */
#define EXIT_MS 2000            /* for the exit once stdin closed */
#define LINE_MAX_BYTES (64L << 20)

struct ga_driver_conn {
	struct ga_driver *drv;                  /* borrowed */
	const struct ga_connection *decl;       /* borrowed */
	const struct ga_client_env *env;        /* borrowed */
	pid_t pid;
	int pidfd;
	int to_fd;              /* its standard input */
	int from_fd;            /* its standard output, non-blocking */
	char *buf;              /* owned: what it wrote, not yet handled */
	size_t len, cap;
	struct ga_json *hello;  /* owned: its greeting */
	long next_id;
	long running;           /* the id in flight, 0: none */
	unsigned long thread_id;
	char log[PATH_MAX];     /* its standard error */
	bool dead;              /* killed or exited: no more calls */
};

/* ---- the process ----------------------------------------------------------- */

/* The last lines of the driver's standard error, for messages. */
static void log_tail(const char *path, char *buf, size_t len)
{
	struct ga_error ignored;
	char *text = NULL;
	size_t n = 0, start;

	buf[0] = '\0';
	if (!path[0] || ga_file_read(path, 16 << 20, &text, &n, &ignored))
		return;
	start = n > len - 1 ? n - (len - 1) : 0;
	snprintf(buf, len, "%s", text + start);
	free(text);
	for (n = strlen(buf); n > 0 && buf[n - 1] == '\n'; n--)
		buf[n - 1] = '\0';
}

/* Why the process stopped being a driver, in err. */
static int died(struct ga_driver_conn *c, const char *what,
		struct ga_error *err)
{
	char how[96] = "", tail[400];
	int status;

	if (c->pid > 0 && ga_interrupt_wait(NULL, c->pidfd, 100) == 1 &&
	    waitpid(c->pid, &status, 0) == c->pid) {
		ga_spawn_describe_status(status, how, sizeof(how));
		close(c->pidfd);
		c->pidfd = -1;
		c->pid = 0;
	}
	c->dead = true;
	log_tail(c->log, tail, sizeof(tail));
	return ga_error_set(err, "driver %s (%s): %s%s%s; its stderr ends: %s",
			    c->drv->name, c->drv->argv[0], what,
			    how[0] ? ", it " : "", how,
			    tail[0] ? tail : "(nothing)");
}

static int start_process(struct ga_driver_conn *c, int netns_fd,
			 const char *log, struct ga_error *err)
{
	struct ga_spawn_opts so;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, pipes[2];
	int rc;

	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC)) {
		rc = ga_error_errno(err, errno, "pipe");
		goto fail;
	}
	memset(&so, 0, sizeof(so));
	so.argv = (const char *const *)c->drv->argv;
	so.netns_fd = netns_fd;
	so.output_path = log;
	pipes[0] = in[0];
	pipes[1] = out[1];
	so.pipes = pipes;
	so.own_group = 1;
	rc = ga_spawn(&so, &c->pid, &c->pidfd, err);
	close(in[0]);
	close(out[1]);
	in[0] = out[1] = -1;
	if (rc)
		goto fail;
	c->to_fd = in[1];
	c->from_fd = out[0];
	fcntl(c->from_fd, F_SETFL, O_NONBLOCK);
	/* a driver that died must not kill us with SIGPIPE: main() ignores
	 * it, and a failed write is handled as the driver's death */
	return 0;
fail:
	if (in[0] >= 0)
		close(in[0]);
	if (in[1] >= 0)
		close(in[1]);
	if (out[0] >= 0)
		close(out[0]);
	if (out[1] >= 0)
		close(out[1]);
	return -1;
}

/* SIGKILLs the driver and whatever it forked: the process group it
 * leads, whose id is the PID goneaway started it with. */
static void kill_driver(const struct ga_driver_conn *c)
{
	if (c->pid > 0)
		kill(-c->pid, SIGKILL);
}

/* Ends the process: EOF on its input, a moment to exit, then SIGKILL. */
static void stop_process(struct ga_driver_conn *c)
{
	if (c->to_fd >= 0)
		close(c->to_fd);
	c->to_fd = -1;
	if (c->pid > 0) {
		if (ga_interrupt_wait(NULL, c->pidfd, EXIT_MS) != 1)
			kill_driver(c);
		waitpid(c->pid, NULL, 0);
		c->pid = 0;
	}
	if (c->pidfd >= 0)
		close(c->pidfd);
	c->pidfd = -1;
	if (c->from_fd >= 0)
		close(c->from_fd);
	c->from_fd = -1;
}

/* ---- lines ------------------------------------------------------------------ */

/* Reads what is there without blocking.  Returns 0, or -1 at EOF or on
 * an error (the driver is gone), with err set. */
static int read_more(struct ga_driver_conn *c, struct ga_error *err)
{
	char *grown;
	ssize_t n;

	for (;;) {
		if (c->cap - c->len < 65536) {
			if (c->cap > (size_t)LINE_MAX_BYTES * 2)
				return died(c, "wrote a line longer than 64 MiB",
					    err);
			grown = realloc(c->buf, c->cap * 2 + 65536);
			if (!grown)
				return ga_error_set(err, "out of memory");
			c->buf = grown;
			c->cap = c->cap * 2 + 65536;
		}
		n = read(c->from_fd, c->buf + c->len, c->cap - c->len - 1);
		if (n > 0) {
			c->len += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		return died(c, n == 0 ? "closed its output" : "cannot be read",
			    err);
	}
}

/* The next whole line, parsed, or NULL with *got 0 (none yet) or -1
 * (err set: not JSON, or the driver is gone). */
static struct ga_json *next_line(struct ga_driver_conn *c, int *got,
				 struct ga_error *err)
{
	struct ga_json *j;
	char *nl, shown[120];
	size_t n;

	*got = 0;
	nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;
	if (!nl && read_more(c, err)) {
		*got = -1;
		return NULL;
	}
	nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;
	if (!nl)
		return NULL;
	n = (size_t)(nl - c->buf);
	j = ga_json_parse(c->buf, n, err);
	if (!j || j->type != GA_JSON_OBJECT) {
		snprintf(shown, sizeof(shown), "%.*s", (int)(n < 100 ? n : 100),
			 c->buf);
		ga_json_free(j);
		*got = -1;
		died(c, "wrote a line that is not a JSON object", err);
		ga_error_prefix(err, "'%s'", shown);
		return NULL;
	}
	memmove(c->buf, nl + 1, c->len - n - 1);
	c->len -= n + 1;
	*got = 1;
	return j;
}

/* Waits (bounded) for the next line. */
static struct ga_json *wait_line(struct ga_driver_conn *c, long ms,
				 struct ga_error *err)
{
	double deadline = ga_clock_ms() + (double)ms;
	struct ga_json *j;
	int got;

	for (;;) {
		j = next_line(c, &got, err);
		if (got)
			return j;
		if (ga_clock_ms() >= deadline) {
			ga_error_set(err, "no answer within %ld ms", ms);
			return NULL;
		}
		ga_interrupt_wait(NULL, c->from_fd, (long)(deadline - ga_clock_ms()) + 1);
	}
}

/* Writes the whole of text[0..len) to the driver (bounded). */
static int write_all(struct ga_driver_conn *c, const char *text, size_t len,
		     struct ga_error *err)
{
	double deadline = ga_clock_ms() + WRITE_MS;
	struct pollfd pfd = { .fd = c->to_fd, .events = POLLOUT };
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		if (poll(&pfd, 1, 100) < 0 && errno != EINTR)
			return died(c, "cannot be written to", err);
		n = write(c->to_fd, text + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR) &&
		    ga_clock_ms() < deadline)
			continue;
		return died(c, n < 0 && errno == EPIPE ? "closed its input" :
			    "did not read its request", err);
	}
	return 0;
}

/* ---- the greeting -------------------------------------------------------------- */

static int read_hello(struct ga_driver_conn *c, struct ga_error *err)
{
	struct ga_json *j = wait_line(c, HELLO_MS, err);

	if (!j)
		return ga_error_prefix(err, "driver %s: its greeting",
				       c->drv->argv[0]);
	if (strcmp(ga_json_str(j, "hello", ""), "goneaway-driver") != 0 ||
	    ga_json_num(j, "protocol", 0) != PROTOCOL) {
		ga_json_free(j);
		return ga_error_set(err, "driver %s: its first line is not a "
				    "protocol %d greeting "
				    "(docs/driver-protocol.md)",
				    c->drv->argv[0], PROTOCOL);
	}
	c->hello = j;
	return 0;
}

/* ---- requests ----------------------------------------------------------------- */

static void option_num(FILE *f, const char *name, long v, bool *first)
{
	fprintf(f, "%s\"%s\":%ld", *first ? "" : ",", name, v);
	*first = false;
}

static void member_str(FILE *f, const char *name, const char *v)
{
	fprintf(f, ",\"%s\":", name);
	if (v)
		ga_json_write_string(f, v, strlen(v));
	else
		fputs("null", f);
}

static void write_connect(struct ga_driver_conn *c, FILE *f)
{
	const struct ga_connection *d = c->decl;
	const struct ga_client_env *e = c->env;
	bool first = true;

	fprintf(f, ",\"port\":%u", e->port);
	member_str(f, "host", e->host);
	member_str(f, "socket", e->socket);
	member_str(f, "user", d->user ? d->user : d->privileged ?
		   e->privileged_user : e->user);
	member_str(f, "password", d->password ? d->password : d->privileged ?
		   e->privileged_password : e->password);
	member_str(f, "database", d->database ? d->database : e->database);
	fputs(",\"options\":{", f);
	fprintf(f, "\"transport\":\"%s\"",
		d->transport == GA_TRANSPORT_SOCKET ? "socket" : "tcp");
	first = false;
	option_num(f, "connect_timeout", d->connect_timeout_s, &first);
	option_num(f, "read_timeout", d->read_timeout_s, &first);
	option_num(f, "write_timeout", d->write_timeout_s, &first);
	option_num(f, "max_allowed_packet", d->max_allowed_packet, &first);
	fprintf(f, ",\"reconnect\":%s,\"interactive\":%s,\"tls\":\"%s\"}",
		d->reconnect ? "true" : "false",
		d->interactive ? "true" : "false",
		d->tls == GA_TLS_REQUIRED ? "required" : "off");
}

static int start(struct ga_driver_conn *c, const struct ga_step *step,
		 const char *sql, struct ga_error *err)
{
	const char *name = ga_step_kind_name(step->kind);
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (c->dead)
		return ga_error_set(err, "driver %s is gone", c->drv->name);
	if (c->running)
		return ga_error_set(err, "a call is already running on '%s'",
				    c->decl->name);
	f = open_memstream(&text, &len);
	if (!f)
		return ga_error_set(err, "out of memory");
	c->next_id++;
	fprintf(f, "{\"id\":%ld,\"step\":\"%s\"",
		c->next_id, step->kind == GA_STEP_SEND ? "query" : name);
	switch (step->kind) {
	case GA_STEP_CONNECT:
		write_connect(c, f);
		break;
	case GA_STEP_QUERY:
	case GA_STEP_SEND:
	case GA_STEP_PREPARE:
	case GA_STEP_STREAM:
		member_str(f, "sql", sql);
		break;
	case GA_STEP_EXECUTE:
		fprintf(f, ",\"blob\":%ld", step->size);
		break;
	case GA_STEP_LONG_DATA:
		fprintf(f, ",\"size\":%ld,\"chunk\":%ld", step->size,
			step->chunk);
		break;
	case GA_STEP_FORK:
		fprintf(f, ",\"mode\":\"%s\",\"count\":%ld",
			step->fork_mode == GA_FORK_CLOSE ? "close" :
			step->fork_mode == GA_FORK_EXIT ? "exit" : "share",
			step->count);
		break;
	default:
		break;
	}
	fputs("}\n", f);
	if (fclose(f) != 0) {
		free(text);
		return ga_error_set(err, "out of memory");
	}
	rc = write_all(c, text, len, err);
	free(text);
	if (rc)
		return -1;
	c->running = c->next_id;
	return 0;
}

/* A reply's value into out (strings as they are, numbers printed). */
static void take_value(const struct ga_json *v, struct ga_outcome *out)
{
	if (!v)
		return;
	out->has_value = true;
	switch (v->type) {
	case GA_JSON_NULL:
		out->value_null = true;
		break;
	case GA_JSON_STRING:
		snprintf(out->value, sizeof(out->value), "%s", v->str);
		break;
	case GA_JSON_NUMBER:
		snprintf(out->value, sizeof(out->value), "%.17g", v->num);
		break;
	case GA_JSON_BOOL:
		snprintf(out->value, sizeof(out->value), "%d", v->b ? 1 : 0);
		break;
	default:
		out->has_value = false;
	}
}

/* A reply's errno: a MySQL error number (0 to 65535), never a system's
 * negative errno, which would show as 4294967192.  Anything else is the
 * driver's failure. */
static int take_errno(struct ga_driver_conn *c, const struct ga_json *j,
		      struct ga_outcome *out, struct ga_error *err)
{
	const struct ga_json *v = ga_json_get(j, "errno");

	if (!v || v->type == GA_JSON_NULL)
		return 0;
	if (v->type == GA_JSON_NUMBER && v->num >= 0 && v->num <= 65535 &&
	    v->num == (double)(unsigned)v->num) {
		out->err = (unsigned)v->num;
		return 0;
	}
	died(c, "answered with an errno that is not a MySQL error number "
	     "(0 to 65535; a system error goes in error_class, "
	     "docs/driver-protocol.md)", err);
	if (v->type == GA_JSON_NUMBER)
		return ga_error_prefix(err, "errno %.17g", v->num);
	return ga_error_prefix(err, "a non-numeric errno");
}

static enum ga_call_state reply_to_outcome(struct ga_driver_conn *c,
					   const struct ga_json *j,
					   struct ga_outcome *out,
					   struct ga_error *err)
{
	const char *result = ga_json_str(j, "result", "");
	const char *api = ga_json_str(j, "api", "driver");

	memset(out, 0, sizeof(*out));
	if (strcmp(result, "unsupported") == 0) {
		ga_error_set(err, "%s", ga_json_str(j, "message", "unsupported"));
		return GA_CALL_UNSUPPORTED;
	}
	if (strcmp(result, "ok") == 0) {
		out->result = GA_RESULT_OK;
	} else if (strcmp(result, "error") == 0) {
		out->result = GA_RESULT_ERROR;
	} else if (strcmp(result, "wrong-result") == 0) {
		out->result = GA_RESULT_WRONG;
	} else {
		died(c, "answered with an unknown result", err);
		ga_error_prefix(err, "'%s'", result);
		return GA_CALL_FAILED;
	}
	if (take_errno(c, j, out, err))
		return GA_CALL_FAILED;
	out->api = ga_driver_intern(c->drv, api);
	snprintf(out->sqlstate, sizeof(out->sqlstate), "%s",
		 ga_json_str(j, "sqlstate", ""));
	snprintf(out->message, sizeof(out->message), "%s",
		 ga_json_str(j, "message", ""));
	snprintf(out->error_class, sizeof(out->error_class), "%s",
		 ga_json_str(j, "error_class", ""));
	out->elapsed_ms = ga_json_num(j, "elapsed_ms", 0);
	out->thread_before = (unsigned long)ga_json_num(j, "thread_before", 0);
	out->thread_after = (unsigned long)ga_json_num(j, "thread_after", 0);
	if (out->result == GA_RESULT_OK)
		take_value(ga_json_get(j, "value"), out);
	return GA_CALL_FINISHED;
}

static enum ga_call_state collect(struct ga_driver_conn *c,
				  struct ga_outcome *out, struct ga_error *err)
{
	enum ga_call_state st;
	struct ga_json *j;
	int got;

	if (!c->running) {
		ga_error_set(err, "no call is running on '%s'", c->decl->name);
		return GA_CALL_FAILED;
	}
	j = next_line(c, &got, err);
	if (got < 0) {
		c->running = 0;
		return GA_CALL_FAILED;
	}
	if (!got)
		return GA_CALL_RUNNING;
	c->running = 0;
	if ((long)ga_json_num(j, "id", -1) != c->next_id) {
		ga_json_free(j);
		died(c, "answered another request", err);
		return GA_CALL_FAILED;
	}
	st = reply_to_outcome(c, j, out, err);
	ga_json_free(j);
	if (st == GA_CALL_FINISHED && out->result != GA_RESULT_ERROR &&
	    out->thread_after)
		c->thread_id = out->thread_after;
	if (st == GA_CALL_FINISHED && out->result == GA_RESULT_OK &&
	    strcmp(out->api ? out->api : "", "close") == 0)
		c->thread_id = 0;
	return st;
}

static int call_fd(const struct ga_driver_conn *c)
{
	return c->from_fd;
}

static int cancel(struct ga_driver_conn *c, struct ga_outcome *hang,
		  struct ga_error *err)
{
	struct ga_socket_set socks;
	struct ga_json *j;

	hang->api = ga_driver_intern(c->drv, "driver call");
	if (!c->running)
		return 0;
	ga_socket_set_of_process(c->pid, &socks);
	if (socks.n)
		ga_sockets_cut_these(c->env->netns_fd, &socks, err);
	ga_socket_set_free(&socks);
	j = wait_line(c, UNBLOCK_MS, err);
	if (j && (long)ga_json_num(j, "id", -1) == c->running) {
		ga_json_free(j);
		c->running = 0;
		return 0;
	}
	ga_json_free(j);
	c->running = 0;
	kill_driver(c);
	c->dead = true;
	return ga_error_set(err, "driver %s did not answer within %d ms of "
			    "its sockets being cut: killed", c->drv->name,
			    UNBLOCK_MS);
}

static int unsupported(const struct ga_driver_conn *c,
		       const struct ga_step *step, char *why, size_t len)
{
	const struct ga_json *map = ga_json_get(c->hello, "unsupported");
	const char *reason;

	reason = ga_json_str(map, ga_step_kind_name(step->kind), NULL);
	if (step->kind == GA_STEP_SEND && !reason)
		reason = ga_json_str(map, "query", NULL);
	if (!reason)
		return 0;
	snprintf(why, len, "%s", reason);
	return 1;
}

static unsigned long thread_id(const struct ga_driver_conn *c)
{
	return c->thread_id;
}

static void conn_free(struct ga_driver_conn *c)
{
	if (!c)
		return;
	stop_process(c);
	ga_json_free(c->hello);
	free(c->buf);
	free(c);
}

static int conn_new(struct ga_driver *drv, const struct ga_connection *decl,
		    const struct ga_client_env *env,
		    struct ga_driver_conn **connp, struct ga_error *err)
{
	struct ga_driver_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return ga_error_set(err, "out of memory");
	c->drv = drv;
	c->decl = decl;
	c->env = env;
	c->pidfd = c->to_fd = c->from_fd = -1;
	if (env->dir)
		snprintf(c->log, sizeof(c->log), "%s/driver-%s.log", env->dir,
			 decl->name);
	if (start_process(c, env->netns_fd, c->log[0] ? c->log : NULL, err) ||
	    read_hello(c, err)) {
		conn_free(c);
		return -1;
	}
	*connp = c;
	return 0;
}

static const struct ga_driver_ops process_ops = {
	.kind = "process",
	.conn_new = conn_new,
	.unsupported = unsupported,
	.start = start,
	.call_fd = call_fd,
	.collect = collect,
	.cancel = cancel,
	.thread_id = thread_id,
	.conn_free = conn_free,
};

/* ---- the driver ------------------------------------------------------------- */

/* argv[0] as a path: a bare name is looked up in PATH (the child must
 * not: execvp is not async-signal-safe). */
static char *resolve(const char *prog)
{
	const char *path = getenv("PATH"), *p, *end;
	char buf[PATH_MAX];

	if (strchr(prog, '/'))
		return strdup(prog);
	for (p = path ? path : "/usr/bin:/bin"; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(end - p), p, prog);
		if (access(buf, X_OK) == 0)
			return strdup(buf);
	}
	return strdup(prog);
}

int ga_driver_process(struct ga_driver *drv, char *const *argv,
		      struct ga_error *err)
{
	static const struct ga_connection probe_decl = { .name = "probe" };
	struct ga_driver_conn *c;
	const char *s, *tmp;
	size_t n, i;
	int fd, rc;

	memset(drv, 0, sizeof(*drv));
	drv->ops = &process_ops;
	for (n = 0; argv[n]; n++)
		;
	if (n == 0)
		return ga_error_set(err, "no driver command");
	drv->argv = calloc(n + 1, sizeof(char *));
	if (!drv->argv)
		return ga_error_set(err, "out of memory");
	for (i = 0; i < n; i++) {
		drv->argv[i] = i == 0 ? resolve(argv[0]) : strdup(argv[i]);
		if (!drv->argv[i]) {
			ga_driver_release(drv);
			return ga_error_set(err, "out of memory");
		}
	}
	snprintf(drv->name, sizeof(drv->name), "%s", argv[0]);
	/* once, outside any lab, for its name and library */
	c = calloc(1, sizeof(*c));
	if (!c) {
		ga_driver_release(drv);
		return ga_error_set(err, "out of memory");
	}
	c->drv = drv;
	c->decl = &probe_decl;
	c->pidfd = c->to_fd = c->from_fd = -1;
	tmp = getenv("TMPDIR");
	snprintf(c->log, sizeof(c->log), "%s/goneaway-driver-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(c->log);
	if (fd >= 0)
		close(fd);
	else
		c->log[0] = '\0';
	rc = start_process(c, -1, c->log[0] ? c->log : NULL, err);
	if (rc == 0)
		rc = read_hello(c, err);
	if (c->log[0])
		unlink(c->log);
	if (rc) {
		conn_free(c);
		ga_driver_release(drv);
		return -1;
	}
	s = ga_json_str(c->hello, "driver", NULL);
	if (s)
		snprintf(drv->name, sizeof(drv->name), "%s", s);
	snprintf(drv->library, sizeof(drv->library), "%s%s%s",
		 ga_json_str(c->hello, "library", "?"),
		 ga_json_get(c->hello, "runtime") ? ", " : "",
		 ga_json_str(c->hello, "runtime", ""));
	conn_free(c);
	return 0;
}
