/* sink_strict.c - --strict: what a passing run may not have, in one case: a
 * SKIP no --allow-skip rule covers, evidence that was not kept. */
#include "plan/internal.h"

#include <stdio.h>
#include <stdlib.h>
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

/* --strict: prints and counts what is wrong with one case of scenario
 * sc (a SKIP that no rule of allow covers, evidence not kept), and keeps
 * each reason in why (NULL: not kept) for the command's last line. */
static size_t strict_violations(const struct ga_allow *allow,
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

/* The --strict sink: each case's violations counted into the result
 * (and printed as it ends), or, deferred, all of them at the run's end,
 * after the outputs' summaries ("goneaway report": the cases it read
 * live until then). */
struct strict_sink {
	const struct ga_allow *allow;
	struct ga_plan_result *r;
	bool deferred;
	struct ga_case_end *held;               /* owned copies, deferred */
	size_t nheld;
	bool failed;                            /* out of memory holding */
};

static void strict_end_case(struct ga_sink *s, const struct ga_case_end *e)
{
	struct strict_sink *st = s->state;
	struct ga_case_end *grown;

	if (!st->deferred) {
		st->r->violations += strict_violations(st->allow, e->sc,
							  e->res, &st->r->why);
		return;
	}
	grown = realloc(st->held, (st->nheld + 1) * sizeof(*grown));
	if (!grown) {
		st->failed = true;
		return;
	}
	grown[st->nheld++] = *e;
	st->held = grown;
}

static void strict_end_run(struct ga_sink *s, const struct ga_run_summary *sum)
{
	struct strict_sink *st = s->state;
	size_t i;

	(void)sum;
	for (i = 0; i < st->nheld; i++)
		st->r->violations += strict_violations(st->allow,
							  st->held[i].sc,
							  st->held[i].res,
							  &st->r->why);
	if (st->failed) {
		fprintf(stderr, "goneaway: --strict: out of memory\n");
		st->r->violations++;
		ga_why_strict(&st->r->why, "out of memory");
	}
}

static void strict_destroy(struct ga_sink *s)
{
	struct strict_sink *st = s->state;

	free(st->held);
	free(st);
}

static const struct ga_sink_ops strict_ops = {
	.name = "strict",
	.end_case = strict_end_case,
	.end_run = strict_end_run,
	.destroy = strict_destroy,
};

int ga_sink_add_strict(struct ga_sinks *l, const struct ga_allow *allow,
		       struct ga_plan_result *r, bool deferred)
{
	struct strict_sink *st = calloc(1, sizeof(*st));

	if (!st)
		return -1;
	st->allow = allow;
	st->r = r;
	st->deferred = deferred;
	return ga_sinks_add(l, &strict_ops, st);
}
