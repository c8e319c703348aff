/* rtthread.h - a thread started real-time where the kernel lets it.
 *
 * SCHED_FIFO at the lowest priority (1), where goneaway runs as root and
 * the kernel grants it; else an ordinary thread.  A thread that times
 * what it reads (util/linewatch.c) or releases packets when they are
 * due (faults/netem_user.c) wakes within a millisecond or two on a
 * loaded machine this way, where one of the ordinary class woke up to
 * 100 ms late (load average 35 on 2 cores).  It must sleep but for
 * short work: the kernel keeps 5% of each second for the other classes
 * whatever it does.  Where that is refused (not root; a container whose
 * cgroup has no real-time budget), an ordinary thread.
 */
#ifndef GA_UTIL_RTTHREAD_H
#define GA_UTIL_RTTHREAD_H

#include <pthread.h>
#include <stddef.h>

/* Starts fn(arg) on *t, with a stack of stack bytes (0: the default).
 * Returns pthread_create()'s code (0 on success). */
int ga_rtthread_start(pthread_t *t, void *(*fn)(void *), void *arg,
		      size_t stack);

#endif
