/* snapshot.h - what a scenario can change in a running server, read over
 * the admin connection (and, for what a next start reads, from the
 * datadir), so that the runner can tell whether a server is still as it
 * was when it was set up (run/reuse.c keeps a clean one for the next
 * case).
 *
 * A snapshot is a sorted list of lines "SECTION KEY\tVALUE", one per
 * thing it looked at.  Two depths: a short one, of what a case whose
 * statements all ran as the application account (privileges on its own
 * database alone) can change, and a full one, of everything a statement
 * of any account can.  The short sections, read at both depths:
 *   session    every client session but the snapshot's own, by thread
 *              id: "user, command, statement" (read first and again
 *              last: a session there at either time is in it)
 *   thread     every thread of the server's own, told apart from a
 *              client's by what it is, not by any name a case can give
 *              it: no client host (Host ''), or the command a client
 *              cannot have (Daemon): the event scheduler, replication
 *   status     the global status counters Aborted* (compared only for
 *              the names a caller asks about: what a session that ended
 *              badly moves, run/reuse.c; the others count by themselves
 *              and are not read)
 *   schema     every schema but the application's, with its character
 *              set and collation
 *   app        the application's database (GA_APP_DATABASE): its
 *              character set, its tables and views, routines and events
 *              (dropping and making it again undoes them all)
 *   grant      every account and the CHECKSUM TABLE of every privilege
 *              table (an account can change its own password)
 *   persisted  what the next start reads besides the tables: MySQL's
 *              datadir/mysqld-auto.cnf (SET PERSIST, PERSIST_ONLY), its
 *              variables' names and a digest ("none" without one)
 *   lock       tables in use or locked, InnoDB transactions of a session
 *   xa         transactions no session holds: prepared XA transactions
 *              (XA RECOVER, and InnoDB's with no thread)
 * The full sections besides:
 *   global     every global variable (SHOW GLOBAL VARIABLES)
 *   table      every table, view and sequence of every schema but the
 *              application's, information_schema and performance_schema
 *              (so mysql and sys too): its type, engine, AUTO_INCREMENT
 *              and when it was last written (UPDATE_TIME: a write a case
 *              undid still shows, and a server keeps in memory what it
 *              read from the mysql tables - time zones, functions,
 *              events); for a base table its CHECKSUM TABLE.  The tables
 *              the server writes by itself are compared by what it cannot
 *              change alone: the log tables by their row count, the
 *              InnoDB statistics by their rows, not by their time
 *   def        the definitions: views, routines, events and triggers
 *              (MySQL: a digest of each from information_schema; MariaDB:
 *              every definition and non-InnoDB data file of the datadir
 *              outside the application's database, by size and mtime to
 *              the nanosecond: .frm, .TRG, .TRN, .MAD, .MAI, .MYD ...)
 *   plugin     every plugin loaded (MySQL; MariaDB's mysql.plugin is a
 *              table above, which INSTALL and UNINSTALL write)
 *   pfs        the CHECKSUM TABLE of every performance_schema setup_%
 *              table, and the instrumenting of the server's own threads
 *
 * (The error log is not in it: a case reads its own part of the log,
 * from its mark on, run/marks.c; run/reuse.c looks there for errors.)
 *
 * The admin account needs SELECT on everything, PROCESS, RELOAD; on
 * MySQL, SHOW VIEW-free view definitions come with SELECT, but triggers
 * are listed only with TRIGGER (on sys.* at least: the one schema a case
 * can add a trigger to that survives it) and prepared XA transactions
 * with XA_RECOVER_ADMIN, without which InnoDB's list still shows them
 * (docs/running.md, "Servers: kept or fresh").
 *
 * Ownership: ga_snapshot_take fills a snapshot the caller releases with
 * ga_snapshot_free (also after a failure; a zeroed one is empty).
 */
#ifndef GA_SERVER_SNAPSHOT_H
#define GA_SERVER_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "server/server.h"
#include "util/error.h"

struct ga_snapshot {
	char **lines;           /* owned, sorted, no line twice */
	size_t n, cap;
	bool full;              /* the full depth (else the short one) */
	size_t sessions;        /* client sessions seen while it was taken
				 * (a full one with any is short instead) */
	bool innodb_trx;        /* it listed an InnoDB transaction: a list
				 * the server answers from a cache (see
				 * GA_SNAPSHOT_TRX_CACHE_MS) */
};

/* InnoDB answers information_schema.INNODB_TRX from a cache that it
 * refreshes only when nobody has read it for 0.1 s (trx0i_s.cc,
 * CACHE_MIN_IDLE_TIME_US; MariaDB and MySQL alike): snapshots taken
 * closer together than this see the transactions of the first again,
 * however long ago they ended.  A caller that reads again until a
 * transaction is gone waits at least this long between readings. */
#define GA_SNAPSHOT_TRX_CACHE_MS 110

/* Reads srv's state on an admin connection of its own (closed before it
 * returns), to the full depth or the short one.  Returns 0, or -1 with
 * err set (no admin connection, a query that failed, out of memory). */
int ga_snapshot_take(struct ga_server *srv, bool full,
		     struct ga_snapshot *snap, struct ga_error *err);

void ga_snapshot_free(struct ga_snapshot *snap);

/* Adds the line "section key\tvalue" (value vlen bytes) to snap: tabs
 * and newlines become blanks, a long value is cut and its hash added.
 * For the readers of a snapshot (server/snapshot*.c); call
 * ga_snapshot_sort once all are in.  Returns 0, or -1 with err set (out
 * of memory, too many lines). */
int ga_snapshot_add(struct ga_snapshot *snap, const char *section,
		    const char *key, const char *value, size_t vlen,
		    struct ga_error *err);

/* The "persisted" line of the server whose private directory is dir
 * (server.h; its datadir is dir/data, the server's user's: read beneath
 * dir, util/beneath.h; server/snapshot_files.c).  Returns 0, or -1 with
 * err set (the file is not one goneaway reads: a symlink, a FIFO ...). */
int ga_snapshot_add_persisted(struct ga_snapshot *snap, const char *dir,
			      struct ga_error *err);

/* A "def file" line for each definition and non-InnoDB data file of
 * every schema's directory in dir's datadir but skip_schema's
 * (MariaDB's; server/snapshot_files.c): looked at, never opened, no
 * symlink followed.  Returns 0, or -1 with err set. */
int ga_snapshot_add_datadir(struct ga_snapshot *snap, const char *dir,
			    const char *skip_schema, struct ga_error *err);

/* Sorts snap's lines and drops repeated ones. */
void ga_snapshot_sort(struct ga_snapshot *snap);

/* Whether section (the first word of a line) is read at the short
 * depth too. */
bool ga_snapshot_short_section(const char *line);

/* Compares after with before, every section but "status", and only the
 * short sections unless both are full.  Returns true when they are the
 * same; else false with why set to the first differences in words:
 * "global wait_timeout changed (28800 -> 5)", "app table t1 appeared",
 * "session 12 is left (goneaway, Sleep, NULL)". */
bool ga_snapshot_same(const struct ga_snapshot *before,
		      const struct ga_snapshot *after, char *why, size_t len);

/* Whether before and after differ, and only in lines whose key starts
 * with prefix ("app "): what a scenario made in the application's
 * database alone, which dropping that database undoes. */
bool ga_snapshot_differ_only_in(const struct ga_snapshot *before,
				const struct ga_snapshot *after,
				const char *prefix);

/* The thread ids of the client sessions in after that before does not
 * have, at most max of them into ids.  Returns how many there are. */
size_t ga_snapshot_new_sessions(const struct ga_snapshot *before,
				const struct ga_snapshot *after,
				unsigned long *ids, size_t max);

/* Whether status counter name (any case) has the same value in both;
 * else false with why set ("status Aborted_clients changed (0 -> 1)").
 * A counter neither has is the same. */
bool ga_snapshot_same_status(const struct ga_snapshot *before,
			     const struct ga_snapshot *after,
			     const char *name, char *why, size_t len);

/* Parses text, lines "SECTION KEY\tVALUE" (for tests): the lines are
 * copied and sorted; full says the depth it stands for.  Returns 0, or
 * -1 when out of memory. */
int ga_snapshot_from_text(struct ga_snapshot *snap, const char *text,
			  bool full);

#endif
