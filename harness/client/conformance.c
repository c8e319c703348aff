/* conformance.c - see conformance.h: a client driver checked against
 * docs/driver-protocol.md, in two parts.
 *
 * First the driver alone, with no server: its greeting, a query before
 * any connect (an error, NotConnected, whatever unknown members the
 * request has), a step no driver knows (answered "unsupported" with a
 * reason), the ids of its replies and its exit once its input closes.  A
 * driver that sends no reply there - one that never flushes its output,
 * say - or answers other ids is not given the scenarios, each of which
 * would wait for a watchdog or be an ERROR.  A driver that declares
 * "spawn" is asked for a copy, which must greet and answer as it does.
 *
 * Then what the tap wrote down of the conformance scenarios
 * (client/conformance_tap.c).
 *
 * Each check prints "ok - ..." or "not ok - ...: why".
 */
#include "client/conformance.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client/driver.h"
#include "client/internal.h"
#include "client/protocol.h"
#include "lab/spawn.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/json.h"
#include "util/machine.h"

/* For a reply of the driver alone (no server, nothing to wait for): a
 * driver that never flushes its output fails within it, once, rather than
 * each scenario waiting for a watchdog.  Its runtime started before it
 * greeted (GA_PROTOCOL_HELLO_MS). */
#define REPLY_MS 3000
#define BUF_BYTES 65536

static int failures;

int ga_conformance_failures(void)
{
	return failures;
}

void ga_conformance_check(bool ok, const char *what, const char *why)
{
	if (ok) {
		printf("ok - %s\n", what);
	} else {
		printf("not ok - %s: %s\n", what, why);
		failures++;
	}
	fflush(stdout);
}

/* ---- the driver alone ----------------------------------------------------- */

struct session {
	pid_t pid;
	int pidfd;
	int to_fd, from_fd;
	char buf[BUF_BYTES];
	size_t len;
	char log[PATH_MAX];     /* its standard error */
	struct ga_json *hello;  /* owned */
	char bad_id[200];       /* the first reply with another id, or "" */
};

/* argv[0] as a path, looked up in PATH when it is a bare name (the child
 * of ga_spawn must not: execvp is not async-signal-safe). */
static void resolve(const char *prog, char *buf, size_t len)
{
	const char *path = getenv("PATH"), *p, *end;

	snprintf(buf, len, "%s", prog);
	if (strchr(prog, '/'))
		return;
	for (p = path ? path : "/usr/bin:/bin"; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		snprintf(buf, len, "%.*s/%s", (int)(end - p), p, prog);
		if (access(buf, X_OK) == 0)
			return;
	}
	snprintf(buf, len, "%s", prog);
}

static int session_start(struct session *s, char **argv,
			 const char *tmp_root, const struct ga_client_env *env,
			 struct ga_error *err)
{
	struct ga_driver_jail jail;
	struct ga_spawn_opts so;
	int in[2], out[2], pipes[2], fd, rc;
	char prog[PATH_MAX];
	const char *saved = argv[0];

	memset(s, 0, sizeof(*s));
	s->pidfd = s->to_fd = s->from_fd = -1;
	snprintf(s->log, sizeof(s->log), "%s/goneaway-driver-test-XXXXXX",
		 tmp_root);
	fd = mkstemp(s->log);
	if (fd < 0)
		return ga_error_errno(err, errno, "%s", s->log);
	close(fd);
	if (pipe2(in, O_CLOEXEC))
		return ga_error_errno(err, errno, "pipe");
	if (pipe2(out, O_CLOEXEC)) {
		close(in[0]);
		close(in[1]);
		return ga_error_errno(err, errno, "pipe");
	}
	resolve(argv[0], prog, sizeof(prog));
	argv[0] = prog;
	/* PID 2 of a namespace of its own, as goneaway runs it: what it
	 * forks (a copy spawn made that never greeted) ends with it */
	ga_driver_spawn_opts(&so, (const char *const *)argv, -1, s->log,
			     pipes, in, out);
	/* confined as goneaway runs it (client/confine.c) */
	rc = ga_driver_jail(&jail, &so, env, err);
	if (rc == 0)
		rc = ga_spawn(&so, &s->pid, &s->pidfd, err);
	ga_driver_jail_free(&jail);
	argv[0] = (char *)saved;
	close(in[0]);
	close(out[1]);
	if (rc) {
		close(in[1]);
		close(out[0]);
		return -1;
	}
	s->to_fd = in[1];
	s->from_fd = out[0];
	fcntl(s->from_fd, F_SETFL, O_NONBLOCK);
	return 0;
}

static void session_end(struct session *s)
{
	if (s->to_fd >= 0)
		close(s->to_fd);
	if (s->from_fd >= 0)
		close(s->from_fd);
	if (s->pid > 0) {
		/* its init: the kernel ends the namespace with it */
		if (s->pidfd < 0 || syscall(SYS_pidfd_send_signal, s->pidfd,
					    SIGKILL, NULL, 0) != 0)
			kill(s->pid, SIGKILL);
		kill(-s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
	if (s->pidfd >= 0)
		close(s->pidfd);
	ga_json_free(s->hello);
	if (s->log[0])
		unlink(s->log);
	s->pid = 0;
	s->to_fd = s->from_fd = s->pidfd = -1;
	s->hello = NULL;
	s->log[0] = '\0';
}

/* The driver's next line as a JSON object, or NULL with why: what it
 * did instead, within ms (the harness's bound: stretched by a busy
 * machine's load, util/machine.h). */
static struct ga_json *session_line(struct session *s, long ms, char *why,
				    size_t len)
{
	struct ga_machine m;
	double deadline;
	char note[128];
	struct ga_error err;
	struct ga_json *j;
	char *nl;
	ssize_t n;
	size_t k;

	ga_machine_now(&m);
	ms = ga_machine_bound(ms, &m);
	deadline = ga_clock_ms() + (double)ms;
	for (;;) {
		nl = s->len ? memchr(s->buf, '\n', s->len) : NULL;
		if (nl)
			break;
		if (s->len == sizeof(s->buf)) {
			snprintf(why, len, "a line longer than %d bytes",
				 BUF_BYTES);
			return NULL;
		}
		n = read(s->from_fd, s->buf + s->len, sizeof(s->buf) - s->len);
		if (n > 0) {
			s->len += (size_t)n;
			continue;
		}
		if (n == 0) {
			snprintf(why, len, "it closed its output%s",
				 s->len ? " in the middle of a line" : "");
			return NULL;
		}
		if (errno != EAGAIN && errno != EINTR) {
			snprintf(why, len, "its output: %s", strerror(errno));
			return NULL;
		}
		if (ga_clock_ms() >= deadline) {
			ga_machine_now(&m);
			ga_machine_note(&m, note, sizeof(note));
			if (s->len == 0)
				snprintf(why, len, "no reply bytes at all within "
					 "%ld ms (%s): is stdout flushed?", ms,
					 note);
			else
				snprintf(why, len, "%zu bytes but no end of line "
					 "within %ld ms (%s): '%.60s'", s->len,
					 ms, note, s->buf);
			return NULL;
		}
		ga_interrupt_wait(NULL, s->from_fd,
				  (long)(deadline - ga_clock_ms()) + 1);
	}
	k = (size_t)(nl - s->buf);
	j = ga_json_parse(s->buf, k, &err);
	if (!j || j->type != GA_JSON_OBJECT) {
		snprintf(why, len, "not a JSON object (%s): '%.*s'",
			 j ? "another value" : err.msg, (int)(k < 80 ? k : 80),
			 s->buf);
		ga_json_free(j);
		j = NULL;
	}
	memmove(s->buf, nl + 1, s->len - k - 1);
	s->len -= k + 1;
	return j;
}

/* Sends request (one line, id given) and reads its reply, or NULL with
 * why.  A reply with another id is returned all the same (its other
 * members are checked too) and written down in s->bad_id. */
static struct ga_json *session_call(struct session *s, long id,
				    const char *request, char *why,
				    size_t len)
{
	size_t n = strlen(request), done = 0;
	struct ga_json *j;
	ssize_t w;

	while (done < n) {
		w = write(s->to_fd, request + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(why, len, "its input: %s",
				 w < 0 ? strerror(errno) : "closed");
			return NULL;
		}
		done += (size_t)w;
	}
	j = session_line(s, REPLY_MS, why, len);
	if (j && !s->bad_id[0] && ga_json_num(j, "id", -1) != (double)id) {
		if (ga_json_get(j, "id"))
			snprintf(s->bad_id, sizeof(s->bad_id), "the reply's id "
				 "is %.17g, expected %ld",
				 ga_json_num(j, "id", -1), id);
		else
			snprintf(s->bad_id, sizeof(s->bad_id), "the reply has "
				 "no id, expected %ld", id);
	}
	return j;
}

static bool is_step_or_member(const char *name)
{
	return ga_protocol_is_step(name) || strcmp(name, "sqlstate") == 0;
}

static bool check_greeting(struct session *s)
{
	const struct ga_json *un;
	char why[512], what[512];
	size_t i, used = 0, nf;
	const struct ga_protocol_feature *fs = ga_protocol_features(&nf);
	unsigned features = 0, all = 0;
	int version = 0;

	for (i = 0; i < nf; i++)
		all |= fs[i].bit;

	s->hello = session_line(s, GA_PROTOCOL_HELLO_MS, why, sizeof(why));
	if (!s->hello) {
		ga_conformance_check(false, "greeting", why);
		return false;
	}
	un = ga_json_get(s->hello, "unsupported");
	why[0] = '\0';
	if (strcmp(ga_json_str(s->hello, "hello", ""), "goneaway-driver"))
		snprintf(why, sizeof(why), "\"hello\" is not \"goneaway-driver\"");
	else if (ga_protocol_greeting(s->hello, &version, &features, why,
				      sizeof(why)))
		;       /* why says it */
	else if (!*ga_json_str(s->hello, "driver", ""))
		snprintf(why, sizeof(why), "no \"driver\" name");
	else if (!*ga_json_str(s->hello, "library", ""))
		snprintf(why, sizeof(why), "no \"library\"");
	else if (un && un->type != GA_JSON_OBJECT)
		snprintf(why, sizeof(why), "\"unsupported\" is not an object");
	for (i = 0; !why[0] && un && i < un->nitems; i++) {
		if (!is_step_or_member(un->items[i].key))
			snprintf(why, sizeof(why), "\"unsupported\" names '%s', "
				 "which is no step (goneaway driver-test "
				 "--describe)", un->items[i].key);
		else if (un->items[i].type != GA_JSON_STRING ||
			 !un->items[i].len)
			snprintf(why, sizeof(why), "\"unsupported\" gives no "
				 "reason for '%s'", un->items[i].key);
	}
	used = (size_t)snprintf(what, sizeof(what), "greeting: driver %s, %s%s%s",
		      ga_json_str(s->hello, "driver", "?"),
		      ga_json_str(s->hello, "library", "?"),
		      ga_json_get(s->hello, "runtime") ? ", " : "",
		      ga_json_str(s->hello, "runtime", ""));
	for (i = 0; un && i < un->nitems && used < sizeof(what); i++)
		used += (size_t)snprintf(what + used, sizeof(what) - used,
					 "%s%s", i ? ", " : "; unsupported: ",
					 un->items[i].key);
	ga_conformance_check(!why[0], what, why);
	if (!why[0]) {
		/* which version it meets: what goneaway sends it */
		ga_protocol_feature_list(features, what, sizeof(what));
		ga_protocol_feature_list(all & ~features, why, sizeof(why));
		printf("# protocol: the driver meets protocol %d (features: "
		       "%s)%s%s%s\n", version, what, features == all ? "" :
		       "; goneaway sends it none of ", features == all ? "" :
		       why, features == all ? "" : ": the steps that need "
		       "them SKIP (docs/driver-protocol.md, \"Versions\")");
		why[0] = '\0';
	}
	return !why[0];
}

/* Missing or wrong members of reply j (result want), into why. */
static bool reply_ok(const struct ga_json *j, const char *want, char *why,
		     size_t len)
{
	const struct ga_json *v;

	if (strcmp(ga_json_str(j, "result", ""), want)) {
		snprintf(why, len, "\"result\" is \"%s\", expected \"%s\" "
			 "(message: %s)", ga_json_str(j, "result", ""), want,
			 ga_json_str(j, "message", ""));
		return false;
	}
	if (strcmp(want, "unsupported") == 0) {
		if (!*ga_json_str(j, "message", "")) {
			snprintf(why, len, "no \"message\" with the reason");
			return false;
		}
		return true;
	}
	v = ga_json_get(j, "elapsed_ms");
	if (!v || v->type != GA_JSON_NUMBER || v->num < 0) {
		snprintf(why, len, "no \"elapsed_ms\" (a number, the call's "
			 "time)");
		return false;
	}
	return true;
}

/* Closes the input of process pidfd (*to_fd) and waits, within the
 * protocol's exit bound on this machine, for it to end.  Whether it did;
 * then what says after how long, else why says the bound and what the
 * machine was doing. */
static bool exits_at_input_end(int *to_fd, int pidfd, char *what,
			       size_t wlen, char *why, size_t ylen)
{
	double start = ga_clock_ms();
	struct ga_machine m;
	char note[128];
	long exit_ms;

	close(*to_fd);
	*to_fd = -1;
	ga_machine_now(&m);
	exit_ms = ga_machine_bound(GA_PROTOCOL_EXIT_MS, &m);
	if (pidfd >= 0 && ga_interrupt_wait(NULL, pidfd, exit_ms) == 1) {
		snprintf(what, wlen, "exits %.0f ms after its input closed",
			 ga_clock_ms() - start);
		return true;
	}
	ga_machine_now(&m);
	ga_machine_note(&m, note, sizeof(note));
	snprintf(why, ylen, "still running %ld ms after its input closed "
		 "(%s)", exit_ms, note);
	return false;
}

static bool check_alone(struct session *s)
{
	char why[512], what[128];
	struct ga_json *j;
	int status;
	bool ok;

	j = session_call(s, 1, "{\"id\":1,\"step\":\"query\",\"sql\":\"SELECT 1\","
			 "\"goneaway_unknown\":{\"ignore\":[\"me\",1]}}\n",
			 why, sizeof(why));
	ok = j && reply_ok(j, "error", why, sizeof(why));
	if (ok && (ga_json_num(j, "errno", -1) != 0 ||
		   strcmp(ga_json_str(j, "error_class", ""), "NotConnected"))) {
		snprintf(why, sizeof(why), "errno %.17g, error_class \"%s\": "
			 "expected 0 and \"NotConnected\"",
			 ga_json_num(j, "errno", -1),
			 ga_json_str(j, "error_class", ""));
		ok = false;
	}
	ga_conformance_check(ok, "a query before any connect is an error, NotConnected "
	      "(an unknown member ignored)", why);
	if (!j)
		return false;   /* no reply: nothing else would get one */
	ga_json_free(j);

	j = session_call(s, 2, "{\"id\":2,\"step\":\"goneaway-no-such-step\"}\n",
			 why, sizeof(why));
	ok = j && reply_ok(j, "unsupported", why, sizeof(why));
	ga_conformance_check(ok, "a step it does not know is answered \"unsupported\" with "
	      "a reason", why);
	if (!j)
		return false;
	ga_json_free(j);
	ga_conformance_check(!s->bad_id[0], "each reply carries its request's id",
	      s->bad_id);

	ok = exits_at_input_end(&s->to_fd, s->pidfd, what, sizeof(what),
				why, sizeof(why)) &&
	     waitpid(s->pid, &status, 0) == s->pid;
	if (ok) {
		s->pid = 0;
		ga_conformance_check(true, what, "");
	} else {
		ga_conformance_check(false, "exit at the end of its input",
				     why);
	}
	/* with other ids, every scenario would be an ERROR */
	return !s->bad_id[0];
}

/* The spawn request of id 21 for those paths, a line, into buf.
 * Returns 0, or -1 when it does not fit or memory ran out. */
static int spawn_request(char *buf, size_t len, const char *in,
			 const char *out, const char *log)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);

	if (!f)
		return -1;
	fputs("{\"id\":21,\"step\":\"spawn\",\"stdin\":", f);
	ga_json_write_string(f, in, strlen(in));
	fputs(",\"stdout\":", f);
	ga_json_write_string(f, out, strlen(out));
	fputs(",\"stderr\":", f);
	ga_json_write_string(f, log, strlen(log));
	fputs("}\n", f);
	if (fclose(f) != 0 || n >= len) {
		free(text);
		return -1;
	}
	memcpy(buf, text, n + 1);
	free(text);
	return 0;
}

/* Whether greeting hello declares feature bit (GA_FEATURE_*). */
static bool declares(const struct ga_json *hello, unsigned bit)
{
	unsigned features = 0;
	char why[200];
	int version;

	return ga_protocol_greeting(hello, &version, &features, why,
				    sizeof(why)) == 0 && (features & bit);
}

/* The copy check_spawn() asks for: a session of its own on two named
 * pipes of a directory (what it must read and write), its log there,
 * and goneaway's writer of its output until it greets. */
struct copy {
	struct session c;
	char in[PATH_MAX + 8], out[PATH_MAX + 8], log[PATH_MAX + 8];
	struct stat sin, sout;
	int hold;
};

/* Makes k's log and pipes in dir, for the drivers' user (the copy opens
 * them itself), and opens goneaway's ends of them.  Returns 0, or -1
 * with errno set (copy_end() undoes what was made). */
static int copy_open(struct copy *k, const char *dir)
{
	int f;

	memset(k, 0, sizeof(*k));
	k->c.pidfd = k->c.to_fd = k->c.from_fd = k->hold = -1;
	snprintf(k->in, sizeof(k->in), "%s/in", dir);
	snprintf(k->out, sizeof(k->out), "%s/out", dir);
	snprintf(k->log, sizeof(k->log), "%s/log", dir);
	f = open(k->log, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (f >= 0 && ga_driver_give_fd(f) != 0) {
		close(f);
		f = -1;
	}
	if (f >= 0)
		close(f);
	if (f < 0 || mkfifo(k->in, 0600) || mkfifo(k->out, 0600) ||
	    ga_driver_give_path(k->in) || ga_driver_give_path(k->out) ||
	    (k->c.from_fd = open(k->out, O_RDONLY | O_NONBLOCK |
				 O_CLOEXEC)) < 0 ||
	    (k->hold = open(k->out, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0 ||
	    (k->c.to_fd = open(k->in, O_RDWR | O_CLOEXEC)) < 0 ||
	    fstat(k->c.from_fd, &k->sout) || fstat(k->c.to_fd, &k->sin))
		return -1;
	return 0;
}

/* Ends k: a copy still running, with its group (while it runs, the
 * group's number is its own; once it ended, its parent reaps it and the
 * number may be anyone's); the rest ends with the session's init. */
static void copy_end(struct copy *k)
{
	if (k->c.pid > 0 && k->c.pidfd >= 0 &&
	    ga_interrupt_wait(NULL, k->c.pidfd, 0) == 0) {
		kill(-k->c.pid, SIGKILL);
		syscall(SYS_pidfd_send_signal, k->c.pidfd, SIGKILL, NULL, 0);
	}
	if (k->c.pidfd >= 0)
		close(k->c.pidfd);
	if (k->c.to_fd >= 0)
		close(k->c.to_fd);
	if (k->c.from_fd >= 0)
		close(k->c.from_fd);
	if (k->hold >= 0)
		close(k->hold);
	ga_json_free(k->c.hello);
	unlink(k->in);
	unlink(k->out);
	unlink(k->log);
}

/* Checks that the copy c, process kid, greets as the driver s did: its
 * "driver", "library" and "protocol"; why (len bytes) says which is
 * not, or is "". */
static void copy_greets_as(const struct session *s, const struct session *c,
			   pid_t kid, char *why, size_t len)
{
	static const char *const same[] = { "driver", "library", "protocol" };
	char what[600];
	int i;

	why[0] = '\0';
	for (i = 0; i < 3 && !why[0]; i++) {
		const struct ga_json *a = ga_json_get(s->hello, same[i]);
		const struct ga_json *b = ga_json_get(c->hello, same[i]);

		if (!a || !b || a->type != b->type ||
		    (a->type == GA_JSON_STRING && strcmp(a->str, b->str)) ||
		    (a->type == GA_JSON_NUMBER && a->num != b->num))
			snprintf(why, len, "its \"%s\" is not the "
				 "driver's", same[i]);
	}
	snprintf(what, sizeof(what), "spawn: the copy, process %d, greets as "
		 "the driver did", (int)kid);
	ga_conformance_check(!why[0], what, why);
}

/* Checks that the copy c answers as the driver does (a query before any
 * connect is NotConnected) and exits at the end of its input; why (len
 * bytes) is what the check before it said, as check_spawn() had it. */
static void copy_answers(struct session *c, char *why, size_t len)
{
	char note[128], what[600];
	struct ga_json *j;
	bool ok;

	j = session_call(c, 1, "{\"id\":1,\"step\":\"query\",\"sql\":"
			 "\"SELECT 1\"}\n", why, len);
	ok = j && reply_ok(j, "error", why, len) &&
	     strcmp(ga_json_str(j, "error_class", ""), "NotConnected") == 0;
	if (j && !ok && !why[0])
		snprintf(why, len, "error_class \"%s\", expected "
			 "\"NotConnected\"", ga_json_str(j, "error_class", ""));
	ga_json_free(j);
	ga_conformance_check(ok, "spawn: the copy answers (a query before any "
			     "connect is NotConnected)", why);
	if (exits_at_input_end(&c->to_fd, c->pidfd, note, sizeof(note), why,
			       len)) {
		snprintf(what, sizeof(what), "spawn: the copy %s", note);
		ga_conformance_check(true, what, "");
	} else {
		ga_conformance_check(false, "spawn: the copy exits at the end of "
				     "its input", why);
	}
}

/* A driver that declares "spawn" (docs/driver-protocol.md, "Spawn"),
 * asked for one copy onto two named pipes of a directory of its own: it
 * answers ok, the copy (the init's child or the driver's, found by the
 * pipes it holds, never by what the driver says) greets as it did,
 * answers a query before any connect as it does and exits at the end of
 * its input (copy_greets_as(), copy_answers()), and the driver goes on
 * answering.  Failures are checks; returns false only when the
 * driver itself stopped answering. */
static bool check_spawn(struct session *s, const char *dir)
{
	char req[3 * PATH_MAX + 128], why[512];
	struct copy k;
	struct ga_json *j;
	pid_t kids[8], kid = 0;
	int n, i;
	bool ok, alive = true;

	if (copy_open(&k, dir)) {
		ga_conformance_check(false, "spawn", strerror(errno));
		goto out;
	}
	if (spawn_request(req, sizeof(req), k.in, k.out, k.log)) {
		ga_conformance_check(false, "spawn", "out of memory");
		goto out;
	}
	j = session_call(s, 21, req, why, sizeof(why));
	ok = j && reply_ok(j, "ok", why, sizeof(why));
	ga_json_free(j);
	ga_conformance_check(ok, "spawn: answered ok", why);
	if (!ok) {
		alive = j != NULL;
		goto out;
	}
	/* the driver is the init's first child, and the copy the process
	 * that holds the pipes: the init's child too (forked through a
	 * process that exited), or the driver's */
	k.c.hello = session_line(&k.c, GA_PROTOCOL_HELLO_MS, why, sizeof(why));
	n = ga_proc_children(s->pid, kids, 8);
	for (i = 0; i < n && i < 8 && !kid; i++)
		kid = ga_proc_pipes_holder(kids[i], &k.sin, &k.sout);
	if (!k.c.hello) {
		ga_conformance_check(false, "spawn: the copy greets", why);
		goto out;
	}
	if (!kid) {
		ga_conformance_check(false, "spawn: the copy greets", "no "
			 "child of the driver reads and writes the pipes "
			 "it was given");
		goto out;
	}
	k.c.pid = kid;
	k.c.pidfd = (int)syscall(SYS_pidfd_open, kid, 0);
	close(k.hold);
	k.hold = -1;
	copy_greets_as(s, &k.c, kid, why, sizeof(why));
	copy_answers(&k.c, why, sizeof(why));
out:
	copy_end(&k);
	return alive;
}

/* The driver alone in dir, a directory of its own (its spawn's pipes
 * and copy's log there), which it may write. */
static int alone_in(char **argv, const char *tmp_root, const char *dir,
		    struct ga_conformance_alone *alone)
{
	struct ga_client_env env = { .netns_fd = -1, .dir = dir };
	struct session s;
	struct ga_error err;
	const struct ga_json *un;

	if (session_start(&s, argv, tmp_root, &env, &err)) {
		ga_conformance_check(false, "greeting", err.msg);
		return -1;
	}
	if (!check_greeting(&s) ||
	    (declares(s.hello, GA_FEATURE_SPAWN) && !check_spawn(&s, dir)) ||
	    !check_alone(&s)) {
		session_end(&s);
		printf("# the conformance scenarios were not run: the driver "
		       "does not answer as docs/driver-protocol.md says\n");
		return -1;
	}
	un = ga_json_get(s.hello, "unsupported");
	if (ga_json_get(un, "sqlstate")) {
		alone->sqlstate_unsupported = true;
		snprintf(alone->sqlstate_reason,
			 sizeof(alone->sqlstate_reason), "%s",
			 ga_json_str(un, "sqlstate", ""));
	}
	session_end(&s);
	return 0;
}

int ga_conformance_alone(char **argv, const char *tmp_root,
			 struct ga_conformance_alone *alone)
{
	char dir[PATH_MAX];
	struct ga_error err;
	int rc;

	memset(alone, 0, sizeof(*alone));
	snprintf(dir, sizeof(dir), "%s/goneaway-spawn-XXXXXX", tmp_root);
	if (!mkdtemp(dir)) {
		ga_conformance_check(false, "greeting", strerror(errno));
		return -1;
	}
	if (ga_driver_case_dir(dir, &err)) {
		rmdir(dir);
		ga_conformance_check(false, "greeting", err.msg);
		return -1;
	}
	/* the driver alone builds the drivers' caches, as a run's probe
	 * does (client/confine.c) */
	if (ga_driver_build_begin(&err))
		printf("# the drivers' cache is not built: %s\n", err.msg);
	rc = alone_in(argv, tmp_root, dir, alone);
	ga_driver_build_end();
	if (ga_tree_remove(dir, &err))
		fprintf(stderr, "goneaway: %s\n", err.msg);
	return rc;
}
