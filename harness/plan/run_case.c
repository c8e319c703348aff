/* run_case.c - what happens to a case that ended, whoever ran it
 * (cli/run.c one after another, plan/run_jobs.c on -j's workers): the
 * reporters, the matrix, the totals and --strict. */
#include "plan/run.h"

#include <stdio.h>
#include <string.h>

void run_begin_case(const struct run_out *o, size_t index,
		    const struct ga_scenario *sc)
{
	size_t i;

	for (i = 0; i < o->nreps; i++)
		o->reps[i]->ops->begin_case(o->reps[i], index, sc);
}

void run_end_case(const struct run_out *o, size_t index, size_t row,
		  const struct combo *k, const struct ga_scenario *sc,
		  struct ga_case_result *res)
{
	struct run_totals *t = o->t;
	size_t i;

	snprintf(res->combo, sizeof(res->combo), "%s", k->label);
	run_case_folder(o, k, sc, res);
	switch (res->verdict) {
	case GA_VERDICT_PASS: t->sum.pass++; break;
	case GA_VERDICT_FAIL: t->sum.fail++; break;
	case GA_VERDICT_SKIP: t->sum.skip++; break;
	case GA_VERDICT_ERROR: t->sum.error++; break;
	}
	t->sum.servers_started += (size_t)res->servers_started;
	t->sum.runs += (size_t)res->runs;
	for (i = 0; i < o->nreps; i++)
		o->reps[i]->ops->end_case(o->reps[i], index, sc, res);
	ga_matrix_set(o->m, row, k->column, sc, res,
		      o->a->drivers[k->client].library);
	ga_why_case(&t->why, sc, res);
	if (o->a->strict)
		t->violations += ga_strict_violations(&o->a->allowed, sc,
						       res, &t->why);
	if (o->a->record)
		ga_recorder_case(&o->a->rec, sc, res,
				&o->a->drivers[k->client]);
	else if (o->a->expectations)
		ga_expect_file_ran(&o->a->ce, sc, res);
}

/* The evidence directory of a combination under -o: <server>-<client>
 * (-<proxy> with --proxy) when there are several, with '/' of the names
 * made '-' and ':' and ' ' made '_' (one component, never "." or ".."). */
const char *run_client_label(const struct run_args *a, size_t c, char *buf,
			     size_t size)
{
	size_t i, nth = 0, same = 0;

	/* another version of a connector (--client mysql2@3.9.0) is
	 * named by what was asked for */
	if (strchr(a->drivers[c].alias, '@'))
		return a->drivers[c].alias;
	for (i = 0; i < a->nclients; i++) {
		if (strchr(a->drivers[i].alias, '@'))
			continue;
		if (strcmp(a->drivers[i].name, a->drivers[c].name) != 0)
			continue;
		same++;
		if (i <= c)
			nth++;
	}
	if (same < 2)
		return a->drivers[c].name;
	snprintf(buf, size, "%s#%zu", a->drivers[c].name, nth);
	return buf;
}

size_t run_check_combos(const struct run_args *a)
{
	struct combo k, other;
	size_t n = run_ncombos(a), i, j, clashes = 0;

	if (!a->opts.results_dir)
		return 0;
	for (i = 0; i < n; i++) {
		run_combo_init(a, i, &k);
		for (j = 0; j < i; j++) {
			run_combo_init(a, j, &other);
			if (strcmp(k.sub, other.sub) != 0)
				continue;
			fprintf(stderr, "goneaway: %s%s and %s keep their "
				"evidence in the same directory %s/%s: one "
				"overwrites the other\n",
				a->strict ? "--strict: " : "warning: ",
				other.label, k.label, a->opts.results_dir,
				k.sub);
			clashes++;
			break;
		}
	}
	return clashes;
}

size_t run_ncombos(const struct run_args *a)
{
	return a->nservers * a->nclients * (a->nproxies ? a->nproxies : 1);
}

void run_combo_init(const struct run_args *a, size_t i, struct combo *k)
{
	char name[sizeof(a->drivers[0].name) + 24];
	size_t np = a->nproxies ? a->nproxies : 1;
	const char *proxy;
	char *p;

	memset(k, 0, sizeof(*k));
	k->column = i;
	k->server = i / (a->nclients * np);
	k->client = i / np % a->nclients;
	k->proxy = i % np;
	proxy = a->nproxies ? a->proxies[k->proxy] : NULL;
	/* the proxy is named when --proxy was given */
	if (run_ncombos(a) > 1)
		snprintf(k->label, sizeof(k->label), "%s/%s%s%s",
			 a->servers[k->server],
			 run_client_label(a, k->client, name, sizeof(name)),
			 proxy ? "/" : "", proxy ? proxy : "");
	snprintf(k->sub, sizeof(k->sub), "%s", k->label);
	for (p = k->sub; *p; p++)
		if (*p == '/' || *p == ':' || *p == ' ')
			*p = *p == '/' ? '-' : '_';
	if (strcmp(k->sub, ".") == 0 || strcmp(k->sub, "..") == 0)
		k->sub[0] = '_';
}
