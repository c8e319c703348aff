/* netem_model.c - see netem_model.h: netem's decisions for one packet. */
#include "faults/netem_model.h"

#include <string.h>

/* ------------------------------------------------------------------ */
/* Random numbers */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void ga_netem_rng_seed(struct ga_netem_rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rand64(struct ga_netem_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

static uint32_t rand32(struct ga_netem_rng *r)
{
	return (uint32_t)(rand64(r) >> 32);
}

/* Uniform in [0, n), n > 0, without modulo bias (Lemire's method with
 * rejection). */
static uint64_t below(struct ga_netem_rng *r, uint64_t n)
{
	unsigned __int128 m;
	uint64_t low, t;

	m = (unsigned __int128)rand64(r) * n;
	low = (uint64_t)m;
	if (low < n) {
		t = -n % n;
		while (low < t) {
			m = (unsigned __int128)rand64(r) * n;
			low = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

bool ga_netem_event(struct ga_netem_rng *r, uint32_t p)
{
	return p != 0 && p >= rand32(r);
}

/* ------------------------------------------------------------------ */
/* Decisions */

uint64_t ga_netem_delay(const struct ga_netem_params *p,
			struct ga_netem_rng *r)
{
	uint64_t off;

	if (p->jitter_ns == 0)
		return p->delay_ns;
	off = below(r, 2 * p->jitter_ns);       /* [0, 2J) */
	if (p->delay_ns + off < p->jitter_ns)
		return 0;
	return p->delay_ns + off - p->jitter_ns;
}

void ga_netem_decide(const struct ga_netem_params *p, struct ga_netem_rng *r,
		     bool is_copy, struct ga_netem_fate *f)
{
	int count = 1;

	memset(f, 0, sizeof(*f));
	if (!is_copy && ga_netem_event(r, p->duplicate))
		count++;
	if (ga_netem_event(r, p->loss))
		count--;
	if (count == 0) {
		f->drop = true;
		return;
	}
	f->duplicate = count > 1;
	f->corrupt = ga_netem_event(r, p->corrupt);
	if (p->delay_ns == 0 && p->jitter_ns == 0) {
		f->at_once = true;
		return;
	}
	/* netem with gap 1: "q->reorder < get_crandom()" keeps the delay */
	if (ga_netem_event(r, p->reorder)) {
		f->at_once = true;
		return;
	}
	f->delay_ns = ga_netem_delay(p, r);
	f->at_once = f->delay_ns == 0;
}

size_t ga_netem_corrupt(uint8_t *pkt, size_t len, struct ga_netem_rng *r,
			unsigned *bit)
{
	size_t at;

	if (len > 20) {
		at = (size_t)below(r, len - 4);
		if (at >= 16)
			at += 4;        /* past the destination address */
	} else {
		at = (size_t)below(r, len);
	}
	*bit = (unsigned)below(r, 8);
	pkt[at] ^= (uint8_t)(1u << *bit);
	return at;
}

/* ------------------------------------------------------------------ */
/* Checksums */

static uint32_t sum16(const uint8_t *data, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(data[i] << 8 | data[i + 1]);
	if (len & 1)
		sum += (uint32_t)data[len - 1] << 8;
	return sum;
}

uint16_t ga_netem_csum_fold(const uint8_t *data, size_t len, uint32_t sum)
{
	uint64_t s = sum16(data, len, sum);

	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

bool ga_netem_ipv4_checksums_ok(const uint8_t *pkt, size_t len)
{
	size_t ihl, total, l4len;
	uint32_t pseudo;
	uint8_t proto;

	if (len < 20 || (pkt[0] >> 4) != 4)
		return false;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	total = (size_t)(pkt[2] << 8 | pkt[3]);
	if (ihl < 20 || total < ihl || total > len)
		return false;
	if (ga_netem_csum_fold(pkt, ihl, 0) != 0xffff)
		return false;
	proto = pkt[9];
	/* a fragment's transport checksum covers the whole datagram */
	if ((pkt[6] & 0x3f) || pkt[7] || (proto != 6 && proto != 17))
		return true;
	l4len = total - ihl;
	if (proto == 17 && l4len >= 8 && pkt[ihl + 6] == 0 &&
	    pkt[ihl + 7] == 0)
		return true;            /* UDP without a checksum */
	if ((proto == 6 && l4len < 20) || (proto == 17 && l4len < 8))
		return false;
	pseudo = sum16(pkt + 12, 8, 0) + proto + (uint32_t)l4len;
	return ga_netem_csum_fold(pkt + ihl, l4len, pseudo) == 0xffff;
}
