/* fdwatch.h - when a descriptor became readable, noted by a thread of its
 * own while the caller does other things.
 *
 * A driver process's reply to a "send" may come while goneaway runs
 * other steps (a sleep, a KILL, a server restart) and reads nothing: the
 * watch notes the moment its output became readable, so that the "reap"
 * times the call to then, not to the reap (client/process.c).
 *
 * The time is never before the first byte was there (the thread reads
 * the clock once poll() has returned), and late only by the thread's
 * wake-up: it runs SCHED_FIFO (as the netem engine, where the kernel
 * lets it: root), so a busy machine's other processes do not delay it;
 * elsewhere it is an ordinary thread, as late as the scheduler makes
 * it.  The thread only polls and reads the clock: it takes no lock and
 * allocates nothing, so a fork meanwhile copies nothing it holds.
 */
#ifndef GA_FDWATCH_H
#define GA_FDWATCH_H

#include <pthread.h>
#include <stdbool.h>

#include "util/error.h"

/* All zero: no watch. */
struct ga_fdwatch {
	bool on;                /* a thread is watching */
	int fd;                 /* what it watches: borrowed, to stay open
				 * until ga_fdwatch_end() */
	int stop;               /* an eventfd that ends it: owned */
	pthread_t thread;
	double seen_ms;         /* ga_clock_ms() when fd was first seen
				 * readable (or hung up), 0: not yet; the
				 * thread's until it is joined */
};

/* Starts watching fd (w must hold no watch).  Returns 0, or -1 with err
 * set (no watch: w stays all zero). */
int ga_fdwatch_start(struct ga_fdwatch *w, int fd, struct ga_error *err);

/* Ends w's watch, waiting for its thread (at once: it is told to stop),
 * and returns when fd was first seen readable (a ga_clock_ms() time),
 * or 0: not seen (or no watch).  w is all zero after: ending it again
 * returns 0. */
double ga_fdwatch_end(struct ga_fdwatch *w);

#endif
