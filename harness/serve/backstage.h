/* backstage.h - goneaway's server behind goneaway serve, and what takes
 * time on it.
 *
 * The server starts as a case's does in goneaway run (run/runner.c's
 * fresh_server): the backend prepared (binaries checked, the template
 * datadir built once and cached), the server's private copy in a
 * directory of the run's, a lab of two network namespaces and a veth
 * (lab/lab.h), the server started in the lab's server namespace and
 * waited for through its admin connection (server/server.h).  The
 * proxies reach it only from the lab's client namespace
 * (serve/relay.h), across the link where the lab's faults are made:
 * the fault toxics' faults are applied and lifted on this lab's fault
 * stack (faults/stack.h), as a scenario's fault steps are.
 *
 * A thread of its own does the jobs (internal.h) that wait on the
 * server: a KILL for mysql_kill (on goneaway's server, or with
 * --upstream-admin on the user's own: serve/upadmin.h), a server event (restart, stop, start,
 * kill, wait_timeout, read_only), the server put back as it started
 * (POST /reset), so that the event loop goes on relaying meanwhile and
 * learns of each when it is done (done_fd).  The server (srv, the
 * backend) is the thread's alone once it started; the loop never waits
 * on it.  What the loop needs of the server - its state, its pid, its
 * version - the thread publishes under a lock it holds only to copy
 * them, never while it waits on the server: the state says what is
 * under way ("restarting", "stopping"), and the pid is the server's only
 * while it runs and no action touches its process, so that the loop's
 * faults (fault_pause signals the pid) never meet a process being
 * stopped or reaped.  The lab's fault stack is the loop's alone: the
 * loop applies and lifts faults (quick: an nft script, a qdisc, a
 * signal) under the same lock, so the thread's next publish waits for
 * that, never the reverse.  A stop that times out kills the server: a
 * restart then starts it again, and the state is true either way (a
 * job that needs a running server and finds none answers 503).
 *
 * The thread's waits end when goneaway serve stops: its interrupt is a
 * pipe the stop writes to, and the server is SIGKILLed first (by a
 * pidfd: never another process), so that a KILL waiting on a paused
 * server's answer ends at once.
 *
 * Everything it made goes in ga_backstage_close(), whatever happened:
 * faults unwound, server killed, lab closed (the kernel frees the
 * namespaces), its directory removed.
 *
 * Ownership: a submitted job is the backstage's until
 * ga_backstage_take_done() gives it back.
 */
#ifndef GA_SERVE_BACKSTAGE_H
#define GA_SERVE_BACKSTAGE_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include "faults/stack.h"
#include "lab/lab.h"
#include "serve/internal.h"
#include "server/server.h"
#include "serve/upadmin.h"
#include "util/interrupt.h"

struct ga_backstage {
	/* the opener's, then the thread's alone once it started (the lab:
	 * read by both, changed by neither) */
	struct ga_server_backend be;
	bool be_open;
	struct ga_server srv;
	bool srv_made;
	struct ga_lab lab;
	bool lab_made;
	struct ga_scenario sc;          /* empty: the fixture's options */
	char srv_dir[PATH_MAX];
	bool srv_dir_made;
	unsigned tag;
	bool up;                        /* the server runs */
	/* what the API changed, to put back */
	bool saved_timeouts, saved_read_only;
	char wait_timeout[32], interactive_timeout[32], read_only[32];
	/* the loop's alone */
	struct ga_fault_stack faults;
	/* published by the thread, read by the loop: under lock, held only
	 * to copy them and to apply or lift a fault */
	pthread_mutex_t lock;
	char state[16];                 /* "running", "stopped", "killed",
					 * "starting", "stopping", "restarting" */
	pid_t pid;                      /* while "running", else 0 */
	char version[128];
	int kill_fd;                    /* a pidfd of the last server started,
					 * -1: none (the stop's SIGKILL) */
	/* the thread and its queue */
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t qlock;
	pthread_cond_t qcond;
	struct ga_sv_job *queue, *done;
	bool stopping;
	int done_fd;                    /* eventfd: a job is done */
	int cancel[2];                  /* the thread's interrupt */
	struct ga_interrupt thread_in;
	/* --upstream-admin's account (the opener's, read only), and whose
	 * its connections are (serve/upadmin.h): a KILL on a proxy whose
	 * upstream is the user's own server; NULL: none given */
	const struct ga_sv_upadmin *admin;
	uid_t admin_uid;
	gid_t admin_gid;
};

/* Starts goneaway's server: backend ops with its options (so's run_dir
 * the run's directory, where the server's goes).  Returns 0, -1 with
 * err set, or GA_SERVER_UNAVAILABLE (this machine cannot run it: err
 * says why).  Release with ga_backstage_close() whatever it returned. */
int ga_backstage_open(struct ga_backstage *b,
		      const struct ga_server_backend_ops *ops,
		      const struct ga_server_options *so,
		      struct ga_interrupt *in, struct ga_error *err);

/* The jobs alone, without a server (a --no-server serve given
 * --upstream-admin: its KILLs on the user's own servers).  Returns 0,
 * or -1 with err set.  Release with ga_backstage_close() whatever it
 * returned. */
int ga_backstage_open_jobs(struct ga_backstage *b, struct ga_error *err);

/* Starts the thread.  Returns 0, or -1 with err set. */
int ga_backstage_start(struct ga_backstage *b, struct ga_error *err);

/* Hands job to the thread; b->done_fd becomes readable once it is
 * done. */
void ga_backstage_submit(struct ga_backstage *b, struct ga_sv_job *job);

/* A job that is done (its rc and msg set), or NULL. */
struct ga_sv_job *ga_backstage_take_done(struct ga_backstage *b);

/* The fault toxics' faults (struct ga_sv_hooks.fault), on the loop's
 * thread, at the server the thread last published as running. */
int ga_backstage_fault(struct ga_backstage *b, int lift_line,
		       const struct ga_fault_kind *kind, const void *spec,
		       int line, char *msg, size_t len);

/* The server as JSON (GET /goneaway/server). */
void ga_backstage_server_json(struct ga_backstage *b, FILE *f);

/* The server's version ("10.11.19-MariaDB-0+deb12u1") into buf, once
 * started. */
void ga_backstage_version(struct ga_backstage *b, char *buf, size_t len);

/* SIGKILLs the server and stops the thread (a job under way is cut
 * short), unwinds the faults,
 * kills the server, closes the lab, removes the server's directory and
 * closes the backend. */
void ga_backstage_close(struct ga_backstage *b);

#endif
