/* starts.h - the server starts in flight on this machine, bounded: a
 * counting semaphore of lock files that every goneaway process sharing a
 * cache directory (the -j workers of a run, and other runs, such as the
 * files of make check side by side) takes before it starts a server and
 * gives back once the server is ready (or did not start).
 *
 * A start keeps a core busy for a while (alone on a 2-core VM: MariaDB
 * 60 to 90 ms of CPU in 76 to 104 ms, MySQL 9.7 330 to 340 ms in 336 to
 * 396 ms; on a slower VM MySQL's took 2.5 CPU seconds); eight of them at
 * once on two cores made each take 8 to 10 s and some miss their
 * readiness bound (issue 28).  So the semaphore has GA_STARTS_PER_CORE
 * slots a core, and a start takes its weight of them (at most all):
 * MariaDB's one, MySQL's two (server.c, ga_server_start_weight).  Two
 * a core, not one: in a run of -j the cases beside the starts mostly
 * wait on timeouts, and with one a core the suite's starts queued for
 * up to 3.7 s while the CPU was half idle (the built-in suite at -j 24:
 * 10.5 to 11.1 s wall; two a core: 8.8 to 9.5 s, the same CPU and
 * servers; 15 clients x the suite on MySQL 9.7: 189.5 and 192.1 s
 * against 183.9 s, the same verdicts).
 *
 * The slots are files DIR/starts/slot-N, each held with flock: a process
 * that dies gives its slots back with its descriptors, so nothing is ever
 * left held.  The files stay, like the cache's other lock files.
 *
 * Waiters are served first come, first served: each holds a ticket
 * (DIR/starts/wait-T-W, flocked while it waits) and takes slots only
 * when as many are free as it and every earlier waiter still waiting
 * need together.  When every waiter polled the slots alone, a MySQL
 * start (weight 2) could lose to every MariaDB start, and on a busy
 * machine the cases given first (the suite's longest) waited longest:
 * 120 to 200 s at load 40, where cases given 80 s later waited 20 s.
 * (Only the first ticket trying the slots cost 10 to 14 % of the wall
 * at load 40: each hand-over waited for one process to be scheduled.)
 */
#ifndef GA_SERVER_STARTS_H
#define GA_SERVER_STARTS_H

#include "util/error.h"
#include "util/interrupt.h"

#define GA_STARTS_MAX 64        /* slots at most, whatever the cores */
#define GA_STARTS_PER_CORE 2    /* slots a core */

/* The slots one process holds (fds[0..n) are flocked descriptors). */
struct ga_starts_held {
	int fds[GA_STARTS_MAX];
	unsigned n;
	double waited_ms;       /* how long the take waited for them */
};

/* This machine's online cores (1 to GA_STARTS_MAX). */
unsigned ga_starts_cores(void);

/* The number of slots on this machine: GA_STARTS_PER_CORE a core (at
 * most GA_STARTS_MAX). */
unsigned ga_starts_slots(void);

/* Takes weight of the slots (1 to slots; clamped) under cache_dir,
 * waiting (a bounded poll, never a sleep: at most wait_ms, and an
 * interrupt ends it) until every take that came before it has its
 * slots and that many are free at once.  Returns 0 with
 * held filled, or -1 with err set (held is then empty). */
int ga_starts_take(const char *cache_dir, unsigned slots, unsigned weight,
		   long wait_ms, struct ga_interrupt *in,
		   struct ga_starts_held *held, struct ga_error *err);

/* Gives the slots back (held becomes empty); safe on an empty held. */
void ga_starts_give(struct ga_starts_held *held);

#endif
