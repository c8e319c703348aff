/* record_file.c - see record.h (ga_record_expectations): a connector's
 * expectation file's lines from what its client's cases saw, one per
 * step and server. */
#include "plan/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/expect_text.h"

static int add_entry(struct ga_expectations *x, const char *label,
		     const struct ga_scenario *sc, const struct ga_step *st,
		     const char *server, const struct ga_expect *e)
{
	struct ga_expectation *g, *to;

	g = realloc(x->items, (x->n + 1) * sizeof(*g));
	if (!g)
		return -1;
	x->items = g;
	to = &g[x->n];
	memset(to, 0, sizeof(*to));
	to->label = strdup(label);
	if (!to->label || ga_record_expect_copy(&to->expect, e)) {
		free(to->label);
		return -1;
	}
	memset(&to->expect.selector, 0, sizeof(to->expect.selector));
	to->expect.origin = NULL;
	to->expect.line = 0;
	to->step_line = st->line;
	to->kind = st->kind;
	snprintf(to->server, sizeof(to->server), "%s", server);
	if (st->conn >= 0)
		snprintf(to->conn, sizeof(to->conn), "%s",
			 sc->connections[st->conn].name);
	x->n++;
	return 0;
}

static void drop_entry(struct ga_expectations *x, size_t i)
{
	free(x->items[i].label);
	ga_record_expect_free(&x->items[i].expect);
	memmove(&x->items[i], &x->items[i + 1],
		(x->n - i - 1) * sizeof(x->items[0]));
	x->n--;
}

/* The case's line for step i: the line that applied, when it held for
 * everything the case saw (a placeholder never), else one made from
 * what it saw. */
static int case_line(const struct ga_record_case *rc, const struct ga_step *st,
		     size_t i, struct ga_expect *out)
{
	const struct ga_step_result *sr = &rc->steps[i];
	const struct ga_expect *applied = sr->expect;

	if (applied && !applied->set.any && ga_record_holds(applied, sr))
		return ga_record_expect_copy(out, applied);
	if (!applied && ga_record_holds(NULL, sr)) {       /* every run ok */
		memset(out, 0, sizeof(*out));
		out->set.ok = true;
		out->after_ms = out->within_ms = -1;
		return 0;
	}
	return ga_record_line(st, sr, applied, out);
}

static int record_entries(struct ga_expectations *x,
			  const struct ga_scenario *sc, size_t i,
			  const struct ga_record_case *cases, size_t n)
{
	const struct ga_step *st = &sc->steps[i];
	const char *label = ga_scenario_label(sc);
	char dtext[2048], text[2048];
	struct ga_expect d, e;
	size_t k, j, first = n;
	bool ran_here;
	int rc = -1;

	for (k = 0; k < n; k++)
		if (i < cases[k].nsteps && cases[k].steps[i].ran) {
			first = k;
			break;
		}
	if (first == n)
		return 0;
	if (case_line(&cases[first], st, i, &d))
		return -1;
	ga_expect_text(&d, false, dtext, sizeof(dtext));
	/* the run's servers (and '*') get new lines; the others' stay,
	 * unless they say what '*' says */
	for (j = x->n; j-- > 0;) {
		const struct ga_expectation *o = &x->items[j];

		if (o->step_line != st->line || strcmp(o->label, label) != 0)
			continue;
		ran_here = !o->server[0];
		for (k = 0; k < n && !ran_here; k++)
			ran_here = strcmp(cases[k].server_name, o->server) == 0 &&
				   i < cases[k].nsteps && cases[k].steps[i].ran;
		ga_expect_text(&o->expect, false, text, sizeof(text));
		if (ran_here || strcmp(text, dtext) == 0)
			drop_entry(x, j);
	}
	if (add_entry(x, label, sc, st, "", &d))
		goto out;
	for (k = first + 1; k < n; k++) {
		if (i >= cases[k].nsteps || !cases[k].steps[i].ran ||
		    ga_expectations_find(x, label, st->line,
					 cases[k].server_name))
			continue;
		if (case_line(&cases[k], st, i, &e))
			goto out;
		ga_expect_text(&e, false, text, sizeof(text));
		if (strcmp(text, dtext) != 0 &&
		    add_entry(x, label, sc, st, cases[k].server_name, &e)) {
			ga_record_expect_free(&e);
			goto out;
		}
		ga_record_expect_free(&e);
	}
	rc = 0;
out:
	ga_record_expect_free(&d);
	return rc;
}

int ga_record_expectations(struct ga_expectations *x,
			   const struct ga_scenario *sc,
			   const struct ga_record_case *cases, size_t n,
			   struct ga_error *err)
{
	struct ga_record_case *mine;
	struct ga_selector want;
	size_t i, k, m = 0;
	int rc = 0;

	if (!x->client)
		return ga_error_set(err, "%s: no 'client NAME' line", x->path);
	mine = calloc(n ? n : 1, sizeof(*mine));
	if (!mine)
		return ga_error_set(err, "out of memory");
	memset(&want, 0, sizeof(want));
	snprintf(want.client, sizeof(want.client), "%s", x->client);
	for (k = 0; k < n; k++)
		if (ga_record_is_client(&want, &cases[k].who))
			mine[m++] = cases[k];   /* shallow: borrowed */
	for (i = 0; i < sc->nsteps && rc == 0; i++)
		if (ga_record_checked(&sc->steps[i]) &&
		    record_entries(x, sc, i, mine, m))
			rc = ga_error_set(err, "out of memory");
	free(mine);
	return rc;
}
