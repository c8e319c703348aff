/* fdwatch.c - see fdwatch.h: a thread that notes when a descriptor
 * became readable. */
#include "util/fdwatch.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "util/clock.h"

#define STACK_BYTES (64 * 1024)         /* poll() and the clock */

/* The watcher: poll() until fd or stop is readable; fd first, so that a
 * reply there when it is told to stop still gets its time (the later of
 * the two: never before the bytes came).  A poll() that fails leaves no
 * time: the caller takes its own, which is later. */
static void *watch_main(void *arg)
{
	struct ga_fdwatch *w = arg;
	struct pollfd p[2] = {
		{ .fd = w->fd, .events = POLLIN },
		{ .fd = w->stop, .events = POLLIN },
	};
	int r;

	for (;;) {
		r = poll(p, 2, -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r > 0 && p[0].revents) {
			w->seen_ms = ga_clock_ms();
			break;
		}
		if (r < 0 || p[1].revents)
			break;
	}
	return NULL;
}

/* The thread, SCHED_FIFO where the kernel allows it (see fdwatch.h),
 * else an ordinary one.  Returns pthread_create()'s code. */
static int start_thread(struct ga_fdwatch *w)
{
	struct sched_param sp = { .sched_priority = 1 };
	pthread_attr_t attr;
	int rc = -1;

	if (pthread_attr_init(&attr) != 0)
		return pthread_create(&w->thread, NULL, watch_main, w);
	pthread_attr_setstacksize(&attr, STACK_BYTES);
	if (geteuid() == 0 &&
	    pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED) == 0 &&
	    pthread_attr_setschedpolicy(&attr, SCHED_FIFO) == 0 &&
	    pthread_attr_setschedparam(&attr, &sp) == 0)
		rc = pthread_create(&w->thread, &attr, watch_main, w);
	if (rc != 0) {
		pthread_attr_setinheritsched(&attr, PTHREAD_INHERIT_SCHED);
		rc = pthread_create(&w->thread, &attr, watch_main, w);
	}
	pthread_attr_destroy(&attr);
	return rc;
}

int ga_fdwatch_start(struct ga_fdwatch *w, int fd, struct ga_error *err)
{
	int rc;

	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->stop = eventfd(0, EFD_CLOEXEC);
	if (w->stop < 0) {
		rc = errno;
		memset(w, 0, sizeof(*w));
		return ga_error_errno(err, rc, "eventfd");
	}
	rc = start_thread(w);
	if (rc != 0) {
		close(w->stop);
		memset(w, 0, sizeof(*w));
		return ga_error_errno(err, rc, "pthread_create");
	}
	w->on = true;
	return 0;
}

double ga_fdwatch_end(struct ga_fdwatch *w)
{
	uint64_t one = 1;
	double seen;

	if (!w->on)
		return 0;
	while (write(w->stop, &one, sizeof(one)) < 0 && errno == EINTR)
		;
	pthread_join(w->thread, NULL);
	seen = w->seen_ms;
	close(w->stop);
	memset(w, 0, sizeof(*w));
	return seen;
}
