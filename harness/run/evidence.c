/* evidence.c - what a scenario leaves for a human to examine: in
 * results_dir/<label>/ the file that ran (scenario.gw), every step's
 * call, code, sqlstate, message and time (steps.log), the server's own
 * error log (mariadbd.err, whatever the server) and configuration
 * (my.cnf), each client driver's standard error (driver-NAME.log,
 * one per connection) and, behind a proxy, its configuration and log
 * (haproxy.cfg, haproxy.log) and, for a scenario with local_infile, the
 * fixtures it read (fixtures/, the case's copy), so a failure can be
 * understood and rerun from its results alone.  Whatever could not be kept is recorded in the case result: a
 * --strict run fails on it.
 */
#include "run/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/expect.h"
#include "util/flatcopy.h"
#include "util/beneath.h"
#include "util/fsutil.h"
#include "util/logcopy.h"
#include "util/ownmark.h"

/* Writes steps.log under the open directory dirfd. */
static int write_steps_log(const struct ga_scenario *sc,
			   const struct ga_case_result *res, int dirfd,
			   struct ga_error *err)
{
	const char *path = "steps.log";
	FILE *f;

	f = ga_file_create_at(dirfd, path, err);
	if (!f)
		return -1;
	ga_steps_log_write(f, sc, res);
	if (ferror(f)) {
		fclose(f);
		return ga_error_set(err, "write %s: I/O error", path);
	}
	if (fclose(f) != 0)
		return ga_error_errno(err, errno, "write %s", path);
	return 0;
}

static void lost(struct ga_case_result *res, const struct ga_error *err)
{
	size_t n = strlen(res->evidence_lost);

	if (n < sizeof(res->evidence_lost))
		snprintf(res->evidence_lost + n, sizeof(res->evidence_lost) - n,
			 "%s%s", n ? "; " : "", err->msg);
}

/* What a log's copy cut (util/logcopy.h), into res->evidence_cut. */
static void cut_note(struct ga_case_result *res, const char *name,
		     long long size, long long cut)
{
	size_t n = strlen(res->evidence_cut);

	if (cut > 0 && n < sizeof(res->evidence_cut))
		snprintf(res->evidence_cut + n, sizeof(res->evidence_cut) - n,
			 "%s%s: %lld bytes, %lld cut from its middle (a log is "
			 "kept whole up to %lld MiB, else its first and its "
			 "last %lld MiB)", n ? "; " : "", name, size, cut,
			 GA_LOG_COPY_MAX >> 20, GA_LOG_COPY_MAX >> 21);
}

/* The log name of the open directory from (a plain name; no symlink
 * followed, nothing but a regular file read, never waited on) copied
 * within its bound into name under dirfd. */
static void keep_log_at(struct ga_case_result *res, int from,
			const char *src, int dirfd, const char *name,
			const char *shown)
{
	struct ga_error err;
	struct stat st;
	long long cut;
	int fd;

	fd = openat(from, src, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
		    O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd < 0)
			ga_error_errno(&err, errno, "%s/%s", shown, name);
		else
			ga_error_set(&err, "%s/%s: not a regular file", shown,
				     name);
		lost(res, &err);
		if (fd >= 0)
			close(fd);
		return;
	}
	cut = ga_log_copy_at(fd, dirfd, name, GA_LOG_COPY_MAX, &err);
	close(fd);
	if (cut < 0) {
		ga_error_prefix(&err, "%s", shown);
		lost(res, &err);
	}
	cut_note(res, name, (long long)st.st_size, cut);
}

/* The standard error of each driver process (client/process.c writes
 * it as driver-CONNECTION.log in the scenario's directory). */
static void keep_driver_logs(struct ga_case *c, int to, const char *shown)
{
	struct ga_error err;
	struct dirent *e;
	size_t n;
	DIR *d;

	if (!c->dir_made)
		return;
	d = opendir(c->dir);
	if (!d) {
		ga_error_errno(&err, errno, "open %s", c->dir);
		lost(c->res, &err);
		return;
	}
	while ((e = readdir(d))) {
		n = strlen(e->d_name);
		if (strncmp(e->d_name, "driver-", 7) != 0 || n < 12 ||
		    strcmp(e->d_name + n - 4, ".log") != 0)
			continue;
		keep_log_at(c->res, dirfd(d), e->d_name, to, e->d_name, shown);
	}
	closedir(d);
}

/* The directory leaf under the open directory parent, shown as shown:
 * every one goneaway makes carries the mark of util/ownmark.h.  fresh: an
 * old one is removed first (only when it carries the mark) and a new one
 * made; else it must be there with the mark, or be made (create). */
static int marked_dir(int parent, const char *leaf, bool fresh, bool create,
		      const char *shown, struct ga_error *err)
{
	if (fresh && ga_mark_remove_at(parent, leaf, shown, err))
		return -1;
	return ga_mark_open_at(parent, leaf, fresh || create, shown, err);
}

/* The evidence directory of sc below o->results_dir: its path as shown
 * (into shown), opened without following any symlink below
 * results_dir.  rep > 0 of a repeated scenario: that run's own
 * directory, run-REP, inside the scenario's.  fresh: an old one is
 * removed first (never followed, and only when it carries goneaway's
 * mark) and a new one made.  Returns a descriptor, or -1 with err
 * set. */
static int evidence_dir(const struct ga_run_options *o,
			const struct ga_scenario *sc, long rep, bool fresh,
			char *shown, size_t shown_len, struct ga_error *err)
{
	const char *label = ga_scenario_label(sc), *leaf;
	char rel[PATH_MAX], run[32] = "", case_shown[PATH_MAX];
	struct stat st;
	int root, parent, fd, casefd;
	size_t n;
	bool repeated = rep > 0 && sc->repeat > 1;

	if (repeated)
		snprintf(run, sizeof(run), "run-%ld", rep);
	n = (size_t)snprintf(rel, sizeof(rel), "%s%s%s",
			     o->results_sub ? o->results_sub : "",
			     o->results_sub ? "/" : "", label);
	if (n >= sizeof(rel) ||
	    (size_t)snprintf(case_shown, sizeof(case_shown), "%s/%s",
			     o->results_dir, rel) >= sizeof(case_shown) ||
	    (size_t)snprintf(shown, shown_len, "%s%s%s", case_shown,
			     run[0] ? "/" : "", run) >= shown_len)
		return ga_error_set(err, "results path too long under %s",
				    o->results_dir);
	leaf = strrchr(rel, '/');
	if (leaf)
		rel[leaf++ - rel] = '\0';
	else
		leaf = rel;
	if (!leaf[0] || strcmp(leaf, ".") == 0 || strcmp(leaf, "..") == 0)
		return ga_error_set(err, "%s: not a name for evidence", shown);
	root = open(o->results_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return ga_error_errno(err, errno, "open %s", o->results_dir);
	parent = leaf == rel ? root : ga_dir_open_beneath(root, rel, err);
	if (parent != root)
		close(root);
	if (parent < 0)
		return ga_error_prefix(err, "%s", o->results_dir);
	if (repeated) {
		/* the scenario's directory, ga_evidence_begin()'s */
		casefd = marked_dir(parent, leaf, false, true, case_shown, err);
		fd = casefd < 0 ? -1 :
		     marked_dir(casefd, run, fresh, false, shown, err);
		if (casefd >= 0)
			close(casefd);
	} else {
		fd = marked_dir(parent, leaf, fresh, false, shown, err);
	}
	/* made by us just now, or earlier in this run */
	if (fd >= 0 && (fstat(fd, &st) != 0 || st.st_uid != geteuid())) {
		ga_error_set(err, "%s: not this user's directory", shown);
		close(fd);
		fd = -1;
	}
	close(parent);
	return fd;
}

/* The directory rel below dirfd as it is, each component opened with
 * O_NOFOLLOW and none made; -1 when one is missing or not a directory
 * (a symlink included). */
static int open_existing_beneath(int dirfd, char *rel)
{
	char *comp, *save = NULL;
	int fd, next;

	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (comp = strtok_r(rel, "/", &save); comp && fd >= 0;
	     comp = strtok_r(NULL, "/", &save)) {
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			      O_CLOEXEC);
		close(fd);
		fd = next;
	}
	return fd;
}

int ga_evidence_check(const struct ga_run_options *o,
		      const struct ga_scenario *sc, struct ga_error *err)
{
	const char *label = ga_scenario_label(sc), *leaf;
	char rel[PATH_MAX], shown[PATH_MAX];
	int root, parent, r;

	if (!o->results_dir)
		return 0;
	if ((size_t)snprintf(rel, sizeof(rel), "%s%s%s",
			     o->results_sub ? o->results_sub : "",
			     o->results_sub ? "/" : "", label) >= sizeof(rel))
		return ga_error_set(err, "results path too long under %s",
				    o->results_dir);
	snprintf(shown, sizeof(shown), "%s/%s", o->results_dir, rel);
	leaf = strrchr(rel, '/');
	if (leaf)
		rel[leaf++ - rel] = '\0';
	else
		leaf = rel;
	root = open(o->results_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return errno == ENOENT ? 0 :
		       ga_error_errno(err, errno, "open %s", o->results_dir);
	parent = leaf == rel ? root : open_existing_beneath(root, rel);
	if (parent != root)
		close(root);
	if (parent < 0)
		return 0;       /* nothing there yet, or a symlink the run
				 * will not follow either: it says why */
	r = ga_mark_check_at(parent, leaf, shown, err);
	close(parent);
	return r < 0 ? -1 : 0;
}

int ga_evidence_open(const struct ga_run_options *o,
		     const struct ga_scenario *sc, char *shown,
		     size_t shown_len, struct ga_error *err)
{
	return evidence_dir(o, sc, 0, false, shown, shown_len, err);
}

int ga_rewrite_steps_log(const struct ga_run_options *o,
			 const struct ga_scenario *sc,
			 const struct ga_case_result *res,
			 struct ga_error *err)
{
	char shown[PATH_MAX];
	int fd, rc;

	fd = evidence_dir(o, sc, 0, false, shown, sizeof(shown), err);
	if (fd < 0)
		return -1;
	rc = write_steps_log(sc, res, fd, err);
	close(fd);
	return rc ? ga_error_prefix(err, "%s", shown) : 0;
}

static void keep_file(struct ga_case_result *res, const char *src, int fd,
		      const char *name, const char *shown)
{
	struct ga_error err;

	if (ga_file_copy_at(src, fd, name, &err)) {
		ga_error_prefix(&err, "%s", shown);
		lost(res, &err);
	}
}

/* The server's error log as mariadbd.err, within its bound
 * (util/logcopy.h): the whole of it, or, for a server kept from cases
 * before, its start and this case's part, with a line between that says
 * what was left out.  The log is the server's user's: opened beneath
 * the server's directory, a regular file alone (server.h). */
static void keep_errlog(struct ga_case *c, int fd, const char *shown)
{
	long long size, cut = 0, start_cut = 0, ready = c->srv.log_ready;
	struct ga_error err;
	struct stat st;
	char line[400];
	int in, out;

	in = ga_server_log_open(&c->srv, &err);
	if (in == GA_WITHIN_MISSING)
		return;
	if (in < 0 || fstat(in, &st) != 0) {
		if (in >= 0)
			ga_error_errno(&err, errno, "stat");
		ga_error_prefix(&err, "%s/mariadbd.err", shown);
		lost(c->res, &err);
		if (in >= 0)
			close(in);
		return;
	}
	size = (long long)st.st_size;
	if (!c->reused || c->errlog_from <= ready) {
		cut = ga_log_copy_at(in, fd, "mariadbd.err", GA_LOG_COPY_MAX,
				     &err);
		goto out;
	}
	out = openat(fd, "mariadbd.err", O_WRONLY | O_CREAT | O_TRUNC |
		     O_NOFOLLOW | O_CLOEXEC, 0644);
	if (out < 0) {
		cut = ga_error_errno(&err, errno, "create mariadbd.err");
		goto out;
	}
	snprintf(line, sizeof(line), "[goneaway] ... %lld bytes the server "
		 "wrote for the cases it ran before this one are left out (it "
		 "was kept for this case, run/reuse.c); this case's part "
		 "follows ...\n", c->errlog_from - ready);
	start_cut = ga_log_copy_range(in, 0, ready < size ? ready : size, out,
				      GA_LOG_COPY_MAX / 2, &err);
	if (start_cut >= 0 && ga_write_all(out, line, strlen(line)) != 0)
		start_cut = ga_error_errno(&err, errno, "write");
	if (start_cut >= 0)
		cut = ga_log_copy_range(in, c->errlog_from, size, out,
					GA_LOG_COPY_MAX / 2, &err);
	if (close(out) != 0 && start_cut >= 0 && cut >= 0)
		cut = ga_error_errno(&err, errno, "close mariadbd.err");
	if (start_cut < 0)
		cut = -1;
	else if (cut >= 0)
		cut += start_cut;
out:
	close(in);
	if (cut < 0) {
		ga_error_prefix(&err, "%s", shown);
		lost(c->res, &err);
	}
	cut_note(c->res, "mariadbd.err", size, cut);
}

/* The proxy's configuration and log, under its own name: haproxy.cfg,
 * haproxy.log (what it wrote, if it ever started), the log within its
 * bound. */
static void keep_proxy(struct ga_case *c, int fd, const char *dir)
{
	char from[PATH_MAX];
	const char *base;
	int d;

	if (!c->prx.cfg[0])
		return;
	base = strrchr(c->prx.cfg, '/');
	keep_file(c->res, c->prx.cfg, fd, base ? base + 1 : c->prx.cfg, dir);
	if (access(c->prx.log, F_OK) != 0)
		return;
	snprintf(from, sizeof(from), "%s", c->prx.log);
	base = strrchr(from, '/');
	if (!base)
		return;
	from[base++ - from] = '\0';
	d = open(from, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d < 0)
		return;
	keep_log_at(c->res, d, base, fd, base, dir);
	close(d);
}

/* The scenario's fixtures as the case had them (its copy,
 * c->dir/fixtures: run/fixtures.c) into the case's folder, fd (a
 * repeated scenario's folder above its runs' own, once, by its first
 * run): replay takes them from there (plan/casedigests.c). */
static void keep_fixtures(struct ga_case *c, int fd, const char *shown)
{
	static const struct ga_flat_bounds bounds = GA_FIXTURES_BOUNDS;
	char src[PATH_MAX + 16], top_shown[PATH_MAX];
	struct ga_error err;
	size_t files;
	int top = fd, rc;

	if (!c->real_dir[0] || (c->sc->repeat > 1 && c->rep > 1))
		return;
	if (c->sc->repeat > 1) {
		top = evidence_dir(c->r->opts, c->sc, 0, false, top_shown,
				   sizeof(top_shown), &err);
		if (top < 0) {
			lost(c->res, &err);
			return;
		}
		shown = top_shown;
	}
	snprintf(src, sizeof(src), "%s/" GA_FIXTURES_DIR, c->dir);
	rc = ga_flat_copy(src, GA_FIXTURES_DIR, top, GA_FIXTURES_DIR, &bounds,
			  &files, &err);
	if (rc < 0) {
		ga_error_prefix(&err, "%s", shown);
		lost(c->res, &err);
	}
	if (top != fd)
		close(top);
}

void ga_keep_evidence(struct ga_case *c)
{
	char dir[PATH_MAX];
	struct ga_case_result *res = c->res;
	struct ga_error err;
	int fd;

	if (!c->r->opts->results_dir)
		return;
	fd = evidence_dir(c->r->opts, c->sc, c->rep, true, dir, sizeof(dir),
			  &err);
	if (fd < 0) {
		lost(res, &err);
		return;
	}
	snprintf(res->results, sizeof(res->results), "%s", dir);
	keep_file(res, c->sc->path, fd, "scenario.gw", dir);
	if (write_steps_log(c->sc, res, fd, &err)) {
		ga_error_prefix(&err, "%s", dir);
		lost(res, &err);
	}
	keep_driver_logs(c, fd, dir);
	keep_fixtures(c, fd, dir);
	if (c->res->capture[0]) {
		char from[PATH_MAX + 16];

		snprintf(from, sizeof(from), "%s/capture.pcap", c->dir);
		keep_file(res, from, fd, "capture.pcap", dir);
	}
	/* a server kept for the next case is c's no longer, but its
	 * files are still there (run/reuse.c); a case that ended before
	 * its server started (a SKIP for its memory limit, say) has its
	 * my.cnf and no log */
	if (c->srv.dir[0]) {
		if (ga_keep_cnf(c->srv.cnf, fd, c->srv.dir, &err)) {
			ga_error_prefix(&err, "%s", dir);
			lost(res, &err);
		}
		if (c->reused || c->start_asked)
			keep_errlog(c, fd, dir);
	}
	keep_proxy(c, fd, dir);
	close(fd);
}

void ga_evidence_begin(const struct ga_run_options *o,
		       const struct ga_scenario *sc,
		       struct ga_case_result *res)
{
	char dir[PATH_MAX];
	struct ga_error err;
	int fd;

	if (!o->results_dir)
		return;
	fd = evidence_dir(o, sc, 0, true, dir, sizeof(dir), &err);
	if (fd < 0) {
		lost(res, &err);
		return;
	}
	snprintf(res->results, sizeof(res->results), "%s", dir);
	keep_file(res, sc->path, fd, "scenario.gw", dir);
	close(fd);
}
