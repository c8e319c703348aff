/* toxic_reset_peer.c - Toxiproxy's reset_peer (its toxics/reset_peer.go):
 * from the first chunk or end that reaches it on, everything is
 * dropped, and timeout later the end goes on as a reset.  On the proxy
 * when a connection starts, it makes that connection's every close a
 * reset (Toxiproxy sets SO_LINGER 0 then). */
#include "serve/chain.h"

#define ATTRS(X, st) \
	X(st, timeout, INT64, NULL, "time in milliseconds")
GA_TOXIC_ATTRS(reset_peer, ATTRS);

GA_TOXIC_PIPE(reset_peer)
{
	bool moved;

	if ((s->in.head || s->in_end) && !s->armed) {
		s->armed = true;
		s->t = now + (double)a->timeout;
	}
	moved = ga_chain_drop_all(c, i);
	if (s->armed) {
		if (now >= s->t) {
			ga_chain_send_end(c, i, true, true);
			return true;
		}
		*deadline = s->t;
	}
	return moved;
}

const struct ga_toxic_type ga_toxic_reset_peer = {
	GA_TOXIC_PIPE_OF(reset_peer, "ResetToxic"),
	.what = "Resets the connection (TCP RST to both sides) timeout after "
		"the first data (or end) reaches it; that data is dropped.",
	.resets = true,
};
