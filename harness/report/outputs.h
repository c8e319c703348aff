/* outputs.h - the table of outputs: every way "goneaway run" and
 * "goneaway report" show results, one row of GA_OUTPUTS each.
 *
 * An output is a reporter (report/report.h) in a file of its own,
 * report/NAME.c, which also defines its row, ga_output_NAME: its name
 * (--format NAME on the console, --NAME FILE for a file), the commands
 * that take it, its words in --help and in the docs' tables of options,
 * the release that brought --NAME FILE, and how it opens.  Both commands
 * read the table for their options, their --help, their --format
 * words and the reporters they feed (plan/sink_outputs.c); adding an output
 * is its file and its word in GA_OUTPUTS, nothing else.
 */
#ifndef GA_REPORT_OUTPUTS_H
#define GA_REPORT_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report/report.h"
#include "util/error.h"

/* The rows, in the order the outputs are fed and listed. */
#define GA_OUTPUTS(X) X(human) X(tap) X(junit) X(jsonl) X(markdown) X(html)

#define GA_OUTPUTS_MAX 16               /* rows the table may have */

/* The commands an output serves (ga_output.console, .file). */
enum {
	GA_OUTPUT_RUN = 1,              /* goneaway run */
	GA_OUTPUT_REPORT = 2,           /* goneaway report */
};

/* What an output is opened with.  Strings borrowed for its life. */
struct ga_output_args {
	const char *path;               /* --NAME FILE; NULL: the console */
	FILE *console;                  /* the console (stdout) */
	bool color;                     /* the console may use colours */
	int verbose;                    /* -v: every step */
	bool timings;                   /* --timings */
	const struct ga_jsonl_meta *meta;       /* who wrote the results */
	bool fresh;                     /* path is below -o: made anew,
					 * never through a symlink */
};

struct ga_output {
	const char *name;               /* "junit": --format NAME, --NAME
					 * FILE */
	unsigned console;               /* the commands whose --format it can
					 * be (GA_OUTPUT_*), 0: none */
	unsigned file;                  /* the commands that take --NAME FILE */
	bool live;                      /* on the console, a line that says
					 * how far -j's run is while the
					 * report waits for a case */
	bool table;                     /* it writes the server × client
					 * table: --help names it after
					 * --client and --proxy, which make
					 * the columns */
	const char *help;               /* --NAME FILE's words in --help,
					 * "\n" between its lines */
	const char *doc;                /* --NAME FILE's words in the docs'
					 * tables of options (Markdown:
					 * cli/opthelp.c) */
	const char *since;              /* the release that brought
					 * --NAME FILE */
	/* A new reporter for a (free it with ga_reporter_free), or NULL
	 * with err set ("cannot write FILE: ..."). */
	struct ga_reporter *(*open)(const struct ga_output_args *a,
				    struct ga_error *err);
};

#define GA_OUTPUT_DECLARE(name) extern const struct ga_output ga_output_##name;
GA_OUTPUTS(GA_OUTPUT_DECLARE)
#undef GA_OUTPUT_DECLARE

/* What the outputs of the run's table in a file (--markdown FILE,
 * --html FILE) share: at the run's end, that file (the reporter's state,
 * a copy of a->path) opened to write sum's table ("we"); NULL without a
 * table, or after saying "goneaway: --NAME PATH: why" on stderr. */
FILE *ga_output_table_file(const char *name, const char *path,
			   const struct ga_run_summary *sum);

/* Such an output's ops (NAME_ops) and its open (NAME_open), around its
 * NAME_end_run, which writes the table into the file at rep->state. */
#define GA_OUTPUT_TABLE_FILE(name)					\
	static const struct ga_reporter_ops name##_ops = {		\
		.end_run = name##_end_run,				\
		.destroy = ga_reporter_free_state,			\
	};								\
	static struct ga_reporter *name##_open(				\
		const struct ga_output_args *a, struct ga_error *err)	\
	{								\
		return ga_reporter_new(&name##_ops, strdup(a->path), err); \
	}

/* The table, NULL-terminated, in GA_OUTPUTS' order. */
const struct ga_output *const *ga_outputs(void);

/* The output called name; NULL when there is none. */
const struct ga_output *ga_output_find(const char *name);

/* Its row in ga_outputs(). */
size_t ga_output_index(const struct ga_output *o);

/* The --format words of command (GA_OUTPUT_RUN or _REPORT), joined as
 * "human or tap" (", " between all but the last two) into buf; the
 * default, the first, with " (default)" after it when marked. */
void ga_output_formats(unsigned command, bool marked, char *buf,
		       size_t len);

#endif
