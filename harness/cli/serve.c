/* serve.c - "goneaway serve": its options (their table: cli/parseopt.h),
 * the run directory it keeps its server in (as run's, swept after a
 * SIGKILL), and the exit status of serve/serve.h's run. */
#include "cli/internal.h"
#include "cli/parseopt.h"

#include <getopt.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/memfs.h"
#include "plan/paths.h"
#include "run/rundir.h"
#include "serve/serve.h"
#include "server/backends.h"
#include "server/rootfs.h"
#include "util/escape.h"
#include "util/fsutil.h"
#include "util/units.h"

static const char serve_head[] =
"usage: goneaway serve [options]\n"
"\n"
"Starts goneaway's server (the local MariaDB unless --server says) in\n"
"network namespaces of its own and serves Toxiproxy's HTTP API 2.x in\n"
"front of it, until SIGINT or SIGTERM: a test suite that drives\n"
"Toxiproxy (toxiproxy-node-client, the Ruby, Go, Java ... clients) runs\n"
"unchanged, and gets goneaway's MySQL-aware toxics (mysql_kill,\n"
"mysql_cut), server events (POST /goneaway/server/restart ...) and the\n"
"lab's faults (fault_netem, ...).  A proxy's upstream is goneaway's\n"
"server (goneaway:3306) or a loopback HOST:PORT.  Once ready it prints\n"
"TOXIPROXY_URL, GONEAWAY_UPSTREAM, MYSQL_USER, MYSQL_PASSWORD,\n"
"MYSQL_DATABASE and GONEAWAY_SERVER_VERSION as NAME=value lines.\n"
"\n"
"The API answers the programs of its owner and of root only (the\n"
"kernel says whose socket calls), and a request whose Host is its own\n"
"address; another user gives the token of the env file\n"
"(GONEAWAY_API_TOKEN) as 'Authorization: Bearer TOKEN'.  Whoever it\n"
"answers may make serve (root) listen on loopback ports from 1024 up,\n"
"connect to goneaway's server and, as the owner, to loopback ports, and\n"
"stop, kill or change goneaway's server.\n"
"\n"
"options:\n";

static const char serve_tail[] =
"\n"
"exit status: 0 stopped by SIGINT, SIGTERM or SIGHUP (everything\n"
"removed); 2 usage (a refused --env or --log too), or a cache or\n"
"server root another user could change; 3 it could not start (the\n"
"reason on stderr).\n"
"Needs root (namespaces).  Manual: docs/toxiproxy.md.\n";

CLI_HELP_PAGE(serve_usage, cli_serve, serve_head, serve_tail)

struct serve_args {
	struct ga_serve_options o;
	char arg[PATH_MAX];             /* the --server's argument */
	char fixtures[PATH_MAX];
	char cache[PATH_MAX];
	const char *server;
};

/* USER (a name or a number) as a uid: 0, or -1 when there is none. */
static int uid_of(const char *user, uid_t *uid)
{
	struct passwd pw, *res = NULL;
	char buf[4096], *end;
	unsigned long n;

	if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) == 0 && res) {
		*uid = res->pw_uid;
		return 0;
	}
	n = strtoul(user, &end, 10);
	if (!*user || *end || n >= (uid_t)-1)
		return -1;
	*uid = (uid_t)n;
	return 0;
}

/* The API's owner unless --owner says: the user who ran sudo (its
 * SUDO_UID, which only root's sudo sets for root), else the real uid. */
static uid_t default_owner(void)
{
	const char *sudo = getenv("SUDO_UID");
	uid_t uid;

	if (geteuid() == 0 && sudo && uid_of(sudo, &uid) == 0 &&
	    strspn(sudo, "0123456789") == strlen(sudo))
		return uid;
	return getuid();
}

/* --owner USER. */
static int owner(const struct cli_take *t)
{
	if (uid_of(t->arg, t->field) == 0)
		return 0;
	ga_esc_line(stderr, "goneaway serve: --owner: no user '%s'", t->arg);
	return -1;
}

static int server_timeout(const struct cli_take *t)
{
	long *ms = t->field;

	if (ga_units_ms(t->arg, ms, NULL) == 0 && *ms > 0)
		return 0;
	fprintf(stderr, "goneaway serve: --server-timeout: '%s' is not a "
		"duration like 30s\n", t->arg);
	return -1;
}

#define SERVE(member) offsetof(struct serve_args, member)
#define AS_RUN "as for `goneaway run`"

/* serve's options, in the order of its --help (cli/parseopt.h); the
 * docs' table is docs/toxiproxy.md's, where options with the same words
 * share a row. */
static const struct cli_option serve_options[] = {
	CLI_HELP_ROWS("0.5.0", NULL),
	{ .name = "api", .arg = "HOST:PORT", .kind = CLI_OPT_STRING,
	  .at = SERVE(o.api),
	  .since = "0.5.0",
	  .doc = "where the API listens (default `127.0.0.1:8474`): a "
		 "loopback address only (127.0.0.0/8, `::1`, `localhost`), "
		 "anything else is refused (exit 2); port 0 takes one the "
		 "kernel picks, which `TOXIPROXY_URL` says (what a CI job "
		 "running several at once wants)",
	  .help = "where the API listens (default 127.0.0.1:8474;\n"
		  "loopback only; port 0: one the kernel picks,\n"
		  "which TOXIPROXY_URL says)" },
	{ .name = "env", .arg = "FILE", .kind = CLI_OPT_STRING,
	  .at = SERVE(o.env_file),
	  .since = "0.5.0",
	  .doc = "the lines above and `GONEAWAY_API_TOKEN`, written once "
		 "ready, the owner's alone, removed at the stop",
	  .help = "also write the NAME=value lines and\n"
		  "GONEAWAY_API_TOKEN to FILE, whole, once ready:\n"
		  "the owner's, mode 0600, removed at the stop;\n"
		  "its directory must be root's or the owner's,\n"
		  "writable by no other user unless sticky" },
	{ .name = "log", .arg = "FILE", .kind = CLI_OPT_STRING,
	  .at = SERVE(o.log_file),
	  .since = "0.5.0",
	  .doc = "JSON lines: [the log](#the-log); a regular file (a FIFO, "
		 "a device or a symbolic link is refused, exit 2)",
	  .help = "append a JSON line for every connection through\n"
		  "a proxy (the toxics it met, how it ended, the\n"
		  "MySQL error it carried), every API request and\n"
		  "server event (a regular file: a FIFO is refused)" },
	{ .name = "owner", .arg = "USER", .kind = CLI_OPT_CALL,
	  .at = SERVE(o.owner), .call = owner,
	  .since = "0.5.0",
	  .doc = "whose programs the API answers without the token, "
		 "besides root's (a name or a uid; default: the user who "
		 "ran `sudo`, from `SUDO_UID`, else the user running serve)",
	  .help = "whose programs the API answers without the\n"
		  "token, besides root's (default: the user who ran\n"
		  "sudo, else the user running it)" },
	{ .name = "allow-low-ports", .kind = CLI_OPT_TRUE,
	  .at = SERVE(o.low_ports),
	  .since = "0.5.0",
	  .doc = "proxies may listen on ports below 1024",
	  .help = "let proxies listen on ports below 1024" },
	{ .name = "server", .arg = "SERVER", .kind = CLI_OPT_STRING,
	  .at = SERVE(server),
	  .since = "0.5.0",
	  .doc = "goneaway's server, " AS_RUN,
	  .help = "goneaway's server, as for run (local,\n"
		  "rootfs:DIR, docker:IMAGE, a root's NAME)" },
	{ .name = "mariadbd", .arg = "PATH", .kind = CLI_OPT_STRING,
	  .at = SERVE(o.server_opts.mariadbd),
	  .since = "0.5.0",
	  .doc = AS_RUN,
	  .help = "local: server binary (default /usr/sbin/mariadbd)" },
	{ .name = "install-db", .arg = "PATH", .kind = CLI_OPT_STRING,
	  .at = SERVE(o.server_opts.install_db),
	  .since = "0.5.0",
	  .doc = AS_RUN,
	  .help = "local: (default /usr/bin/mariadb-install-db)" },
	{ .name = "fixtures", .arg = "DIR", .kind = CLI_OPT_STRING,
	  .at = SERVE(o.server_opts.fixtures_dir),
	  .since = "0.5.0",
	  .doc = AS_RUN,
	  .help = "server fixtures (default: next to the binary)" },
	{ .name = "cache", .arg = "DIR", .kind = CLI_OPT_STRING,
	  .at = SERVE(o.server_opts.cache_dir),
	  .since = "0.5.0",
	  .doc = AS_RUN,
	  .help = "template datadir cache" },
	{ .name = "server-timeout", .arg = "DUR", .kind = CLI_OPT_CALL,
	  .at = SERVE(o.server_opts.timeout_ms), .call = server_timeout,
	  .since = "0.5.0",
	  .doc = AS_RUN,
	  .help = "bound on the server's start and stop (30s)" },
	CLI_OPTIONS_END,
};

const struct cli_command cli_serve = {
	.name = "serve", .who = "goneaway serve", .options = serve_options,
	.usage = serve_usage, .usage_on_error = true,
};

/* argv into a, with the defaults; 0, 1 after --help, or -1 after saying
 * what is wrong. */
static int parse(int argc, char **argv, struct serve_args *a)
{
	struct ga_server_options *so = &a->o.server_opts;
	struct ga_error err;
	int rc;

	memset(a, 0, sizeof(*a));
	a->o.api = GA_SERVE_API_DEFAULT;
	a->o.version = cli_version();
	a->o.out = stdout;
	a->o.owner = default_owner();
	a->server = "local";
	so->mariadbd = "/usr/sbin/mariadbd";
	so->install_db = "/usr/bin/mariadb-install-db";
	so->timeout_ms = 30000;
	ga_default_cache(a->cache, sizeof(a->cache));
	so->cache_dir = a->cache;
	rc = cli_parse(&cli_serve, argc, argv, a);
	if (rc)
		return rc;
	if (optind < argc) {
		ga_esc_line(stderr, "goneaway serve: '%s': serve takes no "
			    "arguments, only options (goneaway serve --help)",
			    argv[optind]);
		return -1;
	}
	if (ga_serve_api_check(a->o.api, &err) ||
	    ga_serve_files_check(&a->o, &err)) {
		ga_esc_line(stderr, "goneaway serve: %s", err.msg);
		return -1;
	}
	if (ga_server_spec_parse(a->server, GA_ROOTS_DIR, &a->o.backend, a->arg,
				 sizeof(a->arg), &err)) {
		ga_esc_line(stderr, "goneaway serve: --server: %s", err.msg);
		return -1;
	}
	so->arg = a->arg;
	return cli_default_fixtures(so, a->fixtures, sizeof(a->fixtures),
				    "goneaway serve");
}

/* The cache and the fixtures (plan/paths.h) and what the server runs
 * (server/server.h, check): 0, or -1 after saying why. */
static int check_dirs(struct serve_args *a)
{
	struct ga_server_options *so = &a->o.server_opts;
	struct ga_error err;

	if (ga_check_cache(so->cache_dir, a->cache, sizeof(a->cache), &err)) {
		ga_esc_line(stderr, "goneaway serve: %s; give --cache a "
			    "directory that only you and root can write (e.g. "
			    "/var/cache/goneaway)", err.msg);
		return -1;
	}
	so->cache_dir = a->cache;
	if (ga_check_fixtures(so->fixtures_dir, &err)) {
		ga_esc_line(stderr, "goneaway serve: the fixtures %s: %s",
			    so->fixtures_dir, err.msg);
		return -1;
	}
	if (ga_server_backend_check(a->o.backend, so, &err)) {
		ga_esc_line(stderr, "goneaway serve: --server %s: %s",
			    a->server, err.msg);
		return -1;
	}
	return 0;
}

int cmd_serve(int argc, char **argv, struct ga_interrupt *in)
{
	char run_dir[PATH_MAX];
	struct serve_args a;
	struct ga_error err;
	bool in_memory = false;
	int lock_fd = -1, rc;

	rc = parse(argc, argv, &a);
	if (rc)
		return rc > 0 ? EXIT_ALL_PASSED : EXIT_USAGE;
	if (geteuid() != 0) {
		fprintf(stderr, "goneaway serve: needs root: the server runs in "
			"network namespaces of its own (run as root, or with "
			"sudo)\n");
		return EXIT_SOME_ERROR;
	}
	/* what it runs from passes util/trustdir.h's rule, as run's */
	if (check_dirs(&a))
		return EXIT_USAGE;
	/* the run's directory, as run's: swept once a SIGKILLed serve is
	 * gone (goneaway sweep), in memory when it can be */
	ga_rundir_sweep(ga_tmp_root());
	if (ga_rundir_make(ga_tmp_root(), run_dir, sizeof(run_dir), &lock_fd,
			   &err)) {
		ga_esc_line(stderr, "goneaway serve: %s", err.msg);
		return EXIT_SOME_ERROR;
	}
	in_memory = ga_memfs_over(run_dir, GA_MEMFS_SIZE_RUN, &err) == 0;
	a.o.server_opts.run_dir = run_dir;
	rc = ga_serve_run(&a.o, in, &err);
	if (rc && in->signo)
		rc = 0;         /* stopped before it was ready: a stop */
	if (rc)
		ga_esc_line(stderr, "goneaway serve: %s%s", rc ==
			    GA_SERVER_UNAVAILABLE ? "this machine cannot run "
			    "the server: " : "", err.msg);
	if (in_memory && ga_memfs_off(run_dir, &err))
		ga_esc_line(stderr, "goneaway serve: %s", err.msg);
	if (ga_tree_remove(run_dir, &err))
		ga_esc_line(stderr, "goneaway serve: %s", err.msg);
	close(lock_fd);
	if (rc)
		return EXIT_SOME_ERROR;
	if (in->signo)
		fprintf(stderr, "goneaway serve: stopped (signal %d); "
			"everything it made is removed\n", in->signo);
	return EXIT_ALL_PASSED;
}
