/* spawnfail.c - what a child that failed before exec was doing, told
 * (ga_spawn_failed, lab/internal.h): its stage and index, from the
 * error pipe, as the path or the namespace it names. */
#include "lab/internal.h"
#include "lab/spawn.h"

#include <stdbool.h>
#include <stdio.h>

/* What a confined child's view failed at (f: GA_STAGE_VIEW...), into what. */
static void view_failed(const struct ga_spawn_view *v,
			const struct ga_spawn_failure *f, char *what,
			size_t len)
{
	size_t i = f->index >= 0 ? (size_t)f->index : 0;

	if (!v) {
		snprintf(what, len, "its view (stage %d)", f->stage);
		return;
	}
	switch (f->stage) {
	case GA_STAGE_VIEW + GA_VIEW_CLONE:
	case GA_STAGE_VIEW + GA_VIEW_MOVE:
		snprintf(what, len, "%s %s to reach it",
			 f->stage == GA_STAGE_VIEW + GA_VIEW_CLONE ?
			 "a clone of" : "binding",
			 i < v->nreach ? v->reach[i] : "?");
		break;
	case GA_STAGE_VIEW + GA_VIEW_TOP:
		snprintf(what, len, "a tmpfs on %s, which others cannot "
			 "search", i < v->ntops ? v->top[i] : "?");
		break;
	case GA_STAGE_VIEW + GA_VIEW_DIR:
		snprintf(what, len, "mkdir %s in the tmpfs above it",
			 i < v->ndirs ? v->dirs[i] : "?");
		break;
	case GA_STAGE_VIEW + GA_VIEW_LINK:
		snprintf(what, len, "the link %s in the tmpfs above it",
			 i < v->nlinks ? v->link[i] : "?");
		break;
	case GA_STAGE_VIEW + GA_VIEW_OVER:
		snprintf(what, len, "bind %s over %s", v->over_src,
			 v->over_dst);
		break;
	case GA_STAGE_VIEW + GA_VIEW_TMPFS:
		snprintf(what, len, "a tmpfs of its own on %s", v->tmpfs);
		break;
	case GA_STAGE_VIEW_RO:
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

/* What the stages that name nothing of opts failed at. */
static const char *const fixed_what[] = {
	[GA_STAGE_SETUP] = "signals or its process group",
	[GA_STAGE_NETNS] = "its network namespace",
	[GA_STAGE_CLOSE_FDS] = "closing descriptors",
	[GA_STAGE_UNSHARE_NS] = "a mount namespace of its own",
	[GA_STAGE_PRIVATE] = "making / private",
	[GA_STAGE_JOIN_UTS] = "joining the UTS namespace",
	[GA_STAGE_JOIN_IPC] = "joining the IPC namespace",
	[GA_STAGE_JOIN_MNT] = "joining the mount namespace",
	[GA_STAGE_JOIN_PID] = "joining the PID namespace",
	[GA_STAGE_CLONE] = "forking into the PID namespace",
	[GA_STAGE_DETACH] = "a session of its own",
	[GA_STAGE_CGROUP] = "entering its memory cgroup",
	[GA_STAGE_NET_CONFINE] = "a read-only /proc/sys and no "
				 "CAP_NET_ADMIN or CAP_NET_RAW",
};

/* What a stage of the root's (spawnroot.c: ga_spawn_enter_root) failed
 * at, into what; false when f's stage is none of them. */
static bool root_failed(const struct ga_spawn_root *r,
			const struct ga_spawn_failure *f, char *what,
			size_t len)
{
	int i = f->index >= 0 && f->index < GA_SPAWN_DEVICES ? f->index : 0;

	switch (f->stage) {
	case GA_STAGE_BIND_ROOT:
		snprintf(what, len, "bind %s onto itself", r->root);
		return true;
	case GA_STAGE_BIND_DIR:
		snprintf(what, len, "bind %s onto %s", r->dir, r->dir_mount);
		return true;
	case GA_STAGE_DEV_TMPFS:
		snprintf(what, len, "tmpfs on %s", r->dev);
		return true;
	case GA_STAGE_DEV_NODE:
		snprintf(what, len, "bind %s onto %s",
			 ga_spawn_device_sources[i], r->devices[i]);
		return true;
	case GA_STAGE_READ_ONLY:
		snprintf(what, len, "remount %s read-only", r->root);
		return true;
	case GA_STAGE_CHROOT:
		snprintf(what, len, "chroot %s", r->root);
		return true;
	default:
		return false;
	}
}

/* What a stage of the files bound in place of the host's failed at,
 * into what; false when f's stage is neither. */
static bool files_failed(const struct ga_spawn_files *fl,
			 const struct ga_spawn_failure *f, char *what,
			 size_t len)
{
	switch (f->stage) {
	case GA_STAGE_BIND_FILE:
		if (fl && f->index >= 0 && f->index < GA_SPAWN_FILES)
			snprintf(what, len, "bind %s onto %s",
				 fl->source[f->index], fl->target[f->index]);
		else
			snprintf(what, len, "binding a file");
		return true;
	case GA_STAGE_HIDE:
		if (fl && f->index >= 0 && f->index < GA_SPAWN_HIDES)
			snprintf(what, len, "tmpfs on %s", fl->hide[f->index]);
		else
			snprintf(what, len, "hiding a directory");
		return true;
	default:
		return false;
	}
}

/* What a stage of the confinement (spawnconfine.c, its view:
 * spawnview.c) failed at, into what; false when f's stage is none of
 * them. */
static bool confine_failed(const struct ga_spawn_confine *c,
			   const struct ga_spawn_failure *f, char *what,
			   size_t len)
{
	if (f->stage >= GA_STAGE_VIEW && f->stage <= GA_STAGE_VIEW_WRITABLE) {
		view_failed(c ? c->view : NULL, f, what, len);
		return true;
	}
	switch (f->stage) {
	case GA_STAGE_CONFINE_BIND:
		snprintf(what, len, "bind %s onto itself",
			 c ? c->writable : "?");
		return true;
	case GA_STAGE_CONFINE_RO:
		if (c && c->mounts && f->index >= 0 &&
		    (size_t)f->index < c->nmounts)
			snprintf(what, len, "remount %s read-only",
				 c->mounts[f->index]);
		else
			snprintf(what, len, "making every mount "
				 "read-only (mount_setattr)");
		return true;
	case GA_STAGE_CONFINE_WRITABLE:
		snprintf(what, len, "making %s writable again",
			 c ? c->writable : "?");
		return true;
	case GA_STAGE_CONFINE_USER:
		snprintf(what, len, "becoming user %u, group %u",
			 c ? c->uid : 0, c ? c->gid : 0);
		return true;
	default:
		return false;
	}
}

int ga_spawn_failed(const struct ga_spawn_opts *opts,
		    const struct ga_spawn_failure *f, struct ga_error *err)
{
	static const struct ga_spawn_root none;
	const struct ga_spawn_root *r = opts->root ? opts->root : &none;
	size_t nfixed = sizeof(fixed_what) / sizeof(fixed_what[0]);
	char what[2 * PATH_MAX + 64];

	if (f->stage == GA_STAGE_EXEC)
		return ga_error_errno(err, f->err, "starting %s%s%s",
				      opts->argv[0], r->root[0] ? " in " : "",
				      r->root);
	if (f->stage >= 0 && (size_t)f->stage < nfixed &&
	    fixed_what[f->stage])
		snprintf(what, sizeof(what), "%s", fixed_what[f->stage]);
	else if (f->stage == GA_STAGE_REDIRECT)
		snprintf(what, sizeof(what), "opening %s or %s",
			 opts->input_path ? opts->input_path : "/dev/null",
			 opts->output_path ? opts->output_path : "/dev/null");
	else if (f->stage == GA_STAGE_CHDIR)
		snprintf(what, sizeof(what), "its working directory %s",
			 opts->cwd);
	else if (!root_failed(r, f, what, sizeof(what)) &&
		 !files_failed(opts->files, f, what, sizeof(what)) &&
		 !confine_failed(opts->confine, f, what, sizeof(what)))
		snprintf(what, sizeof(what), "stage %d", f->stage);
	return ga_error_errno(err, f->err, "starting %s: %s", opts->argv[0],
			      what);
}
