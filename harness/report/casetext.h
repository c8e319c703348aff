/* casetext.h - a case's evidence folder as a bug report: report.txt,
 * one page saying what ran, where, with what and what happened, step
 * by step (report/casetext.c; plan/sink_casefolder.c writes it). */
#ifndef GA_CASETEXT_H
#define GA_CASETEXT_H

#include <stdio.h>

#include "lang/scenario.h"
#include "result/result.h"

struct ga_case_text_meta {
	const char *version;            /* goneaway's */
	int argc;                       /* the command line after "goneaway" */
	char *const *argv;
	const char *folder;             /* the folder, as the user names it */
};

/* Writes the report of case res of sc to f: the verdict and its reason,
 * the date, the command line, goneaway's version, the kernel, the
 * server, the client (its library and how it was started), the
 * capture, and every step: its line as written in scenario_text (the
 * copy that ran, NULL when there is none), its call, outcome and server
 * threads, or that it was never reached.  Text from outside is escaped
 * (util/escape.h). */
void ga_case_text_write(FILE *f, const struct ga_case_text_meta *m,
			const struct ga_scenario *sc, const char *scenario_text,
			const struct ga_case_result *res);

#endif
