/* replay.h - what goneaway replay's files share (cli/replay.c runs a
 * case again, once plan/casecheck.c checked its folder;
 * cli/replay_bundle.c stages a folder to pack, leaving out what names
 * the reporter's machine). */
#ifndef GA_CLI_REPLAY_H
#define GA_CLI_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/scenario.h"
#include "plan/casecheck.h"
#include "util/error.h"

/* The files replay reads from a folder or takes from a bundle, each with
 * the most bytes read of it (named in the error of one larger). */
#define REPLAY_RESULTS_MAX (64LL << 20)
#define REPLAY_SCENARIO_MAX (1LL << 20)         /* as the parser reads */
#define REPLAY_CNF_MAX (1LL << 20)
#define REPLAY_DIGESTS_MAX GA_CASE_DIGESTS_FILE_MAX

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
