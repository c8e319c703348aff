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
 * Ownership: ga_capture_start() returns a capture that
 * ga_capture_stop() ends and frees.
 */
#ifndef GA_CAPTURE_H
#define GA_CAPTURE_H

#include "util/error.h"

#define GA_CAPTURE_LIMIT_DEFAULT (16L << 20)    /* bytes of whole packets */
#define GA_CAPTURE_HEADERS 128                  /* bytes kept past it */

struct ga_capture;

struct ga_capture_stats {
	unsigned long packets;          /* written whole or cut */
	unsigned long cut;              /* of those, cut to their headers */
	unsigned long left_out;         /* past twice the limit */
	unsigned long dropped;          /* the kernel could not queue them */
	long bytes;                     /* the file's size */
};

/* Starts capturing on interface ifname of the network namespace
 * netns_fd into path (created; an existing file is an error).  Returns
 * 0 with *out set, or -1 with err set (nothing left behind). */
int ga_capture_start(struct ga_capture **out, int netns_fd,
		     const char *ifname, const char *path, long limit,
		     struct ga_error *err);

/* Takes what is still queued, ends the thread, closes the file and
 * frees cap; st (if not NULL) receives the counts.  Returns 0, or -1
 * with err set when the file could not be written in full.  NULL:
 * nothing. */
int ga_capture_stop(struct ga_capture *cap, struct ga_capture_stats *st,
		    struct ga_error *err);

/* "38 packets, 9 KiB" (and what was cut, left out or dropped). */
void ga_capture_stats_text(const struct ga_capture_stats *st, char *buf,
			   unsigned long len);

#endif
