/* toxic_limit_data.c - Toxiproxy's limit_data (its
 * toxics/limit_data.go): bytes let through in all, then the end. */
#include "serve/chain.h"

#define ATTRS(X, st) \
	X(st, bytes, INT64, NULL, "how many bytes pass before the close")
GA_TOXIC_ATTRS(limit_data, ATTRS);

GA_TOXIC_PIPE(limit_data)
{
	bool moved = false;
	long long left;
	size_t cut;

	(void)now;
	(void)deadline;
	while (s->in.head) {
		left = a->bytes - s->sent;
		if (left < 0)
			left = 0;
		if ((long long)s->in.head->len > left) {
			cut = s->in.head->len - (size_t)left;
			s->in.head->len = (size_t)left;
			s->in.bytes -= cut;
			c->held -= cut;
		}
		if (s->in.head->len) {
			s->sent += (long long)s->in.head->len;
			ga_chain_move_head(c, i);
		} else {
			ga_chain_drop_head(c, i);
		}
		moved = true;
		if (a->bytes - s->sent <= 0) {
			ga_chain_send_end(c, i, false, true);
			return true;
		}
	}
	return ga_chain_pass_end(c, i) || moved;
}

const struct ga_toxic_type ga_toxic_limit_data = {
	GA_TOXIC_PIPE_OF(limit_data, "LimitDataToxic"),
	.what = "Closes the connection once bytes have gone through.",
};
