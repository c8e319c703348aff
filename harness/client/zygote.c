/* zygote.c - the zygotes a worker keeps (docs/driver-protocol.md,
 * "Spawn"): for each client whose driver declares "spawn" and each client
 * namespace, one driver process that serves no case and forks a copy of
 * itself for each process the cases need, so that a runtime's start and
 * its imports are paid once, not once per connection; and what such a
 * zygote's PID namespace may hold, read from the kernel, never asked of
 * the driver.
 *
 * The registry is this process's (a -j worker's), like keep.c's idle
 * list.  A zygote is goneaway's init's only child; the copies it spawns
 * are its children, each a driver of its own with its own pipes, log and
 * process group.  Ending the zygote ends its init, and so its namespace:
 * every copy goes with it.
 */
#include "client/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

pid_t ga_zygote_new_child(pid_t zygote, const pid_t *kids, size_t n)
{
	pid_t got[KIDS_READ], found = 0;
	int k = ga_proc_children(zygote, got, KIDS_READ), i;

	if (k < 0 || k > KIDS_READ)
		return k < 0 ? 0 : -1;
	for (i = 0; i < k; i++) {
		if (among(got[i], kids, n) || ga_proc_ended(got[i]))
			continue;
		if (found)
			return -1;
		found = got[i];
	}
	return found;
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
		if (got[i] != zygote && !ga_proc_ended(got[i])) {
			snprintf(why, len, "process %d is left in its zygote's "
				 "PID namespace (a process a driver started "
				 "outlived it)", (int)got[i]);
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
