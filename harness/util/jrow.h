/* jrow.h - records as rows: a record that crosses a boundary (a line of
 * results.jsonl, issue 58) declared once, member by member, next to its
 * struct, and read from a parsed JSON object (util/json.h) and written
 * back by the same rows, so that the reader cannot lag the writer.
 *
 * A row names the member, its kind (which says the JSON type and the C
 * type at the offset), which of the caller's structs it lives in (bases
 * [row.base]), its offset and size there, its bounds and its flags.
 * Rows are read and written in their order; a member that is more than
 * one value of a struct (an object, a word with conditions, a path) is
 * a GA_JROW_CUSTOM row with its own functions.
 *
 * Ownership: rows are static tables; nothing here allocates but the
 * messages' text in err.
 */
#ifndef GA_JROW_H
#define GA_JROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/error.h"
#include "util/json.h"

enum ga_jrow_kind {
	GA_JROW_TEXT,           /* string into char[size], cut to fit at a
				 * character (text from outside) */
	GA_JROW_NAME,           /* string into char[size]: one that does not
				 * fit is an error */
	GA_JROW_INT,            /* whole number in [min, max] into int */
	GA_JROW_LONG,           /* ... into long */
	GA_JROW_UINT,           /* ... into unsigned */
	GA_JROW_ULONG,          /* ... into unsigned long */
	GA_JROW_SIZE,           /* ... into size_t */
	GA_JROW_MS,             /* milliseconds, 0 to a year, into double;
				 * written %.3f */
	GA_JROW_BOOL,           /* true or false into bool */
	GA_JROW_WORD,           /* a word of a table into an enum (int):
				 * row.find and row.name */
	GA_JROW_OBJECT,         /* an object of its own: row.rows[row.nrows]
				 * over the same bases */
	GA_JROW_CUSTOM,         /* row.read and row.write */
};

/* Flags of a row. */
#define GA_JROW_OPTIONAL 1u     /* files written before it lack it: its
				 * field is left as it was (zero) */
#define GA_JROW_WHOLE    2u     /* only in the lines between goneaway's
				 * own processes (the workers' dialect) */
#define GA_JROW_NULLABLE 4u     /* null reads as "" / the field left as
				 * it was; "" is written as null */

struct ga_jrow;

/* A custom row: j is the object (the row may read more members than
 * its key), bases the caller's structs, ctx the caller's.  read returns
 * 0, or -1 with err set. */
typedef int (*ga_jrow_read_fn)(const struct ga_jrow *row,
			       const struct ga_json *j, void *const *bases,
			       void *ctx, struct ga_error *err);
typedef void (*ga_jrow_write_fn)(FILE *f, const struct ga_jrow *row,
				 void *const *bases, void *ctx);

struct ga_jrow {
	const char *key;
	enum ga_jrow_kind kind;
	unsigned base;          /* which of the caller's bases */
	size_t off, size;       /* of the field in it */
	long min, max;          /* whole numbers' bounds */
	unsigned flags;
	int (*find)(const char *word);          /* GA_JROW_WORD: -1 unknown */
	const char *(*name)(int value);
	const struct ga_jrow *rows;             /* GA_JROW_OBJECT */
	size_t nrows;
	ga_jrow_read_fn read;                   /* GA_JROW_CUSTOM */
	ga_jrow_write_fn write;
};

/* Row helpers for the tables: a field of struct type T. */
#define GA_JROW_FIELD(T, field) offsetof(T, field), sizeof(((T *)0)->field)

/* Reads the rows[n] members of object j into bases (whole: the
 * GA_JROW_WHOLE rows too).  Returns 0, or -1 with err set to what is
 * wrong ("\"errno\" is not a whole number from 0 to 4294967295"). */
int ga_jrow_read(const struct ga_json *j, const struct ga_jrow *rows,
		 size_t n, void *const *bases, bool whole, void *ctx,
		 struct ga_error *err);

/* Writes the rows[n] members as ",\"key\":value" each, in order. */
void ga_jrow_write(FILE *f, const struct ga_jrow *rows, size_t n,
		   void *const *bases, bool whole, void *ctx);

/* The same as an object of its own, "{...}": its first row is a plain
 * one (not custom). */
void ga_jrow_write_object(FILE *f, const struct ga_jrow *rows, size_t n,
			  void *const *bases, bool whole, void *ctx);

/* The member key of j, checked to be of type (a null is allowed when
 * nullable: *out NULL then).  Returns 0, or -1 with err set. */
int ga_jrow_member(const struct ga_json *j, const char *key,
		   enum ga_json_type type, bool nullable,
		   const struct ga_json **out, struct ga_error *err);

/* The value m of row's member (NULL: absent) into field, checked as
 * ga_jrow_read() checks it: for a custom row's parts. */
int ga_jrow_read_value(const struct ga_jrow *row, const struct ga_json *m,
		       void *field, struct ga_error *err);

/* A string member (nullable: *out NULL for a null; out may be NULL for
 * a member only checked), and a whole number in [min, max] (def for a
 * null, nullable), checked as a row's.  Return 0, or -1 with err set. */
int ga_jrow_get_str(const struct ga_json *j, const char *key, bool nullable,
		    const char **out, struct ga_error *err);
int ga_jrow_get_long(const struct ga_json *j, const char *key, long min,
		     long max, bool nullable, long def, long *out,
		     struct ga_error *err);

/* s into dst[size], cut before a character that does not fit whole. */
void ga_jrow_cut_copy(char *dst, size_t size, const char *s);

/* ,"key":"s" and ,"key":"s"-or-null (s NULL or ""). */
void ga_jrow_write_str(FILE *f, const char *key, const char *s);
void ga_jrow_write_str_or_null(FILE *f, const char *key, const char *s);

#endif
