/* combo.c - the combinations of a plan: every --server × --client ×
 * --proxy, its label ("local/pymysql/haproxy") and its evidence
 * directory under -o. */
#include "plan/internal.h"

#include <stdio.h>
#include <string.h>

size_t ga_plan_ncombos(const struct ga_plan *p)
{
	return p->nservers * p->nclients * (p->nproxies ? p->nproxies : 1);
}

/* The evidence directory of a combination under -o: <server>-<client>
 * (-<proxy> with --proxy) when there are several, with '/' of the names
 * made '-' and ':' and ' ' made '_' (one component, never "." or ".."). */
const char *ga_plan_client_label(const struct ga_plan *p, size_t c,
				 char *buf, size_t size)
{
	size_t i, nth = 0, same = 0;

	/* another version of a connector (--client mysql2@3.9.0) is
	 * named by what was asked for */
	if (strchr(p->drivers[c].alias, '@'))
		return p->drivers[c].alias;
	for (i = 0; i < p->nclients; i++) {
		if (strchr(p->drivers[i].alias, '@'))
			continue;
		if (strcmp(p->drivers[i].name, p->drivers[c].name) != 0)
			continue;
		same++;
		if (i <= c)
			nth++;
	}
	if (same < 2)
		return p->drivers[c].name;
	snprintf(buf, size, "%s#%zu", p->drivers[c].name, nth);
	return buf;
}

void ga_plan_combo(const struct ga_plan *p, size_t i, struct ga_combo *k)
{
	char name[sizeof(p->drivers[0].name) + 24];
	size_t np = p->nproxies ? p->nproxies : 1;
	const char *proxy;
	char *c;

	memset(k, 0, sizeof(*k));
	k->column = i;
	k->server = i / (p->nclients * np);
	k->client = i / np % p->nclients;
	k->proxy = i % np;
	proxy = p->nproxies ? p->proxies[k->proxy] : NULL;
	/* the proxy is named when --proxy was given */
	if (ga_plan_ncombos(p) > 1)
		snprintf(k->label, sizeof(k->label), "%s/%s%s%s",
			 p->servers[k->server],
			 ga_plan_client_label(p, k->client, name, sizeof(name)),
			 proxy ? "/" : "", proxy ? proxy : "");
	snprintf(k->sub, sizeof(k->sub), "%s", k->label);
	for (c = k->sub; *c; c++)
		if (*c == '/' || *c == ':' || *c == ' ')
			*c = *c == '/' ? '-' : '_';
	if (strcmp(k->sub, ".") == 0 || strcmp(k->sub, "..") == 0)
		k->sub[0] = '_';
}

void ga_plan_combo_options(struct ga_plan *p, const struct ga_combo *k,
			   struct ga_run_options *o)
{
	*o = p->opts;
	o->server = p->server_ops[k->server];
	o->server_opts.arg = p->roots[k->server];
	o->server_name = p->servers[k->server];
	o->driver = &p->drivers[k->client];
	o->client_spec = p->clients[k->client];
	o->proxy = p->nproxies ? p->proxies[k->proxy] : NULL;
	o->results_sub = k->sub[0] ? k->sub : NULL;
}

size_t ga_plan_check_combos(const struct ga_plan *p)
{
	struct ga_combo k, other;
	size_t n = ga_plan_ncombos(p), i, j, clashes = 0;

	if (!p->opts.results_dir)
		return 0;
	for (i = 0; i < n; i++) {
		ga_plan_combo(p, i, &k);
		for (j = 0; j < i; j++) {
			ga_plan_combo(p, j, &other);
			if (strcmp(k.sub, other.sub) != 0)
				continue;
			fprintf(stderr, "goneaway: %s%s and %s keep their "
				"evidence in the same directory %s/%s: one "
				"overwrites the other\n",
				p->strict ? "--strict: " : "warning: ",
				other.label, k.label, p->opts.results_dir,
				k.sub);
			clashes++;
			break;
		}
	}
	return clashes;
}
