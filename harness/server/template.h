/* template.h - the cached template datadir.
 *
 * A backend's builder (the flavour's own initialisation:
 * mariadb-install-db, "mysqld --initialize-insecure", in the host's
 * filesystem or a root's) runs once per key and its datadir is kept in
 * the cache directory as template-<hash>, made goneaway's own whoever
 * built it (the builder runs confined, as a user of its own:
 * server/internal.h); each scenario then gets a private copy of it.  The key covers how the
 * template is made (a format string), the size and mtime of the server's
 * binaries and the contents of the fixture files, so an upgrade or a
 * fixture change builds a new template.  Builds are serialised with a
 * lock file in the cache directory, so concurrent runs share one
 * template.  Backends whose templates must not replace each other (the
 * local server's, each root's) use cache directories of their own.
 *
 * A build removes the templates of other keys: only those that carry
 * goneaway's mark (util/ownmark.h: a build writes it into each template
 * and building- directory it makes; a directory of such a name that
 * someone else put in the cache is left alone, and so is a template of
 * a goneaway older than the mark).  A concurrent run (of another server
 * binary or fixture) may be copying one at that moment.  So a run
 * copies a template only while it holds a shared flock on the
 * template's directory (ga_template_copy), and the removal takes an
 * exclusive one without waiting: a template in use is left for a later
 * build to remove.  The build lock is created 0600 and never opened
 * through a symlink.
 */
#ifndef GA_TEMPLATE_H
#define GA_TEMPLATE_H

#include <stddef.h>

#include "lab/spawn.h"
#include "util/error.h"
#include "util/interrupt.h"

#define GA_TEMPLATE_MAX_KEYS 4

struct ga_template_opts {
	const char *cache_dir;          /* e.g. ~/.cache/goneaway */
	const char *format;             /* how the builder makes a template */
	/* NULL-terminated lists: files whose size and mtime are part of the
	 * key (binaries), files whose contents are (fixtures). */
	const char *stat_paths[GA_TEMPLATE_MAX_KEYS + 1];
	const char *content_paths[GA_TEMPLATE_MAX_KEYS + 1];
	/* Makes a datadir at datadir (work/data, not there yet), working in
	 * the directory work (which exists and is removed afterwards, with
	 * whatever build left in it).  Returns 0 or -1 with err set. */
	int (*build)(void *arg, struct ga_interrupt *in, const char *work,
		     const char *datadir, struct ga_error *err);
	void *build_arg;                /* borrowed, passed to build */
};

/* Makes sure the template exists (building it if needed) and writes its
 * path into path.  Sets *built to 1 when this call built it. */
int ga_template_ensure(const struct ga_template_opts *opts,
		       struct ga_interrupt *in, char *path, size_t len,
		       int *built, struct ga_error *err);

/* For builders: runs one program of a build to completion (bounded by
 * GA_TEMPLATE_STEP_TIMEOUT_MS), its output going to sp->output_path; on
 * failure err also gets the end of that output. */
#define GA_TEMPLATE_STEP_TIMEOUT_MS 300000
int ga_template_run_step(const struct ga_spawn_opts *sp,
			 struct ga_interrupt *in, struct ga_error *err);

/* Takes a shared lock on the template directory template_dir for as long
 * as *fd (set here) stays open: no stale-template removal removes it
 * meanwhile.  Fails if the template is gone, or was removed while this
 * call waited for the lock.  Release with ga_template_release(). */
int ga_template_hold(const char *template_dir, int *fd,
		     struct ga_error *err);

/* Releases a hold (closes fd); -1 is ignored. */
void ga_template_release(int fd);

/* Copies the template template_dir to dst (a scenario's private datadir)
 * while it holds it. */
int ga_template_copy(const char *template_dir, const char *dst,
		     struct ga_error *err);

/* Removes the templates in cache_dir other than the one named keep
 * ("template-<hash>"), and half-built ones, that carry goneaway's mark,
 * except those a run holds (ga_template_hold): they are skipped, not
 * waited for.  The caller holds
 * the cache's build lock (ga_template_ensure does).  Returns how many
 * were removed. */
int ga_template_remove_stale(const char *cache_dir, const char *keep);

#endif
