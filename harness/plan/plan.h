/* plan.h - a run of many cases: what the command line asks for (struct
 * ga_plan: the scenarios, the servers, clients and proxies whose every
 * combination runs them, the jobs, the run's options and its outputs)
 * and the run itself (ga_plan_run), one case after another or on -j's
 * workers, whose result the command line turns into an exit status;
 * and the same outputs of results read back (ga_plan_report).
 *
 * The command line fills a plan (ga_plan_init, then its fields and
 * ga_plan_add_*), loads its scenarios (ga_plan_load) and runs it; the
 * plan owns the scenarios, the clients it opens and everything the run
 * makes, until ga_plan_free.
 */
#ifndef GA_PLAN_PLAN_H
#define GA_PLAN_PLAN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "plan/allow.h"
#include "plan/expectfile.h"
#include "plan/sink_record.h"
#include "plan/scenarios.h"
#include "plan/why.h"
#include "report/outputs.h"
#include "report/report.h"
#include "run/runner.h"
#include "util/error.h"
#include "util/interrupt.h"

#define GA_PLAN_CHOICES 16      /* --server, --client and --proxy values */
#define GA_PLAN_MAX_JOBS 64     /* -j */

struct ga_plan {
	/* what runs: every scenario for every combination */
	struct ga_path_list paths;              /* owned: the files */
	struct ga_scenario **scs;               /* owned: paths.n scenarios,
						 * the chosen ones first */
	size_t nscs;                            /* how many were chosen */
	struct ga_select_args select;           /* -k, --shard, --durations */
	struct ga_run_options opts;             /* every case's; the server,
						 * client and proxy are the
						 * combination's */
	char fixtures[PATH_MAX];                /* opts' default fixtures */
	char cache[PATH_MAX];                   /* ... and cache */
	const char *servers[GA_PLAN_CHOICES];   /* --server, in order */
	const struct ga_server_backend_ops *server_ops[GA_PLAN_CHOICES];
	char roots[GA_PLAN_CHOICES][PATH_MAX];  /* what follows a backend
						 * prefix (ga_server_options
						 * .arg) */
	size_t nservers;
	const char *clients[GA_PLAN_CHOICES];   /* --client, in order */
	size_t nclients;
	bool clients_given;                     /* a --client was given */
	const char *proxies[GA_PLAN_CHOICES];   /* --proxy, in order; none
						 * when not given */
	size_t nproxies;
	unsigned jobs;                          /* -j N; 0: the default
						 * (GONEAWAY_JOBS, or what the
						 * cores carry) */
	/* its outputs (report/outputs.h) */
	const struct ga_output *console;        /* --format's (human) */
	const char *files[GA_OUTPUTS_MAX];      /* --NAME FILE, by the
						 * output's row, NULL: none */
	bool color;
	int verbose;
	bool timings;
	struct ga_jsonl_meta meta;              /* for the JSON Lines */
	char results_jsonl[PATH_MAX];           /* -o's results.jsonl, "" */
	/* what it is held to */
	bool strict;
	struct ga_allow allowed;                /* --allow-skip rules */
	bool record;                            /* --record */
	const char *expectations;               /* --expectations FILE */
	/* what the run made, owned (ga_plan_free) */
	struct ga_driver drivers[GA_PLAN_CHOICES]; /* one per client */
	struct ga_expect_file ce;               /* --expectations' */
	struct ga_recorder rec;                 /* --record's */
};

/* A plan of the defaults: the local server, the built-in client (when
 * none is given), no proxy, evidence in goneaway-results, the human
 * console. */
void ga_plan_init(struct ga_plan *p);

/* --server SPEC, --client SPEC, --proxy none|NAME: one value more.
 * Returns 0, or -1 with err set (too many, or not one goneaway knows). */
int ga_plan_add_server(struct ga_plan *p, const char *spec,
		       struct ga_error *err);
int ga_plan_add_client(struct ga_plan *p, const char *spec,
		       struct ga_error *err);
int ga_plan_add_proxy(struct ga_plan *p, const char *name,
		      struct ga_error *err);

/* Reads the scenario files and directories args[0..n), every problem
 * printed, and chooses what -k and --shard say (p->scs[0..p->nscs));
 * a plan without --server or --client gets the local server and the
 * built-in client.  Returns 0, or -1 when nothing can run (printed). */
int ga_plan_load(struct ga_plan *p, char **args, int n);

enum ga_plan_status {
	GA_PLAN_DONE,           /* the run ran (result says how) */
	GA_PLAN_REFUSED,        /* nothing ran: what was asked cannot be
				 * (printed) */
	GA_PLAN_INTERRUPTED,    /* a signal came before anything ran */
	GA_PLAN_BROKEN,         /* the run could not go on (printed) */
};

struct ga_plan_result {
	struct ga_run_summary sum;
	size_t violations;              /* --strict's */
	bool record_failed;             /* --record: not written, or a case
					 * ended before its end (ERROR) */
	struct ga_why why;              /* told again at the end */
};

/* What the run executes or loads from passes util/trustdir.h's rule,
 * before anything runs: the cache and the fixtures (plan/paths.h) and
 * what each --server runs (server/server.h, check).  Not root, no case
 * starts a server (they all SKIP: run/runner.c), and the cache holds
 * the drivers' compiled code only: one that cannot be made (HOME unset:
 * the machine's, root's) leaves the drivers without it.  ga_plan_run
 * checks first; driver-test checks before its driver runs alone.
 * Returns 0, or -1 after saying why on stderr (exit 2). */
int ga_plan_check_dirs(struct ga_plan *p);

/* Where drivers keep what their start-up makes once per machine (a
 * JVM's compiled classes and class-data archive, Python's bytecode):
 * cache/drivers, in goneaway's own cache (cache: its real path, checked
 * by ga_check_cache, plan/paths.h; "" or NULL: none), which no one else
 * can write, down to its last file, never in the source tree or the
 * invoking user's home.  Told to every driver process through its
 * environment (GONEAWAY_DRIVER_CACHE, PYTHONPYCACHEPREFIX:
 * docs/driver-protocol.md); as root each driver gets its own below it,
 * built by the probe that reads its greeting (client/confine.c).  Said
 * on stderr when it cannot be made (drivers then start without it). */
void ga_drivers_cache_use(const char *cache);

/* Runs every chosen scenario for every combination of p: the outputs
 * fed as each case ends, the table, --record's or --expectations' file
 * written at the end.  Returns how it went; r is filled for
 * GA_PLAN_DONE. */
enum ga_plan_status ga_plan_run(struct ga_plan *p, struct ga_interrupt *in,
				struct ga_plan_result *r);

/* "goneaway report": the results files or -o directories inputs[0..n)
 * read back, merged and shown through p's outputs as one run would show
 * them, held to p's --strict (and every shard of a --shard K/N split
 * there).  Returns GA_PLAN_DONE with r filled, or GA_PLAN_REFUSED when
 * an input is not whole results (printed). */
enum ga_plan_status ga_plan_report(struct ga_plan *p, char **inputs, int n,
				   struct ga_plan_result *r);

/* Frees what the plan owns (the scenarios, then the expectation file
 * their lines came from). */
void ga_plan_free(struct ga_plan *p);

#endif
