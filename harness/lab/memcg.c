/* memcg.c - see memcg.h */
#include "lab/memcg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/flatcopy.h"

#define MOUNTINFO_MAX (1 << 20)
#define SMALL_MAX 8192
#define MAKE_TRIES 3
#define REMOVE_WAIT_MS 2000
#define REMOVE_POLL_MS 10
#define SWEEP_DIRS_MAX 20000    /* directories a sweep looks at, at most */
#define PARENT_LOCK_MS 2000     /* a parent's lock waited for, at most */

/* ---- reading the kernel's small files ----------------------------------- */

/* Reads the whole of path (a /proc or cgroupfs file: its size says
 * nothing) into a new buffer of at most max bytes.  Returns it (free()
 * it), or NULL with err set. */
static char *read_all(const char *path, size_t max, struct ga_error *err)
{
	size_t got = 0, cap = 4096;
	char *buf = malloc(cap), *nb;
	ssize_t n;
	int fd;

	if (!buf) {
		ga_error_set(err, "out of memory");
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ga_error_errno(err, errno, "cannot read %s", path);
		free(buf);
		return NULL;
	}
	for (;;) {
		if (got + 1 >= cap) {
			if (cap >= max) {
				ga_error_set(err, "%s: larger than %zu bytes",
					     path, max);
				goto fail;
			}
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				ga_error_set(err, "out of memory");
				goto fail;
			}
			buf = nb;
		}
		n = read(fd, buf + got, cap - got - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ga_error_errno(err, errno, "cannot read %s", path);
			goto fail;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}

/* Reads dir/name into a new buffer (a cgroup's file). */
static char *read_in(const char *dir, const char *name, struct ga_error *err)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path)) {
		ga_error_set(err, "%s/%s: path too long", dir, name);
		return NULL;
	}
	return read_all(path, SMALL_MAX, err);
}

/* Writes text into dir/name (a cgroup's control file).  Returns 0, or
 * -1 with err set. */
static int write_in(const char *dir, const char *name, const char *text,
		    struct ga_error *err)
{
	char path[PATH_MAX];
	size_t len = strlen(text);
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return ga_error_set(err, "%s/%s: path too long", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(err, errno, "open %s", path);
	do {
		n = write(fd, text, len);
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len) {
		int e = n < 0 ? errno : EIO;

		close(fd);
		return ga_error_errno(err, e, "write '%.*s' to %s",
				      (int)strcspn(text, "\n"), text, path);
	}
	if (close(fd) != 0)
		return ga_error_errno(err, errno, "write %s", path);
	return 0;
}

static bool exists_in(const char *dir, const char *name)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    (int)sizeof(path))
		return false;
	return access(path, F_OK) == 0;
}

/* ---- pure parts ---------------------------------------------------------- */

bool ga_memcg_has_word(const char *text, const char *word)
{
	size_t wl = strlen(word), n;
	const char *p = text;

	while (*p) {
		p += strspn(p, " \t\n,");
		n = strcspn(p, " \t\n,");
		if (n == wl && strncmp(p, word, wl) == 0)
			return true;
		p += n;
	}
	return false;
}

int ga_memcg_parse_key(const char *text, const char *key, long long *n)
{
	size_t kl = strlen(key);
	const char *p = text;
	char *end;

	while (p && *p) {
		if (strncmp(p, key, kl) == 0 && p[kl] == ' ') {
			errno = 0;
			*n = strtoll(p + kl + 1, &end, 10);
			if (errno == 0 && end != p + kl + 1 &&
			    (*end == '\n' || *end == '\0'))
				return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 1;
}

/* Copies the n bytes of s into out (len bytes), with mountinfo's octal
 * escapes ("\040" for a blank) undone.  Returns 0, -1 when too long. */
static int unescape(const char *s, size_t n, char *out, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (o + 1 >= len)
			return -1;
		if (s[i] == '\\' && i + 3 < n &&
		    s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			out[o++] = (char)((s[i + 1] - '0') * 64 +
					  (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return 0;
}

/* The fields of one mountinfo line: [start, len) of field i (0-based)
 * of the part before " - " (mount) or after it (fs: type, source,
 * options).  Returns 0, or 1 when the line has no such field. */
static int field(const char *line, size_t line_len, bool after_dash,
		 int i, const char **start, size_t *len)
{
	const char *p = line, *end = line + line_len, *dash;
	int k = 0;

	/* " - " ends the optional fields */
	for (dash = p; dash + 3 <= end; dash++)
		if (dash[0] == ' ' && dash[1] == '-' && dash[2] == ' ')
			break;
	if (dash + 3 > end)
		return 1;
	if (after_dash) {
		p = dash + 3;
	} else {
		end = dash;
	}
	while (p < end) {
		size_t n = 0;

		while (p + n < end && p[n] != ' ')
			n++;
		if (k == i) {
			*start = p;
			*len = n;
			return 0;
		}
		k++;
		p += n;
		while (p < end && *p == ' ')
			p++;
	}
	return 1;
}

int ga_memcg_parse_mountinfo(const char *mountinfo,
			     enum ga_memcg_version *version, char *mount,
			     size_t mount_len, char *root, size_t root_len)
{
	const char *line = mountinfo, *nl, *s;
	char opts[512], v2_mount[PATH_MAX] = "", v2_root[PATH_MAX] = "";
	size_t len, n;

	for (; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		len = nl ? (size_t)(nl - line) : strlen(line);
		if (field(line, len, true, 0, &s, &n))
			continue;
		if (n == 6 && strncmp(s, "cgroup", 6) == 0) {
			if (field(line, len, true, 2, &s, &n) ||
			    n >= sizeof(opts))
				continue;
			memcpy(opts, s, n);
			opts[n] = '\0';
			if (!ga_memcg_has_word(opts, "memory"))
				continue;
			if (field(line, len, false, 4, &s, &n) ||
			    unescape(s, n, mount, mount_len) ||
			    field(line, len, false, 3, &s, &n) ||
			    unescape(s, n, root, root_len))
				continue;
			*version = GA_MEMCG_V1;
			return 0;
		}
		if (n == 7 && strncmp(s, "cgroup2", 7) == 0 && !v2_mount[0]) {
			if (field(line, len, false, 4, &s, &n) ||
			    unescape(s, n, v2_mount, sizeof(v2_mount)) ||
			    field(line, len, false, 3, &s, &n) ||
			    unescape(s, n, v2_root, sizeof(v2_root)))
				v2_mount[0] = '\0';
		}
	}
	if (!v2_mount[0] || strlen(v2_mount) >= mount_len ||
	    strlen(v2_root) >= root_len)
		return 1;
	*version = GA_MEMCG_V2;
	snprintf(mount, mount_len, "%s", v2_mount);
	snprintf(root, root_len, "%s", v2_root);
	return 0;
}

int ga_memcg_parse_own(const char *proc_cgroup, enum ga_memcg_version v,
		       char *path, size_t len)
{
	const char *line = proc_cgroup, *nl, *c1, *c2;
	char ctrl[256];
	size_t n;

	for (; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		c1 = strchr(line, ':');
		if (!c1 || (nl && c1 > nl))
			continue;
		c2 = strchr(c1 + 1, ':');
		if (!c2 || (nl && c2 > nl))
			continue;
		n = (size_t)(c2 - c1 - 1);
		if (v == GA_MEMCG_V2) {
			if (n != 0 || strncmp(line, "0:", 2) != 0)
				continue;
		} else {
			if (n == 0 || n >= sizeof(ctrl))
				continue;
			memcpy(ctrl, c1 + 1, n);
			ctrl[n] = '\0';
			if (!ga_memcg_has_word(ctrl, "memory"))
				continue;
		}
		n = nl ? (size_t)(nl - c2 - 1) : strlen(c2 + 1);
		if (n == 0 || n >= len || c2[1] != '/')
			return 1;
		memcpy(path, c2 + 1, n);
		path[n] = '\0';
		return 0;
	}
	return 1;
}

int ga_memcg_dir(const char *mount, const char *mount_root,
		 const char *path, char *dir, size_t len)
{
	size_t rl = strlen(mount_root);
	const char *rest;

	/* "/" shows everything; "/a" shows /a and what is below it */
	if (strcmp(mount_root, "/") == 0) {
		rest = path;
	} else if (strncmp(path, mount_root, rl) == 0 &&
		   (path[rl] == '\0' || path[rl] == '/')) {
		rest = path + rl;
	} else {
		return 1;
	}
	if (strcmp(rest, "/") == 0)
		rest = "";
	if (snprintf(dir, len, "%s%s", mount, rest) >= (int)len)
		return -1;
	return 0;
}

/* ---- where the controller is ---------------------------------------------- */

int ga_memcg_home(struct ga_memcg_home *h, struct ga_error *err)
{
	char root[PATH_MAX], own[PATH_MAX];
	char *mi, *pc = NULL, *text = NULL;
	int rc = GA_MEMCG_UNSUPPORTED, d;

	memset(h, 0, sizeof(*h));
	mi = read_all("/proc/self/mountinfo", MOUNTINFO_MAX, err);
	if (!mi)
		return -1;
	if (ga_memcg_parse_mountinfo(mi, &h->version, h->mount,
				     sizeof(h->mount), root, sizeof(root))) {
		ga_error_set(err, "no cgroup hierarchy with the memory "
			     "controller is mounted (/proc/self/mountinfo has "
			     "neither cgroup v1's memory nor cgroup2)");
		goto out;
	}
	pc = read_all("/proc/self/cgroup", SMALL_MAX, err);
	if (!pc) {
		rc = -1;
		goto out;
	}
	if (ga_memcg_parse_own(pc, h->version, own, sizeof(own))) {
		ga_error_set(err, "/proc/self/cgroup names no cgroup of the "
			     "%s hierarchy for this process",
			     h->version == GA_MEMCG_V1 ? "memory" : "unified");
		goto out;
	}
	d = ga_memcg_dir(h->mount, root, own, h->own, sizeof(h->own));
	if (d) {
		ga_error_set(err, "this process's cgroup %s is not below what "
			     "%s shows (%s)", own, h->mount, root);
		goto out;
	}
	if (access(h->own, W_OK) != 0) {
		ga_error_errno(err, errno, "cannot make cgroups in %s "
			       "(goneaway's own cgroup)", h->own);
		goto out;
	}
	if (h->version == GA_MEMCG_V2) {
		/* the run's cgroup gets memory only when the harness's own
		 * cgroup hands it down: goneaway changes no cgroup of the
		 * machine's */
		text = read_in(h->own, "cgroup.subtree_control", err);
		if (!text) {
			rc = -1;
			goto out;
		}
		if (!ga_memcg_has_word(text, "memory")) {
			text[strcspn(text, "\n")] = '\0';
			ga_error_set(err, "cgroup v2: the memory controller is "
				     "not enabled for the children of "
				     "goneaway's cgroup %s (its "
				     "cgroup.subtree_control has '%s'); run "
				     "goneaway in a cgroup that delegates "
				     "memory to its children", h->own,
				     strtok(text, "\n") ? text : "");
			goto out;
		}
	}
	rc = 0;
out:
	if (rc != 0)
		h->version = GA_MEMCG_NONE;
	free(mi);
	free(pc);
	free(text);
	return rc;
}

/* ---- a run's cgroup ------------------------------------------------------- */

static bool valid_name(const char *name)
{
	return *name && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
	       ga_name_chars(name);
}

/* Whether the directory at path is still the one open at fd. */
static bool same_dir(const char *path, int fd)
{
	struct stat a, b;

	return stat(path, &a) == 0 && fstat(fd, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The lock of a parent of runs' cgroups (op: LOCK_SH to make one in
 * it, LOCK_EX to sweep them): a maker holds it shared for a mkdir and a
 * flock, a sweep exclusive for a look at each run's, so it comes at once
 * or after a few polls; one another program keeps is waited for at most
 * PARENT_LOCK_MS, never forever.  Returns 0 when taken, else -1 with
 * errno set. */
static int lock_parent(int fd, int op)
{
	struct timespec ts = { 0, REMOVE_POLL_MS * 1000000L };
	int waited;

	for (waited = 0; flock(fd, op | LOCK_NB) != 0;
	     waited += REMOVE_POLL_MS) {
		if (errno != EWOULDBLOCK || waited >= PARENT_LOCK_MS)
			return -1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* One attempt: 0, -1 with err set, 1 when a sweep removed the new
 * directory before its lock was held (try again).
 *
 * A run's cgroup is locked (flock on its directory) only once it is
 * made, so between the two it is a free lock a sweep could take: the
 * maker holds its parent's lock shared from before the mkdir to after
 * its own flock, and a sweep takes the parent's lock exclusive before it
 * tries a run's (sweep_dir()).  (A cgroup cannot be made under another
 * name and renamed, as a run directory's lock is: cgroup v2 has no
 * rename.) */
static int run_open_once(struct ga_memcg_run *run, const char *parent,
			 struct ga_error *err)
{
	int fd, pfd;

	pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0 || lock_parent(pfd, LOCK_SH) != 0) {
		ga_error_errno(err, errno, "lock %s", parent);
		if (pfd >= 0)
			close(pfd);
		return -1;
	}
	if (mkdir(run->path, 0755) != 0) {
		close(pfd);
		return ga_error_errno(err, errno, "mkdir %s", run->path);
	}
	fd = open(run->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX) != 0) {
		ga_error_errno(err, errno, "lock %s", run->path);
		if (fd >= 0)
			close(fd);
		rmdir(run->path);
		close(pfd);
		return -1;
	}
	close(pfd);
	/* a sweep that does not take the parent's lock (an older
	 * goneaway's) may have taken it first, removed the directory and
	 * then let go of the lock: the path is gone, or a new one */
	if (!same_dir(run->path, fd)) {
		close(fd);
		return 1;
	}
	run->lock_fd = fd;
	return 0;
}

int ga_memcg_run_open(struct ga_memcg_run *run,
		      const struct ga_memcg_home *h, const char *suffix,
		      struct ga_error *err)
{
	int i, rc = 1;

	memset(run, 0, sizeof(*run));
	run->lock_fd = -1;
	if (h->version == GA_MEMCG_NONE)
		return ga_error_set(err, "no memory controller");
	if (!valid_name(suffix))
		return ga_error_set(err, "invalid cgroup name suffix '%s'",
				    suffix);
	if (snprintf(run->path, sizeof(run->path), "%s/" GA_MEMCG_RUN_PREFIX
		     "%s", h->own, suffix) >= (int)sizeof(run->path)) {
		run->path[0] = '\0';
		return ga_error_set(err, "%s: path too long", h->own);
	}
	run->version = h->version;
	for (i = 0; i < MAKE_TRIES && rc == 1; i++)
		rc = run_open_once(run, h->own, err);
	if (rc == 1)
		ga_error_set(err, "%s: swept away %d times while it was made",
			     run->path, MAKE_TRIES);
	if (rc != 0) {
		run->path[0] = '\0';
		return -1;
	}
	/* v2: the servers' cgroups get the memory controller from it */
	if (run->version == GA_MEMCG_V2 &&
	    write_in(run->path, "cgroup.subtree_control", "+memory", err)) {
		struct ga_error ignored;

		ga_memcg_run_close(run, &ignored);
		return -1;
	}
	return 0;
}

/* Removes the empty directory path, trying again while the kernel says
 * a process is still in it (one that was killed and is still exiting),
 * for up to wait_ms.  Returns 0 (gone already counts), or -1 with err
 * set. */
static int remove_cgroup(const char *path, long wait_ms, struct ga_error *err)
{
	struct timespec ts = { 0, REMOVE_POLL_MS * 1000000L };
	long waited = 0;

	for (;;) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || waited >= wait_ms)
			return ga_error_errno(err, errno, "rmdir %s", path);
		nanosleep(&ts, NULL);
		waited += REMOVE_POLL_MS;
	}
}

/* Whether de, an entry of dir, is a directory below it (not "." or
 * ".."), its path (dir/NAME) in path[len] when it fits. */
static bool subdir_path(const char *dir, const struct dirent *de,
			char *path, size_t len)
{
	if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
	    strcmp(de->d_name, "..") == 0)
		return false;
	return snprintf(path, len, "%s/%s", dir, de->d_name) < (int)len;
}

/* Removes every cgroup directory in dir (the servers' of a run's).
 * Returns 0, or -1 with err set for the first that stays. */
static int remove_children(const char *dir, long wait_ms, struct ga_error *err)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 :
		       ga_error_errno(err, errno, "open %s", dir);
	while ((de = readdir(d)) != NULL) {
		if (!subdir_path(dir, de, path, sizeof(path)))
			continue;
		if (remove_cgroup(path, wait_ms, rc ? NULL : err))
			rc = -1;
	}
	closedir(d);
	return rc;
}

int ga_memcg_run_close(struct ga_memcg_run *run, struct ga_error *err)
{
	int rc = 0;

	if (run->path[0]) {
		if (remove_children(run->path, REMOVE_WAIT_MS, err) ||
		    remove_cgroup(run->path, REMOVE_WAIT_MS, err))
			rc = -1;
	}
	/* after the removal: a sweep must not see it unlocked before */
	if (run->lock_fd >= 0)
		close(run->lock_fd);
	run->lock_fd = -1;
	run->path[0] = '\0';
	return rc;
}

/* ---- a server's cgroup ------------------------------------------------------- */

int ga_memcg_make(struct ga_memcg *cg, const struct ga_memcg_run *run,
		  const char *name, long long limit, struct ga_error *err)
{
	struct ga_error ignored;
	char num[32], path[PATH_MAX];

	memset(cg, 0, sizeof(*cg));
	cg->procs_fd = -1;
	if (!run->path[0] || run->lock_fd < 0)
		return ga_error_set(err, "the run has no cgroup");
	if (!valid_name(name))
		return ga_error_set(err, "invalid cgroup name '%s'", name);
	if (limit < GA_MEMCG_MIN_BYTES || limit > GA_MEMCG_MAX_BYTES)
		return ga_error_set(err, "a memory limit of %lld bytes is not "
				    "from %lld to %lld", limit,
				    GA_MEMCG_MIN_BYTES, GA_MEMCG_MAX_BYTES);
	if (snprintf(cg->path, sizeof(cg->path), "%s/%s", run->path, name) >=
	    (int)sizeof(cg->path)) {
		cg->path[0] = '\0';
		return ga_error_set(err, "%s: path too long", run->path);
	}
	if (mkdir(cg->path, 0755) != 0) {
		ga_error_errno(err, errno, "mkdir %s", cg->path);
		cg->path[0] = '\0';
		return -1;
	}
	cg->version = run->version;
	cg->limit = limit;
	snprintf(num, sizeof(num), "%lld", limit);
	if (cg->version == GA_MEMCG_V1) {
		if (write_in(cg->path, "memory.limit_in_bytes", num, err))
			goto fail;
		/* memory and swap together: nothing goes to swap past it
		 * (only where the kernel counts swap) */
		if (exists_in(cg->path, "memory.memsw.limit_in_bytes") &&
		    write_in(cg->path, "memory.memsw.limit_in_bytes", num, err))
			goto fail;
	} else {
		if (write_in(cg->path, "memory.max", num, err))
			goto fail;
		if (exists_in(cg->path, "memory.swap.max") &&
		    write_in(cg->path, "memory.swap.max", "0", err))
			goto fail;
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg->path);
	cg->procs_fd = open(path, O_WRONLY | O_CLOEXEC);
	if (cg->procs_fd < 0) {
		ga_error_errno(err, errno, "open %s", path);
		goto fail;
	}
	return 0;
fail:
	ga_memcg_remove(cg, &ignored);
	return -1;
}

int ga_memcg_oom_kills(const struct ga_memcg *cg, long long *n,
		       struct ga_error *err)
{
	const char *file = cg->version == GA_MEMCG_V1 ? "memory.oom_control" :
						       "memory.events";
	char *text;
	int rc;

	if (!cg->path[0])
		return ga_error_set(err, "the server has no memory cgroup");
	text = read_in(cg->path, file, err);
	if (!text)
		return -1;
	rc = ga_memcg_parse_key(text, "oom_kill", n);
	free(text);
	if (rc)
		return ga_error_set(err, "%s/%s has no oom_kill count (a kernel "
				    "older than 4.13)", cg->path, file);
	return 0;
}

long long ga_memcg_peak(const struct ga_memcg *cg)
{
	const char *file = cg->version == GA_MEMCG_V1 ?
			   "memory.max_usage_in_bytes" : "memory.peak";
	struct ga_error ignored;
	long long n;
	char *text, *end;

	if (!cg->path[0])
		return -1;
	text = read_in(cg->path, file, &ignored);
	if (!text)
		return -1;
	errno = 0;
	n = strtoll(text, &end, 10);
	if (errno || end == text)
		n = -1;
	free(text);
	return n;
}

int ga_memcg_remove(struct ga_memcg *cg, struct ga_error *err)
{
	int rc = 0;

	if (cg->procs_fd >= 0)
		close(cg->procs_fd);
	cg->procs_fd = -1;
	if (cg->path[0] && remove_cgroup(cg->path, REMOVE_WAIT_MS, err))
		rc = -1;
	if (rc == 0)
		cg->path[0] = '\0';
	return rc;
}

/* ---- the sweep --------------------------------------------------------------- */

struct sweep {
	int removed, left, dirs;
};

/* A run's cgroup at path whose run may be gone: removed, with its
 * servers' cgroups, when its lock is free. */
static void sweep_run(struct sweep *sw, const char *path)
{
	struct ga_error ignored;
	int fd;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);      /* a live run holds it */
		return;
	}
	/* the lock of a run that ended while this sweep opened it: its
	 * path is gone (or another's) */
	if (!same_dir(path, fd)) {
		close(fd);
		return;
	}
	/* no wait: a gone run's servers died with it */
	if (remove_children(path, 0, &ignored) == 0 &&
	    remove_cgroup(path, 0, &ignored) == 0)
		sw->removed++;
	else
		sw->left++;
	close(fd);      /* after the removal: see run_open_once() */
}

static void sweep_dir(struct sweep *sw, const char *dir, int depth)
{
	char path[PATH_MAX];
	struct dirent *de;
	bool locked = false;
	DIR *d;

	if (depth < 0 || sw->dirs >= SWEEP_DIRS_MAX)
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL && sw->dirs < SWEEP_DIRS_MAX) {
		if (!subdir_path(dir, de, path, sizeof(path)))
			continue;
		sw->dirs++;
		if (strncmp(de->d_name, GA_MEMCG_RUN_PREFIX,
			    strlen(GA_MEMCG_RUN_PREFIX)) != 0) {
			sweep_dir(sw, path, depth - 1);
			continue;
		}
		/* no run's cgroup is being made here while this sweep
		 * looks at the runs' (run_open_once()) */
		if (!locked && lock_parent(dirfd(d), LOCK_EX) != 0) {
			sw->left++;     /* the next sweep's */
			continue;
		}
		locked = true;
		sweep_run(sw, path);
	}
	closedir(d);    /* lets go of its lock */
}

int ga_memcg_sweep(const char *root, int depth, int *removed, int *left,
		   struct ga_error *err)
{
	struct sweep sw = { 0, 0, 0 };
	struct stat st;

	*removed = *left = 0;
	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode))
		return ga_error_errno(err, errno ? errno : ENOTDIR,
				      "cannot read %s", root);
	sweep_dir(&sw, root, depth);
	*removed = sw.removed;
	*left = sw.left;
	return 0;
}
