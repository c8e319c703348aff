/* jsonl_reader.h - the state of results.jsonl's reader, private to
 * result/jsonl_read.c (the lines), result/jsonl_fields.c (the members
 * that are more than one field: result.h's C rows), result/jsonl_run.c
 * (the run line), result/jsonl_whole.c (a worker's case) and
 * result/results_merge.c (the cases merged).
 *
 * Ownership: a struct reader owns its pending case and the cases read
 * until ga_results_read() hands them over.
 */
#ifndef GA_JSONL_READER_H
#define GA_JSONL_READER_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "result/jsonl_rows.h"

/* The case being read: its steps come before it. */
struct pending {
	long number;                    /* its "case", 0: none yet */
	struct ga_step *steps;          /* owned */
	struct ga_step_result *srs;     /* owned */
	char (*conns)[GA_NAME_MAX];     /* each step's connection, "" none */
	size_t n, cap;
	char **apis;                    /* owned */
	size_t napis;
	char *fp;                       /* the fingerprint, a memstream's */
	size_t fplen;
	FILE *fpf;
};

struct reader {
	const char *file;               /* for messages */
	char base[PATH_MAX];            /* the file's directory: evidence is
					 * relative to it */
	FILE *f;
	long lineno;
	char *buf;                      /* GA_RESULTS_LINE_MAX + 1 */
	struct ga_error *err;
	long announced;                 /* the run line's "cases" */
	struct pending p;
	struct ga_results_case *cases;  /* owned until handed over */
	size_t n, cap;
	size_t counts[4];               /* verdicts of the cases read */
	size_t held;                    /* bytes held, these files' and
					 * the ones read before: at most
					 * GA_RESULTS_MEM_MAX */
	bool ended;
	struct ga_run_summary sum;      /* the end line's */
	struct ga_results_shard shard;  /* the run line's argv's --shard */
	struct ga_results_run run;      /* what the run line says of it */
	/* a whole case (ga_results_read_whole): its lines have the
	 * workers' members, and its steps are sc's */
	bool whole;
	const struct ga_scenario *sc;
	const struct ga_expect *implicit;
};

/* Counts bytes the cases will hold: the cap on them all is
 * GA_RESULTS_MEM_MAX.  Returns 0, or -1 with err naming the cap. */
int ga_jsonl_hold(struct reader *rd, size_t bytes, struct ga_error *err);

/* "FILE:LINE: what" into rd's error.  Returns -1. */
int ga_jsonl_bad(struct reader *rd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A line parsed: a JSON object (free it with ga_json_free) and its
 * "type" ("" for none) in *type, or NULL with the error set. */
struct ga_json *ga_jsonl_parse(struct reader *rd, const char *text,
			       size_t len, const char **type);

/* A step's line and a case's line, into rd's pending case and cases
 * (jsonl_read.c).  Return 0, or -1 with the error set. */
int ga_jsonl_read_step(struct reader *rd, const struct ga_json *j);
int ga_jsonl_read_case(struct reader *rd, const struct ga_json *j);

/* Frees the cases rd read and its pending case (not its buffer or
 * file). */
void ga_jsonl_reader_free(struct reader *rd);

/* Frees what c owns (its scenario as results.h has it) and clears it. */
void ga_jsonl_case_free(struct ga_results_case *c);

/* The run line j into rd (jsonl_run.c).  Returns 0, or -1 with err set
 * to what is wrong. */
int ga_jsonl_read_run(struct reader *rd, const struct ga_json *j,
		      struct ga_error *err);

#endif
