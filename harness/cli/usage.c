/* usage.c - the words of "goneaway --help" (cli_usage in cli/run.c puts
 * run's option lines, from run's table, between them): what goneaway
 * and its commands do, report's, check's and replay's options told in
 * words, and the exit status.  What comes from a table is read from it:
 * report's outputs (report/outputs.h). */
#include "cli/internal.h"
#include "cli/parseopt.h"

#include <stdio.h>
#include <string.h>

#include "report/outputs.h"

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
"  explore [options] SCENARIO...\n"
"                          every point where the scenario's connection\n"
"                          can be cut, tried: run clean twice, each\n"
"                          segment of its conversation cut at and after\n"
"                          it (reset, drop, the session KILLed, the\n"
"                          server killed, a FIN), each run\n"
"                          judged with no expect line (hang past the\n"
"                          client's timeout, crash, wrong result, a code\n"
"                          the catalogue does not know); a map (text,\n"
"                          --markdown, --html), JSON Lines and a\n"
"                          scenario per violation; --shard K/N runs a\n"
"                          share of the points, and goneaway report\n"
"                          merges the shards into one map.  Exit 0\n"
"                          nothing flagged, 1 a violation, 2 usage\n"
"                          (goneaway explore --help, docs/explore.md)\n"
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
"                          mariadbd, every server root and the Docker\n"
"                          engine's server images (all of them: what run's\n"
"                          --server could take) and the client library,\n"
"                          each with a reason when missing; exits 0 when\n"
"                          every required one is there, 1 otherwise\n"
"                          (netem, memory limits, roots and Docker are\n"
"                          optional); its options: goneaway doctor --help\n"
"\n"
"run options:\n";

static const char tail[] =
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
						 CLI_NOBREAK);
	if (used < sizeof(text))
		snprintf(text + used, sizeof(text) - used, " with run's exit "
			 "status (2: an input is not a complete results "
			 "file; --strict 4: a shard of a --shard K/N split is "
			 "missing); a Markdown table starts with each run's "
			 "date, kernel and command line.  Given goneaway "
			 "explore's results (-o directories or explore.jsonl), "
			 "the shards of one exploration as one map: the "
			 "console, --markdown and --html FILE; exit 0 "
			 "nothing flagged, 1 a violation, 2 shards of "
			 "different explorations");
	fprintf(f, "%*s", CLI_HELP_INDENT, "");
	cli_help_wrapped(f, text);
}

void cli_usage_words(FILE *f)
{
	fputs(head, f);
	report_words(f);
	fputs(commands, f);
}

void cli_usage_tail(FILE *f)
{
	fputs(tail, f);
}
