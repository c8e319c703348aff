/* paths.c - where goneaway looks for things by default. */
#include "plan/paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/trustdir.h"

int ga_check_trusted(const char *path, struct ga_error *err)
{
	return ga_trustdir_check(path, GA_TRUSTDIR_FILE, err);
}

int ga_find_share_dir(const char *what, char *buf, size_t len,
		   struct ga_error *err)
{
	char exe[PATH_MAX], near[PATH_MAX + 64], shared[PATH_MAX + 64];
	struct stat st;
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return ga_error_errno(err, errno, "cannot tell where the "
				      "goneaway binary is (/proc/self/exe)");
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return ga_error_set(err, "/proc/self/exe: '%s'", exe);
	*slash = '\0';
	snprintf(near, sizeof(near), "%s/%s", exe, what);
	snprintf(shared, sizeof(shared), "%s/../share/goneaway/%s", exe, what);
	if (stat(near, &st) != 0 || !S_ISDIR(st.st_mode)) {
		if (stat(shared, &st) != 0 || !S_ISDIR(st.st_mode))
			return ga_error_set(err, "no %s/: looked next to the "
					    "binary (%s) and in %s; goneaway "
					    "never looks in the working "
					    "directory", what, near, shared);
		snprintf(near, sizeof(near), "%s", shared);
	}
	if (!realpath(near, exe))
		return ga_error_errno(err, errno, "%s", near);
	if (strlen(exe) >= len)
		return ga_error_set(err, "%s: path too long", exe);
	memcpy(buf, exe, strlen(exe) + 1);
	return ga_check_trusted(buf, err);
}

/* What goneaway keeps in its cache, each checked with the cache: by
 * name (a trailing '*': any name that begins so), since a cache may
 * hold what is not goneaway's (/var/cache/goneaway holds the node
 * driver's npm cache, nobody's, and the server roots), and how deep. */
enum cache_depth {
	ITSELF,                 /* the entry */
	ITS_ENTRIES,            /* ... and each entry in it */
	WHOLE,                  /* ... and its whole tree: code or a key */
};

static const struct cache_entry {
	const char *name;
	enum cache_depth depth;
} cache_entries[] = {
	{ "drivers", WHOLE },           /* plan/clients.c: Python's bytecode,
					 * Java's classes */
	{ "drivers-building-*", ITSELF }, /* client/confine.c: a probe's
					 * copy of it, the drivers' user's
					 * below */
	{ "drivers-building.lock", ITSELF }, /* client/cache.c */
	{ "tls-1", WHOLE },             /* server/tls.c: the lab's key */
	{ "tls-making-*", WHOLE },
	{ "tls.lock", ITSELF },
	{ "template-*", ITSELF },       /* server/template.c */
	{ "building-*", ITSELF },
	{ "template.lock", ITSELF },
	{ "starts", ITSELF },           /* server/starts.c */
	{ "rootfs-*", ITS_ENTRIES },    /* server/server_rootfs.c: a root's
					 * templates, builds and lock */
	{ "docker-*", ITS_ENTRIES },    /* server/server_docker.c */
};

static const struct cache_entry *cache_entry(const char *name)
{
	size_t i, n;

	for (i = 0; i < sizeof(cache_entries) / sizeof(cache_entries[0]); i++) {
		n = strlen(cache_entries[i].name);
		if (cache_entries[i].name[n - 1] == '*' ?
		    strncmp(name, cache_entries[i].name, n - 1) == 0 :
		    strcmp(name, cache_entries[i].name) == 0)
			return &cache_entries[i];
	}
	return NULL;
}

static int check_entries(int dirfd, const char *base, bool top,
			 struct ga_error *err);

/* name beneath dirfd (a directory checked, named base), as deep as
 * depth says.  Returns 0, GA_TRUSTDIR_REFUSED or -1, err set. */
static int check_entry(int dirfd, const char *base, const char *name,
		       enum cache_depth depth, struct ga_error *err)
{
	char shown[PATH_MAX];
	struct stat st;
	int fd, rc;

	snprintf(shown, sizeof(shown), "%s/%s", base, name);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : ga_error_errno(err, errno, "stat "
							    "%s", shown);
	rc = ga_trustdir_stat(&st, shown, NULL, false, err);
	if (rc || depth == ITSELF || !S_ISDIR(st.st_mode))
		return rc;
	fd = ga_trustdir_open_at(dirfd, base, name, 0, err);
	if (fd < 0)
		return fd;
	rc = depth == WHOLE ? ga_trustdir_tree_at(fd, shown, err) :
	     check_entries(fd, shown, false, err);
	close(fd);
	return rc;
}

/* The entries of dirfd (named base) goneaway keeps there (top: the
 * cache's own, by cache_entries), else all of them, each itself. */
static int check_entries(int dirfd, const char *base, bool top,
			 struct ga_error *err)
{
	const struct cache_entry *e;
	struct dirent *de;
	int fd, rc = 0;
	DIR *d;

	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return ga_error_errno(err, errno, "open %s", base);
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		e = top ? cache_entry(de->d_name) : NULL;
		if (top && !e)
			continue;
		rc = check_entry(dirfd, base, de->d_name, e ? e->depth : ITSELF,
				 err);
	}
	closedir(d);
	return rc;
}

int ga_check_cache(const char *dir, char *real, size_t len,
		   struct ga_error *err)
{
	char at[PATH_MAX], resolved[PATH_MAX], *slash;
	struct stat st;
	size_t n = strlen(dir);
	int fd, rc;

	if (n == 0 || n >= sizeof(at))
		return ga_error_set(err, "the cache '%s': no directory path",
				    dir);
	/* what is there of it: the rest goneaway makes, in a directory
	 * no one else may write */
	memcpy(at, dir, n + 1);
	while (stat(at, &st) != 0) {
		if (errno != ENOENT)
			return ga_error_errno(err, errno, "the cache %s: stat "
					      "%s", dir, at);
		slash = strrchr(at, '/');
		if (!slash)
			snprintf(at, sizeof(at), ".");
		else if (slash == at)
			at[1] = '\0';
		else
			*slash = '\0';
	}
	if (strcmp(at, dir) != 0) {
		rc = ga_trustdir_check(at, GA_TRUSTDIR_BELOW, err);
		if (rc) {
			ga_error_prefix(err, "the cache %s (not there yet: "
					"goneaway would make it in %s)", dir,
					at);
			return rc;
		}
	}
	/* from now on, the directory checked, whose levels no one else
	 * can change: its real path names it */
	fd = ga_trustdir_open(dir, GA_TRUSTDIR_MAKE, err);
	if (fd < 0) {
		ga_error_prefix(err, "the cache %s", dir);
		return fd;
	}
	rc = realpath(dir, resolved) ? check_entries(fd, resolved, true, err) :
	     ga_error_errno(err, errno, "%s", dir);
	close(fd);
	if (rc) {
		ga_error_prefix(err, "the cache %s", dir);
		return rc;
	}
	if (strlen(resolved) >= len)
		return ga_error_set(err, "the cache %s: path too long", resolved);
	memcpy(real, resolved, strlen(resolved) + 1);
	return 0;
}

int ga_check_fixtures(const char *dir, struct ga_error *err)
{
	int fd, rc;

	fd = ga_trustdir_open(dir, 0, err);
	if (fd < 0)
		return fd == GA_TRUSTDIR_REFUSED ? fd : 0;
	rc = ga_trustdir_tree_at(fd, dir, err);
	close(fd);
	return rc;
}

void ga_default_cache(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (xdg && *xdg)
		snprintf(buf, len, "%s/goneaway", xdg);
	else if (home && *home)
		snprintf(buf, len, "%s/.cache/goneaway", home);
	else
		snprintf(buf, len, "/var/cache/goneaway");
}

const char *ga_tmp_root(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

