/* replay.c - "goneaway replay [options] CASE", a case rerun from its
 * evidence folder alone (or from the .tar.gz "--bundle" made of one),
 * and whether its outcome is the same; "goneaway replay --bundle CASE"
 * packs the folder as one .tar.gz to attach to a bug report.
 *
 * The folder comes from elsewhere (an attachment, a CI artifact): it is
 * read as untrusted input.  Its results.jsonl is read by goneaway
 * report's strict reader (result/results.h) and must hold one case; its
 * scenario.gw by the parser; no file of it is read through a symlink; of
 * a bundle only the few small files replay reads are unpacked
 * (util/tarball.h), each bounded, into a run directory of this run's own
 * (swept after a SIGKILL, removed otherwise).  Before anything starts
 * the folder is checked (cli/replay_check.c): its files have the
 * digests its SHA256SUMS gives, its scenario the steps its report has,
 * and, unless --trust, the scenario does nothing on the host a replay
 * does not (lang/trust.h); a refusal exits EXIT_USAGE (2).  The case is
 * then run as "goneaway run" runs it, against the server and with the
 * client the folder names (--server and --client choose others), and
 * its outcome compared with the folder's, step by step.
 */
#include "cli/internal.h"
#include "cli/parseopt.h"
#include "cli/replay.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/memfs.h"
#include "lang/errnames.h"
#include "lang/expectations.h"
#include "lang/parse.h"
#include "result/results.h"
#include "run/rundir.h"
#include "util/escape.h"
#include "util/flatcopy.h"
#include "util/fsutil.h"
#include "util/tarball.h"
#include "plan/driverlist.h"
#include "plan/paths.h"

enum { EXIT_REPLAY_SAME = 0, EXIT_REPLAY_DIFFERENT = 1 };

struct replay_args {
	const char *out;                /* -o: the replay's results, or
					 * --bundle's file */
	const char *server;             /* --server: instead of the case's */
	const char *client;             /* --client: instead of the case's */
	const char *color;
	bool bundle;
	bool trust;                     /* --trust: lang/trust.h not applied */
	bool include_host;              /* --bundle --include-host */
	bool verbose;
	bool no_capture;
	const char *memfs_size;         /* --memfs-size, NULL: the replay's
					 * default (lab/memfs.h) */
	const char *target;
};

#define REPLAY(member) offsetof(struct replay_args, member)

/* replay's options (cli/parseopt.h); --help is run's (cli_usage), which
 * says them in replay's words. */
static const struct cli_option replay_options[] = {
	CLI_HELP_ROWS("0.2.0", "every option"),
	{ .name = "results", .short_name = 'o', .arg = "DIR",
	  .kind = CLI_OPT_STRING, .at = REPLAY(out),
	  .since = "0.2.0",
	  .doc = "where the replay's evidence goes (default "
		 "`goneaway-replay`; with `--bundle`, the file)" },
	{ .name = "server", .arg = "SERVER", .kind = CLI_OPT_STRING,
	  .at = REPLAY(server),
	  .since = "0.2.0",
	  .doc = "replay against another server" },
	{ .name = "client", .arg = "DRIVER", .kind = CLI_OPT_STRING,
	  .at = REPLAY(client),
	  .since = "0.2.0",
	  .doc = "replay with another client" },
	{ .name = "color", .arg = "WHEN", .kind = CLI_OPT_STRING,
	  .at = REPLAY(color),
	  .since = "0.2.0",
	  .doc = "as run's" },
	{ .name = "bundle", .kind = CLI_OPT_TRUE, .at = REPLAY(bundle),
	  .since = "0.2.0",
	  .doc = "pack a case's folder as one .tar.gz" },
	{ .name = "trust", .kind = CLI_OPT_TRUE, .at = REPLAY(trust),
	  .since = "0.3.0",
	  .doc = "run what the case may do on the host (SQL on files, "
		 "options off the allow-lists)" },
	{ .name = "include-host", .kind = CLI_OPT_TRUE,
	  .at = REPLAY(include_host),
	  .since = "0.3.0",
	  .doc = "with `--bundle`: keep the host's name, kernel and home" },
	{ .name = "verbose", .short_name = 'v', .kind = CLI_OPT_TRUE,
	  .at = REPLAY(verbose),
	  .since = "0.2.0",
	  .doc = "every step" },
	{ .name = "no-capture", .kind = CLI_OPT_TRUE, .at = REPLAY(no_capture),
	  .since = "0.2.0",
	  .doc = "as run's" },
	{ .name = "memfs-size", .arg = "SIZE", .kind = CLI_OPT_STRING,
	  .at = REPLAY(memfs_size),
	  .since = "0.5.0",
	  .doc = "as run's (default 512MiB)" },
	CLI_OPTIONS_END,
};

const struct cli_command cli_replay = {
	.name = "replay", .who = "goneaway replay", .options = replay_options,
	.usage = cli_usage,
};

/* Options into a; returns 0, 1 after --help, or -1 after a usage
 * message. */
static int parse_replay_args(int argc, char **argv, struct replay_args *a)
{
	long long size;
	int rc;

	memset(a, 0, sizeof(*a));
	a->color = "auto";
	rc = cli_parse(&cli_replay, argc, argv, a);
	if (rc)
		return rc;
	if (optind != argc - 1) {
		fprintf(stderr, "usage: goneaway replay [-o DIR] [--server "
			"SERVER] [--client CLIENT] [--trust] [--memfs-size "
			"SIZE] [-v] CASE_DIR|CASE.tar.gz\n"
			"       goneaway replay --bundle [--include-host] "
			"[-o FILE.tar.gz] CASE_DIR\n");
		return -1;
	}
	a->target = argv[optind];
	return a->memfs_size ? cli_memfs_size(a->memfs_size, &size) : 0;
}

/* A name the case's scenario can have as a file. */
static bool plain_name(const char *s)
{
	return ga_plain_name(s, 200);
}

#define SCENARIO_MAX REPLAY_SCENARIO_MAX

/* name in dir is a regular file (not a symlink) of at most max bytes (0:
 * any; its reader bounds it).  Returns 0, 1 when it is not there and
 * need not be, or -1 (said). */
static int regular_in(const char *dir, const char *name, bool must,
		      long max)
{
	char path[PATH_MAX + 64];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (lstat(path, &st) != 0) {
		if (!must && errno == ENOENT)
			return 1;
		ga_esc_line(stderr, "goneaway replay: %s: %s%s", path,
			    strerror(errno), errno == ENOENT ? ": not a "
			    "case's folder (goneaway-results/NAME, as goneaway "
			    "run keeps it)" : "");
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		ga_esc_line(stderr, "goneaway replay: %s: not a regular file",
			    path);
		return -1;
	}
	if (max && st.st_size > max) {
		ga_esc_line(stderr, "goneaway replay: %s: larger than %ld "
			    "bytes: not goneaway's", path, max);
		return -1;
	}
	return 0;
}

/* The folder's one case, read strictly. */
static int read_case(const char *dir, struct ga_results *r)
{
	struct ga_error err;

	if (regular_in(dir, GA_RESULTS_FILE, true, 0))
		return -1;
	if (ga_results_read(r, dir, &err)) {
		ga_esc_line(stderr, "goneaway replay: %s", err.msg);
		return -1;
	}
	if (r->n != 1) {
		ga_esc_line(stderr, "goneaway replay: %s holds %zu cases: give "
			    "one case's folder (goneaway-results/NAME, or "
			    "goneaway-results/SERVER-CLIENT/NAME)", dir, r->n);
		return -1;
	}
	return 0;
}

/* "2013 (CR_SERVER_LOST)", "InterfaceError", "ok", "hang", "never
 * reached": what a step did, as the comparison says it. */
static void outcome_text(const struct ga_step_result *sr, char *buf,
			 size_t len)
{
	const struct ga_outcome *o = &sr->out;
	const char *name;

	if (!sr->ran) {
		snprintf(buf, len, "never reached");
		return;
	}
	switch (o->result) {
	case GA_RESULT_OK: snprintf(buf, len, "ok"); return;
	case GA_RESULT_HANG: snprintf(buf, len, "a hang"); return;
	case GA_RESULT_WRONG: snprintf(buf, len, "a wrong result"); return;
	case GA_RESULT_ERROR: break;
	}
	name = o->err ? ga_errname_name_for(o->err, o->flavour) : NULL;
	if (o->err)
		snprintf(buf, len, "%u%s%s%s%s%s", o->err, name ? " (" : "",
			 name ? name : "", name ? ")" : "",
			 o->error_class[0] ? " " : "", o->error_class);
	else
		snprintf(buf, len, "%s", o->error_class[0] ? o->error_class :
			 "an error");
}

static bool same_outcome(const struct ga_step_result *a,
			 const struct ga_step_result *b)
{
	if (a->ran != b->ran)
		return false;
	if (!a->ran)
		return true;
	return a->out.result == b->out.result && a->out.err == b->out.err &&
	       strcmp(a->out.error_class, b->out.error_class) == 0;
}

/* Prints how now differs from was; returns how many differences. */
static size_t compare(const struct ga_results_case *was,
		      const struct ga_results_case *now)
{
	const struct ga_case_result *a = &was->res, *b = &now->res;
	char x[900], y[900];
	size_t i, diff = 0;

	if (a->nsteps != b->nsteps) {
		printf("  the scenario has %zu steps now, %zu in the report\n",
		       b->nsteps, a->nsteps);
		return 1;
	}
	for (i = 0; i < a->nsteps; i++) {
		if (same_outcome(&a->steps[i], &b->steps[i]))
			continue;
		outcome_text(&a->steps[i], x, sizeof(x));
		outcome_text(&b->steps[i], y, sizeof(y));
		printf("  line %d: ", was->sc->steps[i].line);
		ga_esc_line(stdout, "was %s in the report, now %s", x, y);
		diff++;
	}
	if (a->verdict != b->verdict || (a->verdict != GA_VERDICT_PASS &&
					 a->line != b->line)) {
		printf("  verdict: %s at line %d in the report, now %s",
		       ga_verdict_name(a->verdict), a->line,
		       ga_verdict_name(b->verdict));
		if (b->verdict != GA_VERDICT_PASS)
			printf(" at line %d", b->line);
		putchar('\n');
		diff++;
	}
	return diff;
}

/* What the case ran against, and what the replay runs against. */
static void identity_note(const struct ga_case_result *a,
			  const struct ga_case_result *b)
{
	if (strcmp(a->server_version, b->server_version) != 0)
		ga_esc_line(stdout, "  note: the server is %s now, %s in the "
			    "report", b->server_version[0] ?
			    b->server_version : "(never started)",
			    a->server_version[0] ? a->server_version :
			    "(never started)");
	if (strcmp(a->library, b->library) != 0)
		ga_esc_line(stdout, "  note: the client is %s now, %s in the "
			    "report", b->library, a->library);
}

/* The first line of a that is not b's, comments left out; NULL when
 * they are the same.  *other receives b's line there. */
static const char *first_difference(const char *a, const char *b,
				    const char **other, size_t *alen,
				    size_t *blen)
{
	for (;;) {
		while (*a == '#' || *a == '\n')
			a = *a == '\n' ? a + 1 : strchrnul(a, '\n');
		while (*b == '#' || *b == '\n')
			b = *b == '\n' ? b + 1 : strchrnul(b, '\n');
		*alen = (size_t)(strchrnul(a, '\n') - a);
		*blen = (size_t)(strchrnul(b, '\n') - b);
		if (!*a && !*b)
			return NULL;
		if (*alen != *blen || memcmp(a, b, *alen) != 0) {
			*other = b;
			return a;
		}
		a += *alen;
		b += *blen;
	}
}

/* The server's configuration then and now (my.cnf in the folder and in
 * the replay's evidence, their private paths written @PRIVATE@ alike):
 * said when they differ (another goneaway's fixtures, say). */
static void cnf_note(const char *dir, const char *out, const char *label,
		     long repeat)
{
	char then_path[PATH_MAX + 16], now_path[PATH_MAX * 2];
	char *then = NULL, *now = NULL;
	const char *a, *b = "";
	struct ga_error err;
	size_t alen, blen;

	snprintf(then_path, sizeof(then_path), "%s/my.cnf", dir);
	snprintf(now_path, sizeof(now_path), "%s/%s%s/my.cnf", out, label,
		 repeat > 1 ? "/run-1" : "");
	if (regular_in(dir, "my.cnf", false, SCENARIO_MAX) != 0 ||
	    ga_file_read(then_path, SCENARIO_MAX, &then, NULL, &err) ||
	    ga_file_read(now_path, SCENARIO_MAX, &now, NULL, &err))
		goto out;
	/* a bundle's is written with "~/" for the home (replay_bundle.c) */
	then = ga_bundle_home_left_out(then);
	now = ga_bundle_home_left_out(now);
	a = first_difference(then, now, &b, &alen, &blen);
	if (a)
		ga_esc_line(stdout, "  note: the server's configuration is not "
			    "the report's (my.cnf): '%.*s' in the report, "
			    "'%.*s' now", (int)(alen > 120 ? 120 : alen), a,
			    (int)(blen > 120 ? 120 : blen), b);
out:
	free(then);
	free(now);
}

/* The client to run: --client, else the case's as it was started when
 * that is builtin or a driver of drivers/drivers.list.  A command from
 * the folder (cmd:...) is never run: the folder is anyone's. */
static const char *client_of(const struct replay_args *ra,
			     const struct ga_case_result *res)
{
	const char *spec = res->client_spec[0] ? res->client_spec :
			   res->client;

	if (ra->client)
		return ra->client;
	if (strcmp(spec, "builtin") == 0 ||
	    (strncmp(spec, "cmd:", 4) != 0 && ga_driver_name_listed(spec)))
		return spec;
	ga_esc_line(stderr, "goneaway replay: the case's client was started "
		    "as '%s', %s: give --client (a command from a folder is "
		    "never run as it is)", spec, strncmp(spec, "cmd:", 4) == 0 ?
		    "a command" : "no driver of drivers/drivers.list");
	return NULL;
}

/* The server to run against: --server, else the case's when it names
 * no directory (local, a root of the roots' directory, docker:IMAGE):
 * a rootfs:DIR from the folder would run whatever that directory
 * holds. */
static const char *server_of(const struct replay_args *ra,
			     const struct ga_case_result *res)
{
	if (ra->server)
		return ra->server;
	if (strncmp(res->server, "rootfs:", 7) != 0 && !strchr(res->server, '/'))
		return res->server;
	ga_esc_line(stderr, "goneaway replay: the case ran against '%s', a "
		    "directory: give --server (a directory from a folder is "
		    "never run as it is)", res->server);
	return NULL;
}

/* Packs the staged copy of the case's folder (ga_bundle_stage) into out. */
static int pack(const struct replay_args *ra, const char *out,
		const char *top, size_t *files, size_t *skipped)
{
	char tmp[PATH_MAX], stage[PATH_MAX + 16];
	struct ga_error err;
	int lock = -1, fd, rc = -1;

	if (ga_rundir_make(ga_tmp_root(), tmp, sizeof(tmp), &lock, &err)) {
		ga_esc_line(stderr, "goneaway replay --bundle: %s", err.msg);
		return -1;
	}
	snprintf(stage, sizeof(stage), "%s/stage", tmp);
	if (mkdir(stage, 0700) != 0) {
		ga_esc_line(stderr, "goneaway replay --bundle: %s: %s", stage,
			    strerror(errno));
		goto out;
	}
	if (ga_bundle_stage(ra->target, stage, ra->include_host, &err)) {
		ga_esc_line(stderr, "goneaway replay --bundle: %s: %s",
			    ra->target, err.msg);
		goto out;
	}
	fd = open(stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || ga_tarball_write(out, fd, top, files, skipped, &err)) {
		if (fd < 0)
			ga_error_errno(&err, errno, "%s", stage);
		ga_esc_line(stderr, "goneaway replay --bundle: %s", err.msg);
	} else {
		rc = 0;
	}
	if (fd >= 0)
		close(fd);
out:
	if (ga_tree_remove(tmp, &err))
		ga_esc_line(stderr, "goneaway: %s", err.msg);
	if (lock >= 0)
		close(lock);
	return rc;
}

static int bundle(const struct replay_args *ra)
{
	struct ga_results r = { 0 };
	char out[PATH_MAX], top[256], shown[PATH_MAX + 2], *p;
	size_t files, skipped;
	int rc = EXIT_USAGE;

	snprintf(shown, sizeof(shown), "%s/", ra->target);
	/* a folder whose files are no longer those it was reported with
	 * is not packed as if they were */
	if (read_case(ra->target, &r) ||
	    ga_case_check_digests(ra->target, shown, true))
		goto done;
	snprintf(top, sizeof(top), "%s",
		 plain_name(r.cases[0].sc->name) ? r.cases[0].sc->name : "case");
	if (ra->out) {
		snprintf(out, sizeof(out), "%s", ra->out);
	} else {
		snprintf(out, sizeof(out), "%s.tar.gz",
			 ga_scenario_label(r.cases[0].sc));
		for (p = out; *p; p++)
			if (*p == '/')
				*p = '-';
	}
	if (pack(ra, out, top, &files, &skipped)) {
		rc = EXIT_SOME_ERROR;
		goto done;
	}
	ga_esc_line(stdout, "packed %s into %s (%zu files%s%s): attach it; "
		    "goneaway replay %s reruns it", ra->target, out, files,
		    skipped ? ", links and other files left out" : "",
		    ra->include_host ? "" : "; the host's name, kernel and "
		    "home directory left out", out);
	rc = EXIT_ALL_PASSED;
done:
	ga_results_free(&r);
	return rc;
}

/* The files of a bundle replay reads, each with the most it reads. */
static const struct ga_tarball_want bundle_wants[] = {
	{ .name = GA_RESULTS_FILE, .max = REPLAY_RESULTS_MAX },
	{ .name = "scenario.gw", .max = REPLAY_SCENARIO_MAX },
	{ .name = "expectations", .max = GA_EXPECTATIONS_MAX_SIZE },
	{ .name = "my.cnf", .max = REPLAY_CNF_MAX },
	{ .name = GA_CASE_DIGESTS, .max = REPLAY_DIGESTS_MAX },
	/* a scenario's fixtures, as many and as large as a run copies */
	{ .name = GA_FIXTURES_DIR "/", .max = GA_FIXTURES_BYTES_MAX,
	  .files = GA_FIXTURES_FILES_MAX, .total = GA_FIXTURES_BYTES_MAX },
	{ .name = NULL },
};

/* Unpacks the files replay reads of a bundle into tmp; dir receives its
 * case folder, top the folder's name. */
static int unbundle(const char *file, const char *tmp, char *dir,
		    size_t len, char *top, size_t top_len)
{
	char into[PATH_MAX];
	struct ga_error err;

	snprintf(into, sizeof(into), "%s/bundle", tmp);
	if (mkdir(into, 0700) != 0) {
		ga_esc_line(stderr, "goneaway replay: %s: %s", into,
			    strerror(errno));
		return -1;
	}
	if (ga_tarball_read_some(file, into, bundle_wants, top, top_len,
				 &err)) {
		ga_esc_line(stderr, "goneaway replay: %s", err.msg);
		return -1;
	}
	snprintf(dir, len, "%s/%s", into, top);
	return 0;
}

struct replay_run {
	char tmp[PATH_MAX];
	int lock;
	char dir[PATH_MAX];             /* the case's folder */
	char shown[PATH_MAX + 300];     /* how messages name it: "DIR/",
					 * "BUNDLE.tar.gz:TOP/" */
	char gw[PATH_MAX];              /* its scenario, as NAME.gw */
	char jsonl[PATH_MAX];           /* the replay's results */
	char expect[PATH_MAX];          /* its expectation lines, "" none */
	struct ga_results was, now;
};

/* Runs the case as goneaway run does; returns run's exit status. */
static int rerun(const struct replay_args *ra, struct replay_run *rr,
		 const char *client, const char *server,
		 struct ga_interrupt *in)
{
	const char *words[26];
	char copy[26][PATH_MAX], memfs[32];
	char *argv[27];
	int n = 0, i;

	words[n++] = "run";
	words[n++] = "-o";
	words[n++] = ra->out ? ra->out : "goneaway-replay";
	words[n++] = "--jsonl";
	words[n++] = rr->jsonl;
	words[n++] = "--server";
	words[n++] = server;
	words[n++] = "--client";
	words[n++] = client;
	words[n++] = "--color";
	words[n++] = ra->color;
	if (rr->expect[0]) {
		words[n++] = "--expectations";
		words[n++] = rr->expect;
	}
	if (ra->verbose)
		words[n++] = "-v";
	if (ra->no_capture)
		words[n++] = "--no-capture";
	/* a case from elsewhere gets less memory than a run of one's own */
	snprintf(memfs, sizeof(memfs), "%lldMiB", GA_MEMFS_SIZE_REPLAY >> 20);
	words[n++] = "--memfs-size";
	words[n++] = ra->memfs_size ? ra->memfs_size : memfs;
	words[n++] = "-j";
	words[n++] = "1";
	words[n++] = rr->gw;
	for (i = 0; i < n; i++) {
		snprintf(copy[i], sizeof(copy[i]), "%s", words[i]);
		argv[i] = copy[i];
	}
	argv[n] = NULL;
	return cmd_run(n, argv, in);
}

/* The folder's scenario parsed and checked: the one its report was
 * made of, and (unless --trust) doing nothing on the host a replay
 * does not.  Every refusal is said. */
static int check_scenario(const struct replay_args *ra,
			  const struct replay_run *rr)
{
	struct ga_scenario *sc = NULL;
	struct ga_diags d = { 0 };
	char path[PATH_MAX + 32], as[PATH_MAX * 2];
	struct ga_error err;
	char *text = NULL;
	int rc = -1;

	if (ga_case_check_digests(rr->dir, rr->shown, ra->trust))
		return -1;
	snprintf(path, sizeof(path), "%s/scenario.gw", rr->dir);
	snprintf(as, sizeof(as), "%sscenario.gw", rr->shown);
	if (ga_file_read(path, SCENARIO_MAX, &text, NULL, &err)) {
		ga_esc_line(stderr, "goneaway replay: %s", err.msg);
		return -1;
	}
	if (ga_parse_text(as, text, &sc, &d)) {
		ga_diags_print(&d, stderr);
		goto out;
	}
	if (ga_case_check_steps(rr->dir, rr->shown, sc))
		goto out;
	if (!ra->trust && ga_case_check_trust(sc))
		goto out;
	rc = 0;
out:
	ga_diags_free(&d);
	ga_scenario_free(sc);
	free(text);
	return rc;
}

/* The folder's fixtures (checked against its SHA256SUMS already) beside
 * the scenario the replay runs, where a run takes them from: a
 * directory, not a symlink, of plain regular files within a scenario's
 * bounds (util/flatcopy.h); none when the folder has none. */
static int copy_fixtures(const struct replay_run *rr, struct ga_error *err)
{
	static const struct ga_flat_bounds bounds = GA_FIXTURES_BOUNDS;
	char src[PATH_MAX + 16], shown[PATH_MAX + 320];
	struct stat st;
	size_t files;
	int fd, rc;

	snprintf(src, sizeof(src), "%s/" GA_FIXTURES_DIR, rr->dir);
	snprintf(shown, sizeof(shown), "%s" GA_FIXTURES_DIR, rr->shown);
	if (lstat(src, &st) != 0)
		return errno == ENOENT ? 0 :
		       ga_error_errno(err, errno, "%s", shown);
	if (!S_ISDIR(st.st_mode))
		return ga_error_set(err, "%s: not a directory (a symlink is not "
				    "followed)", shown);
	fd = open(rr->tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(err, errno, "%s", rr->tmp);
	rc = ga_flat_copy(src, shown, fd, GA_FIXTURES_DIR, &bounds, &files,
			  err);
	close(fd);
	return rc < 0 ? -1 : 0;
}

static int prepare(const struct replay_args *ra, struct replay_run *rr)
{
	const struct ga_results_case *c;
	struct ga_error err;
	struct stat st;
	char from[PATH_MAX + 32], top[256];
	int rc;

	if (lstat(ra->target, &st) != 0) {
		ga_esc_line(stderr, "goneaway replay: %s: %s", ra->target,
			    strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		if (unbundle(ra->target, rr->tmp, rr->dir, sizeof(rr->dir),
			     top, sizeof(top)))
			return -1;
		snprintf(rr->shown, sizeof(rr->shown), "%s:%s/", ra->target,
			 top);
	} else if (S_ISDIR(st.st_mode)) {
		snprintf(rr->dir, sizeof(rr->dir), "%s", ra->target);
		snprintf(rr->shown, sizeof(rr->shown), "%s/", ra->target);
	} else {
		ga_esc_line(stderr, "goneaway replay: %s: neither a case's "
			    "folder nor a bundle (.tar.gz)", ra->target);
		return -1;
	}
	if (read_case(rr->dir, &rr->was) ||
	    regular_in(rr->dir, "scenario.gw", true, SCENARIO_MAX))
		return -1;
	c = &rr->was.cases[0];
	if (!plain_name(c->sc->name)) {
		ga_esc_line(stderr, "goneaway replay: %s: the scenario's name "
			    "'%s' is no file name", rr->dir, c->sc->name);
		return -1;
	}
	rc = regular_in(rr->dir, "expectations", false,
			GA_EXPECTATIONS_MAX_SIZE);
	if (rc < 0 || check_scenario(ra, rr))
		return -1;
	/* the scenario under its own name: a jitter's seed is made of it */
	snprintf(from, sizeof(from), "%s/scenario.gw", rr->dir);
	snprintf(rr->gw, sizeof(rr->gw), "%s/%s.gw", rr->tmp, c->sc->name);
	snprintf(rr->jsonl, sizeof(rr->jsonl), "%s/replay.jsonl", rr->tmp);
	if (ga_file_copy(from, rr->gw, &err) ||
	    copy_fixtures(rr, &err)) {
		ga_esc_line(stderr, "goneaway replay: %s", err.msg);
		return -1;
	}
	if (rc == 0)
		snprintf(rr->expect, sizeof(rr->expect), "%s/expectations",
			 rr->dir);
	return 0;
}

static int replay(const struct replay_args *ra, struct ga_interrupt *in)
{
	struct replay_run rr;
	const struct ga_case_result *was;
	struct ga_error err;
	const char *client, *server;
	size_t diff;
	int rc = EXIT_USAGE, run_rc;

	memset(&rr, 0, sizeof(rr));
	rr.lock = -1;
	if (ga_rundir_make(ga_tmp_root(), rr.tmp, sizeof(rr.tmp), &rr.lock,
			   &err)) {
		ga_esc_line(stderr, "goneaway replay: %s", err.msg);
		return EXIT_SOME_ERROR;
	}
	if (prepare(ra, &rr))
		goto out;
	was = &rr.was.cases[0].res;
	client = client_of(ra, was);
	server = server_of(ra, was);
	if (!client || !server)
		goto out;
	printf("replaying %s: ", rr.dir);
	ga_esc_line(stdout, "%s, %s%s%s in the report", ga_scenario_label(
			    rr.was.cases[0].sc), ga_verdict_name(was->verdict),
		    was->reason[0] ? ": " : "", was->reason);
	run_rc = rerun(ra, &rr, client, server, in);
	/* the run's lines name the copy it ran, which goes with rr.tmp */
	if (run_rc != EXIT_USAGE && run_rc != 0)
		ga_esc_line(stdout, "replay: %s in the lines above is a copy "
			    "removed with the replay: the case's %sscenario.gw",
			    rr.gw, rr.shown);
	if (run_rc == EXIT_USAGE || run_rc >= EXIT_INTERRUPTED) {
		rc = run_rc;
		goto out;
	}
	if (ga_results_read(&rr.now, rr.jsonl, &err) || rr.now.n != 1) {
		ga_esc_line(stderr, "goneaway replay: the replay's results: %s",
			    rr.now.n != 1 ? "not one case" : err.msg);
		rc = EXIT_SOME_ERROR;
		goto out;
	}
	identity_note(was, &rr.now.cases[0].res);
	cnf_note(rr.dir, ra->out ? ra->out : "goneaway-replay",
		 ga_scenario_label(rr.now.cases[0].sc), was->repeat);
	diff = compare(&rr.was.cases[0], &rr.now.cases[0]);
	if (diff) {
		printf("replay: a different outcome (%zu difference%s from the "
		       "report)\n", diff, diff == 1 ? "" : "s");
		rc = EXIT_REPLAY_DIFFERENT;
	} else {
		printf("replay: the same outcome: %s", ga_verdict_name(
			       was->verdict));
		if (was->verdict != GA_VERDICT_PASS)
			printf(" at line %d", was->line);
		printf(", every step as in the report\n");
		rc = EXIT_REPLAY_SAME;
	}
out:
	ga_results_free(&rr.was);
	ga_results_free(&rr.now);
	if (ga_tree_remove(rr.tmp, &err))
		ga_esc_line(stderr, "goneaway: %s", err.msg);
	if (rr.lock >= 0)
		close(rr.lock);
	return rc;
}

int cmd_replay(int argc, char **argv, struct ga_interrupt *in)
{
	struct replay_args ra;
	int rc = parse_replay_args(argc, argv, &ra);

	if (rc)
		return rc > 0 ? EXIT_ALL_PASSED : EXIT_USAGE;
	return ra.bundle ? bundle(&ra) : replay(&ra, in);
}
