/* main.c - the goneaway command line: dispatch and the small commands.
 * The command line is the only place that turns errors into exit codes
 * (cli/internal.h). */
#include "cli/internal.h"
#include "cli/parseopt.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "client/driver.h"
#include "faults/fault.h"
#include "lab/memcg.h"
#include "server/backends.h"
#include "server/rootfs.h"
#include "lang/errnames.h"
#include "lang/proxynames.h"
#include "proxy/proxy.h"
#include "run/rundir.h"
#include "run/runner.h"
#include "util/suggest.h"
#include "plan/paths.h"

/* How deep below the memory hierarchy's mount a sweep looks for runs'
 * cgroups (a systemd session's cgroup is 3 or 4 levels down). */
#define SWEEP_CGROUP_DEPTH 8

static int cmd_errname(int argc, char **argv)
{
	const char *name;
	unsigned code;
	char *end;
	int i, rc = EXIT_ALL_PASSED;

	if (argc < 2) {
		fprintf(stderr, "usage: goneaway errname NAME|NUMBER...\n");
		return EXIT_USAGE;
	}
	for (i = 1; i < argc; i++) {
		code = (unsigned)strtoul(argv[i], &end, 10);
		if (*argv[i] && *end == '\0') {
			name = ga_errname_name(code);
			printf("%u %s\n", code, name ? name : "(not in the headers)");
		} else if (ga_errname_code(argv[i], &code) == 0) {
			printf("%u %s\n", code, argv[i]);
		} else {
			struct ga_suggest sg;
			char hint[GA_SUGGEST_MAX + 32];
			size_t j;

			ga_suggest_init(&sg, argv[i], 3);
			for (j = 0; j < ga_nerrnames; j++)
				ga_suggest_try(&sg, ga_errnames[j].name);
			fprintf(stderr, "goneaway: unknown error name '%s'%s\n",
				argv[i], ga_suggest_text(&sg, hint, sizeof(hint)));
			rc = EXIT_USAGE;
		}
	}
	return rc;
}

/* The memory cgroups of runs that are gone, wherever in the memory
 * controller's hierarchy they were made (lab/memcg.h). */
static void sweep_memcgs(void)
{
	struct ga_memcg_home h;
	struct ga_error err;
	int removed, left;

	if (ga_memcg_home(&h, &err))
		return;         /* no memory controller: none was made */
	if (ga_memcg_sweep(h.mount, SWEEP_CGROUP_DEPTH, &removed, &left,
			   &err)) {
		fprintf(stderr, "goneaway: sweep: %s\n", err.msg);
		return;
	}
	printf("removed the memory cgroups of %d ended run%s from %s\n",
	       removed, removed == 1 ? "" : "s", h.mount);
	if (left)
		printf("left the memory cgroups of %d ended run%s: a process "
		       "is still in them\n", left, left == 1 ? "" : "s");
}

static int cmd_sweep(void)
{
	const struct ga_server_backend_ops *const *b;
	int n = ga_rundir_sweep(ga_tmp_root());

	printf("removed %d %s of ended runs from %s\n", n,
	       n == 1 ? "directory" : "directories", ga_tmp_root());
	sweep_memcgs();
	/* what a backend left outside them (docker: containers) */
	for (b = ga_server_backends(); *b; b++)
		if ((*b)->sweep)
			(*b)->sweep(ga_rundir_alive, stdout);
	return EXIT_ALL_PASSED;
}

int main(int argc, char **argv)
{
	struct ga_interrupt in;
	struct ga_error err;
	const char *cmd;
	int code;

	/* the tables of the floors above the language, for the parser */
	ga_fault_kinds_use(ga_fault_table());
	ga_proxy_names_use(ga_proxy_kind_names());
	if (argc < 2) {
		cli_usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		cli_usage(stdout);
		return EXIT_ALL_PASSED;
	}
	/* the options' tables, for the docs (cli/opthelp.c) */
	if (strncmp(cmd, "--describe=", strlen("--describe=")) == 0)
		return cli_describe(cmd + strlen("--describe="));
	if (strcmp(cmd, "--version") == 0) {
		printf("goneaway %s (client library %s)\n", cli_version(),
		       mysql_get_client_info());
		return EXIT_ALL_PASSED;
	}
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(cmd, "errname") == 0)
		return cmd_errname(argc - 1, argv + 1);
	if (strcmp(cmd, "sweep") == 0)
		return cmd_sweep();
	if (strcmp(cmd, "doctor") == 0)
		return cmd_doctor(argc - 1, argv + 1);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (strcmp(cmd, "explore") == 0)
		return cmd_explore(argc - 1, argv + 1);
	if (strcmp(cmd, "driver-test") == 0 &&
	    (code = cmd_driver_test_plain(argc - 1, argv + 1)) >= 0)
		return code;
	if (strcmp(cmd, "run") != 0 && strcmp(cmd, "driver-test") != 0 &&
	    strcmp(cmd, "replay") != 0 && strcmp(cmd, "drivers") != 0 &&
	    strcmp(cmd, "serve") != 0) {
		fprintf(stderr, "goneaway: '%s' is not a command; see "
			"'goneaway --help'\n", cmd);
		return EXIT_USAGE;
	}

	/* A driver process that died must not end the run with SIGPIPE: a
	 * failed write to it is handled as its death. */
	signal(SIGPIPE, SIG_IGN);
	/* Before any thread exists: signals become a file descriptor. */
	if (ga_interrupt_open(&in, &err) || ga_driver_builtin_init(&err)) {
		fprintf(stderr, "goneaway: %s\n", err.msg);
		return EXIT_SOME_ERROR;
	}
	if (mysql_library_init(0, NULL, NULL) != 0) {
		fprintf(stderr, "goneaway: mysql_library_init failed\n");
		ga_interrupt_close(&in);
		return EXIT_SOME_ERROR;
	}
	if (strcmp(cmd, "run") == 0)
		code = cmd_run(argc - 1, argv + 1, &in);
	else if (strcmp(cmd, "replay") == 0)
		code = cmd_replay(argc - 1, argv + 1, &in);
	else if (strcmp(cmd, "drivers") == 0)
		code = cmd_drivers(argc - 1, argv + 1, &in);
	else if (strcmp(cmd, "serve") == 0)
		code = cmd_serve(argc - 1, argv + 1, &in);
	else
		code = cmd_driver_test(argc - 1, argv + 1, &in);
	mysql_library_end();
	ga_interrupt_close(&in);
	return code;
}

