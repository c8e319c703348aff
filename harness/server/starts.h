/* starts.h - the server starts in flight on this machine, bounded: a
 * counting semaphore of lock files that every goneaway process sharing a
 * cache directory (the -j workers of a run, and other runs, such as the
 * files of make check side by side) takes before it starts a server and
 * gives back once the server is ready (or did not start).
 *
 * A start keeps some cores busy for a while (MariaDB about one for 0.3 s,
 * MySQL 9.7 about two for 1.5 s: 2.5 CPU seconds); eight of them at once
 * on two cores made each take 8 to 10 s and some miss their readiness
 * bound (issue 28).  So the semaphore has as many slots as the machine
 * has cores, and a start takes as many slots as the cores it keeps busy
 * (its weight; at most all of them).
 *
 * The slots are files DIR/starts/slot-N, each held with flock: a process
 * that dies gives its slots back with its descriptors, so nothing is ever
 * left held.  The files stay, like the cache's other lock files.
 */
#ifndef GA_SERVER_STARTS_H
#define GA_SERVER_STARTS_H

#include "util/error.h"
#include "util/interrupt.h"

#define GA_STARTS_MAX 64        /* slots at most, whatever the cores */

/* The slots one process holds (fds[0..n) are flocked descriptors). */
struct ga_starts_held {
	int fds[GA_STARTS_MAX];
	unsigned n;
	double waited_ms;       /* how long the take waited for them */
};

/* The number of slots on this machine: its online cores (1 or more). */
unsigned ga_starts_slots(void);

/* Takes weight of the slots (1 to slots; clamped) under cache_dir,
 * waiting (a bounded poll, never a sleep: at most wait_ms, and an
 * interrupt ends it) until that many are free at once.  Returns 0 with
 * held filled, or -1 with err set (held is then empty). */
int ga_starts_take(const char *cache_dir, unsigned slots, unsigned weight,
		   long wait_ms, struct ga_interrupt *in,
		   struct ga_starts_held *held, struct ga_error *err);

/* Gives the slots back (held becomes empty); safe on an empty held. */
void ga_starts_give(struct ga_starts_held *held);

#endif
