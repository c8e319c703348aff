/* jobs_schedule.c - see schedule.h */
#include "plan/jobs_schedule.h"

#include "lang/outcome.h"
#include "lang/scenario.h"
#include "run/runner.h"

#define GUESS_BASE_MS 100.0

/* A job waits for a busy worker that will have its server when that one
 * is expected to end within this many server starts: a start costs a
 * core (and slows every case beside it), waiting costs none.  Measured
 * over the suite against 1 start: the same wall, 2 to 5 fewer starts and
 * 2 CPU s less (docs/benchmark-history.md). */
#define WAIT_STARTS 2.0

/* ... and waits behind the jobs already left to that worker while they
 * add up to no more than this many starts.  Without a bound every job of
 * one server waited for one worker: a matrix of 14 clients on MySQL 9.7
 * ran one case at a time while nine workers idled.  Measured (bench
 * parts v and e, docs/benchmark-history.md): against 2, 6 gave the
 * suite 30 to 36 servers against 39 to 42 (the unbounded wait: 32 to
 * 33), and the matrix the same wall with 7 % less CPU (a MySQL 9.7 start
 * costs 2 to 3 CPU s). */
#define QUEUE_STARTS 6.0

/* Which workers other than w keeping a server that job j matches
 * count. */
enum elsewhere {
	ANY_WORKER,     /* idle or busy, keeping it now */
	SOON_WORKER,    /* idle, or busy and expected to end within
			 * WAIT_STARTS server starts from now */
};

/* Whether worker i, not w, keeps a server that job j matches; for
 * SOON_WORKER also when it is busy with a job whose server will match
 * it (it is starting the same one). */
static bool matches(const struct ga_sched_worker *ws, size_t i, size_t w,
		    const struct ga_sched_job *j, enum elsewhere which)
{
	bool keeps = ws[i].kept && ws[i].kept[j->server] == j->key;
	bool will = which == SOON_WORKER && ws[i].busy &&
		    ws[i].next_key == j->key && ws[i].next_server == j->server;

	return i != w && ws[i].alive && (keeps || will);
}

/* Whether a worker other than w keeps a server that job j matches. */
static bool kept_elsewhere(const struct ga_sched_worker *ws, size_t n,
			   size_t w, const struct ga_sched_job *j)
{
	size_t i;

	for (i = 0; j->key && i < n; i++)
		if (matches(ws, i, w, j, ANY_WORKER))
			return true;
	return false;
}

/* Whether worker i is idle or its job ends within WAIT_STARTS server
 * starts from now, and is free within QUEUE_STARTS of them counting the
 * jobs already left to it in this pick (free_at[], when each is
 * expected to be free). */
static bool free_soon(const struct ga_sched_worker *ws, size_t i,
		      double now_ms, double start_ms, const double *free_at)
{
	double ends = (ws[i].busy ? ws[i].busy_until_ms : now_ms) - now_ms;
	double wait = free_at[i] - now_ms;

	return ends >= 0 && ends <= WAIT_STARTS * start_ms &&
	       wait <= QUEUE_STARTS * start_ms;
}

/* The worker other than w that job j is left to, or -1: one that
 * matches it (SOON_WORKER) and is free soon (above); the job's cost is
 * added to when that one is free. */
static long left_to(const struct ga_sched_worker *ws, size_t n, size_t w,
		    const struct ga_sched_job *j, double now_ms,
		    double start_ms, double *free_at)
{
	size_t i;

	for (i = 0; j->key && i < n && i < GA_SCHED_MAX_WORKERS; i++) {
		if (!matches(ws, i, w, j, SOON_WORKER) ||
		    !free_soon(ws, i, now_ms, start_ms, free_at))
			continue;
		free_at[i] += j->cost_ms;
		return (long)i;
	}
	return -1;
}

/* Whether worker i (not w) keeps driver processes enough for job j, or
 * will after its job (ga_sched_worker.procs), and is no worse a place
 * for j's server than w: it keeps that server (or will), or w does not.
 * Never a kept server traded for driver processes: a MySQL 9.7 start
 * costs 2 to 3 CPU s, more than a dozen JVMs. */
static bool covers(const struct ga_sched_worker *ws, size_t i, size_t w,
		   const struct ga_sched_job *j)
{
	bool w_keeps = j->key && ws[w].kept && ws[w].kept[j->server] == j->key;

	return i != w && ws[i].alive && ws[i].client == j->client &&
	       ws[i].procs >= j->procs &&
	       (!w_keeps || matches(ws, i, w, j, SOON_WORKER));
}

/* The worker other than w that job j, which would start driver
 * processes on w, is left to, or -1: one that covers it (above) and is
 * free soon, as left_to's. */
static long procs_left_to(const struct ga_sched_worker *ws, size_t n,
			  size_t w, const struct ga_sched_job *j,
			  double now_ms, double start_ms, double *free_at)
{
	size_t i;

	for (i = 0; j->procs && i < n && i < GA_SCHED_MAX_WORKERS; i++) {
		if (!covers(ws, i, w, j) ||
		    !free_soon(ws, i, now_ms, start_ms, free_at))
			continue;
		free_at[i] += j->cost_ms;
		return (long)i;
	}
	return -1;
}

/* The tiers of ga_sched_pick, best first: a job on the worker's kept
 * server, one no other worker keeps a server for, one only busy ones
 * do; each with the worker's last client first, and of those first a
 * job its kept driver processes cover (COVERED: the same client, no
 * more processes than it keeps; for the built-in client, which keeps
 * none, the same as SAME).  A job an idle worker keeps a server for,
 * or a busy one that ends soon (SOON_WORKER), is in none: it is left to
 * that worker; so is one whose driver processes another worker keeps
 * (procs_left_to). */
enum tier {
	KEPT_COVERED, KEPT_SAME, KEPT,
	HOMELESS_COVERED, HOMELESS_SAME, HOMELESS,
	ANY_COVERED, ANY_SAME, ANY,
	TIERS
};

/* The best job of the three tiers from first (a *_COVERED), or -1. */
static long best_of(const long *best, enum tier first)
{
	return best[first] >= 0 ? best[first] :
	       best[first + 1] >= 0 ? best[first + 1] : best[first + 2];
}

/* Whether the job of tier ANY (only busy workers' kept servers match it)
 * goes before the one of tier HOMELESS (nobody's does), which is
 * otherwise first: when it is longer by more than a server start, and
 * another worker is starting a server (starting_elsewhere).  Both start
 * a server on this worker; leaving the longer one to a busy worker saves
 * at most that start and ends it later.  While the CPU is taken by
 * starts, at a run's beginning, that is what ends the run late: the
 * suite's 3 to 5 s cases of the default server waited 1.5 s behind a
 * dozen 0.1 s ones of servers of their own.  When no start is in flight
 * the homeless one still goes first: its start costs a core that is idle
 * now, and would be dear at the run's end, where every case ends
 * together (docs/benchmark-history.md, "The ramp": at -j 32 a median of
 * 7.55 s against 8.44 s, and 7.97 s taking the longer one first
 * always). */
static bool longer_elsewhere(const struct ga_sched_job *jobs,
			     const long *best, double start_ms)
{
	long h = best_of(best, HOMELESS_COVERED);
	long a = best_of(best, ANY_COVERED);

	return h >= 0 && a >= 0 && best_of(best, KEPT_COVERED) < 0 &&
	       jobs[a].cost_ms > jobs[h].cost_ms + start_ms;
}

/* Whether a worker other than w is starting a server now. */
static bool starting_elsewhere(const struct ga_sched_worker *ws, size_t n,
			       size_t w, double now_ms)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (i != w && ws[i].alive && ws[i].busy &&
		    ws[i].start_until_ms > now_ms)
			return true;
	return false;
}

long ga_sched_pick(const struct ga_sched_worker *ws, size_t nworkers,
		   size_t w, const struct ga_sched_job *jobs, size_t njobs,
		   double now_ms, double start_ms, bool longer_first)
{
	const struct ga_sched_worker *me = &ws[w];
	double free_at[GA_SCHED_MAX_WORKERS];
	long best[TIERS];
	size_t i, t;
	bool same, covered;

	for (t = 0; t < TIERS; t++)
		best[t] = -1;
	for (i = 0; i < nworkers && i < GA_SCHED_MAX_WORKERS; i++)
		free_at[i] = ws[i].busy ? ws[i].busy_until_ms : now_ms;
	for (i = 0; i < njobs; i++) {
		const struct ga_sched_job *j = &jobs[i];

		if (j->taken)
			continue;
		same = j->client == me->client;
		covered = same && j->procs <= me->procs;
		if (!covered && procs_left_to(ws, nworkers, w, j, now_ms,
					      start_ms, free_at) >= 0)
			continue;       /* left to a worker with its drivers */
		if (j->key && me->kept && me->kept[j->server] == j->key) {
			if (covered)
				return (long)i;
			t = same ? KEPT_SAME : KEPT;
		} else if (left_to(ws, nworkers, w, j, now_ms, start_ms,
				   free_at) >= 0) {
			continue;       /* left to a worker free soon */
		} else if (!kept_elsewhere(ws, nworkers, w, j)) {
			t = covered ? HOMELESS_COVERED : same ? HOMELESS_SAME :
			    HOMELESS;
		} else {
			t = covered ? ANY_COVERED : same ? ANY_SAME : ANY;
		}
		if (best[t] < 0)
			best[t] = (long)i;
	}
	if (longer_first && longer_elsewhere(jobs, best, start_ms) &&
	    starting_elsewhere(ws, nworkers, w, now_ms))
		return best_of(best, ANY_COVERED);
	for (t = 0; t < TIERS; t++)
		if (best[t] >= 0)
			return best[t];
	return -1;
}

/* Whether the machine has room for a worker more (ga_sched_grow). */
static bool has_room(const struct ga_sched_room *room)
{
	unsigned cores;

	if (!room)
		return true;
	cores = room->cores ? room->cores : 1;
	if (room->cpu >= GA_SCHED_GROW_CPU * (double)cores)
		return false;
	return room->mem_mib <= 0 || room->mem_mib >= room->worker_mib;
}

bool ga_sched_grow(const struct ga_sched_worker *ws, size_t nworkers,
		   size_t max, const struct ga_sched_job *jobs, size_t njobs,
		   double now_ms, double start_ms, unsigned slots,
		   const struct ga_sched_room *room)
{
	size_t i, alive = 0, starting = 0, waiting = 0, freeing = 0;

	for (i = 0; i < njobs; i++)
		if (!jobs[i].taken)
			waiting++;
	for (i = 0; i < nworkers; i++) {
		if (!ws[i].alive)
			continue;
		alive++;
		if (!ws[i].busy)
			return false;
		if (ws[i].busy_until_ms - now_ms <= start_ms)
			freeing++;
		if (ws[i].starting_until_ms > now_ms)
			starting++;
	}
	return waiting > freeing && alive < max &&
	       starting < (slots ? slots : 1) && has_room(room);
}

double ga_sched_start_cost_ms(const struct ga_sched_worker *ws,
			      size_t nworkers, double now_ms, double start_ms,
			      unsigned slots)
{
	size_t i, inflight = 0;

	for (i = 0; i < nworkers; i++)
		if (ws[i].alive && ws[i].busy &&
		    ws[i].start_until_ms > now_ms)
			inflight++;
	return start_ms * (1.0 + (double)inflight / (slots ? slots : 1));
}

double ga_sched_wake_ms(const struct ga_sched_worker *ws, size_t nworkers,
			double now_ms)
{
	double wake = 0;
	size_t i;

	for (i = 0; i < nworkers; i++)
		if (ws[i].alive && ws[i].busy &&
		    ws[i].starting_until_ms > now_ms &&
		    (wake == 0 || ws[i].starting_until_ms < wake))
			wake = ws[i].starting_until_ms;
	return wake;
}

unsigned ga_sched_initial(unsigned slots, unsigned weight, unsigned max)
{
	unsigned n;

	if (weight < 1)
		weight = 1;
	n = slots / weight;
	if (n < 1)
		n = 1;
	return n > max ? max : n;
}

/* Whether e may apply to the client who is (NULL: any): its selector
 * names no client, or this one.  Its server is not known before the
 * case starts it, so a line of any server counts. */
static bool may_apply(const struct ga_expect *e, const struct ga_server_id *who)
{
	return !who || ga_selector_client_matches(&e->selector, who->client,
						  who->client_alias,
						  who->client_version);
}

double ga_sched_guess_ms(const struct ga_scenario *sc, long rep,
			 const struct ga_server_id *who)
{
	double ms = GUESS_BASE_MS;
	long after;
	size_t i, k;

	for (i = 0; i < sc->nsteps; i++) {
		const struct ga_step *st = &sc->steps[i];

		if (st->kind == GA_STEP_SLEEP) {
			ms += (double)ga_sleep_for_run(sc, st, rep, NULL, 0);
			continue;
		}
		after = 0;
		for (k = 0; k < st->nexpects; k++)
			if (st->expects[k].after_ms > after &&
			    may_apply(&st->expects[k], who))
				after = st->expects[k].after_ms;
		ms += (double)after;
	}
	return ms;
}

double ga_sched_guess_total_ms(const struct ga_scenario *sc,
			       const struct ga_server_id *who)
{
	long n = sc->repeat > 1 ? sc->repeat : 1, r;
	double sum = 0.0;

	for (r = 1; r <= n; r++)
		sum += ga_sched_guess_ms(sc, r, who);
	return sum;
}

double ga_sched_rep_share(const struct ga_scenario *sc, long rep,
			  double total_ms, const struct ga_server_id *who)
{
	long n = sc->repeat > 1 ? sc->repeat : 1;

	if (total_ms <= 0.0)
		return 1.0 / (double)n;
	return ga_sched_guess_ms(sc, rep, who) / total_ms;
}

double ga_sched_run_own_s(double total_s, double start_ms, double share)
{
	double start_s = start_ms / 1000.0, runs_s = total_s - start_s;

	if (share >= 1.0 || runs_s <= 0.0)
		return total_s * share;
	return runs_s * share + start_s;
}
