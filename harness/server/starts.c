/* starts.c - see starts.h */
#include "server/starts.h"

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/trustdir.h"

#define POLL_MS 10

unsigned ga_starts_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > GA_STARTS_MAX ? GA_STARTS_MAX : (unsigned)n;
}

unsigned ga_starts_slots(void)
{
	unsigned n = ga_starts_cores() * GA_STARTS_PER_CORE;

	return n > GA_STARTS_MAX ? GA_STARTS_MAX : n;
}

void ga_starts_give(struct ga_starts_held *held)
{
	unsigned i;

	for (i = 0; i < held->n; i++)
		if (held->fds[i] >= 0)
			close(held->fds[i]);    /* the flock goes with it */
	held->n = 0;
}

/* One try: flocks free slots without waiting until weight are held.
 * Returns 1 when it has them, 0 when too few were free (none kept), -1
 * with err set. */
static int try_take(const char *dir, unsigned slots, unsigned weight,
		    unsigned start, struct ga_starts_held *held,
		    struct ga_error *err)
{
	char path[PATH_MAX];
	unsigned i, k;
	int fd;

	for (i = 0; i < slots && held->n < weight; i++) {
		k = (start + i) % slots;
		if (snprintf(path, sizeof(path), "%s/slot-%u", dir, k) >=
		    (int)sizeof(path)) {
			ga_starts_give(held);
			return ga_error_set(err, "path too long: %s", dir);
		}
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
			  0600);
		if (fd < 0) {
			ga_starts_give(held);
			return ga_error_errno(err, errno, "open %s", path);
		}
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			close(fd);
			continue;
		}
		held->fds[held->n++] = fd;
	}
	if (held->n == weight)
		return 1;
	ga_starts_give(held);
	return 0;
}

/* ---- the queue: first come, first served ------------------------------
 *
 * A process that waits holds a ticket: the file DIR/wait-T, flocked for as
 * long as it waits, T one more than the highest ticket there when it came
 * (taken under DIR/queue's flock).  Only the lowest live ticket tries the
 * slots; the others each watch the live ticket just below their own,
 * one flock try a poll.  A ticket whose file is no longer locked is
 * finished or its process died (the lock goes with the descriptor): the
 * next to look removes it.  So a waiter that died, or is in another PID
 * namespace, never holds the queue, and no start waits behind one given
 * later: before, every waiter polled the slots, a start of weight 2
 * could lose to every start of weight 1, and on a busy machine the
 * first-given cases (the suite's longest) waited longest. */

struct ticket {
	int fd;                 /* wait-T, flocked; -1 while none */
	unsigned long t;
	int pred_fd;            /* the live ticket below, watched; or -1 */
	unsigned long pred;
};

static int ticket_name(const char *name, unsigned long *t)
{
	char *end;

	if (strncmp(name, "wait-", 5) != 0 || name[5] < '0' || name[5] > '9')
		return -1;
	errno = 0;
	*t = strtoul(name + 5, &end, 10);
	return *end || errno ? -1 : 0;
}

static int ticket_path(char *path, size_t size, const char *dir,
		       unsigned long t)
{
	return snprintf(path, size, "%s/wait-%lu", dir, t) >= (int)size ?
		-1 : 0;
}

/* Opens ticket t's file and returns its descriptor if its owner still
 * waits; -1 if it is gone or finished (then its file is removed). */
static int ticket_live(const char *dir, unsigned long t)
{
	char path[PATH_MAX];
	int fd;

	if (ticket_path(path, sizeof(path), dir, t))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_SH | LOCK_NB) != 0)
		return fd;              /* held: it waits */
	unlink(path);
	close(fd);
	return -1;
}

/* The highest ticket below `below` (all: ULONG_MAX) whose owner waits,
 * its file open in *fd; 0 with *fd -1 when there is none.  Finished
 * tickets met on the way are removed. */
static int ticket_below(const char *dir, unsigned long below,
		        unsigned long *t, int *fd, struct ga_error *err)
{
	unsigned long best = 0, n;
	bool found = false;
	struct dirent *e;
	DIR *d;
	int f;

	*fd = -1;
	for (;;) {
		d = opendir(dir);
		if (!d)
			return ga_error_errno(err, errno, "open %s", dir);
		found = false;
		while ((e = readdir(d)) != NULL)
			if (ticket_name(e->d_name, &n) == 0 && n < below &&
			    (!found || n > best)) {
				best = n;
				found = true;
			}
		closedir(d);
		if (!found)
			return 0;
		f = ticket_live(dir, best);
		if (f >= 0) {
			*t = best;
			*fd = f;
			return 0;
		}
		/* it was finished and is removed: the next one down */
	}
}

static void ticket_drop(const char *dir, struct ticket *tk)
{
	char path[PATH_MAX];

	if (tk->pred_fd >= 0)
		close(tk->pred_fd);
	tk->pred_fd = -1;
	if (tk->fd < 0)
		return;
	if (ticket_path(path, sizeof(path), dir, tk->t) == 0)
		unlink(path);
	close(tk->fd);          /* the flock goes with it */
	tk->fd = -1;
}

/* Queues: a ticket above every one there.  Its file is made and locked
 * as DIR/new, then renamed: no one sees it unlocked.  The queue's lock
 * is held for that only; a wait for it is bounded by deadline (ms of
 * ga_clock_ms) and watches in. */
static int ticket_take(const char *dir, struct ticket *tk, double deadline,
		       struct ga_interrupt *in, struct ga_error *err)
{
	char path[PATH_MAX], fresh[PATH_MAX];
	unsigned long last = 0;
	bool any = false;
	struct dirent *e;
	unsigned long n;
	int qfd, rc = -1;
	DIR *d;

	tk->fd = tk->pred_fd = -1;
	if (snprintf(path, sizeof(path), "%s/queue", dir) >= (int)sizeof(path) ||
	    snprintf(fresh, sizeof(fresh), "%s/new", dir) >= (int)sizeof(fresh))
		return ga_error_set(err, "path too long: %s", dir);
	qfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (qfd < 0)
		return ga_error_errno(err, errno, "open %s", path);
	while (flock(qfd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK) {
			ga_error_errno(err, errno, "flock %s", path);
			goto out;
		}
		if (ga_clock_ms() > deadline) {
			ga_error_set(err, "%s: held by another process past "
				     "the wait's bound", path);
			goto out;
		}
		if (ga_interrupt_wait(in, -1, 1) < 0) {
			ga_error_set(err, "interrupted while waiting for a "
				     "server start slot");
			goto out;
		}
	}
	d = opendir(dir);
	if (!d) {
		ga_error_errno(err, errno, "open %s", dir);
		goto out;
	}
	while ((e = readdir(d)) != NULL)
		if (ticket_name(e->d_name, &n) == 0 && (!any || n > last)) {
			last = n;
			any = true;
		}
	closedir(d);
	tk->t = any ? last + 1 : 1;
	if (ticket_path(path, sizeof(path), dir, tk->t)) {
		ga_error_set(err, "path too long: %s", dir);
		goto out;
	}
	(void)unlink(fresh);    /* one a crash left */
	tk->fd = open(fresh, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC |
		      O_NOFOLLOW, 0600);
	if (tk->fd < 0) {
		ga_error_errno(err, errno, "create %s", fresh);
		goto out;
	}
	if (flock(tk->fd, LOCK_EX | LOCK_NB) != 0 || rename(fresh, path) != 0) {
		ga_error_errno(err, errno, "queue %s", path);
		(void)unlink(fresh);
		close(tk->fd);
		tk->fd = -1;
		goto out;
	}
	rc = 0;
out:
	close(qfd);             /* and the queue's flock */
	return rc;
}

/* Whether the ticket is first in the queue now: 1 yes, 0 no, -1 err.
 * Watches the live ticket below it while there is one. */
static int ticket_first(const char *dir, struct ticket *tk,
			struct ga_error *err)
{
	if (tk->pred_fd >= 0) {
		if (flock(tk->pred_fd, LOCK_SH | LOCK_NB) != 0)
			return 0;       /* it still waits */
		close(tk->pred_fd);
		tk->pred_fd = -1;
		(void)ticket_live(dir, tk->pred);       /* removes it */
	}
	if (ticket_below(dir, tk->t, &tk->pred, &tk->pred_fd, err))
		return -1;
	return tk->pred_fd < 0;
}

int ga_starts_take(const char *cache_dir, unsigned slots, unsigned weight,
		   long wait_ms, struct ga_interrupt *in,
		   struct ga_starts_held *held, struct ga_error *err)
{
	char dir[PATH_MAX];
	double t0 = ga_clock_ms();
	unsigned start = (unsigned)getpid();
	struct ticket tk = { .fd = -1, .pred_fd = -1 };
	int r;

	held->n = 0;
	held->waited_ms = 0;
	if (slots < 1)
		slots = 1;
	if (slots > GA_STARTS_MAX)
		slots = GA_STARTS_MAX;
	if (weight < 1)
		weight = 1;
	if (weight > slots)
		weight = slots;
	if (snprintf(dir, sizeof(dir), "%s/starts", cache_dir) >=
	    (int)sizeof(dir))
		return ga_error_set(err, "path too long: %s", cache_dir);
	if (ga_trustdir_mkdirs(dir, err) ||
	    ticket_take(dir, &tk, t0 + (double)wait_ms, in, err))
		return ga_error_prefix(err, "the server starts' slots");
	for (;;) {
		r = ticket_first(dir, &tk, err);
		if (r > 0)
			r = try_take(dir, slots, weight, start++, held, err);
		if (r < 0) {
			ticket_drop(dir, &tk);
			return ga_error_prefix(err, "the server starts' slots");
		}
		held->waited_ms = ga_clock_ms() - t0;
		if (r > 0) {
			ticket_drop(dir, &tk);
			return 0;
		}
		if (held->waited_ms > (double)wait_ms) {
			ticket_drop(dir, &tk);
			return ga_error_set(err, "no %u of the %u server "
					    "start slots in %s free within %ld "
					    "ms: other starts held them",
					    weight, slots, dir, wait_ms);
		}
		if (ga_interrupt_wait(in, -1, POLL_MS) < 0) {
			ticket_drop(dir, &tk);
			return ga_error_set(err, "interrupted while waiting "
					    "for a server start slot");
		}
	}
}
