/* interrupt.h - SIGINT/SIGTERM/SIGHUP as a file descriptor.
 *
 * main() blocks the signals in every thread and reads them from a
 * signalfd, so there is no signal handler and no global flag: every wait
 * in the harness is a poll() that also watches the signalfd, and the run
 * unwinds through its normal cleanup when a signal arrives.  Child
 * processes get the default signal mask back before exec (spawn.c).
 */
#ifndef GA_INTERRUPT_H
#define GA_INTERRUPT_H

#include <stdbool.h>

#include "util/error.h"

struct ga_interrupt {
	int fd;         /* signalfd, or -1 */
	int signo;      /* the first signal received, 0 while none */
};

/* Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (threads made
 * afterwards inherit the mask) and opens the signalfd.  Call before any
 * thread is created.  Release with ga_interrupt_close(). */
int ga_interrupt_open(struct ga_interrupt *in, struct ga_error *err);
void ga_interrupt_close(struct ga_interrupt *in);

/* True once a signal has arrived (reads pending signals, never blocks).
 * in may be NULL: then never. */
bool ga_interrupted(struct ga_interrupt *in);

/* Waits up to timeout_ms for fd to become readable (fd may be -1: just
 * wait) or for a signal.  Returns 1 if fd is readable, 0 on timeout,
 * -1 if interrupted by a signal.  fd is always looked at once, also
 * with a timeout of 0 (whether a pidfd's process has ended, now). */
int ga_interrupt_wait(struct ga_interrupt *in, int fd, long timeout_ms);

/* The same for a descriptor to read (rfd) and one to write (wfd), either
 * -1.  Returns 1 if rfd is readable (or hung up), 2 if only wfd is
 * writable (or its reader is gone), 0 on timeout, -1 on a signal. */
int ga_interrupt_poll(struct ga_interrupt *in, int rfd, int wfd,
		      long timeout_ms);

#endif
