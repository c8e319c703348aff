/* fault_util.h - what the fault kinds' unit tests share: parse a line
 * that must be valid, apply and revert one that must work. */
#ifndef GA_TEST_FAULT_UTIL_H
#define GA_TEST_FAULT_UTIL_H

#include "faults/fault.h"

/* k's spec of text, which must parse (the test fails otherwise); the
 * caller frees it with k->free_spec(). */
void *unit_fault_parse_ok(const struct ga_fault_kind *k, const char *text);

/* Parses text (*spec) and applies it to t, which must work; returns the
 * applied state for unit_fault_revert_ok(). */
void *unit_fault_apply_ok(const struct ga_fault_kind *k, const char *text,
			  const struct ga_fault_target *t, void **spec);

/* Reverts state, which must work, and frees spec. */
void unit_fault_revert_ok(const struct ga_fault_kind *k, void *spec,
			  const struct ga_fault_target *t, void *state);

#endif
