/* explore_side.c - goneaway explore's server side: for a run whose
 * write or COMMIT failed, whether the server did it all the same
 * (docs/explore.md, "failed but committed").  goneaway run --record
 * reads the server's tables into a digest (run/digest.c) at each case's
 * mark, before each call on a client connection (GA_STEP_DIGESTED) and
 * at the case's end; the clean run's say what its tables were before
 * and after each step, and a run's end is compared with them at its
 * first failed step that changed them in the clean run (a write in
 * autocommit, a COMMIT, DDL: the server says which, no list of
 * statements does).
 * Not a violation: a client cannot know, and the map says where. */
#include "cli/explore_plan.h"

#include <stdio.h>
#include <string.h>

#include "lang/step.h"

/* The clean run's tables after its step k: before its next step that
 * has a digest, or at its end. */
static const char *clean_after(const struct ga_scenario *sc,
			       const struct ex_case *clean, size_t k)
{
	size_t m;

	for (m = k + 1; m < clean->nsteps && m < sc->nsteps; m++)
		if (ga_step_kind_is(sc->steps[m].kind, GA_STEP_DIGESTED))
			return clean->steps[m].digest;
	return clean->digest;
}

void ex_server_side(const struct ga_scenario *sc, const struct ex_case *clean,
		    const struct ex_case *run, struct ex_run *r)
{
	const char *before, *after;
	size_t k;

	r->side = EX_SIDE_NONE;
	r->side_line = 0;
	for (k = 0; k < run->nsteps && k < sc->nsteps; k++) {
		const struct ex_step *s = &run->steps[k];

		if (!s->ran || strcmp(s->result, "ok") == 0 ||
		    !ga_step_kind_is(sc->steps[k].kind, GA_STEP_DIGESTED))
			continue;
		r->side_line = sc->steps[k].line;
		if (k >= clean->nsteps || !clean->steps[k].digest[0] ||
		    !clean->digest[0] || !run->digest[0]) {
			r->side = EX_SIDE_UNREAD;
			return;
		}
		before = clean->steps[k].digest;
		after = clean_after(sc, clean, k);
		/* a step whose work the clean run's tables do not show (a
		 * statement inside a transaction, before its COMMIT; a
		 * COMMIT of nothing) says nothing: the next one may */
		if (strcmp(before, after) == 0) {
			r->side_line = 0;
			continue;
		}
		if (strcmp(run->digest, after) == 0 ||
		    strcmp(run->digest, clean->digest) == 0)
			r->side = EX_SIDE_COMMITTED;
		else if (strcmp(run->digest, before) == 0)
			r->side = EX_SIDE_NOT;
		else
			r->side = EX_SIDE_PARTLY;
		return;
	}
}

void ex_side_lines(const struct ex_state *st,
		   void (*line)(void *ctx, const char *text), void *ctx)
{
	char text[EX_LABEL_MAX + 400], name[EX_LABEL_MAX + 40];
	size_t n[EX_NSIDES] = { 0 }, i;

	for (i = 0; i < st->nruns; i++)
		n[st->runs[i].side]++;
	if (n[EX_SIDE_NONE] == st->nruns)
		return;
	snprintf(text, sizeof(text), "failed writes and COMMITs, the "
		 "server's side: %zu failed but committed (*), %zu partly "
		 "(~), %zu not committed, %zu not read",
		 n[EX_SIDE_COMMITTED], n[EX_SIDE_PARTLY], n[EX_SIDE_NOT],
		 n[EX_SIDE_UNREAD]);
	line(ctx, text);
	for (i = 0; i < st->nruns; i++) {
		const struct ex_run *r = &st->runs[i];

		if (r->side != EX_SIDE_COMMITTED && r->side != EX_SIDE_PARTLY)
			continue;
		ex_point_name(&st->pts[r->point], name, sizeof(name));
		snprintf(text, sizeof(text), "%s %s: line %d failed, %s", r->name,
			 name, r->side_line, r->side == EX_SIDE_COMMITTED ?
			 "but the server holds its work (failed but "
			 "committed: a retry makes it twice)" :
			 "and the server holds some of what the clean run "
			 "wrote, not all");
		line(ctx, text);
	}
}

/* ex_side_section()'s ctx. */
struct section {
	FILE *f;
	const char *head;
	void (*line)(void *f, const char *text);
	size_t n;                       /* lines written so far */
};

static void section_line(void *ctx, const char *text)
{
	struct section *s = ctx;

	if (!s->n++)
		fputs(s->head, s->f);
	s->line(s->f, text);
}

void ex_side_section(const struct ex_state *st, FILE *f, const char *head,
		     void (*line)(void *f, const char *text),
		     const char *tail)
{
	struct section s = { f, head, line, 0 };

	ex_side_lines(st, section_line, &s);
	if (s.n)
		fputs(tail, f);
}
