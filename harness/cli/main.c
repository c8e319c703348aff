/* main.c - the goneaway command line: dispatch and the small commands.
 * The command line is the only place that turns errors into exit codes
 * (cli/internal.h). */
#include "cli/internal.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "client/driver.h"
#include "lab/docker.h"
#include "lab/rootfs.h"
#include "lang/errnames.h"
#include "run/rundir.h"
#include "run/runner.h"
#include "util/suggest.h"

const char ga_usage_text[] =
"usage: goneaway [--help] [--version] <command> [<args>]\n"
"\n"
"Makes MySQL client connections die on purpose, against a real MySQL or\n"
"MariaDB server in network namespaces of its own, and checks which error\n"
"the client sees.\n"
"\n"
"commands:\n"
"  run [options] PATH...   run scenario files; a directory means every\n"
"                          *.gw file in it, in name order\n"
"  check PATH...           parse scenario files and report every problem;\n"
"                          runs nothing\n"
"  errname NAME|NUMBER     translate between error names and numbers, from\n"
"                          the client library's own headers\n"
"  driver-test -- CMD...   check a client driver (docs/driver-protocol.md)\n"
"                          with the conformance scenarios in\n"
"                          drivers/conformance/, against the local server\n"
"  sweep                   remove what killed runs left: their directories\n"
"                          in $TMPDIR, their containers in the Docker\n"
"                          engine (if one answers)\n"
"  doctor                  report what this machine can do: root,\n"
"                          namespaces, nftables, tbf, netem, mariadbd, the\n"
"                          server roots (--server NAME), the Docker engine\n"
"                          and its server images (--server docker:IMAGE)\n"
"                          and the client library, each with a reason when\n"
"                          missing; exits 0 when every required one is\n"
"                          there, 1 otherwise (netem, roots and Docker are\n"
"                          optional)\n"
"\n"
"run options:\n"
"  -f, --format FMT        console output: human (default) or tap\n"
"      --junit FILE        also write JUnit XML to FILE\n"
"  -o, --results DIR       keep each scenario's evidence (steps.log, the\n"
"                          server's error log and my.cnf) in DIR/<name>/\n"
"                          (default: ./goneaway-results)\n"
"      --no-results        keep no evidence\n"
"  -v, --verbose           show every step, not only the checked ones\n"
"      --strict            also fail (exit 4) when a scenario is SKIPped or\n"
"                          its evidence could not be kept: for CI, where\n"
"                          nothing may go untested\n"
"      --allow-skip KIND   with --strict, a SKIP for this reason is fine:\n"
"                          root, server, flavour, netem, fault or driver\n"
"                          (repeatable; e.g. netem on kernels without it)\n"
"      --timings           print each scenario's wall time next to its\n"
"                          deliberate waits, with set-up and teardown\n"
"      --color WHEN        auto (default), always or never; NO_COLOR=1\n"
"                          in the environment means never\n"
"      --server SERVER     which server the scenarios run against:\n"
"                            local       the host's mariadbd (default)\n"
"                            rootfs:DIR  the MySQL or MariaDB server in the\n"
"                                        root filesystem DIR (a Debian root\n"
"                                        or an image's files), chrooted;\n"
"                                        the root is never written to\n"
"                            NAME        the root " GA_ROOTS_DIR "/NAME,\n"
"                                        as ci/build-server-root.sh makes\n"
"                                        them: mysql-9.7, mariadb-11.8,\n"
"                                        mariadb-10.5 (doctor lists them)\n"
"                            docker:IMAGE  the server of a MySQL or MariaDB\n"
"                                        image (mysql:8.4, mariadb:11.4, or\n"
"                                        goneaway/mysql:9.7 from\n"
"                                        ci/build-server-images.sh) in a\n"
"                                        container per scenario; the engine\n"
"                                        is DOCKER_HOST's, else\n"
"                                        /var/run/docker.sock\n"
"                          repeat it to run against several\n"
"      --client DRIVER     the client: builtin (default: libmysqlclient as\n"
"                          linked), a driver named in drivers/drivers.list,\n"
"                          or cmd:COMMAND ARGS (docs/driver-protocol.md);\n"
"                          repeat it to run with several.  Several servers\n"
"                          or clients give one table, scenario by server\n"
"                          and client, at the end\n"
"      --markdown FILE     also write that table as Markdown to FILE\n"
"      --mariadbd PATH     local: server binary (default /usr/sbin/mariadbd)\n"
"      --install-db PATH   local: (default /usr/bin/mariadb-install-db)\n"
"      --fixtures DIR      server fixtures (default: fixtures/ next to the\n"
"                          goneaway binary, or its installed share dir)\n"
"      --cache DIR         template datadir cache (default\n"
"                          $XDG_CACHE_HOME/goneaway or ~/.cache/goneaway;\n"
"                          a root's templates go to DIR/rootfs-NAME/)\n"
"      --step-timeout DUR  watchdog for a client call without its own\n"
"                          bound: it is then reported as a hang (default 60s)\n"
"      --server-timeout DUR  bound on server start-up and shutdown (30s)\n"
"\n"
"exit status:\n"
"  0   every scenario PASSed or was SKIPped (a requirement is missing)\n"
"  1   at least one scenario FAILed: an outcome did not match\n"
"  2   usage error, or a malformed scenario file: nothing ran\n"
"  3   no FAIL, but at least one ERROR: the harness could not do what a\n"
"      file says (lab, server, or a fault that could not be injected)\n"
"  4   --strict only: no FAIL or ERROR, but a scenario was SKIPped for a\n"
"      reason --allow-skip does not name, or its evidence was not kept\n"
"  128+N  interrupted by signal N (130: SIGINT); everything is cleaned up\n"
"\n"
"Scenario format: docs/scenario-format.md.  Needs root (namespaces).\n";

static int cmd_check(int argc, char **argv)
{
	struct path_list paths = { 0 };
	struct ga_scenario **scs = NULL;
	int code = EXIT_USAGE;

	if (argc < 2) {
		fprintf(stderr, "usage: goneaway check PATH...\n");
		return EXIT_USAGE;
	}
	if (collect_paths(argv + 1, argc - 1, &paths) == 0 &&
	    parse_all(&paths, &scs) == 0) {
		printf("%zu scenario file%s OK\n", paths.n, paths.n == 1 ? "" : "s");
		code = EXIT_ALL_PASSED;
	}
	free_scenarios(scs, paths.n);
	path_list_free(&paths);
	return code;
}

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

/* The containers of runs that are gone, when a Docker engine answers
 * (none: nothing to say; the docker backend is optional). */
static void sweep_containers(void)
{
	struct ga_docker d;
	struct ga_error err;
	char version[64];
	int n = 0;

	if (ga_docker_find(&d, getenv("PATH"), getenv("DOCKER_HOST"), &err) ||
	    ga_docker_ping(&d, version, sizeof(version), &err))
		return;
	if (ga_docker_sweep(&d, ga_rundir_alive, &n, &err)) {
		fprintf(stderr, "goneaway: sweep: %s\n", err.msg);
		return;
	}
	printf("removed %d container%s of ended runs from the Docker engine at "
	       "%s\n", n, n == 1 ? "" : "s", d.host);
}

static int cmd_sweep(void)
{
	int n = ga_rundir_sweep(tmp_root());

	printf("removed %d %s of ended runs from %s\n", n,
	       n == 1 ? "directory" : "directories", tmp_root());
	sweep_containers();
	return EXIT_ALL_PASSED;
}

int main(int argc, char **argv)
{
	struct ga_interrupt in;
	struct ga_error err;
	const char *cmd;
	int code;

	if (argc < 2) {
		fputs(ga_usage_text, stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		fputs(ga_usage_text, stdout);
		return EXIT_ALL_PASSED;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("goneaway %s (client library %s)\n", GONEAWAY_VERSION,
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
	if (strcmp(cmd, "run") != 0 && strcmp(cmd, "driver-test") != 0) {
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
	else
		code = cmd_driver_test(argc - 1, argv + 1, &in);
	mysql_library_end();
	ga_interrupt_close(&in);
	return code;
}

