/* bundle_stage.h - a case's folder staged to be packed as a bundle
 * (goneaway replay --bundle, plan/bundle_stage.c). */
#ifndef GA_PLAN_BUNDLE_STAGE_H
#define GA_PLAN_BUNDLE_STAGE_H

#include <stdbool.h>

#include "util/error.h"

/* Copies the case's folder dir (its files and run-K folders) into the
 * empty directory stage, leaving out, unless include_host, this
 * machine's name and kernel and the home directory's path ("~" in its
 * place), and writes the staged files' SHA256SUMS.  Returns 0, or -1
 * with err set. */
int ga_bundle_stage(const char *dir, const char *stage, bool include_host,
		 struct ga_error *err);

/* text (owned, realloc'd) with each "$HOME/" written "~/". */
char *ga_bundle_home_left_out(char *text);

#endif
