/* scenario.c - see scenario.h */
#include "lang/scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/faultkind.h"
#include "lang/expand.h"
#include "lang/threadvar.h"
#include "util/grow.h"

static void free_step(struct ga_step *st)
{
	size_t i;

	for (i = 0; i < st->nexpects; i++) {
		free(st->expects[i].value.text);
		free(st->expects[i].message);
	}
	free(st->expects);
	for (i = 0; i < st->nparams; i++)
		free(st->params[i].text);
	free(st->params);
	free(st->text);
	ga_expansion_free(st->expansion);
	ga_threadvars_free(st->threads);
	if (st->fault && st->fault_spec)
		st->fault->free_spec(st->fault_spec);
}

void ga_scenario_free(struct ga_scenario *sc)
{
	size_t i, j;

	if (!sc)
		return;
	free(sc->path);
	free(sc->name);
	free(sc->label);
	free(sc->title);
	free(sc->cause);
	ga_strings_free(sc->keywords, sc->nkeywords);
	ga_strings_free(sc->requires, sc->nrequires);
	free(sc->requires_text);
	free(sc->proxy.reason);
	for (i = 0; i < sc->noptions; i++) {
		free(sc->options[i].name);
		free(sc->options[i].value);
	}
	free(sc->options);
	for (i = 0; i < sc->nconnections; i++) {
		free(sc->connections[i].user);
		free(sc->connections[i].password);
		free(sc->connections[i].database);
		for (j = 0; j < sc->connections[i].ndriver_options; j++)
			free(sc->connections[i].driver_options[j].value);
		free(sc->connections[i].driver_options);
		free(sc->connections[i].keepalives);
		free(sc->connections[i].pool.validation);
	}
	free(sc->connections);
	for (i = 0; i < sc->nsteps; i++)
		free_step(&sc->steps[i]);
	free(sc->steps);
	free(sc);
}

char *ga_label_safe(const char *raw)
{
	size_t len = strlen(raw), used = 0, n;
	const char *p = raw, *end;
	char *out;

	/* each ".." may grow by 0 ("up"), plus "_" for an empty result */
	out = malloc(len + 2);
	if (!out)
		return NULL;
	while (*p) {
		end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		n = (size_t)(end - p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			p = "up";
		} else if (n == 0 || (n == 1 && p[0] == '.')) {
			p = *end ? end + 1 : end;
			continue;
		}
		if (used)
			out[used++] = '/';
		memcpy(out + used, p, n);
		used += n;
		p = *end ? end + 1 : end;
	}
	if (!used)
		out[used++] = '_';
	out[used] = '\0';
	return out;
}

/* The last k components of path, without ".gw": "a/x" for k = 2 and
 * "t/a/x.gw".  The whole path (no leading "./" or "/") when it has fewer.
 * Made safe as a path under the results directory (ga_label_safe). */
static char *path_label(const char *path, int k)
{
	const char *start;
	char *raw, *safe;
	size_t n;

	while (path[0] == '.' && path[1] == '/')
		path += 2;
	start = path + strlen(path);
	while (start > path && k > 0) {
		start--;
		if (*start == '/' && --k == 0) {
			start++;
			break;
		}
	}
	while (*start == '/')
		start++;
	n = strlen(start);
	if (n > 3 && strcmp(start + n - 3, ".gw") == 0)
		n -= 3;
	raw = strndup(start, n);
	if (!raw)
		return NULL;
	safe = ga_label_safe(raw);
	free(raw);
	return safe;
}

/* The fewest trailing path components that tell apart every scenario
 * named like scs[i] (2: "a/x" and "b/x"). */
static int components_needed(struct ga_scenario **scs, size_t n, size_t i)
{
	char *mine, *theirs;
	bool clash;
	size_t j;
	int k;

	for (k = 2; k < 64; k++) {
		mine = path_label(scs[i]->path, k);
		if (!mine)
			return k;
		clash = false;
		for (j = 0; j < n && !clash; j++) {
			if (j == i || strcmp(scs[i]->name, scs[j]->name) != 0 ||
			    strcmp(scs[i]->path, scs[j]->path) == 0)
				continue;       /* the same file: "-2" below */
			theirs = path_label(scs[j]->path, k);
			clash = !theirs || strcmp(mine, theirs) == 0;
			free(theirs);
		}
		free(mine);
		if (!clash)
			return k;
	}
	return k;
}

/* The same file given twice: "-2", "-3" ... after the later ones. */
static int unique_label(struct ga_scenario **scs, size_t i)
{
	size_t j, len = strlen(scs[i]->label);
	unsigned k = 1;
	char *grown;

	for (j = 0; j < i; j++) {
		if (strcmp(scs[j]->label, scs[i]->label) != 0)
			continue;
		grown = realloc(scs[i]->label, len + 16);
		if (!grown)
			return -1;
		scs[i]->label = grown;
		snprintf(grown + len, 16, "-%u", ++k);
		j = (size_t)-1;         /* check the new label from the start */
	}
	return 0;
}

int ga_scenarios_label(struct ga_scenario **scs, size_t n)
{
	size_t i, j;
	bool shared;

	for (i = 0; i < n; i++) {
		shared = false;
		for (j = 0; j < n && !shared; j++)
			shared = j != i && strcmp(scs[i]->name, scs[j]->name) == 0;
		free(scs[i]->label);
		scs[i]->label = shared ?
			path_label(scs[i]->path, components_needed(scs, n, i)) :
			ga_label_safe(scs[i]->name);
		if (!scs[i]->label || unique_label(scs, i))
			return -1;
	}
	return 0;
}

const char *ga_scenario_label(const struct ga_scenario *sc)
{
	return sc->label ? sc->label : sc->name;
}

bool ga_scenario_has_step(const struct ga_scenario *sc,
			  enum ga_step_kind kind)
{
	size_t i;

	for (i = 0; i < sc->nsteps; i++)
		if (sc->steps[i].kind == kind)
			return true;
	return false;
}

const char *ga_flavour_name(enum ga_flavour flavour)
{
	switch (flavour) {
	case GA_FLAVOUR_MARIADB: return "mariadb";
	case GA_FLAVOUR_MYSQL: return "mysql";
	case GA_FLAVOUR_ANY: break;
	}
	return "";
}

static bool same_name(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

bool ga_selector_client_matches(const struct ga_selector *sel,
				const char *name, const char *alias,
				unsigned long version)
{
	double diff;

	if (!sel->client[0])
		return true;
	if (!same_name(sel->client, name) && !same_name(sel->client, alias))
		return false;
	if (sel->client_cmp == GA_CMP_NONE)
		return true;
	if (version == 0)
		return false;
	diff = (double)version - (double)sel->client_version;
	return ga_cmp_holds(sel->client_cmp, diff);
}

const struct ga_keepalive *ga_connection_keepalive(
	const struct ga_connection *c, const char *name, const char *alias,
	unsigned long version)
{
	size_t i;

	for (i = 0; i < c->nkeepalives; i++)
		if (ga_selector_client_matches(&c->keepalives[i].selector,
					       name, alias, version))
			return &c->keepalives[i].times;
	return c->keepalive.count ? &c->keepalive : NULL;
}

const char *ga_cmp_text(enum ga_cmp cmp)
{
	switch (cmp) {
	case GA_CMP_EQ: return "=";
	case GA_CMP_NE: return "!=";
	case GA_CMP_LT: return "<";
	case GA_CMP_LE: return "<=";
	case GA_CMP_GT: return ">";
	case GA_CMP_GE: return ">=";
	case GA_CMP_NONE: break;
	}
	return "";
}

bool ga_cmp_holds(enum ga_cmp cmp, double diff)
{
	switch (cmp) {
	case GA_CMP_NONE: return true;
	case GA_CMP_EQ: return diff == 0;
	case GA_CMP_NE: return diff != 0;
	case GA_CMP_LT: return diff < 0;
	case GA_CMP_LE: return diff <= 0;
	case GA_CMP_GT: return diff > 0;
	case GA_CMP_GE: return diff >= 0;
	}
	return false;
}
