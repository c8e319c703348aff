/* driver_test.c - "goneaway driver-test [RUN OPTIONS] -- CMD": checks a
 * client driver against docs/driver-protocol.md by running the
 * conformance scenarios (the *.gw files of drivers/conformance) with it,
 * against the local server unless a run option (--server ...) says
 * otherwise. */
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
	char *run_argv[64];
	int k;
	struct ga_driver drv;
	struct ga_error err;
	size_t used = 4;
	int i, first = -1, n;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			first = i + 1;
			break;
		}
	if (first < 0 || first >= argc || first > 50) {
		fprintf(stderr, "usage: goneaway driver-test [RUN OPTIONS] -- "
			"COMMAND [ARGS...]\n");
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
	k = 0;
	run_argv[k++] = a_run;
	run_argv[k++] = a_nores;
	run_argv[k++] = a_color;
	run_argv[k++] = a_never;
	for (i = 1; i < first - 1; i++)
		run_argv[k++] = argv[i];
	run_argv[k++] = a_client;
	run_argv[k++] = client;
	run_argv[k++] = conf;
	run_argv[k] = NULL;
	return cmd_run(k, run_argv, in);
}
