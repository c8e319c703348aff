/* server_local.c - the "local" backend: the host's own mariadbd.
 *
 * mariadb-install-db builds a template datadir once (server/template.c);
 * each scenario copies it into its private directory and runs mariadbd
 * on the copy, as a child of the harness inside the lab's server
 * namespace, in a mount namespace of its own where the lab's resolver
 * files stand in for the host's (server/resolver.c).  The child has PR_SET_PDEATHSIG=SIGKILL (lab/spawn.c), so
 * it never outlives the harness.
 */
#include "server/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/spawn.h"
#include "server/template.h"
#include "server/tls.h"
#include "util/fsutil.h"

/* Part of the template's key: change it when local_build changes how a
 * template is made, so old templates are not reused. */
#define LOCAL_FORMAT "install-db:skip-test-db,socket-root,skip-name-resolve"

struct local_build {
	const struct ga_server_options *o;
	const char *fixture_cnf;        /* the fixture's text */
	const char *sql_path;           /* fixtures/server/bootstrap.sql */
};

/* mariadb-install-db with the fixture config and the accounts' SQL. */
static int local_build(void *arg, struct ga_interrupt *in, const char *work,
		       const char *datadir, struct ga_error *err)
{
	const struct local_build *lb = arg;
	char cnf[PATH_MAX], log[PATH_MAX];
	char a_defaults[PATH_MAX + 32], a_extra[PATH_MAX + 32];
	struct ga_spawn_opts sp;
	const char *argv[8];
	FILE *f;

	snprintf(cnf, sizeof(cnf), "%s/my.cnf", work);
	snprintf(log, sizeof(log), "%s/install.log", work);
	f = fopen(cnf, "we");
	if (!f)
		return ga_error_errno(err, errno, "create %s", cnf);
	fprintf(f, "%s\n[mysqld]\ndatadir=%s\n", lb->fixture_cnf, datadir);
	if (fclose(f) != 0)
		return ga_error_errno(err, errno, "write %s", cnf);

	snprintf(a_defaults, sizeof(a_defaults), "--defaults-file=%s", cnf);
	snprintf(a_extra, sizeof(a_extra), "--extra-file=%s", lb->sql_path);
	argv[0] = lb->o->install_db;
	argv[1] = a_defaults;
	argv[2] = "--user=root";
	argv[3] = "--skip-test-db";
	argv[4] = "--auth-root-authentication-method=socket";
	argv[5] = "--skip-name-resolve";        /* no host names in grants */
	argv[6] = a_extra;
	argv[7] = NULL;
	memset(&sp, 0, sizeof(sp));
	sp.argv = argv;
	sp.netns_fd = -1;
	sp.output_path = log;
	return ga_template_run_step(&sp, in, err);
}

static int local_prepare(struct ga_server_backend *be,
			 struct ga_interrupt *in, struct ga_error *err)
{
	const struct ga_server_options *o = &be->opts;
	char cnf[PATH_MAX], sql[PATH_MAX];
	struct ga_template_opts t;
	struct local_build lb;
	int built;

	if (access(o->mariadbd, X_OK) != 0) {
		ga_error_set(err, "no mariadbd at %s (install mariadb-server, "
			     "or pass --mariadbd PATH)", o->mariadbd);
		return GA_SERVER_UNAVAILABLE;
	}
	if (access(o->install_db, X_OK) != 0) {
		ga_error_set(err, "no mariadb-install-db at %s (install "
			     "mariadb-server, or pass --install-db PATH)",
			     o->install_db);
		return GA_SERVER_UNAVAILABLE;
	}
	snprintf(cnf, sizeof(cnf), "%s/server/mariadb.cnf", o->fixtures_dir);
	snprintf(sql, sizeof(sql), "%s/server/bootstrap.sql", o->fixtures_dir);
	if (ga_file_read(cnf, 1 << 20, &be->fixture_cnf, NULL, err))
		return ga_error_prefix(err, "fixture config (pass --fixtures "
				       "DIR)");
	be->start_weight = ga_server_start_weight(GA_FLAVOUR_MARIADB);
	lb.o = o;
	lb.fixture_cnf = be->fixture_cnf;
	lb.sql_path = sql;
	memset(&t, 0, sizeof(t));
	t.cache_dir = o->cache_dir;
	t.format = LOCAL_FORMAT;
	t.stat_paths[0] = o->mariadbd;
	t.content_paths[0] = cnf;
	t.content_paths[1] = sql;
	t.build = local_build;
	t.build_arg = &lb;
	if (ga_tls_ensure(o->cache_dir, in, be->tls_dir, sizeof(be->tls_dir),
			  err))
		return -1;
	return ga_template_ensure(&t, in, be->template_dir,
				  sizeof(be->template_dir), &built, err);
}

static int local_create(struct ga_server *srv, const struct ga_scenario *sc,
			struct ga_error *err)
{
	struct ga_server_backend *be = srv->be;

	if (ga_template_copy(be->template_dir, srv->datadir, err))
		return ga_error_prefix(err, "copying the template datadir");
	/* TLS for the connections that ask for it: a copy of the lab's
	 * certificate the server's own user may read (server.h) */
	if (ga_server_copy_tls(srv, err))
		return -1;
	return ga_server_write_cnf(srv, be->fixture_cnf, srv->dir, NULL, sc,
				   err);
}

static int local_own_netns(const struct ga_server *srv)
{
	(void)srv;
	return -1;
}

static int local_spawn(struct ga_server *srv, struct ga_error *err)
{
	char defaults[PATH_MAX + 32];
	struct ga_spawn_files *files;
	const char *argv[3];
	struct ga_spawn_opts opts;
	int rc;

	files = malloc(sizeof(*files));
	if (!files)
		return ga_error_set(err, "out of memory");
	if (ga_server_resolver(srv->dir, "", files, err)) {
		free(files);
		return -1;
	}
	snprintf(defaults, sizeof(defaults), "--defaults-file=%s", srv->cnf);
	argv[0] = srv->be->opts.mariadbd;
	argv[1] = defaults;
	argv[2] = NULL;
	memset(&opts, 0, sizeof(opts));
	opts.argv = argv;
	opts.netns_fd = srv->netns_fd;
	opts.output_path = srv->errlog;
	opts.files = files;
	/* a memory limit of its own (ga_server_limit_memory) */
	opts.in_cgroup = srv->memcg.procs_fd >= 0;
	opts.cgroup_fd = srv->memcg.procs_fd;
	opts.confine = &srv->confine;
	rc = ga_spawn(&opts, &srv->pid, &srv->pidfd, err);
	free(files);
	return rc;
}

static void local_reap(struct ga_server *srv, int *status)
{
	if (waitpid(srv->pid, status, 0) != srv->pid)
		*status = -1;
}

#define VERSION_TIMEOUT_MS 10000

/* The first line "mariadbd --version" prints, into buf. */
static int binary_version(const char *path, char *buf, size_t len,
			  struct ga_error *err)
{
	const char *tmp = getenv("TMPDIR");
	char tmpl[PATH_MAX];
	const char *argv[] = { path, "--version", NULL };
	struct ga_spawn_opts o = { .argv = argv, .netns_fd = -1 };
	char *text = NULL, *nl;
	int fd, rc;

	snprintf(tmpl, sizeof(tmpl), "%s/goneaway-doctor-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(tmpl);
	if (fd < 0)
		return ga_error_errno(err, errno, "mkstemp");
	close(fd);
	o.output_path = tmpl;
	rc = ga_spawn_run(&o, NULL, VERSION_TIMEOUT_MS, err);
	if (rc == 0)
		rc = ga_file_read(tmpl, 1 << 16, &text, NULL, err);
	unlink(tmpl);
	if (rc)
		return -1;
	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	snprintf(buf, len, "%s", text);
	free(text);
	return 0;
}

/* doctor: the host's mariadbd and mariadb-install-db, which the shipped
 * scenarios need (the default --server). */
static void local_doctor(const struct ga_server_options *o, bool as_root,
			 struct ga_checklist *c)
{
	char version[256];
	struct ga_error err;

	(void)as_root;
	if (access(o->mariadbd, X_OK) != 0) {
		ga_check_line(c, false, true, "mariadbd", "not at %s (install "
			      "mariadb-server, or pass --mariadbd PATH)", o->mariadbd);
	} else if (binary_version(o->mariadbd, version, sizeof(version),
				  &err)) {
		ga_check_line(c, false, true, "mariadbd", "%s", err.msg);
	} else {
		ga_check_line(c, true, true, "mariadbd", "%s", version);
	}
	if (access(o->install_db, X_OK) != 0)
		ga_check_line(c, false, true, "mariadb-install-db", "not at %s (install "
			      "mariadb-server)", o->install_db);
	else
		ga_check_line(c, true, true, "mariadb-install-db", "%s", o->install_db);
}


const struct ga_server_backend_ops ga_server_local = {
	.name = "local",
	.prefix = "local",
	.usage = "local",
	.help = "the host's mariadbd (default)",
	.prepare = local_prepare,
	.release = NULL,
	.create = local_create,
	.own_netns = local_own_netns,
	.spawn = local_spawn,
	.reap = local_reap,
	.lab_resolver = true,
	.inside = NULL,
	.destroy = NULL,
	.doctor = local_doctor,
};
