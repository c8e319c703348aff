/* chain.h - Toxiproxy's toxics on one direction of one connection (a
 * "link"), as a chain of stages, one per toxic of that stream in the
 * order they were added, that the data goes through in order.
 *
 * Toxiproxy runs each stage as a goroutine between two channels; here
 * each stage is a queue and a clock, moved on by ga_chain_pump() from
 * serve/relay.c's event loop.  The data is chunks as they were read
 * (Toxiproxy's StreamChunk: bytes and the time they were read), and
 * the end of the source (EOF, or a close) follows the last chunk
 * through the stages: a stage may hold it (slow_close), or send it
 * early (limit_data, timeout, reset_peer: Toxiproxy's stub.Close()),
 * and what comes after an end is dropped.  When the end leaves the
 * last stage the link closes its destination (serve/relay.c: with a
 * TCP reset when a reset_peer was on the proxy at the connection's
 * start, as Toxiproxy sets SO_LINGER 0 only then).
 *
 * Each stage decides once, when it meets the link (at connect, or when
 * its toxic is added), whether its toxic is on for this link: with
 * probability toxicity (Toxiproxy decides again each time its stage is
 * restarted; docs/toxiproxy.md).
 *
 * What each stage does is its toxic's pipe (struct ga_toxic_type,
 * serve/toxic_NAME.c: Toxiproxy's toxics/NAME.go, each as Toxiproxy
 * has it), over the moves below: a stage lets its head go on, whole or
 * in part, drops it, or sends the end.  A stage whose toxic is off is
 * Toxiproxy's noop: everything goes on.
 *
 * Ownership: a chain owns its stages and every chunk in it; chunks are
 * handed in with ga_chain_input(), and what has gone through is read
 * with ga_chain_peek() and let go with ga_chain_consumed().  The
 * toxics are borrowed: a stage's toxic must outlive it (the relay
 * removes the stage before the toxic is freed).
 */
#ifndef GA_SERVE_CHAIN_H
#define GA_SERVE_CHAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "serve/toxics.h"

#define GA_SV_CLOSER_MAX 80

struct ga_chunk {
	struct ga_chunk *next;
	double ts;                      /* when it was read (ga_clock_ms) */
	size_t off, len;                /* data[off, off + len) is left */
	unsigned char data[];
};

struct ga_chunkq {
	struct ga_chunk *head, *tail;
	size_t bytes;
};

struct ga_stage {
	const struct ga_toxic *toxic;   /* borrowed */
	bool on;                        /* toxicity said so, for this link */
	struct ga_chunkq in;            /* what waits for it */
	bool in_end;                    /* the end follows what in holds */
	bool done;                      /* it sent the end on */
	double started;                 /* when it met the link (or its
					 * toxic changed) */
	/* what its pipe keeps (the chain clears t, armed and cuts when the
	 * toxic changes, and frees cuts) */
	double t;                       /* when its head leaves or it acts;
					 * 0: not set */
	double last;                    /* bandwidth: when the last piece
					 * left */
	long long sent;                 /* limit_data */
	bool armed;                     /* reset_peer */
	size_t *cuts;                   /* slicer: the head's pieces' ends */
	size_t ncuts, cut_at;
};

struct ga_chain {
	struct ga_stage *st;            /* owned, n of them */
	size_t n, cap;
	struct ga_chunkq out;           /* through every stage: to write */
	bool end;                       /* the end came through, after out */
	bool reset;                     /* a reset_peer sent it (the relay
					 * resets the connection when the
					 * toxic was there at its connect,
					 * as Toxiproxy does) */
	char closer[GA_SV_CLOSER_MAX];  /* the toxic that sent the end on
					 * its own (limit_data, timeout,
					 * reset_peer): its name; "" */
	size_t held;                    /* bytes in every queue */
};

/* A new chunk of len bytes (to be filled), read at ts.  NULL when out of
 * memory. */
struct ga_chunk *ga_chunk_new(size_t len, double ts);

void ga_chain_init(struct ga_chain *c);
void ga_chain_free(struct ga_chain *c);

/* A stage for t at the end of the chain, met at now (its toxicity
 * decided).  Returns 0, or -1 when out of memory. */
int ga_chain_add(struct ga_chain *c, const struct ga_toxic *t, double now);
/* t's values changed: its stage decides again and starts over (what
 * its head was waiting for goes on at once, as Toxiproxy's interrupted
 * stage sends it). */
void ga_chain_update(struct ga_chain *c, const struct ga_toxic *t, double now);
/* t's stage goes: what it holds goes on to the next, and a timeout's
 * removal sends the end (Toxiproxy's Cleanup). */
void ga_chain_remove(struct ga_chain *c, const struct ga_toxic *t);
/* Whether t has a stage here, and whether it is on. */
bool ga_chain_has(const struct ga_chain *c, const struct ga_toxic *t,
		  bool *on);

/* Data read from the source, and its end. */
void ga_chain_input(struct ga_chain *c, struct ga_chunk *k);
void ga_chain_input_end(struct ga_chain *c);

/* Moves everything that may move at now.  Returns the next time it
 * must be called again (0: only when something new comes in). */
double ga_chain_pump(struct ga_chain *c, double now);

/* The first chunk that went through every stage (still in the chain,
 * the ones after it through next: ga_chain_consumed() says how much of
 * them was written, from the first on), or NULL. */
struct ga_chunk *ga_chain_peek(struct ga_chain *c);
void ga_chain_consumed(struct ga_chain *c, size_t n);

/* ---- a stage's moves, for its toxic's pipe (serve/toxic_*.c) ------------ */

/* The pipe of type ty (struct ga_toxic_type's pipe), ty_pipe, declared
 * once: stage i of chain c, at now.  What follows the macro is the
 * pipe's body, which has s, stage i, and a, its toxic's attributes (the
 * type's struct ty; one of no attributes, noop, has none to read). */
#define GA_TOXIC_PIPE(ty) \
	struct ty; \
	static bool ty##_stage(struct ga_chain *c, size_t i, \
			       struct ga_stage *s, const struct ty *a, \
			       double now, double *deadline); \
	static bool ty##_pipe(struct ga_chain *c, size_t i, double now, \
			      double *deadline) \
	{ \
		return ty##_stage(c, i, &c->st[i], c->st[i].toxic->attrs, \
				  now, deadline); \
	} \
	static bool ty##_stage(struct ga_chain *c, size_t i, \
			       struct ga_stage *s, const struct ty *a, \
			       double now, double *deadline)

/* The head of the definition of a byte toxic of Toxiproxy's own, st
 * (attributes and a pipe, GA_TOXIC_PIPE), its Go struct go. */
#define GA_TOXIC_PIPE_OF(st, go) \
	GA_TOXIC_OF(st, GA_TOXIC_STANDARD, go), .pipe = st##_pipe

/* Stage i's head goes on to the next stage (or out), whole; it must
 * have one. */
void ga_chain_move_head(struct ga_chain *c, size_t i);
/* The first len bytes of stage i's head go on as a chunk of their own,
 * the rest stays (all of it when len covers it).  Returns 0, or -1 when
 * out of memory (nothing moved). */
int ga_chain_move_piece(struct ga_chain *c, size_t i, size_t len);
/* Stage i's head is dropped. */
void ga_chain_drop_head(struct ga_chain *c, size_t i);
/* Stage i sends the end on: the end that came to it, or one of its own
 * (own: its toxic closes the link, and is named as the closer; reset:
 * with a reset).  What waits in the stage is dropped. */
void ga_chain_send_end(struct ga_chain *c, size_t i, bool reset, bool own);
/* Everything waiting in stage i goes on.  Returns whether anything
 * did. */
bool ga_chain_pass_all(struct ga_chain *c, size_t i);
/* Everything waiting in stage i is dropped.  Returns whether anything
 * was. */
bool ga_chain_drop_all(struct ga_chain *c, size_t i);
/* The end that came to stage i goes on, once nothing waits before it.
 * Returns whether it did. */
bool ga_chain_pass_end(struct ga_chain *c, size_t i);

#endif
