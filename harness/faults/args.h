/* args.h - the words of a fault's arguments, for the kinds' parsers.
 *
 * A fault line's arguments ("on server rate 16kbit burst 1600b") are cut
 * into words separated by blanks (spaces and tabs), each with its byte
 * offset into the text, so that a diagnostic points at the word in
 * question: struct ga_fault_diag's offset, which the scenario parser turns
 * into the column.  The diagnostics every kind shares are written here,
 * in one wording:
 *
 *     expected drop or reject, found 'dorp'; did you mean 'drop'?
 *     expected a port number 1..65535 after 'port', found end of line
 *     'rate' given twice
 *     'rate' needs a value (RATE)
 *
 * Nothing here allocates but ga_args_spec (the spec): a word points into
 * the caller's text.
 */
#ifndef GA_FAULT_ARGS_H
#define GA_FAULT_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "faults/fault.h"

/* One word of the text; not NUL-terminated. */
struct ga_arg {
	const char *text;       /* into the text */
	size_t len;             /* 0: the end of the text */
	size_t at;              /* byte offset of the word; at the end, of
				 * the end of the text (after any blanks) */
};

struct ga_args {
	const char *s;          /* borrowed: the whole text */
	size_t pos;             /* where the next word is looked for */
};

/* Starts reading the words of s (borrowed until the last word is used). */
void ga_args_init(struct ga_args *a, const char *s);

/* Reads the next word into *w.  Returns true, or false at the end of the
 * text (then w->len is 0 and w->at the offset of the end). */
bool ga_args_next(struct ga_args *a, struct ga_arg *w);

/* True when w is exactly word. */
bool ga_arg_is(const struct ga_arg *w, const char *word);

/* The index of w in the NULL-terminated list words, or -1. */
int ga_arg_which(const struct ga_arg *w, const char *const *words);

/* w as a NUL-terminated string in buf (len > 4).  A word too long for buf
 * is cut and ends in "...", which no keyword or number does: it is then
 * refused, recognisably.  Returns buf. */
const char *ga_arg_str(const struct ga_arg *w, char *buf, size_t len);

/* w as a whole decimal number from min to max (digits only).  Returns 0
 * and sets *out, or -1. */
int ga_arg_uint(const struct ga_arg *w, unsigned long min, unsigned long max,
		unsigned long *out);

/* Fills diag with the message (printf-style) and the offset at.  Returns
 * -1, for "return ga_fault_diag_set(...);". */
int ga_fault_diag_set(struct ga_fault_diag *diag, size_t at,
		      const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "expected WHAT, found 'W'", or "expected WHAT, found end of line", at
 * w; with "; did you mean 'C'?" when one of cands (NULL-terminated, or
 * NULL for none) is at most 2 edits from w.  Returns -1. */
int ga_args_expected(struct ga_fault_diag *diag, const char *what,
		     const struct ga_arg *w, const char *const *cands);

/* "'W' given twice", at w.  Returns -1. */
int ga_args_twice(struct ga_fault_diag *diag, const struct ga_arg *w);

/* The parse of a kind whose line is an action, one of actions
 * (NULL-ended; expected says them: "drop or reject"), then words: a new
 * zeroed spec of size bytes (free() frees it) is filled by rest, given
 * the action's index and the words after it, and handed to *spec.
 * Returns 0, or -1 with diag set (by rest, or here). */
int ga_args_spec(const char *args, const char *const *actions,
		 const char *expected, size_t size,
		 int (*rest)(struct ga_args *a, void *spec, int action,
			     struct ga_fault_diag *diag),
		 void **spec, struct ga_fault_diag *diag);

/* The word after key into *v, key's first time (*seen, set here);
 * returns 0, or -1 with "'KEY' given twice" (ga_args_twice) when *seen
 * was set already. */
int ga_args_value(struct ga_args *a, const struct ga_arg *key, bool *seen,
		  struct ga_arg *v, struct ga_fault_diag *diag);

/* "'KEY' needs a value (WHAT)", at key.  Returns -1. */
int ga_args_needs_value(struct ga_fault_diag *diag, const struct ga_arg *key,
			const char *what);

#endif
