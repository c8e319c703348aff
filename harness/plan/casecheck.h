/* casecheck.h - a case's folder (plan/casefolder.c writes it) checked
 * before goneaway replay runs anything of it (plan/casecheck.c): its
 * files are the ones SHA256SUMS names, its scenario has the steps its
 * report has, and the scenario does nothing on the host that a replay
 * does not do without --trust. */
#ifndef GA_PLAN_CASECHECK_H
#define GA_PLAN_CASECHECK_H

#include <stdbool.h>

#include "lang/scenario.h"

/* The most bytes of a folder's SHA256SUMS read. */
#define GA_CASE_DIGESTS_FILE_MAX 4096LL

/* Checks the folder dir's SHA256SUMS (GA_CASE_DIGESTS) against its files:
 * it must name scenario.gw, results.jsonl and, when the folder has one,
 * expectations, and each must have the digest it gives.  A folder
 * without SHA256SUMS is refused too unless trust (--trust): nothing
 * then ties its scenario to its report but the steps.  shown is how
 * messages name the folder ("DIR/", "BUNDLE.tar.gz:TOP/").  Prints the
 * refusal; returns 0 or -1. */
int ga_case_check_digests(const char *dir, const char *shown, bool trust);

/* Checks that sc, the folder's scenario, has the steps its
 * results.jsonl reports (as many, each on the same line, of the same
 * kind and with the same text).  Prints the first difference; returns
 * 0 or -1. */
int ga_case_check_steps(const char *dir, const char *shown,
		       const struct ga_scenario *sc);

/* Refuses (prints every line and its reason, returns -1) what sc may
 * not do on this machine without --trust (lang/trust.h); 0 when it
 * may. */
int ga_case_check_trust(const struct ga_scenario *sc);

#endif
