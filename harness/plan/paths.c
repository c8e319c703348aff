/* paths.c - where goneaway looks for things by default. */
#include "plan/paths.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"

/* Whose files goneaway may read its drivers, fixtures and conformance
 * scenarios from: root, the effective user, and the owner of the binary
 * itself (who could replace the binary anyway: a build tree run by its
 * owner, or by root with sudo). */
static bool trusted_uid(uid_t uid)
{
	struct stat st;

	if (uid == 0 || uid == geteuid())
		return true;
	return stat("/proc/self/exe", &st) == 0 && st.st_uid == uid;
}

/* ga_check_trusted(); with below, path is where something of ours is
 * to be made, so it may be sticky as the directories above it may. */
static int check_trusted(const char *path, bool below, struct ga_error *err)
{
	char real[PATH_MAX], *slash;
	struct stat st;
	bool leaf = !below;

	if (!realpath(path, real))
		return ga_error_errno(err, errno, "%s", path);
	for (;;) {
		if (stat(real, &st) != 0)
			return ga_error_errno(err, errno, "stat %s", real);
		if (!trusted_uid(st.st_uid))
			return ga_error_set(err, "refusing %s: %s%sbelongs to "
					    "uid %u, not to root or uid %u",
					    path, leaf ? "" : real,
					    leaf ? "" : " ",
					    (unsigned)st.st_uid,
					    (unsigned)geteuid());
		/* above the leaf, a sticky directory (/tmp) lets no one
		 * else rename what is ours; a group-writable one is fine
		 * only for the root group */
		if (((st.st_mode & S_IWOTH) ||
		     ((st.st_mode & S_IWGRP) && st.st_gid != 0)) &&
		    (leaf || !(st.st_mode & S_ISVTX)))
			return ga_error_set(err, "refusing %s: %s%swritable "
					    "by other users (chmod go-w %s)",
					    path, leaf ? "" : real,
					    leaf ? "" : " is ", real);
		if (strcmp(real, "/") == 0)
			return 0;
		slash = strrchr(real, '/');
		if (slash == real)
			slash[1] = '\0';
		else
			*slash = '\0';
		leaf = false;
	}
}

int ga_check_trusted(const char *path, struct ga_error *err)
{
	return check_trusted(path, false, err);
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

int ga_check_cache(const char *dir, char *real, size_t len,
		   struct ga_error *err)
{
	char at[PATH_MAX], resolved[PATH_MAX], *slash;
	struct stat st;
	size_t n = strlen(dir);

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
	if (strcmp(at, dir) != 0 && check_trusted(at, true, err))
		return ga_error_prefix(err, "the cache %s (not there yet: "
				       "goneaway would make it in %s)", dir, at);
	if (ga_mkdirs(dir, err) || ga_check_trusted(dir, err))
		return ga_error_prefix(err, "the cache %s", dir);
	/* from now on, the directory checked: not a path whose links
	 * someone could point elsewhere */
	if (!realpath(dir, resolved))
		return ga_error_errno(err, errno, "the cache %s", dir);
	if (strlen(resolved) >= len)
		return ga_error_set(err, "the cache %s: path too long", resolved);
	memcpy(real, resolved, strlen(resolved) + 1);
	return 0;
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

