/* uids.c - see uids.h */
#include "lab/uids.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/trustdir.h"

/* How many slots one take tries before it gives up: far more than a
 * machine runs servers at once. */
#define TRIES 4096u

/* Whether id is someone's: a passwd or group entry names it. */
static int has_entry(unsigned id)
{
	return getpwuid((uid_t)id) != NULL || getgrgid((gid_t)id) != NULL;
}

int ga_uid_take(const char *dir, struct ga_uid *u,
		       struct ga_error *err)
{
	static unsigned next;
	char name[32];
	unsigned i, slot;
	int dfd, fd;

	u->id = 0;
	u->lock_fd = -1;
	dfd = ga_trustdir_open(dir, GA_TRUSTDIR_MAKE, err);
	if (dfd < 0)
		return ga_error_prefix(err, "the servers' user slots");
	/* each process starts elsewhere: fewer slots tried in vain */
	if (!next)
		next = (unsigned)getpid() * 2654435761u;
	for (i = 0; i < TRIES; i++) {
		slot = next++ % GA_UIDS_SLOTS;
		if (has_entry(GA_UIDS_BASE + slot))
			continue;
		snprintf(name, sizeof(name), "%u", slot);
		fd = openat(dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW |
			    O_CLOEXEC, 0600);
		if (fd < 0) {
			ga_error_errno(err, errno, "open %s/%s", dir, name);
			close(dfd);
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			close(dfd);
			u->id = GA_UIDS_BASE + slot;
			u->lock_fd = fd;
			return 0;
		}
		close(fd);
	}
	close(dfd);
	return ga_error_set(err, "no free user for a server among %u slots "
			    "tried in %s", TRIES, dir);
}

void ga_uid_give(struct ga_uid *u)
{
	if (u->lock_fd >= 0)
		close(u->lock_fd);
	u->lock_fd = -1;
	u->id = 0;
}
