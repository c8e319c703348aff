/* case_error.c - a case that the harness could not carry on (run/
 * internal.h): what runner.c, steps.c and login.c all use, and that
 * uses none of them. */
#include "run/internal.h"

#include <stdio.h>
#include <string.h>

int ga_case_harness_error(struct ga_case *c, const struct ga_step *step,
			  const struct ga_error *err)
{
	ga_case_verdict(c->res, GA_VERDICT_ERROR, step->line, "%s: %s",
			ga_step_kind_name(step->kind), err->msg);
	return -1;
}

int ga_case_interrupted(struct ga_case *c, const struct ga_step *step)
{
	c->res->signo = c->r->in ? c->r->in->signo : 0;
	ga_case_verdict(c->res, GA_VERDICT_ERROR, step ? step->line : 0,
			"interrupted by signal %d (%s)", c->res->signo,
			strsignal(c->res->signo));
	return -1;
}
