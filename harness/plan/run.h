/* run.h - what "goneaway run"'s files share (cli/run.c: options and the
 * run one case after another; plan/run_jobs.c: the run on -j workers). */
#ifndef GA_PLAN_RUN_H
#define GA_PLAN_RUN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "plan/expectations.h"
#include "plan/plan.h"
#include "client/driver.h"
#include "report/matrix.h"
#include "report/report.h"
#include "run/runner.h"

#define MAX_CHOICES 16    /* --server and --client values */

struct run_args {
	struct ga_run_options opts;
	const char *servers[MAX_CHOICES];       /* --server, in order */
	const struct ga_server_backend_ops *server_ops[MAX_CHOICES];
	char roots[MAX_CHOICES][PATH_MAX];      /* what follows a backend prefix
						 * (ga_server_options.arg) */
	size_t nservers;
	const char *clients[MAX_CHOICES];       /* --client, in order */
	size_t nclients;
	const char *proxies[MAX_CHOICES];       /* --proxy, in order; one
						 * NULL when not given */
	size_t nproxies;
	struct ga_driver drivers[MAX_CHOICES];  /* owned: one per client */
	const char *markdown;                   /* --markdown FILE */
	const char *format;
	const char *junit;
	const char *jsonl;                      /* --jsonl FILE */
	struct ga_jsonl_meta meta;              /* for the JSON Lines */
	char results_jsonl[PATH_MAX];           /* -o's results.jsonl */
	const char *color;
	int verbose;
	bool timings;
	bool strict;
	struct ga_allow allowed;               /* --allow-skip rules */
	char fixtures[PATH_MAX];
	char cache[PATH_MAX];
	struct ga_select_args select;              /* -k, --shard, --list */
	unsigned jobs;                          /* -j N; 0 until chosen */
	unsigned start_weight;                  /* the heaviest --server's
						 * start (server/jobs.h) */
	const char *html;                       /* --html FILE */
	bool clients_given;                     /* a --client was given */
	bool record;                            /* --record */
	const char *expectations;               /* --expectations FILE */
	struct ga_expect_file ce;             /* ... read */
	struct ga_recorder rec;                /* --record's */
};

/* One server × client × proxy of the run: every scenario runs against
 * it. */
struct combo {
	size_t server, client, proxy, column;
	char label[160];                /* "local/builtin", with --proxy
					 * "local/builtin/haproxy"; "" if
					 * there is only one */
	char sub[160];                  /* its evidence directory under -o,
					 * "" if only one */
};

/* How many combinations a has: servers × clients × proxies. */
size_t run_ncombos(const struct run_args *a);

/* Names combination i of a (its column: servers outermost, then
 * clients, proxies innermost): its label and evidence directory. */
void run_combo_init(const struct run_args *a, size_t i, struct combo *k);

/* The name client c goes by in labels and evidence directories: its
 * driver's name, or "NAME#N" (N from 1, in --client order) when several
 * clients of the run greet with that name (two versions of one
 * connector).  Returns the driver's name or buf. */
const char *run_client_label(const struct run_args *a, size_t c, char *buf,
			     size_t size);

/* Combinations of a whose evidence would still land in one directory
 * under -o (server names that differ only in '/', ':' or ' '): prints
 * each pair (a warning, or a --strict violation) and returns how many. */
size_t run_check_combos(const struct run_args *a);

/* Every directory the run would replace under -o - each scenario's
 * evidence folder for each combination, --record's recorded/ - is not
 * there or carries goneaway's mark (util/ownmark.h).  Prints each that
 * does not, and returns -1 then: the run stops before anything is
 * touched (plan/owned_dirs.c). */
int run_check_owned(const struct run_args *a, struct ga_scenario **scs,
		    size_t n);

struct run_totals {
	struct ga_run_summary sum;
	size_t violations;
	struct ga_why why;             /* told again at the end */
};

/* What every reporter, the matrix, the totals and --strict do with one
 * case that ended: scenario row of combination k, reported as case
 * number index. */
struct run_out {
	struct run_args *a;
	struct ga_reporter **reps;
	size_t nreps;
	struct ga_matrix *m;
	struct run_totals *t;
};

/* Makes the evidence folder of case res (combination k) a bug report
 * of its own: results.jsonl (this case alone, docs/results-jsonl.md)
 * and report.txt (report/casetext.h); what cannot be written is
 * evidence lost (plan/casefolder.c). */
void run_case_folder(const struct run_out *o, const struct combo *k,
		     const struct ga_scenario *sc, struct ga_case_result *res);

void run_begin_case(const struct run_out *o, size_t index,
		    const struct ga_scenario *sc);
void run_end_case(const struct run_out *o, size_t index, size_t row,
		  const struct combo *k, const struct ga_scenario *sc,
		  struct ga_case_result *res);

/* The run on a.jobs worker processes (plan/run_jobs.c): every scenario
 * for every combination, reported in the order a run one after another
 * would report them.  Returns 0, or -1 when the workers could not start
 * (printed). */
int run_jobs(const struct run_out *o, struct ga_scenario **scs, size_t nscs,
	     struct ga_interrupt *in);

#endif
