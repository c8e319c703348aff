/* faultkind.h - what the scenario language knows of a fault kind: the
 * word that names it, its usage line and how its arguments are read.
 *
 * A "fault NAME KIND ARGS" line is read by its kind's own parse and
 * validate (in the spirit of iproute2's tc/q_*.c) while the file is
 * parsed, so every problem is reported as file:line:col before anything
 * runs.  What makes the fault happen (apply, revert, probe) is the kind's
 * ops, defined on the faults floor (faults/fault.h); the language only carries
 * the pointer.  The kinds themselves live in faults/ too: the program
 * hands their table to the parser once, at start-up
 * (ga_fault_kinds_use()), so that lang/ never includes faults/.
 */
#ifndef GA_LANG_FAULTKIND_H
#define GA_LANG_FAULTKIND_H

#include <stddef.h>

/* Where parse() found a problem: a message and the byte offset into the
 * argument text (so the parser can point at file:line:col). */
struct ga_fault_diag {
	size_t offset;
	char msg[512];
};

struct ga_fault_ops;                    /* faults/fault.h */

struct ga_fault_kind {
	const char *name;               /* the word in the file: "firewall" */
	const char *usage;              /* one line: "firewall drop|reject ..." */
	/* Parses args (the rest of the line after the kind's name, no
	 * leading blanks, no newline) into a new spec (free with free_spec).
	 * Returns 0, or -1 with diag filled and *spec untouched. */
	int (*parse)(const char *args, void **spec, struct ga_fault_diag *diag);
	/* Checks the whole combination ("jitter needs a delay").  Returns 0,
	 * or -1 with diag filled (offset 0 when no single word is wrong). */
	int (*validate)(const void *spec, struct ga_fault_diag *diag);
	/* Describes spec in one line for logs ("drop to-server port 3306"). */
	void (*describe)(const void *spec, char *buf, size_t len);
	void (*free_spec)(void *spec);
	const struct ga_fault_ops *ops; /* making it: faults/fault.h */
};

/* Makes kinds (NULL-terminated, static: faults/fault.c's
 * ga_fault_table()) the kinds fault lines may name.  Called once, before
 * any file is parsed; until then no kind is known. */
void ga_fault_kinds_use(const struct ga_fault_kind *const *kinds);

/* The NULL-terminated table in use (for diagnostics and doctor); an empty
 * table before ga_fault_kinds_use(). */
const struct ga_fault_kind *const *ga_fault_kinds(void);

/* The names of the kinds in use, in their order, into buf: ", " between
 * them and last between the last two ("firewall, tbf, netem, pause or
 * point" with " or "). */
void ga_fault_kind_names(const char *last, char *buf, size_t len);

/* The kind in use named name; NULL when unknown. */
const struct ga_fault_kind *ga_fault_kind_find(const char *name);

#endif
