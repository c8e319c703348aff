/* snapshot.h - what a scenario can change in a running server, read over
 * the admin connection, so that the runner can tell whether a server is
 * still as it was when it was set up (run/reuse.c keeps a clean one for
 * the next case).
 *
 * A snapshot is a sorted list of lines "SECTION KEY\tVALUE", one per
 * thing it looked at:
 *   global   every global variable (SHOW GLOBAL VARIABLES)
 *   status   every global status counter (compared only for the names a
 *            caller asks about: most count by themselves)
 *   schema   every schema
 *   table    every table, view and sequence outside information_schema,
 *            performance_schema and sys: its type, engine, AUTO_INCREMENT
 *            and, for a base table, its CHECKSUM TABLE (the rows in it)
 *   grant    the CHECKSUM TABLE of every privilege table (users, their
 *            passwords, grants, roles)
 *   routine  stored routines, events and installed plugins (a trigger
 *            needs a table, which "table" shows)
 *   session  every client session but the snapshot's own and the
 *            server's daemons (a case that ended must leave none)
 *   lock     tables in use or locked, InnoDB transactions, prepared XA
 *            transactions
 *
 * (The error log is not in it: a case reads its own part of the log,
 * from its mark on, run/marks.c; run/reuse.c looks there for errors.)
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
	char **lines;           /* owned, sorted */
	size_t n;
};

/* Reads srv's state on an admin connection of its own (closed before it
 * returns).  Returns 0, or -1 with err set (no admin connection, a query
 * that failed, out of memory). */
int ga_snapshot_take(struct ga_server *srv, struct ga_snapshot *snap,
		     struct ga_error *err);

void ga_snapshot_free(struct ga_snapshot *snap);

/* Compares after with before, every section but "status".  Returns true
 * when they are the same; else false with why set to the first
 * differences in words: "global wait_timeout changed (28800 -> 5)",
 * "table goneaway.t1 appeared", "session 12 is left (goneaway, Sleep)". */
bool ga_snapshot_same(const struct ga_snapshot *before,
		      const struct ga_snapshot *after, char *why, size_t len);

/* Whether before and after differ, and only in lines whose key starts
 * with prefix ("table goneaway."): what a scenario made in the
 * application's database alone, which dropping that database undoes. */
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
 * copied and sorted.  Returns 0, or -1 when out of memory. */
int ga_snapshot_from_text(struct ga_snapshot *snap, const char *text);

#endif
