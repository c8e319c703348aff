/* spawnview.c - what a confined child sees besides (lab/spawn.h,
 * struct ga_spawn_view): the paths made here, in the parent, and the
 * mounts the child makes of them (ga_spawn_view_enter, lab/internal.h). */
#include "lab/internal.h"
#include "lab/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A top's tmpfs: what it holds is the directories down to what is
 * reached, nothing else. */
#define TOP_OPTS "mode=0755,size=64k,nr_inodes=256"

void ga_spawn_view_init(struct ga_spawn_view *v, unsigned uid, unsigned gid)
{
	v->uid = uid;
	v->gid = gid;
	v->nreach = v->ntops = v->ndirs = v->nwritable = v->nlinks = 0;
	v->tmpfs[0] = v->tmpfs_opts[0] = '\0';
	v->over_src[0] = v->over_dst[0] = '\0';
	v->proc_writable = false;
}

/* Whether path is dir or below it. */
static bool below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '/' || !path[n]);
}

static int add(char (*list)[PATH_MAX], size_t *n, size_t max,
	       const char *path, struct ga_error *err)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(list[i], path) == 0)
			return 0;
	if (*n == max)
		return ga_error_set(err, "more than %zu directories for a "
				    "confined child to reach: %s", max, path);
	if (snprintf(list[*n], PATH_MAX, "%s", path) >= PATH_MAX)
		return ga_error_set(err, "path too long: %s", path);
	(*n)++;
	return 0;
}

/* Whether v's user may search st, a directory. */
static bool searchable(const struct ga_spawn_view *v, const struct stat *st)
{
	if (st->st_uid == v->uid)
		return st->st_mode & S_IXUSR;
	if (st->st_gid == v->gid)
		return st->st_mode & S_IXGRP;
	return st->st_mode & S_IXOTH;
}

/* The topmost directory above dir that v's user cannot search, into top
 * ("" when there is none: dir is reachable as it is). */
static void unsearchable_top(const struct ga_spawn_view *v, const char *dir,
			     char *top)
{
	char path[PATH_MAX];
	struct stat st;
	char *p;

	top[0] = '\0';
	snprintf(path, sizeof(path), "%s", dir);
	for (p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (stat(path, &st) == 0 && !searchable(v, &st)) {
			snprintf(top, PATH_MAX, "%s", path);
			return;
		}
		*p = '/';
	}
}

/* The directories below top down to dir added to v's, parents first;
 * dir itself a file's mount point when it is one and file says so. */
static int add_chain(struct ga_spawn_view *v, const char *top,
		     const char *dir, bool file, struct ga_error *err)
{
	char path[PATH_MAX];
	struct stat st;
	size_t i, k;

	if (strcmp(top, dir) == 0)
		return 0;
	for (k = strlen(top) + 1; ; k++) {
		if (dir[k] != '/' && dir[k] != '\0')
			continue;
		snprintf(path, sizeof(path), "%.*s", (int)k, dir);
		i = v->ndirs;
		if (add(v->dirs, &v->ndirs, GA_SPAWN_VIEW_DIRS, path, err))
			return -1;
		if (v->ndirs > i)
			v->dir_file[i] = file && !dir[k] &&
					 stat(dir, &st) == 0 &&
					 !S_ISDIR(st.st_mode);
		if (!dir[k])
			return 0;
	}
}

int ga_spawn_view_reach(struct ga_spawn_view *v, const char *dir,
			struct ga_error *err)
{
	char top[PATH_MAX];
	size_t i;

	if (dir[0] != '/' || strlen(dir) >= PATH_MAX)
		return ga_error_set(err, "not an absolute path: %s", dir);
	for (i = 0; i < v->nreach; i++)
		if (below(dir, v->reach[i]))
			return 0;
	unsearchable_top(v, dir, top);
	if (!top[0])
		return 0;
	if (add(v->reach, &v->nreach, GA_SPAWN_VIEW_MAX, dir, err) ||
	    add(v->top, &v->ntops, GA_SPAWN_VIEW_MAX, top, err))
		return -1;
	return add_chain(v, top, dir, true, err);
}

int ga_spawn_view_link(struct ga_spawn_view *v, const char *path,
		       const char *target, struct ga_error *err)
{
	char dir[PATH_MAX], in[PATH_MAX + 2], top[PATH_MAX], *slash;
	size_t i;

	if (path[0] != '/' ||
	    snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return ga_error_set(err, "not an absolute path: %s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	/* the link itself: "dir/.", that the top may be dir itself */
	snprintf(in, sizeof(in), "%s/.", dir);
	unsearchable_top(v, in, top);
	if (!top[0] || slash == dir)
		return 0;
	for (i = 0; i < v->nlinks; i++)
		if (strcmp(v->link[i], path) == 0)
			return 0;
	if (v->nlinks == GA_SPAWN_VIEW_LINKS)
		return ga_error_set(err, "more than %d links for a confined "
				    "child to pass: %s", GA_SPAWN_VIEW_LINKS,
				    path);
	if (snprintf(v->link_to[v->nlinks], PATH_MAX, "%s", target) >=
	    PATH_MAX)
		return ga_error_set(err, "path too long: %s", target);
	if (add(v->top, &v->ntops, GA_SPAWN_VIEW_MAX, top, err) ||
	    add_chain(v, top, dir, false, err))
		return -1;
	snprintf(v->link[v->nlinks++], PATH_MAX, "%s", path);
	return 0;
}

int ga_spawn_view_writable(struct ga_spawn_view *v, const char *dir,
			   struct ga_error *err)
{
	if (dir[0] != '/')
		return ga_error_set(err, "not an absolute path: %s", dir);
	return add(v->writable, &v->nwritable, GA_SPAWN_VIEW_MAX, dir, err);
}

int ga_spawn_view_over(struct ga_spawn_view *v, const char *src,
		       const char *dst, struct ga_error *err)
{
	if (src[0] != '/' || dst[0] != '/' ||
	    snprintf(v->over_src, PATH_MAX, "%s", src) >= PATH_MAX ||
	    snprintf(v->over_dst, PATH_MAX, "%s", dst) >= PATH_MAX) {
		v->over_src[0] = v->over_dst[0] = '\0';
		return ga_error_set(err, "not an absolute path: %s or %s", src,
				    dst);
	}
	if (ga_spawn_view_reach(v, dst, err))
		return -1;
	return ga_spawn_view_writable(v, dst, err);
}

int ga_spawn_view_tmpfs(struct ga_spawn_view *v, const char *dir,
			unsigned uid, unsigned gid, long long size,
			struct ga_error *err)
{
	if (dir[0] != '/' ||
	    snprintf(v->tmpfs, sizeof(v->tmpfs), "%s", dir) >=
	    (int)sizeof(v->tmpfs))
		return ga_error_set(err, "not an absolute path: %s", dir);
	snprintf(v->tmpfs_opts, sizeof(v->tmpfs_opts),
		 "mode=0700,uid=%u,gid=%u,size=%lld", uid, gid, size);
	return 0;
}

/* Whether path is below (not at) a directory v reaches. */
static bool reached(const struct ga_spawn_view *v, const char *path)
{
	size_t i;

	for (i = 0; i < v->nreach; i++)
		if (strcmp(path, v->reach[i]) != 0 && below(path, v->reach[i]))
			return true;
	return false;
}

/* A detached clone of dir (and what is mounted below it), or -1. */
static int clone_tree(const char *dir)
{
	return (int)syscall(SYS_open_tree, AT_FDCWD, dir, OPEN_TREE_CLONE |
			    OPEN_TREE_CLOEXEC | AT_RECURSIVE);
}

int ga_spawn_view_enter(const struct ga_spawn_view *v, int *step, int *index)
{
	int fds[GA_SPAWN_VIEW_MAX + 1], e;
	size_t i, n = 0;

	/* a clone of each (and of what goes over), before a top covers it */
	*step = GA_VIEW_CLONE;
	for (n = 0; n < v->nreach; n++) {
		*index = (int)n;
		fds[n] = clone_tree(v->reach[n]);
		if (fds[n] < 0)
			goto fail;
	}
	*step = GA_VIEW_OVER;
	if (v->over_dst[0]) {
		fds[n] = clone_tree(v->over_src);
		if (fds[n] < 0)
			goto fail;
		n++;
	}
	*step = GA_VIEW_TOP;
	for (i = 0; i < v->ntops; i++) {
		*index = (int)i;
		if (mount("tmpfs", v->top[i], "tmpfs", MS_NOSUID | MS_NODEV |
			  MS_NOEXEC, TOP_OPTS) != 0)
			goto fail;
	}
	*step = GA_VIEW_DIR;
	for (i = 0; i < v->ndirs; i++) {
		*index = (int)i;
		if (v->dir_file[i]) {
			e = open(v->dirs[i], O_WRONLY | O_CREAT | O_CLOEXEC,
				 0644);
			if (e < 0)
				goto fail;
			close(e);
		} else if (mkdir(v->dirs[i], 0755) != 0 && errno != EEXIST) {
			goto fail;
		}
	}
	/* a link below what is bound is the bind's, as on the host */
	*step = GA_VIEW_LINK;
	for (i = 0; i < v->nlinks; i++) {
		*index = (int)i;
		if (!reached(v, v->link[i]) &&
		    symlink(v->link_to[i], v->link[i]) != 0 && errno != EEXIST)
			goto fail;
	}
	*step = GA_VIEW_MOVE;
	for (i = 0; i < v->nreach; i++) {
		*index = (int)i;
		if (syscall(SYS_move_mount, fds[i], "", AT_FDCWD, v->reach[i],
			    MOVE_MOUNT_F_EMPTY_PATH) != 0)
			goto fail;
	}
	*step = GA_VIEW_OVER;
	if (v->over_dst[0] &&
	    syscall(SYS_move_mount, fds[n - 1], "", AT_FDCWD, v->over_dst,
		    MOVE_MOUNT_F_EMPTY_PATH) != 0)
		goto fail;
	for (i = 0; i < n; i++)
		close(fds[i]);
	*step = GA_VIEW_TMPFS;
	if (v->tmpfs[0] && mount("tmpfs", v->tmpfs, "tmpfs", MS_NOSUID |
				 MS_NODEV, v->tmpfs_opts) != 0)
		return -1;
	return 0;
fail:
	e = errno;
	for (i = 0; i < n; i++)
		close(fds[i]);
	errno = e;
	return -1;
}
