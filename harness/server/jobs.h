/* jobs.h - the work a run gives the machine: the default -j ("goneaway
 * run" without -j), from GONEAWAY_JOBS or from the cores and what a start
 * of the run's servers costs (server/starts.h bounds the starts in
 * flight themselves).
 */
#ifndef GA_SERVER_JOBS_H
#define GA_SERVER_JOBS_H

#include <limits.h>
#include <stddef.h>

#include "server/server.h"
#include "util/error.h"

/* The start weight (ga_server_start_weight) of the heaviest of n --server
 * values, guessed before any is opened: local is MariaDB; a root's
 * flavour is what its programs say (ga_root_detect); an image whose name
 * says mysql and not mariadb is MySQL. */
unsigned ga_server_guess_weight(const struct ga_server_backend_ops *const *ops,
				const char (*args)[PATH_MAX], size_t n);

/* Scenarios side by side per core at most when no -j is given, whatever
 * the server: a scenario mostly waits (for the timeouts it provokes); a
 * server's start does not, but the starts in flight are bounded by the
 * cores on their own (server/starts.h), and a kept server is not started
 * again.  (It was 4 for MySQL: 4 clients x the suite on MySQL 9.7 took
 * 108.6 s at -j 8, 75.2 s at -j 16, 73.3 s at -j 24, 76.7 s at -j 32, with
 * the same CPU and verdicts, on 2 cores.)  A run starts fewer workers and
 * adds them up to this only while a case would otherwise wait longer than
 * a server start (plan/jobs_schedule.h), so short cases queue behind kept
 * servers and long ones get workers of their own. */
#define GA_JOBS_PER_CORE 8

/* The default -j: env (GONEAWAY_JOBS; NULL or "": not set) when it is a
 * number from 1 to max_jobs, else the cores times GA_JOBS_PER_CORE; never
 * more than nruns (when not 0) nor max_jobs.  why (len bytes) says where
 * the number came from ("GONEAWAY_JOBS=3", "2 cores x 8 per core").
 * Returns 0 with *jobs set, or -1 with err set when env is set but no
 * such number. */
int ga_default_jobs(const char *env, size_t nruns,
		    unsigned max_jobs, unsigned *jobs, char *why, size_t len,
		    struct ga_error *err);

#endif
