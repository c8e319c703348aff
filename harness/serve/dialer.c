/* dialer.c - see dialer.h: getaddrinfo and connect() on threads that
 * are the API's owner's. */
#include "serve/dialer.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/clock.h"

struct ga_dialer {
	struct ga_dialer_env env;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct ga_dial *todo, **todo_end;       /* FIFO */
	struct ga_dial *done;
	unsigned threads, idle;
	unsigned refs;                  /* the threads, and the loop's */
	bool stopping;
	int efd;
};

struct ga_dialer *ga_dialer_new(const struct ga_dialer_env *env)
{
	struct ga_dialer *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (d->efd < 0) {
		free(d);
		return NULL;
	}
	d->env = *env;
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	d->todo_end = &d->todo;
	d->refs = 1;
	return d;
}

int ga_dialer_fd(const struct ga_dialer *d)
{
	return d->efd;
}

/* Go's words for an errno ("connection refused"). */
static void go_errno(char *buf, size_t len, const char *pre, int e)
{
	size_t n;

	snprintf(buf, len, "%s%s", pre, strerror(e));
	n = strlen(pre);
	if (n < len && buf[n] >= 'A' && buf[n] <= 'Z')
		buf[n] = (char)(buf[n] - 'A' + 'a');
}

/* One address: a socket of this thread's (the owner's), connected by
 * deadline.  Returns it, or -1 with why set. */
static int dial_one(const struct addrinfo *ai, double deadline, char *why,
		    size_t len)
{
	char text[80], pre[120];
	struct pollfd pfd;
	socklen_t sl = sizeof(int);
	int fd, e = 0, one = 1;
	double left;

	ga_sv_addr_text(ai->ai_addr, text, sizeof(text));
	snprintf(pre, sizeof(pre), "dial tcp %s: connect: ", text);
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		go_errno(why, len, pre, errno);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		e = errno;
		while (e == EINPROGRESS || e == EINTR) {
			left = deadline - ga_clock_ms();
			if (left <= 0) {
				e = ETIMEDOUT;
				break;
			}
			pfd.fd = fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, (int)left + 1) < 0) {
				e = errno;
				continue;
			}
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl) != 0)
				e = errno;
			else if (e == 0 && !(pfd.revents & (POLLOUT | POLLERR |
							   POLLHUP)))
				e = EINPROGRESS;
		}
	}
	if (e) {
		close(fd);
		go_errno(why, len, pre, e);
		return -1;
	}
	return fd;
}

/* dial: its upstream looked up, each address tried in turn. */
static void dial(const struct ga_dialer *d, struct ga_dial *dl)
{
	char host[GA_SV_MAX_NAME + 1], port[16];
	struct addrinfo hints, *res = NULL, *ai;
	double deadline = ga_clock_ms() + GA_DIAL_TIMEOUT_MS;
	int rc;

	dl->fd = -1;
	if (ga_sv_addr_split(dl->upstream, host, sizeof(host), port,
			     sizeof(port))) {
		snprintf(dl->why, sizeof(dl->why), "address %s: not HOST:PORT",
			 dl->upstream);
		return;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(dl->why, sizeof(dl->why), "dial tcp: lookup %s: %s",
			 host, rc == EAI_SYSTEM ? strerror(errno) :
			 gai_strerror(rc));
		return;
	}
	snprintf(dl->why, sizeof(dl->why), "dial tcp: lookup %s: no address",
		 host);
	for (ai = res; ai && dl->fd < 0; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		if (ga_sv_addr_is_api(ai->ai_addr, &d->env.api)) {
			snprintf(dl->why, sizeof(dl->why), "dial tcp: %s is "
				 "goneaway serve's own API: no proxy leads "
				 "there", dl->upstream);
			continue;
		}
		dl->fd = dial_one(ai, deadline, dl->why, sizeof(dl->why));
	}
	freeaddrinfo(res);
}

/* The owner's for good: fsgid, then fsuid (which drops the file
 * capabilities).  Returns 0, or -1 when the kernel did not take them. */
static int become_owner(const struct ga_dialer *d)
{
	setfsgid(d->env.gid);
	setfsuid(d->env.uid);
	/* each returns the value it had: the one just set, when set */
	if ((gid_t)setfsgid(d->env.gid) != d->env.gid ||
	    (uid_t)setfsuid(d->env.uid) != d->env.uid)
		return -1;
	return 0;
}

/* Frees d once nothing holds it; called with d->mu held, which it
 * releases. */
static void unref(struct ga_dialer *d)
{
	struct ga_dial *dl;
	bool last = --d->refs == 0;

	pthread_mutex_unlock(&d->mu);
	if (!last)
		return;
	while ((dl = d->todo) != NULL) {
		d->todo = dl->next;
		free(dl);
	}
	while ((dl = d->done) != NULL) {
		d->done = dl->next;
		if (dl->fd >= 0)
			close(dl->fd);
		free(dl);
	}
	close(d->efd);
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
	free(d);
}

static void finish(struct ga_dialer *d, struct ga_dial *dl)
{
	uint64_t one = 1;

	dl->next = d->done;
	d->done = dl;
	if (write(d->efd, &one, sizeof(one)) < 0) {
		/* the count is full: the loop has events to read anyway */
	}
}

static void *worker(void *arg)
{
	struct ga_dialer *d = arg;
	struct ga_dial *dl;
	bool owner = become_owner(d) == 0;

	pthread_mutex_lock(&d->mu);
	while (!d->stopping) {
		if (!d->todo) {
			d->idle++;
			pthread_cond_wait(&d->cv, &d->mu);
			d->idle--;
			continue;
		}
		dl = d->todo;
		d->todo = dl->next;
		if (!d->todo)
			d->todo_end = &d->todo;
		pthread_mutex_unlock(&d->mu);
		if (owner) {
			dial(d, dl);
		} else {
			dl->fd = -1;
			snprintf(dl->why, sizeof(dl->why), "the dialer could "
				 "not take the API owner's uid %u",
				 (unsigned)d->env.uid);
		}
		pthread_mutex_lock(&d->mu);
		if (d->stopping && dl->fd >= 0) {
			close(dl->fd);
			dl->fd = -1;
		}
		finish(d, dl);
	}
	d->threads--;
	unref(d);
	return NULL;
}

void ga_dialer_submit(struct ga_dialer *d, struct ga_dial *dial)
{
	pthread_attr_t attr;
	pthread_t t;
	int rc = 0;

	pthread_mutex_lock(&d->mu);
	dial->next = NULL;
	*d->todo_end = dial;
	d->todo_end = &dial->next;
	if (d->idle == 0 && d->threads < GA_DIAL_THREADS) {
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		rc = pthread_create(&t, &attr, worker, d);
		pthread_attr_destroy(&attr);
		if (rc == 0) {
			d->threads++;
			d->refs++;
		}
	}
	if (rc && d->threads == 0) {    /* no thread will take it */
		d->todo = NULL;
		d->todo_end = &d->todo;
		dial->fd = -1;
		go_errno(dial->why, sizeof(dial->why), "no thread to dial: ", rc);
		finish(d, dial);
	}
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

struct ga_dial *ga_dialer_take_done(struct ga_dialer *d)
{
	struct ga_dial *dl;
	uint64_t n;

	pthread_mutex_lock(&d->mu);
	dl = d->done;
	if (dl)
		d->done = dl->next;
	else if (read(d->efd, &n, sizeof(n)) < 0) {
		/* nothing to read: it was drained */
	}
	pthread_mutex_unlock(&d->mu);
	return dl;
}

void ga_dialer_free(struct ga_dialer *d)
{
	if (!d)
		return;
	pthread_mutex_lock(&d->mu);
	d->stopping = true;
	pthread_cond_broadcast(&d->cv);
	unref(d);
}
