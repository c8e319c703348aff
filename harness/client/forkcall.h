/* forkcall.h - a process that forks while it holds a connection.
 *
 * After fork() parent and child share one TCP socket (one open file
 * description) but each has its own copy of the MYSQL handle's state.
 * Whatever the child does on the socket, the parent's handle never
 * learns about it:
 *
 *   close  the child calls mysql_close(): COM_QUIT goes to the server,
 *          which ends the session the parent still believes it has;
 *   exit   the child exits without a word: the socket stays open in the
 *          parent, nothing happens;
 *   share  both query the handle at the same time, count queries each:
 *          their requests and answers interleave on one stream, so a
 *          process can read the answer to the other's query.
 *
 * Every query in "share" selects a text unique to the process and the
 * iteration ('parent:17'); the answer is checked, so rows that belong to
 * the other process's query are reported as a wrong result, not missed.
 */
#ifndef GA_FORKCALL_H
#define GA_FORKCALL_H

#include <mysql.h>

#include "lang/outcome.h"
#include "lang/scenario.h"

/* Forks, lets the child do mode with mysql, and (for share) queries in
 * the parent too; waits for the child (bounded by child_ms, then it is
 * SIGKILLed by its PID).  The outcome is the parent's view: for close and
 * exit the fork itself (ok), for share the worst thing either process
 * saw: a wrong result, else an error, else a hang of the child, else ok.
 * The message has both tallies. */
void ga_fork_call(MYSQL *mysql, enum ga_fork_mode mode, long count,
		  long child_ms, struct ga_outcome *out);

#endif
