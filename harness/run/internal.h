/* internal.h - what the run's files share (run/ only).
 *
 * A struct ga_case is everything one run of one scenario made, so that
 * teardown can undo it in reverse whatever happened: its directory, its
 * lab, its server, its client connections and the faults in place.
 */
#ifndef GA_RUN_INTERNAL_H
#define GA_RUN_INTERNAL_H

#include <limits.h>
#include <stdbool.h>

#include "client/client.h"
#include "faults/stack.h"
#include "lab/lab.h"
#include "lab/memfs.h"
#include "proxy/proxy.h"
#include "server/server.h"
#include "run/runner.h"

/* A connection's server session as the runner last saw it.  Thread ids
 * count from each server start, so a restarted server hands out the old
 * ids again: a session is its thread id together with the start it was
 * seen in (issue 18). */
struct ga_session {
	unsigned long thread;           /* the last thread id seen, 0: none */
	unsigned start;                 /* the server start it belongs to */
	unsigned sent_start;            /* the start a "send" was made in:
					 * its "reap" reads that server's
					 * answer */
	/* Set: the client cannot do what this connection needs (a step or
	 * an option its driver answered "unsupported" to, at skip_line):
	 * every later step on it, or naming it, is skipped, and the rest
	 * of the scenario runs (a partly skipped case). */
	char skip[512];
	int skip_line;
};

struct ga_case {
	struct ga_runner *r;
	const struct ga_scenario *sc;
	struct ga_case_result *res;
	char dir[PATH_MAX];
	bool dir_made;
	char real_dir[PATH_MAX];        /* dir, as realpath() gives it
					 * (env.infile_dir), "" not yet */
	struct ga_lab lab;
	bool lab_made;
	struct ga_server srv;
	bool srv_made;
	char srv_dir[PATH_MAX];         /* the server's own directory (it may
					 * outlive the case: run/reuse.c) */
	bool srv_dir_made;              /* ... made, and the case removes it */
	bool reused;                    /* the server and lab are a kept
					 * one's */
	bool start_asked;               /* set-up asked a fresh server to
					 * start (it may have failed: its
					 * error log says why) */
	const struct ga_proxy_kind *proxy;      /* static: the proxy it runs
						 * behind, NULL: none */
	struct ga_proxy prx;                    /* ga_proxy_init'ed */
	struct ga_client *clients;      /* owned, one per connection */
	struct ga_session *sessions;    /* owned, one per connection */
	unsigned starts;                /* how often the server was started
					 * (set-up, "server start", the start
					 * of "server restart"): the current
					 * start's number, 0 before any */
	struct ga_client_env env;
	struct ga_fault_stack faults;
	unsigned tag;                   /* names the lab's kernel objects */
	long rep;                       /* which repetition, 1-based */
	int placeholder;                /* the line of the first "expect
					 * any" that applied, 0: none */
	struct ga_capture *capture;     /* owned: the lab's link being
					 * captured, NULL: none */
	/* The case's mark (run/marks.c): what "errorlog" and "status" read
	 * from. */
	long long errlog_from;          /* the error log's size */
	long long *status_from;         /* owned, one per step: a status
					 * step's counter, NULL: none taken */
	unsigned long session_mark;     /* the id of the harness's session
					 * at the mark: the case's sessions
					 * have larger ones, 0: none taken */
	unsigned session_mark_start;    /* the start (starts) it was taken
					 * in: ids count anew at a start */
	struct ga_memfs_watch *room;    /* owned: the run directory's use
					 * watched (run/room.c), NULL: not */
	bool room_filled;               /* ... came near its bound: ERROR */
};

/* The server and client c runs against, as selectors see them. */
void ga_case_identity(const struct ga_case *c, const struct ga_driver *drv,
		      struct ga_server_id *id);

/* ---- the case's mark (run/marks.c) ------------------------------------------ */

/* Marks where c begins: the error log's size, and every counter its
 * status steps read.  Before the first step.  Returns 0, or -1 with err
 * set (the server could not be asked). */
int ga_case_mark(struct ga_case *c, struct ga_error *err);

/* The counters and the session mark again, after a start of the
 * server inside the case (a start zeroes the counters and numbers its
 * sessions from 1).  Returns as ga_case_mark(). */
int ga_case_mark_status(struct ga_case *c, struct ga_error *err);

/* Whether every session opened on the server since the case's mark (or
 * its last start in the case) has ended, seen in the server's
 * processlist: then none of them will write another line to the error
 * log (see marks.c).  false when there is no mark for the current start
 * or the server did not answer. */
bool ga_case_sessions_ended(struct ga_case *c);

/* Whether session id, one opened since the case's mark (or its last
 * start in the case), is still in the server's processlist: it has not
 * yet closed its socket (see marks.c).  false when it has left, when it
 * is no session of the case's, or when the server did not answer. */
bool ga_case_session_on_server(struct ga_case *c, unsigned long id);

/* Step i's status counter, as how far it moved since the mark, into
 * out (out->value).  Returns 0, or -1 with err set. */
int ga_case_status_moved(struct ga_case *c, size_t i, struct ga_outcome *out,
			 struct ga_error *err);

/* ---- the server's side in one word (run/digest.c) ------------------------- */

/* Every base table outside the server's own schemas, CHECKSUM TABLE
 * each, hashed in name order into buf ("2:0123456789abcdef": how many
 * tables, the hash), on the privileged admin login.  Returns 0, or -1
 * with err set and buf "" (the server down, a statement refused). */
int ga_case_digest(struct ga_case *c, char *buf, size_t len,
		   struct ga_error *err);

/* ---- the run directory's room (run/room.c) ---------------------------------- */

/* Where r's run directory is, for the server's set-up line: "in memory,
 * at most 1024 MiB" or "on disk: WHY". */
void ga_runner_room_text(const struct ga_runner *r, char *buf, size_t len);

/* Watches how full the run directory's memory gets while c runs (when
 * it is in memory: lab/memfs.h). */
void ga_case_room_watch(struct ga_case *c);

/* The case's server is what the watch ends when the memory fills
 * (ga_memfs_watch_end_on_fill): after every start and stop of it. */
void ga_case_room_server(struct ga_case *c);

/* When the run directory's memory came near its bound since the watch
 * began (ga_memfs_filled): c is ERROR at line, its reason naming the
 * bound and how to raise it (and what c had ended as before), and -1
 * is returned, now and at every later call; else 0. */
int ga_case_room_check(struct ga_case *c, int line);

/* Ends the watch. */
void ga_case_room_end(struct ga_case *c);

/* ---- a scenario's fixtures (run/fixtures.c) -------------------------------- */

/* For a scenario with a connection that declares local_infile: the
 * case's directory as realpath() gives it (c->real_dir, what LOAD DATA
 * LOCAL may read beneath) and the scenario's fixtures copied into it as
 * fixtures/ (lang/scenario.h, GA_FIXTURES_DIR), when it has any.  Does
 * nothing for any other scenario.  Returns 0, or -1 with err naming what
 * was refused. */
int ga_case_fixtures(struct ga_case *c, struct ga_error *err);

/* After a connect step (run/login.c): ERROR when the server sees the
 * session otherwise than the connection asked (tls=required in the
 * clear, another database).  Returns 0, or -1 with the verdict set. */
int ga_login_check(struct ga_case *c, const struct ga_step *step,
		   const struct ga_step_result *sr);

/* The scenario is ERROR at step's line because the harness failed (err).
 * Returns -1, for "return ga_case_harness_error(...)". */
int ga_case_harness_error(struct ga_case *c, const struct ga_step *step,
			  const struct ga_error *err);

/* The scenario was interrupted by a signal at step.  Returns -1. */
int ga_case_interrupted(struct ga_case *c, const struct ga_step *step);

/* ---- steps (run/steps.c) ---------------------------------------------------- */

/* Carries out step i and checks its outcome.  Returns 0 to go on, -1 to
 * stop (the verdict is set). */
int ga_case_run_step(struct ga_case *c, size_t i);

/* True when the runner can carry out steps of kind (a test checks every
 * row of lang/step.h). */
bool ga_case_can_run(enum ga_step_kind kind);

/* Stamps out, a call's outcome on the connection whose session is s, with
 * the server starts its thread ids belong to, and notes the session it
 * ended on.  now is the start the call was answered in (for a reap, the
 * start its send was made in).  thread_before is of s->start when it is
 * s's id (else of now).  thread_after is of now when the call can have
 * got it from the server of now: the id changed in the call, or the
 * call succeeded.  Otherwise (an error, a hang, a wrong result, with the
 * id unchanged) it is the old session's: a library that lost its
 * connection still reports its id, and an error can be the old server's
 * last word read late (MariaDB 10.5's ER_CONNECTION_KILLED on shutdown).
 * An unknown id after the call (0) leaves s as it was. */
void ga_session_note(struct ga_session *s, unsigned now,
		     struct ga_outcome *out);

/* Where the scenario's faults apply. */
void ga_case_fault_target(const struct ga_case *c, struct ga_fault_target *t);

/* ---- the proxy (run/case_proxy.c) ------------------------------------------------- */

/* Which proxy case c runs behind (c->proxy), from the scenario's
 * "proxy" line and --proxy.  Returns 0, or 1 with the case SKIPped
 * (the scenario does not run behind what --proxy asks for). */
int ga_case_choose_proxy(struct ga_case *c);

/* Starts c->proxy in the lab's proxy namespace.  Returns 0, 1 with the
 * case SKIPped (this machine lacks the proxy) or -1 (err set). */
int ga_case_start_proxy(struct ga_case *c, struct ga_error *err);

/* ---- repetitions (run/repeat.c) -------------------------------------------- */

/* Counts the outcome of every step that ran in this run into its
 * tally (no limit on distinct outcomes).  Returns 0, or -1 when out of
 * memory. */
int ga_tally_run(struct ga_case_result *res);

/* Counts one->count more of one's outcome in sr's tally (an entry of the
 * same result, code, class and pool events, else a new one at the end).
 * Returns 0, or -1 when out of memory (run/repeat.c). */
int ga_tally_add(struct ga_step_result *sr, const struct ga_tally *one);

/* The "seen" lines, once every run matched its expect lines: a count
 * that fails its line makes the scenario FAIL at that step. */
void ga_check_seen(const struct ga_scenario *sc, struct ga_case_result *res);

/* ---- a server kept for the next case (run/reuse.c) ------------------------ */

/* Set-up: gives c the runner's kept server and its lab when c's scenario
 * asks for the same server (options, TLS check, proxy) and nothing says
 * it needs a fresh one.  Returns 1 with c->srv, c->lab and c->tag the
 * kept one's (c->reused), or 0: the kept server (if any) is discarded
 * and c->res->server_setup says why a fresh one starts. */
int ga_reuse_adopt(struct ga_case *c);

/* Set-up, after a fresh server started: takes the snapshot later cases
 * are compared with (none under --fresh-servers or "server fresh").
 * Never fails the case: a snapshot that cannot be taken only means the
 * server is not kept. */
void ga_reuse_baseline(struct ga_case *c);

/* Teardown, after the faults were reverted and before anything else:
 * whether anything the case did rules out keeping its server (a server
 * step, a fault, a signal, an ERROR, a send never reaped).  Returns
 * true when it may be kept; else false with c->res->server_after set. */
bool ga_reuse_may_keep(struct ga_case *c);

/* Teardown, once the clients and the proxy are gone: compares the
 * server with its snapshot and either keeps it (and its lab) for the
 * next case, clearing c->srv_made, c->lab_made and c->srv_dir_made, or
 * destroys it; c->res->server_after says which and why. */
void ga_reuse_keep(struct ga_case *c);

/* Ends the kept server, its lab and directory, if any. */
void ga_reuse_drop(struct ga_runner *r);

/* ---- evidence (run/evidence.c) ---------------------------------------------- */

/* Writes steps.log again in the scenario's evidence directory (which
 * ga_keep_evidence made: opened below results_dir without following a
 * symlink). */
int ga_rewrite_steps_log(const struct ga_run_options *o,
			 const struct ga_scenario *sc,
			 const struct ga_case_result *res,
			 struct ga_error *err);

/* Keeps the scenario's evidence in results_dir/[results_sub/]<label>/:
 * the file that ran, steps.log, the server's error log and config, and
 * the standard error of each client driver process.  Nothing is created
 * or removed outside results_dir and no symlink below it is followed: an
 * old evidence directory is removed only when it carries goneaway's mark
 * (util/ownmark.h), and the new one gets it.  What could not be kept is
 * recorded in c->res->evidence_lost. */
void ga_keep_evidence(struct ga_case *c);

/* Copies the scenario's my.cnf src into dirfd as my.cnf, the paths of
 * private_dir (the case's directory, removed after the run) and of its
 * mount in a server root written @PRIVATE@ (run/evidence_cnf.c).
 * Returns 0, or -1 with err set. */
int ga_keep_cnf(const char *src, int dirfd, const char *private_dir,
		struct ga_error *err);

/* ---- the client namespace (run/case_clientns.c) ---------------------------------- */

/* Makes c's lab (c->lab) with its server side in server_ns (-1: a new
 * one): its client side in the runner's kept client namespace, made
 * when there is none (lab/clientns.h), or in one of its own under
 * --fresh-drivers.  Returns 0, or -1 with err set. */
int ga_case_lab_create(struct ga_case *c, int server_ns, struct ga_error *err);

/* After lab, one of r's, went (ga_lab_destroy): r's kept client
 * namespace is checked as it was made, else given up with every driver
 * process kept in it (r->clientns.given_up says why). */
void ga_runner_lab_gone(struct ga_runner *r, const struct ga_lab *lab);

/* c->res->client_setup: how each connection's driver was set up, and
 * the client namespace. */
void ga_case_client_setup(struct ga_case *c);

/* Ends r's kept client namespace and the driver processes in it. */
void ga_runner_clientns_close(struct ga_runner *r);

#endif
