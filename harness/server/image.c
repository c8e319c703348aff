/* image.c - what the servers of an image's filesystem share (internal.h):
 * the "rootfs" backend runs one chrooted, the "docker" backend inside a
 * container.  Either way the server sees the scenario's private directory
 * at /goneaway (GA_SPAWN_ROOT_MOUNT) and is told everything by
 * /goneaway/my.cnf; the flavour (server/rootfs.h) decides the fixtures and
 * how a template datadir is made.
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
 * the rootfs backend's, whose templates came first.) */
#define IMAGE_FORMAT "rootfs:1:skip-test-db,socket-root,skip-name-resolve"

/* What the template's build needs besides the fixture: it runs as uid 0
 * (the roots' and images' mysql users differ, or there is none); a
 * scenario's server runs as a user of its own (server/uids.h). */
#define IMAGE_EXTRA "user=root\n"

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

int ga_image_build(void *arg, struct ga_interrupt *in, const char *work,
		   const char *datadir, struct ga_error *err)
{
	const struct ga_image_build *b = arg;
	const struct ga_root *root = b->root;
	const char *defaults = "--defaults-file=" GA_SPAWN_ROOT_MOUNT "/my.cnf";
	char cnf[PATH_MAX], sql[PATH_MAX], tmp[PATH_MAX];
	const char *argv[10];
	FILE *f;

	(void)datadir;  /* work/data: /goneaway/data inside */
	snprintf(cnf, sizeof(cnf), "%s/my.cnf", work);
	snprintf(sql, sizeof(sql), "%s/bootstrap.sql", work);
	snprintf(tmp, sizeof(tmp), "%s/tmp", work);
	if (mkdir(tmp, 0700) != 0)
		return ga_error_errno(err, errno, "mkdir %s", tmp);
	if (ga_file_copy(b->sql_path, sql, err))
		return -1;
	f = fopen(cnf, "we");
	if (!f)
		return ga_error_errno(err, errno, "create %s", cnf);
	/* no log-error: what the initialisation says goes to install.log;
	 * its temporary files in work/tmp (the root is read-only: InnoDB
	 * cannot even create the data dictionary without them) */
	fprintf(f, "%s\n[mysqld]\ndatadir=%s/data\nsocket=%s/s.sock\n"
		"pid-file=%s/server.pid\ntmpdir=%s/tmp\n%s", b->fixture_cnf,
		GA_SPAWN_ROOT_MOUNT, GA_SPAWN_ROOT_MOUNT, GA_SPAWN_ROOT_MOUNT,
		GA_SPAWN_ROOT_MOUNT, IMAGE_EXTRA);
	if (fclose(f) != 0)
		return ga_error_errno(err, errno, "write %s", cnf);

	if (root->init == GA_ROOT_INIT_MYSQLD) {
		argv[0] = root->server;
		argv[1] = defaults;
		argv[2] = "--initialize-insecure";     /* root@localhost, no
							* password: socket only */
		argv[3] = "--init-file=" GA_SPAWN_ROOT_MOUNT "/bootstrap.sql";
		argv[4] = NULL;
		return b->step(b->step_arg, in, work, argv, NULL, err);
	}
	argv[0] = root->install_db;
	argv[1] = defaults;
	argv[2] = "--user=root";
	argv[3] = "--skip-test-db";
	argv[4] = "--auth-root-authentication-method=socket";
	argv[5] = "--skip-name-resolve";        /* no host names in grants */
	argv[6] = root->init == GA_ROOT_INIT_INSTALL_DB_EXTRA ?
		  "--extra-file=" GA_SPAWN_ROOT_MOUNT "/bootstrap.sql" : NULL;
	argv[7] = NULL;
	if (b->step(b->step_arg, in, work, argv, NULL, err))
		return -1;
	if (root->init == GA_ROOT_INIT_INSTALL_DB_EXTRA)
		return 0;
	/* the accounts, in bootstrap mode (it reads SQL from stdin) */
	argv[0] = root->server;
	argv[1] = defaults;
	argv[2] = "--bootstrap";
	argv[3] = NULL;
	return b->step(b->step_arg, in, work, argv, sql, err);
}

int ga_image_create(struct ga_server *srv, const struct ga_scenario *sc,
		    struct ga_error *err)
{
	struct ga_server_backend *be = srv->be;

	if (ga_template_copy(be->template_dir, srv->datadir, err))
		return ga_error_prefix(err, "copying the template datadir");
	if (ga_server_copy_tls(srv, err))
		return -1;
	/* the server runs as its own user (server.h): no user= line */
	return ga_server_write_cnf(srv, be->fixture_cnf, GA_SPAWN_ROOT_MOUNT,
				   NULL, sc, err);
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
	opts.netns_fd = srv->netns_fd;
	opts.output_path = srv->errlog;
	opts.root = root;
	opts.join = join;
	opts.files = files;
	/* a memory limit of its own (ga_server_limit_memory) */
	opts.in_cgroup = srv->memcg.procs_fd >= 0;
	opts.cgroup_fd = srv->memcg.procs_fd;
	opts.confine = &srv->confine;
	return ga_spawn(&opts, &srv->pid, &srv->pidfd, err);
}
