/* textedit.h - a text changed by whole lines, and the change as a
 * unified diff ("diff -u", applied by "patch -p0" and "git apply -p0").
 * goneaway run --record changes a scenario this way and hands the user
 * the patch to review: it never rewrites the file itself.
 *
 * Ownership: an edit's text belongs to the edit list; free the list with
 * ga_line_edits_free().
 */
#ifndef GA_TEXTEDIT_H
#define GA_TEXTEDIT_H

#include <stddef.h>
#include <stdio.h>

#include "util/error.h"

/* Lines [line, line + del) of the text replaced by ins: del 0 puts ins
 * before line (line one past the last: at the end). */
struct ga_line_edit {
	int line;               /* 1-based */
	int del;                /* lines removed, 0 or more */
	char *ins;              /* owned: whole lines, each ending in '\n';
				 * NULL or "" for none */
};

struct ga_line_edits {
	struct ga_line_edit *items;     /* owned */
	size_t n;
};

/* Adds an edit (ins copied).  Returns 0, or -1 (out of memory). */
int ga_line_edits_add(struct ga_line_edits *e, int line, int del,
		      const char *ins, struct ga_error *err);
void ga_line_edits_free(struct ga_line_edits *e);

/* text with the edits made, into a new string (free() it).  The edits
 * are taken in line order (several at one line: in the order added) and
 * must not overlap or reach past the text.  Returns 0, or -1 with err
 * set. */
int ga_text_edit(const char *text, struct ga_line_edits *e, char **out,
		 struct ga_error *err);

/* The edits as a unified diff of path (both sides named path), with 3
 * lines of context, to f; nothing when there are none.  Returns 0, or -1
 * with err set (the edits do not fit the text). */
int ga_text_udiff(FILE *f, const char *path, const char *text,
		  struct ga_line_edits *e, struct ga_error *err);

#endif
