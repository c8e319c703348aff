/* image.c - what the servers of an image's filesystem share (internal.h):
 * the "rootfs" backend runs one chrooted, the "docker" backend inside a
 * container.  Either way the server sees the scenario's private directory
 * at /goneaway (GA_SPAWN_ROOT_MOUNT) and is told everything by
 * /goneaway/my.cnf; the flavour (server/rootfs.h) decides the fixtures and
 * how a template datadir is made.  That build, confined (internal.h), is
 * the local backend's too.
 */
#include "server/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/spawn.h"
#include "server/template.h"
#include "util/fsutil.h"

/* Part of the template's key: change it when ga_image_build changes how a
 * template is made, so old templates are not reused.  (Its first word is
 * the rootfs backend's, whose templates came first.)  2: the build runs
 * confined, as a user of its own (internal.h), its socket and pid file
 * in run/. */
#define IMAGE_FORMAT "rootfs:2:skip-test-db,socket-root,skip-name-resolve"

void ga_image_fixtures(enum ga_flavour flavour, const char *fixtures_dir,
		       char *cnf, size_t cnf_len, char *sql, size_t sql_len)
{
	bool mysql = flavour == GA_FLAVOUR_MYSQL;

	snprintf(cnf, cnf_len, "%s/server/%s", fixtures_dir,
		 mysql ? "mysql.cnf" : "mariadb.cnf");
	snprintf(sql, sql_len, "%s/server/%s", fixtures_dir,
		 mysql ? "mysql-bootstrap.sql" : "bootstrap.sql");
}

const char *ga_image_format(const struct ga_root *root)
{
	switch (root->init) {
	case GA_ROOT_INIT_MYSQLD:
		return IMAGE_FORMAT ":initialize-insecure";
	case GA_ROOT_INIT_INSTALL_DB_EXTRA:
		return IMAGE_FORMAT ":install-db-extra-file";
	case GA_ROOT_INIT_INSTALL_DB_BOOTSTRAP:
		return IMAGE_FORMAT ":install-db-bootstrap";
	}
	return IMAGE_FORMAT;
}

/* work/NAME, a directory the build's user writes alone. */
static int users_dir(const char *work, const char *name, unsigned uid,
		     struct ga_error *err)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", work, name) >=
	    (int)sizeof(path))
		return ga_error_set(err, "path too long: %s", work);
	if (mkdir(path, 0700) != 0)
		return ga_error_errno(err, errno, "mkdir %s", path);
	if (uid && lchown(path, (uid_t)uid, (gid_t)uid) != 0)
		return ga_error_errno(err, errno, "chown %s", path);
	return 0;
}

/* The build's work directory (ga_image_build): goneaway's, searchable,
 * with my.cnf and the accounts' SQL (read-only for the build), and
 * data/, tmp/ (its temporary files: the root is read-only, and InnoDB
 * cannot even create the data dictionary without them) and run/ (the
 * socket, the pid file), the build's user's. */
static int lay_out(const struct ga_image_build *b, const char *work,
		   struct ga_error *err)
{
	const char *i = b->inside ? b->inside : work;
	char cnf[PATH_MAX], sql[PATH_MAX];
	FILE *f;

	snprintf(cnf, sizeof(cnf), "%s/my.cnf", work);
	snprintf(sql, sizeof(sql), "%s/bootstrap.sql", work);
	if (chmod(work, 0711) != 0)
		return ga_error_errno(err, errno, "chmod %s", work);
	if (users_dir(work, "data", b->uid, err) ||
	    users_dir(work, "tmp", b->uid, err) ||
	    users_dir(work, "run", b->uid, err) ||
	    ga_file_copy(b->sql_path, sql, err))
		return -1;
	f = fopen(cnf, "we");
	if (!f)
		return ga_error_errno(err, errno, "create %s", cnf);
	/* no log-error: what the initialisation says goes to install.log;
	 * no user=: it runs as the user it is started as */
	fprintf(f, "%s\n[mysqld]\ndatadir=%s/data\nsocket=%s/run/s.sock\n"
		"pid-file=%s/run/server.pid\ntmpdir=%s/tmp\n", b->fixture_cnf,
		i, i, i, i);
	if (fclose(f) != 0)
		return ga_error_errno(err, errno, "write %s", cnf);
	return 0;
}

/* The flavour's initialisation, one program at a time (see internal.h). */
static int run_steps(const struct ga_image_build *b, struct ga_interrupt *in,
		     const char *work, struct ga_error *err)
{
	char defaults[PATH_MAX + 32], sql[PATH_MAX + 32], init[PATH_MAX + 32];
	const char *i = b->inside ? b->inside : work;
	char sql_in[PATH_MAX];
	const char *argv[10];

	snprintf(defaults, sizeof(defaults), "--defaults-file=%s/my.cnf", i);
	snprintf(sql, sizeof(sql), "--extra-file=%s/bootstrap.sql", i);
	snprintf(init, sizeof(init), "--init-file=%s/bootstrap.sql", i);
	if (b->init == GA_ROOT_INIT_MYSQLD) {
		argv[0] = b->server;
		argv[1] = defaults;
		argv[2] = "--initialize-insecure";     /* root@localhost, no
							* password: socket only */
		argv[3] = init;
		argv[4] = NULL;
		return b->step(b->step_arg, in, work, argv, NULL, err);
	}
	argv[0] = b->install_db;
	argv[1] = defaults;
	/* root@localhost for the system's root alone, as --user=root made
	 * it when the build ran as root */
	argv[2] = "--auth-root-socket-user=root";
	argv[3] = "--skip-test-db";
	argv[4] = "--auth-root-authentication-method=socket";
	argv[5] = "--skip-name-resolve";        /* no host names in grants */
	argv[6] = b->init == GA_ROOT_INIT_INSTALL_DB_EXTRA ? sql : NULL;
	argv[7] = NULL;
	if (b->step(b->step_arg, in, work, argv, NULL, err))
		return -1;
	if (b->init == GA_ROOT_INIT_INSTALL_DB_EXTRA)
		return 0;
	/* the accounts, in bootstrap mode (it reads SQL from stdin) */
	snprintf(sql_in, sizeof(sql_in), "%s/bootstrap.sql", work);
	argv[0] = b->server;
	argv[1] = defaults;
	argv[2] = "--bootstrap";
	argv[3] = NULL;
	return b->step(b->step_arg, in, work, argv, sql_in, err);
}

int ga_image_build(void *arg, struct ga_interrupt *in, const char *work,
		   const char *datadir, struct ga_error *err)
{
	const struct ga_image_build *b = arg;
	int rc;

	(void)datadir;  /* work/data: INSIDE/data as the build sees it */
	rc = lay_out(b, work, err);
	if (rc == 0)
		rc = run_steps(b, in, work, err);
	/* nothing of the build runs on while goneaway takes its datadir */
	if (b->finish)
		b->finish(b->step_arg);
	return rc;
}

void ga_image_build_of(struct ga_image_build *b, const struct ga_root *root,
		       unsigned uid, const char *fixture_cnf,
		       const char *sql_path)
{
	memset(b, 0, sizeof(*b));
	b->server = root->server;
	b->install_db = root->install_db;
	b->init = root->init;
	b->inside = GA_SPAWN_ROOT_MOUNT;
	b->uid = uid;
	b->fixture_cnf = fixture_cnf;
	b->sql_path = sql_path;
}

int ga_image_create_at(struct ga_server *srv, const struct ga_scenario *sc,
		       const char *seen_dir, struct ga_error *err)
{
	struct ga_server_backend *be = srv->be;

	if (ga_template_copy(be->template_dir, srv->datadir, err))
		return ga_error_prefix(err, "copying the template datadir");
	/* TLS for the connections that ask for it: a copy of the lab's
	 * certificate the server's own user may read (server.h) */
	if (ga_server_copy_tls(srv, err))
		return -1;
	/* the server runs as its own user (server.h): no user= line */
	return ga_server_write_cnf(srv, be->fixture_cnf, seen_dir, NULL, sc,
				   err);
}

int ga_image_create(struct ga_server *srv, const struct ga_scenario *sc,
		    struct ga_error *err)
{
	return ga_image_create_at(srv, sc, GA_SPAWN_ROOT_MOUNT, err);
}

int ga_image_spawn(struct ga_server *srv, const char *server,
		   struct ga_spawn_root *root,
		   const struct ga_spawn_join *join,
		   const struct ga_spawn_files *files, struct ga_error *err)
{
	struct ga_spawn_opts opts;
	const char *argv[3];

	argv[0] = server;
	argv[1] = "--defaults-file=" GA_SPAWN_ROOT_MOUNT "/my.cnf";
	argv[2] = NULL;
	memset(&opts, 0, sizeof(opts));
	opts.argv = argv;
	opts.root = root;
	opts.join = join;
	opts.files = files;
	return ga_server_spawn(srv, &opts, err);
}
