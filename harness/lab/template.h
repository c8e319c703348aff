/* template.h - the cached template datadir.
 *
 * mariadb-install-db runs once per (server binary, fixture config,
 * bootstrap SQL) and its datadir is kept in the cache directory as
 * template-<hash>; each scenario then gets a private copy of it.  The
 * hash covers the binary's size and mtime and both fixture files, so an
 * upgrade or a fixture change builds a new template.  Builds are
 * serialised with a lock file, so concurrent runs share one template.
 *
 * A build removes the templates of other keys, which a concurrent run
 * (of another server binary or fixture) may be copying at that moment.
 * So a run copies a template only while it holds a shared flock on the
 * template's directory (ga_template_copy), and the removal takes an
 * exclusive one without waiting: a template in use is left for a later
 * build to remove.
 */
#ifndef GA_TEMPLATE_H
#define GA_TEMPLATE_H

#include <stddef.h>

#include "util/error.h"
#include "util/interrupt.h"

struct ga_template_opts {
	const char *cache_dir;          /* e.g. ~/.cache/goneaway */
	const char *mariadbd;           /* server binary */
	const char *install_db;         /* mariadb-install-db */
	const char *fixture_cnf_path;   /* fixtures/server/mariadb.cnf */
	const char *bootstrap_sql_path; /* fixtures/server/bootstrap.sql */
};

/* Makes sure the template exists (building it if needed) and writes its
 * path into path.  Sets *built to 1 when this call built it. */
int ga_template_ensure(const struct ga_template_opts *opts,
		       struct ga_interrupt *in, char *path, size_t len,
		       int *built, struct ga_error *err);

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
 * ("template-<hash>"), and half-built ones, except those a run holds
 * (ga_template_hold): they are skipped, not waited for.  The caller holds
 * the cache's build lock (ga_template_ensure does).  Returns how many
 * were removed. */
int ga_template_remove_stale(const char *cache_dir, const char *keep);

#endif
