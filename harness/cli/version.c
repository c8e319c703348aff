/* version.c - see internal.h: the version this build says.
 * version_gen.h is the Makefile's (cli/gen-version.sh, made again at
 * every make and rewritten only when it changed). */
#include "cli/internal.h"

#include "version_gen.h"

const char *cli_version(void)
{
	return GONEAWAY_VERSION GA_VERSION_SUFFIX;
}
