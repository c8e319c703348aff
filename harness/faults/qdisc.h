/* qdisc.h - the "tbf" and "netem" faults: a queueing discipline put
 * on one end of the lab's veth pair.
 *
 *     fault NAME tbf on server|client rate RATE [burst SIZE]
 *                                  [limit SIZE | latency DURATION]
 *     fault NAME netem on server|client [delay DURATION [jitter DURATION]]
 *                    [loss P%] [duplicate P%] [corrupt P%] [reorder P%]
 *
 * "on server" puts the qdisc at the root of the veth end inside the
 * server namespace, so it shapes what the server sends; "on client"
 * shapes what the client sends.  "on" is required: the direction is the
 * whole point of the fault and is never guessed.  The options after it
 * come in any order, each at most once.
 *
 *   RATE      a number and a unit, as tc writes it: bit, kbit, mbit, gbit
 *             are bits per second, bps, kbps, mbps, gbps BYTES per second;
 *             k, m, g multiply by 1000.  "16kbit", "1.5mbit", "2kbps".
 *             A unit is required, and the rate must be a whole number
 *             of bytes per second, at most 2^31-1 (about 17gbit).
 *   SIZE      bytes: "1600", "1600b", or k/kb/KiB (1024), m/mb/MiB
 *             (1048576): "10k", "1.5kb".  Burst and limit are at least
 *             1514b, one full Ethernet frame, or no packet could pass.
 *   DURATION  "300us", "500ms", "2s", "1.5s": more than 0, at most 100s
 *             (libnl 3.7 sends netem delays as 32-bit scheduler ticks,
 *             which end near 274s), in whole microseconds.
 *   P%        a percentage, 0 < P <= 100, up to 6 decimals: "30%",
 *             "0.5%".
 *
 * Units ignore case, as in tc ("16Kbit").  describe() prints the
 * canonical form, every default filled in, which parses back to the same
 * spec: "tbf on server rate 16kbit burst 1600b latency 1s".
 *
 * tbf defaults: burst max(rate/10, 1600) bytes (a tenth of a second of
 * traffic, at least a frame); without limit, latency 1s (the queue holds
 * what the rate drains in that time, plus the burst).  netem needs at
 * least one option; jitter needs a delay and so does reorder.  netem's
 * queue is libnl's default, 1000 packets.
 *
 * The qdisc is added with handle 1:0 and NLM_F_CREATE | NLM_F_EXCL: it
 * replaces the kernel's default root qdisc, but if the interface already
 * has another one (a second tbf/netem fault on the same side) apply fails
 * instead of silently replacing it.  Revert deletes the interface's root
 * qdisc, which by that rule is the fault's own; a default root (handle 0,
 * which the kernel refuses to delete: ENOENT), a link or a namespace that
 * is already gone all count as nothing left to undo.
 *
 * When the kernel does not know the qdisc kind (no sch_netem, say), apply
 * returns GA_FAULT_UNSUPPORTED and the scenario is skipped with the
 * reason.
 */
#ifndef GA_FAULT_QDISC_H
#define GA_FAULT_QDISC_H

#include <stdint.h>

#include "util/error.h"
#include "faults/fault.h"

struct nl_msg;

/* The handle every qdisc fault uses: 1:0. */
#define GA_QDISC_HANDLE 0x00010000u

/* Builds the RTM_NEWQDISC request that apply sends for spec (a spec from
 * ga_fault_tbf's or ga_fault_netem's parse) on interface ifindex.  The
 * spec is validated first.  On success *msg is a new message; release it
 * with nlmsg_free().  Returns 0, or -1 with err set and *msg untouched.
 * Needs no privileges and touches no kernel state. */
int ga_qdisc_build_msg(const void *spec, int ifindex, struct nl_msg **msg,
		       struct ga_error *err);

/* The probability netem gets for a percentage: micro_percent is the
 * percentage in millionths (30% is 30000000), at most 100000000; the
 * result is round(micro_percent * UINT32_MAX / 100000000), so 100% is
 * UINT32_MAX. */
uint32_t ga_qdisc_probability(uint32_t micro_percent);

/* Checks whether this kernel can make the qdisc kind ("tbf" or "netem")
 * by adding a harmless one (tbf: rate 1mbit; netem: delay 1ms) at the
 * root of ifname inside the namespace ns_fd and deleting it again.  Meant
 * for an interface in a private lab: the caller chooses it.  Returns 0
 * when the kind works, GA_FAULT_UNSUPPORTED when the kernel lacks it (why
 * says what is missing), -1 on any other failure (why set). */
int ga_qdisc_probe(const char *kind, int ns_fd, const char *ifname,
		   struct ga_error *why);

#endif
