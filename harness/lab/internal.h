/* internal.h - what lab/'s files share (lab/ only). */
#ifndef GA_LAB_INTERNAL_H
#define GA_LAB_INTERNAL_H

#include <netlink/socket.h>

#include "util/error.h"

/* Sets IFF_UP on the link called name in sock's namespace (what names
 * it in messages: "client"); *ifindex gets its index when not NULL.
 * Returns 0, or -1 with err set. */
int ga_lab_link_up(struct nl_sock *sock, const char *name, int *ifindex,
		   const char *what, struct ga_error *err);

/* Adds the route to GA_LAB_RESOLVER_ADDR/32 in sock's namespace: through
 * gateway on interface ifindex, or (gateway NULL) a blackhole, which
 * discards what it matches without an answer.  Returns 0, or -1 with
 * err set. */
int ga_lab_resolver_route(struct nl_sock *sock, int ifindex,
			  const char *gateway, const char *what,
			  struct ga_error *err);

/* The mount API's constants (open_tree, move_mount, mount_setattr's
 * recursion), for headers older than glibc 2.36. */
#include <fcntl.h>
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif

/* ---- lab/spawnview.c ------------------------------------------------------ */

/* What ga_spawn_view_enter() was doing when it failed. */
enum ga_view_step {
	GA_VIEW_CLONE,          /* index: which of reach */
	GA_VIEW_TOP,            /* index: which of top */
	GA_VIEW_DIR,            /* index: which of dirs */
	GA_VIEW_LINK,           /* index: which of links */
	GA_VIEW_MOVE,           /* index: which of reach */
	GA_VIEW_OVER,
	GA_VIEW_TMPFS,
};

struct ga_spawn_view;

/* In the child (lab/spawn.h: confine), in its own private mount
 * namespace, as root: the view's mounts but the writable ones (the
 * caller makes those as confine's own).  Only system calls.  Returns 0,
 * or -1 with errno set and *step, *index saying what failed. */
int ga_spawn_view_enter(const struct ga_spawn_view *v, int *step, int *index);

#endif
