/* template.c - see template.h */
#include "server/template.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/beneath.h"
#include "util/fsutil.h"
#include "util/hash.h"
#include "util/ownmark.h"
#include "util/trustdir.h"

#define LOCK_TIMEOUT_MS 600000
#define LOG_TAIL 4096          /* of a build step's log, for its error */

static int template_key(const struct ga_template_opts *o, uint64_t *key,
			struct ga_error *err)
{
	uint64_t h = 1469598103934665603ULL;
	struct stat st;
	char *text;
	size_t len, i;

	h = ga_fnv1a(h, o->format, strlen(o->format) + 1);
	for (i = 0; o->stat_paths[i]; i++) {
		if (stat(o->stat_paths[i], &st) != 0)
			return ga_error_errno(err, errno, "%s", o->stat_paths[i]);
		h = ga_fnv1a(h, &st.st_size, sizeof(st.st_size));
		h = ga_fnv1a(h, &st.st_mtime, sizeof(st.st_mtime));
	}
	for (i = 0; o->content_paths[i]; i++) {
		if (ga_file_read(o->content_paths[i], 1 << 20, &text, &len, err))
			return -1;
		h = ga_fnv1a(h, text, len);
		free(text);
	}
	*key = h;
	return 0;
}

static int lock_cache(const char *cache_dir, struct ga_interrupt *in,
		      int *fd_out, struct ga_error *err)
{
	char path[PATH_MAX];
	int fd, waited = 0;

	snprintf(path, sizeof(path), "%s/template.lock", cache_dir);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return ga_error_errno(err, errno, "open %s", path);
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK || waited > LOCK_TIMEOUT_MS ||
		    ga_interrupt_wait(in, -1, 50) < 0) {
			close(fd);
			return ga_error_set(err, "could not lock %s", path);
		}
		waited += 50;
	}
	*fd_out = fd;
	return 0;
}

/* Removes cache/name if goneaway made it (it carries the mark,
 * util/ownmark.h: a directory of that name that someone else put there
 * stays) and no run holds it: the exclusive lock is taken without
 * waiting and kept until the directory is gone, so a run that asks for
 * its hold meanwhile waits and then finds it removed.  Returns 1 if it
 * was removed. */
static int remove_unheld(int cache, const char *name)
{
	struct ga_error ignored;
	int fd, removed = 0;

	fd = openat(cache, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (ga_mark_present(fd) && flock(fd, LOCK_EX | LOCK_NB) == 0 &&
	    ga_tree_empty_fd(fd, &ignored) == 0 &&
	    unlinkat(cache, name, AT_REMOVEDIR) == 0)
		removed = 1;
	close(fd);
	return removed;
}

int ga_template_remove_stale(const char *cache_dir, const char *keep)
{
	struct dirent *de;
	int removed = 0;
	DIR *dir;

	dir = opendir(cache_dir);
	if (!dir)
		return 0;
	while ((de = readdir(dir)) != NULL) {
		if (strncmp(de->d_name, "template-", 9) != 0 &&
		    strncmp(de->d_name, "building-", 9) != 0)
			continue;
		if (strcmp(de->d_name, keep) == 0)
			continue;
		removed += remove_unheld(dirfd(dir), de->d_name);
	}
	closedir(dir);
	return removed;
}

int ga_template_hold(const char *template_dir, int *fd,
		     struct ga_error *err)
{
	struct stat st;
	int d;

	*fd = -1;
	d = open(template_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d < 0)
		return ga_error_errno(err, errno, "open the template %s",
				      template_dir);
	/* an exclusive holder is removing it: wait, then see */
	while (flock(d, LOCK_SH) != 0) {
		if (errno != EINTR) {
			int e = errno;

			close(d);
			return ga_error_errno(err, e, "lock the template %s",
					      template_dir);
		}
	}
	if (fstat(d, &st) != 0 || st.st_nlink == 0) {
		close(d);
		return ga_error_set(err, "the template %s was removed by "
				    "another run (of another mariadbd or "
				    "fixture): run again", template_dir);
	}
	*fd = d;
	return 0;
}

void ga_template_release(int fd)
{
	if (fd >= 0)
		close(fd);
}

int ga_template_copy(const char *template_dir, const char *dst,
		     struct ga_error *err)
{
	int fd, rc;

	if (ga_template_hold(template_dir, &fd, err))
		return -1;
	rc = ga_tree_copy(template_dir, dst, err);
	ga_template_release(fd);
	return rc;
}

/* The last bytes of a build step's log, path: its directory is the
 * build's, which the build's programs may write, so the log is read as
 * util/beneath.h reads a file there (no symlink, no FIFO, no wait).
 * Returns 0 with a new buffer in *tail, or -1. */
static int install_log_tail(const char *path, char **tail)
{
	const char *base = strrchr(path, '/');
	struct ga_error ignored;
	char dir[PATH_MAX];
	long long from;

	if (!base || base == path || (size_t)(base - path) >= sizeof(dir))
		return -1;
	memcpy(dir, path, (size_t)(base - path));
	dir[base - path] = '\0';
	from = ga_within_size(dir, base + 1) - LOG_TAIL;
	return ga_within_read_from(dir, base + 1, &from, 2 * LOG_TAIL, tail,
				   NULL, &ignored);
}

int ga_template_run_step(const struct ga_spawn_opts *sp,
			 struct ga_interrupt *in, struct ga_error *err)
{
	char *tail;
	size_t n;

	if (ga_spawn_run(sp, in, GA_TEMPLATE_STEP_TIMEOUT_MS, err) == 0)
		return 0;
	if (sp->output_path && install_log_tail(sp->output_path, &tail) == 0) {
		n = strlen(tail);
		ga_error_prefix(err, "building the template datadir (install log "
				"ends: %s)", tail + (n > 300 ? n - 300 : 0));
		free(tail);
	}
	return -1;
}

/* Writes goneaway's mark into the directory path. */
static int mark(const char *path, struct ga_error *err)
{
	int fd, rc;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(err, errno, "open %s", path);
	rc = ga_mark_write(fd, err);
	close(fd);
	return rc ? ga_error_prefix(err, "%s", path) : 0;
}

/* Runs the builder in a fresh building-XXXXXX directory (which a later
 * build removes if this process dies meanwhile) and renames its datadir
 * to final, made goneaway's own (the builder ran as a user of its own:
 * no later server that gets that user's id owns the cache's template).
 * Both carry goneaway's mark, which is what a later build looks for
 * before it removes one. */
static int build(const struct ga_template_opts *o, struct ga_interrupt *in,
		 const char *final, struct ga_error *err)
{
	char work[PATH_MAX], data[PATH_MAX];
	struct ga_error ignored;
	int rc = -1;

	snprintf(work, sizeof(work), "%s/building-XXXXXX", o->cache_dir);
	if (!mkdtemp(work))
		return ga_error_errno(err, errno, "mkdtemp %s", work);
	if (mark(work, err))
		goto out;
	snprintf(data, sizeof(data), "%s/data", work);
	if (o->build(o->build_arg, in, work, data, err) ||
	    ga_tree_chown(data, (unsigned)geteuid(), (unsigned)getegid(),
			  err) || mark(data, err))
		goto out;
	if (rename(data, final) != 0) {
		ga_error_errno(err, errno, "rename %s to %s", data, final);
		goto out;
	}
	rc = 0;
out:
	ga_tree_remove(work, &ignored);
	return rc;
}

int ga_template_ensure(const struct ga_template_opts *opts,
		       struct ga_interrupt *in, char *path, size_t len,
		       int *built, struct ga_error *err)
{
	char name[64];
	struct stat st;
	uint64_t key = 0;
	int lockfd, rc;

	*built = 0;
	if (ga_trustdir_mkdirs(opts->cache_dir, err) ||
	    template_key(opts, &key, err))
		return -1;
	snprintf(name, sizeof(name), "template-%016llx", (unsigned long long)key);
	if (snprintf(path, len, "%s/%s", opts->cache_dir, name) >= (int)len)
		return ga_error_set(err, "cache path too long");
	if (stat(path, &st) == 0)
		return 0;
	if (lock_cache(opts->cache_dir, in, &lockfd, err))
		return -1;
	rc = 0;
	if (stat(path, &st) != 0) {     /* nobody built it while we waited */
		ga_template_remove_stale(opts->cache_dir, name);
		rc = build(opts, in, path, err);
		*built = rc == 0;
	}
	close(lockfd);
	return rc;
}
