/* replay.h - what goneaway replay's files share (cli/replay.c runs a
 * case again; cli/replay_check.c checks a folder before anything of it
 * runs; cli/replay_bundle.c stages a folder to pack, leaving out what
 * names the reporter's machine). */
#ifndef GA_CLI_REPLAY_H
#define GA_CLI_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/scenario.h"
#include "util/error.h"

/* The files replay reads from a folder or takes from a bundle, each with
 * the most bytes read of it (named in the error of one larger). */
#define REPLAY_RESULTS_MAX (64LL << 20)
#define REPLAY_SCENARIO_MAX (1LL << 20)         /* as the parser reads */
#define REPLAY_CNF_MAX (1LL << 20)
#define REPLAY_DIGESTS_MAX 4096LL

/* Checks the folder dir's SHA256SUMS (GA_CASE_DIGESTS) against its files:
 * it must name scenario.gw, results.jsonl and, when the folder has one,
 * expectations, and each must have the digest it gives.  A folder
 * without SHA256SUMS is refused too unless trust (--trust): nothing
 * then ties its scenario to its report but the steps.  shown is how
 * messages name the folder ("DIR/", "BUNDLE.tar.gz:TOP/").  Prints the
 * refusal; returns 0 or -1. */
int replay_check_digests(const char *dir, const char *shown, bool trust);

/* Checks that sc, the folder's scenario, has the steps its
 * results.jsonl reports (as many, each on the same line, of the same
 * kind and with the same text).  Prints the first difference; returns
 * 0 or -1. */
int replay_check_steps(const char *dir, const char *shown,
		       const struct ga_scenario *sc);

/* Refuses (prints every line and its reason, returns -1) what sc may
 * not do on this machine without --trust (lang/trust.h); 0 when it
 * may. */
int replay_check_trust(const struct ga_scenario *sc);

/* Copies the case's folder dir (its files and run-K folders) into the
 * empty directory stage, leaving out, unless include_host, this
 * machine's name and kernel and the home directory's path ("~" in its
 * place), and writes the staged files' SHA256SUMS.  Returns 0, or -1
 * with err set. */
int replay_stage(const char *dir, const char *stage, bool include_host,
		 struct ga_error *err);

/* text (owned, realloc'd) with each "$HOME/" written "~/". */
char *replay_home_left_out(char *text);

#endif
