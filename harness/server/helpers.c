/* helpers.c - the programs a backend runs to completion, confined
 * (internal.h: the probe, a template build's steps). */
#include "server/internal.h"

#include <unistd.h>

int ga_helper_user(struct ga_uid *u, struct ga_error *err)
{
	u->id = 0;
	u->lock_fd = -1;
	if (geteuid() != 0)
		return 0;       /* they run as the caller, who is no one else */
	if (ga_uid_take(GA_UIDS_DIR, u, err))
		return ga_error_prefix(err, "a user for the server's programs");
	return 0;
}

int ga_helper_confine(const struct ga_uid *u, const char *writable,
		      struct ga_spawn_opts *sp, struct ga_spawn_confine *c,
		      struct ga_error *err)
{
	c->mounts = NULL;
	c->nmounts = 0;
	if (u->id == 0)
		return 0;       /* not root: the caller's own */
	/* no network but lo, unless it joins a container's (its own) */
	if (sp->netns_fd < 0)
		sp->new_netns = true;
	/* what it starts dies with it: the kernel ends a PID namespace's
	 * every process with its init; a joined container's ends with the
	 * container, which the backend removes */
	if (!sp->join)
		sp->new_pidns = true;
	if (ga_spawn_confine_init(c, u->id, u->id, true, writable, err))
		return -1;
	sp->confine = c;
	return 0;
}
