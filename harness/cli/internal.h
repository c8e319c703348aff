/* internal.h - what the command line's files share (cli/ only).  The
 * command line is the only place that turns errors into exit codes. */
#ifndef GA_CLI_INTERNAL_H
#define GA_CLI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lang/scenario.h"
#include "plan/why.h"
#include "util/error.h"
#include "util/interrupt.h"

/* The release this source is, or follows: a release is the commit that
 * sets it (CHANGELOG.md).  What a build says is cli_version(). */
#define GONEAWAY_VERSION "0.4.0"

/* The version this build says (--version, results.jsonl's "goneaway",
 * serve's API): GONEAWAY_VERSION, then, unless the build is that
 * release, how far past it and at which commit ("0.4.0+348.g3589b0f8a2c1":
 * cli/gen-version.sh, docs/running.md "Which goneaway this is").
 * Static. */
const char *cli_version(void);

/* Exit codes, documented in --help and the README. */
enum {
	EXIT_ALL_PASSED = 0,    /* every scenario PASSed or SKIPped */
	EXIT_SOME_FAILED = 1,   /* at least one FAIL */
	EXIT_USAGE = 2,         /* bad arguments or a malformed scenario file */
	EXIT_SOME_ERROR = 3,    /* no FAIL, but at least one ERROR */
	EXIT_STRICT = 4,        /* --strict: a SKIP it does not allow, or
				 * evidence that could not be kept */
	EXIT_INTERRUPTED = 128, /* + the signal number (130 for SIGINT) */
};

/* "goneaway --help" (cli/usage.c). */
void cli_usage(FILE *f);

/* ---- cli/options_outputs.c: the outputs' options (report/outputs.h) ---------------- */

struct ga_plan;
struct option;

/* The getopt value of output row i's --NAME FILE: CLI_OPT_OUTPUT + i. */
#define CLI_OPT_OUTPUT 1000
/* What getopt_long reads for command (GA_OUTPUT_RUN or _REPORT): fixed
 * (ended by a zeroed row), then --NAME FILE of every output command
 * writes to a file, then the zeroed row; out has room for that. */
#define CLI_OPTIONS_MAX 64
int cli_output_options(unsigned command, const struct option *fixed,
		       struct option *out);
/* c, an option getopt_long returned: when it is an output's --NAME
 * FILE, p writes that output to arg.  Returns 1 then, else 0. */
int cli_output_option(struct ga_plan *p, int c, const char *arg);
/* The console of command: --format NAME, p's console output, and
 * --color WHEN (auto, always or never, with NO_COLOR and a terminal).  Returns 0, or -1 after saying
 * what is wrong ("CMD: --color: ..."). */
int cli_console(struct ga_plan *p, unsigned command, const char *cmd,
		const char *format, const char *color);

/* ---- cli/lastline.c: the last line, why the exit status is what it is ----------- */

/* The last lines, on stderr, for exit status code (signo: the signal
 * that interrupted the run, or 0): which cases FAILed or are ERRORs,
 * or the --strict reasons again; nothing for 0 (the summary says it) or
 * 2 (its message did).  cmd is "goneaway" or "goneaway report". */
void cli_why_print(const struct ga_why *w, const char *cmd, int code,
		   int signo);

/* ---- cli/run.c ----------------------------------------------------------------- */

/* --memfs-size SIZE of run and replay: a size of at least
 * GA_MEMFS_SIZE_MIN (lab/memfs.h) into *size.  Returns 0, or -1 after
 * saying what it must be. */
int cli_memfs_size(const char *arg, long long *size);

/* ---- the commands ------------------------------------------------------------ */

int cmd_check(int argc, char **argv);                             /* cli/check.c */
int cmd_run(int argc, char **argv, struct ga_interrupt *in);      /* cli/run.c */
/* cmd_run's options and scenarios read, and what the run would execute
 * or load from checked (ga_plan_check_dirs), nothing run: 0 (the
 * drivers' cache then set for the drivers started before the run:
 * ga_drivers_cache_use), or EXIT_USAGE after saying why. */
int cmd_run_check(int argc, char **argv);                         /* cli/run.c */
int cmd_replay(int argc, char **argv, struct ga_interrupt *in);   /* cli/replay.c */
int cmd_doctor(int argc, char **argv);                            /* cli/doctor.c */
int cmd_drivers(int argc, char **argv, struct ga_interrupt *in);  /* cli/drivers.c */
int cmd_serve(int argc, char **argv, struct ga_interrupt *in);    /* cli/serve.c */
int cmd_report(int argc, char **argv);                            /* cli/report.c */
int cmd_driver_test(int argc, char **argv, struct ga_interrupt *in); /* cli/driver_check.c */
/* driver-test --describe and --tap: before any set-up; -1 when argv asks
 * for neither (cli/driver_check.c) */
int cmd_driver_test_plain(int argc, char **argv);
int cmd_driver_tap(const char *dir, char **argv);                  /* cli/driver_tap.c */

#endif
