/* capture.h - a packet capture of the lab's link, as the client saw it:
 * every packet that crosses the client's end of the veth, both ways,
 * written as it comes to a pcap file (libpcap's format, link type
 * Ethernet, nanosecond timestamps) that tcpdump and Wireshark read.
 *
 * An AF_PACKET socket opened inside the client's namespace (it stays
 * bound to that namespace) and bound to the veth end; a thread of its
 * own reads it, so a step never waits on the capture.  The file is
 * bounded: whole packets until limit bytes are written, then each
 * packet's first GA_CAPTURE_HEADERS bytes (its Ethernet, IP and TCP
 * headers: a FIN or a reset still shows) until twice the limit, then
 * none, counted.
 *
 * Totals bound the captures together (struct ga_capture_totals): the
 * bytes of every capture of a run (all its cases, -j's workers
 * included: the counts live in memory shared across fork), and of each
 * case (the repetitions of one scenario against one combination,
 * named by a key).  A capture that would pass either stops there: it
 * writes no packet more, and its counts say which total stopped it and
 * at what size.
 *
 * Ownership: ga_capture_start() returns a capture that
 * ga_capture_stop() ends and frees.
 */
#ifndef GA_CAPTURE_H
#define GA_CAPTURE_H

#include "util/error.h"

#define GA_CAPTURE_LIMIT_DEFAULT (16L << 20)    /* bytes of whole packets */
#define GA_CAPTURE_HEADERS 128                  /* bytes kept past it */
#define GA_CAPTURE_RUN_TOTAL_DEFAULT (1L << 30)     /* a run's captures */
#define GA_CAPTURE_CASE_TOTAL_DEFAULT (256L << 20)  /* a case's runs */
#define GA_CAPTURE_CASES_MAX 4096       /* cases a run's totals count */

struct ga_capture;
struct ga_capture_totals;               /* capture.c: shared memory */

struct ga_capture_stats {
	unsigned long packets;          /* written whole or cut */
	unsigned long cut;              /* of those, cut to their headers */
	unsigned long left_out;         /* past twice the limit */
	unsigned long dropped;          /* the kernel could not queue them */
	long bytes;                     /* the file's size */
	const char *capped;             /* NULL, or the total that stopped
					 * it ("the run's"; static) */
	long cap;                       /* ... that total, in bytes */
	unsigned long capped_out;       /* packets not written past it */
};

/* Totals for a run: run_cap bytes for every capture together, case_cap
 * for each case's (0: no bound), counted in memory shared with the
 * processes this one forks later.  Returns them (free with
 * ga_capture_totals_free()), or NULL with err set. */
struct ga_capture_totals *ga_capture_totals_new(long run_cap, long case_cap,
						struct ga_error *err);
void ga_capture_totals_free(struct ga_capture_totals *t);

/* A 64-bit key for case (any text naming it: scenario and combination). */
unsigned long long ga_capture_case_key(const char *text);

/* Starts capturing on interface ifname of the network namespace
 * netns_fd into path (created; an existing file is an error), counted
 * in totals (borrowed, NULL: none) under case_key.  Returns 0 with *out
 * set, or -1 with err set (nothing left behind). */
int ga_capture_start(struct ga_capture **out, int netns_fd,
		     const char *ifname, const char *path, long limit,
		     struct ga_capture_totals *totals,
		     unsigned long long case_key, struct ga_error *err);

/* Takes what is still queued, ends the thread, closes the file and
 * frees cap; st (if not NULL) receives the counts.  Returns 0, or -1
 * with err set when the file could not be written in full.  NULL:
 * nothing. */
int ga_capture_stop(struct ga_capture *cap, struct ga_capture_stats *st,
		    struct ga_error *err);

/* "38 packets, 9 KiB" (and what was cut, left out or dropped, and
 * "capture stopped at 1.0 MiB: the case's total of 1 MiB
 * (--capture-case-total)"). */
void ga_capture_stats_text(const struct ga_capture_stats *st, char *buf,
			   unsigned long len);

#endif
