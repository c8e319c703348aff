/* toxic_timeout.c - Toxiproxy's timeout (its toxics/timeout.go):
 * everything is dropped, and the end sent timeout after the stage met
 * the link (0: never); its removal sends the end (its Cleanup). */
#include "serve/chain.h"

#define ATTRS(X, st) \
	X(st, timeout, INT64, NULL, "time in milliseconds")
GA_TOXIC_ATTRS(timeout, ATTRS);

GA_TOXIC_PIPE(timeout)
{
	bool moved = ga_chain_drop_all(c, i);
	double at;

	if (a->timeout > 0) {
		at = s->started + (double)a->timeout;
		if (now >= at) {
			ga_chain_send_end(c, i, false, true);
			return true;
		}
		*deadline = at;
	}
	return ga_chain_pass_end(c, i) || moved;
}

static void timeout_cleanup(struct ga_chain *c, size_t i)
{
	ga_chain_send_end(c, i, false, true);
}

const struct ga_toxic_type ga_toxic_timeout = {
	GA_TOXIC_PIPE_OF(timeout, "TimeoutToxic"),
	.what = "Stops all data from getting through and closes the "
		"connection after timeout; with timeout 0 it never closes it, "
		"and data is dropped until the toxic is removed (which closes "
		"it).",
	.cleanup = timeout_cleanup,
};
