/* pointfin.h - the point fault's FIN ("point fin ... at|after data SIZE
 * to-server|from-server", faults/point.c): the connection closed
 * cleanly toward the client at the point, as a server or a middlebox
 * that closes would.  The client is sent a TCP FIN in the server's name,
 * at the sequence number its stream has reached ("at": where the
 * point's data would begin, so that data never comes; "after": just
 * past it); its read then returns 0 (EOF).  Everything else of the flow
 * is dropped both ways (point.c's cut, which lets FINs through), so
 * the server can say nothing more and hears nothing more.
 *
 * The FIN is a packet of goneaway's own, sent through a raw socket in
 * the namespace of the side that sends the point's packet
 * (faults/pointact.c's engine sees that side's packets leave): the
 * server's for "from-server", the client's for "to-server" (there it
 * goes to the client's own address, through the loopback, its source
 * the server's).
 */
#ifndef GA_FAULT_POINTFIN_H
#define GA_FAULT_POINTFIN_H

#include <stddef.h>
#include <stdint.h>

#include "faults/pointseq.h"
#include "util/error.h"

/* The length of the FIN ga_tcp_fin_build() writes: IPv4 and TCP
 * headers, no options, no data. */
#define GA_TCP_FIN_LEN 40

/* Where the FIN goes and its numbers, from the point's segment g (of
 * length g->payload) and the direction it went: the FIN of the server
 * toward the client, its sequence the server's ("at" a from-server
 * point: g's own, so its data is not sent; "after": past it; at a
 * to-server point: what the client acknowledged of the server, g->ack),
 * and its ACK what the server took of the client. */
struct ga_tcp_fin {
	uint32_t src, dst;      /* network order: the server, the client */
	uint16_t sport, dport;  /* host order */
	uint32_t seq, ack;      /* host order */
	uint16_t window;
};
void ga_tcp_fin_of(const struct ga_tcp_seg *g, int to_server, int after,
		   struct ga_tcp_fin *f);

/* Writes f as an IPv4 packet (FIN and ACK set, checksums made) into buf
 * (at least GA_TCP_FIN_LEN bytes).  Returns GA_TCP_FIN_LEN. */
size_t ga_tcp_fin_build(const struct ga_tcp_fin *f, uint8_t *buf);

/* A raw IPv4 socket in the calling thread's namespace (IPPROTO_RAW: the
 * packet's own header).  Returns the descriptor, or -1 with err set. */
int ga_tcp_fin_socket(struct ga_error *err);

/* Sends f through raw socket fd.  Returns 0, or -1 with err set. */
int ga_tcp_fin_send(int fd, const struct ga_tcp_fin *f, struct ga_error *err);

#endif
