/* errlog_line.c - see server.h: which session wrote a line of the
 * server's error log.
 *
 * MariaDB and MySQL both begin a line with its time and the id of the
 * thread that wrote it, then the level in brackets:
 *
 *   2026-11-27  4:16:38 7 [Warning] Aborted connection 7 to db: ...
 *   2026-11-27T04:16:38.123456Z 7 [Note] [MY-010914] [Server] Aborted ...
 *
 * The id is the session's (its CONNECTION_ID(), its processlist ID); 0
 * is the server's own thread.  A line of another shape (a banner, a
 * stack trace) names no session. */
#include "server/server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool ga_errlog_line_session(const char *text, const char *at,
			    unsigned long *id)
{
	const char *line = at, *end, *bracket, *p;
	unsigned long v;
	char *stop;

	while (line > text && line[-1] != '\n')
		line--;
	end = strchr(line, '\n');
	if (!end)
		end = line + strlen(line);
	/* the first " [" of the line, after its date and time */
	bracket = strstr(line, " [");
	if (!bracket || bracket >= end || bracket - line > 48)
		return false;
	/* the word before it: the thread id, digits only */
	p = bracket;
	while (p > line && p[-1] >= '0' && p[-1] <= '9')
		p--;
	if (p == bracket || p == line || p[-1] != ' ' || bracket - p > 20)
		return false;
	errno = 0;
	v = strtoul(p, &stop, 10);
	if (stop != bracket || errno != 0)
		return false;
	*id = v;
	return true;
}
