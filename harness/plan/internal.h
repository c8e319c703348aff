/* internal.h - what the run's files share (plan/ only): the combinations
 * of a plan, the state of a run and what an ended case feeds. */
#ifndef GA_PLAN_INTERNAL_H
#define GA_PLAN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "plan/plan.h"
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

/* ---- plan/case.c: what an ended case feeds ------------------------------- */

/* The state of a run: what every case that ended feeds. */
struct ga_plan_state {
	struct ga_plan *p;
	struct ga_reporter **reps;      /* owned, nreps */
	size_t nreps;
	struct ga_matrix m;
	struct ga_plan_result *r;
	unsigned start_weight;          /* the heaviest --server's start
					 * (server/jobs.h) */
};

void ga_plan_begin_case(struct ga_plan_state *st, size_t index,
			const struct ga_scenario *sc);
/* Case res of scenario row of combination k ended, reported as case
 * number index: the reporters, the matrix, the totals, --strict,
 * --record and --expectations. */
void ga_plan_end_case(struct ga_plan_state *st, size_t index,
		      size_t row, const struct ga_combo *k,
		      const struct ga_scenario *sc,
		      struct ga_case_result *res);

/* Makes the evidence folder of case res (combination k) a bug report
 * of its own: results.jsonl (this case alone, docs/results-jsonl.md)
 * and report.txt (report/casetext.h); what cannot be written is
 * evidence lost (plan/casefolder.c). */
void ga_plan_case_folder(const struct ga_plan *p, const struct ga_combo *k,
			 const struct ga_scenario *sc,
			 struct ga_case_result *res);

/* ---- plan/jobs.c: -j ---------------------------------------------------- */

/* The run on p->jobs worker processes: every scenario for every
 * combination, reported in the order a run one after another would
 * report them.  Returns 0, or -1 when the workers could not start
 * (printed). */
int ga_plan_run_jobs(struct ga_plan_state *st,
		     struct ga_interrupt *in);

#endif
