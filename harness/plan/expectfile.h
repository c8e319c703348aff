/* expectfile.h - what "goneaway run" and "goneaway check" do with
 * --expectations FILE (plan/expectfile.c). */
#ifndef GA_PLAN_EXPECTFILE_H
#define GA_PLAN_EXPECTFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "client/driver.h"
#include "lang/expectations.h"
#include "run/runner.h"

/* A connector's expectation file, as a command has it. */
struct ga_expect_file {
	const char *path;               /* borrowed: --expectations FILE */
	bool exists;                    /* it was read (else a --record run
					 * makes it) */
	struct ga_expectations x;
	size_t unused;                  /* its lines of scenarios not run */
	struct ga_expect_gap *gaps;    /* owned: steps the file's client
					 * carried out that it has no line
					 * for (expect_file_ran) */
	size_t ngaps;
};

/* A checked step that ran without a line of the file. */
struct ga_expect_gap {
	const struct ga_scenario *sc;   /* borrowed */
	int line;                       /* the step's line */
};

/* Reads path into ce, printing every problem as FILE:LINE:COL.  A file
 * that is not there is an empty one when may_be_new (a --record run
 * makes it).  Returns 0, or -1 (printed). */
int ga_expect_file_load(struct ga_expect_file *ce, const char *path,
			  bool may_be_new);

/* Puts ce's lines into scs[0..n) (lang/expectations.h), printing the
 * lines that name no step there.  Returns 0, or -1 (printed). */
int ga_expect_file_apply(struct ga_expect_file *ce,
			   struct ga_scenario **scs, size_t n);

/* How many checked steps of scs[0..n) ce has no line for; with print, a
 * warning naming the first of them ("goneaway check": nothing ran, so
 * the steps are the scenarios', whether the client can do them or
 * not). */
size_t ga_expect_file_missing(const struct ga_expect_file *ce,
				struct ga_scenario **scs, size_t n,
				bool print);

/* Writes ce's lines to its path (a new file, then renamed over it).
 * Returns 0, or -1 (printed). */
int ga_expect_file_save(struct ga_expect_file *ce);

void ga_expect_file_free(struct ga_expect_file *ce);

#endif
