/* process.c - a client driver that is a process of its own, speaking
 * docs/driver-protocol.md: one process per connection, started inside the
 * lab's client namespace, one JSON request and one JSON reply per line.
 *
 * Cancelling a hung call aborts the driver's TCP sockets (and its
 * children's) by their identity in the kernel, found by name in
 * /proc/PID/fd; the driver then answers the hung request with whatever
 * the cut socket did to its connector.  That late answer is checked
 * like any reply, written down (in the driver's log and in the hang's
 * outcome, see late_reply()) and otherwise dropped: the step stays a
 * hang.  A driver that does not answer within UNBLOCK_MS is SIGKILLed
 * by its PID and its connection is given up.
 *
 * Nothing a driver does can hang or fool the harness: it runs as PID 1 of
 * a PID namespace of its own, so SIGKILL to it ends whatever it started
 * (a child that left its process group or called setsid() included);
 * requests are written without blocking, within the step's bound, while
 * signals are watched; a reply is read only as a whole line of at most
 * LINE_MAX_BYTES, found in linear time; its id must be the request's, as
 * an integer, and it must come after the whole request was read; its
 * thread ids must be MySQL thread ids; and a call's elapsed time is the
 * harness's own measure, from its request to its reply, whatever the
 * harness did meanwhile (see take_watched()); the driver's figure is
 * not used.
 */
#include "client/driver.h"
#include "client/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client/protocol.h"
#include "lab/spawn.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/interrupt.h"
#include "util/json.h"
#include "util/linewatch.h"
#include "util/machine.h"

#define HELLO_MS GA_PROTOCOL_HELLO_MS
#define UNBLOCK_MS 3000         /* for the answer to a cut call */
#define EXIT_MS GA_PROTOCOL_EXIT_MS
#define KILL_MS 2000            /* for a SIGKILLed driver to be reaped */
#define CONTROL_MS 5000         /* for a kept driver's answer to begin-case
				 * or end-case (closing a pool's threads,
				 * a JVM's included), stretched on a busy
				 * machine */
#define ZYGOTE_KIDS_MAX 64     /* copies of one zygote alive at once */
#define HOLD_POLL_MS 20         /* a spawned one's end looked for, before
				 * its greeting */
#define REAPED_MS 1000          /* for a copy's init to say how it ended,
				 * once it did */
#define LINE_MAX_BYTES ((size_t)64 << 20)
#define THREAD_ID_MAX 9007199254740991.0       /* 2^53 - 1: exact in JSON */
#define REPLY_WATCH_BYTES ((size_t)1 << 20)     /* a send's reply read
						 * while other steps run;
						 * a longer one is timed
						 * when its reap reads it */

struct ga_driver_conn {
	struct ga_driver *drv;                  /* borrowed */
	const struct ga_connection *decl;       /* borrowed */
	const struct ga_client_env *env;        /* borrowed */
	pid_t pid;
	int pidfd;
	int reaped_fd;          /* what its namespace's init says it
				 * reaped (lab/spawn.h), read end; -1 */
	int to_fd;              /* its standard input, non-blocking */
	int from_fd;            /* its standard output, non-blocking */
	char *buf;              /* owned: what it wrote, not yet handled */
	size_t len, cap;
	size_t scanned;         /* buf[0..scanned) holds no newline */
	bool eof;               /* its output is closed */
	unsigned long long got_bytes;   /* all it ever wrote */
	char *req;              /* owned: the request being written */
	size_t req_len, req_done;
	double start_ms;        /* when the running call was started */
	struct ga_linewatch reply_watch;        /* a send's: its reply read
						 * while other steps run */
	double line_ms;         /* when the watch read a line, 0: none */
	double reply_ms;        /* when the running call's reply came */
	struct ga_json *hello;  /* owned: its greeting */
	int protocol;           /* the greeting's protocol version */
	unsigned features;      /* ... and what it declared (GA_FEATURE_*) */
	long next_id;
	long running;           /* the id in flight, 0: none */
	enum ga_step_kind running_kind;         /* ... its step */
	unsigned long thread_id;
	char log[PATH_MAX];     /* its standard error */
	bool dead;              /* killed or exited: no more calls */
	/* a kept process (docs/driver-protocol.md, "Cases"): its log is in
	 * the keep directory, and what it wrote during a case, from
	 * log_from on, is copied into case_log when the case ends */
	bool kept;
	ino_t netns;            /* the namespace it lives in */
	struct ga_socket_set held;      /* its sockets after its greeting */
	pid_t tree[GA_KEEP_TREE_MAX];   /* ... and its processes */
	int ntree;
	long long log_from;
	char case_log[PATH_MAX];
	unsigned cases;         /* cases it began, this one included */
	char replaced[240];     /* why the kept one it replaces was not
				 * used, "": it replaced none */
	struct ga_interrupt *in;        /* the run's, for an idle one's end
					 * (borrowed: it outlives the run) */
	/* a zygote (feature "spawn", client/zygote.c): it serves no case,
	 * only spawn requests; zpid is the driver itself (its init's only
	 * child), kids the copies it spawned that goneaway has not ended */
	bool zygote;
	pid_t zpid;
	pid_t kids[ZYGOTE_KIDS_MAX];
	size_t nkids;
	struct ga_zygote_ends ends;     /* how copies ended, its init said */
	unsigned zserial;       /* which zygote of the run's it is */
	struct ga_driver_conn *spare;   /* owned: a copy spawned ahead,
					 * its greeting not read yet: the
					 * next case's; NULL */
	/* a copy a zygote spawned: pid is the driver itself, not goneaway's
	 * child (no waitpid: its pidfd tells its end, and the zygote's init
	 * how it ended), in its zygote's PID namespace and process group of
	 * its own */
	bool spawned;
	unsigned from_zygote;   /* its zygote's zserial */
	pid_t kid_pid;          /* its PID, also once pid is 0 (it ended) */
	pid_t kid_nspid;        /* ... as its namespace numbers it, when
				 * its parent is the init, which tells how
				 * it ended; 0: the zygote's own child */
	int hold_fd;            /* until its greeting, goneaway's own writer
				 * of its standard output (a named pipe), so
				 * that nothing reads as its end before it
				 * opened it; -1 */
	char fifo_in[PATH_MAX]; /* ... and its two named pipes until then */
	char fifo_out[PATH_MAX];
	struct stat fifo_st[2]; /* ... which it must read and write */
};

/* ---- the process ----------------------------------------------------------- */

/* The last lines of the driver's standard error since from (a kept
 * driver's: since its case began), at most len - 1 bytes, for
 * messages: only the log's last bytes are read. */
static void log_tail(const char *path, long long from, char *buf, size_t len)
{
	struct ga_error ignored;
	char *text = NULL;
	struct stat st;
	size_t n = 0;
	int fd;

	buf[0] = '\0';
	if (!path[0])
		return;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	if (from > (long long)st.st_size ||
	    (long long)st.st_size - from > (long long)len - 1)
		from = (long long)st.st_size - ((long long)len - 1);
	if (from < 0)
		from = 0;
	/* what it wrote since is read too, within twice the bound */
	if (ga_fd_read_from(fd, path, &from, 2 * len, &text, &n, &ignored))
		return;
	if (n > len - 1)
		memmove(text, text + n - (len - 1), len);
	snprintf(buf, len, "%s", text);
	free(text);
	for (n = strlen(buf); n > 0 && buf[n - 1] == '\n'; n--)
		buf[n - 1] = '\0';
}

/* A line of goneaway's own in the driver's log ("goneaway: ..."), which
 * the driver's standard error appends to as well (O_APPEND both). */
static void log_note(const struct ga_driver_conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void log_note(const struct ga_driver_conn *c, const char *fmt, ...)
{
	char line[1024], last;
	struct stat st;
	va_list ap;
	int fd, n;

	if (!c->log[0])
		return;
	n = snprintf(line, sizeof(line), "goneaway: ");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	fd = open(c->log, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	/* on a line of its own, after a line the driver did not end (cut
	 * short by its bound, say) */
	if (fstat(fd, &st) == 0 && st.st_size > 0 &&
	    pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n' &&
	    write(fd, "\n", 1) < 0) {
		/* as below */
	}
	if (write(fd, line, (size_t)n) < 0) {
		/* the note is a courtesy: a log that cannot take it is no
		 * reason to fail the step */
	}
	close(fd);
}

/* A driver is its PID namespace's first process but one: the init
 * (lab/spawn.c) exits with 128 + the signal that killed it, so a status
 * of 129 to 128 + NSIG - 1 is said as that signal too ("crash, with the
 * signal", as goneaway explore judges it), when the init did not say
 * the driver's own status (driver_status()). */
static void init_signal(int status, char *how, size_t len)
{
	int sig = WIFEXITED(status) ? WEXITSTATUS(status) - 128 : 0;
	size_t n = strlen(how);

	if (sig > 0 && sig < NSIG && n < len)
		snprintf(how + n, len - n, " (its namespace's init: killed by "
			 "signal %d (%s))", sig, strsignal(sig));
}

static struct ga_driver_conn *zygote_of(const struct ga_driver_conn *c);

/* How c's process ended, as waitpid said to its namespace's init
 * (lab/spawn.h, reaped_fd): 1 and *status, or 0 when the init did not
 * say (a copy its zygote forked as its own child, whose end only the
 * zygote sees).  A fresh driver's init said it before it exited; a
 * copy's says it once it reaped it, a moment after its pidfd said it
 * ended: waited for, bounded. */
static int driver_status(const struct ga_driver_conn *c, int *status)
{
	struct ga_spawn_reaped got[16];
	struct ga_driver_conn *z;
	size_t n, i;

	if (c->spawned) {
		z = zygote_of(c);
		return z && c->kid_nspid > 0 &&
		       ga_zygote_ends_wait(&z->ends, z->reaped_fd,
					   c->kid_nspid, REAPED_MS, status);
	}
	while ((n = ga_spawn_reaped_read(c->reaped_fd, got, 16)) > 0)
		for (i = 0; i < n; i++)
			if (got[i].own) {
				*status = got[i].status;
				return 1;
			}
	return 0;
}

/* Why the process stopped being a driver, in err: with how it ended,
 * a copy a zygote spawned as a driver started on its own. */
static int died(struct ga_driver_conn *c, const char *what,
		struct ga_error *err)
{
	char how[160] = "", tail[400];
	int status, own;

	if (c->pid > 0 && c->spawned &&
	    ga_interrupt_wait(NULL, c->pidfd, 100) == 1) {
		if (driver_status(c, &own))
			ga_spawn_describe_status(own, how, sizeof(how));
		else
			snprintf(how, sizeof(how), "exited");
		close(c->pidfd);
		c->pidfd = -1;
		c->pid = 0;
	} else if (c->pid > 0 && ga_interrupt_wait(NULL, c->pidfd, 100) == 1 &&
	    waitpid(c->pid, &status, WNOHANG) == c->pid) {
		if (driver_status(c, &own)) {
			ga_spawn_describe_status(own, how, sizeof(how));
		} else {
			ga_spawn_describe_status(status, how, sizeof(how));
			init_signal(status, how, sizeof(how));
		}
		close(c->pidfd);
		c->pidfd = -1;
		c->pid = 0;
	}
	c->dead = true;
	log_tail(c->log, c->log_from, tail, sizeof(tail));
	return ga_error_set(err, "driver %s (%s): %s%s%s; its stderr ends: %s",
			    c->drv->name, c->drv->argv[0], what,
			    how[0] ? ", it " : "", how,
			    tail[0] ? tail : "(nothing)");
}

/* SIGKILLs the driver, by its pidfd (never a recycled PID), and so the
 * PID namespace it is the first process of: everything it started dies
 * with it.  The process group too, for a kernel that gave it none, and
 * first: while the driver lives, its group's number is its own (a copy
 * a zygote spawned, whose group is what ends with it).  A copy that has
 * ended is left alone: its init (or its zygote) reaps it, and its number
 * may then be anyone's (goneaway's own driver keeps its number until
 * waited for). */
static void kill_driver(const struct ga_driver_conn *c)
{
	if (c->pid <= 0)
		return;
	if (c->spawned &&
	    (c->pidfd < 0 || ga_interrupt_wait(NULL, c->pidfd, 0) != 0))
		return;
	kill(-c->pid, SIGKILL);
	if (c->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, c->pidfd, SIGKILL, NULL, 0);
	else
		kill(c->pid, SIGKILL);
}

/* Starts c's driver process in env's client namespace (NULL: outside
 * any lab, the probe), confined for env (client/confine.c: a zygote,
 * whose c->env is NULL, serves env's run), its stderr to log. */
static int start_process(struct ga_driver_conn *c,
			 const struct ga_client_env *env, const char *log,
			 struct ga_error *err)
{
	int netns_fd = env ? env->netns_fd : -1;
	struct ga_driver_jail jail;
	struct ga_spawn_opts so;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, pipes[2];
	int reaped[2] = { -1, -1 };
	int rc;

	/* its init says there how its processes ended: the driver's own
	 * status, not the init's 128 + signal, and a zygote's copies' */
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) ||
	    pipe2(reaped, O_CLOEXEC | O_NONBLOCK)) {
		rc = ga_error_errno(err, errno, "pipe");
		goto fail;
	}
	memset(&so, 0, sizeof(so));
	so.argv = (const char *const *)c->drv->argv;
	so.netns_fd = netns_fd;
	so.output_path = log;
	so.file_max = GA_DRIVER_LOG_MAX;
	pipes[0] = in[0];
	pipes[1] = out[1];
	so.pipes = pipes;
	so.own_group = 1;
	so.new_pidns = true;
	so.reaped_fd = reaped[1];
	/* in a lab: it cannot change the namespace (a kept client
	 * namespace stays as it was made, lab/clientns.h) */
	so.net_confined = netns_fd >= 0;
	so.cwd = c->env ? c->env->dir : NULL;   /* NULL: the probe's */
	/* as root: a user of its own, no capability, read-only but what it
	 * writes (client/confine.c) */
	rc = ga_driver_jail(&jail, &so, env, err);
	if (rc == 0)
		rc = ga_spawn(&so, &c->pid, &c->pidfd, err);
	ga_driver_jail_free(&jail);
	close(in[0]);
	close(out[1]);
	close(reaped[1]);
	in[0] = out[1] = reaped[1] = -1;
	if (rc)
		goto fail;
	c->to_fd = in[1];
	c->from_fd = out[0];
	c->reaped_fd = reaped[0];
	if (fcntl(c->from_fd, F_SETFL, O_NONBLOCK) != 0 ||
	    fcntl(c->to_fd, F_SETFL, O_NONBLOCK) != 0) {
		rc = ga_error_errno(err, errno, "fcntl O_NONBLOCK");
		kill_driver(c);
		waitpid(c->pid, NULL, 0);
		close(c->pidfd);
		close(c->reaped_fd);
		close(c->to_fd);
		close(c->from_fd);
		c->pid = 0;
		c->pidfd = c->reaped_fd = c->to_fd = c->from_fd = -1;
		c->hold_fd = -1;
		return rc;
	}
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
	if (reaped[0] >= 0)
		close(reaped[0]);
	if (reaped[1] >= 0)
		close(reaped[1]);
	return -1;
}

/* Ends a send's watch (watch_reply()) and takes what it read into buf,
 * as read_more() would have: its bytes, its end of output, and when its
 * line came (c->line_ms, 0: none).  Its read that failed is met again
 * by read_more(). */
static void take_watched(struct ga_driver_conn *c)
{
	struct ga_linewatch_got got;

	ga_linewatch_end(&c->reply_watch, &got);
	c->line_ms = got.line_ms;
	c->len += got.len;
	c->got_bytes += got.len;
	if (got.eof)
		c->eof = true;
}

/* Ends the process: EOF on its input, a moment to exit, then SIGKILL;
 * one that broke the protocol (c->dead: a line too long, garbage, its
 * output closed, no greeting within its bound) gets no moment: it may
 * be blocked writing what no one reads, and never see the EOF (a 200
 * MiB line held the run 16 s at load 7).  Bounded: a SIGKILLed process
 * is reaped within KILL_MS or left to the kernel (it is PID 1 of its
 * namespace and has the death signal). */
static void stop_process(struct ga_driver_conn *c)
{
	struct ga_interrupt *in = c->env ? c->env->in : c->in;
	struct ga_machine m;

	take_watched(c);        /* it reads from_fd */
	if (c->to_fd >= 0)
		close(c->to_fd);
	c->to_fd = -1;
	/* a copy a zygote spawned is killed while it surely lives, with its
	 * process group (never a group whose number came free): it has
	 * nothing to finish once its case ended, and what it started in
	 * its group goes with it (one that left the group is found in the
	 * zygote's namespace: zygote_still_clean); its init reaps it */
	if (c->pid > 0 && c->spawned) {
		kill_driver(c);
		ga_interrupt_wait(NULL, c->pidfd, KILL_MS);
		c->pid = 0;
	}
	if (c->pid > 0) {
		/* a signal cuts the grace period short, not the kill; a
		 * machine that became busy meanwhile gets more */
		double start = ga_clock_ms(), deadline = 0;
		long bound = ga_machine_extend(start, EXIT_MS, 0, &deadline,
					       &m);
		int r = 0;

		while (!c->dead &&
		       (r = ga_interrupt_wait(in, c->pidfd, (long)(deadline -
				ga_clock_ms()) + 1)) == 0 &&
		       ga_machine_extend(start, EXIT_MS, 0, &deadline, &m) !=
		       bound)
			bound = (long)(deadline - start);
		if (r != 1)
			kill_driver(c);
		if (ga_interrupt_wait(NULL, c->pidfd, KILL_MS) == 1)
			waitpid(c->pid, NULL, 0);
		c->pid = 0;
	}
	if (c->pidfd >= 0)
		close(c->pidfd);
	c->pidfd = -1;
	if (c->from_fd >= 0)
		close(c->from_fd);
	c->from_fd = -1;
	if (c->hold_fd >= 0)
		close(c->hold_fd);
	c->hold_fd = -1;
	if (c->reaped_fd >= 0)
		close(c->reaped_fd);
	c->reaped_fd = -1;
}

/* ---- lines ------------------------------------------------------------------ */

/* Reads what is there without blocking.  Returns 0 (also at EOF, which
 * sets c->eof: a last line may be waiting in buf), or -1 with err set
 * when the driver cannot be read or wrote a line that is too long. */
static int read_more(struct ga_driver_conn *c, struct ga_error *err)
{
	char *grown;
	size_t want;
	ssize_t n;

	while (!c->eof) {
		if (c->len > LINE_MAX_BYTES &&
		    !memchr(c->buf + c->scanned, '\n', c->len - c->scanned))
			return died(c, "wrote a line longer than 64 MiB", err);
		if (c->cap - c->len < 65536) {
			want = c->cap * 2 + 65536;
			if (want > LINE_MAX_BYTES + 131072)
				want = LINE_MAX_BYTES + 131072;
			if (want <= c->cap)
				return 0;       /* full of whole lines */
			grown = realloc(c->buf, want);
			if (!grown)
				return ga_error_set(err, "out of memory");
			c->buf = grown;
			c->cap = want;
		}
		n = read(c->from_fd, c->buf + c->len, c->cap - c->len - 1);
		if (n > 0) {
			c->len += (size_t)n;
			c->got_bytes += (unsigned long long)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0)
			return died(c, "cannot be read", err);
		c->eof = true;
	}
	return 0;
}

/* The end of the first whole line in buf, or NULL; each byte is looked
 * at once however often this is asked (no quadratic scan). */
static char *find_newline(struct ga_driver_conn *c)
{
	char *nl;

	if (c->scanned >= c->len)
		return NULL;
	nl = memchr(c->buf + c->scanned, '\n', c->len - c->scanned);
	c->scanned = nl ? (size_t)(nl - c->buf) : c->len;
	return nl;
}

/* The next whole line, parsed, or NULL with *got 0 (none yet) or -1
 * (err set: not JSON, too long, or the driver is gone). */
static struct ga_json *next_line(struct ga_driver_conn *c, int *got,
				 struct ga_error *err)
{
	struct ga_json *j;
	struct ga_error why;
	char *nl;
	size_t n;

	*got = 0;
	nl = find_newline(c);
	if (!nl) {
		if (read_more(c, err)) {
			*got = -1;
			return NULL;
		}
		nl = find_newline(c);
	}
	if (!nl) {
		if (c->len > LINE_MAX_BYTES) {
			*got = -1;
			died(c, "wrote a line longer than 64 MiB", err);
			return NULL;
		}
		if (c->eof) {
			*got = -1;
			died(c, c->len ? "closed its output in the middle of "
			     "a line" : "closed its output", err);
		}
		return NULL;
	}
	n = (size_t)(nl - c->buf);
	if (n > LINE_MAX_BYTES) {
		*got = -1;
		died(c, "wrote a line longer than 64 MiB", err);
		return NULL;
	}
	j = ga_json_parse(c->buf, n, &why);
	if (!j || j->type != GA_JSON_OBJECT) {
		ga_json_free(j);
		*got = -1;
		died(c, "wrote a line that is not a JSON object", err);
		ga_error_prefix(err, "%s", j ? "not an object" : why.msg);
		return NULL;
	}
	memmove(c->buf, nl + 1, c->len - n - 1);
	c->len -= n + 1;
	c->scanned = 0;
	*got = 1;
	return j;
}

/* Waits (watching for signals) for the next line until deadline; an
 * error names the whole bound, deadline - since (a caller that stretches
 * its deadline on a busy machine waits again: the error names all it
 * waited, not the last stretch). */
static struct ga_json *wait_line_until(struct ga_driver_conn *c,
				       double since, double deadline,
				       struct ga_error *err)
{
	struct ga_interrupt *in = c->env ? c->env->in : c->in;
	long ms = (long)(deadline - since);
	struct ga_json *j;
	int got;

	for (;;) {
		j = next_line(c, &got, err);
		if (got)
			return j;
		if (ga_clock_ms() >= deadline) {
			if (!c->got_bytes)
				ga_error_set(err, "no reply bytes at all within "
					     "%ld ms: is stdout flushed?", ms);
			else if (c->len)
				ga_error_set(err, "%zu bytes but no end of line "
					     "within %ld ms", c->len, ms);
			else
				ga_error_set(err, "no answer within %ld ms", ms);
			return NULL;
		}
		if (c->hold_fd >= 0 &&
		    ga_interrupt_wait(NULL, c->pidfd, 0) == 1) {
			/* it ended before its greeting: its output's end
			 * is read next */
			close(c->hold_fd);
			c->hold_fd = -1;
			continue;
		}
		if (ga_interrupt_wait(in, c->from_fd, c->hold_fd >= 0 ?
				      HOLD_POLL_MS :
				      (long)(deadline - ga_clock_ms()) + 1) < 0) {
			ga_error_set(err, "interrupted by a signal");
			return NULL;
		}
	}
}

/* Waits (bounded, watching for signals) for the next line. */
static struct ga_json *wait_line(struct ga_driver_conn *c, long ms,
				 struct ga_error *err)
{
	double now = ga_clock_ms();

	return wait_line_until(c, now, now + (double)ms, err);
}

/* Writes what it can of the pending request without blocking.  Returns
 * 0 (c->req_done tells how far it got), or -1 with err set when the
 * driver's input is closed. */
static int flush_request(struct ga_driver_conn *c, struct ga_error *err)
{
	ssize_t n;

	while (c->req && c->req_done < c->req_len) {
		n = write(c->to_fd, c->req + c->req_done,
			  c->req_len - c->req_done);
		if (n > 0) {
			c->req_done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		return died(c, n < 0 && errno == EPIPE ? "closed its input" :
			    "cannot be written to", err);
	}
	free(c->req);
	c->req = NULL;
	c->req_len = c->req_done = 0;
	return 0;
}

/* ---- the greeting -------------------------------------------------------------- */

static int read_hello(struct ga_driver_conn *c, struct ga_error *err)
{
	struct ga_interrupt *in = c->env ? c->env->in : c->in;
	struct ga_machine m;
	char note[128];
	struct ga_json *j;
	char why[200] = "";

	double start = ga_clock_ms(), deadline = 0;
	long bound;

	/* the bound is the harness's: a busy machine stretches it, also
	 * one that became busy while it waited, and it is at least 20
	 * times what this driver's last greeting took */
	bound = ga_machine_extend(start, HELLO_MS, 20 * c->drv->hello_ms,
				  &deadline, &m);
	for (;;) {
		j = wait_line_until(c, start, deadline, err);
		if (j || ga_interrupted(in) || c->eof)
			break;
		if (ga_machine_extend(start, HELLO_MS, 20 * c->drv->hello_ms,
				      &deadline, &m) == bound)
			break;
		bound = (long)(deadline - start);
	}
	if (!j && ga_interrupted(in))
		return ga_error_prefix(err, "driver %s: its greeting",
				       c->drv->argv[0]);
	if (!j && (c->eof || c->dead))  /* its own doing, not a bound */
		return ga_error_prefix(err, "driver %s: its greeting (after "
				       "%.0f ms)", c->drv->argv[0],
				       ga_clock_ms() - start);
	if (!j) {
		/* silent past its bound: no grace at the end either (its
		 * stretched exit wait came on top of the greeting's) */
		c->dead = true;
		ga_machine_note(&m, note, sizeof(note));
		return ga_error_prefix(err, "driver %s: its greeting (%s; "
				       "waited %ld ms)", c->drv->argv[0],
				       note, bound);
	}
	c->drv->hello_ms = (long)(ga_clock_ms() - start);
	if (strcmp(ga_json_str(j, "hello", ""), "goneaway-driver") != 0 ||
	    ga_protocol_greeting(j, &c->protocol, &c->features, why,
				 sizeof(why))) {
		ga_json_free(j);
		return ga_error_set(err, "driver %s: its first line is not a "
				    "greeting of protocol %d to %d%s%s "
				    "(docs/driver-protocol.md)",
				    c->drv->argv[0], GA_PROTOCOL_OLDEST,
				    GA_PROTOCOL_VERSION, why[0] ? ": " : "",
				    why);
	}
	c->hello = j;
	return 0;
}

/* The connector's version: the greeting's "version" (X[.Y[.Z]], a tag
 * after it allowed), else the first X.Y[.Z] of its "library" (not of
 * the runtime's).  A "version" that is not one is refused: selectors
 * ([client=NAME >= VERSION]) would go by it.  Returns 0, or -1 with err
 * set. */
static int take_version(struct ga_driver *drv, const struct ga_json *hello,
			struct ga_error *err)
{
	const struct ga_json *v = ga_json_get(hello, "version");

	if (!v || v->type == GA_JSON_NULL) {
		drv->version = ga_protocol_version(ga_json_str(hello, "library",
							       ""), false,
						   drv->version_text,
						   sizeof(drv->version_text));
		return 0;
	}
	if (v->type == GA_JSON_STRING)
		drv->version = ga_protocol_version(v->str, true,
						   drv->version_text,
						   sizeof(drv->version_text));
	if (drv->version)
		return 0;
	return ga_error_set(err, "driver %s: its greeting's version is not "
			    "X, X.Y or X.Y.Z with X below 10000 and Y and Z "
			    "below 100 (docs/driver-protocol.md)",
			    drv->argv[0]);
}

/* ---- requests ----------------------------------------------------------------- */

static void member_str(FILE *f, const char *name, const char *v)
{
	fprintf(f, ",\"%s\":", name);
	if (v)
		ga_json_write_string(f, v, strlen(v));
	else
		fputs("null", f);
}

/* The account of the connection: connect and change-user. */
static void write_login(struct ga_driver_conn *c, FILE *f)
{
	const struct ga_connection *d = c->decl;
	const struct ga_client_env *e = c->env;

	member_str(f, "user", d->user ? d->user : d->privileged ?
		   e->privileged_user : e->user);
	member_str(f, "password", d->password ? d->password : d->privileged ?
		   e->privileged_password : e->password);
	member_str(f, "database", d->database ? d->database : e->database);
}

static void write_connect(struct ga_driver_conn *c, FILE *f)
{
	const struct ga_client_env *e = c->env;
	struct ga_server_id who;

	fprintf(f, ",\"port\":%u", e->port);
	member_str(f, "host", e->host);
	member_str(f, "socket", e->socket);
	write_login(c, f);
	memset(&who, 0, sizeof(who));
	ga_driver_identify(c->drv, &who);
	ga_protocol_write_options(f, c->decl, &who, c->features,
				  c->env->infile_dir);
	/* a pool's settings only to a driver that declared pools
	 * (unsupported() keeps a pool's steps from any other) */
	if (c->decl->pool.line && (c->features & GA_FEATURE_POOL))
		ga_protocol_write_pool(f, c->decl);
}

/* A send's reply is read from its request on by a watch of its own
 * (util/linewatch.h): it may come while other steps run, and its reap
 * is timed to when its line came (reply_came()).  Any other call's
 * waiter polls for its reply itself.  Returns 0, or -1 with err set. */
static int watch_reply(struct ga_driver_conn *c, enum ga_step_kind kind,
		       struct ga_error *err)
{
	char *grown;

	take_watched(c);
	if (kind != GA_STEP_SEND)
		return 0;
	if (c->cap - c->len < REPLY_WATCH_BYTES + 1) {
		grown = realloc(c->buf, c->len + REPLY_WATCH_BYTES + 1);
		if (!grown)
			return ga_error_set(err, "out of memory");
		c->buf = grown;
		c->cap = c->len + REPLY_WATCH_BYTES + 1;
	}
	if (ga_linewatch_start(&c->reply_watch, c->from_fd, c->buf + c->len,
			       REPLY_WATCH_BYTES, err))
		return ga_error_prefix(err, "cannot watch for the reply of "
				       "'%s'", c->decl->name);
	return 0;
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
	/* nothing may be waiting: a reply before its request is a lie */
	if (read_more(c, err))
		return -1;
	if (c->len)
		return died(c, "wrote a reply nobody asked for", err);
	if (c->eof)
		return died(c, "closed its output", err);
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
		/* the members of a feature only to a driver that declared
		 * it (unsupported() keeps a step that needs one away) */
		if (c->features & GA_FEATURE_PARAMS)
			ga_protocol_write_params(f, step);
		break;
	case GA_STEP_FETCH:
		if (c->features & GA_FEATURE_FETCH_PACE)
			fprintf(f, ",\"batch\":%ld,\"every_ms\":%ld",
				step->fetch_rows, step->fetch_every_ms);
		break;
	case GA_STEP_LONG_DATA:
		fprintf(f, ",\"size\":%ld,\"chunk\":%ld", step->size,
			step->chunk);
		break;
	case GA_STEP_CHANGE_USER:
		write_login(c, f);
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
	if (watch_reply(c, step->kind, err)) {
		free(text);
		return -1;
	}
	c->req = text;
	c->req_len = len;
	c->req_done = 0;
	c->start_ms = ga_clock_ms();
	rc = flush_request(c, err);
	if (rc) {
		take_watched(c);
		return -1;
	}
	c->running = c->next_id;
	c->running_kind = step->kind;
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

/* A reply's thread id: a MySQL connection id (a whole number, 0 for
 * "unknown"), else the driver's failure (-1, err set). */
static int take_thread(struct ga_driver_conn *c, const struct ga_json *j,
		       const char *key, unsigned long *out,
		       struct ga_error *err)
{
	const struct ga_json *v = ga_json_get(j, key);

	*out = 0;
	if (!v || v->type == GA_JSON_NULL)
		return 0;
	if (v->type == GA_JSON_NUMBER && v->num >= 0 &&
	    v->num <= THREAD_ID_MAX && v->num == (double)(unsigned long)v->num) {
		*out = (unsigned long)v->num;
		return 0;
	}
	died(c, "answered with a thread id that is not a MySQL connection id "
	     "(a whole number from 0, unknown, to 2^53)", err);
	if (v->type == GA_JSON_NUMBER)
		return ga_error_prefix(err, "%s %.17g", key, v->num);
	return ga_error_prefix(err, "a non-numeric %s", key);
}

/* Notes when the line just read, the running call's reply, came, into
 * c->reply_ms: a send's when its watch read it (take_watched()), which
 * may be long before its reap; else now, as the waiter polls for it. */
static void reply_came(struct ga_driver_conn *c)
{
	double now = ga_clock_ms();

	c->reply_ms = c->line_ms > 0 && c->line_ms < now ? c->line_ms : now;
	c->line_ms = 0;
}

/* The call's elapsed time as the harness measured it: from start(), when
 * it wrote the request, to when the reply came (reply_came()).  Never
 * the driver's elapsed_ms: a driver measures from when it read the
 * request, which a busy machine delays (130 ms at load 40), so its
 * figure is short by that much.  It is a lower bound, then: one above
 * the harness's is written down in the driver's log. */
static double elapsed(const struct ga_driver_conn *c, const struct ga_json *j)
{
	double ms = c->reply_ms - c->start_ms;
	const struct ga_json *v = ga_json_get(j, "elapsed_ms");

	if (v && v->type == GA_JSON_NUMBER && isfinite(v->num) &&
	    v->num > ms + 1)
		log_note(c, "reply to request %ld: its elapsed_ms %.3f is more "
			 "than goneaway saw from the request to the reply "
			 "(%.3f ms): not used", c->running, v->num, ms);
	return ms;
}

/* A reply's word that goneaway may write back into a file (its error
 * class, sqlstate, api): ok(...) or absent, else the driver's failure
 * (client/protocol.h says what each must be). */
static int take_word(struct ga_driver_conn *c, const struct ga_json *j,
		     const char *key, bool (*ok)(const char *, size_t),
		     const char *what, struct ga_error *err)
{
	const struct ga_json *v = ga_json_get(j, key);

	if (!v || v->type != GA_JSON_STRING || ok(v->str, v->len))
		return 0;
	died(c, "answered with a reply goneaway does not take "
	     "(docs/driver-protocol.md)", err);
	return ga_error_prefix(err, "%s is not %s", key, what);
}

static enum ga_call_state reply_to_outcome(struct ga_driver_conn *c,
					   const struct ga_json *j,
					   struct ga_outcome *out,
					   struct ga_error *err)
{
	const char *result = ga_json_str(j, "result", "");
	const char *api = ga_json_str(j, "api", "driver");
	char note[200];

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
	if (take_errno(c, j, out, err) ||
	    take_thread(c, j, "thread_before", &out->thread_before, err) ||
	    take_thread(c, j, "thread_after", &out->thread_after, err) ||
	    take_word(c, j, "error_class", ga_protocol_class_ok, "one word "
		      "of 1 to 63 printable ASCII characters", err) ||
	    take_word(c, j, "sqlstate", ga_protocol_sqlstate_ok, "five "
		      "letters or digits", err) ||
	    take_word(c, j, "api", ga_protocol_api_ok, "1 to 200 bytes "
		      "without control characters", err))
		return GA_CALL_FAILED;
	out->api = ga_driver_intern(c->drv, api);
	snprintf(out->sqlstate, sizeof(out->sqlstate), "%s",
		 ga_json_str(j, "sqlstate", ""));
	snprintf(out->message, sizeof(out->message), "%s",
		 ga_json_str(j, "message", ""));
	snprintf(out->error_class, sizeof(out->error_class), "%s",
		 ga_json_str(j, "error_class", ""));
	if ((c->features & GA_FEATURE_POOL) &&
	    ga_protocol_take_pool_events(j, out, note, sizeof(note))) {
		died(c, "answered with a reply goneaway does not take "
		     "(docs/driver-protocol.md)", err);
		ga_error_prefix(err, "%s", note);
		return GA_CALL_FAILED;
	}
	ga_protocol_take_described(j, c->running_kind, out, note,
				   sizeof(note));
	if (note[0])
		log_note(c, "reply to request %ld: %s", c->running, note);
	out->elapsed_ms = elapsed(c, j);
	if (out->result == GA_RESULT_OK)
		take_value(ga_json_get(j, "value"), out);
	return GA_CALL_FINISHED;
}

/* The server thread the connection has after the running call finished
 * with out.  A connect or a close sets it, 0 included: after a connect
 * whose driver reports no thread id there is none to KILL, never the
 * previous session's.  Any other call that did not fail moves it to a
 * new one it reports (a reconnect); 0 there is "unknown", not "none". */
static void keep_thread(struct ga_driver_conn *c, const struct ga_outcome *out)
{
	if (c->running_kind == GA_STEP_CONNECT ||
	    c->running_kind == GA_STEP_CLOSE ||
	    c->running_kind == GA_STEP_EVICT)
		c->thread_id = out->thread_after;
	else if (out->result != GA_RESULT_ERROR && out->thread_after)
		c->thread_id = out->thread_after;
}

/* Whether reply j answers the request with id want: its id must be that
 * very integer (2.9 is not 2).  Else err says what came. */
static bool answers(struct ga_driver_conn *c, const struct ga_json *j,
		    long want, struct ga_error *err)
{
	const struct ga_json *v = ga_json_get(j, "id");

	if (v && v->type == GA_JSON_NUMBER && v->num == (double)want)
		return true;
	died(c, "answered another request", err);
	if (v && v->type == GA_JSON_NUMBER)
		ga_error_prefix(err, "the reply's id is %.15g, expected %ld",
				v->num, want);
	else
		ga_error_prefix(err, "the reply has %s, expected id %ld",
				v ? "a non-numeric id" : "no id", want);
	return false;
}

static enum ga_call_state collect(struct ga_driver_conn *c,
				  struct ga_outcome *out, struct ga_error *err)
{
	enum ga_call_state st;
	struct ga_json *j;
	int got;

	take_watched(c);        /* the waiter reads from now on */
	if (!c->running) {
		ga_error_set(err, "no call is running on '%s'", c->decl->name);
		return GA_CALL_FAILED;
	}
	if (flush_request(c, err)) {
		c->running = 0;
		return GA_CALL_FAILED;
	}
	j = next_line(c, &got, err);
	if (!got)
		return GA_CALL_RUNNING;
	reply_came(c);
	if (got < 0) {
		c->running = 0;
		return GA_CALL_FAILED;
	}
	if (c->req) {
		ga_json_free(j);
		c->running = 0;
		died(c, "answered before it had read its whole request", err);
		return GA_CALL_FAILED;
	}
	if (!answers(c, j, c->running, err)) {
		ga_json_free(j);
		c->running = 0;
		return GA_CALL_FAILED;
	}
	st = reply_to_outcome(c, j, out, err);
	c->running = 0;
	ga_json_free(j);
	if (st == GA_CALL_FINISHED)
		keep_thread(c, out);
	return st;
}

static int call_fd(const struct ga_driver_conn *c)
{
	return c->from_fd;
}

static int call_wfd(const struct ga_driver_conn *c)
{
	return c->req ? c->to_fd : -1;
}

/* The request's step as the driver saw it ("query" for a send). */
static const char *wire_step(enum ga_step_kind kind)
{
	return kind == GA_STEP_SEND ? "query" : ga_step_kind_name(kind);
}

/* The answer to a hung call, j (its id checked), which came once its
 * sockets were cut: checked like any reply, then written down, in the
 * driver's log and in the hang's message, and dropped.  The step stays
 * a hang: the watchdog decided before the answer came.  Returns 0, or
 * -1 with err set when the reply breaks the protocol. */
static int late_reply(struct ga_driver_conn *c, const struct ga_json *j,
		      struct ga_outcome *hang, struct ga_error *err)
{
	struct ga_outcome late;
	enum ga_call_state st;
	char what[700];
	const char *name;
	double ms = ga_clock_ms() - c->start_ms;

	st = reply_to_outcome(c, j, &late, err);
	if (st == GA_CALL_FAILED)
		return -1;
	if (st == GA_CALL_UNSUPPORTED) {
		snprintf(what, sizeof(what), "unsupported \"%s\"", err->msg);
	} else if (late.result == GA_RESULT_ERROR) {
		name = late.error_name[0] ? late.error_name : NULL;
		snprintf(what, sizeof(what), "error %u%s%s%s%s%s \"%s\"",
			 late.err, name || late.error_class[0] ? " (" : "",
			 name ? name : "", name && late.error_class[0] ?
			 ", " : "", late.error_class,
			 name || late.error_class[0] ? ")" : "", late.message);
	} else if (late.result == GA_RESULT_WRONG) {
		snprintf(what, sizeof(what), "a wrong result \"%s\"",
			 late.message);
	} else if (late.has_value && !late.value_null) {
		snprintf(what, sizeof(what), "ok with '%s'", late.value);
	} else {
		snprintf(what, sizeof(what), "ok");
	}
	if (st == GA_CALL_FINISHED)
		keep_thread(c, &late);
	log_note(c, "late reply to request %ld (%s), %.0f ms after it was "
		 "sent, once its sockets were cut after the hang: %s [%s]",
		 c->running, wire_step(c->running_kind), ms, what,
		 late.api ? late.api : "driver");
	snprintf(hang->message, sizeof(hang->message), "its late reply, %.0f "
		 "ms after the request, once its sockets were cut: %s", ms,
		 what);
	return 0;
}

static int cancel(struct ga_driver_conn *c, struct ga_outcome *hang,
		  struct ga_error *err)
{
	struct ga_socket_set socks;
	struct ga_json *j;
	size_t done = c->req_done, len = c->req_len;
	const char *tail;

	hang->api = ga_driver_intern(c->drv, "driver call");
	take_watched(c);
	if (!c->running)
		return 0;
	if (c->req) {
		/* it never took its request: no call was made */
		c->running = 0;
		kill_driver(c);
		c->dead = true;
		ga_error_set(err, "driver %s did not read its request (%zu of "
			     "%zu bytes taken in %.0f ms): killed",
			     c->drv->name, done, len,
			     ga_clock_ms() - c->start_ms);
		return GA_CANCEL_UNDELIVERED;
	}
	ga_socket_set_of_process(c->pid, &socks);
	if (socks.n)
		ga_sockets_cut_these(c->env->netns_fd, &socks, err);
	ga_socket_set_free(&socks);
	j = wait_line(c, UNBLOCK_MS, err);
	reply_came(c);
	if (j && answers(c, j, c->running, err) &&
	    late_reply(c, j, hang, err) == 0) {
		ga_json_free(j);
		c->running = 0;
		return 0;
	}
	ga_json_free(j);
	kill_driver(c);
	if (c->dead) {          /* it broke the protocol: err says how */
		ga_error_prefix(err, "after its sockets were cut");
		tail = strstr(err->msg, "; its stderr ends: ");
		log_note(c, "request %ld (%s) hung, and %.*s: killed",
			 c->running, wire_step(c->running_kind),
			 tail ? (int)(tail - err->msg) : (int)strlen(err->msg),
			 err->msg);
		c->running = 0;
		return -1;
	}
	log_note(c, "request %ld (%s) hung, and no reply came within %d ms of "
		 "its sockets being cut: killed", c->running,
		 wire_step(c->running_kind), UNBLOCK_MS);
	c->running = 0;
	c->dead = true;
	return ga_error_set(err, "driver %s did not answer within %d ms of "
			    "its sockets being cut: killed%s", c->drv->name,
			    UNBLOCK_MS, c->got_bytes ? "" : " (no reply bytes "
			    "at all: is stdout flushed?)");
}

static int unsupported(const struct ga_driver_conn *c,
		       const struct ga_step *step, char *why, size_t len)
{
	const struct ga_json *map = ga_json_get(c->hello, "unsupported");
	const char *reason;

	struct ga_server_id who;

	reason = ga_json_str(map, ga_step_kind_name(step->kind), NULL);
	if (step->kind == GA_STEP_SEND && !reason)
		reason = ga_json_str(map, "query", NULL);
	if (!reason) {
		/* a member of a feature the greeting did not declare */
		memset(&who, 0, sizeof(who));
		ga_driver_identify(c->drv, &who);
		return ga_protocol_missing(ga_protocol_step_needs(step,
							c->decl, &who),
					   c->features, c->protocol, why, len);
	}
	snprintf(why, len, "%s", reason);
	return 1;
}

static unsigned long thread_id(const struct ga_driver_conn *c)
{
	return c->thread_id;
}

/* ---- zygotes and their copies (feature "spawn", client/zygote.c) ---------- */

/* The zygote that spawned c, while it is the registry's, else NULL (it
 * was ended: c's namespace went with it). */
static struct ga_driver_conn *zygote_of(const struct ga_driver_conn *c)
{
	struct ga_driver_conn *z;

	if (!c->spawned)
		return NULL;
	z = ga_zygote_find(c->drv, c->netns);
	return z && z->zserial == c->from_zygote ? z : NULL;
}

/* c, ended, is no longer one of its zygote's copies. */
static void zygote_forget(const struct ga_driver_conn *c)
{
	struct ga_driver_conn *z = zygote_of(c);
	size_t i;

	for (i = 0; z && i < z->nkids; i++)
		if (z->kids[i] == c->kid_pid) {
			z->kids[i] = z->kids[--z->nkids];
			return;
		}
}

/* Whether the namespace a spawned c lives in is as its zygote's must be
 * (ga_zygote_clean): 1, or 0 with why; then the zygote is ended, and its
 * namespace with every process in it. */
static int zygote_still_clean(const struct ga_driver_conn *c, char *why,
			      size_t len)
{
	struct ga_driver_conn *z;

	if (!c->spawned)
		return 1;
	z = zygote_of(c);
	if (!z) {
		snprintf(why, len, "its zygote was ended");
		return 0;
	}
	if (z->dead || !ga_zygote_clean(z->pid, z->zpid, z->kids, z->nkids,
					why, len)) {
		if (z->dead)
			snprintf(why, len, "its zygote is gone");
		ga_zygote_end(z);
		return 0;
	}
	return 1;
}

/* Stops the process and frees c (a kept one's part of the case copied
 * into the case's log first, when it has a case). */
static void conn_end(struct ga_driver_conn *c)
{
	struct ga_error err;

	if (!c)
		return;
	/* a zygote's spare first: it is its zygote's no longer */
	if (c->spare)
		conn_end(c->spare);
	c->spare = NULL;
	stop_process(c);
	zygote_forget(c);
	if (c->fifo_in[0])
		unlink(c->fifo_in);
	if (c->fifo_out[0])
		unlink(c->fifo_out);
	if (c->kept && c->case_log[0] &&
	    ga_keep_log_copy(c->log, c->log_from, c->case_log, &err))
		fprintf(stderr, "goneaway: driver %s's log: %s\n", c->drv->name,
			err.msg);
	if (c->kept && c->log[0])
		unlink(c->log);
	ga_socket_set_free(&c->held);
	ga_json_free(c->hello);
	free(c->buf);
	free(c->req);
	free(c);
}

/* ga_keep_idle_put()'s quit: an idle kept process's input closed, so
 * that every process being ended exits at once, side by side. */
static void conn_quit_idle(struct ga_driver_conn *c)
{
	if (c->to_fd >= 0)
		close(c->to_fd);
	c->to_fd = -1;
}

/* ga_keep_idle_put()'s end: an idle kept process, between cases; a run
 * that was interrupted does not wait for it to exit. */
static void conn_end_idle(struct ga_driver_conn *c)
{
	c->env = NULL;
	c->case_log[0] = '\0';
	if (ga_interrupted(c->in))
		kill_driver(c);
	conn_end(c);
}

/* ---- a kept process: begin-case and end-case -------------------------- */

/* Sends a request of the protocol's own (begin-case, end-case: extra is
 * its members after the step, "" or ",\"dir\":...") and waits for its
 * reply, CONTROL_MS stretched on a busy machine.  Returns
 * 0 when it was answered ok, or -1 with err set (the process is not
 * kept then). */
static int control(struct ga_driver_conn *c, const char *step,
		   const char *extra, struct ga_error *err)
{
	struct ga_interrupt *in = c->env ? c->env->in : c->in;
	struct ga_machine m;
	struct ga_json *j = NULL;
	double start, deadline = 0;
	long bound;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (c->dead || c->running)
		return ga_error_set(err, "it is %s", c->dead ? "gone" :
				    "still answering a request");
	if (read_more(c, err))
		return -1;
	if (c->len)
		return died(c, "wrote a reply nobody asked for", err);
	f = open_memstream(&text, &len);
	if (!f)
		return ga_error_set(err, "out of memory");
	c->next_id++;
	fprintf(f, "{\"id\":%ld,\"step\":\"%s\"%s}\n", c->next_id, step, extra);
	if (fclose(f) != 0) {
		free(text);
		return ga_error_set(err, "out of memory");
	}
	c->req = text;
	c->req_len = len;
	c->req_done = 0;
	start = ga_clock_ms();
	bound = ga_machine_extend(start, CONTROL_MS, 0, &deadline, &m);
	while (c->req) {
		if (flush_request(c, err))
			return -1;
		if (!c->req)
			break;
		if (ga_clock_ms() >= deadline)
			return ga_error_set(err, "it did not read its %s request "
					    "within %ld ms", step, bound);
		if (ga_interrupt_poll(in, -1, c->to_fd,
				      (long)(deadline - ga_clock_ms()) + 1) < 0)
			return ga_error_set(err, "interrupted by a signal");
	}
	for (;;) {
		j = wait_line_until(c, start, deadline, err);
		if (j || ga_interrupted(in) || c->dead)
			break;
		if (ga_machine_extend(start, CONTROL_MS, 0, &deadline, &m) ==
		    bound)
			break;
		bound = (long)(deadline - start);
	}
	if (!j)
		return ga_error_prefix(err, "its answer to %s", step);
	if (ga_json_num(j, "id", -1) != (double)c->next_id) {
		ga_json_free(j);
		return ga_error_set(err, "its answer to %s has another id",
				    step);
	}
	if (strcmp(ga_json_str(j, "result", ""), "ok") != 0) {
		ga_error_set(err, "it answered %s with %s: %s", step,
			     ga_json_str(j, "result", "no result"),
			     ga_json_str(j, "message", ""));
		ga_json_free(j);
		return -1;
	}
	ga_json_free(j);
	return 0;
}

/* The case's directory as a begin-case's members. */
static int begin_case(struct ga_driver_conn *c, struct ga_error *err)
{
	char *extra = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&extra, &len);
	struct stat st;
	int rc;

	if (!f)
		return ga_error_set(err, "out of memory");
	fputs(",\"dir\":", f);
	ga_json_write_string(f, c->env->dir, strlen(c->env->dir));
	if (fclose(f) != 0) {
		free(extra);
		return ga_error_set(err, "out of memory");
	}
	/* a new process's first case has what it wrote since it started
	 * (its greeting's, a JVM's warnings); a kept one's next case what
	 * it writes from now on */
	c->log_from = 0;
	if (c->cases > 0 && stat(c->log, &st) == 0)
		c->log_from = (long long)st.st_size;
	snprintf(c->case_log, sizeof(c->case_log), "%s/driver-%s.log",
		 c->env->dir, c->decl->name);
	c->cases++;
	rc = control(c, "begin-case", extra, err);
	free(extra);
	return rc;
}

/* Why a kept process that ended its case cannot serve the next one,
 * into why (1), or 0: it can.  Its TCP sockets to the case's server are
 * cut first, as a hang's are, so that no connector waits on a link the
 * case left faulty when it closes them. */
static int end_case(struct ga_driver_conn *c, char *why, size_t len)
{
	struct ga_socket_set now;
	struct ga_error err;
	struct stat st;

	if (c->dead || c->running || c->req) {
		snprintf(why, len, "it %s", c->dead ? "is gone" :
			 "was still answering a request");
		return 1;
	}
	/* the sockets it did not hold after its greeting: the case's */
	ga_socket_set_of_process(c->pid, &now);
	ga_socket_set_remove(&now, &c->held);
	if (now.n)
		ga_sockets_cut_these(c->env->netns_fd, &now, &err);
	ga_socket_set_free(&now);
	if (control(c, "end-case", "", &err)) {
		snprintf(why, len, "end-case: %s", err.msg);
		return 1;
	}
	if (!ga_keep_tree_same(c->pid, c->tree, c->ntree, why, len) ||
	    !ga_keep_sockets_within(c->pid, &c->held, why, len) ||
	    !zygote_still_clean(c, why, len))
		return 1;
	if (read_more(c, &err) || c->len || c->eof) {
		snprintf(why, len, "it wrote %s after its end-case answer",
			 c->eof ? "the end of its output" : "a line");
		return 1;
	}
	/* its log is one file for all its cases, bounded where it is
	 * written: a new process starts an empty one before it is full */
	if (stat(c->log, &st) == 0 && st.st_size >= GA_DRIVER_LOG_MAX / 2) {
		snprintf(why, len, "its standard error holds %lld MiB, half "
			 "the %lld MiB a driver's may (a new process starts an "
			 "empty one)", (long long)st.st_size >> 20,
			 GA_DRIVER_LOG_MAX >> 20);
		return 1;
	}
	return 0;
}

/* A line in c's log once its standard error reached its bound: what
 * the driver wrote past it was refused. */
static void note_full(const struct ga_driver_conn *c)
{
	struct stat st;

	if (c->log[0] && stat(c->log, &st) == 0 &&
	    st.st_size >= GA_DRIVER_LOG_MAX)
		log_note(c, "its standard error reached the %lld MiB a "
			 "driver's may hold: whatever it wrote past them was "
			 "refused (EFBIG)", GA_DRIVER_LOG_MAX >> 20);
}

/* Why the last kept process of a driver that ended its case was not
 * kept (end_case()), for the process started for the next case of that
 * driver in that namespace to say (setup(): "replaced: ..."). */
static struct {
	const struct ga_driver *drv;    /* borrowed; NULL: none */
	ino_t netns;
	char why[240];
} not_kept;

static void conn_free(struct ga_driver_conn *c)
{
	struct ga_error err;
	char why[300];

	if (!c)
		return;
	note_full(c);
	if (!c->kept || !c->env) {
		conn_end(c);
		return;
	}
	/* a copy its zygote forked serves one case: whatever the case left
	 * in it goes with it; what it left in its zygote's namespace ends
	 * that zygote (the next case gets a new one) */
	if (c->spawned) {
		if (!zygote_still_clean(c, why, sizeof(why)))
			log_note(c, "its zygote was given up: %s", why);
		conn_end(c);
		return;
	}
	if (end_case(c, why, sizeof(why))) {
		log_note(c, "not kept for the next case: %s", why);
		not_kept.drv = c->drv;
		not_kept.netns = c->netns;
		snprintf(not_kept.why, sizeof(not_kept.why), "%s", why);
		conn_end(c);
		return;
	}
	if (ga_keep_log_copy(c->log, c->log_from, c->case_log, &err))
		fprintf(stderr, "goneaway: driver %s's log: %s\n", c->drv->name,
			err.msg);
	c->case_log[0] = '\0';
	c->in = c->env->in;
	c->decl = NULL;
	c->env = NULL;
	c->thread_id = 0;
	ga_keep_idle_put(c, c->drv, c->netns, conn_quit_idle, conn_end_idle);
}

static ino_t netns_inode(int fd)
{
	struct stat st;

	return fd >= 0 && fstat(fd, &st) == 0 ? st.st_ino : 0;
}

/* The log of a kept process c (KIND-PID-N.log in dir, this process's
 * PID), created empty, never through a symlink.  Returns 0, or -1 with
 * err set and no log. */
static int kept_log(struct ga_driver_conn *c, const char *dir,
		    const char *kind, unsigned n, struct ga_error *err)
{
	int fd;

	snprintf(c->log, sizeof(c->log), "%s/%s-%d-%u.log", dir, kind,
		 (int)getpid(), n);
	fd = open(c->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
		  O_NOFOLLOW, 0600);
	/* a copy a zygote spawns opens it itself, as the drivers' user */
	if (fd < 0 || ga_driver_give_fd(fd) != 0) {
		ga_error_errno(err, errno, "%s", c->log);
		if (fd >= 0)
			close(fd);
		c->log[0] = '\0';
		return -1;
	}
	close(fd);
	return 0;
}

/* The zygote of drv in env's client namespace, started now when there
 * is none: a driver process that declares "spawn", alone in its PID
 * namespace with goneaway's init.  NULL with err set when it cannot be. */
static struct ga_driver_conn *zygote_for(struct ga_driver *drv,
					 const struct ga_client_env *env,
					 struct ga_error *err)
{
	static unsigned serials;
	ino_t ns = netns_inode(env->netns_fd);
	struct ga_driver_conn *z = ga_zygote_find(drv, ns);
	char why[300];
	pid_t tree[2];

	/* one whose namespace holds what a copy left is given up with it,
	 * and a new one started: no fault of the zygote's */
	if (z && !z->dead && ga_zygote_clean(z->pid, z->zpid, z->kids,
					     z->nkids, why, sizeof(why)))
		return z;
	if (z)
		ga_zygote_end(z);
	z = calloc(1, sizeof(*z));
	if (!z) {
		ga_error_set(err, "out of memory");
		return NULL;
	}
	z->drv = drv;
	z->zygote = true;
	z->kept = true;         /* its log goes when it does */
	z->netns = ns;
	z->in = env->in;
	z->zserial = ++serials;
	z->pidfd = z->reaped_fd = z->to_fd = z->from_fd = z->hold_fd = -1;
	if (kept_log(z, env->keep_dir, "zygote", serials, err)) {
		conn_end(z);
		return NULL;
	}
	if (start_process(z, env, z->log, err) ||
	    read_hello(z, err)) {
		ga_error_prefix(err, "its zygote");
		conn_end(z);
		return NULL;
	}
	if (!(z->features & GA_FEATURE_SPAWN) ||
	    ga_keep_tree(z->pid, tree, 1) != 1) {
		ga_error_set(err, "its zygote %s", !(z->features &
			     GA_FEATURE_SPAWN) ? "did not declare spawn" :
			     "is not one process in its PID namespace");
		conn_end(z);
		return NULL;
	}
	z->zpid = tree[0];
	ga_zygote_put(z, drv, ns, conn_end);
	return ga_zygote_find(drv, ns);
}

/* c, a copy whose greeting did not come or that does not use its
 * pipes, as it was before spawn_into() (no process, its pipes gone);
 * its zygote ended when zygote_failed. */
static void spawn_undo(struct ga_driver_conn *c, bool zygote_failed)
{
	struct ga_driver_conn *z;

	stop_process(c);
	zygote_forget(c);
	c->spawned = false;
	c->kid_pid = c->kid_nspid = 0;
	ga_json_free(c->hello);
	c->hello = NULL;
	c->len = c->scanned = 0;
	c->eof = c->dead = false;
	c->got_bytes = 0;
	if (zygote_failed && (z = ga_zygote_find(c->drv, c->netns)) != NULL)
		ga_zygote_end(z);
	if (c->fifo_in[0])
		unlink(c->fifo_in);
	if (c->fifo_out[0])
		unlink(c->fifo_out);
	c->fifo_in[0] = c->fifo_out[0] = '\0';
}

/* Reads the greeting of c, a copy spawn_into() spawned, and holds it to
 * the pipes it was given.  Returns 0, or -1 with err set and c as it
 * was before spawn_into() (spawn_undo()). */
static int spawn_greet(struct ga_driver_conn *c, struct ga_error *err)
{
	int fd;

	if (read_hello(c, err)) {
		spawn_undo(c, false);
		return -1;
	}
	if (!ga_proc_fd_is(c->kid_pid, 0, c->fifo_st[0].st_dev,
			   c->fifo_st[0].st_ino) ||
	    !ga_proc_fd_is(c->kid_pid, 1, c->fifo_st[1].st_dev,
			   c->fifo_st[1].st_ino)) {
		ga_error_set(err, "the process its zygote forked does not read "
			     "and write the pipes it was given");
		spawn_undo(c, true);
		return -1;
	}
	close(c->hold_fd);
	c->hold_fd = -1;
	/* a writer of its input alone, now that it reads it: its end is
	 * then an EPIPE, as a pipe's */
	fd = open(c->fifo_in, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		close(c->to_fd);
		c->to_fd = fd;
	}
	unlink(c->fifo_in);
	unlink(c->fifo_out);
	c->fifo_in[0] = c->fifo_out[0] = '\0';
	return 0;
}

/* Has the zygote of c's client spawn c: a copy of itself that reads and
 * writes two named pipes of env's keep directory and appends its
 * standard error to c's log, found among the processes the zygote
 * forked (the init's new child, or the zygote's); spawn_greet() then
 * reads its greeting and holds it to those pipes (never to what the
 * driver says).  Returns 0, or -1 with err set: c is then as it was (no
 * process), and the zygote is ended when it did not do what it was
 * asked. */
static int spawn_into(struct ga_driver_conn *c,
		      const struct ga_client_env *env, struct ga_error *err)
{
	static unsigned serial;
	struct ga_driver_conn *z;
	char in[PATH_MAX], out[PATH_MAX], *extra = NULL;
	struct stat sin, sout, st;
	struct ga_error ignored;
	size_t elen = 0;
	int rfd = -1, wfd = -1, hold = -1, fd;
	bool zygote_failed = false;
	bool orphan = false;
	pid_t kid;
	FILE *f;

	z = zygote_for(c->drv, env, err);
	if (!z)
		return -1;
	if (z->nkids >= ZYGOTE_KIDS_MAX)
		return ga_error_set(err, "its zygote has %d copies already",
				    ZYGOTE_KIDS_MAX);
	serial++;
	snprintf(in, sizeof(in), "%s/spawn-%d-%u.in", env->keep_dir,
		 (int)getpid(), serial);
	snprintf(out, sizeof(out), "%s/spawn-%d-%u.out", env->keep_dir,
		 (int)getpid(), serial);
	/* the zygote opens them as the drivers' user */
	if (mkfifo(in, 0600) != 0 || mkfifo(out, 0600) != 0 ||
	    ga_driver_give_path(in) != 0 || ga_driver_give_path(out) != 0) {
		ga_error_errno(err, errno, "mkfifo %s", env->keep_dir);
		goto fail;
	}
	/* its output read without waiting for it to open it, and held open
	 * by a writer of goneaway's own until its greeting: no end of it is
	 * read before it opened it; its input writable without waiting */
	rfd = open(out, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	hold = open(out, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	wfd = open(in, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (rfd < 0 || hold < 0 || wfd < 0 || fstat(rfd, &sout) != 0 ||
	    fstat(wfd, &sin) != 0) {
		ga_error_errno(err, errno, "%s", out);
		goto fail;
	}
	f = open_memstream(&extra, &elen);
	if (!f) {
		ga_error_set(err, "out of memory");
		goto fail;
	}
	fputs(",\"stdin\":", f);
	ga_json_write_string(f, in, strlen(in));
	fputs(",\"stdout\":", f);
	ga_json_write_string(f, out, strlen(out));
	fputs(",\"stderr\":", f);
	ga_json_write_string(f, c->log, strlen(c->log));
	if (fclose(f) != 0) {
		ga_error_set(err, "out of memory");
		goto fail;
	}
	/* what the zygote wrote since its last copy (its runtime's start:
	 * warnings, a wrapper's words) goes with this one, as a process's
	 * first case has what it wrote since it started */
	if (stat(z->log, &st) == 0 && (long long)st.st_size > z->log_from &&
	    ga_keep_log_copy(z->log, z->log_from, c->log, &ignored) == 0)
		z->log_from = (long long)st.st_size;
	if (control(z, "spawn", extra, err)) {
		ga_error_prefix(err, "its zygote");
		zygote_failed = true;
		goto fail;
	}
	kid = ga_zygote_new_child(z->pid, z->zpid, z->kids, z->nkids,
				  &orphan);
	if (kid <= 0) {
		ga_error_set(err, "its zygote answered spawn and forked %s",
			     kid ? "several processes" : "none");
		zygote_failed = true;
		goto fail;
	}
	fd = (int)syscall(SYS_pidfd_open, kid, 0);
	if (fd < 0) {
		ga_error_errno(err, errno, "pidfd_open %d", (int)kid);
		zygote_failed = true;
		goto fail;
	}
	c->pid = c->kid_pid = kid;
	c->pidfd = fd;
	/* the init reaps an orphan and says how it ended; what it said of
	 * another that had its number is not this one's */
	c->kid_nspid = orphan ? ga_proc_pidfd_nspid(fd) : 0;
	if (c->kid_nspid)
		ga_zygote_ends_forget(&z->ends, z->reaped_fd, c->kid_nspid);
	c->from_fd = rfd;
	c->to_fd = wfd;
	c->hold_fd = hold;
	rfd = wfd = hold = -1;
	c->spawned = true;
	c->from_zygote = z->zserial;
	z->kids[z->nkids++] = kid;
	snprintf(c->fifo_in, sizeof(c->fifo_in), "%s", in);
	snprintf(c->fifo_out, sizeof(c->fifo_out), "%s", out);
	c->fifo_st[0] = sin;
	c->fifo_st[1] = sout;
	free(extra);
	return 0;
fail:
	if (zygote_failed && (z = ga_zygote_find(c->drv, c->netns)) != NULL)
		ga_zygote_end(z);
	if (rfd >= 0)
		close(rfd);
	if (wfd >= 0)
		close(wfd);
	if (hold >= 0)
		close(hold);
	unlink(in);
	unlink(out);
	free(extra);
	return -1;
}

/* Whether the process a zygote spawns for a case can be spawned: the
 * driver declares "spawn", its zygote never failed in this process, and
 * GONEAWAY_SPAWN is not "off". */
static bool spawn_wanted(const struct ga_driver *drv)
{
	const char *knob = getenv("GONEAWAY_SPAWN");

	return (drv->features & GA_FEATURE_SPAWN) && !drv->no_spawn &&
	       !(knob && strcmp(knob, "off") == 0);
}

/* Whether c is now a copy its client's zygote spawned, its greeting
 * read (feature "spawn"); else the caller starts it as a process of its
 * own, as for a driver without the feature: a zygote that failed is
 * noted in c's log, and this process asks that client's zygotes no
 * more. */
static bool spawn_ok(struct ga_driver_conn *c, const struct ga_client_env *env)
{
	struct ga_error err;

	if (!spawn_wanted(c->drv))
		return false;
	if (spawn_into(c, env, &err) == 0 && spawn_greet(c, &err) == 0)
		return true;
	log_note(c, "not spawned: %s; started on its own, as every other "
		 "process of %s in this worker will be", err.msg, c->drv->name);
	c->drv->no_spawn = true;
	return false;
}

static unsigned log_serial;     /* a kept process's log: its number */

/* The spare copy of drv's zygote in env's namespace, taken and greeted
 * for this case, or NULL (none, or it did not greet: the case then
 * spawns its own).  A spare served no case: nothing to check. */
static struct ga_driver_conn *spare_take(struct ga_driver *drv,
					 const struct ga_client_env *env)
{
	struct ga_driver_conn *z = ga_zygote_find(drv,
						 netns_inode(env->netns_fd));
	struct ga_driver_conn *s;
	struct ga_error err;
	char why[300];

	if (!z || !z->spare)
		return NULL;
	/* what a copy started that left it (a double fork after the look
	 * at its case's end) ends the zygote, its spare with it */
	if (z->dead || !ga_zygote_clean(z->pid, z->zpid, z->kids, z->nkids,
					why, sizeof(why))) {
		ga_zygote_end(z);
		return NULL;
	}
	s = z->spare;
	z->spare = NULL;
	s->env = env;
	if (spawn_greet(s, &err) == 0)
		return s;
	conn_end(s);
	return NULL;
}

/* A copy spawned ahead for the next case of drv in env's namespace,
 * while this one runs: its zygote forks it now, and its greeting is
 * read when a case takes it (spare_take()).  Nothing when the zygote
 * has one or is gone; a copy that cannot be spawned is not kept. */
static void spare_ahead(struct ga_driver *drv, const struct ga_client_env *env)
{
	ino_t ns = netns_inode(env->netns_fd);
	struct ga_driver_conn *z = ga_zygote_find(drv, ns), *s;
	struct ga_error err;

	if (!z || z->spare || z->dead)
		return;
	s = calloc(1, sizeof(*s));
	if (!s)
		return;
	s->drv = drv;
	s->kept = true;
	s->netns = ns;
	s->in = env->in;
	s->pidfd = s->reaped_fd = s->to_fd = s->from_fd = s->hold_fd = -1;
	if (kept_log(s, env->keep_dir, "driver", ++log_serial, &err) ||
	    spawn_into(s, env, &err)) {
		conn_end(s);
		return;
	}
	/* the zygote ended meanwhile (spawn_into() gave it up): s is not
	 * its */
	z = ga_zygote_find(drv, ns);
	if (!z || z->zserial != s->from_zygote) {
		conn_end(s);
		return;
	}
	z->spare = s;
}

/* Why c, a kept process taken for this case, cannot serve it: what
 * end_case() checked, again, for what came after it (a socket, a
 * child, a line: the previous case's).  1 and why, or 0: it can. */
static int gap_dirty(struct ga_driver_conn *c, char *why, size_t len)
{
	struct ga_error err;

	if (c->dead) {
		snprintf(why, len, "it is gone");
		return 1;
	}
	if (!ga_keep_tree_same(c->pid, c->tree, c->ntree, why, len) ||
	    !ga_keep_sockets_within(c->pid, &c->held, why, len))
		return 1;
	if (read_more(c, &err) || c->len || c->eof) {
		snprintf(why, len, "it wrote %s after its end-case answer, "
			 "before this case", c->eof ? "the end of its output" :
			 "a line");
		return 1;
	}
	return 0;
}

/* A process of drv for this case, of a driver that declares "cases": a
 * copy forked fresh from its zygote, never kept (feature "spawn"), else
 * one kept from a case before in this namespace, checked again, else a
 * new one.  Returns 0, or -1 with err set. */
static int conn_kept(struct ga_driver *drv, const struct ga_connection *decl,
		     const struct ga_client_env *env,
		     struct ga_driver_conn **connp, struct ga_error *err)
{
	ino_t ns = netns_inode(env->netns_fd);
	struct ga_driver_conn *c = NULL;
	struct ga_error why;
	struct stat st;
	char replaced[240] = "";

	if (spawn_wanted(drv))
		c = spare_take(drv, env);
	else
		while ((c = ga_keep_idle_take(drv, ns)) != NULL) {
			c->decl = decl;
			c->env = env;
			if (gap_dirty(c, replaced, sizeof(replaced)) == 0) {
				c->replaced[0] = '\0';
				if (begin_case(c, &why) == 0) {
					*connp = c;
					return 0;
				}
				snprintf(replaced, sizeof(replaced),
					 "begin-case: %s", why.msg);
			}
			/* said in this case's log, which the case is in */
			if (!c->case_log[0]) {
				if (stat(c->log, &st) == 0)
					c->log_from = (long long)st.st_size;
				snprintf(c->case_log, sizeof(c->case_log),
					 "%s/driver-%s.log", env->dir,
					 decl->name);
			}
			log_note(c, "not kept: %s", replaced);
			conn_end(c);
		}
	if (not_kept.drv == drv) {
		if (!c && !replaced[0] && not_kept.netns == ns)
			snprintf(replaced, sizeof(replaced), "%s",
				 not_kept.why);
		not_kept.drv = NULL;
	}
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return ga_error_set(err, "out of memory");
		c->drv = drv;
		c->decl = decl;
		c->env = env;
		c->kept = true;
		c->netns = ns;
		c->pidfd = c->reaped_fd = c->to_fd = c->from_fd = -1;
		c->hold_fd = -1;
		if (kept_log(c, env->keep_dir, "driver", ++log_serial, err)) {
			conn_end(c);
			return -1;
		}
		if (!spawn_ok(c, env) && (start_process(c, env, c->log, err) ||
					  read_hello(c, err))) {
			snprintf(c->case_log, sizeof(c->case_log),
				 "%s/driver-%s.log", env->dir, decl->name);
			conn_end(c);
			return -1;
		}
	}
	c->decl = decl;
	c->env = env;
	snprintf(c->replaced, sizeof(c->replaced), "%s", replaced);
	ga_socket_set_of_process(c->pid, &c->held);
	c->ntree = ga_keep_tree(c->pid, c->tree, GA_KEEP_TREE_MAX);
	if (c->ntree < 0 || c->ntree > GA_KEEP_TREE_MAX) {
		ga_error_set(err, "driver %s: %s after its greeting",
			     drv->name, c->ntree < 0 ? "it is gone" :
			     "more than 16 processes are in its PID namespace");
		conn_end(c);
		return -1;
	}
	if (begin_case(c, err)) {
		ga_error_prefix(err, "driver %s", drv->name);
		conn_end(c);
		return -1;
	}
	/* the next case's copy forks while this one runs */
	if (c->spawned)
		spare_ahead(drv, env);
	*connp = c;
	return 0;
}

/* Where c came from, as the report says it (docs/results-jsonl.md,
 * client_setup). */
static void setup(const struct ga_driver_conn *c, char *buf, size_t len)
{
	ga_keep_setup_text(c->kept, c->spawned, c->replaced, c->cases, buf,
			   len);
}

static int conn_new(struct ga_driver *drv, const struct ga_connection *decl,
		    const struct ga_client_env *env,
		    struct ga_driver_conn **connp, struct ga_error *err)
{
	struct ga_driver_conn *c;

	if (env->keep_dir && env->dir && (drv->features & GA_FEATURE_CASES))
		return conn_kept(drv, decl, env, connp, err);
	c = calloc(1, sizeof(*c));
	if (!c)
		return ga_error_set(err, "out of memory");
	c->drv = drv;
	c->decl = decl;
	c->env = env;
	c->pidfd = c->reaped_fd = c->to_fd = c->from_fd = c->hold_fd = -1;
	if (env->dir)
		snprintf(c->log, sizeof(c->log), "%s/driver-%s.log", env->dir,
			 decl->name);
	if (start_process(c, env, c->log[0] ? c->log : NULL, err) ||
	    read_hello(c, err)) {
		conn_end(c);
		return -1;
	}
	*connp = c;
	return 0;
}

static int server_ports(const struct ga_driver_conn *c, unsigned *ports,
			size_t max, size_t *n, struct ga_error *err)
{
	struct ga_socket_set socks;
	int rc;

	*n = 0;
	if (c->pid <= 0)
		return 0;
	ga_socket_set_of_process(c->pid, &socks);
	rc = ga_socket_ports_to(c->env->netns_fd, &socks, c->env->host,
				c->env->port, ports, max, n, err);
	ga_socket_set_free(&socks);
	return rc;
}

static const struct ga_driver_ops process_ops = {
	.kind = "process",
	.conn_new = conn_new,
	.unsupported = unsupported,
	.start = start,
	.call_fd = call_fd,
	.call_wfd = call_wfd,
	.collect = collect,
	.cancel = cancel,
	.thread_id = thread_id,
	.server_ports = server_ports,
	.conn_free = conn_free,
	.setup = setup,
};

/* ---- the driver ------------------------------------------------------------- */

/* A word of the command that names a file by a relative path, as an
 * absolute one: the driver runs in the case's directory, not here.  A
 * word with a slash (t/driver.py, ./driver.py) when it names anything
 * here; one without (driver.py: issue 56, every case was an ERROR "can't
 * open file") when it names a regular file here, so that a word that is
 * no file (mysqli) or a directory stays a word; an option (-x) never. */
static char *absolute(const char *word)
{
	char buf[PATH_MAX];
	struct stat st;

	if (word[0] == '/' || word[0] == '-' || !word[0] ||
	    (!strchr(word, '/') &&
	     (stat(word, &st) != 0 || !S_ISREG(st.st_mode))) ||
	    !realpath(word, buf))
		return strdup(word);
	return strdup(buf);
}

/* argv[0] as a path: a bare name is looked up in PATH (the child must
 * not: execvp is not async-signal-safe). */
static char *resolve(const char *prog)
{
	const char *path = getenv("PATH"), *p, *end;
	char buf[PATH_MAX];

	if (strchr(prog, '/'))
		return absolute(prog);
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

static int probe(struct ga_driver *drv, char *const *argv,
		 struct ga_interrupt *in, struct ga_error *err);

int ga_driver_process(struct ga_driver *drv, char *const *argv,
		      struct ga_interrupt *in, struct ga_error *err)
{
	struct ga_error why;
	int rc;

	/* the probe is the drivers' caches' build (client/confine.c): what
	 * it adds is kept, root's, once it is gone */
	if (ga_driver_build_begin(&why))
		fprintf(stderr, "goneaway: warning: the drivers' cache is not "
			"built: %s\n", why.msg);
	rc = probe(drv, argv, in, err);
	ga_driver_build_end();
	return rc;
}

/* ga_driver_process: the greeting read once, outside any lab. */
static int probe(struct ga_driver *drv, char *const *argv,
		 struct ga_interrupt *in, struct ga_error *err)
{
	static const struct ga_connection probe_decl = { .name = "probe" };
	struct ga_client_env env = { .netns_fd = -1, .in = in };
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
		drv->argv[i] = i == 0 ? resolve(argv[0]) : absolute(argv[i]);
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
	c->env = &env;          /* for its waits: only the signals */
	c->pidfd = c->reaped_fd = c->to_fd = c->from_fd = c->hold_fd = -1;
	tmp = getenv("TMPDIR");
	snprintf(c->log, sizeof(c->log), "%s/goneaway-driver-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(c->log);
	if (fd >= 0)
		close(fd);
	else
		c->log[0] = '\0';
	rc = start_process(c, NULL, c->log[0] ? c->log : NULL, err);
	if (rc == 0)
		rc = read_hello(c, err);
	if (c->log[0])
		unlink(c->log);
	if (rc) {
		conn_end(c);
		ga_driver_release(drv);
		return -1;
	}
	s = ga_json_str(c->hello, "driver", NULL);
	if (s && !ga_protocol_name_ok(s, ga_json_get(c->hello,
						     "driver")->len)) {
		ga_error_set(err, "driver %s: its greeting's \"driver\" is no "
			     "name: 1 to 63 letters, digits, '_', '.' and '-' "
			     "(docs/driver-protocol.md)", drv->alias);
		conn_end(c);
		ga_driver_release(drv);
		return -1;
	}
	if (s)
		snprintf(drv->name, sizeof(drv->name), "%s", s);
	snprintf(drv->library, sizeof(drv->library), "%s%s%s",
		 ga_json_str(c->hello, "library", "?"),
		 ga_json_get(c->hello, "runtime") ? ", " : "",
		 ga_json_str(c->hello, "runtime", ""));
	rc = take_version(drv, c->hello, err);
	drv->protocol = c->protocol;
	drv->features = c->features;
	conn_end(c);
	if (rc)
		ga_driver_release(drv);
	return rc;
}
