/* keep.c - the driver processes kept between cases (docs/driver-protocol.md,
 * "Cases"): the registry of idle ones, and what a kept one left behind,
 * read from the kernel, never asked of the driver.
 *
 * The registry is this process's (a -j worker's: each worker keeps its
 * own).  It holds at most IDLE_MAX processes of one client and
 * IDLE_TOTAL_MAX in all (a run of many clients: a worker's JVMs, Nodes
 * and Pythons side by side are memory); one more ends the one idle
 * longest, of that client or of any.  A process is found again by its client
 * and the client namespace it lives in: a kept driver's sockets can only
 * go through the namespace it was started in.
 */
#include "client/driver.h"
#include "client/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IDLE_MAX 8              /* per client */
#define IDLE_TOTAL_MAX 12       /* per process, every client's */

struct idle {
	struct ga_driver_conn *conn;    /* owned */
	const struct ga_driver *drv;    /* borrowed: the run's */
	ino_t netns;
	void (*quit)(struct ga_driver_conn *);
	void (*end)(struct ga_driver_conn *);
	unsigned long long when;        /* put in this order */
	struct idle *next;
};

static struct idle *idle_list;
static unsigned long long idle_clock;

static void end_one(struct idle *i)
{
	i->end(i->conn);
	free(i);
}

void ga_keep_idle_put(struct ga_driver_conn *conn, const struct ga_driver *drv,
		      ino_t netns, void (*quit)(struct ga_driver_conn *),
		      void (*end)(struct ga_driver_conn *))
{
	struct idle *i = malloc(sizeof(*i)), **p, **oldest = NULL;
	struct idle **oldest_any = NULL;
	unsigned n = 0, all = 0;

	if (!i) {
		end(conn);      /* not kept: nothing depends on it */
		return;
	}
	for (p = &idle_list; *p; p = &(*p)->next) {
		all++;
		if (!oldest_any || (*p)->when < (*oldest_any)->when)
			oldest_any = p;
		if ((*p)->drv != drv)
			continue;
		n++;
		if (!oldest || (*p)->when < (*oldest)->when)
			oldest = p;
	}
	if (n < IDLE_MAX && all >= IDLE_TOTAL_MAX)
		oldest = oldest_any;
	if ((n >= IDLE_MAX || all >= IDLE_TOTAL_MAX) && oldest) {
		struct idle *gone = *oldest;

		*oldest = gone->next;
		gone->quit(gone->conn);
		end_one(gone);
	}
	i->conn = conn;
	i->drv = drv;
	i->netns = netns;
	i->quit = quit;
	i->end = end;
	i->when = ++idle_clock;
	i->next = idle_list;
	idle_list = i;
}

struct ga_driver_conn *ga_keep_idle_take(const struct ga_driver *drv,
					 ino_t netns)
{
	struct idle **p, **best = NULL;
	struct ga_driver_conn *conn;
	struct idle *i;

	for (p = &idle_list; *p; p = &(*p)->next)
		if ((*p)->drv == drv && (*p)->netns == netns &&
		    (!best || (*p)->when > (*best)->when))
			best = p;
	if (!best)
		return NULL;
	i = *best;
	*best = i->next;
	conn = i->conn;
	free(i);
	return conn;
}

void ga_driver_drop_kept(ino_t netns)
{
	struct idle **p = &idle_list, *i;

	/* asked to exit first, all of them: they then exit side by side */
	for (i = idle_list; i; i = i->next)
		if (!netns || i->netns == netns)
			i->quit(i->conn);
	while (*p) {
		i = *p;
		if (netns && i->netns != netns) {
			p = &i->next;
			continue;
		}
		*p = i->next;
		end_one(i);
	}
	/* then the zygotes that forked them: their namespaces go with them */
	ga_zygote_drop(netns);
}

unsigned ga_driver_kept_count(void)
{
	const struct idle *i;
	unsigned n = 0;

	for (i = idle_list; i; i = i->next)
		n++;
	return n;
}

unsigned ga_driver_ready_count_of(const struct ga_driver *drv)
{
	const struct idle *i;
	unsigned n = 0;

	if (ga_zygote_kept_of(drv))
		return GA_DRIVER_FORKS_ANY;
	for (i = idle_list; i; i = i->next)
		n += i->drv == drv;
	return n;
}

void ga_keep_setup_text(bool kept, bool forked, const char *replaced,
			unsigned cases, char *buf, size_t len)
{
	if (!kept)
		snprintf(buf, len, "a process of its own");
	else if (forked)
		snprintf(buf, len, "forked fresh from its zygote");
	else if (replaced && replaced[0])
		snprintf(buf, len, "replaced: %s", replaced);
	else if (cases <= 1)
		snprintf(buf, len, "started for this case");
	else
		snprintf(buf, len, "kept from case %u (checked)", cases - 1);
}

/* ---- what a kept process left ------------------------------------------- */

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

int ga_keep_tree(pid_t init, pid_t *pids, int max)
{
	pid_t kids[64];
	int n = 0, done = 0, k, i;

	k = ga_proc_children(init, kids, 64);
	if (k < 0)
		return -1;
	for (i = 0; i < k && i < 64; i++)
		if (n < max)
			pids[n++] = kids[i];
		else
			return max + 1;
	/* breadth first: each process's children after it */
	while (done < n) {
		k = ga_proc_children(pids[done++], kids, 64);
		for (i = 0; i < k && i < 64; i++) {
			if (n >= max)
				return max + 1;
			pids[n++] = kids[i];
		}
	}
	qsort(pids, (size_t)n, sizeof(*pids), cmp_pid);
	return n;
}

int ga_keep_tree_same(pid_t init, const pid_t *was, int nwas, char *why,
		      size_t len)
{
	pid_t now[GA_KEEP_TREE_MAX + 1];
	int n = ga_keep_tree(init, now, GA_KEEP_TREE_MAX), i, extra = 0;
	pid_t first = 0;

	if (n < 0) {
		snprintf(why, len, "it is gone");
		return 0;
	}
	for (i = 0; i < nwas; i++)
		if (!bsearch(&was[i], now, (size_t)(n > GA_KEEP_TREE_MAX ?
			     GA_KEEP_TREE_MAX : n), sizeof(pid_t), cmp_pid)) {
			snprintf(why, len, "its process %d is gone", (int)was[i]);
			return 0;
		}
	for (i = 0; i < n && i < GA_KEEP_TREE_MAX; i++)
		if (!bsearch(&now[i], was, (size_t)nwas, sizeof(pid_t),
			     cmp_pid)) {
			if (!first)
				first = now[i];
			extra++;
		}
	if (n > GA_KEEP_TREE_MAX || extra) {
		snprintf(why, len, "%s%d process%s it forked %s left in its "
			 "PID namespace (PID %d first)", n > GA_KEEP_TREE_MAX ?
			 "over " : "", extra, extra == 1 ? "" : "es",
			 extra == 1 ? "is" : "are", (int)first);
		return 0;
	}
	return 1;
}

static int has_inode(const struct ga_socket_set *set, ino_t ino)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->inodes[i] == ino)
			return 1;
	return 0;
}

int ga_keep_sockets_within(pid_t init, const struct ga_socket_set *held,
			   char *why, size_t len)
{
	struct ga_socket_set now;
	size_t i, extra = 0;

	ga_socket_set_of_process(init, &now);
	for (i = 0; i < now.n; i++)
		if (!has_inode(held, now.inodes[i]))
			extra++;
	ga_socket_set_free(&now);
	if (extra) {
		snprintf(why, len, "it holds %zu socket%s it did not hold after "
			 "its greeting (a connection or pool left open)", extra,
			 extra == 1 ? "" : "s");
		return 0;
	}
	return 1;
}

int ga_keep_log_copy(const char *from, long long offset, const char *to,
		     struct ga_error *err)
{
	char buf[65536];
	int in, out, rc = 0;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0)
		return ga_error_errno(err, errno, "%s", from);
	if (lseek(in, (off_t)offset, SEEK_SET) < 0) {
		close(in);
		return ga_error_errno(err, errno, "%s", from);
	}
	out = open(to, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
		   0600);
	if (out < 0) {
		close(in);
		return ga_error_errno(err, errno, "%s", to);
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			rc = ga_error_errno(err, errno, "%s", to);
			break;
		}
	if (n < 0 && rc == 0)
		rc = ga_error_errno(err, errno, "%s", from);
	close(in);
	close(out);
	return rc;
}
