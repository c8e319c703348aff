/* check_capture.c - the lab's link captured (lab/capture.c), as root in
 * a private lab: a packet sent from the client namespace to the server
 * comes out in a pcap file tcpdump reads (its header, its record, its
 * bytes), and past the limit packets are cut to their headers, then
 * left out, counted.  Traffic goes only to the lab's own addresses. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab/capture.h"
#include "lab/lab.h"
#include "lab/netns.h"
#include "suites.h"
#include "util/fsutil.h"

#define PAYLOAD "goneaway-capture-check"

struct send_args {
	size_t size;            /* bytes of UDP payload */
	int count;
};

/* Waits (at most 10 s) for the ICMP port unreachable that answers a
 * datagram sent on connected UDP socket fd. */
static void await_refusal(int fd)
{
	struct pollfd pf = { fd, POLLIN, 0 };
	char b[16];
	int i;

	for (i = 0; i < 100; i++) {
		if (poll(&pf, 1, 100) == 1 && recv(fd, b, sizeof(b),
						   MSG_DONTWAIT) < 0 &&
		    errno == ECONNREFUSED)
			return;
	}
}

/* In the client namespace: count datagrams to the server's discard
 * port (nobody listens: the server's kernel answers with ICMP). */
static int send_udp(void *p, struct ga_error *err)
{
	struct send_args *a = p;
	struct sockaddr_in to;
	char *buf;
	int fd, i;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ga_error_errno(err, errno, "socket");
	buf = calloc(1, a->size + 1);
	memcpy(buf, PAYLOAD, strlen(PAYLOAD));
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(9);
	inet_pton(AF_INET, GA_LAB_SERVER_ADDR, &to.sin_addr);
	/* connected: the server's ICMP answer to the first comes back as
	 * ECONNREFUSED, which says the neighbour is resolved (on a loaded
	 * host that took over 700 ms once), so that the rest leave at once
	 * and are captured as they leave, never queued behind ARP */
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0) {
		free(buf);
		close(fd);
		return ga_error_errno(err, errno, "connect");
	}
	for (i = 0; i < a->count; i++) {
		send(fd, buf, a->size, 0);
		if (i == 0)
			await_refusal(fd);
	}
	free(buf);
	close(fd);
	return 0;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Captures count datagrams of size bytes with limit, counted in totals
 * (NULL: none) under key; the file's bytes. */
static char *capture_in(long limit, size_t size, int count,
			struct ga_capture_totals *totals,
			unsigned long long key, struct ga_capture_stats *st,
			size_t *len)
{
	char dir[] = "/tmp/ga-capture.XXXXXX", path[64], *data = NULL;
	struct send_args sa = { size, count };
	struct ga_capture *cap;
	struct ga_error err;
	struct ga_lab lab;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/c.pcap", dir);
	ck_assert_msg(ga_lab_create(&lab, 0xcafe, &err) == 0, "%s", err.msg);
	ck_assert_msg(ga_capture_start(&cap, lab.client_ns, lab.client_if,
				       path, limit, totals, key, &err) == 0,
		      "%s", err.msg);
	ck_assert_msg(ga_netns_run(lab.client_ns, send_udp, &sa, &err) == 0,
		      "%s", err.msg);
	pause_ms(500);
	ck_assert_msg(ga_capture_stop(cap, st, &err) == 0, "%s", err.msg);
	ga_lab_destroy(&lab);
	ck_assert_int_eq(ga_file_read(path, 64 << 20, &data, len, &err), 0);
	ga_tree_remove(dir, &err);
	return data;
}

static char *capture(long limit, size_t size, int count,
		     struct ga_capture_stats *st, size_t *len)
{
	return capture_in(limit, size, count, NULL, 0, st, len);
}

START_TEST(test_packets)
{
	struct ga_capture_stats st;
	uint32_t h[6], rec[4];
	size_t len, off;
	bool seen = false;
	char *d = capture(1 << 20, 100, 3, &st, &len);

	ck_assert_uint_ge(len, 24);
	memcpy(h, d, 24);
	ck_assert_uint_eq(h[0], 0xa1b23c4dU);   /* pcap, nanoseconds */
	ck_assert_uint_eq(h[5], 1);             /* Ethernet */
	ck_assert_uint_ge(st.packets, 3);       /* ARP, the datagrams */
	ck_assert_int_eq(st.bytes, (long)len);
	for (off = 24; off + 16 <= len; off += 16 + rec[2]) {
		memcpy(rec, d + off, 16);
		ck_assert_uint_le(rec[2], rec[3]);
		ck_assert_uint_le(off + 16 + rec[2], len);
		if (memmem(d + off + 16, rec[2], PAYLOAD, strlen(PAYLOAD)))
			seen = true;
	}
	ck_assert_uint_eq(off, len);            /* whole records, no more */
	ck_assert(seen);
	ck_assert_uint_eq(st.cut, 0);
	free(d);
}
END_TEST

START_TEST(test_limit)
{
	struct ga_capture_stats st;
	char text[200];
	size_t len;
	char *d = capture(2048, 1000, 20, &st, &len);

	ck_assert_uint_gt(st.cut, 0);
	ck_assert_uint_gt(st.left_out, 0);
	ck_assert_uint_le(len, 2 * 2048);
	ga_capture_stats_text(&st, text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, "cut to their headers"));
	ck_assert_ptr_nonnull(strstr(text, "left out past twice the limit"));
	free(d);
}
END_TEST

/* Captures (into *st) until one is stopped by a total, at most five
 * times (a loaded host may lose a burst behind ARP); adds the bytes of
 * packets written to *sum. */
static void capture_until_capped(struct ga_capture_totals *t,
				 unsigned long long key,
				 struct ga_capture_stats *st, long *sum)
{
	size_t len;
	int i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < 5 && !st->capped; i++) {
		free(capture_in(1 << 20, 1000, 40, t, key, st, &len));
		*sum += (long)len - 24;
	}
}

/* A case's total: captures of one case share it; the one that would
 * pass it stops, says so, and their packets together stay within it.
 * Another case counts apart. */
START_TEST(test_case_total)
{
	struct ga_capture_totals *t;
	struct ga_capture_stats a, b, o;
	struct ga_error err;
	char text[400];
	long sum = 0;
	size_t la, lo;

	t = ga_capture_totals_new(0, 12 * 1024, &err);
	ck_assert_msg(t != NULL, "%s", err.msg);
	free(capture_in(1 << 20, 1000, 3, t, ga_capture_case_key("one"), &a,
			&la));
	ck_assert_ptr_null(a.capped);
	sum += (long)la - 24;
	capture_until_capped(t, ga_capture_case_key("one"), &b, &sum);
	ck_assert_msg(b.capped && strcmp(b.capped, "the case's") == 0,
		      "not stopped: %lu packets, %ld bytes", b.packets,
		      b.bytes);
	ck_assert_int_eq(b.cap, 12 * 1024);
	ck_assert_uint_gt(b.capped_out, 0);
	ck_assert_int_le(sum, 12 * 1024);
	ga_capture_stats_text(&b, text, sizeof(text));
	ck_assert_msg(strstr(text, "; capture stopped at ") &&
		      strstr(text, " KiB: the case's total of 12 KiB "
			     "(--capture-case-total) was reached"), "%s", text);
	free(capture_in(1 << 20, 1000, 3, t, ga_capture_case_key("two"), &o,
			&lo));
	ck_assert_ptr_null(o.capped);
	ga_capture_totals_free(t);
}
END_TEST

/* The run's total: counted across a fork (-j's workers), so a capture
 * made after a child's stops where the child left the total. */
START_TEST(test_run_total)
{
	struct ga_capture_totals *t;
	struct ga_capture_stats st;
	struct ga_error err;
	long sum = 0;
	pid_t kid;
	int status;

	t = ga_capture_totals_new(4 * 1024, 0, &err);
	ck_assert_msg(t != NULL, "%s", err.msg);
	kid = fork();
	ck_assert_int_ge(kid, 0);
	if (kid == 0) {
		capture_until_capped(t, 1, &st, &sum);
		_exit(st.capped && strcmp(st.capped, "the run's") == 0 &&
		      sum <= 4 * 1024 ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(kid, &status, 0), kid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* what the child left: less than one datagram */
	capture_until_capped(t, 2, &st, &sum);
	ck_assert_str_eq(st.capped, "the run's");
	ck_assert_uint_gt(st.capped_out, 0);
	ck_assert_int_le(sum, 4 * 1024);
	ga_capture_totals_free(t);
}
END_TEST

Suite *make_capture_suite(struct unit_needs *needs)
{
	Suite *s = suite_create("capture");
	TCase *tc;

	if (unit_needs_root(needs, "capture", "link",
			    "network namespaces, packet sockets")) {
		tc = tcase_create("link");
		tcase_set_timeout(tc, 20);
		tcase_add_test(tc, test_packets);
		tcase_add_test(tc, test_limit);
		tcase_add_test(tc, test_case_total);
		tcase_add_test(tc, test_run_total);
		suite_add_tcase(s, tc);
	}
	return s;
}
