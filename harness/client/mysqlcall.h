/* mysqlcall.h - libmysqlclient calls that fill a struct ga_outcome.
 *
 * This is the boundary where the C API's errors (mysql_errno,
 * mysql_sqlstate, mysql_error) become goneaway values; the built-in
 * driver and the server's admin connection (lab/admin.c) both use it.
 */
#ifndef GA_MYSQLCALL_H
#define GA_MYSQLCALL_H

#include <mysql.h>

#include "lang/outcome.h"

/* Records mysql's current error as the outcome of api. */
void ga_mysql_set_error(MYSQL *mysql, const char *api, struct ga_outcome *out);

/* mysql_real_query, then mysql_store_result when there is a result set;
 * the first column of the first row becomes the outcome's value.  Records
 * the thread id before and after. */
void ga_mysql_query(MYSQL *mysql, const char *sql, struct ga_outcome *out);

/* mysql_real_query, then mysql_use_result and the first row: the rows
 * stay on the wire.  On success *res is the open result (the caller owns
 * it: ga_mysql_fetch() frees it) and the first row's first column is the
 * value. */
void ga_mysql_stream(MYSQL *mysql, const char *sql, MYSQL_RES **res,
		     struct ga_outcome *out);

/* Reads the rest of a streamed result with mysql_fetch_row and frees it
 * (*res becomes NULL).  The value is the number of rows read here; a
 * NULL row with mysql_errno set is the error. */
void ga_mysql_fetch(MYSQL *mysql, MYSQL_RES **res, struct ga_outcome *out);

/* Copies the first column of row into out's value. */
void ga_mysql_keep_value(MYSQL_RES *res, MYSQL_ROW row, struct ga_outcome *out);

#endif
