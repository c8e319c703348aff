/* jobs_wire.h - a case result between goneaway's own processes.
 *
 * A worker of the run's pool (plan/jobs_workers.h) sends each result to the
 * process that forked it: the struct, its steps and their tallies, as
 * bytes, then each step's call name as text.  A step's expect line
 * points into the scenario, which the worker shares with its parent
 * because it is a fork made after the files were parsed; a call name
 * may live in the worker's memory only (a driver's), so it travels as
 * text and is kept by the reader's driver (ga_driver_intern).  The
 * reader checks every size and every expect pointer against the
 * scenario before it keeps anything.
 */
#ifndef GA_WIRE_H
#define GA_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "client/driver.h"
#include "lang/scenario.h"
#include "run/runner.h"
#include "util/error.h"

/* Writes res (for job id) to fd, all of it (blocking).  Returns 0, or
 * -1 with err set. */
int ga_wire_send(int fd, uint64_t id, const struct ga_case_result *res,
		 struct ga_error *err);

/* Reads one result from fd, waiting at most timeout_ms between two
 * pieces of it: *id and res (free with ga_case_result_free) for sc, the
 * scenario of the job that fd's worker was given; the call names are
 * kept by names (NULL: none kept).  Returns 0, 1 at a clean end of file
 * (no result), or -1 with err set (res is then empty). */
int ga_wire_recv(int fd, const struct ga_scenario *sc,
		 struct ga_driver *names, long timeout_ms, uint64_t *id,
		 struct ga_case_result *res, struct ga_error *err);

#endif
