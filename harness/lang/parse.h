/* parse.h - reads scenario files (format: docs/scenario-format.md). */
#ifndef GA_PARSE_H
#define GA_PARSE_H

#include "lang/diag.h"
#include "util/error.h"
#include "lang/scenario.h"

/* Parses text as the contents of path (path is used for diagnostics and
 * to name the scenario).  On success returns 0 and sets *out to a new
 * scenario that the caller frees with ga_scenario_free().  If the text has
 * any problem, returns -1, leaves *out NULL and appends one diagnostic per
 * problem to diags (all of them, not just the first). */
int ga_parse_text(const char *path, const char *text,
		  struct ga_scenario **out, struct ga_diags *diags);

/* Reads path and parses it as ga_parse_text() does.  A file that cannot be
 * read is reported as a diagnostic at line 0. */
int ga_parse_file(const char *path, struct ga_scenario **out,
		  struct ga_diags *diags);

/* True when the parser has a handler for kind (a test checks every row of
 * lang/step.h has one). */
bool ga_parse_knows_step(enum ga_step_kind kind);

#endif
