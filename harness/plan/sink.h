/* sink.h - what a case that ended feeds: one interface for everything
 * that takes it (git's t/test-lib output hooks, one level up from the
 * reporters).
 *
 * A run (plan/plan.c, plan/jobs_run.c) and a report (plan/report_merge.c) hold an
 * ordered list of sinks and feed each the run's start, every case as it
 * ends and the run's end: the case's folder (plan/sink_casefolder.c), the
 * totals and the last line's reasons (plan/sink_totals.c), every output of
 * report/outputs.h (plan/sink_outputs.c), the server × client table
 * (plan/sink_table.c), --strict (plan/sink_strict.c), --record (plan/sink_record.c)
 * and --expectations (plan/expectfile.c).  The order is the list's:
 * a sink sees what the ones before it did to the case (the folder adds
 * to res->evidence_lost, which the outputs and --strict read).
 */
#ifndef GA_PLAN_SINK_H
#define GA_PLAN_SINK_H

#include <stdbool.h>
#include <stddef.h>

#include "client/driver.h"
#include "lang/scenario.h"
#include "report/report.h"
#include "run/runner.h"

/* One case that ended, as every sink sees it. */
struct ga_case_end {
	size_t index;                   /* its number in the report */
	size_t row;                     /* its scenario's row of the table */
	size_t column;                  /* its combination's column */
	const char *sub;                /* its evidence directory under -o
					 * (several combinations), NULL */
	const struct ga_scenario *sc;
	struct ga_case_result *res;     /* a sink may add what it could not
					 * keep to res->evidence_lost */
	const struct ga_driver *driver; /* the client that ran it; NULL when
					 * read back from results */
};

struct ga_sink;

struct ga_sink_ops {
	const char *name;               /* for messages and tests */
	/* Each may be NULL: the sink does nothing then. */
	void (*begin_run)(struct ga_sink *s, size_t ncases);
	void (*begin_case)(struct ga_sink *s, size_t index,
			   const struct ga_scenario *sc);
	void (*end_case)(struct ga_sink *s, const struct ga_case_end *e);
	/* sum: the run's totals, with its table when there is one. */
	void (*end_run)(struct ga_sink *s, const struct ga_run_summary *sum);
	void (*destroy)(struct ga_sink *s);
};

struct ga_sink {
	const struct ga_sink_ops *ops;
	void *state;                    /* the sink's own; destroy frees it */
};

/* An ordered list of sinks, owned. */
struct ga_sinks {
	struct ga_sink **v;
	size_t n;
};

/* Makes a sink of ops and state (owned by it from now on: destroy frees
 * it, also when this fails) and appends it to l.  Returns 0, or -1 when
 * out of memory. */
int ga_sinks_add(struct ga_sinks *l, const struct ga_sink_ops *ops,
		 void *state);

void ga_sinks_begin_run(const struct ga_sinks *l, size_t ncases);
void ga_sinks_begin_case(const struct ga_sinks *l, size_t index,
			 const struct ga_scenario *sc);
void ga_sinks_end_case(const struct ga_sinks *l, const struct ga_case_end *e);
void ga_sinks_end_run(const struct ga_sinks *l,
		      const struct ga_run_summary *sum);
void ga_sinks_free(struct ga_sinks *l);

#endif
