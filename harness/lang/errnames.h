/* errnames.h - MySQL/MariaDB error names and numbers.
 *
 * The table is generated at build time from the installed client headers
 * (errmsg.h for CR_* client errors, mysqld_error.h for ER_* server errors)
 * by gen-errnames.sh, so it always matches the library we link against.
 */
#ifndef GA_ERRNAMES_H
#define GA_ERRNAMES_H

#include <stddef.h>

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

#endif
