/* linewatch.h - when a line came on a descriptor, read by a thread of its
 * own while the caller does other things.
 *
 * A driver process's reply to a "send" may come while goneaway runs
 * other steps (a sleep, a KILL, a server restart) and reads nothing: the
 * watch reads the driver's output as it comes and notes when the first
 * newline came, the end of the reply's line, so that the "reap" times
 * the call to then, not to the reap (client/process_calls.c).  The
 * newline, not the first byte: a driver that wrote part of its line
 * early would otherwise make its call look shorter than it was.
 *
 * The time is never before the newline was there (the thread reads the
 * clock after the read() that returned it), and late only by the
 * thread's wake-up: it runs SCHED_FIFO (as the netem engine, where the
 * kernel lets it: root), so a busy machine's other processes do not
 * delay it; elsewhere it is an ordinary thread, as late as the scheduler
 * makes it.  The thread only polls, reads into the buffer it was lent
 * and reads the clock: it takes no lock and allocates nothing, so a fork
 * meanwhile copies nothing it holds.
 */
#ifndef GA_LINEWATCH_H
#define GA_LINEWATCH_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* All zero: no watch.  Every member is the thread's until the watch
 * ends. */
struct ga_linewatch {
	bool on;                /* a thread is watching */
	int fd;                 /* what it reads: borrowed, to stay open
				 * until ga_linewatch_end() */
	int stop;               /* an eventfd that ends it: owned */
	pthread_t thread;
	char *buf;              /* borrowed: where it reads to */
	size_t len, cap;        /* it stops reading at cap */
	bool eof;               /* it read the end of fd */
	int read_errno;         /* a read() that failed (it stopped), 0 */
	double line_ms;         /* ga_clock_ms() after the read of the
				 * first newline, or of the end; 0: none */
};

/* Starts reading fd (non-blocking) into buf, at most cap bytes (w must
 * hold no watch): the caller leaves buf alone until the watch ends.
 * Returns 0, or -1 with err set (no watch: w stays all zero). */
int ga_linewatch_start(struct ga_linewatch *w, int fd, char *buf,
		       size_t cap, struct ga_error *err);

/* What a watch read, once it ended. */
struct ga_linewatch_got {
	size_t len;             /* the bytes it read into buf */
	bool eof;               /* the end of fd came after them */
	int read_errno;         /* a read failed after them, 0 */
	double line_ms;         /* when their first newline (or the end)
				 * came, a ga_clock_ms() time; 0: none */
};

/* Ends w's watch, waiting for its thread (at once: it is told to stop),
 * and says what it read in *got (all zero for no watch).  w is all zero
 * after. */
void ga_linewatch_end(struct ga_linewatch *w, struct ga_linewatch_got *got);

#endif
