/* parse_util.h - what the parser's test files share: parse a text that
 * must be valid or must fail, and check one diagnostic. */
#ifndef GA_TEST_PARSE_UTIL_H
#define GA_TEST_PARSE_UTIL_H

#include <stddef.h>

#include "lang/diag.h"
#include "lang/scenario.h"

/* Parses text as "dir/ok.gw", which must be valid (the diagnostics are
 * printed if not).  Returns the scenario: free it with
 * ga_scenario_free(). */
struct ga_scenario *parse_ok(const char *text);

/* Parses text as "bad.gw", which must fail; d receives the diagnostics
 * (free them with ga_diags_free()). */
void parse_bad(const char *text, struct ga_diags *d);

/* Diagnostic i of d is at line:col of bad.gw and contains substring. */
void assert_diag(const struct ga_diags *d, size_t i, int line, int col,
		 const char *substring);

/* Parses text as "bad.gw", which must fail with exactly one diagnostic,
 * at line:col and containing substring (all of them printed if not). */
void parse_bad_one(const char *text, int line, int col,
		   const char *substring);

#endif
