/* checklist.h - what "goneaway doctor" prints: one line per thing it
 * checked, ok or missing, and when missing, why, in one line.  The
 * floors that know a thing check it (a server backend its binaries,
 * server/server.h; a fault kind its probe, faults/fault.h) and write
 * their lines here. */
#ifndef GA_UTIL_CHECKLIST_H
#define GA_UTIL_CHECKLIST_H

#include <stdbool.h>
#include <stdio.h>

struct ga_checklist {
	FILE *out;
	bool all_needed;        /* every required check passed so far;
				 * start it true */
};

/* "  ok       name  detail" / "  MISSING  name  why" (a required one) /
 * "  missing  name  why" (an optional one); the detail escaped as plain
 * text (util/escape.h). */
void ga_check_line(struct ga_checklist *c, bool ok, bool required,
		   const char *name, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* A line under the last one, in its detail's column. */
void ga_check_note(struct ga_checklist *c, const char *text);

#endif
