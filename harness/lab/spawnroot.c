/* spawnroot.c - a child's files (lab/spawn.h): a root it is chrooted
 * into, with /dev's few nodes and a host directory bound in, and files
 * bound in place of the host's, directories hidden.  Run in the child
 * (ga_spawn_enter_root, ga_spawn_own_files: lab/internal.h), but
 * ga_spawn_root_init, which the parent calls. */
#include "lab/internal.h"
#include "lab/spawn.h"

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

const char *const ga_spawn_device_sources[GA_SPAWN_DEVICES] = {
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
				root, ga_spawn_device_sources[i]) >=
			(int)sizeof(r->devices[i]);
	if (bad)
		return ga_error_set(err, "path too long: %s or %s", root, dir);
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

	*stage = GA_STAGE_BIND_FILE;
	for (i = 0; i < fl->n && i < GA_SPAWN_FILES; i++) {
		*index = (int)i;
		if (access(fl->target[i], F_OK) != 0)
			continue;       /* nothing there: nothing to hide */
		if (mount(fl->source[i], fl->target[i], NULL, MS_BIND,
			  NULL) != 0)
			return -1;
	}
	*stage = GA_STAGE_HIDE;
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

int ga_spawn_own_files(const struct ga_spawn_files *fl, int *stage,
		       int *index)
{
	*stage = GA_STAGE_UNSHARE_NS;
	if (unshare(CLONE_NEWNS) != 0)
		return -1;
	*stage = GA_STAGE_PRIVATE;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return -1;
	return bind_files(fl, stage, index);
}

int ga_spawn_enter_root(const struct ga_spawn_root *r,
			const struct ga_spawn_files *fl, int *stage,
			int *index)
{
	int i, fd;

	*stage = GA_STAGE_UNSHARE_NS;
	if (unshare(CLONE_NEWNS) != 0)
		return -1;
	/* "/" is shared on systemd hosts: without this, the mounts below
	 * would appear in the host's namespace too */
	*stage = GA_STAGE_PRIVATE;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return -1;
	/* a mount of its own, to be made read-only below */
	*stage = GA_STAGE_BIND_ROOT;
	if (mount(r->root, r->root, NULL, MS_BIND, NULL) != 0)
		return -1;
	*stage = GA_STAGE_BIND_DIR;
	if (r->dir[0] && mount(r->dir, r->dir_mount, NULL, MS_BIND, NULL) != 0)
		return -1;
	*stage = GA_STAGE_DEV_TMPFS;
	if (mount("tmpfs", r->dev, "tmpfs", MS_NOSUID | MS_NOEXEC,
		  "mode=755,size=16k") != 0)
		return -1;
	*stage = GA_STAGE_DEV_NODE;
	for (i = 0; i < GA_SPAWN_DEVICES; i++) {
		*index = i;
		fd = open(r->devices[i], O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			return -1;
		close(fd);
		if (mount(ga_spawn_device_sources[i], r->devices[i], NULL,
			  MS_BIND, NULL) != 0)
			return -1;
	}
	if (fl && bind_files(fl, stage, index) != 0)
		return -1;
	/* the root stays as it was built, whatever the server does; several
	 * scenarios can share it at once.  No set-user-ID program of it
	 * runs as its owner, and no device node of it opens: a root (an
	 * image) can bring a node of the host's disk, mode 0666 */
	*stage = GA_STAGE_READ_ONLY;
	if (mount(NULL, r->root, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY |
		  MS_NOSUID | MS_NODEV, NULL) != 0)
		return -1;
	*stage = GA_STAGE_CHROOT;
	if (chroot(r->root) != 0 || chdir("/") != 0)
		return -1;
	return 0;
}
