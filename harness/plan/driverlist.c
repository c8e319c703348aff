/* driverlist.c - drivers/drivers.list, the table of the client drivers
 * "--client NAME" knows: a driver's command (ga_find_driver), its names
 * (ga_names_read_drivers). */
#include "plan/driverlist.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lang/scenario.h"
#include "plan/paths.h"
#include "util/fsutil.h"

#define LIST_MAX (1 << 20)      /* drivers.list, read whole */

void ga_names_free(struct ga_names *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free(k->names[i]);
	free(k->names);
	free(k->text);
	memset(k, 0, sizeof(*k));
}

bool ga_names_has(const struct ga_names *k, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		if (strlen(k->names[i]) == len &&
		    memcmp(k->names[i], name, len) == 0)
			return true;
	return false;
}

/* Adds name[0..len) unless it is there.  Returns 0, or -1 out of memory. */
int ga_names_add(struct ga_names *k, const char *name, size_t len)
{
	char **grown;

	if (len == 0 || ga_names_has(k, name, len))
		return 0;
	grown = realloc(k->names, (k->n + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	k->names = grown;
	k->names[k->n] = strndup(name, len);
	if (!k->names[k->n])
		return -1;
	k->n++;
	return 0;
}

/* The length of name without a trailing "-VERSION", a '-' then digits
 * and dots ("libmysqlclient-9.7" -> 14); strlen(name) when it has none. */
static size_t without_version(const char *name)
{
	const char *dash = strrchr(name, '-');
	const char *c;

	if (!dash || dash == name || !isdigit((unsigned char)dash[1]))
		return strlen(name);
	for (c = dash + 1; *c; c++)
		if (!isdigit((unsigned char)*c) && *c != '.')
			return strlen(name);
	return (size_t)(dash - name);
}

/* Every NAME of drivers/drivers.list, each added with add_short too
 * without its -VERSION when add_short. */
static int read_list(struct ga_names *k, bool add_short,
		     struct ga_error *err)
{
	char dir[PATH_MAX], list[PATH_MAX + 16], word[GA_CLIENT_NAME_MAX];
	char *text, *line, *save = NULL;
	int rc = 0;

	if (ga_find_share_dir("drivers", dir, sizeof(dir), err))
		return -1;
	snprintf(list, sizeof(list), "%s/drivers.list", dir);
	if (ga_file_read(list, LIST_MAX, &text, NULL, err))
		return -1;
	for (line = strtok_r(text, "\n", &save); line && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || sscanf(line, "%63s", word) != 1)
			continue;
		rc = ga_names_add(k, word, strlen(word));
		if (rc == 0 && add_short)
			rc = ga_names_add(k, word, without_version(word));
	}
	free(text);
	if (rc)
		return ga_error_set(err, "out of memory");
	return 0;
}

int ga_names_read_drivers(struct ga_names *k, struct ga_error *err)
{
	return read_list(k, true, err);
}

int ga_names_read_list(struct ga_names *k, struct ga_error *err)
{
	return read_list(k, false, err);
}

bool ga_driver_name_listed(const char *name)
{
	struct ga_names k = { 0 };
	struct ga_error err;
	bool has = false;

	if (ga_names_add(&k, "builtin", strlen("builtin")) == 0 &&
	    ga_names_read_drivers(&k, &err) == 0)
		has = ga_names_has(&k, name, strlen(name));
	ga_names_free(&k);
	return has;
}

/* k->text: the names joined by ", ".  Returns 0, or -1 out of memory. */
int ga_names_join(struct ga_names *k)
{
	size_t i, len = 1;

	for (i = 0; i < k->n; i++)
		len += strlen(k->names[i]) + 2;
	k->text = malloc(len);
	if (!k->text)
		return -1;
	k->text[0] = '\0';
	for (i = 0; i < k->n; i++) {
		if (i)
			strcat(k->text, ", ");
		strcat(k->text, k->names[i]);
	}
	return 0;
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
