/* process.c - a client driver that is a process of its own, speaking
 * docs/driver-protocol.md: one process per connection, started inside the
 * lab's client namespace, one JSON request and one JSON reply per line.
 *
 * Cancelling a hung call aborts the driver's TCP sockets (and its
 * children's) by their identity in the kernel, found by name in
 * /proc/PID/fd; the driver then answers the hung request with whatever
 * the cut socket did to its connector.  That late answer is checked
 * like any reply, written down (in the driver's log and in the hang's
 * outcome, see client/process_calls.c) and otherwise dropped: the step
 * stays a hang.  A driver that does not answer within UNBLOCK_MS is
 * SIGKILLed by its PID and its connection is given up.
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
 * harness did meanwhile (see ga_conn_take_watched()); the driver's figure
 * is not used.
 *
 * This file, the floor of the others (client/process.h names them, one
 * job each): the process (started, ended, how it died, its log and the
 * notes goneaway writes in it), its state made and freed, and which
 * zygote a spawned copy is of.
 */
#include "client/process.h"

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

#define EXIT_MS GA_PROTOCOL_EXIT_MS
#define KILL_MS 2000            /* for a SIGKILLed driver to be reaped */
#define REAPED_MS 1000          /* for a copy's init to say how it ended,
				 * once it did */

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
void ga_conn_log_note(const struct ga_driver_conn *c, const char *fmt, ...)
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
		z = ga_conn_zygote_of(c);
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
int ga_conn_died(struct ga_driver_conn *c, const char *what,
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
void ga_conn_kill(const struct ga_driver_conn *c)
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
int ga_conn_process_start(struct ga_driver_conn *c,
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
	ga_driver_spawn_opts(&so, (const char *const *)c->drv->argv, netns_fd,
			     log, pipes, in, out);
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
		ga_conn_kill(c);
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

/* Ends a send's watch (watch_reply(), client/process_calls.c) and takes
 * what it read into buf, as ga_conn_read_more() would have: its bytes,
 * its end of output, and when its line came (c->line_ms, 0: none).  Its
 * read that failed is met again by ga_conn_read_more(). */
void ga_conn_take_watched(struct ga_driver_conn *c)
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
void ga_conn_process_stop(struct ga_driver_conn *c)
{
	struct ga_interrupt *in = c->env ? c->env->in : c->in;
	struct ga_machine m;

	ga_conn_take_watched(c);        /* it reads from_fd */
	if (c->to_fd >= 0)
		close(c->to_fd);
	c->to_fd = -1;
	/* a copy a zygote spawned is killed while it surely lives, with its
	 * process group (never a group whose number came free): it has
	 * nothing to finish once its case ended, and what it started in
	 * its group goes with it (one that left the group is found in the
	 * zygote's namespace: zygote_still_clean); its init reaps it */
	if (c->pid > 0 && c->spawned) {
		ga_conn_kill(c);
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
			ga_conn_kill(c);
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

struct ga_driver_conn *ga_conn_alloc(struct ga_driver *drv)
{
	struct ga_driver_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->drv = drv;
	c->pidfd = c->reaped_fd = c->to_fd = c->from_fd = c->hold_fd = -1;
	return c;
}

/* The log of a kept process c (KIND-PID-N.log in dir, this process's
 * PID), created empty, never through a symlink.  Returns 0, or -1 with
 * err set and no log. */
int ga_conn_kept_log(struct ga_driver_conn *c, const char *dir,
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

static unsigned log_serial;     /* a kept process's log: its number */

struct ga_driver_conn *ga_conn_kept_new(struct ga_driver *drv,
					const struct ga_client_env *env,
					struct ga_error *err)
{
	struct ga_driver_conn *c = ga_conn_alloc(drv);

	if (!c) {
		ga_error_set(err, "out of memory");
		return NULL;
	}
	c->kept = true;
	c->netns = ga_conn_netns(env->netns_fd);
	c->in = env->in;
	if (ga_conn_kept_log(c, env->keep_dir, "driver", ++log_serial, err)) {
		ga_conn_end(c);
		return NULL;
	}
	return c;
}

/* The zygote that spawned c, while it is the registry's, else NULL (it
 * was ended: c's namespace went with it). */
struct ga_driver_conn *ga_conn_zygote_of(const struct ga_driver_conn *c)
{
	struct ga_driver_conn *z;

	if (!c->spawned)
		return NULL;
	z = ga_zygote_find(c->drv, c->netns);
	return z && z->zserial == c->from_zygote ? z : NULL;
}

/* c, ended, is no longer one of its zygote's copies. */
void ga_conn_zygote_forget(const struct ga_driver_conn *c)
{
	struct ga_driver_conn *z = ga_conn_zygote_of(c);
	size_t i;

	for (i = 0; z && i < z->nkids; i++)
		if (z->kids[i] == c->kid_pid) {
			z->kids[i] = z->kids[--z->nkids];
			return;
		}
}

/* Stops the process and frees c (a kept one's part of the case copied
 * into the case's log first, when it has a case). */
void ga_conn_end(struct ga_driver_conn *c)
{
	struct ga_error err;

	if (!c)
		return;
	/* a zygote's spare first: it is its zygote's no longer */
	if (c->spare)
		ga_conn_end(c->spare);
	c->spare = NULL;
	ga_conn_process_stop(c);
	ga_conn_zygote_forget(c);
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

/* The inode of the network namespace fd, 0 when none. */
ino_t ga_conn_netns(int fd)
{
	struct stat st;

	return fd >= 0 && fstat(fd, &st) == 0 ? st.st_ino : 0;
}
