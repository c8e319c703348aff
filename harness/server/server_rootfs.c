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
 * flavour's own initialisation (server/image.c), chrooted the same way and
 * confined as the server is (internal.h, ga_helper_confine: the probe's
 * "--version" too), and kept in a cache directory of the root's own
 * (CACHE/rootfs-NAME), so roots and the local server never replace each
 * other's templates.
 */
#include "server/internal.h"

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
#include "util/trustdir.h"

struct rootfs {
	struct ga_root root;
	char cache_dir[PATH_MAX];       /* CACHE/rootfs-NAME */
	char sql_path[PATH_MAX];        /* the flavour's bootstrap SQL */
	struct ga_uid user;      /* the probe's and the build's,
					 * while prepare runs */
};

/* ---- the template ------------------------------------------------------------ */

/* One program of a build, chrooted with work bound on /goneaway, and
 * confined (internal.h): its own user, /goneaway its only writable
 * directory, a network and a PID namespace of its own. */
static int build_step(void *arg, struct ga_interrupt *in, const char *work,
		      struct ga_spawn_opts *sp, struct ga_error *err)
{
	const struct rootfs *rs = arg;
	struct ga_spawn_confine c = { 0 };
	struct ga_spawn_root *sr;
	int rc = -1;

	sr = malloc(sizeof(*sr));
	if (!sr)
		return ga_error_set(err, "out of memory");
	sp->root = sr;
	if (ga_spawn_root_init(sr, rs->root.dir, work, err) == 0 &&
	    ga_helper_confine(&rs->user, GA_SPAWN_ROOT_MOUNT, sp, &c,
			      err) == 0)
		rc = ga_template_run_step(sp, in, err);
	ga_spawn_confine_release(&c);
	free(sr);
	return rc;
}

/* ga_root_detect() of a root that passes util/trustdir.h's rule: dir at
 * every level, and below it each program of its server (by its own path
 * in the root, no symlink on the way).  Returns 0, GA_TRUSTDIR_REFUSED, or
 * -1 when dir is not a root (err says why). */
static int trusted_root(const char *dir, struct ga_root *root,
			struct ga_error *err)
{
	const char *progs[2];
	int fd, p, rc;
	size_t i;

	fd = ga_trustdir_open(dir, 0, err);
	if (fd < 0)
		return fd == GA_TRUSTDIR_REFUSED ? fd :
		       ga_root_detect(dir, root, err);
	rc = ga_root_detect(dir, root, err);
	progs[0] = root->server;
	progs[1] = root->install_db;
	for (i = 0; rc == 0 && i < 2; i++) {
		if (!progs[i][0])
			continue;
		p = ga_trustdir_open_at(fd, root->dir, progs[i] +
					strspn(progs[i], "/"),
					GA_TRUSTDIR_FILE, err);
		if (p < 0)
			rc = p;
		else
			close(p);
	}
	close(fd);
	return rc;
}

/* --server rootfs:DIR or NAME, before anything runs: a root refused is
 * the run's refusal; one that is no root is prepare's SKIP. */
static int rootfs_check(const struct ga_server_options *o,
			struct ga_error *err)
{
	struct ga_root *root;
	int rc;

	root = malloc(sizeof(*root));
	if (!root)
		return ga_error_set(err, "out of memory");
	rc = trusted_root(o->arg, root, err);
	free(root);
	return rc == GA_TRUSTDIR_REFUSED ? rc : 0;
}

static int rootfs_prepare(struct ga_server_backend *be,
			  struct ga_interrupt *in, struct ga_error *err)
{
	const struct ga_server_options *o = &be->opts;
	char cnf[PATH_MAX], marker[PATH_MAX];
	const char *keys[] = { cnf, NULL, NULL, NULL };
	struct ga_image_build b;
	struct ga_error why;
	struct rootfs *rs;
	char server[PATH_MAX + 128];
	int rc;

	if (!o->arg || !o->arg[0])
		return ga_error_set(err, "the rootfs backend needs a root "
				    "directory (--server rootfs:DIR)");
	rs = calloc(1, sizeof(*rs));
	if (!rs)
		return ga_error_set(err, "out of memory");
	rs->user.lock_fd = -1;
	be->state = rs;
	rc = trusted_root(o->arg, &rs->root, &why);
	if (rc == GA_TRUSTDIR_REFUSED)
		return ga_error_set(err, "%s", why.msg);
	if (rc) {
		ga_error_set(err, "%s (ci/build-server-root.sh builds one: sudo "
			     "sh ci/build-server-root.sh mysql-9.7|mariadb-11.8|"
			     "mariadb-10.5 DIR)", why.msg);
		return GA_SERVER_UNAVAILABLE;
	}
	if (snprintf(rs->cache_dir, sizeof(rs->cache_dir), "%s/rootfs-%s",
		     o->cache_dir, rs->root.name) >= (int)sizeof(rs->cache_dir))
		return ga_error_set(err, "cache path too long: %s", o->cache_dir);
	if (ga_trustdir_mkdirs(rs->cache_dir, err) ||
	    ga_tls_ensure(o->cache_dir, in, be->tls_dir, sizeof(be->tls_dir),
			  err))
		return -1;
	/* Runs the server once (--version): the root can be entered, its
	 * programs run, and the flavour is the one the server names. */
	if (ga_helper_user(&rs->user, err))
		return -1;
	if (ga_root_probe(&rs->root, &rs->user, rs->cache_dir, in, NULL, 0,
			  err))
		return ga_error_prefix(err, "server root %s", rs->root.dir);

	if (ga_image_fixtures(be, rs->root.flavour, cnf, rs->sql_path, err))
		return -1;
	snprintf(server, sizeof(server), "%s%s", rs->root.dir, rs->root.server);
	snprintf(marker, sizeof(marker), "%s/%s", rs->root.dir, GA_ROOT_MARKER);
	ga_image_build_of(&b, &rs->root, rs->user.id, be->fixture_cnf,
			  rs->sql_path);
	b.step = build_step;
	b.step_arg = rs;
	keys[1] = rs->sql_path;
	if (rs->root.has_marker)        /* its package versions, its date */
		keys[2] = marker;
	rc = ga_image_template(be, &b, rs->cache_dir,
			       ga_image_format(&rs->root), server, keys, in,
			       err);
	ga_uid_give(&rs->user); /* nothing of theirs runs now */
	return rc;
}

static void rootfs_release(struct ga_server_backend *be)
{
	struct rootfs *rs = be->state;

	if (rs)
		ga_uid_give(&rs->user);
	free(rs);
	be->state = NULL;
}

/* ---- a scenario's server ------------------------------------------------------ */

static int rootfs_own_netns(const struct ga_server *srv)
{
	(void)srv;
	return -1;
}

static int rootfs_spawn(struct ga_server *srv, struct ga_error *err)
{
	const struct rootfs *rs = srv->be->state;
	struct ga_spawn_files *files;
	struct ga_spawn_root *sr;
	int rc = -1;

	sr = malloc(sizeof(*sr));
	files = malloc(sizeof(*files));
	if (!sr || !files) {
		free(sr);
		free(files);
		return ga_error_set(err, "out of memory");
	}
	if (ga_spawn_root_init(sr, rs->root.dir, srv->dir, err) == 0 &&
	    ga_server_resolver(srv->dir, rs->root.dir, files, err) == 0)
		rc = ga_image_spawn(srv, rs->root.server, sr, NULL, files, err);
	free(files);
	free(sr);
	return rc;
}

/* --server NAME: a root in roots_dir. */
static int rootfs_parse_name(const char *name, const char *roots_dir,
			     char *arg, size_t len, char *known,
			     size_t known_len)
{
	char names[32][GA_ROOT_NAME_MAX];
	size_t n, i, used = 0;

	n = ga_root_list(roots_dir, names, sizeof(names) / sizeof(names[0]));
	for (i = 0; i < n; i++) {
		if (strcmp(name, names[i]) != 0)
			continue;
		if (snprintf(arg, len, "%s/%s", roots_dir, name) >= (int)len)
			break;
		return 0;
	}
	for (i = 0; i < n && used < known_len; i++)
		used += (size_t)snprintf(known + used, known_len - used,
					 ", %s", names[i]);
	return 1;
}

/* The roots "--server NAME" can use, each run once (--version, chrooted
 * and confined as in a run): it can run here if that works.  Optional:
 * only "--server NAME" needs them. */
static void rootfs_doctor(const struct ga_server_options *o, bool is_root,
			  struct ga_checklist *c)
{
	char names[32][GA_ROOT_NAME_MAX], label[GA_ROOT_NAME_MAX + 8];
	char dir[PATH_MAX], how[256], no_user[GA_ERROR_MAX];
	const char *tmp = getenv("TMPDIR");
	struct ga_uid user = { 0, -1 };
	struct ga_error err;
	struct ga_root root;
	size_t n, i;

	(void)o;
	no_user[0] = '\0';
	if (is_root && ga_helper_user(&user, &err))
		snprintf(no_user, sizeof(no_user), "not run: %s", err.msg);
	n = ga_root_list(GA_ROOTS_DIR, names, sizeof(names) / sizeof(names[0]));
	if (n == 0) {
		ga_check_line(c, false, false, "server roots", "none in %s (build one: "
			      "sudo sh ci/build-server-root.sh mysql-9.7 %s/mysql-9.7)",
			      GA_ROOTS_DIR, GA_ROOTS_DIR);
		ga_uid_give(&user);
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(label, sizeof(label), "root %s", names[i]);
		snprintf(dir, sizeof(dir), "%s/%s", GA_ROOTS_DIR, names[i]);
		if (trusted_root(dir, &root, &err)) {
			ga_check_line(c, false, false, label, "%s", err.msg);
		} else if (!is_root) {
			ga_check_line(c, false, false, label, "%s: cannot be entered "
				      "without root (chroot, mounts)", root.server);
		} else if (no_user[0]) {
			ga_check_line(c, false, false, label, "%s", no_user);
		} else if (ga_root_probe(&root, &user, tmp && *tmp ? tmp :
					 "/tmp", NULL, how, sizeof(how), &err)) {
			ga_check_line(c, false, false, label, "%s", err.msg);
		} else {
			ga_check_line(c, true, false, label, "%s%s runs: --server %s",
				      strstr(root.version, "MariaDB") ? "" :
				      root.flavour == GA_FLAVOUR_MYSQL ? "MySQL " :
				      "MariaDB ", root.version, names[i]);
		}
	}
	ga_uid_give(&user);
}


const struct ga_server_backend_ops ga_server_rootfs = {
	.name = "rootfs",
	.prefix = "rootfs:",
	.usage = "rootfs:DIR",
	.arg_name = "path",
	.help = "the MySQL or MariaDB server in the\n"
		"root filesystem DIR (a Debian root\n"
		"or an image's files), chrooted;\n"
		"the root is never written to",
	.names_usage = "NAME",
	.names_help = "the root " GA_ROOTS_DIR "/NAME,\n"
		      "as ci/build-server-root.sh makes\n"
		      "them: mysql-9.7, mariadb-11.8,\n"
		      "mariadb-10.5 (doctor lists them)",
	.parse_name = rootfs_parse_name,
	.check = rootfs_check,
	.prepare = rootfs_prepare,
	.release = rootfs_release,
	.create = ga_image_create,
	.own_netns = rootfs_own_netns,
	.spawn = rootfs_spawn,
	.reap = ga_server_reap,
	.lab_resolver = true,
	.inside = GA_SPAWN_ROOT_MOUNT,
	.destroy = NULL,        /* the mounts died with the server's namespace */
	.doctor = rootfs_doctor,
};
