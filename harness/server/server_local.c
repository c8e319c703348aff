/* server_local.c - the "local" backend: the host's own mariadbd.
 *
 * mariadb-install-db builds a template datadir once (server/template.c,
 * server/image.c's build, confined as the server is: server/internal.h);
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/spawn.h"
#include "server/template.h"
#include "server/tls.h"
#include "util/fsutil.h"
#include "util/trustdir.h"

/* Part of the template's key: change it when the build changes how a
 * template is made, so old templates are not reused.  2: the build runs
 * confined (server/internal.h), as a user of its own. */
#define LOCAL_FORMAT "install-db:2:skip-test-db,socket-root,skip-name-resolve"

/* What the local build needs besides the image build's: its user, and
 * where it sees its work directory. */
struct local_build {
	struct ga_uid user;
	/* the first directory on the cache's path that others may not
	 * search (a home, mode 0700): the build's user could not reach
	 * its work directory below it, so the work directory is bound
	 * onto it in the build's mount namespace (what it hides, that user
	 * could not reach anyway); "": none, work is seen where it is */
	char cover[PATH_MAX];
};

/* The first directory on dir's path, from the top, that others may not
 * search, into out ("": none). */
static int unsearchable(const char *dir, char *out, size_t len,
			struct ga_error *err)
{
	char path[PATH_MAX];
	struct stat st;
	size_t i;

	out[0] = '\0';
	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return ga_error_set(err, "path too long: %s", dir);
	for (i = 1; ; i++) {
		char c = path[i];

		if (c != '/' && c != '\0')
			continue;
		path[i] = '\0';
		if (stat(path, &st) != 0)
			return ga_error_errno(err, errno, "stat %s", path);
		if (!(st.st_mode & S_IXOTH)) {
			snprintf(out, len, "%s", path);
			return 0;
		}
		if (c == '\0')
			return 0;
		path[i] = c;
	}
}

/* One program of the build (mariadb-install-db), confined
 * (internal.h): its work directory its only writable one, bound onto
 * lb->cover, if any, in a mount namespace of its own. */
static int local_step(void *arg, struct ga_interrupt *in, const char *work,
		      const char *const *argv, const char *input,
		      struct ga_error *err)
{
	const struct local_build *lb = arg;
	struct ga_spawn_confine c = { 0 };
	struct ga_spawn_files *files = NULL;
	struct ga_spawn_opts sp;
	char log[PATH_MAX];
	int rc = -1;

	snprintf(log, sizeof(log), "%s/install.log", work);
	memset(&sp, 0, sizeof(sp));
	sp.argv = argv;
	sp.netns_fd = -1;
	sp.input_path = input;
	sp.output_path = log;
	if (lb->cover[0]) {
		files = calloc(1, sizeof(*files));
		if (!files)
			return ga_error_set(err, "out of memory");
		files->n = 1;
		snprintf(files->source[0], sizeof(files->source[0]), "%s",
			 work);
		snprintf(files->target[0], sizeof(files->target[0]), "%s",
			 lb->cover);
		sp.files = files;
	}
	if (ga_helper_confine(&lb->user, lb->cover[0] ? lb->cover : work, &sp,
			      &c, err) == 0)
		rc = ga_template_run_step(&sp, in, err);
	ga_spawn_confine_release(&c);
	free(files);
	return rc;
}

/* The programs run as root (the template's build): each passes
 * util/trustdir.h's rule; one not there is prepare's SKIP. */
static int local_check(const struct ga_server_options *o,
		       struct ga_error *err)
{
	const char *progs[2] = { o->mariadbd, o->install_db };
	size_t i;
	int rc;

	for (i = 0; i < 2; i++) {
		if (!progs[i] || access(progs[i], F_OK) != 0)
			continue;
		rc = ga_trustdir_check(progs[i], GA_TRUSTDIR_FILE, err);
		if (rc)
			return rc;
	}
	return 0;
}

static int local_prepare(struct ga_server_backend *be,
			 struct ga_interrupt *in, struct ga_error *err)
{
	const struct ga_server_options *o = &be->opts;
	char cnf[PATH_MAX], sql[PATH_MAX];
	struct ga_template_opts t;
	struct ga_image_build b;
	struct local_build lb;
	int built, rc;

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
	if (local_check(o, err))
		return -1;
	snprintf(cnf, sizeof(cnf), "%s/server/mariadb.cnf", o->fixtures_dir);
	snprintf(sql, sizeof(sql), "%s/server/bootstrap.sql", o->fixtures_dir);
	if (ga_file_read(cnf, 1 << 20, &be->fixture_cnf, NULL, err))
		return ga_error_prefix(err, "fixture config (pass --fixtures "
				       "DIR)");
	be->start_weight = ga_server_start_weight(GA_FLAVOUR_MARIADB);
	if (ga_tls_ensure(o->cache_dir, in, be->tls_dir, sizeof(be->tls_dir),
			  err) ||
	    unsearchable(o->cache_dir, lb.cover, sizeof(lb.cover), err))
		return -1;
	if (strcmp(lb.cover, "/") == 0)
		return ga_error_set(err, "/ is not searchable by others: no "
				    "server's user can run");
	if (ga_helper_user(&lb.user, err))
		return -1;
	memset(&b, 0, sizeof(b));
	b.server = o->mariadbd;
	b.install_db = o->install_db;
	b.init = GA_ROOT_INIT_INSTALL_DB_EXTRA;
	b.inside = lb.cover[0] ? lb.cover : NULL;
	b.uid = lb.user.id;
	b.fixture_cnf = be->fixture_cnf;
	b.sql_path = sql;
	b.step = local_step;
	b.step_arg = &lb;
	memset(&t, 0, sizeof(t));
	t.cache_dir = o->cache_dir;
	t.format = LOCAL_FORMAT;
	t.stat_paths[0] = o->mariadbd;
	t.content_paths[0] = cnf;
	t.content_paths[1] = sql;
	t.build = ga_image_build;
	t.build_arg = &b;
	rc = ga_template_ensure(&t, in, be->template_dir,
				sizeof(be->template_dir), &built, err);
	ga_uid_give(&lb.user);   /* nothing of the build runs now */
	return rc;
}

static int local_create(struct ga_server *srv, const struct ga_scenario *sc,
			struct ga_error *err)
{
	return ga_image_create_at(srv, sc, srv->dir, err);
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
	opts.files = files;
	rc = ga_server_spawn(srv, &opts, err);
	free(files);
	return rc;
}

#define VERSION_TIMEOUT_MS 10000

/* The first line "mariadbd --version" prints, into buf; as root, run
 * confined (internal.h) as a user of the machine's slots. */
static int binary_version(const char *path, char *buf, size_t len,
			  struct ga_error *err)
{
	const char *tmp = getenv("TMPDIR");
	char tmpl[PATH_MAX];
	const char *argv[] = { path, "--version", NULL };
	struct ga_spawn_opts o = { .argv = argv, .netns_fd = -1 };
	struct ga_spawn_confine c = { 0 };
	struct ga_uid user;
	char *text = NULL, *nl;
	int fd, rc;

	if (ga_helper_user(&user, err))
		return -1;
	snprintf(tmpl, sizeof(tmpl), "%s/goneaway-doctor-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(tmpl);
	if (fd < 0) {
		ga_uid_give(&user);
		return ga_error_errno(err, errno, "mkstemp");
	}
	close(fd);
	o.output_path = tmpl;
	rc = ga_helper_confine(&user, "", &o, &c, err);
	if (rc == 0)
		rc = ga_spawn_run(&o, NULL, VERSION_TIMEOUT_MS, err);
	ga_spawn_confine_release(&c);
	ga_uid_give(&user);
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
	.check = local_check,
	.prepare = local_prepare,
	.release = NULL,
	.create = local_create,
	.own_netns = local_own_netns,
	.spawn = local_spawn,
	.reap = ga_server_reap,
	.lab_resolver = true,
	.inside = NULL,
	.destroy = NULL,
	.doctor = local_doctor,
};
