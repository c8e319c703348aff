/* allow.h - what --strict holds a case to: the SKIPs it lets
 * through (--allow-skip KIND[:SCENARIO][@CLIENT], plan/allow.c), and
 * the violations of one case (plan/sink_strict.c). */
#ifndef GA_PLAN_ALLOW_H
#define GA_PLAN_ALLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/scenario.h"
#include "plan/why.h"
#include "run/runner.h"
#include "util/error.h"

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

#endif
