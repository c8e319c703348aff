/* jobs_wire.h - a case result between goneaway's own processes.
 *
 * A worker of the run's pool (plan/jobs_workers.h) sends each result to
 * the process that forked it as the result's own JSON, the lines of
 * results.jsonl with what only the reader needs
 * (ga_results_write_whole, result/results.h): one codec for the result,
 * checked member by member as a file's is.  A step's expect line goes
 * by its index among the step's (the worker shares the parsed scenario
 * with its parent, a fork made after the files were parsed), and a call
 * name as text, kept by the reader's driver (ga_driver_intern).
 */
#ifndef GA_PLAN_JOBS_WIRE_H
#define GA_PLAN_JOBS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "client/driver.h"
#include "lang/scenario.h"
#include "result/result.h"
#include "util/error.h"

/* The most bytes of one result: its lines, one a step and the case's. */
#define GA_WORKERS_RESULT_MAX ((size_t)64 << 20)

/* Writes res, a result of sc (for job id), to fd, all of it (blocking).
 * Returns 0, or -1 with err set. */
int ga_workers_send(int fd, uint64_t id, const struct ga_scenario *sc,
		 const struct ga_case_result *res, struct ga_error *err);

/* Reads one result from fd, waiting at most timeout_ms between two
 * pieces of it: *id and res (free with ga_case_result_free) for sc, the
 * scenario of the job that fd's worker was given; the call names are
 * kept by names (NULL: none kept).  Returns 0, 1 at a clean end of file
 * (no result), or -1 with err set (res is then empty). */
int ga_workers_recv(int fd, const struct ga_scenario *sc,
		 struct ga_driver *names, long timeout_ms, uint64_t *id,
		 struct ga_case_result *res, struct ga_error *err);

#endif
