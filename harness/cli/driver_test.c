/* driver_test.c - "goneaway driver-test -- CMD": checks a client driver
 * against docs/driver-protocol.md by running the conformance scenarios
 * (the *.gw files of drivers/conformance) with it against the local
 * server. */
#include "cli/internal.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "client/driver.h"

int cmd_driver_test(int argc, char **argv, struct ga_interrupt *in)
{
	char client[2048] = "cmd:", dir[PATH_MAX], conf[PATH_MAX + 16];
	char a_run[] = "run", a_nores[] = "--no-results", a_color[] = "--color",
	     a_never[] = "never", a_client[] = "--client";
	char *run_argv[8];
	struct ga_driver drv;
	struct ga_error err;
	size_t used = 4;
	int i, first = -1, n;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			first = i + 1;
			break;
		}
	if (first < 0 || first >= argc) {
		fprintf(stderr, "usage: goneaway driver-test -- COMMAND "
			"[ARGS...]\n");
		return EXIT_USAGE;
	}
	for (i = first; i < argc; i++) {
		n = snprintf(client + used, sizeof(client) - used, "%s%s",
			     i > first ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(client) - used) {
			fprintf(stderr, "goneaway: driver command too long\n");
			return EXIT_USAGE;
		}
		used += (size_t)n;
	}
	if (ga_driver_process(&drv, argv + first, &err)) {
		printf("not ok - greeting: %s\n", err.msg);
		return EXIT_SOME_FAILED;
	}
	printf("ok - greeting: driver %s, %s\n", drv.name, drv.library);
	ga_driver_release(&drv);
	default_drivers(dir, sizeof(dir));
	snprintf(conf, sizeof(conf), "%s/conformance", dir);
	run_argv[0] = a_run;
	run_argv[1] = a_nores;
	run_argv[2] = a_color;
	run_argv[3] = a_never;
	run_argv[4] = a_client;
	run_argv[5] = client;
	run_argv[6] = conf;
	run_argv[7] = NULL;
	return cmd_run(7, run_argv, in);
}
