/* explore_catalogue.c - the codes docs/catalogue.md names for one
 * client, for goneaway explore's oracle: a step's code that the
 * catalogue's tables of codes do not name for the client explored is
 * *new* (issue 59: "every error is one the catalogue knows for that
 * client").  The tables are the measured ones, each between a
 * "<!-- codes: ... -->" line and "<!-- end codes -->", a row per
 * server and client ("| local/pymysql | PASS 2013,InterfaceError |
 * ..."); a client with no row there is judged against every code the
 * catalogue names, as before. */
#include "cli/explore_plan.h"

#include <stdlib.h>
#include <string.h>

/* Whether line, a row of a table of codes, is client's: its first cell
 * SERVER/CLIENT. */
static bool row_of(const char *line, size_t len, const char *client)
{
	const char *cell = line + 1, *end, *slash;
	size_t n = strlen(client);

	if (len < 2 || line[0] != '|')
		return false;
	end = memchr(cell, '|', len - 1);
	if (!end)
		return false;
	slash = memchr(cell, '/', (size_t)(end - cell));
	if (!slash)
		return false;
	for (slash++; end > slash && end[-1] == ' '; end--)
		;
	return (size_t)(end - slash) == n && memcmp(slash, client, n) == 0;
}

char *ex_catalogue_for(const char *text, const char *client)
{
	const char *line = text, *nl;
	char *out = NULL, *more;
	size_t used = 0, len;
	bool inside = false;

	for (; *line; line = *nl ? nl + 1 : nl) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line);
		len = (size_t)(nl - line);
		if (strncmp(line, "<!-- codes:", 11) == 0)
			inside = true;
		else if (strncmp(line, "<!-- end codes -->", 18) == 0)
			inside = false;
		else if (inside && row_of(line, len, client)) {
			more = realloc(out, used + len + 2);
			if (!more) {
				free(out);
				return NULL;
			}
			out = more;
			memcpy(out + used, line, len);
			used += len;
			out[used++] = '\n';
			out[used] = '\0';
		}
	}
	return out;
}
