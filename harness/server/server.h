/* server.h - the scenario's database server, behind a backend.
 *
 * A backend knows how to make one kind of server run inside a scenario's
 * lab: "local" starts the host's mariadbd (server/server_local.c),
 * "rootfs" a MySQL or MariaDB server unpacked in a root filesystem,
 * chrooted (server/server_rootfs.c), "docker" the server of a container
 * image inside a container of its own (server/server_docker.c).  Each is
 * one row of server/backends.c's table and owns its --server prefix
 * (server/backends.h).  Everything else about a server is the same for
 * every backend and lives here (server/server.c, server/admin.c,
 * server/id.c): readiness, the admin connection, clean stops, crashes,
 * the error log, the server's identity and what it said about the
 * scenario's server-option lines.
 *
 * A server listens on GA_LAB_SERVER_ADDR:GA_SERVER_PORT inside the lab's
 * server namespace and on a unix socket in the scenario's private
 * directory.  The harness's "admin" connection goes over that socket
 * (outside the faulty network) for KILL, SET GLOBAL and status counters:
 * a privileged account of its own, connected for one step at a time, so
 * that the scenario's settings never end it and it never holds a slot or
 * a timeout the scenario measures (server/admin.c).
 *
 * Lifetimes: one struct ga_server_backend per run (ga_server_backend_open
 * ... ga_server_backend_close); one struct ga_server per scenario run
 * (ga_server_create ... ga_server_destroy), whatever the verdict.
 */
#ifndef GA_SERVER_H
#define GA_SERVER_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include <mysql.h>

#include "lab/memcg.h"
#include "lab/spawn.h"
#include "lab/uids.h"
#include "lang/outcome.h"
#include "lang/scenario.h"
#include "util/checklist.h"
#include "util/error.h"
#include "util/interrupt.h"

#define GA_SERVER_PORT 3306

/* The lab's accounts (fixtures/server/bootstrap.sql).  The passwords are
 * not secrets: a server is reachable only inside the scenario's own
 * namespaces and through its private unix socket. */
#define GA_ADMIN_USER "goneaway_admin"          /* socket only; no SUPER, FILE */
#define GA_ADMIN_PASSWORD "goneaway"
#define GA_APP_USER "goneaway"                  /* privileges on its database */
#define GA_APP_PASSWORD "goneaway"
#define GA_APP_DATABASE "goneaway"
#define GA_PRIV_USER "goneaway_root"            /* privileged, any host */
#define GA_PRIV_PASSWORD "goneaway"

/* Returned by a backend's prepare when this machine cannot run it (no
 * binary, no engine): every scenario SKIPs with err's message. */
#define GA_SERVER_UNAVAILABLE (-2)

/* What a backend is given for a run (borrowed strings). */
struct ga_server_options {
	const char *mariadbd;           /* local: server binary */
	const char *install_db;         /* local: mariadb-install-db */
	const char *arg;                /* what --server named after the
					 * backend's prefix (its parse):
					 * rootfs the root's directory,
					 * docker the image; local none */
	const char *run_dir;            /* the run's directory (its
					 * containers are labelled with it) */
	const char *fixtures_dir;       /* holds server/mariadb.cnf, ... */
	const char *cache_dir;          /* template datadirs */
	long timeout_ms;                /* bound on start-up and shutdown */
};

struct ga_server;
struct ga_server_backend;

struct ga_server_backend_ops {
	const char *name;               /* "local", "rootfs", "docker" */
	/* How --server names the backend: a whole word ("local"), or a
	 * prefix ending in ':' that the backend's argument follows
	 * ("rootfs:", "docker:"); usage is what messages show
	 * ("rootfs:DIR").  One row of server/backends.c's table each. */
	const char *prefix;
	const char *usage;
	/* What --help says of it, after its usage ("the host's mariadbd
	 * (default)"), "\n" between lines; and, for a backend with
	 * parse_name, the usage and words of those names ("NAME"). */
	const char *help;
	const char *names_usage;
	const char *names_help;
	/* What follows the prefix, not empty, is the backend's argument
	 * (ga_server_options.arg), and arg_name what messages call it
	 * ("path", "image name"); an empty one is none of this backend's
	 * (the --server value is then unknown).  NULL: the backend takes no
	 * argument (arg is ""). */
	const char *arg_name;
	/* Optional: --server NAME with no prefix, a name the backend knows
	 * in roots_dir (rootfs: a root ci/build-server-root.sh built).
	 * Returns 0 with arg set, or 1 after appending ", NAME" to known
	 * (a string of known_len bytes) for each name it knows. */
	int (*parse_name)(const char *name, const char *roots_dir, char *arg,
			  size_t len, char *known, size_t known_len);
	/* Optional: what the backend runs programs from (local: its
	 * programs; rootfs: the root and its server's programs), checked
	 * by util/trustdir.h's rule before anything runs (o: the run's
	 * options, arg set).  What is not there is left to prepare (a
	 * SKIP).  Returns 0, or GA_TRUSTDIR_REFUSED (or -1) with err naming
	 * what and why. */
	int (*check)(const struct ga_server_options *o, struct ga_error *err);
	/* Checks what the backend needs and makes sure the template
	 * datadir exists.  Returns 0, GA_SERVER_UNAVAILABLE (SKIP) or -1
	 * (ERROR), err set. */
	int (*prepare)(struct ga_server_backend *be, struct ga_interrupt *in,
		       struct ga_error *err);
	void (*release)(struct ga_server_backend *be);
	/* The scenario's server, not running yet: its private copy of the
	 * template and its configuration (the fixture, the private paths,
	 * the scenario's server-option lines), in srv->dir. */
	int (*create)(struct ga_server *srv, const struct ga_scenario *sc,
		      struct ga_error *err);
	/* A namespace of the backend's own that the server must live in (a
	 * container's), or -1: the lab makes one and sets srv->netns_fd. */
	int (*own_netns)(const struct ga_server *srv);
	/* Starts the server process in srv->netns_fd (ga_server_spawn:
	 * under an init of goneaway's, unless it joins a container's PID
	 * namespace) and sets srv->pid (as the host sees it: pause, stop
	 * and crash signal it), srv->pidfd, srv->init and srv->initfd.
	 * Readiness is waited for by the caller. */
	int (*spawn)(struct ga_server *srv, struct ga_error *err);
	/* The server process is known to have exited (or was SIGKILLed):
	 * reap it (ga_server_reap).  *status gets its wait status, or -1
	 * when unknown. */
	void (*reap)(struct ga_server *srv, int *status);
	/* The server resolves names through the lab's resolver
	 * (server/resolver.c): "requires resolver" runs here. */
	bool lab_resolver;
	/* Where the server sees srv->dir: NULL, at its own path (the
	 * host's file system); GA_SPAWN_ROOT_MOUNT in a root or a
	 * container.  The one directory it may write below (lab/spawn.h,
	 * confined). */
	const char *inside;
	/* Removes what create made outside srv->dir (the caller removes
	 * srv->dir).  The process is gone by then. */
	void (*destroy)(struct ga_server *srv);
	/* "goneaway doctor": what the backend needs on this machine, one
	 * line each (o: the --mariadbd and --install-db given; as_root:
	 * goneaway runs as root).  Required lines are what the shipped
	 * scenarios need; NULL: nothing to check. */
	void (*doctor)(const struct ga_server_options *o, bool as_root,
		       struct ga_checklist *c);
	/* "goneaway sweep": removes what runs that are gone left outside
	 * their run directories (a container), those for which alive(run
	 * directory) is false, and says on out what it removed; NULL:
	 * nothing to sweep. */
	void (*sweep)(bool (*alive)(const char *run), FILE *out);
};

struct ga_server_backend {
	const struct ga_server_backend_ops *ops;
	struct ga_server_options opts;          /* copied; strings borrowed */
	char template_dir[PATH_MAX];            /* set by prepare */
	char tls_dir[PATH_MAX];                 /* the lab's certificate,
						 * set by prepare */
	char *fixture_cnf;                      /* owned text, set by prepare */
	const char *next_label;                 /* borrowed: the label of the
						 * scenario the next create is
						 * most likely for (the runner
						 * says), NULL: none.  A backend
						 * may prepare for it. */
	void *state;                            /* the backend's own */
	/* The slots one start of this server takes of the machine's
	 * server starts in flight (server/starts.h: two a core; set by
	 * prepare: MariaDB 1, MySQL 2; 0 counts as 1). */
	unsigned start_weight;
	double last_start_ms;                   /* this process's last start,
						 * spawn to ready; 0: none */
	double last_start_wait_ms;              /* ... and how long it waited
						 * for its slots before */
};

/* A start's weight by flavour (struct ga_server_backend.start_weight):
 * a MySQL 9.7 start costs four to five times MariaDB's CPU (330 against
 * 75 ms on a 2-core VM, 2.5 s against 0.4 s on a slower one). */
unsigned ga_server_start_weight(enum ga_flavour flavour);

/* A server's private directory, dir: the harness's (root's, mode 0711:
 * the server cannot add, remove or swap an entry, so every path the
 * harness opens there as root is the file it made), holding my.cnf
 * (root's) and what the server's own user owns (lab/uids.h): data/,
 * run/ (the socket, the pid file), tmp/, files/ (secure_file_priv),
 * error.log and the TLS certificate and key.  The server may write
 * there and nowhere else (lab/spawn.h, confined). */
struct ga_server {
	struct ga_server_backend *be;   /* borrowed */
	char dir[PATH_MAX];             /* the scenario's private directory */
	char cnf[PATH_MAX];             /* dir/my.cnf */
	char datadir[PATH_MAX];         /* dir/data */
	char socket[PATH_MAX];          /* dir/s.sock: goneaway's link to
					 * the socket the server binds,
					 * dir/run/s.sock (made at each
					 * start: the path every connection
					 * takes, which the server's user
					 * cannot swap) */
	char errlog[PATH_MAX];          /* dir/error.log (for messages:
					 * read with ga_server_log_read) */
	struct ga_uid uid;       /* its user and group, held */
	struct ga_spawn_confine confine; /* how every start is confined */
	int netns_fd;                   /* borrowed: where it listens */
	pid_t pid;                      /* 0 while not running */
	int pidfd;                      /* -1 while not running; readable
					 * once it ended */
	pid_t init;                     /* goneaway's init of the server's
					 * PID namespace (lab/program.h),
					 * which exits with it and is what
					 * is reaped; 0: none (the server
					 * joined a container's) */
	int initfd;                     /* -1 while none */
	MYSQL *admin;                   /* owned; only during an admin step */
	char version[128];              /* the greeting's version */
	struct ga_server_id id;
	char notes[1024];               /* what the server said about the
					 * scenario's server-option lines */
	int rejected_line;              /* the server-option line it
					 * refused at start-up, 0: none */
	long long log_ready;            /* the error log's size when it was
					 * last ready */
	struct ga_memcg memcg;          /* a memory limit of its own
					 * (ga_server_limit_memory): path ""
					 * when it has none */
	void *state;                    /* the backend's own */
};

/* Opens a backend for a run: ops->prepare.  Returns as prepare does;
 * release with ga_server_backend_close() whatever it returned. */
int ga_server_backend_open(struct ga_server_backend *be,
			   const struct ga_server_backend_ops *ops,
			   const struct ga_server_options *opts,
			   struct ga_interrupt *in, struct ga_error *err);
void ga_server_backend_close(struct ga_server_backend *be);

/* Fills in srv's paths under dir (which exists) and lets the backend
 * make the scenario's private copy.  Nothing runs yet.  Release with
 * ga_server_destroy(), also after a failure. */
int ga_server_create(struct ga_server *srv, struct ga_server_backend *be,
		     const char *dir, const struct ga_scenario *sc,
		     struct ga_error *err);

/* Starts the server and waits (a bounded poll, never a sleep) until the
 * admin connection is up; srv->version and srv->id are then set.  On a
 * first start, srv->notes gets the server's warnings about sc's
 * server-option lines and a refused option sets srv->rejected_line.
 * The start holds its slots of the machine's starts in flight
 * (server/starts.h) from the spawn until it is ready.  The bound on
 * readiness is the backend's timeout_ms stretched by the machine's load
 * (util/machine.h) and at least 20 times this process's last start; hit,
 * the error says the machine was too slow, and how slow. */
int ga_server_start(struct ga_server *srv, const struct ga_scenario *sc,
		    struct ga_interrupt *in, struct ga_error *err);

/* Gives srv, before it starts, a memory limit of its own: a cgroup in
 * run named after srv's directory, limited to limit bytes
 * (lab/memcg.h), which the server's process enters before it execs, at
 * every start.  Past it the kernel's OOM killer ends the server.  The
 * cgroup goes with ga_server_destroy().  Returns 0, or -1 with err set. */
int ga_server_limit_memory(struct ga_server *srv,
			   const struct ga_memcg_run *run, long long limit,
			   struct ga_error *err);

/* How many times the OOM killer killed a process of srv's memory cgroup
 * (it has one: ga_server_limit_memory).  Returns 0, or -1 with err
 * set. */
int ga_server_oom_kills(const struct ga_server *srv, long long *n,
			struct ga_error *err);

/* Clean shutdown: SIGTERM, then waits for the exit (bounded).  One
 * that does not come within the bound (or is interrupted) is a
 * SIGKILL, and an error: either way the server is gone after it and
 * can be started again. */
int ga_server_stop(struct ga_server *srv, struct ga_interrupt *in,
		   struct ga_error *err);

/* SIGKILL and reap: a crash. */
int ga_server_crash(struct ga_server *srv, struct ga_error *err);

/* For cleanup paths: closes the admin connection, SIGKILLs the server if
 * it still runs, undoes what the backend made and removes its memory
 * cgroup.  Safe to call at any time, repeatedly. */
void ga_server_destroy(struct ga_server *srv);

/* Runs sql on a fresh admin connection, closed right after; out gets
 * the outcome (first value of the first row, if any; server/admin.c).
 * Returns 0, or -1 with err set when there was no admin connection to be
 * had (the server is down, or full even for the privileged slot): a
 * harness error, never the scenario's outcome. */
int ga_server_admin_query(struct ga_server *srv, const char *sql,
			  struct ga_outcome *out, struct ga_error *err);

/* KILLs the session of the client connection from host ("198.18.0.1:
 * 40312": address and port, as the process list's HOST says them) and
 * waits until it has left the process list (bounded: 2 s), on an admin
 * connection of its own, opened and closed here: srv is only read (its
 * socket), so a thread other than the runner's may call it while the
 * runner's thread uses srv.  what gets "KILL 12".  Returns 0, or -1 with
 * err set: no such session, no admin connection, the KILL refused. */
int ga_server_kill_host(const struct ga_server *srv, const char *host,
			char *what, size_t len, struct ga_error *err);

/* KILL QUERY of session id once it runs a statement.  The server forgets
 * a KILL QUERY that comes before the statement begins (even one it is
 * still reading), so this looks at the session's process list row on
 * one admin connection until its command is not Sleep and its
 * statement's text is there, then KILLs.  Between looks it calls
 * pause(ctx), which waits a little (srv untouched meanwhile) and says
 * whether the statement's answer came before it returned.  No KILL is
 * made when the session is gone, or when the answer came and the session
 * runs nothing; past wait_ms it KILLs all the same.  On MariaDB the KILL
 * names the statement seen (KILL QUERY ID): one that ended before it is
 * no KILL (0), never its session's next statement.  *waited_ms: how
 * long it looked.  Returns 1 (KILLed: out is the KILL's outcome), 0 (no
 * KILL: why says why), or -1 with err set as ga_server_admin_query(). */
int ga_server_kill_query_running(struct ga_server *srv, unsigned long id,
				 bool (*pause)(void *ctx), void *ctx,
				 long wait_ms, long *waited_ms, char *why,
				 size_t len, struct ga_outcome *out,
				 struct ga_error *err);

/* Runs the n statements of sql one after another on one fresh admin
 * connection (the first may drop the database the connection started
 * in), stopping at the first that fails: its outcome is then in out.
 * Returns as ga_server_admin_query(). */
int ga_server_admin_queries(struct ga_server *srv, const char *const *sql,
			    size_t n, struct ga_outcome *out,
			    struct ga_error *err);

/* ga_server_admin_queries() as the privileged account (SUPER): only for
 * statements the harness built itself from parts it checked - a SET
 * GLOBAL rendered from an allow-listed name and a literal
 * (lang/sqltext.h) - never a scenario's own text. */
int ga_server_privileged_queries(struct ga_server *srv,
				 const char *const *sql, size_t n,
				 struct ga_outcome *out, struct ga_error *err);

/* Each base table of the schemas that are not the server's own (mysql,
 * information_schema, performance_schema, sys), in name order, read
 * whole by CHECKSUM TABLE, all on one fresh privileged admin connection
 * (server/checksum.c), closed after: each(ctx, name, sum) for every
 * table in turn, name as SQL names it ("`lab`.`t`"), sum its checksum
 * (NULL when the server has none).  Past max tables none is read: an
 * error.  *n gets how many were.  Returns 0, or -1 with err set: no
 * admin connection (as ga_server_admin_query()), a statement refused
 * (its code and message), too many tables. */
int ga_server_table_checksums(struct ga_server *srv, size_t max,
			      void (*each)(void *ctx, const char *name,
					   const char *sum),
			      void *ctx, size_t *n, struct ga_error *err);

/* Reads status counter name (letters, digits and '_') the way the
 * server's flavour keeps it, into out (out->value, out->has_value: a
 * counter the server does not have returns none).  Returns as
 * ga_server_admin_query(). */
int ga_server_status(struct ga_server *srv, const char *name,
		     struct ga_outcome *out, struct ga_error *err);

/* The error log's size in bytes now (0 while it does not exist, or is
 * not a file goneaway reads: below). */
long long ga_server_log_size(const struct ga_server *srv);

/* What the error log holds from byte *from on, at most max bytes of it
 * (as ga_file_read_from(), util/fsutil.h: *from says 0 when the log is
 * shorter; a missing log reads as empty), into a new buffer (*out,
 * free() it).  The log is the server's user's: it is opened beneath
 * srv->dir, a regular file with one link, never followed nor waited on
 * (util/beneath.h).  Returns 0, or -1 with err set. */
int ga_server_log_read(const struct ga_server *srv, long long *from,
		       size_t max, char **out, size_t *len,
		       struct ga_error *err);

/* The error log opened for reading as ga_server_log_read() opens it:
 * a new descriptor (the caller closes it), GA_WITHIN_MISSING
 * (util/beneath.h), or -1 with err set. */
int ga_server_log_open(const struct ga_server *srv, struct ga_error *err);

/* The session that wrote the error log's line around at, a place in
 * text (the log, or a part of it that begins at a line's start): the
 * thread id after the line's time, into *id (0: the server's own
 * thread).  false when the line has not that shape (server/errlog_line.c).
 */
bool ga_errlog_line_session(const char *text, const char *at,
			    unsigned long *id);

/* Parses a "10.11.19-MariaDB-0+deb12u1" style version string into id.
 * A string containing "MariaDB" is flavour MariaDB, anything else MySQL
 * (server/id.c). */
void ga_server_id_parse(const char *version, struct ga_server_id *id);

#endif
