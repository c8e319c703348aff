/* mysqlcall.h - libmysqlclient calls that fill a struct ga_outcome.
 *
 * This is the boundary where the C API's errors (mysql_errno,
 * mysql_sqlstate, mysql_error) become goneaway values.  None of these
 * functions blocks longer than the handle's own timeouts allow; the
 * callers bound them further with a watchdog (client.c).
 */
#ifndef GA_MYSQLCALL_H
#define GA_MYSQLCALL_H

#include <mysql.h>

#include "outcome.h"

/* Records mysql's current error as the outcome of api. */
void ga_mysql_set_error(MYSQL *mysql, const char *api, struct ga_outcome *out);

/* mysql_real_query, then mysql_store_result when there is a result set;
 * the first column of the first row becomes the outcome's value.  Times
 * the calls and records the thread id before and after. */
void ga_mysql_query(MYSQL *mysql, const char *sql, struct ga_outcome *out);

#endif
