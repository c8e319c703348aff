/* strict.c - --strict: what a passing run may not have, in one case: a
 * SKIP no --allow-skip rule covers, evidence that was not kept. */
#include "plan/allow.h"

#include <stdio.h>
#include <string.h>

/* The client's label in res->combo ("local/pymysql#2"): what follows
 * the '/' before the client's name, when "#N" or nothing follows that
 * name; NULL when the combo does not show one. */
static const char *client_label(const struct ga_case_result *res)
{
	size_t len = strlen(res->client);
	const char *p, *rest;

	for (p = strchr(res->combo, '/'); p; p = strchr(p + 1, '/')) {
		if (strncmp(p + 1, res->client, len) != 0)
			continue;
		rest = p + 1 + len;
		if (!*rest || (rest[0] == '#' && rest[1] &&
			       strspn(rest + 1, "0123456789") ==
			       strlen(rest + 1)))
			return p + 1;
	}
	return NULL;
}

size_t ga_strict_violations(const struct ga_allow *allow,
			     const struct ga_scenario *sc,
			     const struct ga_case_result *res,
			     struct ga_why *why)
{
	const char *clabel = client_label(res);
	size_t n = 0;

	if (res->verdict == GA_VERDICT_SKIP &&
	    !ga_allow_covers(allow, (int)res->skip, sc->name,
			      ga_scenario_label(sc), res->client, clabel)) {
		fprintf(stderr, "goneaway: --strict: %s was skipped (%s: %s); "
			"--allow-skip %s:%s@%s would let it through\n",
			sc->path, ga_skip_kind_name(res->skip), res->reason,
			ga_skip_kind_name(res->skip), ga_scenario_label(sc),
			clabel ? clabel : res->client);
		if (why)
			ga_why_strict(why, "%s was skipped (%s: %.1000s); "
				       "--allow-skip %s:%s@%s would let it "
				       "through", sc->path,
				       ga_skip_kind_name(res->skip),
				       res->reason,
				       ga_skip_kind_name(res->skip),
				       ga_scenario_label(sc),
				       clabel ? clabel : res->client);
		n++;
	}
	if (res->evidence_lost[0]) {
		fprintf(stderr, "goneaway: --strict: %s: evidence not kept: "
			"%s\n", sc->path, res->evidence_lost);
		if (why)
			ga_why_strict(why, "%s: evidence not kept: %s",
				       sc->path, res->evidence_lost);
		n++;
	}
	return n;
}
