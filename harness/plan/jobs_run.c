/* jobs_run.c - "goneaway run -j N": every case on a pool of worker
 * processes (plan/jobs_workers.h), one repetition of one scenario per job, the
 * longest first, each to a worker whose kept server it can use where
 * one has it, with workers added up to N as they pay for their servers
 * (plan/jobs_schedule.h); the results reported in the order a run one after
 * another would give them, each as soon as every case before it ended.
 * A repeated scenario's runs are all given (--stop-early: none after one
 * that did not PASS) and folded in order (run/fold.c). */
#include "plan/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan/jobs_workers.h"
#include "plan/jobs_schedule.h"
#include "server/jobs.h"
#include "server/starts.h"
#include "util/clock.h"
#include "util/escape.h"
#include "util/proccpu.h"

_Static_assert(GA_PLAN_MAX_JOBS <= GA_SCHED_MAX_WORKERS,
	       "the schedule leaves jobs to every worker -j allows");

/* A server start's cost before the run measured one, per weight
 * (server/jobs.h): MariaDB about 0.4 s, MySQL 9.7 about 2 s. */
#define START_GUESS_MS 400.0
#define START_GUESS_HEAVY_MS 2000.0

/* A longer case may go before a homeless one (ga_sched_pick's
 * longer_first) only in a run whose clients start no process of their
 * own (the built-in client), and while the starts it measures take no
 * more than this many times the guess above (the machine has CPU to
 * spare).  Taking it adds workers sooner, and a worker of a driver
 * starts that driver's runtime too: with MariaDB Connector/J the suite
 * took 27 to 30 CPU s on the 32 workers the schedule then grew to,
 * against 21 to 24 on the 21 to 24 it grew to before
 * (docs/benchmark-history.md, "The ramp"). */
#define SPARE_STARTS 2.0

/* How often the run's own CPU and the memory available are looked at
 * again for the schedule's growth (ga_sched_room): a look reads every
 * process's /proc/PID/stat (3 ms for 150 processes on a busy 2-core
 * machine), and a rate of 10 ms ticks needs a second's CPU. */
#define ROOM_EVERY_MS 1000.0

/* What the parent knows of a worker's job, for the schedule. */
struct pbusy {
	double since_ms;                /* given at */
	double cost_ms;                 /* expected to take */
	bool starts;                    /* its kept server did not match:
					 * it starts one first */
	bool first;                     /* the worker's first job */
	bool worked;                    /* the worker had a job */
	uint64_t key;                   /* its job's server (ga_reuse_key) */
	size_t server;                  /* ... of which --server */
	unsigned procs;                 /* its job's driver processes */
	bool same;                      /* its job is of the client of the
					 * job before */
};

struct jobs_run {
	struct ga_plan_state *st;
	struct ga_combo *combos;        /* owned, ncombos */
	struct ga_workers_combo *pcombos;  /* owned, ncombos */
	size_t ncombos;
	struct ga_pcase *cases;            /* owned, in report order */
	size_t ncases;
	struct ga_pjob *jobs;              /* owned, longest first */
	struct ga_sched_job *sched;     /* owned, njobs: the same, as the
					 * schedule sees them */
	size_t njobs;
	size_t given;                   /* jobs taken (given, or skipped) */
	size_t ended;                   /* jobs */
	struct ga_sched_worker *ws;     /* owned, max: the workers */
	struct pbusy *busy;             /* owned, max */
	unsigned max;                   /* -j */
	double start_ms;                /* a server start, as measured */
	double start_guess_ms;          /* ... as guessed before */
	bool processes;                 /* a client of the run starts
					 * processes of its own (a driver) */
	unsigned slots;                 /* server starts side by side */
	unsigned starts_seen;
	struct ga_sched_room room;      /* what bounds the workers, lately */
	double cpu_at_ms;               /* when the run's CPU was read last,
					 * 0: never */
	double cpu_s;                   /* ... and what it was */
	bool live;                      /* a progress line is on the
					 * terminal */
};

/* On a terminal, while the report waits for a case still running, one
 * line that is rewritten: how many runs ended, how many run now. */
static void progress(struct jobs_run *jr, unsigned busy)
{
	if (!jr->st->p->console->live || !isatty(STDOUT_FILENO))
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

int ga_pjob_by_cost(const void *x, const void *y)
{
	const struct ga_pjob *a = x, *b = y;

	if (a->cost != b->cost)
		return a->cost < b->cost ? 1 : -1;
	if (a->pcase != b->pcase)       /* stable: report order, runs in order */
		return a->pcase < b->pcase ? -1 : 1;
	return a->rep < b->rep ? -1 : a->rep > b->rep;
}

void ga_pjobs_order(struct ga_pjob *runs, size_t n)
{
	double later = 0.0;
	size_t k;

	/* a sweep's longest run, its last, brings the runs before it
	 * forward, and run 1 still goes first */
	for (k = n; k-- > 0;) {
		if (runs[k].own > later)
			later = runs[k].own;
		runs[k].cost = later;
	}
}

/* Whether the client of o is known to skip every connection of sc (a
 * pool's scenario with the built-in client): its case ends as soon as
 * it starts, whatever durations.tsv says (a pool's driver's time), and
 * goes last, where a kept server is likely to take it. */
static bool skips_at_once(const struct ga_run_options *o,
			  const struct ga_scenario *sc)
{
	size_t i;

	if (!o->driver || sc->nconnections == 0)
		return false;
	for (i = 0; i < sc->nconnections; i++)
		if (!ga_driver_cannot_connect(o->driver, &sc->connections[i]))
			return false;
	return true;
}

/* Whether o's client starts processes of its own (a driver), not the
 * built-in client. */
static bool starts_processes(const struct ga_run_options *o)
{
	return o->driver && strcmp(o->driver->ops->kind, "builtin") != 0;
}

/* The driver processes a case of sc with o's client holds at once and
 * a worker keeps after it (docs/driver-protocol.md, "Cases"): one per
 * named connection for a driver, none for the built-in client or with
 * --fresh-drivers.  A driver without the feature "cases" keeps none
 * either: its workers then say they keep none (kept_drivers), and no
 * job is left to them for it. */
static unsigned kept_procs(const struct ga_run_options *o,
			   const struct ga_scenario *sc)
{
	if (!starts_processes(o) || o->fresh_drivers)
		return 0;
	return sc->nconnections > 0 ? (unsigned)sc->nconnections : 1;
}

/* The client of o as a selector sees it before the case (id filled),
 * or NULL when o has no driver (every expect line may apply). */
static const struct ga_server_id *combo_client(const struct ga_run_options *o,
					       struct ga_server_id *id)
{
	memset(id, 0, sizeof(*id));
	if (!o->driver)
		return NULL;
	ga_driver_identify(o->driver, id);
	return id;
}

/* jr's combos, one per server x client x proxy of its plan, each with
 * its run options and its column of the table. */
static void plan_combos(struct jobs_run *jr)
{
	struct ga_plan *p = jr->st->p;
	size_t c;

	for (c = 0; c < jr->ncombos; c++) {
		struct ga_combo *k = &jr->combos[c];
		struct ga_workers_combo *pk = &jr->pcombos[c];

		ga_plan_combo(p, c, k);
		ga_plan_combo_options(p, k, &pk->opts);
		pk->server = k->server;
		ga_matrix_column(&jr->st->m, k->column, k->label[0] ? k->label :
				 p->servers[k->server]);
	}
}

/* jr's cases, a scenario of scs on a combo each, with room for their
 * runs; *njobs is then how many runs they have.  -1: out of memory. */
static int plan_cases(struct jobs_run *jr, struct ga_scenario **scs,
		      size_t nscs, size_t *njobs)
{
	size_t i;

	*njobs = 0;
	for (i = 0; i < jr->ncases; i++) {
		struct ga_pcase *pc = &jr->cases[i];

		pc->combo = i / nscs;
		pc->row = i % nscs;
		pc->sc = scs[pc->row];
		pc->repeat = pc->sc->repeat > 1 ? pc->sc->repeat : 1;
		pc->runs = calloc((size_t)pc->repeat, sizeof(*pc->runs));
		pc->job_of = calloc((size_t)pc->repeat, sizeof(*pc->job_of));
		if (!pc->runs || !pc->job_of)
			return -1;
		*njobs += (size_t)pc->repeat;
	}
	return 0;
}

/* The jobs of case i, one per repetition, appended to jr's, with what
 * each costs: cost is its scenario's measured cost (< 0: none). */
static void plan_case_jobs(struct jobs_run *jr, size_t i, double cost)
{
	struct ga_server_id id;
	size_t first = jr->njobs;
	const struct ga_run_options *o = &jr->pcombos[jr->cases[i].combo].opts;
	const struct ga_server_id *who = combo_client(o, &id);
	bool at_once = skips_at_once(o, jr->cases[i].sc);
	double total = cost >= 0 && !at_once ?
		       ga_sched_guess_total_ms(jr->cases[i].sc, who) : 0.0;
	long rep;

	for (rep = 1; rep <= jr->cases[i].repeat; rep++) {
		struct ga_pjob *j = &jr->jobs[jr->njobs++];
		double guess = ga_sched_guess_ms(jr->cases[i].sc, rep, who);

		j->pcase = i;
		j->rep = rep;
		j->at_once = at_once;
		if (at_once) {
			j->own = 0.0;
			continue;
		}
		/* measured with a server start (a repeated one's runs
		 * together: this run's share of them), or a guess without */
		j->own = cost >= 0 ?
			 ga_sched_run_own_s(cost, jr->start_ms,
				ga_sched_rep_share(jr->cases[i].sc, rep, total,
						   who)) :
			 (guess + jr->start_ms) / 1000.0;
	}
	ga_pjobs_order(&jr->jobs[first], jr->njobs - first);
}

/* What the scheduler knows of each job of jr, in their order: its kept
 * server's key, its server and client, the processes it keeps and its
 * cost (the larger of the measured and the guessed). */
static void plan_sched(struct jobs_run *jr)
{
	struct ga_server_id id;
	size_t i;

	for (i = 0; i < jr->njobs; i++) {
		const struct ga_pcase *pc = &jr->cases[jr->jobs[i].pcase];
		const struct ga_workers_combo *pk = &jr->pcombos[pc->combo];
		double guess = ga_sched_guess_ms(pc->sc, jr->jobs[i].rep,
						 combo_client(&pk->opts, &id));
		double measured = jr->jobs[i].own * 1000.0 - jr->start_ms;

		pc->job_of[jr->jobs[i].rep - 1] = i;
		jr->sched[i].key = ga_reuse_key(&pk->opts, pc->sc);
		jr->sched[i].server = pk->server;
		jr->sched[i].client = jr->combos[pc->combo].client;
		jr->sched[i].procs = kept_procs(&pk->opts, pc->sc);
		jr->sched[i].cost_ms = jr->jobs[i].at_once ? 0.0 :
				       measured > guess ? measured : guess;
	}
}

/* jr's combos, cases and jobs for scs, in the order they are handed out,
 * with what the scheduler knows of each.  -1 after saying so: out of
 * memory (what was made is jr's, freed with it). */
static int plan_jobs(struct jobs_run *jr, struct ga_scenario **scs, size_t nscs)
{
	struct ga_plan *p = jr->st->p;
	double *cost;
	size_t i, n;

	jr->ncombos = ga_plan_ncombos(p);
	jr->combos = calloc(jr->ncombos, sizeof(*jr->combos));
	jr->pcombos = calloc(jr->ncombos, sizeof(*jr->pcombos));
	jr->ncases = jr->ncombos * nscs;
	jr->cases = calloc(jr->ncases, sizeof(*jr->cases));
	cost = calloc(nscs, sizeof(*cost));
	if (!jr->combos || !jr->pcombos || !jr->cases || !cost)
		goto oom;
	ga_scenario_costs(&p->select, scs, nscs, cost);
	plan_combos(jr);
	if (plan_cases(jr, scs, nscs, &n) < 0)
		goto oom;
	jr->jobs = calloc(n ? n : 1, sizeof(*jr->jobs));
	if (!jr->jobs)
		goto oom;
	jr->sched = calloc(n ? n : 1, sizeof(*jr->sched));
	if (!jr->sched)
		goto oom;
	for (i = 0; i < jr->ncases; i++)
		plan_case_jobs(jr, i, cost[jr->cases[i].row]);
	qsort(jr->jobs, jr->njobs, sizeof(*jr->jobs), ga_pjob_by_cost);
	plan_sched(jr);
	free(cost);
	return 0;
oom:
	free(cost);
	fprintf(stderr, "goneaway: out of memory\n");
	return -1;
}

/* The schedule's view of the workers, as of now. */
static void view(struct jobs_run *jr, struct ga_workers *pool, double now)
{
	unsigned i, n = ga_workers_size(pool);
	size_t id;

	for (i = 0; i < n; i++) {
		struct ga_sched_worker *w = &jr->ws[i];
		long procs;

		ga_workers_worker(pool, i, &w->alive, &w->busy, &w->kept,
				  &procs, &id);
		/* busy: what it will keep after its job */
		w->procs = (unsigned)procs;
		if (w->busy && !jr->busy[i].same)
			w->procs = jr->busy[i].procs;
		else if (w->busy && jr->busy[i].procs > w->procs)
			w->procs = jr->busy[i].procs;
		/* one running past its estimate: half of what it ran so far
		 * is as good a guess of what is left as any */
		if (w->busy) {
			double ran = now - jr->busy[i].since_ms;
			double left = jr->busy[i].cost_ms - ran +
				      (jr->busy[i].starts ? jr->start_ms : 0);

			w->busy_until_ms = now + (left > ran / 2 ? left :
						  ran / 2);
		}
		w->next_key = w->busy ? jr->busy[i].key : 0;
		w->next_server = jr->busy[i].server;
		w->start_until_ms = w->busy && jr->busy[i].starts ?
				    jr->busy[i].since_ms + jr->start_ms : 0;
		w->starting_until_ms = jr->busy[i].first ? w->start_until_ms :
				       0;
	}
}

/* Gives the next run of the case of job `picked` to idle worker i.
 * Returns 0, or -1 (said). */
static int give(struct jobs_run *jr, struct ga_workers *pool, unsigned i,
		size_t picked, double now)
{
	struct ga_pcase *pc = &jr->cases[jr->jobs[picked].pcase];
	size_t k = ga_pcase_next_job(pc, picked);
	const struct ga_pjob *j = &jr->jobs[k];
	const struct ga_workers_combo *pk = &jr->pcombos[pc->combo];
	struct ga_workers_job job = { pc->combo, pc->sc, j->rep };
	struct ga_error err;

	jr->sched[k].taken = true;
	jr->given++;
	if (pc->stopped)
		return 0;
	if (!pc->started) {
		if (ga_case_result_init(&pc->acc, &pk->opts, pc->sc)) {
			pc->stopped = pc->started = true;
			return 0;
		}
		if (pc->repeat > 1)
			ga_evidence_begin(&pk->opts, pc->sc, &pc->acc);
		pc->started = true;
	}
	if (ga_workers_submit_to(pool, i, &job, k, &err)) {
		/* not given after all: another worker may take it */
		jr->sched[k].taken = false;
		jr->given--;
		ga_esc_line(stderr, "goneaway: %s", err.msg);
		return -1;
	}
	jr->busy[i].since_ms = now;
	jr->busy[i].cost_ms = jr->sched[k].cost_ms;
	jr->busy[i].key = jr->sched[k].key;
	jr->busy[i].server = jr->sched[k].server;
	jr->busy[i].first = !jr->busy[i].worked;
	jr->busy[i].worked = true;
	jr->busy[i].starts = !jr->sched[k].key || !jr->ws[i].kept ||
			     jr->ws[i].kept[jr->sched[k].server] !=
			     jr->sched[k].key;
	jr->busy[i].procs = jr->sched[k].procs;
	jr->busy[i].same = jr->ws[i].client == jr->sched[k].client;
	jr->ws[i].client = jr->sched[k].client;
	pc->dispatched++;
	return 0;
}

/* What bounds the workers now (jr->room), looked at again once
 * ROOM_EVERY_MS passed: the cores the run's own processes kept busy
 * since the last look, and the memory available. */
static void measure_room(struct jobs_run *jr, double now)
{
	double cpu;

	if (jr->cpu_at_ms > 0 && now - jr->cpu_at_ms < ROOM_EVERY_MS)
		return;
	cpu = ga_proc_tree_cpu_s(getpid());
	if (cpu < 0) {
		jr->room.cpu = -1;      /* no /proc: not a bound */
		return;
	}
	if (jr->cpu_at_ms > 0)
		jr->room.cpu = cpu > jr->cpu_s ? (cpu - jr->cpu_s) * 1000.0 /
			       (now - jr->cpu_at_ms) : 0;
	jr->cpu_at_ms = now;
	jr->cpu_s = cpu;
	jr->room.mem_mib = (double)ga_mem_available_mib();
}

/* Gives waiting jobs to the idle workers, each the one the schedule
 * picks for it, and adds workers while the schedule says they pay. */
static void dispatch(struct jobs_run *jr, struct ga_workers *pool,
		     struct ga_interrupt *in)
{
	struct ga_error err;
	double now, start;
	unsigned i;
	bool gave;
	long k;

	do {
		gave = false;
		now = ga_clock_ms();
		view(jr, pool, now);
		for (i = 0; i < ga_workers_size(pool) && !ga_interrupted(in);
		     i++) {
			if (!jr->ws[i].alive || jr->ws[i].busy)
				continue;
			start = ga_sched_start_cost_ms(jr->ws,
						       ga_workers_size(pool),
						       now, jr->start_ms,
						       jr->slots);
			k = ga_sched_pick(jr->ws, ga_workers_size(pool), i,
					  jr->sched, jr->njobs, now, start,
					  !jr->processes &&
					  jr->start_ms <= SPARE_STARTS *
					  jr->start_guess_ms);
			if (k < 0)
				continue;
			if (give(jr, pool, i, (size_t)k, now))
				return;
			gave = true;
			view(jr, pool, now);
		}
		start = ga_sched_start_cost_ms(jr->ws, ga_workers_size(pool),
					       now, jr->start_ms, jr->slots);
		if (!gave && !ga_interrupted(in))
			measure_room(jr, now);
		if (!gave && !ga_interrupted(in) &&
		    ga_sched_grow(jr->ws, ga_workers_size(pool), jr->max,
				  jr->sched, jr->njobs, now, start,
				  jr->slots, &jr->room)) {
			if (ga_workers_grow(pool, &err) < 0) {
				ga_esc_line(stderr, "goneaway: -j: %s",
					    err.msg);
				return;
			}
			gave = true;    /* the new worker takes one next */
		}
	} while (gave && jr->given < jr->njobs);
}

/* When dispatch should look again though no job ended, 0: only when
 * one does.  A worker more may pay once a server start ends; an idle
 * worker left a waiting job to a busy one expected to end soon, and if
 * that one runs late, it takes the job after a start's time. */
static double next_look(struct jobs_run *jr, const struct ga_workers *pool)
{
	unsigned i, n = ga_workers_size(pool);
	double now = ga_clock_ms(), wake = 0;

	if (jr->given >= jr->njobs)
		return 0;
	if (n < jr->max)
		wake = ga_sched_wake_ms(jr->ws, n, now);
	for (i = 0; i < n; i++)
		if (jr->ws[i].alive && !jr->ws[i].busy) {
			if (wake == 0 || now + jr->start_ms < wake)
				wake = now + jr->start_ms;
			break;
		}
	return wake;
}

/* Every job is given: the idle workers end now, their kept servers
 * torn down beside the last jobs rather than after them. */
static void retire_idle(struct ga_workers *pool)
{
	unsigned i, n = ga_workers_size(pool);
	bool alive, busy;
	const uint64_t *kept;
	struct ga_error err;
	long procs;
	size_t id;

	for (i = 0; i < n; i++) {
		ga_workers_worker(pool, i, &alive, &busy, &kept, &procs, &id);
		if (alive && !busy)
			ga_workers_retire(pool, i, &err);
	}
}

void ga_start_learn(double *start_ms, unsigned *seen,
		    const struct ga_case_result *res)
{
	double ms = res->setup_ms - res->start_wait_ms;

	if (res->servers_started != 1 || ms <= 0)
		return;
	(*seen)++;
	*start_ms += (ms - *start_ms) / (double)(*seen < 20 ? *seen + 1 : 20);
}

size_t ga_pcase_next_job(const struct ga_pcase *pc, size_t k)
{
	if (pc->stopped || pc->dispatched >= pc->repeat)
		return k;
	return pc->job_of[pc->dispatched];
}

bool ga_pcase_complete(const struct ga_pcase *pc, bool giving)
{
	if (!pc->started || pc->ended < pc->dispatched)
		return !pc->started && !giving;
	return pc->stopped || pc->dispatched == pc->repeat || !giving;
}

/* Folds pc's runs in order and reports it. */
static void finish(struct jobs_run *jr, size_t i, int signo)
{
	struct ga_pcase *pc = &jr->cases[i];
	const struct ga_workers_combo *pk = &jr->pcombos[pc->combo];
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
	ga_plan_begin_case(jr->st, i, pc->sc);
	ga_plan_end_case(jr->st, i, pc->row, &jr->combos[pc->combo], pc->sc,
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
		free(jr->cases[i].job_of);
		ga_case_result_free(&jr->cases[i].acc);
	}
	free(jr->cases);
	free(jr->jobs);
	free(jr->sched);
	free(jr->ws);
	free(jr->busy);
	free(jr->combos);
	free(jr->pcombos);
}

int ga_plan_run_jobs(struct ga_plan_state *st, struct ga_interrupt *in)
{
	struct ga_plan *p = st->p;
	struct jobs_run jr = { 0 };
	struct ga_case_result res;
	struct ga_workers *pool = NULL;
	struct ga_error err;
	size_t reported = 0, id, c;
	unsigned first;
	int rc = -1;

	jr.st = st;
	jr.start_ms = st->start_weight >= 2 ? START_GUESS_HEAVY_MS :
		      START_GUESS_MS;
	jr.start_guess_ms = jr.start_ms;
	if (plan_jobs(&jr, p->scs, p->nscs))
		goto out;
	for (c = 0; c < jr.ncombos; c++)
		if (starts_processes(&jr.pcombos[c].opts))
			jr.processes = true;
	jr.max = p->jobs < jr.njobs ? p->jobs : (unsigned)jr.njobs;
	if (jr.max < 1)
		jr.max = 1;
	jr.ws = calloc(jr.max, sizeof(*jr.ws));
	jr.busy = calloc(jr.max, sizeof(*jr.busy));
	if (!jr.ws || !jr.busy) {
		fprintf(stderr, "goneaway: out of memory\n");
		goto out;
	}
	first = ga_sched_initial(ga_starts_slots(), st->start_weight, jr.max);
	jr.slots = first;
	jr.room.cpu = -1;
	jr.room.cores = ga_starts_cores();
	jr.room.worker_mib = GA_JOB_MEMORY_MIB;
	pool = ga_workers_start(first, jr.max, jr.pcombos, jr.ncombos,
			     p->nservers, in, &err);
	if (!pool) {
		ga_esc_line(stderr, "goneaway: -j: %s", err.msg);
		goto out;
	}
	for (;;) {
		double wake;
		int got;

		dispatch(&jr, pool, in);
		wake = next_look(&jr, pool);
		got = ga_workers_wait(pool, &id, &res, wake);
		if (got == 0)
			break;
		if (got == 2)
			continue;
		{
			struct ga_pcase *pc = &jr.cases[jr.jobs[id].pcase];

			ga_start_learn(&jr.start_ms, &jr.starts_seen, &res);
			pc->runs[jr.jobs[id].rep - 1] = res;
			pc->ended++;
			jr.ended++;
			if (ga_case_stops(&jr.pcombos[pc->combo].opts, &res))
				pc->stopped = true;
		}
		while (reported < jr.ncases &&
		       ga_pcase_complete(&jr.cases[reported],
				jr.given < jr.njobs && !ga_interrupted(in)))
			finish(&jr, reported++,
			       ga_interrupted(in) ? in->signo : 0);
		if (jr.given >= jr.njobs && !ga_workers_busy(pool))
			break;
		if (jr.given >= jr.njobs)
			retire_idle(pool);
		progress(&jr, ga_workers_busy(pool));
	}
	/* what is left ended by a signal (or no worker was left) */
	for (; reported < jr.ncases; reported++)
		finish(&jr, reported, ga_interrupted(in) ? in->signo : 0);
	progress_clear(&jr);
	if (p->verbose)
		fprintf(stderr, "goneaway run: %u of at most %u workers, a "
			"server start measured at %.0f ms\n",
			ga_workers_size(pool), jr.max, jr.start_ms);
	rc = 0;
out:
	ga_workers_stop(pool);
	free_cases(&jr);
	return rc;
}
