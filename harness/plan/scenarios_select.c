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

/* The durations of a run: --durations FILE's, then each scenario's
 * directory's durations.tsv (the shipped scenarios' and a connector's
 * own, side by side in one run), each read once. */
struct durations {
	char *given;            /* owned: --durations FILE's text, or NULL */
	struct dir_text {
		char *dir;      /* owned: "scenarios/" ("" for the current
				 * directory) */
		char *text;     /* owned: its durations.tsv, NULL when none */
	} *dirs;                /* owned */
	size_t ndirs;
};

/* Reads --durations FILE (given, NULL: none) into d.  Returns 0, or -1
 * after printing why. */
static int durations_open(struct durations *d, const char *given)
{
	struct ga_error err;

	memset(d, 0, sizeof(*d));
	if (given && ga_file_read(given, 16 << 20, &d->given, NULL, &err)) {
		fprintf(stderr, "goneaway: --durations: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static void durations_close(struct durations *d)
{
	size_t i;

	for (i = 0; i < d->ndirs; i++) {
		free(d->dirs[i].dir);
		free(d->dirs[i].text);
	}
	free(d->dirs);
	free(d->given);
	memset(d, 0, sizeof(*d));
}

/* The durations.tsv beside sc, read the first time its directory comes
 * up; NULL when there is none (or no memory: every scenario then costs
 * the same, as without a file). */
static const char *durations_beside(struct durations *d,
				    const struct ga_scenario *sc)
{
	char path[PATH_MAX];
	struct ga_error err;
	struct dir_text *grown;
	const char *slash = strrchr(sc->path, '/');
	size_t len = slash ? (size_t)(slash - sc->path + 1) : 0, i;

	for (i = 0; i < d->ndirs; i++)
		if (strlen(d->dirs[i].dir) == len &&
		    strncmp(d->dirs[i].dir, sc->path, len) == 0)
			return d->dirs[i].text;
	grown = realloc(d->dirs, (d->ndirs + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	d->dirs = grown;
	grown = &d->dirs[d->ndirs];
	grown->text = NULL;
	grown->dir = strndup(sc->path, len);
	if (!grown->dir)
		return NULL;
	d->ndirs++;
	snprintf(path, sizeof(path), "%.*sdurations.tsv", (int)len, sc->path);
	if (ga_file_read(path, 16 << 20, &grown->text, NULL, &err))
		grown->text = NULL;     /* none: the default cost */
	return grown->text;
}

/* sc's cost: --durations FILE's line for it, else its directory's, else
 * -1 (never measured). */
static double durations_cost(struct durations *d, const struct ga_scenario *sc)
{
	const char *beside;
	double c = d->given ? cost_of(d->given, sc) : -1;

	if (c < 0 && (beside = durations_beside(d, sc)) != NULL)
		c = cost_of(beside, sc);
	return c;
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
	struct durations durations = { 0 };
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
		if (durations_open(&durations, sa->durations))
			goto out;
		cost = calloc(m ? m : 1, sizeof(*cost));
		names = calloc(m ? m : 1, sizeof(*names));
		shard_of = calloc(m ? m : 1, sizeof(*shard_of));
		if (!cost || !names || !shard_of) {
			fprintf(stderr, "goneaway: out of memory\n");
			goto out;
		}
		for (i = 0; i < m; i++) {
			cost[i] = durations_cost(&durations, scs[i]);
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
	durations_close(&durations);
	free(cost);
	free(names);
	free(shard_of);
	return rc;
}

void ga_scenario_costs(const struct ga_select_args *sa, struct ga_scenario **scs,
		    size_t n, double *cost)
{
	struct durations durations;
	size_t i;

	if (durations_open(&durations, sa->durations))
		durations.given = NULL;
	for (i = 0; i < n; i++)
		cost[i] = durations_cost(&durations, scs[i]);
	durations_close(&durations);
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
