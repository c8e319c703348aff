/* toxic_latency.c - Toxiproxy's latency (its toxics/latency.go): each
 * chunk leaves at the time it was read + latency +/- jitter. */
#include "serve/chain.h"

#include <stdlib.h>

#define ATTRS(X, st) \
	X(st, latency, INT64, NULL, "time in milliseconds") \
	X(st, jitter, INT64, NULL, "time in milliseconds")
GA_TOXIC_ATTRS(latency, ATTRS);

static double delay_of(const struct latency *a)
{
	long long d = a->latency, j = a->jitter;

	if (j > 0)              /* Go: rand.Int63n(jitter * 2) - jitter */
		d += (long long)(drand48() * (double)(2 * j)) - j;
	return (double)d;
}

GA_TOXIC_PIPE(latency)
{
	bool moved = false;

	while (s->in.head) {
		if (s->t == 0)
			s->t = s->in.head->ts + delay_of(a);
		if (now < s->t) {
			*deadline = s->t;
			return moved;
		}
		s->in.head->ts = s->t;
		s->t = 0;
		ga_chain_move_head(c, i);
		moved = true;
	}
	return ga_chain_pass_end(c, i) || moved;
}

const struct ga_toxic_type ga_toxic_latency = {
	GA_TOXIC_PIPE_OF(latency, "LatencyToxic"),
	.what = "Delays all data through the proxy by latency +/- jitter.",
	.interrupted = ga_chain_move_head,
};
