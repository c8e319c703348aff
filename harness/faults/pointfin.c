/* pointfin.c - see pointfin.h: a FIN in the server's name. */
#include "faults/pointfin.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void ga_tcp_fin_of(const struct ga_tcp_seg *g, int to_server, int after,
		   struct ga_tcp_fin *f)
{
	memset(f, 0, sizeof(*f));
	f->window = g->window ? g->window : 512;
	if (to_server) {
		f->src = g->dst;
		f->dst = g->src;
		f->sport = g->dport;
		f->dport = g->sport;
		f->seq = g->ack;
		f->ack = g->seq + (after ? (uint32_t)g->payload : 0);
		f->window = 512;        /* the server's is not seen here */
		return;
	}
	f->src = g->src;
	f->dst = g->dst;
	f->sport = g->sport;
	f->dport = g->dport;
	f->seq = g->seq + (after ? (uint32_t)g->payload : 0);
	f->ack = g->ack;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint16_t fold(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t ga_tcp_fin_build(const struct ga_tcp_fin *f, uint8_t *buf)
{
	uint8_t *tcp = buf + 20;
	uint32_t pseudo = 0;

	memset(buf, 0, GA_TCP_FIN_LEN);
	buf[0] = 0x45;
	put16(buf + 2, GA_TCP_FIN_LEN);
	buf[6] = 0x40;                          /* DF */
	buf[8] = 64;                            /* TTL */
	buf[9] = IPPROTO_TCP;
	memcpy(buf + 12, &f->src, 4);
	memcpy(buf + 16, &f->dst, 4);
	put16(buf + 10, fold(0, buf, 20));
	put16(tcp, f->sport);
	put16(tcp + 2, f->dport);
	put32(tcp + 4, f->seq);
	put32(tcp + 8, f->ack);
	tcp[12] = 5 << 4;
	tcp[13] = 0x11;                         /* FIN, ACK */
	put16(tcp + 14, f->window);
	/* the pseudo-header: the addresses, the protocol, the length */
	pseudo = (uint32_t)buf[12] << 8 | buf[13];
	pseudo += (uint32_t)buf[14] << 8 | buf[15];
	pseudo += (uint32_t)buf[16] << 8 | buf[17];
	pseudo += (uint32_t)buf[18] << 8 | buf[19];
	pseudo += IPPROTO_TCP + 20;
	put16(tcp + 16, fold(pseudo, tcp, 20));
	return GA_TCP_FIN_LEN;
}

int ga_tcp_fin_socket(struct ga_error *err)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);

	if (fd < 0)
		return ga_error_errno(err, errno, "point fin: a raw socket");
	return fd;
}

int ga_tcp_fin_send(int fd, const struct ga_tcp_fin *f, struct ga_error *err)
{
	uint8_t pkt[GA_TCP_FIN_LEN];
	struct sockaddr_in to = { .sin_family = AF_INET };
	size_t n = ga_tcp_fin_build(f, pkt);

	to.sin_addr.s_addr = f->dst;
	if (sendto(fd, pkt, n, 0, (struct sockaddr *)&to, sizeof(to)) !=
	    (ssize_t)n)
		return ga_error_errno(err, errno, "point fin: sending the FIN");
	return 0;
}
