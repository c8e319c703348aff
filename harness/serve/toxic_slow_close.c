/* toxic_slow_close.c - Toxiproxy's slow_close (its toxics/slow_close.go):
 * the data goes on, and the end waits delay once it came. */
#include "serve/chain.h"

#define ATTRS(X, st) \
	X(st, delay, INT64, NULL, "time in milliseconds")
GA_TOXIC_ATTRS(slow_close, ATTRS);

GA_TOXIC_PIPE(slow_close)
{
	bool moved = ga_chain_pass_all(c, i);

	if (!s->in_end)
		return moved;
	if (s->t == 0)
		s->t = now + (double)a->delay;
	if (now < s->t) {
		*deadline = s->t;
		return moved;
	}
	return ga_chain_pass_end(c, i) || moved;
}

const struct ga_toxic_type ga_toxic_slow_close = {
	GA_TOXIC_PIPE_OF(slow_close, "SlowCloseToxic"),
	.what = "Delays the close of the connection by delay once its source "
		"has closed.",
};
