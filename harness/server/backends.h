/* backends.h - the server backends by name, and --server.
 *
 * One row per backend in server/backends.c's table; each backend's ops
 * (server/server.h) carry the prefix --server names it by and the parse
 * of what follows it.
 */
#ifndef GA_SERVER_BACKENDS_H
#define GA_SERVER_BACKENDS_H

#include <stddef.h>

#include "server/server.h"
#include "util/error.h"

/* The NULL-terminated table, in its order. */
const struct ga_server_backend_ops *const *ga_server_backends(void);

/* The backend called name ("local", "rootfs", "docker"); NULL when
 * unknown.  Static. */
const struct ga_server_backend_ops *ga_server_backend_find(const char *name);

/* Reads the argument of --server: a backend's prefix and its argument
 * ("local", "rootfs:DIR", "docker:IMAGE"), or a name a backend knows
 * (NAME, a root in roots_dir, GA_ROOTS_DIR: ci/build-server-root.sh's
 * "mysql-9.7" is roots_dir/mysql-9.7).  Sets *ops and arg (for
 * ga_server_options.arg: the directory, or the image; "" for local).
 * Returns 0, or -1 with err naming what it knows. */
int ga_server_spec_parse(const char *spec, const char *roots_dir,
			 const struct ga_server_backend_ops **ops, char *arg,
			 size_t len, struct ga_error *err);

/* ops's check (server/server.h) of what o names, when it has one:
 * 0, or GA_TRUST_REFUSED or -1 with err set. */
int ga_server_backend_check(const struct ga_server_backend_ops *ops,
			    const struct ga_server_options *o,
			    struct ga_error *err);

#endif
