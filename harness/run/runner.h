/* runner.h - runs scenarios and decides their verdicts.
 *
 * One struct ga_runner serves a whole run: it owns the run's temporary
 * directory (swept by a later run if this one is SIGKILLed), the server
 * backend (server/server.h) and what was checked once (root, the backend's
 * binaries and template).  Each scenario then gets its own lab, server
 * and client connections, all removed before ga_runner_run() returns,
 * whatever the verdict.
 *
 * The run is split by job: run/runner.c (the run, its repetitions and
 * verdicts), run/steps.c (what each step does), run/evidence.c (what is
 * kept: steps.log, the server's log and config), run/expect.c (matching
 * outcomes against expect lines).
 */
#ifndef GA_RUNNER_H
#define GA_RUNNER_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "client/driver.h"
#include "server/server.h"
#include "lang/outcome.h"
#include "lang/scenario.h"
#include "util/error.h"
#include "util/interrupt.h"

enum ga_verdict {
	GA_VERDICT_PASS = 0,    /* every step happened and matched */
	GA_VERDICT_FAIL,        /* a step's outcome did not match */
	GA_VERDICT_SKIP,        /* a requirement is missing on this machine */
	GA_VERDICT_ERROR,       /* the harness could not do what the file says */
};

const char *ga_verdict_name(enum ga_verdict v);

/* What a SKIP lacked; --allow-skip names these. */
#define GA_SKIP_MAP(X)                                                     \
	X(NONE, "none", "")                                                 \
	X(ROOT, "root", "not root: namespaces need it")                     \
	X(SERVER, "server", "no server to run (binary, image or engine)")  \
	X(FLAVOUR, "flavour", "the scenario requires another server")       \
	X(NETEM, "netem", "the kernel has no sch_netem")                    \
	X(FAULT, "fault", "a fault kind this machine cannot make")          \
	X(DRIVER, "driver", "a step the client driver cannot do")            \
	X(PROXY, "proxy", "a proxy this machine lacks, or one the scenario " \
	  "does not run behind")

enum ga_skip_kind {
#define GA_SKIP_ENUM(name, word, what) GA_SKIP_##name,
	GA_SKIP_MAP(GA_SKIP_ENUM)
#undef GA_SKIP_ENUM
	GA_SKIP_KIND_COUNT
};

/* "netem"; ga_skip_kind_find: -1 when unknown. */
const char *ga_skip_kind_name(enum ga_skip_kind kind);
int ga_skip_kind_find(const char *word);

struct ga_run_options {
	const struct ga_server_backend_ops *server;     /* static */
	const char *server_name;        /* borrowed: the --server value as
					 * given ("docker:mariadb:11.4"), for
					 * the results; NULL: the backend's
					 * name */
	struct ga_server_options server_opts;   /* strings borrowed */
	struct ga_driver *driver;               /* borrowed: the clients' */
	const char *results_dir;        /* NULL: keep no results */
	const char *results_sub;        /* NULL, or one directory name under
					 * results_dir for this run's
					 * evidence (several combinations) */
	const char *tmp_root;           /* where run directories go */
	bool run_on_disk;               /* keep the run directory (servers'
					 * datadirs) on tmp_root's disk, not
					 * in memory (lab/memfs.h) */
	long long memfs_size;           /* the bound of the run directory
					 * in memory, in bytes (--memfs-size;
					 * lab/memfs.h) */
	const char *proxy;              /* borrowed: what --proxy put in
					 * front of the server, "none" or a
					 * proxy's name; NULL: --proxy was
					 * not given (none) */
	long step_timeout_ms;           /* watchdog for unbounded steps */
	bool stop_early;                /* --stop-early: a repeated scenario
					 * makes no run after the first that
					 * did not PASS */
	bool record;                    /* --record: every step is made,
					 * whatever the ones before it did
					 * (a mismatch still gives the
					 * verdict), and an "expect any"
					 * placeholder is no ERROR */
	bool capture;                   /* keep capture.pcap: the lab's
					 * link, as the client saw it */
	long capture_limit;             /* bytes of whole packets in it,
					 * then headers only (lab/capture.h) */
	long capture_total;             /* bytes of every capture of the
					 * run together, 0: no bound */
	long capture_case_total;        /* ... of one case's runs (a
					 * repeated scenario's), 0: none */
	struct ga_capture_totals *capture_totals;  /* borrowed: those
					 * counted (shared with -j's
					 * workers), NULL: not counted */
	const char *client_spec;        /* borrowed: the --client value as
					 * given ("cmd:python3 d.py"), for
					 * the evidence; NULL: unknown */
	bool fresh_servers;             /* --fresh-servers: every case gets
					 * a server of its own, none is kept
					 * for the next (run/reuse.c) */
};

/* How often one outcome came up over a scenario's repetitions. */
struct ga_tally {
	enum ga_result result;
	unsigned err;                   /* for GA_RESULT_ERROR */
	enum ga_flavour flavour;        /* the server's, to name err */
	char error_class[GA_CLASS_MAX]; /* for GA_RESULT_ERROR: a driver's
					 * class tells errors without a
					 * number apart */
	/* a step on a pool's connection: what the pool did, part of the
	 * outcome (a race may change the events alone: issue 38) */
	bool has_pool_events;
	unsigned pool_events;           /* GA_POOL_EVENT() bits */
	long count;
	double max_ms;                  /* the longest of its elapsed times
					 * (0 when read back from results) */
	/* GA_RESULT_OK: what an expect line's value and thread checks read,
	 * of the first run counted here, and whether another differed (a
	 * check that holds for the first then holds for all only when
	 * none did); ok_varied when read back from results */
	bool ok_varied;
	bool has_value, value_null;
	char value[256];                /* struct ga_outcome's value */
	enum ga_thread_check thread;    /* the check the run's threads
					 * meet: GA_THREAD_SAME, _NEW, or
					 * _ANY for neither (unknown) */
};

#define GA_STEP_SKIP_MAX 600

struct ga_step_result {
	struct ga_tally *tally;         /* owned: over every run, in order of
					 * first appearance */
	size_t ntally;
	bool ran;                       /* the step was carried out */
	char skipped[GA_STEP_SKIP_MAX]; /* set: it was not, because the
					 * client cannot do what its
					 * connection needs, and why (the
					 * rest of the scenario ran: a
					 * partly skipped case, always SKIP
					 * or worse, never PASS) */
	bool matched;                   /* its outcome matched */
	const struct ga_expect *expect; /* borrowed: the line that applied,
					 * NULL for actions and sends */
	struct ga_outcome out;
};

struct ga_case_result {
	enum ga_verdict verdict;
	enum ga_skip_kind skip;         /* what a SKIP lacked */
	char reason[1024];              /* why, for FAIL/SKIP/ERROR */
	int line;                       /* the step's line, 0 if none */
	struct ga_step_result *steps;   /* owned, one per scenario step */
	size_t nsteps;
	char server_version[128];
	char server_notes[1024];        /* the server's words about the
					 * scenario's server-option lines */
	int signo;                      /* the signal that interrupted it */
	double wall_ms;                 /* everything */
	double setup_ms;                /* lab, datadir, server start */
	double steps_ms;                /* the steps */
	double teardown_ms;             /* server, lab, files */
	double waits_ms;                /* the scenario's own sleep steps */
	long runs;                      /* repetitions carried out */
	long repeat;                    /* repetitions asked for */
	long first_bad;                 /* the run (1-based) whose verdict
					 * the case has: the first that did
					 * not PASS; 0: none did */
	bool first_bad_interrupted;     /* ... and a signal ended it */
	long run_verdicts[GA_VERDICT_ERROR + 1];        /* how many of the
					 * runs carried out ended with each
					 * verdict */
	char bad_runs[160];             /* "3, 7, 12": the runs that did
					 * not PASS, as many as fit ("..."
					 * after them when not all did) */
	char results[PATH_MAX];         /* where its evidence was kept, or "" */
	char evidence_lost[512];        /* set: evidence that could not be
					 * kept, and why */
	char capture[360];              /* what capture.pcap holds ("38
					 * packets, 9 KiB"), "" for none */
	char reverted[512];             /* faults teardown reverted, for the
					 * log: "wall (firewall drop both)" */
	char not_reverted[1024];        /* faults it could not revert */
	char server[160];               /* what it ran against: the --server
					 * value (ga_run_options.server_name) */
	char backend[32];               /* the server backend's name */
	enum ga_flavour flavour;        /* the server's, once it started */
	char proxy[GA_PROXY_NAME_MAX];  /* the --proxy it ran under
					 * (ga_run_options.proxy), "" when
					 * not given */
	char proxy_ran[160];            /* what stood between client and
					 * server: "HAProxy 2.6.12-1+deb12u4
					 * (haproxy)", "" for nothing */
	char client[64];                /* the driver's name ("builtin") */
	char library[160];              /* the driver's client library */
	char client_spec[512];          /* the --client value it was
					 * started by, "" unknown */
	char combo[160];                /* "server/client" when the run has
					 * several, else "" (set by the
					 * caller, for the reporters) */
	char server_setup[600];         /* where its server came from: "fresh
					 * server: WHY" or "reused server
					 * ..." (run/reuse.c), "" unknown */
	char server_after[600];         /* whether its server was kept for
					 * the next case: "kept: ..." or "not
					 * kept: WHY", "" unknown */
	long servers_started;           /* servers its set-ups started and
					 * saw come up (a repeated
					 * scenario's, summed): a start that
					 * failed is none */
	uint64_t kept_key;              /* the key (ga_reuse_key) of the
					 * server its runner kept after it,
					 * 0: none kept */
};

void ga_case_result_free(struct ga_case_result *res);

/* One run's outcome of step sr (sr->out) as a tally entry, count 1
 * (run/repeat.c). */
void ga_tally_of(const struct ga_step_result *sr, struct ga_tally *one);

/* Whether e's value and thread checks hold for every run t counted: t
 * is a success whose runs agreed on what the checks read (or e has
 * neither check). */
bool ga_tally_ok_checks_hold(const struct ga_tally *t,
			     const struct ga_expect *e);

/* What a case of sc on a runner with options o asks of its server
 * (run/reuse.c): cases with the same key can share one kept server.
 * 0: sc's server is never kept (--fresh-servers, "server fresh", a
 * server step, a fault on the server process). */
uint64_t ga_reuse_key(const struct ga_run_options *o,
		      const struct ga_scenario *sc);

/* How many of res's steps were skipped (ga_step_result.skipped): more
 * than 0 makes a case partly skipped, whose other steps ran. */
size_t ga_case_skipped_steps(const struct ga_case_result *res);

/* True when some of res's steps were skipped and some ran: its SKIP (or
 * FAIL, ERROR) is about the steps that ran. */
bool ga_case_partly_skipped(const struct ga_case_result *res);

/* "wrong-result 4, 2013 (CR_SERVER_LOST) 1": a step's outcomes over the
 * runs of a repeated scenario, most frequent first. */
void ga_step_spread(const struct ga_step_result *sr, char *buf, size_t len);

/* Writes step i's line to f (run/stepline.c), after indent: "line 14:
 * query app: mysql_real_query: returned 2013 (CR_SERVER_LOST) \"Lost
 * connection ...\" after 1002 ms"; with detail (steps.log) then
 * " [sqlstate HY000]; expected 2013 (CR_SERVER_LOST) within 2000 ms
 * (expect line 15): matched".  A repeated scenario's step gets a second
 * line, its spread.  The one format of a step line, for the reporters
 * and steps.log: what came from outside (a driver's API name, message,
 * sqlstate, value, error class; the scenario's names) is escaped as
 * plain text (util/escape.h), so no control character reaches f. */
void ga_step_line_write(FILE *f, const char *indent,
			const struct ga_scenario *sc,
			const struct ga_case_result *res, size_t i, bool detail);

/* Writes what a case ran against, after indent: "server: mysql 9.7.4-2
 * (mysql-9.7, rootfs backend)", "proxy: HAProxy 2.6.12-1+deb12u4
 * (haproxy)" and "client: pymysql (PyMySQL 1.1.0)" (run/stepline.c); a
 * line is left out when nothing of it is known (no proxy ran). */
void ga_case_identity_write(FILE *f, const char *indent,
			    const struct ga_case_result *res);

/* The server part of that, unescaped: "mysql 9.7.4-2 (mysql-9.7, rootfs
 * backend)", "" when nothing is known. */
void ga_case_server_text(const struct ga_case_result *res, char *buf,
			 size_t len);

/* Writes what steps.log holds (run/stepline.c): the scenario, its
 * verdict and why, the server and its notes, what teardown reverted,
 * then every step that ran or was skipped, each by ga_step_line_write()
 * with detail ("line 14: query pooled: skipped: REASON" for one that was
 * skipped).
 * Text from outside is escaped as there. */
void ga_steps_log_write(FILE *f, const struct ga_scenario *sc,
			const struct ga_case_result *res);

struct ga_runner {
	const struct ga_run_options *opts;      /* borrowed */
	struct ga_interrupt *in;                /* borrowed */
	char run_dir[PATH_MAX];
	int run_lock_fd;
	bool run_in_memory;                     /* a tmpfs over run_dir
						 * (lab/memfs.h) */
	char run_on_disk_why[200];              /* why not, "" */
	struct ga_server_backend backend;
	bool backend_open;
	struct ga_driver raw;                   /* transport=raw connections
						 * are always the built-in
						 * driver's */
	enum ga_skip_kind skip_kind;            /* with skip_reason */
	char skip_reason[512];                  /* set: every case SKIPs */
	char error_reason[1024];                /* set: every case ERRORs */
	unsigned ncases;
	struct ga_kept *kept;                   /* owned: the server kept for
						 * the next case, NULL: none
						 * (run/reuse.c) */
	char not_kept[600];                     /* why the last case's server
						 * was not kept, "" */
	unsigned servers_started;               /* by set-ups, this runner */
	struct ga_memcg_run memcg_run;          /* the run's memory cgroup,
						 * made for the first server
						 * with a limit of its own
						 * (lab/memcg.h); path "":
						 * none yet */
	const struct ga_scenario *next;         /* borrowed: what the caller
						 * runs after the current
						 * scenario, NULL: nothing or
						 * unknown (a server backend
						 * may get ready for it) */
};

/* Prepares a run: sweeps what SIGKILLed runs left behind, makes this
 * run's directory and checks the machine (a missing requirement is not an
 * error here: it makes every case SKIP with the reason).  Returns -1 only
 * when not even that was possible.  Release with ga_runner_close(). */
int ga_runner_open(struct ga_runner *r, const struct ga_run_options *opts,
		   struct ga_interrupt *in, struct ga_error *err);

/* Runs one scenario; res is filled (free with ga_case_result_free).  Its
 * evidence goes to results_dir/<sc->label>/.  Set r->next first to say
 * which scenario comes after it (a hint: it only saves time). */
void ga_runner_run(struct ga_runner *r, const struct ga_scenario *sc,
		   struct ga_case_result *res);

/* Removes the run's directory. */
void ga_runner_close(struct ga_runner *r);

/* ---- repetitions run apart (a pool of worker processes, run/pool.h) ------ */

/* Fills res for a case of sc under opts before any of its runs: the
 * names of its server and client, repeat, and its steps (owned).
 * Returns 0, or -1 with res an ERROR (out of memory). */
int ga_case_result_init(struct ga_case_result *res,
			const struct ga_run_options *opts,
			const struct ga_scenario *sc);

/* Runs repetition rep (1-based) of sc alone: res holds that run's
 * outcomes only, runs 1 (or 0 when the runner SKIPs or ERRORs every
 * case, the verdict says why).  A repeated scenario's run keeps its
 * evidence in results_dir/[results_sub/]<label>/run-REP, below the
 * directory ga_evidence_begin() made. */
void ga_runner_run_rep(struct ga_runner *r, const struct ga_scenario *sc,
		       long rep, struct ga_case_result *res);

/* Opens sc's evidence directory below o->results_dir (its path as shown
 * into shown), following no symlink, as ga_runner_run() made it.
 * Returns a descriptor (close it), or -1 with err set. */
int ga_evidence_open(const struct ga_run_options *o,
		     const struct ga_scenario *sc, char *shown,
		     size_t shown_len, struct ga_error *err);

/* Before a run: whether sc's evidence directory below o->results_dir
 * (and o->results_sub) may be replaced: it is not there, or it is a
 * directory goneaway made (util/ownmark.h).  Returns 0, or -1 with err
 * naming what is there and is not goneaway's (nothing is touched). */
int ga_evidence_check(const struct ga_run_options *o,
		      const struct ga_scenario *sc, struct ga_error *err);

/* Makes a repeated scenario's evidence directory afresh, before any of
 * its runs, with the file that ran in it; sets res->results (or
 * res->evidence_lost). */
void ga_evidence_begin(const struct ga_run_options *o,
		       const struct ga_scenario *sc,
		       struct ga_case_result *res);

/* Adds one run's result to acc (made by ga_case_result_init), in the
 * order of the repetitions.  The first run that does not PASS gives acc
 * its verdict, reason and step lines (acc->first_bad); every later run
 * still adds its outcomes to the spread, its times and its verdict to
 * the counts.  Once ga_case_stops(o, acc), later runs are left out, as a
 * run in order would never have made them.  Returns 0, or -1 when out of
 * memory. */
int ga_case_fold(const struct ga_run_options *o, struct ga_case_result *acc,
		 const struct ga_case_result *run);

/* True when no run of res's case is to be made after res (one run's
 * result, or the runs folded so far): it SKIPped (the machine lacks
 * something: so would every run), was interrupted by a signal (signo),
 * no run could be made at all (runs 0), or it did not PASS and
 * o->stop_early is set. */
bool ga_case_stops(const struct ga_run_options *o,
		   const struct ga_case_result *res);

/* How long sleep step st sleeps in run rep (1-based) of sc's sc->repeat:
 * its duration; a sweep (LO..HI) from LO in the first run to HI in the
 * last, evenly; a jitter (D jitter J) uniformly in D-J..D+J, drawn from
 * a seed made of sc's name, the step's line and rep, so that a rerun
 * sleeps the same.  how receives what the step line shows for a sweep
 * or a jitter ("157ms, run 8 of 10", "113ms, seed 1a2b3c4d5e6f7081"),
 * "" for a plain sleep.  Pure. */
long ga_sleep_for_run(const struct ga_scenario *sc, const struct ga_step *st,
		      long rep, char *how, size_t len);

/* Makes res an ERROR for why (a harness failure outside any step). */
void ga_case_result_error(struct ga_case_result *res, const char *why);

/* After the last fold: a case whose runs all PASSed but not all were
 * made is ERROR (interrupted, or no worker was left); "(run K of N; 3 of
 * 20 runs FAILed: 3, 7, 12)" on a verdict a run gave, the "seen" lines
 * and, for a repeated scenario, its steps.log with the spread. */
void ga_case_finish(const struct ga_run_options *o,
		    const struct ga_scenario *sc, struct ga_case_result *res);

#endif
