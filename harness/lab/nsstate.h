/* nsstate.h - a network namespace's whole state as text, so that one kept
 * for the next case can be compared with itself, and what the kernel
 * keeps there on its own undone.
 *
 * The text is everything a process in the namespace can set and a later
 * connection could feel, read from the kernel rather than from a list of
 * what goneaway's faults change: every link (kind, flags, MTU, queue
 * length, queueing discipline, address, master), every address, every
 * route of every table with its metrics, every policy rule, every
 * neighbour entry made by hand (the kernel's own ARP cache is left out),
 * every qdisc (a class or filter hangs under one), the nft tables and
 * the legacy iptables tables.  Counters (packets, bytes) are not state
 * and are left out.  The namespace's sysctls are not read: goneaway
 * writes none after it made the namespace (lab/netns.h: TCP's buffer
 * bounds, then), and a driver cannot (lab/spawn.h, net_confined: its
 * /proc/sys is read-only, and it has no CAP_NET_ADMIN to change any of
 * the rest either), which a test holds.
 *
 * What the kernel keeps on its own and a case cannot be held to -
 * connection tracking entries, TCP's cached metrics per peer (a later
 * connection's first RTO and ssthresh), TCP sockets no process holds any
 * more (closing, not yet gone) - is undone by ga_nsstate_reset(), so a
 * kept namespace starts each case as a new one would.
 *
 * Ownership: *text is a new string the caller frees.
 */
#ifndef GA_LAB_NSSTATE_H
#define GA_LAB_NSSTATE_H

#include <stddef.h>

#include "util/error.h"

/* The state of the namespace ns_fd as text (above).  Returns 0, or -1
 * with err set. */
int ga_nsstate_take(int ns_fd, char **text, struct ga_error *err);

/* Empties ns_fd's conntrack table (when it has one) and TCP metrics,
 * and aborts its TCP sockets that no process holds, but those in
 * TIME_WAIT (which send nothing of their own).  Returns 0, or -1 with
 * err set. */
int ga_nsstate_reset(int ns_fd, struct ga_error *err);

/* The first line where a and b differ, as "'A' instead of 'B'" (or
 * "... is gone", "... is new") into why.  Returns 1 when they differ,
 * 0 when they are the same. */
int ga_nsstate_diff(const char *was, const char *now, char *why, size_t len);

#endif
