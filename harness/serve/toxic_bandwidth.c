/* toxic_bandwidth.c - Toxiproxy's bandwidth (its toxics/bandwidth.go):
 * rate KB/s let through, in pieces of 100 ms worth; 0 or less, no
 * limit. */
#include "serve/chain.h"

#define ATTRS(X, st) \
	X(st, rate, INT64, NULL, "rate in KB/s")
GA_TOXIC_ATTRS(bandwidth, ATTRS);

GA_TOXIC_PIPE(bandwidth)
{
	bool moved = false;
	size_t piece;

	while (s->in.head) {
		if (a->rate <= 0) {
			ga_chain_move_head(c, i);
			moved = true;
			continue;
		}
		piece = s->in.head->len;
		if ((long long)piece > a->rate * 100)
			piece = (size_t)(a->rate * 100);
		if (s->t == 0)
			s->t = (s->last > now ? s->last : now) +
			       (double)piece / (double)a->rate;
		if (now < s->t) {
			*deadline = s->t;
			return moved;
		}
		s->last = s->t;
		s->t = 0;
		if (ga_chain_move_piece(c, i, piece))
			return moved;   /* out of memory: try later */
		moved = true;
	}
	return ga_chain_pass_end(c, i) || moved;
}

const struct ga_toxic_type ga_toxic_bandwidth = {
	GA_TOXIC_PIPE_OF(bandwidth, "BandwidthToxic"),
	.what = "Limits the connection to rate kilobytes a second (0 or less: "
		"no limit).",
	.interrupted = ga_chain_move_head,
};
