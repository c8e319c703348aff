/* confine.c - how a driver process runs (client/driver.h, "how a
 * driver process runs"; docs/driver-protocol.md, "Processes and
 * namespaces"): confined as a server's programs are (lab/spawn.h), as
 * the user of its run's drivers, with what it must reach,
 * what it may write and a tmpfs of its own as its TMPDIR and HOME.
 */
#include "client/driver.h"
#include "client/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/spawn.h"
#include "lab/uids.h"
#include "util/fsutil.h"
#include "util/trustdir.h"

/* Where every driver process's own tmpfs is mounted, in its mount
 * namespace (an empty directory of root's on the host). */
#define DRIVER_TMP "/run/goneaway/tmp"
#define DRIVER_TMP_SIZE (256LL << 20)

static struct ga_uid user = { 0, -1 };
static char also[PATH_MAX];             /* ga_driver_writable_also */
#define REACH_MAX 4
static char reached[REACH_MAX][PATH_MAX]; /* ga_driver_reach */
static size_t nreached;
static bool building;                   /* ga_driver_build_begin() ... */
static struct ga_cache_work built = { .lock = -1 };    /* ... its copy */
static char key_as[GA_CACHE_KEY];       /* ga_driver_cache_as(), "" */

/* The drivers' user of this run: its id, 0 when goneaway is not root.
 * Taken once, and held until the run ends: a -j worker forked after it
 * was taken holds it too (the lock is one open file's), and what was
 * given to it before the fork (driver-test's taps, the drivers' cache
 * of the probe) is its workers' drivers' too.  A worker that forked
 * before takes its own, for what it gives itself.  Returns 0, or -1
 * with err set. */
static int driver_user(unsigned *id, struct ga_error *err)
{
	*id = 0;
	if (geteuid() != 0)
		return 0;
	if (!user.id && ga_uid_take(GA_UIDS_DIR, &user, err))
		return ga_error_prefix(err, "a user for the drivers");
	*id = user.id;
	return 0;
}

int ga_driver_give_fd(int fd)
{
	struct ga_error err;
	unsigned id;

	if (driver_user(&id, &err)) {
		errno = EPERM;
		return -1;
	}
	return id ? fchown(fd, (uid_t)id, (gid_t)id) : 0;
}

int ga_driver_give_path(const char *path)
{
	struct ga_error err;
	unsigned id;

	if (driver_user(&id, &err)) {
		errno = EPERM;
		return -1;
	}
	return id ? lchown(path, (uid_t)id, (gid_t)id) : 0;
}

/* dir made the drivers' group's with mode. */
static int give_dir(const char *dir, unsigned id, mode_t mode,
		    struct ga_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return ga_error_errno(err, errno, "open %s", dir);
	if (fchown(fd, 0, (gid_t)id) != 0 || fchmod(fd, mode) != 0) {
		ga_error_errno(err, errno, "chown %s", dir);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int ga_driver_case_dir(const char *dir, struct ga_error *err)
{
	unsigned id;

	if (driver_user(&id, err))
		return -1;
	return id ? give_dir(dir, id, 01770, err) : 0;
}

/* ga_driver_reach_words_also: words every driver view reaches as a
 * cmd: line's (driver-test's driver behind its tap); owned here. */
#define ALSO_WORDS_MAX 64
static char *also_words[ALSO_WORDS_MAX + 1];

int ga_driver_reach_words_also(const char *const *argv, struct ga_error *err)
{
	size_t i, n = 0;

	while (also_words[n])
		n++;
	for (i = 0; argv[i]; i++) {
		if (n == ALSO_WORDS_MAX)
			return ga_error_set(err, "more than %d words for the "
					    "drivers to reach", ALSO_WORDS_MAX);
		also_words[n] = strdup(argv[i]);
		if (!also_words[n])
			return ga_error_set(err, "out of memory");
		n++;
	}
	return 0;
}

int ga_driver_reach(const char *dir, struct ga_error *err)
{
	size_t i;

	for (i = 0; i < nreached; i++)
		if (strcmp(reached[i], dir) == 0)
			return 0;
	if (nreached == REACH_MAX)
		return ga_error_set(err, "more than %d directories for the "
				    "drivers to reach: %s", REACH_MAX, dir);
	if (snprintf(reached[nreached], PATH_MAX, "%s", dir) >= PATH_MAX)
		return ga_error_set(err, "path too long: %s", dir);
	nreached++;
	return 0;
}

int ga_driver_writable_also(const char *dir, struct ga_error *err)
{
	if (snprintf(also, sizeof(also), "%s", dir ? dir : "") >=
	    (int)sizeof(also))
		return ga_error_set(err, "path too long: %s", dir);
	return 0;
}

/* dir reached (when there is one) and, with writable, writable. */
static int reach(struct ga_spawn_view *v, const char *dir, bool writable,
		 struct ga_error *err)
{
	char real[PATH_MAX];

	if (!dir || !dir[0])
		return 0;
	if (!realpath(dir, real))       /* not there: nothing to reach */
		return errno == ENOENT ? 0 : ga_error_errno(err, errno, "%s",
							     dir);
	if (ga_spawn_view_reach(v, real, err))
		return -1;
	return writable ? ga_spawn_view_writable(v, real, err) : 0;
}

/* src bound over dst (their real paths), writable. */
static int over(struct ga_spawn_view *v, const char *src, const char *dst,
		struct ga_error *err)
{
	char rsrc[PATH_MAX], rdst[PATH_MAX];

	if (!realpath(src, rsrc) || !realpath(dst, rdst))
		return ga_error_errno(err, errno, "%s or %s", src, dst);
	return ga_spawn_view_over(v, rsrc, rdst, err);
}

/* The driver's own cache (client/internal.h, ga_cache_dir) into cache
 * ("": none), and in a build window its first spawn's copy of it made
 * (built).  A copy that cannot be made is said, and the driver starts
 * as in a case. */
static int driver_cache(const struct ga_spawn_opts *so, unsigned id,
			char *cache, struct ga_error *err)
{
	char key[GA_CACHE_KEY];
	struct ga_error why;

	cache[0] = '\0';
	if (!getenv("GONEAWAY_DRIVER_CACHE"))
		return 0;
	if (key_as[0])
		snprintf(key, sizeof(key), "%s", key_as);
	else if (ga_cache_key(so->argv, key, err))
		return -1;
	if (ga_cache_dir(key, cache, PATH_MAX, err))
		return -1;
	if (building && !built.top[0] &&
	    ga_cache_work_open(cache, id, &built, &why))
		fprintf(stderr, "goneaway: warning: the drivers' cache %s is "
			"not built: %s\n", cache, why.msg);
	return 0;
}

/* What the process reaches and writes (client/driver.h); cache: its
 * own cache. */
static int make_view(struct ga_spawn_view *v, const struct ga_spawn_opts *so,
		     const struct ga_client_env *env, unsigned id,
		     const char *cache, struct ga_error *err)
{
	/* a kept process serves later cases: every case directory of the
	 * run, where its user may write only what goneaway gave it */
	bool kept = env && env->keep_dir && env->run_dir;
	/* a build: its copy at the cache's path, what it records */
	bool copy = built.top[0] && strcmp(built.dir, cache) == 0;
	const char *mine = getenv("GONEAWAY_DRIVER_WRITABLE");
	size_t i;

	ga_spawn_view_init(v, id, id);
	/* a directory of the user's own the drivers may write too (a log
	 * a driver of theirs keeps), theirs to make writable by others */
	if (mine && *mine && (mine[0] != '/' || access(mine, F_OK) != 0))
		return ga_error_set(err, "GONEAWAY_DRIVER_WRITABLE=%s: not an "
				    "absolute path to a directory", mine);
	for (i = 0; i < nreached; i++)
		if (reach(v, reached[i], false, err))
			return -1;
	if (reach(v, mine, true, err) ||
	    ga_driver_reach_words(v, so->argv, err) ||
	    ga_driver_reach_words(v, (const char *const *)also_words, err) ||
	    ga_driver_reach_own(v, err) ||
	    reach(v, cache, false, err) ||
	    (copy && over(v, built.work, cache, err)) ||
	    reach(v, kept ? env->run_dir : env ? env->dir : NULL, true,
		  err) ||
	    reach(v, env && !kept ? env->keep_dir : NULL, true, err) ||
	    reach(v, also, true, err))
		return -1;
	/* what it may write of its own processes (run-in-root's user
	 * namespace, drivers/c) */
	v->proc_writable = true;
	return ga_spawn_view_tmpfs(v, DRIVER_TMP, id, id, DRIVER_TMP_SIZE,
				   err);
}

/* j->env[*n] = "name=value" (value NULL: none). */
static int put_env(struct ga_driver_jail *j, size_t *n, const char *name,
		   const char *value, struct ga_error *err)
{
	if (!value)
		return 0;
	if (asprintf(&j->env[*n], "%s=%s", name, value) < 0) {
		j->env[*n] = NULL;
		return ga_error_set(err, "out of memory");
	}
	(*n)++;
	return 0;
}

/* Its environment: its own tmpfs as TMPDIR and HOME; goneaway's
 * TMPDIR, where the paths of the requests are, as GONEAWAY_TMPDIR; its
 * own cache ("": none) as GONEAWAY_DRIVER_CACHE, with Python's
 * bytecode below it. */
static int make_env(struct ga_driver_jail *j, const char *cache,
		    struct ga_error *err)
{
	const char *tmp = getenv("TMPDIR");
	char py[PATH_MAX + 16];
	size_t n = 0;

	snprintf(py, sizeof(py), "%s/python", cache);
	if (put_env(j, &n, "TMPDIR", DRIVER_TMP, err) ||
	    put_env(j, &n, "HOME", DRIVER_TMP, err) ||
	    put_env(j, &n, "GONEAWAY_TMPDIR", tmp && *tmp ? tmp : "/tmp",
		    err) ||
	    put_env(j, &n, "GONEAWAY_DRIVER_CACHE", cache[0] ? cache : NULL,
		    err) ||
	    put_env(j, &n, "PYTHONPYCACHEPREFIX", cache[0] ? py : NULL, err))
		return -1;
	j->env[n] = NULL;
	return 0;
}

/* The keep directory: the drivers' to search, not to write (what they
 * open there, goneaway gives them). */
static int keep_dir(const struct ga_client_env *env, unsigned id,
		    struct ga_error *err)
{
	if (!env || !env->keep_dir)
		return 0;
	return give_dir(env->keep_dir, id, 0710, err);
}

void ga_driver_spawn_opts(struct ga_spawn_opts *so, const char *const *argv,
			  int netns_fd, const char *log, int pipes[2],
			  const int in[2], const int out[2])
{
	memset(so, 0, sizeof(*so));
	so->argv = argv;
	so->netns_fd = netns_fd;
	so->output_path = log;
	so->file_max = GA_DRIVER_LOG_MAX;
	pipes[0] = in[0];
	pipes[1] = out[1];
	so->pipes = pipes;
	so->own_group = 1;
	so->new_pidns = true;
}

int ga_driver_jail(struct ga_driver_jail *j, struct ga_spawn_opts *so,
		   const struct ga_client_env *env, struct ga_error *err)
{
	static bool tmp_made;
	char cache[PATH_MAX];
	unsigned id;
	int fd;

	memset(j, 0, sizeof(*j));
	if (driver_user(&id, err))
		return -1;
	if (!id)
		return 0;
	if (!tmp_made) {
		fd = ga_trustdir_open(DRIVER_TMP, GA_TRUSTDIR_MAKE, err);
		if (fd < 0)
			return ga_error_prefix(err, "the drivers' tmpfs");
		close(fd);
		tmp_made = true;
	}
	j->view = malloc(sizeof(*j->view));
	j->confine = malloc(sizeof(*j->confine));
	if (!j->view || !j->confine) {
		ga_driver_jail_free(j);
		return ga_error_set(err, "out of memory");
	}
	memset(j->confine, 0, sizeof(*j->confine));
	if (keep_dir(env, id, err) || driver_cache(so, id, cache, err) ||
	    make_view(j->view, so, env, id, cache, err) ||
	    make_env(j, cache, err) ||
	    ga_spawn_confine_init(j->confine, id, id, true, "", err)) {
		ga_driver_jail_free(j);
		return -1;
	}
	j->confine->view = j->view;
	so->confine = j->confine;
	/* outside a lab (a probe, a driver alone): lo alone, no network */
	if (so->netns_fd < 0)
		so->new_netns = true;
	so->env = (const char *const *)j->env;
	if (!so->cwd)
		so->cwd = DRIVER_TMP;
	return 0;
}

void ga_driver_jail_free(struct ga_driver_jail *j)
{
	size_t i;

	if (j->confine)
		ga_spawn_confine_release(j->confine);
	free(j->confine);
	free(j->view);
	for (i = 0; i < sizeof(j->env) / sizeof(j->env[0]) && j->env[i]; i++)
		free(j->env[i]);
	memset(j, 0, sizeof(*j));
}

/* ---- the drivers' caches built ------------------------------------------ */

int ga_driver_build_begin(struct ga_error *err)
{
	unsigned id;

	building = false;
	if (driver_user(&id, err))
		return -1;
	building = id && getenv("GONEAWAY_DRIVER_CACHE");
	return 0;
}

void ga_driver_build_end(void)
{
	building = false;
	ga_cache_work_close(&built);
}

int ga_driver_cache_as(char *const *argv, struct ga_error *err)
{
	key_as[0] = '\0';
	if (argv && ga_cache_key((const char *const *)argv, key_as, err))
		return -1;
	return 0;
}
