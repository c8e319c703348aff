/* scenarios.h - the scenarios a command is given: the files
 * (plan/scenarios.c) and which of them run (plan/scenarios_select.c: -k, --shard,
 * --list). */
#ifndef GA_PLAN_SCENARIOS_H
#define GA_PLAN_SCENARIOS_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/scenario.h"

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


struct ga_select_args {
	const char *expr;       /* -k EXPR, or NULL */
	const char *shard;      /* --shard K/N, or NULL */
	const char *durations;  /* --durations FILE, or NULL; a scenario
				 * not in it costs what the durations.tsv
				 * beside it says, if any */
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

#endif
