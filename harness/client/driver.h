/* driver.h - what a client driver implements.
 *
 * A driver carries out the client steps of a scenario (connect, query,
 * prepare, fork ...) on one named connection, with some client library:
 * the built-in one calls libmysqlclient in this process (client/builtin.c);
 * others may run elsewhere.  Every call is asynchronous: start() begins
 * it and returns at once, and the generic code (client/client.c) waits on
 * the call's descriptor with a watchdog, then asks collect() for the
 * outcome.  A call that has not finished when the watchdog fires is
 * cancelled: the driver must make it return (shut its socket down,
 * interrupt it) or, failing that, give the connection up.  That is how a
 * call that never returns becomes a "hang" outcome instead of a hung run.
 *
 * A driver's calls run inside the lab's client namespace, so the lab's
 * faults apply to them as to any client.
 */
#ifndef GA_CLIENT_DRIVER_H
#define GA_CLIENT_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lang/outcome.h"
#include "lang/scenario.h"
#include "util/error.h"
#include "util/interrupt.h"

/* Where a connection goes and who it logs in as (strings borrowed from
 * the runner, valid for the scenario run). */
struct ga_client_env {
	int netns_fd;                   /* the lab's client namespace */
	const char *host;               /* the server's address in the lab */
	unsigned port;
	const char *socket;             /* the server's unix socket */
	const char *user;               /* the application account */
	const char *password;
	const char *database;
	const char *privileged_user;    /* for connections with privileged */
	const char *privileged_password;
	const char *dir;                /* the scenario's private directory:
					 * drivers keep their logs there, and
					 * driver processes run in it */
	const char *infile_dir;         /* the same as realpath() gives it:
					 * what LOAD DATA LOCAL of a
					 * connection with local_infile may
					 * read beneath (its fixtures/ among
					 * it); NULL: nothing */
	struct ga_interrupt *in;        /* SIGINT/SIGTERM: every wait of a
					 * driver watches it (NULL: none) */
	const char *run_dir;            /* the run's directory, which
					 * holds dir and keep_dir (NULL:
					 * none): a kept process serves
					 * later cases' directories there */
	const char *keep_dir;           /* where a kept driver process's
					 * standard error is written (its
					 * part of a case is copied into the
					 * case's dir): a driver declaring
					 * "cases" is kept for the next case
					 * in netns_fd; NULL: --fresh-drivers,
					 * a process per connection */
};

#define GA_CANCEL_UNDELIVERED 1

/* collect() results */
enum ga_call_state {
	GA_CALL_RUNNING = 0,            /* not finished yet */
	GA_CALL_FINISHED,               /* *out holds its outcome */
	GA_CALL_FAILED,                 /* the harness could not make the
					 * call at all (setns, out of memory,
					 * a driver that died): err says why;
					 * never a client outcome */
	GA_CALL_UNSUPPORTED,            /* the driver cannot do it: err says
					 * why; the scenario SKIPs */
};

struct ga_driver_conn;                  /* a driver's state for one
					 * connection */
struct ga_driver;

struct ga_driver_ops {
	const char *kind;               /* "builtin", "process" */
	/* A connection's state: nothing is connected yet.  drv, decl and env
	 * are borrowed and outlive the connection. */
	int (*conn_new)(struct ga_driver *drv,
			const struct ga_connection *decl,
			const struct ga_client_env *env,
			struct ga_driver_conn **conn, struct ga_error *err);
	/* Why step cannot be done by this driver (written into why, 1
	 * returned), or 0: it can.  A step a driver cannot do is SKIP. */
	int (*unsupported)(const struct ga_driver_conn *conn,
			   const struct ga_step *step, char *why, size_t len);
	/* Starts step (sql: its expanded text, or NULL; borrowed until the
	 * call is collected) and returns at once; at most one call per
	 * connection.  Returns 0, or -1 with err set (nothing started). */
	int (*start)(struct ga_driver_conn *conn, const struct ga_step *step,
		     const char *sql, struct ga_error *err);
	/* A descriptor that becomes readable once the call finished (owned
	 * by the driver). */
	int (*call_fd)(const struct ga_driver_conn *conn);
	/* NULL, or a descriptor the call is still waiting to write its
	 * request to (-1 once it is written): the waiter polls it for
	 * writing and calls collect() when it is writable. */
	int (*call_wfd)(const struct ga_driver_conn *conn);
	/* Never blocks.  GA_CALL_FINISHED with *out filled (its elapsed time
	 * measured by the call itself), GA_CALL_RUNNING, or GA_CALL_FAILED
	 * with err set.  A finished call is released by this. */
	enum ga_call_state (*collect)(struct ga_driver_conn *conn,
				      struct ga_outcome *out,
				      struct ga_error *err);
	/* Ends a running call whose outcome is no longer wanted, waiting at
	 * most a few seconds, and names the call it was blocked in in
	 * hang->api; it may say in hang->message what the call answered
	 * once it was cut (the answer is dropped: the rest of *hang is the
	 * caller's).  Returns 0 once it
	 * has ended (the connection stays usable: later calls see what the
	 * cut socket does to them), or -1 with err set when it would not
	 * end: the call is abandoned and the connection can take no further
	 * call.  Returns GA_CANCEL_UNDELIVERED (err set) when the call never
	 * started because its request was never read: the driver is at
	 * fault, not the connection (the step is ERROR, never a hang). */
	int (*cancel)(struct ga_driver_conn *conn, struct ga_outcome *hang,
		      struct ga_error *err);
	/* The server thread the connection had after its last finished call
	 * (0: none). */
	unsigned long (*thread_id)(const struct ga_driver_conn *conn);
	/* NULL for a driver whose thread ids are the harness's own (it runs
	 * in this process: libmysqlclient says them).  Else the local ports
	 * of the TCP sockets to the server that the connection's driver
	 * process and its children hold, as the kernel lists them, never as
	 * the driver says: at most max into ports, their number into *n.
	 * Returns 0, or -1 with err set. */
	int (*server_ports)(const struct ga_driver_conn *conn, unsigned *ports,
			    size_t max, size_t *n, struct ga_error *err);
	/* Closes whatever is open and frees conn.  No call may be running,
	 * unless it was abandoned: then only what the call cannot touch is
	 * freed.  A kept driver process (docs/driver-protocol.md, "Cases")
	 * is given back to be kept instead, when it ends the case clean. */
	void (*conn_free)(struct ga_driver_conn *conn);
	/* NULL, or how the connection's driver was set up for the case
	 * ("kept: its case 4", "new"), into buf. */
	void (*setup)(const struct ga_driver_conn *conn, char *buf,
		      size_t len);
};

/* A client driver a run uses: its operations and who it is. */
struct ga_driver {
	const struct ga_driver_ops *ops;        /* static */
	char name[64];          /* "builtin", or the driver's own short
				 * name ("pymysql"): [client=NAME] selects */
	char alias[64];         /* the drivers.list name it was opened by
				 * ("libmysqlclient-9.7"), "" for builtin
				 * and cmd:; [client=ALIAS] selects too */
	char library[160];      /* "MariaDB Connector/C 3.3.20" */
	unsigned long version;  /* the connector's, X*10000 + Y*100 + Z
				 * (30320), 0 unknown: a greeting's
				 * "version", else the first X.Y[.Z] of
				 * its library (ga_protocol_version()) */
	char version_text[24];  /* ... as written ("3.3.20"), "" unknown */
	char **argv;            /* owned, NULL-terminated: a process
				 * driver's command */
	char **apis;            /* owned: the call names replies gave,
				 * kept for the run's reports */
	size_t napis;
	long hello_ms;          /* what its last greeting took, 0: none
				 * yet (a floor of the next one's bound) */
	int protocol;           /* its greeting's protocol, 0: builtin */
	unsigned features;      /* ... and features (GA_FEATURE_*) */
	bool no_spawn;          /* a zygote of it failed in this process:
				 * the rest of its processes are started,
				 * not spawned (client/process_spawn.c) */
};

/* Sets the client part of id (what [client=NAME OP VERSION] selectors
 * compare) from drv: its name, alias and version, borrowed from drv. */
void ga_driver_identify(const struct ga_driver *drv, struct ga_server_id *id);

/* Whether drv is known, before any case runs, to refuse every connect
 * of c: the built-in client (protocol 0) a pool's connection, a driver
 * process a connection whose connect needs a feature its greeting did
 * not declare (client/protocol.h).  Such a connection's steps SKIP at
 * once; a driver's other refusals come only with its connect's answer.
 * Pure. */
bool ga_driver_cannot_connect(const struct ga_driver *drv,
			      const struct ga_connection *c);

/* The in-process driver: libmysqlclient, as linked into goneaway. */
void ga_driver_builtin(struct ga_driver *drv);

/* A driver process speaking docs/driver-protocol.md: argv is copied.  It
 * is started once here to read its greeting (name, library), then once
 * per connection of every scenario; the wait for the greeting ends at
 * SIGINT/SIGTERM (in, may be NULL).  Returns 0, or -1 with err set. */
int ga_driver_process(struct ga_driver *drv, char *const *argv,
		      struct ga_interrupt *in, struct ga_error *err);

/* ---- how a driver process runs (client/confine.c) --------------------------
 * As root, every driver process - a process of its own, a zygote and the
 * copies it spawns, the probe that reads a driver's greeting,
 * driver-test's - runs confined (lab/spawn.h) as a server's programs
 * are: as the user and group of its run's drivers (its -j workers'
 * too, from the machine's slots: lab/uids.h), with no
 * capability and no_new_privs, every mount read-only, nosuid and nodev
 * but what it writes (the run's directory, where its user may write
 * only its cases' directories and the files goneaway gave it; a tmpfs
 * of its own, its TMPDIR and HOME), in a PID namespace of its own.  The
 * directories it runs from and reads (its command's, the drivers'
 * cache) are reached at their own paths even below one no one else may
 * search (root's home), which it then sees nothing else of.  Not root,
 * a driver runs as goneaway does. */

/* Gives dir (a case's directory, driver-test's taps: made by goneaway,
 * root's) to the drivers' user to write: root's still, their group's,
 * mode 01770 (sticky: they cannot remove or replace what goneaway put
 * there).  Nothing when goneaway is not root.  Returns 0, or -1 with
 * err set. */
int ga_driver_case_dir(const char *dir, struct ga_error *err);

/* dir (the drivers' directory, whose files the commands of
 * drivers/drivers.list name: a driver imports what is beside its own
 * directory, drivers/pylib) is reached whole, read-only, by every driver
 * process this process starts from now on.  Returns 0, or -1 with err
 * set. */
int ga_driver_reach(const char *dir, struct ga_error *err);
/* Every driver view of this process (and the workers it forks) reaches
 * argv's words too, as it reaches a cmd: line's: driver-test's driver,
 * whose cmd: line is its tap's.  Returns 0, or -1 with err set. */
int ga_driver_reach_words_also(const char *const *argv, struct ga_error *err);

/* dir (driver-test's taps, given with ga_driver_case_dir) is writable
 * too for every driver process this goneaway process starts from now
 * on ("" or NULL: none again).  Returns 0, or -1 with err set. */
int ga_driver_writable_also(const char *dir, struct ga_error *err);

/* The driver processes this process starts from now on use the cache
 * of argv's driver (each driver's cache is its own, keyed by its
 * command: client/internal.h), whatever their own command (driver-test's
 * tap, over that driver); NULL: each its own again.  Returns 0, or -1
 * with err set. */
int ga_driver_cache_as(char *const *argv, struct ga_error *err);

/* Ends every kept driver process (client/process_cases.c: a driver declaring
 * "cases", between two cases) that lives in the network namespace whose
 * inode is netns, or every one for 0: their namespace is given up, or
 * the run ends. */
void ga_driver_drop_kept(ino_t netns);

/* How many driver processes are kept now, idle between cases. */
unsigned ga_driver_kept_count(void);

/* The driver processes of drv's that this process can give a case
 * without a runtime's start (a -j worker tells its parent:
 * plan/jobs_schedule.h): those kept idle, or GA_DRIVER_FORKS_ANY while
 * it keeps a zygote of drv's, which forks a copy for each of any
 * number of connections at a fork's cost, not a start's. */
#define GA_DRIVER_FORKS_ANY 0x7fffffffu
unsigned ga_driver_ready_count_of(const struct ga_driver *drv);

/* Frees what a driver owns (not drv itself). */
void ga_driver_release(struct ga_driver *drv);

/* A call name kept as long as drv: returns the kept copy of api (NULL
 * when out of memory). */
const char *ga_driver_intern(struct ga_driver *drv, const char *api);

/* Installs the no-op SIGUSR1 handler the built-in driver uses to
 * interrupt a blocked system call in a worker thread.  Call once from
 * main(), before any thread exists. */
int ga_driver_builtin_init(struct ga_error *err);

#endif
