/* verdict.c - a scenario's verdict and its reason (ga_verdict_name in
 * run/runner.h; ga_case_verdict and friends in run/internal.h): the
 * floor of run/ that runner.c, steps.c, repeat.c and the step lines all
 * use, and that uses none of them. */
#include "run/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *ga_verdict_name(enum ga_verdict v)
{
	switch (v) {
	case GA_VERDICT_PASS: return "PASS";
	case GA_VERDICT_FAIL: return "FAIL";
	case GA_VERDICT_SKIP: return "SKIP";
	case GA_VERDICT_ERROR: return "ERROR";
	}
	return "?";
}

void ga_case_verdict(struct ga_case_result *res, enum ga_verdict v, int line,
		     const char *fmt, ...)
{
	va_list ap;

	res->verdict = v;
	res->line = line;
	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
}

void ga_case_verdict_first(struct ga_case_result *res, enum ga_verdict v,
			   int line, const char *fmt, ...)
{
	va_list ap;

	if (res->verdict != GA_VERDICT_PASS)
		return;
	res->verdict = v;
	res->line = line;
	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
}

void ga_case_ended_text(const struct ga_case_result *res, char *buf,
			size_t len)
{
	if (res->verdict == GA_VERDICT_PASS)
		buf[0] = '\0';
	else
		snprintf(buf, len, " (the scenario had ended %s at line %d: "
			 "%s)", ga_verdict_name(res->verdict), res->line,
			 res->reason);
}

size_t ga_case_skipped_steps(const struct ga_case_result *res)
{
	size_t i, n = 0;

	for (i = 0; res->steps && i < res->nsteps; i++)
		n += res->steps[i].skipped[0] != '\0';
	return n;
}

bool ga_case_partly_skipped(const struct ga_case_result *res)
{
	size_t i;
	bool ran = false;

	for (i = 0; res->steps && i < res->nsteps; i++)
		ran = ran || res->steps[i].ran;
	return ran && ga_case_skipped_steps(res) > 0;
}

void ga_case_result_error(struct ga_case_result *res, const char *why)
{
	ga_case_verdict(res, GA_VERDICT_ERROR, 0, "%s", why);
}

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
