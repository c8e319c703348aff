/* netem_user.c - see netem_user.h: the user-space netem engine. */
#include "faults/netem_user.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <net/if.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "faults/fault.h"
#include "faults/nfqueue.h"
#include "lab/netns.h"

#define READ_BATCH 256          /* packets read before releasing again */
#define IDLE_NS 1000000000ull   /* wake at least once a second */
#define RAW_SNDBUF (8 << 20)    /* bytes: GA_NETEM_LIMIT frames and more */

/* A packet held until it is due. */
struct held {
	uint64_t due_ns;        /* CLOCK_MONOTONIC */
	uint64_t seq;           /* arrival order, for equal due times */
	uint32_t id;
	uint8_t *bytes;         /* owned: a corrupted packet's, or NULL */
	size_t len;
};

struct ga_netem_user {
	struct ga_netem_params p;
	struct ga_netem_rng rng;        /* the thread's alone */
	struct ga_nfq q;                /* owned */
	int raw;                        /* raw socket for copies, or -1 */
	int stop_fd;                    /* eventfd: stop the thread */
	char table[64];
	pthread_t thread;
	bool thread_started;

	struct held *heap;              /* owned, GA_NETEM_LIMIT entries */
	size_t nheld;
	uint64_t seq;

	pthread_mutex_t lock;           /* guards what follows */
	struct ga_netem_stats st;
	bool failed;
	struct ga_error err;            /* the first failure */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ------------------------------------------------------------------ */
/* The heap of held packets, earliest due first (then first arrived) */

static bool before(const struct held *a, const struct held *b)
{
	return a->due_ns < b->due_ns ||
	       (a->due_ns == b->due_ns && a->seq < b->seq);
}

static void swap(struct held *a, struct held *b)
{
	struct held t = *a;

	*a = *b;
	*b = t;
}

static void heap_push(struct ga_netem_user *e, const struct held *h)
{
	size_t i = e->nheld++, up;

	e->heap[i] = *h;
	while (i > 0) {
		up = (i - 1) / 2;
		if (!before(&e->heap[i], &e->heap[up]))
			break;
		swap(&e->heap[i], &e->heap[up]);
		i = up;
	}
}

static struct held heap_pop(struct ga_netem_user *e)
{
	struct held top = e->heap[0];
	size_t i = 0, l, r, m;

	e->heap[0] = e->heap[--e->nheld];
	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < e->nheld && before(&e->heap[l], &e->heap[m]))
			m = l;
		if (r < e->nheld && before(&e->heap[r], &e->heap[m]))
			m = r;
		if (m == i)
			break;
		swap(&e->heap[i], &e->heap[m]);
		i = m;
	}
	return top;
}

/* ------------------------------------------------------------------ */
/* The thread */

static void engine_failed(struct ga_netem_user *e, const struct ga_error *err)
{
	pthread_mutex_lock(&e->lock);
	if (!e->failed) {
		e->failed = true;
		e->err = *err;
	}
	pthread_mutex_unlock(&e->lock);
}

static void count(struct ga_netem_user *e, uint64_t *field)
{
	pthread_mutex_lock(&e->lock);
	(*field)++;
	pthread_mutex_unlock(&e->lock);
}

/* Sends a copy of the packet through the raw socket, marked so that the
 * engine knows it when the queue hands it over in turn.  Returns 0, 1
 * when the socket had no room (nothing sent), or -1. */
static int send_copy(struct ga_netem_user *e, const struct ga_nfq_packet *p,
		     struct ga_error *err)
{
	struct sockaddr_in to;

	if (p->len < 20 || e->raw < 0)
		return ga_error_set(err, "netem (user space): cannot duplicate "
				    "a packet of %zu bytes", p->len);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	memcpy(&to.sin_addr, p->data + 16, 4);
	if (sendto(e->raw, p->data, p->len, 0, (struct sockaddr *)&to,
		   sizeof(to)) == (ssize_t)p->len)
		return 0;
	if (errno == EAGAIN || errno == ENOBUFS)
		return 1;       /* no room: the copy is dropped */
	return ga_error_errno(err, errno, "netem (user space): sending a "
			      "duplicate");
}

/* ga_nfq_read() callback: one packet's fate. */
static int on_packet(void *arg, const struct ga_nfq_packet *p,
		     struct ga_error *err)
{
	struct ga_netem_user *e = arg;
	struct ga_netem_fate f;
	struct held h;
	uint8_t *bytes = NULL;
	unsigned bit;
	int rc;

	count(e, &e->st.packets);
	ga_netem_decide(&e->p, &e->rng, p->mark == GA_NETEM_COPY_MARK, &f);
	if (f.drop) {
		count(e, &e->st.lost);
		return ga_nfq_verdict(&e->q, p->id, false, NULL, 0, err);
	}
	if (f.duplicate) {
		rc = send_copy(e, p, err);
		if (rc < 0)
			return -1;
		count(e, rc == 0 ? &e->st.duplicated : &e->st.overflow);
	}
	if (f.corrupt && p->len > 0) {
		bytes = malloc(p->len);
		if (!bytes)
			return ga_error_set(err, "netem (user space): out of "
					    "memory");
		memcpy(bytes, p->data, p->len);
		ga_netem_corrupt(bytes, p->len, &e->rng, &bit);
		count(e, &e->st.corrupted);
	}
	if (f.at_once) {
		if (e->p.delay_ns || e->p.jitter_ns)
			count(e, &e->st.reordered);
		rc = ga_nfq_verdict(&e->q, p->id, true, bytes, p->len, err);
		free(bytes);
		return rc;
	}
	if (e->nheld >= GA_NETEM_LIMIT) {
		free(bytes);
		count(e, &e->st.overflow);
		return ga_nfq_verdict(&e->q, p->id, false, NULL, 0, err);
	}
	h.due_ns = now_ns() + f.delay_ns;
	h.seq = e->seq++;
	h.id = p->id;
	h.bytes = bytes;
	h.len = p->len;
	heap_push(e, &h);
	pthread_mutex_lock(&e->lock);
	e->st.held = e->nheld;
	pthread_mutex_unlock(&e->lock);
	return 0;
}

/* Sends every held packet that is due.  Returns 0 or -1. */
static int release_due(struct ga_netem_user *e, struct ga_error *err)
{
	struct held h;
	uint64_t now, late;
	int rc;

	while (e->nheld > 0) {
		now = now_ns();
		if (e->heap[0].due_ns > now)
			return 0;
		h = heap_pop(e);
		rc = ga_nfq_verdict(&e->q, h.id, true, h.bytes, h.len, err);
		free(h.bytes);
		if (rc)
			return -1;
		late = (now - h.due_ns) / 1000;
		pthread_mutex_lock(&e->lock);
		e->st.delayed++;
		e->st.held = e->nheld;
		if (late > e->st.late_max_us)
			e->st.late_max_us = late;
		pthread_mutex_unlock(&e->lock);
	}
	return 0;
}

static void *engine_main(void *arg)
{
	struct ga_netem_user *e = arg;
	struct pollfd pf[2];
	struct timespec ts;
	struct ga_error err;
	uint64_t now, wait;
	int n;

	pf[0].fd = ga_nfq_fd(&e->q);
	pf[0].events = POLLIN;
	pf[1].fd = e->stop_fd;
	pf[1].events = POLLIN;
	for (;;) {
		if (release_due(e, &err)) {
			engine_failed(e, &err);
			break;
		}
		wait = IDLE_NS;
		if (e->nheld > 0) {
			now = now_ns();
			wait = e->heap[0].due_ns > now ?
			       e->heap[0].due_ns - now : 0;
			if (wait > IDLE_NS)
				wait = IDLE_NS;
		}
		ts.tv_sec = (time_t)(wait / 1000000000ull);
		ts.tv_nsec = (long)(wait % 1000000000ull);
		n = ppoll(pf, 2, &ts, NULL);
		if (n < 0 && errno != EINTR) {
			ga_error_errno(&err, errno, "netem (user space): ppoll");
			engine_failed(e, &err);
			break;
		}
		if (n > 0 && pf[1].revents)
			break;
		if (n > 0 && pf[0].revents &&
		    ga_nfq_read(&e->q, READ_BATCH, on_packet, e, &err) < 0) {
			engine_failed(e, &err);
			break;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Start and stop */

/* What the job in the namespace makes and reads. */
struct ns_job {
	struct ga_netem_user *e;
	const char *ifname;
	bool want_raw;
	unsigned long kernel_dropped;   /* out, for stop */
};

static int open_raw(int *fd, struct ga_error *err)
{
	unsigned mark = GA_NETEM_COPY_MARK;
	int size = RAW_SNDBUF;

	/* Non-blocking: a copy waits in the queue, charged to this socket,
	 * until the engine's own verdict, so a full buffer must never
	 * block the engine (that copy is dropped instead, as netem drops a
	 * duplicate its full queue refuses); the buffer holds a full queue
	 * of full frames. */
	*fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		     IPPROTO_RAW);
	if (*fd < 0)
		return ga_error_errno(err, errno, "netem (user space): a raw "
				      "socket for duplicates");
	setsockopt(*fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size));
	if (setsockopt(*fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0) {
		ga_error_errno(err, errno, "netem (user space): SO_MARK");
		close(*fd);
		*fd = -1;
		return -1;
	}
	return 0;
}

/* ga_netns_run() work: the queue, the raw socket and the rule, in that
 * order (the rule last: no packet meets a queue nobody reads). */
static int start_in_ns(void *arg, struct ga_error *err)
{
	struct ns_job *job = arg;
	struct ga_netem_user *e = job->e;
	unsigned ifindex;
	int rc;

	ifindex = if_nametoindex(job->ifname);
	if (!ifindex)
		return ga_error_errno(err, errno, "netem (user space): no "
				      "interface %s", job->ifname);
	rc = ga_nfq_open(&e->q, GA_NETEM_QUEUE, GA_NETEM_LIMIT, err);
	if (rc)
		return rc;
	if (job->want_raw && open_raw(&e->raw, err)) {
		ga_nfq_close(&e->q);
		return -1;
	}
	rc = ga_nfq_rule_add(e->table, ifindex, GA_NETEM_QUEUE, err);
	if (rc) {
		ga_nfq_close(&e->q);
		if (e->raw >= 0)
			close(e->raw);
		e->raw = -1;
	}
	return rc;
}

/* ga_netns_run() work: the rule away, the kernel's counters read. */
static int stop_in_ns(void *arg, struct ga_error *err)
{
	struct ns_job *job = arg;
	unsigned long qd = 0, ud = 0;
	struct ga_error ignored;

	if (ga_nfq_rule_delete(job->e->table, err))
		return -1;
	if (ga_nfq_kernel_drops(GA_NETEM_QUEUE, &qd, &ud, &ignored) == 0)
		job->kernel_dropped = qd + ud;
	return 0;
}

static void engine_free(struct ga_netem_user *e)
{
	size_t i;

	for (i = 0; i < e->nheld; i++)
		free(e->heap[i].bytes);
	free(e->heap);
	ga_nfq_close(&e->q);
	if (e->raw >= 0)
		close(e->raw);
	if (e->stop_fd >= 0)
		close(e->stop_fd);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

/* Starts the thread, real-time (SCHED_FIFO, the lowest priority) where
 * goneaway may: kernel netem releases a packet from a timer in the
 * kernel, on time whatever else runs; a thread of the ordinary class
 * on a loaded machine woke up to 100 ms late (load average 35 on 2
 * cores), one of this class within a millisecond or two.  It never runs
 * long: it sleeps in ppoll() but for the packets it handles, and the
 * kernel keeps 5% of each second for the other classes whatever it
 * does.  Where that is refused (not root; a container whose cgroup has
 * no real-time budget), an ordinary thread. */
static int start_thread(struct ga_netem_user *e)
{
	struct sched_param sp = { .sched_priority = 1 };
	pthread_attr_t attr;
	int rc = -1;

	if (pthread_attr_init(&attr) == 0) {
		if (pthread_attr_setinheritsched(&attr,
						 PTHREAD_EXPLICIT_SCHED) == 0 &&
		    pthread_attr_setschedpolicy(&attr, SCHED_FIFO) == 0 &&
		    pthread_attr_setschedparam(&attr, &sp) == 0)
			rc = pthread_create(&e->thread, &attr, engine_main, e);
		pthread_attr_destroy(&attr);
	}
	if (rc != 0)
		rc = pthread_create(&e->thread, NULL, engine_main, e);
	/* named, so that ps and /proc show it whatever its class */
	if (rc == 0)
		pthread_setname_np(e->thread, "ga-netem");
	return rc;
}

int ga_netem_user_start(const struct ga_netem_params *p, int ns_fd,
			const char *ifname, const char *table,
			struct ga_netem_user **out, struct ga_error *err)
{
	struct ns_job job = { .ifname = ifname };
	struct ga_netem_user *e;
	sigset_t all, old;
	uint64_t seed;
	int rc;

	e = calloc(1, sizeof(*e));
	if (!e)
		return ga_error_set(err, "netem (user space): out of memory");
	e->p = *p;
	e->raw = -1;
	e->stop_fd = -1;
	pthread_mutex_init(&e->lock, NULL);
	snprintf(e->table, sizeof(e->table), "%s", table);
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = now_ns() ^ ((uint64_t)getpid() << 32);
	ga_netem_rng_seed(&e->rng, seed);
	e->heap = calloc(GA_NETEM_LIMIT, sizeof(*e->heap));
	e->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!e->heap || e->stop_fd < 0) {
		ga_error_errno(err, e->heap ? errno : ENOMEM,
			       "netem (user space)");
		engine_free(e);
		return -1;
	}
	job.e = e;
	job.want_raw = p->duplicate != 0;
	rc = ga_netns_run(ns_fd, start_in_ns, &job, err);
	if (rc) {
		engine_free(e);
		return rc;
	}
	/* The thread never takes a signal: goneaway reads them from a
	 * signalfd, and a handler must not run on a thread in ppoll(). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = start_thread(e);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		ga_error_errno(err, rc, "netem (user space): starting its "
			       "thread");
		ga_netns_run(ns_fd, stop_in_ns, &job, NULL);
		engine_free(e);
		return -1;
	}
	e->thread_started = true;
	*out = e;
	return 0;
}

void ga_netem_user_stats(struct ga_netem_user *e, struct ga_netem_stats *st)
{
	pthread_mutex_lock(&e->lock);
	*st = e->st;
	pthread_mutex_unlock(&e->lock);
}

int ga_netem_user_stop(struct ga_netem_user *e, int ns_fd,
		       struct ga_netem_stats *st, struct ga_error *err)
{
	struct ns_job job = { .e = e };
	uint64_t one = 1;
	int rc = 0;

	/* A namespace that is gone took its table along; ours lives as
	 * long as the queue's socket does, and goes when it is closed. */
	if (ns_fd >= 0 && fcntl(ns_fd, F_GETFD) >= 0)
		rc = ga_netns_run(ns_fd, stop_in_ns, &job, err);
	if (e->thread_started) {
		if (write(e->stop_fd, &one, sizeof(one)) != sizeof(one))
			rc = ga_error_errno(err, errno, "netem (user space): "
					    "stopping its thread");
		else
			pthread_join(e->thread, NULL);
	}
	pthread_mutex_lock(&e->lock);
	e->st.kernel_dropped = job.kernel_dropped;
	if (st)
		*st = e->st;
	if (rc == 0 && e->failed)
		rc = ga_error_set(err, "the user-space netem engine failed: %s",
				  e->err.msg);
	pthread_mutex_unlock(&e->lock);
	engine_free(e);
	return rc;
}

static void add(char *buf, size_t len, bool *first, const char *what,
		uint64_t n)
{
	size_t used = strlen(buf);

	if (!n || used + 1 >= len)
		return;
	snprintf(buf + used, len - used, "%s%llu %s", *first ? ": " : ", ",
		 (unsigned long long)n, what);
	*first = false;
}

void ga_netem_stats_describe(const struct ga_netem_stats *st, char *buf,
			     size_t len)
{
	bool first = true;
	size_t used;

	if (!len)
		return;
	snprintf(buf, len, "%llu packet%s", (unsigned long long)st->packets,
		 st->packets == 1 ? "" : "s");
	add(buf, len, &first, "lost", st->lost);
	add(buf, len, &first, "duplicated", st->duplicated);
	add(buf, len, &first, "corrupted", st->corrupted);
	add(buf, len, &first, "sent at once (reordered)", st->reordered);
	add(buf, len, &first, "delayed", st->delayed);
	add(buf, len, &first, "held", st->held);
	add(buf, len, &first, "dropped: the queue was full", st->overflow);
	add(buf, len, &first, "dropped by the kernel's queue",
	    st->kernel_dropped);
	used = strlen(buf);
	if (st->delayed && used + 1 < len)
		snprintf(buf + used, len - used, " (the latest %llu.%llu ms "
			 "after its time)",
			 (unsigned long long)(st->late_max_us / 1000),
			 (unsigned long long)(st->late_max_us % 1000 / 100));
}
