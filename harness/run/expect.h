/* expect.h - matching observed outcomes against expect lines.  Pure
 * functions: no I/O, no server. */
#ifndef GA_EXPECT_H
#define GA_EXPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/outcome.h"
#include "lang/expect_describe.h"
#include "lang/scenario.h"

/* The expect line of step that applies to server: the first line whose
 * selector matches, else the step's default line (no selector).  Returns
 * NULL if the step has expect lines but none applies to this server.  For
 * a step with no expect lines, returns a static "ok" expectation. */
/* The expect line a step without one has: ok. */
const struct ga_expect *ga_expect_implicit(void);

const struct ga_expect *ga_expect_select(const struct ga_step *step,
					 const struct ga_server_id *server);

/* True when server matches sel.  A client=NAME matches server->client
 * (the driver's own name) or server->client_alias (the --client name); a
 * client version comparison never matches a client_version of 0
 * (unknown). */
bool ga_selector_matches(const struct ga_selector *sel,
			 const struct ga_server_id *server);

/* True when out satisfies exp.  When it does not, why (if not NULL)
 * receives the reason, e.g. "returned 2006 (CR_SERVER_GONE_ERROR) after
 * 3 ms, when expecting 2013 (CR_SERVER_LOST) within 2000 ms". */
bool ga_expect_match(const struct ga_expect *exp, const struct ga_outcome *out,
		     char *why, size_t whylen);

/* True when out's result is one of set's outcomes (no other check). */
bool ga_outcome_in_set(const struct ga_outcome_set *set,
		       const struct ga_outcome *out);

#endif
