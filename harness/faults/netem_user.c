/* netem_user.c - see netem_user.h: the user-space netem engine. */
#include "faults/netem_user.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "faults/fault.h"
#include "faults/nfq_engine.h"

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
	struct ga_nfq_engine g;         /* its lock guards st too */
	struct ga_netem_params p;
	struct ga_netem_rng rng;        /* the thread's alone */

	struct held *heap;              /* owned, GA_NETEM_LIMIT entries */
	size_t nheld;
	uint64_t seq;

	struct ga_netem_stats st;       /* under g.lock */
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

static void count(struct ga_netem_user *e, uint64_t *field)
{
	pthread_mutex_lock(&e->g.lock);
	(*field)++;
	pthread_mutex_unlock(&e->g.lock);
}

/* Sends a copy of the packet through the raw socket, marked so that the
 * engine knows it when the queue hands it over in turn.  Returns 0, 1
 * when the socket had no room (nothing sent), or -1. */
static int send_copy(struct ga_netem_user *e, const struct ga_nfq_packet *p,
		     struct ga_error *err)
{
	struct sockaddr_in to;

	if (p->len < 20 || e->g.raw < 0)
		return ga_error_set(err, "netem (user space): cannot duplicate "
				    "a packet of %zu bytes", p->len);
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	memcpy(&to.sin_addr, p->data + 16, 4);
	if (sendto(e->g.raw, p->data, p->len, 0, (struct sockaddr *)&to,
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
		return ga_nfq_verdict(&e->g.q, p->id, false, NULL, 0, err);
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
		rc = ga_nfq_verdict(&e->g.q, p->id, true, bytes, p->len, err);
		free(bytes);
		return rc;
	}
	if (e->nheld >= GA_NETEM_LIMIT) {
		free(bytes);
		count(e, &e->st.overflow);
		return ga_nfq_verdict(&e->g.q, p->id, false, NULL, 0, err);
	}
	h.due_ns = now_ns() + f.delay_ns;
	h.seq = e->seq++;
	h.id = p->id;
	h.bytes = bytes;
	h.len = p->len;
	heap_push(e, &h);
	pthread_mutex_lock(&e->g.lock);
	e->st.held = e->nheld;
	pthread_mutex_unlock(&e->g.lock);
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
		rc = ga_nfq_verdict(&e->g.q, h.id, true, h.bytes, h.len, err);
		free(h.bytes);
		if (rc)
			return -1;
		late = (now - h.due_ns) / 1000;
		pthread_mutex_lock(&e->g.lock);
		e->st.delayed++;
		e->st.held = e->nheld;
		if (late > e->st.late_max_us)
			e->st.late_max_us = late;
		pthread_mutex_unlock(&e->g.lock);
	}
	return 0;
}

static void *engine_main(void *arg)
{
	struct ga_netem_user *e = arg;
	struct ga_error err;
	uint64_t now, wait;
	int n;

	for (;;) {
		if (release_due(e, &err)) {
			ga_nfq_engine_fail(&e->g, &err);
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
		n = ga_nfq_engine_wait(&e->g, wait);
		if (n < 0) {
			ga_error_errno(&err, errno, "netem (user space): ppoll");
			ga_nfq_engine_fail(&e->g, &err);
			break;
		}
		if (n == GA_NFQ_WAKE_STOP)
			break;
		if (n == GA_NFQ_WAKE_PACKETS &&
		    ga_nfq_read(&e->g.q, READ_BATCH, on_packet, e, &err) < 0) {
			ga_nfq_engine_fail(&e->g, &err);
			break;
		}
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Start and stop */

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

/* ga_nfq_engine_open() work, between the queue and the rule: the raw
 * socket for duplicates. */
static int raw_in_ns(void *arg, struct ga_error *err)
{
	struct ga_netem_user *e = arg;

	return open_raw(&e->g.raw, err);
}

/* ga_nfq_engine_stop() work, the rule away: the kernel's counters. */
static int drops_in_ns(void *arg, struct ga_error *err)
{
	unsigned long *kernel_dropped = arg, qd = 0, ud = 0;
	struct ga_error ignored;

	(void)err;
	if (ga_nfq_kernel_drops(GA_NETEM_QUEUE, &qd, &ud, &ignored) == 0)
		*kernel_dropped = qd + ud;
	return 0;
}

static void engine_free(struct ga_netem_user *e)
{
	size_t i;

	for (i = 0; i < e->nheld; i++)
		free(e->heap[i].bytes);
	free(e->heap);
	ga_nfq_engine_finish(&e->g);
	free(e);
}

int ga_netem_user_start(const struct ga_netem_params *p, int ns_fd,
			const char *ifname, const char *table,
			struct ga_netem_user **out, struct ga_error *err)
{
	struct ga_netem_user *e;
	uint64_t seed;
	int rc, efd;

	e = calloc(1, sizeof(*e));
	if (!e)
		return ga_error_set(err, "netem (user space): out of memory");
	e->p = *p;
	efd = ga_nfq_engine_init(&e->g, table);
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = now_ns() ^ ((uint64_t)getpid() << 32);
	ga_netem_rng_seed(&e->rng, seed);
	e->heap = calloc(GA_NETEM_LIMIT, sizeof(*e->heap));
	if (!e->heap || efd) {
		ga_error_errno(err, e->heap ? efd : ENOMEM,
			       "netem (user space)");
		engine_free(e);
		return -1;
	}
	rc = ga_nfq_engine_open(&e->g, ns_fd, ifname, GA_NETEM_QUEUE,
				GA_NETEM_LIMIT, "netem (user space)",
				p->duplicate ? raw_in_ns : NULL, e, err);
	if (rc) {
		engine_free(e);
		return rc;
	}
	/* Real-time (util/rtthread.h): kernel netem releases a packet from
	 * a timer in the kernel, on time whatever else runs; this thread
	 * never runs long (it sleeps in ppoll() but for the packets it
	 * handles). */
	if (ga_nfq_engine_start_thread(&e->g, engine_main, e, "ga-netem", true,
				       "netem (user space)", err)) {
		ga_nfq_engine_stop(&e->g, ns_fd, "netem (user space)", NULL,
				   NULL, NULL);
		engine_free(e);
		return -1;
	}
	*out = e;
	return 0;
}

void ga_netem_user_stats(struct ga_netem_user *e, struct ga_netem_stats *st)
{
	pthread_mutex_lock(&e->g.lock);
	*st = e->st;
	pthread_mutex_unlock(&e->g.lock);
}

int ga_netem_user_stop(struct ga_netem_user *e, int ns_fd,
		       struct ga_netem_stats *st, struct ga_error *err)
{
	unsigned long kernel_dropped = 0;
	int rc;

	/* What the thread holds, and what is still queued, is dropped,
	 * as deleting a netem qdisc drops its queue. */
	rc = ga_nfq_engine_stop(&e->g, ns_fd, "netem (user space)",
				drops_in_ns, &kernel_dropped, err);
	pthread_mutex_lock(&e->g.lock);
	e->st.kernel_dropped = kernel_dropped;
	if (st)
		*st = e->st;
	if (rc == 0 && e->g.failed)
		rc = ga_error_set(err, "the user-space netem engine failed: %s",
				  e->g.err.msg);
	pthread_mutex_unlock(&e->g.lock);
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
