/* fault.h - faults injected into a scenario's lab, one kind per module.
 *
 * Every fault kind (firewall, tbf, netem, pause, point) is a table of operations
 * in the spirit of iproute2's tc/q_*.c: parse the words of a scenario
 * line into a spec, validate the whole combination, and only then, while
 * the scenario runs, apply it inside the lab and revert it.  Nothing in
 * the kernel is touched before validation passed.  The runner pushes each
 * applied fault onto a stack and reverts in reverse order, whatever the
 * verdict (git's test_when_finished, in C).
 *
 * A fault only ever acts inside the scenario's own namespaces (or on its
 * own mariadbd by PID): never on the host's.
 *
 * A kind is a struct ga_fault_kind (lang/faultkind.h: its name, usage,
 * parse, validate, describe, free_spec, which the parser calls) whose ops
 * (below: apply, revert, probe) make the fault.  A new kind is one file,
 * faults/NAME.c, and one row in faults/fault.c's table.
 */
#ifndef GA_FAULT_H
#define GA_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lang/faultkind.h"
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
	const char *connect_addr;       /* where the clients connect: the
					 * server, or a proxy in front of it
					 * ("198.18.0.6"); NULL: the server
					 * (server_addr, server_port and
					 * server_ns; the two below unused) */
	unsigned connect_port;          /* ... its port */
	int connect_ns;                 /* ... and the namespace it is in */
	unsigned tag;                   /* unique per run and scenario: names
					 * kernel objects (nft table
					 * "goneaway_<tag>_<line>") */
	int line;                       /* the fault step's line, which the
					 * fault stack sets for each apply: a
					 * step applies once per run, so with
					 * tag it names what one apply makes */
	pid_t server_pid;               /* the scenario's mariadbd, 0: none */
	/* The runner's session KILL, for a fault that KILLs a connection's
	 * session (point kill): KILLs the server session of the client
	 * connection from addr:port and waits (bounded) until it is gone;
	 * what gets a line on what was done ("KILL 12").  Called from the
	 * fault's own thread: it touches nothing the runner's thread uses
	 * (an admin connection of its own).  Returns 0, or -1 with err set
	 * (no such session, no admin connection).  NULL: none to be had. */
	int (*kill_session)(void *ctx, const char *addr, unsigned port,
			    char *what, size_t len, struct ga_error *err);
	void *kill_ctx;                 /* its ctx, borrowed */
};

struct ga_lab;

/* A target in lab (lab/lab.h): its namespaces, its veth ends and
 * addresses, the server at GA_LAB_SERVER_ADDR:port and, behind a proxy
 * (lab->proxy_ns set), the proxy the clients connect to at the same
 * port; tag names the kernel objects.  No server process and no session
 * KILL: those are the caller's to set.  Every member is borrowed from
 * lab. */
void ga_fault_target_in(struct ga_fault_target *t, const struct ga_lab *lab,
			unsigned port, unsigned tag);

/* What makes a fault of a kind happen: the ops of its struct
 * ga_fault_kind (lang/faultkind.h), which also has its name, usage and
 * the parse, validate, describe and free_spec of its lines. */
struct ga_fault_ops {
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
	/* Can this machine make faults of this kind?  Tried in t, a private
	 * lab of its own (NULL when there is none: not root, no namespaces;
	 * kinds with in_lab set are then not probed).  Returns 0, or -1 with
	 * why saying what is missing in one line.  goneaway doctor prints
	 * one line per kind: probe_name and probe_ok, or the reason.  A
	 * probe that succeeds may say in why how it can (which of two
	 * engines): doctor prints that instead of probe_ok (it empties why
	 * first). */
	int (*probe)(const struct ga_fault_target *t, struct ga_error *why);
	/* Optional (NULL: nothing to say): a line on how an applied fault
	 * is made and what it did so far ("user-space engine (NFQUEUE): 12
	 * packets: 12 delayed"), from its state; called before its revert.
	 * The report shows it with the fault and lift steps and in the
	 * faults teardown reverted. */
	void (*note)(const void *spec, void *state, char *buf, size_t len);
	const char *probe_name;         /* doctor's word: "nftables" */
	const char *probe_ok;           /* what works: "rate limits (sch_tbf)" */
	bool in_lab;                    /* probe needs t */
	bool on_server;                 /* it acts on the server process
					 * itself (pause: SIGSTOP), not only
					 * on the lab's network: a server it
					 * touched is never kept for another
					 * case (run/reuse.c) */
	bool optional;                  /* scenarios that need it SKIP; the
					 * others still run */
};

/* The kinds, one row each, in the order doctor lists them and the
 * parser names them; each is ga_fault_NAME, defined in its own file
 * (faults/firewall.c; tbf and netem: faults/qdisc.c; faults/pause.c,
 * faults/point.c). */
#define GA_FAULT_KINDS(X) X(firewall) X(tbf) X(netem) X(pause) X(point)

#define GA_FAULT_DECLARE(name) extern const struct ga_fault_kind ga_fault_##name;
GA_FAULT_KINDS(GA_FAULT_DECLARE)
#undef GA_FAULT_DECLARE

/* The NULL-terminated table of every kind, GA_FAULT_KINDS; the program
 * hands it to the parser (ga_fault_kinds_use()). */
const struct ga_fault_kind *const *ga_fault_table(void);

#endif
