/* netem_model.h - what netem does to one packet, as pure functions: the
 * user-space engine's decisions (faults/netem_user.c), in the order and
 * with the tests of the kernel's sch_netem (net/sched/sch_netem.c,
 * netem_enqueue), so that one "netem ..." line means the same on both.
 *
 * For each packet, in this order:
 *
 *   duplicate  with probability D the packet is to be sent twice (not a
 *              duplicate of a duplicate: the copy goes through netem
 *              again with duplication off, as the kernel re-enqueues its
 *              clone);
 *   loss       with probability L one of the copies is lost (a lost
 *              packet that was to be duplicated goes once, undoubled);
 *              none left: dropped;
 *   corrupt    with probability C one random bit of the packet is
 *              flipped, after its checksums were computed (the duplicate
 *              is copied before, so it is clean unless its own draw
 *              corrupts it);
 *   delay      delay D, with jitter J uniform in [D-J, D+J) (netem's
 *              default without a distribution table; a negative time is
 *              0), packets ordered by the time they are due (so a jitter
 *              reorders them, as netem's tfifo does);
 *   reorder    with a delay, with probability R a packet is sent at once,
 *              ahead of every delayed one (netem with gap 1, which tc and
 *              libnl set for "reorder P%"); the others are delayed.
 *
 * A probability is netem's 32-bit one (ga_qdisc_probability(): 100% is
 * UINT32_MAX), and an event happens when p != 0 and p >= a uniform
 * 32-bit draw, exactly the kernel's test (with correlation 0).  What is
 * not modelled, and refused by the parser: correlations, distribution
 * tables, the Gilbert-Elliott and 4-state loss models, rate, slot, ecn,
 * gap, limit.  Where the kernel's random draw for a jitter is a 32-bit
 * number of nanoseconds (jitters above 2.147s then spread over only
 * 4.29s), this one is 64-bit: uniform over the whole range.
 */
#ifndef GA_FAULT_NETEM_MODEL_H
#define GA_FAULT_NETEM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a netem line asks for. */
struct ga_netem_params {
	uint64_t delay_ns;
	uint64_t jitter_ns;
	uint32_t loss;          /* netem's 32-bit probabilities */
	uint32_t duplicate;
	uint32_t corrupt;
	uint32_t reorder;
};

/* The random generator: xoshiro256** (public domain, Blackman and
 * Vigna), seeded by ga_netem_rng_seed(). */
struct ga_netem_rng {
	uint64_t s[4];
};

void ga_netem_rng_seed(struct ga_netem_rng *r, uint64_t seed);

/* netem's test: p != 0 && p >= a uniform 32-bit draw (no draw when p is
 * 0, as the kernel skips it). */
bool ga_netem_event(struct ga_netem_rng *r, uint32_t p);

/* What happens to one packet. */
struct ga_netem_fate {
	bool drop;              /* lost: nothing is sent */
	bool duplicate;         /* send a copy too (made before corrupt) */
	bool corrupt;           /* flip a bit */
	bool at_once;           /* sent now, ahead of the delayed ones */
	uint64_t delay_ns;      /* otherwise: held this long */
};

/* Decides the fate of a packet; is_copy: it is a duplicate made by the
 * engine (never duplicated again). */
void ga_netem_decide(const struct ga_netem_params *p, struct ga_netem_rng *r,
		     bool is_copy, struct ga_netem_fate *f);

/* A delay drawn as netem draws it: delay, or with jitter uniform in
 * [delay - jitter, delay + jitter), never below 0. */
uint64_t ga_netem_delay(const struct ga_netem_params *p,
			struct ga_netem_rng *r);

/* Flips one bit of the IPv4 packet pkt, in a byte drawn uniformly from
 * its len bytes (len > 0) and a bit drawn uniformly from 8, as netem
 * flips one in the packet's linear data, but never in the destination
 * address (bytes 16 to 19, when len > 20): netem flips after the route
 * and the neighbour were found, and the receiver's checksum check drops
 * the packet; flipped before (in postrouting), the address would send
 * the sender's kernel looking for a neighbour that does not exist, and
 * the packet would never reach the wire.  Returns the byte's offset;
 * *bit gets the bit. */
size_t ga_netem_corrupt(uint8_t *pkt, size_t len, struct ga_netem_rng *r,
			unsigned *bit);

/* The Internet checksum (RFC 1071) over len bytes, starting from sum (0,
 * or a pseudo-header's partial sum), folded, not complemented. */
uint16_t ga_netem_csum_fold(const uint8_t *data, size_t len, uint32_t sum);

/* True when the IPv4 packet's header checksum and, for TCP and UDP (not
 * a fragment), its transport checksum verify, as a receiver checks them;
 * a UDP checksum of 0 means none and verifies.  A header that does not
 * parse (version, length) does not verify either. */
bool ga_netem_ipv4_checksums_ok(const uint8_t *pkt, size_t len);

#endif
