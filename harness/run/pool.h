/* pool.h - runs the cases of a run on worker processes, side by side.
 *
 * goneaway -j N forks N workers once the scenarios are parsed and the
 * clients opened.  Each worker is a whole runner (run/runner.h) of its
 * own: its own run directory, server backend and, per scenario, its own
 * lab and server, exactly as a run one scenario after another makes
 * them.  The parent hands a worker one job at a time (one repetition of
 * one scenario against one server and client) and gets its result back
 * (run/wire.h); it never touches a lab itself.
 *
 * Every worker dies with the parent (PR_SET_PDEATHSIG: SIGTERM, which
 * it handles like the parent's own SIGTERM: it tears its case down and
 * leaves nothing).  A signal the parent receives is passed on to every
 * worker by its PID; their interrupted results still come back.
 *
 * Ownership: ga_pool_start() returns a pool freed by ga_pool_stop().
 */
#ifndef GA_POOL_H
#define GA_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "run/runner.h"
#include "util/error.h"
#include "util/interrupt.h"

/* One server × client of the run. */
struct ga_pool_combo {
	struct ga_run_options opts;     /* strings and driver borrowed; they
					 * must outlive the pool */
	size_t server;                  /* combos with the same server share
					 * each worker's runner for it */
};

/* One repetition of one scenario for one combo. */
struct ga_pool_job {
	size_t combo;
	const struct ga_scenario *sc;   /* borrowed: parsed before the pool
					 * started, never changed after */
	long rep;                       /* 1-based */
};

struct ga_pool;

/* Forks n workers for combos[0..ncombos), whose servers are numbered
 * below nservers.  Returns NULL with err set when not even one could
 * be made. */
struct ga_pool *ga_pool_start(unsigned n, const struct ga_pool_combo *combos,
			      size_t ncombos, size_t nservers,
			      struct ga_interrupt *in, struct ga_error *err);

/* How many workers can take a job now. */
unsigned ga_pool_idle(const struct ga_pool *p);
/* How many jobs are running. */
unsigned ga_pool_busy(const struct ga_pool *p);

/* Gives job (the caller's number id) to an idle worker.  Returns 0, or
 * -1 with err set (no idle worker, or it could not be told). */
int ga_pool_submit(struct ga_pool *p, const struct ga_pool_job *job,
		   size_t id, struct ga_error *err);

/* Waits for a job to end.  Returns 1 with *id and *res (free with
 * ga_case_result_free): its result, or an ERROR saying why the worker
 * could not give one (it died: the worker is gone, the others go on).
 * Returns 0 when no job is running.  A signal is passed on to the
 * workers and waiting goes on: the running jobs end interrupted, and a
 * worker that gives no result within 60 s of it is SIGKILLed by PID, its
 * job an ERROR. */
int ga_pool_wait(struct ga_pool *p, size_t *id, struct ga_case_result *res);

/* Ends the workers (each finishes nothing more: it closes its runners
 * and exits), waits for them (bounded; then SIGKILL by PID) and frees
 * p.  NULL: nothing. */
void ga_pool_stop(struct ga_pool *p);

#endif
