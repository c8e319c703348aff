/* rootfs.c - see rootfs.h */
#include "server/rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/internal.h"
#include "lab/spawn.h"
#include "util/beneath.h"
#include "util/fsutil.h"

#define VERSION_TIMEOUT_MS 20000

/* Where MariaDB keeps mariadb-install-db (its older name is a symlink in
 * every Debian package, the only one in MariaDB before 10.4). */
static const char *const install_dbs[] = {
	"/usr/bin/mariadb-install-db",
	"/usr/bin/mysql_install_db",
	"/usr/scripts/mariadb-install-db",      /* some tarball layouts */
	NULL,
};

/* True when ROOT/inside exists as a file or a symlink.  A symlink is not
 * followed: an absolute one points into the root, not the host. */
static bool in_root_exists(const char *root, const char *inside)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s%s", root, inside) >= (int)sizeof(path))
		return false;
	return lstat(path, &st) == 0 && (S_ISREG(st.st_mode) ||
					 S_ISLNK(st.st_mode));
}

int ga_root_marker_value(const char *text, const char *key, char *buf,
			 size_t len)
{
	size_t klen = strlen(key), n;
	const char *line, *nl;

	if (len)
		buf[0] = '\0';
	for (line = text; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		n = nl ? (size_t)(nl - line) : strlen(line);
		if (n > klen && strncmp(line, key, klen) == 0 && line[klen] == '=') {
			n -= klen + 1;
			if (len)
				snprintf(buf, len, "%.*s", (int)n, line + klen + 1);
			return 0;
		}
	}
	return -1;
}

/* The text of the file inside root (a path in it, "/usr/bin/..."), at
 * most max bytes, into *text (free it).  Opened beneath root->dir
 * without following a symlink (a container's root is read at
 * /proc/PID/root, where an absolute link would lead to the host's
 * files), a regular file only (a FIFO would block).  Returns 0, or -1
 * when there is no such file. */
static int read_in_root(const struct ga_root *root, const char *inside,
			size_t max, char **text)
{
	struct ga_beneath b = { { root->dir }, 1 };
	struct ga_error ignored;
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = ga_open_beneath(&b, inside + strspn(inside, "/"),
			     GA_BENEATH_AUTO, &ignored);
	if (fd < 0)
		return -1;
	*text = malloc(max + 1);
	while (*text && len < max &&
	       (n = read(fd, *text + len, max - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (!*text)
		return -1;
	(*text)[len] = '\0';
	return 0;
}

/* The marker's word, when there is one: server=, install_db= and the
 * flavour's family from flavour=mysql-9.7. */
static void read_marker(struct ga_root *root)
{
	char value[128];
	char *text = NULL;

	if (read_in_root(root, GA_ROOT_MARKER, 1 << 16, &text) != 0)
		return;
	root->has_marker = true;
	if (ga_root_marker_value(text, "flavour", value, sizeof(value)) == 0) {
		if (strncmp(value, "mysql", 5) == 0)
			root->flavour = GA_FLAVOUR_MYSQL;
		else if (strncmp(value, "mariadb", 7) == 0)
			root->flavour = GA_FLAVOUR_MARIADB;
	}
	if (ga_root_marker_value(text, "server", value, sizeof(value)) == 0 &&
	    value[0] == '/' && in_root_exists(root->dir, value))
		snprintf(root->server, sizeof(root->server), "%s", value);
	if (ga_root_marker_value(text, "install_db", value, sizeof(value)) == 0 &&
	    value[0] == '/' && in_root_exists(root->dir, value))
		snprintf(root->install_db, sizeof(root->install_db), "%s", value);
	free(text);
}

/* MariaDB: --extra-file if its mariadb-install-db (a shell script) knows
 * it, else a --bootstrap run after it. */
static void choose_init(struct ga_root *root)
{
	char *text = NULL;

	root->init = GA_ROOT_INIT_MYSQLD;
	if (root->flavour != GA_FLAVOUR_MARIADB)
		return;
	root->init = GA_ROOT_INIT_INSTALL_DB_BOOTSTRAP;
	if (read_in_root(root, root->install_db, 4 << 20, &text) == 0 &&
	    strstr(text, "--extra-file"))
		root->init = GA_ROOT_INIT_INSTALL_DB_EXTRA;
	free(text);
}

int ga_root_detect(const char *dir, struct ga_root *root,
		   struct ga_error *err)
{
	char real[PATH_MAX];
	const char *slash;
	struct stat st;

	if (!realpath(dir, real))
		return ga_error_errno(err, errno, "no server root at %s", dir);
	if (stat(real, &st) != 0 || !S_ISDIR(st.st_mode))
		return ga_error_set(err, "%s is not a directory", dir);
	if (strcmp(real, "/") == 0)
		return ga_error_set(err, "/ is the host's own filesystem, not "
				    "a server root");
	slash = strrchr(real, '/');
	return ga_root_detect_at(real, slash + 1, root, err);
}

int ga_root_detect_at(const char *dir, const char *name,
		      struct ga_root *root, struct ga_error *err)
{
	size_t i;

	memset(root, 0, sizeof(*root));
	if (snprintf(root->dir, sizeof(root->dir), "%s", dir) >=
	    (int)sizeof(root->dir))
		return ga_error_set(err, "path too long: %s", dir);
	snprintf(root->name, sizeof(root->name), "%s", name);
	read_marker(root);

	if (!root->server[0]) {
		if (in_root_exists(root->dir, "/usr/sbin/mariadbd")) {
			snprintf(root->server, sizeof(root->server),
				 "/usr/sbin/mariadbd");
			if (!root->flavour)
				root->flavour = GA_FLAVOUR_MARIADB;
		} else if (in_root_exists(root->dir, "/usr/sbin/mysqld")) {
			snprintf(root->server, sizeof(root->server),
				 "/usr/sbin/mysqld");
		} else {
			return ga_error_set(err, "%s holds no MySQL or MariaDB "
					    "server (no usr/sbin/mariadbd or "
					    "usr/sbin/mysqld)", root->dir);
		}
	}
	if (!root->flavour)
		root->flavour = strstr(root->server, "mariadbd") ?
				GA_FLAVOUR_MARIADB : GA_FLAVOUR_MYSQL;
	for (i = 0; !root->install_db[0] && install_dbs[i]; i++)
		if (in_root_exists(root->dir, install_dbs[i]))
			snprintf(root->install_db, sizeof(root->install_db),
				 "%s", install_dbs[i]);
	choose_init(root);
	return 0;
}

int ga_root_set_version(struct ga_root *root, const char *output,
			struct ga_error *err)
{
	const char *ver = strstr(output, " Ver ");
	size_t n;

	if (!ver)
		return ga_error_set(err, "%s --version printed no version: "
				    "%.200s", root->server, output);
	ver += 5;
	n = strcspn(ver, " \t\n");
	if (n == 0 || n >= sizeof(root->version))
		return ga_error_set(err, "%s --version: no version after "
				    "\"Ver\": %.200s", root->server, output);
	snprintf(root->version, sizeof(root->version), "%.*s", (int)n, ver);
	ga_server_id_parse(root->version, &root->id);
	/* "Ver 11.8.6-MariaDB-0+deb13u1 from Debian": the flavour is
	 * whatever the server says, whatever the program is called */
	if (strstr(output, "MariaDB"))
		root->id.flavour = GA_FLAVOUR_MARIADB;
	if (root->flavour != root->id.flavour) {
		root->flavour = root->id.flavour;
		choose_init(root);
	}
	if (root->flavour == GA_FLAVOUR_MARIADB && !root->install_db[0])
		return ga_error_set(err, "%s holds MariaDB %s but no "
				    "mariadb-install-db", root->dir,
				    root->version);
	return 0;
}

int ga_root_probe(struct ga_root *root, const struct ga_uid *user,
		  const char *scratch_dir, struct ga_interrupt *in, char *line,
		  size_t len, struct ga_error *err)
{
	struct ga_spawn_confine c = { 0 };
	struct ga_spawn_root *sr;
	struct ga_spawn_opts how;
	int rc = -1;

	if (line && len)
		line[0] = '\0';
	sr = malloc(sizeof(*sr));
	if (!sr)
		return ga_error_set(err, "out of memory");
	memset(&how, 0, sizeof(how));
	how.netns_fd = -1;
	how.new_netns = true;
	how.root = sr;
	if (ga_spawn_root_init(sr, root->dir, "", err) == 0 &&
	    ga_helper_confine(user, "", &how, &c, err) == 0)
		rc = ga_root_probe_with(root, &how, scratch_dir, in, line, len,
					err);
	ga_spawn_confine_release(&c);
	free(sr);
	return rc;
}

int ga_root_probe_with(struct ga_root *root, const struct ga_spawn_opts *how,
		       const char *scratch_dir, struct ga_interrupt *in,
		       char *line, size_t len, struct ga_error *err)
{
	const char *argv[] = { root->server, "--version", NULL };
	struct ga_spawn_opts o = *how;
	char out[PATH_MAX];
	char *text = NULL, *nl;
	int fd, rc;

	if (line && len)
		line[0] = '\0';
	snprintf(out, sizeof(out), "%s/goneaway-version-XXXXXX", scratch_dir);
	fd = mkstemp(out);
	if (fd < 0)
		return ga_error_errno(err, errno, "mkstemp %s", out);
	close(fd);
	o.argv = argv;
	o.output_path = out;
	rc = ga_spawn_run(&o, in, VERSION_TIMEOUT_MS, err);
	if (rc == 0)
		rc = ga_file_read(out, 1 << 16, &text, NULL, err);
	unlink(out);
	if (rc == 0)
		rc = ga_root_set_version(root, text, err);
	if (text && line && len) {
		nl = strchr(text, '\n');
		snprintf(line, len, "%.*s", nl ? (int)(nl - text) :
			 (int)strlen(text), text);
	}
	free(text);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

size_t ga_root_list(const char *roots_dir, char (*names)[GA_ROOT_NAME_MAX],
		    size_t max)
{
	char path[PATH_MAX];
	struct dirent *de;
	size_t n = 0, len;
	DIR *d;

	d = opendir(roots_dir);
	if (!d)
		return 0;
	while (n < max && (de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len >= GA_ROOT_NAME_MAX ||
		    (len > 4 && strcmp(de->d_name + len - 4, ".tmp") == 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", roots_dir, de->d_name);
		if (!in_root_exists(path, "/" GA_ROOT_MARKER) &&
		    !in_root_exists(path, "/usr/sbin/mariadbd") &&
		    !in_root_exists(path, "/usr/sbin/mysqld"))
			continue;
		snprintf(names[n++], GA_ROOT_NAME_MAX, "%s", de->d_name);
	}
	closedir(d);
	qsort(names, n, GA_ROOT_NAME_MAX, by_name);
	return n;
}
