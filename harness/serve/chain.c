/* chain.c - see chain.h: Toxiproxy's toxics as stages of queues moved on
 * by the clock: the queues, a stage's moves, and each stage run by its
 * toxic's pipe (serve/toxic_*.c). */
#include "serve/chain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

/* ---- chunks and queues ------------------------------------------------------ */

struct ga_chunk *ga_chunk_new(size_t len, double ts)
{
	struct ga_chunk *k = malloc(sizeof(*k) + (len ? len : 1));

	if (!k)
		return NULL;
	k->next = NULL;
	k->ts = ts;
	k->off = 0;
	k->len = len;
	return k;
}

static void chunkq_push(struct ga_chunkq *q, struct ga_chunk *k)
{
	k->next = NULL;
	if (q->tail)
		q->tail->next = k;
	else
		q->head = k;
	q->tail = k;
	q->bytes += k->len;
}

static struct ga_chunk *chunkq_pop(struct ga_chunkq *q)
{
	struct ga_chunk *k = q->head;

	if (!k)
		return NULL;
	q->head = k->next;
	if (!q->head)
		q->tail = NULL;
	q->bytes -= k->len;
	k->next = NULL;
	return k;
}

static void chunkq_free(struct ga_chunkq *q)
{
	struct ga_chunk *k;

	while ((k = chunkq_pop(q)) != NULL)
		free(k);
}

/* ---- the chain -------------------------------------------------------------- */

void ga_chain_init(struct ga_chain *c)
{
	memset(c, 0, sizeof(*c));
}

static void stage_clear(struct ga_stage *s)
{
	chunkq_free(&s->in);
	free(s->cuts);
	s->cuts = NULL;
	s->ncuts = s->cut_at = 0;
}

void ga_chain_free(struct ga_chain *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		stage_clear(&c->st[i]);
	free(c->st);
	chunkq_free(&c->out);
	memset(c, 0, sizeof(*c));
}

/* Go's rand.Float32() < toxicity. */
static bool decide(const struct ga_toxic *t)
{
	return (float)drand48() < t->toxicity;
}

int ga_chain_add(struct ga_chain *c, const struct ga_toxic *t, double now)
{
	struct ga_stage *s;

	if (ga_grow(&c->st, &c->cap, c->n, sizeof(*c->st), 4))
		return -1;
	s = &c->st[c->n++];
	memset(s, 0, sizeof(*s));
	s->toxic = t;
	s->on = decide(t);
	s->started = now;
	/* an end that already went through the chain is not seen again */
	if (c->end)
		s->done = true;
	return 0;
}

static struct ga_stage *stage_of(const struct ga_chain *c,
				 const struct ga_toxic *t, size_t *at)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->st[i].toxic == t) {
			if (at)
				*at = i;
			return &c->st[i];
		}
	return NULL;
}

bool ga_chain_has(const struct ga_chain *c, const struct ga_toxic *t,
		  bool *on)
{
	const struct ga_stage *s = stage_of(c, t, NULL);

	if (s && on)
		*on = s->on;
	return s != NULL;
}

/* Where stage i sends what it lets through. */
static struct ga_chunkq *next_q(struct ga_chain *c, size_t i)
{
	return i + 1 < c->n ? &c->st[i + 1].in : &c->out;
}

void ga_chain_send_end(struct ga_chain *c, size_t i, bool reset, bool own)
{
	struct ga_stage *s = &c->st[i];

	if (own && !c->closer[0])
		snprintf(c->closer, sizeof(c->closer), "%s (%s)", s->toxic->name,
			 s->toxic->type->name);
	s->done = true;
	c->held -= s->in.bytes;
	chunkq_free(&s->in);         /* what came after it: dropped */
	free(s->cuts);
	s->cuts = NULL;
	if (reset)
		c->reset = true;
	if (i + 1 < c->n)
		c->st[i + 1].in_end = true;
	else
		c->end = true;
}

void ga_chain_move_head(struct ga_chain *c, size_t i)
{
	struct ga_chunk *k = chunkq_pop(&c->st[i].in);

	chunkq_push(next_q(c, i), k);
}

int ga_chain_move_piece(struct ga_chain *c, size_t i, size_t len)
{
	struct ga_stage *s = &c->st[i];
	struct ga_chunk *h = s->in.head, *k;

	if (len >= h->len) {
		ga_chain_move_head(c, i);
		return 0;
	}
	k = ga_chunk_new(len, h->ts);
	if (!k)
		return -1;
	memcpy(k->data, h->data + h->off, len);
	h->off += len;
	h->len -= len;
	s->in.bytes -= len;
	chunkq_push(next_q(c, i), k);
	return 0;
}

void ga_chain_drop_head(struct ga_chain *c, size_t i)
{
	struct ga_chunk *k = chunkq_pop(&c->st[i].in);

	c->held -= k->len;
	free(k);
}

/* move on each chunk waiting in stage i, the head first.  Returns
 * whether there was one. */
static bool each_head(struct ga_chain *c, size_t i,
		      void (*move)(struct ga_chain *c, size_t i))
{
	bool any = false;

	while (c->st[i].in.head) {
		move(c, i);
		any = true;
	}
	return any;
}

bool ga_chain_pass_all(struct ga_chain *c, size_t i)
{
	return each_head(c, i, ga_chain_move_head);
}

bool ga_chain_drop_all(struct ga_chain *c, size_t i)
{
	return each_head(c, i, ga_chain_drop_head);
}

bool ga_chain_pass_end(struct ga_chain *c, size_t i)
{
	struct ga_stage *s = &c->st[i];

	if (!s->in_end || s->in.head)
		return false;
	ga_chain_send_end(c, i, false, false);
	return true;
}

void ga_chain_update(struct ga_chain *c, const struct ga_toxic *t, double now)
{
	size_t i;
	struct ga_stage *s = stage_of(c, t, &i);

	if (!s || s->done)
		return;
	s->on = decide(t);
	s->started = now;
	s->armed = false;
	s->t = 0;
	free(s->cuts);
	s->cuts = NULL;
	/* the interrupted stage: what it was working on */
	if (s->in.head && t->type->interrupted)
		t->type->interrupted(c, i);
}

void ga_chain_remove(struct ga_chain *c, const struct ga_toxic *t)
{
	size_t i;
	struct ga_stage *s = stage_of(c, t, &i);
	bool end;

	if (!s)
		return;
	if (t->type->cleanup && !s->done)
		t->type->cleanup(c, i);
	/* what it holds goes on, in order */
	end = s->in_end && !s->done;
	ga_chain_pass_all(c, i);
	if (end) {
		if (i + 1 < c->n)
			c->st[i + 1].in_end = true;
		else
			c->end = true;
	}
	free(s->cuts);
	memmove(&c->st[i], &c->st[i + 1], (c->n - i - 1) * sizeof(*s));
	c->n--;
}

void ga_chain_input(struct ga_chain *c, struct ga_chunk *k)
{
	c->held += k->len;
	if (c->n)
		chunkq_push(&c->st[0].in, k);
	else
		chunkq_push(&c->out, k);
}

void ga_chain_input_end(struct ga_chain *c)
{
	if (c->n)
		c->st[0].in_end = true;
	else
		c->end = true;
}

/* ---- the stages --------------------------------------------------------------- */

/* Runs stage i at now: after its end everything is dropped; a stage
 * whose toxic is off, or has no pipe, is Toxiproxy's noop; else its
 * toxic's pipe.  Returns whether anything moved; *deadline gets the
 * stage's next time, when it waits for one. */
static bool run_stage(struct ga_chain *c, size_t i, double now,
		      double *deadline)
{
	struct ga_stage *s = &c->st[i];
	bool moved = false;

	if (s->done)
		return ga_chain_drop_all(c, i);
	if (!s->on || !s->toxic->type->pipe) {
		moved = ga_chain_pass_all(c, i);
		return ga_chain_pass_end(c, i) || moved;
	}
	return s->toxic->type->pipe(c, i, now, deadline);
}

double ga_chain_pump(struct ga_chain *c, double now)
{
	double next = 0, d;
	bool moved = true;
	size_t i;

	while (moved) {
		moved = false;
		next = 0;
		for (i = 0; i < c->n; i++) {
			d = 0;
			if (run_stage(c, i, now, &d))
				moved = true;
			if (d > 0 && (next == 0 || d < next))
				next = d;
		}
	}
	return next;
}

struct ga_chunk *ga_chain_peek(struct ga_chain *c)
{
	return c->out.head;
}

void ga_chain_consumed(struct ga_chain *c, size_t n)
{
	struct ga_chunk *k;
	size_t m;

	/* n bytes from the head on, over as many chunks as they take; the
	 * empty ones they reach go too */
	while ((k = c->out.head) != NULL) {
		m = n < k->len ? n : k->len;
		k->off += m;
		k->len -= m;
		c->out.bytes -= m;
		c->held -= m;
		n -= m;
		if (k->len)
			break;
		free(chunkq_pop(&c->out));
		if (!n && c->out.head && c->out.head->len)
			break;
	}
}
