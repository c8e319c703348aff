/* internal.h - what the run's files share (plan/ only): the combinations
 * of a plan, the state of a run and what an ended case feeds. */
#ifndef GA_PLAN_INTERNAL_H
#define GA_PLAN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "plan/plan.h"
#include "plan/sink.h"
#include "report/matrix.h"
#include "report/report.h"

/* ---- plan/combo.c: server × client × proxy ---------------------------------- */

/* One server × client × proxy of the run: every scenario runs against
 * it. */
struct ga_combo {
	size_t server, client, proxy, column;
	char label[160];                /* "local/builtin", with --proxy
					 * "local/builtin/haproxy"; "" if
					 * there is only one */
	char sub[160];                  /* its evidence directory under -o,
					 * "" if only one */
};

/* How many combinations p has: servers × clients × proxies. */
size_t ga_plan_ncombos(const struct ga_plan *p);

/* Names combination i of p (its column: servers outermost, then
 * clients, proxies innermost): its label and evidence directory. */
void ga_plan_combo(const struct ga_plan *p, size_t i, struct ga_combo *k);

/* The options of a case of combination k (borrowing from p). */
void ga_plan_combo_options(struct ga_plan *p, const struct ga_combo *k,
			   struct ga_run_options *o);

/* The name client c goes by in labels and evidence directories: its
 * driver's name, or "NAME#N" (N from 1, in --client order) when several
 * clients of the run greet with that name (two versions of one
 * connector).  Returns the driver's name or buf. */
const char *ga_plan_client_label(const struct ga_plan *p, size_t c,
				 char *buf, size_t size);

/* Combinations of p whose evidence would still land in one directory
 * under -o (server names that differ only in '/', ':' or ' '): prints
 * each pair (a warning, or a --strict violation) and returns how many. */
size_t ga_plan_check_combos(const struct ga_plan *p);

/* ---- plan/owned_dirs.c ---------------------------------------------------- */

/* Every directory the run would replace under -o - each scenario's
 * evidence folder for each combination, --record's recorded/ - is not
 * there or carries goneaway's mark (util/ownmark.h).  Prints each that
 * does not, and returns -1 then: the run stops before anything is
 * touched. */
int ga_plan_check_owned(const struct ga_plan *p);

/* ---- plan/clients.c: the run's clients ------------------------------------ */

/* Opens every --client of p (p->drivers), after taking the expectation
 * file's driver as the client when none was given.  Returns 0, or -1
 * (printed). */
int ga_plan_open_clients(struct ga_plan *p, struct ga_interrupt *in);

/* Once they greeted: the expectation file is one of theirs (or a new
 * one, for the one client given).  Returns 0, or -1 (printed). */
int ga_plan_check_expectations(struct ga_plan *p);

/* ---- the sinks of a run and of a report (plan/sink.h) ------------------- */

/* Each appends its sink to l.  Returns 0, or -1 when out of memory. */

/* The case's folder under -o a bug report of its own: results.jsonl
 * (this case alone, docs/results-jsonl.md), report.txt
 * (report/casetext.h), its expectation lines, SHA256SUMS; what cannot
 * be written is evidence lost (plan/sink_casefolder.c). */
int ga_sink_add_folder(struct ga_sinks *l, struct ga_plan *p);
/* The verdicts, runs and server starts into r->sum, the FAILs and
 * ERRORs into r->why (plan/sink_totals.c). */
int ga_sink_add_totals(struct ga_sinks *l, struct ga_plan_result *r);
/* Output o of p, to path (NULL: the console; fresh: a path below -o,
 * made anew); what stops it is said after "cmd: " (plan/sink_outputs.c). */
int ga_sink_add_output(struct ga_sinks *l, const struct ga_plan *p,
		       const struct ga_output *o, const char *path,
		       bool fresh, const char *cmd);
/* The outputs p asks of command (GA_OUTPUT_RUN or _REPORT): the console,
 * then each --NAME FILE in the table's order. */
int ga_sink_add_outputs(struct ga_sinks *l, const struct ga_plan *p,
			unsigned command, const char *cmd);
/* The cells of table m (plan/sink_table.c). */
int ga_sink_add_table(struct ga_sinks *l, struct ga_matrix *m);
/* --strict: each case's violations of allow's rules into r, printed as
 * it ends, or all at the run's end when deferred (the cases fed must
 * live until then) (plan/sink_strict.c). */
int ga_sink_add_strict(struct ga_sinks *l, const struct ga_allow *allow,
		       struct ga_plan_result *r, bool deferred);
/* --record: what each case saw, written at the end; r->record_failed
 * when that fails (plan/sink_record.c). */
int ga_sink_add_recorder(struct ga_sinks *l, struct ga_recorder *rec,
			 struct ga_plan_result *r);
/* --expectations without --record: the steps ce has no line for,
 * warned about at the end (plan/expectfile.c). */
int ga_sink_add_expect_file(struct ga_sinks *l, struct ga_expect_file *ce);

/* ---- plan/case.c: feeding a case ------------------------------------------- */

/* The state of a run. */
struct ga_plan_state {
	struct ga_plan *p;
	struct ga_sinks sinks;          /* what every case that ended feeds */
	struct ga_matrix m;             /* the table */
	struct ga_plan_result *r;
	unsigned start_weight;          /* the heaviest --server's start
					 * (server/jobs.h) */
};

void ga_plan_begin_case(struct ga_plan_state *st, size_t index,
			const struct ga_scenario *sc);
/* Case res of scenario row of combination k ended, reported as case
 * number index: fed to every sink. */
void ga_plan_end_case(struct ga_plan_state *st, size_t index,
		      size_t row, const struct ga_combo *k,
		      const struct ga_scenario *sc,
		      struct ga_case_result *res);

/* ---- plan/jobs_run.c: -j ---------------------------------------------------- */

/* One scenario against one combination, as -j gives its runs out. */
struct ga_pcase {
	const struct ga_scenario *sc;
	size_t row;                     /* the scenario's */
	size_t combo;                   /* the combination's column */
	long repeat;
	struct ga_case_result acc;      /* the folded runs, once started */
	struct ga_case_result *runs;    /* owned: one per repetition */
	size_t *job_of;                 /* owned: per repetition, its job's
					 * index in the run's jobs */
	long dispatched, ended;         /* runs 1..dispatched were given */
	bool started;                   /* acc made, a job given */
	bool stopped;                   /* no more runs (ga_case_stops) */
};

/* One repetition of a ga_pcase: a job for a worker. */
struct ga_pjob {
	size_t pcase;
	long rep;
	double cost;                    /* seconds, for the order: the
					 * longest of this run's and its
					 * case's later runs' own */
	double own;                     /* seconds this run is expected
					 * to take */
	bool at_once;                   /* its client skips every
					 * connection of it before it needs
					 * its server: it takes no time */
};

/* qsort's order of jobs: the longest first, then in report order, a
 * case's runs in order (a run's cost is never below a later run's of
 * its case: run 1 comes first; that it is given first, whatever job the
 * schedule picks, is ga_pcase_next_job's). */
int ga_pjob_by_cost(const void *a, const void *b);

/* The order's cost of one case's n runs, runs[0] its run 1, from what
 * each is expected to take (own): the longest of a run's and every
 * later run's, so that a long last run (a sweep's) brings its case
 * forward and run 1 is still given out first. */
void ga_pjobs_order(struct ga_pjob *runs, size_t n);

/* Whether every job of pc that will ever be given has ended (giving:
 * jobs are still being given out): it can be reported. */
bool ga_pcase_complete(const struct ga_pcase *pc, bool giving);

/* The job to give when the schedule picked job k of case pc: the case's
 * next run, whichever of its runs the schedule picked (it may leave run
 * 1 to a worker that ends soon and give run 2 to another).  A case's
 * runs go out in order by construction: its folding, and a SKIP's or
 * --stop-early's stop, count on runs 1..dispatched being the ones
 * given.  k itself once the case stopped or gave every run. */
size_t ga_pcase_next_job(const struct ga_pcase *pc, size_t k);

/* A result came: a fresh server's start, measured (res->setup_ms of a
 * case that started one server, less the time it waited for a start
 * slot: that is the other starts', and the schedule counts those
 * itself), joins *start_ms, the running mean of the last 20 of the
 * *seen so far. */
void ga_start_learn(double *start_ms, unsigned *seen,
		    const struct ga_case_result *res);

/* The run on p->jobs worker processes: every scenario for every
 * combination, reported in the order a run one after another would
 * report them.  Returns 0, or -1 when the workers could not start
 * (printed). */
int ga_plan_run_jobs(struct ga_plan_state *st,
		     struct ga_interrupt *in);

#endif
