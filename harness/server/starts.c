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
#include <sys/stat.h>
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
 * A process that waits holds a ticket: the file DIR/wait-T-W (W its
 * weight), flocked for as long as it waits, T one more than the highest
 * ticket there when it came (taken under DIR/queue's flock).  It keeps
 * the tickets that were there before it open, and takes slots only when
 * as many are free as it and every one of those still waiting need
 * together: whoever looks first may take free slots, but never those
 * that an earlier waiter is owed.  A ticket whose file is no longer
 * locked is finished, or its process died (the lock goes with the
 * descriptor): it no longer counts, and the first to see it removes its
 * file.  Before, every waiter polled the slots alone: a start of weight
 * 2 could lose to every start of weight 1, and on a busy machine the
 * first-given cases (the suite's longest) waited longest. */

#define AHEAD_MAX 256           /* earlier waiters counted (more: not) */

struct ahead {
	int fd;
	unsigned long t;
	unsigned w;
};

struct ticket {
	int fd;                 /* wait-T-W, flocked; -1 while none */
	unsigned long t;
	unsigned w;
	struct ahead ahead[AHEAD_MAX];  /* the earlier tickets, open */
	unsigned n_ahead;
};

/* Reads a ticket's file name, wait-T-W. */
static int ticket_name(const char *name, unsigned long *t, unsigned *w)
{
	unsigned long v;
	char *end;

	if (strncmp(name, "wait-", 5) != 0 || name[5] < '0' || name[5] > '9')
		return -1;
	errno = 0;
	*t = strtoul(name + 5, &end, 10);
	if (errno || *end != '-' || end[1] < '0' || end[1] > '9')
		return -1;
	v = strtoul(end + 1, &end, 10);
	if (errno || *end || v < 1 || v > GA_STARTS_MAX)
		return -1;
	*w = (unsigned)v;
	return 0;
}

static int ticket_path(char *path, size_t size, const char *dir,
		       unsigned long t, unsigned w)
{
	return snprintf(path, size, "%s/wait-%lu-%u", dir, t, w) >=
		(int)size ? -1 : 0;
}

/* Whether the ticket open in fd still waits; if not, its file is
 * removed, if the name is still that file's (its owner's removal may
 * have been first, and a new ticket may have its number since). */
static bool ticket_waits(const char *dir, int fd, unsigned long t,
			 unsigned w)
{
	char path[PATH_MAX];
	struct stat a, b;

	if (flock(fd, LOCK_SH | LOCK_NB) != 0)
		return true;
	if (ticket_path(path, sizeof(path), dir, t, w) == 0 &&
	    fstat(fd, &a) == 0 && lstat(path, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		(void)unlink(path);
	return false;
}

/* The slots that the earlier tickets still waiting need, together;
 * the finished ones are let go. */
static unsigned owed(const char *dir, struct ticket *tk)
{
	unsigned i, k = 0, sum = 0;

	for (i = 0; i < tk->n_ahead; i++) {
		struct ahead *a = &tk->ahead[i];

		if (!ticket_waits(dir, a->fd, a->t, a->w)) {
			close(a->fd);
			continue;
		}
		sum += a->w;
		tk->ahead[k++] = *a;
	}
	tk->n_ahead = k;
	return sum;
}

static void ticket_drop(const char *dir, struct ticket *tk)
{
	char path[PATH_MAX];
	unsigned i;

	for (i = 0; i < tk->n_ahead; i++)
		close(tk->ahead[i].fd);
	tk->n_ahead = 0;
	if (tk->fd < 0)
		return;
	if (ticket_path(path, sizeof(path), dir, tk->t, tk->w) == 0)
		unlink(path);
	close(tk->fd);          /* the flock goes with it */
	tk->fd = -1;
}

/* Under the queue's lock: opens the tickets there (the earlier ones),
 * and returns the highest ticket seen. */
static int ticket_scan(const char *dir, struct ticket *tk,
		       unsigned long *last, struct ga_error *err)
{
	char path[PATH_MAX];
	struct dirent *e;
	unsigned long t;
	unsigned w;
	DIR *d;
	int fd;

	*last = 0;
	d = opendir(dir);
	if (!d)
		return ga_error_errno(err, errno, "open %s", dir);
	while ((e = readdir(d)) != NULL) {
		if (ticket_name(e->d_name, &t, &w))
			continue;
		if (t > *last)
			*last = t;
		if (tk->n_ahead == AHEAD_MAX ||
		    ticket_path(path, sizeof(path), dir, t, w))
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		if (!ticket_waits(dir, fd, t, w)) {
			close(fd);
			continue;
		}
		tk->ahead[tk->n_ahead++] = (struct ahead){ fd, t, w };
	}
	closedir(d);
	return 0;
}

/* Queues: a ticket above every one there.  Its file is made and locked
 * as DIR/new, then renamed: no one sees it unlocked.  The queue's lock
 * is held for that only; a wait for it is bounded by deadline (ms of
 * ga_clock_ms) and watches in. */
static int ticket_take(const char *dir, struct ticket *tk, double deadline,
		       struct ga_interrupt *in, struct ga_error *err)
{
	char path[PATH_MAX], fresh[PATH_MAX];
	unsigned long last;
	int qfd, rc = -1;

	tk->fd = -1;
	tk->n_ahead = 0;
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
	if (ticket_scan(dir, tk, &last, err))
		goto out;
	tk->t = last + 1;
	if (ticket_path(path, sizeof(path), dir, tk->t, tk->w)) {
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
	if (rc)
		ticket_drop(dir, tk);
	close(qfd);             /* and the queue's flock */
	return rc;
}

/* One try: the slots free now, if as many are as the earlier waiters
 * are owed and weight more; it keeps weight of them.  1, 0 or -1. */
static int take_owed(const char *dir, unsigned slots, unsigned weight,
		     unsigned start, struct ticket *tk,
		     struct ga_starts_held *held, struct ga_error *err)
{
	unsigned want = owed(dir, tk) + weight;
	int r;

	if (want > slots)
		return 0;
	r = try_take(dir, slots, want, start, held, err);
	if (r <= 0)
		return r;
	while (held->n > weight)
		close(held->fds[--held->n]);
	return 1;
}

int ga_starts_take(const char *cache_dir, unsigned slots, unsigned weight,
		   long wait_ms, struct ga_interrupt *in,
		   struct ga_starts_held *held, struct ga_error *err)
{
	char dir[PATH_MAX];
	double t0 = ga_clock_ms();
	unsigned start = (unsigned)getpid();
	struct ticket tk;
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
	tk.w = weight;
	if (ga_trustdir_mkdirs(dir, err) ||
	    ticket_take(dir, &tk, t0 + (double)wait_ms, in, err))
		return ga_error_prefix(err, "the server starts' slots");
	for (;;) {
		r = take_owed(dir, slots, weight, start++, &tk, held, err);
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
