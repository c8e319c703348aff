/* plan.h - the run's floor: what "goneaway run" and "goneaway report"
 * share below the command line (the run below the command line). */
#ifndef GA_PLAN_PLAN_H
#define GA_PLAN_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/scenario.h"
#include "util/error.h"

/* ---- plan/scenarios.c: the files a command is given ------------------------ */

struct ga_path_list {
	char **items;   /* owned strings */
	size_t n, cap;
};

void ga_path_list_free(struct ga_path_list *l);

/* Expands PATH arguments: directories into their *.gw files, sorted.
 * Returns 0, or -1 after printing why. */
int ga_collect_paths(char **args, int nargs, struct ga_path_list *out);

/* Parses every file and prints every diagnostic; on success *out is an
 * array of paths->n scenarios, labelled for the run (free with
 * ga_scenarios_free).  Returns 0 if all parsed. */
int ga_parse_all(const struct ga_path_list *paths, struct ga_scenario ***out);
void ga_scenarios_free(struct ga_scenario **scs, size_t n);

/* ---- plan/allow.c: which SKIPs --strict lets through -------------------------- */

#define GA_ALLOW_MAX 64        /* --allow-skip rules */

/* One --allow-skip KIND[:SCENARIO][@CLIENT]. */
struct ga_allow_rule {
	int kind;               /* enum ga_skip_kind, never GA_SKIP_NONE */
	char scenario[256];     /* a scenario's name or label; "": any */
	char client[128];       /* a client's name or label; "": any */
};

/* Every rule of a command line; zeroed: none. */
struct ga_allow {
	struct ga_allow_rule rule[GA_ALLOW_MAX];
	size_t n;
};

/* Adds rule ("netem", "driver@pymysql",
 * "driver:forked-connection-share@pymysql") to al.  Returns 0, or -1
 * with err saying what is wrong (an unknown KIND: the kinds there are). */
int ga_allow_add(struct ga_allow *al, const char *rule,
		  struct ga_error *err);
/* Whether a rule of al lets a SKIP of kind (enum ga_skip_kind) through
 * for this scenario (its name or its label) and client (its name or its
 * label, "pymysql#2"); the labels may be NULL. */
bool ga_allow_covers(const struct ga_allow *al, int kind,
		      const char *scenario, const char *scenario_label,
		      const char *client, const char *client_label);

/* ---- plan/output.c: what run and report both print --------------------------- */

struct ga_case_result;
struct ga_matrix;

/* --color WHEN (auto, always, never) with NO_COLOR and a terminal. */
bool ga_use_color(const char *when);
struct ga_why;
/* --strict: prints and counts what is wrong with one case of scenario
 * sc (a SKIP that no rule of allow covers, evidence not kept), and keeps
 * each reason in why (NULL: not kept) for cli_why_print. */
size_t ga_strict_violations(const struct ga_allow *allow,
			     const struct ga_scenario *sc,
			     const struct ga_case_result *res,
			     struct ga_why *why);
/* --markdown FILE: the server x client table; prints why it could not. */
void ga_write_markdown(const char *path, const struct ga_matrix *m);
/* --html FILE: the same table as one HTML page, its links to each
 * cell's steps.log relative to FILE's directory.  Returns 0, or -1
 * after printing why it could not. */
int ga_write_html(const char *path, const struct ga_matrix *m);

/* ---- plan/why.c: the last line, why the exit status is what it is ----------- */

#define GA_WHY_KEPT 10         /* --strict reasons told again at the end */

/* What made a run or a report fail, kept as its cases end; start it
 * zeroed. */
struct ga_why {
	size_t nfail, nerror, nstrict;
	char fail[1024];                /* "kill-idle (local/pymysql), ..." */
	char error[1024];
	size_t fail_left_out, error_left_out;
	char strict[GA_WHY_KEPT][1600]; /* the first --strict reasons */
	size_t nkept;
};

/* Keeps case res of sc when it FAILed or is an ERROR. */
void ga_why_case(struct ga_why *w, const struct ga_scenario *sc,
		  const struct ga_case_result *res);
/* Keeps one --strict reason (as printed when it was found). */
void ga_why_strict(struct ga_why *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- plan/select.c: which scenarios run -------------------------------------- */

struct ga_select_args {
	const char *expr;       /* -k EXPR, or NULL */
	const char *shard;      /* --shard K/N, or NULL */
	const char *durations;  /* --durations FILE, or NULL: durations.tsv
				 * beside the first scenario, if any */
	bool list;              /* --list: print them, run nothing */
};

/* Moves the scenarios sa chooses to the front of scs[0..n), in their
 * order, and sets *kept to how many.  Prints why and returns -1 on a bad
 * expression, shard or durations file. */
int ga_select_scenarios(const struct ga_select_args *sa, struct ga_scenario **scs,
		     size_t n, size_t *kept);
/* The measured duration of each of scs[0..n) in seconds (the same
 * durations as --shard), -1 for one never measured. */
void ga_scenario_costs(const struct ga_select_args *sa, struct ga_scenario **scs,
		    size_t n, double *cost);
/* One line per scenario: label, path, keywords. */
void ga_list_scenarios(struct ga_scenario **scs, size_t n);

/* ---- plan/paths.c: where things are by default ------------------------------ */

/* The directory what ("fixtures", "drivers") next to the binary (a
 * build tree: the directory of /proc/self/exe), else in
 * ../share/goneaway/ next to that directory (PREFIX/share/goneaway);
 * never relative to the working directory.  The absolute path goes into
 * buf, and must pass ga_check_trusted().  Returns 0, or -1 with err naming
 * where it looked. */
int ga_find_share_dir(const char *what, char *buf, size_t len,
		   struct ga_error *err);
/* 0 when path and every directory above it belong to root, the effective
 * user or the binary's owner and no other user can write to them (a
 * directory above path may be sticky, as /tmp is); else -1 with err. */
int ga_check_trusted(const char *path, struct ga_error *err);
/* The command of driver name in drivers/drivers.list ("name command
 * args" lines), its file words made absolute.  "NAME@VERSION" is NAME's
 * command with "--connector-version VERSION" after it: the driver loads
 * that version of its connector (drivers/node: install-version.sh), or
 * greets with its own version, which open_client() refuses.  Returns 0,
 * or -1 with err set. */
int ga_find_driver(const char *name, char *cmd, size_t len, struct ga_error *err);
/* $XDG_CACHE_HOME/goneaway, ~/.cache/goneaway or /var/cache/goneaway */
void ga_default_cache(char *buf, size_t len);
/* $TMPDIR or /tmp */
const char *ga_tmp_root(void);


/* A case's folder keeps the SHA-256 digests of the files goneaway
 * replay runs from it, in sha256sum(1)'s format (plan/casefolder.c
 * writes them, cli/replay.c checks them); "expectations" only when the
 * folder has one. */
#define GA_CASE_DIGESTS "SHA256SUMS"
#define GA_CASE_DIGESTED { "scenario.gw", "results.jsonl", "expectations" }
#define GA_CASE_DIGESTS_MAX (64L << 20)    /* bytes of a digested file */

#endif
