/* version.c - see internal.h: the version this build says.
 * GA_VERSION_SUFFIX is the Makefile's: its build directory's
 * version_gen.h (cli/gen-version.sh, made again at every make and
 * rewritten only when it changed), included first by -include. */
#include "cli/internal.h"

#ifndef GA_VERSION_SUFFIX
#error "build with make: GA_VERSION_SUFFIX comes from version_gen.h"
#endif

const char *cli_version(void)
{
	return GONEAWAY_VERSION GA_VERSION_SUFFIX;
}
