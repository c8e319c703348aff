/* internal.h - what the command line's files share (cli/ only).  The
 * command line is the only place that turns errors into exit codes. */
#ifndef GA_CLI_INTERNAL_H
#define GA_CLI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/scenario.h"
#include "util/error.h"
#include "util/interrupt.h"

#define GONEAWAY_VERSION "0.2.0"

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

/* ---- cli/scenarios.c: the files a command is given ------------------------ */

struct path_list {
	char **items;   /* owned strings */
	size_t n, cap;
};

void path_list_free(struct path_list *l);

/* Expands PATH arguments: directories into their *.gw files, sorted.
 * Returns 0, or -1 after printing why. */
int collect_paths(char **args, int nargs, struct path_list *out);

/* Parses every file and prints every diagnostic; on success *out is an
 * array of paths->n scenarios, labelled for the run (free with
 * free_scenarios).  Returns 0 if all parsed. */
int parse_all(const struct path_list *paths, struct ga_scenario ***out);
void free_scenarios(struct ga_scenario **scs, size_t n);

/* ---- cli/paths.c: where things are by default ------------------------------ */

/* fixtures/ next to the binary (a build tree), else ../share/goneaway. */
void default_fixtures(char *buf, size_t len);
/* drivers/ next to the binary, else ../share/goneaway/drivers. */
void default_drivers(char *buf, size_t len);
/* The command of driver name in drivers/drivers.list ("name command
 * args" lines), its file words made absolute.  Returns 0, or -1 with err
 * set. */
int find_driver(const char *name, char *cmd, size_t len, struct ga_error *err);
/* $XDG_CACHE_HOME/goneaway, ~/.cache/goneaway or /var/cache/goneaway */
void default_cache(char *buf, size_t len);
/* $TMPDIR or /tmp */
const char *tmp_root(void);

/* ---- the commands ------------------------------------------------------------ */

int cmd_run(int argc, char **argv, struct ga_interrupt *in);      /* cli/run.c */
int cmd_doctor(int argc, char **argv);                            /* cli/doctor.c */
int cmd_driver_test(int argc, char **argv, struct ga_interrupt *in); /* cli/driver_test.c */

#endif
