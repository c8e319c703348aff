/* nfq_engine.c - see nfq_engine.h: what the NFQUEUE engines share. */
#include "faults/nfq_engine.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <net/if.h>

#include "faults/nft.h"
#include "lab/netns.h"
#include "util/fsutil.h"
#include "util/rtthread.h"

int ga_nfq_engine_init(struct ga_nfq_engine *g, const char *table)
{
	g->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	g->raw = -1;
	g->hold.held = false;
	pthread_mutex_init(&g->lock, NULL);
	snprintf(g->table, sizeof(g->table), "%s", table);
	return g->stop_fd < 0 ? errno : 0;
}

void ga_nfq_engine_finish(struct ga_nfq_engine *g)
{
	ga_nfq_close(&g->q);
	ga_close_fd(&g->stop_fd);
	ga_close_fd(&g->raw);
	pthread_mutex_destroy(&g->lock);
}

/* What a job in the namespace makes or removes. */
struct ns_job {
	struct ga_nfq_engine *g;
	const char *ifname;
	uint16_t queue;
	uint32_t maxlen;
	const char *what;
	int (*also)(void *arg, struct ga_error *err);
	void *arg;
};

/* ga_netns_run() work: the queue, what the engine adds, the rule. */
static int open_in_ns(void *arg, struct ga_error *err)
{
	struct ns_job *job = arg;
	unsigned ifindex = if_nametoindex(job->ifname);
	int rc;

	if (!ifindex)
		return ga_error_errno(err, errno, "%s: no interface %s",
				      job->what, job->ifname);
	rc = ga_nfq_open(&job->g->q, job->queue, job->maxlen, err);
	if (rc)
		return rc;
	if (job->also && job->also(job->arg, err)) {
		ga_nfq_close(&job->g->q);
		return -1;
	}
	rc = ga_nfq_rule_add(job->g->table, ifindex, job->queue, err);
	if (rc)
		ga_nfq_close(&job->g->q);
	return rc;
}

/* ga_netns_run() work: the rule away (nothing more is queued; the
 * chain's hook stays, so what was queued is not dropped), then what the
 * engine adds. */
static int unrule_in_ns(void *arg, struct ga_error *err)
{
	struct ns_job *job = arg;

	if (ga_nfq_rule_flush(job->g->table, err))
		return -1;
	return job->also ? job->also(job->arg, err) : 0;
}

int ga_nfq_engine_open(struct ga_nfq_engine *g, int ns_fd,
		       const char *ifname, uint16_t queue, uint32_t maxlen,
		       const char *what,
		       int (*also)(void *arg, struct ga_error *err),
		       void *arg, struct ga_error *err)
{
	struct ns_job job = { .g = g, .ifname = ifname, .queue = queue,
			      .maxlen = maxlen, .what = what, .also = also,
			      .arg = arg };
	int rc;

	/* held before the rule queues a packet: no table of the
	 * namespace's goes until the queue is read (faults/nft.h) */
	if (ga_nft_hold(ns_fd, &g->hold, err))
		return -1;
	rc = ga_netns_run(ns_fd, open_in_ns, &job, err);
	if (rc)
		ga_nft_release(ns_fd, &g->hold, NULL);
	return rc;
}

int ga_nfq_engine_start_thread(struct ga_nfq_engine *g, void *(*fn)(void *),
			       void *arg, const char *name, bool realtime,
			       const char *what, struct ga_error *err)
{
	sigset_t all, old;
	int rc;

	/* The thread never takes a signal: goneaway reads them from a
	 * signalfd, and a handler must not run on a thread in ppoll(). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = realtime ? ga_rtthread_start(&g->thread, fn, arg, 0) :
	     pthread_create(&g->thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		return ga_error_errno(err, rc, "%s: starting its thread", what);
	/* named, so that ps and /proc show it whatever its class */
	pthread_setname_np(g->thread, name);
	g->thread_started = true;
	return 0;
}

/* Wakes g's thread to stop and waits until it has, when it runs. */
static int stop_thread(struct ga_nfq_engine *g, const char *what,
		       struct ga_error *err)
{
	uint64_t one = 1;

	if (!g->thread_started)
		return 0;
	if (write(g->stop_fd, &one, sizeof(one)) != sizeof(one))
		return ga_error_errno(err, errno, "%s: stopping its thread",
				      what);
	pthread_join(g->thread, NULL);
	g->thread_started = false;
	return 0;
}

int ga_nfq_engine_stop(struct ga_nfq_engine *g, int ns_fd, const char *what,
		       int (*also)(void *arg, struct ga_error *err),
		       void *arg, struct ga_error *err)
{
	struct ns_job job = { .g = g, .also = also, .arg = arg };
	/* a namespace that is gone took its tables along */
	bool live = ns_fd >= 0 && fcntl(ns_fd, F_GETFD) >= 0;
	struct ga_error later;
	int rc = 0;

	if (live)
		rc = ga_netns_run(ns_fd, unrule_in_ns, &job, err);
	if (stop_thread(g, what, rc ? &later : err) && rc == 0)
		rc = -1;
	/* the queue read, the namespace's tables may go: those retired
	 * while it was held (when it was the last to hold it), then its
	 * own, unless another engine there still holds it */
	if (ga_nft_release(ns_fd, &g->hold, rc ? &later : err) && rc == 0)
		rc = -1;
	if (live && ga_nft_drop_table_in(ns_fd, "ip", g->table,
					 rc ? &later : err) && rc == 0)
		rc = -1;
	return rc;
}

int ga_nfq_engine_wait(struct ga_nfq_engine *g, uint64_t timeout_ns)
{
	struct pollfd pf[2];
	struct timespec ts;
	int n;

	pf[0].fd = ga_nfq_fd(&g->q);
	pf[0].events = POLLIN;
	pf[1].fd = g->stop_fd;
	pf[1].events = POLLIN;
	ts.tv_sec = (time_t)(timeout_ns / 1000000000ull);
	ts.tv_nsec = (long)(timeout_ns % 1000000000ull);
	n = ppoll(pf, 2, &ts, NULL);
	if (n < 0)
		return errno == EINTR ? GA_NFQ_WAKE_NONE : -1;
	if (n > 0 && pf[1].revents)
		return GA_NFQ_WAKE_STOP;
	if (n > 0 && pf[0].revents)
		return GA_NFQ_WAKE_PACKETS;
	return GA_NFQ_WAKE_NONE;
}

void ga_nfq_engine_fail(struct ga_nfq_engine *g, const struct ga_error *err)
{
	pthread_mutex_lock(&g->lock);
	if (!g->failed) {
		g->failed = true;
		g->err = *err;
	}
	pthread_mutex_unlock(&g->lock);
}
