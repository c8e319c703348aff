/* rootfs.h - a server's root filesystem: what is in it, and where roots are.
 *
 * A root is a directory holding a whole Debian (or container image)
 * filesystem with a MySQL or MariaDB server in it, e.g. one built by
 * ci/build-server-root.sh under GA_ROOTS_DIR.  Its servers need its own
 * libc, so they only ever run chrooted into it (lab/spawn.h,
 * server/server_rootfs.c).  This file finds out, without running anything
 * but the server's "--version", which flavour it holds, where its
 * programs are and how a datadir is made in it.
 *
 * What a root says about itself: DIR/.goneaway-root (KEY=VALUE lines,
 * written by ci/build-server-root.sh: flavour=mysql-9.7, server=...,
 * install_db=...), else which programs exist: usr/sbin/mariadbd is
 * MariaDB, usr/sbin/mysqld alone is MySQL until "--version" says
 * otherwise (old MariaDB servers were called mysqld too).  What is read
 * of a root (its marker, its mariadb-install-db's text) is read beneath
 * it, never through a symlink, a regular file only (util/beneath.h): a
 * root's or an image's link leads to none of the host's files, and a
 * FIFO there blocks nothing.
 */
#ifndef GA_ROOTFS_H
#define GA_ROOTFS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "lab/spawn.h"
#include "lang/outcome.h"
#include "lab/uids.h"
#include "util/error.h"
#include "util/interrupt.h"

/* Where ci/build-server-root.sh puts roots and "--server NAME" looks. */
#define GA_ROOTS_DIR "/var/cache/goneaway/roots"
#define GA_ROOT_MARKER ".goneaway-root"
#define GA_ROOT_NAME_MAX 64

/* How a datadir is made inside the root. */
enum ga_root_init {
	GA_ROOT_INIT_MYSQLD,            /* mysqld --initialize-insecure
					 * --init-file=SQL */
	GA_ROOT_INIT_INSTALL_DB_EXTRA,  /* mariadb-install-db --extra-file=SQL */
	GA_ROOT_INIT_INSTALL_DB_BOOTSTRAP, /* mariadb-install-db, then
					 * mariadbd --bootstrap < SQL (10.5's
					 * has no --extra-file) */
};

struct ga_root {
	char dir[PATH_MAX];             /* absolute, symlinks resolved */
	char name[GA_ROOT_NAME_MAX];    /* the directory's own name */
	bool has_marker;                /* DIR/.goneaway-root exists */
	enum ga_flavour flavour;        /* until ga_root_set_version */
	char server[128];               /* inside: /usr/sbin/mysqld */
	char install_db[128];           /* inside; "" for MySQL */
	enum ga_root_init init;
	char version[128];              /* "9.7.4-2", once known */
	struct ga_server_id id;
};

/* Looks at dir and fills root.  Returns 0, or -1 with err saying what is
 * missing (no such directory, no server program in it). */
int ga_root_detect(const char *dir, struct ga_root *root,
		   struct ga_error *err);

/* The same for a root seen at dir, taken as it is (a container's files at
 * /proc/PID/root, which realpath would make "/"); name is what reports
 * call it (an image's name). */
int ga_root_detect_at(const char *dir, const char *name,
		      struct ga_root *root, struct ga_error *err);

/* Reads "--version" output ("/usr/sbin/mysqld  Ver 9.7.4-2 for Linux on
 * x86_64 ((Debian))") into root->version and root->id; the flavour it
 * names wins over the guess from the programs.  Returns 0, or -1 with err
 * when there is no "Ver " in it. */
int ga_root_set_version(struct ga_root *root, const char *output,
			struct ga_error *err);

/* Runs the root's server with "--version" chrooted, confined as user
 * (server/internal.h, ga_helper_confine: its own user, nothing
 * writable, a network and a PID namespace of its own), its output going
 * through a temporary file in scratch_dir, and passes it to
 * ga_root_set_version.  line (may be NULL) gets the first line it
 * printed.  Needs root. */
int ga_root_probe(struct ga_root *root, const struct ga_uid *user,
		  const char *scratch_dir, struct ga_interrupt *in, char *line,
		  size_t len, struct ga_error *err);

/* ga_root_probe with the server entered as how says (its chroot, or the
 * namespaces it joins, and its confinement; how's argv and output_path
 * are not used). */
int ga_root_probe_with(struct ga_root *root, const struct ga_spawn_opts *how,
		       const char *scratch_dir, struct ga_interrupt *in,
		       char *line, size_t len, struct ga_error *err);

/* The value of KEY=VALUE line key in a marker's text, into buf.  Returns
 * 0, or -1 when the key is not there (buf is then ""). */
int ga_root_marker_value(const char *text, const char *key, char *buf,
			 size_t len);

/* The roots in roots_dir (subdirectories with a marker or a server
 * program; a build's DIR.tmp is not one), by name, sorted; at most max.
 * Returns how many. */
size_t ga_root_list(const char *roots_dir, char (*names)[GA_ROOT_NAME_MAX],
		    size_t max);

#endif
