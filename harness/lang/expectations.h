/* expectations.h - a connector's expectation file: what one client does
 * in goneaway's scenarios (and its own), kept in the connector's own
 * repository (docs/expectations.md).
 *
 *     goneaway-expectations 1
 *     client pymysql
 *     driver cmd:python3 test/goneaway-driver.py
 *     kill-idle:40      *          query app      CR_SERVER_LOST within 1s
 *     wait-timeout:49   mysql-9.7  query app      CR_SERVER_LOST within 1s
 *
 * One line per scenario step and server: the scenario's label and the
 * step's line, the --server it is for ("*": every server without a line
 * of its own), the step as written (its keyword and connection) and the
 * outcome, as an expect line writes it.  "goneaway run --expectations
 * FILE" holds the client to these lines instead of the scenario's own
 * (ga_expectations_apply); "--record" writes the file.
 *
 * Ownership: a struct ga_expectations owns everything reachable from it;
 * free it with ga_expectations_free().  The expect lines it puts into
 * scenarios are the scenarios' own (copies), pointing back at it only
 * through their origin (the file's path, borrowed: keep x alive as long
 * as the scenarios).
 */
#ifndef GA_EXPECTATIONS_H
#define GA_EXPECTATIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lang/diag.h"
#include "lang/scenario.h"

#define GA_EXPECTATIONS_FORMAT 1
#define GA_EXPECTATIONS_MAX_SIZE (8L << 20)     /* bytes of one file */
/* The most step lines one file holds: a connector's has a few thousand
 * (every scenario's steps on a few servers).  Reading stops at the
 * first line past it, with an error naming the cap: each line read
 * costs about a kilobyte, whatever its length. */
#define GA_EXPECTATIONS_MAX_LINES 100000
/* Reading stops after this many problems, saying so: each costs a
 * diagnostic, and a file of 8 MiB of bad lines would hold millions. */
#define GA_EXPECTATIONS_MAX_ERRORS 100

/* One line: a step of a scenario, on one server. */
struct ga_expectation {
	int line;                       /* its line in the file */
	char *label;                    /* owned: the scenario's label */
	int step_line;                  /* the step's line in the scenario */
	char server[GA_SERVER_NAME_MAX];        /* "" for '*': any */
	enum ga_step_kind kind;
	char conn[GA_NAME_MAX];         /* "" for a step on no connection */
	struct ga_expect expect;        /* owned strings; no selector */
	int label_col, kind_col, conn_col;      /* for diagnostics */
};

/* A comment of the file, kept where it was when goneaway writes the
 * file again (issue 38): the comment lines before a line and the
 * comment at its end go with that line's place (label, step line,
 * server), whatever the line says then. */
struct ga_expectation_note {
	char *label;                    /* owned */
	int step_line;
	char server[GA_SERVER_NAME_MAX];        /* "" for '*' */
	char *before;                   /* owned: whole comment lines, each
					 * ending in '\n'; NULL: none */
	char *after;                    /* owned: "# ..." at the line's end;
					 * NULL: none */
};

struct ga_expectations {
	char *path;                     /* owned */
	char *head;                     /* owned: the comment lines before
					 * "goneaway-expectations", written
					 * again in place of goneaway's own
					 * head; NULL: none */
	char *tail;                     /* owned: comment lines after the
					 * last line's; NULL: none */
	struct ga_expectation_note *notes;      /* owned: by place */
	size_t nnotes;
	char *client;                   /* owned: the name the client's
					 * driver gives itself; NULL: none */
	char *driver;                   /* owned: how to start it, as
					 * --client takes it ("builtin",
					 * "pymysql", "cmd:python3 x.py");
					 * NULL: none */
	int client_line, driver_line;
	struct ga_expectation *items;   /* owned */
	size_t n;
};

/* Reads text as the contents of path into x (zeroed by the caller).
 * Returns 0, or -1 with one diagnostic per problem in diags (x then
 * holds what was read; free it all the same). */
int ga_expectations_parse_text(const char *path, const char *text,
			       struct ga_expectations *x,
			       struct ga_diags *diags);

/* Reads the file at path (at most GA_EXPECTATIONS_MAX_SIZE bytes, no NUL
 * byte), as ga_expectations_parse_text() does. */
int ga_expectations_read(const char *path, struct ga_expectations *x,
			 struct ga_diags *diags);

void ga_expectations_free(struct ga_expectations *x);

/* Puts the lines in the order the file is written in: scenario label,
 * step line, then server ('*' first). */
void ga_expectations_sort(struct ga_expectations *x);

/* Writes x to f as the file reads (sorted first), with a header comment
 * (the file's own, when it had one) and its comments where they were
 * (struct ga_expectation_note).  Returns 0, or -1 when a line could not
 * be written in full (its text is too long). */
int ga_expectations_write(FILE *f, struct ga_expectations *x);

/* The line of x for the step at step_line of the scenario label, on
 * server ("" : the '*' line), or NULL. */
const struct ga_expectation *
ga_expectations_find(const struct ga_expectations *x, const char *label,
		     int step_line, const char *server);

/* Puts x's lines into the steps of scs[0..n) they name (by label), as
 * expect lines of client x->client (and of the line's server), ahead
 * of the scenario's own so that they apply first; their origin is
 * x->path.  A line that names no step of its scenario, or another step
 * than the one there (its keyword, its connection), is a diagnostic at
 * its line and column: the scenario changed since the file was
 * written.  Lines of scenarios not among scs are left alone; *unused
 * (if not NULL) receives how many.  Returns 0, or -1 (diagnostics
 * added; nothing put anywhere). */
int ga_expectations_apply(const struct ga_expectations *x,
			  struct ga_scenario **scs, size_t n, size_t *unused,
			  struct ga_diags *diags);

/* True when e is one of the lines ga_expectations_apply() put in. */
bool ga_expect_from_file(const struct ga_expect *e);

#endif
