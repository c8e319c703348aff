/* toxic_slow_close.c - Toxiproxy's slow_close (its toxics/slow_close.go):
 * the data goes on, and the end waits delay once it came. */
#include "serve/chain.h"

#define ATTRS(X, st) \
	X(st, delay, INT64, NULL, "time in milliseconds")
GA_TOXIC_ATTRS(slow_close, ATTRS);

static bool slow_close_pipe(struct ga_chain *c, size_t i, double now,
			    double *deadline)
{
	struct ga_stage *s = &c->st[i];
	bool moved = ga_chain_pass_all(c, i);

	if (!s->in_end)
		return moved;
	if (s->t == 0)
		s->t = now + (double)((const struct slow_close *)
				      s->toxic->attrs)->delay;
	if (now < s->t) {
		*deadline = s->t;
		return moved;
	}
	return ga_chain_pass_end(c, i) || moved;
}

const struct ga_toxic_type ga_toxic_slow_close = {
	.name = "slow_close",
	.family = GA_TOXIC_STANDARD,
	.go_struct = "SlowCloseToxic",
	.what = "Delays the close of the connection by delay once its source "
		"has closed.",
	GA_TOXIC_ATTRS_OF(slow_close),
	.pipe = slow_close_pipe,
};
