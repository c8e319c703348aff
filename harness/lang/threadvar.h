/* threadvar.h - a connection's server thread id in a step's SQL.
 *
 * A statement that must name a connection's server thread (KILL QUERY
 * of another session, a lookup in the processlist) writes the
 * connection's name in the form of the %repeat variable (lang/expand.h):
 *
 *     admin KILL QUERY %thread[app]%
 *     query watcher SELECT COMMAND FROM information_schema.PROCESSLIST WHERE ID = %thread[app]%
 *
 * "%thread[NAME]%" stands for the server thread id NAME has when the step
 * runs (its last connect, or a later reconnect: client/client.h's
 * ga_client_thread_id); NAME must be a declared connection.  The parser
 * finds and checks every one (ga_threadvar_next) and keeps, with the
 * step, which connection each names; the runner looks the ids up and
 * substitutes them (ga_threadvars_apply) after the %repeat expansion,
 * each time the step runs.  Used in the SQL of query, send, prepare,
 * stream and admin, and in errorlog's text ("Aborted connection
 * %thread[app]% to db": that session's line).
 */
#ifndef GA_THREADVAR_H
#define GA_THREADVAR_H

#include <stddef.h>

#include "lang/scenario.h"
#include "util/error.h"

#define GA_THREADVAR_OPEN "%thread["
#define GA_THREADVAR_CLOSE "]%"

/* The %thread[NAME]% of one step's SQL. */
struct ga_threadvars {
	size_t n;
	int *conns;             /* owned: the connection each names, in
				 * text order (indexes of sc->connections) */
	char (*names)[GA_NAME_MAX];     /* owned: ... and its name */
	char *text;             /* owned: the SQL as last substituted */
	char **old;             /* owned: earlier substitutions, kept for
				 * a call that may still read them (an
				 * abandoned one) until the scenario is
				 * freed */
	size_t nold;
};

/* Finds the next "%thread[NAME]%" in s[0..n) at or after from.  Returns 1
 * with *start the offset of its '%', *name and *namelen NAME (in s) and *end
 * the offset just past it; 0 when there is none; -1 with msg the reason
 * and *start the offset of the bad "%thread[" (no closing "]%", no
 * NAME). */
int ga_threadvar_next(const char *s, size_t n, size_t from, size_t *start,
		      const char **name, size_t *namelen, size_t *end,
		      char *msg, size_t msglen);

/* The step's SQL sql (NUL-terminated: after its %repeat expansion) with
 * every %thread[NAME]% replaced by ids[conn], in decimal; ids is indexed
 * by connection and holds no 0 for a connection the step names (the
 * caller says which has no thread).  *out is borrowed: it stays valid
 * until the scenario is freed.  A step without threads gives sql itself.
 * Returns 0, or -1 with err set (out of memory). */
int ga_threadvars_apply(const struct ga_step *step, const char *sql,
			const unsigned long *ids, const char **out,
			struct ga_error *err);

/* The step's SQL sql with every %thread[NAME]% replaced as
 * ga_threadvars_apply() replaces it, as a new string the caller frees
 * (NULL: out of memory); kept nowhere.  What lang/trust.c checks is
 * what the runner sends.  Pure. */
char *ga_threadvars_substitute(const struct ga_step *step, const char *sql,
			       const unsigned long *ids);

/* Frees t and every text it made; NULL is fine. */
void ga_threadvars_free(struct ga_threadvars *t);

#endif
