/* internal.h - what the command line's files share (cli/ only).  The
 * command line is the only place that turns errors into exit codes. */
#ifndef GA_CLI_INTERNAL_H
#define GA_CLI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/scenario.h"
#include "plan/why.h"
#include "util/error.h"
#include "util/interrupt.h"

#define GONEAWAY_VERSION "0.3.0"

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

extern const char ga_usage_text[];

/* ---- cli/why.c: the last line, why the exit status is what it is ----------- */

/* The last lines, on stderr, for exit status code (signo: the signal
 * that interrupted the run, or 0): which cases FAILed or are ERRORs,
 * or the --strict reasons again; nothing for 0 (the summary says it) or
 * 2 (its message did).  cmd is "goneaway" or "goneaway report". */
void cli_why_print(const struct ga_why *w, const char *cmd, int code,
		   int signo);

/* ---- the commands ------------------------------------------------------------ */

int cmd_check(int argc, char **argv);                             /* cli/check.c */
int cmd_run(int argc, char **argv, struct ga_interrupt *in);      /* cli/run.c */
int cmd_replay(int argc, char **argv, struct ga_interrupt *in);   /* cli/replay.c */
int cmd_doctor(int argc, char **argv);                            /* cli/doctor.c */
int cmd_report(int argc, char **argv);                            /* cli/report.c */
int cmd_driver_test(int argc, char **argv, struct ga_interrupt *in); /* cli/driver_test.c */
/* driver-test --describe and --tap: before any set-up; -1 when argv asks
 * for neither (cli/driver_test.c) */
int cmd_driver_test_plain(int argc, char **argv);
int cmd_driver_tap(const char *dir, char **argv);                  /* cli/driver_tap.c */

#endif
