/* usage.c - "goneaway --help" (cli_usage in cli/internal.h), apart from
 * main.c so that the commands can print it without calling back into
 * main.c.  What comes from a table is read from it: the outputs
 * (report/outputs.h), the server backends (server/backends.h), the
 * proxies (proxy/proxy.h). */
#include "cli/internal.h"

#include <stdio.h>
#include <string.h>

#include "proxy/proxy.h"
#include "report/outputs.h"
#include "server/backends.h"

#define HELP_INDENT 26          /* where an option's words start */
#define HELP_WIDTH 74           /* and how far its lines go */

static const char head[] =
"usage: goneaway [--help] [--version] <command> [<args>]\n"
"\n"
"Makes MySQL client connections die on purpose, against a real MySQL or\n"
"MariaDB server in network namespaces of its own, and checks which error\n"
"the client sees.\n"
"\n"
"commands:\n"
"  run [options] PATH...   run scenario files; a directory means every\n"
"                          *.gw file in it, in name order\n"
"  report [options] DIR|FILE.jsonl...\n";

static const char commands[] =
"  check PATH...           parse scenario files and report every problem;\n"
"                          runs nothing.  Warns (exit status unchanged)\n"
"                          about a selector's client=NAME that is not\n"
"                          builtin, a name of drivers/drivers.list or one\n"
"                          without its -VERSION, and about a draft's\n"
"                          'expect any' placeholders; check --client NAME\n"
"                          (repeatable) declares your own driver's name;\n"
"                          check --expectations FILE also checks a\n"
"                          connector's expectation file against the\n"
"                          scenarios (docs/expectations.md)\n"
"  replay [options] CASE   rerun a case from its evidence folder alone\n"
"                          (goneaway-results/NAME, or the .tar.gz\n"
"                          --bundle made of one): its scenario, server\n"
"                          and client, and say whether every step's\n"
"                          outcome is the report's.  -o DIR (default\n"
"                          goneaway-replay), --server and --client run it\n"
"                          elsewhere, -v, --no-capture, --memfs-size SIZE\n"
"                          (default 512MiB).  It runs only what\n"
"                          was reported: files as SHA256SUMS gives them,\n"
"                          the steps of results.jsonl, and nothing on the\n"
"                          host (SQL on files or code, server and driver\n"
"                          options off their allow-lists, repeat > 100)\n"
"                          unless --trust.  Exit 0 the same outcome, 1 a\n"
"                          different one, 2 not a case's folder or\n"
"                          refused (file:line and why)\n"
"  replay --bundle [--include-host] [-o FILE] CASE_DIR\n"
"                          pack a case's folder as one .tar.gz (default\n"
"                          NAME.tar.gz) to attach to a bug report, without\n"
"                          the host's name, kernel and home directory\n"
"                          unless --include-host\n"
"  serve [options]         goneaway's server behind Toxiproxy's HTTP API\n"
"                          2.x (127.0.0.1:8474) until SIGINT or SIGTERM: a\n"
"                          Toxiproxy client's tests run unchanged, with\n"
"                          MySQL-aware toxics and server events (goneaway\n"
"                          serve --help, docs/toxiproxy.md)\n"
"  errname NAME|NUMBER     translate between error names and numbers, from\n"
"                          the client library's own headers\n"
"  drivers [NAME...]       which client drivers of drivers/drivers.list\n"
"                          can run here: each started once, ok with the\n"
"                          connector it greets with, or missing with why\n"
"                          (its own stderr); with NAMEs, exit 0 when\n"
"                          every one greets, 1 otherwise\n"
"  driver-test -- CMD...   check a client driver (docs/driver-protocol.md)\n"
"                          with the conformance scenarios in\n"
"                          drivers/conformance/, against the local server\n"
"  sweep                   remove what killed runs left: their directories\n"
"                          in $TMPDIR, their servers' memory cgroups,\n"
"                          their containers in the Docker engine (if one\n"
"                          answers)\n"
"  doctor                  report what this machine can do: root,\n"
"                          namespaces, nftables, tbf, netem, memory limits,\n"
"                          mariadbd, the server roots (--server NAME), the\n"
"                          Docker engine and its server images (--server\n"
"                          docker:IMAGE) and the client library, each with\n"
"                          a reason when missing; exits 0 when every\n"
"                          required one is there, 1 otherwise (netem,\n"
"                          memory limits, roots and Docker are optional)\n"
"\n"
"run options:\n"
"  -j, --jobs N            run up to N scenarios (and the repetitions of\n"
"                          a repeated one) side by side, each in its own\n"
"                          lab, on up to N worker processes; the report\n"
"                          keeps the files' order.  A worker keeps its\n"
"                          server for the next case that asks for the same\n"
"                          one and is checked clean; a run starts as\n"
"                          many workers as server starts run side by side\n"
"                          and adds one only while a case would wait\n"
"                          longer than a server start.\n"
"                          Default: $GONEAWAY_JOBS if set, else 16 per\n"
"                          core, 1 per 400 MiB of memory available, at\n"
"                          most the number of runs; -v says which.\n"
"                          -j 1 runs one after another in this process.\n"
"                          Server starts in flight are bounded, two per\n"
"                          core, across every run sharing the cache\n"
"      --repeat N          run every scenario N times (1 to 1000), as its\n"
"                          own 'repeat N' would (the files stay as they\n"
"                          are); with --record, the lines hold every\n"
"                          outcome and set of pool events the runs saw\n"
"      --stop-early        a repeated scenario (repeat N) makes no run\n"
"                          after the first that does not PASS; by\n"
"                          default all N are made, the verdict is the\n"
"                          first failing run's and the spread covers all\n";

static const char after_outputs[] =
"  -o, --results DIR       keep each scenario's evidence (steps.log, the\n"
"                          server's error log and my.cnf) in DIR/<name>/\n"
"                          (a repeated one: each run's in\n"
"                          DIR/<name>/run-K/, the spread in\n"
"                          DIR/<name>/steps.log)\n"
"                          and the run's results in DIR/results.jsonl\n"
"                          (default: ./goneaway-results); a folder it\n"
"                          replaces must carry goneaway's mark (a file\n"
"                          .goneaway): one without it is an error (exit\n"
"                          2), nothing removed\n"
"      --no-results        keep no evidence\n"
"      --no-capture        no capture.pcap (the lab's link as the client\n"
"                          saw it, kept with every case's evidence)\n"
"      --capture-limit SIZE  whole packets in capture.pcap up to SIZE\n"
"                          (default 16MiB), then their first 128 bytes\n"
"                          up to twice that, then none\n"
"      --capture-total SIZE  every capture of the run together up to SIZE\n"
"                          (default 1GiB; none: no bound), then no\n"
"                          packet more: steps.log says \"capture stopped\n"
"                          at N MiB\" and which total stopped it\n"
"      --capture-case-total SIZE  the same for each case (a repeated\n"
"                          scenario's runs together; default 256MiB)\n"
"      --record            make every step whatever happens and write the\n"
"                          expect lines that match what was seen: for a\n"
"                          draft ('expect any' placeholders, or no expect\n"
"                          lines) and the built-in client the default\n"
"                          lines, for --client X only the [client=X]\n"
"                          lines where X differs; as DIR/record.patch\n"
"                          (patch -p0 applies it) and DIR/recorded/;\n"
"                          no scenario is rewritten.  Exit 0 recorded, 3\n"
"                          a case ERRORed (its later steps unrecorded)\n"
"      --expectations FILE hold the file's client to a connector's own\n"
"                          expectation file (docs/expectations.md): its\n"
"                          lines apply first, a difference FAILs with\n"
"                          \"was X in the expectations, now Y\"; its\n"
"                          driver is the client when no --client is\n"
"                          given.  With --record, writes FILE\n"
"  -v, --verbose           show every step, not only the checked ones\n"
"      --strict            also fail (exit 4) when a scenario is SKIPped or\n"
"                          its evidence could not be kept: for CI, where\n"
"                          nothing may go untested\n"
"      --allow-skip KIND[:SCENARIO][@CLIENT]\n"
"                          with --strict, a SKIP for this reason is fine:\n"
"                          root, server, flavour, netem, fault, driver or\n"
"                          proxy;\n"
"                          :SCENARIO (its name, without .gw) and @CLIENT\n"
"                          (its name in the table) narrow it to that\n"
"                          scenario or client (repeatable; e.g. netem,\n"
"                          driver@pymysql, driver:kill-idle@pymysql)\n"
"  -k EXPR                 run only the scenarios EXPR selects: words\n"
"                          joined by and, or, not and parentheses; a word\n"
"                          is a keyword of the file or part of its name\n"
"                          (-k 'kill and not tls'); selecting none is\n"
"                          exit 2\n"
"      --list              print the selected scenarios (label, file,\n"
"                          keywords) and run nothing\n"
"      --shard K/N         run the K-th of N shards of the selection:\n"
"                          deterministic, balanced by the durations in\n"
"                          durations.tsv beside the scenarios (make\n"
"                          durations); join shards with goneaway report;\n"
"                          an empty shard is exit 2\n"
"      --durations FILE    the durations --shard balances by (NAME SECONDS\n"
"                          lines)\n"
"      --timings           print each scenario's wall time next to its\n"
"                          deliberate waits, with set-up and teardown\n"
"      --fresh-servers     start a server for every case; by default a\n"
"                          worker keeps its server for the next case that\n"
"                          asks for the same one when a snapshot (globals,\n"
"                          users, tables and rows, sessions, locks, error\n"
"                          log) shows the case left it as it started, and\n"
"                          no fault or server step ran (-v says why not)\n"
"      --fresh-drivers     start a driver process for every connection of\n"
"                          every case; by default a worker keeps the\n"
"                          process of a driver that declares \"cases\"\n"
"                          (protocol 5) for the next case, checked clean\n"
"                          (no child, no socket left), in a client\n"
"                          namespace kept for its labs\n"
"      --color WHEN        auto (default), always or never; NO_COLOR=1\n"
"                          in the environment means never\n";

static const char after_server[] =
"      --client DRIVER     the client: builtin (default: libmysqlclient as\n"
"                          linked), a driver named in drivers/drivers.list,\n"
"                          NAME@VERSION for another version of its\n"
"                          connector (mysql2@3.9.0: Node connectors only,\n"
"                          drivers/node/install-version.sh), or\n"
"                          cmd:COMMAND ARGS (docs/driver-protocol.md);\n"
"                          repeat it to run with several.  Several servers\n"
"                          or clients give one table, scenario by server\n"
"                          and client, at the end\n";

static const char tail[] =
"      --mariadbd PATH     local: server binary (default /usr/sbin/mariadbd)\n"
"      --install-db PATH   local: (default /usr/bin/mariadb-install-db)\n"
"      --fixtures DIR      server fixtures (default: fixtures/ next to the\n"
"                          goneaway binary, or its installed share dir)\n"
"      --cache DIR         template datadir cache (default\n"
"                          $XDG_CACHE_HOME/goneaway or ~/.cache/goneaway;\n"
"                          a root's templates go to DIR/rootfs-NAME/); it\n"
"                          and every directory above it must be root's,\n"
"                          yours or the binary's owner's and writable by\n"
"                          no one else (one above may be sticky), else\n"
"                          exit 2; old templates are removed only when\n"
"                          they carry goneaway's mark (.goneaway)\n"
"      --memfs-size SIZE   the bound of each run directory in memory (the\n"
"                          servers' datadirs, logs, temporary files):\n"
"                          default 1GiB, at least 128MiB; a case that\n"
"                          comes within an eighth of it (or of its files,\n"
"                          one per 8KiB) is ERROR, naming it, and its\n"
"                          server is ended.  GONEAWAY_RUN_ON_DISK=1: on\n"
"                          $TMPDIR's disk instead, bounded by its space\n"
"      --step-timeout DUR  watchdog for a client call without its own\n"
"                          bound: it is then reported as a hang (default 60s)\n"
"      --server-timeout DUR  bound on server start-up and shutdown (30s;\n"
"                          stretched by a busy machine's load, and\n"
"                          readiness at least 20 times the last start)\n"
"\n"
"exit status:\n"
"  0   every scenario PASSed or was SKIPped (a requirement is missing)\n"
"  1   at least one scenario FAILed: an outcome did not match\n"
"  2   usage error, a malformed scenario file, a selection (-k, --shard)\n"
"      that leaves no scenario, a directory under -o the run would\n"
"      replace that goneaway did not make, or a directory it would run\n"
"      or load from (the cache, a server root) that another user owns\n"
"      or can write: nothing ran\n"
"  3   no FAIL, but at least one ERROR: the harness could not do what a\n"
"      file says (lab, server, or a fault that could not be injected)\n"
"  4   --strict only: no FAIL or ERROR, but a scenario was SKIPped for a\n"
"      reason --allow-skip does not name, or its evidence was not kept;\n"
"      report: a shard of a --shard K/N split is missing from the merge\n"
"  128+N  interrupted by signal N (130: SIGINT); everything is cleaned up\n"
"  a run or report that exits 1, 3, 4 or 128+N ends with a line on stderr\n"
"  saying why (the cases that FAILed, the ERRORs, the --strict reasons)\n"
"\n"
"Scenario format: docs/scenario-format.md.  Needs root (namespaces).\n";

/* text's words from column HELP_INDENT, wrapped before HELP_WIDTH (the
 * first line's indent already printed up to there); a NOBREAK between
 * two words keeps them on one line. */
#define NOBREAK '\x01'

static void wrapped(FILE *f, const char *text)
{
	const char *w = text, *end;
	size_t col = HELP_INDENT, len, gap;

	while (*w) {
		/* two spaces after a sentence's end stay two */
		for (gap = 0; *w == ' '; w++)
			gap++;
		gap = gap >= 2 && w - gap > text && w[-gap - 1] == '.' ? 2 : 1;
		end = strchr(w, ' ');
		len = end ? (size_t)(end - w) : strlen(w);
		if (!len)
			break;
		if (col > HELP_INDENT && col + gap + len > HELP_WIDTH) {
			fprintf(f, "\n%*s", HELP_INDENT, "");
			col = HELP_INDENT;
		} else if (col > HELP_INDENT) {
			fprintf(f, "%*s", (int)gap, "");
			col += gap;
		}
		for (end = w; end < w + len; end++)
			fputc(*end == NOBREAK ? ' ' : *end, f);
		col += len;
		w += len;
	}
	fputc('\n', f);
}

/* "      --NAME FILE         words" and its other lines indented. */
static void option_lines(FILE *f, const char *option, const char *words)
{
	const char *nl;

	fprintf(f, "      %-19s %.*s\n", option,
		(int)((nl = strchr(words, '\n')) ? (size_t)(nl - words) :
		      strlen(words)), words);
	while (nl) {
		words = nl + 1;
		nl = strchr(words, '\n');
		fprintf(f, "%*s%.*s\n", HELP_INDENT, "",
			(int)(nl ? (size_t)(nl - words) : strlen(words)), words);
	}
}

/* "                            rootfs:DIR  words" and its other lines
 * under the words. */
static void backend_lines(FILE *f, const char *usage, const char *words)
{
	const char *nl = strchr(words, '\n');

	fprintf(f, "%*s%-10s  %.*s\n", HELP_INDENT + 2, "", usage,
		(int)(nl ? (size_t)(nl - words) : strlen(words)), words);
	while (nl) {
		words = nl + 1;
		nl = strchr(words, '\n');
		fprintf(f, "%*s%.*s\n", HELP_INDENT + 14, "",
			(int)(nl ? (size_t)(nl - words) : strlen(words)), words);
	}
}

/* The file outputs of command, those that write the table or the
 * others. */
static void file_outputs(FILE *f, unsigned command, bool table)
{
	const struct ga_output *const *o;
	char option[64];

	for (o = ga_outputs(); *o; o++) {
		if (!((*o)->file & command) || (*o)->table != table)
			continue;
		snprintf(option, sizeof(option), "--%s FILE", (*o)->name);
		option_lines(f, option, (*o)->help);
	}
}

/* --server, with the backends of server/backends.c's table. */
static void server_option(FILE *f)
{
	const struct ga_server_backend_ops *const *b;

	fputs("      --server SERVER     which server the scenarios run "
	      "against:\n", f);
	for (b = ga_server_backends(); *b; b++) {
		backend_lines(f, (*b)->usage, (*b)->help);
		if ((*b)->names_usage)
			backend_lines(f, (*b)->names_usage, (*b)->names_help);
	}
	fprintf(f, "%*srepeat it to run against several\n", HELP_INDENT, "");
}

/* --proxy, with the proxies of proxy/proxy.h's table. */
static void proxy_option(FILE *f)
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
	fprintf(f, "      %-19s ", "--proxy PROXY");
	wrapped(f, text);
}

/* What "goneaway report" does, with its outputs from the table. */
static void report_words(FILE *f)
{
	const struct ga_output *const *o;
	char text[2048], formats[256];
	size_t used;

	ga_output_formats(GA_OUTPUT_REPORT, false, formats, sizeof(formats));
	used = (size_t)snprintf(text, sizeof(text), "the results of one or "
				"several runs (their -o directories or "
				"results.jsonl: shards of one run on several "
				"machines, servers or clients), merged and "
				"shown as one run: the console (--format "
				"%s), --strict, --allow-skip and", formats);
	for (o = ga_outputs(); *o && used < sizeof(text); o++)
		if ((*o)->file & GA_OUTPUT_REPORT)
			used += (size_t)snprintf(text + used, sizeof(text) - used,
						 " --%s%cFILE,", (*o)->name,
						 NOBREAK);
	if (used < sizeof(text))
		snprintf(text + used, sizeof(text) - used, " with run's exit "
			 "status (2: an input is not a complete results "
			 "file; --strict 4: a shard of a --shard K/N split is "
			 "missing); a Markdown table starts with each run's "
			 "date, kernel and command line");
	fprintf(f, "%*s", HELP_INDENT, "");
	wrapped(f, text);
}

void cli_usage(FILE *f)
{
	char formats[256];

	fputs(head, f);
	report_words(f);
	fputs(commands, f);
	ga_output_formats(GA_OUTPUT_RUN, true, formats, sizeof(formats));
	fprintf(f, "  -f, --format FMT        console output: %s\n", formats);
	file_outputs(f, GA_OUTPUT_RUN, false);
	fputs(after_outputs, f);
	server_option(f);
	fputs(after_server, f);
	proxy_option(f);
	file_outputs(f, GA_OUTPUT_RUN, true);
	fputs(tail, f);
}
