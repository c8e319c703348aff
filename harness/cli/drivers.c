/* drivers.c - "goneaway drivers [NAME...]": which client drivers of
 * drivers/drivers.list can run here.  Each is started once, as --client
 * NAME starts it; its greeting (docs/driver-protocol.md) is its own word
 * that its runtime and connector are installed, and when it gives none
 * its stderr says why.  One line each (util/checklist.h). */
#include "cli/internal.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "client/driver.h"
#include "plan/driverlist.h"
#include "plan/paths.h"
#include "plan/plan.h"
#include "util/checklist.h"
#include "util/escape.h"

/* One line for driver name; true when it greeted. */
static bool check_driver(struct ga_checklist *c, const char *name,
			 struct ga_interrupt *in)
{
	struct ga_driver drv;
	struct ga_error err;

	memset(&drv, 0, sizeof(drv));
	if (ga_client_open(name, &drv, in, &err)) {
		ga_check_line(c, false, false, name, "%s", err.msg);
		return false;
	}
	ga_check_line(c, true, false, name, "%s (greets as %s)", drv.library,
		      drv.name);
	ga_driver_release(&drv);
	return true;
}

/* The drivers' cache of the default cache (plan/paths.h), as a run
 * without --cache has it: each driver's probe builds it (plan/plan.h,
 * ga_drivers_cache_use); said on stderr when it is refused. */
static void use_cache(void)
{
	char cache[PATH_MAX];
	struct ga_error err;

	ga_default_cache(cache, sizeof(cache));
	if (ga_check_cache(cache, cache, sizeof(cache), &err))
		ga_esc_line(stderr, "goneaway drivers: warning: %s: drivers "
			    "start without their cache", err.msg);
	else
		ga_drivers_cache_use(cache);
}

int cmd_drivers(int argc, char **argv, struct ga_interrupt *in)
{
	struct ga_checklist c = { .out = stdout, .all_needed = true };
	struct ga_names list = { 0 };
	struct ga_error err;
	int i, code = EXIT_ALL_PASSED;
	size_t k;

	if (ga_names_read_list(&list, &err)) {
		ga_esc_line(stderr, "goneaway drivers: %s", err.msg);
		return EXIT_USAGE;
	}
	for (i = 1; i < argc && code != EXIT_USAGE; i++)
		if (argv[i][0] == '-' ||
		    !ga_names_has(&list, argv[i], strlen(argv[i]))) {
			ga_esc_line(stderr, "usage: goneaway drivers [NAME...] "
				    "(%s is not a NAME of drivers/"
				    "drivers.list)", argv[i]);
			code = EXIT_USAGE;
		}
	if (code != EXIT_USAGE)
		use_cache();
	for (i = 1; i < argc && code != EXIT_USAGE; i++)
		if (!check_driver(&c, argv[i], in) || ga_interrupted(in))
			code = EXIT_SOME_FAILED;
	for (k = 0; argc < 2 && k < list.n && !ga_interrupted(in); k++)
		check_driver(&c, list.names[k], in);
	ga_names_free(&list);
	if (ga_interrupted(in))
		return EXIT_INTERRUPTED + in->signo;
	return code;
}
