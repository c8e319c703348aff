/* server_docker.c - the "docker" backend: the MySQL or MariaDB server of a
 * container image (--server docker:IMAGE), in a container of its own.
 *
 * Nothing of an image is used but its files: no entrypoint, no
 * environment-variable conventions, so an official image (mysql:8.4,
 * mariadb:11.4) works as well as one that ci/build-server-images.sh makes
 * from a root.  Per scenario:
 *
 *   1. a do-nothing container: "docker run -d --init --network none
 *      --cap-drop ALL --user 65534:65534 --security-opt
 *      no-new-privileges --pull never" with the labels of
 *      server/docker.h and "sleep infinity" as its command (the image's
 *      sleep, as nobody; tini, docker's --init, as its PID 1 reaps
 *      orphans), into whose mount namespace the scenario's
 *      private directory is then bound at /goneaway (lab/spawn.h,
 *      ga_spawn_bind_into).  Its namespaces are opened once, from
 *      /proc/PID/ns/ of its State.Pid, and kept as descriptors: the
 *      network namespace becomes the lab's server namespace (own_netns:
 *      the veth is moved into it from the client side, and every fault
 *      is made in it from the host, as for the other backends), and the
 *      container is never restarted (a restarted container gets a new
 *      network namespace).
 *   2. the server is the harness's own child (lab/spawn.h, join): it
 *      joins the container's network, mount, UTS, IPC and PID
 *      namespaces and runs the image's mysqld or mariadbd with
 *      --defaults-file=/goneaway/my.cnf.  Mount: the image's files are
 *      its root.  UTS: its host name is the container's, which docker
 *      writes into the container's /etc/hosts (mariadb-install-db looks
 *      it up).  IPC: nothing of the host's.  PID: the container's
 *      /proc shows it as itself, and it dies with the container too.
 *      Not the container's user namespace (docker uses none by default),
 *      nor its cgroup (no limits are set); and confined as every server
 *      is (lab/spawn.h): a mount namespace of its own made from the
 *      container's, read-only but /goneaway, and a user of its own
 *      (lab/uids.h), without capabilities.  So
 *      pause (SIGSTOP), crash (SIGKILL), a clean restart (SIGTERM, wait,
 *      exec again in the same namespaces) and the death signal work as
 *      with the local server, by the PID the harness holds.
 *   3. at the end the server is killed and reaped, then the container
 *      removed ("docker rm -f -v": with its anonymous volumes).
 *
 * A "docker run" (with its inspect) takes 0.3 to 0.5 s, more than the
 * rest of a MariaDB scenario's set-up.  So it overlaps: the container of
 * the next scenario the runner names (be->next_label) is started as soon
 * as this one's container is there, while this server starts and the
 * steps run (started at the teardown it was not ready in time: measured);
 * a scenario without one waiting has its container started before its
 * datadir is copied; removals go on in the background (finished when the
 * run ends at the latest).  Because the bind is made after the start, a
 * container can be started before its scenario's directory exists; it is
 * labelled with that scenario all the same.  One started for a scenario
 * that does not come (a failed repetition ends early) is removed.
 *
 * The flavour is read from the image's files (/proc/PID/root of a first
 * container, as server/rootfs.h reads a root) and the server's "--version"
 * run inside it.  The template datadir is made once per image id (the
 * key holds it) with the flavour's own initialisation (server/image.c), run
 * the same way in a container that has the build's work directory at
 * /goneaway, and cached in CACHE/docker-SLUG (SLUG: the image's name).
 * Both the "--version" and the build's steps are confined as the server
 * is (internal.h, ga_helper_confine), as a user held until every
 * container they ran in is gone; the build's container is removed
 * before goneaway takes the datadir (nothing of it runs on).
 *
 * Leaving nothing: every container of a run is labelled with the run's
 * directory; a scenario's is removed at its teardown (also after SIGINT
 * or SIGTERM: the run unwinds), the run's end removes any left by label,
 * and a reaper (server/docker.h) removes them when the run is SIGKILLed.
 */
#include "server/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server/docker.h"
#include "lab/spawn.h"
#include "server/template.h"
#include "server/tls.h"
#include "util/fsutil.h"
#include "util/trustdir.h"

/* Part of the template's key, with the image id and server/image.c's own. */
#define DOCKER_FORMAT "docker:1"

/* One of the run's containers and the namespaces it is kept by. */
struct container {
	char id[80];                    /* "" once removed */
	pid_t pid;                      /* its PID 1 (tini), as the host sees it */
	int net_fd;
	struct ga_spawn_join join;      /* mnt, uts, ipc, pid */
};

struct docker_be {
	struct ga_docker d;
	struct ga_docker_reaper reaper;
	char image_id[96];              /* sha256:...: what every container runs */
	struct ga_root root;            /* what the image holds (root.dir is
					 * stale after prepare) */
	char cache_dir[PATH_MAX];       /* CACHE/docker-SLUG */
	char sql_path[PATH_MAX];
	char format[256];               /* the template's */
	struct ga_uid user;      /* the probe's and the build's, held
					 * until every container they ran in
					 * is gone (release) */
	/* the next scenario's container, started ahead */
	struct ga_docker_call spare;
	char spare_label[256];
	/* removals under way */
	struct ga_docker_call removals[4];
};

static void container_init(struct container *c)
{
	memset(c, 0, sizeof(*c));
	c->net_fd = -1;
	c->join.mnt_fd = c->join.uts_fd = c->join.ipc_fd = c->join.pid_fd = -1;
}

static void close_namespaces(struct container *c)
{
	ga_close_fd(&c->net_fd);
	ga_close_fd(&c->join.mnt_fd);
	ga_close_fd(&c->join.uts_fd);
	ga_close_fd(&c->join.ipc_fd);
	ga_close_fd(&c->join.pid_fd);
}

/* Finishes the removals that have ended; with all, every one (waiting). */
static void finish_removals(struct docker_be *db, bool all)
{
	struct ga_error err;
	size_t i;

	for (i = 0; i < sizeof(db->removals) / sizeof(db->removals[0]); i++) {
		struct ga_docker_call *r = &db->removals[i];

		if (r->pid == 0 || (!all && !ga_docker_done(r)))
			continue;
		/* a failure leaves the container to the run's end */
		if (ga_docker_finish(r, NULL, 0, GA_DOCKER_TIMEOUT_MS, &err))
			fprintf(stderr, "goneaway: %s\n", err.msg);
	}
}

/* Removes c's container (if any) and closes its namespaces.  With wait,
 * the removal is finished here; else it goes on in the background
 * (finish_removals).  Returns 0, or -1 with err set when docker could not
 * remove it (the run's end and the reaper try again, by label). */
static int container_remove(struct docker_be *db, struct container *c,
			    bool wait, struct ga_error *err)
{
	const char *args[] = { "rm", "-f", "-v", c->id, NULL };
	struct ga_docker_call *slot = NULL;
	size_t i;
	int rc = 0;

	close_namespaces(c);
	if (!c->id[0])
		return 0;
	if (!wait) {
		finish_removals(db, false);
		for (i = 0; !slot && i < sizeof(db->removals) /
			    sizeof(db->removals[0]); i++)
			if (db->removals[i].pid == 0)
				slot = &db->removals[i];
	}
	if (slot)
		rc = ga_docker_start(&db->d, args, slot, err);
	else
		rc = ga_docker_run(&db->d, args, NULL, 0, GA_DOCKER_TIMEOUT_MS,
				   err);
	c->id[0] = '\0';
	c->pid = 0;
	return rc;
}

static int open_ns(pid_t pid, const char *name, int *fd, struct ga_error *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return ga_error_errno(err, errno, "open %s (the container's "
				      "PID must be one of this machine's: a "
				      "local engine, not a remote or rootless "
				      "one)", path);
	return 0;
}

/* True when fd is the namespace this process is in itself (name: "net",
 * "mnt"). */
static bool ours(int fd, const char *name)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Starts a do-nothing container of the image, labelled with the run and
 * scenario, as call (finished by container_finish). */
static int container_start(struct docker_be *db, const char *run,
			   const char *scenario, struct ga_docker_call *call,
			   struct ga_error *err)
{
	char l_run[PATH_MAX + 32], l_host[192], l_scen[256];
	const char *args[32];
	int n = 0;

	snprintf(l_run, sizeof(l_run), "%s=%s", GA_DOCKER_LABEL_RUN, run);
	snprintf(l_host, sizeof(l_host), "%s=%s", GA_DOCKER_LABEL_HOST,
		 db->d.hostname);
	snprintf(l_scen, sizeof(l_scen), "%s=%s", GA_DOCKER_LABEL_SCENARIO,
		 scenario);
	args[n++] = "-d";
	args[n++] = "--init";           /* tini reaps orphans */
	args[n++] = "--network";
	args[n++] = "none";             /* the lab wires it */
	args[n++] = "--cap-drop";
	args[n++] = "ALL";              /* sleep needs none; the server is
					 * the harness's child, not its */
	/* the image's sleep is the image's program: nobody, who owns
	 * nothing of the directory bound at /goneaway (the cache's while
	 * the image is looked at, a scenario's), rather than the image's
	 * root, who would own it */
	args[n++] = "--user";
	args[n++] = "65534:65534";
	args[n++] = "--security-opt";
	args[n++] = "no-new-privileges";
	args[n++] = "--pull";
	args[n++] = "never";
	args[n++] = "--label";
	args[n++] = l_run;
	args[n++] = "--label";
	args[n++] = l_host;
	args[n++] = "--label";
	args[n++] = l_scen;
	args[n++] = "--entrypoint";
	args[n++] = "sleep";
	args[n++] = db->image_id;
	args[n++] = "infinity";
	args[n] = NULL;
	return ga_docker_start_container(&db->d, args, call, err);
}

/* Waits for the container call started, opens its namespaces into c.  On
 * failure, whatever was started is removed again. */
static int container_finish(struct docker_be *db, struct ga_docker_call *call,
			    struct container *c, struct ga_error *err)
{
	struct ga_error ignored;
	char out[160], *nl, *end;
	long p;
	int rc;

	container_init(c);
	rc = ga_docker_finish(call, out, sizeof(out), GA_DOCKER_TIMEOUT_MS, err);
	nl = strchr(out, '\n');
	if (nl)
		*nl = '\0';
	snprintf(c->id, sizeof(c->id), "%s", out);
	if (rc)
		goto fail;
	p = nl ? strtol(nl + 1, &end, 10) : 0;
	if (!nl || *end || p <= 0) {
		ga_error_set(err, "container %.12s has no process (State.Pid "
			     "'%s')", c->id, nl ? nl + 1 : "");
		goto fail;
	}
	c->pid = (pid_t)p;
	if (open_ns(c->pid, "net", &c->net_fd, err) ||
	    open_ns(c->pid, "mnt", &c->join.mnt_fd, err) ||
	    open_ns(c->pid, "uts", &c->join.uts_fd, err) ||
	    open_ns(c->pid, "ipc", &c->join.ipc_fd, err) ||
	    open_ns(c->pid, "pid", &c->join.pid_fd, err))
		goto fail;
	/* a PID from another machine's engine can be one of ours that is no
	 * container: its namespaces must never be taken for the lab's */
	if (ours(c->net_fd, "net") || ours(c->join.mnt_fd, "mnt")) {
		ga_error_set(err, "container %.12s: its PID %d is no container "
			     "here (the docker backend needs an engine on this "
			     "machine's kernel, not a remote, rootless or VM "
			     "one)", c->id, (int)c->pid);
		goto fail;
	}
	return 0;
fail:
	container_remove(db, c, true, &ignored);
	return -1;
}

/* Binds dir at /goneaway in c's mount namespace, and checks the
 * container sees it there: a remote engine (or one in a VM) would have
 * given a PID that is no process of ours. */
static int bind_dir(const struct container *c, const char *dir,
		    struct ga_error *err)
{
	char inside[96];
	struct stat a, b;

	if (ga_spawn_bind_into(c->join.mnt_fd, dir, GA_SPAWN_ROOT_MOUNT, err))
		return -1;

	snprintf(inside, sizeof(inside), "/proc/%d/root%s", (int)c->pid,
		 GA_SPAWN_ROOT_MOUNT);
	if (stat(dir, &a) != 0)
		return ga_error_errno(err, errno, "stat %s", dir);
	if (stat(inside, &b) != 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino)
		return ga_error_set(err, "container %.12s does not see %s at "
				    "%s: the docker backend needs an engine on "
				    "this machine's kernel (not a remote, "
				    "rootless or VM one)", c->id, dir,
				    GA_SPAWN_ROOT_MOUNT);
	return 0;
}

/* ---- the template ------------------------------------------------------------ */

struct build_ctx {
	struct docker_be *db;
	const char *run;
	struct container c;             /* started at the first step */
};

/* One program of a build, inside a container that sees work at
 * /goneaway, in its network namespace (lo only), confined (internal.h):
 * its own user, /goneaway its only writable directory. */
static int build_step(void *arg, struct ga_interrupt *in, const char *work,
		      struct ga_spawn_opts *sp, struct ga_error *err)
{
	struct build_ctx *ctx = arg;
	struct ga_spawn_confine c = { 0 };
	struct ga_docker_call call;
	int rc;

	if (!ctx->c.id[0] &&
	    (container_start(ctx->db, ctx->run, "(template)", &call, err) ||
	     container_finish(ctx->db, &call, &ctx->c, err) ||
	     bind_dir(&ctx->c, work, err)))
		return ga_error_prefix(err, "a container for the template");
	sp->netns_fd = ctx->c.net_fd;
	sp->join = &ctx->c.join;
	rc = ga_helper_confine(&ctx->db->user, GA_SPAWN_ROOT_MOUNT, sp, &c,
			       err);
	if (rc == 0)
		rc = ga_template_run_step(sp, in, err);
	ga_spawn_confine_release(&c);
	return rc;
}

/* The end of a build: its container removed, and with it whatever the
 * steps left running there. */
static void build_finish(void *arg)
{
	struct build_ctx *ctx = arg;
	struct ga_error err;

	if (container_remove(ctx->db, &ctx->c, true, &err) != 0)
		fprintf(stderr, "goneaway: %s\n", err.msg);
}

/* What the image holds: its files, read from a first container, and its
 * server's "--version", run in it. */
static int inspect_image(struct docker_be *db, const char *image,
			 const char *run, struct ga_interrupt *in,
			 struct ga_error *err)
{
	struct ga_spawn_confine confine = { 0 };
	struct ga_docker_call call;
	struct ga_spawn_opts how;
	struct ga_error ignored;
	struct container c;
	char dir[64];
	int rc;

	if (container_start(db, run, "(inspect)", &call, err) ||
	    container_finish(db, &call, &c, err))
		return ga_error_prefix(err, "image %s", image);
	/* the engine is this machine's: its container sees our directory */
	rc = bind_dir(&c, db->cache_dir, err);
	snprintf(dir, sizeof(dir), "/proc/%d/root", (int)c.pid);
	if (rc == 0 && ga_root_detect_at(dir, image, &db->root, err) != 0)
		rc = ga_error_set(err, "it holds no MySQL or MariaDB server "
				  "(no /usr/sbin/mariadbd or /usr/sbin/mysqld)");
	memset(&how, 0, sizeof(how));
	how.netns_fd = c.net_fd;
	how.join = &c.join;
	if (rc == 0)
		rc = ga_helper_confine(&db->user, "", &how, &confine, err);
	if (rc == 0)
		rc = ga_root_probe_with(&db->root, &how, db->cache_dir, in,
					NULL, 0, err);
	ga_spawn_confine_release(&confine);
	container_remove(db, &c, false, &ignored);
	if (rc)
		return ga_error_prefix(err, "image %s", image);
	return 0;
}

static int docker_prepare(struct ga_server_backend *be,
			  struct ga_interrupt *in, struct ga_error *err)
{
	const struct ga_server_options *o = &be->opts;
	const char *inspect[] = { "image", "inspect", "--format", "{{.Id}}",
				  o->arg, NULL };
	char cnf[PATH_MAX], version[128], slug[128];
	const char *keys[] = { cnf, NULL, NULL };
	struct ga_image_build b;
	struct build_ctx ctx;
	struct ga_error why, ignored;
	struct docker_be *db;
	int rc;

	if (!o->arg || !o->arg[0])
		return ga_error_set(err, "the docker backend needs an image "
				    "(--server docker:IMAGE)");
	if (!o->run_dir || !o->run_dir[0])
		return ga_error_set(err, "the docker backend needs the run's "
				    "directory (its containers' label)");
	db = calloc(1, sizeof(*db));
	if (!db)
		return ga_error_set(err, "out of memory");
	db->reaper.pidfd = db->reaper.wfd = -1;
	db->user.lock_fd = -1;
	be->state = db;
	if (ga_docker_find(&db->d, getenv("PATH"), getenv("DOCKER_HOST"), err))
		return GA_SERVER_UNAVAILABLE;
	snprintf(db->d.scratch, sizeof(db->d.scratch), "%s", o->run_dir);
	if (ga_docker_ping(&db->d, version, sizeof(version), err))
		return GA_SERVER_UNAVAILABLE;
	if (ga_docker_run(&db->d, inspect, db->image_id, sizeof(db->image_id),
			  GA_DOCKER_TIMEOUT_MS, &why)) {
		ga_error_set(err, "the Docker engine at %s has no image %s "
			     "(docker pull %s; goneaway/mysql:9.7, "
			     "goneaway/mariadb:11.8 and goneaway/mariadb:10.5 "
			     "are made from the server roots by sh "
			     "ci/build-server-images.sh): %s", db->d.host,
			     o->arg, o->arg, why.msg);
		return GA_SERVER_UNAVAILABLE;
	}
	/* from here on, containers exist: the reaper first */
	if (ga_docker_reaper_start(&db->reaper, &db->d, o->run_dir, err))
		return -1;
	ga_docker_image_slug(o->arg, slug, sizeof(slug));
	if (snprintf(db->cache_dir, sizeof(db->cache_dir), "%s/docker-%s",
		     o->cache_dir, slug) >= (int)sizeof(db->cache_dir))
		return ga_error_set(err, "cache path too long: %s", o->cache_dir);
	if (ga_trustdir_mkdirs(db->cache_dir, err) ||
	    ga_tls_ensure(o->cache_dir, in, be->tls_dir, sizeof(be->tls_dir),
			  err) ||
	    ga_helper_user(&db->user, err))
		return -1;
	/* what the image holds and whether its server runs: SKIP, with the
	 * reason, when it does not (no server, no sleep, a remote engine) */
	if (inspect_image(db, o->arg, o->run_dir, in, err))
		return ga_interrupted(in) ? -1 : GA_SERVER_UNAVAILABLE;

	if (ga_image_fixtures(be, db->root.flavour, cnf, db->sql_path, err))
		return -1;
	snprintf(db->format, sizeof(db->format), "%s:%s:%s", DOCKER_FORMAT,
		 db->image_id, ga_image_format(&db->root));
	memset(&ctx, 0, sizeof(ctx));
	ctx.db = db;
	ctx.run = o->run_dir;
	container_init(&ctx.c);
	ga_image_build_of(&b, &db->root, db->user.id, be->fixture_cnf,
			  db->sql_path);
	b.step = build_step;
	b.finish = build_finish;
	b.step_arg = &ctx;
	keys[1] = db->sql_path;
	rc = ga_image_template(be, &b, db->cache_dir, db->format, NULL, keys,
			       in, err);
	container_remove(db, &ctx.c, false, &ignored);  /* no build: none */
	return rc;
}

/* Removes the container started ahead, if any (waiting for it). */
static void drop_spare(struct docker_be *db, bool wait)
{
	struct ga_error ignored;
	struct container c;

	if (db->spare.pid == 0)
		return;
	if (container_finish(db, &db->spare, &c, &ignored) == 0)
		container_remove(db, &c, wait, &ignored);
	db->spare_label[0] = '\0';
}

static void docker_release(struct ga_server_backend *be)
{
	struct docker_be *db = be->state;
	struct ga_error err;
	int n = 0;

	if (!db)
		return;
	drop_spare(db, true);
	finish_removals(db, true);
	/* whatever a scenario's teardown could not remove, or a "docker
	 * run" whose answer was lost */
	if (db->reaper.pid > 0 && be->opts.run_dir &&
	    ga_docker_remove_run(&db->d, be->opts.run_dir, &n, &err) != 0)
		fprintf(stderr, "goneaway: removing the run's containers: %s\n",
			err.msg);
	/* every container the probe and the build ran in is gone */
	ga_uid_give(&db->user);
	ga_docker_reaper_stop(&db->reaper);
	free(db);
	be->state = NULL;
}

/* ---- a scenario's server ------------------------------------------------------ */

static int docker_create(struct ga_server *srv, const struct ga_scenario *sc,
			 struct ga_error *err)
{
	struct docker_be *db = srv->be->state;
	const char *label = ga_scenario_label(sc);
	struct ga_docker_call call;
	struct ga_error ignored;
	struct container *c;
	int rc;

	c = malloc(sizeof(*c));
	if (!c)
		return ga_error_set(err, "out of memory");
	container_init(c);
	srv->state = c;
	/* the container started ahead, if it is this scenario's; else one
	 * starts now, while the datadir is copied */
	if (db->spare.pid && strcmp(db->spare_label, label) == 0) {
		call = db->spare;
		db->spare.pid = 0;
		db->spare_label[0] = '\0';
	} else {
		drop_spare(db, false);
		if (container_start(db, srv->be->opts.run_dir, label, &call,
				    err))
			return ga_error_prefix(err, "the scenario's container");
	}
	rc = ga_image_create(srv, sc, err);
	if (rc) {
		if (container_finish(db, &call, c, &ignored) == 0)
			container_remove(db, c, false, &ignored);
		return -1;
	}
	if (container_finish(db, &call, c, err))
		return ga_error_prefix(err, "the scenario's container");
	/* the next scenario's container, while this one's server starts
	 * and its steps run: started at the teardown, it would not be
	 * ready in time */
	if (srv->be->next_label && !db->spare.pid &&
	    container_start(db, srv->be->opts.run_dir, srv->be->next_label,
			    &db->spare, &ignored) == 0)
		snprintf(db->spare_label, sizeof(db->spare_label), "%s",
			 srv->be->next_label);
	return bind_dir(c, srv->dir, err);
}

static int docker_own_netns(const struct ga_server *srv)
{
	const struct container *c = srv->state;

	return c ? c->net_fd : -1;
}

static int docker_spawn(struct ga_server *srv, struct ga_error *err)
{
	const struct docker_be *db = srv->be->state;
	struct container *c = srv->state;

	return ga_image_spawn(srv, db->root.server, NULL, &c->join, NULL, err);
}

static void docker_destroy(struct ga_server *srv)
{
	struct docker_be *db = srv->be->state;
	struct container *c = srv->state;
	struct ga_error err;

	if (!c)
		return;
	if (container_remove(db, c, false, &err) != 0)
		fprintf(stderr, "goneaway: %s\n", err.msg);
	free(c);
	srv->state = NULL;
}

/* True for an image name that looks like a MySQL or MariaDB server's:
 * goneaway's own, or a repository whose last part names one. */
static bool server_image(const char *repo)
{
	const char *last = strrchr(repo, '/');

	if (strncmp(repo, "goneaway/", 9) == 0)
		return true;
	last = last ? last + 1 : repo;
	return strstr(last, "mysql") || strstr(last, "mariadb") ||
	       strstr(last, "percona");
}

/* The Docker engine (optional: only --server docker:IMAGE needs it) and
 * the images it has that --server docker:IMAGE can use.  They are listed,
 * not started. */
static void check_docker(struct ga_checklist *c)
{
	const char *args[] = { "images", "--format",
			       "{{.Repository}}:{{.Tag}}\t{{.ID}}\t"
			       "{{.Size}}", NULL };
	char version[64], label[96], *list, *row, *save = NULL, *tab, *size;
	struct ga_docker dk;
	struct ga_error err;
	size_t len = 1 << 16;
	int n = 0;

	if (ga_docker_find(&dk, getenv("PATH"), getenv("DOCKER_HOST"), &err)) {
		ga_check_line(c, false, false, "docker", "%s; --server docker:IMAGE "
			      "needs one", err.msg);
		return;
	}
	if (ga_docker_ping(&dk, version, sizeof(version), &err)) {
		ga_check_line(c, false, false, "docker", "%s", err.msg);
		return;
	}
	ga_check_line(c, true, false, "docker", "engine %s at %s%s (client %s)",
		      version, dk.host, dk.host_from_env ? " (DOCKER_HOST)" : "",
		      dk.cli);
	list = malloc(len);
	if (!list || ga_docker_run(&dk, args, list, len, GA_DOCKER_TIMEOUT_MS,
				   &err)) {
		ga_check_line(c, false, false, "docker images", "%s", list ? err.msg :
			      "out of memory");
		free(list);
		return;
	}
	for (row = strtok_r(list, "\n", &save); row;
	     row = strtok_r(NULL, "\n", &save)) {
		tab = strchr(row, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		if (!server_image(row) || strstr(row, "<none>"))
			continue;
		size = strchr(tab + 1, '\t');
		if (size)
			*size++ = '\0';
		snprintf(label, sizeof(label), "image %s", row);
		ga_check_line(c, true, false, label, "id %s, %s: --server docker:%s",
			      tab + 1, size ? size : "?", row);
		n++;
	}
	if (n == 0)
		ga_check_line(c, false, false, "docker images", "none of MySQL or "
			      "MariaDB (sh ci/build-server-images.sh makes "
			      "goneaway/mysql:9.7 and goneaway/mariadb:11.8 from the "
			      "server roots; or docker pull mysql:8.4)");
	free(list);
}

/* Podman, only when it is there: goneaway does not use it. */
static void check_podman(struct ga_checklist *c)
{
	const char *path = getenv("PATH"), *p, *end;
	char prog[PATH_MAX];

	for (p = path ? path : ""; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		if (end == p || p[0] != '/')
			continue;
		snprintf(prog, sizeof(prog), "%.*s/podman", (int)(end - p), p);
		if (access(prog, X_OK) == 0) {
			ga_check_line(c, false, false, "podman", "%s is there, but "
				      "goneaway runs containers with Docker only", prog);
			return;
		}
	}
}

/* sweep: the containers of runs that are gone, when a Docker engine
 * answers (none: nothing to say; the backend is optional). */
static void docker_sweep(bool (*alive)(const char *run), FILE *out)
{
	struct ga_docker d;
	struct ga_error err;
	char version[64];
	int n = 0;

	if (ga_docker_find(&d, getenv("PATH"), getenv("DOCKER_HOST"), &err) ||
	    ga_docker_ping(&d, version, sizeof(version), &err))
		return;
	if (ga_docker_sweep(&d, alive, &n, &err)) {
		fprintf(stderr, "goneaway: sweep: %s\n", err.msg);
		return;
	}
	fprintf(out, "removed %d container%s of ended runs from the Docker "
		"engine at %s\n", n, n == 1 ? "" : "s", d.host);
}

/* doctor: the engine (optional: only --server docker:IMAGE needs it) and
 * the images it has that --server docker:IMAGE can use, listed, not
 * started; Podman, which goneaway does not use, when it is there. */
static void docker_doctor(const struct ga_server_options *o, bool as_root,
			  struct ga_checklist *c)
{
	(void)o;
	(void)as_root;
	check_docker(c);
	check_podman(c);
}

const struct ga_server_backend_ops ga_server_docker = {
	.name = "docker",
	.prefix = "docker:",
	.usage = "docker:IMAGE",
	.arg_name = "image name",
	.help = "the server of a MySQL or MariaDB\n"
		"image (mysql:8.4, mariadb:11.4, or\n"
		"goneaway/mysql:9.7 from\n"
		"ci/build-server-images.sh) in a\n"
		"container per scenario; the engine\n"
		"is DOCKER_HOST's, else\n"
		"/var/run/docker.sock",
	.prepare = docker_prepare,
	.release = docker_release,
	.create = docker_create,
	.own_netns = docker_own_netns,
	.spawn = docker_spawn,
	.reap = ga_server_reap,
	.lab_resolver = false,
	.inside = GA_SPAWN_ROOT_MOUNT,
	.destroy = docker_destroy,
	.doctor = docker_doctor,
	.sweep = docker_sweep,
};
