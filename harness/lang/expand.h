/* expand.h - variables in a step's SQL, expanded when the step runs.
 *
 * A statement that must be large (a 2 MiB literal that trips
 * max_allowed_packet) is written with curl's repeat form:
 *
 *     INSERT INTO blobs(b) VALUES ('%repeat[2MiB x a]%')
 *
 * "%repeat[COUNT x TEXT]%" is TEXT repeated COUNT times; COUNT is a size
 * (util/units.h: "2MiB" is 2097152).  Everything else is copied as it
 * is.  One statement may grow to GA_EXPAND_MAX bytes.
 *
 * Reading a file only checks and measures each statement
 * (ga_expand_measure): the step keeps the text as written, and the
 * expansion is made when the step runs (ga_expand_step), so that
 * "goneaway check" never holds it.  The parser bounds what a file's
 * statements add up to (GA_EXPAND_FILE_MAX).
 */
#ifndef GA_EXPAND_H
#define GA_EXPAND_H

#include <stddef.h>

#include "lang/scenario.h"
#include "util/error.h"

#define GA_EXPAND_MAX (64L << 20)               /* one statement: 64 MiB */
#define GA_EXPAND_FILE_MAX (256L << 20)         /* a file's: 256 MiB */

/* Checks in[0..n) and measures its expansion without making it.  Returns
 * 0 with *len its length (without a terminating NUL) and *repeats how
 * many %repeat it has; or -1 with msg the reason and *offset the byte
 * offset of the bad "%repeat[". */
int ga_expand_measure(const char *in, size_t n, size_t *len, size_t *repeats,
		      char *msg, size_t msglen, size_t *offset);

/* Expands in[0..n).  On success *out is a new NUL-terminated string (free
 * it) and 0 is returned.  On error returns -1, *out is NULL, msg gets the
 * reason and *offset the byte offset of the bad "%repeat[". */
int ga_expand(const char *in, size_t n, char **out, char *msg, size_t msglen,
	      size_t *offset);

/* A step's expansion: made on first use, freed with the scenario. */
struct ga_expansion {
	size_t len;             /* the expanded length, measured by the parser */
	char *text;             /* owned: the expansion once made, or NULL */
};

/* The step's text as it is sent: its SQL with every %repeat expanded, or
 * its text as it is (NULL for a step without one).  Sets *sql and returns
 * 0, or returns -1 with err set (out of memory).  The expansion is made
 * on the first call and kept with the step, borrowed by the caller until
 * ga_expand_step_release() or ga_scenario_free(): a call the client layer
 * had to abandon may still read it.  Not thread-safe: one runner per
 * scenario. */
int ga_expand_step(const struct ga_step *step, const char **sql,
		   struct ga_error *err);

/* Frees what ga_expand_step() made for step, once nothing reads it any
 * more; the next ga_expand_step() makes it again. */
void ga_expand_step_release(const struct ga_step *step);

/* Frees x (and its expansion); NULL is fine. */
void ga_expansion_free(struct ga_expansion *x);

#endif
