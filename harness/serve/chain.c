/* chain.c - see chain.h: Toxiproxy's toxics as stages of queues moved on
 * by the clock. */
#include "serve/chain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4;
		struct ga_stage *st = realloc(c->st, cap * sizeof(*st));

		if (!st)
			return -1;
		c->st = st;
		c->cap = cap;
	}
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

/* Stage i sends the end on: the end that came to it, or one of its own
 * (own: its toxic closes the link). */
static void send_end(struct ga_chain *c, size_t i, bool reset, bool own)
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

static void move_head(struct ga_chain *c, size_t i)
{
	struct ga_chunk *k = chunkq_pop(&c->st[i].in);

	chunkq_push(next_q(c, i), k);
}

/* The first len bytes of the head of stage i go on as a chunk of their
 * own (the rest stays). */
static int move_piece(struct ga_chain *c, size_t i, size_t len)
{
	struct ga_stage *s = &c->st[i];
	struct ga_chunk *h = s->in.head, *k;

	if (len >= h->len) {
		move_head(c, i);
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

static void drop_head(struct ga_chain *c, size_t i)
{
	struct ga_chunk *k = chunkq_pop(&c->st[i].in);

	c->held -= k->len;
	free(k);
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
	/* the interrupted stage sends on what it was working on */
	switch (t->type->kind) {
	case GA_TK_LATENCY:
	case GA_TK_BANDWIDTH:
	case GA_TK_SLICER:
		if (s->in.head)
			move_head(c, i);
		break;
	default:
		break;
	}
}

void ga_chain_remove(struct ga_chain *c, const struct ga_toxic *t)
{
	size_t i;
	struct ga_stage *s = stage_of(c, t, &i);
	bool end;

	if (!s)
		return;
	if (t->type->kind == GA_TK_TIMEOUT && !s->done)
		send_end(c, i, false, true);    /* its Cleanup closes */
	/* what it holds goes on, in order */
	end = s->in_end && !s->done;
	while (s->in.head)
		move_head(c, i);
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

static double latency_of(const struct ga_toxic *t)
{
	long long d = ga_toxic_num(t, "latency"), j = ga_toxic_num(t, "jitter");

	if (j > 0)              /* Go: rand.Int63n(jitter * 2) - jitter */
		d += (long long)(drand48() * (double)(2 * j)) - j;
	return (double)d;
}

/* The ends of the pieces slicer cuts [start, end) into (Toxiproxy's
 * recursive halving, with pieces of at least a byte), appended to
 * cuts. */
static void slice(const struct ga_toxic *t, size_t start, size_t end,
		  size_t *cuts, size_t *n)
{
	long long avg = ga_toxic_num(t, "average_size");
	long long var = ga_toxic_num(t, "size_variation");
	size_t mid;
	long long off;

	if ((long long)(end - start) - avg <= var || end - start <= 1) {
		cuts[(*n)++] = end;
		return;
	}
	mid = start + (end - start) / 2;
	if (var > 0) {
		off = (long long)(drand48() * (double)(2 * var)) - var;
		if (off < 0 && (size_t)-off >= mid - start)
			mid = start + 1;
		else if (off > 0 && (size_t)off >= end - mid)
			mid = end - 1;
		else
			mid = (size_t)((long long)mid + off);
	}
	slice(t, start, mid, cuts, n);
	slice(t, mid, end, cuts, n);
}

/* Runs stage i at now.  Returns whether anything moved; *deadline gets
 * the stage's next time, when it waits for one. */
static bool run_stage(struct ga_chain *c, size_t i, double now,
		      double *deadline)
{
	struct ga_stage *s = &c->st[i];
	const struct ga_toxic *t = s->toxic;
	bool moved = false;
	long long rate, left;
	size_t piece;

	if (s->done) {                  /* after its end: dropped */
		while (s->in.head) {
			drop_head(c, i);
			moved = true;
		}
		return moved;
	}
	if (!s->on) {                   /* Toxiproxy's noop */
		while (s->in.head) {
			move_head(c, i);
			moved = true;
		}
		if (s->in_end) {
			send_end(c, i, false, false);
			moved = true;
		}
		return moved;
	}
	switch (t->type->kind) {
	case GA_TK_LATENCY:
		while (s->in.head) {
			if (s->t == 0)
				s->t = s->in.head->ts + latency_of(t);
			if (now < s->t) {
				*deadline = s->t;
				return moved;
			}
			s->in.head->ts = s->t;
			s->t = 0;
			move_head(c, i);
			moved = true;
		}
		break;
	case GA_TK_BANDWIDTH:
		rate = ga_toxic_num(t, "rate");
		while (s->in.head) {
			if (rate <= 0) {
				move_head(c, i);
				moved = true;
				continue;
			}
			piece = s->in.head->len;
			if ((long long)piece > rate * 100)
				piece = (size_t)(rate * 100);
			if (s->t == 0)
				s->t = (s->last > now ? s->last : now) +
				       (double)piece / (double)rate;
			if (now < s->t) {
				*deadline = s->t;
				return moved;
			}
			s->last = s->t;
			s->t = 0;
			if (move_piece(c, i, piece))
				return moved;   /* out of memory: try later */
			moved = true;
		}
		break;
	case GA_TK_SLICER:
		while (s->in.head) {
			if (s->t && now < s->t) {
				*deadline = s->t;
				return moved;
			}
			if (!s->cuts) {
				size_t len = s->in.head->len;

				s->cuts = malloc((len ? len : 1) * sizeof(*s->cuts));
				if (!s->cuts)
					return moved;
				s->ncuts = s->cut_at = 0;
				if (len)
					slice(t, 0, len, s->cuts, &s->ncuts);
			}
			piece = s->cut_at < s->ncuts ? s->cuts[s->cut_at] -
				(s->cut_at ? s->cuts[s->cut_at - 1] : 0) : 0;
			if (s->cut_at + 1 >= s->ncuts) {
				move_head(c, i);        /* its last piece */
				free(s->cuts);
				s->cuts = NULL;
			} else if (move_piece(c, i, piece)) {
				return moved;
			} else {
				s->cut_at++;
			}
			moved = true;
			s->t = ga_toxic_num(t, "delay") > 0 ? now +
			       (double)ga_toxic_num(t, "delay") / 1000.0 : 0;
		}
		if (s->t && now >= s->t)
			s->t = 0;
		break;
	case GA_TK_LIMIT_DATA:
		while (s->in.head) {
			left = ga_toxic_num(t, "bytes") - s->sent;
			if (left < 0)
				left = 0;
			if ((long long)s->in.head->len > left) {
				size_t cut = s->in.head->len - (size_t)left;

				s->in.head->len = (size_t)left;
				s->in.bytes -= cut;
				c->held -= cut;
			}
			if (s->in.head->len) {
				s->sent += (long long)s->in.head->len;
				move_head(c, i);
			} else {
				drop_head(c, i);
			}
			moved = true;
			if (ga_toxic_num(t, "bytes") - s->sent <= 0) {
				send_end(c, i, false, true);
				return true;
			}
		}
		break;
	case GA_TK_TIMEOUT:
		while (s->in.head) {
			drop_head(c, i);
			moved = true;
		}
		if (ga_toxic_num(t, "timeout") > 0) {
			double at = s->started + (double)ga_toxic_num(t, "timeout");

			if (now >= at) {
				send_end(c, i, false, true);
				return true;
			}
			*deadline = at;
		}
		break;
	case GA_TK_RESET_PEER:
		if ((s->in.head || s->in_end) && !s->armed) {
			s->armed = true;
			s->t = now + (double)ga_toxic_num(t, "timeout");
		}
		while (s->in.head) {
			drop_head(c, i);
			moved = true;
		}
		if (s->armed) {
			if (now >= s->t) {
				send_end(c, i, true, true);
				return true;
			}
			*deadline = s->t;
		}
		return moved;
	case GA_TK_SLOW_CLOSE:
	default:                        /* mysql and fault toxics: no stage */
		while (s->in.head) {
			move_head(c, i);
			moved = true;
		}
		break;
	}
	if (s->in_end && !s->in.head) {
		if (t->type->kind == GA_TK_SLOW_CLOSE) {
			if (s->t == 0)
				s->t = now + (double)ga_toxic_num(t, "delay");
			if (now < s->t) {
				*deadline = s->t;
				return moved;
			}
		}
		send_end(c, i, false, false);
		moved = true;
	}
	return moved;
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
