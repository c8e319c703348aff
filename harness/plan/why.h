/* why.h - what made a run or a report fail, kept as its
 * cases end (plan/why.c) for the command line's last line (cli/lastline.c). */
#ifndef GA_PLAN_WHY_H
#define GA_PLAN_WHY_H

#include <stddef.h>

#include "lang/scenario.h"
#include "run/runner.h"

#define GA_WHY_KEPT 10         /* --strict reasons told again at the end */

/* What made a run or a report fail, kept as its cases end; start it
 * zeroed. */
struct ga_why {
	size_t nfail, nerror, nstrict;
	char fail[1024];                /* "kill-idle (local/pymysql), ..." */
	char error[1024];
	size_t fail_left_out, error_left_out;
	char strict[GA_WHY_KEPT][1600]; /* the first --strict reasons */
	size_t nkept;
};

/* Keeps case res of sc when it FAILed or is an ERROR. */
void ga_why_case(struct ga_why *w, const struct ga_scenario *sc,
		  const struct ga_case_result *res);
/* Keeps one --strict reason (as printed when it was found). */
void ga_why_strict(struct ga_why *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
