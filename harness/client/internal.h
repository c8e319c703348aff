/* internal.h - what the built-in driver's files share (client/ only).
 *
 * The calls themselves (the MySQL C API in mysqlapi/, a raw TCP socket
 * in client/rawconn.c) are the boundary where the C API's errors
 * (mysql_errno, mysql_sqlstate, mysql_error) become struct ga_outcome
 * values.  None of them blocks longer than the handle's own timeouts
 * allow; the watchdog (client/client.c) bounds them further.
 * client/sockets.c finds the sockets a call made, so that cancelling it
 * cuts only its own.
 */
#ifndef GA_CLIENT_INTERNAL_H
#define GA_CLIENT_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <mysql.h>

#include "lab/spawn.h"
#include "mysqlapi/mysqlapi.h"
#include "lang/outcome.h"
#include "lang/scenario.h"
#include "util/error.h"

/* ---- client/rawconn.c ----------------------------------------------------- */

/* A bare TCP connection that speaks no MySQL: it connects, lets the
 * server's greeting arrive and never answers.  Connects to host:port
 * (numeric IPv4) within timeout_ms; on success *fd is the connected
 * socket (the caller closes it). */
void ga_raw_connect(const char *host, unsigned port, long timeout_ms,
		    int *fd, struct ga_outcome *out);

/* Reads fd until the peer closes it or timeout_ms pass.  Ok with the
 * value "eof" (an orderly close) or "reset" (ECONNRESET); a hang when
 * the server kept it open.  The message counts the bytes read. */
void ga_raw_drain(int fd, long timeout_ms, struct ga_outcome *out);

/* ---- client/sockets.c ----------------------------------------------------- */

/* The inodes of the TCP sockets in a namespace, sorted: what existed
 * before a call started, so that cancelling it cuts only the sockets it
 * made. */
struct ga_socket_set {
	ino_t *inodes;                  /* owned */
	size_t n;
};

/* Fills set with every TCP socket of the namespace netns_fd now.
 * Returns 0, or -1 with err set (set is then empty). */
int ga_socket_set_take(int netns_fd, struct ga_socket_set *set,
		       struct ga_error *err);
void ga_socket_set_free(struct ga_socket_set *set);

/* Takes every inode of these out of set (both sorted). */
void ga_socket_set_remove(struct ga_socket_set *set,
			  const struct ga_socket_set *these);

/* Aborts the TCP sockets of netns_fd that are not in before, and the one
 * with inode known (0: none), by their identity in the kernel
 * (SOCK_DESTROY; a blocked call on one gets ECONNABORTED), or, on a
 * kernel without it, shuts down this process's descriptors of them.
 * Returns how many, or -1 with err set. */
int ga_sockets_cut(int netns_fd, const struct ga_socket_set *before,
		   ino_t known, struct ga_error *err);

/* Aborts the TCP sockets of netns_fd whose inode is in these, the same
 * way.  Returns how many, or -1 with err set. */
int ga_sockets_cut_these(int netns_fd, const struct ga_socket_set *these,
			 struct ga_error *err);

/* The sockets process pid and its children hold (read from /proc/PID/fd:
 * names, never descriptors).  set is empty when there are none or pid is
 * gone. */
void ga_socket_set_of_process(pid_t pid, struct ga_socket_set *set);

/* The local ports of the TCP sockets of netns_fd whose inode is in set
 * and whose peer is host:port (IPv4), as the kernel lists them: at most
 * max into ports, their number into *n.  Returns 0, or -1 with err set. */
int ga_socket_ports_to(int netns_fd, const struct ga_socket_set *set,
		       const char *host, unsigned port, unsigned *ports,
		       size_t max, size_t *n, struct ga_error *err);

/* The inode of socket fd, or 0 when fd is not a socket.  Call it only
 * where no other thread may close fd. */
ino_t ga_socket_inode(int fd);

/* ---- client/proctree.c: a process as /proc says ---------------------------- */

/* The PIDs of "children" of every task of pid (a child forked by any
 * thread) into kids, at most max; returns how many there are, -1 when
 * pid is gone. */
int ga_proc_children(pid_t pid, pid_t *kids, int max);

/* Whether pid has ended (gone, or a zombie waiting to be reaped: no
 * longer a process of anyone's). */
bool ga_proc_ended(pid_t pid);

/* Whether descriptor fd of process pid is the file dev and ino (read
 * from /proc/PID/fd: a name, never the descriptor itself). */
bool ga_proc_fd_is(pid_t pid, int fd, dev_t dev, ino_t ino);

/* The PID of the process of pidfd (one of this process's descriptors)
 * as its own PID namespace numbers it (the last of its fdinfo's NSpid,
 * read through the descriptor: never a PID that came free since), or 0
 * when the kernel does not say (it ended and was reaped). */
pid_t ga_proc_pidfd_nspid(int pidfd);

/* pid, or one of its first 8 children, that reads the file in on its
 * descriptor 0 and writes out on 1 (a spawned copy's pipes, as fstat
 * said): its PID, or 0. */
struct stat;
pid_t ga_proc_pipes_holder(pid_t pid, const struct stat *in,
			   const struct stat *out);

/* What a driver process may write to a file, its standard error first
 * (lab/spawn.h, file_max: RLIMIT_FSIZE, a write past it fails with
 * EFBIG).  It writes no other file but what its runtime makes once
 * (drivers/java/run.sh's class-data archive: 2.3 MiB measured), so the
 * bound is its log's.  A kept process's log, one for all its cases, is
 * given up past half of it (client/process_cases.c). */
#define GA_DRIVER_LOG_MAX (64LL << 20)

/* ---- client/confine.c: how a driver process runs (client/driver.h) ---------- */

struct ga_client_env;
struct ga_spawn_confine;
struct ga_spawn_opts;
struct ga_spawn_view;

/* A driver process's confinement, for one spawn (so points into it
 * until ga_driver_jail_free()). */
struct ga_driver_jail {
	struct ga_spawn_confine *confine;       /* owned, NULL: none */
	struct ga_spawn_view *view;             /* owned */
	char *env[8];                           /* owned, NULL last */
};

/* Sets so, all else zero, for a driver process's spawn: argv in
 * netns_fd (-1: this one), its stderr to log (bounded by
 * GA_DRIVER_LOG_MAX), its stdin in[0] and stdout out[1] (through
 * pipes, which so points to), in a process group and a PID namespace
 * of its own. */
void ga_driver_spawn_opts(struct ga_spawn_opts *so, const char *const *argv,
			  int netns_fd, const char *log, int pipes[2],
			  const int in[2], const int out[2]);

/* Confines so, a driver process's spawn (its argv, cwd, netns_fd set)
 * for env (NULL: outside any case - a probe, driver-test's driver
 * alone): fills j and points so->confine, so->env and (when NULL)
 * so->cwd into it; nothing when goneaway is not root.  Release j with
 * ga_driver_jail_free() once the spawn returned.  Returns 0, or -1
 * with err set. */
int ga_driver_jail(struct ga_driver_jail *j, struct ga_spawn_opts *so,
		   const struct ga_client_env *env, struct ga_error *err);
void ga_driver_jail_free(struct ga_driver_jail *j);

/* ---- client/reach.c: what a driver reaches ---------------------------- */

/* What a confined driver process reads besides the system's own
 * directories, added to v (docs/driver-protocol.md, "Processes and
 * namespaces").  A path's "repository" is the nearest of its directory
 * and the 8 above it that holds a .git, short of "/", a directory just
 * below it and anyone's home; without one, its directory (when not
 * that wide), else the file alone.  Every link on the way of a path as
 * it is named is made again where the driver would see nothing (a
 * checkout named through a link), what it names reached in turn. */

/* Each word of argv that is an absolute path to something there, with
 * its repository.  Returns 0, or -1 with err set (too many). */
int ga_driver_reach_words(struct ga_spawn_view *v, const char *const *argv,
			  struct ga_error *err);

/* goneaway's own installation (its binary's repository or directory:
 * the shipped drivers and fixtures), as it runs and as its first word
 * names it, and the directory it was started from (its repository, or
 * itself), as it is and as $PWD names it.  Returns 0, or -1 with err
 * set. */
int ga_driver_reach_own(struct ga_spawn_view *v, struct ga_error *err);

/* Gives a file goneaway made for a confined driver to open (a kept
 * process's log, a spawn's named pipes) to the drivers' user, by its
 * descriptor or by path (never following a last symlink).  Nothing when
 * goneaway is not root.  Returns 0, or -1 with errno set. */
int ga_driver_give_fd(int fd);
int ga_driver_give_path(const char *path);

/* The drivers' caches built (docs/driver-protocol.md, "Processes and
 * namespaces"): from ga_driver_build_begin() to ga_driver_build_end(),
 * the first driver process this process starts (ga_driver_process's
 * probe, driver-test's driver alone: outside any case) sees its own
 * cache (client/cache.c) as a writable copy of it, and what it added is
 * then made root's and put in the cache, which every other driver
 * process reads and cannot write.  Nothing when goneaway is not root
 * or has no drivers' cache.  begin returns 0, or -1 with err set (the
 * drivers then start as in a case); end says on stderr what it could
 * not keep. */
int ga_driver_build_begin(struct ga_error *err);
void ga_driver_build_end(void);

/* ---- client/cache.c: a driver's own cache, built by a confined probe ----- */

/* Each driver's cache is its own, keyed by its command, so that no
 * driver's build adds to another's: $GONEAWAY_DRIVER_CACHE/cmd-KEY. */
#define GA_CACHE_KEY 17                 /* 16 hex digits and '\0' */

/* The key of a driver's command, argv (its words as started; its
 * program by its name alone). */
int ga_cache_key(const char *const *argv, char key[GA_CACHE_KEY],
		 struct ga_error *err);

/* The cache of key's driver, made (root's, 0755) when it is not there,
 * into dir ("" when goneaway gives the drivers no cache).  Returns 0, or
 * -1 with err set. */
int ga_cache_dir(const char *key, char *dir, size_t len, struct ga_error *err);

/* A build's copy of a driver's cache (ga_cache_work_open). */
struct ga_cache_work {
	char dir[PATH_MAX];     /* the cache it copies */
	char top[PATH_MAX];     /* CACHE/drivers-building-XXXXXX, root's,
				 * "" when none */
	char work[PATH_MAX];    /* top/cache: the copy, uid's */
	int lock;               /* held while it is there */
	unsigned uid;
};

/* A copy of the cache dir a confined process of uid can add to, in
 * w->work: each directory made again, uid's, and each regular file
 * hard-linked (root's: read, never written); a name with a leading '.'
 * (a lock, a half-made file) is left out.  What the cache holds is made
 * readable by others on the way (the drivers' users read it).  Copies a
 * build of a run gone left are removed first.  Returns 0, or -1 with err
 * set (nothing is left). */
int ga_cache_work_open(const char *dir, unsigned uid, struct ga_cache_work *w,
		       struct ga_error *err);

/* Puts into the cache what the process made in its copy - each regular
 * file of uid's with one link, at its path, root's (mode 0644 or 0755,
 * its times kept: a JVM's archive checks a jar's), written aside and
 * renamed into place; directories made root's (0755) as needed; nothing
 * followed or waited on (O_NOFOLLOW, O_NONBLOCK); a name with a leading
 * '.', a link, a FIFO, a file of anyone else's left out; at most
 * GA_CACHE_ADOPT_MAX bytes in all - then removes the copy.  Said on
 * stderr when it cannot.  Nothing when w holds none. */
#define GA_CACHE_ADOPT_MAX (1LL << 30)
void ga_cache_work_close(struct ga_cache_work *w);

/* ---- client/keep.c: kept driver processes ---------------------------------- */

struct ga_driver;
struct ga_driver_conn;

/* An idle kept driver process (client/process.c's connection state
 * between two cases) handed to the registry, which owns it until it is
 * taken back or ended: quit(conn) asks it to exit (every one being ended
 * is asked first, so that they exit side by side), end(conn) stops and
 * frees it.  drv and netns say which cases it can serve (a client's, in
 * that client namespace). */
void ga_keep_idle_put(struct ga_driver_conn *conn, const struct ga_driver *drv,
		      ino_t netns, void (*quit)(struct ga_driver_conn *),
		      void (*end)(struct ga_driver_conn *));

/* The idle process of drv in netns that served a case last, taken out
 * of the registry (the caller owns it again), or NULL. */
struct ga_driver_conn *ga_keep_idle_take(const struct ga_driver *drv,
					 ino_t netns);

/* Where a driver process of a case came from, as its report says it
 * (docs/results-jsonl.md, client_setup): kept is false for a process of
 * one connection (no feature "cases", --fresh-drivers); forked for a
 * copy its zygote forked fresh for the case; replaced, "" or why the
 * process of the case before was not used; cases, how many cases the
 * process began, this one included.  Never "kept for the next case":
 * a case cannot know that its process will be. */
void ga_keep_setup_text(bool kept, bool forked, const char *replaced,
			unsigned cases, char *buf, size_t len);

/* The processes of the PID namespace whose first process (goneaway's
 * init) is init, but init: at most max PIDs into pids, sorted; returns
 * how many (max + 1: more), or -1 when init is gone. */
#define GA_KEEP_TREE_MAX 16
int ga_keep_tree(pid_t init, pid_t *pids, int max);

/* Whether that namespace holds the processes was (from ga_keep_tree
 * after the greeting: a wrapper and the driver it started) and no
 * other: 1, or 0 with why naming what was forked or is gone. */
int ga_keep_tree_same(pid_t init, const pid_t *was, int nwas, char *why,
		      size_t len);

/* Whether every socket init and its descendants hold is in held (the
 * inodes they held after the greeting): 1, or 0 with why naming how
 * many are not. */
int ga_keep_sockets_within(pid_t init, const struct ga_socket_set *held,
			   char *why, size_t len);

/* ---- client/zygote.c: the processes that spawn the others ----------------- */

/* A zygote (client/process.c's connection state of a driver process that
 * declared "spawn" and serves no case) handed to the registry, which
 * owns it until it is ended: end(conn) stops and frees it.  One per
 * client (drv) and client namespace (netns) of this process. */
void ga_zygote_put(struct ga_driver_conn *conn, const struct ga_driver *drv,
		   ino_t netns, void (*end)(struct ga_driver_conn *));

/* The zygote of drv in netns (borrowed: the registry's), or NULL. */
struct ga_driver_conn *ga_zygote_find(const struct ga_driver *drv,
				      ino_t netns);

/* Whether a zygote of drv is kept, in any client namespace. */
bool ga_zygote_kept_of(const struct ga_driver *drv);

/* Takes conn out of the registry and ends it, and with it its PID
 * namespace: every process it spawned.  Nothing when it is not there. */
void ga_zygote_end(struct ga_driver_conn *conn);

/* Ends every zygote in the network namespace whose inode is netns, or
 * every one for 0 (ga_driver_drop_kept, after the idle processes). */
void ga_zygote_drop(ino_t netns);

/* What a process left in a zygote's namespace is called (its PID). */
#define GA_ZYGOTE_STRAY "process %d is left in its zygote's PID namespace " \
	"(a process a driver started outlived it)"

/* The process a zygote just forked: the one child of init (the
 * zygote's namespace's, goneaway's init) but the zygote, or of the
 * zygote, that is none of kids (n of them) and has not ended (a zombie
 * is not one); of several, the one whose standard input and output are
 * the pipes in and out, and *stray one of the others (a process a copy
 * before it left).  Its PID, *orphan true when it is the init's (forked
 * through a process that exited: its end is then the init's to tell,
 * ga_zygote_ends_wait), false when the zygote's own child; 0 when there
 * is none, -1 when there are several and not one holds the pipes. */
pid_t ga_zygote_new_child(pid_t init, pid_t zygote, const pid_t *kids,
			  size_t n, const struct stat *in,
			  const struct stat *out, bool *orphan, pid_t *stray);

/* Whether the PID namespace of goneaway's init init holds what a
 * zygote's must: init's children the zygote and copies among kids (n of
 * them; one that has ended is no longer anyone's), and the zygote's
 * children among kids.  A process a spawned driver started that
 * outlived it, or one that left its parent, lands with init; one the
 * zygote forked on its own is its child.  1, or 0 with why saying
 * which. */
int ga_zygote_clean(pid_t init, pid_t zygote, const pid_t *kids, size_t n,
		    char *why, size_t len);

/* How a zygote's copies ended, as the init of its namespace said
 * (lab/spawn.h, reaped_fd): its latest records, kept until asked. */
#define GA_ZYGOTE_ENDS 64
struct ga_zygote_ends {
	size_t n;
	struct ga_spawn_reaped got[GA_ZYGOTE_ENDS];    /* oldest first */
};

/* Drops what e holds of ns_pid (a new copy's PID in its namespace, once
 * another's): what ends it had are not the new one's. */
void ga_zygote_ends_forget(struct ga_zygote_ends *e, int fd, pid_t ns_pid);

/* How the process ns_pid (numbered as the zygote's namespace numbers
 * it) ended, waited for up to wait_ms on fd: 1 and *status (as waitpid
 * says), taken out of e; 0 when the init said nothing of it in time. */
int ga_zygote_ends_wait(struct ga_zygote_ends *e, int fd, pid_t ns_pid,
			long wait_ms, int *status);

/* Appends what file from holds past offset to the file to (created,
 * never through a symlink).  Returns 0, or -1 with err set. */
int ga_keep_log_copy(const char *from, long long offset, const char *to,
		     struct ga_error *err);

#endif
