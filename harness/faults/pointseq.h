/* pointseq.h - a point's payload count by TCP sequence (the point
 * fault's "data SIZE to-server|from-server", faults/point.c): what a
 * flow has carried one way is its data, the offset of a segment being
 * its sequence number less the one its SYN took (the ISN), so bare
 * ACKs, headers, options and the pace of a peer's ACKs (delayed or
 * quick) count nothing, and a segment sent again counts once.
 *
 * Pure functions on packets as an NFQUEUE hands them (faults/nfqueue.h:
 * IPv4, checksums complete); faults/pointact.c's engine calls them.
 */
#ifndef GA_FAULT_POINTSEQ_H
#define GA_FAULT_POINTSEQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a TCP segment in an IPv4 packet says of itself. */
struct ga_tcp_seg {
	uint32_t src, dst;      /* network order */
	uint16_t sport, dport;  /* host order */
	uint32_t seq, ack;      /* host order */
	uint16_t window;        /* host order, unscaled */
	uint8_t flags;          /* FIN 0x01, SYN 0x02, RST 0x04 ... */
	size_t payload;         /* data bytes */
};

/* Reads packet ip (len bytes) into s.  Returns 0, or -1 when it is not
 * a whole IPv4 TCP segment's header. */
int ga_tcp_seg_parse(const uint8_t *ip, size_t len, struct ga_tcp_seg *s);

/* One flow's data one way. */
struct ga_point_seq {
	bool have_isn;
	uint32_t isn;           /* the SYN's sequence number */
	uint64_t end;           /* the highest data offset + 1 seen */
};

/* Feeds segment s of the flow's direction to q.  Returns true when s
 * carries data and takes the flow's data that way to bytes or beyond:
 * the segment whose data holds the bytes-th byte (counted from 1), or
 * the first past it (a sender that sent it in another shape).  A flow
 * whose SYN was not seen (open before) is counted from the first
 * segment seen.  Offsets past 4GiB are followed by the highest seen. */
bool ga_point_seq_reaches(struct ga_point_seq *q, const struct ga_tcp_seg *s,
			  uint64_t bytes);

/* Sets the DSCP of IPv4 packet ip (len bytes, at least a header) to
 * dscp and its header checksum again; TCP's does not cover it. */
void ga_ip_set_dscp(uint8_t *ip, size_t len, unsigned dscp);

#endif
