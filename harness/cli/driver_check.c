/* driver_check.c - "goneaway driver-test [RUN OPTIONS] -- CMD": checks a
 * client driver against docs/driver-protocol.md (client/conformance.h),
 * in two parts ("goneaway driver-test NAME" takes the command of NAME in
 * drivers/drivers.list): the driver alone, then the conformance
 * scenarios (the *.gw files of drivers/conformance) run with the driver
 * behind a tap (cli/driver_tap.c), against the local server unless a run
 * option (--server ...) says otherwise, and what the tap wrote down
 * checked.  The exit status is 0 when every check passed and every
 * scenario PASSed or SKIPped.
 */
#include "cli/internal.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/conformance.h"
#include "client/protocol.h"
#include "plan/driverlist.h"
#include "plan/paths.h"
#include "util/fsutil.h"

int cmd_driver_test_plain(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--describe") == 0 ||
			  strcmp(argv[1], "--describe=json") == 0)) {
		ga_protocol_describe(stdout, false);
		return EXIT_ALL_PASSED;
	}
	if (argc >= 2 && strcmp(argv[1], "--describe=markdown") == 0) {
		ga_protocol_describe(stdout, true);
		return EXIT_ALL_PASSED;
	}
	if (argc >= 2 && strcmp(argv[1], "--tap") == 0) {
		if (argc < 5 || strcmp(argv[3], "--")) {
			fprintf(stderr, "usage: goneaway driver-test --tap DIR "
				"-- COMMAND [ARGS...]\n");
			return EXIT_USAGE;
		}
		return cmd_driver_tap(argv[2], argv + 4);
	}
	return -1;
}

/* ga_find_share_dir("drivers"), its conformance/ checked too; prints why
 * and exits with EXIT_USAGE when there is none. */
static void default_drivers(char *buf, size_t len)
{
	char conf[PATH_MAX + 16];
	struct ga_error err;

	if (ga_find_share_dir("drivers", buf, len, &err) == 0) {
		snprintf(conf, sizeof(conf), "%s/conformance", buf);
		if (access(conf, F_OK) != 0 || ga_check_trusted(conf, &err) == 0)
			return;
	}
	fprintf(stderr, "goneaway: %s\n", err.msg);
	exit(EXIT_USAGE);
}

static void remove_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

int cmd_driver_test(int argc, char **argv, struct ga_interrupt *in)
{
	char client[4096], dir[PATH_MAX], conf[PATH_MAX + 16], taps[PATH_MAX];
	char self[PATH_MAX];
	char a_run[] = "run", a_nores[] = "--no-results", a_color[] = "--color",
	     a_never[] = "never", a_client[] = "--client";
	char *run_argv[64], *words[128], named[2048], a_dashes[] = "--";
	char *w, *save = NULL;
	struct ga_conformance_alone alone;
	struct ga_error err;
	int i, k, first_arg = -1, n, code;
	size_t used;
	ssize_t sn;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			first_arg = i + 1;
			break;
		}
	for (i = 1; i < argc && (first_arg < 0 || i < first_arg - 1); i++)
		if (strcmp(argv[i], "--client") == 0 ||
		    strncmp(argv[i], "--client=", 9) == 0) {
			fprintf(stderr, "goneaway: driver-test: the driver is "
				"NAME or -- COMMAND, not --client (e.g. "
				"'goneaway driver-test pymysql')\n");
			return EXIT_USAGE;
		}
	if (first_arg < 0 && argc >= 2 && argc <= 50 &&
	    argv[argc - 1][0] != '-') {
		/* a NAME of drivers/drivers.list: its command, split into
		 * words, in place of "-- CMD..." */
		if (ga_find_driver(argv[argc - 1], named, sizeof(named), &err)) {
			fprintf(stderr, "goneaway: %s\n", err.msg);
			return EXIT_USAGE;
		}
		for (i = 0; i < argc - 1; i++)
			words[i] = argv[i];
		words[i++] = a_dashes;
		first_arg = i;
		for (w = strtok_r(named, " \t", &save); w && i < 126;
		     w = strtok_r(NULL, " \t", &save))
			words[i++] = w;
		words[i] = NULL;
		argc = i;
		argv = words;
	}
	if (first_arg < 0 || first_arg >= argc || first_arg > 50) {
		fprintf(stderr, "usage: goneaway driver-test [RUN OPTIONS] "
			"(NAME | -- COMMAND [ARGS...])\n"
			"       goneaway driver-test --describe[=json|markdown]\n");
		return EXIT_USAGE;
	}
	default_drivers(dir, sizeof(dir));
	snprintf(conf, sizeof(conf), "%s/conformance", dir);

	/* the driver alone */
	if (ga_conformance_alone(argv + first_arg, ga_tmp_root(), &alone))
		return EXIT_SOME_FAILED;

	/* the scenarios, behind a tap */
	sn = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (sn <= 0) {
		ga_conformance_check(false, "the conformance scenarios", "/proc/self/exe");
		return EXIT_SOME_ERROR;
	}
	self[sn] = '\0';
	snprintf(taps, sizeof(taps), "%s/goneaway-driver-test-XXXXXX",
		 ga_tmp_root());
	if (!mkdtemp(taps)) {
		ga_conformance_check(false, "the conformance scenarios", strerror(errno));
		return EXIT_SOME_ERROR;
	}
	n = snprintf(client, sizeof(client), "cmd:%s driver-test --tap %s --",
		     self, taps);
	used = n > 0 ? (size_t)n : 0;
	for (i = first_arg; i < argc && used < sizeof(client); i++) {
		n = snprintf(client + used, sizeof(client) - used, " %s",
			     argv[i]);
		used += n > 0 ? (size_t)n : 0;
	}
	if (used >= sizeof(client)) {
		remove_dir(taps);
		fprintf(stderr, "goneaway: driver command too long\n");
		return EXIT_USAGE;
	}
	k = 0;
	run_argv[k++] = a_run;
	run_argv[k++] = a_nores;
	run_argv[k++] = a_color;
	run_argv[k++] = a_never;
	for (i = 1; i < first_arg - 1; i++)
		run_argv[k++] = argv[i];
	run_argv[k++] = a_client;
	run_argv[k++] = client;
	run_argv[k++] = conf;
	run_argv[k] = NULL;
	fflush(stdout);
	/* a copy a zygote spawned would write to goneaway past the tap:
	 * every process of the scenarios is started on its own, behind one
	 * (spawn itself was checked above, the driver alone) */
	setenv("GONEAWAY_SPAWN", "off", 1);
	code = cmd_run(k, run_argv, in);
	fflush(stdout);
	ga_conformance_check(code == EXIT_ALL_PASSED, "the conformance scenarios PASS or "
	      "SKIP", code == EXIT_SOME_FAILED ? "a scenario FAILed" :
	      code == EXIT_SOME_ERROR ? "a scenario is an ERROR" :
	      "the run did not finish");
	ga_conformance_transcripts(taps, &alone);
	remove_dir(taps);
	if (code == EXIT_USAGE || code >= EXIT_INTERRUPTED)
		return code;
	return ga_conformance_failures() ? EXIT_SOME_FAILED :
	       EXIT_ALL_PASSED;
}
