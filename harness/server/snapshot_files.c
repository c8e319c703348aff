/* snapshot_files.c - see snapshot.h: what a snapshot reads of the
 * datadir itself rather than over SQL.
 *
 * "persisted": what MySQL's next start reads besides its tables,
 * datadir/mysqld-auto.cnf (SET PERSIST, SET PERSIST_ONLY).  Its
 * variables' names, for the words of a difference, and a digest of the
 * whole file, for the difference itself.
 *
 * "def file": MariaDB keeps a table's definition, a view's, a trigger's
 * in files of the schema's directory (.frm, .TRG, .TRN, db.opt, .par)
 * and the rows of its Aria, MyISAM and CSV tables too (.MAD, .MAI, .MYD,
 * .MYI, .CSV): each file's size and mtime to the nanosecond show a
 * definition changed and a row written, even one a case wrote and took
 * back (UPDATE_TIME has whole seconds; a datadir copied the second the
 * case began shows none), with no privilege asked of the admin account.
 * Not read: the application's database (dropped and made again), the
 * InnoDB files (.ibd: written back by the server whenever it flushes;
 * their tables' UPDATE_TIME comes from InnoDB's own memory, exact), the
 * log tables the server writes by itself (general_log.*, slow_log.*:
 * compared by their rows) and the server's temporary files (#sql...).
 */
#include "server/snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/internal.h"
#include "util/beneath.h"
#include "util/hash.h"

#define PERSISTED_FILE "mysqld-auto.cnf"
#define PERSISTED_MAX (1 << 20)
#define DEF_MAX_FILES 20000     /* a datadir with more is not compared */

/* The names of the variables of a mysqld-auto.cnf text: the keys whose
 * value is an object with a "Value" ({"wait_timeout": {"Value": "2",
 * ...}}), comma-separated into names. */
static void persisted_names(const char *text, char *names, size_t len)
{
	const char *p = text, *q, *open;
	size_t used = 0;
	int w;

	names[0] = '\0';
	while ((p = strstr(p, "{\"Value\"")) != NULL) {
		/* back over ': ' to the key's closing quote */
		for (q = p; q > text && q[-1] != '"'; q--)
			;
		if (q <= text + 1) {
			p++;
			continue;
		}
		for (open = q - 2; open > text && *open != '"'; open--)
			;
		w = snprintf(names + used, len - used, "%s%.*s",
			     used ? ", " : "", (int)(q - 2 - open), open + 1);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
		p++;
	}
}

int ga_snapshot_add_persisted(struct ga_snapshot *snap, const char *dir,
			      struct ga_error *err)
{
	char names[300], value[400];
	struct ga_error rerr;
	char *text;
	size_t len;
	int r;

	/* the server's user owns the datadir: a symlink, a FIFO or a hard
	 * link it left there is refused, never followed nor waited on
	 * (util/beneath.h) */
	r = ga_within_read(dir, GA_SERVER_DATA_DIR "/" PERSISTED_FILE,
			   PERSISTED_MAX, &text, &len, &rerr);
	if (r == GA_WITHIN_MISSING)
		return ga_snapshot_add(snap, "persisted", PERSISTED_FILE,
				       "none", 4, err);
	if (r)
		return ga_error_set(err, "the datadir: %s", rerr.msg);
	persisted_names(text, names, sizeof(names));
	snprintf(value, sizeof(value), "%s (%zu bytes #%016" PRIx64 ")",
		 names[0] ? names : "no variable", len,
		 ga_fnv1a(GA_FNV1A_INIT, text, len));
	free(text);
	return ga_snapshot_add(snap, "persisted", PERSISTED_FILE, value,
			       strlen(value), err);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

/* Whether file name of schema is one "def file" leaves out (above). */
static bool left_out(const char *schema, const char *name)
{
	if (name[0] == '.' || name[0] == '#')
		return true;
	if (ends_with(name, ".ibd"))
		return true;
	return strcmp(schema, "mysql") == 0 &&
	       (strncmp(name, "general_log.", 12) == 0 ||
		strncmp(name, "slow_log.", 9) == 0);
}

/* The files of one schema's directory (dirfd, owned: closed here). */
static int add_schema_files(struct ga_snapshot *snap, int dirfd,
			    const char *schema, size_t *count,
			    struct ga_error *err)
{
	char key[300], value[64];
	struct dirent *e;
	struct stat st;
	DIR *d = fdopendir(dirfd);
	int rc = 0;

	if (!d) {
		close(dirfd);
		return ga_error_errno(err, errno, "opendir %s", schema);
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (left_out(schema, e->d_name))
			continue;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			if (errno == ENOENT)    /* gone meanwhile */
				continue;
			rc = ga_error_errno(err, errno, "stat %s/%s", schema,
					    e->d_name);
			break;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if (++*count > DEF_MAX_FILES) {
			rc = ga_error_set(err, "more than %d files in the "
					  "datadir to compare", DEF_MAX_FILES);
			break;
		}
		snprintf(key, sizeof(key), "file %s/%s", schema, e->d_name);
		/* a hard link is a file of elsewhere: nothing of it said */
		if (st.st_nlink != 1)
			snprintf(value, sizeof(value), "a file with %lu links",
				 (unsigned long)st.st_nlink);
		else
			snprintf(value, sizeof(value), "%lld bytes, written "
				 "%lld.%09ld", (long long)st.st_size,
				 (long long)st.st_mtim.tv_sec,
				 (long)st.st_mtim.tv_nsec);
		rc = ga_snapshot_add(snap, "def", key, value, strlen(value),
				     err);
	}
	closedir(d);
	return rc;
}

/* The datadir of the server directory dir, opened below it without
 * following a symlink; NULL with err set. */
static DIR *open_datadir(const char *dir, struct ga_error *err)
{
	int top, fd;
	DIR *d;

	top = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0) {
		ga_error_errno(err, errno, "open %s", dir);
		return NULL;
	}
	fd = openat(top, GA_SERVER_DATA_DIR, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(top);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		ga_error_errno(err, errno, "open %s/" GA_SERVER_DATA_DIR, dir);
		if (fd >= 0)
			close(fd);
	}
	return d;
}

int ga_snapshot_add_datadir(struct ga_snapshot *snap, const char *dir,
			    const char *skip_schema, struct ga_error *err)
{
	struct dirent *e;
	size_t count = 0;
	DIR *d = open_datadir(dir, err);
	int rc = 0, fd;

	if (!d)
		return -1;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || e->d_name[0] == '#' ||
		    strcmp(e->d_name, skip_schema) == 0)
			continue;
		/* a schema's directory; a symlink, a FIFO, a file are not */
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOTDIR || errno == ENOENT ||
			    errno == ELOOP)
				continue;       /* a file of the datadir's own */
			rc = ga_error_errno(err, errno, "open %s/"
					    GA_SERVER_DATA_DIR "/%s", dir,
					    e->d_name);
			break;
		}
		rc = add_schema_files(snap, fd, e->d_name, &count, err);
	}
	closedir(d);
	return rc;
}
