/* stack.h - the faults a scenario has in place, unwound in reverse.
 *
 * Every fault a scenario applies is pushed here; "lift NAME" reverts one,
 * and whatever is still in place when the scenario ends is reverted last
 * applied first, whatever the verdict (git's test_when_finished, in C).
 * What was reverted is logged only after the attempt, and a revert that
 * fails is reported, never taken for done.
 */
#ifndef GA_FAULT_STACK_H
#define GA_FAULT_STACK_H

#include <stddef.h>

#include "faults/fault.h"
#include "util/error.h"

struct ga_applied_fault {
	const struct ga_fault_kind *kind;       /* static */
	const void *spec;                       /* borrowed from the step */
	const char *name;                       /* borrowed: "wall" */
	void *state;                            /* the kind's, freed by its
						 * revert */
	int line;                               /* the fault step's line */
	int active;                             /* not lifted yet */
};

struct ga_fault_stack {
	struct ga_applied_fault *items;         /* owned */
	size_t n;
	char reverted[512];     /* what the unwind reverted, for the log:
				 * "wall (firewall drop both), ...", with
				 * the kind's note, if any, after a ';' */
	char failed[1024];      /* what it could not revert, and why */
};

/* Applies kind's spec in the lab t, with t's line set to line, and pushes
 * it.  Returns 0, -1 or GA_FAULT_UNSUPPORTED as kind->apply does (err
 * set; nothing pushed). */
int ga_fault_stack_apply(struct ga_fault_stack *fs,
			 const struct ga_fault_kind *kind, const void *spec,
			 const char *name, int line,
			 const struct ga_fault_target *t, struct ga_error *err);

/* Reverts the fault pushed from line.  Returns 0, or -1 with err set
 * (not in place, or its revert failed). */
int ga_fault_stack_lift(struct ga_fault_stack *fs, int line,
			const struct ga_fault_target *t, struct ga_error *err);

/* The kind's note on the fault pushed from line (ga_fault_ops.note: how
 * it is made, what it did so far) into buf; "" when the kind has none or
 * the fault is not in place. */
void ga_fault_stack_note(const struct ga_fault_stack *fs, int line,
			 char *buf, size_t len);

/* Reverts every fault still in place, last applied first, each after the
 * one before whatever happened to it, and frees the stack.  Fills
 * fs->reverted and fs->failed.  Returns how many could not be reverted
 * (err: the first one's reason). */
int ga_fault_stack_unwind(struct ga_fault_stack *fs,
			  const struct ga_fault_target *t,
			  struct ga_error *err);

#endif
