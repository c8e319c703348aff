/* select.h - choosing scenarios: "-k EXPR" over keywords and names, and
 * "--shard K/N" over the chosen ones.
 *
 * An expression is words joined by "and", "or", "not" and parentheses
 * (pytest's -k): "kill and not tls", "(timeout or hang) and not netem".
 * A word matches a scenario when it equals one of its keywords (case
 * aside) or is a part of its label or file name ("packet" matches
 * packet-too-large-blob).  "and" binds tighter than "or".
 *
 * Sharding is deterministic and balanced: scenarios are sorted by their
 * cost (measured seconds, heaviest first; ties by label) and each goes to
 * the shard with the least cost so far (ties: the lowest index).  Every
 * machine given the same files and costs computes the same split, and the
 * N shards together are exactly the run, each scenario once.
 *
 * Ownership: ga_select_parse() returns a tree freed with ga_select_free();
 * nothing else allocates.
 */
#ifndef GA_RUN_SELECT_H
#define GA_RUN_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/scenario.h"
#include "util/error.h"

struct ga_select;

/* Parses expr.  Returns 0 and a new tree in *out, or -1 with err set
 * ("-k: expected a word at column 7").  Words are letters, digits and
 * "-_.:/"; at most 64 levels of nesting. */
int ga_select_parse(const char *expr, struct ga_select **out,
		    struct ga_error *err);
void ga_select_free(struct ga_select *s);

/* Whether the scenario matches (its label, file name and keywords). */
bool ga_select_match(const struct ga_select *s, const struct ga_scenario *sc);

/* "K/N" with 1 <= K <= N <= 1000.  Returns 0, or -1 with err set. */
int ga_shard_parse(const char *text, unsigned *k, unsigned *n,
		   struct ga_error *err);

/* Assigns n items of the given costs (seconds, >= 0) and names (the
 * tie-break) to nshards shards: shard_of[i] in 0..nshards-1.  Pure. */
void ga_shard_assign(const double *cost, const char *const *names, size_t n,
		     unsigned nshards, unsigned *shard_of);

#endif
