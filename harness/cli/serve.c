/* serve.c - "goneaway serve": its options (their table: cli/parseopt.h,
 * and toxiproxy-server's flags, -host, -port, -config ..., which
 * cli/serveflags.c reads as Go's flag package does), the run directory
 * it keeps its server in
 * (as run's, swept after a SIGKILL), --no-server's serve as a user
 * (root lets go of root first), and the exit status of serve/serve.h's
 * run. */
#include "cli/internal.h"
#include "cli/parseopt.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/memfs.h"
#include "plan/paths.h"
#include "run/rundir.h"
#include "serve/serve.h"
#include "serve/upadmin.h"
#include "server/backends.h"
#include "server/rootfs.h"
#include "util/escape.h"
#include "util/fsutil.h"

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
"server (goneaway:3306) or any HOST:PORT.  Once ready it prints\n"
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
"With --no-server it is a proxy-only serve, as toxiproxy-server is: no\n"
"server, no lab, no root, no namespace.  It runs as whoever runs it\n"
"(the machine's root first becomes the --owner user, or nobody), its\n"
"proxies listen and dial as that user in the machine's (or\n"
"container's) network, to any HOST:PORT; the API and the proxies may\n"
"listen on any address, and an API that is not on loopback answers\n"
"whoever reaches it, as Toxiproxy's does.  Byte toxics and mysql_cut\n"
"work; mysql_kill (but with --upstream-admin), the lab's faults and\n"
"/goneaway/server are refused (4xx, with why).  Its ready line is\n"
"TOXIPROXY_URL alone.\n"
"\n"
"toxiproxy-server's flags are taken as it takes them (-host, -port,\n"
"-config, -seed, -version; one dash or two, -flag=value or -flag value):\n"
"-host and -port make --api HOST:PORT (default localhost:8474).\n"
"\n"
"options:\n";

static const char serve_tail[] =
"\n"
"exit status: 0 stopped by SIGINT, SIGTERM or SIGHUP (everything\n"
"removed); 2 usage (a refused --env or --log too, a -config file that\n"
"cannot be read or whose proxies are refused, -proxy-metrics), or a\n"
"cache or server root another user could change; 3 it could not start\n"
"(the reason on stderr).\n"
"Needs root (namespaces), but with --no-server.  Manual:\n"
"docs/toxiproxy.md.\n";

CLI_HELP_PAGE(serve_usage, cli_serve, serve_head, serve_tail)

struct serve_args {
	struct ga_serve_options o;
	char arg[PATH_MAX];             /* the --server's argument */
	char fixtures[PATH_MAX];
	char cache[PATH_MAX];
	const char *server;
	/* toxiproxy-server's flags */
	const char *host, *port, *config;
	bool proxy_metrics, runtime_metrics, print_version;
	char api[300];                  /* -host and -port's --api */
	char *config_text;              /* -config's, read (free it) */
	const char *admin_file;         /* --upstream-admin FILE */
	struct ga_sv_upadmin admin;     /* ... its account (forget it) */
	char **args, *argbuf;           /* argv as read (free them): what
					 * the options point to */
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

/* -seed N: Go's Int64Var. */
static int seed(const struct cli_take *t)
{
	struct ga_serve_options *o = t->field;
	char *end;

	errno = 0;
	o->seed = strtol(t->arg, &end, 0);
	if (*t->arg && !*end && errno == 0) {
		o->seeded = true;
		return 0;
	}
	ga_esc_line(stderr, "goneaway serve: -seed: '%s' is not a whole "
		    "number", t->arg);
	return -1;
}

#define SERVE(member) offsetof(struct serve_args, member)
#define AS_RUN "as for `goneaway run`"
#define TPS "toxiproxy-server's"
#define MARIADBD "/usr/sbin/mariadbd"
#define INSTALL_DB "/usr/bin/mariadb-install-db"

/* serve's options, in the order of its --help (cli/parseopt.h); the
 * docs' table is docs/toxiproxy.md's, where options with the same words
 * share a row. */
static const struct cli_option serve_options[] = {
	CLI_HELP_ROWS("0.5.0", NULL),
	{ .name = "no-server", .kind = CLI_OPT_TRUE,
	  .at = SERVE(o.no_server),
	  .since = "0.6.0",
	  .doc = "a proxy-only serve, without a server of its own: no root, "
		 "no capability, no namespace; proxies to any `HOST:PORT`, "
		 "listening on any address ([proxy-only serve](#proxy-only-"
		 "serve-and-containers))",
	  .help = "proxies only, no server of its own: needs no\n"
		  "root or namespace; runs as its user (root\n"
		  "becomes --owner's, or nobody); any address" },
	{ .name = "host", .arg = "HOST", .kind = CLI_OPT_STRING,
	  .at = SERVE(host),
	  .since = "0.6.0",
	  .doc = TPS " `-host`: the API's host (default `localhost`); "
		 "with `-port`, `--api HOST:PORT`",
	  .help = "-host, " TPS ": the API's\n"
		  "host (default localhost); with -port: --api" },
	{ .name = "port", .arg = "PORT", .kind = CLI_OPT_STRING,
	  .at = SERVE(port),
	  .since = "0.6.0",
	  .doc = TPS " `-port`: the API's port (default `8474`)",
	  .help = "-port, " TPS ": the API's\n"
		  "port (default 8474)" },
	{ .name = "config", .arg = "FILE", .kind = CLI_OPT_STRING,
	  .at = SERVE(config),
	  .since = "0.6.0",
	  .doc = TPS " `-config`: a JSON file of proxies, a `POST "
		 "/populate` body, made before the ready lines (a file that "
		 "cannot be read or whose proxies are refused: exit 2, where "
		 "toxiproxy-server logs it and runs on)",
	  .help = "-config, " TPS ": proxies to\n"
		  "make at the start, a JSON array as POST\n"
		  "/populate takes (refused: exit 2, and why)" },
	{ .name = "seed", .arg = "N", .kind = CLI_OPT_CALL,
	  .at = SERVE(o), .call = seed,
	  .since = "0.6.0",
	  .doc = TPS " `-seed`: the toxics' randomness (`toxicity`, "
		 "`jitter`, the slicer's `size_variation`) from N, the same "
		 "N the same draws",
	  .help = "-seed, " TPS ": seeds the toxics'\n"
		  "randomness (toxicity, jitter)" },
	{ .name = "proxy-metrics", .kind = CLI_OPT_TRUE,
	  .at = SERVE(proxy_metrics),
	  .since = "0.6.0",
	  .doc = TPS " Prometheus metrics: refused (exit 2), goneaway serve "
		 "has no `/metrics`; `-proxy-metrics=false` is taken",
	  .help = TPS " Prometheus metrics:\n"
		  "refused (exit 2), goneaway has no /metrics" },
	{ .name = "runtime-metrics", .kind = CLI_OPT_TRUE,
	  .at = SERVE(runtime_metrics),
	  .since = "0.6.0",
	  .doc = "as `-proxy-metrics`",
	  .help = "as --proxy-metrics" },
	{ .name = "version", .kind = CLI_OPT_TRUE,
	  .at = SERVE(print_version),
	  .since = "0.6.0",
	  .doc = TPS " `-version`: prints goneaway's version and the "
		 "Toxiproxy API it speaks, and exits 0",
	  .help = "-version: goneaway's version, and exit" },
	{ .name = "api", .arg = "HOST:PORT", .kind = CLI_OPT_STRING,
	  .at = SERVE(o.api),
	  .since = "0.5.0",
	  .doc = "where the API listens (default `127.0.0.1:8474`): a "
		 "loopback address only (127.0.0.0/8, `::1`, `localhost`), "
		 "anything else is refused (exit 2), but for `--no-server` "
		 "(any IP address, `0.0.0.0`); port 0 takes one the "
		 "kernel picks, which `TOXIPROXY_URL` says (what a CI job "
		 "running several at once wants)",
	  .help = "where the API listens (default 127.0.0.1:8474;\n"
		  "loopback only but with --no-server; port 0:\n"
		  "one the kernel picks, which TOXIPROXY_URL says)" },
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
	{ .name = "upstream-admin", .arg = "FILE", .kind = CLI_OPT_STRING,
	  .at = SERVE(admin_file),
	  .since = "0.6.0",
	  .doc = "an admin account for your own server, so that "
		 "`mysql_kill` works on a proxy to it too: a MySQL option "
		 "file (`user = NAME`, `password = SECRET`, and the server "
		 "it is for, `host = ADDRESS`, `port = N`) of the owner's, "
		 "mode 0600; used only on a connection that reached that "
		 "address ([on your own server](#mysql_kill-on-your-own-"
		 "server))",
	  .help = "an admin account for your own server\n"
		  "(mysql_kill there): an option file with\n"
		  "user =, password =, host = and port =\n"
		  "(used only on a connection that reached\n"
		  "host:port), the owner's, mode 0600" },
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
	CLI_LOCAL_SERVER_ROWS(SERVE(o.server_opts), "0.5.0", AS_RUN, AS_RUN),
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
	  .at = SERVE(o.server_opts.timeout_ms), .call = cli_take_duration,
	  .since = "0.5.0",
	  .doc = AS_RUN,
	  .help = "bound on the server's start and stop (30s)" },
	CLI_OPTIONS_END,
};

const struct cli_command cli_serve = {
	.name = "serve", .who = "goneaway serve", .options = serve_options,
	.usage = serve_usage, .usage_on_error = true,
};

/* -host and -port as --api (not with --api itself). */
static int host_port(struct serve_args *a)
{
	const char *host = a->host ? a->host : "localhost";
	const char *port = a->port ? a->port : "8474";

	if (!a->host && !a->port)
		return 0;
	if (strcmp(a->o.api, GA_SERVE_API_DEFAULT) != 0) {
		fprintf(stderr, "goneaway serve: give --api HOST:PORT or "
			"-host and -port, not both\n");
		return -1;
	}
	snprintf(a->api, sizeof(a->api), strchr(host, ':') ? "[%s]:%s" :
		 "%s:%s", host, port);
	a->o.api = a->api;
	return 0;
}

/* -config FILE, read whole (a regular file, at most 1 MiB). */
static int read_config(struct serve_args *a)
{
	struct ga_error err;
	struct stat st;
	size_t len;
	int fd;

	if (!a->config)
		return 0;
	fd = open(a->config, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0 && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		close(fd);
		ga_esc_line(stderr, "goneaway serve: -config %s: not a "
			    "regular file", a->config);
		return -1;
	}
	if (fd < 0 || ga_fd_read(fd, a->config, 1 << 20, &a->config_text,
				 &len, &err)) {
		ga_esc_line(stderr, "goneaway serve: -config %s: %s", a->config,
			    fd < 0 ? strerror(errno) : err.msg);
		return -1;
	}
	a->o.config_name = a->config;
	a->o.config = a->config_text;
	a->o.config_len = len;
	return 0;
}

/* What a serve without a server is refused: a server's options. */
static int no_server_check(const struct serve_args *a, const char *local)
{
	const struct ga_server_options *so = &a->o.server_opts;
	const char *given =
		a->server != local ? "--server" :
		strcmp(so->mariadbd, MARIADBD) ? "--mariadbd" :
		strcmp(so->install_db, INSTALL_DB) ? "--install-db" :
		so->fixtures_dir ? "--fixtures" :
		so->cache_dir != a->cache ? "--cache" :
		so->timeout_ms != 30000 ? "--server-timeout" : NULL;

	if (!given)
		return 0;
	fprintf(stderr, "goneaway serve: %s is for goneaway's server, and "
		"--no-server has none\n", given);
	return -1;
}

/* toxiproxy-server's flags that are no option of serve's: -version
 * (1: printed), the Prometheus metrics (refused). */
static int go_only(const struct serve_args *a)
{
	if (a->print_version) {
		printf("goneaway serve %s (Toxiproxy's API 2.12.0)\n",
		       cli_version());
		return 1;
	}
	if (!a->proxy_metrics && !a->runtime_metrics)
		return 0;
	fprintf(stderr, "goneaway serve: -%s: goneaway serve has no "
		"Prometheus metrics (no /metrics): refused rather than ignored "
		"(--log FILE has a JSON line for every connection)\n",
		a->proxy_metrics ? "proxy-metrics" : "runtime-metrics");
	return -1;
}

/* argv into a, with the defaults; 0, 1 after --help, or -1 after saying
 * what is wrong. */
static int parse(int argc, char **argv, struct serve_args *a)
{
	struct ga_server_options *so = &a->o.server_opts;
	static const char local[] = "local";
	struct ga_error err;
	int n, rc;

	memset(a, 0, sizeof(*a));
	a->o.api = GA_SERVE_API_DEFAULT;
	a->o.version = cli_version();
	a->o.out = stdout;
	a->o.owner = default_owner();
	a->server = local;
	so->mariadbd = MARIADBD;
	so->install_db = INSTALL_DB;
	so->timeout_ms = 30000;
	ga_default_cache(a->cache, sizeof(a->cache));
	so->cache_dir = a->cache;
	n = cli_serve_go_args(&cli_serve, argc, argv, &a->args, &a->argbuf);
	rc = n >= 0 ? cli_parse(&cli_serve, n, a->args, a) : -1;
	if (rc == 0 && optind < n) {
		ga_esc_line(stderr, "goneaway serve: '%s': serve takes no "
			    "arguments, only options (goneaway serve --help)",
			    a->args[optind]);
		rc = -1;
	}
	if (rc)
		return rc;
	rc = go_only(a);
	if (rc)
		return rc;
	if (host_port(a) || (a->o.no_server && no_server_check(a, local)))
		return -1;
	if (ga_serve_api_check(a->o.api, a->o.no_server, &err) ||
	    ga_serve_files_check(&a->o, &err)) {
		ga_esc_line(stderr, "goneaway serve: %s", err.msg);
		return -1;
	}
	if (read_config(a))
		return -1;
	if (a->admin_file) {
		if (ga_sv_upadmin_read(a->admin_file, a->o.owner, &a->admin,
				       &err)) {
			ga_esc_line(stderr, "goneaway serve: %s", err.msg);
			return -1;
		}
		a->o.upstream_admin = &a->admin;
	}
	if (a->o.no_server)
		return 0;
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

/* Whether this process's uid 0 is the machine's root: its user
 * namespace maps 0 to 0 (the first one's does), not to a user's uid as
 * a rootless container's does.  When it cannot tell: yes. */
static bool machine_root(void)
{
	unsigned long in, out, n;
	bool root = true;
	FILE *f = fopen("/proc/self/uid_map", "re");

	while (f && fscanf(f, "%lu %lu %lu", &in, &out, &n) == 3)
		if (in == 0 && n > 0)
			root = out == 0;
	if (f)
		fclose(f);
	return root;
}

/* --no-server as root: it becomes a user - the API's owner (sudo's
 * user, --owner), or nobody for root - with no other group and no
 * capability, before it opens anything: a serve without a server needs
 * no root, so root listens and dials for no one.  The root of a user
 * namespace that maps no other uid (a rootless container's, the
 * machine's user) is no root of the machine's, and stays as it is.
 * Sets a->o.as_user.  0, or -1 after saying why. */
static int drop_root(struct serve_args *a)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	uid_t uid = a->o.owner;
	gid_t gid = 65534;              /* nogroup */

	a->o.as_user = true;
	if (geteuid() != 0)
		return 0;
	if (uid == 0) {
		uid = 65534;            /* nobody, by name where it has one */
		if (getpwnam_r("nobody", &pw, buf, sizeof(buf), &res) == 0 &&
		    res && res->pw_uid != 0)
			uid = res->pw_uid;
	}
	res = NULL;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res &&
	    res->pw_gid != 0)
		gid = res->pw_gid;
	if (setresgid(gid, gid, gid) != 0 && errno == EINVAL && !machine_root())
		return 0;       /* a rootless container's root: no gid but 0 */
	if (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 ||
	    setresuid(uid, uid, uid) != 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || geteuid() == 0) {
		a->o.as_user = false;
		fprintf(stderr, "goneaway serve: --no-server: root could not "
			"become uid %u: %s\n", (unsigned)uid, strerror(errno));
		return -1;
	}
	a->o.owner = uid;
	return 0;
}

/* The exit status of a run that returned rc (err: why). */
static int serve_status(int rc, const struct ga_interrupt *in,
			const struct ga_error *err)
{
	if (rc && in->signo)
		rc = 0;         /* stopped before it was ready: a stop */
	if (rc)
		ga_esc_line(stderr, "goneaway serve: %s%s", rc ==
			    GA_SERVER_UNAVAILABLE ? "this machine cannot run "
			    "the server: " : "", err->msg);
	if (rc == GA_SERVE_BAD_CONFIG)
		return EXIT_USAGE;
	if (rc)
		return EXIT_SOME_ERROR;
	if (in->signo)
		fprintf(stderr, "goneaway serve: stopped (signal %d); "
			"everything it made is removed\n", in->signo);
	return EXIT_ALL_PASSED;
}

/* --no-server: the proxies alone, as a user. */
static int serve_proxies(struct serve_args *a, struct ga_interrupt *in)
{
	struct ga_error err;

	if (drop_root(a))
		return EXIT_SOME_ERROR;
	return serve_status(ga_serve_run(&a->o, in, &err), in, &err);
}

/* goneaway's server in its run directory, and the proxies. */
static int serve_server(struct serve_args *a, struct ga_interrupt *in)
{
	char run_dir[PATH_MAX];
	struct ga_error err, rm;
	bool in_memory = false;
	int lock_fd = -1, rc;

	if (geteuid() != 0) {
		fprintf(stderr, "goneaway serve: needs root: the server runs in "
			"network namespaces of its own (run as root, or with "
			"sudo; or --no-server, a proxy-only serve)\n");
		return EXIT_SOME_ERROR;
	}
	/* what it runs from passes util/trustdir.h's rule, as run's */
	if (check_dirs(a))
		return EXIT_USAGE;
	/* the run's directory, as run's: swept once a SIGKILLed serve is
	 * gone (goneaway sweep), in memory when it can be */
	ga_rundir_sweep(ga_tmp_root());
	if (ga_rundir_make(ga_tmp_root(), run_dir, sizeof(run_dir), &lock_fd,
			   &err)) {
		ga_esc_line(stderr, "goneaway serve: %s", err.msg);
		return EXIT_SOME_ERROR;
	}
	in_memory = ga_memfs_over(run_dir, GA_MEMFS_SIZE_RUN, &rm) == 0;
	a->o.server_opts.run_dir = run_dir;
	rc = ga_serve_run(&a->o, in, &err);
	if (in_memory && ga_memfs_off(run_dir, &rm))
		ga_esc_line(stderr, "goneaway serve: %s", rm.msg);
	if (ga_tree_remove(run_dir, &rm))
		ga_esc_line(stderr, "goneaway serve: %s", rm.msg);
	close(lock_fd);
	return serve_status(rc, in, &err);
}

int cmd_serve(int argc, char **argv, struct ga_interrupt *in)
{
	struct serve_args a;
	int rc;

	rc = parse(argc, argv, &a);
	if (rc)
		rc = rc > 0 ? EXIT_ALL_PASSED : EXIT_USAGE;
	else if (a.o.no_server)
		rc = serve_proxies(&a, in);
	else
		rc = serve_server(&a, in);
	free(a.args);
	free(a.argbuf);
	free(a.config_text);
	ga_sv_upadmin_forget(&a.admin);
	return rc;
}
