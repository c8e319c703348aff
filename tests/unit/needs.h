/* needs.h - test cases that need what the process may lack (root), and
 * are then left out visibly instead of passing without having run.
 *
 * Check has no "skipped" result: a test that returns early is a pass.  So
 * a suite asks before it builds a test case that needs root; without root
 * the test case is never registered, a line says so before the run, and
 * check_main.c prints the count after Check's own summary.  Whether a
 * missing requirement is a skip or a failure is decided once, in
 * unit_needs_init() (see check_main.c for GA_UNIT_REQUIRE_ROOT).
 */
#ifndef GA_TEST_NEEDS_H
#define GA_TEST_NEEDS_H

#include <stdbool.h>
#include <stdio.h>

struct unit_needs {
	bool root;              /* the effective uid is 0 */
	bool required;          /* a test case left out is a failure */
	unsigned left_out;      /* selected test cases not registered */
	FILE *out;              /* where the SKIP/FAIL lines go (borrowed) */
};

/* Reads the process's state and GA_UNIT_REQUIRE_ROOT; lines go to out. */
void unit_needs_init(struct unit_needs *n, FILE *out);

/* Returns true when suite/tcase can run here.  Otherwise prints
 * "SKIP suite/tcase: needs root (why)" (or "FAIL ..." when required),
 * counts it if Check would have run it (CK_RUN_SUITE, CK_RUN_CASE,
 * CK_INCLUDE_TAGS) and returns false: the caller leaves it out. */
bool unit_needs_root(struct unit_needs *n, const char *suite,
		     const char *tcase, const char *why);

/* The source tree whose files some tests read (the shipped scenarios,
 * the fuzz corpora): $GA_UNIT_TOP when set, a copy that the user the
 * tests run as can read (t0080 runs them as nobody, and a checkout in
 * root's 0700 home is not that), else the tree they were built in (the
 * Makefile's GA_UNIT_TOP).  Static or the environment's: never freed. */
const char *unit_top(void);

/* Writes text[len] to path, whole (the test fails when it cannot). */
void unit_write_file(const char *path, const char *text, size_t len);

/* text[len] against the golden file path, byte for byte: the test fails
 * naming the first line that differs.  GA_GOLDEN_WRITE=1 writes it
 * instead, for a change meant to alter it (git diff then shows what). */
void unit_golden(const char *path, const char *text, size_t len);

/* After the run: one line naming how many test cases were left out and
 * whether that fails the run.  Returns true if it does. */
bool unit_needs_report(const struct unit_needs *n);

#endif
