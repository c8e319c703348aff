/* pointact.h - the point fault's acts (faults/point.c: "point kill" and
 * "point crash"): when a client connection's packet reaches a SIZE
 * point, the server KILLs that connection's session, or the server
 * process is killed (SIGKILL), while the packet is held.
 *
 * The engine: conntrack counts, as for the point's drop and reset: an
 * nft rule ("table inet <table>", in the namespace of the side that
 * sends the point's packet: the client's for "SIZE to-server", the
 * server's for "SIZE from-server") marks every packet of a client flow
 * that way from the one that takes conntrack's count to SIZE or beyond
 * (GA_POINT_ACT_MARK), and every IPv4 packet leaving that namespace goes
 * to an NFQUEUE ("table ip <table>": faults/nfqueue.h; the nftables
 * "queue" expression may be missing where the xtables target is not),
 * read by a thread of the engine's own.  A flow's first marked packet
 * is the point's (a large send the kernel queues in pieces: its first
 * piece, the others behind it).  "at": it is held while the act is
 * made, then sent (it reaches a session, or a server, that is gone);
 * "after": it is sent, with what the kernel had queued behind it by
 * then (the other pieces of its send), then the act is made, what
 * comes later held meanwhile (it waits in the kernel's queue, in
 * order).  Every
 * other packet passes at once.  An act is made once per flow (a crash
 * once), and is done before the held packet goes on: a KILL waits
 * until the session is gone from the process list, a SIGKILL until the
 * process has died (both bounded).
 *
 * With data (a "data SIZE" point), no nft rule marks anything: the
 * thread counts every packet's data itself, by TCP sequence
 * (faults/pointseq.h), and the point's packet is the first that takes
 * the count to SIZE: a peer's ACKs, delayed or quick, move nothing.
 * With cut, the act is point.c's cut (drop, reset, pause at a "data
 * SIZE" point): the flow is added to the sending side's set, so its
 * rules cut what that side receives of it and mark what it sends, and
 * the thread marks the flow's packets itself from the point's ("at") or
 * the one after ("after"): the pieces of one large send passed the
 * output hook together, before the point was known.
 *
 * The thread's act of a KILL is the runner's (struct ga_fault_target's
 * kill_session: a fresh admin connection of its own); of a crash, a
 * SIGKILL of t->server_pid.
 */
#ifndef GA_FAULT_POINTACT_H
#define GA_FAULT_POINTACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faults/fault.h"
#include "util/error.h"

/* The NFQUEUE queue number of the engine, per namespace: not the
 * user-space netem's (GA_NETEM_QUEUE), so both may run in one lab. */
#define GA_POINT_ACT_QUEUE 26466
/* ... of the cut's engine (a kill and a cut may be in one scenario). */
#define GA_POINT_CUT_QUEUE 26467

/* The mark of a flow's packets from the point on (not the netem
 * engine's GA_NETEM_COPY_MARK). */
#define GA_POINT_ACT_MARK 0x67610002u

struct ga_point_act_params {
	bool crash;             /* the server process killed; else the
				 * connection's session KILLed ... */
	bool cut;               /* ... or neither: the flow put into the
				 * set "cut" of point.c's "table inet
				 * <table>" on the sending side, and its
				 * packets from the point on ("at"), or
				 * after it, sent with the DSCP mark
				 * GA_POINT_MARK, which the receiving side
				 * cuts (drop, reset, pause) */
	bool fin;               /* ... and, with cut, the client sent a
				 * FIN in the server's name at the point
				 * (faults/pointfin.h) */
	bool data;              /* bytes counts the flow's data by TCP
				 * sequence (faults/pointseq.h), not
				 * conntrack's bytes: no mark rule */
	bool after;             /* the act once the packet has passed */
	bool to_server;         /* the point's direction */
	uint64_t bytes;         /* the SIZE */
};

struct ga_point_act;

/* Starts the engine for p on target t (its members copied: the engine
 * keeps none of t's pointers but kill_ctx, which must live until
 * ga_point_act_stop()); its tables are "table inet <table>" (the mark)
 * and "table ip <table>" (the queue) in the sending side's namespace.  Returns 0 (*out the engine), -1 (err set),
 * or GA_FAULT_UNSUPPORTED (err says why: no NFQUEUE here, a proxy in
 * front of the server, no session KILL or no server to kill). */
int ga_point_act_start(const struct ga_point_act_params *p,
		       const struct ga_fault_target *t, const char *table,
		       struct ga_point_act **out, struct ga_error *err);

/* A line on what the engine did so far ("KILL 12 (198.18.0.1:40312) at
 * the packet that took it to 1234 bytes", "the point was not reached"). */
void ga_point_act_note(struct ga_point_act *e, char *buf, size_t len);

/* Stops the engine, deletes its rule (t: the same target) and frees e.
 * Returns 0, or -1 with err set: the rule could not be deleted, or the
 * point was reached and its act failed (the run is then an ERROR, never
 * the outcome of a fault that was not made). */
int ga_point_act_stop(struct ga_point_act *e, const struct ga_fault_target *t,
		      struct ga_error *err);

#endif
