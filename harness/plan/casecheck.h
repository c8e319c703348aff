/* casecheck.h - a case's folder (plan/sink_casefolder.c writes it) checked
 * before goneaway replay runs anything of it (plan/casecheck.c): its
 * files are the ones SHA256SUMS names, its scenario has the steps its
 * report has, and the scenario does nothing on the host that a replay
 * does not do without --trust. */
#ifndef GA_PLAN_CASECHECK_H
#define GA_PLAN_CASECHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "lang/scenario.h"
#include "util/error.h"
#include "util/sha256.h"

/* The most bytes of a folder's SHA256SUMS read. */
#define GA_CASE_DIGESTS_FILE_MAX 4096LL

/* Checks the folder dir's SHA256SUMS (GA_CASE_DIGESTS) against its files:
 * it must name scenario.gw, results.jsonl and, when the folder has one,
 * expectations, and each must have the digest it gives; and so must each
 * of the scenario's fixtures the folder has (ga_case_check_fixtures).  A folder
 * without SHA256SUMS is refused too unless trust (--trust): nothing
 * then ties its scenario to its report but the steps.  shown is how
 * messages name the folder ("DIR/", "BUNDLE.tar.gz:TOP/").  Prints the
 * refusal; returns 0 or -1. */
int ga_case_check_digests(const char *dir, const char *shown, bool trust);

/* ---- the lines of SHA256SUMS (plan/casedigests.c) ---------------------- */

/* Writes SHA256SUMS's lines for the open case folder dir into f, as
 * sha256sum(1) writes them ("HEX  NAME"): each of GA_CASE_DIGESTED the
 * folder has, then each of its fixtures (fixtures/NAME, sorted).
 * Returns 0, or -1 with err naming the file (or the fixture that is
 * none: a scenario's fixtures are GA_FIXTURES_FILES_MAX regular files
 * with plain names at most, lang/scenario.h). */
int ga_case_digests_write(int dir, FILE *f, struct ga_error *err);

/* The digest the text of a SHA256SUMS gives name, into hex; NULL when it
 * gives none. */
const char *ga_case_digest_of(const char *sums, const char *name,
			      char hex[GA_SHA256_HEX]);

/* The open folder dir's fixtures/ against sums, its SHA256SUMS's text:
 * every fixture the folder has has the digest sums gives it, and every
 * fixture sums names is there.  Prints the first refusal (shown names
 * the folder); returns 0 or -1. */
int ga_case_check_fixtures(int dir, const char *sums, const char *shown);

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
