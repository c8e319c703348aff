/* template.h - the cached template datadir.
 *
 * mariadb-install-db runs once per (server binary, fixture config,
 * bootstrap SQL) and its datadir is kept in the cache directory as
 * template-<hash>; each scenario then gets a private copy of it.  The
 * hash covers the binary's size and mtime and both fixture files, so an
 * upgrade or a fixture change builds a new template.  Builds are
 * serialised with a lock file, so concurrent runs share one template.
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

#endif
