/* jobs.h - the work a run gives the machine: the default -j ("goneaway
 * run" without -j), from GONEAWAY_JOBS or from the cores and what a start
 * of the run's servers costs (server/starts.h bounds the starts in
 * flight themselves).
 */
#ifndef GA_SERVER_JOBS_H
#define GA_SERVER_JOBS_H

#include <limits.h>
#include <stdbool.h>
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
 * the same CPU and verdicts, on 2 cores.  Then 8: the shipped suite with
 * the built-in client took 13.9 s at -j 16 and 10.6 to 11.1 s at -j 24
 * and -j 32, every client x the suite on MySQL 9.7 195.6 s at -j 24.
 * Then 12: with two start slots a core and the suite's longest case
 * shortened, the suite's 187 s of cases were the bound: 8.4 to 9.2 s at
 * -j 24 and 7.4 to 7.9 s at -j 32 on 2 cores, 1.07 x the CPU, 55
 * servers against 47; -j 48 7.2 s, 1.17 x the CPU, 70 servers.  Then 16:
 * 8.0 to 8.7 s at -j 32 (2026-11-27), its 3 to 5 s cases waiting behind
 * short ones while the workers ramped up.
 * Then 20 (16 with a driver, below): with the longer cases taken first
 * while starts are in flight (plan/jobs_schedule.c), 6.7 to 7.0 s at -j 40
 * against 7.1 to 7.6 s at
 * -j 32, alternating, with the same CPU (10 s) and verdicts; -j 48 6.9
 * to 7.0 s with 1.1 x the CPU.)  A
 * run starts fewer workers and adds them up to this only while a case
 * would otherwise wait longer than a server start (plan/jobs_schedule.h),
 * so short cases queue behind kept servers and long ones get workers of
 * their own. */
#define GA_JOBS_PER_CORE 20

/* ... and in a run whose clients include a driver (a process of its own
 * for each connection: a Python, a JVM): every worker starts that
 * driver's runtime too, so a worker more costs CPU beyond its server.
 * At 20 a core PyMySQL took 14.7 to 16.0 CPU s over the suite against
 * 13.5 to 14.4 at 16 a core (docs/benchmark-history.md, "The ramp"). */
#define GA_JOBS_PER_CORE_DRIVERS 16

/* What a worker may hold in memory at most: its server (MySQL 9.7's
 * resident size was 254 MiB here, MariaDB's about 110), the server's
 * datadir in memory (79 MiB for MySQL 9.7) and its lab.  The default -j
 * gives each worker this much of the memory available, so that a small
 * machine is not pushed into swap by the workers' servers. */
#define GA_JOB_MEMORY_MIB 400

/* MemAvailable of /proc/meminfo in MiB, or 0 when it cannot be read. */
unsigned long long ga_mem_available_mib(void);

/* The default -j: env (GONEAWAY_JOBS; NULL or "": not set) when it is a
 * number from 1 to max_jobs, else the cores times GA_JOBS_PER_CORE
 * (GA_JOBS_PER_CORE_DRIVERS when drivers: a client of the run is not the
 * built-in one), and
 * no more than one per GA_JOB_MEMORY_MIB of avail_mib (0: not known);
 * never more than nruns (when not 0) nor max_jobs.  why (len bytes) says
 * where the number came from ("GONEAWAY_JOBS=3", "2 cores x 12 per
 * core", "..., 1 per 400 MiB of the 2000 MiB available").  Returns 0 with
 * *jobs set, or -1 with err set when env is set but no such number. */
int ga_default_jobs(const char *env, size_t nruns, unsigned max_jobs,
		    unsigned long long avail_mib, bool drivers, unsigned *jobs,
		    char *why, size_t len, struct ga_error *err);

#endif
