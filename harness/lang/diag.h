/* diag.h - parser diagnostics, printed the way a compiler prints them:
 *
 *     scenarios/kill-idle.gw:12:7: error: unknown connection 'ap'
 *
 * A list of diagnostics is collected for a whole file before anything is
 * reported, so one run shows every problem in the file.
 */
#ifndef GA_DIAG_H
#define GA_DIAG_H

#include <stddef.h>
#include <stdio.h>

struct ga_diag {
	char *path;     /* owned */
	int line;       /* 1-based */
	int col;        /* 1-based; 0 when the whole line is meant */
	char *msg;      /* owned */
};

struct ga_diags {
	struct ga_diag *items;  /* owned array */
	size_t n;
	size_t cap;
};

/* The diagnostics of one list that keep their text: past them (a file
 * of a million bad lines) each still counts, with its line and column,
 * but its message is neither made nor kept, and printing ends with how
 * many more there were (a compiler's -fmax-errors).  A diagnostic then
 * costs memory in proportion to the lines read, not to their text. */
#define GA_DIAGS_SHOWN_MAX 1000

/* Appends a diagnostic (printf-style message; past GA_DIAGS_SHOWN_MAX
 * counted without it: its path and msg NULL).  Allocation failure aborts:
 * a parser that cannot report is of no use. */
void ga_diags_add(struct ga_diags *d, const char *path, int line, int col,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Prints "path:line:col: error: msg" lines to f, in the order added;
 * path and msg escaped as plain text (util/escape.h): a control
 * character or a byte that is not UTF-8 from the file shows as \x1B. */
void ga_diags_print(const struct ga_diags *d, FILE *f);

/* Frees every diagnostic; d itself is caller-owned and left empty. */
void ga_diags_free(struct ga_diags *d);

#endif
