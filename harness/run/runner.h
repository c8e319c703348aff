/* runner.h - runs scenarios and decides their verdicts.
 *
 * One struct ga_runner serves a whole run: it owns the run's temporary
 * directory (swept by a later run if this one is SIGKILLed), the checks
 * made once (root, mariadbd, the template datadir) and the options.  Each
 * scenario then gets its own lab, datadir copy and mariadbd, all removed
 * before ga_runner_run() returns, whatever the verdict.
 */
#ifndef GA_RUNNER_H
#define GA_RUNNER_H

#include <limits.h>
#include <stdbool.h>

#include "util/error.h"
#include "util/interrupt.h"
#include "lang/outcome.h"
#include "lang/scenario.h"

enum ga_verdict {
	GA_VERDICT_PASS = 0,    /* every step happened and matched */
	GA_VERDICT_FAIL,        /* a step's outcome did not match */
	GA_VERDICT_SKIP,        /* a requirement is missing on this machine */
	GA_VERDICT_ERROR,       /* the harness could not do what the file says */
};

const char *ga_verdict_name(enum ga_verdict v);

struct ga_run_options {
	const char *mariadbd;           /* server binary */
	const char *install_db;         /* mariadb-install-db */
	const char *fixtures_dir;       /* holds server/mariadb.cnf, ... */
	const char *cache_dir;          /* template datadir cache */
	const char *results_dir;        /* NULL: keep no results */
	const char *tmp_root;           /* where run directories go */
	long step_timeout_ms;           /* watchdog for unbounded steps */
	long server_timeout_ms;         /* start-up and shutdown bound */
};

/* How often one outcome came up over a scenario's repetitions. */
struct ga_tally {
	enum ga_result result;
	unsigned err;                   /* for GA_RESULT_ERROR */
	long count;
};

#define GA_MAX_TALLY 8

struct ga_step_result {
	struct ga_tally tally[GA_MAX_TALLY];    /* over every run, in order
						 * of first appearance */
	size_t ntally;
	bool ran;                       /* the step was carried out */
	bool matched;                   /* its outcome matched */
	const struct ga_expect *expect; /* borrowed: the line that applied,
					 * NULL for actions and sends */
	struct ga_outcome out;
};

struct ga_case_result {
	enum ga_verdict verdict;
	char reason[1024];              /* why, for FAIL/SKIP/ERROR */
	int line;                       /* the step's line, 0 if none */
	struct ga_step_result *steps;   /* owned, one per scenario step */
	size_t nsteps;
	char server_version[128];
	int signo;                      /* the signal that interrupted it */
	double wall_ms;                 /* everything */
	double setup_ms;                /* lab, datadir, server start */
	double steps_ms;                /* the steps */
	double teardown_ms;             /* server, lab, files */
	double waits_ms;                /* the scenario's own sleep steps */
	long runs;                      /* repetitions carried out */
	long repeat;                    /* repetitions asked for */
	char results[PATH_MAX];         /* where its logs were kept, or "" */
	char reverted[512];             /* faults teardown reverted, for the
					 * log: "wall (firewall drop both)" */
};

void ga_case_result_free(struct ga_case_result *res);

/* "wrong-result 4, 2013 (CR_SERVER_LOST) 1": a step's outcomes over the
 * runs of a repeated scenario, most frequent first. */
void ga_step_spread(const struct ga_step_result *sr, char *buf, size_t len);

struct ga_runner {
	const struct ga_run_options *opts;      /* borrowed */
	struct ga_interrupt *in;                /* borrowed */
	char run_dir[PATH_MAX];
	int run_lock_fd;
	char template_dir[PATH_MAX];
	char *fixture_cnf;                      /* owned text */
	char skip_reason[512];                  /* set: every case SKIPs */
	char error_reason[1024];                /* set: every case ERRORs */
	unsigned ncases;
};

/* Prepares a run: sweeps what SIGKILLed runs left behind, makes this
 * run's directory and checks the machine (a missing requirement is not an
 * error here: it makes every case SKIP with the reason).  Returns -1 only
 * when not even that was possible.  Release with ga_runner_close(). */
int ga_runner_open(struct ga_runner *r, const struct ga_run_options *opts,
		   struct ga_interrupt *in, struct ga_error *err);

/* Runs one scenario; res is filled (free with ga_case_result_free). */
void ga_runner_run(struct ga_runner *r, const struct ga_scenario *sc,
		   struct ga_case_result *res);

/* Removes the run's directory. */
void ga_runner_close(struct ga_runner *r);

#endif
