/* jobs_schedule.h - which job an idle worker of "goneaway run -j" takes next,
 * and when one more worker is worth its server.
 *
 * A worker keeps its last server for the next case that asks for the
 * same one (run/reuse.c), so a case is cheapest on a worker whose kept
 * server matches it: no start at all.  Each new worker, and each job a
 * worker takes that does not match its kept server, pays a server start
 * (0.1 to 0.4 s of a core for MariaDB, 0.35 to 2.5 s for MySQL 9.7,
 * by the machine).  So:
 *
 *   - an idle worker takes the first waiting job (in the order given:
 *     the longest first) that matches its kept server; else the first
 *     one that no other worker's kept server matches (it would start a
 *     server for it anyway); else the first one that only busy workers
 *     match, none of them expected to end within a server start from
 *     now (waiting longer would leave this one idle) - that one first
 *     when it is longer by more than a start, another worker is
 *     starting a server (the CPU is taken: the longer job would end
 *     the run later) and the caller allows it (longer_first); a job an
 *     idle worker matches is left to that worker, and so is one a busy
 *     worker matches that is expected to end within two server starts:
 *     the job waits about as long as a start would take, and no core
 *     starts a server beside the cases that run.  Only as many jobs as
 *     that worker should be free for within six starts: the rest are
 *     taken by others, or a run of one server would go one case at a
 *     time.  A busy worker matches a job when its kept server does,
 *     or its own job's server will (it is starting the same one): six
 *     short cases that ask for max_allowed_packet=1M run one after
 *     another on one such server, not on six started side by side;
 *   - within each of those, a job of the client the worker ran last
 *     comes first: a worker keeps its driver processes for the next case
 *     of the same client (docs/driver-protocol.md, "Cases"), so a run of
 *     many clients starts each one's drivers on fewer workers; and of
 *     those, first a job its kept processes cover (no more connections
 *     than it keeps processes): no driver starts at all;
 *   - a job that would start driver processes on this worker is left to
 *     another that keeps enough of them for it, when that one is idle or
 *     expected to end within two server starts (as a kept server's job
 *     is, with the same bound on what is left to one worker), unless
 *     this worker keeps the job's server and that one does not: a
 *     runtime's start (a JVM's first case: 0.17 CPU s) costs about what
 *     a MariaDB start does, and each worker that meets a case of four
 *     connections would otherwise start four
 *     (docs/benchmark-history.md, "How many JVMs");
 *   - once every job is given, an idle worker ends at once
 *     (ga_workers_retire), its kept servers torn down beside the last
 *     cases rather than after them;
 *   - the run starts with as many workers as server starts can run side
 *     by side, and adds one (up to -j) only when no worker is idle,
 *     more jobs wait than workers are expected to end within a server
 *     start, fewer new workers than can start side by side are
 *     starting their first server, and the machine has room for one
 *     more: the run's own processes keep less than 0.9 of its cores
 *     busy, and the memory available holds another worker.  Long
 *     cases (timeouts, sleeps) get workers of their own, short ones
 *     queue behind a kept server, and workers come as fast as their
 *     servers can start, not all at once.  What other programs take of
 *     the machine does not count: a busy machine makes every start
 *     slow, but the cases mostly wait (for their sleeps, timeouts and
 *     servers), so fewer workers would only make the run longer, and
 *     the kernel shares a busy CPU among the threads that want it: a
 *     run that keeps more cases going keeps its share.
 *
 * Pure functions over the caller's arrays: nothing here forks or reads
 * a clock (the caller passes the time).
 */
#ifndef GA_RUN_SCHEDULE_H
#define GA_RUN_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most workers ga_sched_pick leaves jobs to (-j's bound,
 * GA_PLAN_MAX_JOBS, is no more); one beyond is never waited for. */
#define GA_SCHED_MAX_WORKERS 64

struct ga_sched_job {
	uint64_t key;           /* the server it asks for (ga_reuse_key), 0:
				 * one that is never kept */
	size_t server;          /* which --server (a worker keeps one server
				 * per --server) */
	double cost_ms;         /* what it is expected to take */
	bool taken;             /* given to a worker already */
	size_t client;          /* which --client */
	unsigned procs;         /* driver processes it holds at once (its
				 * connections, for a client whose
				 * processes are kept between cases),
				 * 0: none kept (the built-in client) */
};

struct ga_sched_worker {
	bool alive;
	bool busy;
	const uint64_t *kept;   /* borrowed: per --server, the key of the
				 * server it keeps, 0: none */
	double busy_until_ms;   /* when its job is expected to end (the
				 * caller's clock), while busy */
	size_t client;          /* the client of the last job it took,
				 * SIZE_MAX: none yet */
	unsigned procs;         /* the driver processes of that client it
				 * keeps (its last result says; a kept
				 * zygote counts as any number), or will
				 * keep after its job (the most of it and
				 * its job's procs) */
	uint64_t next_key;      /* while busy, the key of its job's server:
				 * the one it keeps after, if the case
				 * leaves it clean; 0: none */
	size_t next_server;     /* ... of which --server */
	double starting_until_ms;  /* while it is a new worker expected to
				 * be starting its first server (its
				 * first job, given less than a server
				 * start ago), when that start ends;
				 * else 0 */
	double start_until_ms;  /* while its job is expected to be starting
				 * a server (any job of any worker that
				 * starts one), when that start ends; else
				 * 0 */
};

/* The index of the job idle worker w should take, or -1 when no job
 * waits that it should take now.  longer_first: a job only busy workers
 * match may go before a homeless one (above) - the caller's say
 * (plan/jobs_run.c: with the built-in client alone, while its server
 * starts take no more than twice their guess).  A worker that jobs are
 * left to takes no more of them than it should be free for within six
 * server starts: each job left to it counts its cost_ms to when it will
 * be free.  jobs
 * are in the order they should run (the longest first); now_ms on the
 * caller's clock, start_ms a server start as this run measures it. */
long ga_sched_pick(const struct ga_sched_worker *ws, size_t nworkers,
		   size_t w, const struct ga_sched_job *jobs, size_t njobs,
		   double now_ms, double start_ms, bool longer_first);

/* What bounds the workers of a run, as the caller measured it lately.
 * Only the run's own use counts: another program's load is no reason
 * for a run of cases that mostly wait to run fewer of them. */
struct ga_sched_room {
	double cpu;             /* the cores the run's own processes (its
				 * workers, their servers and drivers) kept
				 * busy lately: their CPU seconds over a
				 * second or so of wall; < 0: not measured
				 * yet */
	unsigned cores;         /* the cores the run may take */
	double mem_mib;         /* memory available now (MemAvailable);
				 * 0: not known */
	double worker_mib;      /* what one worker more may take at most */
};

/* Whether one more worker should be started now (now_ms on the caller's
 * clock): no worker is idle, there are fewer than max, more jobs wait
 * than workers are expected to end within start_ms (a server start as
 * this run measures it: each of those takes one job, and a worker more
 * would start its server no sooner), fewer than slots new workers are
 * starting their first server (ga_sched_initial: as many as can start
 * side by side; a worker more would only queue its start behind theirs
 * and slow each of them), and room has room: the run's own processes
 * keep less than GA_SCHED_GROW_CPU of its cores busy (a run that fills
 * the cores itself gains no case from a worker more, only that
 * worker's server and driver starts), and the memory available holds a
 * worker more (room NULL: no bound).  A worker that starts a server for
 * its next case does not hold growth back: with --fresh-servers every
 * case does, and the run would stay at its first workers.  How slow the
 * starts are is not asked: on a busy machine every start is slow,
 * whatever the run costs, and a worker that will end within one such
 * start takes one job, not every job that waits (under a CPU hog the
 * built-in client's suite ran on 5 workers, each start 3 s, for 100 s:
 * some worker always ended within a start). */
#define GA_SCHED_GROW_CPU 0.9
bool ga_sched_grow(const struct ga_sched_worker *ws, size_t nworkers,
		   size_t max, const struct ga_sched_job *jobs, size_t njobs,
		   double now_ms, double start_ms, unsigned slots,
		   const struct ga_sched_room *room);

/* What a server start costs a job that needs one now: start_ms (one
 * start, as measured without waiting for a slot) and, while other
 * workers' starts are in flight (start_until_ms after now_ms), the wait
 * for one of the slots they hold (slots: starts side by side).  A
 * crowded start makes waiting for a busy worker that keeps the server
 * pay; an idle machine does not. */
double ga_sched_start_cost_ms(const struct ga_sched_worker *ws,
			      size_t nworkers, double now_ms, double start_ms,
			      unsigned slots);

/* When a worker's server start is expected to end after now_ms, the
 * earliest (when ga_sched_grow may say yes again without a job ending),
 * or 0 when none is starting one. */
double ga_sched_wake_ms(const struct ga_sched_worker *ws, size_t nworkers,
			double now_ms);

struct ga_scenario;
struct ga_server_id;

/* What run rep of sc is expected to take when nothing was measured,
 * without its server's start: a tenth of a second, its sleeps, and the
 * least time its expect lines say a step takes ("after"), of the lines
 * that may apply to the client who is (its server is not known yet: a
 * line of any server counts; NULL: every line).  A line of another
 * client's does not count: silent-drop-keepalive's [client=mysql2]
 * "after 10s" made the built-in client's 3.4 s case a 13.6 s one,
 * scheduled as the suite's second longest. */
double ga_sched_guess_ms(const struct ga_scenario *sc, long rep,
			 const struct ga_server_id *who);

/* The sum of ga_sched_guess_ms over every run of sc (computed once per
 * scenario and client: a share below is one division, not a loop per
 * run). */
double ga_sched_guess_total_ms(const struct ga_scenario *sc,
			       const struct ga_server_id *who);

/* The share of a repeated sc's measured time (durations.tsv: all its
 * runs together) that run rep takes: its guess over total_ms (what
 * ga_sched_guess_total_ms gave for the same who), so that the longest
 * run of a sweep ("sleep 0ms..4s") is scheduled as the longest;
 * 1/repeat when the total is 0. */
double ga_sched_rep_share(const struct ga_scenario *sc, long rep,
			  double total_ms, const struct ga_server_id *who);

/* What run rep of a scenario is expected to take with a server start,
 * in seconds, when its runs together measured total_s (durations.tsv:
 * one server start and every run) and rep's share of them is share
 * (ga_sched_rep_share): the start is taken out once, the rest shared,
 * and a start added back, as every job's time counts one.  (Taken out
 * of each run's share instead, netem-reorder's 20 runs of 2 s were
 * scheduled as 1.5 s ones, after the 2 s cases, and ended the suite.) */
double ga_sched_run_own_s(double total_s, double start_ms, double share);

/* How many workers to start with: as many as server starts of weight
 * can run side by side on slots (server/starts.h), at least 1 and at
 * most max. */
unsigned ga_sched_initial(unsigned slots, unsigned weight, unsigned max);

#endif
