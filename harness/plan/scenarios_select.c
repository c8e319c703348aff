/* scenarios_select.c - which of the parsed scenarios a run runs: -k EXPR, --shard
 * K/N (balanced by the durations measured for them), and --list.
 *
 * A selection that leaves nothing is an error (exit 2, EXIT_USAGE), with
 * or without --strict: a -k with a typo, or a shard of a split into more
 * shards than there are scenarios, would otherwise be a run of nothing
 * that passes (issue 24). */
#include "plan/scenarios.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/select.h"
#include "util/fsutil.h"

#define DEFAULT_COST 1.0        /* seconds, for a scenario never measured */

/* The cost of scenario sc from the durations file text ("NAME SECONDS"
 * lines, '#' comments), -1 when it is not there. */
static double cost_of(const char *text, const struct ga_scenario *sc)
{
	const char *p = text;
	char name[256];
	double secs;
	int n;

	while (p && *p) {
		if (*p != '#' && sscanf(p, "%255s %lf%n", name, &secs, &n) == 2 &&
		    secs >= 0 && secs < 1e6 &&
		    (strcmp(name, sc->label) == 0 || strcmp(name, sc->name) == 0))
			return secs;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/* The durations: the file given, else durations.tsv beside the first
 * scenario (scenarios/durations.tsv for the shipped ones), else none.
 * *text is owned by the caller (NULL: none). */
static int load_durations(const char *given, struct ga_scenario **scs,
			  size_t n, char **text)
{
	char path[PATH_MAX];
	struct ga_error err;
	const char *slash;

	*text = NULL;
	if (given) {
		if (ga_file_read(given, 16 << 20, text, NULL, &err)) {
			fprintf(stderr, "goneaway: --durations: %s\n", err.msg);
			return -1;
		}
		return 0;
	}
	if (n == 0)
		return 0;
	slash = strrchr(scs[0]->path, '/');
	snprintf(path, sizeof(path), "%.*sdurations.tsv",
		 slash ? (int)(slash - scs[0]->path + 1) : 0, scs[0]->path);
	if (ga_file_read(path, 16 << 20, text, NULL, &err))
		*text = NULL;   /* none: every scenario costs the same */
	return 0;
}

static void swap(struct ga_scenario **scs, size_t a, size_t b)
{
	struct ga_scenario *t = scs[a];

	scs[a] = scs[b];
	scs[b] = t;
}

int ga_select_scenarios(const struct ga_select_args *sa, struct ga_scenario **scs,
		     size_t n, size_t *kept)
{
	struct ga_select *expr = NULL;
	struct ga_error err;
	const char **names = NULL;
	unsigned k = 0, nshards = 0, *shard_of = NULL;
	double *cost = NULL;
	char *durations = NULL;
	size_t i, m = 0;
	int rc = -1;

	*kept = n;
	if (sa->expr && ga_select_parse(sa->expr, &expr, &err)) {
		fprintf(stderr, "goneaway: %s\n", err.msg);
		return -1;
	}
	if (sa->shard && ga_shard_parse(sa->shard, &k, &nshards, &err)) {
		fprintf(stderr, "goneaway: %s\n", err.msg);
		goto out;
	}
	/* -k first: the shards split what was chosen */
	for (i = 0; i < n; i++)
		if (!expr || ga_select_match(expr, scs[i]))
			swap(scs, m++, i);
	if (expr && m == 0) {
		fprintf(stderr, "goneaway: -k '%s' selects none of the %zu "
			"scenarios: nothing to run\n", sa->expr, n);
		goto out;
	}
	if (nshards) {
		if (load_durations(sa->durations, scs, m, &durations))
			goto out;
		cost = calloc(m ? m : 1, sizeof(*cost));
		names = calloc(m ? m : 1, sizeof(*names));
		shard_of = calloc(m ? m : 1, sizeof(*shard_of));
		if (!cost || !names || !shard_of) {
			fprintf(stderr, "goneaway: out of memory\n");
			goto out;
		}
		for (i = 0; i < m; i++) {
			cost[i] = durations ? cost_of(durations, scs[i]) : -1;
			if (cost[i] < 0)
				cost[i] = DEFAULT_COST;
			names[i] = scs[i]->label;
		}
		ga_shard_assign(cost, names, m, nshards, shard_of);
		n = m;
		/* stable: the shard's scenarios keep their order */
		for (i = 0, m = 0; i < n; i++)
			if (shard_of[i] == k - 1)
				swap(scs, m++, i);
		if (m == 0) {
			fprintf(stderr, "goneaway: --shard %u/%u is empty: the "
				"%zu scenarios%s make no scenario for shard %u: "
				"nothing to run (use fewer shards)\n", k,
				nshards, n, expr ? " -k selects" : "", k);
			goto out;
		}
	}
	*kept = m;
	rc = 0;
out:
	ga_select_free(expr);
	free(durations);
	free(cost);
	free(names);
	free(shard_of);
	return rc;
}

void ga_scenario_costs(const struct ga_select_args *sa, struct ga_scenario **scs,
		    size_t n, double *cost)
{
	char *durations = NULL;
	size_t i;

	if (load_durations(sa->durations, scs, n, &durations))
		durations = NULL;
	for (i = 0; i < n; i++)
		cost[i] = durations ? cost_of(durations, scs[i]) : -1;
	free(durations);
}

void ga_list_scenarios(struct ga_scenario **scs, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		printf("%-32s %s", scs[i]->label, scs[i]->path);
		for (j = 0; j < scs[i]->nkeywords; j++)
			printf("%s%s", j ? "," : "  [", scs[i]->keywords[j]);
		printf("%s\n", scs[i]->nkeywords ? "]" : "");
	}
}
