/* check_schedule.c - which job an idle worker of "goneaway run -j"
 * takes, and when a worker more pays for its server (plan/jobs_schedule.c):
 * pure functions over arrays, tried on small fleets. */
#include "lang/outcome.h"
#include "lang/scenario.h"
#include "parse_util.h"
#include "plan/jobs_schedule.h"
#include "suites.h"

#define K1 0x1111
#define K2 0x2222

/* Workers w[i] keeping kept[i] (one server each), busy as given. */
static void fleet(struct ga_sched_worker *w, const uint64_t *kept,
		  const bool *busy, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		w[i].alive = true;
		w[i].busy = busy[i];
		w[i].kept = &kept[i];
		w[i].busy_until_ms = 0;
		w[i].next_key = 0;
		w[i].next_server = 0;
		w[i].starting_until_ms = 0;
		w[i].start_until_ms = 0;
		w[i].client = 0;
		w[i].procs = 0;
	}
}

START_TEST(test_pick_matching_first)
{
	uint64_t kept[2] = { K2, 0 };
	bool busy[2] = { false, true };
	struct ga_sched_worker w[2];
	struct ga_sched_job j[3] = {
		{ K1, 0, 5000, false, 0, 0 },
		{ K2, 0, 100, false, 0, 0 },
		{ K2, 0, 100, false, 0, 0 },
	};

	fleet(w, kept, busy, 2);
	/* not the longest: the one its kept server runs */
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 3, 0, 500, false), 1);
	j[1].taken = true;
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 3, 0, 500, false), 2);
	j[2].taken = true;
	/* nothing matches: the first nobody keeps a server for */
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 3, 0, 500, false), 0);
	j[0].taken = true;
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 3, 0, 500, false), -1);
}
END_TEST

/* A job another worker's kept server matches: left to that worker when
 * it is idle, taken when it is busy (waiting would idle this one), and
 * a homeless job goes first. */
START_TEST(test_pick_leaves_others_jobs)
{
	uint64_t kept[2] = { 0, K1 };
	bool busy[2] = { false, false };
	struct ga_sched_worker w[2];
	struct ga_sched_job j[2] = {
		{ K1, 0, 5000, false, 0, 0 },
		{ K2, 0, 100, false, 0, 0 },
	};

	fleet(w, kept, busy, 2);
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 2, 0, 500, false), 1);
	j[1].taken = true;
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 2, 0, 500, false), -1);
	w[1].busy = true;
	w[1].busy_until_ms = 10000;
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 2, 0, 500, false), 0);
	/* and the other one, idle, takes its own */
	w[1].busy = false;
	ck_assert_int_eq(ga_sched_pick(w, 2, 1, j, 2, 0, 500, false), 0);
}
END_TEST

/* A job a busy worker's kept server matches waits for that worker when
 * it is expected to end within two server starts: starting one for it
 * would take about as long and cost a core.  When that worker ends later, or
 * is past its estimate (when it ends is not known), the job is taken. */
START_TEST(test_pick_waits_for_a_worker_ending_soon)
{
	uint64_t kept[2] = { 0, K1 };
	bool busy[2] = { false, true };
	struct ga_sched_worker w[2];
	struct ga_sched_job j[1] = { { K1, 0, 5000, false, 0, 0 } };

	fleet(w, kept, busy, 2);
	w[1].busy_until_ms = 1300;
	/* at 1000 ms, with a start of 500 ms: left to worker 1 */
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 1, 1000, 500, false), -1);
	/* ... and with a start of 200 ms (two starts: 400 ms) */
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 1, 1000, 200, false), -1);
	/* a start of 100 ms: worker 0 takes it */
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 1, 1000, 100, false), 0);
	/* worker 1 ends in 2 s: taken */
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 1, -700, 500, false), 0);
	/* worker 1 is past its estimate: taken */
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 1, 1400, 500, false), 0);
	/* a job nobody keeps a server for is taken first all the same */
	kept[1] = K2;
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 1, 1000, 500, false), 0);
}
END_TEST

/* A busy worker starting the server a job asks for is as good as one
 * keeping it: short cases that share a server-option line wait for the
 * one worker that starts it rather than each start their own. */
/* A worker is left no more jobs than it should be free for within six
 * starts: the rest go to an idle worker without a server, or every case
 * of one server waits for one worker (a matrix on MySQL 9.7 once ran one
 * case at a time while the other workers were idle). */
START_TEST(test_pick_leaves_a_worker_only_what_it_ends_soon)
{
	uint64_t kept[3] = { 0, K1, K1 };
	bool busy[3] = { false, true, false };
	struct ga_sched_worker w[3];
	struct ga_sched_job j[8];
	size_t i;

	for (i = 0; i < 8; i++)
		j[i] = (struct ga_sched_job){ K1, 0, 1000, false, 0, 0 };
	fleet(w, kept, busy, 2);
	w[1].busy_until_ms = 1100;
	/* at 1000 ms, a start of 500 ms (six: until 4000): worker 1, free
	 * at 1100, is left jobs 0, 1 and 2 (then free at 2100, 3100,
	 * 4100); job 3 is worker 0's */
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 4, 1000, 500, false), 3);
	/* a start of 2 s (MySQL 9.7; until 13000): all four are worker
	 * 1's */
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 4, 1000, 2000, false), -1);
	/* an idle worker keeping the server is left its share: worker 2,
	 * free now, takes jobs 3 to 6 (free at 2000, 3000, 4000, 5000);
	 * job 7 is worker 0's */
	fleet(w, kept, busy, 3);
	w[1].busy_until_ms = 1100;
	ck_assert_int_eq(ga_sched_pick(w, 3, 0, j, 8, 1000, 500, false), 7);
	/* jobs taken already are nobody's to wait for */
	for (i = 0; i < 6; i++)
		j[i].taken = true;
	ck_assert_int_eq(ga_sched_pick(w, 3, 0, j, 8, 1000, 500, false), -1);
}
END_TEST

START_TEST(test_pick_waits_for_a_server_being_started)
{
	uint64_t kept[2] = { 0, 0 };
	bool busy[2] = { false, true };
	struct ga_sched_worker w[2];
	struct ga_sched_job j[2] = {
		{ K1, 0, 100, false, 0, 0 },
		{ K2, 0, 100, false, 0, 0 },
	};

	fleet(w, kept, busy, 2);
	w[1].next_key = K1;
	w[1].busy_until_ms = 1100;
	/* the K1 job is left to worker 1; the K2 one nobody starts */
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 2, 1000, 500, false), 1);
	j[1].taken = true;
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 2, 1000, 500, false), -1);
	/* worker 1's job is for the other --server: no match */
	w[1].next_server = 1;
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 2, 1000, 500, false), 0);
	w[1].next_server = 0;
	/* it ends in 3 s: taken */
	w[1].busy_until_ms = 4000;
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 2, 1000, 500, false), 0);
	/* an idle worker's last job is no promise */
	w[1].busy_until_ms = 1100;
	w[1].busy = false;
	ck_assert_int_eq(ga_sched_pick(w, 2, 0, j, 2, 1000, 500, false), 0);
}
END_TEST

/* Keys are per --server: a worker keeps one server for each. */
START_TEST(test_pick_per_server)
{
	uint64_t kept[2] = { 0, K1 };       /* worker 0: server 1 keeps K1 */
	struct ga_sched_worker w[1] = { { .alive = true, .kept = kept } };
	struct ga_sched_job j[2] = {
		{ K1, 0, 100, false, 0, 0 },
		{ K1, 1, 100, false, 0, 0 },
	};

	ck_assert_int_eq(ga_sched_pick(w, 1, 0, j, 2, 0, 500, false), 1);
}
END_TEST

/* A job that is never kept (key 0) matches nobody. */
START_TEST(test_pick_never_kept)
{
	uint64_t kept[1] = { 0 };
	struct ga_sched_worker w[1] = { { .alive = true, .kept = kept } };
	struct ga_sched_job j[1] = { { 0, 0, 100, false, 0, 0 } };

	ck_assert_int_eq(ga_sched_pick(w, 1, 0, j, 1, 0, 500, false), 0);
}
END_TEST

START_TEST(test_grow)
{
	uint64_t kept[2] = { K1, K1 };
	bool busy[2] = { true, true };
	struct ga_sched_worker w[2];
	struct ga_sched_job j[2] = {
		{ K1, 0, 100, true, 0, 0 },
		{ K1, 0, 100, false, 0, 0 },
	};

	fleet(w, kept, busy, 2);
	/* both busy for 10 s: a start (0.5 s) pays */
	w[0].busy_until_ms = w[1].busy_until_ms = 10000;
	ck_assert(ga_sched_grow(w, 2, 8, j, 2, 0, 500, 2, NULL));
	/* but not past -j */
	ck_assert(!ga_sched_grow(w, 2, 2, j, 2, 0, 500, 2, NULL));
	/* one is done within a start: wait for it */
	w[1].busy_until_ms = 300;
	ck_assert(!ga_sched_grow(w, 2, 8, j, 2, 0, 500, 2, NULL));
	/* later, the same estimate is past: still not */
	ck_assert(!ga_sched_grow(w, 2, 8, j, 2, 200, 500, 2, NULL));
	/* two wait: it takes one, a worker more the other */
	j[0].taken = false;
	ck_assert(ga_sched_grow(w, 2, 8, j, 2, 0, 500, 2, NULL));
	/* both end within a start: they take both */
	w[0].busy_until_ms = 400;
	ck_assert(!ga_sched_grow(w, 2, 8, j, 2, 0, 500, 2, NULL));
	w[0].busy_until_ms = 10000;
	j[0].taken = true;
	/* an idle worker: never */
	w[1].busy_until_ms = 10000;
	w[1].busy = false;
	ck_assert(!ga_sched_grow(w, 2, 8, j, 2, 0, 500, 2, NULL));
	/* nothing waits: never */
	w[1].busy = true;
	j[1].taken = true;
	ck_assert(!ga_sched_grow(w, 2, 8, j, 2, 0, 500, 2, NULL));
	/* no worker left alive: one more */
	j[1].taken = false;
	w[0].alive = w[1].alive = false;
	ck_assert(ga_sched_grow(w, 2, 8, j, 2, 0, 500, 2, NULL));
}
END_TEST

/* The machine's room: a run whose own processes fill its cores gains no
 * case from a worker more, only that worker's starts; one whose memory
 * would not hold another worker's server takes none.  What it does not
 * know yet does not hold it back. */
START_TEST(test_grow_by_room)
{
	uint64_t kept[2] = { K1, K1 };
	bool busy[2] = { true, true };
	struct ga_sched_worker w[2];
	struct ga_sched_job j[1] = { { K1, 0, 100, false, 0, 0 } };
	struct ga_sched_room room = { -1, 2, 0, 400 };

	fleet(w, kept, busy, 2);
	w[0].busy_until_ms = w[1].busy_until_ms = 10000;
	/* not measured yet: no bound */
	ck_assert(ga_sched_grow(w, 2, 8, j, 1, 0, 500, 2, &room));
	/* the run keeps 1.7 of 2 cores busy: one more */
	room.cpu = 1.7;
	ck_assert(ga_sched_grow(w, 2, 8, j, 1, 0, 500, 2, &room));
	/* 1.8 (0.9 of the cores): none */
	room.cpu = 1.8;
	ck_assert(!ga_sched_grow(w, 2, 8, j, 1, 0, 500, 2, &room));
	/* on 4 cores 1.8 is room */
	room.cores = 4;
	ck_assert(ga_sched_grow(w, 2, 8, j, 1, 0, 500, 2, &room));
	/* no cores said: one */
	room.cores = 0;
	room.cpu = 0.95;
	ck_assert(!ga_sched_grow(w, 2, 8, j, 1, 0, 500, 2, &room));
	room.cores = 2;
	room.cpu = 0.2;
	/* 300 MiB available, a worker takes up to 400: none */
	room.mem_mib = 300;
	ck_assert(!ga_sched_grow(w, 2, 8, j, 1, 0, 500, 2, &room));
	room.mem_mib = 4000;
	ck_assert(ga_sched_grow(w, 2, 8, j, 1, 0, 500, 2, &room));
}
END_TEST

/* A busy machine is no reason for fewer workers.  Under a CPU hog (load
 * 15 on 2 cores) every server start takes four to eight times its
 * guess, with the built-in client and with a driver alike; the run's
 * own processes keep half a core busy, its cases mostly wait.  Before
 * issue 57 a run with a driver added no worker once its starts took
 * more than 1.25 times their guess (a PyMySQL suite ran on 4 workers
 * where the built-in client's grew to 23, for 4.7 times its wall), and
 * no run added one while any worker was expected to end within such a
 * start (the built-in client's suite under 14 busy loops: 5 workers,
 * starts of 3.4 s, 100 s).  And with fewer threads to run, the run gets
 * a smaller share of the busy CPU, not a larger one. */
START_TEST(test_grow_on_a_busy_machine)
{
	uint64_t kept[4] = { K1, K1, K2, K2 };
	bool busy[4] = { true, true, true, true };
	struct ga_sched_worker w[4];
	struct ga_sched_job j[3] = {
		{ K1, 0, 4000, false, 0, 2 },   /* a driver's: 2 processes */
		{ K2, 0, 3000, false, 0, 1 },
		{ K1, 0, 2000, false, 0, 1 },
	};
	/* the run's own: 0.5 of 2 cores; the hog's 14 loops are not its */
	struct ga_sched_room room = { 0.5, 2, 20000, 400 };
	double guess = 400, start = 4 * guess;     /* 1.6 s a start */
	size_t i;

	fleet(w, kept, busy, 4);
	for (i = 0; i < 4; i++) {
		w[i].procs = 1;
		w[i].busy_until_ms = 8000;      /* busy for 8 s more */
	}
	ck_assert(ga_sched_grow(w, 4, 32, j, 3, 0, start, 4, &room));
	/* and so with the built-in client's jobs (no processes) */
	for (i = 0; i < 3; i++)
		j[i].procs = 0;
	ck_assert(ga_sched_grow(w, 4, 32, j, 3, 0, start, 4, &room));
	/* one worker ends within a start (a case's guess is a quiet
	 * machine's, the start measured on this one): it takes one of the
	 * three jobs, not all */
	w[0].busy_until_ms = 1000;
	ck_assert(ga_sched_grow(w, 4, 32, j, 3, 0, start, 4, &room));
	/* what still bounds it: the run's own CPU at its cores */
	room.cpu = 1.9;
	ck_assert(!ga_sched_grow(w, 4, 32, j, 3, 0, start, 4, &room));
}
END_TEST

/* Workers come as fast as their servers can start: while as many as
 * can start side by side are starting one, no worker more. */
/* A start costs its own time, and while others are in flight the wait
 * for their slots: a job waits for a busy worker in a crowd of starts,
 * and starts a server of its own when none is in flight.  (The matrix's
 * last 150 s ran at 40 % of the CPU while jobs waited for busy workers:
 * the estimate had learnt the crowded middle's waits for a slot.) */
START_TEST(test_start_cost_counts_the_starts_in_flight)
{
	uint64_t kept[4] = { K1, K1, 0, 0 };
	bool busy[4] = { true, true, true, false };
	struct ga_sched_worker w[4];
	struct ga_sched_job j[1] = { { K1, 0, 1000, false, 0, 0 } };
	double cost;

	fleet(w, kept, busy, 4);
	w[0].busy_until_ms = 5000;      /* ends in 5 s, 1.5 s starts */
	w[1].busy_until_ms = 60000;
	w[2].busy_until_ms = 60000;
	/* nothing starting: one start's time; the idle worker starts one */
	cost = ga_sched_start_cost_ms(w, 4, 0, 1500, 1);
	ck_assert(cost > 1499.9 && cost < 1500.1);
	ck_assert_int_eq(ga_sched_pick(w, 4, 3, j, 1, 0, cost, false), 0);
	/* two starts in flight, one slot: it waits behind both, so the
	 * busy worker that keeps its server is worth waiting for */
	w[1].start_until_ms = w[2].start_until_ms = 1000;
	cost = ga_sched_start_cost_ms(w, 4, 0, 1500, 1);
	ck_assert(cost > 4499.9 && cost < 4500.1);
	ck_assert_int_eq(ga_sched_pick(w, 4, 3, j, 1, 0, cost, false), -1);
	/* two slots: half the wait */
	cost = ga_sched_start_cost_ms(w, 4, 0, 1500, 2);
	ck_assert(cost > 2999.9 && cost < 3000.1);
	/* ended starts, and idle or dead workers, count for nothing */
	cost = ga_sched_start_cost_ms(w, 4, 1000, 1500, 1);
	ck_assert(cost > 1499.9 && cost < 1500.1);
	w[2].busy = false;
	w[1].alive = false;
	cost = ga_sched_start_cost_ms(w, 4, 0, 1500, 1);
	ck_assert(cost > 1499.9 && cost < 1500.1);
}
END_TEST

START_TEST(test_grow_paced_by_starts)
{
	uint64_t kept[3] = { K1, K1, K1 };
	bool busy[3] = { true, true, true };
	struct ga_sched_worker w[3];
	struct ga_sched_job j[1] = { { K1, 0, 100, false, 0, 0 } };

	fleet(w, kept, busy, 3);
	w[0].busy_until_ms = w[1].busy_until_ms = w[2].busy_until_ms = 10000;
	w[0].starting_until_ms = w[1].starting_until_ms = 400;
	/* two of two slots start a server: wait */
	ck_assert(!ga_sched_grow(w, 3, 8, j, 1, 0, 500, 2, NULL));
	/* three slots: one more */
	ck_assert(ga_sched_grow(w, 3, 8, j, 1, 0, 500, 3, NULL));
	/* one of them has started: one more */
	ck_assert(ga_sched_grow(w, 3, 8, j, 1, 450, 500, 2, NULL));
	/* when to look again: the first start to end */
	ck_assert(ga_sched_wake_ms(w, 3, 0) == 400);
	w[2].starting_until_ms = 300;
	ck_assert(ga_sched_wake_ms(w, 3, 0) == 300);
	ck_assert(ga_sched_wake_ms(w, 3, 350) == 400);
	ck_assert(ga_sched_wake_ms(w, 3, 400) == 0);
	w[2].starting_until_ms = 0;
	/* with no slot given, one start at a time */
	w[0].starting_until_ms = 0;
	ck_assert(!ga_sched_grow(w, 3, 8, j, 1, 0, 500, 0, NULL));
	w[1].starting_until_ms = 0;
	ck_assert(ga_sched_grow(w, 3, 8, j, 1, 0, 500, 0, NULL));
}
END_TEST

START_TEST(test_initial)
{
	ck_assert_uint_eq(ga_sched_initial(2, 1, 16), 2);
	ck_assert_uint_eq(ga_sched_initial(2, 2, 8), 1);
	ck_assert_uint_eq(ga_sched_initial(1, 2, 8), 1);
	ck_assert_uint_eq(ga_sched_initial(8, 1, 3), 3);
	ck_assert_uint_eq(ga_sched_initial(4, 0, 8), 4);
}
END_TEST

START_TEST(test_guess)
{
	struct ga_scenario *sc = parse_ok(
		"title t\ncause c\nconnection app\nconnect app\n"
		"sleep 2s\nquery app SELECT 1\n"
		"    expect CR_SERVER_LOST after 3s within 5s\n"
		"    expect [client=x] 2006 after 1s\n"
		"sleep 500ms\n");

	struct ga_server_id x = { .client = "x" }, y = { .client = "y" };
	struct ga_server_id aka = { .client = "y", .client_alias = "x" };

	/* 100 ms, the sleeps, and the largest "after" of a step */
	ck_assert(ga_sched_guess_ms(sc, 1, NULL) == 100.0 + 2000 + 3000 + 500);
	ga_scenario_free(sc);
	sc = parse_ok("title t\ncause c\nconnection app\nconnect app\n");
	ck_assert(ga_sched_guess_ms(sc, 1, NULL) == 100.0);
	ga_scenario_free(sc);
	/* of the lines that may apply to the client: another client's
	 * "after" is not this one's */
	sc = parse_ok(
		"title t\ncause c\nconnection app\nconnect app\n"
		"query app SELECT 1\n"
		"    expect CR_SERVER_LOST after 1s\n"
		"    expect [client=x] 2006 after 10s\n"
		"    expect [mysql] 2006 after 2s\n");
	ck_assert(ga_sched_guess_ms(sc, 1, NULL) == 100.0 + 10000);
	ck_assert(ga_sched_guess_ms(sc, 1, &x) == 100.0 + 10000);
	ck_assert(ga_sched_guess_ms(sc, 1, &aka) == 100.0 + 10000);
	/* a server's line counts: which server is not known yet */
	ck_assert(ga_sched_guess_ms(sc, 1, &y) == 100.0 + 2000);
	ck_assert(ga_sched_guess_total_ms(sc, &y) == 100.0 + 2000);
	ga_scenario_free(sc);
}
END_TEST

/* A worker takes, among the jobs on its kept server, one of the client
 * it ran last first (its driver processes are kept for it); without a
 * kept server, a homeless job of that client before another client's. */
START_TEST(test_pick_prefers_the_last_client)
{
	static const uint64_t kept[1] = { K1 };
	struct ga_sched_worker w[1] = { { .alive = true, .kept = kept, .client = 1 } };
	struct ga_sched_job j[3] = {
		{ K1, 0, 5000, false, 0, 0 },
		{ K1, 0, 100, false, 1, 0 },
		{ K2, 0, 100, false, 1, 0 },
	};

	ck_assert_int_eq(ga_sched_pick(w, 1, 0, j, 3, 0, 500, false), 1);
	w[0].client = 0;
	ck_assert_int_eq(ga_sched_pick(w, 1, 0, j, 3, 0, 500, false), 0);
	/* nothing on its kept server: the homeless one of its client */
	j[0].taken = j[1].taken = true;
	w[0].client = 2;
	ck_assert_int_eq(ga_sched_pick(w, 1, 0, j, 3, 0, 500, false), 2);
}
END_TEST

/* A job that would start driver processes on this worker (a JVM each)
 * goes to a worker that keeps enough of them, when that one is idle or
 * ends soon and is as good a place for its server; a job the worker's
 * own processes cover goes first.  (Each worker that met a case of four
 * connections started four JVMs.) */
START_TEST(test_pick_a_job_where_its_drivers_are_kept)
{
	uint64_t kept[3] = { K1, K1, K1 };
	bool busy[3] = { false, false, true };
	struct ga_sched_worker w[3];
	struct ga_sched_job j[2] = {
		{ K1, 0, 3000, false, 0, 4 },
		{ K1, 0, 1000, false, 0, 1 },
	};

	fleet(w, kept, busy, 3);
	w[1].procs = 4;
	w[2].procs = 2;
	w[2].busy_until_ms = 10000;
	/* worker 1 keeps four: the long job is left to it (and only that
	 * one: the short one would wait behind it) */
	ck_assert_int_eq(ga_sched_pick(w, 3, 0, j, 2, 0, 400, false), 1);
	ck_assert_int_eq(ga_sched_pick(w, 3, 1, j, 2, 0, 400, false), 0);
	/* ... also when it ends within two starts */
	w[1].busy = true;
	w[1].busy_until_ms = 700;
	ck_assert_int_eq(ga_sched_pick(w, 3, 0, j, 2, 0, 400, false), 1);
	/* not when it ends later: then here, the longest first */
	w[1].busy_until_ms = 900;
	ck_assert_int_eq(ga_sched_pick(w, 3, 0, j, 2, 0, 400, false), 0);
	/* never to a worker that does not keep its server, when this one
	 * does: a server start can cost more than a dozen JVMs */
	w[1].busy = false;
	kept[1] = K2;
	ck_assert_int_eq(ga_sched_pick(w, 3, 0, j, 2, 0, 400, false), 0);
	/* ... but when neither keeps it, to the one with the processes */
	kept[0] = K2;
	kept[1] = 0;
	kept[2] = 0;
	ck_assert_int_eq(ga_sched_pick(w, 3, 0, j, 2, 0, 400, false), 1);
	/* processes of another client do not count */
	w[1].client = 1;
	ck_assert_int_eq(ga_sched_pick(w, 3, 0, j, 2, 0, 400, false), 0);
	/* what its own processes cover goes first, the longer job after */
	kept[0] = K1;
	w[0].procs = 2;
	j[0].procs = 5;
	j[1].procs = 2;
	ck_assert_int_eq(ga_sched_pick(w, 3, 0, j, 2, 0, 400, false), 1);
	/* the built-in client's jobs (no processes) go as they did */
	j[0].procs = j[1].procs = 0;
	w[0].procs = w[1].procs = 0;
	ck_assert_int_eq(ga_sched_pick(w, 3, 0, j, 2, 0, 400, false), 0);
}
END_TEST

/* A job a busy worker's kept server matches (it keeps it for 10 s more)
 * goes before a homeless one that is shorter by more than a start while
 * another worker is starting a server: both start one here, and waiting
 * for the busy worker would save a start and end the longer job later.
 * With no start in flight the homeless one goes first, as before: its
 * start costs a core that is idle now and dear at the run's end.  (The
 * suite's 3 to 5 s cases waited 1.5 s behind a dozen 0.1 s ones.) */
START_TEST(test_pick_a_longer_job_before_a_homeless_one)
{
	uint64_t kept[3] = { 0, K1, 0 };
	bool busy[3] = { false, true, true };
	struct ga_sched_worker w[3];
	struct ga_sched_job j[3] = {
		{ K1, 0, 3000, false, 0, 0 },
		{ K2, 0, 100, false, 0, 0 },
		{ K1, 0, 450, false, 0, 0 },
	};

	fleet(w, kept, busy, 3);
	w[1].busy_until_ms = 10000;
	w[2].busy_until_ms = 10000;
	w[2].start_until_ms = 400;      /* worker 2 starts a server */
	ck_assert_int_eq(ga_sched_pick(w, 3, 0, j, 3, 0, 400, true), 0);
	/* longer by less than a start: the homeless one */
	j[0].taken = true;
	ck_assert_int_eq(ga_sched_pick(w, 3, 0, j, 3, 0, 400, true), 1);
	/* no start in flight: the homeless one first */
	j[0].taken = false;
	w[2].start_until_ms = 0;
	ck_assert_int_eq(ga_sched_pick(w, 3, 0, j, 3, 0, 400, true), 1);
	/* nor when the start in flight is this worker's own... */
	w[0].start_until_ms = 400;
	ck_assert_int_eq(ga_sched_pick(w, 3, 0, j, 3, 0, 400, true), 1);
	/* ... or one that has ended */
	w[2].start_until_ms = 300;
	ck_assert_int_eq(ga_sched_pick(w, 3, 0, j, 3, 350, 400, true), 1);
	/* nor when the run says its starts are slow (the machine is
	 * saturated: a JVM a worker, or other load) */
	w[2].start_until_ms = 400;
	ck_assert_int_eq(ga_sched_pick(w, 3, 0, j, 3, 0, 400, false), 1);
	/* and a job of its own kept server goes first all the same */
	w[2].start_until_ms = 400;
	kept[0] = K2;
	j[2].key = K2;
	ck_assert_int_eq(ga_sched_pick(w, 3, 0, j, 3, 0, 400, true), 1);
}
END_TEST

/* A repeated scenario's measured time is shared by its runs as their
 * guesses are: a sweep's last run, the longest, gets the most. */
START_TEST(test_rep_share)
{
	struct ga_scenario *sc = parse_ok(
		"title t\ncause c\nrepeat 4\nconnection app\nconnect app\n"
		"sleep 0ms..3000ms\n");
	double sum = 0.0, total;
	long r;

	/* guesses 100, 1100, 2100, 3100 ms: 6400 in all */
	total = ga_sched_guess_total_ms(sc, NULL);
	ck_assert(total == 6400.0);
	ck_assert(ga_sched_rep_share(sc, 1, total, NULL) == 100.0 / 6400.0);
	ck_assert(ga_sched_rep_share(sc, 4, total, NULL) == 3100.0 / 6400.0);
	for (r = 1; r <= 4; r++)
		sum += ga_sched_rep_share(sc, r, total, NULL);
	ck_assert(sum > 0.999999 && sum < 1.000001);
	ga_scenario_free(sc);
	/* runs alike: each a fifth */
	sc = parse_ok("title t\ncause c\nrepeat 5\nconnection app\n"
		      "connect app\nsleep 1s\n");
	ck_assert(ga_sched_rep_share(sc, 3, ga_sched_guess_total_ms(sc, NULL),
				     NULL) ==
		  0.2);
	/* no total: the runs' equal shares */
	ck_assert(ga_sched_rep_share(sc, 3, 0.0, NULL) == 0.2);
	ga_scenario_free(sc);
	/* not repeated: the whole */
	sc = parse_ok("title t\ncause c\nconnection app\nconnect app\n");
	ck_assert(ga_sched_rep_share(sc, 1, ga_sched_guess_total_ms(sc, NULL),
				     NULL) ==
		  1.0);
	ga_scenario_free(sc);
}
END_TEST

/* A repeated scenario's measured time holds one server start: it is
 * taken out once, not from each run's share. */
START_TEST(test_run_own)
{
	/* netem-reorder: 20 runs and a start in 38.12 s */
	double own = ga_sched_run_own_s(38.12, 400.0, 1.0 / 20);

	ck_assert(own > 0.4 + 37.72 / 20 - 1e-9 && own < 0.4 + 37.72 / 20 + 1e-9);
	/* each run without its start: the run's share of the runs */
	ck_assert(own * 1000.0 - 400.0 > 1885.0);
	/* one run: the whole */
	ck_assert(ga_sched_run_own_s(3.0, 400.0, 1.0) == 3.0);
	/* measured shorter than a start: shared as it is */
	ck_assert(ga_sched_run_own_s(0.2, 400.0, 0.5) == 0.1);
}
END_TEST

Suite *make_schedule_suite(void)
{
	Suite *s = suite_create("schedule");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_pick_matching_first);
	tcase_add_test(tc, test_pick_leaves_others_jobs);
	tcase_add_test(tc, test_pick_waits_for_a_worker_ending_soon);
	tcase_add_test(tc, test_pick_waits_for_a_server_being_started);
	tcase_add_test(tc, test_pick_leaves_a_worker_only_what_it_ends_soon);
	tcase_add_test(tc, test_pick_per_server);
	tcase_add_test(tc, test_pick_never_kept);
	tcase_add_test(tc, test_pick_prefers_the_last_client);
	tcase_add_test(tc, test_pick_a_longer_job_before_a_homeless_one);
	tcase_add_test(tc, test_pick_a_job_where_its_drivers_are_kept);
	tcase_add_test(tc, test_grow);
	tcase_add_test(tc, test_grow_by_room);
	tcase_add_test(tc, test_grow_on_a_busy_machine);
	tcase_add_test(tc, test_grow_paced_by_starts);
	tcase_add_test(tc, test_start_cost_counts_the_starts_in_flight);
	tcase_add_test(tc, test_initial);
	tcase_add_test(tc, test_guess);
	tcase_add_test(tc, test_run_own);
	tcase_add_test(tc, test_rep_share);
	suite_add_tcase(s, tc);
	return s;
}
