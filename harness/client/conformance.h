/* conformance.h - a client driver checked against
 * docs/driver-protocol.md: the driver alone (client/conformance.c), then
 * what a tap wrote down of the conformance scenarios it ran
 * (client/conformance_tap.c).  Each check prints "ok - WHAT" or
 * "not ok - WHAT: WHY" on stdout, TAP's way.
 *
 * The count of failed checks is the process's (one driver-test a
 * process).  Nothing returned is owned by the caller.
 */
#ifndef GA_CLIENT_CONFORMANCE_H
#define GA_CLIENT_CONFORMANCE_H

#include <stdbool.h>

/* What the driver alone said that the scenarios' checks need. */
struct ga_conformance_alone {
	bool sqlstate_unsupported;      /* its greeting says the connector
					 * gives no sqlstate ... */
	char sqlstate_reason[200];      /* ... and why */
};

/* Prints one check: "ok - what", or "not ok - what: why" (counted). */
void ga_conformance_check(bool ok, const char *what, const char *why);

/* The checks that failed so far. */
int ga_conformance_failures(void);

/* Starts the driver argv (its standard error in a file below tmp_root)
 * and checks it alone: its greeting, a query before any connect, a step
 * it does not know, its replies' ids, its exit at the end of its input.
 * Returns 0 with alone filled, or -1 when it does not answer as the
 * protocol says (the scenarios are then not worth running: each would
 * wait for a watchdog). */
int ga_conformance_alone(char **argv, const char *tmp_root,
			 struct ga_conformance_alone *alone);

/* Checks the transcripts a tap wrote into dir (tap-* files): every reply
 * answers its request's id and has elapsed_ms, server errors carry their
 * sqlstate (unless alone says the connector has none), a connect that
 * succeeds reports its thread id, every driver process exits when its
 * input closes. */
void ga_conformance_transcripts(const char *dir,
				const struct ga_conformance_alone *alone);

#endif
