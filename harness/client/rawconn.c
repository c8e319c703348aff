/* rawconn.c - a bare TCP connection: see client/internal.h */
#include "client/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/clock.h"

static void raw_error(const char *api, int errnum, struct ga_outcome *out)
{
	out->result = GA_RESULT_ERROR;
	out->api = api;
	snprintf(out->message, sizeof(out->message), "%s: %s", api,
		 strerror(errnum));
}

void ga_raw_connect(const char *host, unsigned port, long timeout_ms,
		    int *fd, struct ga_outcome *out)
{
	struct sockaddr_in sa;
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int s, e = 0;

	out->api = "connect";
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		raw_error("inet_pton", EINVAL, out);
		return;
	}
	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0) {
		raw_error("socket", errno, out);
		return;
	}
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (errno != EINPROGRESS) {
			raw_error("connect", errno, out);
			close(s);
			return;
		}
		pfd.fd = s;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, (int)timeout_ms) != 1) {
			raw_error("connect", ETIMEDOUT, out);
			close(s);
			return;
		}
		getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &len);
		if (e) {
			raw_error("connect", e, out);
			close(s);
			return;
		}
	}
	*fd = s;
	out->result = GA_RESULT_OK;
}

void ga_raw_drain(int fd, long timeout_ms, struct ga_outcome *out)
{
	double deadline = ga_clock_ms() + (double)timeout_ms;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	unsigned long total = 0;
	char buf[4096];
	ssize_t n;
	int left;

	out->api = "recv";
	for (;;) {
		left = (int)(deadline - ga_clock_ms());
		if (left <= 0) {
			out->result = GA_RESULT_HANG;
			snprintf(out->message, sizeof(out->message), "still "
				 "open after %lu bytes", total);
			return;
		}
		if (poll(&pfd, 1, left) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n > 0) {
			total += (unsigned long)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			continue;
		break;
	}
	out->result = GA_RESULT_OK;
	out->has_value = true;
	snprintf(out->value, sizeof(out->value), "%s",
		 n == 0 ? "eof" : errno == ECONNRESET ? "reset" : strerror(errno));
	snprintf(out->message, sizeof(out->message), "closed by the server "
		 "after %lu bytes", total);
}
