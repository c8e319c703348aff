/* paths.c - where goneaway looks for things by default. */
#include "cli/internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"

/* DIR next to the binary (a build tree), else ../share/goneaway/DIR,
 * else DIR relative to the working directory. */
static void next_to_binary(const char *dir, char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	snprintf(buf, len, "%s", dir);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	snprintf(buf, len, "%s/%s", exe, dir);
	if (access(buf, F_OK) == 0)
		return;
	snprintf(buf, len, "%s/../share/goneaway/%s", exe, dir);
	if (access(buf, F_OK) == 0)
		return;
	snprintf(buf, len, "%s", dir);
}

void default_fixtures(char *buf, size_t len)
{
	next_to_binary("fixtures", buf, len);
}

void default_drivers(char *buf, size_t len)
{
	next_to_binary("drivers", buf, len);
}

/* Rewrites cmd's words that name a regular file under dir into absolute
 * paths (a word naming a directory, "php" for drivers/php, is left as it
 * is)
 * ("python3 pymysql/driver.py" -> "python3 /.../drivers/pymysql/...").
 * Returns 0, or -1 when the result would not fit. */
static int chdir_relative(const char *dir, char *cmd, size_t len)
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
		    realpath(path, abs))
			w = abs;
		n = snprintf(out + used, sizeof(out) - used, "%s%s",
			     used ? " " : "", w);
		if (n < 0 || (size_t)n >= sizeof(out) - used)
			return -1;
		used += (size_t)n;
	}
	if (used >= len)
		return -1;
	memcpy(cmd, out, used + 1);
	return 0;
}

int find_driver(const char *name, char *cmd, size_t len, struct ga_error *err)
{
	char dir[PATH_MAX], list[PATH_MAX + 16], *text, *line, *save = NULL;
	char word[64];
	int found = 0, n;

	default_drivers(dir, sizeof(dir));
	snprintf(list, sizeof(list), "%s/drivers.list", dir);
	if (ga_file_read(list, 1 << 20, &text, NULL, err))
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
	if (chdir_relative(dir, cmd, len))
		return ga_error_set(err, "driver command too long");
	return 0;
}

void default_cache(char *buf, size_t len)
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

const char *tmp_root(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

