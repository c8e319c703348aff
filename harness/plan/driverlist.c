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

#include "client/driver.h"
#include "lang/scenario.h"
#include "plan/paths.h"
#include "util/fsutil.h"
#include "util/grow.h"

#define LIST_MAX (1 << 20)      /* drivers.list, read whole */

void ga_names_free(struct ga_names *k)
{
	ga_strings_free(k->names, k->n);
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

	/* its files import what is beside their own directory: the
	 * drivers see the whole of it (client/driver.h) */
	if (ga_find_share_dir("drivers", dir, sizeof(dir), err) ||
	    ga_driver_reach(dir, err))
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

/* Splits cmd at blanks into words, each NUL-ended in buf (len bytes),
 * argv[0..n) pointing at them and argv[n] NULL (max words with it).  A
 * word that names a regular file under dir becomes its absolute path,
 * which may hold a blank (a checkout in "/root/ga clone": issue 56), so
 * the words are never joined again (a word naming a directory, "php"
 * for drivers/php, is left as it is): "python3 pymysql/driver.py" ->
 * "python3", "/.../drivers/pymysql/driver.py".  A relative word with a
 * '/' must name such a file (it would otherwise be looked up from the
 * driver's working directory), and every file it runs must pass
 * ga_check_trusted().  Returns n, or -1 with err set. */
static int words_of(const char *dir, const char *cmd, char *buf, size_t len,
		    char **argv, size_t max, struct ga_error *err)
{
	char path[PATH_MAX], abs[PATH_MAX], *w, *save = NULL;
	char copy[4096];
	struct stat st;
	size_t used = 0, n = 0, wl;

	snprintf(copy, sizeof(copy), "%s", cmd);
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
		wl = strlen(w) + 1;
		if (used + wl > len || n + 1 >= max)
			return ga_error_set(err, "driver command too long");
		argv[n++] = memcpy(buf + used, w, wl);
		used += wl;
	}
	argv[n] = NULL;
	return (int)n;
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

int ga_find_driver(const char *name, char *buf, size_t len, char **argv,
		   size_t max, struct ga_error *err)
{
	char dir[PATH_MAX], list[PATH_MAX + 16], *text, *line, *save = NULL;
	char word[64], base[128], cmd[4096];
	static char opt[] = "--connector-version";
	const char *version;
	int found = 0, n;
	size_t used;

	version = split_version(name, base, sizeof(base), err);
	if (version && !*version)
		return -1;
	name = base;
	/* its files import what is beside their own directory: the
	 * drivers see the whole of it (client/driver.h) */
	if (ga_find_share_dir("drivers", dir, sizeof(dir), err) ||
	    ga_driver_reach(dir, err))
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
		snprintf(cmd, sizeof(cmd), "%s", line + n);
		found = 1;
	}
	free(text);
	if (!found)
		return ga_error_set(err, "no driver '%s' in %s (or give "
				    "cmd:COMMAND)", name, list);
	n = words_of(dir, cmd, buf, len, argv, max, err);
	if (n < 0)
		return ga_error_prefix(err, "driver '%s' of %s", name, list);
	/* another version of its connector: the driver is asked for it
	 * (one that cannot greets with its own, which the caller checks) */
	if (!version)
		return n;
	used = (size_t)(argv[n - 1] - buf) + strlen(argv[n - 1]) + 1;
	if ((size_t)n + 3 > max || used + strlen(version) + 1 > len)
		return ga_error_set(err, "driver command too long");
	argv[n++] = opt;
	argv[n++] = strcpy(buf + used, version);
	argv[n] = NULL;
	return n;
}
