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
#include "lab/clientns.h"
#include "server/server.h"
#include "lang/outcome.h"
#include "lang/scenario.h"
#include "result/result.h"
#include "util/error.h"
#include "util/interrupt.h"

/* Set in goneaway run's environment by goneaway explore (cli/explore.c)
 * for its clean run of digests: --record reads them before each step. */
#define GA_DIGEST_STEPS_ENV "GONEAWAY_EXPLORE_DIGESTS"

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
	bool digest_steps;              /* ... and the server's tables read
					 * before each client call
					 * (run/digest.c): goneaway explore's
					 * own clean run for them, whose
					 * conversation it does not read
					 * (the reads between steps move its
					 * ACKs), GA_DIGEST_STEPS_ENV set */
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
	bool fresh_drivers;             /* --fresh-drivers: a driver process
					 * per connection of every case, and
					 * a client namespace per lab; else a
					 * driver declaring "cases" is kept
					 * for the next case, in the runner's
					 * kept client namespace
					 * (run/case_clientns.c) */
};

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

/* Whether a case of sc gets the full check of its server afterwards
 * (run/reuse.c): its statements can run as another account than the
 * application's (an admin step, a privileged connection, another user);
 * why says which, or that they all run as the application account (the
 * short check, of what that account's grants let it change). */
bool ga_reuse_full_check(const struct ga_scenario *sc, char *why,
			 size_t len);

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
	struct ga_clientns clientns;            /* the client namespace its
						 * labs are made in, one after
						 * another (lab/clientns.h),
						 * fd -1 when none yet or
						 * --fresh-drivers */
	char keep_dir[PATH_MAX];                /* run_dir/drivers: kept
						 * driver processes' logs */
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

/* ---- repetitions run apart (a pool of worker processes, plan/jobs_workers.h) ------ */

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

/* After the last fold: a case whose runs all PASSed but not all were
 * made is ERROR (interrupted, or no worker was left); "(run K of N; 3 of
 * 20 runs FAILed: 3, 7, 12)" on a verdict a run gave, the "seen" lines
 * and, for a repeated scenario, its steps.log with the spread. */
void ga_case_finish(const struct ga_run_options *o,
		    const struct ga_scenario *sc, struct ga_case_result *res);

#endif
