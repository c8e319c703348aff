/* process_spawn.c - zygotes and the copies they fork (feature "spawn",
 * docs/driver-protocol.md "Spawn"; client/process.h): a driver that
 * declares "spawn" gets, per client namespace, a zygote that serves no
 * case (its registry: client/zygote.c), and each case a fresh copy it
 * forks onto two named pipes, found by the pipes it holds (never by what
 * the driver says) and ended with its case; one copy is spawned ahead
 * while a case runs, for the next.  A zygote that does not do what it
 * is asked, or whose namespace holds what a copy left, is ended.
 */
#include "client/process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "client/protocol.h"
#include "util/json.h"

/* ---- zygotes and their copies (feature "spawn", client/zygote.c) ---------- */

/* How long a copy is waited for to hold its pipes, when its zygote's
 * namespace has new processes besides it: 100 looks 20 ms apart. */
#define SPAWN_TELL_TRIES 100
#define SPAWN_TELL_US 20000

/* spawn_answer()'s -2: the copy was forked, and a process a copy before
 * it left is in its zygote's namespace (err says which) */
#define SPAWN_STRAY (-2)

static int spawn_answer(struct ga_driver_conn *c, struct ga_driver_conn *z,
			bool spare, struct ga_error *err);

/* Whether z's namespace holds what it must and no more (ga_zygote_clean),
 * once the spawn request sent for its spare was answered (the copy it
 * forked is then one of its kids, not a stranger): 1, or 0 with why
 * (the caller then ends z, its spare with it). */
static int zygote_clean(struct ga_driver_conn *z, char *why, size_t len)
{
	struct ga_error err;

	if (z->dead) {
		snprintf(why, len, "its zygote is gone");
		return 0;
	}
	if (z->spare && z->spare->asked) {
		int rc = spawn_answer(z->spare, z, true, &err);

		if (rc == SPAWN_STRAY)
			snprintf(why, len, "%s", err.msg);
		else if (rc)
			snprintf(why, len, "its spare copy: %s", err.msg);
		if (rc)
			return 0;
	}
	return ga_zygote_clean(z->pid, z->zpid, z->kids, z->nkids, why, len);
}

/* Whether the namespace a spawned c lives in is as its zygote's must be
 * (ga_zygote_clean): 1, or 0 with why; then the zygote is ended, and its
 * namespace with every process in it. */
int ga_conn_zygote_still_clean(const struct ga_driver_conn *c, char *why,
			       size_t len)
{
	struct ga_driver_conn *z;

	if (!c->spawned)
		return 1;
	z = ga_conn_zygote_of(c);
	if (!z) {
		snprintf(why, len, "its zygote was ended");
		return 0;
	}
	/* a spare the zygote has not answered for yet: looked at when a
	 * case takes it or the zygote spawns again (zygote_clean()), later
	 * than now, so seeing all this case left; the case's end does not
	 * wait for the answer */
	if (!z->dead && z->spare && z->spare->asked && z->len == 0 &&
	    poll(&(struct pollfd){ .fd = z->from_fd, .events = POLLIN }, 1,
		 0) == 0)
		return 1;
	if (!zygote_clean(z, why, len)) {
		ga_zygote_end(z);
		return 0;
	}
	return 1;
}

/* The zygote of drv in env's client namespace, started now when there
 * is none: a driver process that declares "spawn", alone in its PID
 * namespace with goneaway's init.  NULL with err set when it cannot be. */
static struct ga_driver_conn *zygote_for(struct ga_driver *drv,
					 const struct ga_client_env *env,
					 struct ga_error *err)
{
	static unsigned serials;
	ino_t ns = ga_conn_netns(env->netns_fd);
	struct ga_driver_conn *z = ga_zygote_find(drv, ns);
	char why[300];
	pid_t tree[2];

	/* one whose namespace holds what a copy left is given up with it,
	 * and a new one started: no fault of the zygote's */
	if (z && zygote_clean(z, why, sizeof(why)))
		return z;
	if (z)
		ga_zygote_end(z);
	z = ga_conn_alloc(drv);
	if (!z) {
		ga_error_set(err, "out of memory");
		return NULL;
	}
	z->zygote = true;
	z->kept = true;         /* its log goes when it does */
	z->netns = ns;
	z->in = env->in;
	z->zserial = ++serials;
	if (ga_conn_kept_log(z, env->keep_dir, "zygote", serials, err)) {
		ga_conn_end(z);
		return NULL;
	}
	if (ga_conn_process_start(z, env, z->log, err) ||
	    ga_conn_read_hello(z, err)) {
		ga_error_prefix(err, "its zygote");
		ga_conn_end(z);
		return NULL;
	}
	if (!(z->features & GA_FEATURE_SPAWN) ||
	    ga_keep_tree(z->pid, tree, 1) != 1) {
		ga_error_set(err, "its zygote %s", !(z->features &
			     GA_FEATURE_SPAWN) ? "did not declare spawn" :
			     "is not one process in its PID namespace");
		ga_conn_end(z);
		return NULL;
	}
	z->zpid = tree[0];
	ga_zygote_put(z, drv, ns, ga_conn_end);
	return ga_zygote_find(drv, ns);
}

/* c, a copy whose greeting did not come or that does not use its
 * pipes, as it was before spawn_into() (no process, its pipes gone);
 * its zygote ended when zygote_failed. */
static void spawn_undo(struct ga_driver_conn *c, bool zygote_failed)
{
	struct ga_driver_conn *z;

	ga_conn_process_stop(c);
	ga_conn_zygote_forget(c);
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

	if (ga_conn_read_hello(c, err)) {
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

/* A copy's two named pipes in env's keep directory, and goneaway's ends
 * of them (spawn_into()). */
struct spawn_pipes {
	char in[PATH_MAX], out[PATH_MAX];
	struct stat sin, sout;  /* ... which the copy must read and write */
	int rfd, wfd, hold;     /* its output, its input, and goneaway's own
				 * writer of its output; -1: none */
};

/* Makes p's two pipes in dir, for the drivers' user, and opens
 * goneaway's ends of them.  Returns 0, or -1 with err set
 * (spawn_pipes_close() undoes what was made). */
static int spawn_pipes_open(struct spawn_pipes *p, const char *dir,
			    struct ga_error *err)
{
	static unsigned serial;

	p->rfd = p->wfd = p->hold = -1;
	serial++;
	snprintf(p->in, sizeof(p->in), "%s/spawn-%d-%u.in", dir,
		 (int)getpid(), serial);
	snprintf(p->out, sizeof(p->out), "%s/spawn-%d-%u.out", dir,
		 (int)getpid(), serial);
	/* the zygote opens them as the drivers' user */
	if (mkfifo(p->in, 0600) != 0 || mkfifo(p->out, 0600) != 0 ||
	    ga_driver_give_path(p->in) != 0 ||
	    ga_driver_give_path(p->out) != 0)
		return ga_error_errno(err, errno, "mkfifo %s", dir);
	/* its output read without waiting for it to open it, and held open
	 * by a writer of goneaway's own until its greeting: no end of it is
	 * read before it opened it; its input writable without waiting */
	p->rfd = open(p->out, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	p->hold = open(p->out, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	p->wfd = open(p->in, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (p->rfd < 0 || p->hold < 0 || p->wfd < 0 ||
	    fstat(p->rfd, &p->sout) != 0 || fstat(p->wfd, &p->sin) != 0)
		return ga_error_errno(err, errno, "%s", p->out);
	return 0;
}

/* Closes goneaway's ends of p's pipes that it still holds, and removes
 * them. */
static void spawn_pipes_close(struct spawn_pipes *p)
{
	int *fds[] = { &p->rfd, &p->wfd, &p->hold };
	size_t i;

	for (i = 0; i < 3; i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
	unlink(p->in);
	unlink(p->out);
}

/* The spawn request's members for p's pipes and the log log, into
 * *extra (the caller frees it, also on failure).  Returns 0, or -1 with
 * err set. */
static int spawn_members(const struct spawn_pipes *p, const char *log,
			 char **extra, struct ga_error *err)
{
	size_t len = 0;
	FILE *f = open_memstream(extra, &len);

	if (!f)
		return ga_error_set(err, "out of memory");
	fputs(",\"stdin\":", f);
	ga_json_write_string(f, p->in, strlen(p->in));
	fputs(",\"stdout\":", f);
	ga_json_write_string(f, p->out, strlen(p->out));
	fputs(",\"stderr\":", f);
	ga_json_write_string(f, log, strlen(log));
	if (fclose(f) != 0)
		return ga_error_set(err, "out of memory");
	return 0;
}

/* Makes the process z just forked onto c's pipes c's.  Returns 0, or
 * -1 with err set when z forked none, or several. */
static int spawn_take(struct ga_driver_conn *c, struct ga_driver_conn *z,
		      bool spare, struct ga_error *err)
{
	bool orphan = false;
	pid_t kid, stray;
	int fd, tries;

	/* of several new processes, the copy is told by the pipes it holds,
	 * which it opens right after the fork: a while for that, bounded */
	for (tries = 0;; tries++) {
		kid = ga_zygote_new_child(z->pid, z->zpid, z->kids, z->nkids,
					  &c->fifo_st[0], &c->fifo_st[1],
					  &orphan, &stray);
		if (kid >= 0 || tries == SPAWN_TELL_TRIES)
			break;
		usleep(SPAWN_TELL_US);
	}
	/* a copy spawned on the case's path follows a look at the zygote's
	 * namespace (zygote_for()): another process is the zygote's own */
	if (kid <= 0 || (stray && !spare))
		return ga_error_set(err, "its zygote answered spawn and "
				    "forked %s", kid ? "several processes" :
				    "none");
	/* a spare's, answered later: a process a copy before it left, what
	 * zygote_clean() looks for, found first here */
	if (stray) {
		ga_error_set(err, GA_ZYGOTE_STRAY, (int)stray);
		return SPAWN_STRAY;
	}
	fd = (int)syscall(SYS_pidfd_open, kid, 0);
	if (fd < 0)
		return ga_error_errno(err, errno, "pidfd_open %d", (int)kid);
	c->pid = c->kid_pid = kid;
	c->pidfd = fd;
	/* the init reaps an orphan and says how it ended; what it said of
	 * another that had its number is not this one's */
	c->kid_nspid = orphan ? ga_proc_pidfd_nspid(fd) : 0;
	if (c->kid_nspid)
		ga_zygote_ends_forget(&z->ends, z->reaped_fd, c->kid_nspid);
	c->spawned = true;
	z->kids[z->nkids++] = kid;
	return 0;
}

/* Asks z, the zygote of c's client, to spawn c: a copy of itself that
 * reads and writes two named pipes of env's keep directory and appends
 * its standard error to c's log.  The request is sent, not answered:
 * spawn_answer() reads the answer (c->asked until then), at once for a
 * case's own copy, when a case takes it for a spare.  Returns 0 and c
 * holds goneaway's ends of the pipes, or -1 with err set: c is then as
 * it was, and z is ended when it did not read the request. */
static int spawn_ask(struct ga_driver_conn *c, struct ga_driver_conn *z,
		     const struct ga_client_env *env, struct ga_error *err)
{
	struct spawn_pipes p;
	struct ga_error ignored;
	struct stat st;
	char *extra = NULL;

	if (z->nkids >= ZYGOTE_KIDS_MAX)
		return ga_error_set(err, "its zygote has %d copies already",
				    ZYGOTE_KIDS_MAX);
	if (spawn_pipes_open(&p, env->keep_dir, err) ||
	    spawn_members(&p, c->log, &extra, err))
		goto fail;
	/* what the zygote wrote since its last copy (its runtime's start:
	 * warnings, a wrapper's words) goes with this one, as a process's
	 * first case has what it wrote since it started */
	if (stat(z->log, &st) == 0 && (long long)st.st_size > z->log_from &&
	    ga_keep_log_copy(z->log, z->log_from, c->log, &ignored) == 0)
		z->log_from = (long long)st.st_size;
	if (ga_conn_control_send(z, "spawn", extra, err)) {
		ga_error_prefix(err, "its zygote");
		ga_zygote_end(z);
		goto fail;
	}
	c->from_fd = p.rfd;
	c->to_fd = p.wfd;
	c->hold_fd = p.hold;
	p.rfd = p.wfd = p.hold = -1;
	snprintf(c->fifo_in, sizeof(c->fifo_in), "%s", p.in);
	snprintf(c->fifo_out, sizeof(c->fifo_out), "%s", p.out);
	c->fifo_st[0] = p.sin;
	c->fifo_st[1] = p.sout;
	c->from_zygote = z->zserial;
	c->asked = true;
	free(extra);
	return 0;
fail:
	spawn_pipes_close(&p);
	free(extra);
	return -1;
}

/* z's answer to the spawn request spawn_ask() sent for c, within its
 * bound, and the process it forked, found among the processes the
 * zygote forked (the init's new child, or the zygote's), made c's;
 * spawn_greet() then reads its greeting and holds it to its pipes
 * (never to what the driver says); spare: c is a spare copy, answered
 * after a case ran (another new process may be what that case left).
 * Returns 0, or -1 with err set (SPAWN_STRAY: that case's leftover
 * named): c has no process then, and z did not do what it was asked
 * (the caller ends it). */
static int spawn_answer(struct ga_driver_conn *c, struct ga_driver_conn *z,
			bool spare, struct ga_error *err)
{
	c->asked = false;
	if (ga_conn_control_answer(z, "spawn", err))
		return ga_error_prefix(err, "its zygote");
	return spawn_take(c, z, spare, err);
}

/* Has the zygote of c's client spawn c and answer (spawn_ask(),
 * spawn_answer()).  Returns 0, or -1 with err set: c is then as it was
 * (no process), and the zygote is ended when it did not do what it was
 * asked. */
static int spawn_into(struct ga_driver_conn *c,
		      const struct ga_client_env *env, struct ga_error *err)
{
	struct ga_driver_conn *z = zygote_for(c->drv, env, err);

	if (!z || spawn_ask(c, z, env, err))
		return -1;
	if (spawn_answer(c, z, false, err)) {
		spawn_undo(c, true);
		return -1;
	}
	return 0;
}

/* Whether the process a zygote spawns for a case can be spawned: the
 * driver declares "spawn", its zygote never failed in this process, and
 * GONEAWAY_SPAWN is not "off". */
bool ga_conn_spawn_wanted(const struct ga_driver *drv)
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
bool ga_conn_spawn_ok(struct ga_driver_conn *c,
		      const struct ga_client_env *env)
{
	struct ga_error err;

	if (!ga_conn_spawn_wanted(c->drv))
		return false;
	if (spawn_into(c, env, &err) == 0 && spawn_greet(c, &err) == 0)
		return true;
	ga_conn_log_note(c, "not spawned: %s; started on its own, as every "
			 "other process of %s in this worker will be",
			 err.msg, c->drv->name);
	c->drv->no_spawn = true;
	return false;
}

/* The spare copy of drv's zygote in env's namespace, taken and greeted
 * for this case, or NULL (none, or it did not greet: the case then
 * spawns its own).  A spare served no case: nothing to check. */
struct ga_driver_conn *ga_conn_spare_take(struct ga_driver *drv,
					  const struct ga_client_env *env,
					  char *why, size_t len)
{
	struct ga_driver_conn *z = ga_zygote_find(drv,
						  ga_conn_netns(env->netns_fd));
	struct ga_driver_conn *s;
	struct ga_error err;

	if (!z || !z->spare)
		return NULL;
	/* its zygote's answer first (zygote_clean()); what a copy started
	 * that left it (a double fork after the look at its case's end)
	 * ends the zygote, its spare with it */
	if (!zygote_clean(z, why, len)) {
		ga_zygote_end(z);
		return NULL;
	}
	s = z->spare;
	z->spare = NULL;
	s->env = env;
	if (spawn_greet(s, &err) == 0)
		return s;
	ga_conn_end(s);
	return NULL;
}

/* A copy spawned ahead for the next case of drv in env's namespace,
 * off this case's path: its zygote is asked now and forks it while
 * this case runs; its answer and the copy's greeting are read when a
 * case takes it (ga_conn_spare_take()), or when the zygote is looked
 * at before (zygote_clean()).  Nothing when the zygote has one or is
 * gone; a copy that cannot be asked for is not kept. */
void ga_conn_spare_ahead(struct ga_driver *drv,
			 const struct ga_client_env *env)
{
	struct ga_driver_conn *z = ga_zygote_find(drv,
						  ga_conn_netns(env->netns_fd));
	struct ga_driver_conn *s;
	struct ga_error err;

	if (!z || z->spare || z->dead)
		return;
	s = ga_conn_kept_new(drv, env, &err);
	if (!s)
		return;
	if (spawn_ask(s, z, env, &err)) {
		ga_conn_end(s);
		return;
	}
	z->spare = s;
}
