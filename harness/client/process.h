/* process.h - what the files of a driver process share (client/process*.c
 * only; the rest of client/ sees struct ga_driver_conn whole nowhere).
 *
 * A driver process speaks docs/driver-protocol.md; its state is one
 * struct ga_driver_conn.  The files, one job each, each calling only
 * those above it here (tests/layering.sh: no file calls back):
 *   client/process.c        the process: started, stopped, how it died,
 *                           its log; its state made (a kept one's with
 *                           its log) and ended;
 *   client/process_lines.c  its lines: read whole and bounded, requests
 *                           written without blocking, its greeting, and a
 *                           request of the protocol's own answered
 *                           (begin-case, end-case, spawn);
 *   client/process_calls.c  a step's request and its reply: written,
 *                           collected, checked, cancelled;
 *   client/process_spawn.c  zygotes and the copies they fork (feature
 *                           "spawn"), one spawned ahead for the next case;
 *   client/process_cases.c  a process kept between cases: begin-case,
 *                           end-case, what the gap between them left;
 *   client/process_driver.c the driver (ga_driver_process): its probe and
 *                           its ops, over all of the above.
 */
#ifndef GA_CLIENT_PROCESS_H
#define GA_CLIENT_PROCESS_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "client/driver.h"
#include "client/internal.h"
#include "util/json.h"
#include "util/linewatch.h"

#define ZYGOTE_KIDS_MAX 64     /* copies of one zygote alive at once */

/* A driver process as goneaway holds it: the process of a connection
 * (a kept one, a spawned copy), or a zygote.  What is borrowed and what
 * is owned is said beside each member. */
struct ga_driver_conn {
	struct ga_driver *drv;                  /* borrowed */
	const struct ga_connection *decl;       /* borrowed */
	const struct ga_client_env *env;        /* borrowed */
	pid_t pid;
	int pidfd;
	int reaped_fd;          /* what its namespace's init says it
				 * reaped (lab/spawn.h), read end; -1 */
	int to_fd;              /* its standard input, non-blocking */
	int from_fd;            /* its standard output, non-blocking */
	char *buf;              /* owned: what it wrote, not yet handled */
	size_t len, cap;
	size_t scanned;         /* buf[0..scanned) holds no newline */
	bool eof;               /* its output is closed */
	unsigned long long got_bytes;   /* all it ever wrote */
	char *req;              /* owned: the request being written */
	size_t req_len, req_done;
	double start_ms;        /* when the running call was started */
	struct ga_linewatch reply_watch;        /* a send's: its reply read
						 * while other steps run */
	double line_ms;         /* when the watch read a line, 0: none */
	double reply_ms;        /* when the running call's reply came */
	struct ga_json *hello;  /* owned: its greeting */
	int protocol;           /* the greeting's protocol version */
	unsigned features;      /* ... and what it declared (GA_FEATURE_*) */
	long next_id;
	long running;           /* the id in flight, 0: none */
	enum ga_step_kind running_kind;         /* ... its step */
	unsigned long thread_id;
	char log[PATH_MAX];     /* its standard error */
	bool dead;              /* killed or exited: no more calls */
	/* a kept process (docs/driver-protocol.md, "Cases"): its log is in
	 * the keep directory, and what it wrote during a case, from
	 * log_from on, is copied into case_log when the case ends */
	bool kept;
	ino_t netns;            /* the namespace it lives in */
	struct ga_socket_set held;      /* its sockets after its greeting */
	pid_t tree[GA_KEEP_TREE_MAX];   /* ... and its processes */
	int ntree;
	long long log_from;
	char case_log[PATH_MAX];
	unsigned cases;         /* cases it began, this one included */
	bool ahead;             /* started for the next case, off its
				 * path: its greeting not read yet */
	char replaced[240];     /* why the kept one it replaces was not
				 * used, "": it replaced none */
	struct ga_interrupt *in;        /* the run's, for an idle one's end
					 * (borrowed: it outlives the run) */
	/* a zygote (feature "spawn", client/zygote.c): it serves no case,
	 * only spawn requests; zpid is the driver itself (its init's only
	 * child), kids the copies it spawned that goneaway has not ended */
	bool zygote;
	pid_t zpid;
	pid_t kids[ZYGOTE_KIDS_MAX];
	size_t nkids;
	struct ga_zygote_ends ends;     /* how copies ended, its init said */
	unsigned zserial;       /* which zygote of the run's it is */
	struct ga_driver_conn *spare;   /* owned: a copy spawned ahead,
					 * its greeting not read yet: the
					 * next case's; NULL */
	bool asked;             /* a spare whose spawn request its zygote
				 * has not answered yet: its pipes are
				 * open, no process is its yet (pid 0) */
	/* a copy a zygote spawned: pid is the driver itself, not goneaway's
	 * child (no waitpid: its pidfd tells its end, and the zygote's init
	 * how it ended), in its zygote's PID namespace and process group of
	 * its own */
	bool spawned;
	unsigned from_zygote;   /* its zygote's zserial */
	pid_t kid_pid;          /* its PID, also once pid is 0 (it ended) */
	pid_t kid_nspid;        /* ... as its namespace numbers it, when
				 * its parent is the init, which tells how
				 * it ended; 0: the zygote's own child */
	int hold_fd;            /* until its greeting, goneaway's own writer
				 * of its standard output (a named pipe), so
				 * that nothing reads as its end before it
				 * opened it; -1 */
	char fifo_in[PATH_MAX]; /* ... and its two named pipes until then */
	char fifo_out[PATH_MAX];
	struct stat fifo_st[2]; /* ... which it must read and write */
};

/* ---- client/process.c: the process --------------------------------------- */

/* A new state of drv's, no process yet (every descriptor -1), or NULL:
 * out of memory. */
struct ga_driver_conn *ga_conn_alloc(struct ga_driver *drv);

/* The inode of the network namespace fd, 0 when none. */
ino_t ga_conn_netns(int fd);

/* A line of goneaway's own in the driver's log ("goneaway: ..."). */
void ga_conn_log_note(const struct ga_driver_conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Why the process stopped being a driver, what, in err (with how it
 * ended and its stderr's last lines); c is dead.  Returns -1. */
int ga_conn_died(struct ga_driver_conn *c, const char *what,
		 struct ga_error *err);

/* SIGKILLs the driver and its PID namespace (a spawned copy: its group). */
void ga_conn_kill(const struct ga_driver_conn *c);

/* Starts c's driver process in env's client namespace (NULL: outside any
 * lab), its stderr to log.  Returns 0, or -1 with err set. */
int ga_conn_process_start(struct ga_driver_conn *c,
			  const struct ga_client_env *env, const char *log,
			  struct ga_error *err);

/* Ends a send's reply watch and takes what it read into c's buffer. */
void ga_conn_take_watched(struct ga_driver_conn *c);

/* Ends the process, bounded (client/process.c says how). */
void ga_conn_process_stop(struct ga_driver_conn *c);

/* The log of a kept process c (KIND-PID-N.log in dir), created empty:
 * 0, or -1 with err set and no log. */
int ga_conn_kept_log(struct ga_driver_conn *c, const char *dir,
		     const char *kind, unsigned n, struct ga_error *err);

/* A new kept driver process's state for drv in env's namespace, its log
 * made (the next number of this process's), no process yet; NULL with
 * err set. */
struct ga_driver_conn *ga_conn_kept_new(struct ga_driver *drv,
					const struct ga_client_env *env,
					struct ga_error *err);

/* The zygote that spawned c while it is the registry's, else NULL. */
struct ga_driver_conn *ga_conn_zygote_of(const struct ga_driver_conn *c);

/* c, ended, is no longer one of its zygote's copies. */
void ga_conn_zygote_forget(const struct ga_driver_conn *c);

/* Stops the process and frees c. */
void ga_conn_end(struct ga_driver_conn *c);

/* ---- client/process_lines.c: its lines ----------------------------------- */

/* Reads what is there without blocking: 0 (also at EOF: c->eof), or -1
 * with err set. */
int ga_conn_read_more(struct ga_driver_conn *c, struct ga_error *err);

/* The next whole line, parsed, or NULL with *got 0 (none yet) or -1
 * (err set). */
struct ga_json *ga_conn_next_line(struct ga_driver_conn *c, int *got,
				  struct ga_error *err);

/* Waits (bounded, watching for signals) for the next line. */
struct ga_json *ga_conn_wait_line(struct ga_driver_conn *c, long ms,
				  struct ga_error *err);

/* Writes what it can of the pending request without blocking: 0, or -1
 * with err set. */
int ga_conn_flush_request(struct ga_driver_conn *c, struct ga_error *err);

/* Opens the text of c's next request, its id the next of c's and its
 * step written ({"id":N,"step":"STEP"): a memory stream of *text, or
 * NULL with err set. */
FILE *ga_conn_request(struct ga_driver_conn *c, const char *step,
		      char **text, size_t *len, struct ga_error *err);

/* Reads and checks its greeting into c->hello: 0, or -1 with err set. */
int ga_conn_read_hello(struct ga_driver_conn *c, struct ga_error *err);

/* A request of the protocol's own (step, extra: its members after the
 * step) answered ok: 0, or -1 with err set. */
int ga_conn_control(struct ga_driver_conn *c, const char *step,
		    const char *extra, struct ga_error *err);

/* ga_conn_control() in two: the request sent, and later its answer
 * waited for (a zygote's spawn, answered while a case runs). */
int ga_conn_control_send(struct ga_driver_conn *c, const char *step,
			 const char *extra, struct ga_error *err);
int ga_conn_control_answer(struct ga_driver_conn *c, const char *step,
			   struct ga_error *err);

/* ---- client/process_calls.c: a step's request and reply (the ops) -------- */

/* The driver's ops (struct ga_driver_ops, client/driver.h, says each). */

int ga_conn_start(struct ga_driver_conn *c, const struct ga_step *step,
		  const char *sql, struct ga_error *err);
enum ga_call_state ga_conn_collect(struct ga_driver_conn *c,
				   struct ga_outcome *out,
				   struct ga_error *err);
int ga_conn_cancel(struct ga_driver_conn *c, struct ga_outcome *hang,
		   struct ga_error *err);
int ga_conn_unsupported(const struct ga_driver_conn *c,
			const struct ga_step *step, char *why, size_t len);
int ga_conn_call_fd(const struct ga_driver_conn *c);
int ga_conn_call_wfd(const struct ga_driver_conn *c);
unsigned long ga_conn_thread_id(const struct ga_driver_conn *c);

/* ---- client/process_spawn.c: zygotes and their copies -------------------- */

/* Whether a spawned c's namespace is as its zygote's must be: 1, or 0
 * with why (the zygote then ended). */
int ga_conn_zygote_still_clean(const struct ga_driver_conn *c, char *why,
			       size_t len);

/* Whether drv's processes are spawned by its zygote. */
bool ga_conn_spawn_wanted(const struct ga_driver *drv);

/* Whether c is now a copy its zygote spawned, greeted. */
bool ga_conn_spawn_ok(struct ga_driver_conn *c,
		      const struct ga_client_env *env);

/* The spare copy of drv's zygote in env's namespace, greeted, or NULL;
 * why then says why its zygote was given up, when it was ("" else). */
struct ga_driver_conn *ga_conn_spare_take(struct ga_driver *drv,
					  const struct ga_client_env *env,
					  char *why, size_t len);

/* A copy spawned ahead for the next case of drv in env's namespace. */
void ga_conn_spare_ahead(struct ga_driver *drv,
			 const struct ga_client_env *env);

/* ---- client/process_cases.c: a process kept between cases ---------------- */

/* A process for this case of a driver that declares "cases": 0, or -1
 * with err set. */
int ga_conn_kept(struct ga_driver *drv, const struct ga_connection *decl,
		 const struct ga_client_env *env,
		 struct ga_driver_conn **connp, struct ga_error *err);

/* The ops' conn_free: a kept process back to the idle ones, or ended. */
void ga_conn_free(struct ga_driver_conn *c);

#endif
