/* output.h - what "run" and "report" both do with their output
 * (plan/output.c): colours, the Markdown and HTML tables. */
#ifndef GA_PLAN_OUTPUT_H
#define GA_PLAN_OUTPUT_H

#include <stdbool.h>

#include "report/matrix.h"

/* --color WHEN (auto, always, never) with NO_COLOR and a terminal. */
bool ga_use_color(const char *when);
/* --html FILE: the server x client table as one HTML page, its links to each
 * cell's steps.log relative to FILE's directory.  Returns 0, or -1
 * after printing why it could not. */
int ga_write_html(const char *path, const struct ga_matrix *m);

#endif
