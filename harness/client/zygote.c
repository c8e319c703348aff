/* zygote.c - the zygotes a worker keeps (docs/driver-protocol.md,
 * "Spawn"): for each client whose driver declares "spawn" and each client
 * namespace, one driver process that serves no case and forks a copy of
 * itself for each process the cases need, so that a runtime's start and
 * its imports are paid once, not once per connection; and what such a
 * zygote's PID namespace may hold, read from the kernel, never asked of
 * the driver.
 *
 * The registry is this process's (a -j worker's), like keep.c's idle
 * list.  A zygote is goneaway's init's first child; the copies it spawns
 * are the init's too (forked through a process that exits at once, so
 * that the init reaps them and tells goneaway how each ended: the exit
 * code, the signal, as for a driver started on its own), or, from a
 * zygote that forks them directly, its own children, whose end only it
 * sees.  Each is a driver of its own with its own pipes, log and process
 * group.  Ending the zygote ends its init, and so its namespace: every
 * copy goes with it.
 */
#include "client/internal.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/spawn.h"
#include "util/clock.h"

#define KIDS_READ 256           /* children read at most */

struct zyg {
	struct ga_driver_conn *conn;    /* owned */
	const struct ga_driver *drv;    /* borrowed: the run's */
	ino_t netns;
	void (*end)(struct ga_driver_conn *);
	struct zyg *next;
};

static struct zyg *zygotes;

void ga_zygote_put(struct ga_driver_conn *conn, const struct ga_driver *drv,
		   ino_t netns, void (*end)(struct ga_driver_conn *))
{
	struct zyg *z = malloc(sizeof(*z));

	if (!z) {
		end(conn);      /* not kept: the next case starts its own */
		return;
	}
	z->conn = conn;
	z->drv = drv;
	z->netns = netns;
	z->end = end;
	z->next = zygotes;
	zygotes = z;
}

struct ga_driver_conn *ga_zygote_find(const struct ga_driver *drv,
				      ino_t netns)
{
	struct zyg *z;

	for (z = zygotes; z; z = z->next)
		if (z->drv == drv && z->netns == netns)
			return z->conn;
	return NULL;
}

bool ga_zygote_kept_of(const struct ga_driver *drv)
{
	const struct zyg *z;

	for (z = zygotes; z; z = z->next)
		if (z->drv == drv)
			return true;
	return false;
}

void ga_zygote_end(struct ga_driver_conn *conn)
{
	struct zyg **p, *z;

	for (p = &zygotes; *p; p = &(*p)->next)
		if ((*p)->conn == conn) {
			z = *p;
			*p = z->next;
			z->end(z->conn);
			free(z);
			return;
		}
}

void ga_zygote_drop(ino_t netns)
{
	struct zyg **p = &zygotes, *z;

	while (*p) {
		z = *p;
		if (netns && z->netns != netns) {
			p = &z->next;
			continue;
		}
		*p = z->next;
		z->end(z->conn);
		free(z);
	}
}

static bool among(pid_t pid, const pid_t *kids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (kids[i] == pid)
			return true;
	return false;
}

/* Adds to got (n of them, at most max) the children of pid that are none
 * of kids (k of them), have not ended and are not skip.  Returns the new
 * n; -1 when pid is gone, -2 when it has over KIDS_READ children. */
static int add_new_children(pid_t pid, pid_t skip, const pid_t *kids,
			    size_t k, pid_t *got, int n, int max)
{
	pid_t seen[KIDS_READ];
	int m = ga_proc_children(pid, seen, KIDS_READ), i;

	if (m < 0 || m > KIDS_READ)
		return m < 0 ? -1 : -2;
	for (i = 0; i < m; i++) {
		if (seen[i] == skip || among(seen[i], kids, k) ||
		    ga_proc_ended(seen[i]))
			continue;
		if (n < max)
			got[n] = seen[i];
		n++;
	}
	return n;
}

/* Whether pid's standard input and output are the pipes in and out. */
static bool holds_pipes(pid_t pid, const struct stat *in,
			const struct stat *out)
{
	return ga_proc_fd_is(pid, 0, in->st_dev, in->st_ino) &&
	       ga_proc_fd_is(pid, 1, out->st_dev, out->st_ino);
}

pid_t ga_zygote_new_child(pid_t init, pid_t zygote, const pid_t *kids,
			  size_t n, const struct stat *in,
			  const struct stat *out, bool *orphan, pid_t *stray)
{
	pid_t got[KIDS_READ];
	int a, b, i, copy = -1;

	/* a copy forked through a process that exited is the init's (its
	 * end then told by the init), one forked directly the zygote's */
	a = add_new_children(init, zygote, kids, n, got, 0, KIDS_READ);
	b = a < 0 ? a : add_new_children(zygote, 0, kids, n, got, a,
					 KIDS_READ);
	*stray = 0;
	if (b < 0)
		return b == -1 ? 0 : -1;
	if (b == 0)
		return 0;
	if (b == 1) {
		*orphan = a == 1;
		return got[0];
	}
	/* several: the copy is the one that holds its pipes, the others
	 * were left by a copy before it (a double fork) */
	for (i = 0; i < b && i < KIDS_READ; i++)
		if (holds_pipes(got[i], in, out)) {
			if (copy >= 0)
				return -1;
			copy = i;
		}
	if (copy < 0 || b > KIDS_READ)
		return -1;
	*stray = got[copy == 0 ? 1 : 0];
	*orphan = copy < a;
	return got[copy];
}

int ga_zygote_clean(pid_t init, pid_t zygote, const pid_t *kids, size_t n,
		    char *why, size_t len)
{
	pid_t got[KIDS_READ];
	int k, i;

	k = ga_proc_children(init, got, KIDS_READ);
	if (k < 0) {
		snprintf(why, len, "its zygote's namespace is gone");
		return 0;
	}
	for (i = 0; i < k && i < KIDS_READ; i++)
		if (got[i] != zygote && !among(got[i], kids, n) &&
		    !ga_proc_ended(got[i])) {
			snprintf(why, len, GA_ZYGOTE_STRAY, (int)got[i]);
			return 0;
		}
	if (!among(zygote, got, k < KIDS_READ ? (size_t)k : KIDS_READ)) {
		snprintf(why, len, "its zygote is gone");
		return 0;
	}
	k = ga_proc_children(zygote, got, KIDS_READ);
	if (k < 0 || k > KIDS_READ) {
		snprintf(why, len, "its zygote %s", k < 0 ? "is gone" :
			 "forked over 256 processes");
		return 0;
	}
	for (i = 0; i < k; i++)
		if (!among(got[i], kids, n) && !ga_proc_ended(got[i])) {
			snprintf(why, len, "its zygote forked process %d, "
				 "which is none of its drivers", (int)got[i]);
			return 0;
		}
	return 1;
}

/* ---- how its copies ended, as its init said ------------------------------- */

/* Takes what fd (the read end of a zygote's reaped_fd; -1: none) holds
 * into e, without waiting; past GA_ZYGOTE_ENDS the oldest go. */
static void ends_take(struct ga_zygote_ends *e, int fd)
{
	struct ga_spawn_reaped got[GA_ZYGOTE_ENDS];
	size_t n, i;

	while ((n = ga_spawn_reaped_read(fd, got, GA_ZYGOTE_ENDS)) > 0)
		for (i = 0; i < n; i++) {
			if (e->n == GA_ZYGOTE_ENDS) {   /* the oldest goes */
				memmove(e->got, e->got + 1,
					(GA_ZYGOTE_ENDS - 1) * sizeof(*e->got));
				e->n--;
			}
			e->got[e->n++] = got[i];
		}
}

/* The latest of e's records of ns_pid, taken out of e: 1 and *status,
 * else 0. */
static int ends_pick(struct ga_zygote_ends *e, pid_t ns_pid, int *status)
{
	size_t i = e->n;

	while (i-- > 0)
		if (e->got[i].pid == (int32_t)ns_pid) {
			if (status)
				*status = e->got[i].status;
			memmove(e->got + i, e->got + i + 1,
				(e->n - i - 1) * sizeof(*e->got));
			e->n--;
			return 1;
		}
	return 0;
}

void ga_zygote_ends_forget(struct ga_zygote_ends *e, int fd, pid_t ns_pid)
{
	ends_take(e, fd);
	while (ends_pick(e, ns_pid, NULL))
		;
}

int ga_zygote_ends_wait(struct ga_zygote_ends *e, int fd, pid_t ns_pid,
			long wait_ms, int *status)
{
	double deadline = ga_clock_ms() + (double)wait_ms;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	long left;
	int r;

	for (;;) {
		ends_take(e, fd);
		if (ends_pick(e, ns_pid, status))
			return 1;
		left = (long)(deadline - ga_clock_ms());
		if (fd < 0 || left <= 0)
			return 0;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return 0;
		/* its end and nothing to read: the init is gone */
		if (r > 0 && !(pfd.revents & POLLIN))
			return 0;
	}
}
