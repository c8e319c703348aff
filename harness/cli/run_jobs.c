/* run_jobs.c - "goneaway run -j N": every case on a pool of worker
 * processes (run/pool.h), one repetition of one scenario per job, the
 * longest first; the results reported in the order a run one after
 * another would give them, each as soon as every case before it ended.
 * A repeated scenario's runs are all given (--stop-early: none after one
 * that did not PASS) and folded in order (run/fold.c). */
#include "cli/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/pool.h"
#include "util/escape.h"

/* One scenario against one combination. */
struct pcase {
	const struct ga_scenario *sc;
	size_t row;                     /* the scenario's */
	size_t combo;                   /* the combination's column */
	long repeat;
	struct ga_case_result acc;      /* the folded runs, once started */
	struct ga_case_result *runs;    /* owned: one per repetition */
	long dispatched, ended;
	bool started;                   /* acc made, a job given */
	bool stopped;                   /* no more runs (ga_case_stops) */
};

struct pjob {
	size_t pcase;
	long rep;
	double cost;                    /* seconds, for the order */
};

struct jobs_run {
	const struct run_out *o;
	struct combo *combos;           /* owned, ncombos */
	struct ga_pool_combo *pcombos;  /* owned, ncombos */
	size_t ncombos;
	struct pcase *cases;            /* owned, in report order */
	size_t ncases;
	struct pjob *jobs;              /* owned, the order they are given */
	size_t njobs;
	size_t ended;                   /* jobs */
	bool live;                      /* a progress line is on the
					 * terminal */
};

/* On a terminal, while the report waits for a case still running, one
 * line that is rewritten: how many runs ended, how many run now. */
static void progress(struct jobs_run *jr, unsigned busy)
{
	if (strcmp(jr->o->a->format, "human") != 0 || !isatty(STDOUT_FILENO))
		return;
	printf("\r\033[K  ... %zu of %zu runs ended, %u running", jr->ended,
	       jr->njobs, busy);
	fflush(stdout);
	jr->live = true;
}

static void progress_clear(struct jobs_run *jr)
{
	if (!jr->live)
		return;
	printf("\r\033[K");
	jr->live = false;
}

static int by_cost(const void *x, const void *y)
{
	const struct pjob *a = x, *b = y;

	if (a->cost != b->cost)
		return a->cost < b->cost ? 1 : -1;
	if (a->pcase != b->pcase)       /* stable: report order, runs in order */
		return a->pcase < b->pcase ? -1 : 1;
	return a->rep < b->rep ? -1 : a->rep > b->rep;
}

static int plan(struct jobs_run *jr, struct ga_scenario **scs, size_t nscs)
{
	const struct run_out *o = jr->o;
	struct run_args *a = o->a;
	double *cost;
	size_t s, c, i, n = 0;
	long rep;

	jr->ncombos = run_ncombos(a);
	jr->combos = calloc(jr->ncombos, sizeof(*jr->combos));
	jr->pcombos = calloc(jr->ncombos, sizeof(*jr->pcombos));
	jr->ncases = jr->ncombos * nscs;
	jr->cases = calloc(jr->ncases, sizeof(*jr->cases));
	cost = calloc(nscs, sizeof(*cost));
	if (!jr->combos || !jr->pcombos || !jr->cases || !cost)
		goto oom;
	scenario_costs(&a->select, scs, nscs, cost);
	for (c = 0; c < jr->ncombos; c++) {
		struct combo *k = &jr->combos[c];
		struct ga_pool_combo *pk = &jr->pcombos[c];

		run_combo_init(a, c, k);
		s = k->server;
		pk->opts = a->opts;
		pk->opts.server = a->server_ops[s];
		pk->opts.server_opts.arg = a->roots[s];
		pk->opts.server_name = a->servers[s];
		pk->opts.driver = &a->drivers[k->client];
		pk->opts.client_spec = a->clients[k->client];
		pk->opts.proxy = a->nproxies ? a->proxies[k->proxy] : NULL;
		pk->opts.results_sub = k->sub[0] ? k->sub : NULL;
		pk->server = s;
		ga_matrix_column(o->m, k->column, k->label[0] ? k->label :
				 a->servers[s]);
	}
	for (i = 0; i < jr->ncases; i++) {
		struct pcase *pc = &jr->cases[i];

		pc->combo = i / nscs;
		pc->row = i % nscs;
		pc->sc = scs[pc->row];
		pc->repeat = pc->sc->repeat > 1 ? pc->sc->repeat : 1;
		pc->runs = calloc((size_t)pc->repeat, sizeof(*pc->runs));
		if (!pc->runs)
			goto oom;
		n += (size_t)pc->repeat;
	}
	jr->jobs = calloc(n ? n : 1, sizeof(*jr->jobs));
	if (!jr->jobs)
		goto oom;
	for (i = 0; i < jr->ncases; i++)
		for (rep = 1; rep <= jr->cases[i].repeat; rep++) {
			struct pjob *j = &jr->jobs[jr->njobs++];

			j->pcase = i;
			j->rep = rep;
			j->cost = cost[jr->cases[i].row] /
				  (double)jr->cases[i].repeat;
		}
	qsort(jr->jobs, jr->njobs, sizeof(*jr->jobs), by_cost);
	free(cost);
	return 0;
oom:
	free(cost);
	fprintf(stderr, "goneaway: out of memory\n");
	return -1;
}

/* Gives the next jobs to the idle workers. */
static void dispatch(struct jobs_run *jr, struct ga_pool *pool, size_t *next,
		     struct ga_interrupt *in)
{
	struct ga_error err;

	while (*next < jr->njobs && ga_pool_idle(pool) && !ga_interrupted(in)) {
		const struct pjob *j = &jr->jobs[*next];
		struct pcase *pc = &jr->cases[j->pcase];
		const struct ga_pool_combo *pk = &jr->pcombos[pc->combo];
		struct ga_pool_job job = { pc->combo, pc->sc, j->rep };

		if (pc->stopped) {
			(*next)++;
			continue;
		}
		if (!pc->started) {
			if (ga_case_result_init(&pc->acc, &pk->opts, pc->sc)) {
				pc->stopped = pc->started = true;
				(*next)++;
				continue;
			}
			if (pc->repeat > 1)
				ga_evidence_begin(&pk->opts, pc->sc, &pc->acc);
			pc->started = true;
		}
		if (ga_pool_submit(pool, &job, *next, &err)) {
			ga_esc_line(stderr, "goneaway: %s", err.msg);
			return;
		}
		pc->dispatched++;
		(*next)++;
	}
}

/* Every job of pc that will ever be given has ended. */
static bool complete(const struct pcase *pc, bool giving)
{
	if (!pc->started || pc->ended < pc->dispatched)
		return !pc->started && !giving;
	return pc->stopped || pc->dispatched == pc->repeat || !giving;
}

/* Folds pc's runs in order and reports it. */
static void finish(struct jobs_run *jr, size_t i, int signo)
{
	struct pcase *pc = &jr->cases[i];
	const struct ga_pool_combo *pk = &jr->pcombos[pc->combo];
	long r;

	if (!pc->started) {
		if (signo)
			return;         /* never run: interrupted before it */
		if (ga_case_result_init(&pc->acc, &pk->opts, pc->sc) == 0)
			ga_case_result_error(&pc->acc, "no worker process was "
					     "left to run it");
		pc->started = true;
	}
	for (r = 0; r < pc->dispatched; r++)
		if (ga_case_fold(&pk->opts, &pc->acc, &pc->runs[r]))
			ga_case_result_error(&pc->acc, "out of memory");
	/* cut short by the signal: ga_case_finish says so */
	if (signo && pc->acc.runs < pc->repeat && !pc->acc.signo &&
	    !ga_case_stops(&pk->opts, &pc->acc))
		pc->acc.signo = signo;
	ga_case_finish(&pk->opts, pc->sc, &pc->acc);
	progress_clear(jr);
	run_begin_case(jr->o, i, pc->sc);
	run_end_case(jr->o, i, pc->row, &jr->combos[pc->combo], pc->sc,
		     &pc->acc);
}

static void free_cases(struct jobs_run *jr)
{
	size_t i;
	long r;

	for (i = 0; i < jr->ncases && jr->cases; i++) {
		for (r = 0; r < jr->cases[i].repeat && jr->cases[i].runs; r++)
			ga_case_result_free(&jr->cases[i].runs[r]);
		free(jr->cases[i].runs);
		ga_case_result_free(&jr->cases[i].acc);
	}
	free(jr->cases);
	free(jr->jobs);
	free(jr->combos);
	free(jr->pcombos);
}

int run_jobs(const struct run_out *o, struct ga_scenario **scs, size_t nscs,
	     struct ga_interrupt *in)
{
	struct jobs_run jr = { 0 };
	struct ga_case_result res;
	struct ga_pool *pool = NULL;
	struct ga_error err;
	size_t next = 0, reported = 0, id;
	unsigned n;
	int rc = -1;

	jr.o = o;
	if (plan(&jr, scs, nscs))
		goto out;
	n = o->a->jobs < jr.njobs ? o->a->jobs : (unsigned)jr.njobs;
	pool = ga_pool_start(n ? n : 1, jr.pcombos, jr.ncombos,
			     o->a->nservers, in, &err);
	if (!pool) {
		ga_esc_line(stderr, "goneaway: -j: %s", err.msg);
		goto out;
	}
	for (;;) {
		dispatch(&jr, pool, &next, in);
		if (ga_pool_wait(pool, &id, &res) == 0)
			break;
		{
			struct pcase *pc = &jr.cases[jr.jobs[id].pcase];

			pc->runs[jr.jobs[id].rep - 1] = res;
			pc->ended++;
			jr.ended++;
			if (ga_case_stops(&jr.pcombos[pc->combo].opts, &res))
				pc->stopped = true;
		}
		while (reported < jr.ncases &&
		       complete(&jr.cases[reported],
				next < jr.njobs && !ga_interrupted(in)))
			finish(&jr, reported++,
			       ga_interrupted(in) ? in->signo : 0);
		if (next >= jr.njobs && !ga_pool_busy(pool))
			break;
		progress(&jr, ga_pool_busy(pool));
	}
	/* what is left ended by a signal (or no worker was left) */
	for (; reported < jr.ncases; reported++)
		finish(&jr, reported, ga_interrupted(in) ? in->signo : 0);
	progress_clear(&jr);
	rc = 0;
out:
	ga_pool_stop(pool);
	free_cases(&jr);
	return rc;
}
