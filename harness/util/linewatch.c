/* linewatch.c - see linewatch.h: a thread that reads a descriptor until
 * its first newline and notes when it came. */
#include "util/linewatch.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/rtthread.h"

#define STACK_BYTES (64 * 1024)         /* poll(), read() and the clock */

/* One read into the buffer: 1 when the thread is done (a newline, the
 * end, a full buffer or a failed read), 0 to poll again. */
static int read_some(struct ga_linewatch *w)
{
	ssize_t n = read(w->fd, w->buf + w->len, w->cap - w->len);

	if (n > 0) {
		w->len += (size_t)n;
		if (memchr(w->buf + w->len - (size_t)n, '\n', (size_t)n)) {
			w->line_ms = ga_clock_ms();
			return 1;
		}
		return w->len == w->cap;
	}
	if (n == 0) {
		w->eof = true;
		w->line_ms = ga_clock_ms();
		return 1;
	}
	if (errno == EINTR || errno == EAGAIN)
		return 0;
	w->read_errno = errno;
	return 1;
}

/* The watcher: reads what comes until a newline, the end, a full buffer
 * or stop.  fd first, so that a line there when it is told to stop still
 * gets its time (the later one: never before the line came).  A poll()
 * that fails leaves no time: the caller takes its own, which is later. */
static void *watch_main(void *arg)
{
	struct ga_linewatch *w = arg;
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
			if (read_some(w))
				break;
			continue;
		}
		if (r < 0 || p[1].revents)
			break;
	}
	return NULL;
}

int ga_linewatch_start(struct ga_linewatch *w, int fd, char *buf,
		       size_t cap, struct ga_error *err)
{
	int rc;

	memset(w, 0, sizeof(*w));
	if (!cap)
		return ga_error_set(err, "no room to read a reply into");
	w->fd = fd;
	w->buf = buf;
	w->cap = cap;
	w->stop = eventfd(0, EFD_CLOEXEC);
	if (w->stop < 0) {
		rc = errno;
		memset(w, 0, sizeof(*w));
		return ga_error_errno(err, rc, "eventfd");
	}
	/* SCHED_FIFO where the kernel allows it (see linewatch.h) */
	rc = ga_rtthread_start(&w->thread, watch_main, w, STACK_BYTES);
	if (rc != 0) {
		close(w->stop);
		memset(w, 0, sizeof(*w));
		return ga_error_errno(err, rc, "pthread_create");
	}
	w->on = true;
	return 0;
}

void ga_linewatch_end(struct ga_linewatch *w, struct ga_linewatch_got *got)
{
	uint64_t one = 1;

	memset(got, 0, sizeof(*got));
	if (!w->on)
		return;
	while (write(w->stop, &one, sizeof(one)) < 0 && errno == EINTR)
		;
	pthread_join(w->thread, NULL);
	close(w->stop);
	got->len = w->len;
	got->eof = w->eof;
	got->read_errno = w->read_errno;
	got->line_ms = w->line_ms;
	memset(w, 0, sizeof(*w));
}
