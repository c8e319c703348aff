/* residue.h - what faults can leave in a lab's kernel, written out so
 * that a lab can be compared with itself: before any fault of a case
 * and after they were all reverted.
 *
 * The fault kinds of the lab (firewall, point, the netem engine's
 * NFQUEUE rules: nft tables; tbf and netem: root qdiscs) change nothing
 * else in it.  The text lists, for each of the lab's namespaces
 * (client, server, and the proxy's when there is one), its nft tables
 * and every qdisc of every link ("server qdisc 3 noqueue 0: root").
 * The same text before and after means the lab is as the case found it
 * (run/reuse.c keeps its server for the next case only then).
 *
 * Ownership: *text is a new string the caller frees.
 */
#ifndef GA_FAULT_RESIDUE_H
#define GA_FAULT_RESIDUE_H

#include "faults/fault.h"
#include "util/error.h"

/* The lab of t as text (above) into *text.  Returns 0, or -1 with err
 * set (a namespace could not be entered or asked). */
int ga_fault_lab_state(const struct ga_fault_target *t, char **text,
		       struct ga_error *err);

#endif
