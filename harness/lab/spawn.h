/* spawn.h - starting child processes (libuv's spawn, in small).
 *
 * The child is forked with a close-on-exec error pipe: if anything before
 * exec fails, the child writes errno into the pipe and _exit(127)s, so the
 * parent learns of the failure at once instead of by a timeout.  Every
 * child gets PR_SET_PDEATHSIG=SIGKILL, so it dies with the harness even
 * when the harness is SIGKILLed, and the default signal mask.  It holds
 * fds 0 (/dev/null or a pipe), 1 and 2 (output_path or /dev/null, or a
 * pipe for 1) and nothing else:
 * every other descriptor of the harness - a client's socket above all,
 * which Connector/C does not make close-on-exec - is closed before exec.
 * Given a working directory (a client driver's: its case's directory),
 * it enters it last, after everything below.
 *
 * A child can also be run inside a root filesystem (server/server_rootfs.c):
 * in a mount namespace of its own, after fork and before exec, it makes
 * every mount private (nothing propagates back to the host), binds the
 * root onto itself, binds a host directory onto ROOT/goneaway, mounts a
 * small tmpfs on ROOT/dev with the host's null, zero, full, random and
 * urandom bound in, remounts the root read-only, nosuid and nodev (a
 * device node the root brings does not open), and chroots into it.
 * The mounts live and die with the child's namespace: when the child
 * exits (SIGKILL included) the kernel drops them; the host never sees
 * them.  A step that fails is reported through the error pipe with its
 * name ("bind ROOT/goneaway: ...").
 *
 * Or a child can join the namespaces of a running process - a
 * container's (server/server_docker.c): after fork and before exec it
 * setns()es into the UTS, IPC and mount namespaces it is given (the mount
 * namespace makes the container's files its root and working directory)
 * and, given a PID namespace, forks once more with CLONE_PARENT, because
 * joining a PID namespace only places the joiner's children in it.  The
 * process that runs is then still the harness's own child: its PID (as
 * the host sees it) is the one returned, it has the death signal, and
 * waitpid, pidfds, SIGSTOP and SIGKILL work on it as on any other child;
 * it also dies when the container's PID namespace ends.
 *
 * A detached child (the Docker reaper) is the opposite: a session of its
 * own and no death signal, so that it outlives the harness.
 *
 * A confined child (every server: server/server.c; every program of a
 * server's goneaway runs to completion: server/internal.h, "helpers")
 * is what a scenario, a root or an image cannot turn against the host:
 * last before exec, with everything above done, it may make every mount
 * it sees read-only, nosuid and nodev but one directory (its own mount
 * namespace: the host never sees it) - nodev but /dev too, when /dev is
 * a mount of its own (the root's tmpfs, a container's, the host's): a
 * node of the host's disk a root or an image brings does not open, and
 * a joined container's child, which stays in goneaway's cgroup, needs
 * no device cgroup for that - then drops to an unprivileged user and
 * group of its own (no supplementary groups, no capabilities left: no
 * mknod, no mount, no chroot) with no_new_privs, so that no set-user-ID
 * program gives them back and nothing it does can undo the mounts.  A
 * log file, an OUTFILE, a plugin or a data directory that names a host
 * path then fails inside the server with EROFS or EACCES.  With
 * new_pidns, what it starts dies with it.
 */
#ifndef GA_SPAWN_H
#define GA_SPAWN_H

#include <sys/types.h>

#include "util/error.h"
#include "util/interrupt.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GA_SPAWN_ROOT_MOUNT "/goneaway"    /* where dir appears in a root */
#define GA_SPAWN_DEVICES 5                 /* null zero full random urandom */

/* A root filesystem to run a child in.  The child may make only
 * async-signal-safe calls, so every path is made here, in the parent, by
 * ga_spawn_root_init(). */
struct ga_spawn_root {
	char root[PATH_MAX];            /* the root, made read-only */
	char dir[PATH_MAX];             /* host directory to bind ... */
	char dir_mount[PATH_MAX];       /* ... onto ROOT/goneaway */
	char dev[PATH_MAX];             /* ROOT/dev, a tmpfs */
	char devices[GA_SPAWN_DEVICES][PATH_MAX];  /* ROOT/dev/null, ... */
};

/* Fills r for root (a directory holding GA_SPAWN_ROOT_MOUNT and dev/)
 * and dir (any host directory, writable by the child; "": nothing is
 * bound there).  Returns 0, or -1 when a path is too long. */
int ga_spawn_root_init(struct ga_spawn_root *r, const char *root,
		       const char *dir, struct ga_error *err);

/* Host files the child sees in place of its own (server/resolver.c: the
 * lab's resolv.conf, nsswitch.conf and hosts), in a mount namespace of
 * its own: each source bound onto its target (with a root, a path inside
 * it, bound before the root is made read-only); a target that does not
 * exist is left alone (nothing is created).  And directories covered
 * with an empty read-only tmpfs when they exist (nscd's socket
 * directory: a lookup through it would bypass the bound files).  The
 * mounts live and die with the child's namespace.  Every path is made by
 * the caller: the child only makes system calls. */
#define GA_SPAWN_FILES 4
#define GA_SPAWN_HIDES 2
struct ga_spawn_files {
	size_t n;
	char source[GA_SPAWN_FILES][PATH_MAX];
	char target[GA_SPAWN_FILES][PATH_MAX];
	size_t nhide;
	char hide[GA_SPAWN_HIDES][PATH_MAX];
};

/* Namespaces of a running process to join, as descriptors the caller
 * opened from /proc/PID/ns/ (and keeps open); -1: stay in the harness's. */
struct ga_spawn_join {
	int mnt_fd;
	int uts_fd;
	int ipc_fd;
	int pid_fd;
};

/* What a confined child sees besides (client drivers: client/confine.c),
 * in its own mount namespace, made by the child as root before it drops
 * to its user:
 *   - reach: directories (or files) it must reach at their own paths (a
 *     driver's files, goneaway's cache) below a directory no other user
 *     may search (root's home, 0700).  The topmost such directory is
 *     covered with a small tmpfs holding only the paths down to each of
 *     them, each bound there (a clone of it taken first): the rest of
 *     that directory is not there to see.  Read-only, as every mount.
 *   - links: symbolic links in such a directory that a path the child
 *     is given passes through (a checkout named through a link), made
 *     again in the tmpfs above them, as they read on the host.
 *   - writable: more directories that stay writable (the case's
 *     directory, the keep directory), as confine's own writable.
 *   - over: a directory bound over another (a build's copy of the
 *     drivers' cache over the cache), writable: the child sees it at the
 *     other's path, which is what a path it records names (a JVM's
 *     class-data archive records its jars' paths).
 *   - tmpfs: a directory covered with a tmpfs of its own, its user's
 *     (mode 0700, bounded), writable: its TMPDIR and HOME.  It dies with
 *     the mount namespace: nothing of it is left, even after a SIGKILL.
 *   - proc_writable: /proc's own mount stays writable (not its mounts:
 *     /proc/sys, read-only with net_confined), for what its user may
 *     write there of its own processes (a user namespace's uid_map).
 * Every path is made here, in the parent (the ga_spawn_view_* calls);
 * the child only makes system calls. */
#define GA_SPAWN_VIEW_MAX 16
#define GA_SPAWN_VIEW_DIRS 32
#define GA_SPAWN_VIEW_LINKS 8
struct ga_spawn_view {
	unsigned uid, gid;                      /* the child's user */
	size_t nreach;
	char reach[GA_SPAWN_VIEW_MAX][PATH_MAX];
	size_t ntops;
	char top[GA_SPAWN_VIEW_MAX][PATH_MAX];  /* covered with a tmpfs */
	size_t ndirs;
	char dirs[GA_SPAWN_VIEW_DIRS][PATH_MAX]; /* made in the tops' tmpfs,
						  * parents first ... */
	bool dir_file[GA_SPAWN_VIEW_DIRS];      /* ... a file's path: an
						 * empty file, its bind's
						 * mount point */
	size_t nlinks;
	char link[GA_SPAWN_VIEW_LINKS][PATH_MAX];       /* made in a top's */
	char link_to[GA_SPAWN_VIEW_LINKS][PATH_MAX];    /* tmpfs, reading so */
	size_t nwritable;
	char writable[GA_SPAWN_VIEW_MAX][PATH_MAX];
	char tmpfs[PATH_MAX];
	char tmpfs_opts[128];
	char over_src[PATH_MAX];
	char over_dst[PATH_MAX];                /* "": none */
	bool proc_writable;
};

/* Empties v, for a child of user uid and group gid. */
void ga_spawn_view_init(struct ga_spawn_view *v, unsigned uid, unsigned gid);

/* dir (absolute, no symbolic link in it; a directory, or a file) must
 * be reachable at its own path by v's user (no supplementary group):
 * nothing is added when that user may search every directory above
 * it.  A path below one v reaches already adds
 * nothing either.  Returns 0, or -1 with err set (too many, a path too
 * long). */
int ga_spawn_view_reach(struct ga_spawn_view *v, const char *dir,
			struct ga_error *err);

/* path (absolute, no symbolic link above it), a symbolic link that
 * reads target, is made again in the tmpfs above it when v's user
 * cannot search the directory it is in (nothing otherwise, or when a
 * directory v reaches holds it).  What it names is the caller's to
 * reach.  Returns 0, or -1 with err set (too many, a path too long). */
int ga_spawn_view_link(struct ga_spawn_view *v, const char *path,
		       const char *target, struct ga_error *err);

/* dir (absolute) stays writable.  Returns 0, or -1 with err set. */
int ga_spawn_view_writable(struct ga_spawn_view *v, const char *dir,
			   struct ga_error *err);

/* src (absolute) is bound over dst (absolute, reached when it must be),
 * writable (dst is added to what stays writable).  Returns 0, or -1 with
 * err set. */
int ga_spawn_view_over(struct ga_spawn_view *v, const char *src,
		       const char *dst, struct ga_error *err);

/* dir (absolute, a directory that exists) is covered with a tmpfs of
 * uid's and gid's, mode 0700, at most size bytes.  Returns 0, or -1
 * with err set. */
int ga_spawn_view_tmpfs(struct ga_spawn_view *v, const char *dir,
			unsigned uid, unsigned gid, long long size,
			struct ga_error *err);

/* How a child is confined (see above).  The uid and gid are not 0 and
 * are someone's of their own (lab/uids.h).  With read_only, every
 * mount the child sees after root/join/files is made read-only, nosuid
 * and nodev (mount_setattr, recursively; on kernels before 5.12 one
 * remount per mount point of mounts, read by ga_spawn_confine_init()
 * from /proc/self/mountinfo) but writable, a path as the child sees it,
 * which stays writable ("": none); /dev, when a mount of its own,
 * keeps its devices (read-only all the same).  Fill with ga_spawn_confine_init();
 * release with ga_spawn_confine_release(). */
struct ga_spawn_confine {
	unsigned uid;
	unsigned gid;
	bool read_only;
	char writable[PATH_MAX];
	char **mounts;          /* owned: the fallback's mount points, or
				 * NULL where mount_setattr works */
	size_t nmounts;
	const struct ga_spawn_view *view;      /* NULL, or what it sees
						* besides (borrowed) */
};

/* Fills c; with read_only on a kernel without mount_setattr, reads the
 * calling process's mount points (the child's are a copy of them).
 * Returns 0, or -1 with err set. */
int ga_spawn_confine_init(struct ga_spawn_confine *c, unsigned uid,
			  unsigned gid, bool read_only, const char *writable,
			  struct ga_error *err);
void ga_spawn_confine_release(struct ga_spawn_confine *c);

struct ga_spawn_opts {
	const char *const *argv;  /* argv[0] is the program's path (inside
				   * root, when there is one) */
	int netns_fd;             /* setns() into it first; -1: stay */
	bool new_netns;           /* with netns_fd -1: a network namespace
				   * of its own, with no interface at all */
	const char *input_path;   /* stdin from there; NULL: /dev/null */
	const char *output_path;  /* stdout+stderr appended there; NULL:
				   * /dev/null (both host paths) */
	const int *pipes;         /* NULL, or { stdin, stdout } descriptors
				   * for the child (output_path then gets
				   * stderr only; input_path is not used) */
	int own_group;            /* the child leads a process group of its
				   * own (its id is the child's PID), so
				   * what it forks can be ended with it */
	const struct ga_spawn_root *root;  /* NULL: the host's filesystem */
	const struct ga_spawn_join *join;  /* NULL: the harness's namespaces
					    * (netns_fd aside); not with root */
	const struct ga_spawn_files *files; /* NULL: the filesystem as it
					     * is; not with join */
	bool detach;              /* a session of its own and no death
				   * signal: it outlives the harness */
	bool in_cgroup;           /* the child first writes itself into
				   * the cgroup whose cgroup.procs
				   * cgroup_fd is open for writing (lab/
				   * memcg.h), before anything else: it
				   * never runs outside it; what it forks
				   * (a joined PID namespace's sibling)
				   * is in it too */
	int cgroup_fd;
	const struct ga_spawn_confine *confine; /* NULL: the harness's
						 * user, its mounts as
						 * they are */
	const char *cwd;          /* its working directory, entered last
				   * (after a root's chroot or a join);
				   * NULL: the harness's */
	bool net_confined;        /* the child cannot change the network
				   * namespace it runs in: a mount
				   * namespace of its own where /proc/sys
				   * is read-only, and neither CAP_NET_ADMIN
				   * nor CAP_NET_RAW (client drivers: a
				   * kept client namespace stays as it was
				   * made, lab/clientns.h); not with join
				   * or root */
	bool new_pidns;           /* the child is PID 1 of a PID namespace
				   * of its own: when it dies, the kernel
				   * kills everything it started, even what
				   * left its process group or session
				   * (client drivers, a server's probe and
				   * build steps); not with join or
				   * detach */
	const char *const *env;   /* NULL, or "NAME=VALUE" strings (NULL
				   * last) set in the child's environment
				   * in place of the harness's own of
				   * those names */
	long long file_max;       /* > 0: no file the child (and what it
				   * starts) writes grows past this many
				   * bytes, its output_path first
				   * (RLIMIT_FSIZE, soft and hard; SIGXFSZ
				   * ignored, so that a write past it fails
				   * with EFBIG instead of killing the
				   * writer); 0: no bound */
	int reaped_fd;            /* with new_pidns, > 2: the write end of
				   * a pipe (O_NONBLOCK, O_CLOEXEC) the
				   * namespace's init keeps, writing there
				   * a struct ga_spawn_reaped for every
				   * process it reaps (see below); the
				   * caller closes its own copy after
				   * ga_spawn; 0: none */
};

/* What the init of a new PID namespace says of a process it reaped:
 * the child, or a process orphaned into its namespace (one whose
 * parent ended: a copy a zygote forks through a process that exits at
 * once, client/zygote.c), which no one outside the namespace can wait
 * for.  The status is waitpid's, the child's own (not the init's 128 +
 * signal).  Written whole (fewer bytes than PIPE_BUF), in the order
 * reaped; the child's comes last, before the init exits. */
struct ga_spawn_reaped {
	int32_t pid;            /* as the namespace numbers it */
	int32_t status;         /* as waitpid says */
	int32_t own;            /* 1: the child ga_spawn started */
};

/* Reads the records waiting on fd (a reaped_fd's read end, non-blocking)
 * into got, at most max of them, without waiting.  Returns how many (0:
 * none, its end, or fd < 0). */
size_t ga_spawn_reaped_read(int fd, struct ga_spawn_reaped *got, size_t max);

/* Starts a child.  Returns 0 and sets *pid and *pidfd (a pidfd that
 * becomes readable when the child exits; the caller closes it), or -1. */
int ga_spawn(const struct ga_spawn_opts *opts, pid_t *pid, int *pidfd,
	     struct ga_error *err);

/* Binds the host directory dir onto target (made if missing) in the
 * mount namespace mnt_fd (a running container's: every process in it
 * sees the bind from then on, the host never does).  With the mount API:
 * a detached copy of the bind made here (open_tree), attached by a
 * short-lived child that joined the namespace (move_mount).  It lives as
 * long as the namespace.  Returns 0, or -1 with err set. */
int ga_spawn_bind_into(int mnt_fd, const char *dir, const char *target,
		       struct ga_error *err);

/* Waits up to timeout_ms for the child to exit and reaps it.  Returns 0
 * and sets *status (as from waitpid), 1 on timeout (still running), -1 if
 * interrupted by a signal or on error. */
int ga_spawn_wait(pid_t pid, int pidfd, struct ga_interrupt *in,
		  long timeout_ms, int *status, struct ga_error *err);

/* Runs argv to completion (bounded by timeout_ms, killed after it) and
 * returns 0 if it exited with status 0.  Output goes to output_path. */
int ga_spawn_run(const struct ga_spawn_opts *opts, struct ga_interrupt *in,
		 long timeout_ms, struct ga_error *err);

/* "exited with status 1", "killed by signal 9" */
void ga_spawn_describe_status(int status, char *buf, size_t len);

#endif
