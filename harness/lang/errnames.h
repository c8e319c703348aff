/* errnames.h - MySQL/MariaDB error names and numbers.
 *
 * The table is generated at build time from the installed client headers
 * (errmsg.h for CR_* client errors, mysqld_error.h for ER_* server errors)
 * by gen-errnames.sh, so it always matches the library we link against.
 */
#ifndef GA_ERRNAMES_H
#define GA_ERRNAMES_H

#include <stddef.h>

#include "lang/scenario.h"

struct ga_errname {
	const char *name;
	unsigned code;
};

/* Generated: every name in the headers, in header order. */
extern const struct ga_errname ga_errnames[];
extern const size_t ga_nerrnames;

/* Looks up a symbolic name ("CR_SERVER_LOST").  Returns 0 and sets *code,
 * or -1 when the installed headers do not define the name. */
int ga_errname_code(const char *name, unsigned *code);

/* The first name the headers give for code, or NULL.  The string is static. */
const char *ga_errname_name(unsigned code);

/* The name of code as a server of that flavour means it, or NULL.  The
 * headers are MariaDB Connector/C's: client codes (2000-2999) and the
 * server codes below 1800 are shared with MySQL, but MySQL numbers its
 * newer errors differently (its 4031 is ER_CLIENT_INTERACTION_TIMEOUT,
 * MariaDB's is a trigger error), so for a MySQL server those get no name
 * rather than a wrong one. */
const char *ga_errname_name_for(unsigned code, enum ga_flavour flavour);

#endif
