/* results.h - a run's results as JSON Lines, read back: the files
 * result/jsonl_write.c writes (docs/results-jsonl.md), from one or several
 * runs, turned into the scenarios and case results the reporters take,
 * so "goneaway report" shows merged shards as one run would.
 *
 * The files are untrusted input (an artifact from another machine, a
 * file cut short): every line is bounded (GA_RESULTS_LINE_MAX), parsed by
 * util/json.c and checked member by member; anything wrong is an error
 * naming the file and line, never a case that passes.
 *
 * Ownership: a struct ga_results owns every case, scenario, result and
 * string reachable from it; free it with ga_results_free().
 */
#ifndef GA_RESULTS_H
#define GA_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lang/outcome.h"
#include "result/result.h"
#include "util/error.h"

/* The schema of the files written and the one this goneaway reads. */
#define GA_RESULTS_SCHEMA 1
/* The results file in a results directory. */
#define GA_RESULTS_FILE "results.jsonl"
/* The longest line read, newline included: a case's longest line is a
 * few kilobytes. */
#define GA_RESULTS_LINE_MAX (256 * 1024)
/* The most steps of one case and cases of one set of results. */
#define GA_RESULTS_MAX_STEPS 100000
#define GA_RESULTS_MAX_CASES 1000000
/* The most memory the cases read may hold, over every file of one
 * struct ga_results: what is kept of each line is a few times its size
 * at most (nothing is sized by a number a line claims), and a set of
 * results past this is refused, naming the cap, rather than read. */
#define GA_RESULTS_MEM_MAX ((size_t)1 << 30)

/* One case read back: what the reporters take. */
struct ga_results_case {
	struct ga_scenario *sc;         /* owned: the scenario as far as the
					 * reporters need it (path, label,
					 * title, connections, steps' lines,
					 * kinds and expect counts): a
					 * step's nexpects is the count the
					 * file says and its expects NULL
					 * (the file holds no expect lines,
					 * and a count is no reason to
					 * allocate) */
	struct ga_case_result res;      /* owned; res.results is the
					 * evidence directory relative to
					 * the working directory */
	char **apis;                    /* owned: what res's outcomes' api
					 * point to */
	size_t napis;
	char *fingerprint;              /* owned: the case's lines without
					 * their case numbers, to tell an
					 * identical copy from a conflict */
	const char *file;               /* borrowed from files[] */
	long line;                      /* its "case" line in file */
	size_t order;                   /* read as the order-th case */
};

/* The --shard K/N of the run a file holds, from its "argv"; k and n are
 * 0 for a run that was not sharded. */
struct ga_results_shard {
	unsigned k, n;
};

/* What a file's run line says of its run: when it started, which
 * goneaway made it, on what, and its command line (the argv after
 * "goneaway", shell-quoted and cut to fit: text from outside, shown
 * escaped).  A member the line lacks is "". */
struct ga_results_run {
	char date[40];                  /* "2026-11-24T09:48:53Z" */
	char goneaway[40];              /* "0.3.0" */
	char kernel[128];               /* "6.1.0-28-amd64" */
	char machine[40];               /* "x86_64" */
	char command[1024];             /* "goneaway run -o x scenarios/" */
};

struct ga_results {
	struct ga_results_case *cases;  /* owned */
	size_t n;
	size_t held;                    /* bytes the cases hold, about:
					 * at most GA_RESULTS_MEM_MAX */
	char **files;                   /* owned: every file read, in order */
	struct ga_results_shard *shards; /* owned: files[i]'s run's shard */
	struct ga_results_run *runs;    /* owned: files[i]'s run line */
	size_t nfiles;
	struct ga_run_summary sum;      /* added up over the files: wall_ms
					 * is the sum of theirs, signo the
					 * first that is not 0 */
};

/* ---- written (result/jsonl_write.c) ------------------------------------ */

/* What the run line says: who wrote the
 * results and how.  Strings borrowed for the reporter's life. */
struct ga_jsonl_meta {
	const char *version;            /* goneaway's */
	int argc;                       /* the command line */
	char *const *argv;
	const char *results_dir;        /* -o, or NULL: evidence paths are
					 * written relative to it */
	const char *evidence_as;        /* NULL, or what every case's
					 * "evidence" is (".": a case's own
					 * folder, plan/sink_casefolder.c) */
};

/* The run line, for a run of ncases cases. */
void ga_results_write_run(FILE *f, const struct ga_jsonl_meta *m,
			  size_t ncases);

/* Step i of the ncase-th case (1-based) of the run: sc ran, res is its
 * result.  Text from outside goes through ga_json_write_string(). */
void ga_results_write_step(FILE *f, long ncase, const struct ga_scenario *sc,
			   const struct ga_case_result *res, size_t i);

/* The case's line, after its steps': its "evidence" is evidence_as when
 * not NULL, else res->results relative to dir (NULL: as it is). */
void ga_results_write_case(FILE *f, long ncase, const char *dir,
			   const char *evidence_as, const struct ga_scenario *sc,
			   const struct ga_case_result *res);

/* The run's last line: its counts. */
void ga_results_write_end(FILE *f, const struct ga_run_summary *sum);

/* ---- read back (result/jsonl_read.c) ------------------------------------ */

/* Reads the results of one run into r (initialised with {0}): path is a
 * results directory holding results.jsonl, or the file itself.  Returns
 * 0, or -1 with err set ("FILE:LINE: what is wrong") and r unchanged but
 * for the file's name. */
int ga_results_read(struct ga_results *r, const char *path,
		    struct ga_error *err);

/* Puts the cases in a stable order: scenario label (in the order of
 * the files' names, as a run takes a directory: "x-tls" before "x"),
 * then server, then client.  A case (the same label, server and client) read twice is
 * dropped when both copies are identical; otherwise -1 with err naming
 * both files and lines.  Returns 0, or -1. */
int ga_results_sort(struct ga_results *r, struct ga_error *err);

/* The line that says where results came from, for a table made of
 * them (goneaway report --markdown): "Measured DATE by goneaway VERSION
 * on Linux KERNEL (MACHINE): COMMAND", what the run line lacks left
 * out. */
void ga_results_run_line(const struct ga_results_run *run, char *buf,
			 size_t len);

void ga_results_free(struct ga_results *r);

/* ---- one case between goneaway's processes (plan/jobs_wire.c) ----------- */

/* res, a result of sc, as the lines of results.jsonl (case number 1)
 * with what only the process that reads them back needs: each step's
 * expect line by its index among the step's (or implicit, the "ok" of
 * a step without one), each outcome's longest time and what a
 * success's value and thread checks read (--record holds a repeated
 * step's checks to it), the runs' verdicts and the kept server's key;
 * and no "log". */
void ga_results_write_whole(FILE *f, const struct ga_scenario *sc,
			    const struct ga_case_result *res,
			    const struct ga_expect *implicit);

/* Reads what ga_results_write_whole() wrote (text[len], whole lines)
 * into res (free with ga_case_result_free), a result of sc: each step
 * must be sc's, and its expect becomes one of sc's expect lines, or
 * implicit (the step's "ok" when it has none), or NULL; a call name is
 * what intern(ctx, name) returns (NULL when intern is NULL).  from names
 * the text in messages.  Returns 0, or -1 with err set ("FROM:LINE:
 * what is wrong") and res empty. */
int ga_results_read_whole(const char *text, size_t len, const char *from,
			  const struct ga_scenario *sc,
			  const struct ga_expect *implicit,
			  const char *(*intern)(void *ctx, const char *api),
			  void *ctx, struct ga_case_result *res,
			  struct ga_error *err);

#endif
