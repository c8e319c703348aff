/* internal.h - what the command line's files share (cli/ only).  The
 * command line is the only place that turns errors into exit codes. */
#ifndef GA_CLI_INTERNAL_H
#define GA_CLI_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lang/scenario.h"
#include "plan/plan.h"
#include "plan/why.h"
#include "util/error.h"
#include "util/interrupt.h"

/* The release this source is, or follows: a release is the commit that
 * sets it (CHANGELOG.md).  What a build says is cli_version(). */
#define GONEAWAY_VERSION "0.5.0"

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

/* "goneaway --help" (cli/run.c): cli_usage_words (cli/usage.c), run's
 * option lines, cli_usage_tail (the exit status). */
void cli_usage(FILE *f);
void cli_usage_words(FILE *f);
void cli_usage_tail(FILE *f);

/* ---- cli/options_outputs.c: what run's and report's options share --------- */

struct cli_command;
struct cli_take;

/* What run's and report's options fill: the plan, and the words of
 * --format and --color.  A command's arguments start with it. */
struct cli_plan_args {
	struct ga_plan p;
	const char *format;
	const char *color;
};

/* pa (the start of cmd's arguments, zeroed) made the defaults, then
 * argv by cmd's table (cli_parse), then its console: --format NAME,
 * and --color WHEN (auto, always or never, with NO_COLOR and a
 * terminal).
 * Returns 0, 1 after --help, or -1 after saying what is wrong; pa->p
 * is then for ga_plan_free. */
int cli_plan_parse(const struct cli_command *cmd, int argc, char **argv,
		   struct cli_plan_args *pa);
/* --allow-skip's row (cli/parseopt.h): one rule more of the plan's
 * struct ga_allow. */
int cli_allow_skip(const struct cli_take *t);

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
/* --step-timeout's and --server-timeout's row (cli/parseopt.h; run's,
 * serve's): a duration of more than 0 ms (util/units.h) into the long
 * at .at. */
int cli_take_duration(const struct cli_take *t);

/* ---- cli/serveflags.c: toxiproxy-server's flags ----------------------------------- */

/* argv with toxiproxy-server's flags as serve's options (cmd: serve's
 * table), as Go's flag package reads them ("-host" is "--host",
 * "-config=F" "--config=F", "-proxy-metrics=false" nothing; the value
 * of an option of cmd's that takes one is left as it is) into a new
 * argv, *args, whose strings are argv's or *buf's (free both, whatever
 * it returns).  Returns its argc, or -1 after saying what is wrong. */
int cli_serve_go_args(const struct cli_command *cmd, int argc, char **argv,
		      char ***args, char **buf);
/* so's fixtures when no --fixtures DIR gave them: the share directory's
 * (plan/paths.h), written into buf (len bytes), which so then points
 * at.  Returns 0, or -1 after saying why, as who ("goneaway serve"). */
int cli_default_fixtures(struct ga_server_options *so, char *buf,
			 size_t len, const char *who);
/* The local backend's --mariadbd and --install-db, two rows of a
 * command's options (cli/parseopt.h; run, serve and doctor take them):
 * so, the offset of the command's struct ga_server_options; since, the
 * release; doc_m and doc_i, their words in the docs' table (NULL: no
 * row there). */
#define CLI_LOCAL_SERVER_ROWS(so, release, doc_m, doc_i)                   \
	{ .name = "mariadbd", .arg = "PATH", .kind = CLI_OPT_STRING,       \
	  .at = (so) + offsetof(struct ga_server_options, mariadbd),        \
	  .since = (release), .doc = (doc_m),                               \
	  .help = "local: server binary (default /usr/sbin/mariadbd)" },    \
	{ .name = "install-db", .arg = "PATH", .kind = CLI_OPT_STRING,     \
	  .at = (so) + offsetof(struct ga_server_options, install_db),      \
	  .since = (release), .doc = (doc_i),                               \
	  .help = "local: (default /usr/bin/mariadb-install-db)" }

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
int cmd_explore(int argc, char **argv);                           /* cli/explore.c */
int cmd_driver_test(int argc, char **argv, struct ga_interrupt *in); /* cli/driver_check.c */
/* driver-test --describe and --tap: before any set-up; -1 when argv asks
 * for neither (cli/driver_check.c) */
int cmd_driver_test_plain(int argc, char **argv);
int cmd_driver_tap(const char *dir, char **argv);                  /* cli/driver_tap.c */

#endif
