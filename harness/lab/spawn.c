/* spawn.c - see spawn.h */
#include "lab/internal.h"
#include "lab/spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>


/* What the child was doing when it failed; sent through the error pipe
 * with errno. */
enum stage {
	STAGE_EXEC = 0,
	STAGE_SETUP,            /* signals, death signal, process group */
	STAGE_NETNS,
	STAGE_REDIRECT,
	STAGE_CLOSE_FDS,
	STAGE_UNSHARE_NS,
	STAGE_PRIVATE,
	STAGE_BIND_ROOT,
	STAGE_BIND_DIR,
	STAGE_DEV_TMPFS,
	STAGE_DEV_NODE,
	STAGE_READ_ONLY,
	STAGE_CHROOT,
	STAGE_JOIN_UTS,
	STAGE_JOIN_IPC,
	STAGE_JOIN_MNT,
	STAGE_JOIN_PID,
	STAGE_CLONE,
	STAGE_DETACH,
	STAGE_BIND_FILE,        /* index: which of opts->files */
	STAGE_HIDE,             /* index: which of opts->files->hide */
	STAGE_CGROUP,           /* writing itself into its cgroup */
	STAGE_CHDIR,            /* into opts->cwd */
	STAGE_FORKED,           /* not a failure: index is the PID of the
				 * process forked into a PID namespace */
	STAGE_CONFINE_BIND,     /* the writable directory onto itself */
	STAGE_CONFINE_RO,       /* index: which mount point (fallback) */
	STAGE_CONFINE_WRITABLE, /* the writable directory writable again */
	STAGE_CONFINE_USER,     /* its own user and group */
	STAGE_NET_CONFINE,      /* /proc/sys read-only, no CAP_NET_ADMIN */
	STAGE_VIEW,             /* + enum ga_view_step: the confined
				 * child's view (lab/spawnview.c) */
	STAGE_VIEW_LAST = STAGE_VIEW + GA_VIEW_TMPFS,
	STAGE_VIEW_RO,          /* index: which reach, then which top */
	STAGE_VIEW_WRITABLE,    /* index: which of the view's writable, or
				 * its tmpfs (nwritable) */
};

struct child_failure {
	int err;
	int stage;
	int index;              /* STAGE_DEV_NODE: which device */
};

static const char *const device_sources[GA_SPAWN_DEVICES] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
};

int ga_spawn_root_init(struct ga_spawn_root *r, const char *root,
		       const char *dir, struct ga_error *err)
{
	size_t i;
	int bad;

	memset(r, 0, sizeof(*r));
	bad = snprintf(r->root, sizeof(r->root), "%s", root) >=
		(int)sizeof(r->root);
	bad |= snprintf(r->dir, sizeof(r->dir), "%s", dir) >=
		(int)sizeof(r->dir);
	if (dir[0])
		bad |= snprintf(r->dir_mount, sizeof(r->dir_mount), "%s%s",
				root, GA_SPAWN_ROOT_MOUNT) >=
			(int)sizeof(r->dir_mount);
	bad |= snprintf(r->dev, sizeof(r->dev), "%s/dev", root) >=
		(int)sizeof(r->dev);
	for (i = 0; i < GA_SPAWN_DEVICES; i++)
		bad |= snprintf(r->devices[i], sizeof(r->devices[i]), "%s%s",
				root, device_sources[i]) >=
			(int)sizeof(r->devices[i]);
	if (bad)
		return ga_error_set(err, "path too long: %s or %s", root, dir);
	return 0;
}

static int pidfd_open_compat(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

#define MAX_KEEP 5      /* the error pipe and the namespaces to join */

static bool kept(int fd, const int *keep, int nkeep)
{
	int i;

	for (i = 0; i < nkeep; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

/* Closes every descriptor above 2 but those in keep (the error pipe, the
 * namespaces still to join; -1 entries are ignored) and marks those
 * close-on-exec, so the exec'd program holds 0, 1 and 2 only: a client's
 * socket (Connector/C's are not close-on-exec) must not live on in a
 * restarted server, nor the write end of the Docker reaper's pipe
 * anywhere.  Async-signal-safe: close_range, or getdents64 over
 * /proc/self/fd on kernels without it. */
static int close_fds_above_2(const int *keep, int nkeep)
{
	char buf[4096];
	long n, off;
	int dir, fd, i;

	for (i = 0; i < nkeep; i++)
		if (keep[i] >= 0 && fcntl(keep[i], F_SETFD, FD_CLOEXEC) != 0)
			return -1;
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;       /* closed at exec, the kept ones too */
	dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -1;
	while ((n = syscall(SYS_getdents64, dir, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n;) {
			struct dirent64 *de = (struct dirent64 *)(buf + off);
			const char *p = de->d_name;

			off += de->d_reclen;
			if (*p < '0' || *p > '9')
				continue;
			for (fd = 0; *p >= '0' && *p <= '9'; p++)
				fd = fd * 10 + (*p - '0');
			if (fd > 2 && fd != dir && !kept(fd, keep, nkeep))
				close(fd);
		}
	}
	close(dir);
	return n < 0 ? -1 : 0;
}

/* Points fd target at path (opened with flags); the temporary
 * descriptor is closed again.  A log (O_APPEND) is a regular file alone,
 * opened without waiting: one a confined process of the directory's
 * made a FIFO in its place must not block the child forever. */
static int redirect(int target, const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC |
		      (flags & O_APPEND ? O_NONBLOCK : 0), 0644);
	struct stat st;

	if (fd < 0)
		return -1;
	if ((flags & O_APPEND) &&
	    (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	     fcntl(fd, F_SETFL, flags & ~O_CREAT & ~O_NOFOLLOW) != 0)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	if (dup2(fd, target) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The mounts of fl (spawn.h), in the calling process's own mount
 * namespace (made private already).  In the child: only
 * async-signal-safe calls.  Returns 0 or -1 with errno set and *stage,
 * *index saying what failed. */
static int bind_files(const struct ga_spawn_files *fl, int *stage,
		      int *index)
{
	size_t i;
	int fd;

	*stage = STAGE_BIND_FILE;
	for (i = 0; i < fl->n && i < GA_SPAWN_FILES; i++) {
		*index = (int)i;
		if (access(fl->target[i], F_OK) != 0)
			continue;       /* nothing there: nothing to hide */
		if (mount(fl->source[i], fl->target[i], NULL, MS_BIND,
			  NULL) != 0)
			return -1;
	}
	*stage = STAGE_HIDE;
	for (i = 0; i < fl->nhide && i < GA_SPAWN_HIDES; i++) {
		*index = (int)i;
		fd = open(fl->hide[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		close(fd);
		if (mount("tmpfs", fl->hide[i], "tmpfs", MS_RDONLY | MS_NOSUID |
			  MS_NODEV | MS_NOEXEC, "mode=755,size=4k") != 0)
			return -1;
	}
	return 0;
}

/* A mount namespace of the child's own, private, with fl's mounts
 * (spawn.h), for a child that runs in the host's filesystem. */
static int own_files(const struct ga_spawn_files *fl, int *stage, int *index)
{
	*stage = STAGE_UNSHARE_NS;
	if (unshare(CLONE_NEWNS) != 0)
		return -1;
	*stage = STAGE_PRIVATE;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return -1;
	return bind_files(fl, stage, index);
}

/* Makes the child's mounts and chroots into r->root (see spawn.h), with
 * fl's mounts (NULL: none) inside it.  In the child: only
 * async-signal-safe calls.  Returns 0 or -1 with errno set and *stage,
 * *index saying what failed. */
static int enter_root(const struct ga_spawn_root *r,
		      const struct ga_spawn_files *fl, int *stage, int *index)
{
	int i, fd;

	*stage = STAGE_UNSHARE_NS;
	if (unshare(CLONE_NEWNS) != 0)
		return -1;
	/* "/" is shared on systemd hosts: without this, the mounts below
	 * would appear in the host's namespace too */
	*stage = STAGE_PRIVATE;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return -1;
	/* a mount of its own, to be made read-only below */
	*stage = STAGE_BIND_ROOT;
	if (mount(r->root, r->root, NULL, MS_BIND, NULL) != 0)
		return -1;
	*stage = STAGE_BIND_DIR;
	if (r->dir[0] && mount(r->dir, r->dir_mount, NULL, MS_BIND, NULL) != 0)
		return -1;
	*stage = STAGE_DEV_TMPFS;
	if (mount("tmpfs", r->dev, "tmpfs", MS_NOSUID | MS_NOEXEC,
		  "mode=755,size=16k") != 0)
		return -1;
	*stage = STAGE_DEV_NODE;
	for (i = 0; i < GA_SPAWN_DEVICES; i++) {
		*index = i;
		fd = open(r->devices[i], O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			return -1;
		close(fd);
		if (mount(device_sources[i], r->devices[i], NULL, MS_BIND,
			  NULL) != 0)
			return -1;
	}
	if (fl && bind_files(fl, stage, index) != 0)
		return -1;
	/* the root stays as it was built, whatever the server does; several
	 * scenarios can share it at once.  No set-user-ID program of it
	 * runs as its owner, and no device node of it opens: a root (an
	 * image) can bring a node of the host's disk, mode 0666 */
	*stage = STAGE_READ_ONLY;
	if (mount(NULL, r->root, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY |
		  MS_NOSUID | MS_NODEV, NULL) != 0)
		return -1;
	*stage = STAGE_CHROOT;
	if (chroot(r->root) != 0 || chdir("/") != 0)
		return -1;
	return 0;
}

/* mount_setattr(2) (Linux 5.12), for C libraries older than it. */
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#define ATTR_RDONLY 0x00000001u         /* MOUNT_ATTR_RDONLY */
#define ATTR_NOSUID 0x00000002u         /* MOUNT_ATTR_NOSUID */
#define ATTR_NODEV 0x00000004u          /* MOUNT_ATTR_NODEV */

struct mount_attr_arg {                 /* struct mount_attr */
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};

static int set_mount_attr(const char *path, unsigned flags, uint64_t set,
			  uint64_t clr)
{
	struct mount_attr_arg a = { set, clr, 0, 0 };

	return (int)syscall(SYS_mount_setattr, AT_FDCWD, path, flags, &a,
			    sizeof(a));
}

/* Whether this kernel has mount_setattr: EBADF for a descriptor that is
 * none, ENOSYS without it.  GA_SPAWN_NO_MOUNT_SETATTR=1 says it has not
 * (the unit tests run the fallback of older kernels with it). */
static bool have_mount_setattr(void)
{
	struct mount_attr_arg a = { 0, 0, 0, 0 };
	const char *no = getenv("GA_SPAWN_NO_MOUNT_SETATTR");

	if (no && strcmp(no, "1") == 0)
		return false;
	return syscall(SYS_mount_setattr, -1, "", 0, &a, sizeof(a)) == 0 ||
	       errno != ENOSYS;
}

/* The mount flags a remount must give again to keep them (statfs says
 * which a mount has); without MS_RDONLY. */
static unsigned long kept_flags(const char *path)
{
	static const struct {
		unsigned long st, ms;
	} map[] = {
		{ ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV },
		{ ST_NOEXEC, MS_NOEXEC }, { ST_NOATIME, MS_NOATIME },
		{ ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
	};
	struct statfs sf;
	unsigned long flags = 0;
	size_t i;

	if (statfs(path, &sf) != 0)
		return 0;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if ((unsigned long)sf.f_flags & map[i].st)
			flags |= map[i].ms;
	return flags;
}

/* Whether path is /dev or below it: the device nodes a child may open
 * are there (lab/spawn.h, confined). */
static bool under_dev(const char *path)
{
	return strncmp(path, "/dev", 4) == 0 &&
	       (path[4] == '\0' || path[4] == '/');
}

/* One mount point remounted read-only (and nosuid, and nodev but under
 * /dev) or writable again, its other flags kept: the fallback of
 * kernels before 5.12.  A mount point gone since it was read is no
 * error. */
static int remount(const char *path, bool read_only)
{
	unsigned long flags = MS_REMOUNT | MS_BIND | kept_flags(path);
	struct statfs sf;
	int e;

	if (read_only)
		flags |= MS_RDONLY | MS_NOSUID |
			 (under_dev(path) ? 0 : MS_NODEV);
	if (mount(NULL, path, NULL, flags, NULL) == 0 || errno == ENOENT)
		return 0;
	/* a mount a container's engine made read-only and locked
	 * (/proc/bus, /proc/sys ...) is what it should be already */
	e = errno;
	if (read_only && statfs(path, &sf) == 0 &&
	    ((unsigned long)sf.f_flags & ST_RDONLY))
		return 0;
	errno = e;
	return -1;
}

/* net_confined (spawn.h): a mount namespace of its own where /proc/sys
 * is read-only (a bind of it onto itself, remounted), then the
 * capabilities that change a network namespace out of the bounding set
 * (a root process gets nothing above it at exec).  In the child: only
 * async-signal-safe calls.  Returns 0, or -1 with errno set. */
static int confine_net(void)
{
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0 ||
	    mount("/proc/sys", "/proc/sys", NULL, MS_BIND | MS_REC, NULL) != 0)
		return -1;
	if (have_mount_setattr() ?
	    set_mount_attr("/proc/sys", AT_RECURSIVE, ATTR_RDONLY, 0) != 0 :
	    remount("/proc/sys", true) != 0)
		return -1;
	if (prctl(PR_CAPBSET_DROP, CAP_NET_ADMIN, 0, 0, 0) != 0 ||
	    prctl(PR_CAPBSET_DROP, CAP_NET_RAW, 0, 0, 0) != 0)
		return -1;
	return 0;
}

/* /dev's devices usable again after every mount was made nodev, when
 * /dev is a mount of its own (a root's tmpfs of five nodes, a
 * container's, the host's devtmpfs) - not a directory of the root's,
 * whose nodes stay shut.  In the child: only async-signal-safe calls. */
static int devices_again(void)
{
	struct stat root, dev;

	if (stat("/", &root) != 0 || stat("/dev", &dev) != 0 ||
	    root.st_dev == dev.st_dev)
		return 0;
	return set_mount_attr("/dev", AT_RECURSIVE, 0, ATTR_NODEV);
}

/* The child's confinement (spawn.h), last before exec.  own_ns: it is in
 * a mount namespace of its own already; a root's child (chrooted) or a
 * joined one on the fallback keeps its mounts as they are: a root is
 * read-only already, a container's files are its own.  In the child:
 * only async-signal-safe calls.  Returns 0 or -1 with errno set and
 * *stage, *index saying what failed. */
/* A directory of the child's writable again after every mount was made
 * read-only: its own mount (a bind onto itself, or a tmpfs). */
static int writable_again(const struct ga_spawn_confine *c, const char *dir)
{
	return c->mounts ? remount(dir, false) :
	       set_mount_attr(dir, AT_RECURSIVE, 0, ATTR_RDONLY);
}

/* The view's mounts made read-only on the fallback of kernels before
 * 5.12 (they were not there when c->mounts was read; mount_setattr's
 * recursive pass takes them along). */
static int view_read_only(const struct ga_spawn_view *v, int *index)
{
	size_t i;

	for (i = 0; i < v->nreach + v->ntops; i++) {
		*index = (int)i;
		if (remount(i < v->nreach ? v->reach[i] :
			    v->top[i - v->nreach], true) != 0)
			return -1;
	}
	return 0;
}

/* The writable directories of c and its view bound onto themselves (a
 * mount each, to be made writable again), then every mount read-only,
 * nosuid and nodev, then those writable again with the view's tmpfs.
 * In the child: only system calls. */
static int confine_mounts(const struct ga_spawn_confine *c, int *stage,
			  int *index)
{
	const struct ga_spawn_view *v = c->view;
	size_t i, n = v ? v->nwritable : 0;

	*stage = STAGE_CONFINE_BIND;
	if (c->writable[0] && mount(c->writable, c->writable, NULL,
				    MS_BIND | MS_REC, NULL) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (mount(v->writable[i], v->writable[i], NULL,
			  MS_BIND | MS_REC, NULL) != 0)
			return -1;
	*stage = STAGE_CONFINE_RO;
	if (!c->mounts && (set_mount_attr("/", AT_RECURSIVE, ATTR_RDONLY |
					  ATTR_NOSUID | ATTR_NODEV, 0) != 0 ||
			   devices_again() != 0))
		return -1;
	for (i = 0; c->mounts && i < c->nmounts; i++) {
		*index = (int)i;
		if (remount(c->mounts[i], true) != 0)
			return -1;
	}
	*stage = STAGE_VIEW_RO;
	if (v && c->mounts && view_read_only(v, index) != 0)
		return -1;
	*stage = STAGE_CONFINE_WRITABLE;
	if (c->writable[0] && writable_again(c, c->writable) != 0)
		return -1;
	*stage = STAGE_VIEW_WRITABLE;
	for (i = 0; i <= n; i++) {
		*index = (int)i;
		if (i < n ? writable_again(c, v->writable[i]) != 0 :
		    v && v->tmpfs[0] && !c->mounts &&
		    writable_again(c, v->tmpfs) != 0)
			return -1;
	}
	/* its mount alone: /proc/sys and the rest stay read-only */
	*index = (int)n + 1;
	if (v && v->proc_writable &&
	    (c->mounts ? remount("/proc", false) :
	     set_mount_attr("/proc", 0, 0, ATTR_RDONLY)) != 0)
		return -1;
	return 0;
}

static int confine(const struct ga_spawn_confine *c, bool own_ns,
		   bool in_root, int *stage, int *index)
{
	if (c->read_only && !(c->mounts && in_root)) {
		*stage = STAGE_UNSHARE_NS;
		if (!own_ns && unshare(CLONE_NEWNS) != 0)
			return -1;
		*stage = STAGE_PRIVATE;
		if (!own_ns && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE,
				     NULL) != 0)
			return -1;
		if (c->view && ga_spawn_view_enter(c->view, stage, index)) {
			*stage += STAGE_VIEW;
			return -1;
		}
		if (confine_mounts(c, stage, index) != 0)
			return -1;
	}
	*stage = STAGE_CONFINE_USER;
	if (setgroups(0, NULL) != 0 ||
	    setresgid(c->gid, c->gid, c->gid) != 0 ||
	    setresuid(c->uid, c->uid, c->uid) != 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    /* a change of user clears the death signal */
	    prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		return -1;
	return 0;
}

/* An octal escape of /proc/self/mountinfo ("\040": a space) undone in
 * place. */
static void unescape_mountinfo(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
					(s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* The mount points of this process (the fifth field of each line of
 * /proc/self/mountinfo, which stat calls empty: read by lines). */
static int read_mount_points(struct ga_spawn_confine *c, struct ga_error *err)
{
	char *line = NULL, *f, *fsave;
	size_t len = 0, cap = 0;
	FILE *in;
	int i;

	in = fopen("/proc/self/mountinfo", "re");
	if (!in)
		return ga_error_errno(err, errno, "open /proc/self/mountinfo");
	while (getline(&line, &len, in) > 0) {
		line[strcspn(line, "\n")] = '\0';
		for (i = 0, f = strtok_r(line, " ", &fsave); f && i < 4; i++)
			f = strtok_r(NULL, " ", &fsave);
		if (!f)
			continue;
		if (c->nmounts == cap) {
			char **more;

			cap = cap ? cap * 2 : 64;
			more = realloc(c->mounts, cap * sizeof(*more));
			if (!more)
				goto oom;
			c->mounts = more;
		}
		unescape_mountinfo(f);
		c->mounts[c->nmounts] = strdup(f);
		if (!c->mounts[c->nmounts])
			goto oom;
		c->nmounts++;
	}
	free(line);
	fclose(in);
	if (!c->mounts)
		return ga_error_set(err, "/proc/self/mountinfo lists no mount");
	return 0;
oom:
	free(line);
	fclose(in);
	return ga_error_set(err, "out of memory reading /proc/self/mountinfo");
}

int ga_spawn_confine_init(struct ga_spawn_confine *c, unsigned uid,
			  unsigned gid, bool read_only, const char *writable,
			  struct ga_error *err)
{
	memset(c, 0, sizeof(*c));
	if (uid == 0 || gid == 0)
		return ga_error_set(err, "a confined child's user and group "
				    "are not root's");
	c->uid = uid;
	c->gid = gid;
	c->read_only = read_only;
	if (snprintf(c->writable, sizeof(c->writable), "%s",
		     writable ? writable : "") >= (int)sizeof(c->writable))
		return ga_error_set(err, "path too long: %s", writable);
	if (read_only && !have_mount_setattr() && read_mount_points(c, err)) {
		ga_spawn_confine_release(c);
		return -1;
	}
	return 0;
}

void ga_spawn_confine_release(struct ga_spawn_confine *c)
{
	size_t i;

	for (i = 0; i < c->nmounts; i++)
		free(c->mounts[i]);
	free(c->mounts);
	c->mounts = NULL;
	c->nmounts = 0;
}

/* clone(CLONE_PARENT): a sibling rather than a child, i.e. another child
 * of the harness.  The raw system call, like fork() without a new stack
 * (glibc has no wrapper for that); only exec-bound, async-signal-safe code
 * runs after it. */
static pid_t fork_sibling(void)
{
#if defined(__s390__) || defined(__s390x__)
	return (pid_t)syscall(SYS_clone, 0, CLONE_PARENT | SIGCHLD, NULL, NULL, 0);
#else
	return (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
#endif
}

/* clone(CLONE_NEWPID): a child that is PID 1 of a new PID namespace,
 * as fork_sibling() is a sibling (raw system call, no new stack). */
static pid_t fork_into_new_pidns(void)
{
#if defined(__s390__) || defined(__s390x__)
	return (pid_t)syscall(SYS_clone, 0, CLONE_NEWPID | SIGCHLD, NULL, NULL, 0);
#else
	return (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, NULL, NULL, 0);
#endif
}

/* In the first process of a new PID namespace: forks the process that
 * goes on to exec (returns 0 in it) and stays behind as the namespace's
 * init, holding nothing of the harness's (no pipe, the error pipe
 * included, and no descriptor above 2), reaping whatever ends up with it, and exiting with the status of
 * that process (128 + the signal that killed it).  The harness kills the
 * init; the kernel then kills everything in the namespace.  The init
 * never changes its process group: a namespace whose init sits in the
 * group of a dead process cannot finish dying.  Only async-signal-safe
 * calls.  Returns -1 with errno set when the fork fails. */
static int become_init(void)
{
	pid_t child, w;
	int status, null;

	child = fork();
	if (child <= 0)
		return child < 0 ? -1 : 0;
	if (syscall(SYS_close_range, 3, ~0U, 0) != 0) {
		for (null = 3; null < 1024; null++)
			close(null);
	}
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	for (;;) {
		w = waitpid(-1, &status, 0);
		if (w == child)
			_exit(WIFEXITED(status) ? WEXITSTATUS(status) :
			      WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 127);
		if (w < 0 && errno != EINTR)
			_exit(127);
	}
}

/* Joins the namespaces of j (see spawn.h).  In the child: only
 * async-signal-safe calls.  Returns 0 in the process that goes on to
 * exec, -1 with errno set and *stage saying what failed.  Given a PID
 * namespace, the child forks a sibling inside it, sends the harness the
 * sibling's PID through errpipe and exits; the sibling goes on. */
static int join_namespaces(const struct ga_spawn_join *j, int errpipe,
			   pid_t parent, int *stage)
{
	struct child_failure f = { 0, STAGE_FORKED, 0 };
	struct pollfd pfd;
	int harness;
	pid_t p;

	*stage = STAGE_JOIN_UTS;
	if (j->uts_fd >= 0 && setns(j->uts_fd, CLONE_NEWUTS) != 0)
		return -1;
	*stage = STAGE_JOIN_IPC;
	if (j->ipc_fd >= 0 && setns(j->ipc_fd, CLONE_NEWIPC) != 0)
		return -1;
	/* also makes the namespace's root our root and working directory */
	*stage = STAGE_JOIN_MNT;
	if (j->mnt_fd >= 0 && setns(j->mnt_fd, CLONE_NEWNS) != 0)
		return -1;
	if (j->pid_fd < 0)
		return 0;
	*stage = STAGE_JOIN_PID;
	if (setns(j->pid_fd, CLONE_NEWPID) != 0)
		return -1;
	/* the sibling's death signal is about the harness, which may die
	 * before the sibling sets it: it checks this pidfd afterwards
	 * (getppid() says 0 across PID namespaces) */
	*stage = STAGE_CLONE;
	harness = (int)syscall(SYS_pidfd_open, parent, 0);
	if (harness < 0)
		return -1;
	p = fork_sibling();
	if (p < 0)
		return -1;
	if (p > 0) {
		f.index = (int)p;
		if (write(errpipe, &f, sizeof(f)) != (ssize_t)sizeof(f))
			kill(p, SIGKILL);
		_exit(0);
	}
	*stage = STAGE_SETUP;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		return -1;
	pfd.fd = harness;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 0) != 0)      /* readable: the harness is gone */
		_exit(127);
	close(harness);
	return 0;
}

/* Runs in the child between fork and exec: only async-signal-safe calls.
 * envp: its environment (the harness's, or ga_spawn's merge with
 * opts->env). */
static void child_exec(const struct ga_spawn_opts *opts, int errpipe,
		       pid_t parent, int harness_fd, char *const *envp)
{
	const char *in = opts->input_path ? opts->input_path : "/dev/null";
	const char *out = opts->output_path ? opts->output_path : "/dev/null";
	/* never through a symlink: a confined server's user may own the
	 * log it writes (server.h), never the directory it is in */
	int out_flags = opts->output_path ? O_WRONLY | O_CREAT | O_APPEND |
					    O_NOFOLLOW : O_WRONLY;
	const struct ga_spawn_join *j = opts->join;
	struct child_failure f = { 0, STAGE_SETUP, 0 };
	int keep[MAX_KEEP];
	sigset_t none;

	if (opts->in_cgroup) {
		f.stage = STAGE_CGROUP;
		/* "0": the writer itself (cgroup v1 and v2 alike) */
		if (write(opts->cgroup_fd, "0\n", 2) != 2)
			goto fail;
		f.stage = STAGE_SETUP;
	}
	if (!opts->detach && prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		goto fail;
	if (!opts->detach && harness_fd < 0 && getppid() != parent)
		_exit(127);     /* the harness died before prctl */
	if (harness_fd >= 0) {
		/* PID 1 of a new namespace: getppid() says 0, so the
		 * harness's own pidfd tells whether it is gone */
		struct pollfd hp = { .fd = harness_fd, .events = POLLIN };

		if (poll(&hp, 1, 0) != 0)
			_exit(127);
		close(harness_fd);
		f.stage = STAGE_CLONE;
		if (opts->own_group && setpgid(0, 0) != 0)
			goto fail;
		if (become_init() != 0)
			goto fail;
		/* the process that goes on: the init's child */
	}
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) != 0)
		goto fail;
	signal(SIGPIPE, SIG_DFL);
	if (opts->file_max > 0) {
		struct rlimit fsize = { (rlim_t)opts->file_max,
					(rlim_t)opts->file_max };

		/* a write past it fails (EFBIG) instead of killing */
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &fsize) != 0)
			goto fail;
	}
	f.stage = STAGE_NETNS;
	if (opts->netns_fd >= 0 && setns(opts->netns_fd, CLONE_NEWNET) != 0)
		goto fail;
	if (opts->netns_fd < 0 && opts->new_netns && unshare(CLONE_NEWNET) != 0)
		goto fail;
	f.stage = STAGE_NET_CONFINE;
	if (opts->net_confined && confine_net() != 0)
		goto fail;
	f.stage = STAGE_SETUP;
	if (opts->own_group && setpgid(0, 0) != 0)
		goto fail;
	f.stage = STAGE_DETACH;
	if (opts->detach && setsid() < 0)
		goto fail;
	if (errpipe <= 2) {     /* the harness runs with 0, 1 or 2 closed */
		errpipe = fcntl(errpipe, F_DUPFD_CLOEXEC, 3);
		if (errpipe < 0)
			_exit(127);
	}
	f.stage = STAGE_REDIRECT;
	if (opts->pipes) {
		/* the pipes sit above 2: the harness keeps 0-2 open */
		if (redirect(2, out, out_flags) != 0 ||
		    dup2(opts->pipes[0], 0) < 0 || dup2(opts->pipes[1], 1) < 0)
			goto fail;
	} else if (redirect(0, in, O_RDONLY) != 0 ||
		   redirect(1, out, out_flags) != 0 || dup2(1, 2) < 0) {
		goto fail;
	}
	/* before the chroot: the fallback reads /proc, which a root lacks */
	f.stage = STAGE_CLOSE_FDS;
	keep[0] = errpipe;
	keep[1] = j ? j->mnt_fd : -1;
	keep[2] = j ? j->uts_fd : -1;
	keep[3] = j ? j->ipc_fd : -1;
	keep[4] = j ? j->pid_fd : -1;
	if (close_fds_above_2(keep, MAX_KEEP) != 0)
		goto fail;
	if (opts->root && enter_root(opts->root, opts->files, &f.stage,
				     &f.index) != 0)
		goto fail;
	if (!opts->root && opts->files &&
	    own_files(opts->files, &f.stage, &f.index) != 0)
		goto fail;
	if (j && join_namespaces(j, errpipe, parent, &f.stage) != 0)
		goto fail;
	if (opts->confine &&
	    confine(opts->confine, opts->root || opts->files, opts->root || j,
		    &f.stage, &f.index) != 0)
		goto fail;
	/* the harness died before the death signal was set again (a
	 * joined PID namespace's getppid() says 0: its window is the few
	 * calls since join_namespaces() looked; in a new one the parent is
	 * its init, which dies with the harness and takes it along) */
	if (opts->confine && !(j && j->pid_fd >= 0) && !opts->new_pidns &&
	    getppid() != parent)
		_exit(127);
	f.stage = STAGE_CHDIR;
	if (opts->cwd && chdir(opts->cwd) != 0)
		goto fail;
	f.stage = STAGE_EXEC;
	execve(opts->argv[0], (char *const *)opts->argv, envp);
fail:
	f.err = errno;
	if (write(errpipe, &f, sizeof(f)) < 0)
		_exit(127);
	_exit(127);
}

/* What a confined child's view failed at (f: STAGE_VIEW...), into what. */
static void view_failed(const struct ga_spawn_view *v,
			const struct child_failure *f, char *what, size_t len)
{
	size_t i = f->index >= 0 ? (size_t)f->index : 0;

	if (!v) {
		snprintf(what, len, "its view (stage %d)", f->stage);
		return;
	}
	switch (f->stage) {
	case STAGE_VIEW + GA_VIEW_CLONE:
	case STAGE_VIEW + GA_VIEW_MOVE:
		snprintf(what, len, "%s %s to reach it", f->stage ==
			 STAGE_VIEW + GA_VIEW_CLONE ? "a clone of" : "binding",
			 i < v->nreach ? v->reach[i] : "?");
		break;
	case STAGE_VIEW + GA_VIEW_TOP:
		snprintf(what, len, "a tmpfs on %s, which others cannot "
			 "search", i < v->ntops ? v->top[i] : "?");
		break;
	case STAGE_VIEW + GA_VIEW_DIR:
		snprintf(what, len, "mkdir %s in the tmpfs above it",
			 i < v->ndirs ? v->dirs[i] : "?");
		break;
	case STAGE_VIEW + GA_VIEW_LINK:
		snprintf(what, len, "the link %s in the tmpfs above it",
			 i < v->nlinks ? v->link[i] : "?");
		break;
	case STAGE_VIEW + GA_VIEW_OVER:
		snprintf(what, len, "bind %s over %s", v->over_src,
			 v->over_dst);
		break;
	case STAGE_VIEW + GA_VIEW_TMPFS:
		snprintf(what, len, "a tmpfs of its own on %s", v->tmpfs);
		break;
	case STAGE_VIEW_RO:
		snprintf(what, len, "remount %s read-only", i < v->nreach ?
			 v->reach[i] : i - v->nreach < v->ntops ?
			 v->top[i - v->nreach] : "?");
		break;
	default:
		snprintf(what, len, "making %s writable again", i < v->nwritable ?
			 v->writable[i] : i == v->nwritable ? v->tmpfs : "/proc");
		break;
	}
}

/* What failed in the child, as an error: "starting PROG: WHAT: errno". */
static int child_failed(const struct ga_spawn_opts *opts,
			const struct child_failure *f, struct ga_error *err)
{
	static const struct ga_spawn_root none;
	const struct ga_spawn_root *r = opts->root ? opts->root : &none;
	int i = f->index >= 0 && f->index < GA_SPAWN_DEVICES ? f->index : 0;
	char what[2 * PATH_MAX + 64];

	switch (f->stage) {
	case STAGE_EXEC:
		return ga_error_errno(err, f->err, "starting %s%s%s",
				      opts->argv[0], r->root[0] ? " in " : "",
				      r->root);
	case STAGE_SETUP:
		snprintf(what, sizeof(what), "signals or its process group");
		break;
	case STAGE_NETNS:
		snprintf(what, sizeof(what), "its network namespace");
		break;
	case STAGE_REDIRECT:
		snprintf(what, sizeof(what), "opening %s or %s",
			 opts->input_path ? opts->input_path : "/dev/null",
			 opts->output_path ? opts->output_path : "/dev/null");
		break;
	case STAGE_CLOSE_FDS:
		snprintf(what, sizeof(what), "closing descriptors");
		break;
	case STAGE_UNSHARE_NS:
		snprintf(what, sizeof(what), "a mount namespace of its own");
		break;
	case STAGE_PRIVATE:
		snprintf(what, sizeof(what), "making / private");
		break;
	case STAGE_BIND_ROOT:
		snprintf(what, sizeof(what), "bind %s onto itself", r->root);
		break;
	case STAGE_BIND_DIR:
		snprintf(what, sizeof(what), "bind %s onto %s", r->dir,
			 r->dir_mount);
		break;
	case STAGE_DEV_TMPFS:
		snprintf(what, sizeof(what), "tmpfs on %s", r->dev);
		break;
	case STAGE_DEV_NODE:
		snprintf(what, sizeof(what), "bind %s onto %s",
			 device_sources[i], r->devices[i]);
		break;
	case STAGE_READ_ONLY:
		snprintf(what, sizeof(what), "remount %s read-only", r->root);
		break;
	case STAGE_CHROOT:
		snprintf(what, sizeof(what), "chroot %s", r->root);
		break;
	case STAGE_JOIN_UTS:
		snprintf(what, sizeof(what), "joining the UTS namespace");
		break;
	case STAGE_JOIN_IPC:
		snprintf(what, sizeof(what), "joining the IPC namespace");
		break;
	case STAGE_JOIN_MNT:
		snprintf(what, sizeof(what), "joining the mount namespace");
		break;
	case STAGE_JOIN_PID:
		snprintf(what, sizeof(what), "joining the PID namespace");
		break;
	case STAGE_CLONE:
		snprintf(what, sizeof(what), "forking into the PID namespace");
		break;
	case STAGE_DETACH:
		snprintf(what, sizeof(what), "a session of its own");
		break;
	case STAGE_CGROUP:
		snprintf(what, sizeof(what), "entering its memory cgroup");
		break;
	case STAGE_NET_CONFINE:
		snprintf(what, sizeof(what), "a read-only /proc/sys and no "
			 "CAP_NET_ADMIN or CAP_NET_RAW");
		break;
	case STAGE_CONFINE_BIND:
		snprintf(what, sizeof(what), "bind %s onto itself",
			 opts->confine ? opts->confine->writable : "?");
		break;
	case STAGE_CONFINE_RO:
		if (opts->confine && opts->confine->mounts && f->index >= 0 &&
		    (size_t)f->index < opts->confine->nmounts)
			snprintf(what, sizeof(what), "remount %s read-only",
				 opts->confine->mounts[f->index]);
		else
			snprintf(what, sizeof(what), "making every mount "
				 "read-only (mount_setattr)");
		break;
	case STAGE_CONFINE_WRITABLE:
		snprintf(what, sizeof(what), "making %s writable again",
			 opts->confine ? opts->confine->writable : "?");
		break;
	case STAGE_VIEW + GA_VIEW_CLONE:
	case STAGE_VIEW + GA_VIEW_TOP:
	case STAGE_VIEW + GA_VIEW_DIR:
	case STAGE_VIEW + GA_VIEW_LINK:
	case STAGE_VIEW + GA_VIEW_MOVE:
	case STAGE_VIEW + GA_VIEW_OVER:
	case STAGE_VIEW + GA_VIEW_TMPFS:
	case STAGE_VIEW_RO:
	case STAGE_VIEW_WRITABLE:
		view_failed(opts->confine ? opts->confine->view : NULL, f,
			    what, sizeof(what));
		break;
	case STAGE_CONFINE_USER:
		snprintf(what, sizeof(what), "becoming user %u, group %u",
			 opts->confine ? opts->confine->uid : 0,
			 opts->confine ? opts->confine->gid : 0);
		break;
	case STAGE_CHDIR:
		snprintf(what, sizeof(what), "its working directory %s",
			 opts->cwd);
		break;
	case STAGE_BIND_FILE:
		if (opts->files && f->index >= 0 &&
		    f->index < GA_SPAWN_FILES)
			snprintf(what, sizeof(what), "bind %s onto %s",
				 opts->files->source[f->index],
				 opts->files->target[f->index]);
		else
			snprintf(what, sizeof(what), "binding a file");
		break;
	case STAGE_HIDE:
		if (opts->files && f->index >= 0 &&
		    f->index < GA_SPAWN_HIDES)
			snprintf(what, sizeof(what), "tmpfs on %s",
				 opts->files->hide[f->index]);
		else
			snprintf(what, sizeof(what), "hiding a directory");
		break;
	default:
		snprintf(what, sizeof(what), "stage %d", f->stage);
		break;
	}
	return ga_error_errno(err, f->err, "starting %s: %s", opts->argv[0],
			      what);
}

static int spawn_with(const struct ga_spawn_opts *opts, char *const *envp,
		      pid_t *pid, int *pidfd, struct ga_error *err);

/* Whether entry ("NAME=VALUE") has the name of one of set's. */
static bool env_named(const char *entry, const char *const *set)
{
	size_t n = strcspn(entry, "=");

	for (; *set; set++)
		if (strncmp(*set, entry, n) == 0 && (*set)[n] == '=')
			return true;
	return false;
}

/* The harness's environment with env's entries in place of its own of
 * their names: a new array (free() it; the strings are borrowed), or
 * NULL when out of memory. */
static char **merged_env(const char *const *env)
{
	extern char **environ;
	size_t n = 0, k = 0, i;
	char **out;

	for (i = 0; environ[i]; i++)
		n++;
	for (i = 0; env[i]; i++)
		n++;
	out = malloc((n + 1) * sizeof(*out));
	if (!out)
		return NULL;
	for (i = 0; environ[i]; i++)
		if (!env_named(environ[i], env))
			out[k++] = environ[i];
	for (i = 0; env[i]; i++)
		out[k++] = (char *)env[i];
	out[k] = NULL;
	return out;
}

int ga_spawn(const struct ga_spawn_opts *opts, pid_t *pid, int *pidfd,
	     struct ga_error *err)
{
	extern char **environ;
	char **envp = NULL;
	int rc;

	if (opts->env) {
		envp = merged_env(opts->env);
		if (!envp)
			return ga_error_set(err, "out of memory");
	}
	rc = spawn_with(opts, envp ? envp : environ, pid, pidfd, err);
	free(envp);
	return rc;
}

/* ga_spawn, its environment envp made. */
static int spawn_with(const struct ga_spawn_opts *opts, char *const *envp,
		      pid_t *pid, int *pidfd, struct ga_error *err)
{
	pid_t parent = getpid(), sibling = 0;
	struct child_failure f, rec;
	bool failed = false;
	int pipefd[2], harness_fd = -1;
	ssize_t n;
	pid_t p;

	if (opts->new_pidns && (opts->join || opts->detach))
		return ga_error_set(err, "a new PID namespace cannot be joined "
				    "or detached");
	if (opts->files && opts->join)
		return ga_error_set(err, "files cannot be bound into a joined "
				    "mount namespace");
	if (opts->confine && (!opts->confine->uid || !opts->confine->gid))
		return ga_error_set(err, "a confined child has no user of its "
				    "own");
	if (opts->new_pidns) {
		harness_fd = (int)syscall(SYS_pidfd_open, parent, 0);
		if (harness_fd < 0)
			return ga_error_errno(err, errno, "pidfd_open");
		fcntl(harness_fd, F_SETFD, FD_CLOEXEC);
	}
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		if (harness_fd >= 0)
			close(harness_fd);
		return ga_error_errno(err, errno, "pipe");
	}
	p = opts->new_pidns ? fork_into_new_pidns() : fork();
	if (p < 0) {
		int e = errno;

		close(pipefd[0]);
		close(pipefd[1]);
		if (harness_fd >= 0)
			close(harness_fd);
		return ga_error_errno(err, e, opts->new_pidns ?
				      "clone (a new PID namespace)" : "fork");
	}
	if (p == 0) {
		close(pipefd[0]);
		child_exec(opts, pipefd[1], parent, harness_fd, envp);
	}
	if (harness_fd >= 0)
		close(harness_fd);
	close(pipefd[1]);
	/* every record until every write end is closed (at exec, or at the
	 * end of a child that failed): a failure, and the PID of the process
	 * forked into a PID namespace - in either order, as that process may
	 * fail before the one that forked it has sent its PID.  Then the
	 * first child has exited, and that process is the one that execs. */
	for (;;) {
		n = read(pipefd[0], &rec, sizeof(rec));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(rec))
			break;
		if (rec.stage == STAGE_FORKED && !sibling)
			sibling = (pid_t)rec.index;
		else if (rec.stage != STAGE_FORKED && !failed) {
			f = rec;
			failed = true;
		}
	}
	close(pipefd[0]);
	if (sibling) {
		waitpid(p, NULL, 0);
		p = sibling;
	}
	if (failed) {
		waitpid(p, NULL, 0);
		return child_failed(opts, &f, err);
	}
	*pidfd = pidfd_open_compat(p);
	if (*pidfd < 0) {
		int e = errno;

		kill(p, SIGKILL);
		waitpid(p, NULL, 0);
		return ga_error_errno(err, e, "pidfd_open");
	}
	*pid = p;
	return 0;
}

int ga_spawn_bind_into(int mnt_fd, const char *dir, const char *target,
		       struct ga_error *err)
{
	struct child_failure f = { 0, STAGE_JOIN_MNT, 0 };
	int tree, pipefd[2], status;
	ssize_t n;
	pid_t p;

	/* a detached copy of the bind, made here in the host's namespace */
	tree = (int)syscall(SYS_open_tree, AT_FDCWD, dir,
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return ga_error_errno(err, errno, "open_tree %s (the mount "
				      "API: Linux 5.2 or later)", dir);
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		close(tree);
		return ga_error_errno(err, errno, "pipe");
	}
	p = fork();
	if (p == 0) {
		/* only async-signal-safe calls */
		close(pipefd[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (setns(mnt_fd, CLONE_NEWNS) != 0)
			goto fail;
		f.stage = STAGE_BIND_DIR;
		if (mkdir(target, 0755) != 0 && errno != EEXIST)
			goto fail;
		if (syscall(SYS_move_mount, tree, "", AT_FDCWD, target,
			    MOVE_MOUNT_F_EMPTY_PATH) != 0)
			goto fail;
		_exit(0);
fail:
		f.err = errno;
		if (write(pipefd[1], &f, sizeof(f)) < 0)
			_exit(2);
		_exit(1);
	}
	close(pipefd[1]);
	close(tree);
	if (p < 0) {
		close(pipefd[0]);
		return ga_error_errno(err, errno, "fork");
	}
	do {
		n = read(pipefd[0], &f, sizeof(f));
	} while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	while (waitpid(p, &status, 0) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(f))
		return ga_error_errno(err, f.err, "bind %s onto %s in the "
				      "container: %s", dir, target,
				      f.stage == STAGE_JOIN_MNT ?
				      "joining its mount namespace" :
				      "mkdir or move_mount");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return ga_error_set(err, "bind %s onto %s in the container: "
				    "the helper died", dir, target);
	return 0;
}

int ga_spawn_wait(pid_t pid, int pidfd, struct ga_interrupt *in,
		  long timeout_ms, int *status, struct ga_error *err)
{
	int r = ga_interrupt_wait(in, pidfd, timeout_ms);

	if (r < 0)
		return ga_error_set(err, "interrupted");
	if (r == 0)
		return 1;
	if (waitpid(pid, status, 0) != pid)
		return ga_error_errno(err, errno, "waitpid %d", (int)pid);
	return 0;
}

int ga_spawn_run(const struct ga_spawn_opts *opts, struct ga_interrupt *in,
		 long timeout_ms, struct ga_error *err)
{
	char how[64];
	int status = 0;
	pid_t pid;
	int pidfd, r;

	if (ga_spawn(opts, &pid, &pidfd, err))
		return -1;
	r = ga_spawn_wait(pid, pidfd, in, timeout_ms, &status, err);
	if (r != 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(pidfd);
		if (r > 0)
			return ga_error_set(err, "%s did not finish within %ld ms",
					    opts->argv[0], timeout_ms);
		return -1;
	}
	close(pidfd);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	ga_spawn_describe_status(status, how, sizeof(how));
	return ga_error_set(err, "%s %s", opts->argv[0], how);
}

void ga_spawn_describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "was killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "ended with wait status %d", status);
}
