/* id.c - the server's identity from its version string (see
 * ga_server_id_parse in server/server.h): the greeting's, or what
 * "--version" prints in a root. */
#include "server/server.h"

#include <stdio.h>
#include <string.h>

void ga_server_id_parse(const char *version, struct ga_server_id *id)
{
	unsigned long major = 0, minor = 0, patch = 0;

	id->flavour = strstr(version, "MariaDB") ? GA_FLAVOUR_MARIADB
						 : GA_FLAVOUR_MYSQL;
	if (sscanf(version, "%lu.%lu.%lu", &major, &minor, &patch) < 1)
		major = minor = patch = 0;
	id->version = major * 10000 + minor * 100 + patch;
}
