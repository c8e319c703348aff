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
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lab/netns.h"

#define PCAP_MAGIC_NS 0xa1b23c4dU       /* nanosecond timestamps */
#define PCAP_SNAPLEN 262144U
#define LINKTYPE_ETHERNET 1U
#define PACKET_MAX (256 * 1024)         /* a GSO packet is at most 64 KiB */
#define RCVBUF (4 << 20)

struct ga_capture {
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
		     struct ga_error *err)
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

void ga_capture_stats_text(const struct ga_capture_stats *st, char *buf,
			   unsigned long len)
{
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
		snprintf(buf + n, len - (unsigned long)n, "; %lu dropped by "
			 "the kernel", st->dropped);
}
