/* internal.h - what the server's files share (server/ only): the admin
 * connection (server/admin.c) and a session on it (server/server.c,
 * for server/checksum.c), the configuration every backend writes
 * (server/cnf.c), what image backends share (server/image.c) and the
 * backends themselves (rows of server/backends.c). */
#ifndef GA_SERVER_INTERNAL_H
#define GA_SERVER_INTERNAL_H

#include "server/rootfs.h"
#include "server/server.h"
#include "lab/spawn.h"
#include "mysqlapi/mysqlapi.h"

/* ---- the admin connection (server/admin.c) ------------------------------ */

/* Connects the admin account over srv->socket and raises its session
 * timeouts out of any scenario's reach; sets srv->admin, srv->version and
 * srv->id.  Returns 0 or -1 with err set (nothing kept). */
int ga_admin_connect(struct ga_server *srv, struct ga_error *err);

/* ga_admin_connect() as another account (the privileged one, for
 * ga_server_privileged_queries). */
int ga_admin_connect_as(struct ga_server *srv, const char *user,
			const char *password, struct ga_error *err);

/* Closes the admin connection (COM_QUIT: the server logs no abort). */
void ga_admin_close(struct ga_server *srv);

/* What a session does on its admin connection m: its statements, their
 * outcome in out (result GA_RESULT_OK, or the failure). */
typedef void (*ga_admin_work)(MYSQL *m, void *ctx, struct ga_outcome *out);

/* work on a fresh connection of the privileged account, closed after
 * (server/server.c): as ga_server_privileged_queries(), which is one
 * such session.  Returns as ga_server_admin_query(). */
int ga_server_privileged_session(struct ga_server *srv, ga_admin_work work,
				 void *ctx, struct ga_outcome *out,
				 struct ga_error *err);

/* ---- the scenario's my.cnf (server/cnf.c) ------------------------------- */

/* The parts of srv->dir the server writes (server.h), made by
 * ga_server_create: run/ its socket and pid file; tmp/ its temporary
 * files, its own, never the host's /tmp (another process may remove
 * them: a temporary table was deleted from under one); files/ where SQL
 * may read and write files (LOAD_FILE, INTO OUTFILE, LOAD DATA INFILE):
 * its secure_file_priv, for every run (MySQL and MariaDB refuse a path
 * elsewhere with 1290; a scenario's server-option secure_file_priv comes
 * later and wins - and meets the confinement). */
#define GA_SERVER_DATA_DIR "data"
#define GA_SERVER_ERRLOG "error.log"
#define GA_SERVER_SOCKET "s.sock"  /* in run/, and goneaway's link to it */
#define GA_SERVER_RUN_DIR "run"
#define GA_SERVER_TMP_DIR "tmp"
#define GA_SERVER_FILES_DIR "files"

/* Writes srv->cnf: a header naming the scenario, fixture (the fixture
 * config's text, but a line of an option that one of sc's server-option
 * lines names again is commented out), the scenario's private paths as
 * the server sees them (inside: what srv->dir is called where the server
 * runs; srv->dir for a local server) and sc's server-option lines, last,
 * so they win.  extra (may be NULL) is more [mysqld] lines the backend
 * needs. */
int ga_server_write_cnf(const struct ga_server *srv, const char *fixture,
			const char *inside, const char *extra,
			const struct ga_scenario *sc, struct ga_error *err);

/* Copies the lab's certificate and key (be->tls_dir: the cache, which
 * the server's user cannot read) into srv->dir, where my.cnf's ssl_cert
 * and ssl_key name them (ga_server_create gives them to that user).
 * Returns 0, or -1 with err set. */
int ga_server_copy_tls(const struct ga_server *srv, struct ga_error *err);

/* ---- the lab's resolver (server/resolver.c) ---------------------------------- */

/* Writes the lab's resolver files into dir: resolv.conf (the lab's name
 * server, GA_LAB_RESOLVER_ADDR, which never answers: a lookup waits 2 s
 * and fails), nsswitch.conf (hosts: files dns - never a name service
 * that reaches outside the lab, such as systemd-resolved) and hosts
 * (localhost only); and fills *files to bind them over root's
 * /etc/resolv.conf, /etc/nsswitch.conf and /etc/hosts (root "" is the
 * host's /), and to hide nscd's socket directories.  Every server a
 * local or root backend starts gets them, so a server that resolves
 * client names (skip-name-resolve off) asks the lab, never a real DNS
 * server.  Returns 0, or -1 with err set. */
int ga_server_resolver(const char *dir, const char *root,
		       struct ga_spawn_files *files, struct ga_error *err);

/* ---- the programs a backend runs to completion (server/helpers.c) ----------
 * The probe ("SERVER --version") and each step of a template's build
 * (mariadb-install-db, "--bootstrap", "--initialize-insecure") are a
 * root's or an image's programs as much as its server is, and run as
 * confined as it (lab/spawn.h): a user of their own (lab/uids.h), no
 * capability, no_new_privs, every mount read-only, nosuid and nodev but
 * the one directory they write; and a network namespace with lo alone
 * and a PID namespace of their own (so nothing they start outlives
 * them), unless they join a container's, which ends with the container.
 * When goneaway is not root they run as the caller, who is no one
 * else. */

/* Takes the user they run as from the machine's slots (lab/uids.h,
 * GA_UIDS_DIR), held until ga_uid_give(); id 0 when goneaway is
 * not root.  Returns 0, or -1 with err set. */
int ga_helper_user(struct ga_uid *u, struct ga_error *err);

/* Confines sp as above for user u: fills c (release it with
 * ga_spawn_confine_release() after the spawn) and points sp->confine at
 * it; writable is the directory it writes, as the child sees it ("":
 * none).  With u->id 0, nothing changes.  Returns 0, or -1 with err
 * set. */
int ga_helper_confine(const struct ga_uid *u, const char *writable,
		      struct ga_spawn_opts *sp, struct ga_spawn_confine *c,
		      struct ga_error *err);

/* ---- the server's process (server/server.c) ---------------------------------
 * Every server runs as PID 2 of a PID namespace of its own under an init
 * of goneaway's (lab/program.h), unless it joins a container's PID
 * namespace (docker: the container's own init; the container's removal
 * ends it): a process the server starts in a session of its own ends
 * with it.  srv->pid is the server's, which pause, stop and crash
 * signal; the init is what goneaway reaps. */

/* Spawns opts (a backend's: argv, files, root, join) for srv, in srv's
 * network namespace, with its error log, memory cgroup and confinement,
 * and sets srv->pid, srv->pidfd, srv->init and srv->initfd.
 * Returns 0, or -1 with err set. */
int ga_server_spawn(struct ga_server *srv, struct ga_spawn_opts *opts,
		    struct ga_error *err);

/* A backend's reap: waits for the process ga_server_spawn made (the
 * init, else the server) and sets *status to the server's wait status
 * (-1 when unknown). */
void ga_server_reap(struct ga_server *srv, int *status);

/* ---- servers from an image's filesystem (server/image.c) -------------------
 * The rootfs and docker backends: the server sees the scenario's private
 * directory at GA_SPAWN_ROOT_MOUNT (/goneaway), runs as its own user
 * (lab/uids.h), and gets the fixtures of its flavour.  The template's
 * build is theirs, and the local backend's too. */

/* The flavour's fixture config and bootstrap SQL under fixtures_dir:
 * server/mysql.cnf and mysql-bootstrap.sql for MySQL, server/mariadb.cnf
 * and bootstrap.sql (the local server's) for MariaDB. */
void ga_image_fixtures(enum ga_flavour flavour, const char *fixtures_dir,
		       char *cnf, size_t cnf_len, char *sql, size_t sql_len);

/* How ga_image_build makes root's template: part of its key (static). */
const char *ga_image_format(const struct ga_root *root);

/* A template build: the flavour's own initialisation, one program at a
 * time through step, which runs argv (paths as the build sees them)
 * confined (ga_helper_confine: user uid, work writable) with work seen
 * at inside, stdin from input (a host path; NULL: /dev/null) and output
 * to work/install.log (see ga_template_run_step).  work is goneaway's,
 * with my.cnf and the accounts' SQL; the build writes data/, tmp/ and
 * run/, which are uid's.  finish (may be NULL) is called last, whatever
 * happened: it ends whatever the steps left running (docker: the
 * build's container), so that nothing of the build runs on while
 * goneaway takes its datadir. */
struct ga_image_build {
	const char *server;             /* mariadbd, mysqld */
	const char *install_db;         /* "" for MySQL */
	enum ga_root_init init;
	const char *inside;             /* where the build sees work:
					 * /goneaway; NULL: where it is */
	unsigned uid;                   /* the build's user (0: the caller,
					 * goneaway not root) */
	const char *fixture_cnf;        /* text */
	const char *sql_path;           /* the flavour's bootstrap SQL */
	int (*step)(void *arg, struct ga_interrupt *in, const char *work,
		    const char *const *argv, const char *input,
		    struct ga_error *err);
	void (*finish)(void *arg);
	void *step_arg;
};

/* b, zeroed, as the build of root's server (its programs seen at
 * GA_SPAWN_ROOT_MOUNT) by uid, with the fixture's cnf text and the
 * bootstrap SQL at sql_path; its step is the caller's. */
void ga_image_build_of(struct ga_image_build *b, const struct ga_root *root,
		       unsigned uid, const char *fixture_cnf,
		       const char *sql_path);

/* The build of struct ga_template_opts; arg is a struct ga_image_build. */
int ga_image_build(void *arg, struct ga_interrupt *in, const char *work,
		   const char *datadir, struct ga_error *err);

/* A scenario's server not running yet: the template's copy, tmp/, the
 * lab's certificate and my.cnf, in srv->dir (seen at /goneaway). */
int ga_image_create(struct ga_server *srv, const struct ga_scenario *sc,
		    struct ga_error *err);

/* ga_image_create()'s datadir and my.cnf for a server that sees
 * srv->dir at seen_dir (the local backend's: srv->dir itself). */
int ga_image_create_at(struct ga_server *srv, const struct ga_scenario *sc,
		       const char *seen_dir, struct ga_error *err);

/* Starts an image's server (server: its path inside the image) on the
 * scenario's files: "SERVER --defaults-file=/goneaway/my.cnf" (the
 * image's own /etc/mysql/my.cnf is never read) in the server namespace,
 * its output to the error log, chrooted into root or joined to join
 * (exactly one of them), with files (may be NULL; not with join) in
 * place of its own. */
int ga_image_spawn(struct ga_server *srv, const char *server,
		   struct ga_spawn_root *root,
		   const struct ga_spawn_join *join,
		   const struct ga_spawn_files *files, struct ga_error *err);

/* The backends, one row each, in the order --server tries their
 * prefixes and --help and doctor list them: ga_server_NAME, defined in
 * server/server_NAME.c. */
#define GA_SERVER_BACKENDS(X) X(local) X(rootfs) X(docker)

#define GA_SERVER_DECLARE(name) \
	extern const struct ga_server_backend_ops ga_server_##name;
GA_SERVER_BACKENDS(GA_SERVER_DECLARE)
#undef GA_SERVER_DECLARE

#endif
