/* wire.h - a case result between goneaway's own processes.
 *
 * A worker of the run's pool (run/pool.h) sends each result to the
 * process that forked it: the struct, its steps and their tallies, as
 * bytes.  Pointers in it (a step's expect line, an outcome's API name)
 * point into the scenarios and the program's own constants, which the
 * worker shares with its parent because it is a fork made after they
 * were parsed; the reader still checks every size and every expect
 * pointer against the scenario before it keeps anything.
 */
#ifndef GA_WIRE_H
#define GA_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "lang/scenario.h"
#include "run/runner.h"
#include "util/error.h"

/* Writes res (for job id) to fd, all of it (blocking).  Returns 0, or
 * -1 with err set. */
int ga_wire_send(int fd, uint64_t id, const struct ga_case_result *res,
		 struct ga_error *err);

/* Reads one result from fd, waiting at most timeout_ms between two
 * pieces of it: *id and res (free with ga_case_result_free) for sc, the
 * scenario of the job that fd's worker was given.  Returns 0, 1 at a
 * clean end of file (no result), or -1 with err set (res is then
 * empty). */
int ga_wire_recv(int fd, const struct ga_scenario *sc, long timeout_ms,
		 uint64_t *id, struct ga_case_result *res,
		 struct ga_error *err);

#endif
