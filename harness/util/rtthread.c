/* rtthread.c - see rtthread.h: a thread started real-time where the
 * kernel lets it. */
#include "util/rtthread.h"

#include <sched.h>
#include <unistd.h>

int ga_rtthread_start(pthread_t *t, void *(*fn)(void *), void *arg,
		      size_t stack)
{
	struct sched_param sp = { .sched_priority = 1 };
	pthread_attr_t attr;
	int rc = -1;

	if (pthread_attr_init(&attr) != 0)
		return pthread_create(t, NULL, fn, arg);
	if (stack)
		pthread_attr_setstacksize(&attr, stack);
	if (geteuid() == 0 &&
	    pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED) == 0 &&
	    pthread_attr_setschedpolicy(&attr, SCHED_FIFO) == 0 &&
	    pthread_attr_setschedparam(&attr, &sp) == 0)
		rc = pthread_create(t, &attr, fn, arg);
	if (rc != 0) {
		pthread_attr_setinheritsched(&attr, PTHREAD_INHERIT_SCHED);
		rc = pthread_create(t, &attr, fn, arg);
	}
	pthread_attr_destroy(&attr);
	return rc;
}
