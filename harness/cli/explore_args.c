/* explore_args.c - "goneaway explore"'s options, declared once: its
 * table (cli/parseopt.h), from which come its parse, the option lines of
 * its --help and docs/explore.md's table of options ("goneaway
 * --describe=explore-options-markdown", which tests/options.sh
 * compares), and the checks of its arguments. */
#include "cli/internal.h"
#include "cli/explore_plan.h"
#include "cli/parseopt.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include "lang/select.h"
#include "util/units.h"

static const char explore_head[] =
"usage: goneaway explore [options] SCENARIO...\n"
"\n"
"Runs SCENARIO twice clean, records its conversation (every MySQL packet\n"
"each way, from capture.pcap), then runs it once per point and fault kind\n"
"with the lab's point fault at that point (the connection reset or\n"
"silenced, its session KILLed, the server killed), and judges each run\n"
"against the clean one with no expect line (docs/explore.md).  Several\n"
"scenarios are explored in turn, each into DIR/NAME (its file's name\n"
"without .gw); --shard, --jsonl, --markdown and --html take one.\n"
"\n";

static const char explore_tail[] =
"\n"
"Exit status: 0 nothing flagged, 1 a violation, 2 usage or a clean run\n"
"that could not be made or read.\n";

CLI_HELP_PAGE(explore_usage, cli_explore, explore_head, explore_tail)

/* ARG of option opt, a whole number from lo to hi, into the long at
 * t's field: 0, or -1 after saying what is wrong. */
static int number(const struct cli_take *t, const char *opt, long lo,
		  long hi)
{
	long *out = t->field;
	char *end;

	errno = 0;
	*out = strtol(t->arg, &end, 10);
	if (errno || end == t->arg || *end || *out < lo || *out > hi) {
		fprintf(stderr, "%s: %s: '%s' is not a number from %ld to "
			"%ld\n", t->cmd->who, opt, t->arg, lo, hi);
		return -1;
	}
	return 0;
}

/* -j N, --jobs N (its messages say -j). */
static int jobs(const struct cli_take *t)
{
	return number(t, "-j", 1, 64);
}

/* --sample N. */
static int sample(const struct cli_take *t)
{
	return number(t, "--sample", 1, 1000);
}

/* --margin DUR. */
static int margin(const struct cli_take *t)
{
	struct ga_error err;

	if (ga_units_ms(t->arg, t->field, &err) == 0)
		return 0;
	fprintf(stderr, "%s: --margin: %s\n", t->cmd->who, err.msg);
	return -1;
}

/* --kind KIND: one kind more to run (reset, drop, FIN, kill, crash),
 * its bit in the unsigned at t's field. */
static int kind(const struct cli_take *t)
{
	unsigned *kinds = t->field;
	int k;

	for (k = 0; k < EX_NKINDS; k++)
		if (strcasecmp(t->arg, ex_kind_names[k]) == 0) {
			*kinds |= 1u << k;
			return 0;
		}
	fprintf(stderr, "%s: --kind: '%s' is not reset, drop, kill, crash "
		"or FIN\n", t->cmd->who, t->arg);
	return -1;
}

/* --shard K/N, into the arguments (t's field is struct ex_args). */
static int shard(const struct cli_take *t)
{
	struct ex_args *a = t->field;
	struct ga_error err;

	if (ga_shard_parse(t->arg, &a->shard_k, &a->shard_n, &err) == 0)
		return 0;
	fprintf(stderr, "%s: %s\n", t->cmd->who, err.msg);
	return -1;
}

/* A row of explore's: --NAME (-SHORT, 0: none) ARG setting the member
 * of struct ex_args at AT as KIND says (CALL: CLI_OPT_CALL's function),
 * from 0.6.0, with its words in the docs (DOC) and in --help (HELP). */
#define EX_ROW(name_, short_, arg_, kind_, at_, call_, doc_, help_)         \
	{ .name = name_, .short_name = short_, .arg = arg_, .kind = kind_,  \
	  .at = at_, .call = call_, .since = "0.6.0", .doc = doc_,          \
	  .help = help_ }
#define EXA(member) offsetof(struct ex_args, member)
#define ALSO "also write "
#define ONE "; one scenario only"

/* explore's options, in the order of its --help; docs/explore.md's
 * table has them in the same order. */
static const struct cli_option explore_options[] = {
	CLI_HELP_ROWS("0.6.0", NULL),
	EX_ROW("client", 0, "NAME", CLI_OPT_STRING, EXA(client), NULL,
	       "the client, as for `goneaway run --client` (default "
	       "`builtin`)", "the client (as goneaway run --client; "
	       "default\nbuiltin)"),
	EX_ROW("server", 0, "NAME", CLI_OPT_STRING, EXA(server), NULL,
	       "the server, as for `goneaway run --server` (default `local`)",
	       "the server (as goneaway run --server; default\nlocal)"),
	EX_ROW("jobs", 'j', "N", CLI_OPT_CALL, EXA(jobs), jobs,
	       "runs side by side, 1 to 64 (default 2)",
	       "runs side by side (default 2)"),
	EX_ROW("results", 'o', "DIR", CLI_OPT_STRING, EXA(out), NULL,
	       "where the map and the runs go (default `goneaway-explore`); "
	       "a folder carrying goneaway's mark (`.goneaway`) is replaced, "
	       "any other is an error", "where the map and the runs go "
	       "(default\ngoneaway-explore; one carrying goneaway's mark\n"
	       "is replaced, any other is an error)"),
	EX_ROW("kind", 0, "KIND", CLI_OPT_CALL, EXA(kinds), kind,
	       "run only this kind: `reset`, `drop`, `kill` (the session "
	       "KILLed), `crash` (the server killed) or `FIN` (the "
	       "connection closed toward the client); repeatable (default "
	       "all)",
	       "run only this kind: reset, drop, kill (the\nsession KILLed), "
	       "crash (the server killed) or\nFIN (the connection closed "
	       "toward the client;\nrepeatable; default all)"),
	EX_ROW("sample", 0, "N", CLI_OPT_CALL, EXA(sample), sample,
	       "of a row of segments alike (the rows of a result), run N, "
	       "spread from the first to the last, 1 to 1000 (default 2)",
	       "of a row of segments alike (the rows of a\nresult), run N, "
	       "spread from the first to the\nlast (default 2)"),
	EX_ROW("margin", 0, "DUR", CLI_OPT_CALL, EXA(margin_ms), margin,
	       "past a step's own timeout before it is a hang (default `2s`)",
	       "past a step's own timeout before it is a hang\n(default 2s)"),
	/* the whole of struct ex_args: K and N */
	EX_ROW("shard", 0, "K/N", CLI_OPT_CALL, 0, shard,
	       "run the K-th of N shards of the points (each shard makes the "
	       "clean runs; `goneaway report` merges the shards' results "
	       "into one map)" ONE, "run the K-th of N shards of the points "
	       "(each\nshard makes the clean runs; goneaway report\nmerges "
	       "the shards' results into one map)"),
	EX_ROW("catalogue", 0, "FILE", CLI_OPT_STRING, EXA(catalogue), NULL,
	       "the codes known (default `docs/catalogue.md` beside this "
	       "program)", "the codes known (default docs/catalogue.md\n"
	       "beside this program)"),
	EX_ROW("jsonl", 0, "FILE", CLI_OPT_STRING, EXA(jsonl), NULL,
	       ALSO "the JSON Lines (`explore.jsonl`'s) to FILE" ONE,
	       ALSO "the JSON Lines to FILE"),
	EX_ROW("markdown", 0, "FILE", CLI_OPT_STRING, EXA(markdown), NULL,
	       ALSO "the map as Markdown to FILE" ONE,
	       ALSO "the map as Markdown to FILE"),
	EX_ROW("html", 0, "FILE", CLI_OPT_STRING, EXA(html), NULL,
	       ALSO "the map as one HTML page to FILE" ONE,
	       ALSO "the map as one HTML page to FILE"),
	EX_ROW("quiet", 'q', NULL, CLI_OPT_TRUE, EXA(quiet), NULL,
	       "no map on the console (`DIR/explore.txt` has it)",
	       "no map on the console (DIR/explore.txt has it)"),
	CLI_OPTIONS_END,
};

const struct cli_command cli_explore = {
	.name = "explore", .who = "goneaway explore",
	.options = explore_options, .usage = explore_usage,
};

int ex_args_parse(int argc, char **argv, struct ex_args *a)
{
	int rc;

	a->out = "goneaway-explore";
	a->jobs = 2;
	a->sample = 2;
	a->margin_ms = 2000;
	rc = cli_parse(&cli_explore, argc, argv, a);
	if (rc)
		return rc;
	if (optind >= argc) {
		fprintf(stderr, "%s: no scenario given\n", cli_explore.who);
		return -1;
	}
	a->scenario = argv[optind];
	return 0;
}
