/* verdict.c - a scenario's verdict and its reason (result/result.h):
 * what run/ sets as a case goes and every floor above it reads. */
#include "result/result.h"

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

bool ga_case_reused(const struct ga_case_result *res)
{
	return strncmp(res->server_setup, GA_REUSED_SERVER,
		       strlen(GA_REUSED_SERVER)) == 0;
}

void ga_case_result_error(struct ga_case_result *res, const char *why)
{
	ga_case_verdict(res, GA_VERDICT_ERROR, 0, "%s", why);
}
