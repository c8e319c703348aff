/* netem_user.h - netem in user space, for kernels without sch_netem.
 *
 * A "netem on server|client ..." fault is made by the kernel's netem
 * qdisc where there is one (faults/qdisc.c); where the kernel has none,
 * by this engine, from the same line:
 *
 *   - every IPv4 packet leaving the side's veth end is queued to user
 *     space (faults/nfqueue.h: an nftables table of the fault's own in
 *     that side's namespace, "table ip goneaway_<tag>_<line>_netem",
 *     whose postrouting rule has the xtables NFQUEUE target);
 *   - a thread of goneaway's reads the queue and decides each packet's
 *     fate as netem would (faults/netem_model.h): dropped (loss), sent a
 *     second time (duplicate: a copy through a raw socket in the same
 *     namespace, marked GA_NETEM_COPY_MARK so the engine knows it for a
 *     copy, which then meets loss, corruption and delay of its own),
 *     one bit flipped after the checksums were made (corrupt: the
 *     verdict carries the changed packet, and the receiver's IP or TCP
 *     checksum check drops it), sent at once (reorder) or held
 *     (delay, jitter) and released in the order of the times it is due;
 *   - stopping deletes the table (new packets pass untouched), stops the
 *     thread and closes the queue: the kernel drops what it still held,
 *     as deleting a netem qdisc drops its queue.
 *
 * Bounds.  The kernel holds every packet until its verdict; at most
 * GA_NETEM_LIMIT wait (netem's default limit, 1000 packets), then the
 * kernel drops, as a full netem does.  The engine keeps for each waiting
 * packet its id and due time (a binary heap of GA_NETEM_LIMIT entries at
 * most) and the bytes of a corrupted one only (at most GA_NETEM_LIMIT
 * packets of at most 64 KiB; on the lab's veth, segments of at most its
 * MTU, 1500 bytes).  The thread never blocks but in ppoll() on the queue
 * and a stop descriptor, woken at the next due time; stopping it wakes
 * it at once.  It is real-time (SCHED_FIFO, the lowest priority) where
 * goneaway may, so that a loaded machine does not make it late (kernel
 * netem releases from a kernel timer).  It runs with every signal
 * blocked (goneaway reads its signals from a signalfd) and lives from
 * the fault's apply to its lift or the scenario's teardown; a SIGKILLed
 * goneaway takes it along, and its namespace, table and queue go with
 * the lab.
 *
 * Differences from sch_netem, documented in README's netem section: only
 * IPv4 is queued (the lab has no other traffic; ARP and IPv6 neighbour
 * discovery pass undelayed); a bit is flipped in the IP packet (the
 * kernel may also hit the Ethernet header: the frame is then lost to the
 * receiver as well); the reorder, loss and duplicate draws are made in
 * the same order, from another random generator.
 */
#ifndef GA_FAULT_NETEM_USER_H
#define GA_FAULT_NETEM_USER_H

#include <stddef.h>
#include <stdint.h>

#include "faults/netem_model.h"
#include "util/error.h"

#define GA_NETEM_LIMIT 1000             /* packets waiting, as netem's */
#define GA_NETEM_QUEUE 26465            /* queue number ("ga"), per namespace */
#define GA_NETEM_COPY_MARK 0x67610001u  /* the mark of the engine's copies */

/* What the engine did so far. */
struct ga_netem_stats {
	uint64_t packets;       /* queued to it (copies included) */
	uint64_t lost;
	uint64_t duplicated;    /* copies sent */
	uint64_t corrupted;
	uint64_t reordered;     /* sent at once although a delay is set */
	uint64_t delayed;       /* held, then sent */
	uint64_t overflow;      /* dropped: GA_NETEM_LIMIT waiting, or a
				 * copy the raw socket had no room for */
	uint64_t held;          /* waiting now (the kernel drops them
				 * when the engine stops) */
	uint64_t late_max_us;   /* the latest a held packet left after its
				 * due time */
	unsigned long kernel_dropped;   /* the kernel's: queue or socket
					 * full (read when stopping) */
};

struct ga_netem_user;

/* Starts the engine for p on interface ifname of the namespace ns_fd,
 * with the nftables table named table.  Returns 0 and sets *out, or -1,
 * or GA_FAULT_UNSUPPORTED (the kernel cannot queue packets to user
 * space; err says why).  Nothing is left on failure. */
int ga_netem_user_start(const struct ga_netem_params *p, int ns_fd,
			const char *ifname, const char *table,
			struct ga_netem_user **out, struct ga_error *err);

/* What it did so far (a consistent copy). */
void ga_netem_user_stats(struct ga_netem_user *e, struct ga_netem_stats *st);

/* Deletes the table (when ns_fd still is a namespace: one that is gone
 * took the table along), stops the thread, closes the queue and frees e.
 * *st (may be NULL) gets the last figures.  Returns 0, or -1 when the
 * table could not be deleted or the engine had failed meanwhile (a
 * verdict or a copy it could not send, a queue it could not read): the
 * fault was then not what the line says. */
int ga_netem_user_stop(struct ga_netem_user *e, int ns_fd,
		       struct ga_netem_stats *st, struct ga_error *err);

/* "12 packets: 3 lost, 9 delayed (the latest 0.4 ms after its time)" */
void ga_netem_stats_describe(const struct ga_netem_stats *st, char *buf,
			     size_t len);

#endif
