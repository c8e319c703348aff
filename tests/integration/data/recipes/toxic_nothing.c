/* toxic_nothing.c - a toxic of t0006-recipes that lets everything
 * through: POST /proxies/{proxy}/toxics {"type":"nothing"}.  It goes in
 * as docs/ARCHITECTURE.md's recipe says: this file and its word in
 * GA_TOXICS; the serve unit suites then make, list, show and run it
 * with the others. */
#include "serve/chain.h"

#define ATTRS(X, st) \
	X(st, times, INT64, "1", "how many times it does nothing")
GA_TOXIC_ATTRS(nothing, ATTRS);

static bool nothing_pipe(struct ga_chain *c, size_t i, double now,
			 double *deadline)
{
	bool moved = ga_chain_pass_all(c, i);

	(void)now;
	(void)deadline;
	return ga_chain_pass_end(c, i) || moved;
}

const struct ga_toxic_type ga_toxic_nothing = {
	.name = "nothing",
	.family = GA_TOXIC_STANDARD,
	.go_struct = "NothingToxic",
	.what = "Lets everything through, as it came.",
	GA_TOXIC_ATTRS_OF(nothing),
	.pipe = nothing_pipe,
};
