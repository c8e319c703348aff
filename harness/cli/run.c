/* run.c - "goneaway run": its options (their table: cli/parseopt.h),
 * the plan they make (plan/plan.h) and the plan's run turned into an
 * exit status. */
#include "cli/internal.h"
#include "cli/parseopt.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/memfs.h"
#include "plan/paths.h"
#include "plan/plan.h"
#include "proxy/proxy.h"
#include "report/outputs.h"
#include "server/backends.h"
#include "util/escape.h"
#include "util/units.h"

/* What the command line says: the plan, and what is not the plan's
 * (--list, --repeat N: 0, each scenario's own). */
struct run_args {
	struct cli_plan_args pa;
	bool list;
	long repeat;
};

#define RUN(member) offsetof(struct run_args, member)

static int jobs(const struct cli_take *t)
{
	unsigned *jobs = t->field;
	char *end;
	long n;

	errno = 0;
	n = strtol(t->arg, &end, 10);
	if (errno == 0 && end != t->arg && !*end && n >= 1 &&
	    n <= GA_PLAN_MAX_JOBS) {
		*jobs = (unsigned)n;
		return 0;
	}
	fprintf(stderr, "goneaway: -j: '%s' is not a number of jobs from 1 "
		"to %d\n", t->arg, GA_PLAN_MAX_JOBS);
	return -1;
}

/* --repeat N: as a scenario's "repeat N" takes it, 1 to 1000. */
static int repeat(const struct cli_take *t)
{
	long *n = t->field;
	char *end;

	errno = 0;
	*n = strtol(t->arg, &end, 10);
	if (errno || end == t->arg || *end || *n < 1 || *n > 1000) {
		fprintf(stderr, "goneaway: --repeat: '%s' is not a number of "
			"runs from 1 to 1000\n", t->arg);
		return -1;
	}
	return 0;
}

static int capture_limit(const struct cli_take *t)
{
	long *limit = t->field;

	if (ga_units_bytes(t->arg, limit, NULL) == 0 && *limit >= 1024)
		return 0;
	fprintf(stderr, "goneaway: --capture-limit: '%s' is not a size of at "
		"least 1KiB (e.g. 16MiB)\n", t->arg);
	return -1;
}

/* --capture-total and --capture-case-total: a size of at least 1KiB, or
 * 0 or "none" for no bound. */
static int capture_total(const struct cli_take *t)
{
	long *to = t->field;

	if (strcmp(t->arg, "none") == 0 || strcmp(t->arg, "0") == 0) {
		*to = 0;
		return 0;
	}
	if (ga_units_bytes(t->arg, to, NULL) || *to < 1024) {
		fprintf(stderr, "goneaway: --%s: '%s' is not a size of at "
			"least 1KiB (e.g. 1GiB), nor none\n", t->opt->name,
			t->arg);
		return -1;
	}
	return 0;
}

/* --record: every step made, and the lines written. */
static int record(const struct cli_take *t)
{
	struct ga_plan *p = t->field;

	p->record = p->opts.record = true;
	p->opts.digest_steps = getenv(GA_DIGEST_STEPS_ENV) != NULL;
	return 0;
}

/* --server, --client and --proxy: one value more of the plan's. */
static int added(int rc, const struct ga_error *err)
{
	if (rc)
		ga_esc_line(stderr, "goneaway: %s", err->msg);
	return rc;
}

static int server(const struct cli_take *t)
{
	struct ga_error err;

	return added(ga_plan_add_server(t->field, t->arg, &err), &err);
}

static int client(const struct cli_take *t)
{
	struct ga_error err;

	return added(ga_plan_add_client(t->field, t->arg, &err), &err);
}

static int proxy(const struct cli_take *t)
{
	struct ga_error err;

	return added(ga_plan_add_proxy(t->field, t->arg, &err), &err);
}

int cli_memfs_size(const char *arg, long long *size)
{
	uint64_t bytes;

	if (ga_units_size(arg, &bytes, NULL) == 0 &&
	    bytes >= (uint64_t)GA_MEMFS_SIZE_MIN && bytes <= (uint64_t)LLONG_MAX) {
		*size = (long long)bytes;
		return 0;
	}
	fprintf(stderr, "goneaway: --memfs-size: '%s' is not a size of at least "
		"128MiB (e.g. 2GiB)\n", arg);
	return -1;
}

static int memfs_size(const struct cli_take *t)
{
	return cli_memfs_size(t->arg, t->field);
}

int cli_take_duration(const struct cli_take *t)
{
	long *ms = t->field;

	if (ga_units_ms(t->arg, ms, NULL) == 0 && *ms > 0)
		return 0;
	fprintf(stderr, "%s: --%s: '%s' is not a duration like 30s or 500ms\n",
		t->cmd->who, t->opt->name, t->arg);
	return -1;
}

/* --format's words: the consoles of the outputs' table. */
static void format_help(FILE *f)
{
	char formats[256];

	ga_output_formats(GA_OUTPUT_RUN, true, formats, sizeof(formats));
	fprintf(f, "console output: %s\n", formats);
}

/* "rootfs:DIR  words" from CLI_HELP_INDENT + 2, its other lines under
 * the words. */
static void backend_lines(FILE *f, const char *usage, const char *words)
{
	const char *nl = strchr(words, '\n');

	fprintf(f, "%*s%-10s  %.*s\n", CLI_HELP_INDENT + 2, "", usage,
		(int)(nl ? (size_t)(nl - words) : strlen(words)), words);
	while (nl) {
		words = nl + 1;
		nl = strchr(words, '\n');
		fprintf(f, "%*s%.*s\n", CLI_HELP_INDENT + 14, "",
			(int)(nl ? (size_t)(nl - words) : strlen(words)), words);
	}
}

/* --server's words, with the backends of server/backends.c's table. */
static void server_help(FILE *f)
{
	const struct ga_server_backend_ops *const *b;

	fputs("which server the scenarios run against:\n", f);
	for (b = ga_server_backends(); *b; b++) {
		backend_lines(f, (*b)->usage, (*b)->help);
		if ((*b)->names_usage)
			backend_lines(f, (*b)->names_usage, (*b)->names_help);
	}
	fprintf(f, "%*srepeat it to run against several\n", CLI_HELP_INDENT,
		"");
}

/* --proxy's words, with the proxies of proxy/proxy.h's table. */
static void proxy_help(FILE *f)
{
	const char *const *names = ga_proxy_kind_names();
	char text[2048];
	size_t i, used;

	used = (size_t)snprintf(text, sizeof(text), "what stands between "
				"client and server: none (default)");
	for (i = 0; names[i] && used < sizeof(text); i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "%s%s (%s)", names[i + 1] ? ", " : " or ",
					 names[i], ga_proxy_kind_help(names[i]));
	if (used < sizeof(text))
		snprintf(text + used, sizeof(text) - used, "; repeat it to run "
			 "behind several: the table's columns then name it "
			 "(local/builtin/%s).  A scenario with its own \"proxy\" "
			 "line runs behind that proxy, and SKIPs under another",
			 names[0] ? names[0] : "NAME");
	cli_help_wrapped(f, text);
}

/* run's options, in the order of --help (cli/parseopt.h). */
static const struct cli_option run_options[] = {
	CLI_HELP_ROWS("0.2.0", "every option"),
	{ .name = "jobs", .short_name = 'j', .arg = "N", .kind = CLI_OPT_CALL,
	  .at = RUN(pa.p.jobs), .call = jobs,
	  .since = "0.2.0",
	  .doc = "up to N cases at once ([Parallel "
		 "runs](#parallel-runs--j-n))",
	  .help = "run up to N scenarios (and the repetitions of\n"
		  "a repeated one) side by side, each in its own\n"
		  "lab, on up to N worker processes; the report\n"
		  "keeps the files' order.  A worker keeps its\n"
		  "server for the next case that asks for the same\n"
		  "one and is checked clean; a run starts as\n"
		  "many workers as server starts run side by side\n"
		  "and adds one only while a case would wait\n"
		  "longer than a server start.\n"
		  "Default: $GONEAWAY_JOBS if set, else 16 per\n"
		  "core, 1 per 400 MiB of memory available, at\n"
		  "most the number of runs; -v says which.\n"
		  "-j 1 runs one after another in this process.\n"
		  "Server starts in flight are bounded, two per\n"
		  "core, across every run sharing the cache" },
	{ .name = "repeat", .arg = "N", .kind = CLI_OPT_CALL, .at = RUN(repeat),
	  .call = repeat,
	  .since = "0.5.0",
	  .doc = "every scenario N times, as if its file said `repeat N` "
		 "([Repeated scenarios](#repeated-scenarios))",
	  .help = "run every scenario N times (1 to 1000), as its\n"
		  "own 'repeat N' would (the files stay as they\n"
		  "are); with --record, the lines hold every\n"
		  "outcome and set of pool events the runs saw" },
	{ .name = "stop-early", .kind = CLI_OPT_TRUE,
	  .at = RUN(pa.p.opts.stop_early),
	  .since = "0.2.0",
	  .doc = "no run of a repeated scenario after one that did not "
		 "PASS",
	  .help = "a repeated scenario (repeat N) makes no run\n"
		  "after the first that does not PASS; by\n"
		  "default all N are made, the verdict is the\n"
		  "first failing run's and the spread covers all" },
	{ .name = "format", .short_name = 'f', .arg = "FMT",
	  .kind = CLI_OPT_STRING, .at = RUN(pa.format),
	  .since = "0.2.0",
	  .doc = "the console: human or tap ([Output "
		 "formats](#output-formats))",
	  .help_fn = format_help },
	/* --NAME FILE of the outputs but the table's */
	{ .arg = "FILE", .kind = CLI_OPT_FILES, .at = RUN(pa.p.files) },
	{ .name = "results", .short_name = 'o', .arg = "DIR",
	  .kind = CLI_OPT_STRING, .at = RUN(pa.p.opts.results_dir),
	  .since = "0.2.0",
	  .doc = "where the evidence and results.jsonl go (default "
		 "`./goneaway-results`)",
	  .help = "keep each scenario's evidence (steps.log, the\n"
		  "server's error log and my.cnf) in DIR/<name>/\n"
		  "(a repeated one: each run's in\n"
		  "DIR/<name>/run-K/, the spread in\n"
		  "DIR/<name>/steps.log)\n"
		  "and the run's results in DIR/results.jsonl\n"
		  "(default: ./goneaway-results); a folder it\n"
		  "replaces must carry goneaway's mark (a file\n"
		  ".goneaway): one without it is an error (exit\n"
		  "2), nothing removed" },
	{ .name = "no-results", .kind = CLI_OPT_NULL,
	  .at = RUN(pa.p.opts.results_dir),
	  .since = "0.2.0",
	  .doc = "no evidence kept",
	  .help = "keep no evidence" },
	{ .name = "no-capture", .kind = CLI_OPT_FALSE,
	  .at = RUN(pa.p.opts.capture),
	  .since = "0.2.0",
	  .doc = "no capture.pcap",
	  .help = "no capture.pcap (the lab's link as the client\n"
		  "saw it, kept with every case's evidence)" },
	{ .name = "capture-limit", .arg = "SIZE", .kind = CLI_OPT_CALL,
	  .at = RUN(pa.p.opts.capture_limit), .call = capture_limit,
	  .since = "0.2.0",
	  .doc = "whole packets in capture.pcap up to SIZE",
	  .help = "whole packets in capture.pcap up to SIZE\n"
		  "(default 16MiB), then their first 128 bytes\n"
		  "up to twice that, then none" },
	{ .name = "capture-total", .arg = "SIZE", .kind = CLI_OPT_CALL,
	  .at = RUN(pa.p.opts.capture_total), .call = capture_total,
	  .since = "0.3.0",
	  .doc = "every capture of the run together up to SIZE",
	  .help = "every capture of the run together up to SIZE\n"
		  "(default 1GiB; none: no bound), then no\n"
		  "packet more: steps.log says \"capture stopped\n"
		  "at N MiB\" and which total stopped it" },
	{ .name = "capture-case-total", .arg = "SIZE", .kind = CLI_OPT_CALL,
	  .at = RUN(pa.p.opts.capture_case_total), .call = capture_total,
	  .since = "0.3.0",
	  .doc = "every capture of one case together up to SIZE "
		 "([Evidence](#evidence))",
	  .help = "the same for each case (a repeated\n"
		  "scenario's runs together; default 256MiB)" },
	{ .name = "record", .kind = CLI_OPT_CALL, .at = RUN(pa.p),
	  .call = record,
	  .since = "0.2.0",
	  .doc = "write the expect lines that match what was seen",
	  .help = "make every step whatever happens and write the\n"
		  "expect lines that match what was seen: for a\n"
		  "draft ('expect any' placeholders, or no expect\n"
		  "lines) and the built-in client the default\n"
		  "lines, for --client X only the [client=X]\n"
		  "lines where X differs; as DIR/record.patch\n"
		  "(patch -p0 applies it) and DIR/recorded/;\n"
		  "no scenario is rewritten.  Exit 0 recorded, 3\n"
		  "a case ERRORed (its later steps unrecorded)" },
	{ .name = "expectations", .arg = "FILE", .kind = CLI_OPT_STRING,
	  .at = RUN(pa.p.expectations),
	  .since = "0.2.0",
	  .doc = "a connector's own expectation file "
		 "(docs/expectations.md)",
	  .help = "hold the file's client to a connector's own\n"
		  "expectation file (docs/expectations.md): its\n"
		  "lines apply first, a difference FAILs with\n"
		  "\"was X in the expectations, now Y\"; its\n"
		  "driver is the client when no --client is\n"
		  "given.  With --record, writes FILE" },
	{ .name = "verbose", .short_name = 'v', .kind = CLI_OPT_COUNT,
	  .at = RUN(pa.p.verbose),
	  .since = "0.2.0",
	  .doc = "every step, not only the checked ones",
	  .help = "show every step, not only the checked ones" },
	{ .name = "strict", .kind = CLI_OPT_TRUE, .at = RUN(pa.p.strict),
	  .since = "0.2.0",
	  .doc = "a SKIP or lost evidence fails too",
	  .help = "also fail (exit 4) when a scenario is SKIPped or\n"
		  "its evidence could not be kept: for CI, where\n"
		  "nothing may go untested" },
	{ .name = "allow-skip", .arg = "KIND[:SCENARIO][@CLIENT]",
	  .kind = CLI_OPT_CALL, .at = RUN(pa.p.allowed), .call = cli_allow_skip,
	  .since = "0.2.0",
	  .doc = "with `--strict`, a SKIP for this reason is fine "
		 "([`--strict` and "
		 "`--allow-skip`](#--strict-and---allow-skip))",
	  .help = "with --strict, a SKIP for this reason is fine:\n"
		  "root, server, flavour, netem, fault, driver or\n"
		  "proxy;\n"
		  ":SCENARIO (its name, without .gw) and @CLIENT\n"
		  "(its name in the table) narrow it to that\n"
		  "scenario or client (repeatable; e.g. netem,\n"
		  "driver@pymysql, driver:kill-idle@pymysql)" },
	/* -k has no long name, and so no row in the docs' table */
	{ .short_name = 'k', .arg = "EXPR", .kind = CLI_OPT_STRING,
	  .at = RUN(pa.p.select.expr),
	  .since = "0.2.0",
	  .help = "run only the scenarios EXPR selects: words\n"
		  "joined by and, or, not and parentheses; a word\n"
		  "is a keyword of the file or part of its name\n"
		  "(-k 'kill and not tls'); selecting none is\n"
		  "exit 2" },
	{ .name = "list", .kind = CLI_OPT_TRUE, .at = RUN(list),
	  .since = "0.2.0",
	  .doc = "the selected scenarios, and nothing run",
	  .help = "print the selected scenarios (label, file,\n"
		  "keywords) and run nothing" },
	{ .name = "shard", .arg = "K/N", .kind = CLI_OPT_STRING,
	  .at = RUN(pa.p.select.shard),
	  .since = "0.2.0",
	  .doc = "the K-th of N shards ([Choosing "
		 "scenarios](#choosing-scenarios--k---list---shard))",
	  .help = "run the K-th of N shards of the selection:\n"
		  "deterministic, balanced by the durations in\n"
		  "durations.tsv beside the scenarios (make\n"
		  "durations); join shards with goneaway report;\n"
		  "an empty shard is exit 2" },
	{ .name = "durations", .arg = "FILE", .kind = CLI_OPT_STRING,
	  .at = RUN(pa.p.select.durations),
	  .since = "0.2.0",
	  .doc = "the durations `--shard` balances by, `NAME SECONDS` "
		 "lines (default: `durations.tsv` beside the scenarios)",
	  .help = "the durations --shard balances by (NAME SECONDS\n"
		  "lines)" },
	{ .name = "timings", .kind = CLI_OPT_TRUE, .at = RUN(pa.p.timings),
	  .since = "0.2.0",
	  .doc = "each scenario's wall time and waits",
	  .help = "print each scenario's wall time next to its\n"
		  "deliberate waits, with set-up and teardown" },
	{ .name = "fresh-servers", .kind = CLI_OPT_TRUE,
	  .at = RUN(pa.p.opts.fresh_servers),
	  .since = "0.3.0",
	  .doc = "a server for every case ([Servers: kept or "
		 "fresh](#servers-kept-or-fresh))",
	  .help = "start a server for every case; by default a\n"
		  "worker keeps its server for the next case that\n"
		  "asks for the same one when a snapshot (globals,\n"
		  "users, tables and rows, sessions, locks, error\n"
		  "log) shows the case left it as it started, and\n"
		  "no fault or server step ran (-v says why not)" },
	{ .name = "fresh-drivers", .kind = CLI_OPT_TRUE,
	  .at = RUN(pa.p.opts.fresh_drivers),
	  .since = "0.5.0",
	  .doc = "a driver process for every connection of every case "
		 "([Drivers: kept or fresh](#drivers-kept-or-fresh))",
	  .help = "start a driver process for every connection of\n"
		  "every case; by default a worker keeps the\n"
		  "process of a driver that declares \"cases\"\n"
		  "(protocol 5) for the next case, checked clean\n"
		  "(no child, no socket left), in a client\n"
		  "namespace kept for its labs" },
	{ .name = "color", .arg = "WHEN", .kind = CLI_OPT_STRING,
	  .at = RUN(pa.color),
	  .since = "0.2.0",
	  .doc = "auto, always or never",
	  .help = "auto (default), always or never; NO_COLOR=1\n"
		  "in the environment means never" },
	{ .name = "server", .arg = "SERVER", .kind = CLI_OPT_CALL,
	  .at = RUN(pa.p), .call = server,
	  .since = "0.2.0",
	  .doc = "the server, repeatable ([Servers](#servers))",
	  .help_fn = server_help },
	{ .name = "client", .arg = "DRIVER", .kind = CLI_OPT_CALL,
	  .at = RUN(pa.p), .call = client,
	  .since = "0.2.0",
	  .doc = "the client, repeatable ([Clients](#clients))",
	  .help = "the client: builtin (default: libmysqlclient as\n"
		  "linked), a driver named in drivers/drivers.list,\n"
		  "NAME@VERSION for another version of its\n"
		  "connector (mysql2@3.9.0: Node connectors only,\n"
		  "drivers/node/install-version.sh), or\n"
		  "cmd:COMMAND ARGS (docs/driver-protocol.md);\n"
		  "repeat it to run with several.  Several servers\n"
		  "or clients give one table, scenario by server\n"
		  "and client, at the end" },
	{ .name = "proxy", .arg = "PROXY", .kind = CLI_OPT_CALL,
	  .at = RUN(pa.p), .call = proxy,
	  .since = "0.2.0",
	  .doc = "none or a proxy, repeatable ([A proxy in the "
		 "middle](#a-proxy-in-the-middle))",
	  .help_fn = proxy_help },
	/* --NAME FILE of the outputs that write the table */
	{ .arg = "FILE", .kind = CLI_OPT_TABLE_FILES, .at = RUN(pa.p.files) },
	CLI_LOCAL_SERVER_ROWS(RUN(pa.p.opts.server_opts), "0.2.0",
			      "the local backend's server binary (default "
			      "`/usr/sbin/mariadbd`)",
			      "the local backend's `mariadb-install-db` "
			      "(default `/usr/bin/mariadb-install-db`)"),
	{ .name = "fixtures", .arg = "DIR", .kind = CLI_OPT_STRING,
	  .at = RUN(pa.p.opts.server_opts.fixtures_dir),
	  .since = "0.2.0",
	  .doc = "the server fixtures (default: `fixtures/` next to the "
		 "binary, or its installed share directory)",
	  .help = "server fixtures (default: fixtures/ next to the\n"
		  "goneaway binary, or its installed share dir)" },
	{ .name = "cache", .arg = "DIR", .kind = CLI_OPT_STRING,
	  .at = RUN(pa.p.opts.server_opts.cache_dir),
	  .since = "0.2.0",
	  .doc = "where template datadirs are kept ([The "
		 "cache](#the-cache))",
	  .help = "template datadir cache (default\n"
		  "$XDG_CACHE_HOME/goneaway or ~/.cache/goneaway;\n"
		  "a root's templates go to DIR/rootfs-NAME/); it\n"
		  "and every directory above it must be root's,\n"
		  "yours or the binary's owner's and writable by\n"
		  "no one else (one above may be sticky), else\n"
		  "exit 2; old templates are removed only when\n"
		  "they carry goneaway's mark (.goneaway)" },
	{ .name = "memfs-size", .arg = "SIZE", .kind = CLI_OPT_CALL,
	  .at = RUN(pa.p.opts.memfs_size), .call = memfs_size,
	  .since = "0.5.0",
	  .doc = "the bound of each run directory in memory ([Servers in "
		 "memory](#servers-in-memory))",
	  .help = "the bound of each run directory in memory (the\n"
		  "servers' datadirs, logs, temporary files):\n"
		  "default 1GiB, at least 128MiB; a case that\n"
		  "comes within an eighth of it (or of its files,\n"
		  "one per 8KiB) is ERROR, naming it, and its\n"
		  "server is ended.  GONEAWAY_RUN_ON_DISK=1: on\n"
		  "$TMPDIR's disk instead, bounded by its space" },
	{ .name = "step-timeout", .arg = "DUR", .kind = CLI_OPT_CALL,
	  .at = RUN(pa.p.opts.step_timeout_ms), .call = cli_take_duration,
	  .since = "0.2.0",
	  .doc = "the watchdog of a client call without a bound of its own",
	  .help = "watchdog for a client call without its own\n"
		  "bound: it is then reported as a hang (default 60s)" },
	{ .name = "server-timeout", .arg = "DUR", .kind = CLI_OPT_CALL,
	  .at = RUN(pa.p.opts.server_opts.timeout_ms), .call = cli_take_duration,
	  .since = "0.2.0",
	  .doc = "the bound on a server's start and stop",
	  .help = "bound on server start-up and shutdown (30s;\n"
		  "stretched by a busy machine's load, and\n"
		  "readiness at least 20 times the last start)" },
	CLI_OPTIONS_END,
};

/* "goneaway --help", which is run's: the words of cli/usage.c around
 * run's option lines. */
void cli_usage(FILE *f)
{
	cli_usage_words(f);
	cli_help_options(f, &cli_run);
	cli_usage_tail(f);
}

const struct cli_command cli_run = {
	.name = "run", .who = "goneaway", .options = run_options,
	.outputs = GA_OUTPUT_RUN, .usage = cli_usage,
};

int cli_default_fixtures(struct ga_server_options *so, char *buf,
			 size_t len, const char *who)
{
	struct ga_error err;

	if (so->fixtures_dir)
		return 0;
	if (ga_find_share_dir("fixtures", buf, len, &err)) {
		fprintf(stderr, "%s: fixtures: %s (or give --fixtures DIR)\n",
			who, err.msg);
		return -1;
	}
	so->fixtures_dir = buf;
	return 0;
}

/* argv into a's plan; 0, 1 after --help, or -1 after saying what is
 * wrong. */
static int parse_run_args(int argc, char **argv, struct run_args *a)
{
	struct ga_plan *p = &a->pa.p;
	struct ga_server_options *so = &p->opts.server_opts;
	int rc;

	memset(a, 0, sizeof(*a));
	rc = cli_plan_parse(&cli_run, argc, argv, &a->pa);
	if (rc)
		return rc;
	if (cli_default_fixtures(so, p->fixtures, sizeof(p->fixtures),
				 "goneaway"))
		return -1;
	if (optind >= argc) {
		fprintf(stderr, "goneaway run: no scenario files or directories "
			"given (try: goneaway run scenarios/)\n");
		return -1;
	}
	p->meta.version = cli_version();
	p->meta.argc = argc;
	p->meta.argv = argv;
	if (p->record && !p->expectations && !p->opts.results_dir) {
		fprintf(stderr, "goneaway: --record writes its patch into the "
			"results directory: give -o DIR, not --no-results (or "
			"--expectations FILE)\n");
		return -1;
	}
	return 0;
}

/* What the run's result says to the caller (--help: "exit status"). */
static int exit_code(enum ga_plan_status status,
		     const struct ga_plan_result *r, bool record,
		     const struct ga_interrupt *in)
{
	switch (status) {
	case GA_PLAN_REFUSED: return EXIT_USAGE;
	case GA_PLAN_INTERRUPTED: return EXIT_INTERRUPTED + in->signo;
	case GA_PLAN_BROKEN: return EXIT_SOME_ERROR;
	case GA_PLAN_DONE: break;
	}
	if (r->sum.signo)
		return EXIT_INTERRUPTED + r->sum.signo;
	if (record)     /* what did not match is what was recorded */
		return r->record_failed ? EXIT_SOME_ERROR : EXIT_ALL_PASSED;
	if (r->sum.fail)
		return EXIT_SOME_FAILED;
	if (r->sum.error)
		return EXIT_SOME_ERROR;
	return r->violations ? EXIT_STRICT : EXIT_ALL_PASSED;
}

/* argv's options and plan, its scenarios loaded, into *ap (a new
 * run_args: ga_plan_free() its plan and free() it).  Returns 0, or -1
 * having said why (*ap NULL) with *code the exit code (EXIT_ALL_PASSED
 * after --help). */
static int load_plan(int argc, char **argv, struct run_args **ap,
		     int *code)
{
	struct run_args *a = malloc(sizeof(*a));
	int rc;

	*ap = NULL;
	*code = EXIT_USAGE;
	if (!a) {
		fprintf(stderr, "goneaway: out of memory\n");
		return -1;
	}
	rc = parse_run_args(argc, argv, a);
	if (rc) {
		free(a);
		if (rc > 0)
			*code = EXIT_ALL_PASSED;
		return -1;
	}
	if (ga_plan_load(&a->pa.p, argv + optind, argc - optind)) {
		ga_plan_free(&a->pa.p);
		free(a);
		return -1;
	}
	*ap = a;
	return 0;
}

int cmd_run_check(int argc, char **argv)
{
	struct run_args *a;
	int code;

	if (load_plan(argc, argv, &a, &code))
		return code;
	if (ga_plan_check_dirs(&a->pa.p) == 0) {
		/* the drivers run before the run do with its cache */
		ga_drivers_cache_use(a->pa.p.cache);
		code = EXIT_ALL_PASSED;
	}
	ga_plan_free(&a->pa.p);
	free(a);
	return code;
}

int cmd_run(int argc, char **argv, struct ga_interrupt *in)
{
	enum ga_plan_status status;
	struct ga_plan_result r;
	struct run_args *a;
	struct ga_plan *p;
	int code = EXIT_USAGE;
	size_t i;

	if (load_plan(argc, argv, &a, &code))
		return code;
	p = &a->pa.p;
	/* --repeat N: every scenario runs N times, as if its file said
	 * "repeat N" (the file itself is left as it is) */
	for (i = 0; a->repeat && i < p->nscs; i++)
		p->scs[i]->repeat = a->repeat;
	if (a->list) {
		ga_list_scenarios(p->scs, p->nscs);
		code = EXIT_ALL_PASSED;
		goto out;
	}
	status = ga_plan_run(p, in, &r);
	code = exit_code(status, &r, p->record, in);
	if (status == GA_PLAN_DONE)
		cli_why_print(&r.why, "goneaway", code, r.sum.signo);
out:
	ga_plan_free(p);
	free(a);
	return code;
}
