/* internal.h - what lab/'s files share (lab/ only). */
#ifndef GA_LAB_INTERNAL_H
#define GA_LAB_INTERNAL_H

#include <netlink/socket.h>
#include <stdbool.h>
#include <sys/types.h>

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

/* ---- lab/spawn.c and the child's steps (spawnchild.c, spawnfds.c,
 * spawnns.c, spawnroot.c, spawnconfine.c, spawnfail.c) ---------------- */

/* What the child was doing when it failed; sent through the error pipe
 * with errno. */
enum ga_spawn_stage {
	GA_STAGE_EXEC = 0,
	GA_STAGE_SETUP,             /* signals, death signal, process group */
	GA_STAGE_NETNS,
	GA_STAGE_REDIRECT,
	GA_STAGE_CLOSE_FDS,
	GA_STAGE_UNSHARE_NS,
	GA_STAGE_PRIVATE,
	GA_STAGE_BIND_ROOT,
	GA_STAGE_BIND_DIR,
	GA_STAGE_DEV_TMPFS,
	GA_STAGE_DEV_NODE,
	GA_STAGE_READ_ONLY,
	GA_STAGE_CHROOT,
	GA_STAGE_JOIN_UTS,
	GA_STAGE_JOIN_IPC,
	GA_STAGE_JOIN_MNT,
	GA_STAGE_JOIN_PID,
	GA_STAGE_CLONE,
	GA_STAGE_DETACH,
	GA_STAGE_BIND_FILE,         /* index: which of opts->files */
	GA_STAGE_HIDE,              /* index: which of opts->files->hide */
	GA_STAGE_CGROUP,            /* writing itself into its cgroup */
	GA_STAGE_CHDIR,             /* into opts->cwd */
	GA_STAGE_FORKED,            /* not a failure: index is the PID of the
				    * process forked into a PID namespace */
	GA_STAGE_CONFINE_BIND,      /* the writable directory onto itself */
	GA_STAGE_CONFINE_RO,        /* index: which mount point (fallback) */
	GA_STAGE_CONFINE_WRITABLE,  /* the writable directory writable again */
	GA_STAGE_CONFINE_USER,      /* its own user and group */
	GA_STAGE_NET_CONFINE,       /* /proc/sys read-only, no CAP_NET_ADMIN */
	GA_STAGE_VIEW,              /* + enum ga_view_step: the confined
				     * child's view (lab/spawnview.c) */
	GA_STAGE_VIEW_LAST = GA_STAGE_VIEW + GA_VIEW_TMPFS,
	GA_STAGE_VIEW_RO,           /* index: which reach, then which top */
	GA_STAGE_VIEW_WRITABLE,     /* index: which of the view's writable, or
				     * its tmpfs (nwritable) */
};

struct ga_spawn_failure {
	int err;
	int stage;
	int index;              /* GA_STAGE_DEV_NODE: which device */
};

/* The sources of a root's /dev nodes (GA_SPAWN_DEVICES of them: null,
 * zero, full, random, urandom), in the order of struct
 * ga_spawn_root's devices (spawnroot.c). */
extern const char *const ga_spawn_device_sources[];

struct ga_spawn_files;
struct ga_spawn_root;
struct ga_spawn_confine;
struct ga_spawn_join;
struct ga_spawn_opts;

/* Makes the child's mounts and chroots into r->root (see spawn.h), with
 * fl's mounts (NULL: none) inside it.  In the child: only
 * async-signal-safe calls.  Returns 0 or -1 with errno set and *stage,
 * *index saying what failed (spawnroot.c). */
int ga_spawn_enter_root(const struct ga_spawn_root *r,
			const struct ga_spawn_files *fl, int *stage,
			int *index);

/* A mount namespace of the child's own, private, with fl's mounts
 * (spawn.h), for a child that runs in the host's filesystem; as
 * ga_spawn_enter_root (spawnroot.c). */
int ga_spawn_own_files(const struct ga_spawn_files *fl, int *stage,
		       int *index);

/* net_confined (spawn.h): a mount namespace of its own where /proc/sys
 * is read-only (a bind of it onto itself, remounted), then the
 * capabilities that change a network namespace out of the bounding set
 * (a root process gets nothing above it at exec).  In the child: only
 * async-signal-safe calls.  Returns 0, or -1 with errno set
 * (spawnconfine.c). */
int ga_spawn_confine_net(void);

/* The child's confinement (spawn.h), last before exec.  own_ns: it is in
 * a mount namespace of its own already; a root's child (chrooted) or a
 * joined one on the fallback keeps its mounts as they are: a root is
 * read-only already, a container's files are its own.  In the child:
 * only async-signal-safe calls.  Returns 0 or -1 with errno set and
 * *stage, *index saying what failed (spawnconfine.c). */
int ga_spawn_confine_child(const struct ga_spawn_confine *c, bool own_ns,
			   bool in_root, int *stage, int *index);

/* clone(flags | SIGCHLD), the raw system call, like fork() without a
 * new stack (glibc has no wrapper for that): with CLONE_PARENT a sibling
 * rather than a child, i.e. another child of the harness; with
 * CLONE_NEWPID a child that is PID 1 of a new PID namespace.  Only
 * exec-bound, async-signal-safe code runs after it (spawnns.c). */
pid_t ga_spawn_clone(unsigned long flags);

/* In the first process of a new PID namespace: forks the process that
 * goes on to exec (returns 0 in it) and stays behind as the namespace's
 * init, holding nothing of the harness's (no pipe, the error pipe
 * included, and no descriptor above 2) but report, reaping whatever ends
 * up with it, and exiting with the status of that process (128 + the
 * signal that killed it).  Given report (> 2: ga_spawn_opts's
 * reaped_fd), it writes there what waitpid said of each process it
 * reaped, that one's last; a full pipe drops a record, the init never
 * blocks.  The harness kills the init; the kernel then kills everything
 * in the namespace.  The init never changes its process group: a
 * namespace whose init sits in the group of a dead process cannot
 * finish dying.  Only async-signal-safe calls.  Returns -1 with errno
 * set when the fork fails (spawnns.c). */
int ga_spawn_become_init(int report);

/* Joins the namespaces of j (see spawn.h).  In the child: only
 * async-signal-safe calls.  Returns 0 in the process that goes on to
 * exec, -1 with errno set and *stage saying what failed.  Given a PID
 * namespace, the child forks a sibling inside it, sends the harness the
 * sibling's PID through errpipe and exits; the sibling goes on
 * (spawnns.c). */
int ga_spawn_join_namespaces(const struct ga_spawn_join *j, int errpipe,
			     pid_t parent, int *stage);

/* The child's descriptors: 0, 1 and 2 (opts's paths or pipes), the error
 * pipe *errpipe (moved above 2 when it is not) and the namespaces still
 * to join, nothing else.  In the child: only async-signal-safe calls.
 * Returns 0, or -1 with errno set and *stage saying what failed
 * (spawnfds.c). */
int ga_spawn_child_descriptors(const struct ga_spawn_opts *opts, int *errpipe,
			       int *stage);

/* Runs in the child between fork and exec: only async-signal-safe calls.
 * envp: its environment (the harness's, or ga_spawn's merge with
 * opts->env).  Never returns: it execs, or writes what failed to errpipe
 * and exits (spawnchild.c). */
void ga_spawn_child_exec(const struct ga_spawn_opts *opts, int errpipe,
			 pid_t parent, int harness_fd, char *const *envp);

/* What failed in the child, as an error: "starting PROG: WHAT: errno".
 * Returns -1 with err set (spawnfail.c). */
int ga_spawn_failed(const struct ga_spawn_opts *opts,
		    const struct ga_spawn_failure *f, struct ga_error *err);


#endif
