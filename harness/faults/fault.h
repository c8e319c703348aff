/* fault.h - faults injected into a scenario's lab, one kind per module.
 *
 * Every fault kind (firewall, tbf, netem, pause) is a table of operations
 * in the spirit of iproute2's tc/q_*.c: parse the words of a scenario
 * line into a spec, validate the whole combination, and only then, while
 * the scenario runs, apply it inside the lab and revert it.  Nothing in
 * the kernel is touched before validation passed.  The runner pushes each
 * applied fault onto a stack and reverts in reverse order, whatever the
 * verdict (git's test_when_finished, in C).
 *
 * A fault only ever acts inside the scenario's own namespaces (or on its
 * own mariadbd by PID): never on the host's.
 */
#ifndef GA_FAULT_H
#define GA_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* Return value of apply() when this machine cannot make the fault (no
 * sch_netem in the kernel, no nf_tables): the scenario SKIPs with err's
 * message as the reason.  Any other failure is -1 (ERROR). */
#define GA_FAULT_UNSUPPORTED (-2)

/* Where a fault applies; every member is borrowed from the runner. */
struct ga_fault_target {
	int client_ns;                  /* fd of the lab's client namespace */
	int server_ns;                  /* fd of the lab's server namespace */
	const char *client_if;          /* veth end in client_ns ("ga1a2b3c") */
	const char *server_if;          /* veth end in server_ns ("ga1a2b3s") */
	const char *client_addr;        /* "198.18.0.1" */
	const char *server_addr;        /* "198.18.0.2" */
	unsigned server_port;           /* 3306 */
	unsigned tag;                   /* unique per run and scenario: names
					 * kernel objects (nft table
					 * "goneaway_<tag>_<line>") */
	int line;                       /* the fault step's line, which the
					 * fault stack sets for each apply: a
					 * step applies once per run, so with
					 * tag it names what one apply makes */
	pid_t server_pid;               /* the scenario's mariadbd, 0: none */
};

/* Where parse() found a problem: a message and the byte offset into the
 * argument text (so the parser can point at file:line:col). */
struct ga_fault_diag {
	size_t offset;
	char msg[512];
};

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
	/* Applies spec inside the lab.  On success *state is whatever revert
	 * needs (may be NULL); revert frees it.  Returns 0, -1 (err set) or
	 * GA_FAULT_UNSUPPORTED (err says what the machine lacks). */
	int (*apply)(const void *spec, const struct ga_fault_target *t,
		     void **state, struct ga_error *err);
	/* Undoes apply and frees state.  Must be safe after the lab's
	 * processes are gone (it may then find nothing to undo: not an
	 * error). */
	int (*revert)(const void *spec, const struct ga_fault_target *t,
		      void *state, struct ga_error *err);
};

/* The kinds, looked up by name; NULL when unknown. */
const struct ga_fault_kind *ga_fault_kind_find(const char *name);

/* The NULL-terminated table of every kind (for diagnostics and doctor). */
const struct ga_fault_kind *const *ga_fault_kinds(void);

/* The kinds, defined in their own files. */
extern const struct ga_fault_kind ga_fault_firewall;   /* fault_firewall.c */
extern const struct ga_fault_kind ga_fault_tbf;        /* fault_qdisc.c */
extern const struct ga_fault_kind ga_fault_netem;      /* fault_qdisc.c */
extern const struct ga_fault_kind ga_fault_pause;      /* fault_pause.c */

#endif
