/* report.h - reporters: how a run's results are shown.
 *
 * A reporter is a small table of functions called at the start and end of
 * the run and of each case (git's t/test-lib output hooks, in C).  The
 * human reporter is the default; TAP goes to the console on request and
 * JUnit XML to a file, alongside the console reporter.
 */
#ifndef GA_REPORT_H
#define GA_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "lang/scenario.h"
#include "report/matrix.h"
#include "result/result.h"
#include "result/results.h"
#include "util/error.h"

struct ga_reporter;

/* Each may be NULL: the reporter does nothing then. */
struct ga_reporter_ops {
	void (*begin_run)(struct ga_reporter *rep, size_t ncases);
	void (*begin_case)(struct ga_reporter *rep, size_t index,
			   const struct ga_scenario *sc);
	void (*end_case)(struct ga_reporter *rep, size_t index,
			 const struct ga_scenario *sc,
			 const struct ga_case_result *res);
	void (*end_run)(struct ga_reporter *rep,
			const struct ga_run_summary *sum);
	void (*destroy)(struct ga_reporter *rep);
};

struct ga_reporter {
	const struct ga_reporter_ops *ops;
	FILE *out;              /* borrowed, or owned when owns_out */
	bool owns_out;
	bool color;             /* human: ANSI colours */
	int verbose;            /* human: 1 shows every step */
	bool timings;           /* human: per-phase timing table */
	size_t ncases;
	void *state;            /* the reporter's own, freed by destroy */
};

/* Each returns a new reporter; free it with ga_reporter_free(). */
struct ga_reporter *ga_report_human_new(FILE *out, bool color, int verbose,
					bool timings);
struct ga_reporter *ga_report_tap_new(FILE *out);
/* Opens path for writing; NULL with err set if it cannot. */
struct ga_reporter *ga_report_junit_new(const char *path, struct ga_error *err);

/* JSON Lines, one object per step, case and run (docs/results-jsonl.md,
 * report/jsonl.c), to path, created or truncated; fresh (a path below
 * -o): what is there is removed first and the file made anew, never
 * through a symlink.  Each case is flushed as it ends, so a killed run
 * leaves what it did (without the last line, "end").  NULL with err set
 * if path cannot be written. */
struct ga_reporter *ga_report_jsonl_new(const char *path,
					const struct ga_jsonl_meta *meta,
					bool fresh, struct ga_error *err);

/* The same, into name below the open directory dirfd: made anew
 * (O_EXCL), never through a symlink. */
struct ga_reporter *ga_report_jsonl_new_at(int dirfd, const char *name,
					   const struct ga_jsonl_meta *meta,
					   struct ga_error *err);

/* A reporter of ops whose state is state (NULL: out of memory already),
 * owned from now on: destroy frees it, also when this fails.  NULL with
 * err set when out of memory. */
struct ga_reporter *ga_reporter_new(const struct ga_reporter_ops *ops,
				    void *state, struct ga_error *err);

void ga_reporter_free(struct ga_reporter *rep);

/* What the reporters share in their ops: a begin_case that writes
 * nothing, a destroy that frees the state and nothing else. */
void ga_reporter_no_case(struct ga_reporter *rep, size_t index,
			 const struct ga_scenario *sc);
void ga_reporter_free_state(struct ga_reporter *rep);

/* The ops of a reporter whose functions are named PREFIX_begin_run,
 * PREFIX_end_case and PREFIX_end_run, with begin_case writing nothing
 * and destroy as given. */
#define GA_REPORTER_OPS(prefix, destroy_fn)			\
	{							\
		.begin_run = prefix##_begin_run,		\
		.begin_case = ga_reporter_no_case,		\
		.end_case = prefix##_end_case,			\
		.end_run = prefix##_end_run,			\
		.destroy = (destroy_fn),			\
	}

/* One line per step that ran: "line 14: query app: mysql_real_query:
 * returned 2013 (CR_SERVER_LOST) ... after 1002 ms".  Shared by the
 * reporters.  only_checked: just the steps with an explicit expect line.
 * Each step's line is ga_step_line_write()'s (run/runner.h), as in
 * steps.log: what came from outside (messages, values, a driver's API
 * name) is escaped as plain text, valid UTF-8 and no control character
 * (util/escape.h). */
void ga_report_steps(FILE *f, const char *indent, const struct ga_scenario *sc,
		     const struct ga_case_result *res, bool only_checked);

#endif
