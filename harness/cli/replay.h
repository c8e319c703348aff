/* replay.h - what goneaway replay's files share (cli/replay.c runs a
 * case again, once plan/casecheck.c checked its folder;
 * plan/bundle_stage.c stages a folder to pack, leaving out what names
 * the reporter's machine). */
#ifndef GA_CLI_REPLAY_H
#define GA_CLI_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/scenario.h"
#include "plan/casecheck.h"
#include "plan/bundle_stage.h"
#include "util/error.h"

/* The files replay reads from a folder or takes from a bundle, each with
 * the most bytes read of it (named in the error of one larger). */
#define REPLAY_RESULTS_MAX (64LL << 20)
#define REPLAY_SCENARIO_MAX (1LL << 20)         /* as the parser reads */
#define REPLAY_CNF_MAX (1LL << 20)
#define REPLAY_DIGESTS_MAX GA_CASE_DIGESTS_FILE_MAX

#endif
