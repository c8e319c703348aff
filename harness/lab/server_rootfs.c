/* server_rootfs.c - the "rootfs" backend: a server unpacked in a root
 * filesystem (a Debian root made by ci/build-server-root.sh, a container
 * image's files), run chrooted in the lab's server namespace.
 *
 * The root is never written to: every start binds the scenario's private
 * directory onto ROOT/goneaway in a mount namespace of the server's own,
 * makes the root read-only there and chroots (lab/spawn.h), so several
 * scenarios and runs can share one root.  The server sees its datadir,
 * socket, error log, pid file and tmpdir under /goneaway; the harness
 * reaches the same socket at srv->socket from the host.
 *
 * The template datadir is made once per (root, fixtures, format) with the
 * flavour's own initialisation, chrooted the same way (lab/rootfs.h says
 * which), and kept in a cache directory of the root's own
 * (CACHE/rootfs-NAME), so roots and the local server never replace each
 * other's templates.
 *
 * The fixtures are per flavour: server/mysql.cnf and mysql-bootstrap.sql
 * for MySQL, server/mariadb.cnf and bootstrap.sql (the local server's)
 * for MariaDB.
 */
#include "lab/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/rootfs.h"
#include "lab/spawn.h"
#include "lab/template.h"
#include "lab/tls.h"
#include "util/fsutil.h"

/* Part of the template's key: change it when rootfs_build changes how a
 * template is made, so old templates are not reused. */
#define ROOTFS_FORMAT "rootfs:1:skip-test-db,socket-root,skip-name-resolve"

/* What the server needs in a read-only root, besides the fixture: it
 * runs as uid 0 (the roots' mysql users differ, or there is none), and
 * its temporary files go to the private directory. */
#define ROOTFS_EXTRA "user=root\ntmpdir=" GA_SPAWN_ROOT_MOUNT "/tmp\n"

/* The lab's TLS certificate (lab/tls.h), copied into each scenario's
 * directory: the chrooted server cannot see the cache.  For the
 * connections that ask for TLS; and MariaDB 11.4 and later, given none,
 * would make one at every start. */
#define ROOTFS_TLS "ssl_cert=" GA_SPAWN_ROOT_MOUNT "/server-cert.pem\n" \
		   "ssl_key=" GA_SPAWN_ROOT_MOUNT "/server-key.pem\n"
static const char *const tls_files[] = { "server-cert.pem", "server-key.pem" };

struct rootfs {
	struct ga_root root;
	char cache_dir[PATH_MAX];       /* CACHE/rootfs-NAME */
	char sql_path[PATH_MAX];        /* the flavour's bootstrap SQL */
};

static const char *flavour_cnf(enum ga_flavour f)
{
	return f == GA_FLAVOUR_MYSQL ? "mysql.cnf" : "mariadb.cnf";
}

static const char *flavour_sql(enum ga_flavour f)
{
	return f == GA_FLAVOUR_MYSQL ? "mysql-bootstrap.sql" : "bootstrap.sql";
}

/* ---- the template ------------------------------------------------------------ */

struct rootfs_build {
	const struct rootfs *rs;
	const char *fixture_cnf;        /* text */
};

/* One program of a build, chrooted with work bound on /goneaway, in a
 * network namespace without interfaces. */
static int build_step(const struct rootfs *rs, struct ga_interrupt *in,
		      const char *work, const char *const *argv,
		      const char *input, struct ga_error *err)
{
	struct ga_spawn_root *sr;
	struct ga_spawn_opts sp;
	char log[PATH_MAX];
	int rc = -1;

	sr = malloc(sizeof(*sr));
	if (!sr)
		return ga_error_set(err, "out of memory");
	snprintf(log, sizeof(log), "%s/install.log", work);
	if (ga_spawn_root_init(sr, rs->root.dir, work, err) == 0) {
		memset(&sp, 0, sizeof(sp));
		sp.argv = argv;
		sp.netns_fd = -1;
		sp.new_netns = true;
		sp.input_path = input;
		sp.output_path = log;
		sp.root = sr;
		rc = ga_template_run_step(&sp, in, err);
	}
	free(sr);
	return rc;
}

static int rootfs_build(void *arg, struct ga_interrupt *in, const char *work,
			const char *datadir, struct ga_error *err)
{
	const struct rootfs_build *b = arg;
	const struct ga_root *root = &b->rs->root;
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
	if (ga_file_copy(b->rs->sql_path, sql, err))
		return -1;
	f = fopen(cnf, "we");
	if (!f)
		return ga_error_errno(err, errno, "create %s", cnf);
	/* no log-error: what the initialisation says goes to install.log */
	fprintf(f, "%s\n[mysqld]\ndatadir=%s/data\nsocket=%s/s.sock\n"
		"pid-file=%s/server.pid\n%s", b->fixture_cnf,
		GA_SPAWN_ROOT_MOUNT, GA_SPAWN_ROOT_MOUNT, GA_SPAWN_ROOT_MOUNT,
		ROOTFS_EXTRA);
	if (fclose(f) != 0)
		return ga_error_errno(err, errno, "write %s", cnf);

	if (root->init == GA_ROOT_INIT_MYSQLD) {
		argv[0] = root->server;
		argv[1] = defaults;
		argv[2] = "--initialize-insecure";     /* root@localhost, no
							* password: socket only */
		argv[3] = "--init-file=" GA_SPAWN_ROOT_MOUNT "/bootstrap.sql";
		argv[4] = NULL;
		return build_step(b->rs, in, work, argv, NULL, err);
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
	if (build_step(b->rs, in, work, argv, NULL, err))
		return -1;
	if (root->init == GA_ROOT_INIT_INSTALL_DB_EXTRA)
		return 0;
	/* the accounts, in bootstrap mode (it reads SQL from stdin) */
	argv[0] = root->server;
	argv[1] = defaults;
	argv[2] = "--bootstrap";
	argv[3] = NULL;
	return build_step(b->rs, in, work, argv, sql, err);
}

static int rootfs_prepare(struct ga_server_backend *be,
			  struct ga_interrupt *in, struct ga_error *err)
{
	const struct ga_server_options *o = &be->opts;
	char cnf[PATH_MAX], marker[PATH_MAX];
	struct ga_template_opts t;
	struct rootfs_build b;
	struct ga_error why;
	struct rootfs *rs;
	char server[PATH_MAX + 128];
	int built;

	if (!o->root || !o->root[0])
		return ga_error_set(err, "the rootfs backend needs a root "
				    "directory (--server rootfs:DIR)");
	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return ga_error_set(err, "out of memory");
	be->state = rs;
	if (ga_root_detect(o->root, &rs->root, &why)) {
		ga_error_set(err, "%s (ci/build-server-root.sh builds one: sudo "
			     "sh ci/build-server-root.sh mysql-9.7|mariadb-11.8|"
			     "mariadb-10.5 DIR)", why.msg);
		return GA_SERVER_UNAVAILABLE;
	}
	if (snprintf(rs->cache_dir, sizeof(rs->cache_dir), "%s/rootfs-%s",
		     o->cache_dir, rs->root.name) >= (int)sizeof(rs->cache_dir))
		return ga_error_set(err, "cache path too long: %s", o->cache_dir);
	if (ga_mkdirs(rs->cache_dir, err) ||
	    ga_tls_ensure(o->cache_dir, in, be->tls_dir, sizeof(be->tls_dir),
			  err))
		return -1;
	/* Runs the server once (--version): the root can be entered, its
	 * programs run, and the flavour is the one the server names. */
	if (ga_root_probe(&rs->root, rs->cache_dir, in, NULL, 0, err))
		return ga_error_prefix(err, "server root %s", rs->root.dir);

	snprintf(cnf, sizeof(cnf), "%s/server/%s", o->fixtures_dir,
		 flavour_cnf(rs->root.flavour));
	snprintf(rs->sql_path, sizeof(rs->sql_path), "%s/server/%s",
		 o->fixtures_dir, flavour_sql(rs->root.flavour));
	if (ga_file_read(cnf, 1 << 20, &be->fixture_cnf, NULL, err))
		return ga_error_prefix(err, "fixture config (pass --fixtures "
				       "DIR)");
	snprintf(server, sizeof(server), "%s%s", rs->root.dir, rs->root.server);
	snprintf(marker, sizeof(marker), "%s/%s", rs->root.dir, GA_ROOT_MARKER);
	b.rs = rs;
	b.fixture_cnf = be->fixture_cnf;
	memset(&t, 0, sizeof(t));
	t.cache_dir = rs->cache_dir;
	t.format = rs->root.init == GA_ROOT_INIT_MYSQLD ?
		   ROOTFS_FORMAT ":initialize-insecure" :
		   rs->root.init == GA_ROOT_INIT_INSTALL_DB_EXTRA ?
		   ROOTFS_FORMAT ":install-db-extra-file" :
		   ROOTFS_FORMAT ":install-db-bootstrap";
	t.stat_paths[0] = server;
	t.content_paths[0] = cnf;
	t.content_paths[1] = rs->sql_path;
	if (rs->root.has_marker)        /* its package versions, its date */
		t.content_paths[2] = marker;
	t.build = rootfs_build;
	t.build_arg = &b;
	return ga_template_ensure(&t, in, be->template_dir,
				  sizeof(be->template_dir), &built, err);
}

static void rootfs_release(struct ga_server_backend *be)
{
	free(be->state);
	be->state = NULL;
}

/* ---- a scenario's server ------------------------------------------------------ */

static int rootfs_create(struct ga_server *srv, const struct ga_scenario *sc,
			 struct ga_error *err)
{
	struct ga_server_backend *be = srv->be;
	char tmp[PATH_MAX], src[PATH_MAX + 32], dst[PATH_MAX + 32];
	size_t i;

	if (ga_template_copy(be->template_dir, srv->datadir, err))
		return ga_error_prefix(err, "copying the template datadir");
	snprintf(tmp, sizeof(tmp), "%s/tmp", srv->dir);
	if (mkdir(tmp, 0700) != 0)
		return ga_error_errno(err, errno, "mkdir %s", tmp);
	for (i = 0; i < sizeof(tls_files) / sizeof(tls_files[0]); i++) {
		snprintf(src, sizeof(src), "%s/%s", be->tls_dir, tls_files[i]);
		snprintf(dst, sizeof(dst), "%s/%s", srv->dir, tls_files[i]);
		if (ga_file_copy(src, dst, err))
			return -1;
	}
	return ga_server_write_cnf(srv, be->fixture_cnf, GA_SPAWN_ROOT_MOUNT,
				   ROOTFS_EXTRA ROOTFS_TLS, sc, err);
}

static int rootfs_own_netns(const struct ga_server *srv)
{
	(void)srv;
	return -1;
}

static int rootfs_spawn(struct ga_server *srv, struct ga_error *err)
{
	const struct rootfs *rs = srv->be->state;
	struct ga_spawn_root *sr;
	struct ga_spawn_opts opts;
	const char *argv[3];
	int rc = -1;

	sr = malloc(sizeof(*sr));
	if (!sr)
		return ga_error_set(err, "out of memory");
	if (ga_spawn_root_init(sr, rs->root.dir, srv->dir, err) == 0) {
		/* first: the root's own /etc/mysql/my.cnf is never read */
		argv[0] = rs->root.server;
		argv[1] = "--defaults-file=" GA_SPAWN_ROOT_MOUNT "/my.cnf";
		argv[2] = NULL;
		memset(&opts, 0, sizeof(opts));
		opts.argv = argv;
		opts.netns_fd = srv->netns_fd;
		opts.output_path = srv->errlog;
		opts.root = sr;
		rc = ga_spawn(&opts, &srv->pid, &srv->pidfd, err);
	}
	free(sr);
	return rc;
}

static void rootfs_reap(struct ga_server *srv, int *status)
{
	if (waitpid(srv->pid, status, 0) != srv->pid)
		*status = -1;
}

const struct ga_server_backend_ops ga_server_rootfs = {
	.name = "rootfs",
	.prepare = rootfs_prepare,
	.release = rootfs_release,
	.create = rootfs_create,
	.own_netns = rootfs_own_netns,
	.spawn = rootfs_spawn,
	.reap = rootfs_reap,
	.destroy = NULL,        /* the mounts died with the server's namespace */
};
