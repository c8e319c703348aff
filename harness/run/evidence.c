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
#include "util/fsutil.h"
#include "util/ownmark.h"

#define LOG_EVIDENCE_MAX (64 << 20)  /* bytes of an error log kept */

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

/* The standard error of each driver process (client/process.c writes
 * it as driver-CONNECTION.log in the scenario's directory). */
static void keep_driver_logs(struct ga_case *c, int dirfd)
{
	char from[PATH_MAX + 300];
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
		snprintf(from, sizeof(from), "%s/%s", c->dir, e->d_name);
		if (ga_file_copy_at(from, dirfd, e->d_name, &err))
			lost(c->res, &err);
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

/* The server's error log as mariadbd.err: the whole of it, or, for a
 * server kept from cases before, its start and this case's part, with a
 * line between that says what was left out. */
static void keep_errlog(struct ga_case *c, int fd, const char *shown)
{
	long long from = 0, mine = c->errlog_from;
	char *start = NULL, *part = NULL;
	size_t nstart = 0, npart = 0;
	struct ga_error err;
	FILE *f;
	int bad;

	if (!c->reused || c->errlog_from <= c->srv.log_ready) {
		keep_file(c->res, c->srv.errlog, fd, "mariadbd.err", shown);
		return;
	}
	if (ga_file_read_from(c->srv.errlog, &from, LOG_EVIDENCE_MAX, &start,
			      &nstart, &err) ||
	    ga_file_read_from(c->srv.errlog, &mine, LOG_EVIDENCE_MAX, &part,
			      &npart, &err)) {
		free(start);
		ga_error_prefix(&err, "%s", shown);
		lost(c->res, &err);
		return;
	}
	if (nstart > (size_t)c->srv.log_ready)
		nstart = (size_t)c->srv.log_ready;
	f = ga_file_create_at(fd, "mariadbd.err", &err);
	if (!f) {
		ga_error_prefix(&err, "%s", shown);
		lost(c->res, &err);
	} else {
		bad = fwrite(start, 1, nstart, f) != nstart;
		fprintf(f, "[goneaway] ... %lld bytes the server wrote for the "
			"cases it ran before this one are left out (it was kept "
			"for this case, run/reuse.c); this case's part follows "
			"...\n", (long long)(c->errlog_from - c->srv.log_ready));
		bad |= fwrite(part, 1, npart, f) != npart;
		if (ga_file_close(f, bad)) {
			ga_error_set(&err, "%s/mariadbd.err: write failed",
				     shown);
			lost(c->res, &err);
		}
	}
	free(start);
	free(part);
}

/* The proxy's configuration and log, under its own name: haproxy.cfg,
 * haproxy.log (what it wrote, if it ever started). */
static void keep_proxy(struct ga_case *c, int fd, const char *dir)
{
	const char *base;

	if (!c->prx.cfg[0])
		return;
	base = strrchr(c->prx.cfg, '/');
	keep_file(c->res, c->prx.cfg, fd, base ? base + 1 : c->prx.cfg, dir);
	if (access(c->prx.log, F_OK) != 0)
		return;
	base = strrchr(c->prx.log, '/');
	keep_file(c->res, c->prx.log, fd, base ? base + 1 : c->prx.log, dir);
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
	keep_driver_logs(c, fd);
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
