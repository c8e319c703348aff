/* nfqueue.h - a namespace's outgoing packets queued to user space
 * (NFQUEUE), for the user-space netem engine (faults/netem_user.h).
 *
 * Two halves, both run in the calling thread's network namespace (from a
 * ga_netns_run() job: a netlink socket stays bound to the namespace it
 * was opened in, so the caller may use it from any thread afterwards):
 *
 * The rule.  A table of its own, "table ip NAME", with one chain on the
 * postrouting hook (priority GA_NFQ_PRIORITY: after filtering and NAT,
 * the last hook before the interface's qdisc, where kernel netem sits)
 * holding one rule: every IPv4 packet leaving the interface goes to queue
 * NUM, with the bypass flag (no program bound to the queue: the packet
 * passes).  It is what
 *
 *     iptables-nft -t mangle -A POSTROUTING -o IF -j NFQUEUE --queue-num NUM --queue-bypass
 *
 * makes, in a table of its own: the kernel may have no nftables "queue"
 * expression (CONFIG_NFT_QUEUE) while it has the xtables NFQUEUE target
 * (CONFIG_NETFILTER_XT_TARGET_NFQUEUE) through nft_compat, and libnftables
 * cannot write an xtables target.  So the batch is built here with libnl
 * (netlink attributes, as libnftnl would) and sent on a NETLINK_NETFILTER
 * socket; every message is acknowledged, the batch is all or nothing.
 * Deleting the table removes the chain and the rule with it.
 *
 * The queue.  A NETLINK_NETFILTER socket bound to queue NUM through
 * libnl-nf-3 (nfnl_queue_create: whole packets, at most maxlen waiting
 * in the kernel, then the kernel drops, as a full netem queue does).  The
 * kernel completes a packet's checksums before copying it (no
 * NFQA_CFG_F_GSO is asked for: segmented, checksummed packets), so a
 * payload handed back in a verdict is sent as it is, checksums and all.
 * Closing the socket unbinds the queue and the kernel drops what was
 * still waiting for a verdict (as deleting a netem qdisc drops its
 * queue).
 */
#ifndef GA_FAULT_NFQUEUE_H
#define GA_FAULT_NFQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct nl_sock;

/* The chain's priority on the postrouting hook: after mangle (-150),
 * filter (0) and source NAT (100). */
#define GA_NFQ_PRIORITY 300

/* Builds the batch that ga_nfq_rule_add() sends into buf (seq numbers
 * from seq on, one per message).  Returns its length, or -1 with err set
 * (a name nft would not take, buf too small).  Needs no privileges: the
 * unit tests read it attribute by attribute. */
long ga_nfq_rule_batch(const char *table, unsigned ifindex, uint16_t queue,
		       uint32_t seq, void *buf, size_t len,
		       struct ga_error *err);

/* Adds the table, chain and rule above for interface ifindex and queue.
 * Returns 0, -1, or GA_FAULT_UNSUPPORTED when the kernel lacks nf_tables,
 * nft_compat or the NFQUEUE target (err says which answer came). */
int ga_nfq_rule_add(const char *table, unsigned ifindex, uint16_t queue,
		    struct ga_error *err);

/* Deletes "table ip NAME".  A table that is not there (already deleted,
 * or its namespace emptied) is not an error.  Its chain's hook goes with
 * it, and the kernel drops every packet still queued in the namespace,
 * to any queue (nfnetlink_queue's hook_drop, at every hook removed):
 * ga_nfq_rule_flush() first, to let them be read. */
int ga_nfq_rule_delete(const char *table, struct ga_error *err);

/* Deletes the rule of "table ip NAME": nothing more is queued, and what
 * was stays until a verdict (the chain and its hook stay).  Not there is
 * not an error. */
int ga_nfq_rule_flush(const char *table, struct ga_error *err);

/* A bound queue. */
struct ga_nfq {
	struct nl_sock *sock;   /* owned */
	uint16_t queue;
};

/* One packet the kernel queued; data points into a buffer that is valid
 * only during the callback. */
struct ga_nfq_packet {
	uint32_t id;            /* for the verdict */
	uint32_t mark;          /* skb->mark, 0 when none */
	const uint8_t *data;    /* the IPv4 packet */
	size_t len;
};

/* Binds queue on a new non-blocking socket.  Returns 0, -1, or
 * GA_FAULT_UNSUPPORTED when the kernel has no nfnetlink_queue; a queue
 * some other socket holds is -1 ("is bound already"). */
int ga_nfq_open(struct ga_nfq *q, uint16_t queue, uint32_t maxlen,
		struct ga_error *err);

/* The socket's descriptor, to poll for packets. */
int ga_nfq_fd(const struct ga_nfq *q);

/* Reads the packets waiting on the socket, at most max of them, without
 * blocking, and calls fn for each (fn returns 0, or -1 to stop with err
 * set).  Returns how many were read (0: none there), or -1. */
int ga_nfq_read(struct ga_nfq *q, int max,
		int (*fn)(void *arg, const struct ga_nfq_packet *p,
			  struct ga_error *err),
		void *arg, struct ga_error *err);

/* The verdict on packet id: accept (with payload, when not NULL, in place
 * of the packet's own bytes) or drop.  Returns 0 or -1. */
int ga_nfq_verdict(struct ga_nfq *q, uint32_t id, bool accept,
		   const uint8_t *payload, size_t len, struct ga_error *err);

/* The kernel's counters of queue in the calling thread's namespace
 * (/proc/net/netfilter/nfnetlink_queue): packets dropped because the
 * queue was full, and because the socket's buffer was.  Returns 0, or -1
 * when the queue is not listed there. */
int ga_nfq_kernel_drops(uint16_t queue, unsigned long *queue_dropped,
			unsigned long *user_dropped, struct ga_error *err);

/* Closes the socket (the kernel unbinds the queue); safe on a closed or
 * zeroed one. */
void ga_nfq_close(struct ga_nfq *q);

#endif
