/* paths.c - where goneaway looks for things by default. */
#include "plan/plan.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
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

int ga_check_trusted(const char *path, struct ga_error *err)
{
	char real[PATH_MAX], *slash;
	struct stat st;
	bool leaf = true;

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

/* Rewrites cmd's words that name a regular file under dir into absolute
 * paths (a word naming a directory, "php" for drivers/php, is left as it
 * is)
 * ("python3 pymysql/driver.py" -> "python3 /.../drivers/pymysql/...").
 * A relative word with a '/' must name such a file (it would otherwise
 * be looked up from the driver's working directory), and every file it
 * runs must pass ga_check_trusted().  Returns 0, or -1 with err set. */
static int chdir_relative(const char *dir, char *cmd, size_t len,
			  struct ga_error *err)
{
	char out[4096], path[PATH_MAX], abs[PATH_MAX], *w, *save = NULL;
	char copy[4096];
	struct stat st;
	size_t used = 0;
	int n;

	snprintf(copy, sizeof(copy), "%s", cmd);
	out[0] = '\0';
	for (w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		snprintf(path, sizeof(path), "%s/%s", dir, w);
		if (w[0] != '/' && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    realpath(path, abs)) {
			if (ga_check_trusted(abs, err))
				return -1;
			w = abs;
		} else if (w[0] != '/' && w[0] != '-' && strchr(w, '/')) {
			return ga_error_set(err, "its command names %s, which "
					    "is not a file in %s", w, dir);
		}
		n = snprintf(out + used, sizeof(out) - used, "%s%s",
			     used ? " " : "", w);
		if (n < 0 || (size_t)n >= sizeof(out) - used)
			return ga_error_set(err, "driver command too long");
		used += (size_t)n;
	}
	if (used >= len)
		return ga_error_set(err, "driver command too long");
	memcpy(cmd, out, used + 1);
	return 0;
}

/* "NAME@VERSION": VERSION a digit, then letters, digits, '.', '-' and
 * '+' (X.Y.Z and a tag); name cut to NAME in base.  Returns the version,
 * NULL when name has no '@', or "" (err set) when it is not one. */
static const char *split_version(const char *name, char *base, size_t len,
				 struct ga_error *err)
{
	const char *at = strchr(name, '@'), *v;

	snprintf(base, len, "%s", name);
	if (!at)
		return NULL;
	base[at - name < (long)len ? at - name : (long)len - 1] = '\0';
	for (v = at + 1; *v && (isalnum((unsigned char)*v) || strchr(".-+", *v));
	     v++)
		;
	if (!isdigit((unsigned char)at[1]) || *v || v - at > 40 || !base[0]) {
		ga_error_set(err, "'%s': write NAME@VERSION, e.g. "
			     "mysql2@3.9.0", name);
		return "";
	}
	return at + 1;
}

int ga_find_driver(const char *name, char *cmd, size_t len, struct ga_error *err)
{
	char dir[PATH_MAX], list[PATH_MAX + 16], *text, *line, *save = NULL;
	char word[64], base[128];
	const char *version;
	int found = 0, n;
	size_t used;

	version = split_version(name, base, sizeof(base), err);
	if (version && !*version)
		return -1;
	name = base;
	if (ga_find_share_dir("drivers", dir, sizeof(dir), err))
		return -1;
	snprintf(list, sizeof(list), "%s/drivers.list", dir);
	if (ga_check_trusted(list, err) ||
	    ga_file_read(list, 1 << 20, &text, NULL, err))
		return -1;
	for (line = strtok_r(text, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || sscanf(line, "%63s %n", word, &n) != 1)
			continue;
		if (strcmp(word, name) != 0)
			continue;
		/* the command's words are relative to the drivers directory
		 * when they name a file there */
		snprintf(cmd, len, "%s", line + n);
		found = 1;
	}
	free(text);
	if (!found)
		return ga_error_set(err, "no driver '%s' in %s (or give "
				    "cmd:COMMAND)", name, list);
	if (chdir_relative(dir, cmd, len, err))
		return ga_error_prefix(err, "driver '%s' of %s", name, list);
	/* another version of its connector: the driver is asked for it
	 * (one that cannot greets with its own, which the caller checks) */
	used = strlen(cmd);
	if (version && snprintf(cmd + used, len - used, " --connector-version "
				"%s", version) >= (int)(len - used))
		return ga_error_set(err, "driver command too long");
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

