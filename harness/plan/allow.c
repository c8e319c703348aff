/* allow.c - the rules of --allow-skip KIND[:SCENARIO][@CLIENT]: which
 * SKIPs --strict lets through, the same for "run" and "report". */
#include "plan/allow.h"

#include <stdio.h>
#include <string.h>

#include "run/runner.h"

/* "root, server, flavour, netem, fault, driver" */
static void kind_words(char *buf, size_t size)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 1; i < GA_SKIP_KIND_COUNT && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 i > 1 ? ", " : "",
					 ga_skip_kind_name((enum ga_skip_kind)i));
}

/* text[0..len) into dst[size]; -1 when it does not fit. */
static int copy_part(char *dst, size_t size, const char *text, size_t len)
{
	if (len >= size)
		return -1;
	memcpy(dst, text, len);
	dst[len] = '\0';
	return 0;
}

int ga_allow_add(struct ga_allow *al, const char *rule, struct ga_error *err)
{
	struct ga_allow_rule r;
	const char *at, *colon, *kind_end;
	char kind[32], words[128];
	int k;

	memset(&r, 0, sizeof(r));
	if (al->n == GA_ALLOW_MAX)
		return ga_error_set(err, "'%s': at most %d rules", rule,
				    GA_ALLOW_MAX);
	/* KIND ends at the first ':' or '@'; CLIENT is all after the first
	 * '@' (a driver's name may hold ':' or '@'), SCENARIO what lies
	 * between ':' and that '@' */
	at = strchr(rule, '@');
	colon = strchr(rule, ':');
	if (colon && at && colon > at)
		colon = NULL;
	kind_end = colon ? colon : at ? at : rule + strlen(rule);
	kind_words(words, sizeof(words));
	if (copy_part(kind, sizeof(kind), rule, (size_t)(kind_end - rule)) ||
	    (k = ga_skip_kind_find(kind)) <= 0) {
		if (*kind_end == '\0')
			return ga_error_set(err, "'%s' is not one of: %s",
					    rule, words);
		return ga_error_set(err, "'%s': '%.*s' is not one of: %s "
				    "(write KIND[:SCENARIO][@CLIENT])", rule,
				    (int)(kind_end - rule), rule, words);
	}
	r.kind = k;
	if (colon) {
		size_t len = at ? (size_t)(at - colon - 1) : strlen(colon + 1);

		if (len == 0)
			return ga_error_set(err, "'%s': no scenario after ':' "
					    "(write KIND[:SCENARIO][@CLIENT])",
					    rule);
		if (copy_part(r.scenario, sizeof(r.scenario), colon + 1, len))
			return ga_error_set(err, "'%s': the scenario's name is "
					    "longer than %zu bytes", rule,
					    sizeof(r.scenario) - 1);
		if (len > 3 && strncmp(colon + 1 + len - 3, ".gw", 3) == 0)
			return ga_error_set(err, "'%s': a scenario is named "
					    "without its \".gw\" ('%.*s')", rule,
					    (int)(len - 3), colon + 1);
	}
	if (at) {
		if (!at[1])
			return ga_error_set(err, "'%s': no client after '@' "
					    "(write KIND[:SCENARIO][@CLIENT])",
					    rule);
		if (copy_part(r.client, sizeof(r.client), at + 1,
			      strlen(at + 1)))
			return ga_error_set(err, "'%s': the client's name is "
					    "longer than %zu bytes", rule,
					    sizeof(r.client) - 1);
	}
	al->rule[al->n++] = r;
	return 0;
}

static bool part_matches(const char *want, const char *a, const char *b)
{
	return !want[0] || (a && strcmp(want, a) == 0) ||
	       (b && strcmp(want, b) == 0);
}

bool ga_allow_covers(const struct ga_allow *al, int kind,
		      const char *scenario, const char *scenario_label,
		      const char *client, const char *client_label)
{
	size_t i;

	for (i = 0; i < al->n; i++) {
		const struct ga_allow_rule *r = &al->rule[i];

		if (r->kind == kind &&
		    part_matches(r->scenario, scenario, scenario_label) &&
		    part_matches(r->client, client, client_label))
			return true;
	}
	return false;
}
