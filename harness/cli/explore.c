/* explore.c - "goneaway explore SCENARIO...": every point where the
 * scenario's connection can be cut, tried, judged with no expect line.
 *
 * It runs the scenario twice clean (goneaway run, this same program,
 * with --record: every step made whatever happens), reads the
 * conversation from the first run's capture.pcap (cli/explore_conv.c)
 * and checks the second carried the same; makes a point of each segment
 * that carried data, at it and after it (cli/explore_plan.c); runs the
 * scenario once per point and fault kind with the lab's point fault
 * first (one goneaway run over every file, -j and kept servers as run
 * has them); judges each run against the clean one
 * (cli/explore_judge.c); and writes the map (explore.txt, the console),
 * a JSON line per run (explore.jsonl) and a scenario per violation
 * (violations/), each run again to check it FAILs the client.  Under
 * --shard K/N it runs the points of its shard only (cli/explore_shard.c:
 * every shard makes the clean runs, and goneaway report merges the
 * shards' explore.jsonl into one map).  Several scenarios are explored
 * in turn, each into a folder of its own under -o.
 *
 * Exit: 0 nothing flagged, 1 a violation, 2 usage or a clean run that
 * could not be read.
 */
#include "cli/internal.h"
#include "cli/explore_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lang/diag.h"
#include "lang/parse.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/json.h"
#include "util/ownmark.h"

#define EX_EXIT_FLAGGED 1
#define EX_EXIT_USAGE 2

/* ---- the command line ------------------------------------------------------ */

/* After a refused command line (cli/explore_args.c said what): the
 * usage line. */
static int usage(void)
{
	fprintf(stderr, "usage: goneaway explore [--client NAME] [--server "
		"NAME] [-j N] [-o DIR] [--sample N] [--margin DUR] [--kind "
		"KIND]... [--shard K/N] [--jsonl FILE] [--markdown FILE] "
		"[--html FILE] [--catalogue FILE] [-q] SCENARIO...\n"
		"(goneaway --help, docs/explore.md)\n");
	return EX_EXIT_USAGE;
}

/* ---- goneaway run, as a child ---------------------------------------------- */

/* The run under way: SIGINT and SIGTERM are passed on to it, which
 * tears its labs down, and explore ends when it has. */
static volatile sig_atomic_t child_pid;
static volatile sig_atomic_t child_signal;

static void pass_on(int sig)
{
	child_signal = sig;
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = pass_on;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Runs "goneaway run --record -o OUT ... PATH" with its output into
 * log; returns its exit status, or -1 (err set) when it could not run
 * or died of a signal. */
static int run_child(const struct ex_state *st, const char *out,
		     const char *path, long jobs, long step_timeout_s,
		     const char *log, struct ga_error *err)
{
	char j[24], t[32];
	const char *argv[20];
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int n = 0, status, rc;

	snprintf(j, sizeof(j), "-j%ld", jobs);
	snprintf(t, sizeof(t), "%lds", step_timeout_s);
	argv[n++] = st->self;
	argv[n++] = "run";
	argv[n++] = j;
	argv[n++] = "--record";
	argv[n++] = "--step-timeout";
	argv[n++] = t;
	argv[n++] = "-o";
	argv[n++] = out;
	if (st->a.client) {
		argv[n++] = "--client";
		argv[n++] = st->a.client;
	}
	if (st->a.server) {
		argv[n++] = "--server";
		argv[n++] = st->a.server;
	}
	argv[n++] = path;
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT |
					 O_TRUNC | O_CLOEXEC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	rc = posix_spawn(&pid, st->self, &fa, NULL, (char **)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return ga_error_errno(err, rc, "goneaway run");
	child_pid = pid;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return ga_error_errno(err, errno, "goneaway run");
	child_pid = 0;
	if (child_signal)
		return ga_error_set(err, "interrupted (signal %d)",
				    (int)child_signal);
	if (!WIFEXITED(status))
		return ga_error_set(err, "goneaway run died of signal %d (its "
				    "output: %s)", WTERMSIG(status), log);
	return WEXITSTATUS(status);
}

/* ---- the clean run ----------------------------------------------------------- */

/* The longest a client's own timeout lets a step of kind take on its
 * connection conn: the connect timeout for a connect (the handshake is
 * read under it: Connector/C reads the greeting past a read timeout),
 * the read timeout for the rest; 0 when the scenario sets none. */
static long step_timeout_ms(const struct ga_scenario *sc, const char *conn,
			    const char *kind)
{
	size_t i;

	for (i = 0; i < sc->nconnections; i++) {
		if (strcmp(sc->connections[i].name, conn) != 0)
			continue;
		if (strcmp(kind, "connect") == 0)
			return sc->connections[i].connect_timeout_s * 1000;
		return sc->connections[i].read_timeout_s * 1000;
	}
	return 0;
}

/* The watchdog goneaway run is given: every timeout of the scenario's
 * connections and the margin, and a little more, so that a step past
 * them is seen hanging in seconds rather than at run's 60 s. */
static long watchdog_s(const struct ex_state *st)
{
	long most = 0, t;
	size_t i;

	for (i = 0; i < st->sc->nconnections; i++) {
		t = step_timeout_ms(st->sc, st->sc->connections[i].name,
				    "connect");
		if (t > most)
			most = t;
		t = step_timeout_ms(st->sc, st->sc->connections[i].name,
				    "query");
		if (t > most)
			most = t;
	}
	if (!most)
		most = 5000;            /* no timeout of the client's own */
	return (most + st->a.margin_ms) / 1000 + 3;
}

static void path_in(char *buf, const char *dir, const char *rel)
{
	snprintf(buf, EX_PATH_MAX, "%s/%s", dir, rel);
}

/* The server's tables before each step of the clean run (the first
 * clean run's steps' digest): a third clean run of its own, whose
 * conversation is not read (the reads between its steps move its
 * ACKs), as DIR/work/digests/digests.gw into DIR/digests.  One that
 * could not be made leaves them "" (the runs' server side "unread"). */
static int digest_run(struct ex_state *st, struct ga_error *err)
{
	char dir[EX_PATH_MAX], path[EX_PATH_MAX], out[EX_PATH_MAX];
	char log[EX_PATH_MAX];
	struct ex_case *c;
	size_t n, k;
	int rc;

	path_in(dir, st->a.out, "work/digests");
	snprintf(path, sizeof(path), "%s/digests.gw", dir);
	if (ga_mkdirs(dir, err) ||
	    ga_file_write(path, st->text, strlen(st->text), err))
		return -1;
	path_in(out, st->a.out, "digests");
	path_in(log, st->a.out, "digests.log");
	if (setenv(GA_DIGEST_STEPS_ENV, "1", 1))
		return ga_error_errno(err, errno, "setenv");
	rc = run_child(st, out, dir, 1, watchdog_s(st), log, err);
	unsetenv(GA_DIGEST_STEPS_ENV);
	if (rc < 0)
		return -1;
	path_in(path, out, "results.jsonl");
	if (ex_cases_read(path, &c, &n, err))
		return ga_error_prefix(err, "the clean run of digests (%s)",
				       log);
	for (k = 0; n == 1 && k < c->nsteps && k < st->clean[0].nsteps; k++)
		memcpy(st->clean[0].steps[k].digest, c->steps[k].digest,
		       sizeof(c->steps[k].digest));
	ex_cases_free(c, n);
	return 0;
}

/* Writes the scenario twice as DIR/work/clean/clean-{1,2}.gw, runs them
 * one after the other and reads their captures and results. */
static int clean_runs(struct ex_state *st, struct ga_error *err)
{
	char dir[EX_PATH_MAX], path[EX_PATH_MAX], out[EX_PATH_MAX];
	char log[EX_PATH_MAX];
	int i, rc;

	path_in(dir, st->a.out, "work/clean");
	if (ga_mkdirs(dir, err))
		return -1;
	for (i = 1; i <= 2; i++) {
		snprintf(path, sizeof(path), "%s/clean-%d.gw", dir, i);
		if (ga_file_write(path, st->text, strlen(st->text), err))
			return -1;
	}
	path_in(out, st->a.out, "clean");
	path_in(log, st->a.out, "clean.log");
	rc = run_child(st, out, dir, 1, watchdog_s(st), log, err);
	if (rc < 0)
		return -1;
	path_in(path, out, "results.jsonl");
	if (ex_cases_read(path, &st->clean, &st->nclean, err))
		return ga_error_prefix(err, "the clean runs (%s)", log);
	if (st->nclean != 2 || strcmp(st->clean[0].verdict, "ERROR") == 0 ||
	    strcmp(st->clean[0].verdict, "SKIP") == 0)
		return ga_error_set(err, "the clean run did not run: %s (%s)",
				    st->nclean ? st->clean[0].reason : "no case",
				    log);
	path_in(path, out, "clean-1/capture.pcap");
	if (ex_conv_read(path, 3306, &st->conv, err))
		return -1;
	path_in(path, out, "clean-2/capture.pcap");
	if (ex_conv_read(path, 3306, &st->again, err))
		return -1;
	st->same = ex_conv_same(&st->conv, &st->again, st->same_why,
				sizeof(st->same_why));
	return digest_run(st, err);
}

/* ---- the runs with a fault ---------------------------------------------------- */

/* A run per sampled point (of this shard, under --shard) and kind,
 * its file written. */
static int plan_runs(struct ex_state *st, const char *dir,
		     struct ga_error *err)
{
	char path[EX_PATH_MAX];
	struct ex_run *r;
	size_t i;
	int k;

	st->runs = calloc(st->npts * EX_NKINDS + 1, sizeof(*st->runs));
	if (!st->runs)
		return ga_error_set(err, "out of memory");
	for (i = 0; i < st->npts; i++) {
		if (!st->pts[i].run || (st->shard_of &&
					st->shard_of[i] != st->a.shard_k))
			continue;
		for (k = 0; k < EX_NKINDS; k++) {
			if (st->a.kinds && !(st->a.kinds & (1u << k)))
				continue;
			r = &st->runs[st->nruns++];
			r->point = i;
			r->kind = (enum ex_kind)k;
			snprintf(r->name, sizeof(r->name), "p%03zu-%s", i + 1,
				 ex_kind_names[k]);
			ex_fault_line(&st->pts[i], ex_kind_names[k], r->fault,
				      sizeof(r->fault));
			snprintf(path, sizeof(path), "%s/%s.gw", dir, r->name);
			if (ex_write_faulted(path, st->text, st->sc, r->fault,
					     err))
				return -1;
			r->made = true;
		}
	}
	return 0;
}

static struct ex_run *run_named(struct ex_state *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->nruns; i++)
		if (st->runs[i].made && strcmp(st->runs[i].name, name) == 0)
			return &st->runs[i];
	return NULL;
}

/* Judges every run of results against the clean one; a run goneaway run
 * did not report is an ERROR of the map, never ok. */
static void judge_runs(struct ex_state *st, struct ex_case *cases, size_t n)
{
	struct ex_case *c;
	struct ex_run *r;
	size_t i, k;

	for (i = 0; i < st->nruns; i++)
		if (st->runs[i].made) {
			st->runs[i].j.v = EX_NOT_RUN;
			snprintf(st->runs[i].j.cell, sizeof(st->runs[i].j.cell),
				 "ERROR");
			snprintf(st->runs[i].j.detail,
				 sizeof(st->runs[i].j.detail),
				 "goneaway run reported no case for it");
		}
	for (i = 0; i < n; i++) {
		c = &cases[i];
		r = run_named(st, c->label);
		if (!r)
			continue;
		/* its first step is the fault explore put first */
		if (c->nsteps && strcmp(c->steps[0].kind, "fault") == 0) {
			memmove(c->steps, c->steps + 1,
				(c->nsteps - 1) * sizeof(*c->steps));
			c->nsteps--;
		}
		for (k = 0; k < c->nsteps; k++) {
			c->steps[k].timeout_ms = step_timeout_ms(
				st->sc, c->steps[k].conn, c->steps[k].kind);
			if (k < st->sc->nsteps)
				c->steps[k].line = st->sc->steps[k].line;
		}
		ex_judge(&st->clean[0], c, st->a.margin_ms, st->known, &r->j);
		ex_server_side(st->sc, &st->clean[0], c, r);
		if (r->j.v == EX_NEW && st->catalogue_client)
			snprintf(r->j.detail + strlen(r->j.detail),
				 sizeof(r->j.detail) - strlen(r->j.detail),
				 " for %s", st->a.client ? st->a.client :
				 "builtin");
	}
}

/* Where run r's cut landed, from its own capture: an "at" cut lands on
 * its point's segment when that is the segment a reset answered, or the
 * first one sent again; a kill or crash "at" when the server's end came
 * right next to it (ex_act_landing).  (An "after" cut lands on whatever
 * comes next, often an ACK: not checked; nor is a FIN: the capture, on
 * the link before the client's rules, holds the server's segments
 * dropped after the point before it, and at a to-server point the FIN
 * goes to the client over its loopback, not the link.) */
static void check_landing(struct ex_state *st, struct ex_run *r)
{
	const struct ex_point *p = &st->pts[r->point];
	const struct ex_connection *clean = &st->conv.conns[p->conn];
	const struct ex_segment *want = &clean->segs[p->seg];
	struct ex_conv seen = { 0 };
	const struct ex_connection *cn;
	char path[EX_PATH_MAX], shape[96];
	struct ga_error err;
	long place, k = 0;
	size_t i;

	if (r->kind == EX_FIN)
		return;         /* unchecked: see above */
	r->land = EX_LAND_UNSEEN;
	snprintf(path, sizeof(path), "%s/runs/%s/capture.pcap", st->a.out,
		 r->name);
	if (ex_conv_read(path, 3306, &seen, &err))
		return;
	cn = p->conn < seen.nconns ? &seen.conns[p->conn] : NULL;
	if (cn && (r->kind == EX_KILL || r->kind == EX_SERVER_CRASH)) {
		ex_act_landing(clean, want, cn, &r->land, r->land_at,
			       sizeof(r->land_at));
	} else if (cn && cn->cut_seen) {
		/* by place, as ex_act_landing(): offsets move with a login
		 * a byte longer */
		place = ex_seg_place(cn, cn->cut_dir, cn->cut_off);
		r->land = cn->cut_dir == want->dir && place >= 0 &&
			  place == ex_seg_place(clean, want->dir, want->off) ?
			  EX_LAND_HERE : EX_LAND_ELSEWHERE;
		snprintf(r->land_at, sizeof(r->land_at), "%s offset %llu",
			 cn->cut_dir == EX_UP ? "to-server" : "from-server",
			 cn->cut_off);
		for (i = 0; i < clean->nsegs && place >= 0; i++)
			if (clean->segs[i].dir == cn->cut_dir &&
			    k++ == place)
				ex_segment_label(clean, &clean->segs[i],
						 r->land_at, sizeof(r->land_at),
						 shape, sizeof(shape));
	}
	ex_conv_free(&seen);
}

static int fault_runs(struct ex_state *st, struct ga_error *err)
{
	char dir[EX_PATH_MAX], out[EX_PATH_MAX], log[EX_PATH_MAX];
	char path[EX_PATH_MAX];
	struct ex_case *cases;
	size_t n;
	int rc;

	path_in(dir, st->a.out, "work/faults");
	if (ga_mkdirs(dir, err) || plan_runs(st, dir, err))
		return -1;
	path_in(out, st->a.out, "runs");
	path_in(log, st->a.out, "runs.log");
	rc = run_child(st, out, dir, st->a.jobs, watchdog_s(st), log, err);
	if (rc < 0)
		return -1;
	path_in(path, out, "results.jsonl");
	if (ex_cases_read(path, &cases, &n, err))
		return ga_error_prefix(err, "the runs (%s)", log);
	judge_runs(st, cases, n);
	for (size_t i = 0; i < st->nruns; i++)
		if (st->runs[i].made && !st->pts[st->runs[i].point].after)
			check_landing(st, &st->runs[i]);
	st->cases = cases;
	st->ncases = n;
	return 0;
}

/* ---- violations as scenarios ------------------------------------------------- */

/* The expect line a correct client meets where run r was flagged, into
 * buf; "" when there is none to write. */
static void repro_expect(const struct ex_state *st, const struct ex_run *r,
			 char *buf, size_t len)
{
	const struct ex_step *c = r->j.step < st->clean[0].nsteps ?
				  &st->clean[0].steps[r->j.step] : NULL;
	long within;

	buf[0] = '\0';
	switch (r->j.v) {
	case EX_WRONG:
		if (c && !strchr(c->value, '"') && !strchr(c->value, '\n'))
			snprintf(buf, len, "ok | error = \"%s\"", c->value);
		break;
	case EX_HANG:
		within = r->j.timeout_ms + st->a.margin_ms;
		snprintf(buf, len, "ok | error within %ldms", within);
		break;
	case EX_CRASH:
		snprintf(buf, len, "ok | error");
		break;
	case EX_NEW:
		snprintf(buf, len, "%s", r->j.code);
		break;
	default:
		break;
	}
}

static int write_repro(struct ex_state *st, struct ex_run *r, const char *dir,
		       struct ex_case *seen_case, struct ga_error *err)
{
	const char *seen[256] = { 0 };
	char expect[512], comment[1024];
	const struct ex_point *p = &st->pts[r->point];
	size_t i;

	repro_expect(st, r, expect, sizeof(expect));
	if (!expect[0] || r->j.step >= 256 || r->j.step >= st->sc->nsteps)
		return 0;
	for (i = 0; seen_case && i < r->j.step && i < seen_case->nsteps; i++)
		seen[i] = strcmp(seen_case->steps[i].result, "ok") == 0 ? "" :
			  strcmp(seen_case->steps[i].result, "error") == 0 ?
			  "error" : seen_case->steps[i].result;
	snprintf(comment, sizeof(comment),
		 "# Made by goneaway explore from %s: a %s %s connection "
		 "%zu's %s segment that carries %s.\n# What it found: %s\n"
		 "# A correct client meets the last expect line; the client "
		 "explore flagged does not.\n", st->a.scenario,
		 ex_kind_names[r->kind], p->after ? "after" : "at",
		 p->conn + 1, p->dir == EX_UP ? "to-server" : "from-server",
		 p->label, r->j.detail);
	snprintf(r->repro, sizeof(r->repro), "%s/%s.gw", dir, r->name);
	return ex_write_repro(r->repro, st->text, st->sc, r->fault, comment,
			      seen, r->j.step, expect, err);
}

static struct ex_case *case_named(struct ex_state *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->ncases; i++)
		if (strcmp(st->cases[i].label, name) == 0)
			return &st->cases[i];
	return NULL;
}

/* A scenario per violation, then goneaway run over them: each must
 * FAIL (or ERROR) the client explore flagged; a new code's records it
 * and PASSes. */
static int repros(struct ex_state *st, struct ga_error *err)
{
	char dir[EX_PATH_MAX], out[EX_PATH_MAX], log[EX_PATH_MAX];
	char path[EX_PATH_MAX];
	struct ex_case *cases, *c;
	size_t i, n, made = 0;

	path_in(dir, st->a.out, "violations");
	for (i = 0; i < st->nruns; i++) {
		struct ex_run *r = &st->runs[i];

		if (!r->j.violation)
			continue;
		if (!made && ga_mkdirs(dir, err))
			return -1;
		if (write_repro(st, r, dir, case_named(st, r->name), err))
			return -1;
		made += r->repro[0] != '\0';
	}
	if (!made)
		return 0;
	path_in(out, st->a.out, "violations-run");
	path_in(log, st->a.out, "violations-run.log");
	if (run_child(st, out, dir, st->a.jobs, watchdog_s(st), log, err) < 0)
		return -1;
	path_in(path, out, "results.jsonl");
	if (ex_cases_read(path, &cases, &n, err))
		return ga_error_prefix(err, "the violations' run (%s)", log);
	for (i = 0; i < st->nruns; i++) {
		struct ex_run *r = &st->runs[i];

		c = NULL;
		for (size_t k = 0; r->repro[0] && k < n; k++)
			if (strcmp(cases[k].label, r->name) == 0)
				c = &cases[k];
		if (c)
			snprintf(r->repro_verdict, sizeof(r->repro_verdict),
				 "%s", c->verdict);
	}
	ex_cases_free(cases, n);
	return 0;
}

/* ---- the map ------------------------------------------------------------------- */

/* ---- the command ---------------------------------------------------------------- */

/* The results folder, made, or replaced when goneaway's mark says it
 * is explore's own. */
static int out_dir(const char *dir, struct ga_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	bool ours;

	if (fd >= 0) {
		ours = ga_mark_present(fd);
		close(fd);
		if (!ours)
			return ga_error_set(err, "%s exists and carries no "
					    "goneaway mark (.goneaway): not "
					    "replaced", dir);
		if (ga_tree_remove(dir, err))
			return -1;
	}
	if (ga_mkdirs(dir, err))
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(err, errno, "%s", dir);
	if (ga_mark_write(fd, err)) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The catalogue beside this program (docs/catalogue.md of its tree),
 * or --catalogue's; NULL when there is none to read. */
static char *read_catalogue(const struct ex_state *st)
{
	char path[EX_PATH_MAX], *dir, *text = NULL;
	size_t len;
	struct ga_error err;

	if (st->a.catalogue) {
		snprintf(path, sizeof(path), "%s", st->a.catalogue);
	} else {
		snprintf(path, sizeof(path), "%s", st->self);
		dir = strrchr(path, '/');
		if (!dir)
			return NULL;
		snprintf(dir, sizeof(path) - (size_t)(dir - path),
			 "/docs/catalogue.md");
	}
	if (ga_file_read(path, 16 << 20, &text, &len, &err))
		return NULL;
	return text;
}

static int prepare(struct ex_state *st, struct ga_error *err)
{
	struct ga_diags diags = { 0 };
	char *mine;
	size_t len;
	ssize_t n;

	n = readlink("/proc/self/exe", st->self, sizeof(st->self) - 1);
	if (n <= 0)
		return ga_error_errno(err, errno, "/proc/self/exe");
	st->self[n] = '\0';
	if (ga_parse_file(st->a.scenario, &st->sc, &diags)) {
		ga_diags_print(&diags, stderr);
		ga_diags_free(&diags);
		return ga_error_set(err, "%s: not a scenario goneaway can run",
				    st->a.scenario);
	}
	ga_diags_free(&diags);
	if (!st->sc->nsteps)
		return ga_error_set(err, "%s: no steps to explore",
				    st->a.scenario);
	if (ga_file_read(st->a.scenario, 16 << 20, &st->text, &len, err))
		return -1;
	st->known = read_catalogue(st);
	st->catalogue = st->known != NULL;
	/* the codes it names for this client, when it has rows for it */
	mine = st->known ? ex_catalogue_for(st->known, st->a.client ?
					    st->a.client : "builtin") : NULL;
	if (mine) {
		free(st->known);
		st->known = mine;
		st->catalogue_client = true;
	}
	return out_dir(st->a.out, err);
}

/* Explores a->scenario into a->out: its exit status. */
static int explore_one(const struct ex_args *a)
{
	struct ex_state st = { 0 };
	struct ga_error err;
	int code = EX_EXIT_USAGE;

	st.a = *a;
	st.started = ga_clock_ms();
	if (prepare(&st, &err) || clean_runs(&st, &err) ||
	    ex_points_make(&st.conv, st.a.sample, &st.pts, &st.npts, &err) ||
	    ex_shard_points(&st, &err) ||
	    fault_runs(&st, &err) || repros(&st, &err) ||
	    ex_write_outputs(&st, (ga_clock_ms() - st.started) / 1000.0,
			     &err)) {
		fprintf(stderr, "goneaway explore: %s\n", err.msg);
		ex_state_release(&st);
		return child_signal ? 128 + child_signal : code;
	}
	code = ex_count_violations(&st) ? EX_EXIT_FLAGGED : 0;
	ex_state_release(&st);
	return code;
}

/* scenario's folder under -o when there are several: its file's name
 * without ".gw". */
static void scenario_name(const char *scenario, char *buf, size_t len)
{
	const char *base = strrchr(scenario, '/');
	size_t n;

	base = base ? base + 1 : scenario;
	n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".gw") == 0)
		n -= 3;
	snprintf(buf, len, "%.*s", (int)n, base);
}

/* Whether every scenario of scs[0..n) parses: -1 after saying every
 * problem of every file, before anything runs. */
static int parse_all(char **scs, size_t n)
{
	struct ga_scenario *sc;
	size_t i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		struct ga_diags diags = { 0 };

		if (ga_parse_file(scs[i], &sc, &diags)) {
			ga_diags_print(&diags, stderr);
			rc = -1;
		} else {
			ga_scenario_free(sc);
		}
		ga_diags_free(&diags);
	}
	return rc;
}

/* Several scenarios: each explored in turn into -o DIR/NAME, its map
 * on the console; 1 when one was flagged, else 2 when one could not be
 * explored.  What names one exploration's files (--shard, --jsonl,
 * --markdown, --html) takes one scenario. */
static int explore_several(const struct ex_args *a, char **scs, size_t n)
{
	char name[EX_PATH_MAX], other[EX_PATH_MAX], out[EX_PATH_MAX];
	struct ex_args each = *a;
	struct ga_error err;
	bool flagged = false, failed = false;
	size_t i, k;
	int rc;

	if (a->shard_n || a->jsonl || a->markdown || a->html) {
		fprintf(stderr, "goneaway explore: %s takes one scenario "
			"(each of several has its folder under -o, its "
			"explore.jsonl there)\n", a->shard_n ? "--shard" :
			a->jsonl ? "--jsonl" : a->markdown ? "--markdown" :
			"--html");
		return EX_EXIT_USAGE;
	}
	for (i = 0; i < n; i++) {
		scenario_name(scs[i], name, sizeof(name));
		if (!name[0] || strcmp(name, ".") == 0 ||
		    strcmp(name, "..") == 0) {
			fprintf(stderr, "goneaway explore: %s: its name makes "
				"no folder of its own under %s\n", scs[i],
				a->out);
			return EX_EXIT_USAGE;
		}
		for (k = 0; k < i; k++) {
			scenario_name(scs[k], other, sizeof(other));
			if (strcmp(name, other) == 0) {
				fprintf(stderr, "goneaway explore: %s and %s "
					"would share the folder %s/%s: give "
					"scenarios of different names\n",
					scs[k], scs[i], a->out, name);
				return EX_EXIT_USAGE;
			}
		}
	}
	if (parse_all(scs, n))
		return EX_EXIT_USAGE;
	if (out_dir(a->out, &err)) {
		fprintf(stderr, "goneaway explore: %s\n", err.msg);
		return EX_EXIT_USAGE;
	}
	for (i = 0; i < n && !child_signal; i++) {
		scenario_name(scs[i], name, sizeof(name));
		snprintf(out, sizeof(out), "%s/%s", a->out, name);
		each.scenario = scs[i];
		each.out = out;
		rc = explore_one(&each);
		if (rc >= 128)
			return rc;
		flagged = flagged || rc == EX_EXIT_FLAGGED;
		failed = failed || rc == EX_EXIT_USAGE;
		if (!a->quiet && i + 1 < n)
			fputc('\n', stdout);
	}
	if (child_signal)
		return 128 + child_signal;
	return flagged ? EX_EXIT_FLAGGED : failed ? EX_EXIT_USAGE : 0;
}

int cmd_explore(int argc, char **argv)
{
	struct ex_args a = { 0 };
	int rc = ex_args_parse(argc, argv, &a);

	if (rc)
		return rc > 0 ? 0 : usage();
	catch_signals();
	if (optind + 1 == argc)
		return explore_one(&a);
	return explore_several(&a, argv + optind, (size_t)(argc - optind));
}
