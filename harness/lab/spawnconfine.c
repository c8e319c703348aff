/* spawnconfine.c - a confined child (lab/spawn.h, struct
 * ga_spawn_confine): every mount read-only, nosuid and nodev but its
 * writable directories, a user of its own, no capability; and a
 * network-confined one's read-only /proc/sys.  mount_setattr(2), or
 * each mount point remounted on kernels before 5.12 (the mount points
 * read here, in the parent, by ga_spawn_confine_init). */
#include "lab/internal.h"
#include "lab/spawn.h"
#include "util/grow.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

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

int ga_spawn_confine_net(void)
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

	*stage = GA_STAGE_CONFINE_BIND;
	if (c->writable[0] && mount(c->writable, c->writable, NULL,
				    MS_BIND | MS_REC, NULL) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (mount(v->writable[i], v->writable[i], NULL,
			  MS_BIND | MS_REC, NULL) != 0)
			return -1;
	*stage = GA_STAGE_CONFINE_RO;
	if (!c->mounts && (set_mount_attr("/", AT_RECURSIVE, ATTR_RDONLY |
					  ATTR_NOSUID | ATTR_NODEV, 0) != 0 ||
			   devices_again() != 0))
		return -1;
	for (i = 0; c->mounts && i < c->nmounts; i++) {
		*index = (int)i;
		if (remount(c->mounts[i], true) != 0)
			return -1;
	}
	*stage = GA_STAGE_VIEW_RO;
	if (v && c->mounts && view_read_only(v, index) != 0)
		return -1;
	*stage = GA_STAGE_CONFINE_WRITABLE;
	if (c->writable[0] && writable_again(c, c->writable) != 0)
		return -1;
	*stage = GA_STAGE_VIEW_WRITABLE;
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

int ga_spawn_confine_child(const struct ga_spawn_confine *c, bool own_ns,
			   bool in_root, int *stage, int *index)
{
	if (c->read_only && !(c->mounts && in_root)) {
		*stage = GA_STAGE_UNSHARE_NS;
		if (!own_ns && unshare(CLONE_NEWNS) != 0)
			return -1;
		*stage = GA_STAGE_PRIVATE;
		if (!own_ns && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE,
				     NULL) != 0)
			return -1;
		if (c->view && ga_spawn_view_enter(c->view, stage, index)) {
			*stage += GA_STAGE_VIEW;
			return -1;
		}
		if (confine_mounts(c, stage, index) != 0)
			return -1;
	}
	*stage = GA_STAGE_CONFINE_USER;
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
		if (ga_grow(&c->mounts, &cap, c->nmounts, sizeof(*c->mounts),
			    64))
			goto oom;
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
	ga_strings_free(c->mounts, c->nmounts);
	c->mounts = NULL;
	c->nmounts = 0;
}
