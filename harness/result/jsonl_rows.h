/* jsonl_rows.h - results.jsonl's records as util/jrow.h's rows, made of
 * result.h's GA_CASE_ROWS, GA_STEP_ROWS and GA_TALLY_ROWS; private to
 * result/jsonl_*.c.  The bases of a step's rows are { struct ga_step,
 * struct ga_step_result, struct ga_outcome }, a case's { struct
 * ga_case_result }, a tally's { struct ga_tally }; every custom row's
 * functions take a struct ga_jsonl_ctx.  A table and its custom rows'
 * functions are in one file (jsonl_case.c, jsonl_step.c): the writer
 * and the reader call into it, and it into neither.
 */
#ifndef GA_JSONL_ROWS_H
#define GA_JSONL_ROWS_H

#include <stddef.h>

#include "result/results.h"
#include "util/jrow.h"

enum { GA_JSONL_BASE_step, GA_JSONL_BASE_sr, GA_JSONL_BASE_out };
enum { GA_JSONL_BASE_res = 0, GA_JSONL_BASE_tally = 0 };

/* What a custom row's functions see. */
struct ga_jsonl_ctx {
	bool whole;                     /* the workers' dialect */
	/* written: */
	const struct ga_scenario *sc;
	const struct ga_case_result *res;
	size_t i;                       /* the step's index */
	const struct ga_expect *implicit;
	const char *dir;                /* evidence relative to it */
	const char *evidence_as;        /* or this */
	/* read: */
	void *reader;                   /* jsonl_read.c's struct reader */
};

extern const struct ga_jrow ga_jsonl_case_rows[];    /* jsonl_case.c */
extern const size_t ga_jsonl_ncase_rows;
extern const struct ga_jrow ga_jsonl_step_rows[];    /* jsonl_step.c */
extern const size_t ga_jsonl_nstep_rows;

/* The words of the files (jsonl_words.c): found (-1 for none) and
 * named. */
int ga_jsonl_result_find(const char *word);
int ga_jsonl_flavour_find(const char *word);
int ga_jsonl_verdict_find(const char *word);
int ga_jsonl_kind_find(const char *word);
int ga_jsonl_skip_find(const char *word);       /* "none" too */
const char *ga_jsonl_result_name(int v);
const char *ga_jsonl_flavour_name(int v);
const char *ga_jsonl_verdict_name(int v);
const char *ga_jsonl_kind_name(int v);

/* ---- making the rows: result.h's F and C rows into struct ga_jrow -------- */

#define GA_JSONL_WORDS_none .find = NULL
#define GA_JSONL_WORDS_result \
	.find = ga_jsonl_result_find, .name = ga_jsonl_result_name
#define GA_JSONL_WORDS_flavour \
	.find = ga_jsonl_flavour_find, .name = ga_jsonl_flavour_name
#define GA_JSONL_WORDS_verdict \
	.find = ga_jsonl_verdict_find, .name = ga_jsonl_verdict_name
#define GA_JSONL_WORDS_kind \
	.find = ga_jsonl_kind_find, .name = ga_jsonl_kind_name

#define GA_JSONL_TYPE_res struct ga_case_result
#define GA_JSONL_TYPE_step struct ga_step
#define GA_JSONL_TYPE_sr struct ga_step_result
#define GA_JSONL_TYPE_out struct ga_outcome
#define GA_JSONL_TYPE_tally struct ga_tally

#define GA_JSONL_ROW(key_, kind_, base_, field_, min_, max_, flags_, words_) \
	{ .key = key_, .kind = GA_JROW_##kind_, \
	  .base = GA_JSONL_BASE_##base_, \
	  .off = offsetof(GA_JSONL_TYPE_##base_, field_), \
	  .size = sizeof(((GA_JSONL_TYPE_##base_ *)0)->field_), \
	  .min = min_, .max = max_, .flags = flags_, \
	  GA_JSONL_WORDS_##words_ },
#define GA_JSONL_CUSTOM(key_, name_, flags_) \
	{ .key = key_, .kind = GA_JROW_CUSTOM, .flags = flags_, \
	  .read = name_##_read, .write = name_##_write },
#define GA_JSONL_OBJECT(key_, name_) \
	{ .key = key_, .kind = GA_JROW_OBJECT, .rows = name_##_rows, \
	  .nrows = sizeof(name_##_rows) / sizeof(struct ga_jrow) },
#define GA_JSONL_TABLE(name, ...) \
	const struct ga_jrow ga_jsonl_##name##_rows[] = { __VA_ARGS__ }; \
	const size_t ga_jsonl_n##name##_rows = \
		sizeof(ga_jsonl_##name##_rows) / sizeof(struct ga_jrow);

/* A table only its own file reads (an object's members, a spread's
 * outcomes): NAME_rows[]. */
#define GA_JSONL_STATIC_TABLE(name, ...) \
	static const struct ga_jrow name##_rows[] = { __VA_ARGS__ };

/* A custom row's functions, NAME_read and NAME_write, declared static
 * in the file of its table. */
#define GA_JSONL_CUSTOM_DECL(key, name, flags) \
	static int name##_read(const struct ga_jrow *row, \
			       const struct ga_json *j, void *const *bases, \
			       void *ctx, struct ga_error *err); \
	static void name##_write(FILE *f, const struct ga_jrow *row, \
				 void *const *bases, void *ctx);
#define GA_JSONL_NO_FIELD(key, kind, base, field, min, max, flags, words)
#define GA_JSONL_NO_OBJECT(key, name)

#endif
