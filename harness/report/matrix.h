/* matrix.h - one table for a run against several servers and clients:
 * a row per scenario, a column per server × client, and in each cell the
 * verdict and the codes the checked steps saw ("PASS 2013,2006").  Shown
 * on the console at the end of the run and written as Markdown or HTML
 * on request (--markdown FILE, --html FILE).
 */
#ifndef GA_MATRIX_H
#define GA_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lang/scenario.h"
#include "result/result.h"
#include "util/error.h"

struct ga_matrix_cell {
	bool done;
	enum ga_verdict verdict;
	char codes[256];        /* "2013,2006", "ok", "hang",
				 * "ok[discarded+opened],2013[discarded]" */
	char *results;          /* owned: the directory its evidence was
				 * kept in (res->results), or NULL */
};

struct ga_matrix {
	size_t nrows, ncols;
	char **rows;            /* owned: scenario labels */
	char **cols;            /* owned: "server/client" */
	char **notes;           /* owned, per column: what the server and
				 * client really were ("10.11.19-MariaDB") */
	struct ga_matrix_cell *cells;   /* owned, nrows * ncols */
	char **heads;                   /* owned: lines a Markdown table
					 * starts with (where its results
					 * came from), nheads of them */
	size_t nheads;
};

/* Makes an empty table.  Returns 0, or -1 when out of memory. */
int ga_matrix_init(struct ga_matrix *m, struct ga_scenario *const *scs,
		   size_t nrows, size_t ncols);

/* Names column col ("local/builtin"); copies the text. */
int ga_matrix_column(struct ga_matrix *m, size_t col, const char *name);

/* Adds a line that a Markdown table starts with, a paragraph of its
 * own before the table (goneaway report: "Measured DATE by goneaway
 * ..."); copies the text, shown escaped.  The aligned text table shows
 * none.  Returns 0, or -1 when out of memory. */
int ga_matrix_head(struct ga_matrix *m, const char *line);

/* Fills the cell of scenario row in column col from its result (a copy
 * of res->results too: without memory, the cell has no evidence), and
 * notes what server the column ran against. */
void ga_matrix_set(struct ga_matrix *m, size_t row, size_t col,
		   const struct ga_scenario *sc,
		   const struct ga_case_result *res, const char *client);

/* The codes the checked steps of res saw, as a cell shows them. */
void ga_matrix_codes(const struct ga_scenario *sc,
		     const struct ga_case_result *res, char *buf, size_t len);

/* Prints the table: aligned text, or a Markdown table. */
void ga_matrix_print(const struct ga_matrix *m, FILE *f, bool markdown);

/* Writes the table as one self-contained HTML5 page (inline style, no
 * script, nothing fetched) to f, under title: a cell per scenario and
 * column coloured by its verdict (class and data-verdict "pass", "fail",
 * "skip", "error"; "none" for a cell not run), with a link to the
 * steps.log of its evidence.  base is the absolute directory the page
 * is written to: a link to evidence below it is relative to it, any
 * other (and every link when base is NULL) a file: URL.  Every text and
 * path from outside is escaped (report/matrix_html.c).  Returns 0, or
 * -1 with err set when f could not be written. */
int ga_matrix_html_write(const struct ga_matrix *m, FILE *f,
			 const char *title, const char *base,
			 struct ga_error *err);

void ga_matrix_free(struct ga_matrix *m);

#endif
