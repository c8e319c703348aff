/* jobs_workers.h - runs the cases of a run on worker processes, side by side.
 *
 * goneaway -j N forks N workers once the scenarios are parsed and the
 * clients opened.  Each worker is a whole runner (run/runner.h) of its
 * own: its own run directory, server backend and, per scenario, its own
 * lab and server, exactly as a run one scenario after another makes
 * them.  The parent hands a worker one job at a time (one repetition of
 * one scenario against one server and client) and gets its result back
 * (plan/jobs_wire.h); it never touches a lab itself.
 *
 * Every worker dies with the parent (PR_SET_PDEATHSIG: SIGTERM, which
 * it handles like the parent's own SIGTERM: it tears its case down and
 * leaves nothing).  A signal the parent receives is passed on to every
 * worker by its PID; their interrupted results still come back.
 *
 * Workers are started as the caller asks (ga_workers_grow): each one
 * starts servers of its own, so the caller adds one only when it pays
 * (plan/jobs_schedule.h).
 *
 * Ownership: ga_workers_start() returns a pool freed by ga_workers_stop().
 */
#ifndef GA_PLAN_JOBS_WORKERS_H
#define GA_PLAN_JOBS_WORKERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "run/runner.h"
#include "util/error.h"
#include "util/interrupt.h"

/* One server × client of the run. */
struct ga_workers_combo {
	struct ga_run_options opts;     /* strings and driver borrowed; they
					 * must outlive the pool */
	size_t server;                  /* combos with the same server share
					 * each worker's runner for it */
};

/* One repetition of one scenario for one combo. */
struct ga_workers_job {
	size_t combo;
	const struct ga_scenario *sc;   /* borrowed: parsed before the pool
					 * started, never changed after */
	long rep;                       /* 1-based */
};

struct ga_workers;

/* Forks n workers (of at most max: ga_workers_grow adds the others) for
 * combos[0..ncombos), whose servers are numbered below nservers.
 * Returns NULL with err set when not even one could be made. */
struct ga_workers *ga_workers_start(unsigned n, unsigned max,
			      const struct ga_workers_combo *combos,
			      size_t ncombos, size_t nservers,
			      struct ga_interrupt *in, struct ga_error *err);

/* Forks one more worker.  Returns 1 when it did, 0 when the pool has
 * max already, -1 with err set when the fork failed. */
int ga_workers_grow(struct ga_workers *p, struct ga_error *err);

/* How many workers were started (alive or gone): the worker numbers
 * below. */
unsigned ga_workers_size(const struct ga_workers *p);

/* What the parent knows of worker i, for plan/jobs_schedule.h: alive, busy,
 * the keys of the servers it keeps (from its last results: struct
 * ga_case_result.kept_key; valid until the next ga_workers_wait), the
 * driver processes of its last job's client it keeps (kept_drivers),
 * and the caller's id of its job while busy. */
void ga_workers_worker(const struct ga_workers *p, unsigned i, bool *alive,
		    bool *busy, const uint64_t **kept, long *procs,
		    size_t *job_id);

/* How many jobs are running. */
unsigned ga_workers_busy(const struct ga_workers *p);

/* Gives job (the caller's number id) to idle worker i.  Returns 0, or
 * -1 with err set (not an idle worker, or it could not be told). */
int ga_workers_submit_to(struct ga_workers *p, unsigned i,
		      const struct ga_workers_job *job, size_t id,
		      struct ga_error *err);

/* Tells idle worker i that no job will come: it closes its runners (its
 * kept servers) and exits now, beside the jobs still running, and
 * ga_workers_stop only reaps it.  It no longer counts as alive.
 * Returns 0, or -1 with err set (not an idle worker). */
int ga_workers_retire(struct ga_workers *p, unsigned i, struct ga_error *err);

/* Waits for a job to end, or until wake_ms (ga_clock_ms's clock; 0:
 * no bound).  Returns 1 with *id and *res (free with
 * ga_case_result_free): its result, or an ERROR saying why the worker
 * could not give one (it died: the worker is gone, the others go on).
 * Returns 2 at wake_ms with no job ended, 0 when no job is running.  A
 * signal is passed on to the workers and waiting goes on (wake_ms no
 * longer counts): the running jobs end interrupted, and a worker that
 * gives no result within 60 s of it is SIGKILLed by PID, its job an
 * ERROR. */
int ga_workers_wait(struct ga_workers *p, size_t *id,
		    struct ga_case_result *res, double wake_ms);

/* Ends the workers (each finishes nothing more: it closes its runners
 * and exits), waits for them (bounded; then SIGKILL by PID) and frees
 * p.  NULL: nothing. */
void ga_workers_stop(struct ga_workers *p);

#endif
