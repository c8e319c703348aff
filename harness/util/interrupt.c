/* interrupt.c - see interrupt.h */
#include "util/interrupt.h"

#include <errno.h>
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "util/clock.h"

static void interrupt_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

int ga_interrupt_open(struct ga_interrupt *in, struct ga_error *err)
{
	sigset_t set;

	in->fd = -1;
	in->signo = 0;
	interrupt_sigset(&set);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return ga_error_set(err, "blocking signals failed");
	in->fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (in->fd < 0)
		return ga_error_errno(err, errno, "signalfd");
	return 0;
}

void ga_interrupt_close(struct ga_interrupt *in)
{
	if (in->fd >= 0)
		close(in->fd);
	in->fd = -1;
}

bool ga_interrupted(struct ga_interrupt *in)
{
	struct signalfd_siginfo si;

	if (!in || in->fd < 0)
		return false;
	while (read(in->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (!in->signo)
			in->signo = (int)si.ssi_signo;
	}
	return in->signo != 0;
}

int ga_interrupt_poll(struct ga_interrupt *in, int rfd, int wfd,
		      long timeout_ms)
{
	double deadline = ga_clock_ms() + (double)timeout_ms;
	struct pollfd pfd[3];
	int n, left, r = -1, w = -1;
	bool looked = false;

	for (;;) {
		if (ga_interrupted(in))
			return -1;
		left = (int)(deadline - ga_clock_ms() + 0.999);
		if (left <= 0 && looked)
			return 0;
		if (left < 0)
			left = 0;       /* the one look, not waiting */
		looked = true;
		n = 0;
		if (rfd >= 0) {
			r = n;
			pfd[n].fd = rfd;
			pfd[n].events = POLLIN;
			pfd[n++].revents = 0;
		}
		if (wfd >= 0) {
			w = n;
			pfd[n].fd = wfd;
			pfd[n].events = POLLOUT;
			pfd[n++].revents = 0;
		}
		if (in && in->fd >= 0) {
			pfd[n].fd = in->fd;
			pfd[n].events = POLLIN;
			pfd[n++].revents = 0;
		}
		if (poll(pfd, (nfds_t)n, left) < 0 && errno != EINTR)
			return 0;
		if (r >= 0 && (pfd[r].revents & (POLLIN | POLLHUP | POLLERR)))
			return 1;
		if (w >= 0 && (pfd[w].revents & (POLLOUT | POLLHUP | POLLERR)))
			return 2;
	}
}

int ga_interrupt_wait(struct ga_interrupt *in, int fd, long timeout_ms)
{
	return ga_interrupt_poll(in, fd, -1, timeout_ms);
}
