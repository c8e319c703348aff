/* capture.c - see capture.h */
#include "lab/capture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lab/netns.h"

#define PCAP_MAGIC_NS 0xa1b23c4dU       /* nanosecond timestamps */
#define PCAP_SNAPLEN 262144U
#define LINKTYPE_ETHERNET 1U
#define PACKET_MAX (256 * 1024)         /* a GSO packet is at most 64 KiB */
#define RCVBUF (4 << 20)

/* In a MAP_SHARED mapping: forked workers count in the same place. */
struct ga_capture_totals {
	long run_cap, case_cap;                 /* 0: none */
	atomic_long run_used;
	struct {
		atomic_ullong key;              /* 0: a free slot */
		atomic_long used;
	} cases[GA_CAPTURE_CASES_MAX];
};

struct ga_capture {
	struct ga_capture_totals *totals;       /* borrowed, NULL: none */
	atomic_long *case_used;                 /* its slot's, NULL: none */
	int sock;
	int stop;                       /* eventfd: the thread ends */
	FILE *out;
	long limit;
	pthread_t thread;
	unsigned char *buf;             /* PACKET_MAX bytes */
	struct ga_capture_stats st;
	int werr;                       /* errno of a failed write, 0 */
};

struct pcap_file_header {
	uint32_t magic;
	uint16_t major, minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_rec_header {
	uint32_t sec, nsec, incl, orig;
};

struct open_args {
	const char *ifname;
	int sock;
};

/* In the namespace: a packet socket bound to ifname.  It is made with
 * protocol 0 (it takes nothing) and bound with ETH_P_ALL, so no packet
 * of another interface is ever queued on it. */
static int open_in_ns(void *p, struct ga_error *err)
{
	struct open_args *a = p;
	struct sockaddr_ll sll;
	unsigned idx;
	int fd, one = 1, size = RCVBUF;

	idx = if_nametoindex(a->ifname);
	if (!idx)
		return ga_error_errno(err, errno, "capture: no interface %s",
				      a->ifname);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ga_error_errno(err, errno, "capture: packet socket");
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)idx;
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one,
		       sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0) {
		ga_error_errno(err, errno, "capture: bind to %s", a->ifname);
		close(fd);
		return -1;
	}
	/* a larger queue for a burst (a 2 MiB statement); not fatal */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	a->sock = fd;
	return 0;
}

struct ga_capture_totals *ga_capture_totals_new(long run_cap, long case_cap,
						struct ga_error *err)
{
	struct ga_capture_totals *t;

	t = mmap(NULL, sizeof(*t), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED) {
		ga_error_errno(err, errno, "capture: shared memory for the "
			       "totals");
		return NULL;
	}
	/* a fresh anonymous mapping is zeroes: every slot free */
	t->run_cap = run_cap > 0 ? run_cap : 0;
	t->case_cap = case_cap > 0 ? case_cap : 0;
	return t;
}

void ga_capture_totals_free(struct ga_capture_totals *t)
{
	if (t)
		munmap(t, sizeof(*t));
}

unsigned long long ga_capture_case_key(const char *text)
{
	unsigned long long h = 1469598103934665603ULL;  /* FNV-1a */

	for (; *text; text++)
		h = (h ^ (unsigned char)*text) * 1099511628211ULL;
	return h ? h : 1;
}

/* The slot counting key's bytes (claimed when new), or NULL when every
 * slot is another case's. */
static atomic_long *case_slot(struct ga_capture_totals *t,
			      unsigned long long key)
{
	unsigned long long seen;
	size_t i, at;

	for (i = 0; i < GA_CAPTURE_CASES_MAX; i++) {
		at = (size_t)((key + i) % GA_CAPTURE_CASES_MAX);
		seen = 0;
		if (atomic_compare_exchange_strong(&t->cases[at].key, &seen,
						   key) || seen == key)
			return &t->cases[at].used;
	}
	return NULL;
}

/* Takes need bytes from used, within cap.  Returns false (nothing
 * taken) when they would pass it. */
static bool take(atomic_long *used, long cap, long need)
{
	if (atomic_fetch_add(used, need) + need <= cap)
		return true;
	atomic_fetch_sub(used, need);
	return false;
}

/* Whether need more bytes fit the totals (taken from them if so); the
 * first time they do not, the capture stops for good, the total named. */
static bool within_totals(struct ga_capture *c, long need)
{
	struct ga_capture_totals *t = c->totals;

	if (c->st.capped)
		return false;
	if (!t)
		return true;
	if (t->run_cap && !take(&t->run_used, t->run_cap, need)) {
		c->st.capped = "the run's";
		c->st.cap = t->run_cap;
		return false;
	}
	if (t->case_cap && (!c->case_used ||
			    !take(c->case_used, t->case_cap, need))) {
		if (t->run_cap)
			atomic_fetch_sub(&t->run_used, need);
		c->st.capped = "the case's";
		c->st.cap = t->case_cap;
		return false;
	}
	return true;
}

static void put(struct ga_capture *c, const void *p, size_t n)
{
	if (!c->werr && fwrite(p, 1, n, c->out) != n)
		c->werr = errno ? errno : EIO;
}

/* One packet of len bytes (orig on the wire) at ts, within the bounds:
 * whole while it fits below the limit, else its headers while they fit
 * below twice the limit, else left out. */
static void write_packet(struct ga_capture *c, const struct timespec *ts,
			 size_t len, size_t orig)
{
	struct pcap_rec_header h;
	bool cut = false;

	if (c->st.bytes + (long)(sizeof(h) + len) > c->limit &&
	    len > GA_CAPTURE_HEADERS) {
		len = GA_CAPTURE_HEADERS;
		cut = true;
	}
	if (c->st.bytes + (long)(sizeof(h) + len) > 2 * c->limit) {
		c->st.left_out++;
		return;
	}
	if (!within_totals(c, (long)(sizeof(h) + len))) {
		c->st.capped_out++;
		return;
	}
	c->st.cut += cut;
	h.sec = (uint32_t)ts->tv_sec;
	h.nsec = (uint32_t)ts->tv_nsec;
	h.incl = (uint32_t)len;
	h.orig = (uint32_t)orig;
	put(c, &h, sizeof(h));
	put(c, c->buf, len);
	c->st.bytes += (long)(sizeof(h) + len);
	c->st.packets++;
}

/* Reads what is queued; returns when nothing is. */
static void drain(struct ga_capture *c)
{
	char cbuf[CMSG_SPACE(sizeof(struct timespec))];
	struct iovec iov = { c->buf, PACKET_MAX };
	struct msghdr mh;
	struct cmsghdr *cm;
	struct timespec ts;
	ssize_t n;

	for (;;) {
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		n = recvmsg(c->sock, &mh, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		clock_gettime(CLOCK_REALTIME, &ts);
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_TIMESTAMPNS)
				memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
		write_packet(c, &ts, (size_t)n < PACKET_MAX ? (size_t)n :
			     PACKET_MAX, (size_t)n);
	}
}

static void *capture_thread(void *p)
{
	struct ga_capture *c = p;
	struct pollfd pfd[2] = { { c->sock, POLLIN, 0 }, { c->stop, POLLIN, 0 } };

	for (;;) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		drain(c);
		if (pfd[1].revents)
			break;
	}
	drain(c);
	return NULL;
}

static void capture_free(struct ga_capture *c)
{
	if (c->sock >= 0)
		close(c->sock);
	if (c->stop >= 0)
		close(c->stop);
	if (c->out)
		fclose(c->out);
	free(c->buf);
	free(c);
}

int ga_capture_start(struct ga_capture **out, int netns_fd,
		     const char *ifname, const char *path, long limit,
		     struct ga_capture_totals *totals,
		     unsigned long long case_key, struct ga_error *err)
{
	struct pcap_file_header fh = { PCAP_MAGIC_NS, 2, 4, 0, 0, PCAP_SNAPLEN,
				       LINKTYPE_ETHERNET };
	struct open_args oa = { ifname, -1 };
	struct ga_capture *c;
	int fd, rc;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return ga_error_set(err, "capture: out of memory");
	c->sock = c->stop = -1;
	c->limit = limit;
	c->totals = totals;
	if (totals && totals->case_cap)
		c->case_used = case_slot(totals, case_key ? case_key : 1);
	c->buf = malloc(PACKET_MAX);
	if (!c->buf) {
		capture_free(c);
		return ga_error_set(err, "capture: out of memory");
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0 || !(c->out = fdopen(fd, "w"))) {
		ga_error_errno(err, errno, "capture: create %s", path);
		if (fd >= 0)
			close(fd);
		capture_free(c);
		return -1;
	}
	put(c, &fh, sizeof(fh));
	c->st.bytes = (long)sizeof(fh);
	if (ga_netns_run(netns_fd, open_in_ns, &oa, err)) {
		capture_free(c);
		return -1;
	}
	c->sock = oa.sock;
	c->stop = eventfd(0, EFD_CLOEXEC);
	if (c->stop < 0) {
		ga_error_errno(err, errno, "capture: eventfd");
		capture_free(c);
		return -1;
	}
	rc = pthread_create(&c->thread, NULL, capture_thread, c);
	if (rc) {
		ga_error_errno(err, rc, "capture: pthread_create");
		capture_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

int ga_capture_stop(struct ga_capture *c, struct ga_capture_stats *st,
		    struct ga_error *err)
{
	struct tpacket_stats ks;
	socklen_t klen = sizeof(ks);
	uint64_t one = 1;
	int rc = 0;

	if (!c)
		return 0;
	if (write(c->stop, &one, sizeof(one)) != sizeof(one))
		rc = ga_error_errno(err, errno, "capture: stopping");
	else
		pthread_join(c->thread, NULL);
	if (getsockopt(c->sock, SOL_PACKET, PACKET_STATISTICS, &ks,
		       &klen) == 0)
		c->st.dropped = ks.tp_drops;
	if (fflush(c->out) != 0 && !c->werr)
		c->werr = errno ? errno : EIO;
	if (c->werr && rc == 0)
		rc = ga_error_errno(err, c->werr, "capture: write");
	if (st)
		*st = c->st;
	capture_free(c);
	return rc;
}

/* "3.5 MiB", or "12 KiB" below a MiB. */
static void size_text(long bytes, char *buf, size_t len)
{
	if (bytes >= 1L << 20)
		snprintf(buf, len, "%.1f MiB", (double)bytes / (1 << 20));
	else
		snprintf(buf, len, "%ld KiB", (bytes + 1023) / 1024);
}

void ga_capture_stats_text(const struct ga_capture_stats *st, char *buf,
			   unsigned long len)
{
	char at[32], cap[32];
	int n;

	n = snprintf(buf, len, "%lu packet%s, %ld KiB", st->packets,
		     st->packets == 1 ? "" : "s", (st->bytes + 1023) / 1024);
	if (n < 0 || (unsigned long)n >= len)
		return;
	if (st->cut)
		n += snprintf(buf + n, len - (unsigned long)n, "; %lu cut to "
			      "their headers past the limit", st->cut);
	if (n >= 0 && (unsigned long)n < len && st->left_out)
		n += snprintf(buf + n, len - (unsigned long)n, "; %lu left "
			      "out past twice the limit", st->left_out);
	if (n >= 0 && (unsigned long)n < len && st->dropped)
		n += snprintf(buf + n, len - (unsigned long)n, "; %lu dropped "
			      "by the kernel", st->dropped);
	if (n >= 0 && (unsigned long)n < len && st->capped) {
		size_text(st->bytes, at, sizeof(at));
		size_text(st->cap, cap, sizeof(cap));
		snprintf(buf + n, len - (unsigned long)n, "; capture stopped "
			 "at %s: %s total of %s (--capture-%s) was reached, "
			 "%lu packet%s not written", at, st->capped, cap,
			 strcmp(st->capped, "the run's") == 0 ? "total" :
			 "case-total", st->capped_out,
			 st->capped_out == 1 ? "" : "s");
	}
}
