/* pointseq.c - see pointseq.h: a point's payload count by TCP
 * sequence, and the DSCP mark one side sends to the other. */
#include "faults/pointseq.h"

#include <netinet/in.h>
#include <string.h>

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

int ga_tcp_seg_parse(const uint8_t *ip, size_t len, struct ga_tcp_seg *s)
{
	size_t ihl, thl, tot;
	const uint8_t *tcp;

	if (len < 20 || (ip[0] >> 4) != 4 || ip[9] != IPPROTO_TCP)
		return -1;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot = (size_t)ip[2] << 8 | ip[3];
	if (tot > len)
		tot = len;
	if (ihl < 20 || tot < ihl + 20)
		return -1;
	tcp = ip + ihl;
	thl = (size_t)(tcp[12] >> 4) * 4;
	if (thl < 20 || tot < ihl + thl)
		return -1;
	memcpy(&s->src, ip + 12, 4);
	memcpy(&s->dst, ip + 16, 4);
	s->sport = (uint16_t)(tcp[0] << 8 | tcp[1]);
	s->dport = (uint16_t)(tcp[2] << 8 | tcp[3]);
	s->seq = be32(tcp + 4);
	s->ack = be32(tcp + 8);
	s->window = (uint16_t)(tcp[14] << 8 | tcp[15]);
	s->flags = tcp[13];
	s->payload = tot - ihl - thl;
	return 0;
}

bool ga_point_seq_reaches(struct ga_point_seq *q, const struct ga_tcp_seg *s,
			  uint64_t bytes)
{
	uint32_t off32;
	uint64_t off, end;

	if (s->flags & 0x02) {                  /* SYN: the ISN */
		q->have_isn = true;
		q->isn = s->seq;
		q->end = 0;
		return false;
	}
	if (!q->have_isn) {                     /* open before: from here */
		q->have_isn = true;
		q->isn = s->seq - 1;
		q->end = 0;
	}
	if (s->payload == 0)
		return false;
	/* the offset near the highest seen: a wrapped 32-bit count goes on,
	 * one sent again stays behind */
	off32 = s->seq - q->isn - 1;
	off = q->end + (uint64_t)(int64_t)(int32_t)(off32 - (uint32_t)q->end);
	if ((int64_t)off < 0)
		off = off32;
	end = off + s->payload;
	if (end > q->end)
		q->end = end;
	return end >= bytes;
}

void ga_ip_set_dscp(uint8_t *ip, size_t len, unsigned dscp)
{
	size_t ihl, i;
	uint32_t sum = 0;

	if (len < 20)
		return;
	ip[1] = (uint8_t)((dscp & 0x3f) << 2 | (ip[1] & 0x03));
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > len)
		return;
	ip[10] = ip[11] = 0;
	for (i = 0; i < ihl; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
}
