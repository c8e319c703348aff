/* toxic_noop.c - Toxiproxy's noop (its toxics/noop.go): every chunk and
 * the end pass as they came.  No attributes ("attributes": {}). */
#include "serve/chain.h"

GA_TOXIC_PIPE(noop)
{
	(void)s;
	(void)a;
	(void)now;
	(void)deadline;
	return ga_chain_pass_all(c, i) | ga_chain_pass_end(c, i);
}

const struct ga_toxic_type ga_toxic_noop = {
	GA_TOXIC_HEAD(noop, GA_TOXIC_STANDARD, "NoopToxic"),
	.what = "Passes all data through as it came (Toxiproxy's noop: a "
		"toxic that does nothing, for tests of the API).",
	.pipe = noop_pipe,
	.interrupted = ga_chain_move_head,
};
